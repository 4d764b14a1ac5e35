//! Server-rendered pages. Every page works without JavaScript.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use jenguk_domain::facility::zone_abbreviation;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ReqLang;

struct FacilityCard {
    name: String,
    kind: String,
    province: String,
    zone: String,
    slot: String,
    window: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    lang_tag: &'static str,
    app_name: String,
    title: String,
    intro: String,
    facilities_title: String,
    no_facilities: String,
    facilities: Vec<FacilityCard>,
    language: String,
    lang_id: String,
    lang_en: String,
    staff_note: String,
}

/// The start page: what Jenguk is and which facilities it serves. `?lang=` also sets the
/// language cookie so that the choice sticks.
pub async fn get_home(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<Response, ApiError> {
    let facilities = state.db.facilities().await?;
    let cards = facilities
        .iter()
        .map(|f| FacilityCard {
            name: f.name.clone(),
            kind: lang.t(&format!("facility-kind-{}", f.kind.as_str())),
            province: f.province.clone(),
            zone: lang.t_args(
                "home-zone",
                &[("zone", zone_abbreviation(&f.time_zone).to_string())],
            ),
            slot: lang.t_args(
                "home-slot-minutes",
                &[("minutes", f.policy.slot_minutes.to_string())],
            ),
            window: lang.t_args(
                "home-window",
                &[
                    ("min", f.policy.min_days_ahead.to_string()),
                    ("max", f.policy.max_days_ahead.to_string()),
                ],
            ),
        })
        .collect();
    let page = HomePage {
        lang_tag: lang.tag(),
        app_name: lang.t("app-name"),
        title: lang.t("home-title"),
        intro: lang.t("home-intro"),
        facilities_title: lang.t("home-facilities"),
        no_facilities: lang.t("home-no-facilities"),
        facilities: cards,
        language: lang.t("home-language"),
        lang_id: lang.t("home-lang-id"),
        lang_en: lang.t("home-lang-en"),
        staff_note: lang.t("home-staff"),
    };
    let html = page.render().map_err(|e| ApiError::internal(&e))?;
    Ok(Html(html).into_response())
}

struct OutboxLine {
    recipient: String,
    kind: &'static str,
    status: String,
    created: String,
    text: String,
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    lang_tag: &'static str,
    title: String,
    intro: String,
    empty: String,
    messages: Vec<OutboxLine>,
}

/// `/demo/outbox` (demo servers only): the messages families would have received, so a demo
/// works without a WhatsApp account.
pub async fn get_demo_outbox(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<Response, ApiError> {
    if !state.demo {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "route_not_found",
            "error-route-not-found",
        ));
    }
    let rows = state.db.outbox_messages(None, 200).await?;
    let messages = rows
        .iter()
        .map(|m| OutboxLine {
            recipient: m.recipient.clone(),
            kind: m.kind.as_str(),
            status: m.status.clone(),
            created: m.created_at.to_string(),
            text: jenguk_notify::render::text(m, &state.public_url)
                .unwrap_or_else(|e| e.to_string()),
        })
        .collect();
    let page = OutboxPage {
        lang_tag: lang.tag(),
        title: lang.t("outbox-title"),
        intro: lang.t("outbox-intro"),
        empty: lang.t("outbox-empty"),
        messages,
    };
    Ok(Html(page.render().map_err(|e| ApiError::internal(&e))?).into_response())
}
