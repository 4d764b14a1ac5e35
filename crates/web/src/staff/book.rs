//! Booking on behalf of a family that phones or walks in (`/staff/book`): find the visitor
//! by phone number or NIK, choose one of their approved inmates here, a free slot of the
//! coming days and the number of people, and book with the channel `staff` (how the family
//! reached us, phone or walk-in, is in the audit trail). The family gets the usual WhatsApp
//! confirmation through the outbox; a refusal is shown translated, as families read it. The
//! kind of visit follows from the link: counsel books legal visits, family family visits.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use jenguk_domain::{LinkStatus, VisitCode};
use serde::Deserialize;
use serde_json::json;

mod form;

use crate::AppState;
use crate::family::page::render;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;
use crate::staff::visitors::page::local;
use crate::staff::visitors::{PersonRow, find, read_lookup, today};

/// The booking routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/book", get(get_find))
        .route(
            "/staff/book/{link}",
            get(form::get_form).post(form::post_book),
        )
        .route("/staff/book/done/{code}", get(get_done))
}

/// An approved link to book for.
struct Choice {
    href: String,
    inmate: String,
    relationship: String,
}

/// A visitor found, with the inmates they may visit here.
struct Found {
    person: PersonRow,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "staff/book/find.html")]
struct FindPage {
    chrome: StaffChrome,
    q: String,
    error: String,
    searched: bool,
    found: Vec<Found>,
}

#[derive(Deserialize)]
struct FindQuery {
    #[serde(default)]
    q: String,
}

async fn get_find(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FindQuery>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Operate).await?;
    let lang = staff.lang;
    let err = |e| StaffError::from_storage(e, lang);
    let mut page = FindPage {
        chrome: staff.chrome("staff-book-title"),
        q: String::new(),
        error: String::new(),
        searched: false,
        found: Vec::new(),
    };
    if q.q.trim().is_empty() {
        return Ok(render(&page));
    }
    let lookup = match read_lookup(&q.q, false, lang, today(&facility)) {
        Ok(l) => l,
        Err(e) => {
            page.error = e;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let visitors = find(&state, &facility, &lookup).await.map_err(err)?;
    for v in &visitors {
        let links = state
            .db
            .visitor_links_at(v.id, facility.id)
            .await
            .map_err(err)?;
        page.found.push(Found {
            person: PersonRow::of(v),
            choices: links
                .iter()
                .filter(|r| r.link.status == LinkStatus::Approved)
                .map(|r| Choice {
                    href: format!("/staff/book/{}", r.link.id.0),
                    inmate: format!("{} ({})", r.inmate_name, r.inmate_reg),
                    relationship: lang.t(&format!("chat-rel-{}", r.link.relationship.as_str())),
                })
                .collect(),
        });
    }
    if !visitors.is_empty() {
        state
            .db
            .record_audit(
                &staff.who(),
                Some(facility.id),
                "visitor.search",
                "facility",
                &facility.id.0.to_string(),
                json!({ "by": lookup.kind(), "page": "book", "results": visitors.iter().map(|v| v.id.0).collect::<Vec<_>>() }),
                jiff::Timestamp::now(),
            )
            .await
            .map_err(err)?;
    }
    page.searched = true;
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "staff/book/done.html")]
struct DonePage {
    chrome: StaffChrome,
    code: String,
    when: String,
    inmate: String,
    person: PersonRow,
    people: u16,
}

async fn get_done(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Response, StaffError> {
    staff.facility_for(&state, Can::Operate).await?;
    let lang = staff.lang;
    let err = |e| StaffError::from_storage(e, lang).back("/staff/book");
    let code = VisitCode::parse(&code).map_err(|_| StaffError::not_found(lang))?;
    let v = state.db.visit_by_code(&code).await.map_err(err)?;
    staff
        .require_at(&state, Can::Operate, v.visit.facility_id)
        .await?;
    let facility = state
        .db
        .facility_by_id(v.visit.facility_id)
        .await
        .map_err(err)?;
    let visitor = state.db.visitor(v.visit.visitor_id).await.map_err(err)?;
    let inmate = state.db.inmate(v.visit.inmate_id).await.map_err(err)?;
    Ok(render(&DonePage {
        chrome: staff.chrome("staff-book-done-title"),
        code: v.code.to_string(),
        when: local(&facility, v.visit.start),
        inmate: format!("{} ({})", inmate.name.as_str(), inmate.reg_number),
        person: PersonRow::of(&visitor),
        people: v.visit.people,
    }))
}
