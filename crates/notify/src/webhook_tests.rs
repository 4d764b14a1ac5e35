//! Tests of `webhook.rs`.

use super::*;

const TEST_SIG: &str = "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914";

#[test]
fn signature_known_vector() {
    assert!(verify_signature(b"secret", b"test", Some(TEST_SIG)));
    assert!(verify_signature(
        b"secret",
        b"test",
        Some(&format!(
            " {} ",
            TEST_SIG.to_uppercase().replace("SHA256=", "sha256=")
        ))
    ));
}

#[test]
fn signature_refusals() {
    // Wrong secret, wrong body.
    assert!(!verify_signature(b"secreT", b"test", Some(TEST_SIG)));
    assert!(!verify_signature(b"secret", b"test ", Some(TEST_SIG)));
    // Missing or malformed headers.
    assert!(!verify_signature(b"secret", b"test", None));
    assert!(!verify_signature(b"secret", b"test", Some("")));
    assert!(!verify_signature(b"secret", b"test", Some(&TEST_SIG[7..])));
    assert!(!verify_signature(
        b"secret",
        b"test",
        Some(&TEST_SIG.replace("sha256", "sha1"))
    ));
    assert!(!verify_signature(
        b"secret",
        b"test",
        Some(&TEST_SIG[..TEST_SIG.len() - 2])
    ));
    assert!(!verify_signature(
        b"secret",
        b"test",
        Some(&TEST_SIG[..TEST_SIG.len() - 1])
    ));
    assert!(!verify_signature(
        b"secret",
        b"test",
        Some(&format!("{TEST_SIG}00"))
    ));
    assert!(!verify_signature(
        b"secret",
        b"test",
        Some(&TEST_SIG.replace('c', "g"))
    ));
    assert!(!verify_signature(b"secret", b"test", Some("sha256=")));
    assert!(!verify_signature(b"secret", b"test", Some("sha256=é")));
}

#[test]
fn handshake_rules() {
    let ok = handshake(Some("subscribe"), Some("tok"), Some("1158201444"), "tok");
    assert_eq!(ok.as_deref(), Some("1158201444"));
    assert_eq!(
        handshake(Some("unsubscribe"), Some("tok"), Some("1"), "tok"),
        None
    );
    assert_eq!(handshake(None, Some("tok"), Some("1"), "tok"), None);
    assert_eq!(
        handshake(Some("subscribe"), Some("tok2"), Some("1"), "tok"),
        None
    );
    assert_eq!(handshake(Some("subscribe"), None, Some("1"), "tok"), None);
    assert_eq!(handshake(Some("subscribe"), Some(""), Some("1"), ""), None);
    assert_eq!(handshake(Some("subscribe"), Some("tok"), None, "tok"), None);
    assert_eq!(
        handshake(Some("subscribe"), Some("tok"), Some(""), "tok"),
        None
    );
    assert_eq!(
        handshake(Some("subscribe"), Some("tok"), Some("<script>"), "tok"),
        None
    );
    assert_eq!(
        handshake(
            Some("subscribe"),
            Some("tok"),
            Some(&"1".repeat(257)),
            "tok"
        ),
        None
    );
}

fn envelope(changes: &str) -> String {
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{changes}]}}]}}"#
    )
}

const META: &str = r#""messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}"#;

#[test]
fn text_message() -> Result<(), ParseError> {
    let body = envelope(&format!(
        r#"{{"value":{{{META},"contacts":[{{"profile":{{"name":"Siti Aminah"}},"wa_id":"6281234567890"}}],"messages":[{{"from":"6281234567890","id":"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDk","timestamp":"1741003200","text":{{"body":"DAFTAR"}},"type":"text"}}]}},"field":"messages"}}"#
    ));
    let b = parse(body.as_bytes())?;
    assert_eq!(
        b.messages,
        vec![Inbound {
            phone_number_id: "106540352242922".into(),
            from: "6281234567890".into(),
            wa_message_id: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDk".into(),
            timestamp: 1_741_003_200,
            profile_name: Some("Siti Aminah".into()),
            content: InboundContent::Text("DAFTAR".into()),
        }]
    );
    assert!(b.statuses.is_empty());
    assert_eq!(b.skipped, 0);
    Ok(())
}

#[test]
fn interactive_replies_and_unsupported() -> Result<(), ParseError> {
    let body = envelope(&format!(
        r#"{{"field":"messages","value":{{{META},
          "contacts":[{{"profile":{{"name":"Budi"}},"wa_id":"6281111111111"}},{{"profile":{{"name":"Ani"}},"wa_id":"6282222222222"}}],
          "messages":[
            {{"context":{{"from":"15550783881","id":"wamid.OUT1"}},"from":"6281111111111","id":"wamid.B1","timestamp":"1741003201","type":"interactive",
              "interactive":{{"type":"button_reply","button_reply":{{"id":"lang:id","title":"Bahasa Indonesia"}}}}}},
            {{"from":"6282222222222","id":"wamid.L1","timestamp":"1741003202","type":"interactive",
              "interactive":{{"type":"list_reply","list_reply":{{"id":"slot:17","title":"Senin 09.00","description":"Bilik 2"}}}}}},
            {{"from":"6282222222222","id":"wamid.I1","timestamp":"1741003203","type":"image",
              "image":{{"caption":"KTP","mime_type":"image/jpeg","sha256":"abc","id":"1234"}}}},
            {{"from":"6282222222222","id":"wamid.T1","timestamp":"1741003204","type":"button",
              "button":{{"payload":"cancel:42","text":"Batalkan"}}}},
            {{"from":"6282222222222","id":"wamid.N1","timestamp":"1741003205","type":"interactive",
              "interactive":{{"type":"nfm_reply","nfm_reply":{{"response_json":"{{}}"}}}}}},
            {{"from":"6282222222222","id":"wamid.U1","timestamp":"1741003206","type":"unsupported",
              "errors":[{{"code":131051,"title":"Message type unknown"}}]}}
          ]}}}}"#
    ));
    let b = parse(body.as_bytes())?;
    let got: Vec<(&str, Option<&str>, &InboundContent)> = b
        .messages
        .iter()
        .map(|m| {
            (
                m.wa_message_id.as_str(),
                m.profile_name.as_deref(),
                &m.content,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "wamid.B1",
                Some("Budi"),
                &InboundContent::ButtonReply {
                    id: "lang:id".into(),
                    title: "Bahasa Indonesia".into()
                }
            ),
            (
                "wamid.L1",
                Some("Ani"),
                &InboundContent::ListReply {
                    id: "slot:17".into(),
                    title: "Senin 09.00".into()
                }
            ),
            (
                "wamid.I1",
                Some("Ani"),
                &InboundContent::Unsupported("image".into())
            ),
            (
                "wamid.T1",
                Some("Ani"),
                &InboundContent::ButtonReply {
                    id: "cancel:42".into(),
                    title: "Batalkan".into()
                }
            ),
            (
                "wamid.N1",
                Some("Ani"),
                &InboundContent::Unsupported("interactive:nfm_reply".into())
            ),
            (
                "wamid.U1",
                Some("Ani"),
                &InboundContent::Unsupported("unsupported".into())
            ),
        ]
    );
    assert_eq!(b.messages[2].timestamp, 1_741_003_203);
    Ok(())
}

#[test]
fn statuses() -> Result<(), ParseError> {
    let body = envelope(&format!(
        r#"{{"field":"messages","value":{{{META},"statuses":[
            {{"id":"wamid.S1","status":"sent","timestamp":"1750857384","recipient_id":"6281234567890",
              "biz_opaque_callback_data":"outbox:42",
              "conversation":{{"id":"a75d17ad","expiration_timestamp":"1750943820","origin":{{"type":"utility"}}}},
              "pricing":{{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}}}},
            {{"id":"wamid.S1","status":"delivered","timestamp":"1750857386","recipient_id":"6281234567890","biz_opaque_callback_data":"outbox:42"}},
            {{"id":"wamid.S1","status":"read","timestamp":1750857390,"recipient_id":"6281234567890"}},
            {{"id":"wamid.S2","status":"failed","timestamp":"1750857391","recipient_id":"6289999999999",
              "errors":[{{"code":131026,"title":"Message undeliverable","message":"Message undeliverable","error_data":{{"details":"Message Undeliverable."}},"href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}},
                        {{"code":131047,"message":"Re-engagement message"}}]}},
            {{"id":"wamid.S3","status":"deleted","timestamp":"1750857392","recipient_id":"6281234567890"}}
        ]}}}}"#
    ));
    let b = parse(body.as_bytes())?;
    assert!(b.messages.is_empty());
    assert_eq!(
        b.statuses,
        vec![
            StatusUpdate {
                wa_message_id: "wamid.S1".into(),
                recipient: "6281234567890".into(),
                status: DeliveryStatus::Sent,
                timestamp: 1_750_857_384,
                callback_data: Some("outbox:42".into()),
            },
            StatusUpdate {
                wa_message_id: "wamid.S1".into(),
                recipient: "6281234567890".into(),
                status: DeliveryStatus::Delivered,
                timestamp: 1_750_857_386,
                callback_data: Some("outbox:42".into()),
            },
            StatusUpdate {
                wa_message_id: "wamid.S1".into(),
                recipient: "6281234567890".into(),
                status: DeliveryStatus::Read,
                timestamp: 1_750_857_390,
                callback_data: None,
            },
            StatusUpdate {
                wa_message_id: "wamid.S2".into(),
                recipient: "6289999999999".into(),
                status: DeliveryStatus::Failed {
                    errors: vec![
                        (131026, "Message undeliverable".into()),
                        (131047, "Re-engagement message".into()),
                    ]
                },
                timestamp: 1_750_857_391,
                callback_data: None,
            },
            StatusUpdate {
                wa_message_id: "wamid.S3".into(),
                recipient: "6281234567890".into(),
                status: DeliveryStatus::Other("deleted".into()),
                timestamp: 1_750_857_392,
                callback_data: None,
            },
        ]
    );
    Ok(())
}

#[test]
fn several_entries_and_changes() -> Result<(), ParseError> {
    let body = format!(
        r#"{{"object":"whatsapp_business_account","entry":[
          {{"id":"1","changes":[
            {{"field":"messages","value":{{{META},"messages":[{{"from":"6281111111111","id":"wamid.A","timestamp":"1","type":"text","text":{{"body":"a"}}}}]}}}},
            {{"field":"message_template_status_update","value":{{"event":"APPROVED","message_template_id":5,"message_template_name":"visit_confirmed"}}}},
            {{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"phone_number_id":"999"}},
              "statuses":[{{"id":"wamid.OUT","status":"sent","timestamp":"2","recipient_id":"6281111111111"}}],
              "errors":[{{"code":130429,"title":"Rate limit hit","message":"Rate limit hit"}}]}}}}
          ]}},
          {{"id":"2","changes":[
            {{"field":"messages","value":{{{META},"messages":[
              {{"from":"6282222222222","id":"wamid.B","timestamp":"3","type":"text","text":{{"body":"b"}}}},
              {{"from":"6282222222222","timestamp":"4","type":"text","text":{{"body":"no id"}}}},
              {{"id":"wamid.C","timestamp":"4","type":"text","text":{{"body":"no sender"}}}},
              "not an object"
            ],"statuses":[{{"id":"wamid.X","timestamp":"5"}}]}}}}
          ]}},
          {{"id":"3"}}
        ]}}"#
    );
    let b = parse(body.as_bytes())?;
    let ids: Vec<&str> = b
        .messages
        .iter()
        .map(|m| m.wa_message_id.as_str())
        .collect();
    assert_eq!(ids, ["wamid.A", "wamid.B"]);
    assert_eq!(b.messages[0].profile_name, None);
    assert_eq!(b.messages[1].content, InboundContent::Text("b".into()));
    assert_eq!(b.statuses.len(), 1);
    assert_eq!(b.statuses[0].wa_message_id, "wamid.OUT");
    assert_eq!(b.errors, vec![(130429, "Rate limit hit".into())]);
    assert_eq!(b.skipped, 4);
    Ok(())
}

#[test]
fn parse_errors() {
    assert!(matches!(parse(b"not json"), Err(ParseError::NotJson(_))));
    assert!(matches!(parse(b"[1,2]"), Err(ParseError::NotJson(_))));
    assert!(matches!(parse(b""), Err(ParseError::NotJson(_))));
    assert_eq!(
        parse(br#"{"object":"whatsapp_business_account"}"#),
        Err(ParseError::MissingEntry)
    );
    assert_eq!(parse(br#"{"entry":{}}"#), Err(ParseError::MissingEntry));
    assert_eq!(parse(br#"{"entry":[]}"#), Ok(WebhookBatch::default()));
}
