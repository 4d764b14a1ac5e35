//! Inmates, visitors, links and the text types they are made of.

use jiff::civil::date;

use crate::ids::{FacilityId, InmateId, LinkId, VisitorId};
use crate::inmate::{Inmate, InmateStatus, RegNumber};
use crate::phone::PhoneNumber;
use crate::text::{PersonName, TextError, parse_reason};
use crate::visitor::{LinkStatus, Relationship, Visitor, VisitorLink};

pub(super) fn inmate(id: i64, status: InmateStatus) -> Inmate {
    Inmate {
        id: InmateId(id),
        facility_id: FacilityId(1),
        reg_number: RegNumber::parse(&format!("B.I {id}/2021")).unwrap(),
        name: PersonName::parse(&format!("Warga Binaan {id}")).unwrap(),
        status,
        block: None,
        visits_suspended_until: None,
        suspension_reason: None,
        released: false,
    }
}

pub(super) fn visitor(id: i64) -> Visitor {
    Visitor {
        id: VisitorId(id),
        name: PersonName::parse(&format!("Pengunjung {id}")).unwrap(),
        nik_masked: "3171********0001".into(),
        phone: PhoneNumber::parse(&format!("0812345678{:02}", id % 100)).unwrap(),
        banned_until: None,
        ban_reason: None,
    }
}

pub(super) fn link(id: i64, visitor: i64, inmate: i64, relationship: Relationship) -> VisitorLink {
    VisitorLink {
        id: LinkId(id),
        visitor_id: VisitorId(visitor),
        inmate_id: InmateId(inmate),
        relationship,
        status: LinkStatus::Approved,
        reason: None,
        permit_number: None,
        permit_expires: None,
    }
}

#[test]
fn reg_numbers_fold() {
    let r = RegNumber::parse("  b.i   123/2021 ").unwrap();
    assert_eq!(r.as_str(), "B.I 123/2021");
    assert_eq!(r, RegNumber::parse("B.I 123/2021").unwrap());
    assert_eq!(
        RegNumber::parse("A.IIa 45/2024").unwrap().as_str(),
        "A.IIA 45/2024"
    );
    assert_eq!(RegNumber::parse(" "), Err(TextError::Empty));
    assert_eq!(RegNumber::parse(&"1".repeat(41)), Err(TextError::TooLong));
    assert!(RegNumber::parse(&"1".repeat(40)).is_ok());
    assert_eq!(
        RegNumber::parse("B.I <123>"),
        Err(TextError::InvalidCharacters)
    );
    assert_eq!(
        RegNumber::parse("B.I 12é"),
        Err(TextError::InvalidCharacters)
    );
}

#[test]
fn inmate_status_names() {
    for s in [InmateStatus::Tahanan, InmateStatus::Narapidana] {
        assert_eq!(InmateStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(
        InmateStatus::parse(" Napi "),
        Some(InmateStatus::Narapidana)
    );
    assert_eq!(InmateStatus::parse("TAHANAN"), Some(InmateStatus::Tahanan));
    assert_eq!(InmateStatus::parse("bebas"), None);
}

#[test]
fn suspension_and_ban_end_dates_are_exclusive() {
    let mut i = inmate(1, InmateStatus::Narapidana);
    assert!(!i.suspended_on(date(2026, 12, 1)));
    i.visits_suspended_until = Some(date(2026, 12, 1));
    assert!(i.suspended_on(date(2026, 11, 30)));
    assert!(!i.suspended_on(date(2026, 12, 1)));
    let mut v = visitor(1);
    assert!(!v.banned_on(date(2026, 12, 1)));
    v.banned_until = Some(date(2026, 12, 1));
    assert!(v.banned_on(date(2026, 11, 30)));
    assert!(!v.banned_on(date(2026, 12, 1)));
}

#[test]
fn permit_covers_up_to_its_last_day() {
    let mut l = link(1, 1, 1, Relationship::Spouse);
    assert!(!l.permit_covers(date(2026, 12, 1)));
    l.permit_expires = Some(date(2026, 12, 1));
    assert!(
        !l.permit_covers(date(2026, 12, 1)),
        "no permit number on record"
    );
    l.permit_number = Some("B-123/M.1.10/Eku.2/11/2026".into());
    assert!(l.permit_covers(date(2026, 11, 1)));
    assert!(l.permit_covers(date(2026, 12, 1)));
    assert!(!l.permit_covers(date(2026, 12, 2)));
}

#[test]
fn relationship_and_link_status_names() {
    for r in Relationship::ALL {
        assert_eq!(Relationship::parse(r.as_str()), Some(r));
    }
    for s in [
        LinkStatus::Pending,
        LinkStatus::Approved,
        LinkStatus::Rejected,
        LinkStatus::Revoked,
    ] {
        assert_eq!(LinkStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(Relationship::parse("friend"), None);
    assert_eq!(LinkStatus::parse("Approved"), None);
}

#[test]
fn person_names() {
    assert_eq!(
        PersonName::parse("  Siti   Nurhaliza ").unwrap().as_str(),
        "Siti Nurhaliza"
    );
    assert_eq!(
        PersonName::parse("Ni Luh Putu Ayu").unwrap().as_str(),
        "Ni Luh Putu Ayu"
    );
    assert!(PersonName::parse("Muhammad 'Amin' bin Abdullah").is_ok());
    assert!(PersonName::parse("Suharto").is_ok());
    assert_eq!(PersonName::parse(""), Err(TextError::Empty));
    assert_eq!(PersonName::parse(" \t\n "), Err(TextError::Empty));
    assert!(PersonName::parse(&"a".repeat(100)).is_ok());
    assert_eq!(PersonName::parse(&"a".repeat(101)), Err(TextError::TooLong));
    // Characters count, not bytes.
    assert!(PersonName::parse(&"é".repeat(100)).is_ok());
    for bad in ["<script>", "a;b", "a/b", "a\\b", "{x}", "[x]", "a\u{7}b"] {
        assert_eq!(
            PersonName::parse(bad),
            Err(TextError::InvalidCharacters),
            "{bad:?}"
        );
    }
    // A right-to-left override makes "Budi\u{202e}nomis" show as another name.
    assert_eq!(
        PersonName::parse("Budi\u{202e}nomiS"),
        Err(TextError::InvalidCharacters)
    );
    assert_eq!(
        PersonName::parse("Budi\u{2067}x"),
        Err(TextError::InvalidCharacters)
    );
}

#[test]
fn reasons() {
    assert_eq!(parse_reason("  Lebaran \n"), Ok("Lebaran".to_string()));
    assert_eq!(
        parse_reason("baris 1\nbaris 2"),
        Ok("baris 1\nbaris 2".to_string())
    );
    assert_eq!(parse_reason("   "), Err(TextError::Empty));
    assert_eq!(parse_reason(&"x".repeat(501)), Err(TextError::TooLong));
    assert!(parse_reason(&"x".repeat(500)).is_ok());
    assert_eq!(parse_reason("a\u{0}b"), Err(TextError::InvalidCharacters));
    assert_eq!(
        parse_reason("a\u{202e}b"),
        Err(TextError::InvalidCharacters)
    );
}
