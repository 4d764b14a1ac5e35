//! Console login and log-out.

use reqwest::StatusCode;

use super::{OPERATOR_SERANG, StaffBrowser};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_console_page_without_a_session_sends_to_the_login_page() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::new(&app);
    let p = b.get("/staff?tab=x").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/staff/login?next=/staff%3Ftab%3Dx");
    let login = b.get("/staff/login").await;
    assert!(login.has("name=\"password\""), "{}", login.body);
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_log_out_ends_the_session() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::new(&app);
    let p = b
        .post_raw(
            "/staff/login",
            &[
                ("username", OPERATOR_SERANG.0),
                ("password", "wrong-password"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    assert!(p.has("Nama pengguna atau kata sandi salah"), "{}", p.body);
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let out = b.post("/staff/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let again = b.get("/staff").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "session still alive");
    app.stop().await;
}
