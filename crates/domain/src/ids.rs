//! Typed ids. Every record is keyed on our own id; numbers written by people (registration
//! numbers, NIKs) are attributes.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type!(
    /// A facility (Rutan, Lapas, LPKA, Cabang Rutan).
    FacilityId,
    /// A booth: one monitor with a camera inside a facility.
    BoothId,
    /// A person held in a facility.
    InmateId,
    /// A family member or lawyer who visits.
    VisitorId,
    /// An approved-visitor link between a visitor and an inmate.
    LinkId,
    /// A visit.
    VisitId,
    /// A staff account.
    UserId,
);
