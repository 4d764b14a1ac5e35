//! Editing a facility's schedule from the console, where no booking can lose its place:
//! adding templates and one-off sessions (checked for whole slots, overlaps and booths),
//! removing excluded dates, and reading single records. Changes that can take bookings away
//! go through `schedule_change`.

use jenguk_domain::schedule_change::{HeldPlace, SessionProblem, check_extra, check_template};
use jenguk_domain::{
    BoothId, ExtraSession, FacilityId, SessionTemplate, VisitCode, VisitId, VisitKind,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::error::unique_as;
use crate::row::{RowExt, date_text, time_text};
use crate::schedule::{
    NewExtraSession, NewTemplate, TEMPLATES_SQL, extra, schedule_error, template,
};
use crate::schedule_change::AffectedVisit;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// The storage code of a session problem (`Invalid(code)`).
pub(crate) fn problem_code(p: &SessionProblem) -> StorageError {
    match p {
        SessionProblem::Shape(e) => schedule_error(*e),
        SessionProblem::SlotsDoNotDivide => StorageError::Invalid("slots_do_not_divide"),
        SessionProblem::Overlaps(_) => StorageError::Invalid("template_overlap"),
        SessionProblem::CapacityAboveBooths { .. } => {
            StorageError::Invalid("capacity_above_booths")
        }
    }
}

/// On PostgreSQL, locks the facility's row so that schedule changes and bookings of one
/// facility take turns (SQLite has a single writer already).
pub(crate) async fn lock_facility_id(tx: &mut Tx, facility_id: FacilityId) -> Result<()> {
    if tx.row_locks() {
        let found: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
            "SELECT id FROM facilities WHERE id = $1 FOR NO KEY UPDATE"
        )
        .bind(facility_id.0)
        .fetch_optional(&mut *c)
        .await)?;
        found.ok_or(StorageError::NotFound("facility"))?;
    }
    Ok(())
}

/// The number of active booths, inside a transaction.
pub(crate) async fn active_booths_in_tx(tx: &mut Tx, facility_id: FacilityId) -> Result<u16> {
    let n: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM booths WHERE facility_id = $1 AND active = $2"
    )
    .bind(facility_id.0)
    .bind(true)
    .fetch_one(&mut *c)
    .await)?;
    Ok(u16::try_from(n).unwrap_or(u16::MAX))
}

/// A facility's templates, inside a transaction.
pub(crate) async fn templates_in_tx(
    tx: &mut Tx,
    facility_id: FacilityId,
) -> Result<Vec<SessionTemplate>> {
    on_tx!(tx, |c| {
        let rows = sqlx::query(TEMPLATES_SQL)
            .bind(facility_id.0)
            .fetch_all(&mut *c)
            .await?;
        rows.iter().map(template).collect()
    })
}

/// Inserts a (validated) template and its audit row inside the caller's transaction.
pub(crate) async fn insert_template(
    tx: &mut Tx,
    facility_id: FacilityId,
    t: &NewTemplate,
    who: &AuditEvent,
    now: Timestamp,
) -> Result<i64> {
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO session_templates (facility_id, weekday, start_time, end_time, slot_minutes, capacity, valid_from, valid_to, kind)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(facility_id.0)
        .bind(i64::from(t.weekday.to_monday_one_offset()))
        .bind(time_text(t.start))
        .bind(time_text(t.end))
        .bind(i64::from(t.slot_minutes))
        .bind(i64::from(t.capacity))
        .bind(date_text(t.valid_from))
        .bind(t.valid_to.map(date_text))
        .bind(t.kind.as_str())
        .fetch_one(&mut *c)
        .await
    })?;
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: Some(facility_id),
            action: "template.create",
            target_type: "session_template",
            target_id: id.to_string(),
            detail: json!({
                "weekday": t.weekday.to_monday_one_offset(),
                "start": time_text(t.start),
                "end": time_text(t.end),
                "slot_minutes": t.slot_minutes,
                "capacity": t.capacity,
                "kind": t.kind.as_str(),
            }),
        },
    )
    .await?;
    Ok(id)
}

/// Inserts an excluded date (reason already checked) and its audit row inside the caller's
/// transaction.
pub(crate) async fn insert_excluded(
    tx: &mut Tx,
    facility_id: FacilityId,
    date: Date,
    reason: &str,
    who: &AuditEvent,
    now: Timestamp,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO excluded_dates (facility_id, date, reason) VALUES ($1, $2, $3)"
    )
    .bind(facility_id.0)
    .bind(date_text(date))
    .bind(reason)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    .map_err(unique_as("date_already_excluded")))?;
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: Some(facility_id),
            action: "excluded_date.create",
            target_type: "excluded_date",
            target_id: date_text(date),
            detail: json!({ "reason": reason }),
        },
    )
    .await?;
    Ok(())
}

/// The facility's future visits that hold a place and may still be cancelled, with what
/// the administrator is shown about each.
pub(crate) async fn future_visits(
    tx: &mut Tx,
    facility_id: FacilityId,
    now: Timestamp,
) -> Result<Vec<(HeldPlace, AffectedVisit)>> {
    on_tx!(tx, |c| {
        let rows = sqlx::query(
            "SELECT v.id, v.code, v.kind, v.start_at, v.end_at, v.booth_id, v.created_at, i.name AS inmate_name, b.name AS booth_name
             FROM visits v JOIN inmates i ON i.id = v.inmate_id LEFT JOIN booths b ON b.id = v.booth_id
             WHERE v.facility_id = $1 AND v.start_at > $2 AND v.status IN ('requested','booked','checked_in')
             ORDER BY v.start_at, v.id",
        )
        .bind(facility_id.0)
        .bind(secs(now))
        .fetch_all(&mut *c)
        .await?;
        rows.iter()
            .map(|r| {
                let kind = r.string("kind")?;
                let kind = VisitKind::parse(&kind).ok_or(StorageError::Corrupt(kind))?;
                let code = r.string("code")?;
                let code = VisitCode::parse(&code)
                    .map_err(|_| StorageError::Corrupt("visit code".into()))?;
                let id = VisitId(r.i64("id")?);
                let start = r.timestamp("start_at")?;
                let booth_id = r.opt_i64("booth_id")?.map(BoothId);
                Ok((
                    HeldPlace {
                        id,
                        start,
                        kind,
                        booth_id,
                        booked_at: r.timestamp("created_at")?,
                    },
                    AffectedVisit {
                        id,
                        code,
                        start,
                        end: r.timestamp("end_at")?,
                        kind,
                        inmate: r.string("inmate_name")?,
                        booth: r.opt_string("booth_name")?,
                    },
                ))
            })
            .collect()
    })
}

impl Db {
    /// Adds a weekly template after the console's checks: whole slots, no overlap with a
    /// template of the same kind on the same weekday, no more visits at once than active
    /// booths. Decided and written in one transaction.
    pub async fn add_template(
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
        let mut tx = self.begin().await?;
        lock_facility_id(&mut tx, facility_id).await?;
        let others = templates_in_tx(&mut tx, facility_id).await?;
        let booths = active_booths_in_tx(&mut tx, facility_id).await?;
        check_template(&st, &others, booths).map_err(|p| problem_code(&p))?;
        st.id = insert_template(&mut tx, facility_id, t, who, now).await?;
        tx.commit().await?;
        Ok(st)
    }

    /// Adds a one-off session after the console's checks (whole slots, booths).
    pub async fn add_extra_session(
        &self,
        facility_id: FacilityId,
        x: &NewExtraSession,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<ExtraSession> {
        let probe = ExtraSession {
            id: 0,
            facility_id,
            date: x.date,
            start: x.start,
            end: x.end,
            slot_minutes: x.slot_minutes,
            capacity: x.capacity,
            kind: x.kind,
            reason: x.reason.clone(),
        };
        let booths = self.active_booths(facility_id).await?;
        check_extra(&probe, booths).map_err(|p| problem_code(&p))?;
        self.create_extra_session(facility_id, x, who, now).await
    }

    /// A template by id (any facility: the caller checks the facility).
    pub async fn template_by_id(&self, id: i64) -> Result<SessionTemplate> {
        on_pool!(self, |p| {
            let row = sqlx::query(
                "SELECT id, facility_id, weekday, start_time, end_time, slot_minutes, capacity, valid_from, valid_to, kind FROM session_templates WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?;
            row.map(|r| template(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("template"))
        })
    }

    /// A one-off session by id (any facility: the caller checks the facility).
    pub async fn extra_session_by_id(&self, id: i64) -> Result<ExtraSession> {
        on_pool!(self, |p| {
            let row = sqlx::query(
                "SELECT id, facility_id, date, start_time, end_time, slot_minutes, capacity, kind, reason FROM extra_sessions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?;
            row.map(|r| extra(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("extra_session"))
        })
    }

    /// A facility's one-off sessions of `from..=to`.
    pub async fn extra_sessions(
        &self,
        facility_id: FacilityId,
        from: Date,
        to: Date,
    ) -> Result<Vec<ExtraSession>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(crate::schedule::EXTRAS_SQL)
                .bind(facility_id.0)
                .bind(date_text(from))
                .bind(date_text(to))
                .fetch_all(p)
                .await?;
            rows.iter().map(extra).collect()
        })
    }

    /// Removes an excluded date (its day gets its slots back; no booking loses a place).
    pub async fn remove_excluded_date(
        &self,
        facility_id: FacilityId,
        date: Date,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = on_tx!(tx, |c| sqlx::query(
            "DELETE FROM excluded_dates WHERE facility_id = $1 AND date = $2"
        )
        .bind(facility_id.0)
        .bind(date_text(date))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StorageError::NotFound("excluded_date"));
        }
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility_id),
                action: "excluded_date.delete",
                target_type: "excluded_date",
                target_id: date_text(date),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
