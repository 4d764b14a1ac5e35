//! Visitors (family members, lawyers) and their links to inmates.

use serde::{Deserialize, Serialize};

use crate::ids::{InmateId, LinkId, VisitorId};
use crate::phone::PhoneNumber;
use crate::text::PersonName;

/// A registered visitor. The NIK is kept only as its masked form here; storage holds a keyed
/// hash for exact-match search and uniqueness, never the full number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visitor {
    /// Our id.
    pub id: VisitorId,
    /// Full name as on the KTP.
    pub name: PersonName,
    /// Masked NIK, `3171********0001`.
    pub nik_masked: String,
    /// Confirmed mobile number.
    pub phone: PhoneNumber,
    /// Banned from visiting until this local date (exclusive), if any.
    pub banned_until: Option<jiff::civil::Date>,
    /// Why the visitor is banned.
    pub ban_reason: Option<String>,
}

impl Visitor {
    /// Whether the visitor is banned on the given local date.
    pub fn banned_on(&self, date: jiff::civil::Date) -> bool {
        self.banned_until.is_some_and(|until| date < until)
    }
}

/// How a visitor is related to an inmate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// Father or mother.
    Parent,
    /// Husband or wife.
    Spouse,
    /// Son or daughter.
    Child,
    /// Brother or sister.
    Sibling,
    /// Other family.
    OtherFamily,
    /// A lawyer with a power of attorney: may book legal visits.
    LegalCounsel,
}

impl Relationship {
    /// All relationships, in the order forms list them.
    pub const ALL: [Relationship; 6] = [
        Relationship::Parent,
        Relationship::Spouse,
        Relationship::Child,
        Relationship::Sibling,
        Relationship::OtherFamily,
        Relationship::LegalCounsel,
    ];

    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Parent => "parent",
            Relationship::Spouse => "spouse",
            Relationship::Child => "child",
            Relationship::Sibling => "sibling",
            Relationship::OtherFamily => "other_family",
            Relationship::LegalCounsel => "legal_counsel",
        }
    }

    /// Inverse of [`Relationship::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a visitor–inmate link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// Waiting for an operator.
    Pending,
    /// May book.
    Approved,
    /// Refused by an operator, with a reason the family sees.
    Rejected,
    /// Was approved, withdrawn later (release, ban, request), with a reason.
    Revoked,
}

impl LinkStatus {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Pending => "pending",
            LinkStatus::Approved => "approved",
            LinkStatus::Rejected => "rejected",
            LinkStatus::Revoked => "revoked",
        }
    }

    /// Inverse of [`LinkStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => LinkStatus::Pending,
            "approved" => LinkStatus::Approved,
            "rejected" => LinkStatus::Rejected,
            "revoked" => LinkStatus::Revoked,
            _ => return None,
        })
    }
}

/// A visitor on an inmate's approved-visitor list (or asking to be).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitorLink {
    /// Our id.
    pub id: LinkId,
    /// The visitor.
    pub visitor_id: VisitorId,
    /// The inmate.
    pub inmate_id: InmateId,
    /// How they are related.
    pub relationship: Relationship,
    /// Where the link stands.
    pub status: LinkStatus,
    /// The operator's reason for a rejection or revocation.
    pub reason: Option<String>,
    /// For a tahanan: the detaining authority's visit permit number.
    pub permit_number: Option<String>,
    /// For a tahanan: the last local date the permit covers (inclusive).
    pub permit_expires: Option<jiff::civil::Date>,
}

impl VisitorLink {
    /// Whether a permit is on record and covers the given local date.
    pub fn permit_covers(&self, date: jiff::civil::Date) -> bool {
        self.permit_number.is_some() && self.permit_expires.is_some_and(|exp| date <= exp)
    }
}
