//! Bad input: a clear code, a translated message, and nothing changed.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn invalid_niks_phones_dates_and_json_change_nothing() {
    let app = spawn_app().await;
    let op = app.operator().await;
    let count = || async { app.db.visitors(None, 500).await.unwrap().len() };
    let before = count().await;
    let cases = [
        (
            json!({"name": "A", "nik": "31710117084500", "phone": "081234567890"}),
            "invalid_nik",
            "16",
        ),
        (
            json!({"name": "A", "nik": "9971011708450001", "phone": "081234567890"}),
            "invalid_nik",
            "provinsi",
        ),
        (
            json!({"name": "A", "nik": "3171013002001234", "phone": "081234567890"}),
            "invalid_nik",
            "lahir",
        ),
        (
            json!({"name": "A", "nik": "3171011708450002", "phone": "0215551234"}),
            "invalid_phone",
            "ponsel",
        ),
        (
            json!({"name": "A", "nik": "3171011708450002", "phone": "halo"}),
            "invalid_phone",
            "tidak dapat dibaca",
        ),
        (
            json!({"name": "", "nik": "3171011708450002", "phone": "081234567890"}),
            "invalid_name",
            "Nama",
        ),
    ];
    for (body, code, words) in cases {
        let (s, e) = app.post("/api/v1/visitors", Some(&op), body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {e}");
        assert_eq!(e["error"], code, "{body} → {e}");
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{body} → {e}"
        );
    }
    // A missing field, a wrong type and broken JSON.
    for raw in [
        r#"{"name": "A"}"#,
        r#"{"name": 5, "nik": "x", "phone": "y"}"#,
        "{not json",
    ] {
        let (s, e) = app.post_raw("/api/v1/visitors", Some(&op), raw, "id").await;
        assert_eq!(
            (s, e["error"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("malformed_json")),
            "{raw} → {e}"
        );
    }
    assert_eq!(
        count().await,
        before,
        "a refused request registered someone"
    );

    // Duplicates are conflicts, translated.
    let ok = json!({"name": "Dewi Lestari", "nik": "3171015708450001", "phone": "0812 1111 2222"});
    let (s, v) = app.post("/api/v1/visitors", Some(&op), ok.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["nik_masked"], "3171********0001");
    assert_eq!(v["phone"], "+6281211112222");
    let same_nik = json!({"name": "Dewi L", "nik": "3171015708450001", "phone": "0812 1111 3333"});
    let (s, e) = app.post("/api/v1/visitors", Some(&op), same_nik).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("nik_taken"))
    );
    let same_phone =
        json!({"name": "Dewi L", "nik": "3171015708450002", "phone": "+62 812-1111-2222"});
    let (s, e) = app.post("/api/v1/visitors", Some(&op), same_phone).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::CONFLICT, Some("phone_taken"))
    );
    assert!(e["message"].as_str().unwrap().contains("ponsel"), "{e}");
    let _ = ok;
    app.stop().await;
}

#[tokio::test]
async fn unknown_facility_bad_dates_and_unknown_routes_are_clear() {
    let app = spawn_app().await;
    let op = app.admin().await;
    let (s, e) = app
        .get("/api/v1/facilities/RUTAN-ENTAH/slots", Some(&op))
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("facility_not_found"))
    );
    let (s, e) = app
        .get("/api/v1/facilities/rutan serang!/slots", Some(&op))
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_facility_code")
        ),
        "{e}"
    );
    let (s, e) = app
        .get(
            "/api/v1/facilities/RUTAN-SERANG/slots?from=2026-02-30",
            Some(&op),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_date"))
    );
    let (s, e) = app
        .get(
            "/api/v1/facilities/RUTAN-SERANG/slots?from=2026-01-01&to=2026-06-01",
            Some(&op),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("date_range"))
    );
    let (s, e) = app.get("/api/v1/inmates/abc", Some(&op)).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_path"))
    );
    let (s, e) = app.get("/api/v1/nothing-here", Some(&op)).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("route_not_found"))
    );
    let (s, e) = app.get("/api/v1/visits", Some(&op)).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed"))
    );
    let (s, e) = app
        .post(
            "/api/v1/visits",
            Some(&op),
            json!({"facility": "RUTAN-SERANG", "start": "besok pagi", "inmate_id": 1, "visitor_id": 1}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_timestamp"))
    );
    let (s, e) = app
        .post(
            "/api/v1/facilities/RUTAN-SERANG/templates",
            Some(&op),
            json!({"weekday": 1, "start": "12:00", "end": "08:00", "capacity": 2}),
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("end_before_start")),
        "{e}"
    );
    app.stop().await;
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let app = spawn_app().await;
    let op = app.operator().await;
    let body = r#"{"name": "A", "nik": "123", "phone": "081234567890"}"#;
    let (_, id) = app
        .post_raw("/api/v1/visitors", Some(&op), body, "id-ID,id;q=0.9")
        .await;
    let (_, en) = app
        .post_raw("/api/v1/visitors", Some(&op), body, "en-GB,en;q=0.9")
        .await;
    assert_eq!(id["error"], en["error"]);
    assert_eq!(id["message"], "NIK harus 16 angka.");
    assert_eq!(en["message"], "A NIK has 16 digits.");
    app.stop().await;
}

#[tokio::test]
async fn health_metrics_openapi_and_the_home_page() {
    let app = spawn_app().await;
    let (s, b) = app.get("/healthz", None).await;
    assert_eq!((s, b["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, b) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    for path in [
        "/api/v1/visits",
        "/api/v1/auth/token",
        "/api/v1/facilities/{code}/slots",
        "/api/v1/links/{id}/approve",
    ] {
        assert!(b["paths"][path].is_object(), "{path} missing from OpenAPI");
    }
    let (s, home) = app.get("/", None).await;
    assert_eq!(s, StatusCode::OK);
    let home = home.as_str().unwrap();
    assert!(home.contains("<html lang=\"id\">") && home.contains("Rutan Kelas IIB Serang"));
    let (_, en) = app.get("/?lang=en", None).await;
    assert!(en.as_str().unwrap().contains("<html lang=\"en\">"));
    // The demo's outbox page exists only on a demo server.
    let (s, e) = app.get("/demo/outbox", None).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("route_not_found"))
    );
    let (s, m) = app.get("/metrics", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        m.as_str().unwrap().contains("jenguk_http_requests_total"),
        "{m}"
    );
    app.stop().await;
}
