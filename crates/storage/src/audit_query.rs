//! Reading the audit trail for its page and its CSV export: a filter (facility, time range,
//! user, action, target), newest first, with the user's name and the facility's code.
//! Reading only: nothing here (nor anywhere) changes or deletes an audit row.

use jenguk_domain::{FacilityId, UserId};
use jiff::Timestamp;

use crate::audit::AuditEntry;
use crate::row::RowExt;
use crate::{Db, Result, on_pool, secs};

/// Which audit rows to read; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Of this facility (none: every facility, and rows of none).
    pub facility: Option<FacilityId>,
    /// At or after.
    pub from: Option<Timestamp>,
    /// Before.
    pub to: Option<Timestamp>,
    /// By this user.
    pub user: Option<UserId>,
    /// Actions starting with this (`auth.` for every login event, or a whole action).
    pub action: Option<String>,
    /// Kind of record, e.g. `visit`.
    pub target_type: Option<String>,
    /// Which record.
    pub target_id: Option<String>,
}

/// One audit row with names for its ids.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// The row.
    pub entry: AuditEntry,
    /// The acting user's name, if any.
    pub username: Option<String>,
    /// The facility's code, if any.
    pub facility_code: Option<String>,
}

impl Db {
    /// Audit rows matching the filter, newest first, `limit` of them after skipping `offset`.
    pub async fn audit_search(
        &self,
        f: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        let action = f.action.as_deref().filter(|a| !a.is_empty());
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT a.id, a.at, a.user_id, a.facility_id, a.action, a.target_type, a.target_id,
                        a.detail, a.source, u.username, f.code
                 FROM audit_events a
                 LEFT JOIN users u ON u.id = a.user_id
                 LEFT JOIN facilities f ON f.id = a.facility_id
                 WHERE ($1 IS NULL OR a.facility_id = $1)
                   AND ($2 IS NULL OR a.at >= $2)
                   AND ($3 IS NULL OR a.at < $3)
                   AND ($4 IS NULL OR a.user_id = $4)
                   AND ($5 IS NULL OR substr(a.action, 1, length($5)) = $5)
                   AND ($6 IS NULL OR a.target_type = $6)
                   AND ($7 IS NULL OR a.target_id = $7)
                 ORDER BY a.id DESC LIMIT $8 OFFSET $9",
            )
            .bind(f.facility.map(|x| x.0))
            .bind(f.from.map(secs))
            .bind(f.to.map(secs))
            .bind(f.user.map(|u| u.0))
            .bind(action)
            .bind(f.target_type.as_deref().filter(|t| !t.is_empty()))
            .bind(f.target_id.as_deref().filter(|t| !t.is_empty()))
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(AuditRow {
                        entry: crate::audit::entry(r)?,
                        username: r.opt_string("username")?,
                        facility_code: r.opt_string("code")?,
                    })
                })
                .collect()
        })
    }
}
