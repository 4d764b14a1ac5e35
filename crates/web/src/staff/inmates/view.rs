//! `/staff/inmates/{id}`: one inmate — data, links, upcoming visits, the actions — and the
//! edit form (registration number, name, status, block).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_domain::{Inmate, InmateStatus, PersonName, RegNumber};
use jenguk_storage::NewInmate;
use serde::Deserialize;
use serde_json::json;

use super::{VisitRow, load, storage_error, today, upcoming, visit_rows};
use crate::AppState;
use crate::family::page::render;
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::session::Staff;

#[derive(Deserialize, Default)]
pub(super) struct ViewQuery {
    #[serde(default)]
    done: String,
}

/// The edit form's fields.
#[derive(Deserialize, Default, Clone)]
pub(super) struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reg_number: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    block: String,
}

struct LinkRow {
    visitor: String,
    relationship: String,
    status: String,
}

#[derive(Template)]
#[template(path = "staff/inmates/view.html")]
struct ViewPage {
    chrome: StaffChrome,
    id: i64,
    form: EditForm,
    errors: Vec<String>,
    notice: String,
    facility: String,
    state: String,
    suspended: bool,
    suspension: String,
    released: bool,
    links: Vec<LinkRow>,
    visits: Vec<VisitRow>,
}

fn form_of(i: &Inmate) -> EditForm {
    EditForm {
        csrf: String::new(),
        reg_number: i.reg_number.to_string(),
        name: i.name.as_str().to_string(),
        status: i.status.as_str().to_string(),
        block: i.block.clone().unwrap_or_default(),
    }
}

/// Renders the page with the given form values and errors.
async fn page(
    state: &AppState,
    staff: &Staff,
    inmate: &Inmate,
    form: EditForm,
    errors: Vec<String>,
    notice: String,
) -> Result<Response, StaffError> {
    let lang = staff.lang;
    let now = jiff::Timestamp::now();
    let facility = state
        .db
        .facility_by_id(inmate.facility_id)
        .await
        .map_err(|e| storage_error(e, lang))?;
    let visits = upcoming(state, inmate, lang, now).await?;
    let links = state
        .db
        .inmate_links(inmate.id)
        .await
        .map_err(|e| storage_error(e, lang))?;
    // The visitors' names are a family's personal data: the view is audited.
    state
        .db
        .record_audit(
            &staff.who(),
            Some(inmate.facility_id),
            "inmate.view",
            "inmate",
            &inmate.id.0.to_string(),
            json!({ "links": links.iter().map(|l| l.id).collect::<Vec<_>>() }),
            now,
        )
        .await
        .map_err(|e| storage_error(e, lang))?;
    let suspended = !inmate.released && inmate.suspended_on(today(&facility));
    let state_key = if inmate.released {
        "released"
    } else if suspended {
        "suspended"
    } else {
        "active"
    };
    let mut res = render(&ViewPage {
        chrome: staff.chrome("staff-inmates-view-title").titled(format!(
            "{} · {}",
            inmate.name.as_str(),
            inmate.reg_number
        )),
        id: inmate.id.0,
        form,
        notice,
        facility: facility.name.clone(),
        state: lang.t(&format!("staff-inmates-state-{state_key}")),
        suspended,
        suspension: match (&inmate.visits_suspended_until, &inmate.suspension_reason) {
            (Some(d), r) => lang.t_args(
                "staff-inmates-suspended-until",
                &[
                    ("date", d.to_string()),
                    ("reason", r.clone().unwrap_or_default()),
                ],
            ),
            _ => String::new(),
        },
        released: inmate.released,
        links: links
            .into_iter()
            .map(|l| LinkRow {
                visitor: l.visitor_name,
                relationship: lang.t(&format!("link-rel-{}", l.relationship)),
                status: lang.t(&format!("fv-link-status-{}", l.status)),
            })
            .collect(),
        visits: visit_rows(lang, &visits),
        errors: errors.clone(),
    });
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub(super) async fn get_inmate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, StaffError> {
    let inmate = load(&state, &staff, &id).await?;
    let notice = match q.done.as_str() {
        "updated" | "released" | "suspended" | "lifted" => {
            staff.lang.t(&format!("staff-inmates-done-{}", q.done))
        }
        _ => String::new(),
    };
    page(
        &state,
        &staff,
        &inmate,
        form_of(&inmate),
        Vec::new(),
        notice,
    )
    .await
}

/// Reads the edit form: the inmate's new data, or every error.
fn parse(f: &EditForm, lang: Lang) -> Result<NewInmate, Vec<String>> {
    let mut errors = Vec::new();
    let reg = RegNumber::parse(&f.reg_number)
        .map_err(|_| errors.push(lang.t("staff-inmates-error-reg")))
        .ok();
    let name = PersonName::parse(&f.name)
        .map_err(|_| errors.push(lang.t("staff-inmates-error-name")))
        .ok();
    let status = InmateStatus::parse(&f.status);
    if status.is_none() {
        errors.push(lang.t("staff-inmates-error-status"));
    }
    let block = f.block.trim();
    if block.chars().count() > 60 || block.chars().any(char::is_control) {
        errors.push(lang.t("staff-inmates-error-block"));
    }
    match (reg, name, status) {
        (Some(reg_number), Some(name), Some(status)) if errors.is_empty() => Ok(NewInmate {
            reg_number,
            name,
            status,
            block: (!block.is_empty()).then(|| block.to_string()),
        }),
        _ => Err(errors),
    }
}

pub(super) async fn post_inmate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let inmate = load(&state, &staff, &id).await?;
    let new = match parse(&f, staff.lang) {
        Ok(n) => n,
        Err(errors) => return page(&state, &staff, &inmate, f, errors, String::new()).await,
    };
    match state
        .db
        .update_inmate(inmate.id, &new, &staff.who(), jiff::Timestamp::now())
        .await
    {
        Ok(_) => {}
        Err(jenguk_storage::StorageError::Conflict("reg_number_taken")) => {
            let errors = vec![staff.lang.t("staff-inmates-error-reg-taken")];
            return page(&state, &staff, &inmate, f, errors, String::new()).await;
        }
        Err(e) => return Err(storage_error(e, staff.lang)),
    }
    Ok(Redirect::to(&format!("/staff/inmates/{}?done=updated", inmate.id.0)).into_response())
}
