//! Moving a visit to another free slot, within the facility's cut-off before the start.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jenguk_domain::visit::Actor;
use jenguk_domain::{Facility, Refusal, VisitStatus};
use jenguk_storage::{Channel, StorageError, VisitView};
use jiff::Timestamp;
use serde::Deserialize;

use super::slots::{alternatives, days, free_slots};
use super::{BookPage, parse_start, refusal_texts, zone_note};
use crate::AppState;
use crate::extract::ClientIp;
use crate::family::page::Chrome;
use crate::family::session::Family;
use crate::family::visits::{
    Page, WithCsrf, before_cutoff, family_visit, message, message_args, own_visit, page, posted,
    see_other, still_open, storage, visit_facility, visit_path, when, who,
};
use crate::i18n::Lang;

async fn move_page(
    state: &AppState,
    family: &Family,
    v: &VisitView,
    facility: &Facility,
    asked: Option<Timestamp>,
    reasons: &[Refusal],
    extra_error: Option<String>,
) -> Result<BookPage, Response> {
    let lang = family.lang;
    let now = Timestamp::now();
    let mut offer = free_slots(
        state,
        facility,
        v.visit.kind,
        now,
        (v.visit.visitor_id, v.visit.inmate_id),
        Some(v.visit.id),
    )
    .await
    .map_err(storage(lang))?;
    offer.slots.retain(|s| s.start != v.visit.start);
    let slots = &offer.slots;
    let path = visit_path(&v.code);
    let mut errors = refusal_texts(lang, reasons);
    errors.extend(extra_error);
    Ok(BookPage {
        chrome: Chrome::new(lang, "fv-title-move", &format!("{path}/ubah"))
            .signed_in(&family.session.csrf),
        action: format!("{path}/ubah"),
        intro: lang.t_args(
            "fv-move-intro",
            &[("time", when(lang, v.visit.start, &v.time_zone))],
        ),
        zone_note: zone_note(lang, facility),
        key: None,
        companions: Vec::new(),
        companions_intro: String::new(),
        alternatives: alternatives(facility, slots, asked, reasons, lang),
        days: days(lang, facility, slots),
        none: offer.none(lang, facility),
        errors,
        back: path,
    })
}

/// Whether the visit may be moved now; the page saying why not otherwise.
#[allow(clippy::result_large_err)] // a page as the error, as every handler returns
fn movable(v: &VisitView, f: &Facility, now: Timestamp, lang: Lang) -> Result<(), Response> {
    let path = visit_path(&v.code);
    if !still_open(v, now) {
        return Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-move-not-possible",
            &path,
        ));
    }
    if !before_cutoff(v, f, now) {
        return Err(message_args(
            StatusCode::CONFLICT,
            lang,
            "fv-move-late",
            &[("minutes", f.policy.cutoff_minutes.to_string())],
            &path,
        ));
    }
    Ok(())
}

pub(super) async fn get_move(
    State(state): State<AppState>,
    family: Family,
    Path(code): Path<String>,
) -> Page {
    let lang = family.lang;
    let v = family_visit(&state, &family, &code).await?;
    let facility = visit_facility(&state, &v, lang).await?;
    movable(&v, &facility, Timestamp::now(), lang)?;
    let t = move_page(&state, &family, &v, &facility, None, &[], None).await?;
    Ok(page(&t, StatusCode::OK))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MoveForm {
    csrf: String,
    start: String,
}

impl WithCsrf for MoveForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The move page again, with a mistake of the family's to correct.
async fn move_mistake(
    state: &AppState,
    family: &Family,
    v: &VisitView,
    facility: &Facility,
    key: &str,
) -> Response {
    let error = Some(family.lang.t(key));
    match move_page(state, family, v, facility, None, &[], error).await {
        Ok(t) => page(&t, StatusCode::UNPROCESSABLE_ENTITY),
        Err(res) => res,
    }
}

pub(super) async fn post_move(
    State(state): State<AppState>,
    family: Family,
    ip: ClientIp,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Result<Form<MoveForm>, FormRejection>,
) -> Page {
    let lang = family.lang;
    let (f, visitor) = posted(&family, &headers, body)?;
    let v = own_visit(&state, &visitor, &code, lang).await?;
    let facility = visit_facility(&state, &v, lang).await?;
    let start = parse_start(&f.start);
    if v.visit.status == VisitStatus::Cancelled && v.visit.status_reason.as_deref() == Some("moved")
    {
        // A second press of the button: show the visit it was moved to.
        if let Some(new) = moved_to(&state, &v, start).await {
            return Ok(see_other(&format!("{}?done=moved", visit_path(&new.code))));
        }
    }
    let now = Timestamp::now();
    movable(&v, &facility, now, lang)?;
    let Some(start) = start else {
        return Err(move_mistake(&state, &family, &v, &facility, "fv-book-pick").await);
    };
    match state
        .db
        .move_visit(
            &v.code,
            start,
            Actor::Family(visitor.id),
            Channel::Web,
            &who(ip),
            now,
        )
        .await
    {
        Ok(new) => Ok(see_other(&format!("{}?done=moved", visit_path(&new.code)))),
        Err(StorageError::Refused(reasons)) => {
            let t = move_page(&state, &family, &v, &facility, Some(start), &reasons, None).await?;
            Err(page(&t, StatusCode::CONFLICT))
        }
        Err(StorageError::Invalid("same_slot")) => {
            Err(move_mistake(&state, &family, &v, &facility, "fv-move-same").await)
        }
        Err(StorageError::Transition(_) | StorageError::Invalid(_)) => Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-move-not-possible",
            &visit_path(&v.code),
        )),
        Err(e) => Err(storage(lang)(e)),
    }
}

/// The visit a moved one became: the same visitor and inmate, active, at the asked start.
async fn moved_to(
    state: &AppState,
    old: &VisitView,
    start: Option<Timestamp>,
) -> Option<VisitView> {
    let start = start?;
    let visits = state
        .db
        .visits_of_visitor(old.visit.visitor_id, Timestamp::now())
        .await
        .ok()?;
    visits.into_iter().find(|x| {
        x.visit.start == start
            && x.visit.inmate_id == old.visit.inmate_id
            && x.visit.status.is_active()
    })
}
