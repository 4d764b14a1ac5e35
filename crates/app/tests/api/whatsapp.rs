//! The WhatsApp channel end to end: the webhook, the outbox worker against a fake Graph API,
//! faults, and the chat.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_graph::{
    Behavior, FakeGraph, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN, sign, text_payload,
};
use crate::helpers::{TestApp, spawn_app, spawn_app_whatsapp, world};

pub async fn post_webhook(app: &TestApp, payload: &Value) -> (StatusCode, String) {
    let body = payload.to_string();
    let r = app
        .client
        .post(format!("{}/webhooks/whatsapp", app.url))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sign(body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// Waits until the outbox row with `key` reaches one of `statuses`.
pub async fn wait_status(
    app: &TestApp,
    key: &str,
    statuses: &[&str],
    secs: u64,
) -> jenguk_storage::OutboxMessage {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let m = app.db.outbox_message(key).await.unwrap();
        if let Some(m) = m.as_ref().filter(|m| statuses.contains(&m.status.as_str())) {
            return m.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{key} never reached {statuses:?}: {m:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_handshake_answers_the_challenge_only_with_the_right_token() {
    let fake = FakeGraph::start().await;
    let app = spawn_app_whatsapp(&fake).await;
    let url = |token: &str| {
        format!(
            "{}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444",
            app.url
        )
    };
    let r = app.client.get(url(VERIFY_TOKEN)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "1158201444");
    let r = app.client.get(url("wrong")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.stop().await;

    // Without the channel configured, the webhook is not there.
    let off = spawn_app().await;
    let (s, b) = off
        .get(
            "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1",
            None,
        )
        .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("whatsapp_off"))
    );
    off.stop().await;
}

#[tokio::test]
async fn bad_signatures_and_malformed_bodies_change_nothing() {
    let fake = FakeGraph::start().await;
    let app = spawn_app_whatsapp(&fake).await;
    let from = "6281234500001";
    let body = text_payload(from, "wamid.IN1", "DAFTAR").to_string();
    for sig in [
        None,
        Some("sha256=00"),
        Some("md5=abc"),
        Some(sign(b"other body").as_str()),
    ] {
        let mut req = app
            .client
            .post(format!("{}/webhooks/whatsapp", app.url))
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(s) = sig {
            req = req.header("x-hub-signature-256", s);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{sig:?}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"], "bad_signature");
    }
    let phone = jenguk_domain::PhoneNumber::parse(from).unwrap();
    assert_eq!(
        app.db.last_inbound_at(&phone).await.unwrap(),
        None,
        "a refused delivery was stored"
    );

    let garbage = b"{\"object\": 5}";
    let r = app
        .client
        .post(format!("{}/webhooks/whatsapp", app.url))
        .header("x-hub-signature-256", sign(garbage))
        .body(&garbage[..])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(fake.requests().is_empty(), "nothing may be sent");
    app.stop().await;
}

#[tokio::test]
async fn a_booking_confirmation_is_sent_as_a_template_once_and_settled_by_its_status() {
    let fake = FakeGraph::start().await;
    let app = spawn_app_whatsapp(&fake).await;
    let w = world(&app, 2, 1).await;
    let start = w.slots(&app).await[0]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, v) = w.book(&app, &w.admin, &start, 0).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let key = format!("visit:{}:booked", v["id"]);
    let m = wait_status(&app, &key, &["sent", "delivered", "read"], 10).await;
    assert_eq!(m.attempts, 1);
    let reqs = fake.requests_for(&key);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    let r = &reqs[0];
    assert_eq!(r.path, format!("/v21.0/{PHONE_NUMBER_ID}/messages"));
    assert_eq!(r.auth, format!("Bearer {TOKEN}"));
    let b = &r.body;
    assert_eq!(b["messaging_product"], "whatsapp");
    assert_eq!(b["to"], crate::helpers::phone_digits(0, &w));
    assert_eq!(
        b["type"], "template",
        "no message from the family: outside the 24-hour window"
    );
    assert_eq!(b["template"]["name"], "jenguk_visit_booked");
    assert_eq!(b["template"]["language"]["code"], "id");
    let params: Vec<&str> = b["template"]["components"][0]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(params[0], "Warga Binaan 0");
    assert_eq!(params[1], "Rutan Uji");
    assert!(params[2].contains("pukul 08.00 WIB"), "{params:?}");
    assert_eq!(params[3], v["code"].as_str().unwrap());
    assert_eq!(
        params[4],
        format!(
            "{}/join/{}",
            app.url,
            v["code"].as_str().unwrap().replace('-', "")
        )
    );
    assert_eq!(b["biz_opaque_callback_data"], key.as_str());
    // Delivered and read statuses move it forward; a late "sent" does not move it back.
    let wa = m.wa_message_id.clone().unwrap();
    for st in ["read", "sent", "delivered"] {
        let (s, _) =
            post_webhook(&app, &crate::fake_graph::status_payload(&wa, st, "x", None)).await;
        assert_eq!(s, StatusCode::OK);
    }
    assert_eq!(
        app.db.outbox_message(&key).await.unwrap().unwrap().status,
        "read"
    );
    app.stop().await;
}

#[tokio::test]
async fn transient_failures_are_retried_until_delivered_exactly_once() {
    let fake = FakeGraph::start().await;
    fake.script(
        "visit:",
        [
            Behavior::Fail(500, None),
            Behavior::Fail(429, Some(1)),
            Behavior::Hang(Duration::from_secs(3)),
            Behavior::Drop,
            Behavior::Fail(503, None),
        ],
    );
    let app = spawn_app_whatsapp(&fake).await;
    let w = world(&app, 2, 1).await;
    let start = w.slots(&app).await[0]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, v) = w.book(&app, &w.admin, &start, 0).await;
    let key = format!("visit:{}:booked", v["id"]);
    let m = wait_status(&app, &key, &["sent", "delivered", "read"], 30).await;
    assert_eq!(m.attempts, 6, "five failures, then the delivery");
    let reqs = fake.requests_for(&key);
    assert_eq!(
        reqs.iter().filter(|r| r.delivered).count(),
        1,
        "the family receives it once"
    );
    assert_eq!(reqs.len(), 6);
    // Nothing more arrives later.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(fake.requests_for(&key).len(), 6);
    app.stop().await;
}

#[tokio::test]
async fn a_permanent_failure_is_given_up_and_recorded() {
    let fake = FakeGraph::start().await;
    fake.script("visit:", [Behavior::Fail(400, None)]);
    let app = spawn_app_whatsapp(&fake).await;
    let w = world(&app, 2, 1).await;
    let start = w.slots(&app).await[0]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, v) = w.book(&app, &w.admin, &start, 0).await;
    let key = format!("visit:{}:booked", v["id"]);
    let m = wait_status(&app, &key, &["failed"], 10).await;
    assert!(
        m.last_error.as_deref().unwrap_or("").contains("400"),
        "{m:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        fake.requests_for(&key).len(),
        1,
        "no retry after a permanent failure"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_replayed_message_is_answered_once_and_unknown_numbers_get_the_menu() {
    let fake = FakeGraph::start().await;
    let app = spawn_app_whatsapp(&fake).await;
    let from = "6281234500002";
    let payload = text_payload(from, "wamid.REPLAY1", "halo");
    for _ in 0..3 {
        let (s, _) = post_webhook(&app, &payload).await;
        assert_eq!(s, StatusCode::OK);
    }
    let got = fake.wait_delivered(1, 10).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let got_later = fake.delivered();
    assert!(!got.is_empty(), "never silence");
    assert_eq!(
        got_later.len(),
        got.len(),
        "a replayed message id was answered again"
    );
    for m in &got_later {
        assert_eq!(m["to"], from);
        assert_ne!(
            m["type"], "template",
            "inside the 24-hour window: free-form"
        );
    }
    // A number from another country is not served (and not retried).
    let (s, _) = post_webhook(&app, &text_payload("14155550100", "wamid.US1", "hello")).await;
    assert_eq!(s, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(fake.delivered().iter().all(|m| m["to"] == from));
    let _ = json!(null);
    app.stop().await;
}

#[tokio::test]
async fn a_facility_with_its_own_number_sends_from_it() {
    let global = FakeGraph::start().await;
    let own = FakeGraph::start().await;
    let app = spawn_app_whatsapp(&global).await;
    let w = world(&app, 2, 1).await;
    let facility = app
        .db
        .facility(&jenguk_domain::FacilityCode::parse(&w.code).unwrap())
        .await
        .unwrap();
    app.db
        .set_facility_channel(
            &jenguk_storage::FacilityChannel {
                facility_id: facility.id,
                phone_number_id: "5550001".into(),
                access_token: "own-token".into(),
                app_secret: "own-secret".into(),
                verify_token: "own-verify".into(),
                api_base: own.url.clone(),
                api_version: "v21.0".into(),
            },
            &jenguk_storage::AuditEvent::cli(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    // The worker picks the number up at its next scan.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let start = w.slots(&app).await[1]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, v) = w.book(&app, &w.admin, &start, 0).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let key = format!("visit:{}:booked", v["id"]);
    wait_status(&app, &key, &["sent"], 10).await;
    let got = own.requests_for(&key);
    assert_eq!(got.len(), 1, "sent from the facility's number");
    assert_eq!(got[0].path, "/v21.0/5550001/messages");
    assert_eq!(got[0].auth, "Bearer own-token");
    assert!(global.requests_for(&key).is_empty());
    // Its app's webhook deliveries are accepted too; the handshake answers its token.
    let body =
        crate::fake_graph::status_payload("wamid.OWN", "delivered", "x", Some(&key)).to_string();
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(b"own-secret").unwrap();
    hmac::Mac::update(&mut mac, body.as_bytes());
    let hex: String = hmac::Mac::finalize(mac)
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let r = app
        .client
        .post(format!("{}/webhooks/whatsapp", app.url))
        .header("x-hub-signature-256", format!("sha256={hex}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.db.outbox_message(&key).await.unwrap().unwrap().status,
        "delivered"
    );
    let r = app
        .client
        .get(format!(
            "{}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=own-verify&hub.challenge=42",
            app.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), "42");
    app.stop().await;
}
