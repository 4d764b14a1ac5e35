//! Fixtures the console tests share: fresh visitors, links to demo inmates, and readers of
//! the outbox and the audit trail.

use std::sync::atomic::{AtomicU32, Ordering};

use jenguk_domain::{
    FacilityCode, InmateId, LinkId, Nik, PersonName, PhoneNumber, Relationship, VisitorId,
};
use jenguk_storage::{AuditEvent, InmateSearch, LinkDecision, MessageKind, NewLink, NewVisitor};
use jiff::Timestamp;

use crate::helpers::TestApp;

static NEXT: AtomicU32 = AtomicU32::new(100);

/// A fresh visitor of a test: (id, NIK digits, phone as E.164).
pub struct Person {
    pub id: VisitorId,
    pub nik: String,
    pub phone: String,
}

/// Registers a new visitor with a NIK and phone number no other test visitor has.
pub async fn person(app: &TestApp, name: &str) -> Person {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let nik = format!("360401120885{n:04}");
    let phone = format!("+62813{n:08}");
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let v = app
        .db
        .create_visitor(
            &NewVisitor {
                name: PersonName::parse(name).unwrap(),
                nik: Nik::parse(&nik, today).unwrap(),
                phone: PhoneNumber::parse(&phone).unwrap(),
            },
            &AuditEvent::cli(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    Person {
        id: v.id,
        nik,
        phone,
    }
}

/// The id of a demo inmate by facility and registration number.
pub async fn inmate(app: &TestApp, facility: &str, reg: &str) -> InmateId {
    let f = app
        .db
        .facility(&FacilityCode::parse(facility).unwrap())
        .await
        .unwrap();
    app.db
        .search_inmates(
            f.id,
            &InmateSearch {
                query: Some(reg.to_string()),
                limit: 1,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap()
        .id
}

/// A pending link from a visitor to a demo inmate.
pub async fn ask(
    app: &TestApp,
    visitor: VisitorId,
    facility: &str,
    reg: &str,
    rel: Relationship,
) -> LinkId {
    let inmate = inmate(app, facility, reg).await;
    app.db
        .create_link(
            &NewLink {
                visitor_id: visitor,
                inmate_id: inmate,
                relationship: rel,
                permit_number: None,
                permit_expires: None,
            },
            &AuditEvent::cli(),
            Timestamp::now(),
        )
        .await
        .unwrap()
        .id
}

/// An approved link of a new visitor to a demo narapidana: (visitor, link).
pub async fn approved(app: &TestApp, facility: &str, reg: &str, name: &str) -> (Person, LinkId) {
    let p = person(app, name).await;
    let link = ask(app, p.id, facility, reg, Relationship::Sibling).await;
    app.db
        .decide_link(
            link,
            &LinkDecision::Approve {
                permit_number: None,
                permit_expires: None,
            },
            None,
            &AuditEvent::cli(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    (p, link)
}

/// The local (national) form of a `+62…` number: `08…`.
pub fn local_form(e164: &str) -> String {
    format!("0{}", &e164[3..])
}

/// Whether a page carries a NIK or phone number in full (in any form).
pub fn shows_in_full(body: &str, nik: &str, phone: &str) -> bool {
    body.contains(nik)
        || body.contains(phone)
        || body.contains(&local_form(phone))
        || body.contains(&phone[1..])
}

/// Outbox messages of a kind to a recipient.
pub async fn messages(
    app: &TestApp,
    kind: MessageKind,
    to: &str,
) -> Vec<jenguk_storage::OutboxMessage> {
    app.db
        .outbox_messages(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == kind && m.recipient == to)
        .collect()
}

/// Audit rows with this action and target id.
pub async fn audits(app: &TestApp, action: &str, target: &str) -> Vec<jenguk_storage::AuditEntry> {
    app.db
        .audit_events(None, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action && e.target_id == target)
        .collect()
}
