//! The visitor page: who (masked), the ban at this facility, links and visits here.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jenguk_domain::facility::zone_abbreviation;
use jenguk_domain::{Facility, LinkStatus, Visitor};
use serde::Deserialize;
use serde_json::json;

use super::{PersonRow, audit_view, path_id, scoped, today};
use crate::AppState;
use crate::family::page::render;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::session::Staff;

pub(crate) struct LinkRow {
    pub inmate: String,
    pub reg: String,
    pub relationship: String,
    pub status: String,
    pub permit: String,
    pub book_href: String,
}

pub(crate) struct VisitRow {
    pub code: String,
    pub when: String,
    pub inmate: String,
    pub status: String,
    pub channel: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "staff/visitors/visitor.html")]
struct VisitorPage {
    chrome: StaffChrome,
    person: PersonRow,
    /// The ban here, if it still runs: (last banned day, reason).
    ban: Option<(String, String)>,
    links: Vec<LinkRow>,
    visits: Vec<VisitRow>,
    notice: String,
    error: String,
    until: String,
    reason: String,
}

/// What the ban form held when it was refused.
#[derive(Default)]
pub(crate) struct BanInput {
    pub until: String,
    pub reason: String,
    pub error: String,
    pub notice: String,
}

/// A local time of the facility, as lists show it: `2026-12-01 09:00 WIB`.
pub(crate) fn local(facility: &Facility, t: jiff::Timestamp) -> String {
    match facility.tz() {
        Ok(tz) => format!(
            "{} {}",
            t.to_zoned(tz).strftime("%Y-%m-%d %H:%M"),
            zone_abbreviation(&facility.time_zone)
        ),
        Err(_) => t.to_string(),
    }
}

/// Renders the visitor page (no audit row: callers that show it for the first time write
/// one).
pub(crate) async fn render_visitor(
    state: &AppState,
    staff: &Staff,
    visitor: &Visitor,
    facility: &Facility,
    input: BanInput,
) -> Result<Response, StaffError> {
    let lang = staff.lang;
    let err = |e| StaffError::from_storage(e, lang);
    let ban = state
        .db
        .visitor_ban(visitor.id, facility.id)
        .await
        .map_err(err)?
        .filter(|b| b.until > today(facility))
        .map(|b| {
            let last = b.until.yesterday().unwrap_or(b.until);
            (last.to_string(), b.reason)
        });
    let links = state
        .db
        .visitor_links_at(visitor.id, facility.id)
        .await
        .map_err(err)?
        .into_iter()
        .map(|r| LinkRow {
            inmate: r.inmate_name,
            reg: r.inmate_reg.to_string(),
            relationship: lang.t(&format!("chat-rel-{}", r.link.relationship.as_str())),
            status: lang.t(&format!("fv-link-status-{}", r.link.status.as_str())),
            permit: match (&r.link.permit_number, r.link.permit_expires) {
                (Some(n), Some(d)) => format!("{n} ({d})"),
                (Some(n), None) => n.clone(),
                _ => String::new(),
            },
            book_href: if r.link.status == LinkStatus::Approved {
                format!("/staff/book/{}", r.link.id.0)
            } else {
                String::new()
            },
        })
        .collect();
    let visits = state
        .db
        .visitor_visits_at(visitor.id, facility.id)
        .await
        .map_err(err)?
        .into_iter()
        .map(|v| VisitRow {
            code: v.code,
            when: local(facility, v.start),
            inmate: v.inmate_name,
            status: lang.t(&format!("fv-status-{}", v.status)),
            channel: lang.t(&format!("staff-visitors-channel-{}", v.channel)),
            reason: v.reason.unwrap_or_default(),
        })
        .collect();
    let failed = !input.error.is_empty();
    let page = VisitorPage {
        chrome: staff
            .chrome("staff-visitors-title")
            .titled(visitor.name.as_str().to_string()),
        person: PersonRow::of(visitor),
        ban,
        links,
        visits,
        notice: input.notice,
        error: input.error,
        until: input.until,
        reason: input.reason,
    };
    let mut res = render(&page);
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: String,
    #[serde(default)]
    n: u32,
}

pub(crate) async fn get_visitor(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
    Query(done): Query<Done>,
) -> Result<Response, StaffError> {
    let id = path_id(id, staff.lang)?;
    let (visitor, facility) = scoped(&state, &staff, id).await?;
    audit_view(
        &state,
        &staff,
        &facility,
        visitor.id,
        json!({ "page": "visitor" }),
    )
    .await?;
    let notice = match done.done.as_str() {
        "banned" => staff
            .lang
            .t_args("staff-visitors-banned", &[("count", done.n.to_string())]),
        "unbanned" => staff.lang.t("staff-visitors-unbanned"),
        _ => String::new(),
    };
    render_visitor(
        &state,
        &staff,
        &visitor,
        &facility,
        BanInput {
            notice,
            ..BanInput::default()
        },
    )
    .await
}
