//! The day board: booths given to the day's visits, the day's visits with their people and
//! booths, and extending a visit while its booth's next slot is free.
//!
//! A visit is booked without a booth (`visits.booth_id` is NULL). [`Db::assign_booths`] gives
//! each active visit of a window the lowest-numbered active booth that no overlapping visit
//! holds; the board calls it when it loads, the booth kiosks may call it too. A visit's booked
//! slot (`start_at`–`end_at`) never changes: an extension is kept in `visits.extra_minutes`,
//! and the call and its booth are held until `end_at + extra_minutes` ([`Db::visit_call_end`]).

use jenguk_domain::extension::{self, ExtensionError};
use jenguk_domain::{
    Booth, BoothId, FacilityId, InmateId, Visit, VisitCode, VisitId, VisitKind, VisitStatus,
    VisitorId,
};
use jiff::Timestamp;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::row::RowExt;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// Statuses that hold a booth: the visitor is expected, there, or in the call.
macro_rules! booth_statuses {
    () => {
        "('booked','checked_in','in_call')"
    };
}

/// One visit as the day board shows it.
#[derive(Debug, Clone)]
pub struct BoardVisit {
    /// The visit (with its code and booth).
    pub visit: Visit,
    /// Its code.
    pub code: VisitCode,
    /// The inmate's name.
    pub inmate_name: String,
    /// The booking visitor's name.
    pub visitor_name: String,
    /// The booth's name, once assigned.
    pub booth_name: Option<String>,
    /// Minutes the call was extended by.
    pub extra_minutes: u16,
}

impl BoardVisit {
    /// When the call really ends: the booked end plus the extension.
    pub fn call_end(&self) -> Timestamp {
        extension::call_end(self.visit.end, self.extra_minutes)
    }
}

/// What asking for an extension came to.
#[derive(Debug, Clone)]
pub enum Extension {
    /// Extended: the visit's extra minutes in all, and when its call now ends.
    Extended {
        /// Extra minutes in all.
        extra_minutes: u16,
        /// The new end of the call.
        until: Timestamp,
    },
    /// Refused: another visit holds the booth in the extended time (nothing written).
    Collides(Box<BoardVisit>),
}

/// The order of booths on the board and for assignment: by the number in their name
/// ("Bilik 2" before "Bilik 10"), then by name, then by id.
pub fn booth_order(b: &Booth) -> (u64, String, i64) {
    let digits: String = b
        .name
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (digits.parse().unwrap_or(u64::MAX), b.name.clone(), b.id.0)
}

macro_rules! select_board {
    ($($tail:expr),+ $(,)?) => {
        concat!(
            "SELECT v.id, v.facility_id, v.code, v.inmate_id, v.visitor_id, v.kind, v.start_at, ",
            "v.end_at, v.booth_id, v.people, v.status, v.status_reason, v.created_at, v.extra_minutes, ",
            "i.name AS inmate_name, p.name AS visitor_name, b.name AS booth_name ",
            "FROM visits v JOIN inmates i ON i.id = v.inmate_id JOIN visitors p ON p.id = v.visitor_id ",
            "LEFT JOIN booths b ON b.id = v.booth_id ",
            $($tail),+
        )
    };
}

fn board_visit(r: &impl RowExt) -> Result<BoardVisit> {
    let code_s = r.string("code")?;
    let code = VisitCode::parse(&code_s).map_err(|_| StorageError::Corrupt("visit code".into()))?;
    let kind = r.string("kind")?;
    let status = r.string("status")?;
    Ok(BoardVisit {
        visit: Visit {
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
        },
        code,
        inmate_name: r.string("inmate_name")?,
        visitor_name: r.string("visitor_name")?,
        booth_name: r.opt_string("booth_name")?,
        extra_minutes: r.u16("extra_minutes")?,
    })
}

/// Takes the facility's row lock on PostgreSQL (the first lock, as for a booking); on SQLite
/// the transaction already is the single writer.
async fn lock_facility_id(tx: &mut Tx, facility: FacilityId) -> Result<()> {
    if tx.row_locks() {
        on_tx!(tx, |c| sqlx::query(
            "SELECT id FROM facilities WHERE id = $1 FOR NO KEY UPDATE"
        )
        .bind(facility.0)
        .fetch_optional(&mut *c)
        .await
        .map(|_| ()))?;
    }
    Ok(())
}

/// Active visits of a facility whose time (with extensions) overlaps `[from, to)`.
async fn holding_visits(
    tx: &mut Tx,
    facility: FacilityId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<BoardVisit>> {
    on_tx!(tx, |c| {
        let rows = sqlx::query(select_board!(
            "WHERE v.facility_id = $1 AND v.start_at < $3 AND v.end_at + v.extra_minutes * 60 > $2 ",
            "AND v.status IN ",
            booth_statuses!(),
            " ORDER BY v.start_at, v.id"
        ))
        .bind(facility.0)
        .bind(secs(from))
        .bind(secs(to))
        .fetch_all(&mut *c)
        .await?;
        rows.iter().map(board_visit).collect()
    })
}

fn overlaps(a: &BoardVisit, b: &BoardVisit) -> bool {
    a.visit.start < b.call_end() && b.visit.start < a.call_end()
}

impl Db {
    /// Gives each active visit (booked, checked in or in the call) of `facility` starting in
    /// `[day_start, day_end)` that has no booth yet the lowest-numbered active booth
    /// ([`booth_order`]) that no overlapping visit holds (extensions included). A visit for
    /// which no booth is free (booths were deactivated) stays without one; the board shows it
    /// as "no booth".
    ///
    /// Idempotent, and cheap when there is nothing to do (one read): call it whenever the
    /// day's booths are needed (the board on every load, a kiosk before it looks for its
    /// visit). Writes in one transaction holding the facility's lock, so two callers never
    /// give one booth twice, and audits what it assigned as a system action
    /// (`visit.booths_assigned`, no user, source `system`). Returns how many visits got a
    /// booth.
    pub async fn assign_booths(
        &self,
        facility: FacilityId,
        day_start: Timestamp,
        day_end: Timestamp,
        now: Timestamp,
    ) -> Result<usize> {
        let waiting: i64 = on_pool!(self, |p| {
            sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM visits WHERE facility_id = $1 AND start_at >= $2 AND start_at < $3 ",
            "AND booth_id IS NULL AND status IN ",
            booth_statuses!()
        ))
        .bind(facility.0)
        .bind(secs(day_start))
        .bind(secs(day_end))
        .fetch_one(p)
        .await
        })?;
        if waiting == 0 {
            return Ok(0);
        }
        let mut booths: Vec<Booth> = self
            .booths(facility)
            .await?
            .into_iter()
            .filter(|b| b.active)
            .collect();
        booths.sort_by_key(booth_order);
        let mut tx = self.begin().await?;
        lock_facility_id(&mut tx, facility).await?;
        // Everything that may hold a booth during the window, the day before's long calls too.
        let mut visits = holding_visits(&mut tx, facility, day_start, day_end).await?;
        let mut assigned = Vec::new();
        let mut unassigned = Vec::new();
        for i in 0..visits.len() {
            let Some(v) = visits.get(i) else { continue };
            if v.visit.booth_id.is_some() || v.visit.start < day_start || v.visit.start >= day_end {
                continue;
            }
            let free = booths.iter().find(|b| {
                !visits
                    .iter()
                    .any(|o| o.visit.booth_id == Some(b.id) && overlaps(o, v))
            });
            let id = v.visit.id;
            match free {
                Some(b) => {
                    on_tx!(tx, |c| sqlx::query(
                        "UPDATE visits SET booth_id = $1 WHERE id = $2 AND booth_id IS NULL"
                    )
                    .bind(b.id.0)
                    .bind(id.0)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected()))?;
                    assigned.push(json!([id.0, b.id.0]));
                    if let Some(v) = visits.get_mut(i) {
                        v.visit.booth_id = Some(b.id);
                        v.booth_name = Some(b.name.clone());
                    }
                }
                None => unassigned.push(id.0),
            }
        }
        if assigned.is_empty() {
            return Ok(0);
        }
        let n = assigned.len();
        audit::write(
            &mut tx,
            &AuditEvent {
                user_id: None,
                source: Some("system".into()),
            },
            now,
            Audit {
                facility_id: Some(facility),
                action: "visit.booths_assigned",
                target_type: "facility",
                target_id: facility.0.to_string(),
                detail: json!({ "assigned": assigned, "without_booth": unassigned }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// A facility's visits starting in `[from, to)` as the board shows them (not the requests
    /// still waiting or refused), by start.
    pub async fn board_visits(
        &self,
        facility: FacilityId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BoardVisit>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_board!(
                "WHERE v.facility_id = $1 AND v.start_at >= $2 AND v.start_at < $3 AND v.status NOT IN ('requested', 'rejected') ORDER BY v.start_at, v.id"
            ))
            .bind(facility.0)
            .bind(secs(from))
            .bind(secs(to))
            .fetch_all(p)
            .await?;
            rows.iter().map(board_visit).collect()
        })
    }

    /// One visit as the board shows it.
    pub async fn board_visit(&self, id: VisitId) -> Result<BoardVisit> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_board!("WHERE v.id = $1"))
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            row.map(|r| board_visit(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("visit"))
        })
    }

    /// When a visit's call ends: its booked end plus its extension (for the video room and
    /// the kiosks).
    pub async fn visit_call_end(&self, id: VisitId) -> Result<Timestamp> {
        Ok(self.board_visit(id).await?.call_end())
    }

    /// Extends a checked-in or running visit by `minutes` (5, 10 or 15; an hour at most in
    /// all), only when no other active visit holds its booth in the extended time; refused
    /// otherwise with the visit that collides, writing nothing. Audited as `visit.extend`.
    /// Errors: `Invalid("extend_minutes")` (not 5, 10 or 15), `Invalid("extend_not_running")`
    /// (the visitor is not there), `Invalid("extend_too_long")`, `Invalid("extend_no_booth")`.
    pub async fn extend_visit(
        &self,
        id: VisitId,
        minutes: u16,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<Extension> {
        let facility = self.board_visit(id).await?.visit.facility_id;
        let mut tx = self.begin().await?;
        lock_facility_id(&mut tx, facility).await?;
        let sql = if tx.row_locks() {
            select_board!("WHERE v.id = $1 FOR NO KEY UPDATE OF v")
        } else {
            select_board!("WHERE v.id = $1")
        };
        let v = on_tx!(tx, |c| {
            let row = sqlx::query(sql).bind(id.0).fetch_optional(&mut *c).await?;
            row.map(|r| board_visit(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("visit"))
        })?;
        let total = extension::extend(v.visit.status, v.extra_minutes, minutes).map_err(|e| {
            StorageError::Invalid(match e {
                ExtensionError::BadMinutes => "extend_minutes",
                ExtensionError::NotRunning(_) => "extend_not_running",
                ExtensionError::TooLong => "extend_too_long",
            })
        })?;
        let Some(booth) = v.visit.booth_id else {
            return Err(StorageError::Invalid("extend_no_booth"));
        };
        let until = extension::call_end(v.visit.end, total);
        let colliding = on_tx!(tx, |c| {
            let row = sqlx::query(select_board!(
                "WHERE v.booth_id = $1 AND v.id <> $2 AND v.start_at < $3 ",
                "AND v.end_at + v.extra_minutes * 60 > $4 AND v.status IN ",
                booth_statuses!(),
                " ORDER BY v.start_at, v.id LIMIT 1"
            ))
            .bind(booth.0)
            .bind(id.0)
            .bind(secs(until))
            .bind(secs(v.visit.start))
            .fetch_optional(&mut *c)
            .await?;
            row.map(|r| board_visit(&r)).transpose()
        })?;
        if let Some(other) = colliding {
            return Ok(Extension::Collides(Box::new(other)));
        }
        on_tx!(tx, |c| sqlx::query(
            "UPDATE visits SET extra_minutes = $1, updated_at = $2 WHERE id = $3"
        )
        .bind(i64::from(total))
        .bind(secs(now))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility),
                action: "visit.extend",
                target_type: "visit",
                target_id: id.0.to_string(),
                detail: json!({
                    "minutes": minutes,
                    "extra_minutes": total,
                    "until": until.to_string(),
                    "booth_id": booth.0,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Extension::Extended {
            extra_minutes: total,
            until,
        })
    }
}
