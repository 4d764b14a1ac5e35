//! Inmates in the console: search and list, view and edit, CSV import with a preview,
//! transfer to another facility, release, and suspension of visits. Every action page says
//! what will happen before it is done; every change is one storage transaction with its
//! audit rows.

mod actions;
mod import;
mod list;
mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use jenguk_domain::{Facility, Inmate, InmateId, VisitStatus};
use jenguk_storage::{StorageError, VisitView};
use jiff::Timestamp;

use crate::AppState;
use crate::i18n::Lang;
use crate::staff::page::StaffError;
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// The upload route, whose body may be larger than the global limit.
pub const IMPORT_PATH: &str = "/staff/inmates/import";
/// The largest CSV upload accepted (bytes, the whole multipart body).
pub const IMPORT_LIMIT: usize = 5 * 1024 * 1024;

/// The inmate routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/inmates", get(list::get_list))
        .route(
            IMPORT_PATH,
            get(import::get_import)
                .post(import::post_import)
                .layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/staff/inmates/import/confirm", post(import::post_confirm))
        .route(
            "/staff/inmates/{id}",
            get(view::get_inmate).post(view::post_inmate),
        )
        .route(
            "/staff/inmates/{id}/transfer",
            get(actions::get_transfer).post(actions::post_transfer),
        )
        .route(
            "/staff/inmates/{id}/release",
            get(actions::get_release).post(actions::post_release),
        )
        .route(
            "/staff/inmates/{id}/suspend",
            get(actions::get_suspend).post(actions::post_suspend),
        )
        .route("/staff/inmates/{id}/lift", post(actions::post_lift))
}

/// Loads an inmate by the path's id and checks that this staff member may operate at its
/// facility (refusals audited). An id that is not a number is not found.
async fn load(state: &AppState, staff: &Staff, id: &str) -> Result<Inmate, StaffError> {
    let id: i64 = id.parse().map_err(|_| StaffError::not_found(staff.lang))?;
    staff.require(state, Can::Operate).await?;
    let inmate = state
        .db
        .inmate(InmateId(id))
        .await
        .map_err(|e| storage_error(e, staff.lang))?;
    staff
        .require_at(state, Can::Operate, inmate.facility_id)
        .await?;
    Ok(inmate)
}

/// The inmate's visits that have not started and would be cancelled by a move.
async fn upcoming(
    state: &AppState,
    inmate: &Inmate,
    lang: Lang,
    now: Timestamp,
) -> Result<Vec<VisitView>, StaffError> {
    let visits = state
        .db
        .visits_of_inmate(inmate.id, now)
        .await
        .map_err(|e| storage_error(e, lang))?;
    Ok(visits
        .into_iter()
        .filter(|v| {
            v.visit.start > now
                && v.visit.facility_id == inmate.facility_id
                && matches!(
                    v.visit.status,
                    VisitStatus::Requested | VisitStatus::Booked | VisitStatus::CheckedIn
                )
        })
        .collect())
}

/// A visit's start in its facility's zone, `YYYY-MM-DD HH:MM`.
fn local_start(v: &VisitView) -> String {
    jiff::tz::TimeZone::get(&v.time_zone).map_or_else(
        |_| v.visit.start.to_string(),
        |tz| {
            v.visit
                .start
                .to_zoned(tz)
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

/// Today's date at a facility.
fn today(f: &Facility) -> jiff::civil::Date {
    let now = Timestamp::now();
    f.tz().map_or_else(
        |_| now.to_zoned(jiff::tz::TimeZone::UTC).date(),
        |tz| now.to_zoned(tz).date(),
    )
}

/// Storage errors, with this area's own refusals translated here.
fn storage_error(e: StorageError, lang: Lang) -> StaffError {
    let key = match &e {
        StorageError::Invalid("same_facility") => "staff-inmates-error-same-facility",
        StorageError::Invalid("suspension_in_past") => "staff-inmates-error-until-past",
        StorageError::Invalid("import_has_bad_rows") => "staff-inmates-error-import-bad-rows",
        StorageError::Invalid("inmate_released") => "staff-inmates-error-released",
        StorageError::Invalid("reason") => "staff-inmates-error-reason",
        StorageError::NotFound("import") => "staff-inmates-error-import-expired",
        StorageError::Conflict("reg_number_taken") => "staff-inmates-error-reg-taken",
        _ => return StaffError::from_storage(e, lang),
    };
    let status = match &e {
        StorageError::NotFound(_) => axum::http::StatusCode::NOT_FOUND,
        StorageError::Conflict(_) => axum::http::StatusCode::CONFLICT,
        _ => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
    };
    StaffError::new(status, lang, lang.t(key))
}

/// One upcoming visit as shown before an action.
#[derive(Debug, Clone)]
struct VisitRow {
    code: String,
    start: String,
    status: String,
}

fn visit_rows(lang: Lang, visits: &[VisitView]) -> Vec<VisitRow> {
    visits
        .iter()
        .map(|v| VisitRow {
            code: v.code.to_string(),
            start: local_start(v),
            status: lang.t(&format!("fv-status-{}", v.visit.status.as_str())),
        })
        .collect()
}

/// The page for an upload whose declared length is over [`IMPORT_LIMIT`], answered before
/// any of it is read; `None` when the request is not such an upload.
pub fn too_large(req: &axum::extract::Request) -> Option<axum::response::Response> {
    use axum::response::IntoResponse;
    let length = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())?;
    if req.uri().path() != IMPORT_PATH || length <= IMPORT_LIMIT {
        return None;
    }
    let lang = crate::extract::request_lang(req.headers(), req.uri().query());
    let message = lang.t_args(
        "staff-inmates-error-too-large",
        &[("max", (IMPORT_LIMIT / (1024 * 1024)).to_string())],
    );
    Some(
        StaffError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, lang, message)
            .back(IMPORT_PATH)
            .into_response(),
    )
}
