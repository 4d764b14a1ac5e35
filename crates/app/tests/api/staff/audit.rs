//! Staff accounts, facilities and the audit trail pages.

use reqwest::StatusCode;

use super::login::audited;
use super::{ADMIN_SERANG, NATIONAL, OPERATOR_MAKASSAR, OPERATOR_SERANG, StaffBrowser};
use crate::helpers::spawn_app;

fn user_id(page: &super::Page, username: &str) -> String {
    let row = &page.body[page
        .body
        .find(&format!("id=\"user-{username}\""))
        .unwrap_or_else(|| panic!("no {username} in {}", page.body))..];
    let i = row.find("/staff/users/").unwrap() + "/staff/users/".len();
    row[i..].split('/').next().unwrap().to_string()
}

#[tokio::test]
async fn a_facility_administrator_creates_deactivates_and_resets_its_staff() {
    let app = spawn_app().await;
    let mut admin = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let page = admin.get("/staff/users").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("operator.serang") && !page.has("operator.makassar"));
    assert!(
        !page.has("value=\"facility_admin\""),
        "may not create admins"
    );
    // Bad input: a clear message, nothing created.
    let before = audited(&app, "user.create").await;
    for (form, msg) in [
        (
            ["Bad Name!", "officer", "temporary-pass-1"],
            "nama pengguna",
        ),
        (["officer.baru", "officer", "short"], "minimal 10 karakter"),
        (["officer.baru", "", "temporary-pass-1"], "Pilih peran"),
    ] {
        let p = admin
            .post(
                "/staff/users",
                &[
                    ("username", form[0]),
                    ("role", form[1]),
                    ("password", form[2]),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{msg}");
        assert!(
            p.body.to_lowercase().contains(&msg.to_lowercase()),
            "{msg}: {}",
            p.body
        );
    }
    assert_eq!(audited(&app, "user.create").await, before);
    // A facility administrator can't create an administrator (refused and audited).
    let p = admin
        .post(
            "/staff/users",
            &[
                ("username", "admin.baru"),
                ("role", "national_admin"),
                ("password", "temporary-pass-1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = admin
        .post(
            "/staff/users",
            &[
                ("username", "officer.baru"),
                ("role", "officer"),
                ("password", "temporary-pass-1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = admin.follow(&p).await;
    assert!(page.has("Akun sudah dibuat"), "{}", page.body);
    let id = user_id(&page, "officer.baru");
    let mut officer = StaffBrowser::login(&app, ("officer.baru", "temporary-pass-1")).await;
    // Deactivate: its session ends and it cannot log in.
    let p = admin
        .post(&format!("/staff/users/{id}/active"), &[("active", "0")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(officer.get("/staff").await.status, StatusCode::SEE_OTHER);
    let mut b = StaffBrowser::new(&app);
    let p = b
        .post_raw(
            "/staff/login",
            &[
                ("username", "officer.baru"),
                ("password", "temporary-pass-1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    admin
        .post(&format!("/staff/users/{id}/active"), &[("active", "1")])
        .await;
    // A temporary password.
    let p = admin
        .post(
            &format!("/staff/users/{id}/password"),
            &[("password", "another-temp-22")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    StaffBrowser::login(&app, ("officer.baru", "another-temp-22")).await;
    // Another facility's staff are not its to manage (refused, audited, unchanged).
    let other = app
        .db
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == OPERATOR_MAKASSAR.0)
        .unwrap();
    let denied = audited(&app, "staff.denied").await;
    let p = admin
        .post(
            &format!("/staff/users/{}/active", other.id.0),
            &[("active", "0")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(audited(&app, "staff.denied").await, denied + 1);
    assert_eq!(audited(&app, "user.deactivate").await, 1);
    assert_eq!(audited(&app, "user.reactivate").await, 1);
    assert_eq!(audited(&app, "user.reset_password").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn the_national_administrator_resets_a_second_factor_and_creates_a_facility() {
    let app = spawn_app().await;
    StaffBrowser::login(&app, ADMIN_SERANG).await; // enrols
    let mut n = StaffBrowser::login(&app, NATIONAL).await;
    let page = n.get("/staff/users").await;
    assert!(page.has("value=\"facility_admin\""), "{}", page.body);
    let id = user_id(&page, "admin.serang");
    let p = n.post(&format!("/staff/users/{id}/totp"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // admin.serang enrols again at its next login (the helper reads the new secret).
    let old = super::totp_secret(&app, ADMIN_SERANG.0);
    StaffBrowser::login(&app, ADMIN_SERANG).await;
    assert_ne!(super::totp_secret(&app, ADMIN_SERANG.0), old);
    assert_eq!(audited(&app, "user.reset_totp").await, 1);

    // Facilities: bad input names the problem and creates nothing.
    let before = app.db.facilities().await.unwrap().len();
    let p = n
        .post(
            "/staff/facilities",
            &[
                ("code", "bad code!"),
                ("name", "Lapas Baru"),
                ("kind", "lapas"),
                ("province", "Papua"),
                ("zone", "Asia/Jayapura"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.has("RUTAN-SERANG"), "{}", p.body);
    assert_eq!(app.db.facilities().await.unwrap().len(), before);
    let p = n
        .post(
            "/staff/facilities",
            &[
                ("code", "LAPAS-BARU"),
                ("name", "Lapas Baru"),
                ("kind", "lapas"),
                ("class", "III"),
                ("province", "Papua"),
                ("zone", "Asia/Jayapura"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = n.follow(&p).await;
    assert!(page.has("LAPAS-BARU") && page.has("WIT"), "{}", page.body);
    let p = n
        .post(
            "/staff/facilities",
            &[
                ("code", "LAPAS-BARU"),
                ("name", "Lapas Baru"),
                ("kind", "lapas"),
                ("province", "Papua"),
                ("zone", "Asia/Jayapura"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "taken code");
    app.stop().await;
}

#[tokio::test]
async fn the_audit_trail_filters_exports_csv_and_stays_in_the_facility() {
    let app = spawn_app().await;
    StaffBrowser::login(&app, OPERATOR_SERANG).await;
    StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    let mut admin = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let page = admin
        .get("/staff/audit?action=auth.login&user=operator.serang")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has("operator.serang"), "{}", page.body);
    assert!(!page.has("operator.makassar"), "another facility's events");
    assert!(!page.has("auth.totp"), "filtered by action");
    // Facility scope: a Makassar user's events stay hidden even when asked for.
    let page = admin
        .get("/staff/audit?user=operator.makassar&facility=LAPAS-MAKASSAR")
        .await;
    assert!(page.has("id=\"audit-empty\""), "{}", page.body);
    // Dates are checked.
    let bad = admin.get("/staff/audit?from=2026-13-45").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // CSV: the same filter, a header, a byte-order mark; the export is itself audited.
    let res = admin
        .get("/staff/audit.csv?action=auth.login&user=operator.serang")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = res.body.strip_prefix('\u{feff}').expect("BOM");
    let mut r = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        r.headers().unwrap(),
        vec![
            "at",
            "user",
            "facility",
            "action",
            "target_type",
            "target_id",
            "detail",
            "source"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(&row[1], "operator.serang");
        assert_eq!(&row[2], "RUTAN-SERANG");
        assert!(row[3].starts_with("auth.login"), "{row:?}");
        assert!(row[0].ends_with("+07:00"), "{row:?}");
    }
    assert_eq!(audited(&app, "audit.export").await, 1);
    // The national administrator sees every facility, or the one chosen.
    let mut n = StaffBrowser::login(&app, NATIONAL).await;
    // A typed username lands in the trail as typed; the export never hands a spreadsheet a
    // formula.
    let mut guess = StaffBrowser::new(&app);
    guess
        .post_raw(
            "/staff/login",
            &[("username", "=HYPERLINK(\"x\")"), ("password", "x")],
        )
        .await;
    let res = n.get("/staff/audit.csv?action=auth.login_failed").await;
    let body = res.body.strip_prefix('\u{feff}').unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|x| x.unwrap())
        .collect();
    assert!(rows.iter().any(|r| &r[5] == "'=hyperlink(\"x\")"), "{body}");
    let all = n.get("/staff/audit?action=auth.login").await;
    assert!(all.has("operator.makassar") && all.has("operator.serang"));
    let one = n
        .get("/staff/audit?action=auth.login&facility=LAPAS-MAKASSAR")
        .await;
    assert!(one.has("operator.makassar") && !one.has(">operator.serang<"));
    assert!(one.has("WITA"), "times in the facility's zone");
    // No route changes the trail.
    for path in ["/staff/audit", "/staff/audit/1", "/staff/audit/1/delete"] {
        let p = n.post(path, &[]).await;
        assert!(
            p.status == StatusCode::METHOD_NOT_ALLOWED || p.status == StatusCode::NOT_FOUND,
            "{path}: {}",
            p.status
        );
    }
    app.stop().await;
}
