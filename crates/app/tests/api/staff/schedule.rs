//! `/staff/schedule`: booths, weekly sessions with their slot preview, excluded dates, one-off
//! sessions, the visiting policy, and the impact preview before any booking is cancelled.

use jenguk_domain::{FacilityCode, VisitStatus};
use jenguk_storage::AuditEvent;
use jenguk_web::staff::perm::Can;
use jiff::{Timestamp, ToSpan};
use reqwest::StatusCode;

use super::matrix::{At, Case};
use super::{ADMIN_SERANG, NATIONAL, StaffBrowser};
use crate::helpers::{TestApp, spawn_app, world};

async fn facility(app: &TestApp, code: &str) -> jenguk_domain::Facility {
    app.db
        .facility(&FacilityCode::parse(code).unwrap())
        .await
        .unwrap()
}

fn wib_today() -> jiff::civil::Date {
    Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap())
        .date()
}

/// The next Sunday after today (the demo has no Sunday sessions).
fn next_sunday() -> jiff::civil::Date {
    let mut d = wib_today().tomorrow().unwrap();
    while d.weekday() != jiff::civil::Weekday::Sunday {
        d = d.tomorrow().unwrap();
    }
    d
}

fn sunday_form<'a>(
    action: &'a str,
    end: &'a str,
    slot: &'a str,
    cap: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("weekday", "7"),
        ("start", "08:00"),
        ("end", end),
        ("slot_minutes", slot),
        ("capacity", cap),
        ("kind", "family"),
        ("valid_from", ""),
        ("valid_to", ""),
        ("action", action),
    ]
}

async fn counts(app: &TestApp) -> (usize, usize) {
    let serang = facility(app, "RUTAN-SERANG").await;
    (
        app.db.templates(serang.id).await.unwrap().len(),
        app.db.audit_events(None, 1_000_000).await.unwrap().len(),
    )
}

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
async fn an_excluded_date_with_bookings_lists_them_and_cancels_only_once_confirmed() {
    let app = spawn_app().await;
    let serang = facility(&app, "RUTAN-SERANG").await;
    let now = Timestamp::now();
    let visits = app
        .db
        .visits_between(
            serang.id,
            now,
            now + jiff::SignedDuration::from_hours(24 * 30),
        )
        .await
        .unwrap();
    let v = visits
        .iter()
        .find(|v| v.visit.status == VisitStatus::Booked)
        .expect("a demo booking in Serang");
    let tz = serang.tz().unwrap();
    let date = v.visit.start.to_zoned(tz.clone()).date();
    let same_day: Vec<_> = visits
        .iter()
        .filter(|x| x.visit.status.is_active() && x.visit.start.to_zoned(tz.clone()).date() == date)
        .map(|x| x.visit.id)
        .collect();
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let d = date.to_string();
    let form = [("date", d.as_str()), ("reason", "Libur daerah")];
    let before = app.db.audit_events(None, 1_000_000).await.unwrap().len();

    let preview = b.post("/staff/schedule/excluded", &form).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.has(&v.code.to_string()), "{}", preview.body);
    assert!(
        preview.has(&format!("membatalkan {} kunjungan", same_day.len())),
        "{}",
        preview.body
    );
    // A confirmation of other visits than those affected changes nothing either.
    let wrong = b
        .post(
            "/staff/schedule/excluded",
            &[
                ("date", d.as_str()),
                ("reason", "Libur daerah"),
                ("confirm", "999999"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::OK, "{}", wrong.body);
    assert!(wrong.has(&v.code.to_string()));
    let still = app.db.visit_by_id(v.visit.id).await.unwrap();
    assert_eq!(still.visit.status, VisitStatus::Booked);
    assert!(
        app.db
            .excluded_dates(serang.id, date, date)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.db.audit_events(None, 1_000_000).await.unwrap().len(),
        before
    );

    let confirm = preview.hidden("confirm");
    let applied = b
        .post(
            "/staff/schedule/excluded",
            &[
                ("date", d.as_str()),
                ("reason", "Libur daerah"),
                ("confirm", confirm.as_str()),
                ("cancel_reason", "Libur daerah: silakan pesan hari lain"),
            ],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let page = b.follow(&applied).await;
    assert!(
        page.has("dibatalkan dan keluarganya akan diberi tahu"),
        "{}",
        page.body
    );
    assert_eq!(
        app.db
            .excluded_dates(serang.id, date, date)
            .await
            .unwrap()
            .len(),
        1
    );
    let outbox = app.db.outbox_messages(None, 10_000).await.unwrap();
    for id in &same_day {
        let after = app.db.visit_by_id(*id).await.unwrap();
        assert_eq!(after.visit.status, VisitStatus::Cancelled);
        assert_eq!(
            after.visit.status_reason.as_deref(),
            Some("Libur daerah: silakan pesan hari lain")
        );
        assert!(
            outbox
                .iter()
                .any(|m| m.key.starts_with(&format!("visit:{}:event:", id.0))),
            "no receipt for visit {id:?}"
        );
    }
    let audit = app
        .db
        .audit_events(Some(serang.id), 1_000_000)
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "excluded_date.create"));
    assert!(
        audit
            .iter()
            .any(|e| e.action == "excluded_date.cancel_visits")
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
async fn a_booth_out_of_service_reduces_sessions_and_asks_before_cancelling_the_overflow() {
    let app = spawn_app().await;
    let w = world(&app, 3, 3).await;
    let f = facility(&app, &w.code).await;
    let who = AuditEvent::cli();
    let mut booths = Vec::new();
    for n in 1..=3 {
        let booth = app
            .db
            .create_booth(f.id, &format!("Bilik {n}"), &who, Timestamp::now())
            .await
            .unwrap();
        booths.push(booth.id.0);
    }
    let slot = w.slots(&app).await[0]["start"]
        .as_str()
        .unwrap()
        .to_string();
    let mut booked = Vec::new();
    for i in 0..3 {
        let (s, v) = w.book(&app, &w.admin, &slot, i).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        booked.push(v["code"].as_str().unwrap().to_string());
    }
    let mut b = StaffBrowser::login(&app, NATIONAL).await;
    let p = b
        .post("/staff/facility", &[("facility", w.code.as_str())])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);

    let path = format!("/staff/schedule/booths/{}/active", booths[0]);
    let preview = b.post(&path, &[("active", "false")]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    // The last of the three bookings loses its place; the first two keep theirs.
    assert!(preview.has(&booked[2]), "{}", preview.body);
    assert!(!preview.has(&booked[0]) && !preview.has(&booked[1]));
    assert!(
        app.db
            .booth_by_id(jenguk_domain::BoothId(booths[0]))
            .await
            .unwrap()
            .active
    );
    assert!(
        app.db
            .templates(f.id)
            .await
            .unwrap()
            .iter()
            .all(|t| t.capacity == 3)
    );

    let confirm = preview.hidden("confirm");
    let applied = b
        .post(&path, &[("active", "false"), ("confirm", confirm.as_str())])
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    assert!(
        !app.db
            .booth_by_id(jenguk_domain::BoothId(booths[0]))
            .await
            .unwrap()
            .active
    );
    assert!(
        app.db
            .templates(f.id)
            .await
            .unwrap()
            .iter()
            .all(|t| t.capacity == 2)
    );
    let code = jenguk_domain::VisitCode::parse(&booked[2]).unwrap();
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Cancelled);
    let kept = jenguk_domain::VisitCode::parse(&booked[0]).unwrap();
    assert_eq!(
        app.db.visit_by_code(&kept).await.unwrap().visit.status,
        VisitStatus::Booked
    );

    // Back in service, then out again: no booking is affected now, so it applies at once.
    let on = b.post(&path, &[("active", "true")]).await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.body);
    let off = b.post(&path, &[("active", "false")]).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    // Renaming.
    let r = b
        .post(
            &format!("/staff/schedule/booths/{}/rename", booths[1]),
            &[("name", "Bilik Utama")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dup = b
        .post(
            &format!("/staff/schedule/booths/{}/rename", booths[1]),
            &[("name", "Bilik 3")],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", dup.body);
    assert!(dup.has("role=\"alert\""), "{}", dup.body);
    app.stop().await;
}

/// Assigns a booth to a visit (the day board does this; no console page of this area does).
async fn assign_booth(app: &TestApp, visit: i64, booth: i64) {
    use sqlx::Connection;
    let sql = "UPDATE visits SET booth_id = $1 WHERE id = $2";
    if app.database_url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(sql)
            .bind(booth)
            .bind(visit)
            .execute(&mut c)
            .await
            .unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(sql)
            .bind(booth)
            .bind(visit)
            .execute(&mut c)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_booth_with_assigned_visits_lists_them_before_going_out_of_service() {
    let app = spawn_app().await;
    let serang = facility(&app, "RUTAN-SERANG").await;
    let now = Timestamp::now();
    let v = app
        .db
        .visits_between(
            serang.id,
            now,
            now + jiff::SignedDuration::from_hours(24 * 30),
        )
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.visit.status == VisitStatus::Booked)
        .expect("a demo booking in Serang");
    let booth = app.db.booths(serang.id).await.unwrap()[1].clone();
    assign_booth(&app, v.visit.id.0, booth.id.0).await;
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let path = format!("/staff/schedule/booths/{}/active", booth.id.0);
    let preview = b.post(&path, &[("active", "false")]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.has(&v.code.to_string()) && preview.has(&booth.name),
        "{}",
        preview.body
    );
    assert!(app.db.booth_by_id(booth.id).await.unwrap().active);
    let confirm = preview.hidden("confirm");
    assert_eq!(confirm, v.visit.id.0.to_string());
    let applied = b
        .post(&path, &[("active", "false"), ("confirm", confirm.as_str())])
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    assert!(!app.db.booth_by_id(booth.id).await.unwrap().active);
    let after = app.db.visit_by_id(v.visit.id).await.unwrap();
    assert_eq!(after.visit.status, VisitStatus::Cancelled);
    // Three booths remain for sessions of three: no session was reduced.
    assert!(
        app.db
            .templates(serang.id)
            .await
            .unwrap()
            .iter()
            .any(|t| t.capacity == 3)
    );
    app.stop().await;
}

#[tokio::test]
async fn the_policy_is_validated_and_saved() {
    let app = spawn_app().await;
    let mut b = StaffBrowser::login(&app, ADMIN_SERANG).await;
    let page = b.get("/staff/schedule/policy").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let good = |quota: &'static str, max_days: &'static str| {
        vec![
            ("slot_minutes", "15"),
            ("min_days_ahead", "1"),
            ("max_days_ahead", max_days),
            ("cutoff_minutes", "120"),
            ("inmate_quota", quota),
            ("visitor_quota", "1"),
            ("max_people", "3"),
        ]
    };
    for (form, message) in [
        (good("0", "14"), "kuota 0"),
        (good("1", "0"), "Pemesanan paling lambat"),
        (good("x", "14"), "bilangan bulat"),
    ] {
        let p = b.post("/staff/schedule/policy", &form).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.has(message), "want {message}: {}", p.body);
    }
    assert_eq!(
        facility(&app, "RUTAN-SERANG").await.policy.max_days_ahead,
        14
    );
    let p = b.post("/staff/schedule/policy", &good("2", "21")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let policy = facility(&app, "RUTAN-SERANG").await.policy;
    assert_eq!(policy.max_days_ahead, 21);
    assert_eq!(policy.max_visits_per_inmate_per_week, 2);
    assert!(!policy.record_family_visits);
    app.stop().await;
}

/// Every schedule route, with records of Serang (own) and of Makassar.
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let who = AuditEvent::cli();
    let now = Timestamp::now();
    let serang = facility(app, "RUTAN-SERANG").await;
    let makassar = facility(app, "LAPAS-MAKASSAR").await;
    let m_booth = app.db.booths(makassar.id).await.unwrap()[0].id.0;
    let s_booth = app.db.booths(serang.id).await.unwrap()[0].id.0;
    // A Makassar template holding a booking: deleting it only shows the preview, so it
    // survives the allowed users and is still there for the refused ones.
    let visit = app
        .db
        .visits_between(
            makassar.id,
            now,
            now + jiff::SignedDuration::from_hours(24 * 30),
        )
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.visit.status.is_active())
        .expect("a demo booking in Makassar");
    let tz = makassar.tz().unwrap();
    let local = visit.visit.start.to_zoned(tz);
    let m_templates = app.db.templates(makassar.id).await.unwrap();
    let m_template = m_templates
        .iter()
        .find(|t| t.applies_on(local.date()) && t.start <= local.time() && local.time() < t.end)
        .unwrap()
        .clone();
    let s_template = app.db.templates(serang.id).await.unwrap()[0].clone();
    let day = now.to_zoned(makassar.tz().unwrap()).date() + 40.days();
    let extra = |f: jenguk_domain::FacilityId| {
        let db = app.db.clone();
        let who = who.clone();
        async move {
            db.create_extra_session(
                f,
                &jenguk_storage::NewExtraSession {
                    date: day,
                    start: jiff::civil::time(8, 0, 0, 0),
                    end: jiff::civil::time(9, 0, 0, 0),
                    slot_minutes: 30,
                    capacity: 1,
                    kind: jenguk_domain::VisitKind::Family,
                    reason: "Lebaran".into(),
                },
                &who,
                now,
            )
            .await
            .unwrap()
            .id
        }
    };
    let m_extra = extra(makassar.id).await;
    // …and a booking in Makassar's one-off session, for the same reason.
    let mut open = makassar.policy.clone();
    open.max_days_ahead = 60;
    open.max_visits_per_inmate_per_week = 5;
    open.max_visits_per_visitor_per_week = 5;
    app.db
        .update_policy(makassar.id, &open, &who, now)
        .await
        .unwrap();
    let makassar = facility(app, "LAPAS-MAKASSAR").await;
    let start = makassar
        .tz()
        .unwrap()
        .to_timestamp(day.at(8, 0, 0, 0))
        .unwrap();
    app.db
        .book(
            &jenguk_storage::BookingRequest {
                facility: makassar.code.clone(),
                start,
                kind: jenguk_domain::VisitKind::Family,
                inmate_id: visit.visit.inmate_id,
                visitor_id: visit.visit.visitor_id,
                people: 1,
                channel: jenguk_storage::Channel::Staff,
                actor: jenguk_domain::Actor::System,
            },
            &who,
            now,
        )
        .await
        .unwrap();
    let s_extra = extra(serang.id).await;
    let edit = |t: &jenguk_domain::SessionTemplate| -> Vec<(String, String)> {
        vec![
            (
                "weekday".into(),
                t.weekday.to_monday_one_offset().to_string(),
            ),
            (
                "start".into(),
                format!("{:02}:{:02}", t.start.hour(), t.start.minute()),
            ),
            (
                "end".into(),
                format!("{:02}:{:02}", t.end.hour(), t.end.minute()),
            ),
            ("slot_minutes".into(), t.slot_minutes.to_string()),
            ("capacity".into(), t.capacity.to_string()),
            ("kind".into(), t.kind.as_str().into()),
            ("valid_from".into(), t.valid_from.to_string()),
            ("action".into(), "save".into()),
        ]
    };
    let m_edit = edit(&m_template);
    let s_edit = edit(&s_template);
    let holiday = (now.to_zoned(serang.tz().unwrap()).date() + 200.days()).to_string();
    let sunday = sunday_form("save", "09:00", "30", "1");
    let c = Can::Configure;
    vec![
        Case::get("/staff/schedule", c, At::Own),
        Case::post(
            "/staff/schedule/booths",
            &[("name", "Bilik Matriks")],
            c,
            At::Own,
        ),
        Case::post(
            &format!("/staff/schedule/booths/{s_booth}/rename"),
            &[("name", "Bilik 1")],
            c,
            At::Serang,
        ),
        Case::post(
            &format!("/staff/schedule/booths/{m_booth}/rename"),
            &[("name", "Bilik 1")],
            c,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/schedule/booths/{m_booth}/active"),
            &[("active", "true")],
            c,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/schedule/booths/{s_booth}/active"),
            &[("active", "true")],
            c,
            At::Serang,
        ),
        Case::get("/staff/schedule/templates/new", c, At::Own),
        Case::post("/staff/schedule/templates/new", &sunday, c, At::Own),
        Case::get(
            &format!("/staff/schedule/templates/{}", s_template.id),
            c,
            At::Serang,
        ),
        Case::get(
            &format!("/staff/schedule/templates/{}", m_template.id),
            c,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/schedule/templates/{}", s_template.id),
            &as_refs(&s_edit),
            c,
            At::Serang,
        ),
        Case::post(
            &format!("/staff/schedule/templates/{}", m_template.id),
            &as_refs(&m_edit),
            c,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/schedule/templates/{}/delete", m_template.id),
            &[],
            c,
            At::Makassar,
        ),
        Case::post(
            "/staff/schedule/excluded",
            &[("date", holiday.as_str()), ("reason", "Libur")],
            c,
            At::Own,
        ),
        Case::post(
            &format!("/staff/schedule/excluded/{holiday}/delete"),
            &[],
            c,
            At::Own,
        ),
        Case::post(
            "/staff/schedule/extra",
            &[
                ("date", day.to_string().as_str()),
                ("start", "13:00"),
                ("end", "14:00"),
                ("slot_minutes", "30"),
                ("capacity", "1"),
                ("kind", "family"),
                ("reason", "Lebaran"),
            ],
            c,
            At::Own,
        ),
        Case::post(
            &format!("/staff/schedule/extra/{s_extra}/delete"),
            &[],
            c,
            At::Serang,
        ),
        Case::post(
            &format!("/staff/schedule/extra/{m_extra}/delete"),
            &[],
            c,
            At::Makassar,
        ),
        Case::get("/staff/schedule/policy", c, At::Own),
        Case::post(
            "/staff/schedule/policy",
            &[
                ("slot_minutes", "15"),
                ("min_days_ahead", "1"),
                ("max_days_ahead", "14"),
                ("cutoff_minutes", "120"),
                ("inmate_quota", "1"),
                ("visitor_quota", "1"),
                ("max_people", "3"),
            ],
            c,
            At::Own,
        ),
    ]
}

fn as_refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
