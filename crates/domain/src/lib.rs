//! Jenguk's domain: the types and rules of virtual visits between families and the people
//! held in Indonesia's detention centres (Rutan) and prisons (Lapas).
//!
//! Architecture invariant: nothing in this crate touches the clock, the network or the disk.
//! The current time is always a parameter, and randomness comes in as bytes.

pub mod booking;
pub mod code;
pub mod extension;
pub mod facility;
pub mod ids;
pub mod inmate;
pub mod nik;
pub mod phone;
pub mod schedule;
pub mod schedule_change;
pub mod text;
pub mod visit;
pub mod visitor;

pub use booking::{BookingContext, BookingPolicy, Refusal};
pub use code::{VisitCode, VisitCodeError};
pub use facility::{Facility, FacilityCode, FacilityKind, VisitPolicy};
pub use ids::{BoothId, FacilityId, InmateId, LinkId, UserId, VisitId, VisitorId};
pub use inmate::{Inmate, InmateStatus, RegNumber};
pub use nik::{Nik, NikError, Sex};
pub use phone::{PhoneError, PhoneNumber};
pub use schedule::{Booth, ExcludedDate, ExtraSession, SessionTemplate, Slot, VisitKind};
pub use text::{PersonName, TextError};
pub use visit::{Actor, Outcome, Visit, VisitAction, VisitStatus};
pub use visitor::{LinkStatus, Relationship, Visitor, VisitorLink};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
