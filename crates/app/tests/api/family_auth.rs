//! The family portal's first half over HTTP, as a browser without JavaScript uses it: the
//! start page, login by phone with a WhatsApp code, registration with consent, and asking
//! to visit an inmate. Cookies are kept by hand (`Browser`), redirects are followed by hand
//! so each 303 and each `Set-Cookie` can be checked.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use jenguk_domain::PhoneNumber;
use jenguk_storage::MessageKind;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

static NEXT_IP: AtomicU32 = AtomicU32::new(1);

/// A browser without JavaScript: keeps cookies, sends an Origin on posts, follows nothing by
/// itself.
struct Browser {
    url: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
    ip: String,
    origin: Option<String>,
}

#[derive(Debug)]
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }

    /// The value of the first hidden input with this name.
    fn hidden(&self, name: &str) -> String {
        hidden_values(&self.body, name)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {name} field in {}", self.body))
    }

    fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

fn hidden_values(body: &str, name: &str) -> Vec<String> {
    let needle = format!("name=\"{name}\" value=\"");
    body.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &body[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

impl Browser {
    fn new(app: &TestApp) -> Browser {
        let n = NEXT_IP.fetch_add(1, Ordering::SeqCst);
        Browser {
            url: app.url.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            ip: format!("10.9.{}.{}", n / 250, n % 250 + 1),
            origin: Some(app.url.clone()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let mut req = req.header("x-forwarded-for", &self.ip);
        if !self.cookies.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        let page = Page {
            status,
            headers,
            body,
        };
        for c in page.set_cookies() {
            let first = c.split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            if c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        assert!(
            !page.body.contains("<script"),
            "a family page needs no JavaScript"
        );
        assert!(
            page.body.len() < 60 * 1024,
            "page too heavy: {} bytes",
            page.body.len()
        );
        page
    }

    async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{path}", self.url));
        self.send(req).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let mut req = self.client.post(format!("{}{path}", self.url)).form(form);
        if let Some(o) = &self.origin {
            req = req.header("origin", o);
        }
        self.send(req).await
    }

    /// Follows a 303.
    async fn follow(&mut self, page: &Page) -> Page {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let to = page.location().to_string();
        self.get(&to).await
    }
}

/// The newest login code sent to a number.
async fn login_code(app: &TestApp, phone: &str) -> String {
    let e164 = PhoneNumber::parse(phone).unwrap();
    let messages = app.db.outbox_messages(None, 200).await.unwrap();
    let m = messages
        .iter()
        .find(|m| m.kind == MessageKind::LoginCode && m.recipient == e164.as_e164())
        .expect("a login code in the outbox");
    m.params["code"].as_str().unwrap().to_string()
}

/// Logs in with a phone number; returns the page the login redirected to.
async fn log_in(app: &TestApp, b: &mut Browser, phone: &str) -> Page {
    let form = b.get("/masuk").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = form.hidden("csrf");
    let sent = b
        .post("/masuk", &[("csrf", &csrf), ("phone", phone), ("next", "")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let code_form = b.follow(&sent).await;
    assert_eq!(code_form.status, StatusCode::OK);
    let code = login_code(app, phone).await;
    let e164 = code_form.hidden("phone");
    let csrf = code_form.hidden("csrf");
    let done = b
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", &e164),
                ("code", &code),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    done
}

/// Logs in and registers a new visitor.
async fn registered(app: &TestApp, phone: &str, nik: &str) -> Browser {
    let mut b = Browser::new(app);
    let done = log_in(app, &mut b, phone).await;
    assert_eq!(done.location(), "/daftar");
    let form = b.follow(&done).await;
    let csrf = form.hidden("csrf");
    let r = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", "Siti Aminah"),
                ("nik", nik),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/tautan"),
        "{}",
        r.body
    );
    b
}

#[tokio::test]
async fn start_page_lists_facilities_with_hours_and_rules() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.has("<html lang=\"id\">"));
    assert!(home.has("Rutan Kelas IIB Serang") && home.has("Lapas Kelas I Makassar"));
    assert!(
        home.has("Senin–Jumat: 09.00–12.00, 13.00–15.00"),
        "{}",
        home.body
    );
    assert!(home.has("Sabtu: 09.00–11.00"));
    assert!(home.has("WITA") && home.has("WIT") && home.has("WIB"));
    assert!(home.has("Pesan jadwal 1–14 hari sebelumnya."));
    assert!(home.has("href=\"/masuk\""));
    assert!(home.has("/masuk?next=/tautan%3Ffacility%3DRUTAN-SERANG"));
    // Search by city or province.
    let found = b.get("/?q=makassar").await;
    assert!(found.has("Lapas Kelas I Makassar") && !found.has("Rutan Kelas IIB Serang"));
    let found = b.get("/?q=Papua").await;
    assert!(found.has("Lapas Kelas IIA Abepura") && !found.has("Lapas Kelas I Makassar"));
    let none = b.get("/?q=Medan").await;
    assert!(none.has("Tidak ada Rutan atau Lapas yang cocok dengan") && none.has("Medan"));
    // In English, and the choice sticks.
    let en = b.get("/?lang=en").await;
    assert!(en.has("<html lang=\"en\">"));
    assert!(
        en.has("Monday–Friday: 09:00–12:00, 13:00–15:00"),
        "{}",
        en.body
    );
    assert!(en.has("Legal visits:") && en.has("Tuesday, Thursday: 15:00–16:00"));
    let login = b.get("/masuk").await;
    assert!(login.has("<html lang=\"en\">") && login.has("Mobile number (WhatsApp)"));
    app.stop().await;
}

#[tokio::test]
async fn login_by_whatsapp_code_registers_and_asks_to_visit() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    // The phone form; a bad number is shown again with its message.
    let form = b.get("/masuk?next=/tautan").await;
    assert!(
        form.set_cookies()
            .iter()
            .any(|c| c.starts_with("jenguk_csrf=")
                && c.contains("HttpOnly")
                && c.contains("SameSite=Strict"))
    );
    let csrf = form.hidden("csrf");
    assert_eq!(form.hidden("next"), "/tautan");
    let bad = b
        .post(
            "/masuk",
            &[
                ("csrf", &csrf),
                ("phone", "021 555 1234"),
                ("next", "/tautan"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("bukan telepon rumah") && bad.has("aria-invalid=\"true\""));
    assert!(
        bad.has("value=\"021 555 1234\"") && bad.has("aria-describedby=\"phone-hint phone-error\"")
    );
    let empty = b
        .post("/masuk", &[("csrf", &csrf), ("phone", " "), ("next", "")])
        .await;
    assert!(empty.has("Isi nomor ponsel Anda."));
    // Any Indonesian form of the number.
    let sent = b
        .post(
            "/masuk",
            &[
                ("csrf", &csrf),
                ("phone", "+62 0812-7777-0101"),
                ("next", "/tautan"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(
        sent.location(),
        "/masuk/kode?phone=%2B6281277770101&next=/tautan"
    );
    let code_form = b.follow(&sent).await;
    assert!(code_form.has("+62 812 7777 0101") && code_form.has("WhatsApp"));
    assert!(code_form.has("Kirim ulang kode"));
    let code = login_code(&app, "081277770101").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = b
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", "+6281277770101"),
                ("code", wrong),
                ("next", "/tautan"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.has("Kode salah. Periksa kembali pesan WhatsApp Anda."),
        "{}",
        r.body
    );
    assert!(r.has(&format!("value=\"{wrong}\"")) && r.has("aria-invalid=\"true\""));
    let r = b
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", "+6281277770101"),
                ("code", ""),
                ("next", ""),
            ],
        )
        .await;
    assert!(r.has("Isi kode 6 angka"));
    // The right code: a session cookie, and registration first.
    let r = b
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", "+6281277770101"),
                ("code", &code),
                ("next", "/tautan"),
            ],
        )
        .await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/daftar"));
    let session = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("jenguk_session="))
        .unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    assert!(
        !session.contains("Secure"),
        "served over plain HTTP in tests"
    );
    // The code is used up.
    assert!(
        app.db
            .verify_login_code(
                &PhoneNumber::parse("081277770101").unwrap(),
                &code,
                jiff::Timestamp::now()
            )
            .await
            .is_err()
    );

    // Registration: each NIK mistake has its own message; input is kept.
    let form = b.follow(&r).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("+62 812 7777 0101") && form.has("2026-11"));
    let csrf = form.hidden("csrf");
    let r = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", "Siti Aminah"),
                ("nik", "3171013002001234"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has("Tanggal lahir pada NIK (angka ke-7 sampai ke-12) tidak sah."));
    assert!(r.has("value=\"3171013002001234\"") && r.has("value=\"Siti Aminah\""));
    assert!(r.has("aria-describedby=\"nik-hint nik-error\""));
    assert!(r.has("Centang persetujuan"), "consent is required");
    let r = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", "Siti Aminah"),
                ("nik", "31710117084500"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert!(r.has("NIK harus 16 angka.") && r.has("checked"));
    let r = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", "Siti Aminah"),
                ("nik", "9971011708450001"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert!(r.has("bukan kode provinsi"));
    // A NIK registered by someone else.
    let r = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", "Siti Aminah"),
                ("nik", "3604015506900002"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.has("NIK ini sudah terdaftar"));
    let r = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", "Siti Aminah"),
                ("nik", "3204 1106 0997 0001"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/tautan"),
        "{}",
        r.body
    );
    let visitor = app
        .db
        .visitor_by_phone(&PhoneNumber::parse("081277770101").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(visitor.nik_masked, "3204********0001");
    let data = app.db.export_visitor(visitor.id).await.unwrap();
    assert_eq!(data["visitor"]["consent_version"], "2026-11");
    assert!(data["visitor"]["consent_at"].is_string());
    // Registered: the form is gone.
    let again = b.get("/daftar").await;
    assert_eq!(
        (again.status, again.location()),
        (StatusCode::SEE_OTHER, "/kunjungan")
    );

    // Asking to visit: search by name (never a whole list), then the request.
    let links = b.follow(&r).await;
    assert!(links.has("Anda belum mengajukan permohonan."));
    let short = b.get("/tautan?facility=RUTAN-SERANG&q=ah").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.has("Ketik paling sedikit 3 huruf"));
    let empty = b.get("/tautan?facility=&q=ahmad").await;
    assert!(empty.has("Pilih Rutan atau Lapas tempat warga binaan ditahan."));
    let found = b.get("/tautan?facility=RUTAN-SERANG&q=ahmad").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.has("Ahmad Fauzi") && found.has("A.II 118/2026"));
    assert!(
        !found.has("Dedi Kurniawan") && !found.has("Blok A"),
        "only enough to recognise"
    );
    assert!(found.has("berstatus tahanan") && found.has("name=\"permit_number\""));
    let by_number = b.get("/tautan?facility=RUTAN-SERANG&q=B.I%20231").await;
    assert!(by_number.has("Dedi Kurniawan") && !by_number.has("permit_number"));
    let inmate = found.hidden("inmate");
    let csrf = found.hidden("csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("inmate", inmate.as_str()),
        ("facility", "RUTAN-SERANG"),
        ("q", "ahmad"),
    ];
    let no_rel = b.post("/tautan", &form).await;
    assert_eq!(no_rel.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_rel.has("Pilih hubungan Anda dengan warga binaan ini.") && no_rel.has("Ahmad Fauzi")
    );
    let mut with_past_permit = form.to_vec();
    with_past_permit.extend([
        ("relationship", "sibling"),
        ("permit_number", "B-123/Kejari/2026"),
        ("permit_expires", "2020-01-01"),
    ]);
    let past = b.post("/tautan", &with_past_permit).await;
    assert!(past.has("izin sudah tidak berlaku") && past.has("value=\"B-123/Kejari/2026\""));
    assert!(past.has("checked"), "the relationship chosen is kept");
    let mut ok = form.to_vec();
    ok.push(("relationship", "sibling"));
    let sent = b.post("/tautan", &ok).await;
    assert_eq!(
        (sent.status, sent.location()),
        (StatusCode::SEE_OTHER, "/tautan?sent=1")
    );
    let list = b.follow(&sent).await;
    assert!(list.has("Permohonan terkirim.") && list.has("Menunggu pemeriksaan petugas"));
    assert!(list.has("Saudara kandung") && list.has("petugas memerlukan nomor"));
    let twice = b.post("/tautan", &ok).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.has("sudah mengajukan"), "{}", twice.body);
    // The operator rejects it with a reason: the family reads it.
    let operator = app.operator().await;
    let link = app
        .db
        .links(&jenguk_storage::LinkFilter {
            visitor_id: Some(visitor.id),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()[0]
        .id;
    let (s, body) = app
        .post(
            &format!("/api/v1/links/{}/reject", link.0),
            Some(&operator),
            json!({"reason": "Nama tidak sesuai Kartu Keluarga"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let list = b.get("/tautan").await;
    assert!(list.has("Ditolak") && list.has("Alasan petugas: Nama tidak sesuai Kartu Keluarga"));

    // Log out: the session ends on the server and the cookie goes.
    let token = b.cookies["jenguk_session"].clone();
    let csrf = list.hidden("csrf");
    let out = b.post("/keluar", &[("csrf", &csrf)]).await;
    assert_eq!((out.status, out.location()), (StatusCode::SEE_OTHER, "/"));
    assert!(!b.cookies.contains_key("jenguk_session"));
    assert!(
        app.db
            .family_session(&token, jiff::Timestamp::now())
            .await
            .unwrap()
            .is_none()
    );
    let gone = b.get("/tautan").await;
    assert_eq!(
        (gone.status, gone.location()),
        (StatusCode::SEE_OTHER, "/masuk?next=/tautan")
    );
    app.stop().await;
}

#[tokio::test]
async fn a_new_login_rotates_the_session_and_a_registered_family_goes_on() {
    let app = spawn_app().await;
    // A demo visitor (registered): straight to `next` after the code.
    let mut b = Browser::new(&app);
    let form = b.get("/masuk?next=/tautan").await;
    let csrf = form.hidden("csrf");
    let sent = b
        .post(
            "/masuk",
            &[
                ("csrf", &csrf),
                ("phone", "0812-3456-0001"),
                ("next", "/tautan"),
            ],
        )
        .await;
    b.follow(&sent).await;
    let code = login_code(&app, "081234560001").await;
    let done = b
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", "+6281234560001"),
                ("code", &code),
                ("next", "/tautan"),
            ],
        )
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
    let sent = fresh
        .post(
            "/masuk",
            &[("csrf", &csrf), ("phone", "081234560001"), ("next", "")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let code = login_code(&app, "081234560001").await;
    let done = fresh
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", "+6281234560001"),
                ("code", &code),
                ("next", "//evil.example"),
            ],
        )
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
        let r = b
            .post(
                "/masuk",
                &[("csrf", &csrf), ("phone", "0813 8888 0202"), ("next", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = b
        .post(
            "/masuk",
            &[("csrf", &csrf), ("phone", "0813 8888 0202"), ("next", "")],
        )
        .await;
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
        let r = b
            .post(
                "/masuk/kode",
                &[
                    ("csrf", &csrf),
                    ("phone", "+6281388880202"),
                    ("code", wrong),
                    ("next", ""),
                ],
            )
            .await;
        last = r.body;
    }
    assert!(
        last.contains("Kode salah terlalu sering. Minta kode baru."),
        "{last}"
    );
    let r = b
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", "+6281388880202"),
                ("code", &code),
                ("next", ""),
            ],
        )
        .await;
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
    let r = b
        .post(
            "/masuk/kode",
            &[
                ("csrf", &csrf),
                ("phone", "+6285711110303"),
                ("code", &code),
                ("next", ""),
            ],
        )
        .await;
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
    let r = s
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", "Siti Aminah"),
                ("nik", "3204110609970001"),
                ("consent", "yes"),
            ],
        )
        .await;
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

#[tokio::test]
async fn a_search_never_shows_more_than_ten_people() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for i in 0..15 {
        let (s, body) = app
            .post(
                "/api/v1/facilities/RUTAN-SERANG/inmates",
                Some(&admin),
                json!({"reg_number": format!("B.I {}/2025", 500 + i), "name": format!("Budi Santoso {i:02}"), "status": "narapidana"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
    }
    let mut b = registered(&app, "0821 4444 0606", "3204110609970001").await;
    let page = b.get("/tautan?facility=RUTAN-SERANG&q=budi").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(hidden_values(&page.body, "inmate").len(), 10);
    assert!(page.has("Lebih dari 10 orang cocok"));
    let page = b
        .get("/tautan?facility=RUTAN-SERANG&q=budi%20santoso%2014")
        .await;
    assert_eq!(hidden_values(&page.body, "inmate").len(), 1);
    assert!(!page.has("Lebih dari"));
    // Another facility's people are not found from here.
    let page = b.get("/tautan?facility=LAPAS-MAKASSAR&q=budi").await;
    assert!(page.has("Tidak ada warga binaan dengan"), "{}", page.body);
    // A facility chosen on the start page is preselected.
    let page = b.get("/tautan?facility=LAPAS-MAKASSAR").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.has("<option value=\"LAPAS-MAKASSAR\" selected>"),
        "{}",
        page.body
    );
    // In English.
    let page = b.get("/tautan?facility=RUTAN-SERANG&q=budi&lang=en").await;
    assert!(page.has("<html lang=\"en\">") && page.has("More than 10 people match"));
    assert!(page.has("Your relationship to Budi Santoso 00") && page.has("Brother or sister"));
    app.stop().await;
}

#[tokio::test]
async fn registration_in_english_explains_each_mistake() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.get("/?lang=en").await;
    let done = log_in(&app, &mut b, "0812 5555 0707").await;
    let form = b.follow(&done).await;
    assert!(form.has("<html lang=\"en\">") && form.has("Consent to the use of your personal data"));
    assert!(form.has("Your full NIK is not stored."));
    let csrf = form.hidden("csrf");
    let r = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", ""),
                ("nik", "3273010119800002"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.has("Enter your full name.")
            && r.has("The date of birth in the NIK (digits 7 to 12) is invalid.")
    );
    assert!(
        r.has("href=\"#nik\"") && r.has("href=\"#name\""),
        "an error summary links to the fields"
    );
    let r = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("name", "Siti"),
                ("nik", "31710A1708450001"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert!(r.has("A NIK has only digits."));
    app.stop().await;
}
