//! Visits and their state machine.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::code::VisitCode;
use crate::ids::{BoothId, FacilityId, InmateId, UserId, VisitId, VisitorId};
use crate::schedule::VisitKind;

/// Where a visit stands.
///
/// ```text
/// requested ─▶ booked ─▶ checked_in ─▶ in_call ─▶ completed
///     │          │  ╲         │           ╰──────▶ terminated
///     ▼          ▼   ╲        ▼
///  rejected  cancelled ╲─▶ no_show / refused
/// ```
///
/// A visit may also be cancelled while requested (the family withdraws, the request expires)
/// or checked in (the call has not begun yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    /// Asked for, waiting for the facility to confirm.
    Requested,
    /// Confirmed: holds a place in its slot.
    Booked,
    /// The visitor was checked in by an operator with the visit code.
    CheckedIn,
    /// The call is running.
    InCall,
    /// The call ran to its end.
    Completed,
    /// Cancelled before it began (by the family, the facility or the system).
    Cancelled,
    /// The visitor did not come.
    NoShow,
    /// The inmate refused the visit.
    Refused,
    /// Ended early by staff, with a reason.
    Terminated,
    /// The facility refused the request.
    Rejected,
}

impl VisitStatus {
    /// Every status.
    pub const ALL: [VisitStatus; 10] = [
        VisitStatus::Requested,
        VisitStatus::Booked,
        VisitStatus::CheckedIn,
        VisitStatus::InCall,
        VisitStatus::Completed,
        VisitStatus::Cancelled,
        VisitStatus::NoShow,
        VisitStatus::Refused,
        VisitStatus::Terminated,
        VisitStatus::Rejected,
    ];

    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Requested => "requested",
            VisitStatus::Booked => "booked",
            VisitStatus::CheckedIn => "checked_in",
            VisitStatus::InCall => "in_call",
            VisitStatus::Completed => "completed",
            VisitStatus::Cancelled => "cancelled",
            VisitStatus::NoShow => "no_show",
            VisitStatus::Refused => "refused",
            VisitStatus::Terminated => "terminated",
            VisitStatus::Rejected => "rejected",
        }
    }

    /// Inverse of [`VisitStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the visit holds a place in its slot and its people's time: it counts for
    /// capacity, for "busy" and for quotas.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            VisitStatus::Requested
                | VisitStatus::Booked
                | VisitStatus::CheckedIn
                | VisitStatus::InCall
        )
    }

    /// Whether a visit in this status counts toward weekly quotas: active visits and those
    /// that took place (completed or terminated). A cancelled, rejected or refused visit
    /// gives the quota back; a no-show does not (it kept a place from someone else).
    pub fn counts_for_quota(self) -> bool {
        self.is_active()
            || matches!(
                self,
                VisitStatus::Completed | VisitStatus::Terminated | VisitStatus::NoShow
            )
    }

    /// The SQL list of active statuses, for storage queries.
    pub const ACTIVE_SQL: &'static str = "('requested','booked','checked_in','in_call')";

    /// The SQL list of statuses that count toward quotas, for storage queries.
    pub const QUOTA_SQL: &'static str =
        "('requested','booked','checked_in','in_call','completed','terminated','no_show')";
}

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "id")]
pub enum Actor {
    /// The visitor (family or counsel).
    Family(VisitorId),
    /// A staff member.
    Staff(UserId),
    /// Jenguk itself (expiry, no-show after the slot, a release or transfer).
    System,
}

/// What happened at the end of a visit, as an operator records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The call ran to its end.
    Completed,
    /// The visitor did not come.
    NoShow,
    /// The inmate refused.
    Refused,
    /// Ended early (a reason is required).
    Terminated,
}

impl Outcome {
    /// Inverse of the serde name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "completed" => Outcome::Completed,
            "no_show" => Outcome::NoShow,
            "refused" => Outcome::Refused,
            "terminated" => Outcome::Terminated,
            _ => return None,
        })
    }
}

/// A change asked of a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitAction {
    /// The facility confirms a request.
    Confirm,
    /// The facility refuses a request.
    Reject,
    /// Cancelled before it began.
    Cancel,
    /// The visitor is checked in with the code.
    CheckIn,
    /// The call starts.
    Start,
    /// The outcome is recorded.
    Record(Outcome),
}

/// A transition the state machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a visit that is {from:?} cannot take {action:?}")]
pub struct TransitionError {
    /// Status before.
    pub from: VisitStatus,
    /// What was asked.
    pub action: VisitAction,
}

impl VisitStatus {
    /// The status after `action`, or why it cannot happen.
    pub fn apply(self, action: VisitAction) -> Result<VisitStatus, TransitionError> {
        use VisitAction as A;
        use VisitStatus as S;
        let next = match (self, action) {
            (S::Requested, A::Confirm) => S::Booked,
            (S::Requested, A::Reject) => S::Rejected,
            (S::Requested | S::Booked | S::CheckedIn, A::Cancel) => S::Cancelled,
            (S::Booked, A::CheckIn) => S::CheckedIn,
            // A call starts only after the visitor's identity was checked with the code
            // (PP 32/1999 art. 30–31: every visit is registered and the visitor identified).
            (S::CheckedIn, A::Start) => S::InCall,
            // Completed and terminated describe a call: only a running call ends that way.
            (S::InCall, A::Record(Outcome::Completed)) => S::Completed,
            (S::InCall, A::Record(Outcome::Terminated)) => S::Terminated,
            (S::Booked | S::CheckedIn, A::Record(Outcome::NoShow)) => S::NoShow,
            (S::Booked | S::CheckedIn, A::Record(Outcome::Refused)) => S::Refused,
            _ => return Err(TransitionError { from: self, action }),
        };
        Ok(next)
    }
}

/// A visit: one call between a visitor (and co-visitors) and an inmate in one slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// Our id.
    pub id: VisitId,
    /// The facility.
    pub facility_id: FacilityId,
    /// The secret the family holds.
    #[serde(skip)]
    pub code: Option<VisitCode>,
    /// The inmate.
    pub inmate_id: InmateId,
    /// The booking visitor.
    pub visitor_id: VisitorId,
    /// Family or legal.
    pub kind: VisitKind,
    /// Slot start.
    pub start: Timestamp,
    /// Slot end, as booked (an extension is kept apart: see [`crate::extension::call_end`]).
    pub end: Timestamp,
    /// Booth assigned, once known.
    pub booth_id: Option<BoothId>,
    /// People in the visit, the booking visitor included.
    pub people: u16,
    /// Where it stands.
    pub status: VisitStatus,
    /// Why it is where it stands (rejection, cancellation, termination).
    pub status_reason: Option<String>,
    /// When it was booked.
    pub created_at: Timestamp,
}
