//! The CSV import: preview without writing, confirmation in one transaction, and every
//! kind of bad file.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use super::{facility, inmate_by_reg};
use crate::helpers::{TestApp, spawn_app};
use crate::staff::{OPERATOR_MAKASSAR, OPERATOR_SERANG, Page, StaffBrowser};

fn file(bytes: Vec<u8>) -> Form {
    Form::new().part(
        "file",
        Part::bytes(bytes)
            .file_name("wbp.csv")
            .mime_str("text/csv")
            .unwrap(),
    )
}

async fn upload(b: &mut StaffBrowser, bytes: &[u8]) -> Page {
    b.post_multipart("/staff/inmates/import", file(bytes.to_vec()))
        .await
}

async fn count(app: &TestApp, code: &str) -> usize {
    let f = facility(app, code).await;
    let (_, n) = app
        .db
        .find_inmates(
            f.id,
            &jenguk_storage::InmateFilter {
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    usize::try_from(n).unwrap()
}

async fn imports(app: &TestApp) -> usize {
    let all = app.db.audit_events(None, 100_000).await.unwrap();
    all.iter().filter(|e| e.action == "inmate.import").count()
}

#[tokio::test]
async fn a_preview_writes_nothing_and_the_confirmation_imports_in_one_go() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let form = b.get("/staff/inmates/import").await;
    assert!(form.has("enctype=\"multipart/form-data\""), "{}", form.body);
    let before = count(&app, "RUTAN-SERANG").await;
    let imports_before = imports(&app).await;
    // One new, one changed (a demo inmate's block), one unchanged.
    let csv = "reg_number,name,status,block\nB.I 500/2026,Rudi Hartono,narapidana,D\nA.II 118/2026,Ahmad Fauzi,tahanan,Blok Z\nB.I 231/2024,Budi Santoso,narapidana,Blok B\n";
    let demo = inmate_by_reg(&app, "RUTAN-SERANG", "B.I 231/2024")
        .await
        .unwrap();
    let csv = csv.replace(
        "Budi Santoso,narapidana,Blok B",
        &format!(
            "{},narapidana,{}",
            demo.name.as_str(),
            demo.block.clone().unwrap_or_default()
        ),
    );
    let p = upload(&mut b, csv.as_bytes()).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.has("Belum ada yang diimpor"), "{}", p.body);
    assert!(
        p.has("id=\"count-new\">1<")
            && p.has("id=\"count-updated\">1<")
            && p.has("id=\"count-unchanged\">1<")
            && p.has("id=\"count-bad\">0<"),
        "{}",
        p.body
    );
    assert_eq!(count(&app, "RUTAN-SERANG").await, before, "a preview wrote");
    assert_eq!(imports(&app).await, imports_before);
    let token = p.hidden("token");
    // Another user (another facility) cannot confirm this preview.
    let mut m = StaffBrowser::login(&app, OPERATOR_MAKASSAR).await;
    let other = m
        .post("/staff/inmates/import/confirm", &[("token", &token)])
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.body);
    let done = b
        .post("/staff/inmates/import/confirm", &[("token", &token)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let shown = b.follow(&done).await;
    assert!(
        shown.has("Diimpor: 1 baru, 1 diperbarui, 1 tidak berubah"),
        "{}",
        shown.body
    );
    assert_eq!(count(&app, "RUTAN-SERANG").await, before + 1);
    let ahmad = inmate_by_reg(&app, "RUTAN-SERANG", "A.II 118/2026")
        .await
        .unwrap();
    assert_eq!(ahmad.block.as_deref(), Some("Blok Z"));
    assert!(
        inmate_by_reg(&app, "RUTAN-SERANG", "B.I 500/2026")
            .await
            .is_some()
    );
    // A token imports once.
    let again = b
        .post("/staff/inmates/import/confirm", &[("token", &token)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(imports(&app).await, imports_before + 1);
    // The same file again: nothing new (idempotent on the registration number).
    let p = upload(&mut b, csv.as_bytes()).await;
    assert!(
        p.has("id=\"count-new\">0<") && p.has("id=\"count-unchanged\">3<"),
        "{}",
        p.body
    );
    // A newer upload replaces the waiting one: the older preview can no longer be confirmed.
    let older = p.hidden("token");
    let newer = upload(&mut b, csv.as_bytes()).await.hidden("token");
    let p = b
        .post("/staff/inmates/import/confirm", &[("token", &older)])
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let p = b
        .post("/staff/inmates/import/confirm", &[("token", &newer)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    app.stop().await;
}

#[tokio::test]
async fn one_bad_row_among_good_ones_imports_nothing_and_names_the_row_unless_skipped() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let before = count(&app, "RUTAN-SERANG").await;
    let csv = "reg_number,name,status\nB.I 601/2026,Satu Baik,narapidana\nB.I 602/2026,Dua Buruk,kabur\nB.I 603/2026,Tiga Baik,tahanan\n";
    let p = upload(&mut b, csv.as_bytes()).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        p.has("Baris 3") && p.has("kabur"),
        "the bad row named: {}",
        p.body
    );
    assert!(
        p.has("id=\"count-bad\">1<") && p.has("id=\"count-new\">2<"),
        "{}",
        p.body
    );
    let token = p.hidden("token");
    let refused = b
        .post("/staff/inmates/import/confirm", &[("token", &token)])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.has("tidak ada yang diimpor"), "{}", refused.body);
    assert_eq!(
        count(&app, "RUTAN-SERANG").await,
        before,
        "something was imported"
    );
    let skipped = b
        .post(
            "/staff/inmates/import/confirm",
            &[("token", &token), ("skip_bad", "1")],
        )
        .await;
    assert_eq!(skipped.status, StatusCode::SEE_OTHER, "{}", skipped.body);
    assert_eq!(count(&app, "RUTAN-SERANG").await, before + 2);
    assert!(
        inmate_by_reg(&app, "RUTAN-SERANG", "B.I 602/2026")
            .await
            .is_none()
    );
    let e = app.db.audit_events(None, 1000).await.unwrap();
    let e = e.iter().find(|e| e.action == "inmate.import").unwrap();
    assert_eq!(e.detail["bad_rows_skipped"], 1);
    app.stop().await;
}

#[tokio::test]
async fn bad_files_get_a_clear_message_and_write_nothing() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let before = count(&app, "RUTAN-SERANG").await;
    // Wrong columns: the expected header is named.
    let p = upload(&mut b, b"id,nama_lengkap\n1,Budi\n").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.has("reg_number,name,status,block") && p.has("id,nama_lengkap"),
        "{}",
        p.body
    );
    // Empty.
    let p = upload(&mut b, b"").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.has("Pilih berkas CSV"), "{}", p.body);
    let p = upload(&mut b, b"reg_number,name,status\n\n").await;
    assert!(p.has("Berkas kosong"), "{}", p.body);
    // UTF-16 ("Unicode text" from Excel).
    let p = upload(&mut b, b"\xff\xfer\x00e\x00g\x00").await;
    assert!(p.has("CSV UTF-8"), "{}", p.body);
    // Windows-1252 is read, and said.
    let p = upload(
        &mut b,
        b"reg_number,name,status\nB.I 700/2026,Jos\xe9 Ram\xf3n,narapidana\n",
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        p.has("Windows-1252") && p.has("id=\"count-new\">1<"),
        "{}",
        p.body
    );
    // Excel in an Indonesian locale: BOM, `;`, Indonesian headers.
    let p = upload(
        &mut b,
        "\u{feff}No_Registrasi;Nama;Status;Blok\nB.I 701/2026;Siti Aminah;narapidana;C\n"
            .as_bytes(),
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        p.has("id=\"count-new\">1<") && p.has("id=\"count-bad\">0<"),
        "{}",
        p.body
    );
    // Not multipart at all, and a form without the CSRF token.
    let p = b.post("/staff/inmates/import", &[("file", "x")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let raw = b
        .post_raw_multipart(
            "/staff/inmates/import",
            file(b"reg_number,name,status\n".to_vec()),
        )
        .await;
    assert_eq!(raw.status, StatusCode::FORBIDDEN);
    // Over the limit: 413, nothing read.
    let big = vec![b'x'; 6 * 1024 * 1024];
    let p = upload(&mut b, &big).await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        p.has("Berkas terlalu besar: paling besar 5 MB"),
        "{}",
        p.body
    );
    // More than 1 MiB but under the limit is accepted on this route.
    let mut csv = String::from("reg_number,name,status,block\n");
    let mut n = 0;
    while csv.len() < 1_300_000 {
        csv.push_str(&format!("L.G {n}/2026,Orang Dengan Nama Yang Cukup Panjang {n},narapidana,Blok Yang Panjang Sekali {n}\n"));
        n += 1;
    }
    let p = upload(&mut b, csv.as_bytes()).await;
    assert_eq!(
        p.status,
        StatusCode::OK,
        "{}",
        &p.body[..p.body.len().min(500)]
    );
    assert_eq!(
        count(&app, "RUTAN-SERANG").await,
        before,
        "a bad or previewed file wrote"
    );
    app.stop().await;
}

#[tokio::test]
async fn ten_thousand_rows_preview_and_import_in_seconds() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let before = count(&app, "RUTAN-SERANG").await;
    let mut csv = String::from("reg_number,name,status,block\n");
    for n in 0..10_000 {
        let status = if n % 3 == 0 { "tahanan" } else { "narapidana" };
        csv.push_str(&format!(
            "T.K {n}/2026,Warga Binaan Nomor {n},{status},Blok {}\n",
            n % 7
        ));
    }
    let started = std::time::Instant::now();
    let p = upload(&mut b, csv.as_bytes()).await;
    let preview = started.elapsed();
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.has("id=\"count-new\">10000<"),
        "{}",
        &p.body[..p.body.len().min(2000)]
    );
    let token = p.hidden("token");
    let started = std::time::Instant::now();
    let done = b
        .post("/staff/inmates/import/confirm", &[("token", &token)])
        .await;
    let confirm = started.elapsed();
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    println!(
        "10,000-row CSV ({} KB): preview {:.2} s, confirm {:.2} s ({})",
        csv.len() / 1024,
        preview.as_secs_f64(),
        confirm.as_secs_f64(),
        if app.database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    assert_eq!(count(&app, "RUTAN-SERANG").await, before + 10_000);
    let one = inmate_by_reg(&app, "RUTAN-SERANG", "T.K 9999/2026")
        .await
        .unwrap();
    assert_eq!(one.name.as_str(), "Warga Binaan Nomor 9999");
    assert_eq!(one.block.as_deref(), Some("Blok 3"));
    // Again with 100 names changed: 100 updated, the rest unchanged.
    let changed = csv.replacen("Warga Binaan Nomor 1,", "Nama Baru 1,", 1);
    let p = upload(&mut b, changed.as_bytes()).await;
    assert!(
        p.has("id=\"count-updated\">1<") && p.has("id=\"count-unchanged\">9999<"),
        "{}",
        &p.body[..p.body.len().min(2000)]
    );
    app.stop().await;
}
