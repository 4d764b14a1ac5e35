//! Rules for changing a facility's schedule from the console: what a template, an extra
//! session or a visiting policy must satisfy before it is saved, and which existing bookings
//! a change would take away.
//!
//! A booking keeps its place as long as the new schedule still has its slot (same start and
//! kind) with room for it; in a slot that shrinks, the earliest bookings keep their places.
//! Only visits that had a place before and lose it are "affected": a change never blames
//! itself for a booking that was already out of place.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::facility::VisitPolicy;
use crate::ids::{BoothId, VisitId};
use crate::schedule::{
    ExcludedDate, ExtraSession, ScheduleError, SessionTemplate, VisitKind, check_session_shape,
    derive_slots,
};

/// Why a template or extra session cannot be saved as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionProblem {
    /// Times, slot length or capacity out of shape.
    Shape(ScheduleError),
    /// The session's length is not a whole number of slots.
    SlotsDoNotDivide,
    /// Another template of the same kind runs on the same weekday at overlapping times
    /// (and overlapping validity dates).
    Overlaps(Box<SessionTemplate>),
    /// More visits at once than the facility has active booths.
    CapacityAboveBooths {
        /// Active booths.
        booths: u16,
    },
}

fn minutes_of_day(t: jiff::civil::Time) -> i32 {
    i32::from(t.hour()) * 60 + i32::from(t.minute())
}

fn check_common(
    start: jiff::civil::Time,
    end: jiff::civil::Time,
    slot_minutes: u16,
    capacity: u16,
    active_booths: u16,
) -> Result<(), SessionProblem> {
    if slot_minutes == 0 {
        return Err(SessionProblem::Shape(ScheduleError::SlotLength));
    }
    check_session_shape(start, end, slot_minutes, capacity).map_err(SessionProblem::Shape)?;
    if start.second() != 0
        || end.second() != 0
        || (minutes_of_day(end) - minutes_of_day(start)) % i32::from(slot_minutes) != 0
    {
        return Err(SessionProblem::SlotsDoNotDivide);
    }
    if capacity > active_booths {
        return Err(SessionProblem::CapacityAboveBooths {
            booths: active_booths,
        });
    }
    Ok(())
}

/// Whether two templates would run at the same time: same kind, same weekday, overlapping
/// hours and overlapping validity dates.
pub fn templates_overlap(a: &SessionTemplate, b: &SessionTemplate) -> bool {
    let dates = a.valid_to.is_none_or(|to| to >= b.valid_from)
        && b.valid_to.is_none_or(|to| to >= a.valid_from);
    a.kind == b.kind && a.weekday == b.weekday && a.start < b.end && b.start < a.end && dates
}

/// Checks a template about to be saved against the facility's other templates (the template
/// itself, by id, is skipped) and its number of active booths.
pub fn check_template(
    t: &SessionTemplate,
    others: &[SessionTemplate],
    active_booths: u16,
) -> Result<(), SessionProblem> {
    check_common(t.start, t.end, t.slot_minutes, t.capacity, active_booths)?;
    if t.valid_to.is_some_and(|to| to < t.valid_from) {
        return Err(SessionProblem::Shape(ScheduleError::ValidityRange));
    }
    if let Some(o) = others
        .iter()
        .find(|o| (t.id == 0 || o.id != t.id) && templates_overlap(t, o))
    {
        return Err(SessionProblem::Overlaps(Box::new(o.clone())));
    }
    Ok(())
}

/// Checks a one-off session about to be saved against the number of active booths.
pub fn check_extra(x: &ExtraSession, active_booths: u16) -> Result<(), SessionProblem> {
    check_common(x.start, x.end, x.slot_minutes, x.capacity, active_booths)
}

/// Why a visiting policy cannot be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyProblem {
    /// Default slot length outside 5–120 minutes.
    #[error("slot length")]
    SlotMinutes,
    /// Latest booking day outside 1–365, or the earliest after the latest.
    #[error("booking window")]
    Window,
    /// Cut-off above a week.
    #[error("cut-off")]
    Cutoff,
    /// A weekly quota of 0 (nobody could book) or above 21.
    #[error("quota")]
    Quota,
    /// People per visit outside 1–10.
    #[error("people")]
    People,
}

impl VisitPolicy {
    /// Checks a policy before it is saved: every window positive, quotas of at least one.
    pub fn check(&self) -> Result<(), PolicyProblem> {
        if !(5..=120).contains(&self.slot_minutes) {
            return Err(PolicyProblem::SlotMinutes);
        }
        if self.max_days_ahead == 0
            || self.max_days_ahead > 365
            || self.min_days_ahead > self.max_days_ahead
        {
            return Err(PolicyProblem::Window);
        }
        if self.cutoff_minutes > 7 * 24 * 60 {
            return Err(PolicyProblem::Cutoff);
        }
        let quota = 1..=21;
        if !quota.contains(&self.max_visits_per_inmate_per_week)
            || !quota.contains(&self.max_visits_per_visitor_per_week)
        {
            return Err(PolicyProblem::Quota);
        }
        if !(1..=10).contains(&self.max_people_per_visit) {
            return Err(PolicyProblem::People);
        }
        Ok(())
    }
}

/// What decides a facility's slots.
#[derive(Debug, Clone, Default)]
pub struct ScheduleParts {
    /// Weekly templates.
    pub templates: Vec<SessionTemplate>,
    /// One-off sessions.
    pub extras: Vec<ExtraSession>,
    /// Dates without visits.
    pub excluded: Vec<ExcludedDate>,
}

/// An active future visit, as the impact of a change sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPlace {
    /// The visit.
    pub id: VisitId,
    /// Its slot's start.
    pub start: Timestamp,
    /// Family or legal.
    pub kind: VisitKind,
    /// Its booth, if one is assigned.
    pub booth_id: Option<BoothId>,
    /// When it was booked (earlier bookings keep their places first).
    pub booked_at: Timestamp,
}

/// The visits that have a place under `schedule` in the local dates `from..=to`.
fn placed(
    tz: &TimeZone,
    schedule: &ScheduleParts,
    visits: &[HeldPlace],
    from: Date,
    to: Date,
) -> BTreeSet<VisitId> {
    let slots = derive_slots(
        tz,
        &schedule.templates,
        &schedule.extras,
        &schedule.excluded,
        from,
        to,
    );
    let capacity: BTreeMap<(Timestamp, VisitKind), u16> = slots
        .iter()
        .map(|s| ((s.start, s.kind), s.capacity))
        .collect();
    let mut by_slot: BTreeMap<(Timestamp, VisitKind), Vec<&HeldPlace>> = BTreeMap::new();
    for v in visits {
        by_slot.entry((v.start, v.kind)).or_default().push(v);
    }
    let mut out = BTreeSet::new();
    for (key, mut vs) in by_slot {
        let room = capacity.get(&key).copied().unwrap_or(0);
        vs.sort_by_key(|v| (v.booked_at, v.id));
        out.extend(vs.iter().take(usize::from(room)).map(|v| v.id));
    }
    out
}

/// The visits a change takes away: those with a place under `before` and none under
/// `after` (their slot is gone or has no room left for them), and those assigned to a
/// booth that is taken out of service. Derives the local dates `from..=to`, which must
/// cover the visits. Sorted by start, then id.
pub fn affected_visits(
    tz: &TimeZone,
    before: &ScheduleParts,
    after: &ScheduleParts,
    visits: &[HeldPlace],
    removed_booths: &[BoothId],
    from: Date,
    to: Date,
) -> Vec<VisitId> {
    let was = placed(tz, before, visits, from, to);
    let is = placed(tz, after, visits, from, to);
    let mut hit: Vec<&HeldPlace> = visits
        .iter()
        .filter(|v| {
            (was.contains(&v.id) && !is.contains(&v.id))
                || v.booth_id.is_some_and(|b| removed_booths.contains(&b))
        })
        .collect();
    hit.sort_by_key(|v| (v.start, v.id));
    hit.into_iter().map(|v| v.id).collect()
}
