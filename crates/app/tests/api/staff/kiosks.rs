//! The booth kiosks page `/staff/kiosks`: online/offline from heartbeats, pairing, revoking.

use jenguk_domain::{BoothId, FacilityCode};
use jenguk_storage::{AuditEvent, KioskDevice};
use jenguk_web::staff::perm::Can;
use reqwest::StatusCode;

use super::matrix::{At, Case};
use super::{ADMIN_SERANG, OPERATOR_SERANG, StaffBrowser};
use crate::helpers::{TestApp, spawn_app};

async fn booths(app: &TestApp, facility: &str) -> Vec<BoothId> {
    let f = app
        .db
        .facility(&FacilityCode::parse(facility).unwrap())
        .await
        .unwrap();
    app.db
        .booths(f.id)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .collect()
}

/// A kiosk paired with a booth of the facility: its record and device token.
async fn paired_kiosk(app: &TestApp, facility: &str, booth: usize) -> (KioskDevice, String) {
    let now = jiff::Timestamp::now();
    let (k, token) = app.db.create_kiosk(now).await.unwrap();
    let booth = booths(app, facility).await[booth];
    let k = app
        .db
        .pair_kiosk(
            k.pairing_code.as_deref().unwrap(),
            booth,
            &AuditEvent::cli(),
            now,
        )
        .await
        .unwrap();
    (k, token)
}

/// Every route of the kiosk page, for the matrix (the pairing form's routes are in
/// `call::monitor::cases`).
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let (s, _) = paired_kiosk(app, "RUTAN-SERANG", 0).await;
    let (m, _) = paired_kiosk(app, "LAPAS-MAKASSAR", 0).await;
    vec![
        Case::get("/staff/kiosks", Can::Configure, At::Own),
        Case::post(
            &format!("/staff/kiosks/{}/revoke", s.id),
            &[],
            Can::Configure,
            At::Serang,
        ),
        Case::post(
            &format!("/staff/kiosks/{}/revoke", m.id),
            &[],
            Can::Configure,
            At::Makassar,
        ),
    ]
}

/// The status badge of a kiosk's row.
fn status_of(body: &str, kiosk: i64) -> &str {
    let row = &body[body.find(&format!("id=\"kiosk-{kiosk}\"")).unwrap()..];
    let i = row.find("data-online=\"").unwrap() + "data-online=\"".len();
    &row[i..i + row[i..].find('"').unwrap()]
}

#[tokio::test]
async fn the_kiosks_page_shows_online_and_offline_from_heartbeats() {
    let app = spawn_app().await;
    let (a, _) = paired_kiosk(&app, "RUTAN-SERANG", 0).await;
    let (b, _) = paired_kiosk(&app, "RUTAN-SERANG", 1).await;
    let (never, _) = paired_kiosk(&app, "RUTAN-SERANG", 2).await;
    let now = jiff::Timestamp::now();
    app.db
        .kiosk_heartbeat(
            a.id,
            now.checked_sub(jiff::SignedDuration::from_secs(10))
                .unwrap(),
        )
        .await
        .unwrap();
    app.db
        .kiosk_heartbeat(
            b.id,
            now.checked_sub(jiff::SignedDuration::from_secs(60))
                .unwrap(),
        )
        .await
        .unwrap();
    let mut admin = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let page = admin.get("/staff/kiosks").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(status_of(&page.body, a.id), "true");
    assert_eq!(status_of(&page.body, b.id), "false");
    assert_eq!(status_of(&page.body, never.id), "false");
    assert!(page.has("Daring") && page.has("Luring"));
    assert!(
        page.has("action=\"/staff/kiosks/pair\""),
        "the pairing form"
    );
    // A Makassar kiosk is not on Serang's page.
    let (m, _) = paired_kiosk(&app, "LAPAS-MAKASSAR", 0).await;
    let page = admin.get("/staff/kiosks").await;
    assert!(!page.has(&format!("id=\"kiosk-{}\"", m.id)));
    // Operators do not configure kiosks.
    let mut op = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    assert_eq!(op.get("/staff/kiosks").await.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn pairing_from_the_kiosks_page_and_revoking_makes_the_token_useless() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let state = |token: String| {
        client
            .get(format!("{}/kiosk/state", app.url))
            .header("cookie", format!("jenguk_kiosk={token}"))
            .send()
    };
    let (k, token) = app.db.create_kiosk(jiff::Timestamp::now()).await.unwrap();
    let booth = booths(&app, "RUTAN-SERANG").await[0].0.to_string();
    let mut admin = StaffBrowser::login(&app, ADMIN_SERANG).await;
    // The old pairing address leads to the one page.
    let old = admin.get("/staff/kiosks/pair").await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    assert!(old.location().starts_with("/staff/kiosks"));

    let bad = admin
        .post(
            "/staff/kiosks/pair",
            &[("code", "ZZZZZZ"), ("booth", &booth)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let code = k.pairing_code.clone().unwrap();
    let page = admin
        .post("/staff/kiosks/pair", &[("code", &code), ("booth", &booth)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), "/staff/kiosks?paired=1");
    let page = admin.follow(&page).await;
    assert!(page.has(&format!("id=\"kiosk-{}\"", k.id)), "{}", page.body);
    assert_eq!(state(token.clone()).await.unwrap().status(), StatusCode::OK);

    let page = admin
        .post(&format!("/staff/kiosks/{}/revoke", k.id), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.follow(&page).await;
    assert!(page.has("Kios telah dicabut"), "{}", page.body);
    assert!(!page.has(&format!("id=\"kiosk-{}\"", k.id)));
    assert!(app.db.kiosk_by_token(&token).await.unwrap().is_none());
    assert_eq!(
        state(token.clone()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let audited = app
        .db
        .audit_events(None, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .any(|e| e.action == "kiosk.revoke" && e.target_id == k.id.to_string());
    assert!(audited);
    // Twice is refused, with a message, and writes nothing.
    let again = admin
        .post(&format!("/staff/kiosks/{}/revoke", k.id), &[])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.has("sudah dicabut"));
    assert_eq!(
        admin.post("/staff/kiosks/999999/revoke", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}
