//! Login details: a new login rotates the session, limits on codes and tries, expired
//! codes, and forms without the token or from another site.

use jenguk_domain::PhoneNumber;
use jenguk_storage::MessageKind;
use reqwest::StatusCode;

use super::{Browser, log_in, login_code};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_new_login_rotates_the_session_and_a_registered_family_goes_on() {
    let app = spawn_app().await;
    // A demo visitor (registered): straight to `next` after the code.
    let mut b = Browser::new(&app);
    let form = b.get("/masuk?next=/tautan").await;
    let csrf = form.hidden("csrf");
    let sent = b.ask_code(&csrf, "0812-3456-0001", "/tautan").await;
    b.follow(&sent).await;
    let code = login_code(&app, "081234560001").await;
    let done = b
        .enter_code(&csrf, "+6281234560001", &code, "/tautan")
        .await;
    assert_eq!(done.location(), "/tautan");
    let first = b.cookies["jenguk_session"].clone();
    let list = b.get("/tautan").await;
    assert!(
        list.has("Dedi Kurniawan") && list.has("B.I 231/2024"),
        "{}",
        list.body
    );
    // Signed in: the login page sends the family on, and the start page says "my visits".
    let again = b.get("/masuk").await;
    assert_eq!(
        (again.status, again.location()),
        (StatusCode::SEE_OTHER, "/kunjungan")
    );
    let home = b.get("/").await;
    assert!(home.has("href=\"/kunjungan\"") && home.has("/tautan?facility=RUTAN-SERANG"));
    // Logging in again from the same browser: a new token, the old one revoked.
    let mut fresh = Browser::new(&app);
    let form = fresh.get("/masuk").await;
    let csrf = form.hidden("csrf");
    fresh.cookies.insert("jenguk_session".into(), first.clone());
    let sent = fresh.ask_code(&csrf, "081234560001", "").await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let code = login_code(&app, "081234560001").await;
    let done = fresh
        .enter_code(&csrf, "+6281234560001", &code, "//evil.example")
        .await;
    assert_eq!(done.location(), "/kunjungan", "next stays on this site");
    let second = fresh.cookies["jenguk_session"].clone();
    assert_ne!(first, second);
    assert!(
        app.db
            .family_session(&first, jiff::Timestamp::now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.db
            .family_session(&second, jiff::Timestamp::now())
            .await
            .unwrap()
            .is_some()
    );
    app.stop().await;
}

#[tokio::test]
async fn too_many_codes_expired_codes_and_too_many_tries_have_clear_messages() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let form = b.get("/masuk").await;
    let csrf = form.hidden("csrf");
    for _ in 0..3 {
        let r = b.ask_code(&csrf, "0813 8888 0202", "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = b.ask_code(&csrf, "0813 8888 0202", "").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.has("Terlalu banyak permintaan kode untuk nomor ini. Tunggu 15 menit"));
    assert!(r.has("value=\"0813 8888 0202\""));
    // "Send again" from the code page: the refusal is shown there.
    let r = b
        .post(
            "/masuk",
            &[
                ("csrf", &csrf),
                ("phone", "+6281388880202"),
                ("next", ""),
                ("resend", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.has("role=\"alert\"")
            && r.has("Terlalu banyak permintaan kode")
            && r.has("name=\"code\"")
    );
    // Five wrong tries kill the code.
    let code = login_code(&app, "081388880202").await;
    let wrong = if code == "999999" { "999998" } else { "999999" };
    let mut last = String::new();
    for _ in 0..5 {
        let r = b.enter_code(&csrf, "+6281388880202", wrong, "").await;
        last = r.body;
    }
    assert!(
        last.contains("Kode salah terlalu sering. Minta kode baru."),
        "{last}"
    );
    let r = b.enter_code(&csrf, "+6281388880202", &code, "").await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right code is refused now"
    );
    // An expired code, in English.
    let phone = PhoneNumber::parse("0857 1111 0303").unwrap();
    let long_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(10);
    app.db
        .create_login_code(&phone, None, "en", long_ago)
        .await
        .unwrap();
    let code = login_code(&app, "085711110303").await;
    let page = b.get("/masuk/kode?phone=%2B6285711110303&lang=en").await;
    assert!(page.has("+62 857 1111 0303"));
    let r = b.enter_code(&csrf, "+6285711110303", &code, "").await;
    assert!(
        r.has("This code is no longer valid. Ask for a new code."),
        "{}",
        r.body
    );
    app.stop().await;
}

#[tokio::test]
async fn forms_without_the_token_or_from_elsewhere_are_refused() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    // No pre-login cookie at all.
    let r = b.post("/masuk", &[("phone", "081299990404")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.has("<html lang=\"id\">") && r.has("Formulir ini sudah kedaluwarsa"));
    let form = b.get("/masuk").await;
    let csrf = form.hidden("csrf");
    // A wrong token.
    let r = b
        .post(
            "/masuk",
            &[("csrf", "0".repeat(64).as_str()), ("phone", "081299990404")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The right token, posted from another site.
    b.origin = Some("https://evil.example".into());
    let r = b
        .post("/masuk", &[("csrf", &csrf), ("phone", "081299990404")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", "081299990404"),
                ("code", "123456"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    b.origin = Some(app.url.clone());
    assert!(
        app.db
            .outbox_messages(None, 100)
            .await
            .unwrap()
            .iter()
            .all(|m| m.kind != MessageKind::LoginCode)
    );
    // Signed in: the session's token is needed.
    let mut s = Browser::new(&app);
    let done = log_in(&app, &mut s, "081299990505").await;
    let form = s.follow(&done).await;
    let r = s
        .post(
            "/daftar",
            &[
                ("name", "Siti Aminah"),
                ("nik", "3204110609970001"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let csrf = form.hidden("csrf");
    s.origin = Some("https://evil.example".into());
    let r = s.register(&csrf, "Siti Aminah", "3204110609970001").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    s.origin = Some(app.url.clone());
    let r = s.post("/keluar", &[("csrf", "nope")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(s.cookies.contains_key("jenguk_session"));
    assert!(
        app.db
            .visitor_by_phone(&PhoneNumber::parse("081299990505").unwrap())
            .await
            .unwrap()
            .is_none()
    );
    app.stop().await;
}
