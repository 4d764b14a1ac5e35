//! Managing staff accounts from the console: the list, deactivating and reactivating, a
//! temporary password, resetting the second factor, and the facility setting that makes TOTP
//! mandatory for its operators. Each change ends the account's sessions where it should and
//! writes its audit event in the same transaction.

use jenguk_domain::{FacilityId, UserId};
use jiff::Timestamp;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::auth::{StaffUser, hash_password, user_row};
use crate::row::RowExt;
use crate::staff_login::check_new_password;
use crate::staff_session::revoke_others;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// A staff account as its administrators see it.
#[derive(Debug, Clone)]
pub struct StaffAccount {
    /// Who.
    pub user: StaffUser,
    /// Whether it may log in.
    pub active: bool,
    /// Whether a second factor is enrolled.
    pub totp_enabled: bool,
    /// Locked until then after failed logins.
    pub locked_until: Option<Timestamp>,
}

const ACCOUNT_COLUMNS: &str =
    "SELECT id, username, role, facility_id, active, totp_enabled, locked_until FROM users";

fn account(r: &impl RowExt) -> Result<StaffAccount> {
    Ok(StaffAccount {
        user: user_row(r)?,
        active: r.bool("active")?,
        totp_enabled: r.bool("totp_enabled")?,
        locked_until: r
            .opt_i64("locked_until")?
            .and_then(|s| Timestamp::from_second(s).ok()),
    })
}

async fn audit_user(
    tx: &mut Tx,
    who: &AuditEvent,
    target: &StaffUser,
    action: &str,
    detail: serde_json::Value,
    now: Timestamp,
) -> Result<()> {
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: target.facility_id,
            action,
            target_type: "user",
            target_id: target.id.0.to_string(),
            detail,
        },
    )
    .await
}

impl Db {
    /// Staff accounts, by username: of one facility (and not the national administrators),
    /// or all.
    pub async fn staff_accounts(&self, facility: Option<FacilityId>) -> Result<Vec<StaffAccount>> {
        let fid = facility.map(|f| f.0);
        on_pool!(self, |p| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{ACCOUNT_COLUMNS} WHERE ($1 IS NULL OR facility_id = $1) ORDER BY username"
            )))
            .bind(fid)
            .fetch_all(p)
            .await?;
            rows.iter().map(account).collect()
        })
    }

    /// One staff account.
    pub async fn staff_account(&self, id: UserId) -> Result<StaffAccount> {
        on_pool!(self, |p| {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{ACCOUNT_COLUMNS} WHERE id = $1"
            )))
            .bind(id.0)
            .fetch_optional(p)
            .await?;
            row.map(|r| account(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("user"))
        })
    }

    /// Deactivates (ending its sessions; its API tokens stop working) or reactivates an
    /// account; audited as `user.deactivate` / `user.reactivate`.
    pub async fn set_staff_active(
        &self,
        target: &StaffUser,
        active: bool,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| sqlx::query(
            "UPDATE users SET active = $1 WHERE id = $2"
        )
        .bind(active)
        .bind(target.id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let ended = if active {
            0
        } else {
            revoke_others(&mut tx, target.id, None, now).await?
        };
        let action = if active {
            "user.reactivate"
        } else {
            "user.deactivate"
        };
        audit_user(
            &mut tx,
            who,
            target,
            action,
            json!({ "sessions_ended": ended }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a temporary password chosen by an administrator (at least 10 characters, not the
    /// username), unlocks the account and ends its sessions; audited as `user.reset_password`.
    pub async fn reset_staff_password(
        &self,
        target: &StaffUser,
        password: &str,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        check_new_password(&target.username, password)?;
        let hash = hash_password(password.to_string()).await?;
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, locked_until = NULL WHERE id = $3"
        )
        .bind(&hash)
        .bind(secs(now))
        .bind(target.id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        let ended = revoke_others(&mut tx, target.id, None, now).await?;
        audit_user(
            &mut tx,
            who,
            target,
            "user.reset_password",
            json!({ "sessions_ended": ended }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets an account's second factor (a lost phone): it enrols again at its next login
    /// where TOTP is mandatory. Ends its sessions; audited as `user.reset_totp`.
    pub async fn reset_staff_totp(
        &self,
        target: &StaffUser,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_enabled = $1, totp_last_step = NULL WHERE id = $2"
        )
        .bind(false)
        .bind(target.id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        let ended = revoke_others(&mut tx, target.id, None, now).await?;
        audit_user(
            &mut tx,
            who,
            target,
            "user.reset_totp",
            json!({ "sessions_ended": ended }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a facility makes TOTP mandatory for its operators.
    pub async fn operators_need_totp(&self, facility: FacilityId) -> Result<bool> {
        let v: Option<bool> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT operators_need_totp FROM facilities WHERE id = $1"
        )
        .bind(facility.0)
        .fetch_optional(p)
        .await)?;
        v.ok_or(StorageError::NotFound("facility"))
    }

    /// Makes TOTP mandatory (or optional) for a facility's operators; audited as
    /// `facility.operators_need_totp`.
    pub async fn set_operators_need_totp(
        &self,
        facility: FacilityId,
        on: bool,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = on_tx!(tx, |c| sqlx::query(
            "UPDATE facilities SET operators_need_totp = $1 WHERE id = $2"
        )
        .bind(on)
        .bind(facility.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StorageError::NotFound("facility"));
        }
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility),
                action: "facility.operators_need_totp",
                target_type: "facility",
                target_id: facility.0.to_string(),
                detail: json!({ "on": on }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
