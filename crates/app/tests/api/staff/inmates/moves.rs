//! Transfer, release and suspension: what the page announces happens, in one transaction —
//! future visits at the old facility cancelled with a receipt to the family, links kept
//! (transfer) or closed (release), audit rows at every facility concerned.

use jenguk_domain::{Inmate, VisitStatus};
use jenguk_storage::{MessageKind, VisitView};
use reqwest::StatusCode;

use super::{exec, facility, inmate_by_reg, new_inmate};
use crate::helpers::{TestApp, spawn_app};
use crate::staff::{OPERATOR_MAKASSAR, OPERATOR_SERANG, StaffBrowser};

/// The demo inmate with an approved link (Nurhayati) and a booked visit.
async fn budi(app: &TestApp) -> (Inmate, VisitView) {
    let inmate = inmate_by_reg(app, "RUTAN-SERANG", "B.I 231/2024")
        .await
        .unwrap();
    let visits = app
        .db
        .visits_of_inmate(inmate.id, jiff::Timestamp::now())
        .await
        .unwrap();
    let v = visits
        .into_iter()
        .find(|v| v.visit.status == VisitStatus::Booked)
        .expect("the demo books a visit for B.I 231/2024");
    (inmate, v)
}

/// Whether the family was sent a receipt saying this visit was cancelled.
async fn told_cancelled(app: &TestApp, v: &VisitView) -> Option<String> {
    let all = app.db.outbox_messages(None, 1000).await.unwrap();
    all.into_iter()
        .find(|m| {
            m.kind == MessageKind::VisitStatus
                && m.params["visit_id"] == v.visit.id.0
                && m.params["to"] == "cancelled"
        })
        .map(|m| m.params["reason"].as_str().unwrap_or("").to_string())
}

#[tokio::test]
async fn a_transfer_keeps_the_links_and_cancels_only_future_visits_at_the_old_facility() {
    let app = spawn_app().await;
    let serang = facility(&app, "RUTAN-SERANG").await;
    let makassar = facility(&app, "LAPAS-MAKASSAR").await;
    let (inmate, visit) = budi(&app).await;
    // A visit in the past, still booked: not touched.
    let past = jiff::Timestamp::now().as_second() - 2 * 86_400;
    exec(&app, &format!(
        "INSERT INTO visits (facility_id, code, inmate_id, visitor_id, kind, start_at, end_at, people, status, channel, created_at, updated_at)
         VALUES ({}, 'AAAABBBB', {}, {}, 'family', {past}, {}, 1, 'booked', 'staff', {past}, {past})",
        serang.id.0, inmate.id.0, visit.visit.visitor_id.0, past + 1800
    )).await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let path = format!("/staff/inmates/{}/transfer", inmate.id.0);
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.has("1 kunjungan mendatang akan dibatalkan") && page.has(&visit.code.to_string()),
        "{}",
        page.body
    );
    assert!(page.has("1 tautan pengunjung ikut"), "{}", page.body);
    assert!(
        page.has("value=\"LAPAS-MAKASSAR\"") && !page.has("value=\"RUTAN-SERANG\""),
        "{}",
        page.body
    );
    // Bad input: an unknown facility, the same facility.
    let bad = b.post(&path, &[("facility", "NOWHERE")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let same = b.post(&path, &[("facility", "RUTAN-SERANG")]).await;
    assert_eq!(
        same.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        same.body
    );
    assert_eq!(
        app.db.inmate(inmate.id).await.unwrap().facility_id,
        serang.id
    );
    let done = b.post(&path, &[("facility", "LAPAS-MAKASSAR")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let list = b.follow(&done).await;
    assert!(list.has("WBP telah dipindahkan"), "{}", list.body);
    assert_eq!(
        app.db.inmate(inmate.id).await.unwrap().facility_id,
        makassar.id
    );
    let v = app.db.visit_by_id(visit.visit.id).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Cancelled);
    assert!(
        v.visit
            .status_reason
            .as_deref()
            .unwrap()
            .starts_with("dipindahkan"),
        "{:?}",
        v.visit.status_reason
    );
    let reason = told_cancelled(&app, &visit)
        .await
        .expect("the family was not told");
    assert!(reason.contains("dipindahkan"), "{reason}");
    let old = app
        .db
        .visit_by_code(&jenguk_domain::VisitCode::parse("AAAA-BBBB").unwrap())
        .await
        .unwrap();
    assert_eq!(
        old.visit.status,
        VisitStatus::Booked,
        "a past visit was touched"
    );
    let links = app.db.inmate_links(inmate.id).await.unwrap();
    assert!(links.iter().all(|l| l.status == "approved") && !links.is_empty());
    let audit = app.db.audit_events(None, 1000).await.unwrap();
    let out = audit
        .iter()
        .find(|e| e.action == "inmate.transfer_out")
        .unwrap();
    let inn = audit
        .iter()
        .find(|e| e.action == "inmate.transfer_in")
        .unwrap();
    assert_eq!(out.facility_id, Some(serang.id.0));
    assert_eq!(inn.facility_id, Some(makassar.id.0));
    assert_eq!(out.detail["visits_cancelled"], 1);
    // Now Makassar's inmate: their operator may open it, Serang's may not.
    let mut m = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    assert_eq!(
        m.get(&format!("/staff/inmates/{}", inmate.id.0))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        b.get(&format!("/staff/inmates/{}", inmate.id.0))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

#[tokio::test]
async fn a_transfer_onto_a_taken_registration_number_changes_nothing() {
    let app = spawn_app().await;
    let serang = facility(&app, "RUTAN-SERANG").await;
    let here = new_inmate(&app, "RUTAN-SERANG", "D.U 1/2026", "Kembar Satu").await;
    new_inmate(&app, "LAPAS-MAKASSAR", "D.U 1/2026", "Kembar Dua").await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let before = app.db.audit_events(None, 1000).await.unwrap().len();
    let p = b
        .post(
            &format!("/staff/inmates/{}/transfer", here.id.0),
            &[("facility", "LAPAS-MAKASSAR")],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
    assert!(p.has("sudah memakai nomor registrasi"), "{}", p.body);
    assert_eq!(app.db.inmate(here.id).await.unwrap().facility_id, serang.id);
    assert_eq!(app.db.audit_events(None, 1000).await.unwrap().len(), before);
    app.stop().await;
}

#[tokio::test]
async fn a_release_cancels_future_visits_tells_the_families_and_closes_the_links() {
    let app = spawn_app().await;
    let (inmate, visit) = budi(&app).await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let path = format!("/staff/inmates/{}/release", inmate.id.0);
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.has("1 kunjungan mendatang akan dibatalkan")
            && page.has("1 tautan pengunjung akan ditutup"),
        "{}",
        page.body
    );
    let done = b.post(&path, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let shown = b.follow(&done).await;
    assert!(
        shown.has("WBP telah dibebaskan") && shown.has("Bebas"),
        "{}",
        shown.body
    );
    assert!(app.db.inmate(inmate.id).await.unwrap().released);
    let v = app.db.visit_by_id(visit.visit.id).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Cancelled);
    assert_eq!(
        told_cancelled(&app, &visit).await.as_deref(),
        Some("dibebaskan")
    );
    let links = app.db.inmate_links(inmate.id).await.unwrap();
    assert!(links.iter().all(|l| l.status == "revoked"), "{links:?}");
    let audit = app.db.audit_events(None, 1000).await.unwrap();
    let e = audit.iter().find(|e| e.action == "inmate.release").unwrap();
    assert_eq!(e.detail["links_revoked"], 1);
    // Released: no second release, no transfer, no suspension.
    assert_eq!(
        b.post(&path, &[]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let t = b
        .get(&format!("/staff/inmates/{}/transfer", inmate.id.0))
        .await;
    assert_eq!(t.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

#[tokio::test]
async fn a_suspension_cancels_the_visits_inside_it_and_can_be_lifted() {
    let app = spawn_app().await;
    let serang = facility(&app, "RUTAN-SERANG").await;
    let (inmate, visit) = budi(&app).await;
    let tz = serang.tz().unwrap();
    let visit_day = visit.visit.start.to_zoned(tz.clone()).date();
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let path = format!("/staff/inmates/{}/suspend", inmate.id.0);
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.has("1 kunjungan mendatang akan dibatalkan") && page.has(&visit.code.to_string()),
        "{}",
        page.body
    );
    // Bad input: a date in the past, no reason, no date.
    let before = app.db.audit_events(None, 1000).await.unwrap().len();
    let past = b
        .post(&path, &[("until", &today.to_string()), ("reason", "Sakit")])
        .await;
    assert_eq!(
        past.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        past.body
    );
    assert!(past.has("setelah hari ini"), "{}", past.body);
    let no_reason = b
        .post(
            &path,
            &[
                ("until", &visit_day.tomorrow().unwrap().to_string()),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_date = b
        .post(&path, &[("until", "besok"), ("reason", "Sakit")])
        .await;
    assert_eq!(no_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.db.audit_events(None, 1000).await.unwrap().len(), before);
    // Until the visit's day (not included): the visit stays.
    let short = b
        .post(
            &path,
            &[("until", &visit_day.to_string()), ("reason", "Isolasi")],
        )
        .await;
    assert_eq!(short.status, StatusCode::SEE_OTHER, "{}", short.body);
    assert_eq!(
        app.db
            .visit_by_id(visit.visit.id)
            .await
            .unwrap()
            .visit
            .status,
        VisitStatus::Booked
    );
    // Until the day after: the visit is cancelled with the reason, the family told.
    let long = b
        .post(
            &path,
            &[
                ("until", &visit_day.tomorrow().unwrap().to_string()),
                ("reason", "Isolasi kesehatan"),
            ],
        )
        .await;
    assert_eq!(long.status, StatusCode::SEE_OTHER, "{}", long.body);
    let shown = b.follow(&long).await;
    assert!(
        shown.has("Kunjungan ditangguhkan") && shown.has("Isolasi kesehatan"),
        "{}",
        shown.body
    );
    assert_eq!(
        app.db
            .visit_by_id(visit.visit.id)
            .await
            .unwrap()
            .visit
            .status,
        VisitStatus::Cancelled
    );
    assert_eq!(
        told_cancelled(&app, &visit).await.as_deref(),
        Some("Isolasi kesehatan")
    );
    let i = app.db.inmate(inmate.id).await.unwrap();
    assert_eq!(
        i.visits_suspended_until,
        Some(visit_day.tomorrow().unwrap())
    );
    // Lifted.
    let lift = b
        .post(&format!("/staff/inmates/{}/lift", inmate.id.0), &[])
        .await;
    assert_eq!(lift.status, StatusCode::SEE_OTHER, "{}", lift.body);
    assert!(b.follow(&lift).await.has("Penangguhan dicabut"));
    assert_eq!(
        app.db
            .inmate(inmate.id)
            .await
            .unwrap()
            .visits_suspended_until,
        None
    );
    let audit = app.db.audit_events(None, 1000).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "inmate.suspend")
            .count(),
        3
    );
    app.stop().await;
}
