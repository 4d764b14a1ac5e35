//! Weekly sessions: the slot preview before saving, the slots after, refusals.

use reqwest::StatusCode;

use super::{counts, next_sunday, sunday_form};
use crate::helpers::spawn_app;
use crate::staff::{ADMIN_SERANG, StaffBrowser};

#[tokio::test]
async fn a_template_is_previewed_without_writing_then_saved_and_its_slots_are_offered() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let overview = b.get("/staff/schedule").await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert!(
        overview.has("Bilik 1") && overview.has("Senin 09:00–12:00"),
        "{}",
        overview.body
    );

    let before = counts(&app).await;
    let form = sunday_form("preview", "09:00", "30", "2");
    let p = b.post("/staff/schedule/templates/new", &form).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.has("Pratinjau") && p.has("08:00, 08:30"), "{}", p.body);
    assert_eq!(counts(&app).await, before, "a preview wrote something");

    let form = sunday_form("save", "09:00", "30", "2");
    let saved = b.post("/staff/schedule/templates/new", &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.location().starts_with("/staff/schedule/templates/"));
    let page = b.follow(&saved).await;
    assert!(
        page.has("Sesi mingguan disimpan") && page.has("08:00, 08:30"),
        "{}",
        page.body
    );
    assert_eq!(counts(&app).await.0, before.0 + 1);

    // The staff API offers the new slots (as the family portal does).
    let token = app.operator().await;
    let sunday = next_sunday();
    let (s, slots) = app
        .get(
            &format!("/api/v1/facilities/RUTAN-SERANG/slots?from={sunday}&to={sunday}"),
            Some(&token),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{slots}");
    let starts: Vec<&str> = slots
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        vec![
            format!("{sunday}T08:00:00+07:00"),
            format!("{sunday}T08:30:00+07:00")
        ]
    );
    assert_eq!(slots[0]["capacity"], 2);
    app.stop().await;
}

#[tokio::test]
async fn bad_templates_are_refused_with_a_clear_message_and_nothing_is_written() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let before = counts(&app).await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            sunday_form("save", "07:00", "30", "2"),
            "Jam selesai harus setelah jam mulai",
        ),
        (
            sunday_form("save", "09:00", "25", "2"),
            "tidak habis dibagi slot 25 menit",
        ),
        (sunday_form("save", "09:00", "0", "2"), "Panjang slot harus"),
        (
            sunday_form("save", "09:00", "30", "0"),
            "Kunjungan serentak paling sedikit 1",
        ),
        (
            sunday_form("save", "09:00", "30", "5"),
            "tidak boleh lebih dari 4 bilik aktif",
        ),
        (sunday_form("save", "9 pagi", "30", "2"), "JJ:MM"),
        (
            vec![
                ("weekday", "1"),
                ("start", "11:00"),
                ("end", "12:30"),
                ("slot_minutes", "15"),
                ("capacity", "1"),
                ("kind", "family"),
                ("action", "save"),
            ],
            "bertumpang tindih dengan sesi mingguan Senin 09:00–12:00",
        ),
    ];
    for (form, message) in cases {
        for action in ["save", "preview"] {
            let mut form = form.clone();
            form.retain(|(k, _)| *k != "action");
            form.push(("action", action));
            let p = b.post("/staff/schedule/templates/new", &form).await;
            assert_eq!(
                p.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{form:?}: {}",
                p.body
            );
            assert!(p.has(message), "{form:?}: want {message}: {}", p.body);
        }
    }
    // Legal sessions may run beside family ones.
    let legal = [
        ("weekday", "1"),
        ("start", "11:00"),
        ("end", "12:00"),
        ("slot_minutes", "30"),
        ("capacity", "1"),
        ("kind", "legal"),
        ("action", "preview"),
    ];
    let p = b.post("/staff/schedule/templates/new", &legal).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(
        counts(&app).await,
        before,
        "a refused template wrote something"
    );
    // In English too.
    let p = b
        .post(
            "/staff/schedule/templates/new?lang=en",
            &sunday_form("save", "07:00", "30", "2"),
        )
        .await;
    assert!(
        p.has("The end time must be after the start time"),
        "{}",
        p.body
    );
    app.stop().await;
}

#[tokio::test]
async fn deleting_a_template_without_bookings_applies_at_once() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let saved = b
        .post(
            "/staff/schedule/templates/new",
            &sunday_form("save", "09:00", "30", "2"),
        )
        .await;
    let path = saved.location().split('?').next().unwrap().to_string();
    let before = counts(&app).await.0;
    let p = b.post(&format!("{path}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(counts(&app).await.0, before - 1);
    app.stop().await;
}
