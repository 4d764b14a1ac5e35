//! The list (search, filters, pages, facility), the inmate page and its edit form.

use reqwest::StatusCode;

use super::{inmate_by_reg, new_inmate};
use crate::helpers::spawn_app;
use crate::staff::{OFFICER_SERANG, OPERATOR_MAKASSAR, OPERATOR_SERANG, StaffBrowser};

#[tokio::test]
async fn the_list_searches_filters_and_pages_within_the_own_facility() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let all = b.get("/staff/inmates").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(all.has("Ahmad Fauzi"), "{}", all.body);
    let by_name = b.get("/staff/inmates?q=fauzi").await;
    assert!(
        by_name.has("Ahmad Fauzi") && by_name.has("1 WBP ditemukan"),
        "{}",
        by_name.body
    );
    let by_reg = b.get("/staff/inmates?q=a.ii%20118").await;
    assert!(by_reg.has("Ahmad Fauzi"), "{}", by_reg.body);
    let napi = b.get("/staff/inmates?status=narapidana").await;
    assert!(!napi.has("Ahmad Fauzi"), "a tahanan listed as narapidana");
    // Makassar's operator sees only Makassar's inmates.
    let mut m = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    let theirs = m.get("/staff/inmates?q=fauzi").await;
    assert!(!theirs.has("Ahmad Fauzi"), "{}", theirs.body);
    // Pages of 50.
    for n in 0..55 {
        new_inmate(
            &app,
            "RUTAN-SERANG",
            &format!("P.G {n}/2026"),
            &format!("Halaman Orang {n:02}"),
        )
        .await;
    }
    let p1 = b.get("/staff/inmates?q=halaman").await;
    assert!(
        p1.has("55 WBP ditemukan") && p1.has("page=2"),
        "{}",
        p1.body
    );
    assert!(p1.has("Halaman Orang 00") && !p1.has("Halaman Orang 54"));
    let p2 = b.get("/staff/inmates?q=halaman&page=2").await;
    assert!(
        p2.has("Halaman Orang 54") && !p2.has("Halaman Orang 00"),
        "{}",
        p2.body
    );
    // Suspended and released states filter.
    let who = jenguk_storage::AuditEvent::cli();
    let now = jiff::Timestamp::now();
    let sus = new_inmate(&app, "RUTAN-SERANG", "S.S 1/2026", "Tangguh Sekali").await;
    let until = now
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .saturating_add(jiff::Span::new().days(5));
    app.db
        .suspend_inmate(sus.id, until, "Pemeriksaan", &who, now)
        .await
        .unwrap();
    let rel = new_inmate(&app, "RUTAN-SERANG", "S.R 1/2026", "Bebas Sekali").await;
    app.db.release_inmate(rel.id, &who, now).await.unwrap();
    let s = b.get("/staff/inmates?state=suspended").await;
    assert!(
        s.has("Tangguh Sekali") && !s.has("Bebas Sekali") && !s.has("Ahmad Fauzi"),
        "{}",
        s.body
    );
    let r = b.get("/staff/inmates?state=released").await;
    assert!(
        r.has("Bebas Sekali") && !r.has("Tangguh Sekali"),
        "{}",
        r.body
    );
    let a = b.get("/staff/inmates?state=active&q=sekali").await;
    assert!(a.has("0 WBP ditemukan"), "{}", a.body);
    // An officer may not open the list.
    let mut o = StaffBrowser::login(&app, OFFICER_SERANG).await;
    assert_eq!(o.get("/staff/inmates").await.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn the_inmate_page_shows_links_and_visits_and_the_edit_is_validated_and_audited() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let inmate = inmate_by_reg(&app, "RUTAN-SERANG", "B.I 231/2024")
        .await
        .unwrap();
    let path = format!("/staff/inmates/{}", inmate.id.0);
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has("Nurhayati"), "the link's visitor: {}", page.body);
    assert!(page.has("Kunjungan mendatang"), "{}", page.body);
    let views = app.db.audit_events(None, 1000).await.unwrap();
    assert!(
        views
            .iter()
            .any(|e| e.action == "inmate.view" && e.target_id == inmate.id.0.to_string())
    );
    // Bad input: every error named, nothing written.
    let bad = b
        .post(
            &path,
            &[
                ("reg_number", "<x>"),
                ("name", ""),
                ("status", "escaped"),
                ("block", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.has("Nomor registrasi tidak valid")
            && bad.has("Nama wajib diisi")
            && bad.has("Pilih status"),
        "{}",
        bad.body
    );
    assert_eq!(app.db.inmate(inmate.id).await.unwrap(), inmate);
    // A registration number another inmate has.
    let taken = b
        .post(
            &path,
            &[
                ("reg_number", "A.II 118/2026"),
                ("name", "X"),
                ("status", "narapidana"),
            ],
        )
        .await;
    assert_eq!(
        taken.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        taken.body
    );
    assert!(
        taken.has("sudah memakai nomor registrasi"),
        "{}",
        taken.body
    );
    assert_eq!(app.db.inmate(inmate.id).await.unwrap(), inmate);
    // A good edit.
    let ok = b
        .post(
            &path,
            &[
                ("reg_number", "b.i 231/2024-x"),
                ("name", "Budi Santoso Baru"),
                ("status", "narapidana"),
                ("block", "Blok C"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let shown = b.follow(&ok).await;
    assert!(
        shown.has("Perubahan disimpan") && shown.has("Budi Santoso Baru"),
        "{}",
        shown.body
    );
    let now = app.db.inmate(inmate.id).await.unwrap();
    assert_eq!(now.reg_number.as_str(), "B.I 231/2024-X");
    assert_eq!(now.block.as_deref(), Some("Blok C"));
    let audit = app.db.audit_events(None, 1000).await.unwrap();
    let e = audit.iter().find(|e| e.action == "inmate.update").unwrap();
    assert_eq!(e.detail["name"][1], "Budi Santoso Baru");
    assert!(e.source.is_some());
    // Another facility's operator gets 403, an unknown id 404.
    let mut m = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    assert_eq!(m.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        b.get("/staff/inmates/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/staff/inmates/abc").await.status,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}
