//! Server-rendered pages. Every page works without JavaScript.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ReqLang;

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
