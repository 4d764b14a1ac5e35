//! Banning a visitor at one facility: until a local date, with a reason. Banning cancels the
//! visitor's visits at that facility before the ban ends (each with its receipt to the
//! family) in the same transaction as the ban and its audit row; the booking rules refuse
//! new bookings there while it lasts. A ban applies only at the facility that made it.

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{FacilityCode, FacilityId, VisitCode, Visitor, VisitorId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::row::date_text;
use crate::visitors::lock_visitor;
use crate::visits::{apply_transition, lock_visit};
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// A visitor's ban at one facility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    /// Banned before this local date (exclusive): visits from this date on are allowed.
    pub until: Date,
    /// Why.
    pub reason: String,
}

/// The visitor as the booking rules at a facility see them: a ban at that facility counts
/// like a ban everywhere (whichever ends later).
pub(crate) async fn with_facility_ban(
    tx: &mut Tx,
    mut visitor: Visitor,
    facility: FacilityId,
) -> Result<Visitor> {
    let row: Option<(String, String)> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT banned_until, reason FROM visitor_bans WHERE visitor_id = $1 AND facility_id = $2"
    )
    .bind(visitor.id.0)
    .bind(facility.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    if let Some((until, reason)) = row {
        let until: Date = until
            .parse()
            .map_err(|_| StorageError::Corrupt(format!("banned_until = {until}")))?;
        if visitor.banned_until.is_none_or(|u| u < until) {
            visitor.banned_until = Some(until);
            visitor.ban_reason = Some(reason);
        }
    }
    Ok(visitor)
}

impl Db {
    /// A visitor's ban at a facility, if one is on record (it may have ended already).
    pub async fn visitor_ban(
        &self,
        visitor: VisitorId,
        facility: FacilityId,
    ) -> Result<Option<Ban>> {
        let row: Option<(String, String)> = on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT banned_until, reason FROM visitor_bans WHERE visitor_id = $1 AND facility_id = $2"
        )
        .bind(visitor.0)
        .bind(facility.0)
        .fetch_optional(p)
        .await
        })?;
        row.map(|(until, reason)| {
            Ok(Ban {
                until: until
                    .parse()
                    .map_err(|_| StorageError::Corrupt(format!("banned_until = {until}")))?,
                reason,
            })
        })
        .transpose()
    }

    /// Bans a visitor at a facility before `until` (a local date, exclusive; must be after
    /// today there) for `reason`, replacing an earlier ban there. The visitor's requested
    /// and booked visits at the facility starting before the ban ends are cancelled with the
    /// reason, each with its receipt to the family; all in one transaction with the audit
    /// row. The visits are cancelled by `who`'s user. Returns how many visits were
    /// cancelled.
    pub async fn ban_visitor(
        &self,
        visitor: VisitorId,
        facility: &FacilityCode,
        until: Date,
        reason: &str,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<u32> {
        // The visits are cancelled by the staff member banning (the system, from the CLI).
        let actor = who.user_id.map_or(Actor::System, Actor::Staff);
        let user = who.user_id;
        let reason = jenguk_domain::text::parse_reason(reason)
            .map_err(|_| StorageError::Invalid("reason"))?;
        let now = crate::whole_seconds(now);
        let mut tx = self.begin().await?;
        // Lock order: facility, then visitor, then the visits.
        let f = crate::facilities::lock_facility(&mut tx, facility).await?;
        let tz = f
            .tz()
            .map_err(|e| StorageError::Corrupt(format!("time zone: {e}")))?;
        if until <= now.to_zoned(tz.clone()).date() {
            return Err(StorageError::Invalid("ban_until"));
        }
        lock_visitor(&mut tx, visitor).await?;
        let end = tz
            .to_timestamp(until.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        on_tx!(tx, |c| {
            sqlx::query(
            "INSERT INTO visitor_bans (visitor_id, facility_id, banned_until, reason, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (visitor_id, facility_id) DO UPDATE SET banned_until = $3, reason = $4, created_at = $5, created_by = $6"
        )
        .bind(visitor.0)
        .bind(f.id.0)
        .bind(date_text(until))
        .bind(&reason)
        .bind(secs(now))
        .bind(user.map(|u| u.0))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        let codes: Vec<String> = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "SELECT code FROM visits WHERE visitor_id = $1 AND facility_id = $2 AND status IN ('requested','booked')
             AND start_at > $3 AND start_at < $4 ORDER BY start_at, id"
        )
        .bind(visitor.0)
        .bind(f.id.0)
        .bind(secs(now))
        .bind(secs(end))
        .fetch_all(&mut *c)
        .await
        })?;
        let mut cancelled = 0;
        for code in &codes {
            let code =
                VisitCode::parse(code).map_err(|_| StorageError::Corrupt("visit code".into()))?;
            let current = lock_visit(&mut tx, &code).await?;
            apply_transition(
                &mut tx,
                current,
                VisitAction::Cancel,
                actor,
                Some(reason.clone()),
                who,
                now,
            )
            .await?;
            cancelled += 1;
        }
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(f.id),
                action: "visitor.ban",
                target_type: "visitor",
                target_id: visitor.0.to_string(),
                detail: json!({ "until": date_text(until), "reason": reason, "cancelled": codes }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(cancelled)
    }

    /// Lifts a visitor's ban at a facility (with its audit row). No ban there: not found.
    pub async fn unban_visitor(
        &self,
        visitor: VisitorId,
        facility: &FacilityCode,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let f = crate::facilities::lock_facility(&mut tx, facility).await?;
        lock_visitor(&mut tx, visitor).await?;
        let n = on_tx!(tx, |c| sqlx::query(
            "DELETE FROM visitor_bans WHERE visitor_id = $1 AND facility_id = $2"
        )
        .bind(visitor.0)
        .bind(f.id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StorageError::NotFound("ban"));
        }
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(f.id),
                action: "visitor.unban",
                target_type: "visitor",
                target_id: visitor.0.to_string(),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
