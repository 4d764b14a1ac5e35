use crate::facility::{
    Facility, FacilityCode, FacilityKind, INDONESIAN_TIME_ZONES, VisitPolicy, zone_abbreviation,
};
use crate::ids::FacilityId;

#[test]
fn facility_code_accepts() {
    for (input, want) in [
        ("RUTAN-SERANG", "RUTAN-SERANG"),
        ("rutan-serang", "RUTAN-SERANG"),
        ("  Lapas-Cipinang  ", "LAPAS-CIPINANG"),
        ("LPKA-2-JKT", "LPKA-2-JKT"),
        ("ABC", "ABC"),
        ("A12", "A12"),
    ] {
        let c = FacilityCode::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(c.as_str(), want);
        assert_eq!(c.to_string(), want);
    }
    let forty = format!("A{}", "B".repeat(39));
    assert!(FacilityCode::parse(&forty).is_ok());
}

#[test]
fn facility_code_refuses() {
    let forty_one = format!("A{}", "B".repeat(40));
    for input in [
        "",
        "AB",
        "A-",
        forty_one.as_str(),
        "1RUTAN",
        "-RUTAN",
        "RUTAN-",
        "RUTAN--SERANG",
        "RUTAN SERANG",
        "RUTAN_SERANG",
        "RUTAN.SERANG",
        "RUTAN/SERANG",
        "RUTÁN",
        "ＲＵＴＡＮ",
        "   ",
    ] {
        assert!(FacilityCode::parse(input).is_err(), "{input:?}");
    }
}

#[test]
fn facility_code_serde_goes_through_parse() {
    assert_eq!(
        FacilityCode::try_from("rutan-serang".to_string()).map(String::from),
        Ok("RUTAN-SERANG".to_string())
    );
    assert!(FacilityCode::try_from("rutan serang".to_string()).is_err());
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};
    let d: StrDeserializer<'_, Error> = "bad code".into_deserializer();
    assert!(FacilityCode::deserialize(d).is_err());
    let d: StrDeserializer<'_, Error> = "lapas-1".into_deserializer();
    assert_eq!(FacilityCode::deserialize(d).unwrap().as_str(), "LAPAS-1");
}

#[test]
fn zone_abbreviations() {
    assert_eq!(zone_abbreviation("Asia/Jakarta"), "WIB");
    assert_eq!(zone_abbreviation("Asia/Pontianak"), "WIB");
    assert_eq!(zone_abbreviation("Asia/Makassar"), "WITA");
    assert_eq!(zone_abbreviation("Asia/Ujung_Pandang"), "WITA");
    assert_eq!(zone_abbreviation("Asia/Jayapura"), "WIT");
    let abbrs: Vec<_> = INDONESIAN_TIME_ZONES
        .iter()
        .map(|z| zone_abbreviation(z))
        .collect();
    assert_eq!(abbrs, ["WIB", "WITA", "WIT"]);
}

#[test]
fn indonesian_zones_exist_with_their_offsets() {
    let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
    for (zone, hours) in INDONESIAN_TIME_ZONES.iter().zip([7, 8, 9]) {
        let f = facility(zone);
        let tz = f.tz().unwrap();
        assert_eq!(
            tz.to_offset(now),
            jiff::tz::Offset::constant(hours),
            "{zone}"
        );
    }
    assert!(facility("Asia/Atlantis").tz().is_err());
}

#[test]
fn facility_kind_names_round_trip() {
    for k in [
        FacilityKind::Rutan,
        FacilityKind::Lapas,
        FacilityKind::Lpka,
        FacilityKind::CabangRutan,
    ] {
        assert_eq!(FacilityKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(FacilityKind::parse("Rutan"), None);
    assert_eq!(FacilityKind::parse(""), None);
}

#[test]
fn default_policy_matches_common_practice() {
    let p = VisitPolicy::default();
    assert_eq!(p.slot_minutes, 15);
    assert!(p.min_days_ahead <= p.max_days_ahead);
    assert_eq!((p.min_days_ahead, p.max_days_ahead), (1, 14));
    assert_eq!(p.max_visits_per_inmate_per_week, 1);
    assert_eq!(p.max_visits_per_visitor_per_week, 1);
    assert!(!p.record_family_visits);
}

pub(super) fn facility(zone: &str) -> Facility {
    Facility {
        id: FacilityId(1),
        code: FacilityCode::parse("RUTAN-TEST").unwrap(),
        name: "Rutan Kelas IIB Test".into(),
        kind: FacilityKind::Rutan,
        class: "IIB".into(),
        province: "Banten".into(),
        time_zone: zone.into(),
        policy: VisitPolicy::default(),
    }
}
