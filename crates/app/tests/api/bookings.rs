//! Booking through the API: code, refusals, concurrency, the visit's life.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, world};

#[tokio::test]
async fn a_booking_returns_a_code_and_the_slot_counts_it() {
    let app = spawn_app().await;
    let w = world(&app, 2, 3).await;
    let slots = w.slots(&app).await;
    assert_eq!(slots.len(), 16, "08:00–12:00 in 15-minute slots");
    let first = &slots[0];
    assert!(
        first["start"]
            .as_str()
            .unwrap()
            .ends_with("T08:00:00+07:00"),
        "{first}"
    );
    assert_eq!(
        (first["capacity"].as_u64(), first["free"].as_u64()),
        (Some(2), Some(2))
    );
    let start = first["start"].as_str().unwrap();

    let (s, v) = w.book(&app, &w.admin, start, 0).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap();
    assert!(
        code.len() == 9 && code.as_bytes()[4] == b'-',
        "code shown XXXX-XXXX: {code}"
    );
    assert_eq!(v["status"], "booked");
    assert_eq!(v["start"], start);

    // The code is accepted in lower case without the dash.
    let typed = code.replace('-', "").to_lowercase();
    let (s, got) = app
        .get(&format!("/api/v1/visits/{typed}"), Some(&w.admin))
        .await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["id"], v["id"]);

    let slots = w.slots(&app).await;
    assert_eq!(
        (slots[0]["booked"].as_u64(), slots[0]["free"].as_u64()),
        (Some(1), Some(1))
    );

    // The same inmate again at the same time: refused, with every reason.
    let (s, e) = w.book(&app, &w.admin, start, 0).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"], "inmate_busy");
    let reasons: Vec<&str> = e["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "inmate_busy",
            "visitor_busy",
            "inmate_quota",
            "visitor_quota"
        ]
    );

    // Fill the slot, then one more is refused as full.
    let (s, _) = w.book(&app, &w.admin, start, 1).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = w.book(&app, &w.admin, start, 2).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("slot_full"))
    );
    assert!(e["message"].as_str().unwrap().contains("penuh"), "{e}");

    // Cancel gives the place back; a second cancel is a state-machine refusal.
    let (s, c) = app
        .post(
            &format!("/api/v1/visits/{code}/cancel"),
            Some(&w.admin),
            json!({"reason": "keluarga berhalangan"}),
        )
        .await;
    assert_eq!(
        (s, c["status"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "{c}"
    );
    let (s, e) = app
        .post(
            &format!("/api/v1/visits/{code}/cancel"),
            Some(&w.admin),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );
    let (s, v) = w.book(&app, &w.admin, start, 2).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(app.db.overbooked_slots().await.unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn concurrent_http_bookings_never_overbook() {
    let app = spawn_app().await;
    let w = world(&app, 3, 12).await;
    let start = w.slots(&app).await[4]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/visits", app.url);
        let body = json!({"facility": w.code, "start": start, "inmate_id": w.inmates[i], "visitor_id": w.visitors[i]});
        let token = w.admin.clone();
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body: serde_json::Value = r.json().await.unwrap();
            (status, body)
        }));
    }
    let mut created = 0;
    for t in tasks {
        let (s, b) = t.await.unwrap();
        match s {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(b["error"], "slot_full"),
            other => panic!("unexpected {other}: {b}"),
        }
    }
    assert_eq!(created, 3);
    assert!(app.db.overbooked_slots().await.unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn refusals_are_typed_not_approved_outside_window_no_such_slot_wrong_kind() {
    let app = spawn_app().await;
    let w = world(&app, 2, 2).await;
    let start = w.slots(&app).await[0]["start"]
        .as_str()
        .unwrap()
        .to_string();

    // A visitor whose link is still pending.
    let (s, b) = app
        .post(
            "/api/v1/visitors",
            Some(&w.admin),
            json!({"name": "Belum Disetujui", "nik": "3171015708450077", "phone": "081399990000"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let pending_visitor = b["id"].as_i64().unwrap();
    let (s, _) = app
        .post("/api/v1/links", Some(&w.admin), json!({"visitor_id": pending_visitor, "inmate_id": w.inmates[1], "relationship": "sibling"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = app
        .post(
            "/api/v1/visits",
            Some(&w.admin),
            json!({"facility": w.code, "start": start, "inmate_id": w.inmates[1], "visitor_id": pending_visitor}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("not_approved")),
        "{e}"
    );

    // No slot at 08:07, and none on a date past the window.
    let odd = start.replace("T08:00:00", "T08:07:00");
    let (s, e) = w.book(&app, &w.admin, &odd, 0).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("no_such_slot"))
    );
    let far = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 30))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap())
        .date();
    let (s, e) = w
        .book(&app, &w.admin, &format!("{far}T08:00:00+07:00"), 0)
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("outside_window")),
        "{e}"
    );

    // A legal visit in a family session.
    let (s, e) = app
        .post(
            "/api/v1/visits",
            Some(&w.admin),
            json!({"facility": w.code, "start": start, "inmate_id": w.inmates[0], "visitor_id": w.visitors[0], "kind": "legal"}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("no_such_slot")),
        "{e}"
    );

    // A suspended inmate.
    let until = far.to_string();
    let (s, b) = app
        .post(
            &format!("/api/v1/inmates/{}/suspension", w.inmates[0]),
            Some(&w.admin),
            json!({"until": until, "reason": "pelanggaran tata tertib"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, e) = w.book(&app, &w.admin, &start, 0).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("inmate_suspended")),
        "{e}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_tahanan_needs_a_permit_recorded_on_approval() {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let (s, t) = app
        .post(
            &format!("/api/v1/facilities/{}/inmates", w.code),
            Some(&w.admin),
            json!({"reg_number": "A.II 7/2026", "name": "Tahanan Satu", "status": "tahanan"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, l) = app
        .post(
            "/api/v1/links",
            Some(&w.admin),
            json!({"visitor_id": w.visitors[0], "inmate_id": t["id"], "relationship": "spouse"}),
        )
        .await;
    let approve = format!("/api/v1/links/{}/approve", l["id"]);
    let (s, e) = app.post(&approve, Some(&w.admin), json!({})).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("permit_required")),
        "{e}"
    );
    // A permit that expires tomorrow does not cover the slot the day after.
    let tomorrow = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap())
        .date()
        .tomorrow()
        .unwrap();
    let (s, b) = app
        .post(
            &approve,
            Some(&w.admin),
            json!({"permit_number": "T-10/55/2026", "permit_expires": tomorrow.to_string()}),
        )
        .await;
    assert_eq!(
        (s, b["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{b}"
    );
    let start = w.slots(&app).await[0]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, e) = app
        .post(
            "/api/v1/visits",
            Some(&w.admin),
            json!({"facility": w.code, "start": start, "inmate_id": t["id"], "visitor_id": w.visitors[0]}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("permit_missing")),
        "{e}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_visit_state_machine_runs_through_the_api() {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let start = w.slots(&app).await[0]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, v) = w.book(&app, &w.admin, &start, 0).await;
    let code = v["code"].as_str().unwrap();
    // Two days ahead: too early to check in.
    let (s, e) = app
        .post(
            &format!("/api/v1/visits/{code}/check-in"),
            Some(&w.admin),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("too_early")),
        "{e}"
    );
    // A termination needs a reason; an unknown outcome is a clear 422.
    let (s, e) = app
        .post(
            &format!("/api/v1/visits/{code}/outcome"),
            Some(&w.admin),
            json!({"outcome": "vanished"}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_outcome"))
    );
    let (s, e) = app
        .post(
            &format!("/api/v1/visits/{code}/outcome"),
            Some(&w.admin),
            json!({"outcome": "terminated"}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
    );
    let (s, v) = app
        .get(&format!("/api/v1/visits/{code}"), Some(&w.admin))
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("booked")));
    let events = app
        .db
        .visit_events(jenguk_domain::VisitId(v["id"].as_i64().unwrap()))
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].to_status, "booked");
    app.stop().await;
}
