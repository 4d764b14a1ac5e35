//! Excluded dates (no visits that day) and one-off extra sessions (Lebaran). Excluding a
//! date and removing a session go through the impact step; the others take no booking away.

use axum::extract::{Form, Path, State};
use axum::response::Response;
use jenguk_domain::VisitKind;
use jenguk_domain::schedule_change::check_extra;
use jenguk_storage::{NewExtraSession, ScheduleChange};
use serde::Deserialize;

use super::impact::{self, Confirm, Step};
use super::index::overview;
use super::{
    date_field, done, hhmm, kind_name, number, problem_message, record_facility, storage_error,
    time_field,
};
use crate::AppState;
use crate::family::visits::date_long;
use crate::staff::page::StaffError;
use crate::staff::perm::Can;
use crate::staff::session::Staff;

#[derive(Deserialize)]
pub(super) struct ExcludeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    cancel_reason: String,
}

/// `POST /staff/schedule/excluded`: a date without visits; the day's bookings are shown and
/// cancelled only once confirmed.
pub(super) async fn post_exclude(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<ExcludeForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = staff.facility_for(&state, Can::Configure).await?;
    let lang = staff.lang;
    let date = match date_field(lang, "staff-schedule-date", &f.date) {
        Ok(Some(d)) => d,
        Ok(None) => {
            let msg = lang.t_args(
                "staff-schedule-error-date",
                &[("field", lang.t("staff-schedule-date"))],
            );
            return overview(&state, &staff, &facility, String::new(), msg).await;
        }
        Err(msg) => return overview(&state, &staff, &facility, String::new(), msg).await,
    };
    if jenguk_domain::text::parse_reason(&f.reason).is_err() {
        let msg = lang.t("staff-schedule-error-reason");
        return overview(&state, &staff, &facility, String::new(), msg).await;
    }
    let step = Step {
        change: lang.t_args(
            "staff-schedule-impact-exclude",
            &[
                ("date", date_long(lang, date)),
                ("reason", f.reason.trim().to_string()),
            ],
        ),
        action: "/staff/schedule/excluded".into(),
        back: "/staff/schedule",
        fields: vec![
            ("date".into(), f.date.clone()),
            ("reason".into(), f.reason.clone()),
        ],
        done: "excluded-added",
        landing: "/staff/schedule".into(),
        default_reason: f.reason.trim().to_string(),
    };
    let confirm = Confirm {
        confirm: f.confirm,
        cancel_reason: if f.cancel_reason.trim().is_empty() {
            f.reason.clone()
        } else {
            f.cancel_reason
        },
    };
    let change = ScheduleChange::ExcludeDate {
        date,
        reason: f.reason.trim().to_string(),
    };
    impact::apply(&state, &staff, &facility, change, &confirm, step).await
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    cancel_reason: String,
}

/// `POST /staff/schedule/excluded/{date}/delete`: the day gets its slots back.
pub(super) async fn post_unexclude(
    State(state): State<AppState>,
    staff: Staff,
    Path(date): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = staff.facility_for(&state, Can::Configure).await?;
    let date = date
        .parse::<jiff::civil::Date>()
        .map_err(|_| StaffError::not_found(staff.lang))?;
    state
        .db
        .remove_excluded_date(facility.id, date, &staff.who(), jiff::Timestamp::now())
        .await
        .map_err(|e| storage_error(e, staff.lang))?;
    Ok(done("excluded-removed", 0))
}

#[derive(Deserialize)]
pub(super) struct ExtraForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    slot_minutes: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reason: String,
}

fn parse_extra(lang: crate::i18n::Lang, f: &ExtraForm) -> Result<NewExtraSession, String> {
    let date = date_field(lang, "staff-schedule-date", &f.date)?.ok_or_else(|| {
        lang.t_args(
            "staff-schedule-error-date",
            &[("field", lang.t("staff-schedule-date"))],
        )
    })?;
    let reason = jenguk_domain::text::parse_reason(&f.reason)
        .map_err(|_| lang.t("staff-schedule-error-reason"))?;
    Ok(NewExtraSession {
        date,
        start: time_field(lang, "staff-schedule-start", &f.start)?,
        end: time_field(lang, "staff-schedule-end", &f.end)?,
        slot_minutes: number(lang, "staff-schedule-slot-minutes", &f.slot_minutes)?,
        capacity: number(lang, "staff-schedule-capacity", &f.capacity)?,
        kind: VisitKind::parse(f.kind.trim()).ok_or_else(|| lang.t("staff-schedule-error-kind"))?,
        reason,
    })
}

/// `POST /staff/schedule/extra`: a one-off session (adds slots; takes no booking away).
pub(super) async fn post_extra(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<ExtraForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = staff.facility_for(&state, Can::Configure).await?;
    let lang = staff.lang;
    let x = match parse_extra(lang, &f) {
        Ok(x) => x,
        Err(msg) => return overview(&state, &staff, &facility, String::new(), msg).await,
    };
    let booths = state
        .db
        .active_booths(facility.id)
        .await
        .map_err(|e| storage_error(e, lang))?;
    let probe = jenguk_domain::ExtraSession {
        id: 0,
        facility_id: facility.id,
        date: x.date,
        start: x.start,
        end: x.end,
        slot_minutes: x.slot_minutes,
        capacity: x.capacity,
        kind: x.kind,
        reason: x.reason.clone(),
    };
    if let Err(p) = check_extra(&probe, booths) {
        let msg = problem_message(lang, &p, x.slot_minutes);
        return overview(&state, &staff, &facility, String::new(), msg).await;
    }
    match state
        .db
        .add_extra_session(facility.id, &x, &staff.who(), jiff::Timestamp::now())
        .await
    {
        Ok(_) => Ok(done("extra-added", 0)),
        Err(e) => {
            let msg = storage_error(e, lang).message;
            overview(&state, &staff, &facility, String::new(), msg).await
        }
    }
}

/// `POST /staff/schedule/extra/{id}/delete`, through the impact step.
pub(super) async fn post_extra_delete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    staff.require(&state, Can::Configure).await?;
    let lang = staff.lang;
    let x = state
        .db
        .extra_session_by_id(id)
        .await
        .map_err(|e| StaffError::from_storage(e, lang).back("/staff/schedule"))?;
    let facility = record_facility(&state, &staff, x.facility_id).await?;
    let label = format!(
        "{}, {}–{}, {}",
        date_long(lang, x.date),
        hhmm(x.start),
        hhmm(x.end),
        kind_name(lang, x.kind)
    );
    let step = Step {
        change: lang.t_args("staff-schedule-impact-extra", &[("name", label)]),
        action: format!("/staff/schedule/extra/{id}/delete"),
        back: "/staff/schedule",
        fields: Vec::new(),
        done: "extra-removed",
        landing: "/staff/schedule".into(),
        default_reason: String::new(),
    };
    let confirm = Confirm {
        confirm: f.confirm,
        cancel_reason: f.cancel_reason,
    };
    impact::apply(
        &state,
        &staff,
        &facility,
        ScheduleChange::DeleteExtraSession { id },
        &confirm,
        step,
    )
    .await
}
