//! Staff watch calls as receive-only monitors: `Can::Monitor` at the visit's facility, every
//! watch audited as `visit.monitor`, every refusal as `staff.denied`.

use jenguk_web::staff::perm::Can;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{offer, visit};
use crate::helpers::{TestApp, spawn_app};
use crate::staff::matrix::{At, Case};
use crate::staff::{
    ADMIN_SERANG, NATIONAL, OFFICER_SERANG, OPERATOR_MAKASSAR, OPERATOR_SERANG, Page, StaffBrowser,
};

/// The call routes of the console, for the role × route matrix.
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let (serang, _) = visit(app, "RUTAN-SERANG", -60, 900, 1, "booked", "family").await;
    let (makassar, _) = visit(app, "LAPAS-MAKASSAR", -60, 900, 1, "booked", "family").await;
    let f = app
        .db
        .facility(&jenguk_domain::FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let booth = app.db.booths(f.id).await.unwrap()[0].id.0.to_string();
    let (kiosk, _) = app.db.create_kiosk(jiff::Timestamp::now()).await.unwrap();
    let code = kiosk.pairing_code.unwrap();
    vec![
        Case::get(
            &format!("/staff/monitor/{}", serang.0),
            Can::Monitor,
            At::Serang,
        ),
        Case::get(
            &format!("/staff/monitor/{}", makassar.0),
            Can::Monitor,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/monitor/{}/offer", serang.0),
            &[],
            Can::Monitor,
            At::Serang,
        ),
        Case::post(
            &format!("/staff/monitor/{}/offer", makassar.0),
            &[],
            Can::Monitor,
            At::Makassar,
        ),
        Case::get("/staff/kiosks/pair", Can::Configure, At::Own),
        Case::post(
            "/staff/kiosks/pair",
            &[("code", &code), ("booth", &booth)],
            Can::Configure,
            At::Serang,
        ),
    ]
}

/// A monitor's offer from a signed-in staff browser (JSON, with the session's CSRF token).
pub async fn monitor_offer(app: &TestApp, b: &mut StaffBrowser, visit: i64) -> (Page, Value) {
    let req = reqwest::Client::new()
        .post(format!("{}/staff/monitor/{visit}/offer", app.url))
        .header("origin", &app.url)
        .json(&json!({ "sdp": offer(true), "csrf": b.csrf }));
    let page = b.send(req).await;
    let v = serde_json::from_str(&page.body).unwrap_or(Value::Null);
    (page, v)
}

async fn count(app: &TestApp, action: &str, target: &str) -> usize {
    app.db
        .audit_events(None, 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action && e.target_id == target)
        .count()
}

#[tokio::test]
async fn an_officer_watches_and_it_is_audited_another_facility_cannot() {
    let app = spawn_app().await;
    let (id, _) = visit(&app, "RUTAN-SERANG", -60, 900, 1, "booked", "family").await;
    let target = id.0.to_string();

    let mut officer = StaffBrowser::login(&app, OFFICER_SERANG).await;
    let page = officer.get(&format!("/staff/monitor/{}", id.0)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has("/call/monitor.js?v="));
    let (page, answer) = monitor_offer(&app, &mut officer, id.0).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(answer["sdp"].as_str().unwrap().contains("a=ice-lite"));
    assert_eq!(count(&app, "visit.monitor", &target).await, 1);
    let room = app.sfu.rooms().await;
    let room = room.iter().find(|r| r.id == target).unwrap();
    assert_eq!(room.participants.len(), 1);

    // Without the CSRF token: refused, nothing audited as a watch.
    let req = reqwest::Client::new()
        .post(format!("{}/staff/monitor/{}/offer", app.url, id.0))
        .header("origin", &app.url)
        .json(&json!({ "sdp": offer(true) }));
    let page = officer.send(req).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "visit.monitor", &target).await, 1);

    // Makassar's operator: refused and the refusal audited.
    let denied_before = app
        .db
        .audit_events(None, 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "staff.denied")
        .count();
    let mut other = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    let (page, _) = monitor_offer(&app, &mut other, id.0).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    let denied_after = app
        .db
        .audit_events(None, 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "staff.denied")
        .count();
    assert_eq!(denied_after, denied_before + 1);
    assert_eq!(count(&app, "visit.monitor", &target).await, 1);
    let rooms = app.sfu.rooms().await;
    assert_eq!(
        rooms
            .iter()
            .find(|r| r.id == target)
            .unwrap()
            .participants
            .len(),
        1,
        "no participant added by a refused monitor"
    );

    // A national administrator has no monitor capability; an operator of Serang has.
    let mut national = StaffBrowser::login(&app, NATIONAL).await;
    let (page, _) = monitor_offer(&app, &mut national, id.0).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    for who in [OPERATOR_SERANG, ADMIN_SERANG] {
        let mut b = StaffBrowser::login(&app, who).await;
        let (page, _) = monitor_offer(&app, &mut b, id.0).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", who.0, page.body);
    }
    assert_eq!(count(&app, "visit.monitor", &target).await, 3);

    // Outside the window, staff cannot watch either.
    let (late, _) = visit(&app, "RUTAN-SERANG", -2000, 900, 2, "booked", "family").await;
    let (page, v) = monitor_offer(&app, &mut officer, late.0).await;
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert_eq!(v["error"], "call_ended");
    app.stop().await;
}

#[tokio::test]
async fn a_legal_watch_is_audited_without_audio() {
    let app = spawn_app().await;
    let (id, _) = visit(&app, "RUTAN-SERANG", -60, 900, 1, "booked", "legal").await;
    let mut officer = StaffBrowser::login(&app, OFFICER_SERANG).await;
    let page = officer.get(&format!("/staff/monitor/{}", id.0)).await;
    assert!(page.has("tanpa suara"), "{}", page.body);
    let (page, _) = monitor_offer(&app, &mut officer, id.0).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let e = app
        .db
        .audit_events(None, 100_000)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "visit.monitor" && e.target_id == id.0.to_string())
        .unwrap();
    assert_eq!(e.detail["legal"], true);
    assert_eq!(e.detail["audio"], false);
    let rooms = app.sfu.rooms().await;
    assert!(
        rooms
            .iter()
            .find(|r| r.id == id.0.to_string())
            .unwrap()
            .legal
    );
    app.stop().await;
}
