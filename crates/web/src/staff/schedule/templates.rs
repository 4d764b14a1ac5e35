//! Weekly session templates: the form (new and edit), the preview of the slots it makes for
//! the next weeks (before saving, without writing; and after), and deletion. Editing and
//! deleting go through the impact preview.

use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_domain::{Facility, SessionTemplate};
use jenguk_storage::ScheduleChange;
use serde::Deserialize;

use super::impact::{self, Confirm, Step};
use super::index::{DoneQuery, notice};
use super::template_page::{TemplateForm, checked, page};
use super::{record_facility, storage_error, template_label};
use crate::AppState;
use crate::staff::page::StaffError;
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// `GET /staff/schedule/templates/new`.
pub(super) async fn get_new(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, StaffError> {
    let f = staff.facility_for(&state, Can::Configure).await?;
    let form = TemplateForm::blank(&f);
    page(
        &state,
        &staff,
        &f,
        0,
        form,
        None,
        String::new(),
        String::new(),
        String::new(),
    )
    .await
}

/// `POST /staff/schedule/templates/new`: `action=preview` shows the slots without writing;
/// otherwise the template is saved (nothing is written when it is refused).
pub(super) async fn post_new(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<TemplateForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    let f = staff.facility_for(&state, Can::Configure).await?;
    let (nt, t) = match checked(&state, staff.lang, &f, 0, &form).await? {
        Ok(x) => x,
        Err(msg) => {
            return page(
                &state,
                &staff,
                &f,
                0,
                form,
                None,
                String::new(),
                msg,
                String::new(),
            )
            .await;
        }
    };
    if form.action == "preview" {
        return page(
            &state,
            &staff,
            &f,
            0,
            form,
            Some((&t, false)),
            String::new(),
            String::new(),
            String::new(),
        )
        .await;
    }
    let saved = state
        .db
        .add_template(f.id, &nt, &staff.who(), jiff::Timestamp::now())
        .await
        .map_err(|e| storage_error(e, staff.lang).back("/staff/schedule/templates/new"))?;
    Ok(Redirect::to(&format!(
        "/staff/schedule/templates/{}?done=template-saved",
        saved.id
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct EditQuery {
    weeks: Option<String>,
    done: Option<String>,
    cancelled: Option<usize>,
}

async fn load(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(Facility, SessionTemplate), StaffError> {
    staff.require(state, Can::Configure).await?;
    let t = state
        .db
        .template_by_id(id)
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang).back("/staff/schedule"))?;
    let f = record_facility(state, staff, t.facility_id).await?;
    Ok((f, t))
}

/// `GET /staff/schedule/templates/{id}`: the template's form and the slots it makes.
pub(super) async fn get_edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<EditQuery>,
) -> Result<Response, StaffError> {
    let (f, t) = load(&state, &staff, id).await?;
    let mut form = TemplateForm::of(&t);
    form.weeks = q.weeks.unwrap_or_default();
    let n = notice(
        staff.lang,
        &DoneQuery {
            done: q.done,
            cancelled: q.cancelled,
        },
    );
    page(
        &state,
        &staff,
        &f,
        id,
        form,
        Some((&t, true)),
        n,
        String::new(),
        String::new(),
    )
    .await
}

/// `POST /staff/schedule/templates/{id}`: preview (slots and how many bookings the change
/// would cancel) or save through the impact step.
pub(super) async fn post_edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<TemplateForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    let lang = staff.lang;
    let (f, current) = load(&state, &staff, id).await?;
    let (nt, t) = match checked(&state, lang, &f, id, &form).await? {
        Ok(x) => x,
        Err(msg) => {
            return page(
                &state,
                &staff,
                &f,
                id,
                form,
                Some((&current, true)),
                String::new(),
                msg,
                String::new(),
            )
            .await;
        }
    };
    let change = ScheduleChange::UpdateTemplate { id, template: nt };
    if form.action == "preview" {
        let hit = state
            .db
            .preview_schedule_change(&f, &change, jiff::Timestamp::now())
            .await
            .map_err(|e| storage_error(e, lang))?;
        let impact = if hit.is_empty() {
            String::new()
        } else {
            lang.t_args(
                "staff-schedule-preview-impact",
                &[("count", hit.len().to_string())],
            )
        };
        return page(
            &state,
            &staff,
            &f,
            id,
            form,
            Some((&t, false)),
            String::new(),
            String::new(),
            impact,
        )
        .await;
    }
    let step = Step {
        change: lang.t_args(
            "staff-schedule-impact-template-edit",
            &[
                ("name", template_label(lang, &current)),
                ("to", template_label(lang, &t)),
            ],
        ),
        action: format!("/staff/schedule/templates/{id}"),
        back: "/staff/schedule",
        fields: form.fields(),
        done: "template-saved",
        landing: format!("/staff/schedule/templates/{id}"),
        default_reason: String::new(),
    };
    let confirm = Confirm {
        confirm: form.confirm.clone(),
        cancel_reason: form.cancel_reason.clone(),
    };
    impact::apply(&state, &staff, &f, change, &confirm, step).await
}

#[derive(Debug, Deserialize)]
pub(super) struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    cancel_reason: String,
}

/// `POST /staff/schedule/templates/{id}/delete`, through the impact step.
pub(super) async fn post_delete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    let lang = staff.lang;
    let (f, t) = load(&state, &staff, id).await?;
    let step = Step {
        change: lang.t_args(
            "staff-schedule-impact-template-delete",
            &[("name", template_label(lang, &t))],
        ),
        action: format!("/staff/schedule/templates/{id}/delete"),
        back: "/staff/schedule",
        fields: Vec::new(),
        done: "template-deleted",
        landing: "/staff/schedule".into(),
        default_reason: String::new(),
    };
    let confirm = Confirm {
        confirm: form.confirm,
        cancel_reason: form.cancel_reason,
    };
    impact::apply(
        &state,
        &staff,
        &f,
        ScheduleChange::DeleteTemplate { id },
        &confirm,
        step,
    )
    .await
}
