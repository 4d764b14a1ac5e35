//! The WhatsApp webhook: the subscription handshake and the deliveries (incoming messages
//! and delivery statuses), signed by Meta with the app secret.
//!
//! Architecture invariant: nothing is read from a delivery whose `X-Hub-Signature-256` does
//! not verify; a verified delivery is answered 200 as soon as its rows are stored, and the
//! chat's answer is worked out after.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jenguk_notify::webhook::{DeliveryStatus, handshake, parse, verify_signature};
use jenguk_storage::DeliveryStatus as Stored;
use jiff::Timestamp;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiQuery;

/// The handshake's query.
#[derive(Debug, Deserialize)]
pub struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

fn channel_off() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "whatsapp_off", "error-whatsapp-off")
}

/// The (app secret, verify token) pairs of the channels: the global one first, then the
/// facilities' own numbers (read only when `with_facilities`). None at all: the channel is off.
async fn channels(
    state: &AppState,
    with_facilities: bool,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    if let Some(wa) = &state.whatsapp {
        out.push((
            wa.app_secret().expose().to_string(),
            wa.verify_token().expose().to_string(),
        ));
    }
    if with_facilities || out.is_empty() {
        for c in state.db.facility_channels().await? {
            out.push((c.app_secret, c.verify_token));
        }
    }
    if out.is_empty() {
        return Err(channel_off());
    }
    Ok(out)
}

/// `GET /webhooks/whatsapp`: answers Meta's subscription check with the challenge.
pub async fn get_whatsapp(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<Handshake>,
) -> Result<Response, ApiError> {
    for (_, verify) in channels(&state, true).await? {
        if let Some(challenge) = handshake(
            q.mode.as_deref(),
            q.verify_token.as_deref(),
            q.challenge.as_deref(),
            &verify,
        ) {
            return Ok((StatusCode::OK, challenge).into_response());
        }
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "bad_verify_token",
        "error-forbidden",
    ))
}

/// `POST /webhooks/whatsapp`: stores incoming messages (once each) and delivery statuses.
pub async fn post_whatsapp(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    let signed_by = |chs: &[(String, String)]| {
        chs.iter()
            .any(|(secret, _)| verify_signature(secret.as_bytes(), &body, signature))
    };
    // The global app's secret first; the facilities' own apps only if it does not match.
    let mut verified = signed_by(&channels(&state, false).await?);
    if !verified && state.whatsapp.is_some() {
        verified = signed_by(&channels(&state, true).await?[1..]);
    }
    if !verified {
        metrics::counter!("jenguk_webhook_rejected_total", "why" => "signature").increment(1);
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "error-bad-signature",
        ));
    }
    let batch = parse(&body).map_err(|e| {
        metrics::counter!("jenguk_webhook_rejected_total", "why" => "malformed").increment(1);
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_payload",
            "error-malformed-json",
        )
        .arg("detail", e.to_string())
    })?;
    let now = Timestamp::now();
    for s in &batch.statuses {
        let status = match &s.status {
            DeliveryStatus::Sent => Stored::Sent,
            DeliveryStatus::Delivered => Stored::Delivered,
            DeliveryStatus::Read => Stored::Read,
            DeliveryStatus::Failed { errors } => Stored::Failed(
                errors
                    .iter()
                    .map(|(code, title)| format!("{code} {title}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            DeliveryStatus::Other(_) => continue,
        };
        state
            .db
            .message_status(&s.wa_message_id, s.callback_data.as_deref(), &status, now)
            .await?;
    }
    for m in &batch.messages {
        let content = jenguk_notify::inbound::content_json(&m.content).to_string();
        if !state
            .db
            .record_inbound(&m.wa_message_id, &m.from, &content, now)
            .await?
        {
            metrics::counter!("jenguk_webhook_duplicates_total").increment(1);
            continue;
        }
        let (db, chat, id, from) = (
            state.db.clone(),
            state.chat.clone(),
            m.wa_message_id.clone(),
            m.from.clone(),
        );
        tokio::spawn(async move {
            jenguk_notify::inbound::process(&db, &chat, &id, &from, &content, Timestamp::now())
                .await;
        });
    }
    metrics::counter!("jenguk_webhook_deliveries_total").increment(1);
    Ok(axum::Json(serde_json::json!({ "status": "ok" })).into_response())
}
