//! Session templates, excluded dates, extra sessions and the slots derived from them.

use jenguk_domain::schedule::{ScheduleError, derive_slots};
use jenguk_domain::{
    ExcludedDate, ExtraSession, Facility, FacilityId, SessionTemplate, Slot, VisitKind,
};
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::row::{RowExt, date_text, time_text};
use crate::schedule_edit::{insert_excluded, insert_template};
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// A weekly session template to add.
#[derive(Debug, Clone)]
pub struct NewTemplate {
    /// Day of the week.
    pub weekday: Weekday,
    /// Local start.
    pub start: Time,
    /// Local end.
    pub end: Time,
    /// Slot length in minutes.
    pub slot_minutes: u16,
    /// Visits at once.
    pub capacity: u16,
    /// First date.
    pub valid_from: Date,
    /// Last date, inclusive.
    pub valid_to: Option<Date>,
    /// Family or legal.
    pub kind: VisitKind,
}

/// A one-off session to add.
#[derive(Debug, Clone)]
pub struct NewExtraSession {
    /// Local date.
    pub date: Date,
    /// Local start.
    pub start: Time,
    /// Local end.
    pub end: Time,
    /// Slot length in minutes.
    pub slot_minutes: u16,
    /// Visits at once.
    pub capacity: u16,
    /// Family or legal.
    pub kind: VisitKind,
    /// Why (e.g. "Lebaran").
    pub reason: String,
}

/// A slot with how many active visits it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotView {
    /// The slot.
    pub slot: Slot,
    /// Active visits in it.
    pub booked: u32,
}

pub(crate) fn schedule_error(e: ScheduleError) -> StorageError {
    StorageError::Invalid(match e {
        ScheduleError::EndBeforeStart => "end_before_start",
        ScheduleError::SlotLength => "slot_length",
        ScheduleError::Capacity => "capacity",
        ScheduleError::ValidityRange => "validity_range",
    })
}

fn kind(r: &impl RowExt) -> Result<VisitKind> {
    let k = r.string("kind")?;
    VisitKind::parse(&k).ok_or(StorageError::Corrupt(k))
}

pub(crate) fn template(r: &impl RowExt) -> Result<SessionTemplate> {
    let wd = r.i64("weekday")?;
    let weekday = i8::try_from(wd)
        .ok()
        .and_then(|n| Weekday::from_monday_one_offset(n).ok())
        .ok_or_else(|| StorageError::Corrupt(format!("weekday {wd}")))?;
    Ok(SessionTemplate {
        id: r.i64("id")?,
        facility_id: FacilityId(r.i64("facility_id")?),
        weekday,
        start: r.time("start_time")?,
        end: r.time("end_time")?,
        slot_minutes: r.u16("slot_minutes")?,
        capacity: r.u16("capacity")?,
        valid_from: r.date("valid_from")?,
        valid_to: r.opt_date("valid_to")?,
        kind: kind(r)?,
    })
}

pub(crate) fn extra(r: &impl RowExt) -> Result<ExtraSession> {
    Ok(ExtraSession {
        id: r.i64("id")?,
        facility_id: FacilityId(r.i64("facility_id")?),
        date: r.date("date")?,
        start: r.time("start_time")?,
        end: r.time("end_time")?,
        slot_minutes: r.u16("slot_minutes")?,
        capacity: r.u16("capacity")?,
        kind: kind(r)?,
        reason: r.string("reason")?,
    })
}

pub(crate) fn excluded(r: &impl RowExt) -> Result<ExcludedDate> {
    Ok(ExcludedDate {
        facility_id: FacilityId(r.i64("facility_id")?),
        date: r.date("date")?,
        reason: r.string("reason")?,
    })
}

/// Everything that decides a facility's slots.
pub(crate) struct Schedule {
    pub templates: Vec<SessionTemplate>,
    pub extras: Vec<ExtraSession>,
    pub excluded: Vec<ExcludedDate>,
}

pub(crate) const TEMPLATES_SQL: &str = "SELECT id, facility_id, weekday, start_time, end_time, slot_minutes, capacity, valid_from, valid_to, kind FROM session_templates WHERE facility_id = $1 ORDER BY weekday, start_time, id";
pub(crate) const EXTRAS_SQL: &str = "SELECT id, facility_id, date, start_time, end_time, slot_minutes, capacity, kind, reason FROM extra_sessions WHERE facility_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, start_time";
pub(crate) const EXCLUDED_SQL: &str = "SELECT facility_id, date, reason FROM excluded_dates WHERE facility_id = $1 AND date >= $2 AND date <= $3 ORDER BY date";

/// Loads the schedule of `from..=to` inside a transaction.
pub(crate) async fn schedule_in_tx(
    tx: &mut Tx,
    facility_id: FacilityId,
    from: Date,
    to: Date,
) -> Result<Schedule> {
    on_tx!(tx, |c| {
        let t = sqlx::query(TEMPLATES_SQL)
            .bind(facility_id.0)
            .fetch_all(&mut *c)
            .await?;
        let x = sqlx::query(EXTRAS_SQL)
            .bind(facility_id.0)
            .bind(date_text(from))
            .bind(date_text(to))
            .fetch_all(&mut *c)
            .await?;
        let e = sqlx::query(EXCLUDED_SQL)
            .bind(facility_id.0)
            .bind(date_text(from))
            .bind(date_text(to))
            .fetch_all(&mut *c)
            .await?;
        Ok(Schedule {
            templates: t.iter().map(template).collect::<Result<_>>()?,
            extras: x.iter().map(extra).collect::<Result<_>>()?,
            excluded: e.iter().map(excluded).collect::<Result<_>>()?,
        })
    })
}

impl Db {
    async fn schedule(&self, facility_id: FacilityId, from: Date, to: Date) -> Result<Schedule> {
        on_pool!(self, |p| {
            let t = sqlx::query(TEMPLATES_SQL)
                .bind(facility_id.0)
                .fetch_all(p)
                .await?;
            let x = sqlx::query(EXTRAS_SQL)
                .bind(facility_id.0)
                .bind(date_text(from))
                .bind(date_text(to))
                .fetch_all(p)
                .await?;
            let e = sqlx::query(EXCLUDED_SQL)
                .bind(facility_id.0)
                .bind(date_text(from))
                .bind(date_text(to))
                .fetch_all(p)
                .await?;
            Ok(Schedule {
                templates: t.iter().map(template).collect::<Result<_>>()?,
                extras: x.iter().map(extra).collect::<Result<_>>()?,
                excluded: e.iter().map(excluded).collect::<Result<_>>()?,
            })
        })
    }

    /// A facility's session templates.
    pub async fn templates(&self, facility_id: FacilityId) -> Result<Vec<SessionTemplate>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(TEMPLATES_SQL)
                .bind(facility_id.0)
                .fetch_all(p)
                .await?;
            rows.iter().map(template).collect()
        })
    }

    /// Adds a weekly session template.
    pub async fn create_template(
        &self,
        facility_id: FacilityId,
        t: &NewTemplate,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<SessionTemplate> {
        let mut st = SessionTemplate {
            id: 0,
            facility_id,
            weekday: t.weekday,
            start: t.start,
            end: t.end,
            slot_minutes: t.slot_minutes,
            capacity: t.capacity,
            valid_from: t.valid_from,
            valid_to: t.valid_to,
            kind: t.kind,
        };
        st.validate().map_err(schedule_error)?;
        let mut tx = self.begin().await?;
        st.id = insert_template(&mut tx, facility_id, t, who, now).await?;
        tx.commit().await?;
        Ok(st)
    }

    /// Marks a date without visits.
    pub async fn create_excluded_date(
        &self,
        facility_id: FacilityId,
        date: Date,
        reason: &str,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<ExcludedDate> {
        let reason = jenguk_domain::text::parse_reason(reason)
            .map_err(|_| StorageError::Invalid("reason"))?;
        let mut tx = self.begin().await?;
        insert_excluded(&mut tx, facility_id, date, &reason, who, now).await?;
        tx.commit().await?;
        Ok(ExcludedDate {
            facility_id,
            date,
            reason,
        })
    }

    /// Excluded dates of `from..=to`.
    pub async fn excluded_dates(
        &self,
        facility_id: FacilityId,
        from: Date,
        to: Date,
    ) -> Result<Vec<ExcludedDate>> {
        Ok(self.schedule(facility_id, from, to).await?.excluded)
    }

    /// Adds a one-off session (Lebaran).
    pub async fn create_extra_session(
        &self,
        facility_id: FacilityId,
        x: &NewExtraSession,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<ExtraSession> {
        let reason = jenguk_domain::text::parse_reason(&x.reason)
            .map_err(|_| StorageError::Invalid("reason"))?;
        let mut es = ExtraSession {
            id: 0,
            facility_id,
            date: x.date,
            start: x.start,
            end: x.end,
            slot_minutes: x.slot_minutes,
            capacity: x.capacity,
            kind: x.kind,
            reason,
        };
        es.validate().map_err(schedule_error)?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO extra_sessions (facility_id, date, start_time, end_time, slot_minutes, capacity, kind, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
        )
        .bind(facility_id.0)
        .bind(date_text(es.date))
        .bind(time_text(es.start))
        .bind(time_text(es.end))
        .bind(i64::from(es.slot_minutes))
        .bind(i64::from(es.capacity))
        .bind(es.kind.as_str())
        .bind(&es.reason)
        .fetch_one(&mut *c)
        .await
        })?;
        es.id = id;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility_id),
                action: "extra_session.create",
                target_type: "extra_session",
                target_id: id.to_string(),
                detail: json!({ "date": date_text(es.date), "reason": es.reason }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(es)
    }

    /// The slots of local dates `from..=to`, each with its count of active visits. At most
    /// 62 days at once.
    pub async fn slots(&self, facility: &Facility, from: Date, to: Date) -> Result<Vec<SlotView>> {
        if to < from || (to - from).get_days() > 62 {
            return Err(StorageError::Invalid("date_range"));
        }
        let tz = facility
            .tz()
            .map_err(|e| StorageError::Corrupt(format!("time zone: {e}")))?;
        let sched = self.schedule(facility.id, from, to).await?;
        let slots = derive_slots(
            &tz,
            &sched.templates,
            &sched.extras,
            &sched.excluded,
            from,
            to,
        );
        let (Some(first), Some(last)) = (slots.first(), slots.last()) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = (secs(first.start), secs(last.start));
        let counts: Vec<(i64, String, i64)> = on_pool!(self, |p| {
            let rows = sqlx::query(concat!(
                "SELECT start_at, kind, COUNT(*) AS n FROM visits ",
                "WHERE facility_id = $1 AND start_at >= $2 AND start_at <= $3 AND status IN ",
                active_statuses!(),
                " GROUP BY start_at, kind"
            ))
            .bind(facility.id.0)
            .bind(lo)
            .bind(hi)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok((r.i64("start_at")?, r.string("kind")?, r.i64("n")?)))
                .collect::<Result<_>>()
        })?;
        Ok(slots
            .into_iter()
            .map(|slot| {
                let booked = counts
                    .iter()
                    .find(|(s, k, _)| *s == secs(slot.start) && k == slot.kind.as_str())
                    .map_or(0, |(_, _, n)| u32::try_from(*n).unwrap_or(u32::MAX));
                SlotView { slot, booked }
            })
            .collect())
    }
}
