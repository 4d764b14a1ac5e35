//! The facility's visiting policy: booking window, cut-off, weekly quotas, people per visit,
//! recording. A policy governs new bookings; bookings already made keep their places, so a
//! policy change cancels nothing.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use jenguk_domain::VisitPolicy;
use jenguk_domain::schedule_change::PolicyProblem;
use serde::Deserialize;

use super::{done, number, storage_error};
use crate::AppState;
use crate::family::page::render;
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// The policy form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slot_minutes: String,
    #[serde(default)]
    min_days_ahead: String,
    #[serde(default)]
    max_days_ahead: String,
    #[serde(default)]
    cutoff_minutes: String,
    #[serde(default)]
    inmate_quota: String,
    #[serde(default)]
    visitor_quota: String,
    #[serde(default)]
    max_people: String,
    #[serde(default)]
    record: Option<String>,
}

impl PolicyForm {
    fn of(p: &VisitPolicy) -> PolicyForm {
        PolicyForm {
            slot_minutes: p.slot_minutes.to_string(),
            min_days_ahead: p.min_days_ahead.to_string(),
            max_days_ahead: p.max_days_ahead.to_string(),
            cutoff_minutes: p.cutoff_minutes.to_string(),
            inmate_quota: p.max_visits_per_inmate_per_week.to_string(),
            visitor_quota: p.max_visits_per_visitor_per_week.to_string(),
            max_people: p.max_people_per_visit.to_string(),
            record: p.record_family_visits.then(|| "on".to_string()),
            ..PolicyForm::default()
        }
    }

    fn parse(&self, lang: Lang) -> Result<VisitPolicy, String> {
        let p = VisitPolicy {
            slot_minutes: number(lang, "staff-schedule-slot-minutes", &self.slot_minutes)?,
            min_days_ahead: number(lang, "staff-schedule-policy-min-days", &self.min_days_ahead)?,
            max_days_ahead: number(lang, "staff-schedule-policy-max-days", &self.max_days_ahead)?,
            cutoff_minutes: number(lang, "staff-schedule-policy-cutoff", &self.cutoff_minutes)?,
            max_visits_per_inmate_per_week: number(
                lang,
                "staff-schedule-policy-inmate-quota",
                &self.inmate_quota,
            )?,
            max_visits_per_visitor_per_week: number(
                lang,
                "staff-schedule-policy-visitor-quota",
                &self.visitor_quota,
            )?,
            max_people_per_visit: number(lang, "staff-schedule-policy-people", &self.max_people)?,
            record_family_visits: self.record.is_some(),
        };
        p.check().map_err(|e| {
            lang.t(match e {
                PolicyProblem::SlotMinutes => "staff-schedule-error-slot-length",
                PolicyProblem::Window => "staff-schedule-error-window",
                PolicyProblem::Cutoff => "staff-schedule-error-cutoff",
                PolicyProblem::Quota => "staff-schedule-error-quota",
                PolicyProblem::People => "staff-schedule-error-people",
            })
        })?;
        Ok(p)
    }
}

#[derive(Template)]
#[template(path = "staff/schedule/policy.html")]
struct PolicyPage {
    chrome: StaffChrome,
    form: PolicyForm,
    error: String,
}

fn page(staff: &Staff, form: PolicyForm, error: String) -> Response {
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = render(&PolicyPage {
        chrome: staff.chrome("staff-schedule-policy-title"),
        form,
        error,
    });
    *res.status_mut() = status;
    res
}

/// `GET /staff/schedule/policy`.
pub(super) async fn get_policy(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, StaffError> {
    let f = staff.facility_for(&state, Can::Configure).await?;
    Ok(page(&staff, PolicyForm::of(&f.policy), String::new()))
}

/// `POST /staff/schedule/policy`: checked first; nothing is written when refused.
pub(super) async fn post_policy(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<PolicyForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    let f = staff.facility_for(&state, Can::Configure).await?;
    let p = match form.parse(staff.lang) {
        Ok(p) => p,
        Err(msg) => return Ok(page(&staff, form, msg)),
    };
    state
        .db
        .update_policy(f.id, &p, &staff.who(), jiff::Timestamp::now())
        .await
        .map_err(|e| storage_error(e, staff.lang).back("/staff/schedule/policy"))?;
    Ok(done("policy-saved", 0))
}
