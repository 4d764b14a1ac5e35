//! Booths, session templates and the slots derived from them.
//!
//! Slots are never stored: they are derived from templates, one-off extra sessions and
//! excluded dates in the facility's local time zone. A visit stores its slot's start and end.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::ids::{BoothId, FacilityId};

/// A booth: one monitor with a camera inside a facility, where an inmate sits for a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booth {
    /// Our id.
    pub id: BoothId,
    /// The facility it stands in.
    pub facility_id: FacilityId,
    /// Name shown to staff, e.g. "Bilik 1".
    pub name: String,
    /// Inactive booths take no visits.
    pub active: bool,
}

/// The kind of a visit, and of the sessions that take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// Family visit: counted in the weekly quotas, may be watched and heard by officers.
    Family,
    /// Legal visit by counsel: never counted, never recorded, never heard by staff.
    Legal,
}

impl VisitKind {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitKind::Family => "family",
            VisitKind::Legal => "legal",
        }
    }

    /// Inverse of [`VisitKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "family" => Some(VisitKind::Family),
            "legal" => Some(VisitKind::Legal),
            _ => None,
        }
    }
}

/// Why a template or session was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The end is not after the start.
    #[error("end must be after start")]
    EndBeforeStart,
    /// Slot length outside 5–120 minutes, or longer than the session.
    #[error("slot length must be 5–120 minutes and fit in the session")]
    SlotLength,
    /// Capacity outside 1–100.
    #[error("capacity must be 1–100 booths")]
    Capacity,
    /// `valid_to` before `valid_from`.
    #[error("valid-to date before valid-from date")]
    ValidityRange,
}

/// A weekly recurring session: on `weekday` from `start` to `end` (local time), cut into slots
/// of `slot_minutes`, each taking `capacity` visits at once (one per booth).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTemplate {
    /// Our id (0 before it is stored).
    pub id: i64,
    /// The facility.
    pub facility_id: FacilityId,
    /// Day of the week.
    pub weekday: Weekday,
    /// Local start time of the first slot.
    pub start: Time,
    /// Local time by which the last slot ends.
    pub end: Time,
    /// Length of each slot in minutes.
    pub slot_minutes: u16,
    /// Visits at once (booths used).
    pub capacity: u16,
    /// First local date the template applies to.
    pub valid_from: Date,
    /// Last local date it applies to (inclusive), if any.
    pub valid_to: Option<Date>,
    /// Family or legal.
    pub kind: VisitKind,
}

/// A date without visits (public holiday, closure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedDate {
    /// The facility.
    pub facility_id: FacilityId,
    /// The local date.
    pub date: Date,
    /// Why, shown to families.
    pub reason: String,
}

/// A one-off session on one date (Lebaran), in addition to the templates. Excluded dates do
/// not remove extra sessions: an extra session is an explicit decision for that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraSession {
    /// Our id (0 before it is stored).
    pub id: i64,
    /// The facility.
    pub facility_id: FacilityId,
    /// Local date.
    pub date: Date,
    /// Local start time.
    pub start: Time,
    /// Local end time.
    pub end: Time,
    /// Length of each slot in minutes.
    pub slot_minutes: u16,
    /// Visits at once.
    pub capacity: u16,
    /// Family or legal.
    pub kind: VisitKind,
    /// Why, shown to staff (e.g. "Lebaran").
    pub reason: String,
}

/// A bookable slot: an instant range with a capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// Start instant.
    pub start: Timestamp,
    /// End instant.
    pub end: Timestamp,
    /// Family or legal.
    pub kind: VisitKind,
    /// Visits at once.
    pub capacity: u16,
}

fn seconds_of_day(t: Time) -> i64 {
    i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second())
}

/// Checks the shape shared by templates and extra sessions.
pub fn check_session_shape(
    start: Time,
    end: Time,
    slot_minutes: u16,
    capacity: u16,
) -> Result<(), ScheduleError> {
    if end <= start {
        return Err(ScheduleError::EndBeforeStart);
    }
    if !(5..=120).contains(&slot_minutes) {
        return Err(ScheduleError::SlotLength);
    }
    if seconds_of_day(end) - seconds_of_day(start) < i64::from(slot_minutes) * 60 {
        return Err(ScheduleError::SlotLength);
    }
    if !(1..=100).contains(&capacity) {
        return Err(ScheduleError::Capacity);
    }
    Ok(())
}

impl SessionTemplate {
    /// Checks the template's shape.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        check_session_shape(self.start, self.end, self.slot_minutes, self.capacity)?;
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            return Err(ScheduleError::ValidityRange);
        }
        Ok(())
    }

    /// Whether the template applies on a local date.
    pub fn applies_on(&self, date: Date) -> bool {
        date.weekday() == self.weekday
            && date >= self.valid_from
            && self.valid_to.is_none_or(|to| date <= to)
    }
}

impl ExtraSession {
    /// Checks the session's shape.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        check_session_shape(self.start, self.end, self.slot_minutes, self.capacity)
    }
}

/// The part of a template or extra session that slots are cut from.
#[derive(Clone, Copy)]
struct Session {
    start: Time,
    end: Time,
    slot_minutes: u16,
    capacity: u16,
    kind: VisitKind,
}

/// Cuts one local session into slots, in the given zone. Slots that would run past `end` are
/// dropped.
fn cut(tz: &TimeZone, date: Date, session: Session, out: &mut Vec<Slot>) {
    let Session {
        start,
        end,
        slot_minutes,
        capacity,
        kind,
    } = session;
    if slot_minutes == 0 {
        // A zero step would never reach `end`. Stored sessions are validated; this guards a
        // bad row from hanging the server.
        return;
    }
    let step = i64::from(slot_minutes).minutes();
    let mut t = date.to_datetime(start);
    let end_dt = date.to_datetime(end);
    loop {
        let Ok(next) = t.checked_add(step) else { break };
        if next > end_dt {
            break;
        }
        if let (Ok(s), Ok(e)) = (tz.to_timestamp(t), tz.to_timestamp(next)) {
            out.push(Slot {
                start: s,
                end: e,
                kind,
                capacity,
            });
        }
        t = next;
    }
}

/// Derives the slots of the local dates `from..=to` from templates, extra sessions and
/// excluded dates, in the facility's zone. Slots with the same start, end and kind (from
/// several templates) are merged by adding their capacities. The result is sorted by start,
/// then end, then kind.
pub fn derive_slots(
    tz: &TimeZone,
    templates: &[SessionTemplate],
    extras: &[ExtraSession],
    excluded: &[ExcludedDate],
    from: Date,
    to: Date,
) -> Vec<Slot> {
    let mut out = Vec::new();
    let mut date = from;
    while date <= to {
        if !excluded.iter().any(|x| x.date == date) {
            for t in templates.iter().filter(|t| t.applies_on(date)) {
                let session = Session {
                    start: t.start,
                    end: t.end,
                    slot_minutes: t.slot_minutes,
                    capacity: t.capacity,
                    kind: t.kind,
                };
                cut(tz, date, session, &mut out);
            }
        }
        for x in extras.iter().filter(|x| x.date == date) {
            let session = Session {
                start: x.start,
                end: x.end,
                slot_minutes: x.slot_minutes,
                capacity: x.capacity,
                kind: x.kind,
            };
            cut(tz, date, session, &mut out);
        }
        match date.tomorrow() {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
    out.sort_by_key(|s| (s.start, s.end, s.kind));
    let mut merged: Vec<Slot> = Vec::with_capacity(out.len());
    for s in out {
        match merged.last_mut() {
            Some(m) if m.start == s.start && m.end == s.end && m.kind == s.kind => {
                m.capacity = m.capacity.saturating_add(s.capacity);
            }
            _ => merged.push(s),
        }
    }
    merged
}

/// Finds the slot of a kind starting at `start`, if the schedule has one. Derives only the
/// local dates around `start`.
pub fn find_slot(
    tz: &TimeZone,
    templates: &[SessionTemplate],
    extras: &[ExtraSession],
    excluded: &[ExcludedDate],
    start: Timestamp,
    kind: VisitKind,
) -> Option<Slot> {
    let date = start.to_zoned(tz.clone()).date();
    derive_slots(tz, templates, extras, excluded, date, date)
        .into_iter()
        .find(|s| s.start == start && s.kind == kind)
}
