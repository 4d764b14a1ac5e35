//! Inmates, visitors and the links between them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jenguk_domain::{
    Inmate, InmateId, InmateStatus, LinkId, LinkStatus, RegNumber, Relationship, Visitor,
    VisitorId, VisitorLink,
};
use jenguk_storage::{
    InmateSearch, LinkDecision, LinkFilter, NewInmate, NewLink, NewVisitor, Role, StaffUser,
};
use jiff::Timestamp;
use serde::Deserialize;

use super::dto::{
    ApproveBody, ErrorBody, InmateOut, LinkOut, NewInmateBody, NewLinkBody, NewVisitorBody,
    ReasonBody, SuspensionBody, VisitorOut,
};
use super::facilities::scoped_facility;
use super::{
    OPERATORS, bad_enum, parse_date, parse_name, parse_nik, parse_opt_date, parse_phone, require,
    scope, who,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ClientIp, Staff};

async fn inmate_out(state: &AppState, i: &Inmate) -> Result<InmateOut, ApiError> {
    let f = state.db.facility_by_id(i.facility_id).await?;
    Ok(InmateOut {
        id: i.id.0,
        facility: f.code.to_string(),
        reg_number: i.reg_number.to_string(),
        name: i.name.to_string(),
        status: i.status.as_str().to_string(),
        block: i.block.clone(),
        visits_suspended_until: i.visits_suspended_until.map(|d| d.to_string()),
        suspension_reason: i.suspension_reason.clone(),
        released: i.released,
    })
}

fn visitor_out(v: &Visitor) -> VisitorOut {
    VisitorOut {
        id: v.id.0,
        name: v.name.to_string(),
        nik_masked: v.nik_masked.clone(),
        phone: v.phone.to_string(),
        banned_until: v.banned_until.map(|d| d.to_string()),
    }
}

fn link_out(l: &VisitorLink) -> LinkOut {
    LinkOut {
        id: l.id.0,
        visitor_id: l.visitor_id.0,
        inmate_id: l.inmate_id.0,
        relationship: l.relationship.as_str().to_string(),
        status: l.status.as_str().to_string(),
        reason: l.reason.clone(),
        permit_number: l.permit_number.clone(),
        permit_expires: l.permit_expires.map(|d| d.to_string()),
    }
}

/// Loads an inmate and checks the user's facility.
async fn scoped_inmate(state: &AppState, user: &StaffUser, id: i64) -> Result<Inmate, ApiError> {
    let i = state.db.inmate(InmateId(id)).await?;
    scope(user, i.facility_id)?;
    Ok(i)
}

/// Loads a visitor the user may see: national staff see all; facility staff see visitors
/// linked to their facility, and visitors not yet linked anywhere (just registered).
async fn scoped_visitor(state: &AppState, user: &StaffUser, id: i64) -> Result<Visitor, ApiError> {
    let v = state.db.visitor(VisitorId(id)).await?;
    if user.role != Role::NationalAdmin {
        let fs = state.db.visitor_facilities(v.id).await?;
        if !fs.is_empty() && !fs.iter().any(|f| user.can_access(*f)) {
            return Err(ApiError::other_facility());
        }
    }
    Ok(v)
}

/// A search among a facility's inmates.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct InmateQuery {
    /// A part of the name or the start of the registration number.
    pub q: Option<String>,
    /// At most (default 50, at most 200).
    pub limit: Option<i64>,
    /// Skip.
    pub offset: Option<i64>,
}

/// A facility's inmates.
#[utoipa::path(get, path = "/api/v1/facilities/{code}/inmates", params(("code" = String, Path), InmateQuery),
    responses((status = 200, body = [InmateOut]), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_inmates(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<InmateQuery>,
) -> Result<Json<Vec<InmateOut>>, ApiError> {
    let f = scoped_facility(&state, &user, &code).await?;
    let found = state
        .db
        .search_inmates(
            f.id,
            &InmateSearch {
                query: q.q,
                limit: q.limit.unwrap_or(50),
                offset: q.offset.unwrap_or(0),
            },
        )
        .await?;
    let mut out = Vec::with_capacity(found.len());
    for i in &found {
        out.push(inmate_out(&state, i).await?);
    }
    Ok(Json(out))
}

pub(crate) fn parse_new_inmate(b: &NewInmateBody) -> Result<NewInmate, ApiError> {
    Ok(NewInmate {
        reg_number: RegNumber::parse(&b.reg_number)
            .map_err(|_| ApiError::invalid("invalid_reg_number", "invalid-reg-number"))?,
        name: parse_name(&b.name)?,
        status: InmateStatus::parse(&b.status).ok_or_else(|| bad_enum("status", &b.status))?,
        block: b
            .block
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(60).collect()),
    })
}

/// Adds an inmate (operators).
#[utoipa::path(post, path = "/api/v1/facilities/{code}/inmates", params(("code" = String, Path)), request_body = NewInmateBody,
    responses((status = 201, body = InmateOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_inmate(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<NewInmateBody>,
) -> Result<(StatusCode, Json<InmateOut>), ApiError> {
    require(&user, OPERATORS)?;
    let f = scoped_facility(&state, &user, &code).await?;
    let n = parse_new_inmate(&b)?;
    let i = state
        .db
        .create_inmate(f.id, &n, &who(&user, ip), Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(inmate_out(&state, &i).await?)))
}

/// One inmate.
#[utoipa::path(get, path = "/api/v1/inmates/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = InmateOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_inmate(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<InmateOut>, ApiError> {
    let i = scoped_inmate(&state, &user, id).await?;
    Ok(Json(inmate_out(&state, &i).await?))
}

/// Suspends an inmate's visits until a date, or lifts the suspension (operators).
#[utoipa::path(post, path = "/api/v1/inmates/{id}/suspension", params(("id" = i64, Path)), request_body = SuspensionBody,
    responses((status = 200, body = InmateOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_suspension(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SuspensionBody>,
) -> Result<Json<InmateOut>, ApiError> {
    require(&user, OPERATORS)?;
    let i = scoped_inmate(&state, &user, id).await?;
    let until = match parse_opt_date(b.until.as_deref())? {
        Some(d) => Some((d, b.reason.unwrap_or_default())),
        None => None,
    };
    let i = state
        .db
        .set_inmate_suspension(i.id, until, &who(&user, ip), Timestamp::now())
        .await?;
    Ok(Json(inmate_out(&state, &i).await?))
}

/// Which visitors to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VisitorQuery {
    /// Exact NIK.
    pub nik: Option<String>,
    /// At most (default 100).
    pub limit: Option<i64>,
}

/// Visitors linked to the caller's facility (national: all), or the one with a NIK.
#[utoipa::path(get, path = "/api/v1/visitors", params(VisitorQuery),
    responses((status = 200, body = [VisitorOut]), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_visitors(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiQuery(q): ApiQuery<VisitorQuery>,
) -> Result<Json<Vec<VisitorOut>>, ApiError> {
    require(&user, OPERATORS)?;
    if let Some(nik) = q.nik.as_deref() {
        let nik = parse_nik(nik)?;
        let Some(v) = state.db.visitor_by_nik(&nik).await? else {
            return Ok(Json(Vec::new()));
        };
        let v = scoped_visitor(&state, &user, v.id.0).await?;
        return Ok(Json(vec![visitor_out(&v)]));
    }
    let facility = if user.role == Role::NationalAdmin {
        None
    } else {
        user.facility_id
    };
    let vs = state.db.visitors(facility, q.limit.unwrap_or(100)).await?;
    Ok(Json(vs.iter().map(visitor_out).collect()))
}

/// Registers a visitor on behalf of a family (operators).
#[utoipa::path(post, path = "/api/v1/visitors", request_body = NewVisitorBody,
    responses((status = 201, body = VisitorOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_visitor(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<NewVisitorBody>,
) -> Result<(StatusCode, Json<VisitorOut>), ApiError> {
    require(&user, OPERATORS)?;
    let nv = NewVisitor {
        name: parse_name(&b.name)?,
        nik: parse_nik(&b.nik)?,
        phone: parse_phone(&b.phone)?,
    };
    let v = state
        .db
        .create_visitor(&nv, &who(&user, ip), Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(visitor_out(&v))))
}

/// One visitor.
#[utoipa::path(get, path = "/api/v1/visitors/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = VisitorOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_visitor(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<VisitorOut>, ApiError> {
    require(&user, OPERATORS)?;
    Ok(Json(visitor_out(&scoped_visitor(&state, &user, id).await?)))
}

/// Which links to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LinkQuery {
    /// Facility code (default: the caller's).
    pub facility: Option<String>,
    /// `pending`, `approved`, `rejected` or `revoked`.
    pub status: Option<String>,
    /// Of one visitor.
    pub visitor_id: Option<i64>,
    /// At most (default 200).
    pub limit: Option<i64>,
}

/// Visitor–inmate links, oldest first (the approval queue).
#[utoipa::path(get, path = "/api/v1/links", params(LinkQuery),
    responses((status = 200, body = [LinkOut]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_links(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiQuery(q): ApiQuery<LinkQuery>,
) -> Result<Json<Vec<LinkOut>>, ApiError> {
    require(&user, OPERATORS)?;
    let facility_id = match q.facility.as_deref() {
        Some(code) => Some(scoped_facility(&state, &user, code).await?.id),
        None if user.role == Role::NationalAdmin => None,
        None => user.facility_id,
    };
    let status = match q.status.as_deref() {
        Some(s) => Some(LinkStatus::parse(s).ok_or_else(|| bad_enum("status", s))?),
        None => None,
    };
    let links = state
        .db
        .links(&LinkFilter {
            facility_id,
            status,
            visitor_id: q.visitor_id.map(VisitorId),
            limit: q.limit.unwrap_or(200),
        })
        .await?;
    Ok(Json(links.iter().map(link_out).collect()))
}

/// Asks for a visitor to be put on an inmate's list (operators, on behalf of a family).
#[utoipa::path(post, path = "/api/v1/links", request_body = NewLinkBody,
    responses((status = 201, body = LinkOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_link(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<NewLinkBody>,
) -> Result<(StatusCode, Json<LinkOut>), ApiError> {
    require(&user, OPERATORS)?;
    let inmate = scoped_inmate(&state, &user, b.inmate_id).await?;
    let visitor = scoped_visitor(&state, &user, b.visitor_id).await?;
    let nl = NewLink {
        visitor_id: visitor.id,
        inmate_id: inmate.id,
        relationship: Relationship::parse(&b.relationship)
            .ok_or_else(|| bad_enum("relationship", &b.relationship))?,
        permit_number: b.permit_number,
        permit_expires: parse_opt_date(b.permit_expires.as_deref())?,
    };
    let l = state
        .db
        .create_link(&nl, &who(&user, ip), Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(link_out(&l))))
}

async fn decide(
    state: &AppState,
    user: &StaffUser,
    ip: Option<String>,
    id: i64,
    decision: LinkDecision,
) -> Result<Json<LinkOut>, ApiError> {
    require(user, OPERATORS)?;
    let (_, facility) = state.db.link(LinkId(id)).await?;
    scope(user, facility)?;
    let l = state
        .db
        .decide_link(
            LinkId(id),
            &decision,
            Some(user.id),
            &who(user, ip),
            Timestamp::now(),
        )
        .await?;
    Ok(Json(link_out(&l)))
}

/// Approves a link; for a tahanan with the permit number and expiry (operators).
#[utoipa::path(post, path = "/api/v1/links/{id}/approve", params(("id" = i64, Path)), request_body = ApproveBody,
    responses((status = 200, body = LinkOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_link_approve(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<LinkOut>, ApiError> {
    // The body is optional: an approval of a convicted inmate's link needs nothing.
    let b: ApproveBody = if body.iter().all(u8::is_ascii_whitespace) {
        ApproveBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::invalid("malformed_json", "error-malformed-json").arg("detail", e.to_string())
        })?
    };
    let decision = LinkDecision::Approve {
        permit_number: b.permit_number,
        permit_expires: match b.permit_expires.as_deref() {
            Some(d) => Some(parse_date(d)?),
            None => None,
        },
    };
    decide(&state, &user, ip, id, decision).await
}

/// Rejects a link with a reason the family sees (operators).
#[utoipa::path(post, path = "/api/v1/links/{id}/reject", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 200, body = LinkOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_link_reject(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Result<Json<LinkOut>, ApiError> {
    let decision = LinkDecision::Reject {
        reason: b.reason.unwrap_or_default(),
    };
    decide(&state, &user, ip, id, decision).await
}
