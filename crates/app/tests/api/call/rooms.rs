//! The room service: a room's end follows the database within a second (make-up time,
//! termination), what happens in a room is recorded, and make-up time is capped by the
//! facility's limit and the booth's next visit.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jenguk_domain::VisitId;
use jenguk_media::RoomInfo;
use reqwest::StatusCode;

use super::{exec, family_offer, visit};
use crate::helpers::{TestApp, spawn_app};

async fn room(app: &TestApp, id: VisitId) -> Option<RoomInfo> {
    app.sfu
        .rooms()
        .await
        .into_iter()
        .find(|r| r.id == id.0.to_string())
}

/// Waits up to `within` for the room to satisfy `ok`.
async fn until(
    app: &TestApp,
    id: VisitId,
    within: Duration,
    ok: impl Fn(&RoomInfo) -> bool,
) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < within {
        if room(app, id).await.as_ref().is_some_and(&ok) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn secs(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

#[tokio::test]
async fn a_rooms_end_follows_the_database_within_a_second() {
    let app = spawn_app().await;
    let (id, code) = visit(&app, "RUTAN-SERANG", -60, 900, 1, "booked", "family").await;
    let (s, b) = family_offer(&app, code.as_str(), "10.2.0.1").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let end = app.db.visit_by_id(id).await.unwrap().visit.end.as_second();
    let r = room(&app, id).await.unwrap();
    assert_eq!(secs(r.ends_at), end);
    assert!(!r.legal);

    // Time given back (as the make-up rule or an extension would): applied within a second.
    exec(
        &app,
        format!("UPDATE visits SET makeup_seconds = 120 WHERE id = {}", id.0),
    )
    .await;
    assert!(
        until(&app, id, Duration::from_millis(1200), |r| secs(r.ends_at)
            == end + 120)
        .await,
        "the room's end did not move"
    );
    // The countdown reports the new end.
    let res = app
        .client
        .get(format!("{}/join/{}/events", app.url, code.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let mut res = res;
    let first = String::from_utf8(res.chunk().await.unwrap().unwrap().to_vec()).unwrap();
    assert!(first.contains("event: tick"), "{first}");
    assert!(
        first.contains(&format!("\"ends_at\":{}", (end + 120) * 1000)),
        "{first}"
    );
    drop(res);

    // Staff end it: the room closes within a second.
    exec(
        &app,
        format!(
            "UPDATE visits SET status = 'terminated' WHERE id = {}",
            id.0
        ),
    )
    .await;
    assert!(
        until(&app, id, Duration::from_millis(1200), |r| r.ended).await,
        "the room did not end"
    );
    let (s, b) = family_offer(&app, code.as_str(), "10.2.0.1").await;
    assert_eq!(s, StatusCode::GONE, "{b}");

    // What happened is recorded per visit.
    let events = app.db.media_events(id).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.kind == "joined" && e.role.as_deref() == Some("family")),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e.kind == "closed" && e.detail["reason"] == "terminated"),
        "{events:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn make_up_time_is_capped_by_the_limit_and_the_booths_next_visit() {
    let app = spawn_app().await;
    let now = jiff::Timestamp::now();
    // Booth 1: a visit, then the next one two minutes after its end.
    let (a, _) = visit(&app, "RUTAN-SERANG", -60, 900, 1, "in_call", "family").await;
    visit(
        &app,
        "RUTAN-SERANG",
        900 - 60 + 120,
        900,
        1,
        "booked",
        "family",
    )
    .await;
    assert_eq!(app.db.add_makeup(a, 600, now).await.unwrap(), 120);
    assert_eq!(app.db.add_makeup(a, 600, now).await.unwrap(), 0);
    let t = app.db.call_times(a).await.unwrap();
    assert_eq!(t.makeup_seconds, 120);
    assert_eq!(t.ends_at().as_second(), t.end.as_second() + 120);

    // Booth 3, nothing after: up to the facility's limit (5 minutes by default), in all.
    let (c, _) = visit(&app, "RUTAN-SERANG", -60, 900, 3, "in_call", "family").await;
    // The inmate's next visit also counts: give this one another inmate.
    exec(
        &app,
        format!(
            "UPDATE visits SET inmate_id = (SELECT MAX(id) FROM inmates WHERE facility_id = visits.facility_id) WHERE id = {}",
            c.0
        ),
    )
    .await;
    assert_eq!(app.db.add_makeup(c, 200, now).await.unwrap(), 200);
    assert_eq!(app.db.add_makeup(c, 200, now).await.unwrap(), 100);
    assert_eq!(app.db.add_makeup(c, 200, now).await.unwrap(), 0);
    let events = app.db.media_events(c).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "makeup").count(), 2);
    // A facility may set its own limit.
    exec(
        &app,
        "UPDATE facilities SET makeup_limit_minutes = 10".to_string(),
    )
    .await;
    assert_eq!(app.db.add_makeup(c, 1000, now).await.unwrap(), 300);
    app.stop().await;
}

fn event(
    room: VisitId,
    p: u64,
    role: jenguk_media::ParticipantRole,
    kind: jenguk_media::MediaEventKind,
    at: SystemTime,
) -> jenguk_media::MediaEvent {
    jenguk_media::MediaEvent {
        room: room.0.to_string(),
        participant: Some(jenguk_media::ParticipantId(p)),
        role: Some(role),
        kind,
        at,
    }
}

#[tokio::test]
async fn a_peer_back_after_a_drop_gets_its_time_back_and_both_in_start_the_call() {
    use jenguk_media::MediaEventKind::{Connected, Disconnected, Joined, Left};
    use jenguk_media::ParticipantRole::{Family, Kiosk};
    let app = spawn_app().await;
    let (id, _) = visit(&app, "RUTAN-SERANG", -120, 900, 3, "checked_in", "family").await;
    let state = jenguk_web::AppState::new(app.db.clone());
    let mut books = jenguk_web::call::rooms::Books::default();
    let t0 = SystemTime::now() - Duration::from_secs(60);
    let s = |d: u64| t0 + Duration::from_secs(d);
    let feed = [
        event(id, 1, Family, Joined, s(0)),
        event(id, 1, Family, Connected, s(1)),
        event(id, 1, Family, Disconnected, s(10)),
        // A reload: the old participant leaves, a new one joins and connects 12 s after the drop.
        event(id, 1, Family, Left, s(20)),
        event(id, 2, Family, Joined, s(21)),
        event(id, 2, Family, Connected, s(22)),
    ];
    for ev in feed {
        jenguk_web::call::rooms::on_event(&state, &mut books, ev).await;
    }
    let t = app.db.call_times(id).await.unwrap();
    assert_eq!(t.makeup_seconds, 12);
    assert_eq!(
        t.status,
        jenguk_domain::VisitStatus::CheckedIn,
        "no kiosk yet"
    );

    // The kiosk comes: both connected, the checked-in visit is in call (by the system).
    jenguk_web::call::rooms::on_event(&state, &mut books, event(id, 3, Kiosk, Connected, s(30)))
        .await;
    let t = app.db.call_times(id).await.unwrap();
    assert_eq!(t.status, jenguk_domain::VisitStatus::InCall);
    assert_eq!(
        t.makeup_seconds, 12,
        "a first connection gives nothing back"
    );

    let kinds: Vec<String> = app
        .db
        .media_events(id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "joined",
            "connected",
            "disconnected",
            "left",
            "joined",
            "connected",
            "makeup",
            "connected"
        ]
    );

    // A drop before the start gives back only the time after the start.
    let (early, _) = visit(&app, "RUTAN-SERANG", -5, 900, 4, "booked", "family").await;
    let now = SystemTime::now();
    for ev in [
        event(early, 7, Family, Connected, now - Duration::from_secs(120)),
        event(
            early,
            7,
            Family,
            Disconnected,
            now - Duration::from_secs(110),
        ),
        event(early, 8, Family, Connected, now + Duration::from_secs(5)),
    ] {
        jenguk_web::call::rooms::on_event(&state, &mut books, ev).await;
    }
    let m = app.db.call_times(early).await.unwrap().makeup_seconds;
    assert!((9..=11).contains(&m), "{m}");
    app.stop().await;
}
