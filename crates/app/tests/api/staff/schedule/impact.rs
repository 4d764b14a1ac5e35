//! Changes that take bookings away: the impact preview, and the cancellations (with the
//! families' receipts) only once confirmed.

use jenguk_domain::VisitStatus;
use jenguk_storage::AuditEvent;
use jiff::Timestamp;
use reqwest::StatusCode;

use super::facility;
use crate::helpers::{TestApp, spawn_app, world};
use crate::staff::{ADMIN_SERANG, NATIONAL, StaffBrowser};

#[tokio::test]
async fn an_excluded_date_with_bookings_lists_them_and_cancels_only_once_confirmed() {
    let app = spawn_app().await;
    let serang = facility(&app, "RUTAN-SERANG").await;
    let now = Timestamp::now();
    let visits = app
        .db
        .visits_between(
            serang.id,
            now,
            now + jiff::SignedDuration::from_hours(24 * 30),
        )
        .await
        .unwrap();
    let v = visits
        .iter()
        .find(|v| v.visit.status == VisitStatus::Booked)
        .expect("a demo booking in Serang");
    let tz = serang.tz().unwrap();
    let date = v.visit.start.to_zoned(tz.clone()).date();
    let same_day: Vec<_> = visits
        .iter()
        .filter(|x| x.visit.status.is_active() && x.visit.start.to_zoned(tz.clone()).date() == date)
        .map(|x| x.visit.id)
        .collect();
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let d = date.to_string();
    let form = [("date", d.as_str()), ("reason", "Libur daerah")];
    let before = app.db.audit_events(None, 1_000_000).await.unwrap().len();

    let preview = b.post("/staff/schedule/excluded", &form).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.has(&v.code.to_string()), "{}", preview.body);
    assert!(
        preview.has(&format!("membatalkan {} kunjungan", same_day.len())),
        "{}",
        preview.body
    );
    // A confirmation of other visits than those affected changes nothing either.
    let wrong = b
        .post(
            "/staff/schedule/excluded",
            &[
                ("date", d.as_str()),
                ("reason", "Libur daerah"),
                ("confirm", "999999"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::OK, "{}", wrong.body);
    assert!(wrong.has(&v.code.to_string()));
    let still = app.db.visit_by_id(v.visit.id).await.unwrap();
    assert_eq!(still.visit.status, VisitStatus::Booked);
    assert!(
        app.db
            .excluded_dates(serang.id, date, date)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.db.audit_events(None, 1_000_000).await.unwrap().len(),
        before
    );

    let confirm = preview.hidden("confirm");
    let applied = b
        .post(
            "/staff/schedule/excluded",
            &[
                ("date", d.as_str()),
                ("reason", "Libur daerah"),
                ("confirm", confirm.as_str()),
                ("cancel_reason", "Libur daerah: silakan pesan hari lain"),
            ],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let page = b.follow(&applied).await;
    assert!(
        page.has("dibatalkan dan keluarganya akan diberi tahu"),
        "{}",
        page.body
    );
    assert_eq!(
        app.db
            .excluded_dates(serang.id, date, date)
            .await
            .unwrap()
            .len(),
        1
    );
    let outbox = app.db.outbox_messages(None, 10_000).await.unwrap();
    for id in &same_day {
        let after = app.db.visit_by_id(*id).await.unwrap();
        assert_eq!(after.visit.status, VisitStatus::Cancelled);
        assert_eq!(
            after.visit.status_reason.as_deref(),
            Some("Libur daerah: silakan pesan hari lain")
        );
        assert!(
            outbox
                .iter()
                .any(|m| m.key.starts_with(&format!("visit:{}:event:", id.0))),
            "no receipt for visit {id:?}"
        );
    }
    let audit = app
        .db
        .audit_events(Some(serang.id), 1_000_000)
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "excluded_date.create"));
    assert!(
        audit
            .iter()
            .any(|e| e.action == "excluded_date.cancel_visits")
    );
    app.stop().await;
}

/// Assigns a booth to a visit (the day board does this; no console page of this area does).
async fn assign_booth(app: &TestApp, visit: i64, booth: i64) {
    use sqlx::Connection;
    let sql = "UPDATE visits SET booth_id = $1 WHERE id = $2";
    if app.database_url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(sql)
            .bind(booth)
            .bind(visit)
            .execute(&mut c)
            .await
            .unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(sql)
            .bind(booth)
            .bind(visit)
            .execute(&mut c)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_booth_with_assigned_visits_lists_them_before_going_out_of_service() {
    let app = spawn_app().await;
    let serang = facility(&app, "RUTAN-SERANG").await;
    let now = Timestamp::now();
    let v = app
        .db
        .visits_between(
            serang.id,
            now,
            now + jiff::SignedDuration::from_hours(24 * 30),
        )
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.visit.status == VisitStatus::Booked)
        .expect("a demo booking in Serang");
    let booth = app.db.booths(serang.id).await.unwrap()[1].clone();
    assign_booth(&app, v.visit.id.0, booth.id.0).await;
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let path = format!("/staff/schedule/booths/{}/active", booth.id.0);
    let preview = b.post(&path, &[("active", "false")]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.has(&v.code.to_string()) && preview.has(&booth.name),
        "{}",
        preview.body
    );
    assert!(app.db.booth_by_id(booth.id).await.unwrap().active);
    let confirm = preview.hidden("confirm");
    assert_eq!(confirm, v.visit.id.0.to_string());
    let applied = b
        .post(&path, &[("active", "false"), ("confirm", confirm.as_str())])
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    assert!(!app.db.booth_by_id(booth.id).await.unwrap().active);
    let after = app.db.visit_by_id(v.visit.id).await.unwrap();
    assert_eq!(after.visit.status, VisitStatus::Cancelled);
    // Three booths remain for sessions of three: no session was reduced.
    assert!(
        app.db
            .templates(serang.id)
            .await
            .unwrap()
            .iter()
            .any(|t| t.capacity == 3)
    );
    app.stop().await;
}

#[tokio::test]
async fn a_booth_out_of_service_reduces_sessions_and_asks_before_cancelling_the_overflow() {
    let app = spawn_app().await;
    let w = world(&app, 3, 3).await;
    let f = facility(&app, &w.code).await;
    let who = AuditEvent::cli();
    let mut booths = Vec::new();
    for n in 1..=3 {
        let booth = app
            .db
            .create_booth(f.id, &format!("Bilik {n}"), &who, Timestamp::now())
            .await
            .unwrap();
        booths.push(booth.id.0);
    }
    let slot = w.slots(&app).await[0]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let mut booked = Vec::new();
    for i in 0..3 {
        let (s, v) = w.book(&app, &w.admin, &slot, i).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        booked.push(v["code"].as_str().unwrap().to_string());
    }
    let mut b = StaffBrowser::login(&app, NATIONAL).await;
    let p = b
        .post("/staff/facility", &[("facility", w.code.as_str())])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);

    let path = format!("/staff/schedule/booths/{}/active", booths[0]);
    let preview = b.post(&path, &[("active", "false")]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    // The last of the three bookings loses its place; the first two keep theirs.
    assert!(preview.has(&booked[2]), "{}", preview.body);
    assert!(!preview.has(&booked[0]) && !preview.has(&booked[1]));
    assert!(
        app.db
            .booth_by_id(jenguk_domain::BoothId(booths[0]))
            .await
            .unwrap()
            .active
    );
    assert!(
        app.db
            .templates(f.id)
            .await
            .unwrap()
            .iter()
            .all(|t| t.capacity == 3)
    );

    let confirm = preview.hidden("confirm");
    let applied = b
        .post(&path, &[("active", "false"), ("confirm", confirm.as_str())])
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    assert!(
        !app.db
            .booth_by_id(jenguk_domain::BoothId(booths[0]))
            .await
            .unwrap()
            .active
    );
    assert!(
        app.db
            .templates(f.id)
            .await
            .unwrap()
            .iter()
            .all(|t| t.capacity == 2)
    );
    let code = jenguk_domain::VisitCode::parse(&booked[2]).unwrap();
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Cancelled);
    let kept = jenguk_domain::VisitCode::parse(&booked[0]).unwrap();
    assert_eq!(
        app.db.visit_by_code(&kept).await.unwrap().visit.status,
        VisitStatus::Booked
    );

    // Back in service, then out again: no booking is affected now, so it applies at once.
    let on = b.post(&path, &[("active", "true")]).await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.body);
    let off = b.post(&path, &[("active", "false")]).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    // Renaming.
    let r = b
        .post(
            &format!("/staff/schedule/booths/{}/rename", booths[1]),
            &[("name", "Bilik Utama")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dup = b
        .post(
            &format!("/staff/schedule/booths/{}/rename", booths[1]),
            &[("name", "Bilik 3")],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", dup.body);
    assert!(dup.has("role=\"alert\""), "{}", dup.body);
    app.stop().await;
}
