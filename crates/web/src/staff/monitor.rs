//! The live-call grid, `/staff/monitor` (`Can::Monitor`: officers, operators and facility
//! administrators of the facility): every call running now, each with the inmate, the booth,
//! the kind (a legal visit is marked: monitors never get its audio), the time left by the
//! server's clock, a "watch" toggle (a receive-only connection through the single watch
//! page's offer endpoint, [`crate::call::monitor`], which audits each watch) and "end the
//! call" with a required reason.
//!
//! - `GET /staff/monitor/calls` is the same list as JSON; the grid's script polls it every
//!   few seconds. Without JavaScript the page is a list with links to the watch page.
//! - `POST /staff/monitor/{visit}/end` moves the visit to `terminated` through the state
//!   machine (`Db::transition_visit`: history, the family's receipt in the outbox and the
//!   audit row, one transaction). The room service ([`crate::call::rooms`]) then ends the room
//!   on every instance within a second.
//!
//! A call is live when its visit is `in_call`, or `checked_in` with an open room on this
//! instance's relay (one side connected, waiting for the other).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{Facility, Outcome, VisitId, VisitKind, VisitStatus};
use jenguk_media::ParticipantRole;
use jenguk_storage::{StorageError, VisitView};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::call::{assets, millis};
use crate::family::page::render;
use crate::family::visits::{clock, zone};
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// At most this many calls watched at once from one page (the officer's bandwidth).
pub const MAX_WATCHING: usize = 4;

/// The grid's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/monitor", get(get_grid))
        .route("/staff/monitor/calls", get(get_calls))
        .route("/staff/monitor/{visit}/end", post(post_end))
}

/// One live call, as the grid shows it (and as `GET /staff/monitor/calls` sends it).
#[derive(Debug, Clone, Default, Serialize)]
pub struct LiveCall {
    /// The visit.
    pub visit_id: i64,
    /// The inmate's name.
    pub inmate: String,
    /// The booth's name (translated "no booth" when none).
    pub booth: String,
    /// A legal visit: no audio for monitors.
    pub legal: bool,
    /// The kind, translated.
    pub kind: String,
    /// `in_call` or `checked_in`.
    pub status: String,
    /// The status, translated.
    pub status_label: String,
    /// When the call ends, Unix milliseconds (server clock).
    pub ends_at: i64,
    /// The end as a local clock time ("10.30").
    pub ends_clock: String,
    /// Time left at the server's now, `mm:ss`.
    pub left: String,
    /// Whether the family / the kiosk is connected right now (as this instance's relay sees).
    pub family: bool,
    /// See `family`.
    pub kiosk: bool,
}

/// The JSON of `GET /staff/monitor/calls`.
#[derive(Debug, Serialize)]
struct CallsOut {
    now: i64,
    calls: Vec<LiveCall>,
}

/// `mm:ss` of the seconds left (hours fold into minutes).
fn mm_ss(secs: i64) -> String {
    let s = secs.max(0);
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// The facility's live calls, by start.
pub async fn live_calls(
    state: &AppState,
    facility: &Facility,
    lang: Lang,
    now: Timestamp,
) -> Result<Vec<LiveCall>, StorageError> {
    let from = now
        .saturating_sub(SignedDuration::from_hours(24))
        .unwrap_or(now);
    let to = now
        .saturating_add(SignedDuration::from_hours(1))
        .unwrap_or(now);
    let visits = state.db.visits_between(facility.id, from, to).await?;
    let rooms: HashMap<String, jenguk_media::RoomInfo> = match state.media.as_ref() {
        Some(sfu) => sfu
            .rooms()
            .await
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect(),
        None => HashMap::new(),
    };
    let booths: HashMap<i64, String> = state
        .db
        .booths(facility.id)
        .await?
        .into_iter()
        .map(|b| (b.id.0, b.name))
        .collect();
    let tz = zone(&facility.time_zone);
    let mut out = Vec::new();
    for v in visits {
        let room = rooms.get(&v.visit.id.0.to_string()).filter(|r| !r.ended);
        let live = match v.visit.status {
            VisitStatus::InCall => true,
            VisitStatus::CheckedIn => room.is_some(),
            _ => false,
        };
        if !live {
            continue;
        }
        let connected = |role: ParticipantRole| {
            room.is_some_and(|r| r.participants.iter().any(|p| p.1 == role && p.2))
        };
        let times = state.db.call_times(v.visit.id).await?;
        let ends = times.ends_at();
        let inmate = state.db.inmate(v.visit.inmate_id).await?;
        let legal = v.visit.kind == VisitKind::Legal;
        out.push(LiveCall {
            visit_id: v.visit.id.0,
            inmate: inmate.name.to_string(),
            booth: v
                .visit
                .booth_id
                .and_then(|b| booths.get(&b.0).cloned())
                .unwrap_or_else(|| lang.t("staff-monitor-no-booth")),
            legal,
            kind: lang.t(if legal {
                "staff-monitor-kind-legal"
            } else {
                "staff-monitor-kind-family"
            }),
            status: v.visit.status.as_str().to_string(),
            status_label: lang.t(if v.visit.status == VisitStatus::InCall {
                "staff-monitor-status-in-call"
            } else {
                "staff-monitor-status-waiting"
            }),
            ends_at: millis(ends),
            ends_clock: clock(lang, ends.to_zoned(tz.clone()).time()),
            left: mm_ss(ends.as_second() - now.as_second()),
            family: connected(ParticipantRole::Family),
            kiosk: connected(ParticipantRole::Kiosk),
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "staff/monitor/grid.html")]
struct GridPage {
    chrome: StaffChrome,
    calls: Vec<LiveCall>,
    /// The tile the script copies for a call that appears.
    blank: LiveCall,
    now: i64,
    max: usize,
    /// The notice after ending a call.
    notice: Option<String>,
    /// A refused end: (visit, message, reason as typed).
    error: Option<(i64, String, String)>,
    script: String,
}

#[derive(Deserialize)]
struct GridQuery {
    #[serde(default)]
    ended: Option<i64>,
}

async fn grid(
    state: &AppState,
    staff: &Staff,
    notice: Option<String>,
    error: Option<(i64, String, String)>,
    status: StatusCode,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(state, Can::Monitor).await?;
    let now = Timestamp::now();
    let calls = live_calls(state, &facility, staff.lang, now)
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    let mut res = render(&GridPage {
        chrome: staff.chrome("staff-monitor-title"),
        calls,
        blank: LiveCall::default(),
        now: millis(now),
        max: MAX_WATCHING,
        notice,
        error,
        script: assets::GRID.path(),
    });
    *res.status_mut() = status;
    Ok(res)
}

async fn get_grid(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<GridQuery>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Monitor).await?;
    let notice = match q.ended {
        Some(id) => ended_notice(&state, &facility, staff.lang, id).await,
        None => None,
    };
    grid(&state, &staff, notice, None, StatusCode::OK).await
}

/// "The call with X was ended" for a terminated visit of the facility being worked on.
async fn ended_notice(
    state: &AppState,
    facility: &Facility,
    lang: Lang,
    visit: i64,
) -> Option<String> {
    let v = state.db.visit_by_id(VisitId(visit)).await.ok()?;
    if v.visit.status != VisitStatus::Terminated || v.visit.facility_id != facility.id {
        return None;
    }
    let inmate = state.db.inmate(v.visit.inmate_id).await.ok()?;
    Some(lang.t_args(
        "staff-monitor-ended",
        &[("inmate", inmate.name.to_string())],
    ))
}

async fn get_calls(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Monitor).await?;
    let now = Timestamp::now();
    let calls = live_calls(&state, &facility, staff.lang, now)
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    let mut res = axum::Json(CallsOut {
        now: millis(now),
        calls,
    })
    .into_response();
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// The visit behind a path, after the role check (404 for an unknown one).
async fn visit_for(state: &AppState, staff: &Staff, visit: i64) -> Result<VisitView, StaffError> {
    match state.db.visit_by_id(VisitId(visit)).await {
        Ok(v) => {
            staff
                .require_at(state, Can::Monitor, v.visit.facility_id)
                .await?;
            Ok(v)
        }
        Err(StorageError::NotFound(_)) => {
            staff.require(state, Can::Monitor).await?;
            Err(StaffError::not_found(staff.lang).back("/staff/monitor"))
        }
        Err(e) => Err(StaffError::from_storage(e, staff.lang)),
    }
}

async fn post_end(
    State(state): State<AppState>,
    staff: Staff,
    Path(visit): Path<i64>,
    Form(f): Form<EndForm>,
) -> Result<Response, StaffError> {
    let v = visit_for(&state, &staff, visit).await?;
    staff.check_csrf(&f.csrf)?;
    let lang = staff.lang;
    let refuse = |key: &str, status: StatusCode| {
        let e = (visit, lang.t(key), f.reason.clone());
        grid(&state, &staff, None, Some(e), status)
    };
    match v.visit.status {
        VisitStatus::InCall => {}
        VisitStatus::Booked | VisitStatus::CheckedIn | VisitStatus::Requested => {
            return refuse("staff-monitor-err-not-live", StatusCode::CONFLICT).await;
        }
        _ => return refuse("staff-monitor-err-finished", StatusCode::CONFLICT).await,
    }
    if f.reason.trim().is_empty() {
        return refuse("staff-monitor-err-reason", StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let done = state
        .db
        .transition_visit(
            &v.code,
            VisitAction::Record(Outcome::Terminated),
            Actor::Staff(staff.user.id),
            Some(&f.reason),
            &staff.who(),
            Timestamp::now(),
        )
        .await;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/staff/monitor?ended={visit}")).into_response()),
        Err(StorageError::Invalid(_)) => {
            refuse("staff-monitor-err-reason", StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StorageError::Transition(_)) => {
            refuse("staff-monitor-err-finished", StatusCode::CONFLICT).await
        }
        Err(e) => Err(StaffError::from_storage(e, lang).back("/staff/monitor")),
    }
}
