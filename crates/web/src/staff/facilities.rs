//! Facilities (`/staff/facilities`, Can::Nationwide): the list, and creating one (code,
//! name, kind, class, province, zone WIB/WITA/WIT) with the default visiting policy.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jenguk_domain::{FacilityCode, FacilityKind, VisitPolicy};
use jenguk_storage::NewFacility;
use serde::Deserialize;

use crate::AppState;
use crate::family::page::render;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// The facility routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/facilities", get(get_facilities).post(post_create))
}

/// The three zones of Indonesia: (IANA name, abbreviation).
pub const ZONES: [(&str, &str); 3] = [
    ("Asia/Jakarta", "WIB"),
    ("Asia/Makassar", "WITA"),
    ("Asia/Jayapura", "WIT"),
];

const KINDS: [FacilityKind; 4] = [
    FacilityKind::Rutan,
    FacilityKind::Lapas,
    FacilityKind::Lpka,
    FacilityKind::CabangRutan,
];

/// The abbreviation of a zone (its IANA name if not one of the three).
pub fn zone_abbr(zone: &str) -> &str {
    ZONES
        .iter()
        .find(|(z, _)| *z == zone)
        .map_or(zone, |(_, a)| a)
}

struct Row {
    code: String,
    name: String,
    kind: String,
    class: String,
    province: String,
    zone: String,
}

#[derive(Template)]
#[template(path = "staff/facilities.html")]
struct FacilitiesPage {
    chrome: StaffChrome,
    notice: String,
    error: String,
    rows: Vec<Row>,
    kinds: Vec<(&'static str, String)>,
    zones: Vec<(&'static str, &'static str)>,
    form: FacilityForm,
}

#[derive(Deserialize, Default, Clone)]
struct FacilityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    zone: String,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    notice: String,
    error: String,
    form: FacilityForm,
) -> Result<Response, StaffError> {
    staff.require(state, Can::Nationwide).await?;
    let lang = staff.lang;
    let rows = state
        .db
        .facilities()
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?
        .into_iter()
        .map(|f| Row {
            code: f.code.to_string(),
            name: f.name,
            kind: lang.t(&format!(
                "staff-facilities-kind-{}",
                f.kind.as_str().replace('_', "-")
            )),
            class: f.class,
            province: f.province,
            zone: zone_abbr(&f.time_zone).to_string(),
        })
        .collect();
    let mut res = render(&FacilitiesPage {
        chrome: staff.chrome("staff-facilities-title"),
        error: error.clone(),
        notice,
        rows,
        kinds: KINDS
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    lang.t(&format!(
                        "staff-facilities-kind-{}",
                        k.as_str().replace('_', "-")
                    )),
                )
            })
            .collect(),
        zones: ZONES.to_vec(),
        form,
    });
    if !error.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn get_facilities(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response, StaffError> {
    let notice = match q.done.as_deref() {
        Some("created") => staff.lang.t("staff-facilities-created"),
        _ => String::new(),
    };
    page(
        &state,
        &staff,
        notice,
        String::new(),
        FacilityForm::default(),
    )
    .await
}

async fn post_create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<FacilityForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    staff.require(&state, Can::Nationwide).await?;
    let lang = staff.lang;
    let bad = |key: &str| lang.t(key);
    let error = if FacilityCode::parse(&f.code).is_err() {
        bad("invalid-facility-code")
    } else if f.name.trim().is_empty() || f.name.chars().count() > 120 {
        bad("staff-facilities-name-required")
    } else if FacilityKind::parse(&f.kind).is_none() {
        bad("staff-facilities-kind-required")
    } else if f.province.trim().is_empty() || f.province.chars().count() > 80 {
        bad("staff-facilities-province-required")
    } else if f.class.chars().count() > 20 {
        bad("staff-facilities-class-too-long")
    } else if !ZONES.iter().any(|(z, _)| *z == f.zone) {
        bad("invalid-unknown-time-zone")
    } else {
        String::new()
    };
    if !error.is_empty() {
        return page(&state, &staff, String::new(), error, f).await;
    }
    let (Ok(code), Some(kind)) = (FacilityCode::parse(&f.code), FacilityKind::parse(&f.kind))
    else {
        return Err(StaffError::invalid(lang, bad("invalid-facility-code")));
    };
    let new = NewFacility {
        code,
        name: f.name.trim().to_string(),
        kind,
        class: f.class.trim().to_string(),
        province: f.province.trim().to_string(),
        time_zone: f.zone.clone(),
        policy: VisitPolicy::default(),
    };
    match state
        .db
        .create_facility(&new, &staff.who(), jiff::Timestamp::now())
        .await
    {
        Ok(_) => Ok(Redirect::to("/staff/facilities?done=created").into_response()),
        Err(e) => {
            let e = StaffError::from_storage(e, lang);
            if !e.status.is_client_error() {
                return Err(e);
            }
            page(&state, &staff, String::new(), e.message, f).await
        }
    }
}
