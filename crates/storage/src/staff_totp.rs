//! The second factor (TOTP) of staff accounts: the secret (pending until a first code
//! confirms it), whether it is enabled, and the last accepted time step, so that a code is
//! never accepted twice. The TOTP arithmetic lives in the web layer. The secret is stored as
//! written (base32), not encrypted: it is never shown again after enrolment, and the database
//! must be protected like the password hashes.

use jenguk_domain::UserId;
use jiff::Timestamp;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::auth::StaffUser;
use crate::staff_login::count_failure;
use crate::{Db, Result, StorageError, on_pool, on_tx};

/// The second-factor state of an account.
#[derive(Debug, Clone)]
pub struct TotpAccount {
    /// Who.
    pub user: StaffUser,
    /// The secret (base32): pending while not enabled.
    pub secret: Option<String>,
    /// Whether the secret is confirmed and asked at every login.
    pub enabled: bool,
    /// Whether TOTP is mandatory for this account.
    pub required: bool,
    /// The last time step accepted (a code is never accepted twice).
    pub last_step: Option<i64>,
    /// Locked until then after too many failures.
    pub locked_until: Option<Timestamp>,
}

impl TotpAccount {
    /// Whether a mandatory second factor still has to be enrolled.
    pub fn enrolment_due(&self) -> bool {
        self.required && !self.enabled
    }
}

impl Db {
    /// Accepts a right code of time step `step`, once: false if a code of this step (or a
    /// later one) was accepted before. Resets the failure count; audited as `auth.totp_ok`.
    pub async fn accept_totp(
        &self,
        user: &StaffUser,
        step: i64,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE users SET totp_last_step = $1, failed_logins = 0, locked_until = NULL
             WHERE id = $2 AND totp_enabled = $3 AND (totp_last_step IS NULL OR totp_last_step < $1)"
        )
        .bind(step)
        .bind(user.id.0)
        .bind(true)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Ok(false);
        }
        audit::write(
            &mut tx,
            &AuditEvent::staff(user.id, source),
            now,
            Audit {
                facility_id: user.facility_id,
                action: "auth.totp_ok",
                target_type: "user",
                target_id: user.id.0.to_string(),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Counts a wrong (or reused) code: returns the lock if this failure locks the account.
    pub async fn totp_failed(
        &self,
        user: &StaffUser,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<Option<Timestamp>> {
        let mut tx = self.begin().await?;
        let lock = count_failure(
            &mut tx,
            user,
            "totp",
            &AuditEvent::staff(user.id, source),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(lock)
    }

    /// The pending (not yet confirmed) secret of an account without TOTP: the one stored, or
    /// `fresh` stored now. `None` once TOTP is enabled: the secret is never shown again.
    pub async fn pending_totp_secret(&self, user: UserId, fresh: &str) -> Result<Option<String>> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_enabled = $3 AND totp_secret IS NULL",
            )
            .bind(fresh)
            .bind(user.0)
            .bind(false)
            .execute(p)
            .await?;
            let r: Option<(Option<String>, bool)> =
                sqlx::query_as("SELECT totp_secret, totp_enabled FROM users WHERE id = $1")
                    .bind(user.0)
                    .fetch_optional(p)
                    .await?;
            Ok::<_, StorageError>(r.and_then(|(s, enabled)| s.filter(|_| !enabled)))
        })
    }

    /// Enables the pending secret after a first right code of step `step` (which counts as
    /// used). False if the pending secret changed meanwhile or TOTP is already on. Audited as
    /// `auth.totp_enrolled`.
    pub async fn enable_totp(
        &self,
        user: &StaffUser,
        secret: &str,
        step: i64,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE users SET totp_enabled = $1, totp_last_step = $2, failed_logins = 0, locked_until = NULL
             WHERE id = $3 AND totp_enabled = $4 AND totp_secret = $5"
        )
        .bind(true)
        .bind(step)
        .bind(user.id.0)
        .bind(false)
        .bind(secret)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Ok(false);
        }
        audit::write(
            &mut tx,
            &AuditEvent::staff(user.id, source),
            now,
            Audit {
                facility_id: user.facility_id,
                action: "auth.totp_enrolled",
                target_type: "user",
                target_id: user.id.0.to_string(),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
