//! A visit's call: when it ends (slot, extension, make-up), what happened in it, and the
//! make-up seconds given back for time lost to a dropped connection.

use jenguk_domain::{BoothId, InmateId, VisitId, VisitStatus};
use jiff::Timestamp;
use serde_json::json;

use super::{BoothVisit, CallTimes, MediaEventRow};
use crate::row::RowExt;
use crate::{Db, Result, StorageError, on_pool, on_tx, secs};

/// The facility's default cap on make-up time (`facilities.makeup_limit_minutes`).
pub const MAKEUP_DEFAULT_LIMIT_MINUTES: i64 = 5;

fn status(r: &impl RowExt) -> Result<VisitStatus> {
    let s = r.string("status")?;
    VisitStatus::parse(&s).ok_or(StorageError::Corrupt(s))
}

impl Db {
    /// The times that place a visit's call: slot, extension and make-up.
    pub async fn call_times(&self, visit: VisitId) -> Result<CallTimes> {
        let row = on_pool!(self, |p| {
            let r = sqlx::query(
                "SELECT status, start_at, end_at, extra_minutes, makeup_seconds FROM visits WHERE id = $1",
            )
            .bind(visit.0)
            .fetch_optional(p)
            .await?;
            r.map(|r| {
                Ok::<_, StorageError>((
                    status(&r)?,
                    r.timestamp("start_at")?,
                    r.timestamp("end_at")?,
                    r.i64("extra_minutes")?,
                    r.i64("makeup_seconds")?,
                ))
            })
            .transpose()
        })?;
        let (status, start, end, extra, makeup_seconds) =
            row.ok_or(StorageError::NotFound("visit"))?;
        Ok(CallTimes {
            status,
            start,
            end,
            extension_seconds: extra.max(0) * 60,
            makeup_seconds,
        })
    }

    /// Records something that happened in a visit's call.
    pub async fn record_media_event(
        &self,
        visit: VisitId,
        at: Timestamp,
        role: Option<&str>,
        kind: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO visit_media_events (visit_id, at, role, kind, detail) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(visit.0)
        .bind(secs(at))
        .bind(role)
        .bind(kind)
        .bind(detail.to_string())
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// What happened in a visit's call, oldest first.
    pub async fn media_events(&self, visit: VisitId) -> Result<Vec<MediaEventRow>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT at, role, kind, detail FROM visit_media_events WHERE visit_id = $1 ORDER BY id LIMIT 5000",
            )
            .bind(visit.0)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(MediaEventRow {
                        at: r.timestamp("at")?,
                        role: r.opt_string("role")?,
                        kind: r.string("kind")?,
                        detail: serde_json::from_str(&r.string("detail")?)
                            .unwrap_or(serde_json::Value::Null),
                    })
                })
                .collect()
        })
    }

    /// Gives back up to `lost_secs` of call time lost to a dropped connection: no more than
    /// the facility's `makeup_limit_minutes` in all for the visit, and only as far as the
    /// booth and the inmate are free after the call's current end. Returns the seconds given
    /// (recorded as a `makeup` media event when more than zero).
    pub async fn add_makeup(&self, visit: VisitId, lost_secs: i64, now: Timestamp) -> Result<i64> {
        if lost_secs <= 0 {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let row = on_tx!(tx, |c| {
            let r = sqlx::query(
                "SELECT v.start_at, v.end_at, v.extra_minutes, v.booth_id, v.inmate_id, v.makeup_seconds, f.makeup_limit_minutes FROM visits v JOIN facilities f ON f.id = v.facility_id WHERE v.id = $1",
            )
            .bind(visit.0)
            .fetch_optional(&mut *c)
            .await?;
            r.map(|r| {
                Ok::<_, StorageError>((
                    r.i64("start_at")?,
                    r.i64("end_at")?,
                    r.i64("extra_minutes")?,
                    r.opt_i64("booth_id")?,
                    r.i64("inmate_id")?,
                    r.i64("makeup_seconds")?,
                    r.i64("makeup_limit_minutes")?,
                ))
            })
            .transpose()
        })?;
        let (start, end, extra, booth, inmate, makeup, limit_min) =
            row.ok_or(StorageError::NotFound("visit"))?;
        let ends = end + extra.max(0) * 60 + makeup;
        let mut grant = lost_secs.min(limit_min.max(0) * 60 - makeup);
        let next: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(concat!(
            "SELECT MIN(start_at) FROM visits WHERE id <> $1 AND start_at >= $2 ",
            "AND (booth_id = $3 OR inmate_id = $4) AND status IN ",
            active_statuses!()
        ))
        .bind(visit.0)
        .bind(start)
        .bind(booth.unwrap_or(-1))
        .bind(inmate)
        .fetch_one(&mut *c)
        .await)?;
        if let Some(next) = next {
            grant = grant.min(next - ends);
        }
        if grant <= 0 {
            return Ok(0);
        }
        on_tx!(tx, |c| sqlx::query(
            "UPDATE visits SET makeup_seconds = makeup_seconds + $1 WHERE id = $2"
        )
        .bind(grant)
        .bind(visit.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        on_tx!(tx, |c| {
            sqlx::query(
            "INSERT INTO visit_media_events (visit_id, at, role, kind, detail) VALUES ($1, $2, NULL, 'makeup', $3)"
        )
        .bind(visit.0)
        .bind(secs(now))
        .bind(json!({ "lost_seconds": lost_secs, "granted_seconds": grant }).to_string())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        tx.commit().await?;
        Ok(grant)
    }

    /// The booth's current or next visit that can still take place (booked, checked in or in
    /// a call, and not yet over), for its kiosk.
    pub async fn next_booth_visit(
        &self,
        booth: BoothId,
        now: Timestamp,
    ) -> Result<Option<BoothVisit>> {
        // Extensions and make-up move an end by minutes, never by hours.
        let rows = on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT id, inmate_id, status, start_at, end_at, extra_minutes, makeup_seconds FROM visits WHERE booth_id = $1 AND status IN ('booked','checked_in','in_call') AND end_at > $2 ORDER BY start_at, id LIMIT 20",
            )
            .bind(booth.0)
            .bind(secs(now) - 4 * 3600)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok::<_, StorageError>((
                        VisitId(r.i64("id")?),
                        InmateId(r.i64("inmate_id")?),
                        status(r)?,
                        r.timestamp("start_at")?,
                        r.timestamp("end_at")?,
                        r.i64("extra_minutes")?,
                        r.i64("makeup_seconds")?,
                    ))
                })
                .collect::<Result<Vec<_>>>()
        })?;
        for (visit_id, inmate_id, status, start, end, extra, makeup_seconds) in rows {
            let times = CallTimes {
                status,
                start,
                end,
                extension_seconds: extra.max(0) * 60,
                makeup_seconds,
            };
            if times.ends_at() > now {
                return Ok(Some(BoothVisit {
                    visit_id,
                    inmate_id,
                    start,
                    times,
                }));
            }
        }
        Ok(None)
    }
}
