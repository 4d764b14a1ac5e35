//! Linking a visitor to an inmate: the family's requests with their status (and the
//! operator's reason when rejected), and a search by facility and name or registration
//! number that never lists a whole facility (at least 3 characters, at most 10 results, only
//! the name and registration number shown).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jenguk_domain::{
    Facility, FacilityCode, Inmate, InmateId, InmateStatus, LinkStatus, Relationship, Visitor,
    VisitorLink,
};
use jenguk_storage::{InmateSearch, LinkFilter, NewLink, StorageError};
use jiff::Timestamp;

use crate::AppState;
use crate::extract::ClientIp;
use crate::family::auth::{PageForm, family_who, with_status};
use crate::family::page::{Chrome, PageError, render};
use crate::family::session::{Family, same_origin};
use crate::i18n::Lang;

/// Results shown at most.
pub const MAX_RESULTS: usize = 10;
/// Characters a search needs at least.
pub const MIN_QUERY: usize = 3;

/// The link routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/tautan", get(get_links).post(post_link))
}

struct MyLink {
    inmate: String,
    reg: String,
    facility: String,
    relationship: String,
    status: &'static str,
    status_label: String,
    reason: Option<String>,
    permit_note: Option<String>,
}

struct Choice {
    value: &'static str,
    label: String,
    checked: bool,
}

struct FacilityOption {
    code: String,
    name: String,
    selected: bool,
}

/// One search result and its request form.
struct Found {
    id: i64,
    name: String,
    reg: String,
    tahanan_note: Option<String>,
    /// The status of the family's existing request for this person.
    existing: Option<String>,
    choices: Vec<Choice>,
    legend: String,
    rel_error: Option<String>,
    permit: String,
    permit_error: Option<String>,
    expires: String,
    expires_error: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "family/link.html")]
struct LinkPage {
    chrome: Chrome,
    csrf: String,
    sent: bool,
    links: Vec<MyLink>,
    facilities: Vec<FacilityOption>,
    facility: String,
    q: String,
    facility_error: Option<String>,
    q_error: Option<String>,
    searched: bool,
    results: Vec<Found>,
    results_title: String,
    type_more: Option<String>,
    no_results: Option<String>,
    /// A refused request: the person's id and name, linked from the top of the page.
    problem: Option<(i64, String)>,
    /// A refused request whose person is not among the results: its messages.
    orphan: Option<String>,
}

/// What the family typed in a request form that was refused.
#[derive(Default)]
struct Attempt {
    inmate: i64,
    relationship: String,
    permit: String,
    expires: String,
    rel_error: Option<String>,
    permit_error: Option<String>,
    expires_error: Option<String>,
    error: Option<String>,
}

fn status_label(lang: Lang, s: LinkStatus) -> String {
    lang.t(&format!("link-status-{}", s.as_str()))
}

fn relationship_label(lang: Lang, r: Relationship) -> String {
    lang.t(&format!("link-rel-{}", r.as_str()))
}

fn needs_permit(inmate: &Inmate, link: &VisitorLink) -> bool {
    inmate.status == InmateStatus::Tahanan && link.relationship != Relationship::LegalCounsel
}

/// The search: (facility, query) when the family searched.
struct Search {
    facility: String,
    q: String,
}

async fn page(
    state: &AppState,
    family: &Family,
    visitor: &Visitor,
    search: Option<Search>,
    chosen: Option<String>,
    sent: bool,
    attempt: Option<Attempt>,
) -> Result<LinkPage, PageError> {
    let lang = family.lang;
    let storage = |e: StorageError| PageError::from_storage(e, lang).back("/tautan");
    let facilities = state.db.facilities().await.map_err(storage)?;
    let by_id: HashMap<i64, &Facility> = facilities.iter().map(|f| (f.id.0, f)).collect();
    let mine = state
        .db
        .links(&LinkFilter {
            visitor_id: Some(visitor.id),
            limit: 100,
            ..Default::default()
        })
        .await
        .map_err(storage)?;
    let mut links = Vec::new();
    let mut linked: HashMap<i64, LinkStatus> = HashMap::new();
    let mut latest_facility = None;
    for l in &mine {
        linked.insert(l.inmate_id.0, l.status);
        let inmate = state.db.inmate(l.inmate_id).await.map_err(storage)?;
        let facility = by_id.get(&inmate.facility_id.0);
        latest_facility = facility.map(|f| f.code.to_string());
        let permit_note = (l.status == LinkStatus::Pending
            && needs_permit(&inmate, l)
            && (l.permit_number.is_none() || l.permit_expires.is_none()))
        .then(|| lang.t("link-permit-needed"));
        links.push(MyLink {
            inmate: inmate.name.to_string(),
            reg: lang.t_args("link-reg", &[("value", inmate.reg_number.to_string())]),
            facility: facility.map(|f| f.name.clone()).unwrap_or_default(),
            relationship: relationship_label(lang, l.relationship),
            status: l.status.as_str(),
            status_label: status_label(lang, l.status),
            reason: l
                .reason
                .as_ref()
                .filter(|_| matches!(l.status, LinkStatus::Rejected | LinkStatus::Revoked))
                .map(|r| lang.t_args("link-reason", &[("reason", r.clone())])),
            permit_note,
        });
    }
    // The facility to preselect: the one searched or chosen on the start page, else the
    // only one, else the one of the family's latest request.
    let preselect = match (&search, chosen) {
        (Some(s), _) => s.facility.trim().to_ascii_uppercase(),
        (None, Some(c)) => c.trim().to_ascii_uppercase(),
        (None, None) if facilities.len() == 1 => facilities[0].code.to_string(),
        (None, None) => latest_facility.unwrap_or_default(),
    };
    let mut p = LinkPage {
        chrome: Chrome::new(lang, "link-title", "/tautan").signed_in(&family.session.csrf),
        csrf: family.session.csrf.clone(),
        sent,
        links,
        facilities: facilities
            .iter()
            .map(|f| FacilityOption {
                code: f.code.to_string(),
                name: f.name.clone(),
                selected: f.code.as_str() == preselect,
            })
            .collect(),
        facility: preselect,
        q: String::new(),
        facility_error: None,
        q_error: None,
        searched: false,
        results: Vec::new(),
        results_title: String::new(),
        type_more: None,
        no_results: None,
        problem: None,
        orphan: None,
    };
    // A refused request whose person is not shown below still says what was wrong.
    if let Some(a) = &attempt {
        let messages: Vec<&str> = [&a.error, &a.rel_error, &a.permit_error, &a.expires_error]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        p.orphan = Some(messages.join(" "));
    }
    let Some(search) = search else {
        return Ok(p);
    };
    p.q = search.q.clone();
    let facility = match FacilityCode::parse(&search.facility) {
        Ok(code) => facilities.iter().find(|f| f.code == code),
        Err(_) => None,
    };
    let Some(facility) = facility else {
        p.facility_error = Some(lang.t("link-facility-required"));
        return Ok(p);
    };
    if search.q.chars().filter(|c| !c.is_whitespace()).count() < MIN_QUERY {
        p.q_error = Some(lang.t("link-query-short"));
        return Ok(p);
    }
    p.searched = true;
    p.results_title = lang.t_args("link-results", &[("facility", facility.name.clone())]);
    // A few more than shown, to know whether there are more (released people are skipped).
    let found: Vec<Inmate> = state
        .db
        .search_inmates(
            facility.id,
            &InmateSearch {
                query: Some(search.q.clone()),
                limit: 3 * MAX_RESULTS as i64,
                offset: 0,
            },
        )
        .await
        .map_err(storage)?
        .into_iter()
        .filter(|i| !i.released)
        .collect();
    if found.is_empty() {
        p.no_results = Some(lang.t_args(
            "link-no-results",
            &[
                ("query", search.q.clone()),
                ("facility", facility.name.clone()),
            ],
        ));
    }
    if found.len() > MAX_RESULTS {
        p.type_more = Some(lang.t_args("link-type-more", &[("count", MAX_RESULTS.to_string())]));
    }
    for i in found.into_iter().take(MAX_RESULTS) {
        let tried = attempt.as_ref().filter(|a| a.inmate == i.id.0);
        if tried.is_some() {
            p.problem = Some((i.id.0, i.name.to_string()));
            p.orphan = None;
        }
        let checked = tried.map_or("", |a| a.relationship.as_str());
        p.results.push(Found {
            id: i.id.0,
            name: i.name.to_string(),
            reg: lang.t_args("link-reg", &[("value", i.reg_number.to_string())]),
            tahanan_note: (i.status == InmateStatus::Tahanan)
                .then(|| lang.t_args("link-tahanan", &[("name", i.name.to_string())])),
            existing: linked
                .get(&i.id.0)
                .map(|s| lang.t_args("link-already", &[("value", status_label(lang, *s))])),
            choices: Relationship::ALL
                .iter()
                .map(|r| Choice {
                    value: r.as_str(),
                    label: relationship_label(lang, *r),
                    checked: r.as_str() == checked,
                })
                .collect(),
            legend: lang.t_args("link-relationship", &[("name", i.name.to_string())]),
            rel_error: tried.and_then(|a| a.rel_error.clone()),
            permit: tried.map(|a| a.permit.clone()).unwrap_or_default(),
            permit_error: tried.and_then(|a| a.permit_error.clone()),
            expires: tried.map(|a| a.expires.clone()).unwrap_or_default(),
            expires_error: tried.and_then(|a| a.expires_error.clone()),
            error: tried.and_then(|a| a.error.clone()),
        });
    }
    Ok(p)
}

/// `GET /tautan`: the family's requests and the search (`?facility=CODE&q=…`).
pub async fn get_links(
    State(state): State<AppState>,
    family: Family,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let visitor = match family.visitor() {
        Ok(v) => v.clone(),
        Err(redirect) => return Ok(redirect),
    };
    let facility = params.get("facility").map(|s| s.trim().to_string());
    let q = params
        .get("q")
        .map(|s| s.trim().chars().take(60).collect::<String>());
    // Choosing a facility on the start page arrives here without a query: preselect it.
    let (search, chosen) = match (facility, q) {
        (Some(f), Some(q)) => (Some(Search { facility: f, q }), None),
        (f, None) => (None, f),
        (None, Some(q)) => (
            Some(Search {
                facility: String::new(),
                q,
            }),
            None,
        ),
    };
    let sent = params.get("sent").is_some_and(|v| v == "1");
    let p = page(&state, &family, &visitor, search, chosen, sent, None).await?;
    let status = if p.facility_error.is_some() || p.q_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(with_status(render(&p), status))
}

/// `POST /tautan`: asks for a link to one inmate; on success back to the list with a notice.
pub async fn post_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    family: Family,
    ClientIp(ip): ClientIp,
    PageForm(f): PageForm,
) -> Result<Response, PageError> {
    let lang = family.lang;
    if !same_origin(&headers) {
        return Err(PageError::csrf(lang));
    }
    family.check_csrf(f.get("csrf"))?;
    let visitor = match family.visitor() {
        Ok(v) => v.clone(),
        Err(redirect) => return Ok(redirect),
    };
    let inmate_id: i64 = f
        .trimmed("inmate")
        .parse()
        .map_err(|_| PageError::not_found(lang).back("/tautan"))?;
    let inmate = match state.db.inmate(InmateId(inmate_id)).await {
        Ok(i) => i,
        Err(StorageError::NotFound(_)) => return Err(PageError::not_found(lang).back("/tautan")),
        Err(e) => return Err(PageError::from_storage(e, lang).back("/tautan")),
    };
    let mut a = Attempt {
        inmate: inmate_id,
        relationship: f.trimmed("relationship").to_string(),
        permit: f.trimmed("permit_number").to_string(),
        expires: f.trimmed("permit_expires").to_string(),
        ..Default::default()
    };
    let relationship = Relationship::parse(&a.relationship);
    if relationship.is_none() {
        a.rel_error = Some(lang.t("link-rel-required"));
    }
    let tahanan = inmate.status == InmateStatus::Tahanan;
    let mut permit_expires = None;
    if tahanan {
        if a.permit.chars().count() > 80 || a.permit.chars().any(char::is_control) {
            a.permit_error = Some(lang.t("invalid-permit-number"));
        }
        if !a.expires.is_empty() {
            match parse_permit_date(&a.expires) {
                Some(d) => {
                    let today = Timestamp::now()
                        .to_zoned(
                            jiff::tz::TimeZone::get("Asia/Jakarta")
                                .unwrap_or(jiff::tz::TimeZone::UTC),
                        )
                        .date();
                    if d < today {
                        a.expires_error = Some(lang.t("link-permit-past"));
                    } else {
                        permit_expires = Some(d);
                    }
                }
                None => a.expires_error = Some(lang.t("link-permit-date-invalid")),
            }
        }
    }
    let search = Search {
        facility: f.trimmed("facility").to_string(),
        q: f.trimmed("q").to_string(),
    };
    let Some(relationship) = relationship
        .filter(|_| a.rel_error.is_none() && a.permit_error.is_none() && a.expires_error.is_none())
    else {
        return refuse(
            &state,
            &family,
            &visitor,
            a,
            search,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let new = NewLink {
        visitor_id: visitor.id,
        inmate_id: inmate.id,
        relationship,
        permit_number: (tahanan && !a.permit.is_empty()).then(|| a.permit.clone()),
        permit_expires,
    };
    match state
        .db
        .create_link(&new, &family_who(ip), Timestamp::now())
        .await
    {
        Ok(_) => Ok(Redirect::to("/tautan?sent=1").into_response()),
        Err(e @ (StorageError::Conflict(_) | StorageError::Invalid(_))) => {
            let api = crate::error::ApiError::from(e);
            a.error = Some(api.message(lang));
            refuse(&state, &family, &visitor, a, search, api.status()).await
        }
        Err(e) => Err(PageError::from_storage(e, lang).back("/tautan")),
    }
}

/// A date as a date field sends it (`2026-12-31`) or as families type it where the browser
/// has no date field (`31-12-2026`, `31/12/2026`, `31.12.2026`).
fn parse_permit_date(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).map(str::trim).collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 {
        return None;
    }
    jiff::civil::Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()
}

/// The page again, with the refused request's input and messages at its form.
async fn refuse(
    state: &AppState,
    family: &Family,
    visitor: &Visitor,
    a: Attempt,
    search: Search,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = page(state, family, visitor, Some(search), None, false, Some(a)).await?;
    Ok(with_status(render(&p), status))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn permit_dates_read_as_typed() {
        let d = jiff::civil::date(2026, 12, 31);
        for s in ["2026-12-31", "31-12-2026", "31/12/2026", " 31.12.2026 "] {
            assert_eq!(parse_permit_date(s), Some(d), "{s}");
        }
        for s in ["31-13-2026", "2026/12", "12-31-26", "besok", ""] {
            assert_eq!(parse_permit_date(s), None, "{s}");
        }
    }
}
