use jiff::civil::{Date, Time, Weekday, date, time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::ids::FacilityId;
use crate::schedule::{
    ExcludedDate, ExtraSession, ScheduleError, SessionTemplate, Slot, VisitKind, derive_slots,
    find_slot,
};

pub(super) fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

pub(super) fn template(weekday: Weekday, start: Time, end: Time, minutes: u16) -> SessionTemplate {
    SessionTemplate {
        id: 0,
        facility_id: FacilityId(1),
        weekday,
        start,
        end,
        slot_minutes: minutes,
        capacity: 2,
        valid_from: date(2026, 1, 1),
        valid_to: None,
        kind: VisitKind::Family,
    }
}

fn extra(d: Date, start: Time, end: Time, minutes: u16) -> ExtraSession {
    ExtraSession {
        id: 0,
        facility_id: FacilityId(1),
        date: d,
        start,
        end,
        slot_minutes: minutes,
        capacity: 4,
        kind: VisitKind::Family,
        reason: "Lebaran".into(),
    }
}

fn excluded(d: Date) -> ExcludedDate {
    ExcludedDate {
        facility_id: FacilityId(1),
        date: d,
        reason: "Libur nasional".into(),
    }
}

/// RFC 3339 with the zone's offset, as a family's screen would show it.
fn local_rfc3339(tz: &TimeZone, t: Timestamp) -> String {
    t.display_with_offset(tz.to_offset(t)).to_string()
}

/// Monday 30 November 2026.
const MONDAY: Date = date(2026, 11, 30);

#[test]
fn monday_morning_in_each_zone() {
    for (zone, offset) in [
        ("Asia/Jakarta", "+07:00"),
        ("Asia/Makassar", "+08:00"),
        ("Asia/Jayapura", "+09:00"),
    ] {
        let tz = tz(zone);
        let t = template(Weekday::Monday, time(8, 0, 0, 0), time(10, 0, 0, 0), 15);
        let slots = derive_slots(&tz, &[t], &[], &[], MONDAY, MONDAY);
        assert_eq!(slots.len(), 8, "{zone}");
        let starts: Vec<_> = slots.iter().map(|s| local_rfc3339(&tz, s.start)).collect();
        let want: Vec<_> = [
            "08:00", "08:15", "08:30", "08:45", "09:00", "09:15", "09:30", "09:45",
        ]
        .iter()
        .map(|hm| format!("2026-11-30T{hm}:00{offset}"))
        .collect();
        assert_eq!(starts, want, "{zone}");
        for s in &slots {
            assert_eq!(s.end.as_second() - s.start.as_second(), 15 * 60);
            assert_eq!(s.capacity, 2);
            assert_eq!(s.kind, VisitKind::Family);
        }
        assert_eq!(
            local_rfc3339(&tz, slots[7].end),
            format!("2026-11-30T10:00:00{offset}")
        );
    }
    // The same local time is a different instant in each zone.
    let first = |zone: &str| {
        let t = template(Weekday::Monday, time(8, 0, 0, 0), time(10, 0, 0, 0), 15);
        derive_slots(&tz(zone), &[t], &[], &[], MONDAY, MONDAY)[0]
            .start
            .to_string()
    };
    assert_eq!(first("Asia/Jakarta"), "2026-11-30T01:00:00Z");
    assert_eq!(first("Asia/Makassar"), "2026-11-30T00:00:00Z");
    assert_eq!(first("Asia/Jayapura"), "2026-11-29T23:00:00Z");
}

#[test]
fn only_the_templates_weekday() {
    let tz = tz("Asia/Jakarta");
    let t = template(Weekday::Wednesday, time(8, 0, 0, 0), time(9, 0, 0, 0), 30);
    let slots = derive_slots(&tz, &[t], &[], &[], date(2026, 11, 23), date(2026, 12, 13));
    let dates: Vec<_> = slots
        .iter()
        .map(|s| s.start.to_zoned(tz.clone()).date())
        .collect();
    assert_eq!(
        dates,
        [
            date(2026, 11, 25),
            date(2026, 11, 25),
            date(2026, 12, 2),
            date(2026, 12, 2),
            date(2026, 12, 9),
            date(2026, 12, 9)
        ]
    );
    assert!(derive_slots(&tz, &[], &[], &[], MONDAY, MONDAY).is_empty());
    // An empty range.
    let t = template(Weekday::Monday, time(8, 0, 0, 0), time(9, 0, 0, 0), 30);
    assert!(derive_slots(&tz, &[t], &[], &[], MONDAY, date(2026, 11, 29)).is_empty());
}

#[test]
fn late_night_in_wit_stays_on_its_local_date() {
    let tz = tz("Asia/Jayapura");
    let t = template(Weekday::Monday, time(23, 30, 0, 0), time(23, 59, 59, 0), 15);
    let slots = derive_slots(&tz, &[t], &[], &[], MONDAY, MONDAY);
    // 23:45–00:00 would end after 23:59:59: only one slot fits.
    assert_eq!(slots.len(), 1);
    let s = &slots[0];
    assert_eq!(s.start.to_string(), "2026-11-30T14:30:00Z");
    assert_eq!(local_rfc3339(&tz, s.start), "2026-11-30T23:30:00+09:00");
    assert_eq!(s.start.to_zoned(tz.clone()).date(), MONDAY);
    assert_eq!(s.end.to_zoned(tz.clone()).time(), time(23, 45, 0, 0));
    // Not on Tuesday, which is already Monday 15:00 UTC onwards.
    assert!(
        derive_slots(
            &tz,
            &[template(
                Weekday::Monday,
                time(23, 30, 0, 0),
                time(23, 59, 59, 0),
                15
            )],
            &[],
            &[],
            date(2026, 12, 1),
            date(2026, 12, 1)
        )
        .is_empty()
    );
}

#[test]
fn just_after_midnight_in_wit_is_the_previous_utc_day() {
    let tz = tz("Asia/Jayapura");
    let t = template(Weekday::Monday, time(0, 0, 0, 0), time(0, 30, 0, 0), 15);
    let slots = derive_slots(&tz, std::slice::from_ref(&t), &[], &[], MONDAY, MONDAY);
    assert_eq!(slots.len(), 2);
    // Monday 00:00 WIT is Sunday 15:00 UTC.
    assert_eq!(slots[0].start.to_string(), "2026-11-29T15:00:00Z");
    assert_eq!(
        local_rfc3339(&tz, slots[0].start),
        "2026-11-30T00:00:00+09:00"
    );
    assert_eq!(slots[0].start.to_zoned(tz.clone()).date(), MONDAY);
    // Deriving Sunday (the UTC date) gives nothing; find_slot looks on the local date.
    let sunday = date(2026, 11, 29);
    assert!(derive_slots(&tz, std::slice::from_ref(&t), &[], &[], sunday, sunday).is_empty());
    let found = find_slot(&tz, &[t], &[], &[], slots[1].start, VisitKind::Family);
    assert_eq!(found.as_ref(), Some(&slots[1]));
}

#[test]
fn excluded_dates_remove_templates_not_extra_sessions() {
    let tz = tz("Asia/Makassar");
    let t = template(Weekday::Monday, time(8, 0, 0, 0), time(9, 0, 0, 0), 15);
    let x = extra(MONDAY, time(13, 0, 0, 0), time(14, 0, 0, 0), 20);
    let ex = excluded(MONDAY);
    let next_monday = date(2026, 12, 7);
    let slots = derive_slots(
        &tz,
        std::slice::from_ref(&t),
        std::slice::from_ref(&x),
        std::slice::from_ref(&ex),
        MONDAY,
        next_monday,
    );
    let local: Vec<_> = slots
        .iter()
        .map(|s| {
            let z = s.start.to_zoned(tz.clone());
            (z.date(), z.time(), s.capacity)
        })
        .collect();
    assert_eq!(
        local,
        [
            (MONDAY, time(13, 0, 0, 0), 4),
            (MONDAY, time(13, 20, 0, 0), 4),
            (MONDAY, time(13, 40, 0, 0), 4),
            (next_monday, time(8, 0, 0, 0), 2),
            (next_monday, time(8, 15, 0, 0), 2),
            (next_monday, time(8, 30, 0, 0), 2),
            (next_monday, time(8, 45, 0, 0), 2),
        ]
    );
    // Without the exclusion the template gives its Monday slots too.
    assert_eq!(derive_slots(&tz, &[t], &[x], &[], MONDAY, MONDAY).len(), 7);
}

#[test]
fn extra_sessions_only_on_their_date() {
    let tz = tz("Asia/Jakarta");
    let x = extra(date(2027, 3, 10), time(8, 0, 0, 0), time(9, 0, 0, 0), 30);
    assert!(
        derive_slots(
            &tz,
            &[],
            std::slice::from_ref(&x),
            &[],
            MONDAY,
            date(2027, 3, 9)
        )
        .is_empty()
    );
    assert_eq!(
        derive_slots(&tz, &[], &[x], &[], date(2027, 3, 10), date(2027, 3, 31)).len(),
        2
    );
}

#[test]
fn validity_range_is_inclusive() {
    let tz = tz("Asia/Jakarta");
    let mut t = template(Weekday::Monday, time(8, 0, 0, 0), time(8, 15, 0, 0), 15);
    t.valid_from = date(2026, 12, 7);
    t.valid_to = Some(date(2026, 12, 21));
    let slots = derive_slots(
        &tz,
        &[t.clone()],
        &[],
        &[],
        date(2026, 11, 1),
        date(2027, 1, 31),
    );
    let dates: Vec<_> = slots
        .iter()
        .map(|s| s.start.to_zoned(tz.clone()).date())
        .collect();
    assert_eq!(
        dates,
        [date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21)]
    );
    assert!(!t.applies_on(date(2026, 11, 30)));
    assert!(t.applies_on(date(2026, 12, 7)));
    assert!(!t.applies_on(date(2026, 12, 8)));
    assert!(t.applies_on(date(2026, 12, 21)));
    assert!(!t.applies_on(date(2026, 12, 28)));
    t.valid_to = None;
    assert!(t.applies_on(date(2030, 12, 2)));
}

#[test]
fn partial_last_slot_is_dropped() {
    let tz = tz("Asia/Jakarta");
    let t = template(Weekday::Monday, time(8, 0, 0, 0), time(9, 10, 0, 0), 15);
    let slots = derive_slots(&tz, &[t], &[], &[], MONDAY, MONDAY);
    assert_eq!(slots.len(), 4);
    assert_eq!(slots[3].end.to_zoned(tz.clone()).time(), time(9, 0, 0, 0));
    // Exactly fitting: the last slot ends at `end`.
    let t = template(Weekday::Monday, time(8, 0, 0, 0), time(9, 15, 0, 0), 15);
    let slots = derive_slots(&tz, &[t], &[], &[], MONDAY, MONDAY);
    assert_eq!(slots.len(), 5);
    assert_eq!(slots[4].end.to_zoned(tz.clone()).time(), time(9, 15, 0, 0));
}

#[test]
fn same_slots_merge_capacity_other_kinds_do_not() {
    let tz = tz("Asia/Jakarta");
    let a = template(Weekday::Monday, time(8, 0, 0, 0), time(9, 0, 0, 0), 30);
    let mut b = a.clone();
    b.capacity = 3;
    let mut legal = a.clone();
    legal.kind = VisitKind::Legal;
    legal.capacity = 1;
    let mut longer = a.clone();
    longer.slot_minutes = 60;
    let slots = derive_slots(&tz, &[a, legal, b, longer], &[], &[], MONDAY, MONDAY);
    let shape: Vec<_> = slots
        .iter()
        .map(|s| {
            let z = s.start.to_zoned(tz.clone());
            (
                z.time(),
                (s.end.as_second() - s.start.as_second()) / 60,
                s.kind,
                s.capacity,
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (time(8, 0, 0, 0), 30, VisitKind::Family, 5),
            (time(8, 0, 0, 0), 30, VisitKind::Legal, 1),
            (time(8, 0, 0, 0), 60, VisitKind::Family, 2),
            (time(8, 30, 0, 0), 30, VisitKind::Family, 5),
            (time(8, 30, 0, 0), 30, VisitKind::Legal, 1),
        ]
    );
    // Sorted by start.
    assert!(slots.windows(2).all(|w| w[0].start <= w[1].start));
}

#[test]
fn extra_session_merges_with_a_template_slot() {
    let tz = tz("Asia/Jakarta");
    let t = template(Weekday::Monday, time(8, 0, 0, 0), time(8, 30, 0, 0), 30);
    let x = extra(MONDAY, time(8, 0, 0, 0), time(8, 30, 0, 0), 30);
    let slots = derive_slots(&tz, &[t], &[x], &[], MONDAY, MONDAY);
    assert_eq!(slots.len(), 1);
    assert_eq!(slots[0].capacity, 6);
}

#[test]
fn find_slot_finds_and_misses() {
    let tz = tz("Asia/Makassar");
    let t = template(Weekday::Monday, time(8, 0, 0, 0), time(10, 0, 0, 0), 15);
    let ts = |h: i8, m: i8| {
        MONDAY
            .at(h, m, 0, 0)
            .to_zoned(tz.clone())
            .unwrap()
            .timestamp()
    };
    let find = |start: Timestamp, kind: VisitKind, ex: &[ExcludedDate]| {
        find_slot(&tz, std::slice::from_ref(&t), &[], ex, start, kind)
    };
    let s = find(ts(8, 45), VisitKind::Family, &[]).unwrap();
    assert_eq!(s.start, ts(8, 45));
    assert_eq!(s.end, ts(9, 0));
    assert_eq!(s.capacity, 2);
    assert_eq!(find(ts(8, 50), VisitKind::Family, &[]), None); // not a slot boundary
    assert_eq!(find(ts(10, 0), VisitKind::Family, &[]), None); // after the session
    assert_eq!(find(ts(7, 45), VisitKind::Family, &[]), None); // before it
    assert_eq!(find(ts(8, 45), VisitKind::Legal, &[]), None); // wrong kind
    assert_eq!(
        find(ts(8, 45), VisitKind::Family, &[excluded(MONDAY)]),
        None
    );
    assert!(find(ts(8, 45), VisitKind::Family, &[excluded(date(2026, 12, 7))]).is_some());
    // A second off.
    assert_eq!(
        find(
            ts(8, 45).checked_add(1.second()).unwrap(),
            VisitKind::Family,
            &[]
        ),
        None
    );
    // The same wall time a week later, and on Tuesday.
    let next = date(2026, 12, 7)
        .at(8, 45, 0, 0)
        .to_zoned(tz.clone())
        .unwrap()
        .timestamp();
    assert!(find(next, VisitKind::Family, &[]).is_some());
    let tue = date(2026, 12, 1)
        .at(8, 45, 0, 0)
        .to_zoned(tz.clone())
        .unwrap()
        .timestamp();
    assert_eq!(find(tue, VisitKind::Family, &[]), None);
    // The same instant read in another zone is another local time: no slot.
    assert_eq!(
        find_slot(
            &super::schedule::tz("Asia/Jakarta"),
            std::slice::from_ref(&t),
            &[],
            &[],
            ts(8, 45),
            VisitKind::Family
        ),
        None
    );
}

#[test]
fn validate_errors() {
    let ok = template(Weekday::Monday, time(8, 0, 0, 0), time(10, 0, 0, 0), 15);
    assert_eq!(ok.validate(), Ok(()));
    let with = |f: &dyn Fn(&mut SessionTemplate)| {
        let mut t = ok.clone();
        f(&mut t);
        t.validate()
    };
    assert_eq!(
        with(&|t| t.end = time(7, 0, 0, 0)),
        Err(ScheduleError::EndBeforeStart)
    );
    assert_eq!(
        with(&|t| t.end = t.start),
        Err(ScheduleError::EndBeforeStart)
    );
    assert_eq!(
        with(&|t| t.slot_minutes = 0),
        Err(ScheduleError::SlotLength)
    );
    assert_eq!(
        with(&|t| t.slot_minutes = 4),
        Err(ScheduleError::SlotLength)
    );
    assert_eq!(with(&|t| t.slot_minutes = 5), Ok(()));
    assert_eq!(with(&|t| t.slot_minutes = 120), Ok(()));
    assert_eq!(
        with(&|t| t.slot_minutes = 121),
        Err(ScheduleError::SlotLength)
    );
    // Longer than the session.
    assert_eq!(
        with(&|t| t.end = time(8, 14, 0, 0)),
        Err(ScheduleError::SlotLength)
    );
    assert_eq!(with(&|t| t.end = time(8, 15, 0, 0)), Ok(()));
    assert_eq!(with(&|t| t.capacity = 0), Err(ScheduleError::Capacity));
    assert_eq!(with(&|t| t.capacity = 100), Ok(()));
    assert_eq!(with(&|t| t.capacity = 101), Err(ScheduleError::Capacity));
    assert_eq!(
        with(&|t| t.valid_to = Some(date(2025, 12, 31))),
        Err(ScheduleError::ValidityRange)
    );
    assert_eq!(with(&|t| t.valid_to = Some(t.valid_from)), Ok(()));
    let x = extra(MONDAY, time(8, 0, 0, 0), time(8, 30, 0, 0), 30);
    assert_eq!(x.validate(), Ok(()));
    assert_eq!(
        ExtraSession {
            end: time(7, 0, 0, 0),
            ..x.clone()
        }
        .validate(),
        Err(ScheduleError::EndBeforeStart)
    );
    assert_eq!(
        ExtraSession { capacity: 0, ..x }.validate(),
        Err(ScheduleError::Capacity)
    );
}

#[test]
fn a_zero_length_slot_does_not_hang() {
    // Stored rows are validated, but a bad one must not loop forever.
    let tz = tz("Asia/Jakarta");
    let mut t = template(Weekday::Monday, time(8, 0, 0, 0), time(9, 0, 0, 0), 15);
    t.slot_minutes = 0;
    let x = ExtraSession {
        slot_minutes: 0,
        ..extra(MONDAY, time(8, 0, 0, 0), time(9, 0, 0, 0), 15)
    };
    assert!(derive_slots(&tz, &[t], &[x], &[], MONDAY, MONDAY).is_empty());
}

#[test]
fn slot_kind_names_round_trip() {
    for k in [VisitKind::Family, VisitKind::Legal] {
        assert_eq!(VisitKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(VisitKind::parse("Family"), None);
}

#[test]
fn slots_serialise_as_rfc3339() {
    // Slots go to the API as they are: check the instants' text form is RFC 3339 UTC.
    let tz = tz("Asia/Jayapura");
    let t = template(Weekday::Monday, time(8, 0, 0, 0), time(8, 15, 0, 0), 15);
    let s: Slot = derive_slots(&tz, &[t], &[], &[], MONDAY, MONDAY).remove(0);
    assert_eq!(s.start.to_string(), "2026-11-29T23:00:00Z");
    assert_eq!(s.end.to_string(), "2026-11-29T23:15:00Z");
}
