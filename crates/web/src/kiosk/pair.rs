//! Binding a kiosk to a booth, `POST /staff/kiosks/pair`: an administrator (`Can::Configure`)
//! types the code the new kiosk shows and picks one of the facility's booths. The form is on
//! the console's kiosk page (`/staff/kiosks`, [`crate::staff::kiosks`]), where a success comes
//! back to and `GET /staff/kiosks/pair` leads; this page shows only a refused code or booth.
//! The storage call (`Db::pair_kiosk`) audits it as `kiosk.pair` and revokes the booth's
//! previous kiosk.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jenguk_domain::BoothId;
use jenguk_storage::StorageError;
use serde::Deserialize;

use crate::AppState;
use crate::family::page::render;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// The pairing form's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/kiosks/pair", get(get_pair).post(post_pair))
}

#[derive(Template)]
#[template(path = "kiosk/pair.html")]
struct PairPage {
    chrome: StaffChrome,
    /// (id, name, selected)
    booths: Vec<(i64, String, bool)>,
    code: String,
    error: Option<String>,
    done: bool,
}

#[derive(Deserialize, Default)]
struct PairForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    booth: String,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    form: &PairForm,
    error: Option<String>,
    done: bool,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(state, Can::Configure).await?;
    let booths = state
        .db
        .booths(facility.id)
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?
        .into_iter()
        .filter(|b| b.active)
        .map(|b| (b.id.0, b.name, b.id.0.to_string() == form.booth))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut res = render(&PairPage {
        chrome: staff.chrome("kiosk-pair-title"),
        booths,
        code: form.code.clone(),
        error,
        done,
    });
    *res.status_mut() = status;
    Ok(res)
}

async fn get_pair(State(state): State<AppState>, staff: Staff) -> Result<Redirect, StaffError> {
    staff.require(&state, Can::Configure).await?;
    Ok(Redirect::to("/staff/kiosks#pair"))
}

async fn post_pair(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PairForm>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Configure).await?;
    staff.check_csrf(&f.csrf)?;
    let lang = staff.lang;
    let booth = f.booth.trim().parse::<i64>().ok().map(BoothId);
    let booths = state
        .db
        .booths(facility.id)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let Some(booth) = booth.filter(|b| booths.iter().any(|x| x.id == *b && x.active)) else {
        return page(
            &state,
            &staff,
            &f,
            Some(lang.t("kiosk-pair-err-booth")),
            false,
        )
        .await;
    };
    match state
        .db
        .pair_kiosk(&f.code, booth, &staff.who(), jiff::Timestamp::now())
        .await
    {
        Ok(_) => Ok(Redirect::to("/staff/kiosks?paired=1").into_response()),
        Err(StorageError::NotFound("pairing_code")) => {
            page(
                &state,
                &staff,
                &f,
                Some(lang.t("kiosk-pair-err-code")),
                false,
            )
            .await
        }
        Err(e) => Err(StaffError::from_storage(e, lang)),
    }
}
