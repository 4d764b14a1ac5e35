//! Turns an outbox row into what WhatsApp receives: free text from the Fluent files inside
//! the 24-hour window the family's last message opened, a pre-approved template outside it
//! (see `docs/whatsapp-templates.md` for the templates to register), and chat replies as
//! they were composed.

use jenguk_i18n::Lang;
use jenguk_storage::{MessageKind, OutboxMessage};
use jiff::Timestamp;
use serde_json::Value;

use crate::chat::Reply;
use crate::chat::format_when;
use crate::message::{Button, MessageBody, Row, clean_template_param};

/// Why a row could not be rendered (a bug or a hand edit: the row is given up).
#[derive(Debug, thiserror::Error)]
#[error("cannot render {kind} message: {why}")]
pub struct RenderError {
    kind: &'static str,
    why: String,
}

fn lang_of(m: &OutboxMessage) -> Lang {
    Lang::parse(&m.lang).unwrap_or_default()
}

fn s(p: &Value, k: &str) -> String {
    match &p[k] {
        Value::String(v) => v.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

/// The facility-local time of an RFC 3339 parameter, written out ("Selasa, 1 Desember 2026
/// pukul 09.00 WIB").
fn when(lang: Lang, p: &Value, k: &str) -> String {
    let tz = p["time_zone"].as_str().unwrap_or("Asia/Jakarta");
    match s(p, k).parse::<Timestamp>() {
        Ok(t) => format_when(lang, t, tz),
        Err(_) => s(p, k),
    }
}

/// The link a family opens to join a visit: `{base}/join/{CODE}` (the code without its
/// dash, which the join page accepts either way).
pub fn join_link(join_base: &str, code: &str) -> String {
    let code = jenguk_domain::VisitCode::parse(code)
        .map(|c| c.as_str().to_string())
        .unwrap_or_else(|_| code.to_string());
    format!("{}/join/{}", join_base.trim_end_matches('/'), code)
}

/// Values and text of a message, by kind: (template name, template parameters, free text).
fn parts(
    m: &OutboxMessage,
    join_base: &str,
) -> Result<(&'static str, Vec<String>, String), RenderError> {
    let lang = lang_of(m);
    let p = &m.params;
    let link = || join_link(join_base, &s(p, "code"));
    Ok(match m.kind {
        MessageKind::VisitBooked => {
            let args = [
                ("inmate", s(p, "inmate")),
                ("facility", s(p, "facility")),
                ("time", when(lang, p, "start")),
                ("code", s(p, "code")),
                ("link", link()),
            ];
            let text = lang.t_args("notify-visit-booked", &args);
            (
                "jenguk_visit_booked",
                args.into_iter().map(|(_, v)| v).collect(),
                text,
            )
        }
        MessageKind::VisitStatus => {
            let change = lang.t(&format!("notify-status-{}", s(p, "to")));
            let by = match s(p, "by").as_str() {
                "family" => lang.t("notify-by-family"),
                "facility" => lang.t_args("notify-by-facility", &[("facility", s(p, "facility"))]),
                _ => lang.t("notify-by-system"),
            };
            let reason = match p["reason"].as_str() {
                Some(r) if !r.is_empty() => {
                    lang.t_args("notify-reason", &[("reason", r.to_string())])
                }
                _ => String::new(),
            };
            let args = [
                ("code", s(p, "code")),
                ("change", change),
                ("time", when(lang, p, "start")),
                ("at", when(lang, p, "at")),
                ("by", by),
                ("reason", reason),
            ];
            let text = lang.t_args("notify-visit-status", &args);
            let mut params: Vec<String> = args.into_iter().map(|(_, v)| v).collect();
            if params[5].is_empty() {
                params[5] = "-".into();
            }
            ("jenguk_visit_status", params, text.trim_end().to_string())
        }
        MessageKind::LinkApproved => {
            let args = [("inmate", s(p, "inmate")), ("facility", s(p, "facility"))];
            let text = lang.t_args("notify-link-approved", &args);
            (
                "jenguk_link_approved",
                args.into_iter().map(|(_, v)| v).collect(),
                text,
            )
        }
        MessageKind::LinkRejected => {
            let args = [
                ("inmate", s(p, "inmate")),
                ("facility", s(p, "facility")),
                ("reason", s(p, "reason")),
            ];
            let text = lang.t_args("notify-link-rejected", &args);
            (
                "jenguk_link_rejected",
                args.into_iter().map(|(_, v)| v).collect(),
                text,
            )
        }
        MessageKind::Reminder => {
            let args = [
                ("inmate", s(p, "inmate")),
                ("time", when(lang, p, "start")),
                ("code", s(p, "code")),
                ("link", link()),
            ];
            let text = lang.t_args("notify-reminder", &args);
            (
                "jenguk_reminder",
                args.into_iter().map(|(_, v)| v).collect(),
                text,
            )
        }
        MessageKind::LoginCode => {
            let args = [("code", s(p, "code")), ("minutes", s(p, "minutes"))];
            let text = lang.t_args("notify-login-code", &args);
            (
                "jenguk_login_code",
                args.into_iter().map(|(_, v)| v).collect(),
                text,
            )
        }
        MessageKind::ChatReply => {
            return Err(RenderError {
                kind: "chat_reply",
                why: "chat replies have no template".into(),
            });
        }
    })
}

/// The text a family reads (for the staff's view of pending messages, and free-text sends).
pub fn text(m: &OutboxMessage, join_base: &str) -> Result<String, RenderError> {
    if m.kind == MessageKind::ChatReply {
        return Ok(match reply(m)? {
            Reply::Text(t) => t,
            Reply::Buttons { body, .. } | Reply::List { body, .. } => body,
        });
    }
    Ok(parts(m, join_base)?.2)
}

fn reply(m: &OutboxMessage) -> Result<Reply, RenderError> {
    serde_json::from_value(m.params.clone()).map_err(|e| RenderError {
        kind: "chat_reply",
        why: e.to_string(),
    })
}

/// What to send for an outbox row; `in_window` says whether the family wrote to us within
/// the last 24 hours.
pub fn body(
    m: &OutboxMessage,
    join_base: &str,
    in_window: bool,
) -> Result<MessageBody, RenderError> {
    if m.kind == MessageKind::ChatReply {
        return Ok(match reply(m)? {
            Reply::Text(t) => MessageBody::text(t),
            Reply::Buttons { body, buttons } => MessageBody::Buttons {
                body,
                buttons: buttons
                    .into_iter()
                    .map(|(id, title)| Button::fitted(id, &title))
                    .collect(),
            },
            Reply::List { body, button, rows } => MessageBody::List {
                body,
                button_label: button,
                rows: rows
                    .into_iter()
                    .map(|(id, title, desc)| Row::fitted(id, &title, desc.as_deref()))
                    .collect(),
            },
        });
    }
    let (template, params, text) = parts(m, join_base)?;
    if in_window {
        return Ok(MessageBody::text(text));
    }
    Ok(MessageBody::Template {
        name: template.to_string(),
        language: lang_of(m).tag().to_string(),
        body_params: params.iter().map(|p| clean_template_param(p)).collect(),
    })
}
