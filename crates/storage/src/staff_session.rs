//! Staff console sessions: a cookie token (only its hash is stored) with its CSRF token, a
//! stage (`password`: the password was right and the second factor is still due; `ok`: signed
//! in), an idle timeout and an absolute lifetime; revocable one by one or all at once.

use base64::Engine;
use jenguk_domain::{FacilityId, UserId};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{self, Audit, AuditEvent};
use crate::auth::StaffUser;
use crate::row::RowExt;
use crate::{Db, Result, StorageError, on_pool, on_tx, random_bytes, secs};

/// A staff session ends after this long without a request.
pub const STAFF_IDLE_SECS: i64 = 30 * 60;
/// And at the latest this long after login.
pub const STAFF_MAX_SECS: i64 = 12 * 3600;

/// How far a login has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Password right; the TOTP code (or its enrolment) is still due.
    Password,
    /// Fully signed in.
    Ok,
}

impl SessionStage {
    fn as_str(self) -> &'static str {
        match self {
            SessionStage::Password => "password",
            SessionStage::Ok => "ok",
        }
    }
}

/// A live staff session.
#[derive(Debug, Clone)]
pub struct StaffSession {
    /// Whose.
    pub user: StaffUser,
    /// The token every form carries.
    pub csrf: String,
    /// How far the login has come.
    pub stage: SessionStage,
    /// When it started.
    pub created_at: Timestamp,
}

/// A new session: the cookie value (shown once) and the session.
pub struct NewStaffSession {
    /// The cookie's value.
    pub token: String,
    /// The session.
    pub session: StaffSession,
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn token() -> Result<String> {
    let raw: [u8; 32] = random_bytes()?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
}

impl Db {
    /// Opens a session for a staff user whose password was just checked; audited as
    /// `auth.login`.
    pub async fn create_staff_session(
        &self,
        user: &StaffUser,
        stage: SessionStage,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<NewStaffSession> {
        let t = token()?;
        let csrf = token()?;
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| {
            sqlx::query(
                "INSERT INTO staff_sessions (token_hash, user_id, csrf, stage, source, created_at, last_seen_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
            )
            .bind(hash(&t))
            .bind(user.id.0)
            .bind(&csrf)
            .bind(stage.as_str())
            .bind(source.as_deref())
            .bind(secs(now))
            .bind(secs(now) + STAFF_IDLE_SECS)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        audit::write(
            &mut tx,
            &AuditEvent::staff(user.id, source),
            now,
            Audit {
                facility_id: user.facility_id,
                action: "auth.login",
                target_type: "user",
                target_id: user.id.0.to_string(),
                detail: json!({ "stage": stage.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(NewStaffSession {
            token: t,
            session: StaffSession {
                user: user.clone(),
                csrf,
                stage,
                created_at: now,
            },
        })
    }

    /// The live session of a cookie value (its user active), kept alive by use.
    pub async fn staff_session(&self, token: &str, now: Timestamp) -> Result<Option<StaffSession>> {
        if token.is_empty() || token.len() > 100 {
            return Ok(None);
        }
        let h = hash(token);
        let row = on_pool!(self, |p| {
            let r = sqlx::query(
                "SELECT u.id, u.username, u.role, u.facility_id, s.csrf, s.stage, s.created_at, s.last_seen_at
                 FROM staff_sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
                   AND s.created_at > $3 AND u.active = $4",
            )
            .bind(&h)
            .bind(secs(now))
            .bind(secs(now) - STAFF_MAX_SECS)
            .bind(true)
            .fetch_optional(p)
            .await?;
            r.map(|r| {
                let user = crate::auth::user_row(&r)?;
                let stage = match r.string("stage")?.as_str() {
                    "ok" => SessionStage::Ok,
                    _ => SessionStage::Password,
                };
                Ok::<_, StorageError>((
                    StaffSession {
                        user,
                        csrf: r.string("csrf")?,
                        stage,
                        created_at: r.timestamp("created_at")?,
                    },
                    r.i64("last_seen_at")?,
                ))
            })
            .transpose()
        })?;
        let Some((session, seen)) = row else {
            return Ok(None);
        };
        // Sliding idle expiry, written at most once a minute.
        if secs(now) - seen > 60 {
            on_pool!(self, |p| {
                sqlx::query(
                    "UPDATE staff_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3",
                )
                .bind(secs(now))
                .bind(secs(now) + STAFF_IDLE_SECS)
                .bind(&h)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
            })?;
        }
        Ok(Some(session))
    }

    /// Moves a session to another stage (after the second factor), with a fresh token: the
    /// caller sets the new cookie. The old token stops working.
    pub async fn promote_staff_session(
        &self,
        token: &str,
        stage: SessionStage,
        now: Timestamp,
    ) -> Result<NewStaffSession> {
        let Some(old) = self.staff_session(token, now).await? else {
            return Err(StorageError::Unauthorized);
        };
        self.revoke_staff_session(token, now).await?;
        let t = self::token()?;
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO staff_sessions (token_hash, user_id, csrf, stage, source, created_at, last_seen_at, expires_at)
                 SELECT $1, $2, $3, $4, source, $5, $6, $7 FROM staff_sessions WHERE token_hash = $8",
            )
            .bind(hash(&t))
            .bind(old.user.id.0)
            .bind(&old.csrf)
            .bind(stage.as_str())
            .bind(secs(old.created_at))
            .bind(secs(now))
            .bind(secs(now) + STAFF_IDLE_SECS)
            .bind(hash(token))
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(NewStaffSession {
            token: t,
            session: StaffSession { stage, ..old },
        })
    }

    /// Ends one session (log out).
    pub async fn revoke_staff_session(&self, token: &str, now: Timestamp) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE staff_sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL"
        )
        .bind(secs(now))
        .bind(hash(token))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Ends every session of a user (log out everywhere, password change); returns how many.
    pub async fn revoke_all_staff_sessions(&self, user: UserId, now: Timestamp) -> Result<u64> {
        let n = on_pool!(self, |p| {
            sqlx::query(
            "UPDATE staff_sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL"
        )
        .bind(secs(now))
        .bind(user.0)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n)
    }

    /// Logs out: ends the session of this cookie value, audited as `auth.logout`.
    pub async fn staff_logout(
        &self,
        user: &StaffUser,
        token: &str,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| sqlx::query(
            "UPDATE staff_sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL"
        )
        .bind(secs(now))
        .bind(hash(token))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        audit::write(
            &mut tx,
            &AuditEvent::staff(user.id, source),
            now,
            Audit {
                facility_id: user.facility_id,
                action: "auth.logout",
                target_type: "user",
                target_id: user.id.0.to_string(),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Logs out everywhere: ends every session of the user, this one included; audited as
    /// `auth.logout_all`. Returns how many sessions ended.
    pub async fn staff_logout_all(
        &self,
        user: &StaffUser,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = revoke_others(&mut tx, user.id, None, now).await?;
        audit::write(
            &mut tx,
            &AuditEvent::staff(user.id, source),
            now,
            Audit {
                facility_id: user.facility_id,
                action: "auth.logout_all",
                target_type: "user",
                target_id: user.id.0.to_string(),
                detail: json!({ "sessions_ended": n }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Writes one audit event on its own: a refused request, a view of a family's personal
    /// data. Actions that change data write theirs in their own transaction instead.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_audit(
        &self,
        who: &AuditEvent,
        facility_id: Option<FacilityId>,
        action: &str,
        target_type: &str,
        target_id: &str,
        detail: serde_json::Value,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id,
                action,
                target_type,
                target_id: target_id.to_string(),
                detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Ends every live session of a user but the one with `keep` (its cookie value), in the
/// caller's transaction; returns how many ended.
pub(crate) async fn revoke_others(
    tx: &mut crate::Tx,
    user: UserId,
    keep: Option<&str>,
    now: Timestamp,
) -> Result<u64> {
    let keep = keep.map(hash).unwrap_or_default();
    on_tx!(tx, |c| sqlx::query(
        "UPDATE staff_sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND token_hash <> $3"
    )
    .bind(secs(now))
    .bind(user.0)
    .bind(&keep)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(StorageError::from)
}
