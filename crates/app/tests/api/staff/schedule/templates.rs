//! Weekly sessions: the slot preview before saving, the slots after, refusals.

use reqwest::StatusCode;

use jiff::Timestamp;

use super::{as_refs, counts, facility, next_sunday, sunday_form};
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

#[tokio::test]
async fn editing_a_template_that_holds_bookings_previews_them_then_cancels_once_confirmed() {
    let app = spawn_app().await;
    let serang = facility(&app, "RUTAN-SERANG").await;
    let tz = serang.tz().unwrap();
    let now = Timestamp::now();
    let visits = app
        .db
        .visits_between(
            serang.id,
            now,
            now + jiff::SignedDuration::from_hours(24 * 60),
        )
        .await
        .unwrap();
    let first = visits
        .iter()
        .find(|v| v.visit.status.is_active())
        .expect("a demo booking in Serang");
    let local = first.visit.start.to_zoned(tz.clone());
    let t = app
        .db
        .templates(serang.id)
        .await
        .unwrap()
        .into_iter()
        .find(|t| {
            t.kind == first.visit.kind
                && t.applies_on(local.date())
                && t.start <= local.time()
                && local.time() < t.end
        })
        .expect("the booking's template");
    // Start the session one hour later: bookings in its first hour lose their place.
    let later = t.start.saturating_add(jiff::SignedDuration::from_hours(1));
    let hit: Vec<_> = visits
        .iter()
        .filter(|v| {
            let z = v.visit.start.to_zoned(tz.clone());
            v.visit.status.is_active()
                && v.visit.kind == t.kind
                && t.applies_on(z.date())
                && z.time() >= t.start
                && z.time() < later
        })
        .map(|v| v.visit.id)
        .collect();
    assert!(!hit.is_empty());
    let start = format!("{:02}:{:02}", later.hour(), later.minute());
    let end = format!("{:02}:{:02}", t.end.hour(), t.end.minute());
    let wd = t.weekday.to_monday_one_offset().to_string();
    let cap = t.capacity.to_string();
    let slot = t.slot_minutes.to_string();
    let form = |action: &'static str| {
        vec![
            ("weekday", wd.clone()),
            ("start", start.clone()),
            ("end", end.clone()),
            ("slot_minutes", slot.clone()),
            ("capacity", cap.clone()),
            ("kind", "family".to_string()),
            ("valid_from", t.valid_from.to_string()),
            ("action", action.to_string()),
        ]
    };
    let path = format!("/staff/schedule/templates/{}", t.id);
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;

    let preview = b.post(&path, &as_refs(&strings(form("preview")))).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.has(&format!("membatalkan {} kunjungan", hit.len())),
        "{}",
        preview.body
    );
    let ask = b.post(&path, &as_refs(&strings(form("save")))).await;
    assert_eq!(ask.status, StatusCode::OK, "{}", ask.body);
    assert!(ask.has(&first.code.to_string()), "{}", ask.body);
    assert_eq!(
        app.db.template_by_id(t.id).await.unwrap().start,
        t.start,
        "changed unconfirmed"
    );

    let confirm = ask.hidden("confirm");
    let mut confirmed = strings(form("save"));
    confirmed.push(("confirm".into(), confirm));
    let done = b.post(&path, &as_refs(&confirmed)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = b.follow(&done).await;
    assert!(
        page.has("Sesi mingguan disimpan") && page.has("dibatalkan"),
        "{}",
        page.body
    );
    assert_eq!(app.db.template_by_id(t.id).await.unwrap().start, later);
    for id in hit {
        assert_eq!(
            app.db.visit_by_id(id).await.unwrap().visit.status,
            jenguk_domain::VisitStatus::Cancelled
        );
    }
    app.stop().await;
}

fn strings(v: Vec<(&str, String)>) -> Vec<(String, String)> {
    v.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
