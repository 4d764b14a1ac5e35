//! Inmates: create, search, import.

use jenguk_domain::{FacilityId, Inmate, InmateId, InmateStatus, PersonName, RegNumber};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::error::unique_as;
use crate::row::{RowExt, date_text};
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// An inmate to create or import.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewInmate {
    /// Registration number.
    pub reg_number: RegNumber,
    /// Full name.
    pub name: PersonName,
    /// Tahanan or narapidana.
    pub status: InmateStatus,
    /// Block, free text.
    pub block: Option<String>,
}

/// One row of an import: its line number in the file and what it parsed to.
pub type InmateRow = (u64, NewInmate);

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// New inmates.
    pub created: u64,
    /// Existing inmates (same registration number) whose data changed.
    pub updated: u64,
    /// Existing inmates already up to date.
    pub unchanged: u64,
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct InmateSearch {
    /// A part of the name, or the start of the registration number.
    pub query: Option<String>,
    /// At most this many (capped at 200).
    pub limit: i64,
    /// Skip this many.
    pub offset: i64,
}

/// `LIKE` patterns for a search text: (name part, registration-number prefix).
pub(crate) fn like_patterns(q: Option<&str>) -> (Option<String>, Option<String>) {
    let esc = |s: String| {
        s.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    };
    match q.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => (
            Some(format!("%{}%", esc(q.to_lowercase()))),
            Some(format!("{}%", esc(q.to_uppercase()))),
        ),
        None => (None, None),
    }
}

/// The lower-cased name used for search.
pub(crate) fn name_search(name: &PersonName) -> String {
    name.as_str().to_lowercase()
}

macro_rules! select_inmate {
    ($tail:literal) => {
        concat!(
            "SELECT id, facility_id, reg_number, name, status, block, visits_suspended_until, ",
            "suspension_reason, released FROM inmates ",
            $tail
        )
    };
}
pub(crate) use select_inmate;

pub(crate) fn inmate(r: &impl RowExt) -> Result<Inmate> {
    let reg = r.string("reg_number")?;
    let name = r.string("name")?;
    let status = r.string("status")?;
    Ok(Inmate {
        id: InmateId(r.i64("id")?),
        facility_id: FacilityId(r.i64("facility_id")?),
        reg_number: RegNumber::parse(&reg).map_err(|_| StorageError::Corrupt(reg))?,
        name: PersonName::parse(&name).map_err(|_| StorageError::Corrupt(name))?,
        status: InmateStatus::parse(&status).ok_or(StorageError::Corrupt(status))?,
        block: r.opt_string("block")?,
        visits_suspended_until: r.opt_date("visits_suspended_until")?,
        suspension_reason: r.opt_string("suspension_reason")?,
        released: r.bool("released")?,
    })
}

/// Loads an inmate inside a transaction, locked on PostgreSQL.
pub(crate) async fn lock_inmate(tx: &mut Tx, id: InmateId) -> Result<Inmate> {
    let sql = if tx.row_locks() {
        select_inmate!("WHERE id = $1 FOR NO KEY UPDATE")
    } else {
        select_inmate!("WHERE id = $1")
    };
    on_tx!(tx, |c| {
        let row = sqlx::query(sql).bind(id.0).fetch_optional(&mut *c).await?;
        row.map(|r| inmate(&r))
            .transpose()?
            .ok_or(StorageError::NotFound("inmate"))
    })
}

impl Db {
    /// Creates an inmate at a facility.
    pub async fn create_inmate(
        &self,
        facility_id: FacilityId,
        n: &NewInmate,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<Inmate> {
        let mut tx = self.begin().await?;
        let id = insert_inmate(&mut tx, facility_id, n, now).await?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility_id),
                action: "inmate.create",
                target_type: "inmate",
                target_id: id.0.to_string(),
                detail: json!({ "reg_number": n.reg_number.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Inmate {
            id,
            facility_id,
            reg_number: n.reg_number.clone(),
            name: n.name.clone(),
            status: n.status,
            block: n.block.clone(),
            visits_suspended_until: None,
            suspension_reason: None,
            released: false,
        })
    }

    /// An inmate by id.
    pub async fn inmate(&self, id: InmateId) -> Result<Inmate> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_inmate!("WHERE id = $1"))
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            row.map(|r| inmate(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("inmate"))
        })
    }

    /// Inmates of a facility, by name; filtered by a part of the name or the start of the
    /// registration number.
    pub async fn search_inmates(
        &self,
        facility_id: FacilityId,
        s: &InmateSearch,
    ) -> Result<Vec<Inmate>> {
        let limit = s.limit.clamp(1, 200);
        let offset = s.offset.max(0);
        let (name_like, reg_like) = like_patterns(s.query.as_deref());
        on_pool!(self, |p| {
            let rows = sqlx::query(select_inmate!(
                "WHERE facility_id = $1 AND ($2 IS NULL OR name_search LIKE $2 ESCAPE '\\' OR reg_number LIKE $3 ESCAPE '\\')
                 ORDER BY name_search, id LIMIT $4 OFFSET $5"
            ))
            .bind(facility_id.0)
            .bind(name_like.as_deref())
            .bind(reg_like.as_deref())
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
            rows.iter().map(inmate).collect()
        })
    }

    /// Changes an inmate's registration number, name, status and block (a new registration
    /// number is kept in the history), with the audit row naming what changed.
    pub async fn update_inmate(
        &self,
        id: InmateId,
        n: &NewInmate,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<Inmate> {
        let mut tx = self.begin().await?;
        let current = lock_inmate(&mut tx, id).await?;
        let mut changes = serde_json::Map::new();
        if current.reg_number != n.reg_number {
            changes.insert(
                "reg_number".into(),
                json!([current.reg_number.as_str(), n.reg_number.as_str()]),
            );
        }
        if current.name != n.name {
            changes.insert(
                "name".into(),
                json!([current.name.as_str(), n.name.as_str()]),
            );
        }
        if current.status != n.status {
            changes.insert(
                "status".into(),
                json!([current.status.as_str(), n.status.as_str()]),
            );
        }
        if current.block != n.block {
            changes.insert("block".into(), json!([current.block, n.block]));
        }
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE inmates SET reg_number = $1, name = $2, name_search = $3, status = $4, block = $5, updated_at = $6 WHERE id = $7"
        )
        .bind(n.reg_number.as_str())
        .bind(n.name.as_str())
        .bind(name_search(&n.name))
        .bind(n.status.as_str())
        .bind(n.block.as_deref())
        .bind(secs(now))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map_err(unique_as("reg_number_taken"))
        .map(|r| r.rows_affected())
        })?;
        if current.reg_number != n.reg_number {
            on_tx!(tx, |c| {
                sqlx::query(
                "INSERT INTO inmate_reg_history (inmate_id, reg_number, changed_at) VALUES ($1, $2, $3)"
            )
            .bind(id.0)
            .bind(n.reg_number.as_str())
            .bind(secs(now))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(current.facility_id),
                action: "inmate.update",
                target_type: "inmate",
                target_id: id.0.to_string(),
                detail: serde_json::Value::Object(changes),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Inmate {
            reg_number: n.reg_number.clone(),
            name: n.name.clone(),
            status: n.status,
            block: n.block.clone(),
            ..current
        })
    }

    /// Suspends an inmate's visits until a date (exclusive), or lifts the suspension.
    pub async fn set_inmate_suspension(
        &self,
        id: InmateId,
        until: Option<(Date, String)>,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<Inmate> {
        let mut tx = self.begin().await?;
        let current = lock_inmate(&mut tx, id).await?;
        let (until_text, reason) = match &until {
            Some((d, r)) => {
                let r = jenguk_domain::text::parse_reason(r)
                    .map_err(|_| StorageError::Invalid("reason"))?;
                (Some(date_text(*d)), Some(r))
            }
            None => (None, None),
        };
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE inmates SET visits_suspended_until = $1, suspension_reason = $2, updated_at = $3 WHERE id = $4"
        )
        .bind(until_text.as_deref())
        .bind(reason.as_deref())
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
                facility_id: Some(current.facility_id),
                action: "inmate.suspend",
                target_type: "inmate",
                target_id: id.0.to_string(),
                detail: json!({ "until": until_text, "reason": reason }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Inmate {
            visits_suspended_until: until.as_ref().map(|(d, _)| *d),
            suspension_reason: reason,
            ..current
        })
    }
}

pub(crate) async fn insert_inmate(
    tx: &mut Tx,
    facility_id: FacilityId,
    n: &NewInmate,
    now: Timestamp,
) -> Result<InmateId> {
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO inmates (facility_id, reg_number, name, name_search, status, block, released, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id"
    )
    .bind(facility_id.0)
    .bind(n.reg_number.as_str())
    .bind(n.name.as_str())
    .bind(name_search(&n.name))
    .bind(n.status.as_str())
    .bind(n.block.as_deref())
    .bind(false)
    .bind(secs(now))
    .fetch_one(&mut *c)
    .await
    .map_err(unique_as("reg_number_taken"))
    })?;
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO inmate_reg_history (inmate_id, reg_number, changed_at) VALUES ($1, $2, $3)"
    )
    .bind(id)
    .bind(n.reg_number.as_str())
    .bind(secs(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(InmateId(id))
}
