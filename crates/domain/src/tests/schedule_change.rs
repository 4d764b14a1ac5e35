use jiff::Timestamp;
use jiff::civil::{Date, Weekday, date, time};

use super::schedule::{template, tz};
use crate::facility::VisitPolicy;
use crate::ids::{BoothId, FacilityId, VisitId};
use crate::schedule::{ExcludedDate, ScheduleError, SessionTemplate, VisitKind};
use crate::schedule_change::{
    HeldPlace, PolicyProblem, ScheduleParts, SessionProblem, affected_visits, check_template,
    templates_overlap,
};

/// Monday 30 November 2026.
const MONDAY: Date = date(2026, 11, 30);

fn at(d: Date, h: i8, m: i8) -> Timestamp {
    tz("Asia/Jakarta").to_timestamp(d.at(h, m, 0, 0)).unwrap()
}

fn visit(id: i64, start: Timestamp, booked_second: i64) -> HeldPlace {
    HeldPlace {
        id: VisitId(id),
        start,
        kind: VisitKind::Family,
        booth_id: None,
        booked_at: Timestamp::from_second(1_700_000_000 + booked_second).unwrap(),
    }
}

fn morning() -> SessionTemplate {
    let mut t = template(Weekday::Monday, time(9, 0, 0, 0), time(10, 0, 0, 0), 15);
    t.id = 7;
    t
}

fn parts(templates: Vec<SessionTemplate>, excluded: Vec<Date>) -> ScheduleParts {
    ScheduleParts {
        templates,
        extras: Vec::new(),
        excluded: excluded
            .into_iter()
            .map(|date| ExcludedDate {
                facility_id: FacilityId(1),
                date,
                reason: "Libur".into(),
            })
            .collect(),
    }
}

fn affected(before: &ScheduleParts, after: &ScheduleParts, visits: &[HeldPlace]) -> Vec<i64> {
    affected_visits(
        &tz("Asia/Jakarta"),
        before,
        after,
        visits,
        &[],
        MONDAY,
        MONDAY.saturating_add(jiff::Span::new().days(14)),
    )
    .into_iter()
    .map(|v| v.0)
    .collect()
}

#[test]
fn an_excluded_date_takes_away_exactly_that_days_visits() {
    let next = MONDAY.saturating_add(jiff::Span::new().days(7));
    let visits = [
        visit(1, at(MONDAY, 9, 15), 0),
        visit(2, at(next, 9, 15), 1),
        visit(3, at(MONDAY, 9, 0), 2),
    ];
    let before = parts(vec![morning()], vec![]);
    let after = parts(vec![morning()], vec![MONDAY]);
    assert_eq!(affected(&before, &after, &visits), vec![3, 1]);
    assert!(affected(&before, &before, &visits).is_empty());
}

#[test]
fn a_smaller_capacity_keeps_the_earliest_bookings() {
    let start = at(MONDAY, 9, 30);
    let visits = [
        visit(10, start, 5),
        visit(11, start, 1),
        visit(12, start, 3),
    ];
    let before = parts(vec![morning()], vec![]);
    let mut smaller = morning();
    smaller.capacity = 2;
    // Capacity 2 before too: visit 10 (booked last) never had a place, so it is not blamed.
    assert!(affected(&before, &parts(vec![smaller.clone()], vec![]), &visits).is_empty());
    let mut wide = morning();
    wide.capacity = 3;
    let mut one = morning();
    one.capacity = 1;
    assert_eq!(
        affected(
            &parts(vec![wide], vec![]),
            &parts(vec![one], vec![]),
            &visits
        ),
        vec![10, 12]
    );
}

#[test]
fn moving_or_deleting_a_template_takes_away_slots_that_no_longer_exist() {
    let visits = [
        visit(1, at(MONDAY, 9, 15), 0),
        visit(2, at(MONDAY, 9, 45), 0),
    ];
    let before = parts(vec![morning()], vec![]);
    let mut later = morning();
    later.start = time(9, 30, 0, 0);
    later.end = time(10, 30, 0, 0);
    assert_eq!(
        affected(&before, &parts(vec![later], vec![]), &visits),
        vec![1]
    );
    assert_eq!(
        affected(&before, &parts(vec![], vec![]), &visits),
        vec![1, 2]
    );
    let mut legal = visit(3, at(MONDAY, 9, 15), 0);
    legal.kind = VisitKind::Legal;
    assert!(affected(&before, &parts(vec![], vec![]), &[legal]).is_empty());
}

#[test]
fn a_booth_taken_out_of_service_takes_its_assigned_visits() {
    let mut v = visit(4, at(MONDAY, 9, 15), 0);
    v.booth_id = Some(BoothId(2));
    let s = parts(vec![morning()], vec![]);
    let hit = affected_visits(
        &tz("Asia/Jakarta"),
        &s,
        &s,
        &[v.clone(), visit(5, at(MONDAY, 9, 15), 0)],
        &[BoothId(2)],
        MONDAY,
        MONDAY,
    );
    assert_eq!(hit, vec![VisitId(4)]);
}

#[test]
fn overlapping_templates_are_named_and_other_kinds_or_days_are_not() {
    let a = morning();
    let mut b = template(Weekday::Monday, time(9, 45, 0, 0), time(11, 0, 0, 0), 15);
    b.id = 0;
    match check_template(&b, std::slice::from_ref(&a), 4) {
        Err(SessionProblem::Overlaps(o)) => assert_eq!(o.id, 7),
        other => panic!("{other:?}"),
    }
    let mut touching = b.clone();
    touching.start = time(10, 0, 0, 0);
    assert!(check_template(&touching, std::slice::from_ref(&a), 4).is_ok());
    let mut legal = b.clone();
    legal.kind = VisitKind::Legal;
    assert!(!templates_overlap(&legal, &a));
    let mut tuesday = b.clone();
    tuesday.weekday = Weekday::Tuesday;
    assert!(!templates_overlap(&tuesday, &a));
    let mut expired = b.clone();
    expired.valid_from = date(2027, 1, 1);
    let mut old = a.clone();
    old.valid_to = Some(date(2026, 12, 31));
    assert!(!templates_overlap(&expired, &old));
    // Editing a template does not collide with itself.
    assert!(check_template(&a, std::slice::from_ref(&a), 4).is_ok());
}

#[test]
fn a_template_must_have_whole_slots_and_booths_for_its_capacity() {
    let mut t = morning();
    t.end = time(8, 0, 0, 0);
    assert_eq!(
        check_template(&t, &[], 4),
        Err(SessionProblem::Shape(ScheduleError::EndBeforeStart))
    );
    let mut t = morning();
    t.slot_minutes = 25;
    assert_eq!(
        check_template(&t, &[], 4),
        Err(SessionProblem::SlotsDoNotDivide)
    );
    t.slot_minutes = 0;
    assert_eq!(
        check_template(&t, &[], 4),
        Err(SessionProblem::Shape(ScheduleError::SlotLength))
    );
    let mut t = morning();
    t.capacity = 0;
    assert_eq!(
        check_template(&t, &[], 4),
        Err(SessionProblem::Shape(ScheduleError::Capacity))
    );
    t.capacity = 5;
    assert_eq!(
        check_template(&t, &[], 4),
        Err(SessionProblem::CapacityAboveBooths { booths: 4 })
    );
}

#[test]
fn a_policy_needs_positive_windows_and_quotas() {
    assert!(VisitPolicy::default().check().is_ok());
    let bad = [
        (
            VisitPolicy {
                max_visits_per_inmate_per_week: 0,
                ..VisitPolicy::default()
            },
            PolicyProblem::Quota,
        ),
        (
            VisitPolicy {
                max_visits_per_visitor_per_week: 0,
                ..VisitPolicy::default()
            },
            PolicyProblem::Quota,
        ),
        (
            VisitPolicy {
                max_days_ahead: 0,
                min_days_ahead: 0,
                ..VisitPolicy::default()
            },
            PolicyProblem::Window,
        ),
        (
            VisitPolicy {
                min_days_ahead: 20,
                ..VisitPolicy::default()
            },
            PolicyProblem::Window,
        ),
        (
            VisitPolicy {
                cutoff_minutes: 20_000,
                ..VisitPolicy::default()
            },
            PolicyProblem::Cutoff,
        ),
        (
            VisitPolicy {
                max_people_per_visit: 0,
                ..VisitPolicy::default()
            },
            PolicyProblem::People,
        ),
        (
            VisitPolicy {
                slot_minutes: 3,
                ..VisitPolicy::default()
            },
            PolicyProblem::SlotMinutes,
        ),
    ];
    for (p, want) in bad {
        assert_eq!(p.check(), Err(want), "{p:?}");
    }
}
