//! The list: the family's links (approved first) and its visits, upcoming and past.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use jenguk_domain::{LinkStatus, Visitor};
use jenguk_storage::LinkFilter;
use jiff::Timestamp;

use super::{
    Names, Page, done_notice, finished, has_rating, page, place, reason_label, status_label,
    storage, visit_path, when,
};
use crate::AppState;
use crate::family::page::Chrome;
use crate::family::session::Family;
use crate::i18n::Lang;

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

pub(super) async fn get_list(
    State(state): State<AppState>,
    family: Family,
    RawQuery(query): RawQuery,
) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let now = Timestamp::now();
    let mut names = Names::new(&state);
    let (approved, others) = link_rows(&state, &mut names, &visitor, lang).await?;
    let (upcoming, past) = visit_rows(&state, &mut names, &visitor, lang, now).await?;
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

/// The visitor's links: those it can book with (approved, the inmate still held), and the
/// others.
async fn link_rows(
    state: &AppState,
    names: &mut Names<'_>,
    visitor: &Visitor,
    lang: Lang,
) -> Result<(Vec<LinkRow>, Vec<LinkRow>), Response> {
    let links = state
        .db
        .links(&LinkFilter {
            visitor_id: Some(visitor.id),
            limit: 100,
            ..Default::default()
        })
        .await
        .map_err(storage(lang))?;
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
    Ok((approved, others))
}

/// The visitor's visits of about the last year: the upcoming ones, and the latest 30 past
/// ones, newest first.
async fn visit_rows(
    state: &AppState,
    names: &mut Names<'_>,
    visitor: &Visitor,
    lang: Lang,
    now: Timestamp,
) -> Result<(Vec<VisitRow>, Vec<VisitRow>), Response> {
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
        let (facility, inmate) = names.of_visit(v, lang).await?;
        let is_upcoming = v.visit.status.is_active() && v.visit.end > now;
        let rate = !is_upcoming && finished(v.visit.status) && !has_rating(state, v, lang).await?;
        let row = VisitRow {
            path: visit_path(&v.code),
            code: v.code.to_string(),
            when: when(lang, v.visit.start, &v.time_zone),
            place: place(lang, &inmate, &facility),
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
    Ok((upcoming, past))
}
