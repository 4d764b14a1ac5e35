//! Visitors: search by name, phone and NIK (masked results, audited), the audited visitor
//! page, and a ban at this facility that cancels the visits before it ends (the family told)
//! and refuses new bookings while it lasts.

use jenguk_domain::visit::Actor;
use jenguk_domain::{FacilityCode, PhoneNumber, Refusal, VisitKind, VisitStatus};
use jenguk_storage::{AuditEvent, BookingRequest, Channel, MessageKind, StorageError};
use jenguk_web::staff::perm::Can;
use jiff::{Span, Timestamp};
use reqwest::StatusCode;

use super::approvals::{approved, audits, messages, person, shows_in_full};
use super::matrix::{At, Case};
use super::{OPERATOR_MAKASSAR, OPERATOR_SERANG, StaffBrowser};
use crate::helpers::{TestApp, spawn_app};

const NURHAYATI_NIK: &str = "3604015506900002";
const NURHAYATI_PHONE: &str = "+6281234560001";

fn zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()
}

#[tokio::test]
async fn search_by_name_phone_or_nik_shows_masked_results_and_the_visitor_page_is_audited() {
    let app = spawn_app().await;
    let nurhayati = app
        .db
        .visitor_by_phone(&PhoneNumber::parse(NURHAYATI_PHONE).unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let href = format!("/staff/visitors/{}", nurhayati.id.0);
    for q in [
        "nurHA",
        "+62%20812-3456-0001",
        "0812.3456.0001",
        NURHAYATI_NIK,
    ] {
        let p = b.get(&format!("/staff/visitors?q={q}")).await;
        assert_eq!(p.status, StatusCode::OK, "{q}: {}", p.body);
        assert!(p.has(&href), "{q}: {}", p.body);
        assert!(p.has("3604********0002") && p.has("+62812****0001"), "{q}");
        assert!(
            !shows_in_full(&p.body, NURHAYATI_NIK, NURHAYATI_PHONE),
            "{q}: {}",
            p.body
        );
    }
    // A NIK matches only in full; a part of one is refused without being shown again.
    let p = b.get("/staff/visitors?q=36040155069").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.has("bukan NIK") && !p.has("36040155069"), "{}", p.body);
    // Another facility's visitor is not found here.
    let p = b.get("/staff/visitors?q=Hasnah").await;
    assert!(
        p.has("Tidak ada pengunjung") && !p.has("Hasnah Daeng"),
        "{}",
        p.body
    );
    let serang = app
        .db
        .facility(&FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let searches = audits(&app, "visitor.search", &serang.id.0.to_string()).await;
    // Newest first.
    let kinds: Vec<_> = searches
        .iter()
        .rev()
        .map(|e| e.detail["by"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["name", "phone", "phone", "nik"]);
    assert!(
        searches
            .iter()
            .all(|e| !e.detail.to_string().contains(NURHAYATI_NIK))
    );

    let before = audits(&app, "visitor.view", &nurhayati.id.0.to_string())
        .await
        .len();
    let page = b.get(&href).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.has("Dedi Kurniawan") && page.has("Terkonfirmasi"),
        "{}",
        page.body
    );
    assert!(
        !shows_in_full(&page.body, NURHAYATI_NIK, NURHAYATI_PHONE),
        "{}",
        page.body
    );
    let after = audits(&app, "visitor.view", &nurhayati.id.0.to_string()).await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap().source.as_deref(), Some(b.ip.as_str()));

    let mut m = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    assert_eq!(m.get(&href).await.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn a_ban_cancels_the_visits_before_it_ends_tells_the_family_and_refuses_new_bookings() {
    let app = spawn_app().await;
    let (p, link) = approved(&app, "RUTAN-SERANG", "B.IIa 15/2026", "Bayu Saputra").await;
    let inmate = app.db.link(link).await.unwrap().0.inmate_id;
    let facility = app
        .db
        .facility(&FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let today = Timestamp::now().to_zoned(zone()).date();
    let slots: Vec<_> = app
        .db
        .slots(
            &facility,
            today.saturating_add(Span::new().days(2)),
            today.saturating_add(Span::new().days(14)),
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.slot.kind == VisitKind::Family && s.booked == 0)
        .collect();
    let date = |s: &jenguk_storage::SlotView| s.slot.start.to_zoned(zone()).date();
    let first = &slots[0];
    let later = slots
        .iter()
        .find(|s| (date(s) - date(first)).get_days() >= 7)
        .unwrap();
    let same_day = slots
        .iter()
        .find(|s| date(s) == date(first) && s.slot.start != first.slot.start)
        .unwrap();
    let req = |start| BookingRequest {
        facility: facility.code.clone(),
        start,
        kind: VisitKind::Family,
        inmate_id: inmate,
        visitor_id: p.id,
        people: 1,
        channel: Channel::Web,
        actor: Actor::Family(p.id),
    };
    let now = Timestamp::now();
    let v1 = app
        .db
        .book(&req(first.slot.start), &AuditEvent::default(), now)
        .await
        .unwrap();
    let v2 = app
        .db
        .book(&req(later.slot.start), &AuditEvent::default(), now)
        .await
        .unwrap();

    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let path = format!("/staff/visitors/{}/ban", p.id.0);
    let last = date(first).saturating_add(Span::new().days(2)).to_string();
    let yesterday = today.saturating_sub(Span::new().days(1)).to_string();
    for (form, message) in [
        (
            vec![("until", last.as_str()), ("reason", " ")],
            "Tulis alasan",
        ),
        (
            vec![
                ("until", yesterday.as_str()),
                ("reason", "Membawa barang terlarang"),
            ],
            "sebelum hari ini",
        ),
        (
            vec![("until", "besok"), ("reason", "Membawa barang terlarang")],
            "tidak dapat dibaca",
        ),
    ] {
        let r = b.post(&path, &form).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{form:?}: {}",
            r.body
        );
        assert!(r.has(message), "{form:?}: {}", r.body);
    }
    assert_eq!(app.db.visitor_ban(p.id, facility.id).await.unwrap(), None);
    assert_eq!(
        app.db.visit_by_code(&v1.code).await.unwrap().visit.status,
        VisitStatus::Booked
    );

    let r = b
        .post(
            &path,
            &[
                ("until", last.as_str()),
                ("reason", "Membawa barang terlarang"),
            ],
        )
        .await;
    assert_eq!(
        r.location(),
        format!("/staff/visitors/{}?done=banned&n=1", p.id.0),
        "{}",
        r.body
    );
    let page = b.follow(&r).await;
    assert!(
        page.has("1 kunjungan dibatalkan") && page.has(&format!("sampai dengan {last}")),
        "{}",
        page.body
    );
    let v1now = app.db.visit_by_code(&v1.code).await.unwrap().visit;
    assert_eq!(v1now.status, VisitStatus::Cancelled);
    assert_eq!(
        v1now.status_reason.as_deref(),
        Some("Membawa barang terlarang")
    );
    assert_eq!(
        app.db.visit_by_code(&v2.code).await.unwrap().visit.status,
        VisitStatus::Booked
    );
    let told: Vec<_> = messages(&app, MessageKind::VisitStatus, &p.phone)
        .await
        .into_iter()
        .filter(|m| m.params["to"] == "cancelled")
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].params["reason"], "Membawa barang terlarang");
    assert_eq!(told[0].params["by"], "facility");
    assert_eq!(
        audits(&app, "visitor.ban", &p.id.0.to_string()).await.len(),
        1
    );

    // New bookings before the ban ends are refused, for the family and for staff.
    match app
        .db
        .book(
            &req(same_day.slot.start),
            &AuditEvent::default(),
            Timestamp::now(),
        )
        .await
    {
        Err(StorageError::Refused(r)) => assert!(r.contains(&Refusal::VisitorBanned), "{r:?}"),
        other => panic!("booked while banned: {other:?}"),
    }
    let r = b
        .post(
            &format!("/staff/book/{}", link.0),
            &[
                ("slot", same_day.slot.start.as_second().to_string().as_str()),
                ("people", "1"),
                ("via", "phone"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.has("dilarang berkunjung"), "{}", r.body);

    // The ban is Serang's: at Makassar the same visitor still books on a banned day.
    let far_link = super::approvals::ask(
        &app,
        p.id,
        "LAPAS-MAKASSAR",
        "B.I 77/2021",
        jenguk_domain::Relationship::Sibling,
    )
    .await;
    app.db
        .decide_link(
            far_link,
            &jenguk_storage::LinkDecision::Approve {
                permit_number: None,
                permit_expires: None,
            },
            None,
            &AuditEvent::cli(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    let makassar = app
        .db
        .facility(&FacilityCode::parse("LAPAS-MAKASSAR").unwrap())
        .await
        .unwrap();
    let far_slot = app
        .db
        .slots(&makassar, date(first), date(first))
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.slot.kind == VisitKind::Family && s.booked == 0)
        .unwrap();
    let far_inmate = app.db.link(far_link).await.unwrap().0.inmate_id;
    app.db
        .book(
            &BookingRequest {
                facility: makassar.code.clone(),
                inmate_id: far_inmate,
                ..req(far_slot.slot.start)
            },
            &AuditEvent::default(),
            Timestamp::now(),
        )
        .await
        .unwrap();

    let r = b
        .post(&format!("/staff/visitors/{}/unban", p.id.0), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.db.visitor_ban(p.id, facility.id).await.unwrap(), None);
    assert_eq!(
        audits(&app, "visitor.unban", &p.id.0.to_string())
            .await
            .len(),
        1
    );
    app.db
        .book(
            &req(same_day.slot.start),
            &AuditEvent::default(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    app.stop().await;
}

/// Every visitor route, for the role × route matrix.
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let serang = person(app, "Matriks Pengunjung").await;
    super::approvals::ask(
        app,
        serang.id,
        "RUTAN-SERANG",
        "B.I 231/2024",
        jenguk_domain::Relationship::Sibling,
    )
    .await;
    let hasnah = app
        .db
        .visitor_by_phone(&PhoneNumber::parse("0811-4456-0004").unwrap())
        .await
        .unwrap()
        .unwrap();
    let until = Timestamp::now()
        .to_zoned(zone())
        .date()
        .saturating_add(Span::new().days(5))
        .to_string();
    vec![
        Case::get("/staff/visitors", Can::Operate, At::Own),
        Case::get("/staff/visitors?q=nurhayati", Can::Operate, At::Own),
        Case::get(
            &format!("/staff/visitors/{}", serang.id.0),
            Can::Operate,
            At::Serang,
        ),
        Case::get(
            &format!("/staff/visitors/{}", hasnah.id.0),
            Can::Operate,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/visitors/{}/ban", serang.id.0),
            &[("until", until.as_str()), ("reason", "Matriks")],
            Can::Operate,
            At::Serang,
        ),
        Case::post(
            &format!("/staff/visitors/{}/unban", serang.id.0),
            &[],
            Can::Operate,
            At::Serang,
        ),
    ]
}
