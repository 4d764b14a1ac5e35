//! Facilities, booths, schedules and slots.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jenguk_domain::facility::zone_abbreviation;
use jenguk_domain::{
    Booth, ExtraSession, Facility, FacilityKind, SessionTemplate, VisitKind, VisitPolicy,
};
use jenguk_storage::{NewExtraSession, NewFacility, NewTemplate, Role};
use jiff::Timestamp;
use jiff::civil::Weekday;
use serde::Deserialize;

use super::dto::{
    BoothOut, ErrorBody, ExcludedDateDto, ExtraSessionDto, FacilityOut, NewBoothBody,
    NewFacilityBody, NewTemplateBody, PolicyDto, SlotOut, TemplateOut,
};
use super::{
    ADMINS, bad_enum, local_rfc3339, parse_date, parse_facility_code, parse_opt_date, parse_time,
    require, scope, who,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ClientIp, Staff};

pub(crate) fn facility_out(f: &Facility) -> FacilityOut {
    let p = &f.policy;
    FacilityOut {
        id: f.id.0,
        code: f.code.to_string(),
        name: f.name.clone(),
        kind: f.kind.as_str().to_string(),
        class: f.class.clone(),
        province: f.province.clone(),
        time_zone: f.time_zone.clone(),
        zone: zone_abbreviation(&f.time_zone).to_string(),
        policy: PolicyDto {
            slot_minutes: p.slot_minutes,
            min_days_ahead: p.min_days_ahead,
            max_days_ahead: p.max_days_ahead,
            cutoff_minutes: p.cutoff_minutes,
            max_visits_per_inmate_per_week: p.max_visits_per_inmate_per_week,
            max_visits_per_visitor_per_week: p.max_visits_per_visitor_per_week,
            max_people_per_visit: p.max_people_per_visit,
            record_family_visits: p.record_family_visits,
        },
    }
}

fn hhmm(t: jiff::civil::Time) -> String {
    t.strftime("%H:%M").to_string()
}

fn template_out(t: &SessionTemplate) -> TemplateOut {
    TemplateOut {
        id: t.id,
        weekday: t.weekday.to_monday_one_offset(),
        start: hhmm(t.start),
        end: hhmm(t.end),
        slot_minutes: t.slot_minutes,
        capacity: t.capacity,
        valid_from: t.valid_from.to_string(),
        valid_to: t.valid_to.map(|d| d.to_string()),
        kind: t.kind.as_str().to_string(),
    }
}

fn booth_out(b: &Booth) -> BoothOut {
    BoothOut {
        id: b.id.0,
        name: b.name.clone(),
        active: b.active,
    }
}

fn parse_kind(s: Option<&str>) -> Result<VisitKind, ApiError> {
    match s {
        None => Ok(VisitKind::Family),
        Some(k) => VisitKind::parse(k).ok_or_else(|| bad_enum("kind", k)),
    }
}

/// Loads a facility by code and checks the user may see it.
pub(crate) async fn scoped_facility(
    state: &AppState,
    user: &jenguk_storage::StaffUser,
    code: &str,
) -> Result<Facility, ApiError> {
    let f = state.db.facility(&parse_facility_code(code)?).await?;
    scope(user, f.id)?;
    Ok(f)
}

/// Facilities the caller may see (all for a national administrator, else its own).
#[utoipa::path(get, path = "/api/v1/facilities", responses((status = 200, body = [FacilityOut]), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_facilities(
    State(state): State<AppState>,
    Staff(user): Staff,
) -> Result<Json<Vec<FacilityOut>>, ApiError> {
    let all = state.db.facilities().await?;
    Ok(Json(
        all.iter()
            .filter(|f| user.can_access(f.id))
            .map(facility_out)
            .collect(),
    ))
}

/// One facility.
#[utoipa::path(get, path = "/api/v1/facilities/{code}", params(("code" = String, Path)),
    responses((status = 200, body = FacilityOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_facility(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<FacilityOut>, ApiError> {
    Ok(Json(facility_out(
        &scoped_facility(&state, &user, &code).await?,
    )))
}

/// Creates a facility (national administrators).
#[utoipa::path(post, path = "/api/v1/facilities", request_body = NewFacilityBody,
    responses((status = 201, body = FacilityOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_facility(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<NewFacilityBody>,
) -> Result<(StatusCode, Json<FacilityOut>), ApiError> {
    require(&user, &[Role::NationalAdmin])?;
    let policy = match b.policy {
        Some(p) => VisitPolicy {
            slot_minutes: p.slot_minutes,
            min_days_ahead: p.min_days_ahead,
            max_days_ahead: p.max_days_ahead,
            cutoff_minutes: p.cutoff_minutes,
            max_visits_per_inmate_per_week: p.max_visits_per_inmate_per_week,
            max_visits_per_visitor_per_week: p.max_visits_per_visitor_per_week,
            max_people_per_visit: p.max_people_per_visit,
            record_family_visits: p.record_family_visits,
        },
        None => VisitPolicy::default(),
    };
    let nf = NewFacility {
        code: parse_facility_code(&b.code)?,
        name: b.name,
        kind: FacilityKind::parse(&b.kind).ok_or_else(|| bad_enum("kind", &b.kind))?,
        class: b.class,
        province: b.province,
        time_zone: b.time_zone,
        policy,
    };
    let f = state
        .db
        .create_facility(&nf, &who(&user, ip), Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(facility_out(&f))))
}

/// A facility's booths.
#[utoipa::path(get, path = "/api/v1/facilities/{code}/booths", params(("code" = String, Path)),
    responses((status = 200, body = [BoothOut]), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_booths(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<BoothOut>>, ApiError> {
    let f = scoped_facility(&state, &user, &code).await?;
    Ok(Json(
        state.db.booths(f.id).await?.iter().map(booth_out).collect(),
    ))
}

/// Adds a booth (administrators).
#[utoipa::path(post, path = "/api/v1/facilities/{code}/booths", params(("code" = String, Path)), request_body = NewBoothBody,
    responses((status = 201, body = BoothOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_booth(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<NewBoothBody>,
) -> Result<(StatusCode, Json<BoothOut>), ApiError> {
    require(&user, ADMINS)?;
    let f = scoped_facility(&state, &user, &code).await?;
    let booth = state
        .db
        .create_booth(f.id, &b.name, &who(&user, ip), Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(booth_out(&booth))))
}

/// A facility's weekly session templates.
#[utoipa::path(get, path = "/api/v1/facilities/{code}/templates", params(("code" = String, Path)),
    responses((status = 200, body = [TemplateOut]), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_templates(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<TemplateOut>>, ApiError> {
    let f = scoped_facility(&state, &user, &code).await?;
    Ok(Json(
        state
            .db
            .templates(f.id)
            .await?
            .iter()
            .map(template_out)
            .collect(),
    ))
}

/// Adds a weekly session template (administrators).
#[utoipa::path(post, path = "/api/v1/facilities/{code}/templates", params(("code" = String, Path)), request_body = NewTemplateBody,
    responses((status = 201, body = TemplateOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_template(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<NewTemplateBody>,
) -> Result<(StatusCode, Json<TemplateOut>), ApiError> {
    require(&user, ADMINS)?;
    let f = scoped_facility(&state, &user, &code).await?;
    let weekday = Weekday::from_monday_one_offset(b.weekday)
        .map_err(|_| bad_enum("weekday", &b.weekday.to_string()))?;
    let today = Timestamp::now()
        .to_zoned(f.tz().map_err(|e| ApiError::internal(&e))?)
        .date();
    let nt = NewTemplate {
        weekday,
        start: parse_time(&b.start)?,
        end: parse_time(&b.end)?,
        slot_minutes: b.slot_minutes.unwrap_or(f.policy.slot_minutes),
        capacity: b.capacity,
        valid_from: parse_opt_date(b.valid_from.as_deref())?.unwrap_or(today),
        valid_to: parse_opt_date(b.valid_to.as_deref())?,
        kind: parse_kind(b.kind.as_deref())?,
    };
    let t = state
        .db
        .create_template(f.id, &nt, &who(&user, ip), Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(template_out(&t))))
}

/// A date range in the query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    /// First local date, `YYYY-MM-DD` (default today).
    pub from: Option<String>,
    /// Last local date, inclusive (default `from` + 13 days).
    pub to: Option<String>,
}

fn range(f: &Facility, q: &RangeQuery) -> Result<(jiff::civil::Date, jiff::civil::Date), ApiError> {
    let today = Timestamp::now()
        .to_zoned(f.tz().map_err(|e| ApiError::internal(&e))?)
        .date();
    let from = parse_opt_date(q.from.as_deref())?.unwrap_or(today);
    let to = match parse_opt_date(q.to.as_deref())? {
        Some(d) => d,
        None => from
            .checked_add(jiff::Span::new().days(13))
            .map_err(|_| ApiError::invalid("invalid_date", "invalid-date"))?,
    };
    Ok((from, to))
}

/// Excluded dates in a range.
#[utoipa::path(get, path = "/api/v1/facilities/{code}/excluded-dates", params(("code" = String, Path), RangeQuery),
    responses((status = 200, body = [ExcludedDateDto]), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_excluded_dates(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Json<Vec<ExcludedDateDto>>, ApiError> {
    let f = scoped_facility(&state, &user, &code).await?;
    let (from, to) = range(&f, &q)?;
    let dates = state.db.excluded_dates(f.id, from, to).await?;
    Ok(Json(
        dates
            .into_iter()
            .map(|d| ExcludedDateDto {
                date: d.date.to_string(),
                reason: d.reason,
            })
            .collect(),
    ))
}

/// Closes a date (administrators).
#[utoipa::path(post, path = "/api/v1/facilities/{code}/excluded-dates", params(("code" = String, Path)), request_body = ExcludedDateDto,
    responses((status = 201, body = ExcludedDateDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_excluded_date(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ExcludedDateDto>,
) -> Result<(StatusCode, Json<ExcludedDateDto>), ApiError> {
    require(&user, ADMINS)?;
    let f = scoped_facility(&state, &user, &code).await?;
    let d = state
        .db
        .create_excluded_date(
            f.id,
            parse_date(&b.date)?,
            &b.reason,
            &who(&user, ip),
            Timestamp::now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ExcludedDateDto {
            date: d.date.to_string(),
            reason: d.reason,
        }),
    ))
}

fn extra_out(x: &ExtraSession) -> ExtraSessionDto {
    ExtraSessionDto {
        id: x.id,
        date: x.date.to_string(),
        start: hhmm(x.start),
        end: hhmm(x.end),
        slot_minutes: Some(x.slot_minutes),
        capacity: x.capacity,
        kind: Some(x.kind.as_str().to_string()),
        reason: x.reason.clone(),
    }
}

/// Adds a one-off session, e.g. at Lebaran (administrators).
#[utoipa::path(post, path = "/api/v1/facilities/{code}/extra-sessions", params(("code" = String, Path)), request_body = ExtraSessionDto,
    responses((status = 201, body = ExtraSessionDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn post_extra_session(
    State(state): State<AppState>,
    Staff(user): Staff,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ExtraSessionDto>,
) -> Result<(StatusCode, Json<ExtraSessionDto>), ApiError> {
    require(&user, ADMINS)?;
    let f = scoped_facility(&state, &user, &code).await?;
    let nx = NewExtraSession {
        date: parse_date(&b.date)?,
        start: parse_time(&b.start)?,
        end: parse_time(&b.end)?,
        slot_minutes: b.slot_minutes.unwrap_or(f.policy.slot_minutes),
        capacity: b.capacity,
        kind: parse_kind(b.kind.as_deref())?,
        reason: b.reason,
    };
    let x = state
        .db
        .create_extra_session(f.id, &nx, &who(&user, ip), Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(extra_out(&x))))
}

/// Slots of a date range (at most 62 days), each with its capacity and what is left.
#[utoipa::path(get, path = "/api/v1/facilities/{code}/slots", params(("code" = String, Path), RangeQuery),
    responses((status = 200, body = [SlotOut]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_slots(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Json<Vec<SlotOut>>, ApiError> {
    let f = scoped_facility(&state, &user, &code).await?;
    let (from, to) = range(&f, &q)?;
    let tz = f.tz().map_err(|e| ApiError::internal(&e))?;
    let slots = state.db.slots(&f, from, to).await?;
    Ok(Json(
        slots
            .into_iter()
            .map(|s| SlotOut {
                start: local_rfc3339(s.slot.start, &tz),
                end: local_rfc3339(s.slot.end, &tz),
                kind: s.slot.kind.as_str().to_string(),
                capacity: s.slot.capacity,
                booked: s.booked,
                free: u32::from(s.slot.capacity).saturating_sub(s.booked),
            })
            .collect(),
    ))
}
