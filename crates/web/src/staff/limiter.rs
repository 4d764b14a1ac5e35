//! Failed console logins per source address, in memory: after [`MAX_FAILURES`] failures
//! (wrong password, locked account, wrong code) within [`WINDOW`], that address is refused
//! before any check until the window has passed. This slows one address trying many
//! usernames, which the per-account lockout does not. Per process: with several instances an
//! address gets that many per instance; the per-account lockout in the database still holds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per address within the window.
pub const MAX_FAILURES: u32 = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(10 * 60);
/// At most this many addresses are remembered (then the oldest windows are dropped).
const MAX_ADDRESSES: usize = 10_000;

static FAILURES: Mutex<Option<HashMap<String, (u32, Instant)>>> = Mutex::new(None);

fn with<T>(f: impl FnOnce(&mut HashMap<String, (u32, Instant)>) -> T) -> T {
    let mut guard = FAILURES.lock().unwrap_or_else(|p| p.into_inner());
    f(guard.get_or_insert_with(HashMap::new))
}

/// Whether this address has failed too often lately.
pub fn blocked(ip: Option<&str>) -> bool {
    let Some(ip) = ip else { return false };
    with(|m| {
        m.get(ip)
            .is_some_and(|(n, since)| *n >= MAX_FAILURES && since.elapsed() < WINDOW)
    })
}

/// Counts a failure of this address.
pub fn failed(ip: Option<&str>) {
    let Some(ip) = ip else { return };
    with(|m| {
        if m.len() >= MAX_ADDRESSES && !m.contains_key(ip) {
            m.retain(|_, (_, since)| since.elapsed() < WINDOW);
            if m.len() >= MAX_ADDRESSES {
                m.clear();
            }
        }
        let e = m.entry(ip.to_string()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= WINDOW {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_too_many_failures_and_others_are_not() {
        let ip = Some("192.0.2.77");
        for _ in 0..MAX_FAILURES - 1 {
            failed(ip);
        }
        assert!(!blocked(ip));
        failed(ip);
        assert!(blocked(ip));
        assert!(!blocked(Some("192.0.2.78")));
        assert!(!blocked(None));
    }
}
