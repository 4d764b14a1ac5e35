//! The day board over HTTP: check-in by code (every way of typing it, every refusal with its
//! message), start, extend (allowed, and refused when the booth's next visit collides), end,
//! each outcome, officers reading but not acting, and booth assignment.
//!
//! Visits must be "today, about now", whatever time the tests run: each test gets a facility
//! of its own in a fixed-offset zone where it is about noon, with a session from 08:00 to
//! 16:00 (15-minute slots) today and tomorrow, and books through storage as if yesterday.

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{
    Facility, FacilityCode, FacilityKind, InmateStatus, Nik, PersonName, PhoneNumber, RegNumber,
    VisitCode, VisitId, VisitKind, VisitPolicy, VisitStatus,
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

use super::matrix::{At, Case};
use super::{OFFICER_SERANG, OPERATOR_SERANG, StaffBrowser};
use crate::helpers::{TestApp, nik, phone, spawn_app};

const OPERATOR: (&str, &str) = ("operator.board", "board-operator-2026");
const OFFICER: (&str, &str) = ("officer.board", "board-officer-2026");

/// A facility where it is about noon now, with people to book for.
struct Board {
    facility: Facility,
    tz: TimeZone,
    /// Start of the 15-minute slot holding now.
    s0: Timestamp,
    pairs: Vec<(jenguk_domain::InmateId, jenguk_domain::VisitorId)>,
    next: usize,
}

fn mins(m: i64) -> SignedDuration {
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

async fn board(app: &TestApp, pairs: u32, booths: &[&str]) -> Board {
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
    async fn book(&mut self, app: &TestApp, offset: i64) -> VisitView {
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

async fn status(app: &TestApp, id: VisitId) -> VisitStatus {
    app.db.visit_by_id(id).await.unwrap().visit.status
}

async fn audits(app: &TestApp, action: &str) -> usize {
    app.db
        .audit_events(None, 1_000_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .count()
}

/// The code typed the way people type it: lower case, no dash, I/L for 1 and O for 0.
fn sloppy(code: &VisitCode) -> String {
    code.as_str()
        .to_lowercase()
        .replace('1', "l")
        .replace('0', "O")
}

#[tokio::test]
async fn check_in_by_code_accepts_every_way_of_typing_it() {
    let app = spawn_app().await;
    let mut w = board(&app, 4, &["Bilik 1", "Bilik 2"]).await;
    let visits = [
        w.book(&app, 0).await,
        w.book(&app, 0).await,
        w.book(&app, 15).await,
        w.book(&app, 15).await,
    ];
    let mut b = StaffBrowser::login(&app, OPERATOR).await;
    let page = b.get("/staff/board").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has("name=\"code\""), "the code input");
    for v in &visits {
        assert!(page.has(&v.code.to_string()), "{} on the board", v.code);
    }
    let c = |i: usize| visits[i].code.as_str().to_string();
    let typed = [
        format!("{}-{}", &c(0)[..4], &c(0)[4..]),
        c(1).to_lowercase(),
        format!("  {} {}  ", &c(2)[..4].to_lowercase(), &c(2)[4..]),
        sloppy(&visits[3].code),
    ];
    for (v, t) in visits.iter().zip(&typed) {
        assert_eq!(VisitCode::parse(t).unwrap(), v.code, "{t}");
        let r = b.post("/staff/board/checkin", &[("code", t)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{t}: {}", r.body);
        let page = b.follow(&r).await;
        assert!(page.has("Check-in berhasil"), "{}", page.body);
        assert!(page.has(&v.code.to_string()));
        assert_eq!(status(&app, v.visit.id).await, VisitStatus::CheckedIn);
    }
    assert_eq!(audits(&app, "visit.status").await, 4);
    app.stop().await;
}

#[tokio::test]
async fn check_in_refusals_each_say_why_and_write_nothing() {
    let app = spawn_app().await;
    let mut w = board(&app, 6, &["Bilik 1", "Bilik 2"]).await;
    let now_visit = w.book(&app, 0).await;
    let early = w.book(&app, 60).await;
    let tomorrow = w.book(&app, 24 * 60).await;
    let cancelled = w.book(&app, 15).await;
    app.db
        .transition_visit(
            &cancelled.code,
            VisitAction::Cancel,
            Actor::System,
            None,
            &AuditEvent::cli(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    let serang = app
        .db
        .facility(&FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let elsewhere = app
        .db
        .board_visits(
            serang.id,
            Timestamp::now(),
            Timestamp::now()
                .checked_add(SignedDuration::from_hours(24 * 30))
                .unwrap(),
        )
        .await
        .unwrap()
        .remove(0);

    let mut b = StaffBrowser::login(&app, OPERATOR).await;
    b.get("/staff/board").await; // booths assigned
    let r = b
        .post(
            "/staff/board/checkin",
            &[("code", &now_visit.code.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let opens =
        w.s0.checked_add(mins(30))
            .unwrap()
            .to_zoned(w.tz.clone())
            .strftime("%H:%M")
            .to_string();
    let tomorrow_date = tomorrow
        .visit
        .start
        .to_zoned(w.tz.clone())
        .date()
        .to_string();
    let cases: Vec<(String, StatusCode, String)> = vec![
        (
            "ABC".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Itu bukan kode kunjungan".into(),
        ),
        (
            "ZZZZ-ZZZZ".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Tidak ada kunjungan dengan kode ZZZZ-ZZZZ".into(),
        ),
        (
            elsewhere.code.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("ada di fasilitas lain (RUTAN-SERANG)"),
        ),
        (
            tomorrow.code.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("dijadwalkan pada {tomorrow_date}, bukan hari ini"),
        ),
        (
            early.code.to_string(),
            StatusCode::CONFLICT,
            format!("check-in dibuka pukul {opens}"),
        ),
        (
            now_visit.code.to_string(),
            StatusCode::CONFLICT,
            "sudah check-in".into(),
        ),
        (
            cancelled.code.to_string(),
            StatusCode::CONFLICT,
            "sudah dibatalkan".into(),
        ),
    ];
    let before = app.db.audit_events(None, 1_000_000).await.unwrap().len();
    for (code, want, text) in &cases {
        let r = b.post("/staff/board/checkin", &[("code", code)]).await;
        assert_eq!(r.status, *want, "{code}: {}", r.body);
        assert!(r.has(text), "{code}: want {text:?} in {}", r.body);
        assert!(r.has("aria-invalid=\"true\""), "the field is marked");
        assert!(r.has(&format!("value=\"{code}\"")), "the code is kept");
    }
    // In English too.
    let r = b
        .post(
            "/staff/board/checkin?lang=en",
            &[("code", &early.code.to_string())],
        )
        .await;
    assert!(r.has(&format!("check-in opens at {opens}")), "{}", r.body);
    let after = app.db.audit_events(None, 1_000_000).await.unwrap().len();
    assert_eq!(after, before, "a refused check-in writes nothing");
    assert_eq!(status(&app, early.visit.id).await, VisitStatus::Booked);
    assert_eq!(status(&app, tomorrow.visit.id).await, VisitStatus::Booked);
    assert_eq!(status(&app, elsewhere.visit.id).await, VisitStatus::Booked);
    assert_eq!(
        status(&app, cancelled.visit.id).await,
        VisitStatus::Cancelled
    );
    app.stop().await;
}

#[tokio::test]
async fn a_visit_runs_start_extend_end_and_every_outcome_is_recorded() {
    let app = spawn_app().await;
    let mut w = board(&app, 8, &["Bilik 1", "Bilik 2", "Bilik 10"]).await;
    // a and a2 now (booths 1 and 2), next at s0+15 takes booth 1 after a.
    let a = w.book(&app, 0).await;
    let a2 = w.book(&app, 0).await;
    let next = w.book(&app, 15).await;
    let no_show = w.book(&app, 0).await;
    let refused = w.book(&app, 15).await;
    let terminated = w.book(&app, -15).await;
    let mut b = StaffBrowser::login(&app, OPERATOR).await;
    let board_page = b.get("/staff/board").await;
    let booth = |id: VisitId| {
        let app = &app;
        async move { app.db.board_visit(id).await.unwrap().booth_name }
    };
    assert_eq!(booth(a.visit.id).await.as_deref(), Some("Bilik 1"));
    assert_eq!(booth(a2.visit.id).await.as_deref(), Some("Bilik 2"));
    assert_eq!(booth(no_show.visit.id).await.as_deref(), Some("Bilik 10"));
    assert_eq!(booth(next.visit.id).await.as_deref(), Some("Bilik 1"));
    assert!(board_page.has("Bilik 10"));

    for v in [&a, &a2, &refused, &terminated] {
        let r = b
            .post("/staff/board/checkin", &[("code", v.code.as_str())])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let path = |v: &VisitView, what: &str| format!("/staff/board/visits/{}/{what}", v.visit.id.0);

    // Start needs a check-in first.
    let r = b.post(&path(&next, "start"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.has("saat ini terjadwal"), "{}", r.body);
    for v in [&a, &a2, &terminated] {
        let r = b.post(&path(v, "start"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(status(&app, v.visit.id).await, VisitStatus::InCall);
    }
    // The inmate refuses (checked in): not active any more, booth 2 is free after a2.
    let r = b
        .post(&path(&refused, "outcome"), &[("outcome", "refused")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.follow(&r).await;
    assert!(page.has("warga binaan menolak"), "{}", page.body);
    assert_eq!(status(&app, refused.visit.id).await, VisitStatus::Refused);

    // Extending a into next's time in booth 1 is refused, naming next.
    let extends = audits(&app, "visit.extend").await;
    let r = b.post(&path(&a, "extend"), &[("minutes", "5")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.has(&format!("oleh kunjungan {}", next.code)) && r.has("Bilik 1"),
        "{}",
        r.body
    );
    assert_eq!(
        app.db.board_visit(a.visit.id).await.unwrap().extra_minutes,
        0
    );
    // Booth 2 is free after a2: extended, twice; a wrong length is refused.
    let r = b.post(&path(&a2, "extend"), &[("minutes", "10")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.follow(&r).await;
    assert!(page.has("Diperpanjang"), "{}", page.body);
    assert!(page.has("(+10)"), "the extension is shown");
    let r = b.post(&path(&a2, "extend"), &[("minutes", "5")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = b.post(&path(&a2, "extend"), &[("minutes", "20")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.has("5, 10 atau 15 menit"), "{}", r.body);
    assert_eq!(audits(&app, "visit.extend").await, extends + 2);
    let end = app.db.visit_call_end(a2.visit.id).await.unwrap();
    assert_eq!(end, a2.visit.end.checked_add(mins(15)).unwrap());
    // A visit booked later at that time does not get booth 2 while a2 runs over.
    let late = w.book(&app, 15).await;
    b.get("/staff/board").await;
    assert_eq!(booth(late.visit.id).await.as_deref(), Some("Bilik 10"));

    // End: completed.
    let r = b.post(&path(&a, "end"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, a.visit.id).await, VisitStatus::Completed);
    let r = b
        .post(&path(&a2, "outcome"), &[("outcome", "completed")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, a2.visit.id).await, VisitStatus::Completed);
    // No-show of a booked visit.
    let r = b
        .post(&path(&no_show, "outcome"), &[("outcome", "no_show")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, no_show.visit.id).await, VisitStatus::NoShow);
    // Terminated needs a reason; no outcome chosen is refused.
    let r = b
        .post(
            &path(&terminated, "outcome"),
            &[("outcome", "terminated"), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.has("wajib diberi alasan"), "{}", r.body);
    let r = b
        .post(&path(&terminated, "outcome"), &[("outcome", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.has("Pilih hasil"), "{}", r.body);
    assert_eq!(status(&app, terminated.visit.id).await, VisitStatus::InCall);
    let r = b
        .post(
            &path(&terminated, "outcome"),
            &[
                ("outcome", "terminated"),
                ("reason", "Pelanggaran tata tertib"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = app.db.visit_by_id(terminated.visit.id).await.unwrap().visit;
    assert_eq!(t.status, VisitStatus::Terminated);
    assert_eq!(t.status_reason.as_deref(), Some("Pelanggaran tata tertib"));
    // Over: no more actions.
    let r = b
        .post(&path(&a, "outcome"), &[("outcome", "no_show")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.has("saat ini selesai"), "{}", r.body);
    // The family hears of each change (outbox receipts).
    let events = app.db.visit_events(terminated.visit.id).await.unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| e.to_status.as_str())
            .collect::<Vec<_>>(),
        ["booked", "checked_in", "in_call", "terminated"]
    );
    app.stop().await;
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
