//! Cancelling a visit, within the facility's cut-off before the start.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{Facility, VisitStatus};
use jenguk_storage::{StorageError, VisitView};
use jiff::Timestamp;
use serde::Deserialize;

use super::{
    Page, WithCsrf, before_cutoff, family_visit, message, own_visit, page, place, posted,
    see_other, still_open, storage, visit_facility, visit_path, when, who,
};
use crate::AppState;
use crate::extract::ClientIp;
use crate::family::page::Chrome;
use crate::family::session::Family;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "family/visit_cancel.html")]
struct CancelPage {
    chrome: Chrome,
    path: String,
    when: String,
    place: String,
    late: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CsrfForm {
    csrf: String,
}

impl WithCsrf for CsrfForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The visit cannot be cancelled (any more).
fn not_possible(lang: Lang, path: &str) -> Response {
    message(StatusCode::CONFLICT, lang, "fv-cancel-not-possible", path)
}

async fn cancel_page(
    state: &AppState,
    family: &Family,
    v: &VisitView,
    facility: &Facility,
    now: Timestamp,
) -> Result<CancelPage, Response> {
    let lang = family.lang;
    let inmate = state
        .db
        .inmate(v.visit.inmate_id)
        .await
        .map_err(storage(lang))?;
    let path = visit_path(&v.code);
    Ok(CancelPage {
        chrome: Chrome::new(lang, "fv-title-cancel", &format!("{path}/batal"))
            .signed_in(&family.session.csrf),
        when: when(lang, v.visit.start, &v.time_zone),
        place: place(lang, &inmate, facility),
        late: (!before_cutoff(v, facility, now)).then(|| {
            lang.t_args(
                "fv-cancel-late",
                &[("minutes", facility.policy.cutoff_minutes.to_string())],
            )
        }),
        path,
    })
}

pub(super) async fn get_cancel(
    State(state): State<AppState>,
    family: Family,
    Path(code): Path<String>,
) -> Page {
    let lang = family.lang;
    let v = family_visit(&state, &family, &code).await?;
    if !still_open(&v, Timestamp::now()) {
        return Err(not_possible(lang, &visit_path(&v.code)));
    }
    let facility = visit_facility(&state, &v, lang).await?;
    let t = cancel_page(&state, &family, &v, &facility, Timestamp::now()).await?;
    let status = if t.late.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(&t, status))
}

pub(super) async fn post_cancel(
    State(state): State<AppState>,
    family: Family,
    ip: ClientIp,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Result<Form<CsrfForm>, FormRejection>,
) -> Page {
    let lang = family.lang;
    let (_, visitor) = posted(&family, &headers, body)?;
    let v = own_visit(&state, &visitor, &code, lang).await?;
    let path = visit_path(&v.code);
    if v.visit.status == VisitStatus::Cancelled {
        // A second press of the button: it is done already.
        return Ok(see_other(&format!("{path}?done=cancelled")));
    }
    let now = Timestamp::now();
    if !still_open(&v, now) {
        return Err(not_possible(lang, &path));
    }
    let facility = visit_facility(&state, &v, lang).await?;
    if !before_cutoff(&v, &facility, now) {
        let t = cancel_page(&state, &family, &v, &facility, now).await?;
        return Err(page(&t, StatusCode::CONFLICT));
    }
    match state
        .db
        .transition_visit(
            &v.code,
            VisitAction::Cancel,
            Actor::Family(visitor.id),
            None,
            &who(ip),
            now,
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("{path}?done=cancelled"))),
        Err(StorageError::Transition(_) | StorageError::Invalid(_)) => {
            Err(not_possible(lang, &path))
        }
        Err(e) => Err(storage(lang)(e)),
    }
}
