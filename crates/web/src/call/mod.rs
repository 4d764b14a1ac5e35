//! Video calls: who may join a visit's room, the signalling (one HTTP offer/answer per
//! participant), the countdown stream and the room service that keeps every room's end in
//! step with the database.
//!
//! Who may join, decided here and nowhere else (the media relay trusts the role it is given):
//! - the **family** with the visit code (`/join/{code}/offer`), from [`EARLY_SECS`] before the
//!   start until the call's end, while the visit is booked, checked in or in a call;
//! - the **kiosk** of the visit's booth with its device token (`/kiosk/offer`), in the same
//!   window;
//! - **staff** with a console session, `Can::Monitor` and the visit's facility, as receive-only
//!   monitors (`/staff/monitor/{visit}/offer`); every watch is audited as `visit.monitor`.
//!
//! Time is the server's: a call ends at slot end + staff extension + make-up seconds
//! ([`jenguk_storage::CallTimes::ends_at`]); [`rooms`] applies changes within a second.

pub mod assets;
pub mod events;
pub mod family;
pub mod monitor;
pub mod rooms;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::http::StatusCode;
use jenguk_domain::{VisitKind, VisitStatus};
use jenguk_media::{Joined, MediaError, ParticipantRole, RoomSpec};
use jenguk_storage::{CallTimes, StorageError, VisitView};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiError;

/// How long before the slot's start the family and the kiosk may join (to test the camera).
pub const EARLY_SECS: i64 = 5 * 60;

/// The call routes outside the join page's router (staff monitoring, scripts).
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(monitor::routes())
        .merge(assets::routes())
}

/// Where a visit's call stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Not confirmed yet.
    Requested,
    /// Confirmed, but more than [`EARLY_SECS`] before the start.
    TooEarly,
    /// Joinable.
    Open,
    /// Past its end, or finished.
    Ended,
    /// Cancelled or rejected.
    Cancelled,
}

/// The window of a visit with these times at `now`.
pub fn window(times: &CallTimes, now: Timestamp) -> Window {
    match times.status {
        VisitStatus::Cancelled | VisitStatus::Rejected => Window::Cancelled,
        VisitStatus::Completed
        | VisitStatus::Terminated
        | VisitStatus::NoShow
        | VisitStatus::Refused => Window::Ended,
        _ if now >= times.ends_at() => Window::Ended,
        VisitStatus::Requested => Window::Requested,
        _ if now.as_second() < times.start.as_second() - EARLY_SECS => Window::TooEarly,
        _ => Window::Open,
    }
}

/// The refusal for a window that is not open.
pub fn refusal(w: Window) -> Option<ApiError> {
    let (status, code, key) = match w {
        Window::Open => return None,
        Window::Requested => (
            StatusCode::CONFLICT,
            "call_not_confirmed",
            "call-err-requested",
        ),
        Window::TooEarly => (
            StatusCode::FORBIDDEN,
            "call_too_early",
            "call-err-too-early",
        ),
        Window::Ended => (StatusCode::GONE, "call_ended", "call-err-ended"),
        Window::Cancelled => (StatusCode::GONE, "call_cancelled", "call-err-cancelled"),
    };
    Some(ApiError::new(status, code, key))
}

/// A browser's SDP offer.
#[derive(Debug, Deserialize)]
pub struct Offer {
    /// The offer, as `RTCPeerConnection.localDescription.sdp`.
    pub sdp: String,
    /// The console session's CSRF token (monitors only).
    #[serde(default)]
    pub csrf: Option<String>,
    /// The visit (the kiosk names the one it joins).
    #[serde(default)]
    pub visit_id: Option<i64>,
}

/// The answer and what the page needs to run its countdown.
#[derive(Debug, Serialize)]
pub struct Answer {
    /// The relay's SDP answer.
    pub sdp: String,
    /// The participant id (for the page's own logs).
    pub participant: u64,
    /// When the call ends, Unix milliseconds by the server's clock.
    pub ends_at: i64,
    /// The server's clock now, Unix milliseconds (the page corrects its own by it).
    pub now: i64,
}

/// An instant as the relay's wall clock.
pub fn system_time(t: Timestamp) -> SystemTime {
    let s = t.as_second();
    if s >= 0 {
        UNIX_EPOCH + Duration::from_secs(s.unsigned_abs())
    } else {
        UNIX_EPOCH
    }
}

/// Unix milliseconds of an instant.
pub fn millis(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// The room's name for a visit.
pub fn room_id(v: &VisitView) -> String {
    v.visit.id.0.to_string()
}

/// The relay, or `503 media_off` when video visits are off.
pub fn sfu(state: &AppState) -> Result<&jenguk_media::Sfu, ApiError> {
    state.media.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "media_off",
            "call-err-media-off",
        )
    })
}

/// `RTCConfiguration.iceServers` for a page, as JSON (TURN credentials for `user`).
pub fn ice_json(state: &AppState, user: &str) -> String {
    serde_json::to_string(&state.ice.ice_servers(user, SystemTime::now()))
        .unwrap_or_else(|_| "[]".to_string())
}

/// A storage error as an API error.
pub fn from_storage(e: StorageError) -> ApiError {
    ApiError::from(e)
}

/// Opens (or updates) the visit's room and admits a participant with its offer.
pub async fn join_room(
    state: &AppState,
    v: &VisitView,
    times: &CallTimes,
    role: ParticipantRole,
    sdp: String,
) -> Result<(Joined, Answer), ApiError> {
    let sfu = sfu(state)?;
    let spec = RoomSpec {
        id: room_id(v),
        legal: v.visit.kind == VisitKind::Legal,
        ends_at: system_time(times.ends_at()),
    };
    sfu.open_room(spec).await.map_err(media_error)?;
    let joined = sfu
        .join(&room_id(v), role, sdp)
        .await
        .map_err(media_error)?;
    let answer = Answer {
        sdp: joined.answer_sdp.clone(),
        participant: joined.participant.0,
        ends_at: millis(times.ends_at()),
        now: millis(Timestamp::now()),
    };
    Ok((joined, answer))
}

/// A relay refusal as an API error.
pub fn media_error(e: MediaError) -> ApiError {
    match e {
        MediaError::RoomClosed | MediaError::NoSuchRoom => {
            ApiError::new(StatusCode::GONE, "call_ended", "call-err-ended")
        }
        MediaError::BadOffer(_) => ApiError::invalid("bad_offer", "call-err-bad-offer"),
        MediaError::Full => ApiError::new(StatusCode::CONFLICT, "call_full", "call-err-full"),
        e => ApiError::internal(&e),
    }
}
