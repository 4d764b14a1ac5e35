//! The day board over HTTP: check-in by code (every way of typing it, every refusal with its
//! message), start, extend (allowed, and refused when the booth's next visit collides), end,
//! each outcome, officers reading but not acting, and booth assignment.
//!
//! Visits must be "today, about now", whatever time the tests run: each test gets a facility
//! of its own in a fixed-offset zone where it is about noon, with a session from 08:00 to
//! 16:00 (15-minute slots) today and tomorrow, and books through storage as if yesterday.

use jenguk_domain::visit::Actor;
use jenguk_domain::{
    Facility, FacilityCode, FacilityKind, InmateStatus, Nik, PersonName, PhoneNumber, RegNumber,
    VisitId, VisitKind, VisitPolicy, VisitStatus,
};
use jenguk_storage::{
    AuditEvent, BookingRequest, Channel, LinkDecision, NewExtraSession, NewFacility, NewInmate,
    NewLink, NewVisitor, Role, VisitView,
};
use jenguk_web::staff::perm::Can;
use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;

mod checkin;
mod run;

use super::matrix::{At, Case};
use super::{OFFICER_SERANG, OPERATOR_SERANG, StaffBrowser};
use crate::helpers::{TestApp, nik, phone, spawn_app};

pub(super) const OPERATOR: (&str, &str) = ("operator.board", "board-operator-2026");
pub(super) const OFFICER: (&str, &str) = ("officer.board", "board-officer-2026");

/// A facility where it is about noon now, with people to book for.
pub(super) struct Board {
    pub(super) facility: Facility,
    pub(super) tz: TimeZone,
    /// Start of the 15-minute slot holding now.
    pub(super) s0: Timestamp,
    pairs: Vec<(jenguk_domain::InmateId, jenguk_domain::VisitorId)>,
    next: usize,
}

pub(super) fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

/// The fixed-offset zone where the local hour is 12 now.
fn noon_zone(now: Timestamp) -> String {
    let h = i64::from(now.to_zoned(TimeZone::UTC).hour());
    match 12 - h {
        0 => "Etc/GMT".to_string(),
        o if o > 0 => format!("Etc/GMT-{o}"),
        o => format!("Etc/GMT+{}", -o),
    }
}

pub(super) async fn board(app: &TestApp, pairs: u32, booths: &[&str]) -> Board {
    let now = Timestamp::now();
    let who = AuditEvent::cli();
    let zone = noon_zone(now);
    let facility = app
        .db
        .create_facility(
            &NewFacility {
                code: FacilityCode::parse("RUTAN-PAPAN").unwrap(),
                name: "Rutan Papan".into(),
                kind: FacilityKind::Rutan,
                class: "IIB".into(),
                province: "Banten".into(),
                time_zone: zone,
                policy: VisitPolicy {
                    min_days_ahead: 0,
                    cutoff_minutes: 0,
                    max_visits_per_inmate_per_week: 20,
                    max_visits_per_visitor_per_week: 20,
                    ..VisitPolicy::default()
                },
            },
            &who,
            now,
        )
        .await
        .unwrap();
    for b in booths {
        app.db
            .create_booth(facility.id, b, &who, now)
            .await
            .unwrap();
    }
    let tz = facility.tz().unwrap();
    let today = now.to_zoned(tz.clone()).date();
    assert_eq!(now.to_zoned(tz.clone()).hour(), 12);
    for date in [today, today.tomorrow().unwrap()] {
        app.db
            .create_extra_session(
                facility.id,
                &NewExtraSession {
                    date,
                    start: Time::constant(8, 0, 0, 0),
                    end: Time::constant(16, 0, 0, 0),
                    slot_minutes: 15,
                    capacity: 3,
                    kind: VisitKind::Family,
                    reason: "Uji papan".into(),
                },
                &who,
                now,
            )
            .await
            .unwrap();
    }
    let local = now.to_zoned(tz.clone());
    let floor = local.minute() / 15 * 15;
    let s0 = today
        .at(12, floor, 0, 0)
        .to_zoned(tz.clone())
        .unwrap()
        .timestamp();
    let mut list = Vec::new();
    let utc_today = now.to_zoned(TimeZone::UTC).date();
    for i in 0..pairs {
        let inmate = app
            .db
            .create_inmate(
                facility.id,
                &NewInmate {
                    reg_number: RegNumber::parse(&format!("B.I {}/2026", 100 + i)).unwrap(),
                    name: PersonName::parse(&format!("Warga Binaan {i}")).unwrap(),
                    status: InmateStatus::Narapidana,
                    block: None,
                },
                &who,
                now,
            )
            .await
            .unwrap();
        let visitor = app
            .db
            .create_visitor(
                &NewVisitor {
                    name: PersonName::parse(&format!("Rina Wulandari {i}")).unwrap(),
                    nik: Nik::parse(&nik(7000 + i), utc_today).unwrap(),
                    phone: PhoneNumber::parse(&phone(77_000 + i)).unwrap(),
                },
                &who,
                now,
            )
            .await
            .unwrap();
        let link = app
            .db
            .create_link(
                &NewLink {
                    visitor_id: visitor.id,
                    inmate_id: inmate.id,
                    relationship: jenguk_domain::Relationship::Spouse,
                    permit_number: None,
                    permit_expires: None,
                },
                &who,
                now,
            )
            .await
            .unwrap();
        app.db
            .decide_link(
                link.id,
                &LinkDecision::Approve {
                    permit_number: None,
                    permit_expires: None,
                },
                None,
                &who,
                now,
            )
            .await
            .unwrap();
        list.push((inmate.id, visitor.id));
    }
    for (u, role) in [(OPERATOR, Role::Operator), (OFFICER, Role::Officer)] {
        app.db
            .create_user(u.0, u.1, role, Some(facility.id), &who, now)
            .await
            .unwrap();
    }
    Board {
        facility,
        tz,
        s0,
        pairs: list,
        next: 0,
    }
}

impl Board {
    /// Books the next pair at `s0 + offset` minutes (as if booked yesterday).
    pub(super) async fn book(&mut self, app: &TestApp, offset: i64) -> VisitView {
        let (inmate_id, visitor_id) = self.pairs[self.next];
        self.next += 1;
        let req = BookingRequest {
            facility: self.facility.code.clone(),
            start: self.s0.checked_add(mins(offset)).unwrap(),
            kind: VisitKind::Family,
            inmate_id,
            visitor_id,
            people: 1,
            channel: Channel::Staff,
            actor: Actor::System,
        };
        let yesterday = Timestamp::now()
            .checked_sub(SignedDuration::from_hours(24))
            .unwrap();
        app.db
            .book(&req, &AuditEvent::cli(), yesterday)
            .await
            .unwrap()
    }
}

pub(super) async fn status(app: &TestApp, id: VisitId) -> VisitStatus {
    app.db.visit_by_id(id).await.unwrap().visit.status
}

pub(super) async fn audits(app: &TestApp, action: &str) -> usize {
    app.db
        .audit_events(None, 1_000_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .count()
}

#[tokio::test]
async fn officers_see_the_board_but_every_action_is_refused_and_audited() {
    let app = spawn_app().await;
    let mut w = board(&app, 2, &["Bilik 1"]).await;
    let v = w.book(&app, 0).await;
    let mut b = StaffBrowser::login(&app, OFFICER).await;
    let page = b.get("/staff/board").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has(&v.code.to_string()), "{}", page.body);
    assert!(!page.has("name=\"code\""), "no check-in field for officers");
    assert!(!page.has("/staff/board/visits/"), "no action buttons");
    assert!(
        page.has("untuk operator") || page.has("oleh operator"),
        "{}",
        page.body
    );
    let frag = b.get("/staff/board/fragment").await;
    assert_eq!(frag.status, StatusCode::OK);
    assert!(frag.has(&v.code.to_string()) && !frag.has("<html"));
    let path = format!("/staff/board/visits/{}", v.visit.id.0);
    let tries: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/staff/board/checkin".into(),
            vec![("code", v.code.as_str())],
        ),
        (format!("{path}/start"), vec![]),
        (format!("{path}/extend"), vec![("minutes", "5")]),
        (format!("{path}/end"), vec![]),
        (format!("{path}/outcome"), vec![("outcome", "no_show")]),
    ];
    for (p, form) in &tries {
        let denied = audits(&app, "staff.denied").await;
        let changes = audits(&app, "visit.status").await;
        let r = b.post(p, form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}: {}", r.body);
        assert_eq!(audits(&app, "staff.denied").await, denied + 1, "{p}");
        assert_eq!(audits(&app, "visit.status").await, changes, "{p}");
    }
    assert_eq!(status(&app, v.visit.id).await, VisitStatus::Booked);
    app.stop().await;
}

#[tokio::test]
async fn booths_are_assigned_once_never_twice_and_other_days_are_read_only() {
    let app = spawn_app().await;
    let mut w = board(&app, 9, &["Bilik 1", "Bilik 2"]).await;
    let mut visits = Vec::new();
    for offset in [0, 0, 0, 15, 15, 30, -15] {
        visits.push(w.book(&app, offset).await);
    }
    let tomorrow = w.book(&app, 24 * 60).await;
    let tz = w.tz.clone();
    let today = Timestamp::now().to_zoned(tz.clone()).date();
    let start = today.to_zoned(tz.clone()).unwrap().timestamp();
    let end = today.tomorrow().unwrap().to_zoned(tz).unwrap().timestamp();
    let now = Timestamp::now();
    // Several at once: one transaction each, never the same booth twice.
    let (x, y, z) = tokio::join!(
        app.db.assign_booths(w.facility.id, start, end, now),
        app.db.assign_booths(w.facility.id, start, end, now),
        app.db.assign_booths(w.facility.id, start, end, now),
    );
    let assigned = x.unwrap() + y.unwrap() + z.unwrap();
    // Three at s0 for two booths: one waits without a booth.
    assert_eq!(assigned, 6);
    assert_eq!(
        app.db
            .assign_booths(w.facility.id, start, end, now)
            .await
            .unwrap(),
        0
    );
    let all = app
        .db
        .board_visits(w.facility.id, start, end)
        .await
        .unwrap();
    assert_eq!(all.iter().filter(|v| v.visit.booth_id.is_none()).count(), 1);
    for a in &all {
        for b in &all {
            if a.visit.id != b.visit.id
                && a.visit.booth_id.is_some()
                && a.visit.booth_id == b.visit.booth_id
            {
                assert!(
                    a.visit.end <= b.visit.start || b.visit.end <= a.visit.start,
                    "{} and {} share a booth",
                    a.code,
                    b.code
                );
            }
        }
    }
    let booth = app
        .db
        .board_visit(tomorrow.visit.id)
        .await
        .unwrap()
        .visit
        .booth_id;
    assert_eq!(booth, None, "tomorrow's visits wait for their day");
    assert_eq!(audits(&app, "visit.booths_assigned").await, 1);

    let mut b = StaffBrowser::login(&app, OPERATOR).await;
    let page = b.get("/staff/board").await;
    assert!(page.has("Tanpa bilik"), "{}", page.body);
    let day = tomorrow.visit.start.to_zoned(w.tz.clone()).date();
    let page = b.get(&format!("/staff/board?date={day}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has(&tomorrow.code.to_string()));
    assert!(
        !page.has("name=\"code\"") && !page.has("/staff/board/visits/"),
        "read-only"
    );
    assert!(page.has("hanya untuk dibaca"));
    let page = b.get("/staff/board?date=kemarin").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has("Itu bukan tanggal"));
    app.stop().await;
}

/// The board's routes for the role × route matrix: a Serang visit and a Makassar visit.
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let mut out = vec![
        Case::get("/staff/board", Can::ViewBoard, At::Own),
        Case::get("/staff/board/fragment", Can::ViewBoard, At::Own),
    ];
    let now = Timestamp::now();
    let later = now
        .checked_add(SignedDuration::from_hours(24 * 30))
        .unwrap();
    let mut first = None;
    for (code, at) in [
        ("RUTAN-SERANG", At::Serang),
        ("LAPAS-MAKASSAR", At::Makassar),
    ] {
        let f = app
            .db
            .facility(&FacilityCode::parse(code).unwrap())
            .await
            .unwrap();
        let v = app
            .db
            .board_visits(f.id, now, later)
            .await
            .unwrap()
            .remove(0);
        first.get_or_insert(v.code.to_string());
        let p = format!("/staff/board/visits/{}", v.visit.id.0);
        out.push(Case::post(&format!("{p}/start"), &[], Can::Operate, at));
        out.push(Case::post(
            &format!("{p}/extend"),
            &[("minutes", "5")],
            Can::Operate,
            at,
        ));
        out.push(Case::post(&format!("{p}/end"), &[], Can::Operate, at));
        out.push(Case::post(
            &format!("{p}/outcome"),
            &[("outcome", "no_show")],
            Can::Operate,
            at,
        ));
    }
    let code = first.unwrap_or_default();
    out.push(Case::post(
        "/staff/board/checkin",
        &[("code", &code)],
        Can::Operate,
        At::Own,
    ));
    out
}

#[tokio::test]
async fn the_demo_board_shows_serang_to_its_officer_and_operator() {
    let app = spawn_app().await;
    for who in [OPERATOR_SERANG, OFFICER_SERANG] {
        let mut b = StaffBrowser::login(&app, who).await;
        let page = b.get("/staff/board").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.has("Papan harian"), "{}", page.body);
        assert!(page.has("Bilik 4"), "every booth is a row");
        let page = b.get("/staff/board?lang=en").await;
        assert!(page.has("Day board") && page.has("Timeline per booth"));
    }
    app.stop().await;
}
