//! NIK (Nomor Induk Kependudukan), the 16-digit national identity number.
//!
//! Layout `PP KK CC DDMMYY SSSS`: province, regency or city, district, birth date (40 added to
//! the day for women), serial from 0001. There is no checksum: a NIK that parses is well formed,
//! not verified against the civil registry (which we cannot reach).

use jiff::civil::Date;

use crate::text::is_invisible;

/// A person's sex as encoded in the NIK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Day of birth written as is.
    Male,
    /// Day of birth written plus 40.
    Female,
}

/// Why a NIK was refused. Each variant is shown to the family as its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    /// Not exactly 16 digits (spaces and dots are ignored).
    #[error("a NIK has 16 digits")]
    Length,
    /// Contains something other than digits.
    #[error("a NIK has only digits")]
    NotDigits,
    /// The first two digits are not one of the 38 province codes.
    #[error("unknown province code")]
    Province,
    /// The regency/city code (digits 3–4) or the district code (digits 5–6) is 00 or 70.
    #[error("invalid regency or district code")]
    Region,
    /// Digits 7–12 are not a date of birth (day 01–31 or 41–71 for women, month 01–12).
    #[error("invalid date of birth")]
    BirthDate,
    /// The date of birth lies after `today`.
    #[error("date of birth in the future")]
    FutureBirthDate,
    /// The serial (last four digits) is 0000.
    #[error("invalid serial number")]
    Serial,
}

/// Province codes issued by Kemendagri (38 provinces; 91–96 for the Papua provinces, where old
/// 92xx NIKs stay valid after the 2022 splits).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// A well-formed NIK. `Display` and `Debug` show it masked (`3171********0001`): a NIK is
/// personal data and must not end up in logs by accident. [`Nik::digits`] gives the full
/// number for the one place that needs it (the keyed hash in storage).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik {
    digits: [u8; 16],
    birth_date: Date,
    sex: Sex,
}

impl Nik {
    /// Parses a NIK. Spaces, dots, dashes and invisible formatting characters (zero-width
    /// spaces, bidirectional marks) between digits are ignored. `today` decides the
    /// century of the two-digit birth year: 20YY unless that is after `today`, else 19YY.
    pub fn parse(input: &str, today: Date) -> Result<Nik, NikError> {
        let cleaned: Vec<char> = input
            .chars()
            .filter(|c| !c.is_whitespace() && !is_invisible(*c) && *c != '.' && *c != '-')
            .collect();
        if cleaned.iter().any(|c| !c.is_ascii_digit()) {
            return Err(NikError::NotDigits);
        }
        if cleaned.len() != 16 {
            return Err(NikError::Length);
        }
        let mut digits = [0u8; 16];
        for (d, c) in digits.iter_mut().zip(&cleaned) {
            *d = (*c as u8) - b'0';
        }
        let two = |i: usize| digits[i] * 10 + digits[i + 1];
        if !PROVINCES.contains(&two(0)) {
            return Err(NikError::Province);
        }
        if matches!(two(2), 0 | 70) || two(4) == 0 {
            return Err(NikError::Region);
        }
        let (day, sex) = match two(6) {
            d @ 1..=31 => (d, Sex::Male),
            d @ 41..=71 => (d - 40, Sex::Female),
            _ => return Err(NikError::BirthDate),
        };
        let month = two(8);
        let yy = i16::from(two(10));
        let birth_date = {
            let recent =
                Date::new(2000 + yy, month as i8, day as i8).map_err(|_| NikError::BirthDate);
            match recent {
                Ok(d) if d <= today => d,
                // 20YY would lie in the future (or not exist, as 29 Feb): 19YY.
                _ => {
                    Date::new(1900 + yy, month as i8, day as i8).map_err(|_| NikError::BirthDate)?
                }
            }
        };
        if birth_date > today {
            return Err(NikError::FutureBirthDate);
        }
        if digits[12..].iter().all(|d| *d == 0) {
            return Err(NikError::Serial);
        }
        Ok(Nik {
            digits,
            birth_date,
            sex,
        })
    }

    /// The 16 digits. Only for hashing; never show or log them.
    pub fn digits(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The masked form shown on screens: the first four and last four digits.
    pub fn masked(&self) -> String {
        let d = self.digits();
        format!("{}********{}", &d[..4], &d[12..])
    }

    /// Date of birth encoded in the NIK.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Sex encoded in the NIK.
    pub fn sex(&self) -> Sex {
        self.sex
    }

    /// Province code (first two digits).
    pub fn province_code(&self) -> u8 {
        self.digits[0] * 10 + self.digits[1]
    }
}

impl std::fmt::Display for Nik {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::fmt::Debug for Nik {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}
