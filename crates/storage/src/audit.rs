//! The append-only audit trail. Every staff action writes its event in the same transaction
//! as the change; the schema refuses updates and deletes.

use jenguk_domain::{FacilityId, UserId};
use jiff::Timestamp;
use serde::Serialize;

use crate::row::RowExt;
use crate::{Db, Result, Tx, on_pool, on_tx, secs};

/// Who acts, for the audit trail: the staff user (none for the system or a command-line
/// administrator) and where the request came from.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    /// The staff user acting, if any.
    pub user_id: Option<UserId>,
    /// Where from: an IP address, or `cli`.
    pub source: Option<String>,
}

impl AuditEvent {
    /// A staff user acting from `source`.
    pub fn staff(user_id: UserId, source: Option<String>) -> Self {
        AuditEvent {
            user_id: Some(user_id),
            source,
        }
    }

    /// The command line (an administrator on the box).
    pub fn cli() -> Self {
        AuditEvent {
            user_id: None,
            source: Some("cli".into()),
        }
    }
}

/// One row of the audit trail.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Row id (increasing).
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Who (none: the system or the command line).
    pub user_id: Option<i64>,
    /// Which facility it concerns.
    pub facility_id: Option<i64>,
    /// What, e.g. `visit.book`, `link.approve`.
    pub action: String,
    /// Kind of record, e.g. `visit`.
    pub target_type: String,
    /// Which record.
    pub target_id: String,
    /// Details as JSON.
    pub detail: serde_json::Value,
    /// From where.
    pub source: Option<String>,
}

/// What one audit row says: the action and its target.
pub(crate) struct Audit<'a> {
    pub facility_id: Option<FacilityId>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub detail: serde_json::Value,
}

/// Writes an audit row inside the caller's transaction.
pub(crate) async fn write(
    tx: &mut Tx,
    who: &AuditEvent,
    at: Timestamp,
    a: Audit<'_>,
) -> Result<()> {
    let detail = a.detail.to_string();
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO audit_events (at, user_id, facility_id, action, target_type, target_id, detail, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(secs(at))
    .bind(who.user_id.map(|u| u.0))
    .bind(a.facility_id.map(|f| f.0))
    .bind(a.action)
    .bind(a.target_type)
    .bind(&a.target_id)
    .bind(&detail)
    .bind(who.source.as_deref())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

impl Db {
    /// The newest audit rows (of one facility, or all), newest first.
    pub async fn audit_events(
        &self,
        facility: Option<FacilityId>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        let fid = facility.map(|f| f.0);
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT id, at, user_id, facility_id, action, target_type, target_id, detail, source
                 FROM audit_events WHERE ($1 IS NULL OR facility_id = $1) ORDER BY id DESC LIMIT $2",
            )
            .bind(fid)
            .bind(limit)
            .fetch_all(p)
            .await?;
            rows.iter().map(entry).collect()
        })
    }
}

pub(crate) fn entry(r: &impl RowExt) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.i64("id")?,
        at: r.timestamp("at")?,
        user_id: r.opt_i64("user_id")?,
        facility_id: r.opt_i64("facility_id")?,
        action: r.string("action")?,
        target_type: r.string("target_type")?,
        target_id: r.string("target_id")?,
        detail: serde_json::from_str(&r.string("detail")?).unwrap_or(serde_json::Value::Null),
        source: r.opt_string("source")?,
    })
}
