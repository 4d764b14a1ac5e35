//! The moves of an inmate, each a page that says what will happen (which upcoming visits
//! are cancelled and their families told, what happens to the links) and a confirm button:
//! transfer to another facility, release, suspension of visits and its lifting.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_domain::{FacilityCode, Inmate};
use serde::Deserialize;

use super::{VisitRow, load, storage_error, today, upcoming, visit_rows};
use crate::AppState;
use crate::family::page::render;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::session::Staff;

/// What every action page shows.
struct Before {
    id: i64,
    name: String,
    reg_number: String,
    visits: Vec<VisitRow>,
    links: usize,
}

async fn before(state: &AppState, staff: &Staff, inmate: &Inmate) -> Result<Before, StaffError> {
    let now = jiff::Timestamp::now();
    let visits = upcoming(state, inmate, staff.lang, now).await?;
    let links = state
        .db
        .inmate_links(inmate.id)
        .await
        .map_err(|e| storage_error(e, staff.lang))?
        .into_iter()
        .filter(|l| l.status == "approved" || l.status == "pending")
        .count();
    Ok(Before {
        id: inmate.id.0,
        name: inmate.name.as_str().to_string(),
        reg_number: inmate.reg_number.to_string(),
        visits: visit_rows(staff.lang, &visits),
        links,
    })
}

fn refuse_released(staff: &Staff, inmate: &Inmate) -> Result<(), StaffError> {
    if inmate.released {
        return Err(
            StaffError::invalid(staff.lang, staff.lang.t("staff-inmates-error-released"))
                .back(&format!("/staff/inmates/{}", inmate.id.0)),
        );
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "staff/inmates/transfer.html")]
struct TransferPage {
    chrome: StaffChrome,
    b: Before,
    /// (code, name)
    facilities: Vec<(String, String)>,
}

pub(super) async fn get_transfer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, StaffError> {
    let inmate = load(&state, &staff, &id).await?;
    refuse_released(&staff, &inmate)?;
    let facilities = state
        .db
        .facilities()
        .await
        .map_err(|e| storage_error(e, staff.lang))?
        .into_iter()
        .filter(|f| f.id != inmate.facility_id)
        .map(|f| (f.code.to_string(), f.name))
        .collect();
    let b = before(&state, &staff, &inmate).await?;
    Ok(render(&TransferPage {
        chrome: staff.chrome("staff-inmates-transfer-title"),
        b,
        facilities,
    }))
}

#[derive(Deserialize)]
pub(super) struct TransferForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    facility: String,
}

pub(super) async fn post_transfer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<TransferForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let inmate = load(&state, &staff, &id).await?;
    let back = format!("/staff/inmates/{}/transfer", inmate.id.0);
    let invalid = || {
        StaffError::invalid(staff.lang, staff.lang.t("staff-inmates-error-facility")).back(&back)
    };
    let code = FacilityCode::parse(&f.facility).map_err(|_| invalid())?;
    let target = state.db.facility(&code).await.map_err(|_| invalid())?;
    state
        .db
        .transfer_inmate(inmate.id, target.id, &staff.who(), jiff::Timestamp::now())
        .await
        .map_err(|e| storage_error(e, staff.lang).back(&back))?;
    // The inmate now belongs to another facility: back to this facility's list.
    Ok(Redirect::to("/staff/inmates?done=transferred").into_response())
}

#[derive(Template)]
#[template(path = "staff/inmates/release.html")]
struct ReleasePage {
    chrome: StaffChrome,
    b: Before,
}

pub(super) async fn get_release(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, StaffError> {
    let inmate = load(&state, &staff, &id).await?;
    refuse_released(&staff, &inmate)?;
    let b = before(&state, &staff, &inmate).await?;
    Ok(render(&ReleasePage {
        chrome: staff.chrome("staff-inmates-release-title"),
        b,
    }))
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn post_release(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let inmate = load(&state, &staff, &id).await?;
    let back = format!("/staff/inmates/{}", inmate.id.0);
    state
        .db
        .release_inmate(inmate.id, &staff.who(), jiff::Timestamp::now())
        .await
        .map_err(|e| storage_error(e, staff.lang).back(&back))?;
    Ok(Redirect::to(&format!("{back}?done=released")).into_response())
}

#[derive(Template)]
#[template(path = "staff/inmates/suspend.html")]
struct SuspendPage {
    chrome: StaffChrome,
    b: Before,
    until: String,
    reason: String,
    error: String,
    min: String,
}

#[derive(Deserialize, Default)]
pub(super) struct SuspendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
}

async fn suspend_page(
    state: &AppState,
    staff: &Staff,
    inmate: &Inmate,
    f: SuspendForm,
    error: String,
) -> Result<Response, StaffError> {
    let facility = state
        .db
        .facility_by_id(inmate.facility_id)
        .await
        .map_err(|e| storage_error(e, staff.lang))?;
    let b = before(state, staff, inmate).await?;
    let mut res = render(&SuspendPage {
        chrome: staff.chrome("staff-inmates-suspend-title"),
        b,
        until: f.until,
        reason: f.reason,
        error: error.clone(),
        min: today(&facility)
            .tomorrow()
            .map_or_else(|_| String::new(), |d| d.to_string()),
    });
    if !error.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub(super) async fn get_suspend(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, StaffError> {
    let inmate = load(&state, &staff, &id).await?;
    refuse_released(&staff, &inmate)?;
    suspend_page(
        &state,
        &staff,
        &inmate,
        SuspendForm::default(),
        String::new(),
    )
    .await
}

pub(super) async fn post_suspend(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<SuspendForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let inmate = load(&state, &staff, &id).await?;
    refuse_released(&staff, &inmate)?;
    let lang = staff.lang;
    let Ok(until) = f.until.trim().parse::<jiff::civil::Date>() else {
        let e = lang.t("staff-inmates-error-until");
        return suspend_page(&state, &staff, &inmate, f, e).await;
    };
    if jenguk_domain::text::parse_reason(&f.reason).is_err() {
        let e = lang.t("staff-inmates-error-reason");
        return suspend_page(&state, &staff, &inmate, f, e).await;
    }
    match state
        .db
        .suspend_inmate(
            inmate.id,
            until,
            &f.reason,
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/staff/inmates/{}?done=suspended", inmate.id.0)).into_response(),
        ),
        Err(jenguk_storage::StorageError::Invalid("suspension_in_past")) => {
            let e = lang.t("staff-inmates-error-until-past");
            suspend_page(&state, &staff, &inmate, f, e).await
        }
        Err(e) => Err(storage_error(e, lang)),
    }
}

pub(super) async fn post_lift(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let inmate = load(&state, &staff, &id).await?;
    state
        .db
        .set_inmate_suspension(inmate.id, None, &staff.who(), jiff::Timestamp::now())
        .await
        .map_err(|e| storage_error(e, staff.lang))?;
    Ok(Redirect::to(&format!("/staff/inmates/{}?done=lifted", inmate.id.0)).into_response())
}
