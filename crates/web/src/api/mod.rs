//! The staff JSON API under `/api/v1`.
//!
//! Architecture invariant: every handler checks the caller's role and facility on the server
//! before it reads or changes anything; a denial changes nothing.

pub mod auth;
pub mod dto;
pub mod facilities;
pub mod people;
pub mod visits;

use axum::Router;
use axum::routing::{get, post};
use jenguk_domain::{
    FacilityCode, FacilityId, Nik, NikError, PersonName, PhoneError, PhoneNumber, VisitCode,
};
use jenguk_storage::{AuditEvent, Role, StaffUser};
use jiff::civil::{Date, Time};
use jiff::{Timestamp, tz::TimeZone};

use crate::AppState;
use crate::error::ApiError;

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(auth::post_token))
        .route("/me", get(auth::get_me))
        .route("/users", post(auth::post_user))
        .route(
            "/facilities",
            get(facilities::get_facilities).post(facilities::post_facility),
        )
        .route("/facilities/{code}", get(facilities::get_facility))
        .route(
            "/facilities/{code}/booths",
            get(facilities::get_booths).post(facilities::post_booth),
        )
        .route(
            "/facilities/{code}/templates",
            get(facilities::get_templates).post(facilities::post_template),
        )
        .route(
            "/facilities/{code}/excluded-dates",
            get(facilities::get_excluded_dates).post(facilities::post_excluded_date),
        )
        .route(
            "/facilities/{code}/extra-sessions",
            post(facilities::post_extra_session),
        )
        .route("/facilities/{code}/slots", get(facilities::get_slots))
        .route(
            "/facilities/{code}/inmates",
            get(people::get_inmates).post(people::post_inmate),
        )
        .route(
            "/facilities/{code}/visits",
            get(visits::get_facility_visits),
        )
        .route("/inmates/{id}", get(people::get_inmate))
        .route("/inmates/{id}/suspension", post(people::post_suspension))
        .route(
            "/visitors",
            get(people::get_visitors).post(people::post_visitor),
        )
        .route("/visitors/{id}", get(people::get_visitor))
        .route("/links", get(people::get_links).post(people::post_link))
        .route("/links/{id}/approve", post(people::post_link_approve))
        .route("/links/{id}/reject", post(people::post_link_reject))
        .route("/visits", post(visits::post_visit))
        .route("/visits/{code}", get(visits::get_visit))
        .route("/visits/{code}/cancel", post(visits::post_cancel))
        .route("/visits/{code}/check-in", post(visits::post_check_in))
        .route("/visits/{code}/start", post(visits::post_start))
        .route("/visits/{code}/outcome", post(visits::post_outcome))
        .route("/audit", get(auth::get_audit))
}

/// Refuses unless the user has one of the roles.
pub(crate) fn require(user: &StaffUser, roles: &[Role]) -> Result<(), ApiError> {
    if roles.contains(&user.role) {
        Ok(())
    } else {
        tracing::info!(user = user.id.0, role = user.role.as_str(), "role denied");
        Err(ApiError::forbidden())
    }
}

/// Refuses unless the user works at the facility (or is national).
pub(crate) fn scope(user: &StaffUser, facility: FacilityId) -> Result<(), ApiError> {
    if user.can_access(facility) {
        Ok(())
    } else {
        tracing::info!(user = user.id.0, facility = facility.0, "facility denied");
        Err(ApiError::other_facility())
    }
}

/// Roles that run the day: approvals, inmates, bookings.
pub(crate) const OPERATORS: &[Role] = &[Role::NationalAdmin, Role::FacilityAdmin, Role::Operator];
/// Roles that set a facility up: booths, templates, policy.
pub(crate) const ADMINS: &[Role] = &[Role::NationalAdmin, Role::FacilityAdmin];

/// The audit "who" for a staff request.
pub(crate) fn who(user: &StaffUser, ip: Option<String>) -> AuditEvent {
    AuditEvent::staff(user.id, ip)
}

pub(crate) fn parse_facility_code(s: &str) -> Result<FacilityCode, ApiError> {
    FacilityCode::parse(s)
        .map_err(|_| ApiError::invalid("invalid_facility_code", "invalid-facility-code"))
}

pub(crate) fn parse_date(s: &str) -> Result<Date, ApiError> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| ApiError::invalid("invalid_date", "invalid-date"))
}

pub(crate) fn parse_opt_date(s: Option<&str>) -> Result<Option<Date>, ApiError> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_date)
        .transpose()
}

pub(crate) fn parse_time(s: &str) -> Result<Time, ApiError> {
    let s = s.trim();
    let ok_shape = s.len() == 5 || s.len() == 8;
    let t = s.parse::<Time>().ok().filter(|_| ok_shape);
    t.ok_or_else(|| ApiError::invalid("invalid_time", "invalid-time"))
}

pub(crate) fn parse_timestamp(s: &str) -> Result<Timestamp, ApiError> {
    s.trim()
        .parse::<Timestamp>()
        .map_err(|_| ApiError::invalid("invalid_timestamp", "invalid-timestamp"))
}

pub(crate) fn parse_name(s: &str) -> Result<PersonName, ApiError> {
    PersonName::parse(s).map_err(|_| ApiError::invalid("invalid_name", "invalid-name"))
}

pub(crate) fn parse_nik(s: &str) -> Result<Nik, ApiError> {
    let today = Timestamp::now().to_zoned(TimeZone::UTC).date();
    Nik::parse(s, today).map_err(|e| {
        let key = match e {
            NikError::Length => "invalid-nik-length",
            NikError::NotDigits => "invalid-nik-digits",
            NikError::Province => "invalid-nik-province",
            NikError::Region => "invalid-nik-region",
            NikError::BirthDate => "invalid-nik-birth-date",
            NikError::FutureBirthDate => "invalid-nik-future",
            NikError::Serial => "invalid-nik-serial",
        };
        ApiError::invalid("invalid_nik", key)
    })
}

pub(crate) fn parse_phone(s: &str) -> Result<PhoneNumber, ApiError> {
    PhoneNumber::parse(s).map_err(|e| match e {
        PhoneError::Invalid => ApiError::invalid("invalid_phone", "invalid-phone"),
        PhoneError::NotMobile => ApiError::invalid("invalid_phone", "invalid-phone-not-mobile"),
    })
}

pub(crate) fn parse_code(s: &str) -> Result<VisitCode, ApiError> {
    VisitCode::parse(s).map_err(|_| ApiError::invalid("invalid_visit_code", "invalid-visit-code"))
}

/// A value that is not one of an enum's names.
pub(crate) fn bad_enum(field: &'static str, value: &str) -> ApiError {
    ApiError::invalid(&format!("invalid_{field}"), "invalid-enum")
        .arg("field", field)
        .arg("value", value.chars().take(40).collect::<String>())
}

/// An instant as RFC 3339 with the facility's offset (`2026-12-01T08:00:00+07:00`).
pub(crate) fn local_rfc3339(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}
