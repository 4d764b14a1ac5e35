//! The board's actions on a visit (`Can::Operate`, POST, each audited by the storage call that
//! makes it): start, extend, end, outcome; and what the check-in shares with them. Each
//! answers 303 to the board with a notice, or the board again with a translated message
//! (nothing written).

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{Facility, Outcome, VisitStatus};
use jenguk_storage::{BoardVisit, Extension, StorageError};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::view::{Day, status_key};
use super::{Feedback, page, visit_id};
use crate::AppState;
use crate::i18n::Lang;
use crate::staff::page::StaffError;
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// How long before its start a visit may be checked in (as the state machine allows).
pub(super) const CHECK_IN_OPENS: SignedDuration = SignedDuration::from_mins(30);

#[derive(Deserialize)]
pub(super) struct VisitForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
}

pub(super) fn status_label(lang: Lang, s: VisitStatus) -> String {
    lang.t(&format!("staff-board-status-{}", status_key(s)))
}

pub(super) fn today(staff: &Staff, facility: &Facility) -> Result<Day, StaffError> {
    facility
        .tz()
        .ok()
        .and_then(|tz| Day::new(tz, None, Timestamp::now()))
        .ok_or_else(|| StaffError::invalid(staff.lang, staff.lang.t("staff-board-error-date")))
}

/// The board of today again, with an error (nothing was written).
pub(super) async fn refuse(
    state: &AppState,
    staff: &Staff,
    facility: &Facility,
    status: StatusCode,
    error: String,
    code: Option<String>,
) -> Result<Response, StaffError> {
    let day = today(staff, facility)?;
    let fb = Feedback {
        error,
        code_invalid: code.is_some(),
        code: code.unwrap_or_default(),
        status: Some(status),
        ..Feedback::default()
    };
    page(state, staff, facility, &day, fb).await
}

pub(super) fn done(what: &str, id: i64) -> Response {
    Redirect::to(&format!("/staff/board?done={what}&visit={id}")).into_response()
}

/// A storage refusal as the board says it; anything else is an error page.
pub(super) fn storage_message(
    lang: Lang,
    e: StorageError,
    code: &str,
    day: &Day,
    start: Timestamp,
) -> Result<(StatusCode, String), StaffError> {
    let with_code = |key: &str| lang.t_args(key, &[("code", code.to_string())]);
    Ok(match e {
        StorageError::Transition(t) => (
            StatusCode::CONFLICT,
            lang.t_args(
                "staff-board-error-transition",
                &[
                    ("code", code.to_string()),
                    ("value", status_label(lang, t.from)),
                ],
            ),
        ),
        StorageError::Invalid("too_early") => {
            let opens = start.saturating_sub(CHECK_IN_OPENS).unwrap_or(start);
            (
                StatusCode::CONFLICT,
                lang.t_args(
                    "staff-board-error-too-early",
                    &[("code", code.to_string()), ("time", day.hm(opens))],
                ),
            )
        }
        StorageError::Invalid(
            what @ ("reason_required" | "reason" | "extend_minutes" | "extend_not_running"
            | "extend_too_long" | "extend_no_booth"),
        ) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            with_code(&format!("staff-board-error-{}", what.replace('_', "-"))),
        ),
        other => return Err(StaffError::from_storage(other, lang).back("/staff/board")),
    })
}

/// What is asked of a visit by id.
enum Act {
    Start,
    End,
    Extend,
    Outcome,
}

async fn act(
    state: AppState,
    staff: Staff,
    raw_id: String,
    f: VisitForm,
    what: Act,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let lang = staff.lang;
    let id = visit_id(&raw_id).ok_or_else(|| StaffError::not_found(lang).back("/staff/board"))?;
    let v: BoardVisit = match state.db.board_visit(id).await {
        Ok(v) => v,
        Err(StorageError::NotFound(_)) => {
            // Still refuse a role that may not act at all, so the refusal is audited.
            staff.require(&state, Can::Operate).await?;
            return Err(StaffError::not_found(lang).back("/staff/board"));
        }
        Err(e) => return Err(StaffError::from_storage(e, lang)),
    };
    staff
        .require_at(&state, Can::Operate, v.visit.facility_id)
        .await?;
    let facility = match &staff.facility {
        Some(f) => f.clone(),
        None => state
            .db
            .facility_by_id(v.visit.facility_id)
            .await
            .map_err(|e| StaffError::from_storage(e, lang))?,
    };
    let visit_facility = if facility.id == v.visit.facility_id {
        facility.clone()
    } else {
        state
            .db
            .facility_by_id(v.visit.facility_id)
            .await
            .map_err(|e| StaffError::from_storage(e, lang))?
    };
    let vday = visit_facility
        .tz()
        .ok()
        .and_then(|tz| {
            let date = v.visit.start.to_zoned(tz.clone()).date();
            Day::new(tz, Some(date), Timestamp::now())
        })
        .ok_or_else(|| StaffError::not_found(lang))?;
    let code = v.code.to_string();
    let now = Timestamp::now();
    let who = staff.who();
    let actor = Actor::Staff(staff.user.id);
    let transition = |action: VisitAction, reason: Option<String>| {
        let db = state.db.clone();
        let visit_code = v.code.clone();
        let who = who.clone();
        async move {
            db.transition_visit(&visit_code, action, actor, reason.as_deref(), &who, now)
                .await
                .map(|_| ())
        }
    };
    let (name, result) = match what {
        Act::Start => ("start", transition(VisitAction::Start, None).await),
        Act::End => (
            "end",
            transition(VisitAction::Record(Outcome::Completed), None).await,
        ),
        Act::Outcome => {
            let Some(outcome) = Outcome::parse(f.outcome.trim()) else {
                let msg = lang.t_args("staff-board-error-outcome", &[("code", code.clone())]);
                return refuse(
                    &state,
                    &staff,
                    &facility,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    msg,
                    None,
                )
                .await;
            };
            let reason = Some(f.reason.clone()).filter(|r| !r.trim().is_empty());
            (
                "outcome",
                transition(VisitAction::Record(outcome), reason).await,
            )
        }
        Act::Extend => {
            let Ok(minutes) = f.minutes.trim().parse::<u16>() else {
                let msg = lang.t_args(
                    "staff-board-error-extend-minutes",
                    &[("code", code.clone())],
                );
                return refuse(
                    &state,
                    &staff,
                    &facility,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    msg,
                    None,
                )
                .await;
            };
            // The visit needs its booth to be extended in it.
            state
                .db
                .assign_booths(v.visit.facility_id, vday.start, vday.end, now)
                .await
                .map_err(|e| StaffError::from_storage(e, lang))?;
            match state.db.extend_visit(id, minutes, &who, now).await {
                Ok(Extension::Extended { .. }) => ("extend", Ok(())),
                Ok(Extension::Collides(other)) => {
                    let msg = lang.t_args(
                        "staff-board-error-extend-collides",
                        &[
                            ("code", other.code.to_string()),
                            ("inmate", other.inmate_name.clone()),
                            ("value", other.booth_name.clone().unwrap_or_default()),
                            ("time", vday.hm(other.visit.start)),
                        ],
                    );
                    return refuse(&state, &staff, &facility, StatusCode::CONFLICT, msg, None)
                        .await;
                }
                Err(e) => ("extend", Err(e)),
            }
        }
    };
    match result {
        Ok(()) => Ok(done(name, id.0)),
        Err(e) => {
            let (status, msg) = storage_message(lang, e, &code, &vday, v.visit.start)?;
            refuse(&state, &staff, &facility, status, msg, None).await
        }
    }
}

/// `POST /staff/board/visits/{id}/start`: the call begins (the visitor was checked in).
pub(super) async fn post_start(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<VisitForm>,
) -> Result<Response, StaffError> {
    act(state, staff, id, f, Act::Start).await
}

/// `POST /staff/board/visits/{id}/extend` (`minutes` = 5, 10 or 15).
pub(super) async fn post_extend(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<VisitForm>,
) -> Result<Response, StaffError> {
    act(state, staff, id, f, Act::Extend).await
}

/// `POST /staff/board/visits/{id}/end`: the call ran to its end (completed).
pub(super) async fn post_end(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<VisitForm>,
) -> Result<Response, StaffError> {
    act(state, staff, id, f, Act::End).await
}

/// `POST /staff/board/visits/{id}/outcome` (`outcome` = completed, no_show, refused or
/// terminated; `reason` required for terminated).
pub(super) async fn post_outcome(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<VisitForm>,
) -> Result<Response, StaffError> {
    act(state, staff, id, f, Act::Outcome).await
}

/// The notice after an action (`?done=…&visit=…`), for a visit of the facility shown.
pub(super) async fn notice(
    state: &AppState,
    staff: &Staff,
    facility: &Facility,
    day: &Day,
    done: &str,
    id: &str,
) -> String {
    let lang = staff.lang;
    let Some(id) = visit_id(id) else {
        return String::new();
    };
    let Ok(v) = state.db.board_visit(id).await else {
        return String::new();
    };
    if v.visit.facility_id != facility.id {
        return String::new();
    }
    let key = match done {
        "checkin" => "staff-board-done-checkin",
        "start" => "staff-board-done-start",
        "extend" => "staff-board-done-extend",
        "end" => "staff-board-done-end",
        "outcome" => "staff-board-done-outcome",
        _ => return String::new(),
    };
    lang.t_args(
        key,
        &[
            ("code", v.code.to_string()),
            ("name", v.inmate_name.clone()),
            ("time", day.hm(v.call_end())),
            ("value", status_label(lang, v.visit.status)),
        ],
    )
}
