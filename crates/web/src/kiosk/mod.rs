//! The booth kiosk, `/kiosk`: the screen in the booth where the inmate sits.
//!
//! A new kiosk (no device cookie) is given a device token in a long-lived cookie and shows a
//! pairing code in large type; it polls `/kiosk/state` until an administrator binds the code
//! to a booth (`/staff/kiosks/pair`, [`pair`]). A paired kiosk shows the facility, the time and
//! the booth's next visit (the inmate's name and the time — never the family's data), joins
//! the call by itself at the start (`/kiosk/offer`), shows the countdown (`/kiosk/events`)
//! and goes back to idle at the end. It polls every 15 s, which is also its heartbeat, and
//! retries with backoff through network outages and server restarts.

pub mod pair;

use askama::Template;
use axum::Router;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jenguk_domain::VisitId;
use jenguk_media::ParticipantRole;
use jenguk_storage::{KioskDevice, VisitView};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::call::{Offer, Window, assets, events, join_room, millis, refusal, window};
use crate::error::ApiError;
use crate::extract::request_lang;
use crate::family::page::{Tr, render};
use crate::family::session::{cookie, same_origin};
use crate::family::visits::{clock, zone};

/// The kiosk's device cookie.
pub const COOKIE: &str = "jenguk_kiosk";
/// The cookie lives ten years: a kiosk is paired once and revoked by an administrator.
const COOKIE_MAX_AGE: i64 = 10 * 365 * 86400;

/// The kiosk routes (and the pairing form in the console).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kiosk", get(get_kiosk))
        .route("/kiosk/state", get(get_state))
        .route("/kiosk/offer", post(post_offer))
        .route("/kiosk/events", get(get_events))
        .merge(pair::routes())
}

fn set_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let v = format!(
        "{COOKIE}={token}; Path=/kiosk; HttpOnly; SameSite=Strict; Max-Age={COOKIE_MAX_AGE}{secure}"
    );
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""))
}

#[derive(Template)]
#[template(path = "kiosk/kiosk.html")]
struct KioskPage {
    tr: Tr,
    pairing_code: Option<String>,
    script: String,
    ice: String,
}

/// `GET /kiosk`: the kiosk's one page (a new device is registered here).
async fn get_kiosk(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let lang = request_lang(&headers, query.as_deref());
    let now = Timestamp::now();
    let known = match cookie(&headers, COOKIE) {
        Some(t) => state.db.kiosk_by_token(t).await,
        None => Ok(None),
    };
    let mut new_token = None;
    let device = match known {
        Ok(Some(k)) => state.db.refresh_pairing_code(k.id, now).await,
        Ok(None) => match state.db.create_kiosk(now).await {
            Ok((k, token)) => {
                new_token = Some(token);
                Ok(k)
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let device = match device {
        Ok(d) => d,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let page = KioskPage {
        tr: Tr(lang),
        pairing_code: (!device.is_active())
            .then(|| device.pairing_code.clone().unwrap_or_default()),
        script: assets::KIOSK.path(),
        ice: crate::call::ice_json(&state, &format!("kiosk-{}", device.id)),
    };
    let mut res = render(&page);
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    if let Some(t) = new_token {
        h.insert(header::SET_COOKIE, set_cookie(&state, &t));
    }
    res
}

/// The kiosk behind the request's cookie (`401 kiosk_unknown` without a valid one).
async fn device(state: &AppState, headers: &HeaderMap) -> Result<KioskDevice, ApiError> {
    let unknown = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "kiosk_unknown",
            "kiosk-err-unknown",
        )
    };
    let token = cookie(headers, COOKIE).ok_or_else(unknown)?;
    state.db.kiosk_by_token(token).await?.ok_or_else(unknown)
}

/// `GET /kiosk/state`: pairing, the booth's next visit; also the kiosk's heartbeat.
async fn get_state(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers, None);
    let now = Timestamp::now();
    let k = device(&state, &headers).await?;
    state.db.kiosk_heartbeat(k.id, now).await?;
    let (Some(booth), Some(facility_id)) = (k.booth_id, k.facility_id) else {
        let k = state.db.refresh_pairing_code(k.id, now).await?;
        return Ok(axum::Json(json!({
            "paired": false,
            "pairing_code": k.pairing_code,
            "now": millis(now),
        }))
        .into_response());
    };
    let facility = state.db.facility_by_id(facility_id).await?;
    let booth_name = state
        .db
        .booths(facility_id)
        .await?
        .into_iter()
        .find(|b| b.id == booth)
        .map(|b| b.name)
        .unwrap_or_default();
    let tz = zone(&facility.time_zone);
    let next = match state.db.next_booth_visit(booth, now).await? {
        Some(b) => {
            let inmate = state.db.inmate(b.inmate_id).await?;
            let w = window(&b.times, now);
            let time = clock(lang, b.start.to_zoned(tz.clone()).time());
            let label = lang.t_args(
                "kiosk-next-visit",
                &[("inmate", inmate.name.to_string()), ("time", time.clone())],
            );
            Some(json!({
                "label": label,
                "visit_id": b.visit_id.0,
                "inmate": inmate.name.to_string(),
                "start_at": millis(b.start),
                "ends_at": millis(b.times.ends_at()),
                "time": time,
                "open": w == Window::Open,
            }))
        }
        None => None,
    };
    Ok(axum::Json(json!({
        "paired": true,
        "facility": facility.name,
        "booth": booth_name,
        "time_zone": facility.time_zone,
        "now": millis(now),
        "clock": clock(lang, now.to_zoned(tz).time()),
        "next": next,
    }))
    .into_response())
}

/// The visit `id`, if it is this kiosk's booth's.
async fn booth_visit(
    state: &AppState,
    k: &KioskDevice,
    id: Option<i64>,
) -> Result<VisitView, ApiError> {
    let id = id.ok_or_else(|| ApiError::invalid("visit_required", "kiosk-err-visit"))?;
    let v = state.db.visit_by_id(VisitId(id)).await?;
    if k.booth_id.is_none() || v.visit.booth_id != k.booth_id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_booth",
            "kiosk-err-wrong-booth",
        ));
    }
    Ok(v)
}

/// `POST /kiosk/offer`: the kiosk joins its booth's visit.
async fn post_offer(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::extract::ApiJson(offer): crate::extract::ApiJson<Offer>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "call-err-cross-origin",
        ));
    }
    let k = device(&state, &headers).await?;
    let v = booth_visit(&state, &k, offer.visit_id).await?;
    let times = state.db.call_times(v.visit.id).await?;
    if let Some(e) = refusal(window(&times, Timestamp::now())) {
        return Err(e);
    }
    let (_, answer) = join_room(&state, &v, &times, ParticipantRole::Kiosk, offer.sdp).await?;
    Ok(axum::Json(answer).into_response())
}

#[derive(Deserialize)]
struct EventsQuery {
    visit: Option<i64>,
}

/// `GET /kiosk/events?visit=…`: the countdown of the booth's visit.
async fn get_events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Result<Response, ApiError> {
    let k = device(&state, &headers).await?;
    let v = booth_visit(&state, &k, q.visit).await?;
    Ok(events::countdown(state, v.visit.id).into_response())
}
