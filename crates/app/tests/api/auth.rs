//! Tokens, roles and facility scope.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn tokens_are_issued_for_right_passwords_only() {
    let app = spawn_app().await;
    let token = app.operator().await;
    let (s, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["username"], "operator.serang");
    assert_eq!(me["facility"], "RUTAN-SERANG");

    for (u, p) in [
        ("operator.serang", "wrong-password"),
        ("nobody", "demo-operator-2026"),
    ] {
        let (s, b) = app
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": u, "password": p}),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        assert_eq!(b["error"], "bad_credentials");
    }
    let (s, b) = app.get("/api/v1/facilities", None).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("missing_token"))
    );
    let (s, b) = app.get("/api/v1/facilities", Some("not-a-token")).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
    app.stop().await;
}

#[tokio::test]
async fn roles_and_facilities_are_enforced_and_a_denial_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let operator = app.operator().await;
    let officer = app.token("officer.serang", "demo-officer-2026").await;
    let makassar = app.token("operator.makassar", "demo-makassar-2026").await;

    // Scope: a national admin sees three facilities, a facility's staff only theirs.
    let (_, all) = app.get("/api/v1/facilities", Some(&admin)).await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    let (_, own) = app.get("/api/v1/facilities", Some(&operator)).await;
    assert_eq!(own.as_array().unwrap().len(), 1);
    assert_eq!(own[0]["code"], "RUTAN-SERANG");
    let (s, b) = app
        .get("/api/v1/facilities/RUTAN-SERANG/slots", Some(&makassar))
        .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("other_facility"))
    );

    // Roles: an officer cannot add inmates; an operator cannot add templates or facilities.
    let before = app
        .db
        .search_inmates(
            app.db.facilities().await.unwrap()[2].id,
            &jenguk_storage::InmateSearch {
                query: None,
                limit: 200,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .len();
    let (s, b) = app
        .post(
            "/api/v1/facilities/RUTAN-SERANG/inmates",
            Some(&officer),
            json!({"reg_number": "B.I 999/2026", "name": "Tidak Boleh", "status": "narapidana"}),
        )
        .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (s, _) = app
        .post(
            "/api/v1/facilities/RUTAN-SERANG/templates",
            Some(&operator),
            json!({"weekday": 1, "start": "08:00", "end": "09:00", "capacity": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            "/api/v1/facilities",
            Some(&operator),
            json!({"code": "LAPAS-X", "name": "X", "kind": "lapas", "time_zone": "Asia/Jakarta"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            "/api/v1/facilities/RUTAN-SERANG/inmates",
            Some(&makassar),
            json!({"reg_number": "B.I 998/2026", "name": "Tidak Boleh", "status": "narapidana"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let after = app
        .db
        .search_inmates(
            app.db.facilities().await.unwrap()[2].id,
            &jenguk_storage::InmateSearch {
                query: None,
                limit: 200,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .len();
    assert_eq!(before, after, "a denied request wrote something");
    assert_eq!(app.db.facilities().await.unwrap().len(), 3);

    // An officer may read the day's visits but not book.
    let (s, _) = app
        .get("/api/v1/facilities/RUTAN-SERANG/visits", Some(&officer))
        .await;
    assert_eq!(s, StatusCode::OK);

    // The audit trail: admins only; every write above that succeeded is in it.
    let (s, _) = app.get("/api/v1/audit", Some(&operator)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, rows) = app.get("/api/v1/audit?limit=1000", Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    let actions: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"visit.book") && actions.contains(&"auth.token"),
        "{actions:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn staff_accounts_follow_the_role_hierarchy() {
    let app = spawn_app().await;
    let fadmin = app.token("admin.serang", "demo-serang-2026").await;
    let (s, b) = app
        .post(
            "/api/v1/users",
            Some(&fadmin),
            json!({"username": "operator2.serang", "password": "long-enough-pw", "role": "operator", "facility": "RUTAN-SERANG"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    app.token("operator2.serang", "long-enough-pw").await;
    // A facility admin cannot create a national admin, nor staff of another facility.
    let (s, _) = app
        .post(
            "/api/v1/users",
            Some(&fadmin),
            json!({"username": "boss", "password": "long-enough-pw", "role": "national_admin"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            "/api/v1/users",
            Some(&fadmin),
            json!({"username": "op.mks", "password": "long-enough-pw", "role": "operator", "facility": "LAPAS-MAKASSAR"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .post(
            "/api/v1/users",
            Some(&fadmin),
            json!({"username": "op3", "password": "short", "role": "operator", "facility": "RUTAN-SERANG"}),
        )
        .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("password_too_short"))
    );
    app.stop().await;
}
