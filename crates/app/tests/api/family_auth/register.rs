//! Login by WhatsApp code, registration with consent, asking to visit, logging out; the
//! registration form's messages in English.

use jenguk_domain::PhoneNumber;
use reqwest::StatusCode;
use serde_json::json;

use super::{Browser, log_in, login_code};
use crate::helpers::spawn_app;

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
    let bad = b.ask_code(&csrf, "021 555 1234", "/tautan").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("bukan telepon rumah") && bad.has("aria-invalid=\"true\""));
    assert!(
        bad.has("value=\"021 555 1234\"") && bad.has("aria-describedby=\"phone-hint phone-error\"")
    );
    let empty = b.ask_code(&csrf, " ", "").await;
    assert!(empty.has("Isi nomor ponsel Anda."));
    // Any Indonesian form of the number.
    let sent = b.ask_code(&csrf, "+62 0812-7777-0101", "/tautan").await;
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
        .enter_code(&csrf, "+6281277770101", wrong, "/tautan")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.has("Kode salah. Periksa kembali pesan WhatsApp Anda."),
        "{}",
        r.body
    );
    assert!(r.has(&format!("value=\"{wrong}\"")) && r.has("aria-invalid=\"true\""));
    let r = b.enter_code(&csrf, "+6281277770101", "", "").await;
    assert!(r.has("Isi kode 6 angka"));
    // The right code: a session cookie, and registration first.
    let r = b
        .enter_code(&csrf, "+6281277770101", &code, "/tautan")
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
    let r = b.register(&csrf, "Siti Aminah", "31710117084500").await;
    assert!(r.has("NIK harus 16 angka.") && r.has("checked"));
    let r = b.register(&csrf, "Siti Aminah", "9971011708450001").await;
    assert!(r.has("bukan kode provinsi"));
    // A NIK registered by someone else.
    let r = b.register(&csrf, "Siti Aminah", "3604015506900002").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.has("NIK ini sudah terdaftar"));
    let r = b
        .register(&csrf, "Siti Aminah", "3204 1106 0997 0001")
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
async fn registration_in_english_explains_each_mistake() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.get("/?lang=en").await;
    let done = log_in(&app, &mut b, "0812 5555 0707").await;
    let form = b.follow(&done).await;
    assert!(form.has("<html lang=\"en\">") && form.has("Consent to the use of your personal data"));
    assert!(form.has("Your full NIK is not stored."));
    let csrf = form.hidden("csrf");
    let r = b.register(&csrf, "", "3273010119800002").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.has("Enter your full name.")
            && r.has("The date of birth in the NIK (digits 7 to 12) is invalid.")
    );
    assert!(
        r.has("href=\"#nik\"") && r.has("href=\"#name\""),
        "an error summary links to the fields"
    );
    let r = b.register(&csrf, "Siti", "31710A1708450001").await;
    assert!(r.has("A NIK has only digits."));
    app.stop().await;
}
