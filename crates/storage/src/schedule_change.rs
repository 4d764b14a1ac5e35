//! Schedule changes that can take existing bookings away (a template edited or deleted, a
//! date excluded, a one-off session removed, a booth taken out of service), with their
//! impact: which future visits would lose their place. A change that affects visits is only
//! written when the caller confirms exactly those visits; then the change, the cancellation
//! of each visit (history, the family's receipt in the outbox, audit) and the change's own
//! audit row are one transaction.

use jenguk_domain::schedule_change::{HeldPlace, ScheduleParts, affected_visits, check_template};
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{BoothId, Facility, VisitCode, VisitId, VisitKind};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::row::{date_text, time_text};
use crate::schedule::{NewTemplate, schedule_in_tx};
use crate::schedule_edit::{
    active_booths_in_tx, future_visits, insert_excluded, lock_facility_id, problem_code,
    templates_in_tx,
};
use crate::{Db, Result, StorageError, Tx, on_tx};

/// A change to a facility's schedule that may take bookings away.
#[derive(Debug, Clone)]
pub enum ScheduleChange {
    /// A template gets new values.
    UpdateTemplate {
        /// The template.
        id: i64,
        /// Its new values.
        template: NewTemplate,
    },
    /// A template is deleted.
    DeleteTemplate {
        /// The template.
        id: i64,
    },
    /// A date gets no visits.
    ExcludeDate {
        /// The local date.
        date: Date,
        /// Why (shown to families).
        reason: String,
    },
    /// A one-off session is removed.
    DeleteExtraSession {
        /// The session.
        id: i64,
    },
    /// A booth is taken out of service: its assigned visits lose their place, and sessions
    /// needing more booths than remain are reduced to the booths left.
    DeactivateBooth {
        /// The booth.
        id: BoothId,
    },
}

/// A future visit a change would cancel, as the administrator sees it.
#[derive(Debug, Clone)]
pub struct AffectedVisit {
    /// The visit.
    pub id: VisitId,
    /// Its code.
    pub code: VisitCode,
    /// Slot start.
    pub start: Timestamp,
    /// Slot end.
    pub end: Timestamp,
    /// Family or legal.
    pub kind: VisitKind,
    /// The inmate's name.
    pub inmate: String,
    /// The booth's name, if one is assigned.
    pub booth: Option<String>,
}

/// What became of a change.
#[derive(Debug, Clone)]
pub enum ChangeOutcome {
    /// Written, with these visits cancelled (none when no booking was affected).
    Applied(Vec<AffectedVisit>),
    /// Nothing written: these visits would be cancelled, and were not confirmed.
    NeedsConfirmation(Vec<AffectedVisit>),
}

/// What the change does besides its own row: sessions reduced to the booths left.
struct Plan {
    affected: Vec<AffectedVisit>,
    booths_left: Option<u16>,
}

/// Checks the change against the facility's records and works out what it takes away.
async fn plan(
    tx: &mut Tx,
    facility: &Facility,
    change: &ScheduleChange,
    now: Timestamp,
) -> Result<Plan> {
    let tz = facility
        .tz()
        .map_err(|e| StorageError::Corrupt(format!("time zone: {e}")))?;
    let today = now.to_zoned(tz.clone()).date();
    let templates = templates_in_tx(tx, facility.id).await?;
    let mut booths_left = None;
    let mut removed_booths = Vec::new();
    match change {
        ScheduleChange::UpdateTemplate { id, template: t } => {
            let Some(old) = templates.iter().find(|x| x.id == *id) else {
                return Err(StorageError::NotFound("template"));
            };
            let mut new = old.clone();
            (new.weekday, new.start, new.end) = (t.weekday, t.start, t.end);
            (new.slot_minutes, new.capacity, new.kind) = (t.slot_minutes, t.capacity, t.kind);
            (new.valid_from, new.valid_to) = (t.valid_from, t.valid_to);
            let booths = active_booths_in_tx(tx, facility.id).await?;
            check_template(&new, &templates, booths).map_err(|p| problem_code(&p))?;
        }
        ScheduleChange::DeleteTemplate { id } => {
            if !templates.iter().any(|x| x.id == *id) {
                return Err(StorageError::NotFound("template"));
            }
        }
        ScheduleChange::ExcludeDate { date, .. } => {
            if *date < today {
                return Err(StorageError::Invalid("date_past"));
            }
        }
        ScheduleChange::DeleteExtraSession { id } => {
            let n: i64 = on_tx!(tx, |c| sqlx::query_scalar(
                "SELECT COUNT(*) FROM extra_sessions WHERE id = $1 AND facility_id = $2"
            )
            .bind(*id)
            .bind(facility.id.0)
            .fetch_one(&mut *c)
            .await)?;
            if n == 0 {
                return Err(StorageError::NotFound("extra_session"));
            }
        }
        ScheduleChange::DeactivateBooth { id } => {
            let left =
                crate::booths::booths_left_without(tx, facility.id, *id, !templates.is_empty())
                    .await?;
            booths_left = Some(left);
            removed_booths.push(*id);
        }
    }
    let visits = future_visits(tx, facility.id, now).await?;
    let Some(last) = visits
        .last()
        .map(|(h, _)| h.start.to_zoned(tz.clone()).date())
    else {
        return Ok(Plan {
            affected: Vec::new(),
            booths_left,
        });
    };
    let to = last.max(today);
    let s = schedule_in_tx(tx, facility.id, today, to).await?;
    let before = ScheduleParts {
        templates: s.templates,
        extras: s.extras,
        excluded: s.excluded,
    };
    let mut after = before.clone();
    match change {
        ScheduleChange::UpdateTemplate { id, template: t } => {
            for x in after.templates.iter_mut().filter(|x| x.id == *id) {
                (x.weekday, x.start, x.end) = (t.weekday, t.start, t.end);
                (x.slot_minutes, x.capacity, x.kind) = (t.slot_minutes, t.capacity, t.kind);
                (x.valid_from, x.valid_to) = (t.valid_from, t.valid_to);
            }
        }
        ScheduleChange::DeleteTemplate { id } => after.templates.retain(|x| x.id != *id),
        ScheduleChange::ExcludeDate { date, reason } => {
            after.excluded.push(jenguk_domain::ExcludedDate {
                facility_id: facility.id,
                date: *date,
                reason: reason.clone(),
            });
        }
        ScheduleChange::DeleteExtraSession { id } => after.extras.retain(|x| x.id != *id),
        ScheduleChange::DeactivateBooth { .. } => {
            let left = booths_left.unwrap_or(0);
            for t in &mut after.templates {
                t.capacity = t.capacity.min(left);
            }
            for x in &mut after.extras {
                x.capacity = x.capacity.min(left);
            }
        }
    }
    let held: Vec<HeldPlace> = visits.iter().map(|(h, _)| h.clone()).collect();
    let hit = affected_visits(&tz, &before, &after, &held, &removed_booths, today, to);
    let affected = hit
        .iter()
        .filter_map(|id| {
            visits
                .iter()
                .find(|(h, _)| h.id == *id)
                .map(|(_, a)| a.clone())
        })
        .collect();
    Ok(Plan {
        affected,
        booths_left,
    })
}

/// Writes the change itself and its audit row.
async fn write(
    tx: &mut Tx,
    facility: &Facility,
    change: &ScheduleChange,
    plan: &Plan,
    who: &AuditEvent,
    now: Timestamp,
) -> Result<()> {
    let fid = facility.id.0;
    let cancelled: Vec<i64> = plan.affected.iter().map(|a| a.id.0).collect();
    let (action, target_type, target_id, detail) = match change {
        ScheduleChange::UpdateTemplate { id, template: t } => {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE session_templates SET weekday = $1, start_time = $2, end_time = $3, slot_minutes = $4, capacity = $5, valid_from = $6, valid_to = $7, kind = $8 WHERE id = $9 AND facility_id = $10"
            )
            .bind(i64::from(t.weekday.to_monday_one_offset()))
            .bind(time_text(t.start))
            .bind(time_text(t.end))
            .bind(i64::from(t.slot_minutes))
            .bind(i64::from(t.capacity))
            .bind(date_text(t.valid_from))
            .bind(t.valid_to.map(date_text))
            .bind(t.kind.as_str())
            .bind(*id)
            .bind(fid)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
            })?;
            let detail = json!({
                "weekday": t.weekday.to_monday_one_offset(), "start": time_text(t.start),
                "end": time_text(t.end), "slot_minutes": t.slot_minutes,
                "capacity": t.capacity, "kind": t.kind.as_str(), "cancelled": cancelled,
            });
            (
                "template.update",
                "session_template",
                id.to_string(),
                detail,
            )
        }
        ScheduleChange::DeleteTemplate { id } => {
            on_tx!(tx, |c| sqlx::query(
                "DELETE FROM session_templates WHERE id = $1 AND facility_id = $2"
            )
            .bind(*id)
            .bind(fid)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
            let detail = json!({ "cancelled": cancelled });
            (
                "template.delete",
                "session_template",
                id.to_string(),
                detail,
            )
        }
        ScheduleChange::ExcludeDate { date, reason } => {
            // Writes its own audit row, like the API's path.
            insert_excluded(tx, facility.id, *date, reason, who, now).await?;
            let detail = json!({ "cancelled": cancelled });
            (
                "excluded_date.cancel_visits",
                "excluded_date",
                date_text(*date),
                detail,
            )
        }
        ScheduleChange::DeleteExtraSession { id } => {
            on_tx!(tx, |c| sqlx::query(
                "DELETE FROM extra_sessions WHERE id = $1 AND facility_id = $2"
            )
            .bind(*id)
            .bind(fid)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
            let detail = json!({ "cancelled": cancelled });
            (
                "extra_session.delete",
                "extra_session",
                id.to_string(),
                detail,
            )
        }
        ScheduleChange::DeactivateBooth { id } => {
            let left = i64::from(plan.booths_left.unwrap_or(0));
            let today = now
                .to_zoned(
                    facility
                        .tz()
                        .map_err(|e| StorageError::Corrupt(format!("time zone: {e}")))?,
                )
                .date();
            let (templates, extras) =
                crate::booths::deactivate_in_tx(tx, facility.id, *id, left, today).await?;
            let detail = json!({
                "active": false, "booths_left": left, "templates_reduced": templates,
                "extra_sessions_reduced": extras, "cancelled": cancelled,
            });
            ("booth.deactivate", "booth", id.0.to_string(), detail)
        }
    };
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: Some(facility.id),
            action,
            target_type,
            target_id,
            detail,
        },
    )
    .await
}

impl Db {
    /// The future visits a change would cancel, without writing anything. Refuses a change
    /// that could not be applied (unknown record, overlapping template, …) the same way
    /// [`Db::apply_schedule_change`] does.
    pub async fn preview_schedule_change(
        &self,
        facility: &Facility,
        change: &ScheduleChange,
        now: Timestamp,
    ) -> Result<Vec<AffectedVisit>> {
        let mut tx = self.begin_read().await?;
        Ok(plan(&mut tx, facility, change, now).await?.affected)
    }

    /// Applies a change in one transaction. If it would cancel visits, it is written only
    /// when `confirmed` names exactly those visits (what the administrator was shown);
    /// otherwise nothing is written and the visits are returned for confirmation. Each
    /// cancelled visit gets `reason`, its history, the family's receipt and an audit row.
    pub async fn apply_schedule_change(
        &self,
        facility: &Facility,
        change: &ScheduleChange,
        confirmed: &[VisitId],
        reason: &str,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<ChangeOutcome> {
        if let ScheduleChange::ExcludeDate { reason, .. } = change {
            jenguk_domain::text::parse_reason(reason)
                .map_err(|_| StorageError::Invalid("reason"))?;
        }
        let mut tx = self.begin().await?;
        lock_facility_id(&mut tx, facility.id).await?;
        let plan = plan(&mut tx, facility, change, now).await?;
        let mut want: Vec<VisitId> = plan.affected.iter().map(|a| a.id).collect();
        let mut got = confirmed.to_vec();
        want.sort();
        got.sort();
        got.dedup();
        if !want.is_empty() && want != got {
            return Ok(ChangeOutcome::NeedsConfirmation(plan.affected));
        }
        let reason = if want.is_empty() {
            None
        } else {
            Some(
                jenguk_domain::text::parse_reason(reason)
                    .map_err(|_| StorageError::Invalid("reason"))?,
            )
        };
        write(&mut tx, facility, change, &plan, who, now).await?;
        let actor = who.user_id.map_or(Actor::System, Actor::Staff);
        for a in &plan.affected {
            let current = crate::visits::lock_visit(&mut tx, &a.code).await?;
            crate::visits::apply_transition(
                &mut tx,
                current,
                VisitAction::Cancel,
                actor,
                reason.clone(),
                who,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ChangeOutcome::Applied(plan.affected))
    }
}
