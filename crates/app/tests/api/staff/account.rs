//! "My account": log out everywhere, the password change, an optional second factor, and the
//! facility setting that makes it mandatory for operators; plus the matrix cases of the
//! login, account, staff, facility and audit pages.

use jenguk_storage::{AuditEvent, Role};
use jenguk_web::staff::perm::Can;
use reqwest::StatusCode;

use super::login::audited;
use super::matrix::{At, Case};
use super::{ADMIN_SERANG, OPERATOR_SERANG, StaffBrowser};
use crate::helpers::{TestApp, spawn_app};

#[tokio::test]
async fn log_out_everywhere_ends_every_session_of_the_user() {
    let app = spawn_app().await;
    let mut a = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let mut admin = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let page = a.get("/staff/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("/staff/account/logout-all"), "{}", page.body);
    let p = a.post("/staff/account/logout-all", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/staff/login?done=logout_all");
    assert_eq!(a.get("/staff").await.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/staff").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        admin.get("/staff").await.status,
        StatusCode::OK,
        "another user"
    );
    assert_eq!(audited(&app, "auth.logout_all").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_checks_the_rules_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    let mut a = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    assert_eq!(
        a.get("/staff/account/password").await.status,
        StatusCode::OK
    );
    let cur = OPERATOR_SERANG.1;
    for (form, msg) in [
        (
            ["not-the-password", "new-password-1", "new-password-1"],
            "Kata sandi saat ini salah",
        ),
        (
            [cur, "new-password-1", "new-password-2"],
            "Kedua kata sandi baru tidak sama",
        ),
        ([cur, "short", "short"], "minimal 10 karakter"),
        (
            [cur, "operator.serang", "operator.serang"],
            "tidak boleh sama dengan nama pengguna",
        ),
    ] {
        let p = a
            .post(
                "/staff/account/password",
                &[("current", form[0]), ("new", form[1]), ("confirm", form[2])],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{msg}");
        assert!(p.has(msg), "{msg}: {}", p.body);
    }
    assert_eq!(audited(&app, "auth.password_changed").await, 0);
    let p = a
        .post(
            "/staff/account/password",
            &[
                ("current", cur),
                ("new", "a-brand-new-secret"),
                ("confirm", "a-brand-new-secret"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(a.follow(&p).await.has("Kata sandi Anda sudah diganti"));
    assert_eq!(audited(&app, "auth.password_changed").await, 1);
    assert_eq!(
        b.get("/staff").await.status,
        StatusCode::SEE_OTHER,
        "other session"
    );
    let mut c = StaffBrowser::new(&app);
    let old = c
        .post_raw(
            "/staff/login",
            &[("username", OPERATOR_SERANG.0), ("password", cur)],
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    StaffBrowser::login(&app, (OPERATOR_SERANG.0, "a-brand-new-secret")).await;
    app.stop().await;
}

#[tokio::test]
async fn an_operator_may_turn_on_a_second_factor_and_a_facility_may_require_it() {
    let app = spawn_app().await;
    let mut op = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let acct = op.get("/staff/account").await;
    assert!(acct.has("/staff/account/totp"), "{}", acct.body);
    let enrol = op.get("/staff/account/totp").await;
    let secret = enrol.totp_secret();
    let wrong = op.post("/staff/account/totp", &[("code", "99999")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    super::remember_totp_secret(&app, OPERATOR_SERANG.0, &secret);
    let code = super::totp_code(&app, OPERATOR_SERANG.0).await;
    let ok = op.post("/staff/account/totp", &[("code", &code)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    // Its next login asks for a code (the helper types it).
    let mut again = StaffBrowser::new(&app);
    let p = again
        .post_raw(
            "/staff/login",
            &[
                ("username", OPERATOR_SERANG.0),
                ("password", OPERATOR_SERANG.1),
            ],
        )
        .await;
    assert!(p.location().starts_with("/staff/login/totp"));
    StaffBrowser::login(&app, OPERATOR_SERANG).await;

    // The facility administrator makes it mandatory for operators: a new operator enrols.
    let mut admin = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let p = admin.post("/staff/users/totp-policy", &[("on", "1")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(admin.follow(&p).await.has("checked"));
    let serang = app
        .db
        .facility(&jenguk_domain::FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    assert!(app.db.operators_need_totp(serang.id).await.unwrap());
    app.db
        .create_user(
            "operator.baru",
            "operator-baru-2026",
            Role::Operator,
            Some(serang.id),
            &AuditEvent::cli(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    let mut n = StaffBrowser::new(&app);
    n.post_raw(
        "/staff/login",
        &[
            ("username", "operator.baru"),
            ("password", "operator-baru-2026"),
        ],
    )
    .await;
    let p = n.get("/staff/login/totp").await;
    assert!(p.location().starts_with("/staff/login/enrol"), "{}", p.body);
    assert_eq!(audited(&app, "facility.operators_need_totp").await, 1);
    app.stop().await;
}

/// The matrix cases of this area: every route of login, account, staff accounts, facilities
/// and the audit trail. (`/staff/account/logout-all` ends the session the matrix uses; it
/// has its own test above.)
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let code = |c: &str| jenguk_domain::FacilityCode::parse(c).unwrap();
    let serang = app.db.facility(&code("RUTAN-SERANG")).await.unwrap();
    let makassar = app.db.facility(&code("LAPAS-MAKASSAR")).await.unwrap();
    let mk = |name: &'static str, f: jenguk_domain::FacilityId| async move {
        app.db
            .create_user(
                name,
                "matrix-password-1",
                Role::Operator,
                Some(f),
                &AuditEvent::cli(),
                jiff::Timestamp::now(),
            )
            .await
            .unwrap()
            .id
            .0
    };
    let s = mk("matrix.serang", serang.id).await;
    let m = mk("matrix.makassar", makassar.id).await;
    let mut v = vec![
        Case::get("/staff/login/totp", Can::SignedIn, At::Own),
        Case::get("/staff/login/enrol", Can::SignedIn, At::Own),
        Case::get("/staff/account", Can::SignedIn, At::Own),
        Case::get("/staff/account/password", Can::SignedIn, At::Own),
        Case::post(
            "/staff/account/password",
            &[
                ("current", "not-my-password"),
                ("new", "matrix-new-password"),
                ("confirm", "matrix-new-password"),
            ],
            Can::SignedIn,
            At::Own,
        ),
        Case::get("/staff/account/totp", Can::SignedIn, At::Own),
        Case::post(
            "/staff/account/totp",
            &[("code", "000000")],
            Can::SignedIn,
            At::Own,
        ),
        Case::get("/staff/users", Can::Configure, At::Own),
        Case::post(
            "/staff/users",
            &[
                ("username", "matrix.created"),
                ("role", "officer"),
                ("facility", "RUTAN-SERANG"),
                ("password", "matrix-password-2"),
            ],
            Can::Configure,
            At::Own,
        ),
        Case::post("/staff/users/totp-policy", &[], Can::Configure, At::Own),
        Case::get("/staff/facilities", Can::Nationwide, At::Own),
        Case::post(
            "/staff/facilities",
            &[
                ("code", "RUTAN-MATRIX"),
                ("name", "Rutan Matrix"),
                ("kind", "rutan"),
                ("class", "IIB"),
                ("province", "Banten"),
                ("zone", "Asia/Jakarta"),
            ],
            Can::Nationwide,
            At::Own,
        ),
        Case::get("/staff/audit", Can::Audit, At::Own),
        Case::get("/staff/audit?action=auth.&page=2", Can::Audit, At::Own),
        Case::get("/staff/audit.csv", Can::Audit, At::Own),
    ];
    for (id, at) in [(s, At::Serang), (m, At::Makassar)] {
        v.push(Case::post(
            &format!("/staff/users/{id}/active"),
            &[("active", "1")],
            Can::Configure,
            at,
        ));
        v.push(Case::post(
            &format!("/staff/users/{id}/password"),
            &[("password", "matrix-temporary-1")],
            Can::Configure,
            at,
        ));
        v.push(Case::post(
            &format!("/staff/users/{id}/totp"),
            &[],
            Can::Configure,
            at,
        ));
    }
    v
}
