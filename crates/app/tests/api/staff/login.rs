//! Console login and log-out: the password step, the second factor (enrolment, codes used
//! once), lockout with backoff.

use reqwest::StatusCode;
use sqlx::Connection;

use super::{
    ADMIN_SERANG, NATIONAL, OPERATOR_SERANG, StaffBrowser, current_step, remember_totp_secret,
    totp_at, totp_code,
};
use crate::helpers::{TestApp, spawn_app};

/// Runs SQL straight on the test's database (to move a lock into the past).
pub async fn sql(app: &TestApp, q: &str) {
    let q = sqlx::AssertSqlSafe(q.to_string());
    if app.database_url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::raw_sql(q).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::raw_sql(q).execute(&mut c).await.unwrap();
    }
}

/// How many audit events of this action there are.
pub async fn audited(app: &TestApp, action: &str) -> usize {
    app.db
        .audit_events(None, 1_000_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .count()
}

async fn password(b: &mut StaffBrowser, who: (&str, &str)) -> super::Page {
    b.post_raw("/staff/login", &[("username", who.0), ("password", who.1)])
        .await
}

#[tokio::test]
async fn a_console_page_without_a_session_sends_to_the_login_page() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::new(&app);
    let p = b.get("/staff?tab=x").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/staff/login?next=/staff%3Ftab%3Dx");
    let login = b.get("/staff/login").await;
    assert!(login.has("name=\"password\""), "{}", login.body);
    // A dead cookie: the login page says the session ended.
    b.cookies
        .insert("jenguk_staff".into(), "no-such-session".into());
    let login = b.get("/staff/login").await;
    assert!(login.has("Sesi Anda telah berakhir"), "{}", login.body);
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_log_out_ends_the_session() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::new(&app);
    let p = password(&mut b, (OPERATOR_SERANG.0, "wrong-password")).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    assert!(p.has("Nama pengguna atau kata sandi salah"), "{}", p.body);
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let out = b.post("/staff/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(audited(&app, "auth.logout").await, 1);
    let again = b.get("/staff").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "session still alive");
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_enrols_on_first_login_and_the_password_alone_never_opens_the_console() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::new(&app);
    let p = password(&mut b, ADMIN_SERANG).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(
        p.location().starts_with("/staff/login/totp"),
        "{}",
        p.location()
    );
    // Every console page sends a half-signed-in session to the code page…
    for path in ["/staff", "/staff/account", "/staff/users", "/staff/audit"] {
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(p.location(), "/staff/login/totp", "{path}");
    }
    let p = b.post_raw("/staff/account/logout-all", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // …which sends to the enrolment while none is set up.
    let p = b.get("/staff/login/totp").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().starts_with("/staff/login/enrol"));
    let enrol = b.get(p.location()).await;
    assert_eq!(enrol.status, StatusCode::OK);
    assert!(enrol.has("<svg"), "no QR code");
    let secret = enrol.totp_secret();
    assert_eq!(secret.len(), 32, "160-bit base32 secret: {secret}");
    // Reloading shows the same pending secret.
    let again = b.get("/staff/login/enrol").await;
    assert_eq!(again.totp_secret(), secret);
    let csrf = enrol.hidden("csrf");
    let wrong = b
        .post_raw("/staff/login/enrol", &[("csrf", &csrf), ("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.has("Kode salah"), "{}", wrong.body);
    assert_eq!(audited(&app, "auth.login_failed").await, 1);
    remember_totp_secret(&app, ADMIN_SERANG.0, &secret);
    let code = totp_code(&app, ADMIN_SERANG.0).await;
    let ok = b
        .post_raw("/staff/login/enrol", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location(), "/staff");
    assert_eq!(b.get("/staff").await.status, StatusCode::OK);
    assert_eq!(audited(&app, "auth.totp_enrolled").await, 1);
    // The secret is never shown again.
    let p = b.get("/staff/account/totp").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let mut other = StaffBrowser::new(&app);
    password(&mut other, ADMIN_SERANG).await;
    let p = other.get("/staff/login/enrol").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().starts_with("/staff/login/totp"));
    // The national administrator too.
    let mut n = StaffBrowser::new(&app);
    let p = password(&mut n, NATIONAL).await;
    assert!(p.location().starts_with("/staff/login/totp"));
    assert_eq!(n.get("/staff").await.status, StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_counted_and_a_used_code_is_refused() {
    let app = spawn_app().await;
    StaffBrowser::login(&app, ADMIN_SERANG).await; // enrols
    let mut b = StaffBrowser::new(&app);
    password(&mut b, ADMIN_SERANG).await;
    let page = b.get("/staff/login/totp").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.hidden("csrf");
    let before = audited(&app, "auth.login_failed").await;
    let wrong = b
        .post_raw("/staff/login/totp", &[("csrf", &csrf), ("code", "12345")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.has("Kode salah"), "{}", wrong.body);
    assert_eq!(audited(&app, "auth.login_failed").await, before + 1);
    assert_eq!(b.get("/staff").await.status, StatusCode::SEE_OTHER);
    let code = totp_code(&app, ADMIN_SERANG.0).await;
    let ok = b
        .post_raw("/staff/login/totp", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(b.get("/staff").await.status, StatusCode::OK);
    // The same code again, in another browser: refused, however right it is.
    let mut c = StaffBrowser::new(&app);
    password(&mut c, ADMIN_SERANG).await;
    let csrf = c.get("/staff/login/totp").await.hidden("csrf");
    let reused = c
        .post_raw("/staff/login/totp", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reused.has("Kode ini sudah dipakai"), "{}", reused.body);
    // An older code than the last accepted one is refused too.
    let secret = super::totp_secret(&app, ADMIN_SERANG.0);
    let old = totp_at(&secret, current_step() - 1);
    let p = c
        .post_raw("/staff/login/totp", &[("csrf", &csrf), ("code", &old)])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.get("/staff").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        audited(&app, "auth.totp_ok").await,
        1,
        "the enrolment was the first"
    );
    app.stop().await;
}

#[tokio::test]
async fn five_failures_lock_known_and_unknown_usernames_alike_until_the_time_passes() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::new(&app);
    for who in [OPERATOR_SERANG.0, "nobody.here"] {
        for i in 1..=5 {
            let p = password(&mut b, (who, "wrong-password-x")).await;
            assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{who} {i}");
            assert!(p.has("Nama pengguna atau kata sandi salah"), "{}", p.body);
            assert_eq!(
                p.has("Coba lagi setelah pukul"),
                i == 5,
                "{who} attempt {i}: {}",
                p.body
            );
        }
    }
    assert_eq!(audited(&app, "auth.locked").await, 1);
    // Locked: even the right password is refused, with the same message.
    let p = password(&mut b, OPERATOR_SERANG).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    assert!(p.has("Coba lagi setelah pukul"), "{}", p.body);
    let locked: String = p.body.clone();
    let q = password(&mut b, ("nobody.here", "demo-operator-2026")).await;
    assert_eq!(q.status, p.status);
    let strip = |s: &str, name: &str| -> String {
        s.replace(name, "X")
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect()
    };
    assert_eq!(
        strip(&locked, "operator.serang"),
        strip(&q.body, "nobody.here"),
        "a locked account and an unknown name answer differently"
    );
    // The lock ends: one more failure locks again, for twice as long.
    sql(
        &app,
        "UPDATE users SET locked_until = 1 WHERE username = 'operator.serang'",
    )
    .await;
    let p = password(&mut b, (OPERATOR_SERANG.0, "wrong-password-x")).await;
    assert!(p.has("Coba lagi setelah pukul"), "{}", p.body);
    let acct = app
        .db
        .staff_accounts(None)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.user.username == OPERATOR_SERANG.0)
        .unwrap();
    let secs = acct.locked_until.unwrap().as_second() - jiff::Timestamp::now().as_second();
    assert!((100..=121).contains(&secs), "second lock {secs}s");
    // After the time, the right password signs in and resets the count.
    sql(
        &app,
        "UPDATE users SET locked_until = 1 WHERE username = 'operator.serang'",
    )
    .await;
    let mut ok = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    assert_eq!(ok.get("/staff").await.status, StatusCode::OK);
    let p = password(&mut b, (OPERATOR_SERANG.0, "wrong-password-x")).await;
    assert!(!p.has("Coba lagi"), "count not reset: {}", p.body);
    app.stop().await;
}

#[tokio::test]
async fn wrong_codes_lock_the_account_and_end_the_half_open_session() {
    let app = spawn_app().await;
    StaffBrowser::login(&app, ADMIN_SERANG).await;
    let mut b = StaffBrowser::new(&app);
    password(&mut b, ADMIN_SERANG).await;
    let csrf = b.get("/staff/login/totp").await.hidden("csrf");
    for i in 1..=5 {
        let p = b
            .post_raw("/staff/login/totp", &[("csrf", &csrf), ("code", "000001")])
            .await;
        if i < 5 {
            assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{i}");
        } else {
            assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", p.body);
            assert!(p.has("Coba lagi setelah pukul"), "{}", p.body);
        }
    }
    assert_eq!(
        b.get("/staff/login/totp").await.status,
        StatusCode::SEE_OTHER
    );
    // Re-entering the password does not buy more guesses.
    let p = password(&mut b, ADMIN_SERANG).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn one_address_trying_many_usernames_is_refused_for_a_while() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::new(&app);
    for i in 0..20 {
        let name = format!("guess{i}");
        let p = password(&mut b, (&name, "wrong-password-x")).await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{i}");
    }
    // Now even a right password from that address is refused, before any check…
    let p = password(&mut b, OPERATOR_SERANG).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.has("Terlalu banyak login gagal"), "{}", p.body);
    // …while another address signs in.
    StaffBrowser::login(&app, OPERATOR_SERANG).await;
    app.stop().await;
}
