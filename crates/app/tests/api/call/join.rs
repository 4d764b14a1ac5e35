//! The family joins with the visit code, only in its window; everything else is refused with
//! a translated JSON error (the offer) or page (the join page).

use reqwest::StatusCode;

use super::{family_offer, visit};
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_family_joins_in_the_window_and_gets_an_answer() {
    let app = spawn_app().await;
    let (id, code) = visit(&app, "RUTAN-SERANG", -60, 900, 1, "booked", "family").await;
    let (s, b) = family_offer(&app, code.as_str(), "10.1.0.1").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["sdp"].as_str().unwrap().contains("a=ice-lite"), "{b}");
    let ends = b["ends_at"].as_i64().unwrap();
    let v = app.db.visit_by_id(id).await.unwrap();
    assert_eq!(ends, v.visit.end.as_millisecond());
    // The page holds the call and its script.
    let page = reqwest::get(format!("{}/join/{}", app.url, code.as_str()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"call\"") && page.contains("/call/family.js?v="),
        "{page}"
    );
    assert!(page.contains("aria-pressed=\"false\""));
    // Five minutes early is fine too (to try the camera).
    let (_, early) = visit(&app, "RUTAN-SERANG", 240, 900, 2, "checked_in", "family").await;
    let (s, b) = family_offer(&app, early.as_str(), "10.1.0.1").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    app.stop().await;
}

#[tokio::test]
async fn wrong_early_late_and_cancelled_joins_are_refused() {
    let app = spawn_app().await;
    let ip = "10.1.0.2";
    // A wrong code.
    let (s, b) = family_offer(&app, "ZZZZ-ZZZZ", ip).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert_eq!(b["error"], "visit_not_found");
    assert!(b["message"].as_str().unwrap().contains("tidak ditemukan"));
    // Early: more than five minutes before the start.
    let (_, early) = visit(&app, "RUTAN-SERANG", 3600, 900, 1, "booked", "family").await;
    let (s, b) = family_offer(&app, early.as_str(), ip).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert_eq!(b["error"], "call_too_early");
    let page = reqwest::get(format!("{}/join/{}", app.url, early.as_str()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("id=\"call\""), "no call before the window");
    // After the end.
    let (_, late) = visit(&app, "RUTAN-SERANG", -1000, 900, 2, "booked", "family").await;
    let (s, b) = family_offer(&app, late.as_str(), ip).await;
    assert_eq!(s, StatusCode::GONE, "{b}");
    assert_eq!(b["error"], "call_ended");
    let res = app
        .client
        .get(format!("{}/join/{}", app.url, late.as_str()))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("This visit has ended") && !page.contains("id=\"call\""));
    // Cancelled, right time.
    let (_, cancelled) = visit(&app, "RUTAN-SERANG", -60, 900, 3, "cancelled", "family").await;
    let (s, b) = family_offer(&app, cancelled.as_str(), ip).await;
    assert_eq!(s, StatusCode::GONE, "{b}");
    assert_eq!(b["error"], "call_cancelled");
    // Not yet confirmed.
    let (_, requested) = visit(&app, "RUTAN-SERANG", -60, 900, 4, "requested", "family").await;
    let (s, b) = family_offer(&app, requested.as_str(), ip).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    // In English on request.
    let (s, b) = super::post_json(
        &app,
        &format!("/join/{}/offer", early.as_str()),
        serde_json::json!({ "sdp": super::offer(false) }),
        &[("x-forwarded-for", ip), ("accept-language", "en")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        b["message"].as_str().unwrap().contains("5 minutes before"),
        "{b}"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_offer_from_another_site_or_garbage_is_refused() {
    let app = spawn_app().await;
    let (_, code) = visit(&app, "RUTAN-SERANG", -60, 900, 1, "booked", "family").await;
    let res = app
        .client
        .post(format!("{}/join/{}/offer", app.url, code.as_str()))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({ "sdp": super::offer(false) }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (s, b) = super::post_json(
        &app,
        &format!("/join/{}/offer", code.as_str()),
        serde_json::json!({ "sdp": "v=0 not an offer" }),
        &[("x-forwarded-for", "10.1.0.3")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"], "bad_offer");
    app.stop().await;
}

#[tokio::test]
async fn wrong_codes_on_the_offer_count_on_the_join_pages_limiter() {
    let app = spawn_app().await;
    let (_, code) = visit(&app, "RUTAN-SERANG", -60, 900, 1, "booked", "family").await;
    let ip = "10.1.0.4";
    for i in 0..jenguk_web::family::join::MAX_WRONG {
        let (s, _) = family_offer(&app, &format!("ZZZZ{i:04}"), ip).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    // Now even the right code is refused from that address, on the offer and the page.
    let (s, b) = family_offer(&app, code.as_str(), ip).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
    let res = app
        .client
        .get(format!("{}/join/{}", app.url, code.as_str()))
        .header("x-forwarded-for", ip)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let (s, _) = family_offer(&app, code.as_str(), "10.1.0.5").await;
    assert_eq!(s, StatusCode::OK);
    app.stop().await;
}
