//! The start page (facilities, hours, rules, search, language) and the search for an inmate
//! to visit.

use reqwest::StatusCode;
use serde_json::json;

use super::{Browser, hidden_values, registered};
use crate::helpers::spawn_app;

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
