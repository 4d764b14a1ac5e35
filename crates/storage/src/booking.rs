//! The booking transaction, and moving a visit to another slot.

use jenguk_domain::booking::{BookingContext, BookingPolicy};
use jenguk_domain::schedule::find_slot;
use jenguk_domain::visit::VisitAction;
use jenguk_domain::{Visit, VisitCode, VisitId, VisitStatus};
use jiff::Timestamp;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::facilities::lock_facility;
use crate::inmates::lock_inmate;
use crate::schedule::schedule_in_tx;
use crate::visitors::{link_between, lock_visitor};
use crate::visits::{BookingRequest, VisitView, apply_transition, lock_visit, record_event};
use crate::{Db, Result, StorageError, Tx, on_tx, random_bytes, secs};

/// Books inside the caller's transaction, taking the locks in the one order used everywhere
/// (PostgreSQL: facility, inmate, visitor). `now` must be whole seconds.
pub(crate) async fn book_in_tx(
    tx: &mut Tx,
    req: &BookingRequest,
    who: &AuditEvent,
    now: Timestamp,
) -> Result<VisitView> {
    let Checked {
        facility,
        slot,
        inmate,
        visitor,
    } = check(tx, req, now).await?;
    insert(tx, req, who, now, facility, slot, inmate, visitor).await
}

/// What a booking that passed the rules needs to be written.
struct Checked {
    facility: jenguk_domain::Facility,
    slot: jenguk_domain::Slot,
    inmate: jenguk_domain::Inmate,
    visitor: jenguk_domain::Visitor,
}

/// The counts the rules need, in one statement.
#[derive(Default)]
struct Counts {
    slot_booked: u32,
    inmate_overlapping: u32,
    visitor_overlapping: u32,
    inmate_week: u32,
    visitor_week: u32,
}

async fn count_for(
    tx: &mut Tx,
    tz: &jiff::tz::TimeZone,
    s: &jenguk_domain::Slot,
    facility: i64,
    inmate: i64,
    visitor: i64,
) -> Result<Counts> {
    let (wk_start, wk_end) = BookingPolicy::week_bounds(tz, s.start);
    let row: (i64, i64, i64, i64, i64) = on_tx!(tx, |c| {
        sqlx::query_as(concat!(
        "SELECT (SELECT COUNT(*) FROM visits WHERE facility_id = $1 AND start_at = $2 AND kind = $3 AND status IN ",
        active_statuses!(),
        "), (SELECT COUNT(*) FROM visits WHERE inmate_id = $4 AND start_at < $5 AND end_at > $2 AND status IN ",
        active_statuses!(),
        "), (SELECT COUNT(*) FROM visits WHERE visitor_id = $6 AND start_at < $5 AND end_at > $2 AND status IN ",
        active_statuses!(),
        "), (SELECT COUNT(*) FROM visits WHERE inmate_id = $4 AND kind = 'family' AND start_at >= $7 AND start_at < $8 AND status IN ",
        quota_statuses!(),
        "), (SELECT COUNT(*) FROM visits WHERE visitor_id = $6 AND kind = 'family' AND start_at >= $7 AND start_at < $8 AND facility_id = $1 AND status IN ",
        quota_statuses!(),
        ")"
    ))
    .bind(facility)
    .bind(secs(s.start))
    .bind(s.kind.as_str())
    .bind(inmate)
    .bind(secs(s.end))
    .bind(visitor)
    .bind(secs(wk_start))
    .bind(secs(wk_end))
    .fetch_one(&mut *c)
    .await
    })?;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(Counts {
        slot_booked: n(row.0),
        inmate_overlapping: n(row.1),
        visitor_overlapping: n(row.2),
        inmate_week: n(row.3),
        visitor_week: n(row.4),
    })
}

/// Gathers the facts inside `tx` (locking the rows when it is a write transaction) and asks
/// the rules. Every refusal comes back as `StorageError::Refused` with all its reasons.
async fn check(tx: &mut Tx, req: &BookingRequest, now: Timestamp) -> Result<Checked> {
    // Lock order (PostgreSQL): facility, inmate, visitor — the same everywhere.
    let facility = lock_facility(tx, &req.facility).await?;
    let tz = facility
        .tz()
        .map_err(|e| StorageError::Corrupt(format!("time zone: {e}")))?;
    let local_date = req.start.to_zoned(tz.clone()).date();
    let sched = schedule_in_tx(tx, facility.id, local_date, local_date).await?;
    let slot = find_slot(
        &tz,
        &sched.templates,
        &sched.extras,
        &sched.excluded,
        req.start,
        req.kind,
    );
    let inmate = lock_inmate(tx, req.inmate_id).await?;
    let visitor = lock_visitor(tx, req.visitor_id).await?;
    // A ban at this facility counts like a ban everywhere.
    let visitor = crate::bans::with_facility_ban(tx, visitor, facility.id).await?;
    let link = link_between(tx, req.visitor_id, req.inmate_id).await?;

    let counts = match &slot {
        Some(s) => count_for(tx, &tz, s, facility.id.0, inmate.id.0, visitor.id.0).await?,
        None => Counts::default(),
    };
    let ctx = BookingContext {
        now,
        tz: &tz,
        policy: &facility.policy,
        kind: req.kind,
        slot: slot.as_ref(),
        people: req.people,
        slot_booked: counts.slot_booked,
        inmate: &inmate,
        inmate_here: inmate.facility_id == facility.id,
        visitor: &visitor,
        link: link.as_ref(),
        inmate_overlapping: counts.inmate_overlapping,
        visitor_overlapping: counts.visitor_overlapping,
        inmate_week_visits: counts.inmate_week,
        visitor_week_visits: counts.visitor_week,
    };
    BookingPolicy::check(&ctx).map_err(StorageError::Refused)?;
    let Some(slot) = slot else {
        return Err(StorageError::Refused(vec![
            jenguk_domain::Refusal::NoSuchSlot,
        ]));
    };
    Ok(Checked {
        facility,
        slot,
        inmate,
        visitor,
    })
}

/// Writes a checked booking: the visit (with a fresh code), its history, the family's
/// confirmation and the audit row.
#[allow(clippy::too_many_arguments)]
async fn insert(
    tx: &mut Tx,
    req: &BookingRequest,
    who: &AuditEvent,
    now: Timestamp,
    facility: jenguk_domain::Facility,
    slot: jenguk_domain::Slot,
    inmate: jenguk_domain::Inmate,
    visitor: jenguk_domain::Visitor,
) -> Result<VisitView> {
    // 40 random bits: a collision is rare; the unique index catches it and we draw again
    // inside the same transaction (a savepoint keeps the transaction usable on PostgreSQL).
    let mut attempt = 0;
    let (id, code) = loop {
        attempt += 1;
        let code = VisitCode::from_random(random_bytes::<5>()?);
        let inserted: Option<i64> = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO visits (facility_id, code, inmate_id, visitor_id, kind, start_at, end_at, people, status, channel, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $10, $10)
             ON CONFLICT (code) DO NOTHING RETURNING id"
        )
        .bind(facility.id.0)
        .bind(code.as_str())
        .bind(inmate.id.0)
        .bind(visitor.id.0)
        .bind(req.kind.as_str())
        .bind(secs(slot.start))
        .bind(secs(slot.end))
        .bind(i64::from(req.people))
        .bind(req.channel.as_str())
        .bind(secs(now))
        .fetch_optional(&mut *c)
        .await
        })?;
        match inserted {
            Some(id) => break (VisitId(id), code),
            None if attempt < 5 => continue,
            None => return Err(StorageError::Internal("no free visit code".into())),
        }
    };
    record_event(tx, id, now, None, VisitStatus::Booked, req.actor, None).await?;
    crate::notices::visit_booked(tx, id, now).await?;
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: Some(facility.id),
            action: "visit.book",
            target_type: "visit",
            target_id: id.0.to_string(),
            detail: json!({
                "start": slot.start.to_string(),
                "kind": req.kind.as_str(),
                "inmate_id": inmate.id.0,
                "visitor_id": visitor.id.0,
                "channel": req.channel.as_str(),
            }),
        },
    )
    .await?;
    Ok(VisitView {
        visit: Visit {
            id,
            facility_id: facility.id,
            code: Some(code.clone()),
            inmate_id: inmate.id,
            visitor_id: visitor.id,
            kind: req.kind,
            start: slot.start,
            end: slot.end,
            booth_id: None,
            people: req.people,
            status: VisitStatus::Booked,
            status_reason: None,
            created_at: now,
        },
        code,
        facility_code: facility.code.as_str().to_string(),
        time_zone: facility.time_zone.clone(),
    })
}

impl Db {
    /// Books a visit. Everything is decided and written in one transaction holding the locks
    /// that make the rules hold under concurrency; a returned visit is committed (durable).
    pub async fn book(
        &self,
        req: &BookingRequest,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<VisitView> {
        // Stored instants are whole seconds: return what a later read returns.
        let now = crate::whole_seconds(now);
        // Most requests in a rush are refused. Decide those on a snapshot, without taking
        // the write lock: adding bookings only makes the rules stricter, so a refusal seen
        // on a snapshot stands (at worst a place freed a moment ago is missed).
        let mut snapshot = self.begin_read().await?;
        check(&mut snapshot, req, now).await?;
        drop(snapshot);
        let mut tx = self.begin().await?;
        let v = book_in_tx(&mut tx, req, who, now).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Moves a visit to another slot in one transaction: the new booking is checked by the
    /// same rules (the old visit's place, time and quota are given back first) and, if it is
    /// refused, the old visit stays as it was. The old visit ends `cancelled` with the reason
    /// "moved", and the family receives both receipts.
    pub async fn move_visit(
        &self,
        code: &VisitCode,
        new_start: Timestamp,
        actor: jenguk_domain::visit::Actor,
        channel: crate::visits::Channel,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<VisitView> {
        let now = crate::whole_seconds(now);
        let current = self.visit_by_code(code).await?;
        let facility = self.facility_by_id(current.visit.facility_id).await?;
        let mut tx = self.begin().await?;
        // Same lock order as a booking: the facility first.
        lock_facility(&mut tx, &facility.code).await?;
        let current = lock_visit(&mut tx, code).await?;
        let req = BookingRequest {
            facility: facility.code.clone(),
            start: new_start,
            kind: current.visit.kind,
            inmate_id: current.visit.inmate_id,
            visitor_id: current.visit.visitor_id,
            people: current.visit.people,
            channel,
            actor,
        };
        if current.visit.start == new_start {
            return Err(StorageError::Invalid("same_slot"));
        }
        apply_transition(
            &mut tx,
            current,
            VisitAction::Cancel,
            actor,
            Some("moved".to_string()),
            who,
            now,
        )
        .await?;
        let v = book_in_tx(&mut tx, &req, who, now).await?;
        tx.commit().await?;
        Ok(v)
    }
}
