//! "No sequence of bookings and cancellations ever breaks capacity or quotas."
//!
//! A small in-memory facility: slots over two weeks, a few inmates and visitors with links.
//! Random operations book (only when [`BookingPolicy::check`] allows it, with the facts
//! gathered from the model as storage gathers them), cancel, or move visits through their
//! state machine. After every step the invariants are checked from scratch.

use jiff::civil::{Date, Time, Weekday, date, time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::people::{inmate, link, visitor};
use super::schedule::template;
use crate::booking::{BookingContext, BookingPolicy, Refusal};
use crate::facility::VisitPolicy;
use crate::ids::FacilityId;
use crate::inmate::{Inmate, InmateStatus};
use crate::schedule::{ExcludedDate, ExtraSession, Slot, VisitKind, derive_slots};
use crate::visit::{Outcome, VisitAction, VisitStatus};
use crate::visitor::{LinkStatus, Relationship, Visitor, VisitorLink};

const ZONES: [&str; 3] = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"];
const INMATES: usize = 3;
const VISITORS: usize = 4;

const ACTIONS: [VisitAction; 9] = [
    VisitAction::Confirm,
    VisitAction::Reject,
    VisitAction::Cancel,
    VisitAction::CheckIn,
    VisitAction::Start,
    VisitAction::Record(Outcome::Completed),
    VisitAction::Record(Outcome::NoShow),
    VisitAction::Record(Outcome::Refused),
    VisitAction::Record(Outcome::Terminated),
];

#[derive(Debug, Clone)]
struct ModelVisit {
    slot: usize,
    inmate: usize,
    visitor: usize,
    kind: VisitKind,
    status: VisitStatus,
}

#[derive(Debug, Clone)]
enum Op {
    Book {
        visitor: usize,
        inmate: usize,
        slot: usize,
        kind: VisitKind,
        people: u16,
        requested: bool,
    },
    Cancel {
        k: usize,
    },
    Act {
        k: usize,
        action: usize,
    },
}

struct World {
    tz: TimeZone,
    policy: VisitPolicy,
    now: Timestamp,
    slots: Vec<Slot>,
    inmates: Vec<Inmate>,
    visitors: Vec<Visitor>,
    links: Vec<VisitorLink>,
    visits: Vec<ModelVisit>,
}

fn t(h: i8, m: i8) -> Time {
    time(h, m, 0, 0)
}

impl World {
    fn new(zone: &str) -> World {
        let tz = TimeZone::get(zone).unwrap();
        let mut templates = Vec::new();
        for wd in [Weekday::Monday, Weekday::Wednesday, Weekday::Friday] {
            templates.push(template(wd, t(8, 0), t(9, 0), 15));
        }
        // Longer slots overlapping the Monday 15-minute ones.
        let mut long = template(Weekday::Monday, t(8, 0), t(9, 0), 30);
        long.capacity = 1;
        templates.push(long);
        let mut legal = template(Weekday::Tuesday, t(10, 0), t(11, 0), 20);
        legal.kind = VisitKind::Legal;
        templates.push(legal);
        // Late Sunday: the last hours of a week.
        let mut late = template(Weekday::Sunday, t(23, 0), time(23, 59, 59, 0), 20);
        late.capacity = 1;
        templates.push(late);
        // First minutes of the second week.
        let extras = [ExtraSession {
            id: 1,
            facility_id: FacilityId(1),
            date: date(2026, 12, 7),
            start: t(0, 0),
            end: t(0, 40),
            slot_minutes: 20,
            capacity: 1,
            kind: VisitKind::Family,
            reason: "Tambahan".into(),
        }];
        let excluded = [ExcludedDate {
            facility_id: FacilityId(1),
            date: date(2026, 12, 9),
            reason: "Libur".into(),
        }];
        // Two weeks, plus Monday 14 December (15 days ahead: outside the window).
        let slots = derive_slots(
            &tz,
            &templates,
            &extras,
            &excluded,
            date(2026, 11, 30),
            date(2026, 12, 14),
        );
        let policy = VisitPolicy {
            max_visits_per_inmate_per_week: 2,
            max_visits_per_visitor_per_week: 2,
            ..VisitPolicy::default()
        };
        let now = date(2026, 11, 29)
            .at(12, 0, 0, 0)
            .to_zoned(tz.clone())
            .unwrap()
            .timestamp();
        let mut inmates: Vec<_> = (0..INMATES as i64)
            .map(|i| inmate(i, InmateStatus::Narapidana))
            .collect();
        inmates[2].status = InmateStatus::Tahanan;
        let visitors = (0..VISITORS as i64).map(visitor).collect();
        let permit = |mut l: VisitorLink, until: Date| {
            l.permit_number = Some("T-10/2026".into());
            l.permit_expires = Some(until);
            l
        };
        let mut pending = link(6, 2, 2, Relationship::Sibling);
        pending.status = LinkStatus::Pending;
        let links = vec![
            link(1, 0, 0, Relationship::Spouse),
            link(2, 0, 1, Relationship::Sibling),
            link(3, 1, 0, Relationship::Child),
            permit(link(4, 1, 2, Relationship::Parent), date(2026, 12, 8)),
            link(5, 2, 1, Relationship::OtherFamily),
            link(9, 2, 0, Relationship::Sibling),
            pending,
            link(7, 3, 0, Relationship::LegalCounsel),
            permit(
                link(8, 3, 2, Relationship::LegalCounsel),
                date(2026, 12, 14),
            ),
        ];
        World {
            tz,
            policy,
            now,
            slots,
            inmates,
            visitors,
            links,
            visits: Vec::new(),
        }
    }

    fn overlaps(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.slots[a], &self.slots[b]);
        a.start < b.end && b.start < a.end
    }

    fn in_week(&self, v: &ModelVisit, week: (Timestamp, Timestamp)) -> bool {
        let start = self.slots[v.slot].start;
        week.0 <= start && start < week.1
    }

    fn link(&self, visitor: usize, inmate: usize) -> Option<&VisitorLink> {
        self.links.iter().find(|l| {
            l.visitor_id == self.visitors[visitor].id && l.inmate_id == self.inmates[inmate].id
        })
    }

    /// Books if the rules allow it; returns the verdict.
    fn book(
        &mut self,
        visitor: usize,
        inmate: usize,
        s: usize,
        kind: VisitKind,
        people: u16,
        requested: bool,
    ) -> Result<(), Vec<Refusal>> {
        let slot = &self.slots[s];
        let active = |v: &&ModelVisit| v.status.is_active();
        let quota = |v: &&ModelVisit| v.kind == VisitKind::Family && v.status.counts_for_quota();
        let week = BookingPolicy::week_bounds(&self.tz, slot.start);
        let count = |f: &dyn Fn(&ModelVisit) -> bool| -> u32 {
            self.visits.iter().filter(|v| f(v)).count() as u32
        };
        let ctx = BookingContext {
            now: self.now,
            tz: &self.tz,
            policy: &self.policy,
            kind,
            slot: Some(slot),
            people,
            slot_booked: count(&|v| active(&v) && v.slot == s),
            inmate: &self.inmates[inmate],
            inmate_here: true,
            visitor: &self.visitors[visitor],
            link: self.link(visitor, inmate),
            inmate_overlapping: count(&|v| {
                active(&v) && v.inmate == inmate && self.overlaps(v.slot, s)
            }),
            visitor_overlapping: count(&|v| {
                active(&v) && v.visitor == visitor && self.overlaps(v.slot, s)
            }),
            inmate_week_visits: count(&|v| {
                quota(&v) && v.inmate == inmate && self.in_week(v, week)
            }),
            visitor_week_visits: count(&|v| {
                quota(&v) && v.visitor == visitor && self.in_week(v, week)
            }),
        };
        let verdict = BookingPolicy::check(&ctx);
        let oracle = self.oracle(&ctx);
        assert_eq!(
            verdict.is_ok(),
            oracle,
            "check {verdict:?} but the model says {oracle}"
        );
        if verdict.is_ok() {
            let status = if requested {
                VisitStatus::Requested
            } else {
                VisitStatus::Booked
            };
            self.visits.push(ModelVisit {
                slot: s,
                inmate,
                visitor,
                kind,
                status,
            });
        }
        verdict
    }

    /// The rules written again, plainly, from the facts: whether the booking may go ahead.
    fn oracle(&self, ctx: &BookingContext<'_>) -> bool {
        let slot = ctx.slot.unwrap();
        let day = slot.start.to_zoned(self.tz.clone()).date();
        let today = self.now.to_zoned(self.tz.clone()).date();
        let ahead = day.since(today).unwrap().get_days();
        let lead = slot.start.duration_since(self.now);
        let link_ok = ctx.link.is_some_and(|l| {
            l.status == LinkStatus::Approved
                && (l.relationship == Relationship::LegalCounsel) == (ctx.kind == VisitKind::Legal)
                && (ctx.inmate.status == InmateStatus::Narapidana
                    || l.relationship == Relationship::LegalCounsel
                    || l.permit_covers(day))
        });
        let quotas_ok = ctx.kind == VisitKind::Legal
            || (ctx.inmate_week_visits < u32::from(self.policy.max_visits_per_inmate_per_week)
                && ctx.visitor_week_visits
                    < u32::from(self.policy.max_visits_per_visitor_per_week));
        slot.kind == ctx.kind
            && link_ok
            && (1..=self.policy.max_people_per_visit).contains(&ctx.people)
            && (1..=14).contains(&ahead)
            && lead >= SignedDuration::from_mins(120)
            && ctx.slot_booked < u32::from(slot.capacity)
            && ctx.inmate_overlapping == 0
            && ctx.visitor_overlapping == 0
            && quotas_ok
    }

    fn act(&mut self, k: usize, action: VisitAction) {
        if self.visits.is_empty() {
            return;
        }
        let k = k % self.visits.len();
        if let Ok(next) = self.visits[k].status.apply(action) {
            self.visits[k].status = next;
        }
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Book {
                visitor,
                inmate,
                slot,
                kind,
                people,
                requested,
            } => {
                let _ = self.book(
                    visitor,
                    inmate,
                    slot % self.slots.len(),
                    kind,
                    people,
                    requested,
                );
            }
            Op::Cancel { k } => self.act(k, VisitAction::Cancel),
            Op::Act { k, action } => self.act(k, ACTIONS[action]),
        }
    }

    /// The invariants, checked from scratch.
    fn check_invariants(&self) -> Result<(), String> {
        for (s, slot) in self.slots.iter().enumerate() {
            let n = self
                .visits
                .iter()
                .filter(|v| v.slot == s && v.status.is_active())
                .count();
            if n > usize::from(slot.capacity) {
                return Err(format!(
                    "slot {s} holds {n} visits for {} booths",
                    slot.capacity
                ));
            }
        }
        let active: Vec<_> = self
            .visits
            .iter()
            .filter(|v| v.status.is_active())
            .collect();
        for (i, a) in active.iter().enumerate() {
            for b in &active[i + 1..] {
                if self.overlaps(a.slot, b.slot) {
                    if a.inmate == b.inmate {
                        return Err(format!("inmate {} in two visits at once", a.inmate));
                    }
                    if a.visitor == b.visitor {
                        return Err(format!("visitor {} in two visits at once", a.visitor));
                    }
                }
            }
        }
        let counted: Vec<_> = self
            .visits
            .iter()
            .filter(|v| v.kind == VisitKind::Family && v.status.counts_for_quota())
            .collect();
        for v in &counted {
            let week = BookingPolicy::week_bounds(&self.tz, self.slots[v.slot].start);
            let same_week = |w: &&&ModelVisit| self.in_week(w, week);
            let by_inmate = counted
                .iter()
                .filter(same_week)
                .filter(|w| w.inmate == v.inmate);
            let n = by_inmate.count();
            if n > usize::from(self.policy.max_visits_per_inmate_per_week) {
                return Err(format!(
                    "inmate {} has {n} family visits in a week",
                    v.inmate
                ));
            }
            let by_visitor = counted
                .iter()
                .filter(same_week)
                .filter(|w| w.visitor == v.visitor);
            let n = by_visitor.count();
            if n > usize::from(self.policy.max_visits_per_visitor_per_week) {
                return Err(format!(
                    "visitor {} has {n} family visits in a week",
                    v.visitor
                ));
            }
        }
        Ok(())
    }
}

fn op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![4 => Just(VisitKind::Family), 1 => Just(VisitKind::Legal)];
    prop_oneof![
        6 => (0..VISITORS, 0..INMATES, 0..64usize, kind, prop_oneof![4 => Just(1u16), 1 => 0u16..=4], any::<bool>())
            .prop_map(|(visitor, inmate, slot, kind, people, requested)| Op::Book {
                visitor,
                inmate,
                slot,
                kind,
                people,
                requested,
            }),
        2 => any::<usize>().prop_map(|k| Op::Cancel { k }),
        2 => (any::<usize>(), 0..ACTIONS.len()).prop_map(|(k, action)| Op::Act { k, action }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn bookings_and_cancellations_never_break_capacity_or_quotas(
        zone in proptest::sample::select(ZONES.to_vec()),
        ops in proptest::collection::vec(op(), 1..80),
    ) {
        let mut world = World::new(zone);
        for (i, op) in ops.iter().enumerate() {
            world.apply(op);
            if let Err(e) = world.check_invariants() {
                return Err(TestCaseError::fail(format!("after step {i} ({op:?}): {e}")));
            }
        }
    }
}

/// The model itself, walked by hand: bookings do go through, each rule refuses what it
/// should, and a cancellation gives the place and the quota back.
#[test]
fn scripted_walk() {
    use Refusal as R;
    let mut w = World::new("Asia/Jayapura");
    w.policy.max_visits_per_visitor_per_week = 1;
    let local = |w: &World, s: usize| {
        let z = w.slots[s].start.to_zoned(w.tz.clone());
        (
            z.date(),
            z.time(),
            w.slots[s].end.duration_since(w.slots[s].start).as_mins(),
        )
    };
    let find = |w: &World, d: Date, h: i8, m: i8, mins: i64| {
        (0..w.slots.len())
            .find(|s| local(w, *s) == (d, t(h, m), mins))
            .unwrap()
    };
    let mon = date(2026, 11, 30);
    let s0800 = find(&w, mon, 8, 0, 15);
    let s0815 = find(&w, mon, 8, 15, 15);
    let long0800 = find(&w, mon, 8, 0, 30);
    let (fam, legal) = (VisitKind::Family, VisitKind::Legal);

    assert_eq!(w.book(0, 0, s0800, fam, 1, false), Ok(()));
    assert_eq!(
        w.book(1, 0, long0800, fam, 1, false),
        Err(vec![R::InmateBusy])
    );
    assert_eq!(
        w.book(0, 1, s0815, fam, 1, false),
        Err(vec![R::VisitorQuota])
    );
    // Back to back is not overlapping; the inmate may have two family visits a week.
    assert_eq!(w.book(1, 0, s0815, fam, 1, true), Ok(()));
    assert_eq!(w.book(2, 1, s0800, fam, 1, false), Ok(()));
    // The 08:00 slot's two booths are taken.
    assert_eq!(
        w.book(3, 0, s0800, legal, 1, false),
        Err(vec![R::SlotFull, R::InmateBusy, R::WrongVisitKind])
    );
    w.check_invariants().unwrap();
    // Inmate 0 has used both weekly visits, visitor 0 its one; a cancellation gives both back.
    let wed = find(&w, date(2026, 12, 2), 8, 0, 15);
    assert_eq!(
        w.book(0, 0, wed, fam, 1, false),
        Err(vec![R::InmateQuota, R::VisitorQuota])
    );
    w.act(0, VisitAction::Cancel);
    assert_eq!(w.book(0, 0, wed, fam, 1, false), Ok(()));
    w.check_invariants().unwrap();
    // Sunday 23:00 WIT and Monday 00:00 WIT are both Sunday in UTC, but in two local weeks.
    let sun = find(&w, date(2026, 12, 6), 23, 0, 20);
    let next = find(&w, date(2026, 12, 7), 0, 0, 20);
    assert_eq!(w.book(2, 1, next, fam, 1, false), Ok(()));
    assert_eq!(w.book(2, 1, sun, fam, 1, false), Err(vec![R::VisitorQuota]));
    // A no-show keeps the quota; a refused visit gives it back.
    w.visits.clear();
    assert_eq!(w.book(0, 1, s0800, fam, 1, false), Ok(()));
    w.act(0, VisitAction::Record(Outcome::NoShow));
    assert_eq!(
        w.book(0, 1, s0815, fam, 1, false),
        Err(vec![R::VisitorQuota])
    );
    w.visits[0].status = VisitStatus::Booked;
    w.act(0, VisitAction::Record(Outcome::Refused));
    assert_eq!(w.book(0, 1, s0815, fam, 1, false), Ok(()));
    // Legal visits take no quota, and need counsel.
    let tue8 = find(&w, date(2026, 12, 8), 10, 0, 20);
    assert_eq!(w.book(3, 2, tue8, legal, 1, false), Ok(()));
    assert_eq!(
        w.book(1, 0, tue8, legal, 1, false),
        Err(vec![R::WrongVisitKind])
    );
    // Counsel cannot be in two legal visits at once.
    assert_eq!(
        w.book(3, 0, tue8, legal, 1, false),
        Err(vec![R::VisitorBusy])
    );
    // The tahanan's permit covers 8 December but not 11 December.
    let fri11 = find(&w, date(2026, 12, 11), 8, 0, 15);
    assert_eq!(
        w.book(1, 2, fri11, fam, 1, false),
        Err(vec![R::PermitMissing])
    );
    let fri4 = find(&w, date(2026, 12, 4), 8, 0, 15);
    assert_eq!(w.book(1, 2, fri4, fam, 1, false), Ok(()));
    // Pending or missing links.
    let fri4b = find(&w, date(2026, 12, 4), 8, 15, 15);
    assert_eq!(
        w.book(2, 2, fri4b, fam, 1, false),
        Err(vec![R::NotApproved])
    );
    assert_eq!(
        w.book(3, 1, fri4b, fam, 1, false),
        Err(vec![R::NotApproved])
    );
    // Too many people.
    assert_eq!(
        w.book(2, 1, fri4b, fam, 4, false),
        Err(vec![R::TooManyPeople])
    );
    // 14 December is beyond the 14-day window; the excluded 9 December has no slots.
    let far = find(&w, date(2026, 12, 14), 8, 0, 15);
    assert_eq!(
        w.book(2, 1, far, fam, 1, false),
        Err(vec![R::OutsideWindow])
    );
    assert!(!(0..w.slots.len()).any(|s| local(&w, s).0 == date(2026, 12, 9)));
    w.check_invariants().unwrap();
}
