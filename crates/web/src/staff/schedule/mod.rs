//! `/staff/schedule`: a facility's booths, weekly session templates (with a preview of the
//! slots they make), excluded dates, one-off sessions and visiting policy. Facility
//! administrators for their facility; national administrators for the facility they picked
//! (or the facility of the record they open).
//!
//! Every change that can take existing bookings away (a template edited or deleted, a date
//! excluded, a one-off session removed, a booth taken out of service) first shows the future
//! visits it would cancel and asks; a post without the confirmation of exactly those visits
//! cancels nothing and shows them. Confirmed, the change and the cancellations (with the
//! families' receipts) are one transaction.

mod booths;
mod dates;
mod impact;
mod index;
mod policy;
mod template_page;
mod templates;

use axum::Router;
use axum::routing::{get, post};
use jenguk_domain::schedule::ScheduleError;
use jenguk_domain::schedule_change::SessionProblem;
use jenguk_domain::{Facility, FacilityId, SessionTemplate, VisitKind};
use jenguk_storage::StorageError;
use jiff::civil::{Date, Time, Weekday};

use crate::AppState;
use crate::i18n::Lang;
use crate::staff::page::StaffError;
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// The schedule routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/schedule", get(index::get_index))
        .route("/staff/schedule/booths", post(booths::post_add))
        .route(
            "/staff/schedule/booths/{id}/rename",
            post(booths::post_rename),
        )
        .route(
            "/staff/schedule/booths/{id}/active",
            post(booths::post_active),
        )
        .route(
            "/staff/schedule/templates/new",
            get(templates::get_new).post(templates::post_new),
        )
        .route(
            "/staff/schedule/templates/{id}",
            get(templates::get_edit).post(templates::post_edit),
        )
        .route(
            "/staff/schedule/templates/{id}/delete",
            post(templates::post_delete),
        )
        .route("/staff/schedule/excluded", post(dates::post_exclude))
        .route(
            "/staff/schedule/excluded/{date}/delete",
            post(dates::post_unexclude),
        )
        .route("/staff/schedule/extra", post(dates::post_extra))
        .route(
            "/staff/schedule/extra/{id}/delete",
            post(dates::post_extra_delete),
        )
        .route(
            "/staff/schedule/policy",
            get(policy::get_policy).post(policy::post_policy),
        )
}

/// The facility of a record, after checking that this staff member may configure it.
async fn record_facility(
    state: &AppState,
    staff: &Staff,
    facility_id: FacilityId,
) -> Result<Facility, StaffError> {
    staff.require_at(state, Can::Configure, facility_id).await?;
    match &staff.facility {
        Some(f) if f.id == facility_id => Ok(f.clone()),
        _ => state
            .db
            .facility_by_id(facility_id)
            .await
            .map_err(|e| StaffError::from_storage(e, staff.lang)),
    }
}

/// "Senin" / "Monday".
fn weekday_name(lang: Lang, w: Weekday) -> String {
    lang.t(&format!(
        "staff-schedule-weekday-{}",
        w.to_monday_one_offset()
    ))
}

/// "09:00".
fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "keluarga" / "family".
fn kind_name(lang: Lang, k: VisitKind) -> String {
    lang.t(&format!("staff-schedule-kind-{}", k.as_str()))
}

/// "Senin 09:00–12:00, keluarga".
fn template_label(lang: Lang, t: &SessionTemplate) -> String {
    format!(
        "{} {}–{}, {}",
        weekday_name(lang, t.weekday),
        hhmm(t.start),
        hhmm(t.end),
        kind_name(lang, t.kind)
    )
}

/// The message for a template or session the console refuses.
fn problem_message(lang: Lang, p: &SessionProblem, slot_minutes: u16) -> String {
    match p {
        SessionProblem::Shape(ScheduleError::EndBeforeStart) => {
            lang.t("staff-schedule-error-end-before-start")
        }
        SessionProblem::Shape(ScheduleError::SlotLength) => {
            lang.t("staff-schedule-error-slot-length")
        }
        SessionProblem::Shape(ScheduleError::Capacity) => lang.t("staff-schedule-error-capacity"),
        SessionProblem::Shape(ScheduleError::ValidityRange) => {
            lang.t("staff-schedule-error-validity")
        }
        SessionProblem::SlotsDoNotDivide => lang.t_args(
            "staff-schedule-error-slots-divide",
            &[("minutes", slot_minutes.to_string())],
        ),
        SessionProblem::Overlaps(o) => lang.t_args(
            "staff-schedule-error-overlap",
            &[("name", template_label(lang, o))],
        ),
        SessionProblem::CapacityAboveBooths { booths } => lang.t_args(
            "staff-schedule-error-capacity-booths",
            &[("max", booths.to_string())],
        ),
    }
}

/// A storage failure as a console error, with this area's own messages for its codes.
fn storage_error(e: StorageError, lang: Lang) -> StaffError {
    let key = match &e {
        StorageError::Invalid("template_overlap") => "staff-schedule-error-overlap-generic",
        StorageError::Invalid("slots_do_not_divide") => "staff-schedule-error-slots-generic",
        StorageError::Invalid("capacity_above_booths") => {
            "staff-schedule-error-capacity-booths-generic"
        }
        StorageError::Invalid("last_booth") => "staff-schedule-error-last-booth",
        StorageError::Invalid("date_past") => "staff-schedule-error-date-past",
        StorageError::Invalid("policy_quota") => "staff-schedule-error-quota",
        StorageError::Invalid("policy_slot_minutes") => "staff-schedule-error-slot-length",
        StorageError::Conflict("date_already_excluded") => "staff-schedule-error-date-excluded",
        _ => return StaffError::from_storage(e, lang).back("/staff/schedule"),
    };
    StaffError::invalid(lang, lang.t(key)).back("/staff/schedule")
}

/// A form field as a number in a range, or the translated complaint naming the field.
fn number<T: TryFrom<i64>>(lang: Lang, field_key: &str, v: &str) -> Result<T, String> {
    v.trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| {
            lang.t_args(
                "staff-schedule-error-number",
                &[("field", lang.t(field_key))],
            )
        })
}

/// `HH:MM`, or the translated complaint.
fn time_field(lang: Lang, field_key: &str, v: &str) -> Result<Time, String> {
    crate::api::parse_time(v)
        .map_err(|_| lang.t_args("staff-schedule-error-time", &[("field", lang.t(field_key))]))
}

/// `YYYY-MM-DD` (empty → none), or the translated complaint.
fn date_field(lang: Lang, field_key: &str, v: &str) -> Result<Option<Date>, String> {
    crate::api::parse_opt_date(Some(v))
        .map_err(|_| lang.t_args("staff-schedule-error-date", &[("field", lang.t(field_key))]))
}

/// The visits the administrator confirmed: `confirm` holds their ids, comma separated.
fn confirmed_ids(confirm: &str) -> Vec<jenguk_domain::VisitId> {
    confirm
        .split(',')
        .filter_map(|s| s.trim().parse::<i64>().ok())
        .map(jenguk_domain::VisitId)
        .collect()
}

/// Where a change lands: the overview with a notice (and how many visits were cancelled).
fn done(key: &str, cancelled: usize) -> axum::response::Response {
    done_at("/staff/schedule", key, cancelled)
}

/// A 303 to `path` with the notice of a change.
fn done_at(path: &str, key: &str, cancelled: usize) -> axum::response::Response {
    use axum::response::IntoResponse;
    let to = if cancelled > 0 {
        format!("{path}?done={key}&cancelled={cancelled}")
    } else {
        format!("{path}?done={key}")
    };
    axum::response::Redirect::to(&to).into_response()
}
