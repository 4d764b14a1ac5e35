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
mod tests {
    use super::*;
    use jenguk_domain::phone::PhoneError;

    fn to() -> Result<PhoneNumber, PhoneError> {
        PhoneNumber::parse("0812-3456-7890")
    }

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn text_json() -> TestResult {
        let m = OutgoingMessage::new(
            to()?,
            MessageBody::text("Halo, kunjungan Anda dikonfirmasi."),
        );
        m.validate()?;
        assert_eq!(
            m.to_json(),
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "6281234567890",
                "type": "text",
                "text": { "body": "Halo, kunjungan Anda dikonfirmasi.", "preview_url": false }
            })
        );
        Ok(())
    }

    #[test]
    fn text_with_preview_and_callback_json() -> TestResult {
        let m = OutgoingMessage::new(
            to()?,
            MessageBody::Text {
                body: "https://jenguk.example/v/ABC".into(),
                preview_url: true,
            },
        )
        .with_callback_data("outbox:42");
        m.validate()?;
        assert_eq!(
            m.to_json(),
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "6281234567890",
                "type": "text",
                "text": { "body": "https://jenguk.example/v/ABC", "preview_url": true },
                "biz_opaque_callback_data": "outbox:42"
            })
        );
        Ok(())
    }

    #[test]
    fn template_json() -> TestResult {
        let m = OutgoingMessage::new(
            to()?,
            MessageBody::Template {
                name: "visit_confirmed".into(),
                language: "id".into(),
                body_params: vec!["Budi".into(), "Senin, 3 Maret 09.00 WIB".into()],
            },
        );
        m.validate()?;
        assert_eq!(
            m.to_json(),
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "6281234567890",
                "type": "template",
                "template": {
                    "name": "visit_confirmed",
                    "language": { "code": "id" },
                    "components": [{
                        "type": "body",
                        "parameters": [
                            { "type": "text", "text": "Budi" },
                            { "type": "text", "text": "Senin, 3 Maret 09.00 WIB" }
                        ]
                    }]
                }
            })
        );
        Ok(())
    }

    #[test]
    fn template_without_params_has_no_components() -> TestResult {
        let m = OutgoingMessage::new(
            to()?,
            MessageBody::Template {
                name: "hello_world".into(),
                language: "en_US".into(),
                body_params: vec![],
            },
        );
        m.validate()?;
        assert_eq!(
            m.to_json(),
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "6281234567890",
                "type": "template",
                "template": { "name": "hello_world", "language": { "code": "en_US" } }
            })
        );
        Ok(())
    }

    #[test]
    fn buttons_json() -> TestResult {
        let m = OutgoingMessage::new(
            to()?,
            MessageBody::Buttons {
                body: "Pilih bahasa / Choose a language".into(),
                buttons: vec![
                    Button::new("lang:id", "Bahasa Indonesia"),
                    Button::new("lang:en", "English"),
                ],
            },
        );
        m.validate()?;
        assert_eq!(
            m.to_json(),
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "6281234567890",
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": { "text": "Pilih bahasa / Choose a language" },
                    "action": { "buttons": [
                        { "type": "reply", "reply": { "id": "lang:id", "title": "Bahasa Indonesia" } },
                        { "type": "reply", "reply": { "id": "lang:en", "title": "English" } }
                    ] }
                }
            })
        );
        Ok(())
    }

    #[test]
    fn list_json() -> TestResult {
        let m = OutgoingMessage::new(
            to()?,
            MessageBody::List {
                body: "Pilih jadwal kunjungan".into(),
                button_label: "Lihat jadwal".into(),
                rows: vec![
                    Row::new("slot:1", "Senin 09.00", Some("Bilik 2, sisa 3".into())),
                    Row::new("slot:2", "Senin 13.00", None),
                ],
            },
        )
        .with_callback_data("chat:7");
        m.validate()?;
        assert_eq!(
            m.to_json(),
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "6281234567890",
                "type": "interactive",
                "interactive": {
                    "type": "list",
                    "body": { "text": "Pilih jadwal kunjungan" },
                    "action": {
                        "button": "Lihat jadwal",
                        "sections": [{ "rows": [
                            { "id": "slot:1", "title": "Senin 09.00", "description": "Bilik 2, sisa 3" },
                            { "id": "slot:2", "title": "Senin 13.00" }
                        ] }]
                    }
                },
                "biz_opaque_callback_data": "chat:7"
            })
        );
        Ok(())
    }

    fn buttons(n: usize, title: impl Fn(usize) -> String) -> MessageBody {
        MessageBody::Buttons {
            body: "b".into(),
            buttons: (0..n)
                .map(|i| Button::new(format!("id{i}"), title(i)))
                .collect(),
        }
    }

    #[test]
    fn button_limits() -> TestResult {
        let n = to()?;
        let check = |body| OutgoingMessage::new(n.clone(), body).validate();
        assert_eq!(check(buttons(3, |i| format!("t{i}"))), Ok(()));
        assert_eq!(
            check(buttons(4, |i| format!("t{i}"))),
            Err(MessageError::Count {
                field: "buttons",
                max: 3,
                actual: 4
            })
        );
        assert_eq!(
            check(buttons(0, |i| format!("t{i}"))),
            Err(MessageError::Count {
                field: "buttons",
                max: 3,
                actual: 0
            })
        );
        assert_eq!(check(buttons(1, |_| "x".repeat(20))), Ok(()));
        assert_eq!(
            check(buttons(1, |_| "é".repeat(21))),
            Err(MessageError::TooLong {
                field: "button.title",
                max: 20,
                actual: 21
            })
        );
        assert_eq!(
            check(buttons(2, |_| "same".into())),
            Err(MessageError::Duplicate {
                field: "button.title",
                value: "same".into()
            })
        );
        assert_eq!(
            check(buttons(1, |_| " ".into())),
            Err(MessageError::Empty {
                field: "button.title"
            })
        );
        Ok(())
    }

    fn list(rows: Vec<Row>, label: &str) -> MessageBody {
        MessageBody::List {
            body: "b".into(),
            button_label: label.into(),
            rows,
        }
    }

    #[test]
    fn list_limits() -> TestResult {
        let ok_rows = |n: usize| {
            (0..n)
                .map(|i| Row::new(format!("r{i}"), "t", None))
                .collect()
        };
        let n = to()?;
        let check = |body| OutgoingMessage::new(n.clone(), body).validate();
        assert_eq!(check(list(ok_rows(10), "Pilih")), Ok(()));
        assert_eq!(
            check(list(ok_rows(11), "Pilih")),
            Err(MessageError::Count {
                field: "rows",
                max: 10,
                actual: 11
            })
        );
        assert_eq!(
            check(list(vec![Row::new("a", "x".repeat(25), None)], "Pilih")),
            Err(MessageError::TooLong {
                field: "row.title",
                max: 24,
                actual: 25
            })
        );
        assert_eq!(
            check(list(
                vec![Row::new("a", "x", Some("d".repeat(73)))],
                "Pilih"
            )),
            Err(MessageError::TooLong {
                field: "row.description",
                max: 72,
                actual: 73
            })
        );
        assert_eq!(
            check(list(ok_rows(1), &"l".repeat(21))),
            Err(MessageError::TooLong {
                field: "list.button",
                max: 20,
                actual: 21
            })
        );
        assert_eq!(
            check(list(
                vec![Row::new("a", "x", None), Row::new("a", "y", None)],
                "Pilih"
            )),
            Err(MessageError::Duplicate {
                field: "row.id",
                value: "a".into()
            })
        );
        Ok(())
    }

    #[test]
    fn text_template_and_callback_limits() -> TestResult {
        let check = |m: OutgoingMessage| m.validate();
        let phone = to()?;
        let n = || phone.clone();
        assert_eq!(
            check(OutgoingMessage::new(
                n(),
                MessageBody::text("a".repeat(4096))
            )),
            Ok(())
        );
        assert_eq!(
            check(OutgoingMessage::new(
                n(),
                MessageBody::text("a".repeat(4097))
            )),
            Err(MessageError::TooLong {
                field: "text.body",
                max: 4096,
                actual: 4097
            })
        );
        assert_eq!(
            check(OutgoingMessage::new(n(), MessageBody::text(""))),
            Err(MessageError::Empty { field: "text.body" })
        );
        assert_eq!(
            check(
                OutgoingMessage::new(n(), MessageBody::text("a"))
                    .with_callback_data("c".repeat(513))
            ),
            Err(MessageError::TooLong {
                field: "callback_data",
                max: 512,
                actual: 513
            })
        );
        let template = |name: &str, param: &str| MessageBody::Template {
            name: name.into(),
            language: "id".into(),
            body_params: vec![param.into()],
        };
        assert!(matches!(
            check(OutgoingMessage::new(n(), template("Visit Confirmed", "x"))),
            Err(MessageError::Invalid {
                field: "template.name",
                ..
            })
        ));
        assert!(matches!(
            check(OutgoingMessage::new(n(), template("visit", "baris\nbaru"))),
            Err(MessageError::Invalid {
                field: "template.parameter",
                ..
            })
        ));
        assert!(matches!(
            check(OutgoingMessage::new(n(), template("visit", "a     b"))),
            Err(MessageError::Invalid {
                field: "template.parameter",
                ..
            })
        ));
        assert_eq!(
            check(OutgoingMessage::new(n(), template("visit", ""))),
            Err(MessageError::Empty {
                field: "template.parameter"
            })
        );
        assert_eq!(
            check(OutgoingMessage::new(
                n(),
                template("visit", &clean_template_param(" baris\n\tbaru     lagi "))
            )),
            Ok(())
        );
        assert_eq!(
            clean_template_param(" baris\n\tbaru     lagi "),
            "baris baru lagi"
        );
        Ok(())
    }

    #[test]
    fn truncation() {
        assert_eq!(truncate_chars("Budi", 20), "Budi");
        assert_eq!(truncate_chars("  Budi  ", 20), "Budi");
        assert_eq!(truncate_chars("abcdef", 6), "abcdef");
        assert_eq!(truncate_chars("abcdefg", 6), "abcde…");
        assert_eq!(truncate_chars("abcdefg", 1), "…");
        assert_eq!(truncate_chars("abcdefg", 0), "");
        // Never a space before the ellipsis.
        assert_eq!(truncate_chars("Muhammad Rizky Pratama", 10), "Muhammad…");
        // Multi-byte characters are cut between characters.
        let t = truncate_chars("ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ", 20);
        assert_eq!(t.chars().count(), 20);
        assert!(t.ends_with('…'));
        // A combining accent is not left dangling.
        assert_eq!(truncate_chars("abce\u{301}fgh", 5), "abc…");
        // Nor half an emoji sequence or a flag.
        assert_eq!(truncate_chars("ab👩\u{200D}👩\u{200D}👧", 4), "ab…");
        assert_eq!(truncate_chars("ab👍🏽cd", 4), "ab…");
        assert_eq!(truncate_chars("ab🇮🇩🇮🇩", 4), "ab…");
        assert_eq!(truncate_chars("ab🇮🇩🇮🇩", 5), "ab🇮🇩…");
        // Results always pass validation.
        let name = "Raden Mas Bagus Wicaksono Adiningrat Hadiwijaya";
        assert_eq!(
            Button::fitted("b", name).title.chars().count(),
            BUTTON_TITLE_MAX
        );
        let row = Row::fitted("r", name, Some(&name.repeat(3)));
        assert_eq!(row.title.chars().count(), ROW_TITLE_MAX);
        assert_eq!(
            row.description.as_deref().map(|d| d.chars().count()),
            Some(ROW_DESCRIPTION_MAX)
        );
        assert_eq!(Row::fitted("r", "t", Some("  ")).description, None);
    }
}
