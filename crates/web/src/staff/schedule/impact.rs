//! The impact preview: the future visits a schedule change would cancel, and the form that
//! confirms exactly those visits (or goes back without changing anything).

use askama::Template;
use axum::response::Response;
use jenguk_domain::Facility;
use jenguk_storage::{AffectedVisit, ChangeOutcome, ScheduleChange};

use super::{confirmed_ids, done_at, storage_error};
use crate::AppState;
use crate::family::page::render;
use crate::family::visits::when;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::session::Staff;

/// One visit the change would cancel.
struct ImpactRow {
    when: String,
    kind: String,
    inmate: String,
    booth: String,
    code: String,
}

#[derive(Template)]
#[template(path = "staff/schedule/impact.html")]
struct ImpactPage {
    chrome: StaffChrome,
    change: String,
    action: String,
    back: String,
    fields: Vec<(String, String)>,
    confirm: String,
    count: usize,
    apply_label: String,
    reason: String,
    rows: Vec<ImpactRow>,
}

/// The fields every change form carries for the confirmation step.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct Confirm {
    /// The ids of the visits the administrator agreed to cancel, comma separated.
    #[serde(default)]
    pub confirm: String,
    /// What the families are told.
    #[serde(default)]
    pub cancel_reason: String,
}

/// What to show and where to go for one change.
pub(super) struct Step<'a> {
    /// The change, described for the administrator.
    pub change: String,
    /// Where the form posts (the same action).
    pub action: String,
    /// Where "keep things as they are" goes.
    pub back: &'a str,
    /// The change's own fields, posted again with the confirmation.
    pub fields: Vec<(String, String)>,
    /// The notice shown once applied (`staff-schedule-done-…`).
    pub done: &'static str,
    /// Where the notice is shown.
    pub landing: String,
    /// What families are told by default (empty: the generic text).
    pub default_reason: String,
}

/// Applies the change if it cancels no visit, or if the administrator confirmed exactly the
/// visits it cancels; otherwise shows them and asks.
pub(super) async fn apply(
    state: &AppState,
    staff: &Staff,
    facility: &Facility,
    change: ScheduleChange,
    confirm: &Confirm,
    step: Step<'_>,
) -> Result<Response, StaffError> {
    let lang = staff.lang;
    let reason = if confirm.cancel_reason.trim().is_empty() {
        lang.t("staff-schedule-impact-default-reason")
    } else {
        confirm.cancel_reason.clone()
    };
    let outcome = state
        .db
        .apply_schedule_change(
            facility,
            &change,
            &confirmed_ids(&confirm.confirm),
            &reason,
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| storage_error(e, lang).back(step.back))?;
    match outcome {
        ChangeOutcome::Applied(cancelled) => Ok(done_at(&step.landing, step.done, cancelled.len())),
        ChangeOutcome::NeedsConfirmation(visits) => Ok(page(staff, facility, step, &visits)),
    }
}

fn page(staff: &Staff, facility: &Facility, step: Step<'_>, visits: &[AffectedVisit]) -> Response {
    let lang = staff.lang;
    let rows = visits
        .iter()
        .map(|v| ImpactRow {
            when: when(lang, v.start, &facility.time_zone),
            kind: super::kind_name(lang, v.kind),
            inmate: v.inmate.clone(),
            booth: v.booth.clone().unwrap_or_else(|| "—".into()),
            code: v.code.to_string(),
        })
        .collect();
    let confirm = visits
        .iter()
        .map(|v| v.id.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    render(&ImpactPage {
        chrome: staff.chrome("staff-schedule-impact-title"),
        change: step.change,
        action: step.action,
        back: step.back.to_string(),
        fields: step.fields,
        confirm,
        count: visits.len(),
        apply_label: lang.t_args(
            "staff-schedule-impact-apply",
            &[("count", visits.len().to_string())],
        ),
        reason: if step.default_reason.is_empty() {
            lang.t("staff-schedule-impact-default-reason")
        } else {
            step.default_reason
        },
        rows,
    })
}
