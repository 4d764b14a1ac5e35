//! The family's side of the call: `POST /join/{code}/offer` (the browser's offer, answered by
//! the relay) and `GET /join/{code}/events` (the countdown). The visit code is the secret; a
//! wrong code counts against the address on the join page's limiter.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use jenguk_domain::VisitCode;
use jenguk_media::ParticipantRole;
use jenguk_storage::{CallTimes, StorageError, VisitView};
use jiff::Timestamp;

use crate::AppState;
use crate::call::{Offer, events, join_room, refusal, window};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientIp};
use crate::family::join::JoinLimiter;
use crate::family::session::same_origin;

/// The visit behind a code, counting a wrong code against the address.
async fn by_code(
    state: &AppState,
    limiter: &JoinLimiter,
    ip: &str,
    code: &str,
) -> Result<(VisitView, CallTimes), ApiError> {
    let started = Instant::now();
    if limiter.blocked(ip, started) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_wrong_codes",
            "call-err-too-many",
        ));
    }
    let found = match VisitCode::parse(code) {
        Ok(c) => state.db.visit_by_code(&c).await,
        Err(_) => Err(StorageError::NotFound("visit")),
    };
    let v = match found {
        Ok(v) => v,
        Err(StorageError::NotFound(_)) => {
            limiter.wrong(ip, started);
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "visit_not_found",
                "call-err-not-found",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let times = state.db.call_times(v.visit.id).await?;
    Ok((v, times))
}

/// `POST /join/{code}/offer`: the family joins the call.
pub async fn post_offer(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<JoinLimiter>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(code): Path<String>,
    ApiJson(offer): ApiJson<Offer>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "call-err-cross-origin",
        ));
    }
    let ip = ip.unwrap_or_default();
    let (v, times) = by_code(&state, &limiter, &ip, &code).await?;
    if let Some(e) = refusal(window(&times, Timestamp::now())) {
        return Err(e);
    }
    let (_, answer) = join_room(&state, &v, &times, ParticipantRole::Family, offer.sdp).await?;
    Ok(Json(answer).into_response())
}

/// `GET /join/{code}/events`: the countdown as server-sent events.
pub async fn get_events(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<JoinLimiter>>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let ip = ip.unwrap_or_default();
    let (v, _) = by_code(&state, &limiter, &ip, &code).await?;
    Ok(events::countdown(state, v.visit.id).into_response())
}
