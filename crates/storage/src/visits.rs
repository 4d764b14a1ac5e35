//! Visits: the booking transaction and the state changes after it.

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{
    BoothId, FacilityCode, FacilityId, InmateId, Visit, VisitCode, VisitId, VisitKind, VisitStatus,
    VisitorId,
};
use jiff::Timestamp;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::row::RowExt;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// How a booking reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The family's web portal.
    Web,
    /// The WhatsApp chat.
    Whatsapp,
    /// Staff on behalf of a family (phone, walk-in), or the staff API.
    Staff,
}

impl Channel {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Whatsapp => "whatsapp",
            Channel::Staff => "staff",
        }
    }
}

/// A booking to make.
#[derive(Debug, Clone)]
pub struct BookingRequest {
    /// The facility.
    pub facility: FacilityCode,
    /// The slot's start.
    pub start: Timestamp,
    /// Family or legal.
    pub kind: VisitKind,
    /// The inmate.
    pub inmate_id: InmateId,
    /// The booking visitor.
    pub visitor_id: VisitorId,
    /// People in the visit, the visitor included.
    pub people: u16,
    /// How it reached us.
    pub channel: Channel,
    /// Who books.
    pub actor: Actor,
}

/// A visit with what a reader needs around it.
#[derive(Debug, Clone)]
pub struct VisitView {
    /// The visit (with its code).
    pub visit: Visit,
    /// The code (also in `visit.code`).
    pub code: VisitCode,
    /// The facility's code.
    pub facility_code: String,
    /// The facility's zone.
    pub time_zone: String,
}

/// One change in a visit's history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VisitEventRow {
    /// When.
    pub at: Timestamp,
    /// Status before (none for the booking itself).
    pub from_status: Option<String>,
    /// Status after.
    pub to_status: String,
    /// `family`, `staff` or `system`.
    pub actor_type: String,
    /// The visitor's or user's id.
    pub actor_id: Option<i64>,
    /// Why.
    pub reason: Option<String>,
}

macro_rules! select_visit {
    ($tail:literal) => {
        concat!(
            "SELECT v.id, v.facility_id, v.code, v.inmate_id, v.visitor_id, v.kind, v.start_at, ",
            "v.end_at, v.booth_id, v.people, v.status, v.status_reason, v.created_at, ",
            "f.code AS facility_code, f.time_zone FROM visits v JOIN facilities f ON f.id = v.facility_id ",
            $tail
        )
    };
}

fn view(r: &impl RowExt) -> Result<VisitView> {
    let code_s = r.string("code")?;
    let code = VisitCode::parse(&code_s).map_err(|_| StorageError::Corrupt("visit code".into()))?;
    let kind = r.string("kind")?;
    let status = r.string("status")?;
    let visit = Visit {
        id: VisitId(r.i64("id")?),
        facility_id: FacilityId(r.i64("facility_id")?),
        code: Some(code.clone()),
        inmate_id: InmateId(r.i64("inmate_id")?),
        visitor_id: VisitorId(r.i64("visitor_id")?),
        kind: VisitKind::parse(&kind).ok_or(StorageError::Corrupt(kind))?,
        start: r.timestamp("start_at")?,
        end: r.timestamp("end_at")?,
        booth_id: r.opt_i64("booth_id")?.map(BoothId),
        people: r.u16("people")?,
        status: VisitStatus::parse(&status).ok_or(StorageError::Corrupt(status))?,
        status_reason: r.opt_string("status_reason")?,
        created_at: r.timestamp("created_at")?,
    };
    Ok(VisitView {
        visit,
        code,
        facility_code: r.string("facility_code")?,
        time_zone: r.string("time_zone")?,
    })
}

fn actor_parts(a: Actor) -> (&'static str, Option<i64>) {
    match a {
        Actor::Family(v) => ("family", Some(v.0)),
        Actor::Staff(u) => ("staff", Some(u.0)),
        Actor::System => ("system", None),
    }
}

pub(crate) async fn record_event(
    tx: &mut Tx,
    visit: VisitId,
    at: Timestamp,
    from: Option<VisitStatus>,
    to: VisitStatus,
    actor: Actor,
    reason: Option<&str>,
) -> Result<i64> {
    let (atype, aid) = actor_parts(actor);
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO visit_events (visit_id, at, from_status, to_status, actor_type, actor_id, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(visit.0)
    .bind(secs(at))
    .bind(from.map(VisitStatus::as_str))
    .bind(to.as_str())
    .bind(atype)
    .bind(aid)
    .bind(reason)
    .fetch_one(&mut *c)
    .await
    })?;
    Ok(id)
}

/// Moves a loaded (and, on PostgreSQL, locked) visit through the state machine inside the
/// caller's transaction: the row, its history, the family's receipt and the audit row.
pub(crate) async fn apply_transition(
    tx: &mut Tx,
    current: VisitView,
    action: VisitAction,
    actor: Actor,
    reason: Option<String>,
    who: &AuditEvent,
    now: Timestamp,
) -> Result<VisitView> {
    let from = current.visit.status;
    let to = from.apply(action)?;
    if action == VisitAction::Cancel && now >= current.visit.start {
        return Err(StorageError::Invalid("visit_started"));
    }
    if matches!(
        action,
        VisitAction::CheckIn | VisitAction::Start | VisitAction::Record(_)
    ) && now
        < current
            .visit
            .start
            .saturating_sub(jiff::SignedDuration::from_mins(30))
            .unwrap_or(current.visit.start)
    {
        return Err(StorageError::Invalid("too_early"));
    }
    on_tx!(tx, |c| sqlx::query(
        "UPDATE visits SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4"
    )
    .bind(to.as_str())
    .bind(reason.as_deref())
    .bind(secs(now))
    .bind(current.visit.id.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let event_id = record_event(
        tx,
        current.visit.id,
        now,
        Some(from),
        to,
        actor,
        reason.as_deref(),
    )
    .await?;
    let change = crate::notices::StatusChange {
        visit_id: current.visit.id,
        event_id,
        from,
        to,
        actor,
        reason: reason.as_deref(),
    };
    crate::notices::visit_status(tx, &change, now).await?;
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: Some(current.visit.facility_id),
            action: "visit.status",
            target_type: "visit",
            target_id: current.visit.id.0.to_string(),
            detail: json!({ "from": from.as_str(), "to": to.as_str(), "reason": reason }),
        },
    )
    .await?;
    let mut v = current;
    v.visit.status = to;
    v.visit.status_reason = reason;
    Ok(v)
}

/// Loads a visit by code inside a transaction, locked on PostgreSQL.
pub(crate) async fn lock_visit(tx: &mut Tx, code: &VisitCode) -> Result<VisitView> {
    let sql = if tx.row_locks() {
        select_visit!("WHERE v.code = $1 FOR NO KEY UPDATE OF v")
    } else {
        select_visit!("WHERE v.code = $1")
    };
    on_tx!(tx, |c| {
        let row = sqlx::query(sql)
            .bind(code.as_str())
            .fetch_optional(&mut *c)
            .await?;
        row.map(|r| view(&r))
            .transpose()?
            .ok_or(StorageError::NotFound("visit"))
    })
}

impl Db {
    /// A visit by its code.
    pub async fn visit_by_code(&self, code: &VisitCode) -> Result<VisitView> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_visit!("WHERE v.code = $1"))
                .bind(code.as_str())
                .fetch_optional(p)
                .await?;
            row.map(|r| view(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("visit"))
        })
    }

    /// A visit by id.
    pub async fn visit_by_id(&self, id: VisitId) -> Result<VisitView> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_visit!("WHERE v.id = $1"))
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            row.map(|r| view(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("visit"))
        })
    }

    /// A visitor's visits ending after `from`, by start (the family's "my visits").
    pub async fn visits_of_visitor(
        &self,
        visitor: VisitorId,
        from: Timestamp,
    ) -> Result<Vec<VisitView>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_visit!(
                "WHERE v.visitor_id = $1 AND v.end_at > $2 ORDER BY v.start_at, v.id LIMIT 200"
            ))
            .bind(visitor.0)
            .bind(secs(from))
            .fetch_all(p)
            .await?;
            rows.iter().map(view).collect()
        })
    }

    /// An inmate's visits ending after `from`, by start (to offer only slots the inmate can
    /// take).
    pub async fn visits_of_inmate(
        &self,
        inmate: InmateId,
        from: Timestamp,
    ) -> Result<Vec<VisitView>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_visit!(
                "WHERE v.inmate_id = $1 AND v.end_at > $2 ORDER BY v.start_at, v.id LIMIT 500"
            ))
            .bind(inmate.0)
            .bind(secs(from))
            .fetch_all(p)
            .await?;
            rows.iter().map(view).collect()
        })
    }

    /// A facility's visits starting in `[from, to)`, by start.
    pub async fn visits_between(
        &self,
        facility: FacilityId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<VisitView>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_visit!(
                "WHERE v.facility_id = $1 AND v.start_at >= $2 AND v.start_at < $3 ORDER BY v.start_at, v.id"
            ))
            .bind(facility.0)
            .bind(secs(from))
            .bind(secs(to))
            .fetch_all(p)
            .await?;
            rows.iter().map(view).collect()
        })
    }

    /// Changes a visit's status through the state machine, recording who and why. A
    /// cancellation is only possible before the visit starts; a termination needs a reason.
    pub async fn transition_visit(
        &self,
        code: &VisitCode,
        action: VisitAction,
        actor: Actor,
        reason: Option<&str>,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<VisitView> {
        let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => Some(
                jenguk_domain::text::parse_reason(r)
                    .map_err(|_| StorageError::Invalid("reason"))?,
            ),
            None => None,
        };
        let needs_reason = matches!(
            action,
            VisitAction::Reject | VisitAction::Record(jenguk_domain::Outcome::Terminated)
        );
        if needs_reason && reason.is_none() {
            return Err(StorageError::Invalid("reason_required"));
        }
        let mut tx = self.begin().await?;
        let current = lock_visit(&mut tx, code).await?;
        let v = apply_transition(&mut tx, current, action, actor, reason, who, now).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// A visit's history, oldest first.
    pub async fn visit_events(&self, id: VisitId) -> Result<Vec<VisitEventRow>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT at, from_status, to_status, actor_type, actor_id, reason FROM visit_events WHERE visit_id = $1 ORDER BY id",
            )
            .bind(id.0)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(VisitEventRow {
                        at: r.timestamp("at")?,
                        from_status: r.opt_string("from_status")?,
                        to_status: r.string("to_status")?,
                        actor_type: r.string("actor_type")?,
                        actor_id: r.opt_i64("actor_id")?,
                        reason: r.opt_string("reason")?,
                    })
                })
                .collect()
        })
    }

    /// Slots holding more active visits than their capacity (must always be empty): for the
    /// benchmark's and the tests' overbooking check. Returns (facility, start, kind, count).
    pub async fn overbooked_slots(&self) -> Result<Vec<(FacilityId, Timestamp, VisitKind, u32)>> {
        let rows: Vec<(i64, i64, String, i64)> = on_pool!(self, |p| {
            let rows = sqlx::query(concat!(
                "SELECT facility_id, start_at, kind, COUNT(*) AS n FROM visits WHERE status IN ",
                active_statuses!(),
                " GROUP BY facility_id, start_at, kind"
            ))
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.i64("facility_id")?,
                        r.i64("start_at")?,
                        r.string("kind")?,
                        r.i64("n")?,
                    ))
                })
                .collect::<Result<_>>()
        })?;
        let mut out = Vec::new();
        for (fid, start, kind, n) in rows {
            let facility = self.facility_by_id(FacilityId(fid)).await?;
            let start =
                Timestamp::from_second(start).map_err(|e| StorageError::Corrupt(e.to_string()))?;
            let kind = VisitKind::parse(&kind).ok_or(StorageError::Corrupt(kind))?;
            let tz = facility
                .tz()
                .map_err(|e| StorageError::Corrupt(e.to_string()))?;
            let date = start.to_zoned(tz).date();
            let cap = self
                .slots(&facility, date, date)
                .await?
                .into_iter()
                .find(|s| s.slot.start == start && s.slot.kind == kind)
                .map_or(0, |s| u32::from(s.slot.capacity));
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            if n > cap {
                out.push((FacilityId(fid), start, kind, n));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_lists_agree_with_the_domain() {
        assert_eq!(active_statuses!(), jenguk_domain::VisitStatus::ACTIVE_SQL);
        assert_eq!(quota_statuses!(), jenguk_domain::VisitStatus::QUOTA_SQL);
    }
}
