//! The outbox and the one-time login codes.

use std::collections::HashSet;

use jenguk_domain::PhoneNumber;
use jenguk_storage::{DeliveryStatus, MessageKind, NewMessage, StorageError};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use crate::common::Fx;

fn msg(key: &str) -> NewMessage {
    NewMessage {
        key: key.to_string(),
        facility_id: None,
        recipient: PhoneNumber::parse("081234567890").unwrap(),
        kind: MessageKind::ChatReply,
        lang: "id".into(),
        params: json!({"Text": "halo"}),
    }
}

#[tokio::test]
async fn a_key_is_enqueued_once() {
    let (fx, _g) = Fx::new().await;
    assert!(fx.db.enqueue_message(&msg("k1"), fx.now).await.unwrap());
    assert!(!fx.db.enqueue_message(&msg("k1"), fx.now).await.unwrap());
    assert_eq!(fx.db.outbox_messages(None, 10).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_get_the_same_message() {
    let (fx, _g) = Fx::new().await;
    for i in 0..60 {
        fx.db
            .enqueue_message(&msg(&format!("c{i}")), fx.now)
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..6 {
        let db = fx.db.clone();
        let now = fx.now;
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = db
                    .claim_messages(&format!("w{w}"), now, 60, 120, 7)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return got;
                }
                for m in batch {
                    assert!(
                        db.message_sent(m.id, &format!("w{w}"), &format!("wa-{}", m.key), now)
                            .await
                            .unwrap()
                    );
                    got.push(m.key);
                }
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 60, "every message claimed");
    assert_eq!(unique.len(), 60, "no message claimed twice");
}

#[tokio::test]
async fn leases_protect_claims_and_expire_after_the_grace_period() {
    let (fx, _g) = Fx::new().await;
    fx.db.enqueue_message(&msg("l1"), fx.now).await.unwrap();
    let m = fx
        .db
        .claim_messages("a", fx.now, 60, 120, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(m.attempts, 1);
    // Another worker finds nothing while the lease (and then the grace period) runs.
    let at = |s: i64| fx.now.checked_add(SignedDuration::from_secs(s)).unwrap();
    assert!(
        fx.db
            .claim_messages("b", at(30), 60, 120, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        fx.db
            .claim_messages("b", at(150), 60, 120, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Only the holder may mark it.
    assert!(!fx.db.message_sent(m.id, "b", "x", at(1)).await.unwrap());
    // After lease + grace, a second worker takes it over, and the first can no longer mark it.
    let again = fx
        .db
        .claim_messages("b", at(181), 60, 120, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    assert!(!fx.db.message_sent(m.id, "a", "x", at(182)).await.unwrap());
    assert!(
        fx.db
            .message_sent(m.id, "b", "wa-1", at(182))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_status_report_settles_an_unconfirmed_send_by_its_key() {
    let (fx, _g) = Fx::new().await;
    fx.db.enqueue_message(&msg("s1"), fx.now).await.unwrap();
    fx.db
        .claim_messages("dead", fx.now, 60, 120, 10)
        .await
        .unwrap();
    // The worker died after WhatsApp took the message; the status names our key.
    assert!(
        fx.db
            .message_status("wamid.Z", Some("s1"), &DeliveryStatus::Sent, fx.now)
            .await
            .unwrap()
    );
    let m = fx.db.outbox_message("s1").await.unwrap().unwrap();
    assert_eq!(
        (m.status.as_str(), m.wa_message_id.as_deref()),
        ("sent", Some("wamid.Z"))
    );
    let later = fx.now.checked_add(SignedDuration::from_secs(3600)).unwrap();
    assert!(
        fx.db
            .claim_messages("b", later, 60, 120, 10)
            .await
            .unwrap()
            .is_empty(),
        "not sent again"
    );
    // Statuses only move forward.
    fx.db
        .message_status("wamid.Z", None, &DeliveryStatus::Read, fx.now)
        .await
        .unwrap();
    assert!(
        !fx.db
            .message_status("wamid.Z", None, &DeliveryStatus::Delivered, fx.now)
            .await
            .unwrap()
    );
    assert_eq!(
        fx.db.outbox_message("s1").await.unwrap().unwrap().status,
        "read"
    );
}

#[tokio::test]
async fn a_retry_waits_for_its_time() {
    let (fx, _g) = Fx::new().await;
    fx.db.enqueue_message(&msg("r1"), fx.now).await.unwrap();
    let m = fx
        .db
        .claim_messages("a", fx.now, 60, 120, 10)
        .await
        .unwrap()
        .remove(0);
    let next = fx.now.checked_add(SignedDuration::from_secs(30)).unwrap();
    assert!(
        fx.db
            .message_retry(m.id, "a", next, "HTTP 500", fx.now)
            .await
            .unwrap()
    );
    assert!(
        fx.db
            .claim_messages("a", fx.now, 60, 120, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let m = fx
        .db
        .claim_messages("a", next, 60, 120, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!((m.attempts, m.last_error.as_deref()), (2, Some("HTTP 500")));
    assert!(
        fx.db
            .message_failed(m.id, "a", "gave up", next)
            .await
            .unwrap()
    );
    assert_eq!(
        fx.db.outbox_message("r1").await.unwrap().unwrap().status,
        "failed"
    );
}

fn code_of(m: &jenguk_storage::OutboxMessage) -> String {
    m.params["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn login_codes_are_sent_through_the_outbox_checked_once_and_limited() {
    let (fx, _g) = Fx::new().await;
    let phone = PhoneNumber::parse("081355550001").unwrap();
    fx.db
        .create_login_code(&phone, Some("10.0.0.1"), "id", fx.now)
        .await
        .unwrap();
    let sent = fx.db.outbox_messages(None, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind, MessageKind::LoginCode);
    let code = code_of(&sent[0]);
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()));
    // Only a keyed hash is stored.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert!(matches!(
        fx.db.verify_login_code(&phone, wrong, fx.now).await,
        Err(StorageError::Invalid("code_wrong"))
    ));
    fx.db
        .verify_login_code(&phone, &code, fx.now)
        .await
        .unwrap();
    assert!(
        matches!(
            fx.db.verify_login_code(&phone, &code, fx.now).await,
            Err(StorageError::Invalid("code_expired"))
        ),
        "a code works once"
    );

    // Expiry after five minutes.
    let later = fx.now.checked_add(SignedDuration::from_secs(60)).unwrap();
    fx.db
        .create_login_code(&phone, None, "id", later)
        .await
        .unwrap();
    let code2 = code_of(&fx.db.outbox_messages(None, 10).await.unwrap()[0]);
    let expired = later.checked_add(SignedDuration::from_secs(301)).unwrap();
    assert!(matches!(
        fx.db.verify_login_code(&phone, &code2, expired).await,
        Err(StorageError::Invalid("code_expired"))
    ));

    // A third code in 15 minutes is refused.
    fx.db
        .create_login_code(&phone, None, "id", later)
        .await
        .unwrap();
    assert!(matches!(
        fx.db.create_login_code(&phone, None, "id", later).await,
        Err(StorageError::RateLimited("login_code_phone"))
    ));
}

#[tokio::test]
async fn five_wrong_tries_kill_a_code_and_addresses_are_limited() {
    let (fx, _g) = Fx::new().await;
    let phone = PhoneNumber::parse("081355550002").unwrap();
    fx.db
        .create_login_code(&phone, None, "id", fx.now)
        .await
        .unwrap();
    let code = code_of(&fx.db.outbox_messages(None, 10).await.unwrap()[0]);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for i in 0..5 {
        let r = fx.db.verify_login_code(&phone, wrong, fx.now).await;
        if i < 4 {
            assert!(
                matches!(r, Err(StorageError::Invalid("code_wrong"))),
                "{i}: {r:?}"
            );
        } else {
            assert!(
                matches!(r, Err(StorageError::RateLimited("code_tries"))),
                "{r:?}"
            );
        }
    }
    assert!(
        matches!(
            fx.db.verify_login_code(&phone, &code, fx.now).await,
            Err(StorageError::RateLimited("code_tries"))
        ),
        "the right code no longer works after five wrong tries"
    );
    // Ten codes an hour from one address, whatever the numbers.
    let t: Timestamp = fx.now;
    for i in 0..10 {
        let p = PhoneNumber::parse(&format!("0813666600{i:02}")).unwrap();
        fx.db
            .create_login_code(&p, Some("192.0.2.7"), "id", t)
            .await
            .unwrap();
    }
    let p = PhoneNumber::parse("081366669999").unwrap();
    assert!(matches!(
        fx.db
            .create_login_code(&p, Some("192.0.2.7"), "id", t)
            .await,
        Err(StorageError::RateLimited("login_code_ip"))
    ));
}

#[tokio::test]
async fn scans_send_reminders_once_mark_no_shows_and_expire_requests() {
    use crate::common::{Raw, Spec};
    use jenguk_domain::{VisitKind, VisitStatus};
    let (fx, g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let pairs = fx.pairs(&f, 3).await;
    let slots = fx.slots(&f, fx.day(2), VisitKind::Family).await;
    let mut codes = Vec::new();
    for (k, (i, v)) in pairs.iter().enumerate() {
        let v = fx
            .db
            .book(&fx.request(&f, slots[k].slot.start, i, v), &fx.who, fx.now)
            .await
            .unwrap();
        codes.push(v);
    }
    // Reminders: the day before, then 30 minutes before; each once however often the scan runs.
    let start = codes[0].visit.start;
    let at = |m: i64| start.checked_sub(SignedDuration::from_mins(m)).unwrap();
    assert_eq!(fx.db.enqueue_due_reminders(at(1441)).await.unwrap(), 0);
    let first = fx.db.enqueue_due_reminders(at(1439)).await.unwrap();
    assert!(first >= 1);
    assert_eq!(
        fx.db.enqueue_due_reminders(at(1439)).await.unwrap(),
        0,
        "once"
    );
    assert!(fx.db.enqueue_due_reminders(at(29)).await.unwrap() >= 1);
    let reminders: Vec<_> = fx
        .db
        .outbox_messages(None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| {
            m.kind == MessageKind::Reminder
                && m.key
                    .starts_with(&format!("visit:{}:", codes[0].visit.id.0))
        })
        .collect();
    assert_eq!(reminders.len(), 2, "{reminders:?}");

    // A request nobody confirmed is rejected by the system after a day, with a receipt.
    let mut raw = Raw::open(g.url()).await;
    raw.execute("UPDATE visits SET status = 'requested' WHERE id = (SELECT MIN(id) FROM visits)")
        .await
        .unwrap();
    let later = fx.now.checked_add(SignedDuration::from_hours(25)).unwrap();
    assert_eq!(fx.db.expire_requests(later, 24 * 3600).await.unwrap(), 1);
    let v = fx.db.visit_by_code(&codes[0].code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Rejected);
    assert_eq!(
        v.visit.status_reason.as_deref(),
        Some("not confirmed in time")
    );

    // After the slots end, booked visits become no-shows (once).
    let after = slots[2]
        .slot
        .end
        .checked_add(SignedDuration::from_secs(1))
        .unwrap();
    assert_eq!(fx.db.mark_no_shows(after).await.unwrap(), 2);
    assert_eq!(fx.db.mark_no_shows(after).await.unwrap(), 0);
    let v = fx.db.visit_by_code(&codes[1].code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::NoShow);
    let receipts = fx
        .db
        .outbox_messages(None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::VisitStatus)
        .count();
    assert_eq!(receipts, 3, "a receipt for each change");
    raw.close().await;
}
