//! Indonesian mobile phone numbers.

use phonenumber::country::Id as Country;

use crate::text::is_invisible;

/// Why a phone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Not a phone number at all.
    #[error("not a phone number")]
    Invalid,
    /// A phone number, but not an Indonesian mobile number (a landline, `084…`, or another
    /// country's).
    #[error("not an Indonesian mobile number")]
    NotMobile,
}

/// An Indonesian mobile number in E.164 form (`+628…`). Every form families write (`08…`,
/// `628…`, `+62 8…`, `+62 08…`, `0062…`, with spaces, dots, dashes, brackets or invisible
/// formatting characters) parses to the same value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a number as typed (or as WhatsApp sends it: digits without `+`).
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneError> {
        let mut s: String = input
            .chars()
            .filter(|c| {
                !c.is_whitespace() && !is_invisible(*c) && !matches!(c, '-' | '.' | '(' | ')')
            })
            .collect();
        if s.is_empty() || s.len() > 20 {
            return Err(PhoneError::Invalid);
        }
        // `phonenumber` reads a leading 00 wrongly: it is the international prefix.
        if let Some(rest) = s.strip_prefix("00") {
            s = format!("+{rest}");
        } else if s.starts_with("62") {
            s = format!("+{s}");
        }
        // `+62 08…`: a national trunk 0 written after the country code.
        if let Some(rest) = s.strip_prefix("+620") {
            s = format!("+62{rest}");
        }
        let body = s.strip_prefix('+').unwrap_or(&s);
        if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit()) {
            return Err(PhoneError::Invalid);
        }
        let parsed = phonenumber::parse(Some(Country::ID), &s).map_err(|_| PhoneError::Invalid)?;
        if parsed.code().value() != 62 {
            return Err(PhoneError::NotMobile);
        }
        let national = parsed.national().value().to_string();
        // 8[1-35-9] followed by 7–10 digits: 9–12 digits after +62.
        let ok = national.len() >= 9
            && national.len() <= 12
            && national.starts_with('8')
            && matches!(national.as_bytes().get(1), Some(b'1'..=b'3' | b'5'..=b'9'));
        if !ok {
            return Err(PhoneError::NotMobile);
        }
        Ok(PhoneNumber(format!("+62{national}")))
    }

    /// E.164 form, `+628…`: how numbers are stored.
    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// Digits without `+`, as WhatsApp writes `wa_id` and `from`.
    pub fn wa_digits(&self) -> &str {
        &self.0[1..]
    }

    /// A masked form for screens that need not show the whole number: `+62812****5678`.
    pub fn masked(&self) -> String {
        let n = self.0.len();
        if n <= 8 {
            return self.0.clone();
        }
        format!("{}****{}", &self.0[..6], &self.0[n - 4..])
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PhoneNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}
