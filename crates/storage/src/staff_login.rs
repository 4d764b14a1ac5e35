//! Console login: the password check with lockout and backoff, and the password change
//! (the second factor's state is in `staff_totp.rs`).
//!
//! Failed password and TOTP attempts count per account (`users.failed_logins`); from the
//! fifth the account is locked for a minute, doubling per further failure up to an hour;
//! a full login resets the count. Unknown usernames are counted the same way in
//! `login_failures`, so that the answers (wrong, locked, and the time it takes) never tell
//! whether a username exists.

use jenguk_domain::UserId;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::auth::{Role, StaffUser, hash_password, user_row, verify_password};
use crate::row::RowExt;
use crate::staff_totp::TotpAccount;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// Failures before an account is locked.
pub const LOCK_AFTER: i64 = 5;
/// The first lock's length; it doubles with every further failure.
pub const LOCK_FIRST_SECS: i64 = 60;
/// The longest lock.
pub const LOCK_MAX_SECS: i64 = 3600;

/// How long an account is locked after `failures` failed attempts in a row (none below 5).
pub fn lock_secs(failures: i64) -> Option<i64> {
    if failures < LOCK_AFTER {
        return None;
    }
    let doublings = u32::try_from(failures - LOCK_AFTER)
        .unwrap_or(u32::MAX)
        .min(12);
    Some((LOCK_FIRST_SECS << doublings).min(LOCK_MAX_SECS))
}

/// An account whose password was right.
#[derive(Debug, Clone)]
pub struct LoginAccount {
    /// Who.
    pub user: StaffUser,
    /// Whether a TOTP secret is enrolled.
    pub totp_enabled: bool,
    /// Whether the role (or the facility, for operators) makes TOTP mandatory.
    pub totp_required: bool,
}

impl LoginAccount {
    /// Whether a code (or its enrolment) is due before the session opens.
    pub fn second_factor_due(&self) -> bool {
        self.totp_enabled || self.totp_required
    }
}

/// What a password check answers.
#[derive(Debug, Clone)]
pub enum LoginOutcome {
    /// The password is right.
    Ok(LoginAccount),
    /// Wrong username or password (counted).
    Wrong,
    /// Too many failures: refused until then, whatever the password.
    Locked(Timestamp),
}

/// The account columns, then the condition on `$1`.
macro_rules! account_sql {
    ($cond:literal) => {
        concat!(
            "SELECT u.id, u.username, u.role, u.facility_id, u.password_hash, u.totp_secret, ",
            "u.totp_enabled, u.totp_last_step, u.locked_until, ",
            "COALESCE(f.operators_need_totp, $2) AS facility_totp ",
            "FROM users u LEFT JOIN facilities f ON f.id = u.facility_id ",
            "WHERE u.active = $3 AND ",
            $cond
        )
    };
}

pub(crate) fn required(role: Role, facility_totp: bool) -> bool {
    match role {
        Role::NationalAdmin | Role::FacilityAdmin => true,
        Role::Operator => facility_totp,
        Role::Officer => false,
    }
}

fn totp_account(r: &impl RowExt) -> Result<TotpAccount> {
    let user = user_row(r)?;
    let locked = r.opt_i64("locked_until")?;
    Ok(TotpAccount {
        required: required(user.role, r.bool("facility_totp")?),
        user,
        secret: r.opt_string("totp_secret")?,
        enabled: r.bool("totp_enabled")?,
        last_step: r.opt_i64("totp_last_step")?,
        locked_until: locked.and_then(|s| Timestamp::from_second(s).ok()),
    })
}

fn locked_at(until: Option<Timestamp>, now: Timestamp) -> Option<Timestamp> {
    until.filter(|u| *u > now)
}

/// Counts a failure of a known account in the caller's transaction: returns the new lock,
/// if this failure locks it, and writes `auth.login_failed` (and `auth.locked`).
pub(crate) async fn count_failure(
    tx: &mut Tx,
    user: &StaffUser,
    factor: &str,
    who: &AuditEvent,
    now: Timestamp,
) -> Result<Option<Timestamp>> {
    let n: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING CAST(failed_logins AS BIGINT)"
    )
    .bind(user.id.0)
    .fetch_one(&mut *c)
    .await
    })?;
    let target = user.id.0.to_string();
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: user.facility_id,
            action: "auth.login_failed",
            target_type: "user",
            target_id: target.clone(),
            detail: json!({ "factor": factor, "failures": n }),
        },
    )
    .await?;
    let Some(lock) = lock_secs(n) else {
        return Ok(None);
    };
    let until = now
        .checked_add(SignedDuration::from_secs(lock))
        .map_err(|e| StorageError::Internal(e.to_string()))?;
    on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET locked_until = $1 WHERE id = $2"
    )
    .bind(secs(until))
    .bind(user.id.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    audit::write(
        tx,
        who,
        now,
        Audit {
            facility_id: user.facility_id,
            action: "auth.locked",
            target_type: "user",
            target_id: target,
            detail: json!({ "seconds": lock, "failures": n }),
        },
    )
    .await?;
    Ok(Some(until))
}

impl Db {
    /// Checks a console login. A locked account is refused whatever the password; a wrong
    /// password is counted (and may lock); unknown usernames are counted alike and every
    /// path verifies one password hash, so neither answer nor time tells a username exists.
    /// A right password resets the count only when no second factor is due (otherwise the
    /// TOTP step does), so re-entering the password never buys more code guesses.
    pub async fn staff_login(
        &self,
        username: &str,
        password: &str,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<LoginOutcome> {
        let username = username.trim().to_ascii_lowercase();
        let found = on_pool!(self, |p| {
            let row = sqlx::query(account_sql!("u.username = $1"))
                .bind(&username)
                .bind(false)
                .bind(true)
                .fetch_optional(p)
                .await?;
            row.map(|r| Ok::<_, StorageError>((totp_account(&r)?, r.string("password_hash")?)))
                .transpose()
        })?;
        let Some((account, hash)) = found else {
            let _ = verify_password(password.to_string(), crate::auth::DUMMY_HASH.into()).await;
            return self.unknown_login_failed(&username, source, now).await;
        };
        let ok = verify_password(password.to_string(), hash).await;
        if let Some(until) = locked_at(account.locked_until, now) {
            return Ok(LoginOutcome::Locked(until));
        }
        let user = account.user.clone();
        let who = AuditEvent::staff(user.id, source);
        if !ok {
            let mut tx = self.begin().await?;
            let lock = count_failure(&mut tx, &user, "password", &who, now).await?;
            tx.commit().await?;
            return Ok(lock.map_or(LoginOutcome::Wrong, LoginOutcome::Locked));
        }
        let login = LoginAccount {
            user,
            totp_enabled: account.enabled,
            totp_required: account.required,
        };
        if !login.second_factor_due() {
            self.reset_failures(login.user.id).await?;
        }
        Ok(LoginOutcome::Ok(login))
    }

    async fn unknown_login_failed(
        &self,
        username: &str,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<LoginOutcome> {
        let name: String = username.chars().take(60).collect();
        let mut tx = self.begin().await?;
        let (n, locked): (i64, Option<i64>) = on_tx!(tx, |c| {
            sqlx::query("DELETE FROM login_failures WHERE updated_at < $1")
                .bind(secs(now) - 86_400)
                .execute(&mut *c)
                .await?;
            sqlx::query_as(
                "INSERT INTO login_failures (username, failed_logins, locked_until, updated_at)
                 VALUES ($1, 1, NULL, $2)
                 ON CONFLICT (username) DO UPDATE SET
                   failed_logins = CASE WHEN login_failures.locked_until > $2
                                   THEN login_failures.failed_logins
                                   ELSE login_failures.failed_logins + 1 END,
                   updated_at = $2
                 RETURNING CAST(failed_logins AS BIGINT), locked_until",
            )
            .bind(&name)
            .bind(secs(now))
            .fetch_one(&mut *c)
            .await
        })?;
        let outcome = match locked.filter(|l| *l > secs(now)) {
            Some(l) => LoginOutcome::Locked(
                Timestamp::from_second(l).map_err(|e| StorageError::Internal(e.to_string()))?,
            ),
            None => match lock_secs(n) {
                Some(lock) => {
                    on_tx!(tx, |c| sqlx::query(
                        "UPDATE login_failures SET locked_until = $1 WHERE username = $2"
                    )
                    .bind(secs(now) + lock)
                    .bind(&name)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected()))?;
                    LoginOutcome::Locked(
                        Timestamp::from_second(secs(now) + lock)
                            .map_err(|e| StorageError::Internal(e.to_string()))?,
                    )
                }
                None => LoginOutcome::Wrong,
            },
        };
        audit::write(
            &mut tx,
            &AuditEvent {
                user_id: None,
                source,
            },
            now,
            Audit {
                facility_id: None,
                action: "auth.login_failed",
                target_type: "username",
                target_id: name.clone(),
                detail: json!({ "factor": "password", "failures": n }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn reset_failures(&self, user: UserId) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1"
        )
        .bind(user.0)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The second-factor state of an active account.
    pub async fn totp_account(&self, user: UserId) -> Result<TotpAccount> {
        on_pool!(self, |p| {
            let row = sqlx::query(account_sql!("u.id = $1"))
                .bind(user.0)
                .bind(false)
                .bind(true)
                .fetch_optional(p)
                .await?;
            row.map(|r| totp_account(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("user"))
        })
    }

    /// Changes one's own password: the current one must be right, the new one has at least
    /// 10 characters and is not the username. Ends the user's other sessions (the one with
    /// `keep_token` stays); audited as `auth.password_changed`.
    pub async fn change_password(
        &self,
        user: &StaffUser,
        current: &str,
        new: &str,
        keep_token: &str,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<u64> {
        check_new_password(&user.username, new)?;
        let hash: Option<String> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT password_hash FROM users WHERE id = $1 AND active = $2"
        )
        .bind(user.id.0)
        .bind(true)
        .fetch_optional(p)
        .await)?;
        let hash = hash.ok_or(StorageError::NotFound("user"))?;
        if !verify_password(current.to_string(), hash).await {
            return Err(StorageError::Invalid("current_password_wrong"));
        }
        let new_hash = hash_password(new.to_string()).await?;
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3"
        )
        .bind(&new_hash)
        .bind(secs(now))
        .bind(user.id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let ended =
            crate::staff_session::revoke_others(&mut tx, user.id, Some(keep_token), now).await?;
        audit::write(
            &mut tx,
            &AuditEvent::staff(user.id, source),
            now,
            Audit {
                facility_id: user.facility_id,
                action: "auth.password_changed",
                target_type: "user",
                target_id: user.id.0.to_string(),
                detail: json!({ "sessions_ended": ended }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }
}

/// A new password: at least 10 characters, not the username.
pub(crate) fn check_new_password(username: &str, new: &str) -> Result<()> {
    if new.chars().count() < 10 {
        return Err(StorageError::Invalid("password_too_short"));
    }
    if new.trim().eq_ignore_ascii_case(username) {
        return Err(StorageError::Invalid("password_is_username"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::lock_secs;

    #[test]
    fn locks_from_the_fifth_failure_doubling_up_to_an_hour() {
        assert_eq!(lock_secs(4), None);
        assert_eq!(lock_secs(5), Some(60));
        assert_eq!(lock_secs(6), Some(120));
        assert_eq!(lock_secs(10), Some(1920));
        assert_eq!(lock_secs(11), Some(3600));
        assert_eq!(lock_secs(500), Some(3600));
    }
}
