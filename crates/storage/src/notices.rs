//! What families are told, enqueued in the same transaction as the change: booking
//! confirmations, a receipt for every status change of a visit (what, when, by whom), link
//! decisions and reminders. And the scans the worker runs: reminders due, no-shows.

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{Outcome, PhoneNumber, VisitId, VisitStatus};
use jiff::Timestamp;
use serde_json::json;

use crate::audit::AuditEvent;
use crate::outbox::{MessageKind, NewMessage, enqueue};
use crate::row::RowExt;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// One status change of a visit, for its receipt.
pub(crate) struct StatusChange<'a> {
    pub visit_id: VisitId,
    pub event_id: i64,
    pub from: VisitStatus,
    pub to: VisitStatus,
    pub actor: Actor,
    pub reason: Option<&'a str>,
}

/// What every visit message carries, read inside the transaction.
struct VisitFacts {
    facility_id: jenguk_domain::FacilityId,
    recipient: PhoneNumber,
    lang: String,
    params: serde_json::Value,
}

async fn visit_facts(tx: &mut Tx, id: VisitId) -> Result<VisitFacts> {
    let row = on_tx!(tx, |c| {
        let r = sqlx::query(
            "SELECT v.id, v.code, v.kind, v.start_at, v.end_at, v.facility_id, f.name AS facility_name, f.code AS facility_code,
                    f.time_zone, i.name AS inmate_name, vi.phone, vi.lang
             FROM visits v JOIN facilities f ON f.id = v.facility_id JOIN inmates i ON i.id = v.inmate_id
             JOIN visitors vi ON vi.id = v.visitor_id WHERE v.id = $1",
        )
        .bind(id.0)
        .fetch_one(&mut *c)
        .await?;
        let tz = r.string("time_zone")?;
        let zone =
            jiff::tz::TimeZone::get(&tz).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let local = |col: &str| -> Result<String> {
            Ok(r.timestamp(col)?
                .to_zoned(zone.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string())
        };
        let code = jenguk_domain::VisitCode::parse(&r.string("code")?)
            .map_err(|_| StorageError::Corrupt("visit code".into()))?;
        let phone = r.string("phone")?;
        Ok::<_, StorageError>(VisitFacts {
            facility_id: jenguk_domain::FacilityId(r.i64("facility_id")?),
            recipient: PhoneNumber::parse(&phone).map_err(|_| StorageError::Corrupt(phone))?,
            lang: r.string("lang")?,
            params: json!({
                "visit_id": r.i64("id")?,
                "code": code.to_string(),
                "kind": r.string("kind")?,
                "facility": r.string("facility_name")?,
                "facility_code": r.string("facility_code")?,
                "inmate": r.string("inmate_name")?,
                "start": local("start_at")?,
                "end": local("end_at")?,
                "zone": jenguk_domain::facility::zone_abbreviation(&tz),
                "time_zone": tz,
            }),
        })
    })?;
    Ok(row)
}

/// The booking confirmation, with the code.
pub(crate) async fn visit_booked(tx: &mut Tx, id: VisitId, now: Timestamp) -> Result<()> {
    let f = visit_facts(tx, id).await?;
    enqueue(
        tx,
        now,
        &NewMessage {
            key: format!("visit:{}:booked", id.0),
            facility_id: Some(f.facility_id),
            recipient: f.recipient,
            kind: MessageKind::VisitBooked,
            lang: f.lang,
            params: f.params,
        },
    )
    .await?;
    Ok(())
}

/// The receipt of a status change: what changed, when, by whom (the family, the facility,
/// or the system), and why.
pub(crate) async fn visit_status(tx: &mut Tx, ch: &StatusChange<'_>, now: Timestamp) -> Result<()> {
    let f = visit_facts(tx, ch.visit_id).await?;
    let mut params = f.params;
    let by = match ch.actor {
        Actor::Family(_) => "family",
        Actor::Staff(_) => "facility",
        Actor::System => "system",
    };
    let tz = jiff::tz::TimeZone::get(match params["zone"].as_str() {
        Some("WITA") => "Asia/Makassar",
        Some("WIT") => "Asia/Jayapura",
        _ => "Asia/Jakarta",
    })
    .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    params["from"] = json!(ch.from.as_str());
    params["to"] = json!(ch.to.as_str());
    params["by"] = json!(by);
    params["reason"] = json!(ch.reason);
    params["at"] = json!(
        now.to_zoned(tz)
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    );
    enqueue(
        tx,
        now,
        &NewMessage {
            key: format!("visit:{}:event:{}", ch.visit_id.0, ch.event_id),
            facility_id: Some(f.facility_id),
            recipient: f.recipient,
            kind: MessageKind::VisitStatus,
            lang: f.lang,
            params,
        },
    )
    .await?;
    Ok(())
}

/// A link decision, to the visitor.
pub(crate) async fn link_decided(
    tx: &mut Tx,
    link_id: i64,
    approved: bool,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    let (recipient, lang, facility_id, params) = on_tx!(tx, |c| {
        let r = sqlx::query(
            "SELECT vi.phone, vi.lang, i.facility_id, i.name AS inmate_name, f.name AS facility_name
             FROM visitor_links l JOIN visitors vi ON vi.id = l.visitor_id JOIN inmates i ON i.id = l.inmate_id
             JOIN facilities f ON f.id = i.facility_id WHERE l.id = $1",
        )
        .bind(link_id)
        .fetch_one(&mut *c)
        .await?;
        let phone = r.string("phone")?;
        Ok::<_, StorageError>((
            PhoneNumber::parse(&phone).map_err(|_| StorageError::Corrupt(phone))?,
            r.string("lang")?,
            jenguk_domain::FacilityId(r.i64("facility_id")?),
            json!({
                "inmate": r.string("inmate_name")?,
                "facility": r.string("facility_name")?,
                "reason": reason,
            }),
        ))
    })?;
    enqueue(
        tx,
        now,
        &NewMessage {
            key: format!(
                "link:{link_id}:{}:{}",
                if approved { "approved" } else { "rejected" },
                secs(now)
            ),
            facility_id: Some(facility_id),
            recipient,
            kind: if approved {
                MessageKind::LinkApproved
            } else {
                MessageKind::LinkRejected
            },
            lang,
            params,
        },
    )
    .await?;
    Ok(())
}

impl Db {
    /// Enqueues the reminders that are due: for each booked visit, one per
    /// `reminder_minutes` of its facility, once the time has come and before the visit
    /// starts (skipping reminders whose time was already past when it was booked). Safe to
    /// run from every instance at once: each reminder has one key. Returns how many were new.
    pub async fn enqueue_due_reminders(&self, now: Timestamp) -> Result<u32> {
        let candidates: Vec<(i64, i64, i64, String)> = on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT v.id, v.start_at, v.created_at, f.reminder_minutes FROM visits v JOIN facilities f ON f.id = v.facility_id
                 WHERE v.status IN ('booked','checked_in') AND v.start_at > $1 AND v.start_at <= $2",
            )
            .bind(secs(now))
            .bind(secs(now) + 8 * 24 * 3600)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.i64("id")?,
                        r.i64("start_at")?,
                        r.i64("created_at")?,
                        r.string("reminder_minutes")?,
                    ))
                })
                .collect::<Result<_>>()
        })?;
        let mut new = 0;
        for (id, start, created, minutes) in candidates {
            for m in minutes
                .split(',')
                .filter_map(|m| m.trim().parse::<i64>().ok())
            {
                let at = start - m * 60;
                if at > secs(now) || at < created {
                    continue;
                }
                let mut tx = self.begin().await?;
                let f = visit_facts(&mut tx, VisitId(id)).await?;
                let mut params = f.params;
                params["minutes"] = json!(m);
                if enqueue(
                    &mut tx,
                    now,
                    &NewMessage {
                        key: format!("visit:{id}:reminder:{m}"),
                        facility_id: Some(f.facility_id),
                        recipient: f.recipient,
                        kind: MessageKind::Reminder,
                        lang: f.lang,
                        params,
                    },
                )
                .await?
                {
                    new += 1;
                }
                tx.commit().await?;
            }
        }
        Ok(new)
    }

    /// Rejects visit requests the facility did not confirm in time: older than
    /// `max_age_secs`, or whose slot has begun (by the system, with a receipt, giving the
    /// place back). Returns how many.
    pub async fn expire_requests(&self, now: Timestamp, max_age_secs: i64) -> Result<u32> {
        let codes: Vec<String> = on_pool!(self, |p| {
            sqlx::query_scalar(
            "SELECT code FROM visits WHERE status = 'requested' AND (created_at <= $1 OR start_at <= $2) ORDER BY id LIMIT 500"
        )
        .bind(secs(now) - max_age_secs)
        .bind(secs(now))
        .fetch_all(p)
        .await
        })?;
        let mut n = 0;
        for code in codes {
            let Ok(code) = jenguk_domain::VisitCode::parse(&code) else {
                continue;
            };
            match self
                .transition_visit(
                    &code,
                    VisitAction::Reject,
                    Actor::System,
                    Some("not confirmed in time"),
                    &AuditEvent::default(),
                    now,
                )
                .await
            {
                Ok(_) => n += 1,
                Err(StorageError::Transition(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    /// Marks booked visits whose slot is over as no-shows (by the system, with a receipt).
    /// Returns how many.
    pub async fn mark_no_shows(&self, now: Timestamp) -> Result<u32> {
        let codes: Vec<String> = on_pool!(self, |p| {
            sqlx::query_scalar(
            "SELECT code FROM visits WHERE status = 'booked' AND end_at <= $1 ORDER BY end_at LIMIT 500"
        )
        .bind(secs(now))
        .fetch_all(p)
        .await
        })?;
        let mut n = 0;
        for code in codes {
            let Ok(code) = jenguk_domain::VisitCode::parse(&code) else {
                continue;
            };
            match self
                .transition_visit(
                    &code,
                    VisitAction::Record(Outcome::NoShow),
                    Actor::System,
                    None,
                    &AuditEvent::default(),
                    now,
                )
                .await
            {
                Ok(_) => n += 1,
                // Another instance (or an operator) got there first.
                Err(StorageError::Transition(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }
}
