//! The console's home page: the sections this role may open, and for a national
//! administrator the facility to work on.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_domain::FacilityCode;
use serde::Deserialize;

use crate::AppState;
use crate::family::page::render;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::{FACILITY_COOKIE, Staff, set_cookie};

/// The home routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(get_home))
        .route("/staff/facility", post(post_facility))
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    chrome: StaffChrome,
    picker: bool,
    /// (code, name, selected)
    facilities: Vec<(String, String, bool)>,
}

async fn get_home(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    let picker = staff.user.facility_id.is_none();
    let facilities = if picker {
        let current = staff.facility.as_ref().map(|f| f.id);
        state
            .db
            .facilities()
            .await
            .map_err(|e| StaffError::from_storage(e, staff.lang))?
            .into_iter()
            .map(|f| (f.code.to_string(), f.name, Some(f.id) == current))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&HomePage {
        chrome: staff.chrome("staff-home-title"),
        picker,
        facilities,
    }))
}

#[derive(Deserialize)]
struct PickForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    facility: String,
}

async fn post_facility(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PickForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    staff.require(&state, Can::Nationwide).await?;
    let code = FacilityCode::parse(&f.facility).map_err(|_| StaffError::not_found(staff.lang))?;
    let facility = state
        .db
        .facility(&code)
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    let mut res = Redirect::to("/staff").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, FACILITY_COOKIE, facility.code.as_str(), 31_536_000),
    );
    Ok(res)
}
