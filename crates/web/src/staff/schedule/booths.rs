//! Booths: add, rename, put back in service, take out of service (with its impact).

use axum::extract::{Form, Path, State};
use axum::response::Response;
use jenguk_domain::BoothId;
use jenguk_storage::ScheduleChange;
use serde::Deserialize;

use super::impact::{self, Confirm, Step};
use super::index::overview;
use super::{done, record_facility, storage_error};
use crate::AppState;
use crate::staff::page::StaffError;
use crate::staff::perm::Can;
use crate::staff::session::Staff;

#[derive(Deserialize)]
pub(super) struct NameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// `POST /staff/schedule/booths`: adds a booth to the facility being worked on.
pub(super) async fn post_add(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<NameForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = staff.facility_for(&state, Can::Configure).await?;
    match state
        .db
        .create_booth(facility.id, &f.name, &staff.who(), jiff::Timestamp::now())
        .await
    {
        Ok(_) => Ok(done("booth-added", 0)),
        Err(e) => {
            let msg = storage_error(e, staff.lang).message;
            overview(&state, &staff, &facility, String::new(), msg).await
        }
    }
}

async fn booth_facility(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<jenguk_domain::Facility, StaffError> {
    staff.require(state, Can::Configure).await?;
    let booth = state
        .db
        .booth_by_id(BoothId(id))
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang).back("/staff/schedule"))?;
    record_facility(state, staff, booth.facility_id).await
}

/// `POST /staff/schedule/booths/{id}/rename`.
pub(super) async fn post_rename(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<NameForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = booth_facility(&state, &staff, id).await?;
    match state
        .db
        .rename_booth(
            facility.id,
            BoothId(id),
            &f.name,
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await
    {
        Ok(()) => Ok(done("booth-renamed", 0)),
        Err(e) => {
            let msg = storage_error(e, staff.lang).message;
            overview(&state, &staff, &facility, String::new(), msg).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    cancel_reason: String,
}

/// `POST /staff/schedule/booths/{id}/active`: `active=true` puts the booth back in service;
/// `active=false` takes it out, after showing the visits that lose their place.
pub(super) async fn post_active(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = booth_facility(&state, &staff, id).await?;
    let lang = staff.lang;
    if f.active == "true" {
        state
            .db
            .activate_booth(
                facility.id,
                BoothId(id),
                &staff.who(),
                jiff::Timestamp::now(),
            )
            .await
            .map_err(|e| storage_error(e, lang))?;
        return Ok(done("booth-activated", 0));
    }
    if f.active != "false" {
        return Err(StaffError::invalid(
            lang,
            lang.t("staff-schedule-error-active"),
        ));
    }
    let booth = state
        .db
        .booth_by_id(BoothId(id))
        .await
        .map_err(|e| storage_error(e, lang))?;
    let step = Step {
        change: lang.t_args(
            "staff-schedule-impact-booth-off",
            &[("name", booth.name.clone())],
        ),
        action: format!("/staff/schedule/booths/{id}/active"),
        back: "/staff/schedule",
        fields: vec![("active".into(), "false".into())],
        done: "booth-deactivated",
        landing: "/staff/schedule".into(),
        default_reason: String::new(),
    };
    let confirm = Confirm {
        confirm: f.confirm,
        cancel_reason: f.cancel_reason,
    };
    impact::apply(
        &state,
        &staff,
        &facility,
        ScheduleChange::DeactivateBooth { id: BoothId(id) },
        &confirm,
        step,
    )
    .await
}
