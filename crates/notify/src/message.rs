//! Outgoing WhatsApp messages: what Jenguk can send, the Cloud API's limits on them, and the
//! exact JSON the Cloud API expects.

use jenguk_domain::phone::PhoneNumber;
use serde_json::{Value, json};

/// Longest text message body, in characters.
pub const TEXT_BODY_MAX: usize = 4096;
/// Longest body of an interactive (buttons or list) message, in characters.
pub const INTERACTIVE_BODY_MAX: usize = 1024;
/// Most reply buttons in one message.
pub const BUTTONS_MAX: usize = 3;
/// Longest reply button title, in characters.
pub const BUTTON_TITLE_MAX: usize = 20;
/// Longest reply button id, in characters.
pub const BUTTON_ID_MAX: usize = 256;
/// Most rows in one list message (all sections together).
pub const LIST_ROWS_MAX: usize = 10;
/// Longest list row title, in characters.
pub const ROW_TITLE_MAX: usize = 24;
/// Longest list row description, in characters.
pub const ROW_DESCRIPTION_MAX: usize = 72;
/// Longest list row id, in characters.
pub const ROW_ID_MAX: usize = 200;
/// Longest label of the button that opens a list, in characters.
pub const LIST_BUTTON_MAX: usize = 20;
/// Longest `biz_opaque_callback_data`, in characters.
pub const CALLBACK_DATA_MAX: usize = 512;
/// Longest template name, in characters.
pub const TEMPLATE_NAME_MAX: usize = 512;

/// Why a message would be refused by the Cloud API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// A required text is empty (or only whitespace).
    #[error("{field} is empty")]
    Empty {
        /// Which part of the message.
        field: &'static str,
    },
    /// A text is longer than the Cloud API allows.
    #[error("{field} is {actual} characters long; at most {max} allowed")]
    TooLong {
        /// Which part of the message.
        field: &'static str,
        /// The limit, in characters.
        max: usize,
        /// The length given, in characters.
        actual: usize,
    },
    /// Too many (or no) buttons or rows.
    #[error("{field}: {actual} given; between 1 and {max} allowed")]
    Count {
        /// Which part of the message.
        field: &'static str,
        /// The limit.
        max: usize,
        /// How many were given.
        actual: usize,
    },
    /// Two buttons or rows share an id or a title that must be unique.
    #[error("{field} {value:?} appears twice")]
    Duplicate {
        /// Which part of the message.
        field: &'static str,
        /// The repeated value.
        value: String,
    },
    /// A value has characters the Cloud API refuses there.
    #[error("{field}: {reason}")]
    Invalid {
        /// Which part of the message.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

/// A reply button: `id` comes back in the webhook when tapped, `title` is what the family sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// Returned in the webhook's `button_reply.id` (at most [`BUTTON_ID_MAX`] characters).
    pub id: String,
    /// Shown on the button (at most [`BUTTON_TITLE_MAX`] characters, unique in the message).
    pub title: String,
}

impl Button {
    /// A button with the title as given (checked by [`OutgoingMessage::validate`]).
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Button {
        Button {
            id: id.into(),
            title: title.into(),
        }
    }

    /// A button whose title is shortened with `…` to fit [`BUTTON_TITLE_MAX`]: for titles
    /// made from data (names, dates).
    pub fn fitted(id: impl Into<String>, title: &str) -> Button {
        Button {
            id: id.into(),
            title: truncate_chars(title, BUTTON_TITLE_MAX),
        }
    }
}

/// A row of a list message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Returned in the webhook's `list_reply.id` (at most [`ROW_ID_MAX`] characters, unique).
    pub id: String,
    /// Shown in the list (at most [`ROW_TITLE_MAX`] characters).
    pub title: String,
    /// Shown under the title (at most [`ROW_DESCRIPTION_MAX`] characters).
    pub description: Option<String>,
}

impl Row {
    /// A row with texts as given (checked by [`OutgoingMessage::validate`]).
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        description: Option<String>,
    ) -> Row {
        Row {
            id: id.into(),
            title: title.into(),
            description,
        }
    }

    /// A row whose title and description are shortened with `…` to fit
    /// [`ROW_TITLE_MAX`] and [`ROW_DESCRIPTION_MAX`]: for rows made from data (inmate names,
    /// session times). A blank description is dropped.
    pub fn fitted(id: impl Into<String>, title: &str, description: Option<&str>) -> Row {
        Row {
            id: id.into(),
            title: truncate_chars(title, ROW_TITLE_MAX),
            description: description
                .map(|d| truncate_chars(d, ROW_DESCRIPTION_MAX))
                .filter(|d| !d.is_empty()),
        }
    }
}

/// What a message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageBody {
    /// Free text: only inside the 24-hour window opened by the family's last message.
    Text {
        /// At most [`TEXT_BODY_MAX`] characters.
        body: String,
        /// Whether WhatsApp should render a preview of the first URL.
        preview_url: bool,
    },
    /// A pre-approved template: the only kind allowed outside the 24-hour window.
    Template {
        /// The template's name as approved (lowercase letters, digits and `_`).
        name: String,
        /// The approved translation's language code (`id`, `en`, `en_US`).
        language: String,
        /// Values of the body's `{{1}}`, `{{2}}`, … in order; no newlines, tabs or more than
        /// four spaces in a row (see [`clean_template_param`]).
        body_params: Vec<String>,
    },
    /// Text with up to [`BUTTONS_MAX`] reply buttons.
    Buttons {
        /// At most [`INTERACTIVE_BODY_MAX`] characters.
        body: String,
        /// One to [`BUTTONS_MAX`] buttons.
        buttons: Vec<Button>,
    },
    /// Text with a button that opens a list of up to [`LIST_ROWS_MAX`] rows.
    List {
        /// At most [`INTERACTIVE_BODY_MAX`] characters.
        body: String,
        /// The label of the button that opens the list (at most [`LIST_BUTTON_MAX`]).
        button_label: String,
        /// One to [`LIST_ROWS_MAX`] rows.
        rows: Vec<Row>,
    },
}

impl MessageBody {
    /// Free text without a link preview.
    pub fn text(body: impl Into<String>) -> MessageBody {
        MessageBody::Text {
            body: body.into(),
            preview_url: false,
        }
    }

    /// The Cloud API's `type` for this body: `text`, `template` or `interactive`.
    pub fn kind(&self) -> &'static str {
        match self {
            MessageBody::Text { .. } => "text",
            MessageBody::Template { .. } => "template",
            MessageBody::Buttons { .. } | MessageBody::List { .. } => "interactive",
        }
    }
}

/// A message to one family member's WhatsApp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// The recipient.
    pub to: PhoneNumber,
    /// What is sent.
    pub body: MessageBody,
    /// Sent as `biz_opaque_callback_data` (at most [`CALLBACK_DATA_MAX`] characters) and
    /// returned in this message's status webhooks: e.g. the outbox row id.
    pub callback_data: Option<String>,
}

impl OutgoingMessage {
    /// A message without callback data.
    pub fn new(to: PhoneNumber, body: MessageBody) -> OutgoingMessage {
        OutgoingMessage {
            to,
            body,
            callback_data: None,
        }
    }

    /// The same message with `biz_opaque_callback_data`.
    pub fn with_callback_data(mut self, data: impl Into<String>) -> OutgoingMessage {
        self.callback_data = Some(data.into());
        self
    }

    /// Checks the Cloud API's limits, so that a refusal is known before anything is sent.
    pub fn validate(&self) -> Result<(), MessageError> {
        if let Some(data) = &self.callback_data {
            max_len("callback_data", data, CALLBACK_DATA_MAX)?;
        }
        match &self.body {
            MessageBody::Text { body, .. } => required("text.body", body, TEXT_BODY_MAX),
            MessageBody::Template {
                name,
                language,
                body_params,
            } => {
                required("template.name", name, TEMPLATE_NAME_MAX)?;
                if !name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                {
                    return Err(MessageError::Invalid {
                        field: "template.name",
                        reason: "only lowercase letters, digits and _ allowed",
                    });
                }
                required("template.language", language, 16)?;
                if !language
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || b == b'_')
                {
                    return Err(MessageError::Invalid {
                        field: "template.language",
                        reason: "a language code such as id or en_US",
                    });
                }
                for p in body_params {
                    if p.trim().is_empty() {
                        return Err(MessageError::Empty {
                            field: "template.parameter",
                        });
                    }
                    if p.contains(['\n', '\r', '\t']) || p.contains("     ") {
                        return Err(MessageError::Invalid {
                            field: "template.parameter",
                            reason: "no newlines, tabs or more than four consecutive spaces",
                        });
                    }
                }
                Ok(())
            }
            MessageBody::Buttons { body, buttons } => {
                required("interactive.body", body, INTERACTIVE_BODY_MAX)?;
                count("buttons", buttons.len(), BUTTONS_MAX)?;
                for (i, b) in buttons.iter().enumerate() {
                    required("button.id", &b.id, BUTTON_ID_MAX)?;
                    required("button.title", &b.title, BUTTON_TITLE_MAX)?;
                    let earlier = &buttons[..i];
                    if earlier.iter().any(|e| e.id == b.id) {
                        return Err(duplicate("button.id", &b.id));
                    }
                    if earlier.iter().any(|e| e.title == b.title) {
                        return Err(duplicate("button.title", &b.title));
                    }
                }
                Ok(())
            }
            MessageBody::List {
                body,
                button_label,
                rows,
            } => {
                required("interactive.body", body, INTERACTIVE_BODY_MAX)?;
                required("list.button", button_label, LIST_BUTTON_MAX)?;
                count("rows", rows.len(), LIST_ROWS_MAX)?;
                for (i, r) in rows.iter().enumerate() {
                    required("row.id", &r.id, ROW_ID_MAX)?;
                    required("row.title", &r.title, ROW_TITLE_MAX)?;
                    if let Some(d) = &r.description {
                        max_len("row.description", d, ROW_DESCRIPTION_MAX)?;
                    }
                    if rows[..i].iter().any(|e| e.id == r.id) {
                        return Err(duplicate("row.id", &r.id));
                    }
                }
                Ok(())
            }
        }
    }

    /// The request body for `POST /{version}/{phone_number_id}/messages`. Does not check the
    /// limits: see [`OutgoingMessage::validate`].
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": self.to.wa_digits(),
            "type": self.body.kind(),
        });
        let (key, content) = match &self.body {
            MessageBody::Text { body, preview_url } => {
                ("text", json!({ "body": body, "preview_url": preview_url }))
            }
            MessageBody::Template {
                name,
                language,
                body_params,
            } => {
                let mut t = json!({ "name": name, "language": { "code": language } });
                if !body_params.is_empty() {
                    let parameters: Vec<Value> = body_params
                        .iter()
                        .map(|p| json!({ "type": "text", "text": p }))
                        .collect();
                    t["components"] = json!([{ "type": "body", "parameters": parameters }]);
                }
                ("template", t)
            }
            MessageBody::Buttons { body, buttons } => {
                let buttons: Vec<Value> = buttons
                    .iter()
                    .map(|b| json!({ "type": "reply", "reply": { "id": b.id, "title": b.title } }))
                    .collect();
                (
                    "interactive",
                    json!({
                        "type": "button",
                        "body": { "text": body },
                        "action": { "buttons": buttons },
                    }),
                )
            }
            MessageBody::List {
                body,
                button_label,
                rows,
            } => {
                let rows: Vec<Value> = rows
                    .iter()
                    .map(|r| {
                        let mut row = json!({ "id": r.id, "title": r.title });
                        if let Some(d) = &r.description {
                            row["description"] = json!(d);
                        }
                        row
                    })
                    .collect();
                (
                    "interactive",
                    json!({
                        "type": "list",
                        "body": { "text": body },
                        "action": { "button": button_label, "sections": [{ "rows": rows }] },
                    }),
                )
            }
        };
        v[key] = content;
        if let Some(data) = &self.callback_data {
            v["biz_opaque_callback_data"] = json!(data);
        }
        v
    }
}

/// Shortens `s` (trimmed) to at most `max` characters, ending with `…` when anything was cut.
/// Cuts only between characters and never inside what shows as one symbol (a letter with its
/// combining accent, an emoji with its skin tone or joiner sequence, a flag), and never leaves
/// a space before the `…`.
pub fn truncate_chars(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut end = max - 1;
    // Move the cut back to the start of the cluster it falls in: before an accent or joiner
    // and its base, before an emoji joined by a zero width joiner, between flag halves.
    while end > 0 {
        let next = chars[end];
        let prev = chars[end - 1];
        let inside = is_attaching(next)
            || prev == '\u{200D}'
            || (is_regional_indicator(next)
                && chars[..end]
                    .iter()
                    .rev()
                    .take_while(|c| is_regional_indicator(**c))
                    .count()
                    % 2
                    == 1);
        if !inside {
            break;
        }
        end -= 1;
    }
    let mut out: String = chars[..end].iter().collect();
    while out.ends_with(char::is_whitespace) {
        out.pop();
    }
    out.push('…');
    out
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Makes a value acceptable as a template parameter: newlines and tabs become spaces, runs of
/// spaces shrink to one, and the ends are trimmed.
pub fn clean_template_param(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that attach to the one before them (so cutting right after them, or between
/// them and their base, would show a broken glyph).
fn is_attaching(c: char) -> bool {
    matches!(c,
        '\u{200D}'                  // zero width joiner
        | '\u{FE00}'..='\u{FE0F}'   // variation selectors
        | '\u{0300}'..='\u{036F}'   // combining diacritical marks
        | '\u{1F3FB}'..='\u{1F3FF}' // skin tone modifiers
        | '\u{E0020}'..='\u{E007F}' // tag characters (flag sequences)
    )
}

fn required(field: &'static str, value: &str, max: usize) -> Result<(), MessageError> {
    if value.trim().is_empty() {
        return Err(MessageError::Empty { field });
    }
    max_len(field, value, max)
}

fn max_len(field: &'static str, value: &str, max: usize) -> Result<(), MessageError> {
    let actual = value.chars().count();
    if actual > max {
        return Err(MessageError::TooLong { field, max, actual });
    }
    Ok(())
}

fn count(field: &'static str, actual: usize, max: usize) -> Result<(), MessageError> {
    if actual == 0 || actual > max {
        return Err(MessageError::Count { field, max, actual });
    }
    Ok(())
}

fn duplicate(field: &'static str, value: &str) -> MessageError {
    MessageError::Duplicate {
        field,
        value: value.to_owned(),
    }
}

#[cfg(test)]
#[path = "message_tests.rs"]
mod tests;
