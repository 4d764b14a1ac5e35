use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::TODAY;
use crate::nik::{Nik, NikError, Sex};

const PROVINCES: [u8; 38] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

fn parse(s: &str) -> Result<Nik, NikError> {
    Nik::parse(s, TODAY)
}

#[test]
fn valid_vectors_from_domain_doc() {
    let cases: [(&str, Sex, Date); 4] = [
        ("3171011708450001", Sex::Male, date(1945, 8, 17)),
        ("3171015708450001", Sex::Female, date(1945, 8, 17)),
        ("3171012902001234", Sex::Male, date(2000, 2, 29)),
        ("3204110609970001", Sex::Male, date(1997, 9, 6)),
    ];
    for (s, sex, born) in cases {
        let nik = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(nik.sex(), sex, "{s}");
        assert_eq!(nik.birth_date(), born, "{s}");
        assert_eq!(nik.digits(), s);
        assert_eq!(nik.province_code(), s[..2].parse::<u8>().unwrap());
    }
}

#[test]
fn invalid_vectors_from_domain_doc() {
    assert_eq!(parse("31710117084500"), Err(NikError::Length));
    assert_eq!(parse("9971011708450001"), Err(NikError::Province));
    assert_eq!(parse("3171013002001234"), Err(NikError::BirthDate)); // 30 February
    assert_eq!(parse("3273010119800002"), Err(NikError::BirthDate)); // month 19
}

#[test]
fn length_errors() {
    assert_eq!(parse(""), Err(NikError::Length));
    assert_eq!(parse("   "), Err(NikError::Length));
    assert_eq!(parse("317101170845000"), Err(NikError::Length));
    assert_eq!(parse("31710117084500011"), Err(NikError::Length));
}

#[test]
fn non_digits_are_refused() {
    assert_eq!(parse("3171O11708450001"), Err(NikError::NotDigits)); // letter O
    assert_eq!(parse("3171011708450OO1"), Err(NikError::NotDigits));
    assert_eq!(parse("3171/01/170845/0001"), Err(NikError::NotDigits));
    assert_eq!(parse("+3171011708450001"), Err(NikError::NotDigits));
    // Arabic-Indic and full-width digits are digits to Unicode, not to a NIK.
    assert_eq!(parse("٣١٧١٠١١٧٠٨٤٥٠٠٠١"), Err(NikError::NotDigits));
    assert_eq!(
        parse("３１７１０１１７０８４５０００１"),
        Err(NikError::NotDigits)
    );
}

#[test]
fn separators_are_ignored() {
    let want = parse("3171011708450001").unwrap();
    for s in [
        "3171 0117 0845 0001",
        "31.71.01.170845.0001",
        "31-71-01-170845-0001",
        " 3171011708450001 ",
        "3171\u{a0}0117\u{a0}0845\u{a0}0001",
        "3171011708450001\n",
        "\u{200b}3171011708450001\u{feff}",
    ] {
        assert_eq!(parse(s).as_ref(), Ok(&want), "{s:?}");
    }
}

#[test]
fn serial_0000_is_refused() {
    assert_eq!(parse("3171011708450000"), Err(NikError::Serial));
    assert!(parse("3171011708459999").is_ok());
}

#[test]
fn region_codes() {
    assert_eq!(parse("3100011708450001"), Err(NikError::Region)); // regency 00
    assert_eq!(parse("3170011708450001"), Err(NikError::Region)); // regency 70
    assert_eq!(parse("3171001708450001"), Err(NikError::Region)); // district 00
    assert!(parse("3101011708450001").is_ok()); // kabupaten 01
    assert!(parse("3169011708450001").is_ok()); // kabupaten 69
    assert!(parse("3199991708450001").is_ok()); // kota 99, district 99
}

#[test]
fn every_listed_province_is_accepted_and_no_other() {
    for pp in 0u8..=99 {
        let s = format!("{pp:02}71011708450001");
        let r = parse(&s);
        if PROVINCES.contains(&pp) {
            assert!(r.is_ok(), "{s}: {r:?}");
        } else {
            assert_eq!(r, Err(NikError::Province), "{s}");
        }
    }
}

#[test]
fn papua_provinces_91_to_96() {
    for pp in 91..=96 {
        let nik = parse(&format!("{pp}01011708450001")).unwrap();
        assert_eq!(nik.province_code(), pp);
    }
}

#[test]
fn day_encoding() {
    let p = |dd: u8| parse(&format!("317101{dd:02}0185 0001"));
    assert_eq!(p(0), Err(NikError::BirthDate));
    assert_eq!(p(1).unwrap().birth_date(), date(1985, 1, 1));
    assert_eq!(p(31).unwrap().birth_date(), date(1985, 1, 31));
    for dd in 32..=40 {
        assert_eq!(p(dd), Err(NikError::BirthDate), "day {dd}");
    }
    let f = p(41).unwrap();
    assert_eq!((f.sex(), f.birth_date()), (Sex::Female, date(1985, 1, 1)));
    let f = p(71).unwrap();
    assert_eq!((f.sex(), f.birth_date()), (Sex::Female, date(1985, 1, 31)));
    assert_eq!(p(72), Err(NikError::BirthDate));
    assert_eq!(p(99), Err(NikError::BirthDate));
    // 31 April does not exist, for women either.
    assert_eq!(parse("3171013104850001"), Err(NikError::BirthDate));
    assert_eq!(parse("3171017104850001"), Err(NikError::BirthDate));
    // Month 00 and 13.
    assert_eq!(parse("3171010100850001"), Err(NikError::BirthDate));
    assert_eq!(parse("3171010113850001"), Err(NikError::BirthDate));
}

#[test]
fn century_rule() {
    // 20YY unless that lies after today (2026-11-29), else 19YY.
    let born = |s: &str| parse(s).unwrap().birth_date();
    assert_eq!(born("3171012911260001"), date(2026, 11, 29)); // born today
    assert_eq!(born("3171013011260001"), date(1926, 11, 30)); // tomorrow in 2026 → 1926
    assert_eq!(born("3171010112260001"), date(1926, 12, 1));
    assert_eq!(born("3171010101000001"), date(2000, 1, 1));
    assert_eq!(born("3171010101250001"), date(2025, 1, 1));
    assert_eq!(born("3171010101270001"), date(1927, 1, 1));
    assert_eq!(born("3171013112990001"), date(1999, 12, 31));
    // The same NIK read on another day.
    let nik = "3171011508300001";
    assert_eq!(
        Nik::parse(nik, date(2026, 11, 29)).unwrap().birth_date(),
        date(1930, 8, 15)
    );
    assert_eq!(
        Nik::parse(nik, date(2030, 8, 15)).unwrap().birth_date(),
        date(2030, 8, 15)
    );
    assert_eq!(
        Nik::parse(nik, date(2030, 8, 14)).unwrap().birth_date(),
        date(1930, 8, 15)
    );
    // 29 February 2000 exists, 29 February 1900 does not: read before 2000 it is refused.
    assert_eq!(born("3171012902001234"), date(2000, 2, 29));
    assert_eq!(
        Nik::parse("3171012902001234", date(1999, 12, 31)),
        Err(NikError::BirthDate)
    );
    // 29 February 2024 (leap) is fine, 29 February 2025 and 1925 are not.
    assert_eq!(born("3171012902240001"), date(2024, 2, 29));
    assert_eq!(parse("3171012902250001"), Err(NikError::BirthDate));
}

#[test]
fn future_birth_date() {
    // Read on a day before both 2095 and 1995, a 1995 birth lies in the future.
    assert_eq!(
        Nik::parse("3171010101950001", date(1990, 1, 1)),
        Err(NikError::FutureBirthDate)
    );
}

#[test]
fn masked_display_and_debug() {
    let nik = parse("3171011708450001").unwrap();
    assert_eq!(nik.masked(), "3171********0001");
    assert_eq!(nik.to_string(), "3171********0001");
    let dbg = format!("{nik:?}");
    assert_eq!(dbg, "Nik(3171********0001)");
    assert!(!dbg.contains("01170845"));
    let pretty = format!("{nik:#?}");
    assert!(!pretty.contains("01170845"));
    // Inside other structures too.
    let wrapped = format!("{:?}", Some(vec![nik]));
    assert!(!wrapped.contains("1708"));
}

#[test]
fn equal_niks_compare_equal() {
    assert_eq!(parse("3171011708450001"), parse("3171 0117 0845 0001"));
    assert_ne!(parse("3171011708450001"), parse("3171011708450002"));
}

/// A valid NIK's parts, drawn at random.
#[derive(Debug, Clone)]
struct Parts {
    province: u8,
    regency: u8,
    district: u8,
    born: Date,
    sex: Sex,
    serial: u16,
}

impl Parts {
    fn write(&self) -> String {
        let day = self.born.day() + if self.sex == Sex::Female { 40 } else { 0 };
        format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}{:04}",
            self.province,
            self.regency,
            self.district,
            day,
            self.born.month(),
            self.born.year() % 100,
            self.serial
        )
    }
}

fn parts() -> impl Strategy<Value = Parts> {
    // Birth dates the two-digit year can express as of TODAY: the 100 years ending today.
    let first = date(1926, 11, 30);
    let days = (TODAY - first).get_days();
    (
        proptest::sample::select(PROVINCES.to_vec()),
        (1u8..=99).prop_filter("70 is not a regency code", |r| *r != 70),
        1u8..=99,
        0..=days,
        prop_oneof![Just(Sex::Male), Just(Sex::Female)],
        1u16..=9999,
    )
        .prop_map(move |(province, regency, district, d, sex, serial)| Parts {
            province,
            regency,
            district,
            born: first.checked_add(jiff::Span::new().days(d)).unwrap(),
            sex,
            serial,
        })
}

proptest! {
    #[test]
    fn generated_niks_round_trip(p in parts()) {
        let s = p.write();
        let nik = Nik::parse(&s, TODAY).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
        prop_assert_eq!(nik.birth_date(), p.born);
        prop_assert_eq!(nik.sex(), p.sex);
        prop_assert_eq!(nik.province_code(), p.province);
        prop_assert_eq!(nik.digits(), s.clone());
        let middle = &s[4..12];
        let (shown, debug) = (nik.to_string(), format!("{nik:?}"));
        prop_assert!(!shown.contains(middle));
        prop_assert!(!debug.contains(middle));
        prop_assert_eq!(nik.to_string(), format!("{}********{}", &s[..4], &s[12..]));
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,24}") {
        let _ = Nik::parse(&s, TODAY);
    }

    #[test]
    fn digit_strings_never_panic(s in "[0-9 .-]{0,24}") {
        let _ = Nik::parse(&s, TODAY);
    }
}
