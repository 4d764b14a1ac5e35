//! The booking rules: every reason a booking is refused.
//!
//! Storage gathers the facts inside the booking transaction (with the rows that matter
//! locked) and asks [`BookingPolicy::check`]; the rules live here, once, for the web, the
//! chat flow and the staff API alike.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::facility::VisitPolicy;
use crate::inmate::{Inmate, InmateStatus};
use crate::schedule::{Slot, VisitKind};
use crate::visitor::{LinkStatus, Relationship, Visitor, VisitorLink};

/// Why a booking is refused. Each has a stable snake_case code (the API's `error`) and a
/// translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// The schedule has no such slot (wrong start, excluded date, no template).
    NoSuchSlot,
    /// The slot has as many visits as booths.
    SlotFull,
    /// The inmate has another visit at an overlapping time.
    InmateBusy,
    /// The visitor has another visit at an overlapping time.
    VisitorBusy,
    /// The inmate's weekly quota of family visits is used up.
    InmateQuota,
    /// The visitor's weekly quota of family visits is used up.
    VisitorQuota,
    /// The visitor is not on the inmate's approved list.
    NotApproved,
    /// A tahanan's visit needs the detaining authority's permit, and none covers the date.
    PermitMissing,
    /// The inmate's visits are suspended on that date.
    InmateSuspended,
    /// The inmate has been released (or is not held at this facility).
    InmateNotHeld,
    /// The visitor is banned on that date.
    VisitorBanned,
    /// The slot is outside the booking window (too soon, too far ahead, or past).
    OutsideWindow,
    /// Too close to the slot's start.
    PastCutoff,
    /// The slot's kind does not match the visit (legal sessions are for counsel only, and
    /// counsel books legal visits).
    WrongVisitKind,
    /// More people than the policy allows in one visit.
    TooManyPeople,
}

impl Refusal {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NoSuchSlot => "no_such_slot",
            Refusal::SlotFull => "slot_full",
            Refusal::InmateBusy => "inmate_busy",
            Refusal::VisitorBusy => "visitor_busy",
            Refusal::InmateQuota => "inmate_quota",
            Refusal::VisitorQuota => "visitor_quota",
            Refusal::NotApproved => "not_approved",
            Refusal::PermitMissing => "permit_missing",
            Refusal::InmateSuspended => "inmate_suspended",
            Refusal::InmateNotHeld => "inmate_not_held",
            Refusal::VisitorBanned => "visitor_banned",
            Refusal::OutsideWindow => "outside_window",
            Refusal::PastCutoff => "past_cutoff",
            Refusal::WrongVisitKind => "wrong_visit_kind",
            Refusal::TooManyPeople => "too_many_people",
        }
    }
}

/// Everything the rules need to decide on one booking, gathered by storage inside the
/// booking transaction.
#[derive(Debug, Clone)]
pub struct BookingContext<'a> {
    /// The current instant.
    pub now: Timestamp,
    /// The facility's zone.
    pub tz: &'a TimeZone,
    /// The facility's policy.
    pub policy: &'a VisitPolicy,
    /// The kind of visit asked for.
    pub kind: VisitKind,
    /// The slot, if the schedule has one at the asked start.
    pub slot: Option<&'a Slot>,
    /// People in the visit, the booking visitor included.
    pub people: u16,
    /// Active visits already in the slot.
    pub slot_booked: u32,
    /// The inmate (at this facility, or `inmate_here` is false).
    pub inmate: &'a Inmate,
    /// Whether the inmate is held at the facility of the slot.
    pub inmate_here: bool,
    /// The visitor.
    pub visitor: &'a Visitor,
    /// The visitor's link to the inmate, if any.
    pub link: Option<&'a VisitorLink>,
    /// The inmate's active visits overlapping the slot.
    pub inmate_overlapping: u32,
    /// The visitor's active visits overlapping the slot (at any facility).
    pub visitor_overlapping: u32,
    /// The inmate's family visits counted for quota in the slot's week.
    pub inmate_week_visits: u32,
    /// The visitor's family visits at this facility counted for quota in the slot's week.
    pub visitor_week_visits: u32,
}

/// The booking rules.
pub struct BookingPolicy;

impl BookingPolicy {
    /// Every reason the booking is refused, sorted, or `Ok` if it may go ahead.
    pub fn check(ctx: &BookingContext<'_>) -> Result<(), Vec<Refusal>> {
        let mut out = Vec::new();
        let Some(slot) = ctx.slot else {
            return Err(vec![Refusal::NoSuchSlot]);
        };
        let date = slot.start.to_zoned(ctx.tz.clone()).date();
        let today = ctx.now.to_zoned(ctx.tz.clone()).date();
        let p = ctx.policy;

        if slot.kind != ctx.kind {
            out.push(Refusal::WrongVisitKind);
        }
        let is_counsel = ctx
            .link
            .is_some_and(|l| l.relationship == Relationship::LegalCounsel);
        if (ctx.kind == VisitKind::Legal) != is_counsel && ctx.link.is_some() {
            out.push(Refusal::WrongVisitKind);
        }
        if ctx.people == 0 || ctx.people > p.max_people_per_visit {
            out.push(Refusal::TooManyPeople);
        }
        if slot.start <= ctx.now {
            out.push(Refusal::OutsideWindow);
        } else {
            let days_ahead = (date - today).get_days();
            let days_ahead = i64::from(days_ahead);
            if days_ahead < i64::from(p.min_days_ahead) || days_ahead > i64::from(p.max_days_ahead)
            {
                out.push(Refusal::OutsideWindow);
            }
            let seconds_left = slot.start.as_second() - ctx.now.as_second();
            if seconds_left < i64::from(p.cutoff_minutes) * 60 {
                out.push(Refusal::PastCutoff);
            }
        }
        if ctx.slot_booked >= u32::from(slot.capacity) {
            out.push(Refusal::SlotFull);
        }
        if !ctx.inmate_here || ctx.inmate.released {
            out.push(Refusal::InmateNotHeld);
        }
        if ctx.inmate.suspended_on(date) {
            out.push(Refusal::InmateSuspended);
        }
        if ctx.visitor.banned_on(date) {
            out.push(Refusal::VisitorBanned);
        }
        match ctx.link {
            Some(l)
                if l.status == LinkStatus::Approved
                    && l.inmate_id == ctx.inmate.id
                    && l.visitor_id == ctx.visitor.id =>
            {
                // Counsel may see a detainee at any stage (KUHAP art. 70): no permit for a lawyer.
                if ctx.inmate.status == InmateStatus::Tahanan
                    && l.relationship != Relationship::LegalCounsel
                    && !l.permit_covers(date)
                {
                    out.push(Refusal::PermitMissing);
                }
            }
            _ => out.push(Refusal::NotApproved),
        }
        if ctx.inmate_overlapping > 0 {
            out.push(Refusal::InmateBusy);
        }
        if ctx.visitor_overlapping > 0 {
            out.push(Refusal::VisitorBusy);
        }
        if ctx.kind == VisitKind::Family {
            if ctx.inmate_week_visits >= u32::from(p.max_visits_per_inmate_per_week) {
                out.push(Refusal::InmateQuota);
            }
            if ctx.visitor_week_visits >= u32::from(p.max_visits_per_visitor_per_week) {
                out.push(Refusal::VisitorQuota);
            }
        }
        out.sort();
        out.dedup();
        if out.is_empty() { Ok(()) } else { Err(out) }
    }

    /// The instants bounding the local week (Monday 00:00 to next Monday 00:00) that holds
    /// `at`: quotas count visits whose start lies in it.
    pub fn week_bounds(tz: &TimeZone, at: Timestamp) -> (Timestamp, Timestamp) {
        let zoned = at.to_zoned(tz.clone());
        let date = zoned.date();
        let back = i64::from(date.weekday().to_monday_zero_offset());
        let monday = date
            .checked_sub(jiff::Span::new().days(back))
            .unwrap_or(date);
        let next = monday
            .checked_add(jiff::Span::new().days(7))
            .unwrap_or(monday);
        let start = tz
            .to_timestamp(monday.to_datetime(jiff::civil::Time::midnight()))
            .unwrap_or(at);
        let end = tz
            .to_timestamp(next.to_datetime(jiff::civil::Time::midnight()))
            .unwrap_or(at);
        (start, end)
    }
}
