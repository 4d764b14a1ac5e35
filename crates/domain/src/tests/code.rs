use std::collections::HashSet;

use proptest::prelude::*;

use crate::code::{VisitCode, VisitCodeError};

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[test]
fn from_random_is_deterministic_and_big_endian() {
    assert_eq!(VisitCode::from_random([0; 5]).as_str(), "00000000");
    assert_eq!(VisitCode::from_random([0xff; 5]).as_str(), "ZZZZZZZZ");
    assert_eq!(VisitCode::from_random([0, 0, 0, 0, 1]).as_str(), "00000001");
    assert_eq!(
        VisitCode::from_random([0, 0, 0, 0, 31]).as_str(),
        "0000000Z"
    );
    assert_eq!(
        VisitCode::from_random([0, 0, 0, 0, 32]).as_str(),
        "00000010"
    );
    assert_eq!(
        VisitCode::from_random([0x80, 0, 0, 0, 0]).as_str(),
        "G0000000"
    );
    let b = [0x12, 0x34, 0x56, 0x78, 0x9a];
    assert_eq!(VisitCode::from_random(b), VisitCode::from_random(b));
    // 0x123456789a = 0b00010 01000 11010 00101 01100 11110 00100 11010
    assert_eq!(VisitCode::from_random(b).as_str(), "28T5CY4T");
}

#[test]
fn display_has_a_dash() {
    let c = VisitCode::from_random([0x12, 0x34, 0x56, 0x78, 0x9a]);
    assert_eq!(c.to_string(), "28T5-CY4T");
}

#[test]
fn debug_shows_only_two_characters() {
    let c = VisitCode::from_random([0x12, 0x34, 0x56, 0x78, 0x9a]);
    let d = format!("{c:?}");
    assert_eq!(d, "VisitCode(28…)");
    assert!(!d.contains("T5"));
    assert!(!format!("{:?}", Some(c)).contains("CY4T"));
}

#[test]
fn parse_is_forgiving() {
    let want = VisitCode::parse("28T5-CY4T").unwrap();
    for s in [
        "28T5CY4T",
        "28t5-cy4t",
        "28t5cy4t",
        " 28T5 CY4T ",
        "28 T5 - CY 4T",
        "2-8-T-5-C-Y-4-T",
        "28T5\u{a0}CY4T",
        "28T5\tCY4T\n",
    ] {
        assert_eq!(VisitCode::parse(s).as_ref(), Ok(&want), "{s:?}");
    }
}

#[test]
fn parse_reads_look_alikes() {
    let want = VisitCode::parse("1001-1010").unwrap();
    for s in [
        "IO0L-1O1O",
        "io0l-1o1o",
        "Io0L 1o1o",
        "lOOi-iOLo",
        "10011010",
    ] {
        assert_eq!(VisitCode::parse(s).as_ref(), Ok(&want), "{s:?}");
    }
}

#[test]
fn parse_refuses() {
    assert_eq!(
        VisitCode::parse("28T5-CY4U"),
        Err(VisitCodeError::Character)
    );
    assert_eq!(
        VisitCode::parse("28t5-cy4u"),
        Err(VisitCodeError::Character)
    );
    assert_eq!(VisitCode::parse("28T5-CY4"), Err(VisitCodeError::Length)); // 7
    assert_eq!(VisitCode::parse("28T5-CY4TT"), Err(VisitCodeError::Length)); // 9
    assert_eq!(VisitCode::parse(""), Err(VisitCodeError::Length));
    assert_eq!(VisitCode::parse("----"), Err(VisitCodeError::Length));
    for s in [
        "28T5_CY4T",
        "28T5.CY4T",
        "28T5/CY4T",
        "28T5!CY4T",
        "28T5+CY4T",
        "28T5*CY4T",
        "28T5ÇY4T",
        "28T5СY4T",   // Cyrillic С
        "２８T5CY4T", // full-width digits
    ] {
        assert_eq!(VisitCode::parse(s), Err(VisitCodeError::Character), "{s:?}");
    }
}

#[test]
fn neighbouring_values_differ() {
    let mut seen = HashSet::new();
    for i in 0u16..=1024 {
        let [hi, lo] = i.to_be_bytes();
        for b in [[0, 0, 0, hi, lo], [hi, lo, 0, 0, 0], [0, hi, 0, lo, 0]] {
            seen.insert((b, VisitCode::from_random(b).as_str().to_string()));
        }
    }
    let codes: HashSet<_> = seen.iter().map(|(_, c)| c.clone()).collect();
    let inputs: HashSet<_> = seen.iter().map(|(b, _)| *b).collect();
    assert_eq!(codes.len(), inputs.len());
}

/// Decodes a code back to its 40 bits, independently of the implementation.
fn decode(c: &VisitCode) -> u64 {
    c.as_str()
        .bytes()
        .map(|b| CROCKFORD.bytes().position(|a| a == b).unwrap() as u64)
        .fold(0, |v, d| (v << 5) | d)
}

fn bits(b: [u8; 5]) -> u64 {
    b.iter().fold(0, |v, x| (v << 8) | u64::from(*x))
}

proptest! {
    #[test]
    fn display_parse_round_trip(b in any::<[u8; 5]>()) {
        let c = VisitCode::from_random(b);
        prop_assert_eq!(c.as_str().len(), 8);
        prop_assert!(c.as_str().chars().all(|ch| CROCKFORD.contains(ch)));
        let shown = c.to_string();
        prop_assert_eq!(shown.len(), 9);
        prop_assert_eq!(&shown[4..5], "-");
        prop_assert_eq!(VisitCode::parse(&shown), Ok(c.clone()));
        prop_assert_eq!(VisitCode::parse(&shown.to_lowercase()), Ok(c.clone()));
        prop_assert_eq!(VisitCode::parse(c.as_str()), Ok(c.clone()));
    }

    #[test]
    fn from_random_is_a_bijection(a in any::<[u8; 5]>(), b in any::<[u8; 5]>()) {
        let (ca, cb) = (VisitCode::from_random(a), VisitCode::from_random(b));
        // Injective: the code decodes back to exactly the 40 input bits…
        prop_assert_eq!(decode(&ca), bits(a));
        // …so distinct bytes give distinct codes.
        prop_assert_eq!(a == b, ca == cb);
    }

    #[test]
    fn every_canonical_string_is_some_code(s in "[0-9A-HJKMNP-TV-Z]{8}") {
        // Surjective onto the 32^8 = 2^40 canonical strings.
        let c = VisitCode::parse(&s).unwrap();
        let v = decode(&c);
        let b = v.to_be_bytes();
        prop_assert_eq!(VisitCode::from_random([b[3], b[4], b[5], b[6], b[7]]), c);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,20}") {
        let _ = VisitCode::parse(&s);
    }
}
