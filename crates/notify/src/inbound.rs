//! Incoming WhatsApp messages: stored first (deduplicated on their id, so WhatsApp's
//! retries do nothing twice), answered after — by the webhook right away, or by the worker's
//! scan if the process stopped in between.

use jenguk_domain::PhoneNumber;
use jenguk_storage::{Db, MessageKind, NewMessage};
use jiff::Timestamp;
use serde_json::json;

use crate::chat::{ChatFlow, ChatInput};
use crate::webhook::InboundContent;

/// The stored form of an incoming message's content.
pub fn content_json(c: &InboundContent) -> serde_json::Value {
    match c {
        InboundContent::Text(body) => json!({ "type": "text", "body": body }),
        InboundContent::ButtonReply { id, title } | InboundContent::ListReply { id, title } => {
            json!({ "type": "choice", "id": id, "title": title })
        }
        InboundContent::Unsupported(kind) => json!({ "type": "unsupported", "kind": kind }),
    }
}

fn input(content: &serde_json::Value) -> ChatInput {
    let s = |k: &str| content[k].as_str().unwrap_or("").to_string();
    match content["type"].as_str() {
        Some("choice") => ChatInput::Choice {
            id: s("id"),
            title: s("title"),
        },
        Some("text") => ChatInput::Text(s("body")),
        // A photo, a voice note…: answered like an unknown text (the menu).
        _ => ChatInput::Text(String::new()),
    }
}

/// A family's messages are answered one at a time, in order: a number always takes the
/// same of 64 locks, so different families' chats run side by side.
static CHAT_TURNS: [tokio::sync::Mutex<()>; 64] = [const { tokio::sync::Mutex::const_new(()) }; 64];

fn turn(sender: &str) -> &'static tokio::sync::Mutex<()> {
    let h = sender.bytes().fold(0usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    &CHAT_TURNS[h % CHAT_TURNS.len()]
}

/// Answers one stored incoming message and marks it handled. Errors are logged (the row
/// stays unhandled, and the worker's scan tries it again).
pub async fn process(
    db: &Db,
    chat: &ChatFlow,
    wa_message_id: &str,
    sender: &str,
    content: &str,
    now: Timestamp,
) {
    let _turn = turn(sender).lock().await;
    let Ok(phone) = PhoneNumber::parse(sender) else {
        // Not an Indonesian mobile number: nothing we can serve; don't retry forever.
        tracing::info!(
            sender_len = sender.len(),
            "message from a number that is not an Indonesian mobile"
        );
        let _ = db.inbound_processed(wa_message_id, now).await;
        return;
    };
    let content: serde_json::Value = serde_json::from_str(content).unwrap_or_default();
    let replies = match chat.handle(&phone, input(&content), now).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "chat flow failed");
            return;
        }
    };
    let lang = match db.chat_session(&phone, now).await {
        Ok(Some(s)) => s.lang,
        _ => "id".to_string(),
    };
    for (i, reply) in replies.iter().enumerate() {
        let params = match serde_json::to_value(reply) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "chat reply does not serialise");
                continue;
            }
        };
        let m = NewMessage {
            key: format!("chat:{wa_message_id}:{i}"),
            facility_id: None,
            recipient: phone.clone(),
            kind: MessageKind::ChatReply,
            lang: lang.clone(),
            params,
        };
        if let Err(e) = db.enqueue_message(&m, now).await {
            tracing::error!(error = %e, "cannot enqueue a chat reply");
            return;
        }
    }
    if let Err(e) = db.inbound_processed(wa_message_id, now).await {
        tracing::error!(error = %e, "cannot mark a message handled");
    }
}
