//! Tests of `message.rs`.

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
            OutgoingMessage::new(n(), MessageBody::text("a")).with_callback_data("c".repeat(513))
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
