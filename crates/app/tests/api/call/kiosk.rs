//! The booth kiosk: a new device shows a pairing code, an administrator binds it to a booth,
//! then its device token (cookie) lets it join only its booth's visits; revoked, it is
//! unknown again.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{offer, post_json, visit};
use crate::helpers::{TestApp, spawn_app};
use crate::staff::{ADMIN_SERANG, OPERATOR_SERANG, StaffBrowser};

/// A new kiosk: (cookie header, pairing code).
pub async fn new_kiosk(app: &TestApp) -> (String, String) {
    let res = app
        .client
        .get(format!("{}/kiosk", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Path=/kiosk"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_string();
    let body = res.text().await.unwrap();
    let i = body.find("id=\"pairing-code\">").unwrap() + "id=\"pairing-code\">".len();
    let code = body[i..i + body[i..].find('<').unwrap()].to_string();
    assert_eq!(code.len(), 6, "{code}");
    (cookie, code)
}

async fn state(app: &TestApp, cookie: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .get(format!("{}/kiosk/state", app.url))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let s = res.status();
    (s, res.json().await.unwrap_or(Value::Null))
}

/// Pairs a kiosk to the Serang booth number `booth` as its administrator.
pub async fn pair(app: &TestApp, code: &str, booth: usize) {
    let f = app
        .db
        .facility(&jenguk_domain::FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let booth = app.db.booths(f.id).await.unwrap()[booth - 1]
        .id
        .0
        .to_string();
    let mut admin = StaffBrowser::login(app, ADMIN_SERANG).await;
    let page = admin
        .post(
            "/staff/kiosks/pair",
            &[("code", &code.to_lowercase()), ("booth", &booth)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[tokio::test]
async fn a_kiosk_is_paired_then_joins_only_its_booths_visits() {
    let app = spawn_app().await;
    let (cookie, code) = new_kiosk(&app).await;
    let (s, st) = state(&app, &cookie).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(st["paired"], false);
    assert_eq!(st["pairing_code"], code.as_str());

    // Bad input: a wrong code, a booth of another facility; an operator may not pair.
    let mut admin = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let page = admin
        .post("/staff/kiosks/pair", &[("code", "ZZZZZZ"), ("booth", "1")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has("pair-error"));
    let mk = app
        .db
        .facility(&jenguk_domain::FacilityCode::parse("LAPAS-MAKASSAR").unwrap())
        .await
        .unwrap();
    let mk_booth = app.db.booths(mk.id).await.unwrap()[0].id.0.to_string();
    let page = admin
        .post(
            "/staff/kiosks/pair",
            &[("code", &code), ("booth", &mk_booth)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut operator = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let page = operator
        .post("/staff/kiosks/pair", &[("code", &code), ("booth", "1")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        state(&app, &cookie).await.1["paired"],
        false,
        "nothing paired"
    );

    pair(&app, &code, 1).await;
    let (mine, _) = visit(&app, "RUTAN-SERANG", -30, 900, 1, "booked", "family").await;
    let (theirs, _) = visit(&app, "RUTAN-SERANG", -30, 900, 2, "booked", "family").await;
    let (s, st) = state(&app, &cookie).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["paired"], true);
    assert_eq!(st["booth"], "Bilik 1");
    assert_eq!(st["next"]["visit_id"], mine.0);
    assert_eq!(st["next"]["open"], true);
    // The inmate's name, never the family's.
    let v = app.db.visit_by_id(mine).await.unwrap();
    let inmate = app.db.inmate(v.visit.inmate_id).await.unwrap();
    let visitor = app.db.visitor(v.visit.visitor_id).await.unwrap();
    let text = st.to_string();
    assert!(text.contains(inmate.name.as_str()), "{text}");
    assert!(!text.contains(visitor.name.as_str()), "{text}");
    let kiosks = app.db.kiosks(v.visit.facility_id).await.unwrap();
    assert!(
        kiosks[0].last_seen_at.is_some(),
        "the poll is the heartbeat"
    );
    let audit = app.db.audit_events(None, 100_000).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "kiosk.pair"));

    let kiosk_offer = |visit: i64| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            post_json(
                app,
                "/kiosk/offer",
                json!({ "sdp": offer(false), "visit_id": visit }),
                &[("cookie", &cookie)],
            )
            .await
        }
    };
    let (s, b) = kiosk_offer(theirs.0).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert_eq!(b["error"], "wrong_booth");
    let (s, b) = kiosk_offer(mine.0).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Without the cookie: unknown.
    let (s, b) = post_json(
        &app,
        "/kiosk/offer",
        json!({ "sdp": offer(false), "visit_id": mine.0 }),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");

    // Revoked: the token stops working at once.
    app.db
        .revoke_kiosk(
            kiosks[0].id,
            &jenguk_storage::AuditEvent::cli(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(state(&app, &cookie).await.0, StatusCode::UNAUTHORIZED);
    let (s, _) = kiosk_offer(mine.0).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn pairing_a_new_kiosk_replaces_the_booths_old_one() {
    let app = spawn_app().await;
    let (old, code) = new_kiosk(&app).await;
    pair(&app, &code, 1).await;
    let (new, code) = new_kiosk(&app).await;
    pair(&app, &code, 1).await;
    assert_eq!(state(&app, &old).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(state(&app, &new).await.1["paired"], true);
    app.stop().await;
}
