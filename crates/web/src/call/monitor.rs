//! Staff watching a call: `GET /staff/monitor/{visit}` (a small page with the two pictures)
//! and `POST /staff/monitor/{visit}/offer` (its receive-only offer). Only staff with
//! `Can::Monitor` at the visit's facility; every watch is written to the audit trail as
//! `visit.monitor` (a refusal as `staff.denied`). In a legal visit the relay sends monitors
//! no audio at all.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jenguk_domain::{VisitId, VisitKind};
use jenguk_media::ParticipantRole;
use jiff::Timestamp;
use serde_json::json;

use crate::AppState;
use crate::call::{Offer, assets, join_room, refusal, window};
use crate::error::ApiError;
use crate::family::page::render;
use crate::family::visits::when;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// The monitoring routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/monitor/{visit}", get(get_monitor))
        .route("/staff/monitor/{visit}/offer", post(post_offer))
}

#[derive(Template)]
#[template(path = "staff/call/monitor.html")]
struct MonitorPage {
    chrome: StaffChrome,
    visit_id: i64,
    when: String,
    legal: bool,
    script: String,
    ice: String,
}

async fn get_monitor(
    State(state): State<AppState>,
    staff: Staff,
    Path(visit): Path<i64>,
) -> Result<Response, StaffError> {
    let v = match state.db.visit_by_id(VisitId(visit)).await {
        Ok(v) => v,
        Err(jenguk_storage::StorageError::NotFound(_)) => {
            staff.require(&state, Can::Monitor).await?;
            return Err(StaffError::not_found(staff.lang));
        }
        Err(e) => return Err(StaffError::from_storage(e, staff.lang)),
    };
    staff
        .require_at(&state, Can::Monitor, v.visit.facility_id)
        .await?;
    Ok(render(&MonitorPage {
        chrome: staff.chrome("call-monitor-title"),
        visit_id: visit,
        when: when(staff.lang, v.visit.start, &v.time_zone),
        legal: v.visit.kind == VisitKind::Legal,
        script: assets::MONITOR.path(),
        ice: crate::call::ice_json(&state, &format!("staff-{}", staff.user.id.0)),
    }))
}

async fn post_offer(
    State(state): State<AppState>,
    staff: Staff,
    Path(visit): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, Response> {
    let v = match state.db.visit_by_id(VisitId(visit)).await {
        Ok(v) => v,
        Err(e) => return Err(ApiError::from(e).into_response()),
    };
    // Role and facility first: a refused request learns nothing from its body.
    staff
        .require_at(&state, Can::Monitor, v.visit.facility_id)
        .await
        .map_err(IntoResponse::into_response)?;
    let offer: Offer = serde_json::from_slice(&body).map_err(|e| {
        ApiError::invalid("malformed_json", "error-malformed-json")
            .arg("detail", e.to_string())
            .into_response()
    })?;
    if staff
        .check_csrf(offer.csrf.as_deref().unwrap_or(""))
        .is_err()
    {
        return Err(
            ApiError::new(StatusCode::FORBIDDEN, "csrf", "call-err-cross-origin").into_response(),
        );
    }
    let now = Timestamp::now();
    let times = state
        .db
        .call_times(v.visit.id)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    if let Some(e) = refusal(window(&times, now)) {
        return Err(e.into_response());
    }
    let (joined, answer) = join_room(&state, &v, &times, ParticipantRole::Monitor, offer.sdp)
        .await
        .map_err(IntoResponse::into_response)?;
    let legal = v.visit.kind == VisitKind::Legal;
    let audited = state
        .db
        .record_audit(
            &staff.who(),
            Some(v.visit.facility_id),
            "visit.monitor",
            "visit",
            &visit.to_string(),
            json!({ "participant": joined.participant.0, "legal": legal, "audio": !legal }),
            now,
        )
        .await;
    if let Err(e) = audited {
        // A watch that cannot be audited does not happen.
        if let Some(sfu) = state.media.as_ref() {
            sfu.leave(&visit.to_string(), joined.participant).await;
        }
        return Err(ApiError::from(e).into_response());
    }
    Ok(axum::Json(answer).into_response())
}
