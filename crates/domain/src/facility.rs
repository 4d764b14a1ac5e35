//! Facilities (UPT) and their visiting policy.

use serde::{Deserialize, Serialize};

use crate::ids::FacilityId;

/// Why a facility code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a facility code is 3–40 characters of A–Z, 0–9 and dashes")]
pub struct FacilityCodeError;

/// A facility's short code, like `RUTAN-SERANG`: upper-case ASCII letters, digits and
/// dashes, 3–40 characters, starting with a letter. Lower case is accepted and upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FacilityCode(String);

impl FacilityCode {
    /// Parses a code.
    pub fn parse(s: &str) -> Result<Self, FacilityCodeError> {
        let s = s.trim().to_ascii_uppercase();
        let ok = (3..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_uppercase())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Self(s))
        } else {
            Err(FacilityCodeError)
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FacilityCode {
    type Error = FacilityCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<FacilityCode> for String {
    fn from(c: FacilityCode) -> String {
        c.0
    }
}

impl std::fmt::Display for FacilityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kind of a correctional facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    /// Rumah Tahanan Negara: detention centre, mostly pre-trial detainees.
    Rutan,
    /// Lembaga Pemasyarakatan: prison.
    Lapas,
    /// Lembaga Pembinaan Khusus Anak: juvenile facility.
    Lpka,
    /// Cabang Rutan: a branch detention centre.
    CabangRutan,
}

impl FacilityKind {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            FacilityKind::Rutan => "rutan",
            FacilityKind::Lapas => "lapas",
            FacilityKind::Lpka => "lpka",
            FacilityKind::CabangRutan => "cabang_rutan",
        }
    }

    /// Inverse of [`FacilityKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "rutan" => FacilityKind::Rutan,
            "lapas" => FacilityKind::Lapas,
            "lpka" => FacilityKind::Lpka,
            "cabang_rutan" => FacilityKind::CabangRutan,
            _ => return None,
        })
    }
}

/// How a facility runs its visits. Quotas count family visits only: legal visits (a lawyer
/// with a power of attorney) are never counted against them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPolicy {
    /// Default slot length for new session templates, in minutes.
    pub slot_minutes: u16,
    /// Earliest booking: this many days ahead of the slot's local date (0 = same day).
    pub min_days_ahead: u16,
    /// Latest booking: at most this many days ahead.
    pub max_days_ahead: u16,
    /// No booking (or cancellation by the family) later than this many minutes before a slot.
    pub cutoff_minutes: u32,
    /// Family visits per inmate per week (Monday–Sunday, facility local time).
    pub max_visits_per_inmate_per_week: u16,
    /// Family visits per visitor per week at this facility.
    pub max_visits_per_visitor_per_week: u16,
    /// People in one visit, the booking visitor included.
    pub max_people_per_visit: u16,
    /// Whether family visits may be recorded (legal visits never are).
    pub record_family_visits: bool,
}

impl Default for VisitPolicy {
    fn default() -> Self {
        VisitPolicy {
            slot_minutes: 15,
            min_days_ahead: 1,
            max_days_ahead: 14,
            cutoff_minutes: 120,
            max_visits_per_inmate_per_week: 1,
            max_visits_per_visitor_per_week: 1,
            max_people_per_visit: 3,
            record_family_visits: false,
        }
    }
}

/// A facility (UPT): a Rutan, Lapas, LPKA or Cabang Rutan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    /// Our id.
    pub id: FacilityId,
    /// Short code, e.g. `RUTAN-SERANG`.
    pub code: FacilityCode,
    /// Full name, e.g. "Rutan Kelas IIB Serang".
    pub name: String,
    /// Kind of facility.
    pub kind: FacilityKind,
    /// Class as written by the service, e.g. "IIB".
    pub class: String,
    /// Province name, e.g. "Banten".
    pub province: String,
    /// IANA time zone: `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA) or `Asia/Jayapura` (WIT).
    pub time_zone: String,
    /// Visiting policy.
    pub policy: VisitPolicy,
}

impl Facility {
    /// The facility's time zone. Zones are checked when a facility is created, so this only
    /// fails if the time zone database lost one.
    pub fn tz(&self) -> Result<jiff::tz::TimeZone, jiff::Error> {
        jiff::tz::TimeZone::get(&self.time_zone)
    }
}

/// The time zones of Indonesia, as IANA names.
pub const INDONESIAN_TIME_ZONES: &[&str] = &["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"];

/// The abbreviation families read for a zone: WIB, WITA or WIT.
pub fn zone_abbreviation(time_zone: &str) -> &'static str {
    match time_zone {
        // Asia/Ujung_Pandang is the old IANA name of Asia/Makassar, still an alias.
        "Asia/Makassar" | "Asia/Ujung_Pandang" => "WITA",
        "Asia/Jayapura" => "WIT",
        _ => "WIB",
    }
}
