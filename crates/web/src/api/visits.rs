//! Bookings and the visit's life after it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jenguk_domain::visit::{Actor, Outcome, VisitAction};
use jenguk_domain::{InmateId, VisitKind, VisitorId};
use jenguk_storage::{BookingRequest, Channel, Role, StaffUser, VisitView};
use jiff::Timestamp;

use super::dto::{ErrorBody, NewVisitBody, OutcomeBody, ReasonBody, VisitOut};
use super::facilities::{RangeQuery, scoped_facility};
use super::{
    OPERATORS, bad_enum, local_rfc3339, parse_code, parse_facility_code, parse_timestamp, require,
    scope, who,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ClientIp, Staff};

pub(crate) fn visit_out(v: &VisitView) -> VisitOut {
    let tz = jiff::tz::TimeZone::get(&v.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    VisitOut {
        id: v.visit.id.0,
        code: v.code.to_string(),
        facility: v.facility_code.clone(),
        inmate_id: v.visit.inmate_id.0,
        visitor_id: v.visit.visitor_id.0,
        kind: v.visit.kind.as_str().to_string(),
        start: local_rfc3339(v.visit.start, &tz),
        end: local_rfc3339(v.visit.end, &tz),
        people: v.visit.people,
        status: v.visit.status.as_str().to_string(),
        status_reason: v.visit.status_reason.clone(),
        booth_id: v.visit.booth_id.map(|b| b.0),
        created_at: local_rfc3339(v.visit.created_at, &tz),
    }
}

/// Books a visit (operators, on behalf of a family). `201` with the visit and its code, or
/// `409` with every reason it is refused.
#[utoipa::path(post, path = "/api/v1/visits", request_body = NewVisitBody,
    responses((status = 201, body = VisitOut), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_visit(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<NewVisitBody>,
) -> Result<(StatusCode, Json<VisitOut>), ApiError> {
    require(&user, OPERATORS)?;
    let code = parse_facility_code(&b.facility)?;
    let start = parse_timestamp(&b.start)?;
    let kind = match b.kind.as_deref() {
        None => VisitKind::Family,
        Some(k) => VisitKind::parse(k).ok_or_else(|| bad_enum("kind", k))?,
    };
    let people = b.people.unwrap_or(1);
    if !(1..=10).contains(&people) {
        return Err(ApiError::invalid("invalid_people", "invalid-people"));
    }
    let facility = state.db.facility(&code).await?;
    scope(&user, facility.id)?;
    let req = BookingRequest {
        facility: code,
        start,
        kind,
        inmate_id: InmateId(b.inmate_id),
        visitor_id: VisitorId(b.visitor_id),
        people,
        channel: Channel::Staff,
        actor: Actor::Staff(user.id),
    };
    let started = std::time::Instant::now();
    let result = state.db.book(&req, &who(&user, ip), Timestamp::now()).await;
    metrics::histogram!("jenguk_booking_seconds").record(started.elapsed().as_secs_f64());
    match &result {
        Ok(_) => metrics::counter!("jenguk_bookings_total", "result" => "booked").increment(1),
        Err(jenguk_storage::StorageError::Refused(r)) => {
            for reason in r {
                metrics::counter!("jenguk_bookings_total", "result" => reason.code()).increment(1);
            }
        }
        Err(_) => metrics::counter!("jenguk_bookings_total", "result" => "error").increment(1),
    }
    Ok((StatusCode::CREATED, Json(visit_out(&result?))))
}

async fn scoped_visit(
    state: &AppState,
    user: &StaffUser,
    code: &str,
) -> Result<VisitView, ApiError> {
    let v = state.db.visit_by_code(&parse_code(code)?).await?;
    scope(user, v.visit.facility_id)?;
    Ok(v)
}

/// A visit by its code.
#[utoipa::path(get, path = "/api/v1/visits/{code}", params(("code" = String, Path)),
    responses((status = 200, body = VisitOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_visit(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<VisitOut>, ApiError> {
    Ok(Json(visit_out(&scoped_visit(&state, &user, &code).await?)))
}

/// A facility's visits in a date range (default the next 14 days).
#[utoipa::path(get, path = "/api/v1/facilities/{code}/visits", params(("code" = String, Path), RangeQuery),
    responses((status = 200, body = [VisitOut]), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_facility_visits(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Json<Vec<VisitOut>>, ApiError> {
    let f = scoped_facility(&state, &user, &code).await?;
    let tz = f.tz().map_err(|e| ApiError::internal(&e))?;
    let today = Timestamp::now().to_zoned(tz.clone()).date();
    let from = super::parse_opt_date(q.from.as_deref())?.unwrap_or(today);
    let to = super::parse_opt_date(q.to.as_deref())?
        .unwrap_or(from.saturating_add(jiff::Span::new().days(13)));
    if to < from || (to - from).get_days() > 62 {
        return Err(ApiError::invalid("date_range", "invalid-date-range"));
    }
    let bound = |d: jiff::civil::Date| {
        tz.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|e| ApiError::internal(&e))
    };
    let (lo, hi) = (
        bound(from)?,
        bound(to.saturating_add(jiff::Span::new().days(1)))?,
    );
    let vs = state.db.visits_between(f.id, lo, hi).await?;
    Ok(Json(vs.iter().map(visit_out).collect()))
}

async fn change(
    state: &AppState,
    user: &StaffUser,
    ip: Option<String>,
    code: &str,
    action: VisitAction,
    reason: Option<String>,
) -> Result<Json<VisitOut>, ApiError> {
    let v = scoped_visit(state, user, code).await?;
    let updated = state
        .db
        .transition_visit(
            &v.code,
            action,
            Actor::Staff(user.id),
            reason.as_deref(),
            &who(user, ip),
            Timestamp::now(),
        )
        .await?;
    Ok(Json(visit_out(&updated)))
}

/// Cancels a visit before it starts (operators).
#[utoipa::path(post, path = "/api/v1/visits/{code}/cancel", params(("code" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = VisitOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_cancel(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
    body: axum::body::Bytes,
) -> Result<Json<VisitOut>, ApiError> {
    require(&user, OPERATORS)?;
    let b: ReasonBody = optional_body(&body)?;
    change(&state, &user, ip, &code, VisitAction::Cancel, b.reason).await
}

/// Checks a visitor in with the visit code (operators).
#[utoipa::path(post, path = "/api/v1/visits/{code}/check-in", params(("code" = String, Path)),
    responses((status = 200, body = VisitOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_check_in(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<VisitOut>, ApiError> {
    require(&user, OPERATORS)?;
    change(&state, &user, ip, &code, VisitAction::CheckIn, None).await
}

/// Marks the call as started (operators).
#[utoipa::path(post, path = "/api/v1/visits/{code}/start", params(("code" = String, Path)),
    responses((status = 200, body = VisitOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_start(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<VisitOut>, ApiError> {
    require(&user, OPERATORS)?;
    change(&state, &user, ip, &code, VisitAction::Start, None).await
}

/// Records the outcome: completed, no_show, refused, or terminated with a reason (operators;
/// officers may terminate).
#[utoipa::path(post, path = "/api/v1/visits/{code}/outcome", params(("code" = String, Path)), request_body = OutcomeBody,
    responses((status = 200, body = VisitOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_outcome(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<OutcomeBody>,
) -> Result<Json<VisitOut>, ApiError> {
    let outcome = Outcome::parse(&b.outcome).ok_or_else(|| bad_enum("outcome", &b.outcome))?;
    if outcome == Outcome::Terminated {
        require(
            &user,
            &[
                Role::NationalAdmin,
                Role::FacilityAdmin,
                Role::Operator,
                Role::Officer,
            ],
        )?;
    } else {
        require(&user, OPERATORS)?;
    }
    change(
        &state,
        &user,
        ip,
        &code,
        VisitAction::Record(outcome),
        b.reason,
    )
    .await
}

/// Parses an optional JSON body: empty means the default.
fn optional_body<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid("malformed_json", "error-malformed-json").arg("detail", e.to_string())
    })
}
