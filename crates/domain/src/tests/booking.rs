use jiff::Timestamp;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;

use super::people::{inmate, link, visitor};
use crate::booking::{BookingContext, BookingPolicy, Refusal};
use crate::facility::VisitPolicy;
use crate::inmate::{Inmate, InmateStatus};
use crate::schedule::{Slot, VisitKind};
use crate::visitor::{LinkStatus, Relationship, Visitor, VisitorLink};

/// Every refusal, in declaration (and so sort) order.
const ALL: [Refusal; 15] = [
    Refusal::NoSuchSlot,
    Refusal::SlotFull,
    Refusal::InmateBusy,
    Refusal::VisitorBusy,
    Refusal::InmateQuota,
    Refusal::VisitorQuota,
    Refusal::NotApproved,
    Refusal::PermitMissing,
    Refusal::InmateSuspended,
    Refusal::InmateNotHeld,
    Refusal::VisitorBanned,
    Refusal::OutsideWindow,
    Refusal::PastCutoff,
    Refusal::WrongVisitKind,
    Refusal::TooManyPeople,
];

fn at(tz: &TimeZone, d: Date, h: i8, m: i8) -> Timestamp {
    d.at(h, m, 0, 0).to_zoned(tz.clone()).unwrap().timestamp()
}

/// The facts of one booking, owned, with a baseline that passes: Sunday 29 November 2026 at
/// 10:00 WIB, a family visit on Wednesday 2 December 09:00–09:15 in an empty slot.
struct Fixture {
    tz: TimeZone,
    policy: VisitPolicy,
    now: Timestamp,
    kind: VisitKind,
    slot: Option<Slot>,
    people: u16,
    slot_booked: u32,
    inmate: Inmate,
    inmate_here: bool,
    visitor: Visitor,
    link: Option<VisitorLink>,
    inmate_overlapping: u32,
    visitor_overlapping: u32,
    inmate_week_visits: u32,
    visitor_week_visits: u32,
}

const SLOT_DATE: Date = date(2026, 12, 2);

impl Fixture {
    fn new() -> Fixture {
        let tz = TimeZone::get("Asia/Jakarta").unwrap();
        let now = at(&tz, date(2026, 11, 29), 10, 0);
        let slot = Slot {
            start: at(&tz, SLOT_DATE, 9, 0),
            end: at(&tz, SLOT_DATE, 9, 15),
            kind: VisitKind::Family,
            capacity: 2,
        };
        Fixture {
            tz,
            policy: VisitPolicy::default(),
            now,
            kind: VisitKind::Family,
            slot: Some(slot),
            people: 1,
            slot_booked: 0,
            inmate: inmate(7, InmateStatus::Narapidana),
            inmate_here: true,
            visitor: visitor(3),
            link: Some(link(1, 3, 7, Relationship::Spouse)),
            inmate_overlapping: 0,
            visitor_overlapping: 0,
            inmate_week_visits: 0,
            visitor_week_visits: 0,
        }
    }

    fn check(&self) -> Result<(), Vec<Refusal>> {
        let ctx = BookingContext {
            now: self.now,
            tz: &self.tz,
            policy: &self.policy,
            kind: self.kind,
            slot: self.slot.as_ref(),
            people: self.people,
            slot_booked: self.slot_booked,
            inmate: &self.inmate,
            inmate_here: self.inmate_here,
            visitor: &self.visitor,
            link: self.link.as_ref(),
            inmate_overlapping: self.inmate_overlapping,
            visitor_overlapping: self.visitor_overlapping,
            inmate_week_visits: self.inmate_week_visits,
            visitor_week_visits: self.visitor_week_visits,
        };
        BookingPolicy::check(&ctx)
    }

    fn slot_mut(&mut self) -> &mut Slot {
        self.slot.as_mut().unwrap()
    }

    fn link_mut(&mut self) -> &mut VisitorLink {
        self.link.as_mut().unwrap()
    }

    fn make_counsel(&mut self) {
        self.kind = VisitKind::Legal;
        self.slot_mut().kind = VisitKind::Legal;
        self.link_mut().relationship = Relationship::LegalCounsel;
    }
}

/// Asserts the baseline, changed by `f`, is refused for exactly `want`.
fn refused(f: impl FnOnce(&mut Fixture), want: &[Refusal]) {
    let mut fx = Fixture::new();
    f(&mut fx);
    assert_eq!(fx.check(), Err(want.to_vec()));
}

fn passes(f: impl FnOnce(&mut Fixture)) {
    let mut fx = Fixture::new();
    f(&mut fx);
    assert_eq!(fx.check(), Ok(()));
}

#[test]
fn baseline_passes() {
    passes(|_| {});
    // Counsel booking a legal visit in a legal slot passes too.
    passes(Fixture::make_counsel);
}

#[test]
fn codes_are_stable_and_distinct() {
    let codes: Vec<_> = ALL.iter().map(|r| r.code()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ALL.len());
    assert_eq!(Refusal::SlotFull.code(), "slot_full");
    assert!(
        codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    );
    // ALL is in sort order, so "sorted" in check() means declaration order.
    assert!(ALL.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn no_such_slot() {
    refused(|f| f.slot = None, &[Refusal::NoSuchSlot]);
}

#[test]
fn slot_full() {
    passes(|f| f.slot_booked = 1);
    refused(|f| f.slot_booked = 2, &[Refusal::SlotFull]);
    refused(|f| f.slot_booked = 9, &[Refusal::SlotFull]);
}

#[test]
fn inmate_busy() {
    refused(|f| f.inmate_overlapping = 1, &[Refusal::InmateBusy]);
}

#[test]
fn visitor_busy() {
    refused(|f| f.visitor_overlapping = 1, &[Refusal::VisitorBusy]);
}

#[test]
fn inmate_quota() {
    refused(|f| f.inmate_week_visits = 1, &[Refusal::InmateQuota]);
    passes(|f| {
        f.policy.max_visits_per_inmate_per_week = 2;
        f.inmate_week_visits = 1;
    });
    refused(
        |f| f.policy.max_visits_per_inmate_per_week = 0,
        &[Refusal::InmateQuota],
    );
}

#[test]
fn visitor_quota() {
    refused(|f| f.visitor_week_visits = 1, &[Refusal::VisitorQuota]);
    passes(|f| {
        f.policy.max_visits_per_visitor_per_week = 3;
        f.visitor_week_visits = 2;
    });
}

#[test]
fn legal_visits_ignore_quotas() {
    passes(|f| {
        f.make_counsel();
        f.inmate_week_visits = 5;
        f.visitor_week_visits = 5;
    });
    // …but not capacity or overlaps.
    refused(
        |f| {
            f.make_counsel();
            f.slot_booked = 2;
            f.inmate_overlapping = 1;
        },
        &[Refusal::SlotFull, Refusal::InmateBusy],
    );
}

#[test]
fn not_approved() {
    refused(|f| f.link = None, &[Refusal::NotApproved]);
    for status in [
        LinkStatus::Pending,
        LinkStatus::Rejected,
        LinkStatus::Revoked,
    ] {
        refused(|f| f.link_mut().status = status, &[Refusal::NotApproved]);
    }
    // A link to another inmate.
    refused(
        |f| f.link_mut().inmate_id = crate::InmateId(8),
        &[Refusal::NotApproved],
    );
}

#[test]
fn someone_elses_link_does_not_approve() {
    // Visitor 3 presenting visitor 4's approved link to the same inmate.
    refused(
        |f| f.link_mut().visitor_id = crate::VisitorId(4),
        &[Refusal::NotApproved],
    );
}

#[test]
fn permit_missing() {
    refused(
        |f| f.inmate.status = InmateStatus::Tahanan,
        &[Refusal::PermitMissing],
    );
    let permit = |f: &mut Fixture, expires: Date| {
        f.inmate.status = InmateStatus::Tahanan;
        f.link_mut().permit_number = Some("T-10/123".into());
        f.link_mut().permit_expires = Some(expires);
    };
    passes(|f| permit(f, SLOT_DATE));
    refused(|f| permit(f, date(2026, 12, 1)), &[Refusal::PermitMissing]);
    // Not asked of a narapidana.
    passes(|f| f.link_mut().permit_number = None);
}

#[test]
fn inmate_suspended() {
    refused(
        |f| f.inmate.visits_suspended_until = Some(date(2026, 12, 3)),
        &[Refusal::InmateSuspended],
    );
    passes(|f| f.inmate.visits_suspended_until = Some(SLOT_DATE));
}

#[test]
fn inmate_not_held() {
    refused(|f| f.inmate.released = true, &[Refusal::InmateNotHeld]);
    refused(|f| f.inmate_here = false, &[Refusal::InmateNotHeld]);
}

#[test]
fn visitor_banned() {
    refused(
        |f| f.visitor.banned_until = Some(date(2027, 1, 1)),
        &[Refusal::VisitorBanned],
    );
    passes(|f| f.visitor.banned_until = Some(SLOT_DATE));
}

#[test]
fn outside_window() {
    // Same day (min 1 day ahead), in the past, and 15 days ahead.
    let move_slot = |f: &mut Fixture, d: Date, h: i8| {
        let tz = f.tz.clone();
        let s = f.slot_mut();
        s.start = at(&tz, d, h, 0);
        s.end = at(&tz, d, h, 15);
    };
    refused(
        |f| move_slot(f, date(2026, 11, 29), 15),
        &[Refusal::OutsideWindow],
    );
    refused(
        |f| move_slot(f, date(2026, 11, 28), 15),
        &[Refusal::OutsideWindow],
    );
    refused(
        |f| move_slot(f, date(2026, 11, 29), 10),
        &[Refusal::OutsideWindow],
    );
    refused(
        |f| move_slot(f, date(2026, 12, 14), 9),
        &[Refusal::OutsideWindow],
    );
    passes(|f| move_slot(f, date(2026, 12, 13), 23));
    passes(|f| move_slot(f, date(2026, 11, 30), 0));
    // Same-day booking when the policy allows it.
    passes(|f| {
        f.policy.min_days_ahead = 0;
        move_slot(f, date(2026, 11, 29), 15);
    });
}

#[test]
fn window_counts_local_dates() {
    // Late Sunday evening in WIT is already Monday: 23:30 WIT on Sunday is 14:30 UTC.
    let mut f = Fixture::new();
    f.tz = TimeZone::get("Asia/Jayapura").unwrap();
    f.now = at(&f.tz, date(2026, 11, 29), 23, 30);
    let tz = f.tz.clone();
    // A slot at 08:00 WIT on 13 December is 14 local days ahead.
    f.slot_mut().start = at(&tz, date(2026, 12, 13), 8, 0);
    f.slot_mut().end = at(&tz, date(2026, 12, 13), 8, 15);
    assert_eq!(f.check(), Ok(()));
    // 14 December is 15 local days ahead, though only 14 days and 30 minutes after `now`.
    f.slot_mut().start = at(&tz, date(2026, 12, 14), 0, 0);
    f.slot_mut().end = at(&tz, date(2026, 12, 14), 0, 15);
    assert_eq!(f.check(), Err(vec![Refusal::OutsideWindow]));
    // Monday 00:00 WIT, 30 minutes after `now`, is tomorrow, but past the cut-off.
    f.slot_mut().start = at(&tz, date(2026, 11, 30), 0, 0);
    f.slot_mut().end = at(&tz, date(2026, 11, 30), 0, 15);
    assert_eq!(f.check(), Err(vec![Refusal::PastCutoff]));
}

#[test]
fn past_cutoff() {
    let mut f = Fixture::new();
    f.policy.min_days_ahead = 0;
    let start = f.slot.as_ref().unwrap().start;
    f.now = start
        .checked_sub(jiff::SignedDuration::from_mins(120))
        .unwrap();
    assert_eq!(f.check(), Ok(()));
    f.now = start
        .checked_sub(jiff::SignedDuration::from_secs(119 * 60 + 59))
        .unwrap();
    assert_eq!(f.check(), Err(vec![Refusal::PastCutoff]));
    // Cut-off and window together.
    f.policy.min_days_ahead = 1;
    assert_eq!(
        f.check(),
        Err(vec![Refusal::OutsideWindow, Refusal::PastCutoff])
    );
}

#[test]
fn wrong_visit_kind() {
    // Family visit asked in a legal slot.
    refused(
        |f| f.slot_mut().kind = VisitKind::Legal,
        &[Refusal::WrongVisitKind],
    );
    // A family member asking for a legal visit.
    refused(
        |f| {
            f.kind = VisitKind::Legal;
            f.slot_mut().kind = VisitKind::Legal;
        },
        &[Refusal::WrongVisitKind],
    );
    // Counsel asking for a family visit.
    refused(
        |f| f.link_mut().relationship = Relationship::LegalCounsel,
        &[Refusal::WrongVisitKind],
    );
    // Both mistakes at once give the reason once.
    refused(
        |f| {
            f.kind = VisitKind::Legal;
            f.link_mut().relationship = Relationship::Parent;
        },
        &[Refusal::WrongVisitKind],
    );
}

#[test]
fn too_many_people() {
    passes(|f| f.people = 3);
    refused(|f| f.people = 4, &[Refusal::TooManyPeople]);
    refused(|f| f.people = 0, &[Refusal::TooManyPeople]);
}

#[test]
fn every_variant_is_produced() {
    // The tests above, as one list: each variant comes from some context.
    type Maker = (Refusal, fn(&mut Fixture));
    let makers: [Maker; 15] = [
        (Refusal::NoSuchSlot, |f| f.slot = None),
        (Refusal::SlotFull, |f| f.slot_booked = 2),
        (Refusal::InmateBusy, |f| f.inmate_overlapping = 1),
        (Refusal::VisitorBusy, |f| f.visitor_overlapping = 1),
        (Refusal::InmateQuota, |f| f.inmate_week_visits = 1),
        (Refusal::VisitorQuota, |f| f.visitor_week_visits = 1),
        (Refusal::NotApproved, |f| f.link = None),
        (Refusal::PermitMissing, |f| {
            f.inmate.status = InmateStatus::Tahanan
        }),
        (Refusal::InmateSuspended, |f| {
            f.inmate.visits_suspended_until = Some(date(2027, 1, 1))
        }),
        (Refusal::InmateNotHeld, |f| f.inmate.released = true),
        (Refusal::VisitorBanned, |f| {
            f.visitor.banned_until = Some(date(2027, 1, 1))
        }),
        (Refusal::OutsideWindow, |f| f.policy.max_days_ahead = 2),
        (Refusal::PastCutoff, |f| {
            f.policy.cutoff_minutes = 4 * 24 * 60
        }),
        (Refusal::WrongVisitKind, |f| f.kind = VisitKind::Legal),
        (Refusal::TooManyPeople, |f| f.people = 10),
    ];
    for ((want, make), expected) in makers.into_iter().zip(ALL) {
        assert_eq!(want, expected);
        let mut f = Fixture::new();
        make(&mut f);
        let got = f.check().unwrap_err();
        assert!(got.contains(&want), "{want:?}: {got:?}");
    }
}

#[test]
fn all_reasons_at_once_sorted_and_deduplicated() {
    let mut f = Fixture::new();
    f.slot_mut().kind = VisitKind::Legal; // wrong kind (slot)
    f.link_mut().relationship = Relationship::LegalCounsel; // wrong kind again (counsel)
    f.people = 9;
    f.now = f
        .slot
        .as_ref()
        .unwrap()
        .start
        .checked_sub(jiff::SignedDuration::from_mins(30))
        .unwrap();
    f.slot_booked = 2;
    f.inmate.released = true;
    f.inmate.visits_suspended_until = Some(date(2027, 1, 1));
    f.visitor.banned_until = Some(date(2027, 1, 1));
    f.inmate.status = InmateStatus::Tahanan;
    f.inmate_overlapping = 1;
    f.visitor_overlapping = 2;
    f.inmate_week_visits = 1;
    f.visitor_week_visits = 1;
    let got = f.check().unwrap_err();
    let want = vec![
        Refusal::SlotFull,
        Refusal::InmateBusy,
        Refusal::VisitorBusy,
        Refusal::InmateQuota,
        Refusal::VisitorQuota,
        // No PermitMissing: counsel needs no permit to see a tahanan (KUHAP art. 70).
        Refusal::InmateSuspended,
        Refusal::InmateNotHeld,
        Refusal::VisitorBanned,
        Refusal::OutsideWindow,
        Refusal::PastCutoff,
        Refusal::WrongVisitKind,
        Refusal::TooManyPeople,
    ];
    assert_eq!(got, want);
    // Without a link: NotApproved instead of PermitMissing, and no second WrongVisitKind.
    f.link = None;
    let got = f.check().unwrap_err();
    assert!(got.contains(&Refusal::NotApproved) && !got.contains(&Refusal::PermitMissing));
    assert!(
        got.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates: {got:?}"
    );
}

#[test]
fn week_bounds_in_each_zone() {
    for zone in ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] {
        let tz = TimeZone::get(zone).unwrap();
        let monday = at(&tz, date(2026, 11, 30), 0, 0);
        let next_monday = at(&tz, date(2026, 12, 7), 0, 0);
        for (d, h, m) in [
            (date(2026, 11, 30), 0, 0),
            (date(2026, 11, 30), 8, 0),
            (date(2026, 12, 2), 12, 0),
            (date(2026, 12, 6), 23, 59),
        ] {
            let (s, e) = BookingPolicy::week_bounds(&tz, at(&tz, d, h, m));
            assert_eq!((s, e), (monday, next_monday), "{zone} {d} {h}:{m}");
        }
        // The bounds are local midnights, on Mondays.
        let z = monday.to_zoned(tz.clone());
        assert_eq!(
            (z.weekday(), z.hour(), z.minute()),
            (jiff::civil::Weekday::Monday, 0, 0)
        );
        // The instant a week starts belongs to it; the one before to the week before.
        let before = monday
            .checked_sub(jiff::SignedDuration::from_secs(1))
            .unwrap();
        let prev = BookingPolicy::week_bounds(&tz, before);
        assert_eq!(prev, (at(&tz, date(2026, 11, 23), 0, 0), monday), "{zone}");
        let (s, e) = BookingPolicy::week_bounds(&tz, next_monday);
        assert_eq!(s, next_monday);
        assert_eq!(e.as_second() - s.as_second(), 7 * 24 * 3600);
    }
    // Monday 00:00 WIT is Sunday 15:00 UTC; a UTC week would get this wrong.
    let wit = TimeZone::get("Asia/Jayapura").unwrap();
    let (s, _) = BookingPolicy::week_bounds(&wit, at(&wit, date(2026, 11, 30), 0, 30));
    assert_eq!(s.to_string(), "2026-11-29T15:00:00Z");
    let jkt = TimeZone::get("Asia/Jakarta").unwrap();
    let (s, e) = BookingPolicy::week_bounds(&jkt, "2026-12-02T05:00:00Z".parse().unwrap());
    assert_eq!(
        (s.to_string(), e.to_string()),
        ("2026-11-29T17:00:00Z".into(), "2026-12-06T17:00:00Z".into())
    );
}
