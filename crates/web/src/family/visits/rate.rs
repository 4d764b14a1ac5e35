//! The satisfaction survey (SKM: four elements, each 1–4), once per visit that took place.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jenguk_storage::{StorageError, VisitView};
use jiff::Timestamp;
use serde::Deserialize;

use super::{
    Names, Page, WithCsrf, family_visit, finished, has_rating, message, own_visit, page, place,
    posted, see_other, storage, visit_path, when,
};
use crate::AppState;
use crate::family::page::Chrome;
use crate::family::session::Family;
use crate::i18n::Lang;

/// The survey's elements, in order (the scores are stored in this order).
pub(crate) const SKM_ELEMENTS: [&str; 4] = ["booking", "information", "timeliness", "call"];

struct Choice {
    value: u8,
    label: String,
    checked: bool,
}

struct Element {
    name: String,
    legend: String,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "family/rate.html")]
struct RatePage {
    chrome: Chrome,
    path: String,
    when: String,
    place: String,
    elements: Vec<Element>,
    comment: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RateForm {
    csrf: String,
    s1: String,
    s2: String,
    s3: String,
    s4: String,
    comment: String,
}

impl WithCsrf for RateForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl RateForm {
    fn scores(&self) -> [Option<u8>; 4] {
        [&self.s1, &self.s2, &self.s3, &self.s4]
            .map(|s| s.trim().parse::<u8>().ok().filter(|n| (1..=4).contains(n)))
    }
}

async fn rate_page(
    state: &AppState,
    family: &Family,
    v: &VisitView,
    chosen: [Option<u8>; 4],
    comment: &str,
    error: Option<String>,
) -> Result<RatePage, Response> {
    let lang = family.lang;
    let mut names = Names::new(state);
    let (facility, inmate) = names.of_visit(v, lang).await?;
    let path = visit_path(&v.code);
    let elements = SKM_ELEMENTS
        .iter()
        .zip(chosen)
        .enumerate()
        .map(|(i, (e, c))| Element {
            name: format!("s{}", i + 1),
            legend: lang.t(&format!("fv-skm-{e}")),
            choices: (1..=4u8)
                .map(|n| Choice {
                    value: n,
                    label: lang.t(&format!("fv-skm-score-{n}")),
                    checked: c == Some(n),
                })
                .collect(),
        })
        .collect();
    Ok(RatePage {
        chrome: Chrome::new(lang, "fv-title-rate", &format!("{path}/nilai"))
            .signed_in(&family.session.csrf),
        when: when(lang, v.visit.start, &v.time_zone),
        place: place(lang, &inmate, &facility),
        elements,
        comment: comment.to_string(),
        error,
        path,
    })
}

/// Whether the visit can be rated now; the page saying why not otherwise.
async fn rateable(state: &AppState, v: &VisitView, lang: Lang) -> Result<(), Response> {
    let path = visit_path(&v.code);
    if !finished(v.visit.status) {
        return Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-rate-not-yet",
            &path,
        ));
    }
    if has_rating(state, v, lang).await? {
        return Err(see_other(&format!("{path}?done=rated")));
    }
    Ok(())
}

pub(super) async fn get_rate(
    State(state): State<AppState>,
    family: Family,
    Path(code): Path<String>,
) -> Page {
    let lang = family.lang;
    let v = family_visit(&state, &family, &code).await?;
    rateable(&state, &v, lang).await?;
    let t = rate_page(&state, &family, &v, [None; 4], "", None).await?;
    Ok(page(&t, StatusCode::OK))
}

pub(super) async fn post_rate(
    State(state): State<AppState>,
    family: Family,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Result<Form<RateForm>, FormRejection>,
) -> Page {
    let lang = family.lang;
    let (f, visitor) = posted(&family, &headers, body)?;
    let v = own_visit(&state, &visitor, &code, lang).await?;
    rateable(&state, &v, lang).await?;
    let chosen = f.scores();
    let comment: String = f.comment.trim().chars().take(1000).collect();
    if chosen.iter().any(Option::is_none) {
        let t = rate_page(
            &state,
            &family,
            &v,
            chosen,
            &comment,
            Some(lang.t("fv-rate-missing")),
        )
        .await?;
        return Err(page(&t, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let scores: Vec<u8> = chosen.iter().flatten().copied().collect();
    let path = visit_path(&v.code);
    match state
        .db
        .rate_visit(
            visitor.id,
            &v.code,
            &scores,
            Some(comment.as_str()).filter(|c| !c.is_empty()),
            Timestamp::now(),
        )
        .await
    {
        Ok(()) | Err(StorageError::Conflict(_)) => Ok(see_other(&format!("{path}?done=rated"))),
        Err(StorageError::Invalid(_)) => Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-rate-not-yet",
            &path,
        )),
        Err(e) => Err(storage(lang)(e)),
    }
}
