//! `/staff/schedule`: booths, weekly sessions with their slot preview, excluded dates, one-off
//! sessions, the visiting policy, and the impact preview before any booking is cancelled.

mod impact;
mod templates;

use jenguk_domain::FacilityCode;
use jenguk_storage::AuditEvent;
use jenguk_web::staff::perm::Can;
use jiff::{Timestamp, ToSpan};
use reqwest::StatusCode;

use super::matrix::{At, Case};
use super::{ADMIN_SERANG, StaffBrowser};
use crate::helpers::{TestApp, spawn_app};

pub(super) async fn facility(app: &TestApp, code: &str) -> jenguk_domain::Facility {
    app.db
        .facility(&FacilityCode::parse(code).unwrap())
        .await
        .unwrap()
}

pub(super) fn wib_today() -> jiff::civil::Date {
    Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap())
        .date()
}

/// The next Sunday after today (the demo has no Sunday sessions).
pub(super) fn next_sunday() -> jiff::civil::Date {
    let mut d = wib_today().tomorrow().unwrap();
    while d.weekday() != jiff::civil::Weekday::Sunday {
        d = d.tomorrow().unwrap();
    }
    d
}

pub(super) fn sunday_form<'a>(
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

pub(super) async fn counts(app: &TestApp) -> (usize, usize) {
    let serang = facility(app, "RUTAN-SERANG").await;
    (
        app.db.templates(serang.id).await.unwrap().len(),
        app.db.audit_events(None, 1_000_000).await.unwrap().len(),
    )
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
        .find(|t| {
            t.kind == visit.visit.kind
                && t.applies_on(local.date())
                && t.start <= local.time()
                && local.time() < t.end
        })
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

pub(super) fn as_refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
