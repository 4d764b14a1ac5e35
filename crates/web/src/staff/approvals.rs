//! The approval queues (`/staff/approvals`) of the facility being worked on, oldest first:
//! new visitors (whose every link here is still pending: visitors are not approved apart
//! from their links, so a new visitor's first request is where their identity is checked)
//! and link requests of visitors already known here. A request's page shows the family's
//! data masked except what the decision needs, and opening it is written to the audit
//! trail (`visitor.view`). Approving a tahanan's link (unless for counsel) needs the
//! detaining authority's permit number and its expiry; rejecting needs a reason from a
//! list (free text required for "other"). The family is told through the outbox by
//! `Db::decide_link`, in the decision's transaction.

use askama::Template;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_domain::{LinkId, LinkStatus, Relationship};
use jenguk_storage::{LinkDecision, LinkRequest, StorageError};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::family::page::render;
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;
use crate::staff::visitors::page::local;
use crate::staff::visitors::{PersonRow, audit_view, path_id, today};

/// The reasons an operator picks from to reject a request (`other` needs free text).
pub const REASONS: [&str; 4] = ["data", "relationship", "permit", "other"];

/// The approval routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/approvals", get(get_queue))
        .route("/staff/approvals/{id}", get(get_request))
        .route("/staff/approvals/{id}/approve", post(post_approve))
        .route("/staff/approvals/{id}/reject", post(post_reject))
}

/// One queue entry as shown.
struct Entry {
    id: i64,
    person: PersonRow,
    relationship: String,
    inmate: String,
    tahanan: bool,
    asked: String,
}

#[derive(Template)]
#[template(path = "staff/approvals/queue.html")]
struct QueuePage {
    chrome: StaffChrome,
    notice: String,
    new_visitors: Vec<Entry>,
    links: Vec<Entry>,
}

fn entry(lang: Lang, facility: &jenguk_domain::Facility, r: &LinkRequest) -> Entry {
    Entry {
        id: r.link.id.0,
        person: PersonRow::of(&r.visitor),
        relationship: lang.t(&format!("chat-rel-{}", r.link.relationship.as_str())),
        inmate: format!("{} ({})", r.inmate_name, r.inmate_reg),
        tahanan: r.tahanan,
        asked: local(facility, r.asked_at),
    }
}

#[derive(Deserialize)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn get_queue(
    State(state): State<AppState>,
    staff: Staff,
    Query(done): Query<Done>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Operate).await?;
    let lang = staff.lang;
    let all = state
        .db
        .link_requests(facility.id)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let (new_visitors, links): (Vec<_>, Vec<_>) = all.iter().partition(|r| r.new_visitor);
    let notice = match done.done.as_str() {
        "approved" => lang.t("staff-approvals-done-approved"),
        "rejected" => lang.t("staff-approvals-done-rejected"),
        _ => String::new(),
    };
    Ok(render(&QueuePage {
        chrome: staff.chrome("staff-approvals-title"),
        notice,
        new_visitors: new_visitors
            .iter()
            .map(|r| entry(lang, &facility, r))
            .collect(),
        links: links.iter().map(|r| entry(lang, &facility, r)).collect(),
    }))
}

#[derive(Template)]
#[template(path = "staff/approvals/request.html")]
struct RequestPage {
    chrome: StaffChrome,
    entry: Entry,
    status: String,
    pending: bool,
    new_visitor: bool,
    needs_permit: bool,
    permit_number: String,
    permit_expires: String,
    approve_error: String,
    /// (code, label, checked)
    reasons: Vec<(&'static str, String, bool)>,
    reason_text: String,
    reject_error: String,
}

/// What a refused form held.
#[derive(Default)]
struct Input {
    permit_number: Option<String>,
    permit_expires: Option<String>,
    approve_error: String,
    reason: String,
    reason_text: String,
    reject_error: String,
}

fn needs_permit(r: &LinkRequest) -> bool {
    r.tahanan && r.link.relationship != Relationship::LegalCounsel
}

fn request_page(
    staff: &Staff,
    facility: &jenguk_domain::Facility,
    r: &LinkRequest,
    input: Input,
) -> Response {
    let lang = staff.lang;
    let failed = !input.approve_error.is_empty() || !input.reject_error.is_empty();
    let page = RequestPage {
        chrome: staff.chrome("staff-approvals-request-title"),
        entry: entry(lang, facility, r),
        status: lang.t(&format!("fv-link-status-{}", r.link.status.as_str())),
        pending: matches!(r.link.status, LinkStatus::Pending | LinkStatus::Rejected),
        new_visitor: r.new_visitor,
        needs_permit: needs_permit(r),
        permit_number: input
            .permit_number
            .unwrap_or_else(|| r.link.permit_number.clone().unwrap_or_default()),
        permit_expires: input.permit_expires.unwrap_or_else(|| {
            r.link
                .permit_expires
                .map(|d| d.to_string())
                .unwrap_or_default()
        }),
        approve_error: input.approve_error,
        reasons: REASONS
            .iter()
            .map(|c| {
                (
                    *c,
                    lang.t(&format!("staff-approvals-reason-{c}")),
                    *c == input.reason,
                )
            })
            .collect(),
        reason_text: input.reason_text,
        reject_error: input.reject_error,
    };
    let mut res = render(&page);
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

/// The request a page is about, after checking the role and its facility.
async fn scoped(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(LinkRequest, jenguk_domain::Facility), StaffError> {
    let facility = staff.facility_for(state, Can::Operate).await?;
    let r = state
        .db
        .link_request(LinkId(id))
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang).back("/staff/approvals"))?;
    staff.require_at(state, Can::Operate, r.facility_id).await?;
    // Times and "today" are the inmate's facility's.
    let facility = if facility.id == r.facility_id {
        facility
    } else {
        state
            .db
            .facility_by_id(r.facility_id)
            .await
            .map_err(|e| StaffError::from_storage(e, staff.lang))?
    };
    Ok((r, facility))
}

async fn get_request(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, StaffError> {
    let id = path_id(id, staff.lang)?;
    let (r, facility) = scoped(&state, &staff, id).await?;
    audit_view(
        &state,
        &staff,
        &facility,
        r.visitor.id,
        json!({ "page": "approval", "link_id": r.link.id.0 }),
    )
    .await?;
    Ok(request_page(&staff, &facility, &r, Input::default()))
}

#[derive(Deserialize)]
struct ApproveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    permit_number: String,
    #[serde(default)]
    permit_expires: String,
}

async fn post_approve(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<ApproveForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let id = path_id(id, staff.lang)?;
    let (r, facility) = scoped(&state, &staff, id).await?;
    let lang = staff.lang;
    let number = f.permit_number.trim().to_string();
    let expires_text = f.permit_expires.trim().to_string();
    let refuse = |msg: String| {
        request_page(
            &staff,
            &facility,
            &r,
            Input {
                permit_number: Some(number.clone()),
                permit_expires: Some(expires_text.clone()),
                approve_error: msg,
                ..Input::default()
            },
        )
    };
    let expires = if expires_text.is_empty() {
        None
    } else {
        match crate::staff::visitors::ban::parse_date(&expires_text) {
            Some(d) => Some(d),
            None => return Ok(refuse(lang.t("staff-approvals-permit-bad-date"))),
        }
    };
    if needs_permit(&r) && (number.is_empty() || expires.is_none()) {
        return Ok(refuse(lang.t("staff-approvals-permit-required")));
    }
    if expires.is_some_and(|d| d < today(&facility)) {
        return Ok(refuse(lang.t("staff-approvals-permit-past")));
    }
    let decision = LinkDecision::Approve {
        permit_number: (!number.is_empty()).then_some(number.clone()),
        permit_expires: expires,
    };
    decide(&state, &staff, &r, &decision, "approved", |e| {
        refuse(StaffError::from_storage(e, lang).message)
    })
    .await
}

#[derive(Deserialize)]
struct RejectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reason_text: String,
}

async fn post_reject(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<RejectForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let id = path_id(id, staff.lang)?;
    let (r, facility) = scoped(&state, &staff, id).await?;
    let lang = staff.lang;
    let text = f.reason_text.trim().to_string();
    let refuse = |msg: String| {
        request_page(
            &staff,
            &facility,
            &r,
            Input {
                reason: f.reason.clone(),
                reason_text: text.clone(),
                reject_error: msg,
                ..Input::default()
            },
        )
    };
    if !REASONS.contains(&f.reason.as_str()) {
        return Ok(refuse(lang.t("staff-approvals-reason-required")));
    }
    if f.reason == "other" && text.is_empty() {
        return Ok(refuse(lang.t("staff-approvals-reason-text-required")));
    }
    if text.chars().count() > 400 {
        return Ok(refuse(lang.t("staff-approvals-reason-too-long")));
    }
    // The family reads the reason in its own language.
    let family_lang = state
        .db
        .visitor_lang(r.visitor.id)
        .await
        .ok()
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default();
    let reason = if f.reason == "other" {
        text.clone()
    } else {
        let label = family_lang.t(&format!("staff-approvals-reason-{}", f.reason));
        if text.is_empty() {
            label
        } else {
            format!("{label}: {text}")
        }
    };
    let decision = LinkDecision::Reject { reason };
    decide(&state, &staff, &r, &decision, "rejected", |e| {
        refuse(StaffError::from_storage(e, lang).message)
    })
    .await
}

/// Writes the decision (with the family's message and the audit row, in one transaction)
/// and goes back to the queue; bad input comes back as the form with the message.
async fn decide(
    state: &AppState,
    staff: &Staff,
    r: &LinkRequest,
    decision: &LinkDecision,
    done: &str,
    refuse: impl Fn(StorageError) -> Response,
) -> Result<Response, StaffError> {
    match state
        .db
        .decide_link(
            r.link.id,
            decision,
            Some(staff.user.id),
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/staff/approvals?done={done}")).into_response()),
        Err(e @ StorageError::Invalid(_)) => Ok(refuse(e)),
        Err(e) => Err(StaffError::from_storage(e, staff.lang).back("/staff/approvals")),
    }
}
