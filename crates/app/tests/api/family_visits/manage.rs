//! Another family's visit, an unapproved link; cancelling and moving within the policy.

use jenguk_domain::visit::Actor;
use jenguk_domain::{VisitKind, VisitStatus};
use jenguk_storage::{AuditEvent, BookingRequest, Channel};
use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::json;

use super::{anon_join, book_first, code_of, family_with_visit, signed_in, values};
use crate::helpers::{TestApp, World, spawn_app, world};

#[tokio::test]
async fn another_familys_visit_and_link_are_not_found_and_an_unapproved_link_cannot_book() {
    let app = spawn_app().await;
    let w = world(&app, 2, 2).await;
    let a = signed_in(&app, &w, 0).await;
    let b = signed_in(&app, &w, 1).await;
    let (code, _) = book_first(&a).await;
    let path = format!("/kunjungan/{}", code.as_str());
    for p in [
        path.clone(),
        format!("{path}/kalender.ics"),
        format!("{path}/batal"),
        format!("{path}/ubah"),
        format!("{path}/nilai"),
        format!("/pesan/{}", a.link),
        "/kunjungan/NOTACODE".to_string(),
        "/pesan/abc".to_string(),
    ] {
        let r = b.get(&p).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}: {}", r.body);
        assert!(r.body.contains("<!doctype html>"), "{p}");
    }
    let r = b.post(&format!("{path}/batal"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Booked, "untouched");

    // Visitor 1 asks to visit inmate 0; until approved the booking page says so.
    let (s, l) = app
        .post(
            "/api/v1/links",
            Some(&w.admin),
            json!({"visitor_id": w.visitors[1], "inmate_id": w.inmates[0], "relationship": "sibling"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    let pending = format!("/pesan/{}", l["id"]);
    let r = b.get(&pending).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("belum disetujui"), "{}", r.body);
    let r = b
        .post(&pending, &[("key", "0123456789abcdef0123"), ("start", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let list = b.get("/kunjungan").await;
    assert!(list.body.contains("Menunggu persetujuan"), "{}", list.body);

    // Signed out: to the login page.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anon.get(format!("{}{path}", app.url)).send().await.unwrap();
    assert!(r.status().is_redirection());
    assert!(
        r.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/masuk"),
        "{:?}",
        r.headers()
    );
    app.stop().await;
}

#[tokio::test]
async fn cancel_and_move_within_the_policy() {
    // Move: the slot picker, a new code, the old visit cancelled as moved.
    let (app, w, f, code, start) = family_with_visit().await;
    let path = format!("/kunjungan/{}", code.as_str());
    let page = f.get(&format!("{path}/ubah")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let starts = values(&page.body, "start");
    assert!(
        !starts.contains(&start.as_second().to_string()),
        "not the current slot"
    );
    let target = starts[2].clone();
    let r = f.post(&format!("{path}/ubah"), &[("start", &target)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let moved = r.location();
    let new_code = code_of(&moved);
    assert_ne!(new_code, code);
    assert!(moved.ends_with("?done=moved"));
    let old = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(old.visit.status, VisitStatus::Cancelled);
    assert_eq!(old.visit.status_reason.as_deref(), Some("moved"));
    let new = app.db.visit_by_code(&new_code).await.unwrap();
    assert_eq!(new.visit.status, VisitStatus::Booked);
    assert_eq!(new.visit.start.as_second().to_string(), target);
    // The same move again (a double tap): the visit it became.
    let again = f.post(&format!("{path}/ubah"), &[("start", &target)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(again.location(), moved);
    let page = f.get(&moved).await;
    assert!(page.body.contains("Jadwal sudah diubah"), "{}", page.body);

    // Cancel: a confirmation page, then the post.
    let path = format!("/kunjungan/{}", new_code.as_str());
    let confirm = f.get(&format!("{path}/batal")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Yakin"));
    let r = f.post(&format!("{path}/batal"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{path}?done=cancelled"));
    let v = app.db.visit_by_code(&new_code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Cancelled);
    let again = f.post(&format!("{path}/batal"), &[]).await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "a second press is harmless"
    );
    let page = f.get(&path).await;
    assert!(page.body.contains("Dibatalkan"));
    assert!(!page.body.contains("/batal\""), "no cancel button any more");
    let r = anon_join(&app, &new_code).await;
    assert!(r.contains("dibatalkan"), "{r}");

    // Within the cut-off: refused with a clear message, the visit stays. A facility whose
    // cut-off is a week, and a visit booked (as if) earlier for three days ahead.
    let (facility, inmate) = strict_facility(&app, &w, 0).await;
    let tz = jiff::tz::TimeZone::get("Asia/Jakarta").unwrap();
    let day = Timestamp::now()
        .to_zoned(tz.clone())
        .date()
        .saturating_add(jiff::Span::new().days(3));
    let start = tz
        .to_timestamp(day.to_datetime(jiff::civil::time(8, 0, 0, 0)))
        .unwrap();
    let v = app
        .db
        .book(
            &BookingRequest {
                facility: jenguk_domain::FacilityCode::parse(&facility).unwrap(),
                start,
                kind: VisitKind::Family,
                inmate_id: jenguk_domain::InmateId(inmate),
                visitor_id: f.visitor,
                people: 1,
                channel: Channel::Web,
                actor: Actor::Family(f.visitor),
            },
            &AuditEvent::default(),
            start
                .checked_sub(jiff::SignedDuration::from_hours(24 * 8))
                .unwrap(),
        )
        .await
        .unwrap();
    let path = format!("/kunjungan/{}", v.code.as_str());
    let page = f.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("10080 menit"), "{}", page.body);
    assert!(
        !page.body.contains("/batal\""),
        "no cancel button inside the cut-off"
    );
    let r = f.get(&format!("{path}/batal")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("kurang dari 10080 menit"), "{}", r.body);
    let r = f.post(&format!("{path}/batal"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("kurang dari 10080 menit"));
    let r = f.post(&format!("{path}/ubah"), &[("start", &target)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let v = app.db.visit_by_code(&v.code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Booked, "still booked");
    app.stop().await;
}

/// A second facility with a week's cut-off, an inmate there, and visitor `i` approved for
/// them. Returns the facility code and the inmate id.
async fn strict_facility(app: &TestApp, w: &World, i: usize) -> (String, i64) {
    let code = format!("STRICT-{}", w.base);
    let (s, b) = app
        .post(
            "/api/v1/facilities",
            Some(&w.admin),
            json!({"code": code, "name": "Lapas Ketat", "kind": "lapas", "class": "IIA", "province": "Banten",
                   "time_zone": "Asia/Jakarta",
                   "policy": {"slot_minutes": 15, "min_days_ahead": 1, "max_days_ahead": 14, "cutoff_minutes": 10080,
                              "max_visits_per_inmate_per_week": 1, "max_visits_per_visitor_per_week": 1,
                              "max_people_per_visit": 3, "record_family_visits": false}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    for wd in 1..=7 {
        let (s, b) = app
            .post(
                &format!("/api/v1/facilities/{code}/templates"),
                Some(&w.admin),
                json!({"weekday": wd, "start": "08:00", "end": "12:00", "capacity": 2}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (s, b) = app
        .post(
            &format!("/api/v1/facilities/{code}/inmates"),
            Some(&w.admin),
            json!({"reg_number": format!("B.I {}/2025", w.base), "name": "Warga Ketat", "status": "narapidana"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let inmate = b["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            "/api/v1/links",
            Some(&w.admin),
            json!({"visitor_id": w.visitors[i], "inmate_id": inmate, "relationship": "child"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = app
        .post(
            &format!("/api/v1/links/{}/approve", b["id"]),
            Some(&w.admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (code, inmate)
}
