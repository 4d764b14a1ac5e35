//! The join page, `/join/{code}`: the page that will host the call (the video issue fills
//! it). The code is the secret, so the page needs no session; it shows only the facility and
//! the time, never who is visited, and repeated wrong codes from one address are refused
//! for a while (guessing codes must be useless).
//!
//! Before the start it shows the time left, rendered by the server; the browser reloads it
//! (an HTTP `Refresh` header, not a `<meta>` refresh, which accessibility checkers flag and
//! which the family can switch off with `?auto=0`). From five minutes before the start until
//! the call's end (slot + extension + make-up) it holds the call: the page's script
//! (`/call/family.js`) sends its offer to `/join/{code}/offer` and follows the countdown on
//! `/join/{code}/events` (see [`crate::call`]). Both count wrong codes on this limiter.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use jenguk_domain::VisitCode;
use jenguk_storage::StorageError;
use jiff::Timestamp;

use crate::AppState;
use crate::call::{EARLY_SECS, Window, window};
use crate::extract::{ClientIp, request_lang};
use crate::family::page::Chrome;
use crate::family::visits::{message, page, storage, when};
use crate::i18n::Lang;

/// Wrong codes allowed per address in a window.
pub const MAX_WRONG: u32 = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(600);
/// Addresses remembered at most (older windows are dropped first).
const MAX_ADDRESSES: usize = 50_000;

/// Wrong codes per client address, in memory (per server process).
#[derive(Default)]
pub struct JoinLimiter {
    hits: Mutex<HashMap<String, (Instant, u32)>>,
}

impl JoinLimiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u32)>> {
        self.hits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the address has used up its wrong codes in the current window.
    pub fn blocked(&self, ip: &str, now: Instant) -> bool {
        self.lock()
            .get(ip)
            .is_some_and(|(since, n)| now.duration_since(*since) < WINDOW && *n >= MAX_WRONG)
    }

    /// Counts a wrong code.
    pub fn wrong(&self, ip: &str, now: Instant) {
        let mut hits = self.lock();
        if hits.len() >= MAX_ADDRESSES {
            hits.retain(|_, (since, _)| now.duration_since(*since) < WINDOW);
        }
        if hits.len() >= MAX_ADDRESSES {
            // Still full of live windows: forget them rather than grow without bound.
            hits.clear();
        }
        let e = hits.entry(ip.to_string()).or_insert((now, 0));
        if now.duration_since(e.0) >= WINDOW {
            *e = (now, 0);
        }
        e.1 = e.1.saturating_add(1);
    }
}

/// The join page's route, with its own limiter.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/join/{code}", get(get_join))
        .route("/join/{code}/offer", post(crate::call::family::post_offer))
        .route("/join/{code}/events", get(crate::call::family::get_events))
        .layer(Extension(Arc::new(JoinLimiter::default())))
}

#[derive(Template)]
#[template(path = "family/join.html")]
struct JoinPage {
    chrome: Chrome,
    facility: String,
    when: String,
    /// One of `waiting`, `requested`, `open`, `ended`, `cancelled`.
    state: &'static str,
    countdown: Option<String>,
    code: String,
    path: String,
    auto: bool,
    /// The call page's script.
    script: String,
    /// `RTCConfiguration.iceServers` as JSON.
    ice: String,
}

/// The time left, written out, rounded up to the minute.
pub(crate) fn time_left(lang: Lang, secs: i64) -> String {
    let mins = (secs.max(0) + 59) / 60;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    if d > 0 {
        lang.t_args(
            "fv-left-days",
            &[("count", d.to_string()), ("hours", h.to_string())],
        )
    } else if h > 0 {
        lang.t_args(
            "fv-left-hours",
            &[("hours", h.to_string()), ("minutes", m.to_string())],
        )
    } else {
        lang.t_args("fv-left-minutes", &[("minutes", m.max(1).to_string())])
    }
}

async fn get_join(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<JoinLimiter>>,
    ClientIp(ip): ClientIp,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let lang = request_lang(&headers, query.as_deref());
    let ip = ip.unwrap_or_default();
    let started = Instant::now();
    if limiter.blocked(&ip, started) {
        let mut res = message(StatusCode::TOO_MANY_REQUESTS, lang, "fv-join-too-many", "/");
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
        return res;
    }
    let found = match VisitCode::parse(&code) {
        Ok(c) => state.db.visit_by_code(&c).await,
        Err(_) => Err(StorageError::NotFound("visit")),
    };
    let v = match found {
        Ok(v) => v,
        Err(StorageError::NotFound(_)) => {
            limiter.wrong(&ip, started);
            return message(StatusCode::NOT_FOUND, lang, "fv-join-not-found", "/");
        }
        Err(e) => return storage(lang)(e),
    };
    let facility = match state.db.facility_by_id(v.visit.facility_id).await {
        Ok(f) => f,
        Err(e) => return storage(lang)(e),
    };
    let times = match state.db.call_times(v.visit.id).await {
        Ok(t) => t,
        Err(e) => return storage(lang)(e),
    };
    let now = Timestamp::now();
    let left = v.visit.start.as_second() - now.as_second();
    let st: &'static str = match window(&times, now) {
        Window::Cancelled => "cancelled",
        Window::Ended => "ended",
        Window::Requested => "requested",
        Window::TooEarly => "waiting",
        Window::Open => "open",
    };
    let auto = !query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "auto=0"));
    let waiting = matches!(st, "waiting" | "requested") && left > EARLY_SECS;
    let path = format!("/join/{}", v.code.as_str());
    let t = JoinPage {
        chrome: Chrome::new(lang, "fv-title-join", &path),
        facility: facility.name.clone(),
        when: when(lang, v.visit.start, &v.time_zone),
        state: st,
        countdown: waiting.then(|| time_left(lang, left)),
        code: v.code.to_string(),
        auto: auto && waiting,
        path,
        script: crate::call::assets::FAMILY.path(),
        ice: crate::call::ice_json(&state, &format!("visit-{}", v.visit.id.0)),
    };
    let mut res = page(&t, StatusCode::OK);
    let h = res.headers_mut();
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    if auto && waiting {
        // Every 30 s in the last hour; every 5 minutes before (a weak connection pays for
        // each reload).
        let every = if left <= 3600 { "30" } else { "300" };
        h.insert("refresh", HeaderValue::from_static(every));
    }
    res.into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn wrong_codes_are_limited_per_address_and_window() {
        let l = JoinLimiter::default();
        let t0 = Instant::now();
        for _ in 0..MAX_WRONG {
            assert!(!l.blocked("1.2.3.4", t0));
            l.wrong("1.2.3.4", t0);
        }
        assert!(l.blocked("1.2.3.4", t0));
        assert!(!l.blocked("5.6.7.8", t0));
        let later = t0 + WINDOW + Duration::from_secs(1);
        assert!(!l.blocked("1.2.3.4", later));
        l.wrong("1.2.3.4", later);
        assert!(!l.blocked("1.2.3.4", later));
    }

    #[test]
    fn time_left_rounds_up_and_reads_well() {
        assert_eq!(time_left(Lang::En, 30), "1 min");
        assert_eq!(time_left(Lang::Id, 3 * 3600 + 5 * 60), "3 jam 5 menit");
        assert_eq!(time_left(Lang::Id, 2 * 86400 + 3600), "2 hari 1 jam");
    }
}
