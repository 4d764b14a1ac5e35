//! The WhatsApp webhook: the subscription handshake, the delivery signature, and parsing of
//! deliveries into incoming messages and status updates.
//!
//! Meta retries a delivery that was not answered with 200 for days, and may deliver the same
//! event twice: deduplicate on [`Inbound::wa_message_id`] (and on the pair
//! ([`StatusUpdate::wa_message_id`], [`StatusUpdate::status`])). Statuses may arrive out of
//! order and `delivered` may be skipped.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Longest `hub.challenge` echoed back by [`handshake`].
pub const CHALLENGE_MAX: usize = 256;

/// Checks `X-Hub-Signature-256` (`sha256=<hex HMAC-SHA256(app secret, raw body)>`) over the raw
/// request body, in constant time. A missing, malformed or wrong header gives `false`.
pub fn verify_signature(app_secret: &[u8], raw_body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Some(expected) = decode_hex(hex) else {
        return false;
    };
    if expected.len() != 32 {
        return false;
    }
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret) else {
        return false;
    };
    mac.update(raw_body);
    mac.verify_slice(&expected).is_ok()
}

/// Answers the subscription handshake `GET ?hub.mode=subscribe&hub.verify_token=…&
/// hub.challenge=…`: the challenge to send back (with 200) when the mode is `subscribe` and
/// the token matches `expected` (compared in constant time), else `None` (answer 403).
///
/// A challenge longer than [`CHALLENGE_MAX`] or with characters other than ASCII letters,
/// digits, `-`, `_` and `.` is refused too, so nothing odd is ever reflected (Meta sends a
/// number).
pub fn handshake(
    mode: Option<&str>,
    verify_token: Option<&str>,
    challenge: Option<&str>,
    expected: &str,
) -> Option<String> {
    if mode != Some("subscribe") || expected.is_empty() {
        return None;
    }
    // Hash both sides first so the comparison leaks neither content nor length.
    let given = Sha256::digest(verify_token?.as_bytes());
    let wanted = Sha256::digest(expected.as_bytes());
    if !bool::from(given.as_slice().ct_eq(wanted.as_slice())) {
        return None;
    }
    let challenge = challenge?;
    let ok = !challenge.is_empty()
        && challenge.len() <= CHALLENGE_MAX
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then(|| challenge.to_owned())
}

/// Why a webhook body could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not JSON (or not a JSON object).
    #[error("webhook body is not a JSON object: {0}")]
    NotJson(String),
    /// A JSON object without an `entry` array.
    #[error("webhook body has no entry array")]
    MissingEntry,
}

/// Everything one webhook delivery carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookBatch {
    /// Messages families sent, in delivery order.
    pub messages: Vec<Inbound>,
    /// Delivery statuses of messages Jenguk sent, in delivery order.
    pub statuses: Vec<StatusUpdate>,
    /// Errors Meta reported outside any message (`value.errors[]`): `(code, title)`.
    pub errors: Vec<(i64, String)>,
    /// Messages or statuses skipped because they lacked an id, sender or status (worth a log
    /// line; the rest of the delivery is still good).
    pub skipped: usize,
}

/// A message a family sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// The business phone number it was sent to (`metadata.phone_number_id`).
    pub phone_number_id: String,
    /// The sender's WhatsApp number: digits without `+`.
    pub from: String,
    /// The `wamid.…` id: deduplicate on it.
    pub wa_message_id: String,
    /// When it was sent, in Unix seconds (0 when missing).
    pub timestamp: i64,
    /// The sender's WhatsApp profile name, when given.
    pub profile_name: Option<String>,
    /// What it says.
    pub content: InboundContent,
}

/// The content of an incoming message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundContent {
    /// Typed text (`text.body`).
    Text(String),
    /// A tap on a reply button: `interactive.button_reply`, or a template's quick-reply
    /// button (`type: button`, whose `payload` becomes `id` and `text` becomes `title`).
    ButtonReply {
        /// The button's id as sent (or the template button's payload).
        id: String,
        /// The button's title as shown.
        title: String,
    },
    /// A choice from a list message (`interactive.list_reply`).
    ListReply {
        /// The row's id as sent.
        id: String,
        /// The row's title as shown.
        title: String,
    },
    /// Anything else (image, audio, location, sticker, reaction, …): the message `type`, or
    /// `interactive:<subtype>` for an interactive reply other than a button or list.
    Unsupported(String),
}

/// A delivery status of a message Jenguk sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The `wamid.…` id returned when the message was sent.
    pub wa_message_id: String,
    /// The recipient's WhatsApp number (`recipient_id`): digits without `+`.
    pub recipient: String,
    /// What happened.
    pub status: DeliveryStatus,
    /// When, in Unix seconds (0 when missing).
    pub timestamp: i64,
    /// The `biz_opaque_callback_data` the message was sent with.
    pub callback_data: Option<String>,
}

/// What happened to a sent message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Accepted by WhatsApp's servers.
    Sent,
    /// Reached the recipient's phone (may be skipped).
    Delivered,
    /// Read by the recipient (only with read receipts on).
    Read,
    /// Could not be sent or delivered: `(code, title)` of each error.
    Failed {
        /// `(code, title)` of each error (the title falls back to the message).
        errors: Vec<(i64, String)>,
    },
    /// A status this code does not know (`deleted`, `warning`, …).
    Other(String),
}

/// Parses a webhook delivery. Unknown fields are ignored, changes other than `messages` are
/// skipped, and an item missing its id (or sender, or status) is counted in
/// [`WebhookBatch::skipped`] rather than failing the whole delivery. Only a body that is not
/// a JSON object or has no `entry` array is an error.
pub fn parse(raw_body: &[u8]) -> Result<WebhookBatch, ParseError> {
    let root: Value =
        serde_json::from_slice(raw_body).map_err(|e| ParseError::NotJson(e.to_string()))?;
    if !root.is_object() {
        return Err(ParseError::NotJson("not an object".into()));
    }
    let entries = root
        .get("entry")
        .and_then(Value::as_array)
        .ok_or(ParseError::MissingEntry)?;
    let mut batch = WebhookBatch::default();
    for entry in entries {
        let changes = entry
            .get("changes")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for change in changes {
            let field = change.get("field").and_then(Value::as_str);
            if field.is_some_and(|f| f != "messages") {
                continue;
            }
            let Some(value) = change.get("value") else {
                continue;
            };
            match ChangeValue::deserialize(value) {
                Ok(v) => v.collect_into(&mut batch),
                Err(_) => batch.skipped += 1,
            }
        }
    }
    Ok(batch)
}

// ---- wire shapes (everything optional; unknown fields ignored) ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangeValue {
    metadata: Metadata,
    contacts: Vec<Contact>,
    messages: Vec<Value>,
    statuses: Vec<Value>,
    errors: Vec<WireError>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Metadata {
    phone_number_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Contact {
    wa_id: Option<String>,
    profile: Option<Profile>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Profile {
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireMessage {
    from: Option<String>,
    id: Option<String>,
    timestamp: Option<Value>,
    #[serde(rename = "type")]
    kind: Option<String>,
    text: Option<WireText>,
    interactive: Option<WireInteractive>,
    button: Option<WireTemplateButton>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireText {
    body: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireInteractive {
    #[serde(rename = "type")]
    kind: Option<String>,
    button_reply: Option<WireReply>,
    list_reply: Option<WireReply>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireReply {
    id: Option<String>,
    title: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireTemplateButton {
    payload: Option<String>,
    text: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireStatus {
    id: Option<String>,
    status: Option<String>,
    timestamp: Option<Value>,
    recipient_id: Option<String>,
    biz_opaque_callback_data: Option<String>,
    errors: Vec<WireError>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireError {
    code: Option<i64>,
    title: Option<String>,
    message: Option<String>,
}

impl WireError {
    fn pair(self) -> (i64, String) {
        let title = self
            .title
            .filter(|t| !t.is_empty())
            .or(self.message)
            .unwrap_or_default();
        (self.code.unwrap_or(0), title)
    }
}

impl ChangeValue {
    fn collect_into(self, batch: &mut WebhookBatch) {
        let phone_number_id = self.metadata.phone_number_id.unwrap_or_default();
        for raw in self.messages {
            let Ok(m) = WireMessage::deserialize(&raw) else {
                batch.skipped += 1;
                continue;
            };
            let (Some(from), Some(id)) = (non_empty(m.from.clone()), non_empty(m.id.clone()))
            else {
                batch.skipped += 1;
                continue;
            };
            let profile_name = profile_name(&self.contacts, &from);
            batch.messages.push(Inbound {
                phone_number_id: phone_number_id.clone(),
                wa_message_id: id,
                timestamp: timestamp(m.timestamp.as_ref()),
                profile_name,
                content: content(m),
                from,
            });
        }
        for raw in self.statuses {
            let Ok(s) = WireStatus::deserialize(&raw) else {
                batch.skipped += 1;
                continue;
            };
            let (Some(id), Some(status)) = (non_empty(s.id), non_empty(s.status)) else {
                batch.skipped += 1;
                continue;
            };
            let status = match status.as_str() {
                "sent" => DeliveryStatus::Sent,
                "delivered" => DeliveryStatus::Delivered,
                "read" => DeliveryStatus::Read,
                "failed" => DeliveryStatus::Failed {
                    errors: s.errors.into_iter().map(WireError::pair).collect(),
                },
                _ => DeliveryStatus::Other(status),
            };
            batch.statuses.push(StatusUpdate {
                wa_message_id: id,
                recipient: s.recipient_id.unwrap_or_default(),
                status,
                timestamp: timestamp(s.timestamp.as_ref()),
                callback_data: s.biz_opaque_callback_data,
            });
        }
        batch
            .errors
            .extend(self.errors.into_iter().map(WireError::pair));
    }
}

fn content(m: WireMessage) -> InboundContent {
    let kind = m.kind.unwrap_or_default();
    match kind.as_str() {
        "text" => InboundContent::Text(m.text.and_then(|t| t.body).unwrap_or_default()),
        "interactive" => {
            let i = m.interactive.unwrap_or_default();
            let sub = i.kind.unwrap_or_default();
            let reply = match sub.as_str() {
                "button_reply" => i.button_reply.map(|r| (r, true)),
                "list_reply" => i.list_reply.map(|r| (r, false)),
                _ => None,
            };
            match reply {
                Some((r, is_button)) => {
                    let id = r.id.unwrap_or_default();
                    let title = r.title.unwrap_or_default();
                    if is_button {
                        InboundContent::ButtonReply { id, title }
                    } else {
                        InboundContent::ListReply { id, title }
                    }
                }
                None => InboundContent::Unsupported(format!("interactive:{sub}")),
            }
        }
        "button" => match m.button {
            Some(b) => {
                let title = b.text.unwrap_or_default();
                let id = b.payload.unwrap_or_else(|| title.clone());
                InboundContent::ButtonReply { id, title }
            }
            None => InboundContent::Unsupported(kind),
        },
        _ => InboundContent::Unsupported(kind),
    }
}

/// The profile name of the contact whose `wa_id` is `from` (or of the only contact).
fn profile_name(contacts: &[Contact], from: &str) -> Option<String> {
    let contact = contacts
        .iter()
        .find(|c| c.wa_id.as_deref() == Some(from))
        .or(match contacts {
            [only] => Some(only),
            _ => None,
        })?;
    contact
        .profile
        .as_ref()
        .and_then(|p| p.name.clone())
        .filter(|n| !n.trim().is_empty())
}

/// Unix seconds from a string (as WhatsApp sends them) or a number; 0 when missing or odd.
fn timestamp(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        _ => 0,
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
