//! Check-in by visit code (`POST /staff/board/checkin`, `Can::Operate`): the code as typed
//! or scanned, refused with a message that says why (wrong code, another facility, another
//! day, too early, already checked in, cancelled…) before the state machine is asked.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{Facility, VisitCode, VisitStatus};
use jenguk_storage::StorageError;
use jiff::Timestamp;
use serde::Deserialize;

use super::actions::{CHECK_IN_OPENS, done, refuse, status_label, storage_message, today};
use super::view::Day;
use crate::AppState;
use crate::i18n::Lang;
use crate::staff::page::StaffError;
use crate::staff::perm::Can;
use crate::staff::session::Staff;

#[derive(Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// Why a check-in by code cannot happen, before asking the state machine: (status, message).
fn check_in_refusal(
    lang: Lang,
    facility: &Facility,
    day: &Day,
    v: &jenguk_storage::VisitView,
    now: Timestamp,
) -> Option<(StatusCode, String)> {
    let code = v.code.to_string();
    let visit = &v.visit;
    if visit.facility_id != facility.id {
        return Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.t_args(
                "staff-board-error-other-facility",
                &[("code", code), ("facility", v.facility_code.clone())],
            ),
        ));
    }
    if visit.start < day.start || visit.start >= day.end {
        let date = visit.start.to_zoned(day.tz.clone()).date().to_string();
        return Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.t_args(
                "staff-board-error-other-day",
                &[("code", code), ("date", date)],
            ),
        ));
    }
    let key = match visit.status {
        VisitStatus::Booked => {
            let opens = visit.start.saturating_sub(CHECK_IN_OPENS).ok()?;
            if now < opens {
                return Some((
                    StatusCode::CONFLICT,
                    lang.t_args(
                        "staff-board-error-too-early",
                        &[("code", code), ("time", day.hm(opens))],
                    ),
                ));
            }
            return None;
        }
        VisitStatus::CheckedIn | VisitStatus::InCall => "staff-board-error-already-checked-in",
        VisitStatus::Cancelled => "staff-board-error-cancelled",
        VisitStatus::Requested | VisitStatus::Rejected => "staff-board-error-not-confirmed",
        VisitStatus::Completed
        | VisitStatus::NoShow
        | VisitStatus::Refused
        | VisitStatus::Terminated => "staff-board-error-over",
    };
    Some((
        StatusCode::CONFLICT,
        lang.t_args(
            key,
            &[("code", code), ("value", status_label(lang, visit.status))],
        ),
    ))
}

/// `POST /staff/board/checkin`: the visitor at the desk gives the code (typed, or scanned
/// from the QR code by a scanner that types it and Enter).
pub(super) async fn post_checkin(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CodeForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = staff.facility_for(&state, Can::Operate).await?;
    let lang = staff.lang;
    let typed = f.code.trim().to_string();
    let Ok(code) = VisitCode::parse(&typed) else {
        let msg = lang.t("staff-board-error-code-format");
        return refuse(
            &state,
            &staff,
            &facility,
            StatusCode::UNPROCESSABLE_ENTITY,
            msg,
            Some(typed),
        )
        .await;
    };
    let v = match state.db.visit_by_code(&code).await {
        Ok(v) => v,
        Err(StorageError::NotFound(_)) => {
            let msg = lang.t_args(
                "staff-board-error-code-unknown",
                &[("code", code.to_string())],
            );
            return refuse(
                &state,
                &staff,
                &facility,
                StatusCode::UNPROCESSABLE_ENTITY,
                msg,
                Some(typed),
            )
            .await;
        }
        Err(e) => return Err(StaffError::from_storage(e, lang)),
    };
    let day = today(&staff, &facility)?;
    let now = Timestamp::now();
    if let Some((status, msg)) = check_in_refusal(lang, &facility, &day, &v, now) {
        return refuse(&state, &staff, &facility, status, msg, Some(typed)).await;
    }
    let r = state
        .db
        .transition_visit(
            &code,
            VisitAction::CheckIn,
            Actor::Staff(staff.user.id),
            None,
            &staff.who(),
            now,
        )
        .await;
    match r {
        Ok(v) => Ok(done("checkin", v.visit.id.0)),
        Err(e) => {
            let (status, msg) = storage_message(lang, e, &v.code.to_string(), &day, v.visit.start)?;
            refuse(&state, &staff, &facility, status, msg, Some(typed)).await
        }
    }
}
