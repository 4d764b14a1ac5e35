//! Booths: reading one, renaming, putting back in service.

use jenguk_domain::{Booth, BoothId, FacilityId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::error::unique_as;
use crate::row::RowExt;
use crate::row::date_text;
use crate::schedule_edit::active_booths_in_tx;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx};

/// The active booths left once `id` is out of service; refuses to take the last one while
/// templates need booths.
pub(crate) async fn booths_left_without(
    tx: &mut Tx,
    facility_id: FacilityId,
    id: BoothId,
    has_templates: bool,
) -> Result<u16> {
    let active: Option<bool> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT active FROM booths WHERE id = $1 AND facility_id = $2"
    )
    .bind(id.0)
    .bind(facility_id.0)
    .fetch_optional(&mut *c)
    .await)?;
    let Some(active) = active else {
        return Err(StorageError::NotFound("booth"));
    };
    let now_active = active_booths_in_tx(tx, facility_id).await?;
    let left = if active {
        now_active.saturating_sub(1)
    } else {
        now_active
    };
    if left == 0 && has_templates {
        return Err(StorageError::Invalid("last_booth"));
    }
    Ok(left)
}

/// Takes a booth out of service and reduces templates and future one-off sessions to the
/// booths left. Returns how many templates and sessions were reduced.
pub(crate) async fn deactivate_in_tx(
    tx: &mut Tx,
    facility_id: FacilityId,
    id: BoothId,
    left: i64,
    today: Date,
) -> Result<(u64, u64)> {
    let fid = facility_id.0;
    let (booth, templates, extras) = on_tx!(tx, |c| {
        let b = sqlx::query("UPDATE booths SET active = $1 WHERE id = $2 AND facility_id = $3")
            .bind(false)
            .bind(id.0)
            .bind(fid)
            .execute(&mut *c)
            .await?
            .rows_affected();
        let t = sqlx::query(
            "UPDATE session_templates SET capacity = $1 WHERE facility_id = $2 AND capacity > $1",
        )
        .bind(left)
        .bind(fid)
        .execute(&mut *c)
        .await?
        .rows_affected();
        let x = sqlx::query("UPDATE extra_sessions SET capacity = $1 WHERE facility_id = $2 AND capacity > $1 AND date >= $3")
            .bind(left)
            .bind(fid)
            .bind(date_text(today))
            .execute(&mut *c)
            .await?
            .rows_affected();
        Ok::<_, sqlx::Error>((b, t, x))
    })?;
    if booth == 0 {
        return Err(StorageError::NotFound("booth"));
    }
    Ok((templates, extras))
}

impl Db {
    /// The number of a facility's active booths.
    pub async fn active_booths(&self, facility_id: FacilityId) -> Result<u16> {
        let n: i64 = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM booths WHERE facility_id = $1 AND active = $2"
        )
        .bind(facility_id.0)
        .bind(true)
        .fetch_one(p)
        .await)?;
        Ok(u16::try_from(n).unwrap_or(u16::MAX))
    }

    /// A booth by id (any facility: the caller checks the facility).
    pub async fn booth_by_id(&self, id: BoothId) -> Result<Booth> {
        on_pool!(self, |p| {
            let row = sqlx::query("SELECT id, facility_id, name, active FROM booths WHERE id = $1")
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            match row {
                Some(r) => Ok(Booth {
                    id: BoothId(r.i64("id")?),
                    facility_id: FacilityId(r.i64("facility_id")?),
                    name: r.string("name")?,
                    active: r.bool("active")?,
                }),
                None => Err(StorageError::NotFound("booth")),
            }
        })
    }

    /// Renames a booth of a facility.
    pub async fn rename_booth(
        &self,
        facility_id: FacilityId,
        id: BoothId,
        name: &str,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(StorageError::Invalid("booth_name"));
        }
        self.booth_update(
            facility_id,
            id,
            "booth.rename",
            json!({ "name": name }),
            who,
            now,
            |b| (Some(name.to_string()), b.active),
        )
        .await
    }

    /// Puts a booth back in service (taking one out goes through the schedule change path,
    /// which shows the bookings it affects).
    pub async fn activate_booth(
        &self,
        facility_id: FacilityId,
        id: BoothId,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        self.booth_update(
            facility_id,
            id,
            "booth.activate",
            json!({ "active": true }),
            who,
            now,
            |_| (None, true),
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn booth_update(
        &self,
        facility_id: FacilityId,
        id: BoothId,
        action: &'static str,
        detail: serde_json::Value,
        who: &AuditEvent,
        now: Timestamp,
        f: impl FnOnce(&Booth) -> (Option<String>, bool),
    ) -> Result<()> {
        let booth = self.booth_by_id(id).await?;
        if booth.facility_id != facility_id {
            return Err(StorageError::NotFound("booth"));
        }
        let (name, active) = f(&booth);
        let name = name.unwrap_or(booth.name);
        let mut tx = self.begin().await?;
        let n = on_tx!(tx, |c| sqlx::query(
            "UPDATE booths SET name = $1, active = $2 WHERE id = $3 AND facility_id = $4"
        )
        .bind(&name)
        .bind(active)
        .bind(id.0)
        .bind(facility_id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        .map_err(unique_as("booth_name_taken")))?;
        if n == 0 {
            return Err(StorageError::NotFound("booth"));
        }
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility_id),
                action,
                target_type: "booth",
                target_id: id.0.to_string(),
                detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
