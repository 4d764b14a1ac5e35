use jiff::Timestamp;

use crate::extension::{ExtensionError, MAX_EXTRA_MINUTES, call_end, extend};
use crate::visit::VisitStatus;

#[test]
fn only_a_visit_whose_visitor_is_there_is_extended() {
    for s in VisitStatus::ALL {
        let r = extend(s, 0, 10);
        if matches!(s, VisitStatus::CheckedIn | VisitStatus::InCall) {
            assert_eq!(r, Ok(10), "{s:?}");
        } else {
            assert_eq!(r, Err(ExtensionError::NotRunning(s)), "{s:?}");
        }
    }
}

#[test]
fn extensions_are_five_ten_or_fifteen_minutes_and_add_up_to_an_hour() {
    for m in [0, 1, 4, 6, 20, 30, 60, u16::MAX] {
        assert_eq!(
            extend(VisitStatus::InCall, 0, m),
            Err(ExtensionError::BadMinutes),
            "{m}"
        );
    }
    assert_eq!(extend(VisitStatus::InCall, 5, 15), Ok(20));
    assert_eq!(extend(VisitStatus::InCall, 45, 15), Ok(MAX_EXTRA_MINUTES));
    assert_eq!(
        extend(VisitStatus::InCall, 50, 15),
        Err(ExtensionError::TooLong)
    );
    assert_eq!(
        extend(VisitStatus::InCall, u16::MAX, 5),
        Err(ExtensionError::TooLong)
    );
}

#[test]
fn the_call_ends_at_the_slot_end_plus_the_extension() {
    let end: Timestamp = "2026-11-30T03:15:00Z".parse().unwrap();
    assert_eq!(call_end(end, 0), end);
    assert_eq!(
        call_end(end, 15),
        "2026-11-30T03:30:00Z".parse::<Timestamp>().unwrap()
    );
}
