//! `jenguk bench media`: synthetic WebRTC participants against the real SFU in its own
//! process, and the plain UDP relay baseline.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_jenguk");

/// `received X of Y packets` of the line of one run (`SFU` or `relay`).
fn received(out: &str, run: &str) -> (u64, u64) {
    let line = out
        .lines()
        .find(|l| l.contains(&format!("visits {run} ")))
        .unwrap_or_else(|| panic!("no {run} line in:\n{out}"));
    let rest = line.split("received ").nth(1).unwrap();
    let mut words = rest.split_whitespace();
    let got: u64 = words.next().unwrap().parse().unwrap();
    assert_eq!(words.next(), Some("of"));
    let expected: u64 = words.next().unwrap().parse().unwrap();
    (got, expected)
}

#[test]
fn one_visit_is_forwarded_and_measured_against_the_relay() {
    let started = std::time::Instant::now();
    let out = Command::new(BIN)
        .args([
            "bench",
            "media",
            "--visits",
            "1",
            "--seconds",
            "2",
            "--warmup",
            "0.5",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every forwarded stream carried packets: family ↔ kiosk and both to the monitor, about
    // 50 audio + 60 video packets/s each, for 2.5 s of sending at least.
    for run in ["SFU", "relay"] {
        let (got, expected) = received(&stdout, run);
        assert!(expected >= 8 * 100, "{run}: {expected} expected\n{stdout}");
        // Most of them (a shared, busy machine drops some); a stream that delivered nothing
        // makes the bench itself fail.
        assert!(
            got * 10 >= expected * 7,
            "{run}: {got} of {expected}\n{stdout}"
        );
    }
    assert!(stdout.contains("SFU counters:"), "{stdout}");
    let header = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("visits"))
        .unwrap_or_else(|| panic!("no table in:\n{stdout}"));
    assert!(
        header.contains("SFU %/strm") && header.contains("ratio"),
        "{header}"
    );
    let row = stdout
        .lines()
        .find(|l| l.split_whitespace().take(2).eq(["1", "8"]))
        .unwrap_or_else(|| panic!("no row for 1 visit in:\n{stdout}"));
    let fwd_pkts: f64 = row.split_whitespace().nth(4).unwrap().parse().unwrap();
    assert!(fwd_pkts > 300.0, "forwarded packets/s: {row}");
    assert!(
        stdout.contains("≤0.15 % of a core per forwarded stream"),
        "{stdout}"
    );
    assert!(stdout.contains("≤40 MiB RSS at 10 visits"), "{stdout}");
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
}
