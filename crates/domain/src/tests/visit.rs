use std::collections::HashMap;

use crate::visit::{Outcome, TransitionError, VisitAction, VisitStatus};

use VisitAction as A;
use VisitStatus as S;

const ACTIONS: [VisitAction; 9] = [
    A::Confirm,
    A::Reject,
    A::Cancel,
    A::CheckIn,
    A::Start,
    A::Record(Outcome::Completed),
    A::Record(Outcome::NoShow),
    A::Record(Outcome::Refused),
    A::Record(Outcome::Terminated),
];

/// Every allowed transition. Anything not listed is refused.
const ALLOWED: [(VisitStatus, VisitAction, VisitStatus); 13] = [
    (S::Requested, A::Confirm, S::Booked),
    (S::Requested, A::Reject, S::Rejected),
    (S::Requested, A::Cancel, S::Cancelled),
    (S::Booked, A::Cancel, S::Cancelled),
    (S::Booked, A::CheckIn, S::CheckedIn),
    (S::Booked, A::Record(Outcome::NoShow), S::NoShow),
    (S::Booked, A::Record(Outcome::Refused), S::Refused),
    (S::CheckedIn, A::Cancel, S::Cancelled),
    (S::CheckedIn, A::Start, S::InCall),
    (S::CheckedIn, A::Record(Outcome::NoShow), S::NoShow),
    (S::CheckedIn, A::Record(Outcome::Refused), S::Refused),
    (S::InCall, A::Record(Outcome::Completed), S::Completed),
    (S::InCall, A::Record(Outcome::Terminated), S::Terminated),
];

#[test]
fn allowed_transitions() {
    for (from, action, to) in ALLOWED {
        assert_eq!(from.apply(action), Ok(to), "{from:?} + {action:?}");
    }
}

#[test]
fn every_other_pair_is_refused() {
    let allowed: HashMap<_, _> = ALLOWED
        .iter()
        .map(|(f, a, t)| ((f.as_str(), format!("{a:?}")), *t))
        .collect();
    let mut refused = 0;
    for from in VisitStatus::ALL {
        for action in ACTIONS {
            let key = (from.as_str(), format!("{action:?}"));
            match allowed.get(&key) {
                Some(to) => assert_eq!(from.apply(action), Ok(*to)),
                None => {
                    assert_eq!(
                        from.apply(action),
                        Err(TransitionError { from, action }),
                        "{from:?} + {action:?} must be refused"
                    );
                    refused += 1;
                }
            }
        }
    }
    assert_eq!(refused, 10 * 9 - ALLOWED.len());
}

#[test]
fn the_table_for_reading() {
    // The same rules as a grid: rows are statuses, columns the actions above.
    // `.` = refused, otherwise the status after.
    let grid = [
        "requested  booked rejected cancelled . . . . . .",
        "booked     . . cancelled checked_in . . no_show refused .",
        "checked_in . . cancelled . in_call . no_show refused .",
        "in_call    . . . . . completed . . terminated",
        "completed  . . . . . . . . .",
        "cancelled  . . . . . . . . .",
        "no_show    . . . . . . . . .",
        "refused    . . . . . . . . .",
        "terminated . . . . . . . . .",
        "rejected   . . . . . . . . .",
    ];
    for row in grid {
        let mut words = row.split_whitespace();
        let from = VisitStatus::parse(words.next().unwrap()).unwrap();
        let cells: Vec<_> = words.collect();
        assert_eq!(cells.len(), ACTIONS.len(), "{row}");
        for (cell, action) in cells.iter().zip(ACTIONS) {
            let got = from.apply(action).ok().map(|s| s.as_str()).unwrap_or(".");
            assert_eq!(got, *cell, "{from:?} + {action:?}");
        }
    }
}

#[test]
fn finished_visits_take_no_action() {
    for from in VisitStatus::ALL.into_iter().filter(|s| !s.is_active()) {
        for action in ACTIONS {
            assert!(from.apply(action).is_err(), "{from:?} + {action:?}");
        }
    }
}

#[test]
fn active_and_quota_statuses() {
    let active = [S::Requested, S::Booked, S::CheckedIn, S::InCall];
    let quota = [
        S::Requested,
        S::Booked,
        S::CheckedIn,
        S::InCall,
        S::Completed,
        S::Terminated,
        S::NoShow,
    ];
    for s in VisitStatus::ALL {
        assert_eq!(s.is_active(), active.contains(&s), "{s:?}");
        assert_eq!(s.counts_for_quota(), quota.contains(&s), "{s:?}");
        // Every active visit counts for quota.
        assert!(!s.is_active() || s.counts_for_quota());
    }
}

#[test]
fn a_transition_never_makes_a_visit_count_again() {
    // Quotas and capacity can only be given back, never taken by a status change: what
    // is no longer active stays inactive, what no longer counts stays uncounted.
    for from in VisitStatus::ALL {
        for action in ACTIONS {
            if let Ok(to) = from.apply(action) {
                assert!(from.is_active() || !to.is_active(), "{from:?} → {to:?}");
                assert!(
                    from.counts_for_quota() || !to.counts_for_quota(),
                    "{from:?} → {to:?}"
                );
            }
        }
    }
}

fn sql_list(pred: fn(VisitStatus) -> bool) -> String {
    let items: Vec<_> = VisitStatus::ALL
        .into_iter()
        .filter(|s| pred(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("({})", items.join(","))
}

#[test]
fn sql_lists_agree_with_the_predicates() {
    assert_eq!(VisitStatus::ACTIVE_SQL, sql_list(VisitStatus::is_active));
    // The order inside an SQL IN list does not matter: compare as sets.
    let set = |s: &str| {
        let mut v: Vec<String> = s
            .trim_start_matches('(')
            .trim_end_matches(')')
            .split(',')
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        set(VisitStatus::QUOTA_SQL),
        set(&sql_list(VisitStatus::counts_for_quota))
    );
    assert_eq!(
        set(VisitStatus::ACTIVE_SQL),
        set(&sql_list(VisitStatus::is_active))
    );
    // Every name in the lists is a real status.
    for name in set(VisitStatus::QUOTA_SQL) {
        assert!(
            VisitStatus::parse(name.trim_matches('\'')).is_some(),
            "{name}"
        );
    }
}

#[test]
fn status_names_round_trip() {
    for s in VisitStatus::ALL {
        assert_eq!(VisitStatus::parse(s.as_str()), Some(s));
    }
    let mut names: Vec<_> = VisitStatus::ALL.iter().map(|s| s.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), VisitStatus::ALL.len());
    assert_eq!(VisitStatus::parse("Booked"), None);
}

#[test]
fn outcome_names() {
    for (name, o) in [
        ("completed", Outcome::Completed),
        ("no_show", Outcome::NoShow),
        ("refused", Outcome::Refused),
        ("terminated", Outcome::Terminated),
    ] {
        assert_eq!(Outcome::parse(name), Some(o));
        // Each outcome names the status it leads to.
        assert_eq!(VisitStatus::parse(name).map(|s| s.as_str()), Some(name));
    }
    assert_eq!(Outcome::parse("cancelled"), None);
}
