//! The conversation's state, stored as JSON in the chat session of a phone number.
//!
//! Only ids and what the family typed before the next question are kept: no NIK (the visitor
//! is created as soon as the NIK is valid), no inmate data.

use jenguk_domain::{FacilityId, LinkId, Relationship, VisitId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Where the conversation stands: the question the family was last asked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum Step {
    /// No question open: the top level, where commands start flows.
    #[default]
    Idle,
    /// DAFTAR: asked for the full name.
    RegName,
    /// DAFTAR: asked for the NIK.
    RegNik {
        /// The name given.
        name: String,
    },
    /// DAFTAR: asked for the relationship (the visitor exists from here on).
    RegRelationship,
    /// DAFTAR: asked for the facility (a list, or a search when there are many).
    RegFacility {
        /// The relationship chosen.
        relationship: Relationship,
    },
    /// DAFTAR: asked for the inmate's name or registration number.
    RegInmate {
        /// The relationship chosen.
        relationship: Relationship,
        /// The facility chosen.
        facility: FacilityId,
    },
    /// KUNJUNGAN: asked whom to visit (one of the approved links).
    BookLink,
    /// KUNJUNGAN / UBAH: asked for the day.
    PickDay {
        /// What the day is for.
        target: Target,
    },
    /// KUNJUNGAN / UBAH: asked for the slot of a day (or, after a refusal, among the next
    /// free slots of any day).
    PickSlot {
        /// What the slot is for.
        target: Target,
        /// The day, or none for "the next free slots".
        date: Option<Date>,
        /// Which page of the day's slots (9 a page when they do not fit in one list).
        page: u16,
    },
    /// BATAL: asked which visit.
    CancelPick,
    /// BATAL: asked to confirm.
    CancelConfirm {
        /// The visit.
        visit: VisitId,
    },
    /// UBAH: asked which visit.
    MovePick,
}

impl Step {
    /// The step's name, for logs (without what the family typed).
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Step::Idle => "idle",
            Step::RegName => "reg_name",
            Step::RegNik { .. } => "reg_nik",
            Step::RegRelationship => "reg_relationship",
            Step::RegFacility { .. } => "reg_facility",
            Step::RegInmate { .. } => "reg_inmate",
            Step::BookLink => "book_link",
            Step::PickDay { .. } => "pick_day",
            Step::PickSlot { .. } => "pick_slot",
            Step::CancelPick => "cancel_pick",
            Step::CancelConfirm { .. } => "cancel_confirm",
            Step::MovePick => "move_pick",
        }
    }
}

/// What a chosen slot is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Target {
    /// A new booking on an approved link.
    Book {
        /// The link.
        link: LinkId,
    },
    /// Moving one of the family's visits.
    Move {
        /// The visit.
        visit: VisitId,
    },
}

/// What the session keeps between messages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Saved {
    /// The open question.
    pub step: Step,
    /// The options of the last list or buttons sent, (id, title): a family may also type the
    /// option's number or its title.
    #[serde(default)]
    pub offered: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let s = Saved {
            step: Step::PickSlot {
                target: Target::Move { visit: VisitId(7) },
                date: Some(jiff::civil::date(2026, 12, 1)),
                page: 1,
            },
            offered: vec![("slot:1".into(), "09.00".into())],
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["step"]["step"], "pick_slot");
        assert_eq!(v["step"]["date"], "2026-12-01");
        assert_eq!(serde_json::from_value::<Saved>(v).unwrap(), s);
        let idle: Saved =
            serde_json::from_value(serde_json::json!({"step": {"step": "idle"}})).unwrap();
        assert_eq!(idle.step, Step::Idle);
        assert!(serde_json::from_value::<Saved>(serde_json::json!({"step": "nonsense"})).is_err());
        assert!(serde_json::from_value::<Saved>(serde_json::Value::Null).is_err());
    }
}
