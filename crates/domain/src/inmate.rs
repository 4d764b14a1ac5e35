//! People held in a facility (WBP).

use serde::{Deserialize, Serialize};

use crate::ids::{FacilityId, InmateId};
use crate::text::{PersonName, TextError};

/// An inmate's registration number as the facility writes it, e.g. `B.I 123/2021` or
/// `A.II 45/2024`. Kept as an attribute (it changes as a tahanan's case moves on); white
/// space is folded and letters upper-cased so the same number typed twice matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegNumber(String);

impl RegNumber {
    /// Parses a registration number: 1–40 characters of letters, digits, spaces and `./-`.
    pub fn parse(s: &str) -> Result<Self, TextError> {
        let folded = s
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase();
        if folded.is_empty() {
            return Err(TextError::Empty);
        }
        if folded.chars().count() > 40 {
            return Err(TextError::TooLong);
        }
        if !folded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '/' | '-'))
        {
            return Err(TextError::InvalidCharacters);
        }
        Ok(Self(folded))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegNumber {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RegNumber> for String {
    fn from(r: RegNumber) -> String {
        r.0
    }
}

impl std::fmt::Display for RegNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Legal status of an inmate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InmateStatus {
    /// Pre-trial detainee: visits need the detaining authority's permit.
    Tahanan,
    /// Convicted prisoner: the facility alone decides.
    Narapidana,
}

impl InmateStatus {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            InmateStatus::Tahanan => "tahanan",
            InmateStatus::Narapidana => "narapidana",
        }
    }

    /// Inverse of [`InmateStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tahanan" => Some(InmateStatus::Tahanan),
            "narapidana" | "napi" => Some(InmateStatus::Narapidana),
            _ => None,
        }
    }
}

/// A person held in a facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inmate {
    /// Our id.
    pub id: InmateId,
    /// The facility currently holding them.
    pub facility_id: FacilityId,
    /// Registration number as the facility writes it.
    pub reg_number: RegNumber,
    /// Full name.
    pub name: PersonName,
    /// Tahanan or narapidana.
    pub status: InmateStatus,
    /// Block or cell block, free text.
    pub block: Option<String>,
    /// Visits suspended until this local date (exclusive), if any.
    pub visits_suspended_until: Option<jiff::civil::Date>,
    /// Why visits are suspended.
    pub suspension_reason: Option<String>,
    /// Released: no longer held, no visits.
    pub released: bool,
}

impl Inmate {
    /// Whether visits are suspended on the given local date.
    pub fn suspended_on(&self, date: jiff::civil::Date) -> bool {
        self.visits_suspended_until
            .is_some_and(|until| date < until)
    }
}
