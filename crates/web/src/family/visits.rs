//! "My visits": the list, one visit's page (the code large, its QR, the join link, the
//! calendar file), cancelling within the policy, and the satisfaction survey (SKM).
//!
//! A family only ever reaches its own visits: any other code, or one that does not exist,
//! is the same "not found" page.
//!
//! This module holds what the family's visit pages share (also used by `book`, `join` and
//! `data`); each page lives in its own submodule.

mod calendar;
mod cancel;
mod list;
mod rate;
mod visit;

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use jenguk_domain::{Facility, FacilityId, Inmate, InmateId, VisitCode, VisitStatus, Visitor};
use jenguk_storage::{AuditEvent, StorageError, VisitView};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use crate::AppState;
use crate::extract::ClientIp;
use crate::family::page::{PageError, render};
use crate::family::session::{Family, same_origin};
use crate::i18n::Lang;

pub(crate) use rate::SKM_ELEMENTS;

/// What a family page handler returns: a page, or a page explaining why not.
pub(crate) type Page = Result<Response, Response>;

/// The routes of "my visits".
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kunjungan", get(list::get_list))
        .route("/kunjungan/{code}", get(visit::get_visit))
        .route("/kunjungan/{code}/kalender.ics", get(calendar::get_ics))
        .route(
            "/kunjungan/{code}/batal",
            get(cancel::get_cancel).post(cancel::post_cancel),
        )
        .route(
            "/kunjungan/{code}/nilai",
            get(rate::get_rate).post(rate::post_rate),
        )
}

// ---------------------------------------------------------------------------------------
// Shared by the family's visit pages (also used by `book`, `join` and `data`).

/// A storage failure as a page.
pub(crate) fn storage(lang: Lang) -> impl FnOnce(StorageError) -> Response {
    move |e| PageError::from_storage(e, lang).into_response()
}

/// Personal pages are never kept by a shared phone's browser or a proxy.
pub(crate) fn private(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A rendered page with a status, not cached.
pub(crate) fn page(t: &impl Template, status: StatusCode) -> Response {
    let mut res = render(t);
    if res.status().is_success() {
        *res.status_mut() = status;
    }
    private(res)
}

/// A simple page with a translated message (the error page's layout).
pub(crate) fn message(status: StatusCode, lang: Lang, key: &str, back: &str) -> Response {
    private(
        PageError::new(status, lang, lang.t(key))
            .back(back)
            .into_response(),
    )
}

/// A simple page with a translated message with arguments.
pub(crate) fn message_args(
    status: StatusCode,
    lang: Lang,
    key: &str,
    args: &[(&'static str, String)],
    back: &str,
) -> Response {
    private(
        PageError::new(status, lang, lang.t_args(key, args))
            .back(back)
            .into_response(),
    )
}

/// 303 See Other.
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Refuses a form from another site or without this session's token.
#[allow(clippy::result_large_err)] // a page as the error, as every handler returns
pub(crate) fn check_post(family: &Family, headers: &HeaderMap, csrf: &str) -> Result<(), Response> {
    if !same_origin(headers) {
        return Err(PageError::csrf(family.lang).into_response());
    }
    family.check_csrf(csrf).map_err(IntoResponse::into_response)
}

/// A form body, or a page saying it could not be read.
#[allow(clippy::result_large_err)] // a page as the error, as every handler returns
pub(crate) fn form<T>(r: Result<Form<T>, FormRejection>, lang: Lang) -> Result<T, Response> {
    r.map(|Form(t)| t)
        .map_err(|_| message(StatusCode::BAD_REQUEST, lang, "fv-error-form", "/kunjungan"))
}

/// A form that carries the session's CSRF token.
pub(crate) trait WithCsrf {
    /// The token as posted.
    fn csrf(&self) -> &str;
}

/// A posted form of a registered family: read, then checked (our origin, this session's
/// token), then the visitor who posted it; the page saying why not otherwise.
#[allow(clippy::result_large_err)] // a page as the error, as every handler returns
pub(crate) fn posted<T: WithCsrf>(
    family: &Family,
    headers: &HeaderMap,
    body: Result<Form<T>, FormRejection>,
) -> Result<(T, Visitor), Response> {
    let f = form(body, family.lang)?;
    check_post(family, headers, f.csrf())?;
    let visitor = family.visitor()?.clone();
    Ok((f, visitor))
}

/// Who acts, for the audit trail: the family, on the web, from this address.
pub(crate) fn who(ip: ClientIp) -> AuditEvent {
    AuditEvent {
        user_id: None,
        source: Some(ip.0.map_or_else(|| "web".to_string(), |ip| format!("web {ip}"))),
    }
}

/// The facility's zone (WIB when unknown).
pub(crate) fn zone(time_zone: &str) -> TimeZone {
    TimeZone::get(time_zone)
        .or_else(|_| TimeZone::get("Asia/Jakarta"))
        .unwrap_or(TimeZone::UTC)
}

/// An instant written out in the facility's zone: "Selasa, 1 Desember 2026 pukul 09.00 WIB".
pub(crate) fn when(lang: Lang, at: Timestamp, time_zone: &str) -> String {
    jenguk_notify::chat::format_when(lang, at, time_zone)
}

/// "09.00" / "09:00".
pub(crate) fn clock(lang: Lang, t: Time) -> String {
    lang.t_args(
        "chat-clock",
        &[
            ("hour", format!("{:02}", t.hour())),
            ("minute", format!("{:02}", t.minute())),
        ],
    )
}

fn weekday(lang: Lang, d: Date) -> String {
    lang.t(&format!(
        "chat-weekday-{}",
        d.weekday().to_monday_one_offset()
    ))
}

/// "Selasa, 1 Desember 2026".
pub(crate) fn date_long(lang: Lang, d: Date) -> String {
    lang.t_args(
        "chat-date-long",
        &[
            ("weekday", weekday(lang, d)),
            ("day", d.day().to_string()),
            ("month", lang.t(&format!("chat-month-{}", d.month()))),
            ("year", d.year().to_string()),
        ],
    )
}

/// "Selasa, 1 Des, 09.00" (the zone is said once on the page).
pub(crate) fn when_short(lang: Lang, at: Timestamp, tz: &TimeZone) -> String {
    let z = at.to_zoned(tz.clone());
    let d = z.date();
    lang.t_args(
        "chat-when-short",
        &[
            ("weekday", weekday(lang, d)),
            ("day", d.day().to_string()),
            ("month", lang.t(&format!("chat-month-short-{}", d.month()))),
            ("time", clock(lang, z.time())),
        ],
    )
}

/// A visit's status in words.
pub(crate) fn status_label(lang: Lang, s: VisitStatus) -> String {
    lang.t(&format!("fv-status-{}", s.as_str()))
}

/// Why a visit is where it is, for the family (the reasons Jenguk itself writes are
/// translated; an operator's reason is shown as written).
pub(crate) fn reason_label(lang: Lang, reason: Option<&str>) -> Option<String> {
    match reason? {
        "moved" => Some(lang.t("fv-reason-moved")),
        "account deleted" => Some(lang.t("fv-reason-deleted")),
        r => Some(r.to_string()),
    }
}

/// Whether a family may still cancel or move the visit: not later than the policy's
/// cut-off before the start.
pub(crate) fn before_cutoff(v: &VisitView, f: &Facility, now: Timestamp) -> bool {
    v.visit.start.as_second() - now.as_second() >= i64::from(f.policy.cutoff_minutes) * 60
}

/// Whether the family can still change the visit at all (status-wise).
pub(crate) fn changeable(s: VisitStatus) -> bool {
    matches!(s, VisitStatus::Requested | VisitStatus::Booked)
}

/// The visit of this code, if it is this visitor's; "not found" otherwise.
pub(crate) async fn own_visit(
    state: &AppState,
    visitor: &Visitor,
    code: &str,
    lang: Lang,
) -> Result<VisitView, Response> {
    let nf = || {
        private(
            PageError::not_found(lang)
                .back("/kunjungan")
                .into_response(),
        )
    };
    let code = VisitCode::parse(code).map_err(|_| nf())?;
    match state.db.visit_by_code(&code).await {
        Ok(v) if v.visit.visitor_id == visitor.id => Ok(v),
        Ok(_) | Err(StorageError::NotFound(_)) => Err(nf()),
        Err(e) => Err(storage(lang)(e)),
    }
}

/// The visit of this code, if it is this family's: registration first when the family has
/// not registered, "not found" when the visit is not theirs.
pub(crate) async fn family_visit(
    state: &AppState,
    family: &Family,
    code: &str,
) -> Result<VisitView, Response> {
    let visitor = family.visitor()?.clone();
    own_visit(state, &visitor, code, family.lang).await
}

/// The facility of a visit, or the page saying it could not be read.
pub(crate) async fn visit_facility(
    state: &AppState,
    v: &VisitView,
    lang: Lang,
) -> Result<Facility, Response> {
    state
        .db
        .facility_by_id(v.visit.facility_id)
        .await
        .map_err(storage(lang))
}

/// Whether a visit is still ahead and in a status the family may change.
pub(crate) fn still_open(v: &VisitView, now: Timestamp) -> bool {
    changeable(v.visit.status) && v.visit.start > now
}

/// Whether a visit is over, so that the family may rate it.
pub(crate) fn finished(s: VisitStatus) -> bool {
    matches!(s, VisitStatus::Completed | VisitStatus::Terminated)
}

/// Whether the family has rated the visit already.
pub(crate) async fn has_rating(
    state: &AppState,
    v: &VisitView,
    lang: Lang,
) -> Result<bool, Response> {
    Ok(state
        .db
        .visit_rating(v.visit.id)
        .await
        .map_err(storage(lang))?
        .is_some())
}

/// "{inmate} di {facility}": whom the visit is with, and where.
pub(crate) fn place(lang: Lang, inmate: &Inmate, facility: &Facility) -> String {
    lang.t_args(
        "fv-visit-place",
        &[
            ("inmate", inmate.name.as_str().to_string()),
            ("facility", facility.name.clone()),
        ],
    )
}

/// The page of a visit.
pub(crate) fn visit_path(code: &VisitCode) -> String {
    format!("/kunjungan/{}", code.as_str())
}

/// The link a family opens to join: `{public}/join/{CODE}` (as on WhatsApp).
pub(crate) fn join_url(state: &AppState, code: &VisitCode) -> String {
    format!("{}/join/{}", state.public_url, code.as_str())
}

/// Facilities and inmates looked up once per page.
pub(crate) struct Names<'a> {
    state: &'a AppState,
    facilities: HashMap<FacilityId, Facility>,
    inmates: HashMap<InmateId, Inmate>,
}

impl<'a> Names<'a> {
    pub(crate) fn new(state: &'a AppState) -> Self {
        Names {
            state,
            facilities: HashMap::new(),
            inmates: HashMap::new(),
        }
    }

    pub(crate) async fn facility(&mut self, id: FacilityId) -> Result<Facility, StorageError> {
        if let Some(f) = self.facilities.get(&id) {
            return Ok(f.clone());
        }
        let f = self.state.db.facility_by_id(id).await?;
        self.facilities.insert(id, f.clone());
        Ok(f)
    }

    pub(crate) async fn inmate(&mut self, id: InmateId) -> Result<Inmate, StorageError> {
        if let Some(i) = self.inmates.get(&id) {
            return Ok(i.clone());
        }
        let i = self.state.db.inmate(id).await?;
        self.inmates.insert(id, i.clone());
        Ok(i)
    }

    /// The facility and the inmate of a visit, as a page's parts.
    pub(crate) async fn of_visit(
        &mut self,
        v: &VisitView,
        lang: Lang,
    ) -> Result<(Facility, Inmate), Response> {
        let facility = self
            .facility(v.visit.facility_id)
            .await
            .map_err(storage(lang))?;
        let inmate = self
            .inmate(v.visit.inmate_id)
            .await
            .map_err(storage(lang))?;
        Ok((facility, inmate))
    }
}

/// The `done=` notice after a change, translated.
fn done_notice(lang: Lang, query: Option<&str>) -> Option<String> {
    let done = query?.split('&').find_map(|p| p.strip_prefix("done="))?;
    match done {
        "cancelled" | "moved" | "rated" => Some(lang.t(&format!("fv-done-{done}"))),
        _ => None,
    }
}
