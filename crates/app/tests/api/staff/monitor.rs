//! The live-call grid `/staff/monitor`, its JSON list and ending a call with a reason.

use std::time::{Duration, SystemTime};

use jenguk_domain::{FacilityCode, VisitId, VisitStatus};
use jenguk_media::RoomSpec;
use jenguk_storage::VisitView;
use jenguk_web::staff::perm::Can;
use reqwest::StatusCode;
use serde_json::Value;

use super::matrix::{At, Case};
use super::{OFFICER_SERANG, OPERATOR_MAKASSAR, OPERATOR_SERANG, StaffBrowser};
use crate::helpers::{TestApp, spawn_app};

/// The demo's booked visits of a facility.
pub async fn booked(app: &TestApp, facility: &str) -> Vec<VisitView> {
    let f = app
        .db
        .facility(&FacilityCode::parse(facility).unwrap())
        .await
        .unwrap();
    let now = jiff::Timestamp::now();
    let to = now
        .checked_add(jiff::SignedDuration::from_hours(24 * 40))
        .unwrap();
    let v: Vec<_> = app
        .db
        .visits_between(f.id, now, to)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.visit.status == VisitStatus::Booked)
        .collect();
    assert!(!v.is_empty(), "no booked demo visit in {facility}");
    v
}

/// Moves a visit to "started a minute ago, 30 minutes long" with this status (and kind).
pub async fn make_live(app: &TestApp, visit: VisitId, status: &str, kind: &str) {
    let now = jiff::Timestamp::now().as_second();
    crate::call::exec(
        app,
        format!(
            "UPDATE visits SET start_at = {}, end_at = {}, status = '{status}', kind = '{kind}' WHERE id = {}",
            now - 60,
            now + 1800,
            visit.0
        ),
    )
    .await;
}

/// A live call in Serang and one in Makassar.
async fn two_live_calls(app: &TestApp) -> (VisitView, VisitView) {
    let s = booked(app, "RUTAN-SERANG").await.remove(0);
    let m = booked(app, "LAPAS-MAKASSAR").await.remove(0);
    make_live(app, s.visit.id, "in_call", "family").await;
    make_live(app, m.visit.id, "in_call", "family").await;
    (s, m)
}

/// Every route of the grid, for the role × route matrix.
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let (s, m) = two_live_calls(app).await;
    let end = [("reason", "Membahas rencana pelarian")];
    vec![
        Case::get("/staff/monitor", Can::Monitor, At::Own),
        Case::get("/staff/monitor/calls", Can::Monitor, At::Own),
        Case::get(
            &format!("/staff/monitor/{}", s.visit.id.0),
            Can::Monitor,
            At::Serang,
        ),
        Case::get(
            &format!("/staff/monitor/{}", m.visit.id.0),
            Can::Monitor,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/monitor/{}/end", s.visit.id.0),
            &end,
            Can::Monitor,
            At::Serang,
        ),
        Case::post(
            &format!("/staff/monitor/{}/end", m.visit.id.0),
            &end,
            Can::Monitor,
            At::Makassar,
        ),
    ]
}

async fn inmate_name(app: &TestApp, v: &VisitView) -> String {
    app.db
        .inmate(v.visit.inmate_id)
        .await
        .unwrap()
        .name
        .to_string()
}

fn ids(calls: &Value) -> Vec<i64> {
    calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["visit_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_grid_lists_the_live_calls_of_its_own_facility_only() {
    let app = spawn_app().await;
    let (s, m) = two_live_calls(&app).await;
    let mut serang = booked(&app, "RUTAN-SERANG").await;
    let legal = serang.remove(0);
    make_live(&app, legal.visit.id, "in_call", "legal").await;
    let waiting = serang.remove(0); // checked in, no room: not live yet
    make_live(&app, waiting.visit.id, "checked_in", "family").await;

    let mut b = StaffBrowser::login(&app, OFFICER_SERANG).await;
    let page = b.get("/staff/monitor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has(&inmate_name(&app, &s).await), "{}", page.body);
    assert!(page.has(&format!("href=\"/staff/monitor/{}\"", s.visit.id.0)));
    assert!(page.has(&format!("/staff/monitor/{}/end", s.visit.id.0)));
    assert!(!page.has(&format!("id=\"call-{}\"", m.visit.id.0)));
    assert!(!page.has(&format!("id=\"call-{}\"", waiting.visit.id.0)));
    assert!(page.has("Suara tidak tersedia — kunjungan hukum"));
    assert!(page.has("paling banyak 4 panggilan"), "the bandwidth note");

    let calls = b.get("/staff/monitor/calls").await;
    assert_eq!(calls.status, StatusCode::OK, "{}", calls.body);
    let calls: Value = serde_json::from_str(&calls.body).unwrap();
    let mut got = ids(&calls);
    got.sort_unstable();
    let mut want = vec![s.visit.id.0, legal.visit.id.0];
    want.sort_unstable();
    assert_eq!(got, want);
    let legal_call = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["visit_id"] == legal.visit.id.0)
        .unwrap();
    assert_eq!(legal_call["legal"], true);
    let left = legal_call["ends_at"].as_i64().unwrap() - calls["now"].as_i64().unwrap();
    assert!((1_700_000..=1_800_000).contains(&left), "{left}");

    let mut mk = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    let calls: Value = serde_json::from_str(&mk.get("/staff/monitor/calls").await.body).unwrap();
    assert_eq!(ids(&calls), vec![m.visit.id.0]);
    app.stop().await;
}

async fn denied_count(app: &TestApp) -> usize {
    app.db
        .audit_events(None, 1_000_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "staff.denied")
        .count()
}

#[tokio::test]
async fn a_makassar_operator_cannot_end_a_serang_call() {
    let app = spawn_app().await;
    let (s, _) = two_live_calls(&app).await;
    let before = denied_count(&app).await;
    let outbox = app.db.outbox_messages(None, 10_000).await.unwrap().len();
    let mut b = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    let page = b
        .post(
            &format!("/staff/monitor/{}/end", s.visit.id.0),
            &[("reason", "Tidak suka")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert_eq!(denied_count(&app).await, before + 1);
    let v = app.db.visit_by_id(s.visit.id).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::InCall);
    assert_eq!(
        app.db.outbox_messages(None, 10_000).await.unwrap().len(),
        outbox
    );
    app.stop().await;
}

#[tokio::test]
async fn ending_a_call_needs_a_reason_and_a_running_call() {
    let app = spawn_app().await;
    let (s, _) = two_live_calls(&app).await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let path = format!("/staff/monitor/{}/end", s.visit.id.0);
    for reason in ["", "   "] {
        let page = b.post(&path, &[("reason", reason)]).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            page.body
        );
        assert!(
            page.has("Tuliskan alasan panggilan diakhiri"),
            "{}",
            page.body
        );
        assert!(page.has("aria-invalid=\"true\""));
    }
    let too_long = "x".repeat(501);
    let page = b.post(&path, &[("reason", &too_long)]).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let v = app.db.visit_by_id(s.visit.id).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::InCall);
    assert!(
        app.db
            .visit_events(s.visit.id)
            .await
            .unwrap()
            .iter()
            .all(|e| e.to_status != "terminated")
    );
    // A call that has not started cannot be "terminated": the day board records its outcome.
    let other = booked(&app, "RUTAN-SERANG").await.remove(0);
    make_live(&app, other.visit.id, "checked_in", "family").await;
    let page = b
        .post(
            &format!("/staff/monitor/{}/end", other.visit.id.0),
            &[("reason", "Keributan")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.has("belum dimulai"), "{}", page.body);
    let page = b
        .post("/staff/monitor/999999/end", &[("reason", "x")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn ending_a_call_terminates_it_tells_the_family_and_closes_the_room() {
    let app = spawn_app().await;
    let (s, _) = two_live_calls(&app).await;
    let waiting = booked(&app, "RUTAN-SERANG").await.remove(0);
    make_live(&app, waiting.visit.id, "checked_in", "family").await;
    let sfu = app.sfu.clone();
    for v in [&s, &waiting] {
        sfu.open_room(RoomSpec {
            id: v.visit.id.0.to_string(),
            legal: false,
            ends_at: SystemTime::now() + Duration::from_secs(1800),
        })
        .await
        .unwrap();
    }
    let mut b = StaffBrowser::login(&app, OFFICER_SERANG).await;

    // A checked-in visit with an open room (one side waiting) is live too.
    let calls: Value = serde_json::from_str(&b.get("/staff/monitor/calls").await.body).unwrap();
    let mut got = ids(&calls);
    got.sort_unstable();
    let mut want = vec![s.visit.id.0, waiting.visit.id.0];
    want.sort_unstable();
    assert_eq!(got, want);

    let reason = "Menunjukkan benda terlarang ke kamera";
    let page = b
        .post(
            &format!("/staff/monitor/{}/end", s.visit.id.0),
            &[("reason", reason)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let after = b.follow(&page).await;
    assert!(after.has(&inmate_name(&app, &s).await), "{}", after.body);
    assert!(after.has("telah diakhiri"), "{}", after.body);

    let v = app.db.visit_by_id(s.visit.id).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Terminated);
    assert_eq!(v.visit.status_reason.as_deref(), Some(reason));
    let events = app.db.visit_events(s.visit.id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.to_status, "terminated");
    assert_eq!(last.actor_type, "staff");
    let receipt = app
        .db
        .outbox_messages(None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .find(|m| {
            m.key.starts_with(&format!("visit:{}:event:", s.visit.id.0))
                && m.params["to"] == "terminated"
        })
        .expect("the family's receipt");
    assert_eq!(receipt.params["reason"], reason);
    let audited = app
        .db
        .audit_events(None, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .any(|e| e.action == "visit.status" && e.target_id == s.visit.id.0.to_string());
    assert!(audited, "the end is audited");

    // The room service ends the room within a second (and records it).
    let room = s.visit.id.0.to_string();
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        let rooms = sfu.rooms().await;
        let ended = rooms.iter().find(|r| r.id == room).is_none_or(|r| r.ended);
        let closed = app
            .db
            .media_events(s.visit.id)
            .await
            .unwrap()
            .iter()
            .any(|e| e.kind == "closed");
        if ended && closed {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the room was not ended: {rooms:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The other room is untouched and the grid no longer lists the ended call.
    assert!(
        sfu.rooms()
            .await
            .iter()
            .any(|r| r.id == waiting.visit.id.0.to_string() && !r.ended)
    );
    let calls: Value = serde_json::from_str(&b.get("/staff/monitor/calls").await.body).unwrap();
    assert_eq!(ids(&calls), vec![waiting.visit.id.0]);
    // Another facility's staff learn nothing from the notice's address.
    let mut mk = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    let page = mk
        .get(&format!("/staff/monitor?ended={}", s.visit.id.0))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.has("telah diakhiri"), "{}", page.body);
    assert!(!page.has(&inmate_name(&app, &s).await));
    app.stop().await;
}
