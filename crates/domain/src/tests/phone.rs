use proptest::prelude::*;

use crate::phone::{PhoneError, PhoneNumber};

fn e164(s: &str) -> Result<String, PhoneError> {
    PhoneNumber::parse(s).map(|p| p.as_e164().to_string())
}

#[test]
fn every_written_form_normalises_to_e164() {
    for s in [
        "08123456789",
        "628123456789",
        "+628123456789",
        "+62 812-3456-789",
        "+62 0812 3456 789",
        "+62 (0) 812 3456 789",
        "00628123456789",
        "0062812345678\u{200b}9", // a zero-width space pasted from a chat
        "0062 812 3456 789",
        "(0812) 3456.789",
        "0812.3456.789",
        "0812-3456-789",
        "(+62) 812-3456-789",
        "+62-812-3456-789",
        "620812 3456 789",
        "\u{202a}+62 812-3456-789\u{202c}", // how contacts apps wrap a copied number
        "\u{feff}08123456789",
        "0812\u{a0}3456\u{a0}789",
        " 08123456789\n",
    ] {
        assert_eq!(e164(s), Ok("+628123456789".to_string()), "{s:?}");
    }
}

#[test]
fn whatsapp_digits() {
    let p = PhoneNumber::parse("0812-3456-789").unwrap();
    assert_eq!(p.wa_digits(), "628123456789");
    assert!(!p.wa_digits().contains('+'));
    // WhatsApp sends `wa_id` as digits: they parse back to the same number.
    assert_eq!(PhoneNumber::parse(p.wa_digits()), Ok(p.clone()));
    assert_eq!(p.to_string(), "+628123456789");
}

#[test]
fn masked() {
    let p = PhoneNumber::parse("08123456789").unwrap();
    assert_eq!(p.masked(), "+62812****6789");
    assert!(!p.masked().contains("345"));
}

#[test]
fn mobile_prefixes() {
    // 8[1-35-9]: 081x Telkomsel, 082x, 083x (Axis), 085x Indosat, 087x/085x XL, 088x
    // Smartfren, 089x Three.
    for second in ['1', '2', '3', '5', '6', '7', '8', '9'] {
        let s = format!("08{second}123456789");
        assert_eq!(e164(&s), Ok(format!("+628{second}123456789")), "{s}");
    }
    assert_eq!(e164("084123456789"), Err(PhoneError::NotMobile));
    assert_eq!(e164("+62 841 2345 6789"), Err(PhoneError::NotMobile));
    assert_eq!(e164("080123456789"), Err(PhoneError::NotMobile));
}

#[test]
fn landlines_are_not_mobile() {
    assert_eq!(e164("021-5551234"), Err(PhoneError::NotMobile)); // Jakarta
    assert_eq!(e164("(021) 555 1234"), Err(PhoneError::NotMobile));
    assert_eq!(e164("+62 21 555 1234"), Err(PhoneError::NotMobile));
    assert_eq!(e164("0254 200 123"), Err(PhoneError::NotMobile)); // Serang
    assert_eq!(e164("0967 533 123"), Err(PhoneError::NotMobile)); // Jayapura
}

#[test]
fn other_countries_are_not_indonesian_mobiles() {
    assert_eq!(e164("+1 650 253 0000"), Err(PhoneError::NotMobile));
    assert_eq!(e164("+65 9123 4567"), Err(PhoneError::NotMobile));
    assert_eq!(e164("0065 9123 4567"), Err(PhoneError::NotMobile));
    assert_eq!(e164("+60 12 345 6789"), Err(PhoneError::NotMobile)); // Malaysia
    assert_eq!(e164("+61 412 345 678"), Err(PhoneError::NotMobile)); // Australia
    // Digits as WhatsApp writes them, from another country.
    assert_eq!(e164("6591234567"), Err(PhoneError::NotMobile));
}

#[test]
fn length_bounds() {
    // 9–12 digits after +62.
    assert!(e164("081234567").is_err()); // 8 national digits
    assert_eq!(e164("0812345678"), Ok("+62812345678".to_string())); // 9
    assert_eq!(e164("0812345678901"), Ok("+62812345678901".to_string())); // 12
    assert!(e164("08123456789012").is_err()); // 13
    assert!(e164("+62812345").is_err());
    assert!(e164("+628123456789012345").is_err());
    assert!(e164("08").is_err());
    assert!(e164("0").is_err());
    assert!(e164("0812345678901234567890123").is_err());
}

#[test]
fn garbage_is_invalid() {
    for s in [
        "",
        "   ",
        "+",
        "++628123456789",
        "0812abc6789",
        "0812-FLOWERS",
        "nomor saya 08123456789",
        "08123456789 ext 12",
        "0812#3456789",
        "0812/3456/789",
        "+62+8123456789",
        "０８１２３４５６７８９", // full-width digits
    ] {
        assert_eq!(e164(s), Err(PhoneError::Invalid), "{s:?}");
    }
}

#[test]
fn deserialising_parses() {
    // A stored national form normalises, a landline is refused.
    let de = |s: &str| -> Result<PhoneNumber, String> {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let d: StrDeserializer<'_, Error> = s.into_deserializer();
        PhoneNumber::deserialize(d).map_err(|e| e.to_string())
    };
    assert_eq!(
        de("08123456789"),
        PhoneNumber::parse("+628123456789").map_err(|e| e.to_string())
    );
    assert!(de("0215551234").is_err());
    assert!(de("").is_err());
}

/// A national mobile number: 8, then 1–3 or 5–9, then 7–10 digits.
fn national() -> impl Strategy<Value = String> {
    "8[1235-9][0-9]{7,10}"
}

proptest! {
    #[test]
    fn all_forms_agree(n in national()) {
        let want = format!("+62{n}");
        let spaced: String = n
            .chars()
            .enumerate()
            .flat_map(|(i, c)| if i > 0 && i % 4 == 3 { vec!['-', c] } else { vec![c] })
            .collect();
        for s in [
            format!("0{n}"),
            format!("62{n}"),
            format!("+62{n}"),
            format!("+62 {spaced}"),
            format!("+62 0{spaced}"),
            format!("0062{n}"),
            format!("(0{}) {}", &n[..3], &n[3..]),
        ] {
            let p = PhoneNumber::parse(&s).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
            prop_assert_eq!(p.as_e164(), want.as_str());
            prop_assert_eq!(p.wa_digits(), &want[1..]);
            prop_assert_eq!(PhoneNumber::parse(p.wa_digits()), Ok(p.clone()));
        }
    }

    #[test]
    fn non_mobile_prefixes_refused(second in "[04]", rest in "[0-9]{7,10}") {
        let s = format!("08{second}{rest}");
        prop_assert_eq!(PhoneNumber::parse(&s), Err(PhoneError::NotMobile));
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,30}") {
        let _ = PhoneNumber::parse(&s);
    }

    #[test]
    fn accepted_numbers_have_the_mobile_shape(s in "[+0-9 ()-]{0,20}") {
        if let Ok(p) = PhoneNumber::parse(&s) {
            let n = &p.as_e164()[3..];
            prop_assert!(p.as_e164().starts_with("+628"));
            prop_assert!((9..=12).contains(&n.len()));
            prop_assert!(n.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(!n.starts_with("80") && !n.starts_with("84"));
        }
    }
}
