//! What happens to an inmate's visits and links when they move: a transfer to another
//! facility, a release, a suspension of visits. Each is one transaction: the inmate's row,
//! every future visit cancelled with a receipt to its family (through the visit state
//! machine, so history, outbox and audit are the same as any cancellation), the links, and
//! the audit rows.

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{FacilityId, Inmate, InmateId, VisitCode};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::error::unique_as;
use crate::inmates::lock_inmate;
use crate::row::{RowExt, date_text};
use crate::{Db, Result, StorageError, Tx, on_tx, secs};

/// What a move did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MoveReport {
    /// Future visits cancelled (each family told).
    pub cancelled: u64,
    /// Links affected: kept (transfer) or closed (release).
    pub links: u64,
}

fn actor(who: &AuditEvent) -> Actor {
    who.user_id.map_or(Actor::System, Actor::Staff)
}

/// Cancels the inmate's visits at `facility` that have not started by `now` (and start
/// before `before`, if given), each with its receipt; returns how many.
async fn cancel_future(
    tx: &mut Tx,
    inmate: &Inmate,
    before: Option<Timestamp>,
    reason: &str,
    who: &AuditEvent,
    now: Timestamp,
) -> Result<u64> {
    let codes: Vec<String> = on_tx!(tx, |c| {
        sqlx::query_scalar(
            "SELECT code FROM visits WHERE inmate_id = $1 AND facility_id = $2 AND start_at > $3
             AND ($4 IS NULL OR start_at < $4) AND status IN ('requested','booked','checked_in')
             ORDER BY start_at, id",
        )
        .bind(inmate.id.0)
        .bind(inmate.facility_id.0)
        .bind(secs(now))
        .bind(before.map(secs))
        .fetch_all(&mut *c)
        .await
    })?;
    for code in &codes {
        let code = VisitCode::parse(code).map_err(|_| StorageError::Corrupt(code.clone()))?;
        let v = crate::visits::lock_visit(tx, &code).await?;
        crate::visits::apply_transition(
            tx,
            v,
            VisitAction::Cancel,
            actor(who),
            Some(reason.to_string()),
            who,
            now,
        )
        .await?;
    }
    Ok(codes.len() as u64)
}

fn clean_reason(r: &str) -> Result<String> {
    jenguk_domain::text::parse_reason(r).map_err(|_| StorageError::Invalid("reason"))
}

impl Db {
    /// Moves a held inmate to another facility: future visits at the old facility are
    /// cancelled ("dipindahkan") and the families told; links stay as they are (a link
    /// belongs to the inmate, so approved links now book at the new facility); audited at
    /// both facilities.
    pub async fn transfer_inmate(
        &self,
        id: InmateId,
        to: FacilityId,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<MoveReport> {
        let mut tx = self.begin().await?;
        let inmate = lock_inmate(&mut tx, id).await?;
        if inmate.released {
            return Err(StorageError::Invalid("inmate_released"));
        }
        if inmate.facility_id == to {
            return Err(StorageError::Invalid("same_facility"));
        }
        let target: Option<String> = on_tx!(tx, |c| sqlx::query_scalar(
            "SELECT name FROM facilities WHERE id = $1"
        )
        .bind(to.0)
        .fetch_optional(&mut *c)
        .await)?;
        let target = target.ok_or(StorageError::NotFound("facility"))?;
        let reason = clean_reason(&format!("dipindahkan ke {target}"))?;
        let cancelled = cancel_future(&mut tx, &inmate, None, &reason, who, now).await?;
        on_tx!(tx, |c| sqlx::query(
            "UPDATE inmates SET facility_id = $1, updated_at = $2 WHERE id = $3"
        )
        .bind(to.0)
        .bind(secs(now))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map_err(unique_as("reg_number_taken"))
        .map(|r| r.rows_affected()))?;
        let links: i64 = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "SELECT COUNT(*) FROM visitor_links WHERE inmate_id = $1 AND status IN ('approved','pending')"
        )
        .bind(id.0)
        .fetch_one(&mut *c)
        .await
        })?;
        let detail = json!({
            "from": inmate.facility_id.0, "to": to.0, "reg_number": inmate.reg_number.as_str(),
            "visits_cancelled": cancelled, "links_kept": links,
        });
        for (facility, action) in [
            (inmate.facility_id, "inmate.transfer_out"),
            (to, "inmate.transfer_in"),
        ] {
            audit::write(
                &mut tx,
                who,
                now,
                Audit {
                    facility_id: Some(facility),
                    action,
                    target_type: "inmate",
                    target_id: id.0.to_string(),
                    detail: detail.clone(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(MoveReport {
            cancelled,
            links: u64::try_from(links).unwrap_or(0),
        })
    }

    /// Releases an inmate: future visits cancelled ("dibebaskan") and the families told,
    /// pending and approved links revoked, the inmate marked released.
    pub async fn release_inmate(
        &self,
        id: InmateId,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<MoveReport> {
        let mut tx = self.begin().await?;
        let inmate = lock_inmate(&mut tx, id).await?;
        if inmate.released {
            return Err(StorageError::Invalid("inmate_released"));
        }
        let cancelled = cancel_future(&mut tx, &inmate, None, "dibebaskan", who, now).await?;
        let links = on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE visitor_links SET status = 'revoked', reason = 'dibebaskan', decided_at = $1, decided_by = $2
             WHERE inmate_id = $3 AND status IN ('approved','pending')"
        )
        .bind(secs(now))
        .bind(who.user_id.map(|u| u.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE inmates SET released = $1, visits_suspended_until = NULL, suspension_reason = NULL, updated_at = $2 WHERE id = $3"
        )
        .bind(true)
        .bind(secs(now))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(inmate.facility_id),
                action: "inmate.release",
                target_type: "inmate",
                target_id: id.0.to_string(),
                detail: json!({ "visits_cancelled": cancelled, "links_revoked": links }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(MoveReport { cancelled, links })
    }

    /// Suspends an inmate's visits until a local date (exclusive) with a reason: the
    /// visits not yet started that fall before it are cancelled with the reason and the
    /// families told (the booking rules already refuse new ones in the suspension).
    pub async fn suspend_inmate(
        &self,
        id: InmateId,
        until: Date,
        reason: &str,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<MoveReport> {
        let reason = clean_reason(reason)?;
        let mut tx = self.begin().await?;
        let inmate = lock_inmate(&mut tx, id).await?;
        if inmate.released {
            return Err(StorageError::Invalid("inmate_released"));
        }
        let zone: String = on_tx!(tx, |c| sqlx::query_scalar(
            "SELECT time_zone FROM facilities WHERE id = $1"
        )
        .bind(inmate.facility_id.0)
        .fetch_one(&mut *c)
        .await)?;
        let tz =
            jiff::tz::TimeZone::get(&zone).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let end = until
            .to_zoned(tz)
            .map_err(|e| StorageError::Corrupt(e.to_string()))?
            .timestamp();
        if end <= now {
            return Err(StorageError::Invalid("suspension_in_past"));
        }
        let cancelled = cancel_future(&mut tx, &inmate, Some(end), &reason, who, now).await?;
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE inmates SET visits_suspended_until = $1, suspension_reason = $2, updated_at = $3 WHERE id = $4"
        )
        .bind(date_text(until))
        .bind(&reason)
        .bind(secs(now))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(inmate.facility_id),
                action: "inmate.suspend",
                target_type: "inmate",
                target_id: id.0.to_string(),
                detail: json!({ "until": date_text(until), "reason": reason, "visits_cancelled": cancelled }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(MoveReport {
            cancelled,
            links: 0,
        })
    }
}

/// One of an inmate's links as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InmateLink {
    /// The link's id.
    pub id: i64,
    /// The visitor's name.
    pub visitor_name: String,
    /// Relationship (stable name).
    pub relationship: String,
    /// Status (stable name).
    pub status: String,
}

impl Db {
    /// An inmate's links with the visitors' names, newest first.
    pub async fn inmate_links(&self, id: InmateId) -> Result<Vec<InmateLink>> {
        crate::on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT l.id, l.relationship, l.status, v.name FROM visitor_links l JOIN visitors v ON v.id = l.visitor_id
                 WHERE l.inmate_id = $1 ORDER BY l.id DESC LIMIT 200",
            )
            .bind(id.0)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(InmateLink {
                        id: r.i64("id")?,
                        visitor_name: r.string("name")?,
                        relationship: r.string("relationship")?,
                        status: r.string("status")?,
                    })
                })
                .collect()
        })
    }
}
