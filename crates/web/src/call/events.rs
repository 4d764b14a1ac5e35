//! The countdown as server-sent events: one `tick` a second with the seconds left and the
//! end by the server's clock, a `warning` at two minutes and at thirty seconds, and `ended`
//! when the call is over (then the stream closes). Pages drive their countdown from these,
//! never from their own idea of the time.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use jenguk_domain::VisitId;
use jiff::Timestamp;
use serde_json::json;

use crate::AppState;
use crate::call::{Window, millis, window};

/// Seconds left at which the pages warn.
pub const WARNINGS: [i64; 2] = [120, 30];

struct Ticker {
    state: AppState,
    visit: VisitId,
    warned: [bool; 2],
    first: bool,
    done: bool,
}

/// The countdown of a visit's call.
pub fn countdown(
    state: AppState,
    visit: VisitId,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let t = Ticker {
        state,
        visit,
        warned: [false; 2],
        first: true,
        done: false,
    };
    let stream = futures_util::stream::unfold(t, |mut t| async move {
        if t.done || *t.state.closing.borrow() {
            // Done, or the server is shutting down: the browser reconnects by itself.
            return None;
        }
        if !t.first {
            let mut closing = t.state.closing.subscribe();
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = closing.wait_for(|c| *c) => return None,
            }
        }
        t.first = false;
        let now = Timestamp::now();
        let times = loop {
            match t.state.db.call_times(t.visit).await {
                Ok(times) => break times,
                Err(e) => {
                    tracing::warn!(error = %e, "countdown could not read the visit");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        let w = window(&times, now);
        let ends = times.ends_at();
        let left = ends.as_second() - now.as_second();
        let st = match w {
            Window::Open => "open",
            Window::TooEarly | Window::Requested => "waiting",
            Window::Ended => "ended",
            Window::Cancelled => "cancelled",
        };
        let mut warning = None;
        if w == Window::Open {
            for (i, at) in WARNINGS.iter().enumerate() {
                if left <= *at && !t.warned[i] {
                    t.warned[i] = true;
                    // Both passed at once (a late join): warn once, for the nearer.
                    warning = Some(*at);
                }
            }
        }
        let data = json!({
            "state": st,
            "remaining": left.max(0),
            "ends_at": millis(ends),
            "start_at": millis(times.start),
            "now": millis(now),
            "warning": warning,
        });
        let name = if matches!(w, Window::Ended | Window::Cancelled) {
            t.done = true;
            "ended"
        } else {
            "tick"
        };
        let ev = Event::default().event(name).data(data.to_string());
        Some((Ok(ev), t))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
