//! Importing inmates: the plan (what a file would change, written nowhere), the import itself
//! (one transaction, batched multi-row inserts, idempotent on the registration number) and
//! the staging of an uploaded file between the console's preview and its confirmation.

use std::collections::HashMap;

use jenguk_domain::{FacilityId, UserId};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{self, Audit, AuditEvent};
use crate::inmates::{ImportReport, InmateRow, NewInmate, name_search};
use crate::row::RowExt;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, random_bytes, secs};

/// How long an uploaded file waits for its confirmation.
pub const STAGED_IMPORT_SECS: i64 = 30 * 60;
/// Rows per multi-row INSERT (5 parameters each, well under both backends' limits).
const CHUNK: usize = 500;

/// What an inmate holds now: (id, name, status, block).
type Held = (i64, String, String, Option<String>);
/// What each registration number of a facility holds now.
type Current = HashMap<String, Held>;

const SELECT_CURRENT: &str =
    "SELECT id, reg_number, name, status, block FROM inmates WHERE facility_id = $1";

fn current_row(r: &impl RowExt) -> Result<(String, Held)> {
    Ok((
        r.string("reg_number")?,
        (
            r.i64("id")?,
            r.string("name")?,
            r.string("status")?,
            r.opt_string("block")?,
        ),
    ))
}

/// Sorts rows into new, changed (with the id) and unchanged.
fn classify<'a>(
    current: &Current,
    rows: &'a [InmateRow],
) -> (Vec<&'a NewInmate>, Vec<(i64, &'a NewInmate)>, u64) {
    let mut new = Vec::new();
    let mut changed = Vec::new();
    let mut unchanged = 0;
    for (_, n) in rows {
        match current.get(n.reg_number.as_str()) {
            None => new.push(n),
            Some((id, name, status, block))
                if name != n.name.as_str() || status != n.status.as_str() || *block != n.block =>
            {
                changed.push((*id, n));
            }
            Some(_) => unchanged += 1,
        }
    }
    (new, changed, unchanged)
}

/// A file waiting for its confirmation.
#[derive(Debug, Clone)]
pub struct StagedImport {
    /// The facility it goes into.
    pub facility_id: FacilityId,
    /// The file's name as uploaded.
    pub file_name: String,
    /// Its good rows.
    pub rows: Vec<InmateRow>,
    /// How many rows were bad.
    pub bad_rows: u64,
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Db {
    /// What importing these rows would do, without writing anything.
    pub async fn import_plan(
        &self,
        facility_id: FacilityId,
        rows: &[InmateRow],
    ) -> Result<ImportReport> {
        let current: Current = on_pool!(self, |p| {
            let rs = sqlx::query(SELECT_CURRENT)
                .bind(facility_id.0)
                .fetch_all(p)
                .await?;
            rs.iter().map(current_row).collect::<Result<Current>>()
        })?;
        let (new, changed, unchanged) = classify(&current, rows);
        Ok(ImportReport {
            created: new.len() as u64,
            updated: changed.len() as u64,
            unchanged,
        })
    }

    /// Imports inmates into a facility in one transaction: new registration numbers are
    /// created, known ones updated. Either every row is written or none.
    pub async fn import_inmates(
        &self,
        facility_id: FacilityId,
        rows: &[InmateRow],
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<ImportReport> {
        let mut tx = self.begin().await?;
        let report = import_in_tx(&mut tx, facility_id, rows, json!({}), who, now).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Keeps a parsed file for its confirmation by the same user at the same facility;
    /// returns the token that names it. Expired files, and this user's earlier file for this
    /// facility, are dropped on the way (one waiting file per user and facility).
    pub async fn stage_import(
        &self,
        facility_id: FacilityId,
        user: UserId,
        file_name: &str,
        rows: &[InmateRow],
        bad_rows: u64,
        now: Timestamp,
    ) -> Result<String> {
        let token: String = random_bytes::<24>()?
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let data: Vec<&NewInmate> = rows.iter().map(|(_, n)| n).collect();
        let lines: Vec<u64> = rows.iter().map(|(l, _)| *l).collect();
        let json = serde_json::to_string(&json!({ "rows": data, "lines": lines }))
            .map_err(|e| StorageError::Internal(e.to_string()))?;
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| {
            sqlx::query(
            "DELETE FROM inmate_imports WHERE expires_at < $1 OR (user_id = $2 AND facility_id = $3)"
        )
        .bind(secs(now))
        .bind(user.0)
        .bind(facility_id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        on_tx!(tx, |c| {
            sqlx::query(
            "INSERT INTO inmate_imports (token_hash, facility_id, user_id, file_name, rows_json, bad_rows, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(token_hash(&token))
        .bind(facility_id.0)
        .bind(user.0)
        .bind(&name)
        .bind(&json)
        .bind(i64::try_from(bad_rows).unwrap_or(i64::MAX))
        .bind(secs(now))
        .bind(secs(now) + STAGED_IMPORT_SECS)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        tx.commit().await?;
        Ok(token)
    }

    /// Imports a staged file (only its uploader, at its facility, before it expires), in one
    /// transaction that also drops it. Refused while it has bad rows unless `skip_bad`.
    pub async fn confirm_import(
        &self,
        token: &str,
        facility_id: FacilityId,
        user: UserId,
        skip_bad: bool,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<(ImportReport, StagedImport)> {
        let mut tx = self.begin().await?;
        let hash = token_hash(token);
        let staged = on_tx!(tx, |c| {
            let r = sqlx::query(
                "SELECT facility_id, file_name, rows_json, bad_rows FROM inmate_imports
                 WHERE token_hash = $1 AND facility_id = $2 AND user_id = $3 AND expires_at >= $4",
            )
            .bind(&hash)
            .bind(facility_id.0)
            .bind(user.0)
            .bind(secs(now))
            .fetch_optional(&mut *c)
            .await?;
            r.map(|r| staged(&r)).transpose()
        })?
        .ok_or(StorageError::NotFound("import"))?;
        if staged.bad_rows > 0 && !skip_bad {
            return Err(StorageError::Invalid("import_has_bad_rows"));
        }
        on_tx!(tx, |c| sqlx::query(
            "DELETE FROM inmate_imports WHERE token_hash = $1"
        )
        .bind(&hash)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let detail = json!({ "file": staged.file_name, "bad_rows_skipped": staged.bad_rows });
        let report = import_in_tx(&mut tx, facility_id, &staged.rows, detail, who, now).await?;
        tx.commit().await?;
        Ok((report, staged))
    }
}

fn staged(r: &impl RowExt) -> Result<StagedImport> {
    #[derive(serde::Deserialize)]
    struct Data {
        rows: Vec<NewInmate>,
        lines: Vec<u64>,
    }
    let data: Data = serde_json::from_str(&r.string("rows_json")?)
        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    Ok(StagedImport {
        facility_id: FacilityId(r.i64("facility_id")?),
        file_name: r.string("file_name")?,
        rows: data.lines.into_iter().zip(data.rows).collect(),
        bad_rows: u64::try_from(r.i64("bad_rows")?).unwrap_or(0),
    })
}

/// The import inside the caller's transaction: locks the facility (PostgreSQL), reads what
/// its registration numbers hold, inserts the new ones in multi-row statements, updates the
/// changed ones, and writes one audit row.
async fn import_in_tx(
    tx: &mut Tx,
    facility_id: FacilityId,
    rows: &[InmateRow],
    mut detail: serde_json::Value,
    who: &AuditEvent,
    now: Timestamp,
) -> Result<ImportReport> {
    // Imports into one facility take turns (PostgreSQL); SQLite has one writer anyway.
    if tx.kind() == crate::BackendKind::Postgres {
        on_tx!(tx, |c| sqlx::query(
            "SELECT id FROM facilities WHERE id = $1 FOR NO KEY UPDATE"
        )
        .bind(facility_id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    let current: Current = on_tx!(tx, |c| {
        let rs = sqlx::query(SELECT_CURRENT)
            .bind(facility_id.0)
            .fetch_all(&mut *c)
            .await?;
        rs.iter().map(current_row).collect::<Result<Current>>()
    })?;
    let (new, changed, unchanged) = classify(&current, rows);
    for chunk in new.chunks(CHUNK) {
        insert_chunk(tx, facility_id, chunk, now).await?;
    }
    for (id, n) in &changed {
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE inmates SET name = $1, name_search = $2, status = $3, block = $4, updated_at = $5 WHERE id = $6"
        )
        .bind(n.name.as_str())
        .bind(name_search(&n.name))
        .bind(n.status.as_str())
        .bind(n.block.as_deref())
        .bind(secs(now))
        .bind(*id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    let report = ImportReport {
        created: new.len() as u64,
        updated: changed.len() as u64,
        unchanged,
    };
    detail["rows"] = json!(rows.len());
    detail["created"] = json!(report.created);
    detail["updated"] = json!(report.updated);
    detail["unchanged"] = json!(report.unchanged);
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: Some(facility_id),
            action: "inmate.import",
            target_type: "facility",
            target_id: facility_id.0.to_string(),
            detail,
        },
    )
    .await?;
    Ok(report)
}

/// One multi-row INSERT of new inmates and one of their registration-number history.
async fn insert_chunk(
    tx: &mut Tx,
    facility_id: FacilityId,
    chunk: &[&NewInmate],
    now: Timestamp,
) -> Result<()> {
    let values: Vec<String> = (0..chunk.len())
        .map(|i| {
            let k = 4 + i * 5;
            format!(
                "($1, ${}, ${}, ${}, ${}, ${}, $3, $2, $2)",
                k,
                k + 1,
                k + 2,
                k + 3,
                k + 4
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO inmates (facility_id, reg_number, name, name_search, status, block, released, created_at, updated_at) VALUES {} RETURNING id, reg_number",
        values.join(", ")
    );
    let ids: Vec<(i64, String)> = on_tx!(tx, |c| {
        let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(facility_id.0)
            .bind(secs(now))
            .bind(false);
        for n in chunk {
            q = q
                .bind(n.reg_number.as_str())
                .bind(n.name.as_str())
                .bind(name_search(&n.name))
                .bind(n.status.as_str())
                .bind(n.block.as_deref());
        }
        q.fetch_all(&mut *c)
            .await
            .map_err(crate::error::unique_as("reg_number_taken"))
    })?;
    let values: Vec<String> = (0..ids.len())
        .map(|i| format!("(${}, ${}, $1)", 2 + i * 2, 3 + i * 2))
        .collect();
    let sql = format!(
        "INSERT INTO inmate_reg_history (inmate_id, reg_number, changed_at) VALUES {}",
        values.join(", ")
    );
    on_tx!(tx, |c| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(secs(now));
        for (id, reg) in &ids {
            q = q.bind(*id).bind(reg.as_str());
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
