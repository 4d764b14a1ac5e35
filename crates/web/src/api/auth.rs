//! Tokens, accounts and the audit trail.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jenguk_storage::{Role, StaffUser};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::dto::{AuditOut, ErrorBody, NewUserBody, TokenOut, TokenRequest, UserOut};
use super::{ADMINS, bad_enum, parse_facility_code, require, scope, who};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, ClientIp, Staff};

/// How long an API token lives.
const TOKEN_TTL: SignedDuration = SignedDuration::from_hours(12);

pub(crate) async fn user_out(state: &AppState, u: &StaffUser) -> Result<UserOut, ApiError> {
    let facility = match u.facility_id {
        Some(f) => Some(state.db.facility_by_id(f).await?.code.to_string()),
        None => None,
    };
    Ok(UserOut {
        id: u.id.0,
        username: u.username.clone(),
        role: u.role.as_str().to_string(),
        facility,
    })
}

/// Exchanges a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest,
    responses((status = 200, body = TokenOut), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<Json<TokenOut>, ApiError> {
    if body.username.len() > 100 || body.password.len() > 1000 {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "error-bad-credentials",
        ));
    }
    let issued = state
        .db
        .issue_token(
            &body.username,
            &body.password,
            TOKEN_TTL,
            ip,
            Timestamp::now(),
        )
        .await?;
    Ok(Json(TokenOut {
        token: issued.token.clone(),
        expires_at: issued.expires_at.to_string(),
        user: user_out(&state, &issued.user).await?,
    }))
}

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = UserOut), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_me(
    State(state): State<AppState>,
    Staff(user): Staff,
) -> Result<Json<UserOut>, ApiError> {
    Ok(Json(user_out(&state, &user).await?))
}

/// Creates a staff account: a national administrator creates any; a facility administrator
/// creates operators and officers of its own facility.
#[utoipa::path(post, path = "/api/v1/users", request_body = NewUserBody,
    responses((status = 201, body = UserOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn post_user(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<NewUserBody>,
) -> Result<(StatusCode, Json<UserOut>), ApiError> {
    require(&user, ADMINS)?;
    let role = Role::parse(&body.role).ok_or_else(|| bad_enum("role", &body.role))?;
    let facility = match body.facility.as_deref() {
        Some(code) => {
            let f = state.db.facility(&parse_facility_code(code)?).await?;
            scope(&user, f.id)?;
            Some(f.id)
        }
        None => None,
    };
    if user.role == Role::FacilityAdmin && !matches!(role, Role::Operator | Role::Officer) {
        return Err(ApiError::forbidden());
    }
    let created = state
        .db
        .create_user(
            &body.username,
            &body.password,
            role,
            facility,
            &who(&user, ip),
            Timestamp::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user_out(&state, &created).await?)))
}

/// Which audit rows to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Facility code (administrators of a facility see only theirs).
    pub facility: Option<String>,
    /// At most (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery),
    responses((status = 200, body = [AuditOut]), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_audit(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditOut>>, ApiError> {
    require(&user, ADMINS)?;
    let facility = match q.facility.as_deref() {
        Some(code) => {
            let f = state.db.facility(&parse_facility_code(code)?).await?;
            scope(&user, f.id)?;
            Some(f.id)
        }
        None if user.role == Role::NationalAdmin => None,
        None => user.facility_id,
    };
    let rows = state
        .db
        .audit_events(facility, q.limit.unwrap_or(100).clamp(1, 1000))
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditOut {
                id: r.id,
                at: r.at.to_string(),
                user_id: r.user_id,
                facility_id: r.facility_id,
                action: r.action,
                target_type: r.target_type,
                target_id: r.target_id,
                detail: r.detail,
                source: r.source,
            })
            .collect(),
    ))
}
