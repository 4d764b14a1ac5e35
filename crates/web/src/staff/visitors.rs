//! Visitors at the facility (`/staff/visitors`): search by name (substring), phone number
//! (any Indonesian form) or NIK (exact, through its keyed hash); the visitor page with their
//! links and visits here; banning until a date (which cancels their visits here before it
//! ends, each family told) and lifting a ban. Family data is shown masked (NIK and phone),
//! and every search and page view is written to the audit trail. A ban applies at the
//! facility that made it.

pub(crate) mod ban;
pub(crate) mod page;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use jenguk_domain::{Facility, Nik, PhoneNumber, Visitor, VisitorId};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::family::page::render;
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

pub(crate) use page::render_visitor;

/// The visitor routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/visitors", get(get_search))
        .route("/staff/visitors/{id}", get(page::get_visitor))
        .route("/staff/visitors/{id}/ban", post(ban::post_ban))
        .route("/staff/visitors/{id}/unban", post(ban::post_unban))
}

/// A visitor as console lists show them: NIK and phone masked.
pub(crate) struct PersonRow {
    /// Visitor id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// `3604********0001`.
    pub nik: String,
    /// `+62812****5678`.
    pub phone: String,
}

impl PersonRow {
    /// The masked row of a visitor.
    pub fn of(v: &Visitor) -> PersonRow {
        PersonRow {
            id: v.id.0,
            name: v.name.as_str().to_string(),
            nik: v.nik_masked.clone(),
            phone: v.phone.masked(),
        }
    }
}

/// What a search box's text was read as.
pub(crate) enum Lookup {
    /// A name (or part of one).
    Name(String),
    /// A phone number.
    Phone(PhoneNumber),
    /// A NIK.
    Nik(Box<Nik>),
}

impl Lookup {
    /// The stable name of the kind of search, for the audit trail (never the query itself).
    pub fn kind(&self) -> &'static str {
        match self {
            Lookup::Name(_) => "name",
            Lookup::Phone(_) => "phone",
            Lookup::Nik(_) => "nik",
        }
    }
}

/// Reads a search: 16 digits are a NIK, a number that parses as an Indonesian mobile number
/// is a phone number, other digits are an error, and anything else (two letters or more) is
/// a name. Names only when `names` is set. The error is translated.
pub(crate) fn read_lookup(
    q: &str,
    names: bool,
    lang: Lang,
    today: jiff::civil::Date,
) -> Result<Lookup, String> {
    let q = q.trim();
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let numeric = !q.is_empty()
        && q.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')'));
    if numeric && digits.len() == 16 && !q.starts_with('+') {
        return Nik::parse(&digits, today)
            .map(|n| Lookup::Nik(Box::new(n)))
            .map_err(|_| lang.t("staff-visitors-bad-nik"));
    }
    if let Ok(p) = PhoneNumber::parse(q) {
        return Ok(Lookup::Phone(p));
    }
    if numeric || !names {
        return Err(lang.t(if names {
            "staff-visitors-bad-number"
        } else {
            "staff-book-bad-lookup"
        }));
    }
    if q.chars().count() < 2 || q.chars().count() > 100 {
        return Err(lang.t("staff-visitors-short-name"));
    }
    Ok(Lookup::Name(q.to_string()))
}

/// Finds visitors linked (in any status) to the facility's inmates.
pub(crate) async fn find(
    state: &AppState,
    facility: &Facility,
    lookup: &Lookup,
) -> jenguk_storage::Result<Vec<Visitor>> {
    let one = match lookup {
        Lookup::Name(n) => return state.db.visitors_named(facility.id, n).await,
        Lookup::Phone(p) => state.db.visitor_by_phone(p).await?,
        Lookup::Nik(n) => state.db.visitor_by_nik(n).await?,
    };
    let mut out = Vec::new();
    if let Some(v) = one
        && state
            .db
            .visitor_facilities(v.id)
            .await?
            .contains(&facility.id)
    {
        out.push(v);
    }
    Ok(out)
}

/// Writes to the audit trail that this staff member saw a family's data.
pub(crate) async fn audit_view(
    state: &AppState,
    staff: &Staff,
    facility: &Facility,
    visitor: VisitorId,
    detail: serde_json::Value,
) -> Result<(), StaffError> {
    state
        .db
        .record_audit(
            &staff.who(),
            Some(facility.id),
            "visitor.view",
            "visitor",
            &visitor.0.to_string(),
            detail,
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))
}

/// Today at the facility.
pub(crate) fn today(facility: &Facility) -> jiff::civil::Date {
    let now = jiff::Timestamp::now();
    facility
        .tz()
        .map_or_else(
            |_| now.to_zoned(jiff::tz::TimeZone::UTC),
            |tz| now.to_zoned(tz),
        )
        .date()
}

/// The visitor a page is about, after checking the role and that the visitor is linked to
/// the facility being worked on (or, for a national administrator, to any facility); with
/// that facility.
pub(crate) async fn scoped(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(Visitor, Facility), StaffError> {
    let facility = staff.facility_for(state, Can::Operate).await?;
    let lang = staff.lang;
    let visitor = state
        .db
        .visitor(VisitorId(id))
        .await
        .map_err(|e| StaffError::from_storage(e, lang).back("/staff/visitors"))?;
    let linked = state
        .db
        .visitor_facilities(visitor.id)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let target = if linked.contains(&facility.id) {
        facility.id
    } else {
        match linked.first() {
            Some(f) => *f,
            None => return Err(StaffError::not_found(lang).back("/staff/visitors")),
        }
    };
    staff.require_at(state, Can::Operate, target).await?;
    Ok((visitor, facility))
}

#[derive(Template)]
#[template(path = "staff/visitors/search.html")]
struct SearchPage {
    chrome: StaffChrome,
    q: String,
    error: String,
    searched: bool,
    results: Vec<PersonRow>,
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn get_search(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Operate).await?;
    let lang = staff.lang;
    let mut page = SearchPage {
        chrome: staff.chrome("staff-visitors-title"),
        q: q.q.trim().to_string(),
        error: String::new(),
        searched: false,
        results: Vec::new(),
    };
    if page.q.is_empty() {
        return Ok(render(&page));
    }
    let lookup = match read_lookup(&page.q, true, lang, today(&facility)) {
        Ok(l) => l,
        Err(e) => {
            // A number typed is not shown again: the page never carries a full NIK or phone.
            if page.q.chars().any(|c| c.is_ascii_digit()) {
                page.q.clear();
            }
            page.error = e;
            let mut res = render(&page);
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let found = find(&state, &facility, &lookup)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    if !found.is_empty() {
        state
            .db
            .record_audit(
                &staff.who(),
                Some(facility.id),
                "visitor.search",
                "facility",
                &facility.id.0.to_string(),
                json!({ "by": lookup.kind(), "results": found.iter().map(|v| v.id.0).collect::<Vec<_>>() }),
                jiff::Timestamp::now(),
            )
            .await
            .map_err(|e| StaffError::from_storage(e, lang))?;
    }
    // The NIK or phone number typed is not shown again: the page never carries one in full.
    if let Lookup::Nik(_) | Lookup::Phone(_) = lookup {
        page.q.clear();
    }
    page.searched = true;
    page.results = found.iter().map(PersonRow::of).collect();
    Ok(render(&page))
}

/// `Path` of a numeric id that answers 404 (not a 400 text) when it is not one.
pub(crate) fn path_id(
    p: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    lang: Lang,
) -> Result<i64, StaffError> {
    p.map(|Path(id)| id)
        .map_err(|_| StaffError::not_found(lang))
}
