//! "My visits": the list, one visit's page (the code large, its QR, the join link, the
//! calendar file), cancelling within the policy, and the satisfaction survey (SKM).
//!
//! A family only ever reaches its own visits: any other code, or one that does not exist,
//! is the same "not found" page.

use std::collections::HashMap;
use std::fmt::Write as _;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{
    Facility, FacilityId, Inmate, InmateId, LinkStatus, VisitCode, VisitStatus, Visitor,
};
use jenguk_storage::{AuditEvent, LinkFilter, StorageError, VisitView};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::AppState;
use crate::extract::ClientIp;
use crate::family::page::{Chrome, PageError, render};
use crate::family::session::{Family, same_origin};
use crate::i18n::Lang;

/// What a family page handler returns: a page, or a page explaining why not.
pub(crate) type Page = Result<Response, Response>;

/// The routes of "my visits".
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kunjungan", get(get_list))
        .route("/kunjungan/{code}", get(get_visit))
        .route("/kunjungan/{code}/kalender.ics", get(get_ics))
        .route("/kunjungan/{code}/batal", get(get_cancel).post(post_cancel))
        .route("/kunjungan/{code}/nilai", get(get_rate).post(post_rate))
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
}

/// The QR code of a text as a small inline SVG: one path, dark runs merged per row, a
/// quiet zone of four modules, scaled by the browser.
pub(crate) fn qr_svg(data: &str, label: &str) -> String {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
    else {
        return String::new();
    };
    let w = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = w + 2 * quiet;
    let mut d = String::new();
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if colors[y * w + x] == qrcode::Color::Dark {
                let from = x;
                while x < w && colors[y * w + x] == qrcode::Color::Dark {
                    x += 1;
                }
                let _ = write!(
                    d,
                    "M{} {}h{}v1H{}z",
                    from + quiet,
                    y + quiet,
                    x - from,
                    from + quiet
                );
            } else {
                x += 1;
            }
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="220" height="220" style="max-width:100%;height:auto" role="img" aria-label="{}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{d}"/></svg>"##,
        escape_attr(label)
    )
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The `done=` notice after a change, translated.
fn done_notice(lang: Lang, query: Option<&str>) -> Option<String> {
    let done = query?.split('&').find_map(|p| p.strip_prefix("done="))?;
    match done {
        "cancelled" | "moved" | "rated" => Some(lang.t(&format!("fv-done-{done}"))),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// The list.

struct LinkRow {
    id: i64,
    inmate: String,
    facility: String,
    status: String,
    reason: Option<String>,
}

struct VisitRow {
    path: String,
    code: String,
    when: String,
    place: String,
    status: String,
    reason: Option<String>,
    rate: bool,
}

#[derive(Template)]
#[template(path = "family/visits.html")]
struct VisitsPage {
    chrome: Chrome,
    notice: Option<String>,
    approved: Vec<LinkRow>,
    others: Vec<LinkRow>,
    upcoming: Vec<VisitRow>,
    past: Vec<VisitRow>,
}

async fn get_list(
    State(state): State<AppState>,
    family: Family,
    RawQuery(query): RawQuery,
) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let now = Timestamp::now();
    let links = state
        .db
        .links(&LinkFilter {
            visitor_id: Some(visitor.id),
            limit: 100,
            ..Default::default()
        })
        .await
        .map_err(storage(lang))?;
    let mut names = Names::new(&state);
    let mut approved = Vec::new();
    let mut others = Vec::new();
    for l in &links {
        let inmate = names.inmate(l.inmate_id).await.map_err(storage(lang))?;
        let facility = names
            .facility(inmate.facility_id)
            .await
            .map_err(storage(lang))?;
        let row = LinkRow {
            id: l.id.0,
            inmate: inmate.name.as_str().to_string(),
            facility: facility.name.clone(),
            status: lang.t(&format!("fv-link-status-{}", l.status.as_str())),
            reason: l.reason.clone(),
        };
        if l.status == LinkStatus::Approved && !inmate.released {
            approved.push(row);
        } else {
            others.push(row);
        }
    }
    let since = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * 400))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let visits = state
        .db
        .visits_of_visitor(visitor.id, since)
        .await
        .map_err(storage(lang))?;
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for v in &visits {
        let facility = names
            .facility(v.visit.facility_id)
            .await
            .map_err(storage(lang))?;
        let inmate = names
            .inmate(v.visit.inmate_id)
            .await
            .map_err(storage(lang))?;
        let is_upcoming = v.visit.status.is_active() && v.visit.end > now;
        let rate = !is_upcoming
            && matches!(
                v.visit.status,
                VisitStatus::Completed | VisitStatus::Terminated
            )
            && state
                .db
                .visit_rating(v.visit.id)
                .await
                .map_err(storage(lang))?
                .is_none();
        let row = VisitRow {
            path: visit_path(&v.code),
            code: v.code.to_string(),
            when: when(lang, v.visit.start, &v.time_zone),
            place: lang.t_args(
                "fv-visit-place",
                &[
                    ("inmate", inmate.name.as_str().to_string()),
                    ("facility", facility.name.clone()),
                ],
            ),
            status: status_label(lang, v.visit.status),
            reason: reason_label(lang, v.visit.status_reason.as_deref()),
            rate,
        };
        if is_upcoming {
            upcoming.push(row);
        } else {
            past.push(row);
        }
    }
    past.reverse();
    past.truncate(30);
    let t = VisitsPage {
        chrome: Chrome::new(lang, "fv-title-visits", "/kunjungan").signed_in(&family.session.csrf),
        notice: done_notice(lang, query.as_deref()),
        approved,
        others,
        upcoming,
        past,
    };
    Ok(page(&t, StatusCode::OK))
}

// ---------------------------------------------------------------------------------------
// One visit.

#[derive(Template)]
#[template(path = "family/visit.html")]
struct VisitPage {
    chrome: Chrome,
    notice: Option<String>,
    code: String,
    path: String,
    qr: String,
    join: String,
    when: String,
    length: String,
    facility: String,
    inmate: String,
    people: String,
    status: String,
    reason: Option<String>,
    requested: bool,
    active: bool,
    can_change: bool,
    late: Option<String>,
    can_rate: bool,
    rated: bool,
}

async fn get_visit(
    State(state): State<AppState>,
    family: Family,
    RawQuery(query): RawQuery,
    Path(code): Path<String>,
) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let v = own_visit(&state, &visitor, &code, lang).await?;
    let now = Timestamp::now();
    let mut names = Names::new(&state);
    let facility = names
        .facility(v.visit.facility_id)
        .await
        .map_err(storage(lang))?;
    let inmate = names
        .inmate(v.visit.inmate_id)
        .await
        .map_err(storage(lang))?;
    let join = join_url(&state, &v.code);
    let status = v.visit.status;
    let active = status.is_active() && v.visit.end > now;
    let open = changeable(status) && v.visit.start > now;
    let in_time = before_cutoff(&v, &facility, now);
    let rateable = matches!(status, VisitStatus::Completed | VisitStatus::Terminated);
    let rated = rateable
        && state
            .db
            .visit_rating(v.visit.id)
            .await
            .map_err(storage(lang))?
            .is_some();
    let minutes = (v.visit.end.as_second() - v.visit.start.as_second()) / 60;
    let path = visit_path(&v.code);
    let t = VisitPage {
        chrome: Chrome::new(lang, "fv-title-visit", &path).signed_in(&family.session.csrf),
        notice: done_notice(lang, query.as_deref()),
        code: v.code.to_string(),
        qr: if active {
            qr_svg(&join, &lang.t("fv-visit-qr-label"))
        } else {
            String::new()
        },
        join,
        when: when(lang, v.visit.start, &v.time_zone),
        length: lang.t_args("fv-visit-length", &[("minutes", minutes.to_string())]),
        facility: facility.name.clone(),
        inmate: inmate.name.as_str().to_string(),
        people: lang.t_args("fv-visit-people", &[("count", v.visit.people.to_string())]),
        status: status_label(lang, status),
        reason: reason_label(lang, v.visit.status_reason.as_deref()),
        requested: status == VisitStatus::Requested,
        active,
        can_change: open && in_time,
        late: (open && !in_time).then(|| {
            lang.t_args(
                "fv-visit-late",
                &[("minutes", facility.policy.cutoff_minutes.to_string())],
            )
        }),
        can_rate: rateable && !rated,
        rated,
        path,
    };
    Ok(page(&t, StatusCode::OK))
}

// ---------------------------------------------------------------------------------------
// The calendar file.

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a UTF-8 character) and ends it with
/// CRLF (RFC 5545 §3.1).
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn ics_time(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The visit as an iCalendar file. The inmate's name stays out of it: calendars are
/// synchronised to third parties, and that a relative is held is sensitive.
pub(crate) fn ics(
    lang: Lang,
    v: &VisitView,
    facility: &Facility,
    join: &str,
    host: &str,
    now: Timestamp,
) -> String {
    let summary = lang.t_args("fv-ics-summary", &[("facility", facility.name.clone())]);
    let description = lang.t_args(
        "fv-ics-description",
        &[("code", v.code.to_string()), ("link", join.to_string())],
    );
    let alarm = lang.t("fv-ics-alarm");
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Jenguk//Kunjungan virtual//ID".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:visit-{}@{}", v.visit.id.0, ics_text(host)),
        format!("DTSTAMP:{}", ics_time(now)),
        format!("DTSTART:{}", ics_time(v.visit.start)),
        format!("DTEND:{}", ics_time(v.visit.end)),
        format!("SUMMARY:{}", ics_text(&summary)),
        format!("LOCATION:{}", ics_text(&facility.name)),
        format!("URL:{join}"),
        format!("DESCRIPTION:{}", ics_text(&description)),
        "BEGIN:VALARM".to_string(),
        "ACTION:DISPLAY".to_string(),
        "TRIGGER:-PT30M".to_string(),
        format!("DESCRIPTION:{}", ics_text(&alarm)),
        "END:VALARM".to_string(),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ];
    let mut out = String::new();
    for l in &lines {
        ics_line(&mut out, l);
    }
    out
}

async fn get_ics(State(state): State<AppState>, family: Family, Path(code): Path<String>) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let code = code.trim_end_matches(".ics");
    let v = own_visit(&state, &visitor, code, lang).await?;
    let facility = state
        .db
        .facility_by_id(v.visit.facility_id)
        .await
        .map_err(storage(lang))?;
    let host = state
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("jenguk")
        .split('/')
        .next()
        .unwrap_or("jenguk")
        .to_string();
    let body = ics(
        lang,
        &v,
        &facility,
        &join_url(&state, &v.code),
        &host,
        Timestamp::now(),
    );
    let disposition = format!("attachment; filename=\"jenguk-{}.ics\"", v.code);
    let mut res = (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response();
    if let Ok(d) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, d);
    }
    Ok(private(res))
}

// ---------------------------------------------------------------------------------------
// Cancelling.

#[derive(Template)]
#[template(path = "family/visit_cancel.html")]
struct CancelPage {
    chrome: Chrome,
    path: String,
    when: String,
    place: String,
    late: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CsrfForm {
    csrf: String,
}

async fn cancel_page(
    state: &AppState,
    family: &Family,
    v: &VisitView,
    facility: &Facility,
    now: Timestamp,
) -> Result<CancelPage, Response> {
    let lang = family.lang;
    let inmate = state
        .db
        .inmate(v.visit.inmate_id)
        .await
        .map_err(storage(lang))?;
    let path = visit_path(&v.code);
    Ok(CancelPage {
        chrome: Chrome::new(lang, "fv-title-cancel", &format!("{path}/batal"))
            .signed_in(&family.session.csrf),
        when: when(lang, v.visit.start, &v.time_zone),
        place: lang.t_args(
            "fv-visit-place",
            &[
                ("inmate", inmate.name.as_str().to_string()),
                ("facility", facility.name.clone()),
            ],
        ),
        late: (!before_cutoff(v, facility, now)).then(|| {
            lang.t_args(
                "fv-cancel-late",
                &[("minutes", facility.policy.cutoff_minutes.to_string())],
            )
        }),
        path,
    })
}

async fn get_cancel(
    State(state): State<AppState>,
    family: Family,
    Path(code): Path<String>,
) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let v = own_visit(&state, &visitor, &code, lang).await?;
    if !changeable(v.visit.status) || v.visit.start <= Timestamp::now() {
        return Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-cancel-not-possible",
            &visit_path(&v.code),
        ));
    }
    let facility = state
        .db
        .facility_by_id(v.visit.facility_id)
        .await
        .map_err(storage(lang))?;
    let t = cancel_page(&state, &family, &v, &facility, Timestamp::now()).await?;
    let status = if t.late.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(&t, status))
}

async fn post_cancel(
    State(state): State<AppState>,
    family: Family,
    ip: ClientIp,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Result<Form<CsrfForm>, FormRejection>,
) -> Page {
    let lang = family.lang;
    let f = form(body, lang)?;
    check_post(&family, &headers, &f.csrf)?;
    let visitor = family.visitor()?.clone();
    let v = own_visit(&state, &visitor, &code, lang).await?;
    let path = visit_path(&v.code);
    if v.visit.status == VisitStatus::Cancelled {
        // A second press of the button: it is done already.
        return Ok(see_other(&format!("{path}?done=cancelled")));
    }
    let now = Timestamp::now();
    if !changeable(v.visit.status) || v.visit.start <= now {
        return Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-cancel-not-possible",
            &path,
        ));
    }
    let facility = state
        .db
        .facility_by_id(v.visit.facility_id)
        .await
        .map_err(storage(lang))?;
    if !before_cutoff(&v, &facility, now) {
        let t = cancel_page(&state, &family, &v, &facility, now).await?;
        return Err(page(&t, StatusCode::CONFLICT));
    }
    match state
        .db
        .transition_visit(
            &v.code,
            VisitAction::Cancel,
            Actor::Family(visitor.id),
            None,
            &who(ip),
            now,
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("{path}?done=cancelled"))),
        Err(StorageError::Transition(_) | StorageError::Invalid(_)) => Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-cancel-not-possible",
            &path,
        )),
        Err(e) => Err(storage(lang)(e)),
    }
}

// ---------------------------------------------------------------------------------------
// The satisfaction survey (SKM: four elements, each 1–4).

/// The survey's elements, in order (the scores are stored in this order).
pub(crate) const SKM_ELEMENTS: [&str; 4] = ["booking", "information", "timeliness", "call"];

struct Choice {
    value: u8,
    label: String,
    checked: bool,
}

struct Element {
    name: String,
    legend: String,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "family/rate.html")]
struct RatePage {
    chrome: Chrome,
    path: String,
    when: String,
    place: String,
    elements: Vec<Element>,
    comment: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RateForm {
    csrf: String,
    s1: String,
    s2: String,
    s3: String,
    s4: String,
    comment: String,
}

impl RateForm {
    fn scores(&self) -> [Option<u8>; 4] {
        [&self.s1, &self.s2, &self.s3, &self.s4]
            .map(|s| s.trim().parse::<u8>().ok().filter(|n| (1..=4).contains(n)))
    }
}

async fn rate_page(
    state: &AppState,
    family: &Family,
    v: &VisitView,
    chosen: [Option<u8>; 4],
    comment: &str,
    error: Option<String>,
) -> Result<RatePage, Response> {
    let lang = family.lang;
    let mut names = Names::new(state);
    let facility = names
        .facility(v.visit.facility_id)
        .await
        .map_err(storage(lang))?;
    let inmate = names
        .inmate(v.visit.inmate_id)
        .await
        .map_err(storage(lang))?;
    let path = visit_path(&v.code);
    let elements = SKM_ELEMENTS
        .iter()
        .zip(chosen)
        .enumerate()
        .map(|(i, (e, c))| Element {
            name: format!("s{}", i + 1),
            legend: lang.t(&format!("fv-skm-{e}")),
            choices: (1..=4u8)
                .map(|n| Choice {
                    value: n,
                    label: lang.t(&format!("fv-skm-score-{n}")),
                    checked: c == Some(n),
                })
                .collect(),
        })
        .collect();
    Ok(RatePage {
        chrome: Chrome::new(lang, "fv-title-rate", &format!("{path}/nilai"))
            .signed_in(&family.session.csrf),
        when: when(lang, v.visit.start, &v.time_zone),
        place: lang.t_args(
            "fv-visit-place",
            &[
                ("inmate", inmate.name.as_str().to_string()),
                ("facility", facility.name.clone()),
            ],
        ),
        elements,
        comment: comment.to_string(),
        error,
        path,
    })
}

/// Whether the visit can be rated now; the page saying why not otherwise.
async fn rateable(state: &AppState, v: &VisitView, lang: Lang) -> Result<(), Response> {
    let path = visit_path(&v.code);
    if !matches!(
        v.visit.status,
        VisitStatus::Completed | VisitStatus::Terminated
    ) {
        return Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-rate-not-yet",
            &path,
        ));
    }
    if state
        .db
        .visit_rating(v.visit.id)
        .await
        .map_err(storage(lang))?
        .is_some()
    {
        return Err(see_other(&format!("{path}?done=rated")));
    }
    Ok(())
}

async fn get_rate(State(state): State<AppState>, family: Family, Path(code): Path<String>) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let v = own_visit(&state, &visitor, &code, lang).await?;
    rateable(&state, &v, lang).await?;
    let t = rate_page(&state, &family, &v, [None; 4], "", None).await?;
    Ok(page(&t, StatusCode::OK))
}

async fn post_rate(
    State(state): State<AppState>,
    family: Family,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Result<Form<RateForm>, FormRejection>,
) -> Page {
    let lang = family.lang;
    let f = form(body, lang)?;
    check_post(&family, &headers, &f.csrf)?;
    let visitor = family.visitor()?.clone();
    let v = own_visit(&state, &visitor, &code, lang).await?;
    rateable(&state, &v, lang).await?;
    let chosen = f.scores();
    let comment: String = f.comment.trim().chars().take(1000).collect();
    if chosen.iter().any(Option::is_none) {
        let t = rate_page(
            &state,
            &family,
            &v,
            chosen,
            &comment,
            Some(lang.t("fv-rate-missing")),
        )
        .await?;
        return Err(page(&t, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let scores: Vec<u8> = chosen.iter().flatten().copied().collect();
    let path = visit_path(&v.code);
    match state
        .db
        .rate_visit(
            visitor.id,
            &v.code,
            &scores,
            Some(comment.as_str()).filter(|c| !c.is_empty()),
            Timestamp::now(),
        )
        .await
    {
        Ok(()) | Err(StorageError::Conflict(_)) => Ok(see_other(&format!("{path}?done=rated"))),
        Err(StorageError::Invalid(_)) => Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-rate-not-yet",
            &path,
        )),
        Err(e) => Err(storage(lang)(e)),
    }
}
