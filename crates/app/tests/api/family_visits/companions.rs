//! Co-visitors on the booking form: named, checked, limited by the policy, forgotten with
//! the account.

use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::json;

use super::{code_of, family, values};
use crate::helpers::TestApp;

#[tokio::test]
async fn co_visitors_are_named_checked_and_limited_by_the_policy() {
    let (app, _w, f) = family().await;
    let path = format!("/pesan/{}", f.link);
    let none = |app: &TestApp| {
        let db = app.db.clone();
        let visitor = f.visitor;
        async move {
            db.visits_of_visitor(visitor, Timestamp::UNIX_EPOCH)
                .await
                .unwrap()
                .is_empty()
        }
    };

    // A bad name: the form again with the message next to the field, what was typed kept.
    let page = f.get(&path).await;
    let key = values(&page.body, "key").remove(0);
    let start = values(&page.body, "start").remove(0);
    let r = f
        .post(
            &path,
            &[
                ("key", &key),
                ("start", &start),
                ("c1_name", "Budi <b>"),
                ("c1_rel", "child"),
                ("c2_name", "Ani"),
                ("c2_rel", "sibling"),
                ("c2_nik", "12a4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("<!doctype html>"), "a page, not an error");
    assert!(r.body.contains(r#"id="c1-name-error""#), "{}", r.body);
    assert!(
        r.body.contains("tidak dapat dipakai dalam nama"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(r#"aria-invalid="true" aria-describedby="c1-name-error""#)
    );
    assert!(r.body.contains(r#"id="c2-nik-error""#));
    assert!(r.body.contains("tepat 4 angka"));
    assert!(
        r.body.contains(r#"value="Budi &"#),
        "what was typed is kept, escaped"
    );
    assert!(r.body.contains(r#"value="Ani""#));
    assert!(r.body.contains(r#"value="sibling" selected"#));
    assert!(
        !r.body.contains(r#"id="c2-name-error""#),
        "a good field has no message"
    );
    assert!(none(&app).await, "nothing booked");

    // A relationship without a name is a mistake too.
    let key = values(&r.body, "key").remove(0);
    let r = f
        .post(
            &path,
            &[("key", &key), ("start", &start), ("c1_rel", "child")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Tulis nama lengkap pendamping ini"));
    assert!(none(&app).await, "nothing booked");

    // More co-visitors than the policy allows (3 people a visit): refused, nothing booked.
    let key = values(&r.body, "key").remove(0);
    let r = f
        .post(
            &path,
            &[
                ("key", &key),
                ("start", &start),
                ("c1_name", "Satu"),
                ("c1_rel", "child"),
                ("c2_name", "Dua"),
                ("c2_rel", "child"),
                ("c3_name", "Tiga"),
                ("c3_rel", "child"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("melebihi batas"), "{}", r.body);
    assert!(r.body.contains(r#"value="Tiga""#), "what was typed is kept");
    assert!(none(&app).await, "nothing booked");

    // Two co-visitors (an empty row between them is ignored): booked, shown on the visit.
    let key = values(&r.body, "key").remove(0);
    let r = f
        .post(
            &path,
            &[
                ("key", &key),
                ("start", &start),
                ("c1_name", "  Siti   Aminah "),
                ("c1_rel", "spouse"),
                ("c1_nik", "1234"),
                ("c2_name", ""),
                ("c2_rel", ""),
                ("c2_nik", ""),
                ("c3_name", "Budi Santoso"),
                ("c3_rel", "child"),
            ],
        )
        .await;
    // Three rows were sent but only two named: within the limit.
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let code = code_of(&r.location());
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(v.visit.people, 3);
    let stored = app.db.visit_companions(v.visit.id).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].name.as_str(), "Siti Aminah");
    assert_eq!(stored[0].nik_last4.as_deref(), Some("1234"));
    assert_eq!(stored[1].nik_last4, None);
    let page = f.get(&format!("/kunjungan/{}", code.as_str())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Yang ikut berkunjung"), "{}", page.body);
    assert!(
        page.body
            .contains("Siti Aminah (Suami atau istri, NIK berakhiran 1234)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Budi Santoso (Anak)"));
    assert!(page.body.contains("3 orang pengunjung"));

    // "My data" carries them; deleting the account leaves them nameless.
    let export = app.db.export_visitor(f.visitor).await.unwrap();
    assert_eq!(
        export["visits"][0]["companions"][0]["name"],
        json!("Siti Aminah")
    );
    app.db
        .delete_visitor(f.visitor, Timestamp::now())
        .await
        .unwrap();
    let gone = app.db.visit_companions(v.visit.id).await.unwrap();
    assert!(
        gone.iter()
            .all(|c| c.name.as_str() == "-" && c.nik_last4.is_none())
    );
}
