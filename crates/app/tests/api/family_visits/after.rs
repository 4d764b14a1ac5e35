//! After booking: the survey once a visit is over, the join page's limit on wrong codes,
//! and "my data" (export, deletion).

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{Outcome, UserId, VisitStatus};
use jenguk_storage::AuditEvent;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, SET_COOKIE};

use super::{anon_join, family_with_visit};

#[tokio::test]
async fn a_completed_visit_is_rated_once() {
    let (app, _w, f, code, start) = family_with_visit().await;
    let path = format!("/kunjungan/{}", code.as_str());

    let r = f.get(&format!("{path}/nilai")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "not before the visit");
    assert!(r.body.contains("setelah kunjungan"), "{}", r.body);

    // Staff run the visit (at its time).
    let staff = Actor::Staff(UserId(1));
    let who = AuditEvent::default();
    let at = |mins: i64| {
        start
            .checked_add(jiff::SignedDuration::from_mins(mins))
            .unwrap()
    };
    for (action, t) in [
        (VisitAction::CheckIn, at(-5)),
        (VisitAction::Start, at(0)),
        (VisitAction::Record(Outcome::Completed), at(15)),
    ] {
        app.db
            .transition_visit(&code, action, staff, None, &who, t)
            .await
            .unwrap();
    }

    let list = f.get("/kunjungan").await;
    assert!(
        list.body.contains(&format!("{path}/nilai")),
        "{}",
        list.body
    );
    let page = f.get(&format!("{path}/nilai")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.body.matches("type=\"radio\"").count(),
        16,
        "4 elements × 4"
    );
    assert!(page.body.contains("Sangat baik") && page.body.contains("Tidak baik"));

    let r = f
        .post(
            &format!("{path}/nilai"),
            &[("s1", "4"), ("s2", "3"), ("s3", "4"), ("comment", "Lancar")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one element missing"
    );
    assert!(r.body.contains("Pilih satu jawaban"), "{}", r.body);
    assert!(r.body.contains("Lancar"), "the comment is kept");

    let form = [
        ("s1", "4"),
        ("s2", "3"),
        ("s3", "4"),
        ("s4", "2"),
        ("comment", "Suara putus-putus"),
    ];
    let r = f.post(&format!("{path}/nilai"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{path}?done=rated"));
    let v = app.db.visit_by_code(&code).await.unwrap();
    let rating = app.db.visit_rating(v.visit.id).await.unwrap().unwrap();
    assert_eq!(rating.scores, [4, 3, 4, 2]);
    assert_eq!(rating.comment.as_deref(), Some("Suara putus-putus"));

    // Once: a second send changes nothing.
    let r = f
        .post(
            &format!("{path}/nilai"),
            &[("s1", "1"), ("s2", "1"), ("s3", "1"), ("s4", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rating = app.db.visit_rating(v.visit.id).await.unwrap().unwrap();
    assert_eq!(rating.scores, [4, 3, 4, 2]);
    let page = f.get(&path).await;
    assert!(page.body.contains("sudah memberi penilaian"));
    assert!(
        !page.body.contains("<svg"),
        "no QR for a visit that is over"
    );
    let r = anon_join(&app, &code).await;
    assert!(r.contains("sudah berakhir"), "{r}");
    app.stop().await;
}

#[tokio::test]
async fn wrong_join_codes_are_limited_per_address() {
    let (app, _w, _f, code, _) = family_with_visit().await;
    let anon = reqwest::Client::new();
    for i in 0..20 {
        let r = anon
            .get(format!("{}/join/ZZZZ{:04}", app.url, i))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let html = r.text().await.unwrap();
        assert!(html.contains("tidak ditemukan"), "{html}");
    }
    let r = anon
        .get(format!("{}/join/not-a-code", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());
    assert!(r.text().await.unwrap().contains("Terlalu banyak"));
    // Even a right code waits: the address is guessing.
    let r = anon
        .get(format!("{}/join/{}", app.url, code.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}

#[tokio::test]
async fn my_data_is_shown_exported_and_deleted() {
    let (app, _w, f, code, _) = family_with_visit().await;

    let page = f.get("/data-saya").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Pengunjung 0"));
    assert!(page.body.contains("3171********"), "NIK masked");
    assert!(page.body.contains(&code.to_string()));
    assert!(page.body.contains("Warga Binaan 0"));

    let json = f.get("/data-saya.json").await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(
        json.headers[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let x: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(x["visitor"]["name"], "Pengunjung 0");
    assert!(x["visitor"]["nik"].as_str().unwrap().contains('*'));
    assert_eq!(x["visits"][0]["code"], code.to_string());
    assert_eq!(x["links"][0]["status"], "approved");

    // Without the confirmation box: nothing happens.
    let r = f.post("/data-saya/hapus", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Centang"), "{}", r.body);
    assert!(app.db.visitor(f.visitor).await.is_ok());

    let r = f.post("/data-saya/hapus", &[("confirm", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/?"), "{}", r.location());
    let cookie = r.headers[SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("jenguk_session=;") && cookie.contains("Max-Age=0"));
    assert!(
        app.db.visitor(f.visitor).await.is_err(),
        "the visitor is gone"
    );
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(
        v.visit.status,
        VisitStatus::Cancelled,
        "future visit cancelled"
    );
    // The old session no longer opens anything.
    let r = f.get("/kunjungan").await;
    assert!(r.status.is_redirection());
    assert!(r.location().starts_with("/masuk"));
    app.stop().await;
}
