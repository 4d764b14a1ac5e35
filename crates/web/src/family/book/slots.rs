//! The slots a family is offered: the free ones of the facility's booking window that this
//! visitor can take, grouped by local day, and the next free ones after a refusal.

use std::collections::HashMap;

use jenguk_domain::booking::BookingPolicy;
use jenguk_domain::{Facility, Refusal, Slot, VisitId, VisitKind, VisitorId};
use jenguk_storage::{StorageError, VisitView};
use jiff::Timestamp;

use super::{Day, SlotButton};
use crate::AppState;
use crate::family::visits::{clock, date_long, when_short, zone};
use crate::i18n::Lang;

/// At most this many days are offered at once (the page stays light).
const MAX_DAYS: i64 = 31;
/// Free slots offered after a refusal.
const ALTERNATIVES: usize = 6;

/// Free slots, and whether the window had free slots that only this visitor cannot take.
pub(super) struct Offer {
    pub(super) slots: Vec<Slot>,
    only_yours: bool,
}

impl Offer {
    /// Why nothing is offered.
    pub(super) fn none(&self, lang: Lang, f: &Facility) -> String {
        if self.only_yours {
            lang.t_args(
                "fv-book-none-yours",
                &[(
                    "count",
                    f.policy.max_visits_per_visitor_per_week.to_string(),
                )],
            )
        } else {
            lang.t("fv-book-none")
        }
    }
}

/// The free slots of a kind in the facility's booking window that this visitor can take:
/// free places, not past the cut-off, not overlapping the visitor's own visits, not in a
/// week whose quota the visitor has used (`except`: the visit being moved, whose place is
/// given back). Sorted by start.
pub(super) async fn free_slots(
    state: &AppState,
    facility: &Facility,
    kind: VisitKind,
    now: Timestamp,
    (visitor, inmate): (VisitorId, jenguk_domain::InmateId),
    except: Option<VisitId>,
) -> Result<Offer, StorageError> {
    let week_ago = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
        .unwrap_or(now);
    let mine: Vec<VisitView> = state
        .db
        .visits_of_visitor(visitor, week_ago)
        .await?
        .into_iter()
        .filter(|v| Some(v.visit.id) != except)
        .collect();
    let theirs: Vec<VisitView> = state
        .db
        .visits_of_inmate(inmate, week_ago)
        .await?
        .into_iter()
        .filter(|v| Some(v.visit.id) != except)
        .collect();
    let window = window_slots(state, facility, kind, now).await?;
    let had = !window.is_empty();
    // The inmate's own visits and weekly quota rule slots out just as the visitor's do.
    let slots = takeable(
        window,
        &mine,
        facility,
        kind,
        facility.policy.max_visits_per_visitor_per_week,
    );
    let slots = takeable(
        slots,
        &theirs,
        facility,
        kind,
        facility.policy.max_visits_per_inmate_per_week,
    );
    Ok(Offer {
        only_yours: had && slots.is_empty(),
        slots,
    })
}

/// Drops the slots overlapping one of a person's active visits (the visitor's or the
/// inmate's), and, for family visits, those in a local week whose quota (`quota` visits at
/// this facility) that person has used up.
fn takeable(
    slots: Vec<Slot>,
    mine: &[VisitView],
    facility: &Facility,
    kind: VisitKind,
    quota: u16,
) -> Vec<Slot> {
    let tz = zone(&facility.time_zone);
    let mut weeks: HashMap<Timestamp, u32> = HashMap::new();
    for v in mine {
        if v.visit.facility_id == facility.id
            && v.visit.kind == VisitKind::Family
            && v.visit.status.counts_for_quota()
        {
            *weeks
                .entry(BookingPolicy::week_bounds(&tz, v.visit.start).0)
                .or_default() += 1;
        }
    }
    let quota = u32::from(quota);
    slots
        .into_iter()
        .filter(|s| {
            !mine.iter().any(|v| {
                v.visit.status.is_active() && v.visit.start < s.end && v.visit.end > s.start
            })
        })
        .filter(|s| {
            kind != VisitKind::Family
                || weeks
                    .get(&BookingPolicy::week_bounds(&tz, s.start).0)
                    .is_none_or(|n| *n < quota)
        })
        .collect()
}

/// The free slots of a kind in the facility's booking window, not past the cut-off.
async fn window_slots(
    state: &AppState,
    facility: &Facility,
    kind: VisitKind,
    now: Timestamp,
) -> Result<Vec<Slot>, StorageError> {
    let tz = zone(&facility.time_zone);
    let p = &facility.policy;
    let today = now.to_zoned(tz).date();
    let from = today.saturating_add(jiff::Span::new().days(i64::from(p.min_days_ahead)));
    let last = today.saturating_add(jiff::Span::new().days(i64::from(p.max_days_ahead)));
    let to = last.min(from.saturating_add(jiff::Span::new().days(MAX_DAYS - 1)));
    if to < from {
        return Ok(Vec::new());
    }
    let earliest = now.as_second() + i64::from(p.cutoff_minutes) * 60;
    Ok(state
        .db
        .slots(facility, from, to)
        .await?
        .into_iter()
        .filter(|s| {
            s.slot.kind == kind
                && s.booked < u32::from(s.slot.capacity)
                && s.slot.start.as_second() >= earliest
        })
        .map(|s| s.slot)
        .collect())
}

/// The slots grouped by local day, the first day open.
pub(super) fn days(lang: Lang, facility: &Facility, slots: &[Slot]) -> Vec<Day> {
    let tz = zone(&facility.time_zone);
    let mut out: Vec<(jiff::civil::Date, Vec<SlotButton>)> = Vec::new();
    for s in slots {
        let z = s.start.to_zoned(tz.clone());
        let b = SlotButton {
            value: s.start.as_second(),
            label: clock(lang, z.time()),
        };
        match out.last_mut() {
            Some((d, v)) if *d == z.date() => v.push(b),
            _ => out.push((z.date(), vec![b])),
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, (d, slots))| Day {
            title: date_long(lang, d),
            count: lang.t_args("fv-book-day-free", &[("count", slots.len().to_string())]),
            open: i == 0,
            slots,
        })
        .collect()
}

/// Where to look for other slots after a refusal: after the asked slot, after its week for
/// a quota, nowhere when the refusal is about who may visit.
pub(super) fn alternatives(
    facility: &Facility,
    slots: &[Slot],
    asked: Option<Timestamp>,
    reasons: &[Refusal],
    lang: Lang,
) -> Vec<SlotButton> {
    let tz = zone(&facility.time_zone);
    let eligibility = reasons.iter().any(|r| {
        matches!(
            r,
            Refusal::NotApproved
                | Refusal::PermitMissing
                | Refusal::VisitorBanned
                | Refusal::InmateNotHeld
                | Refusal::WrongVisitKind
                | Refusal::TooManyPeople
        )
    });
    if eligibility || reasons.is_empty() {
        return Vec::new();
    }
    let quota = reasons
        .iter()
        .any(|r| matches!(r, Refusal::InmateQuota | Refusal::VisitorQuota));
    let later = |s: &&Slot| match asked {
        Some(a) if quota => s.start >= BookingPolicy::week_bounds(&tz, a).1,
        Some(a) => s.start > a,
        None => true,
    };
    let button = |s: &Slot| SlotButton {
        value: s.start.as_second(),
        label: when_short(lang, s.start, &tz),
    };
    let mut out: Vec<SlotButton> = slots
        .iter()
        .filter(later)
        .take(ALTERNATIVES)
        .map(button)
        .collect();
    if out.is_empty() && !quota {
        // Nothing after the asked slot: offer the earliest ones instead.
        out = slots
            .iter()
            .filter(|s| Some(s.start) != asked)
            .take(ALTERNATIVES)
            .map(button)
            .collect();
    }
    out
}
