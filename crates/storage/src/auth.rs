//! Staff accounts, password hashes and API tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use jenguk_domain::{FacilityId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{self, Audit, AuditEvent};
use crate::error::unique_as;
use crate::row::RowExt;
use crate::{Db, Result, StorageError, on_pool, on_tx, random_bytes, secs};

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// All facilities; creates facilities and facility administrators.
    NationalAdmin,
    /// One facility: staff, booths, templates, policy.
    FacilityAdmin,
    /// One facility: approvals, inmates, bookings, the day board.
    Operator,
    /// One facility: watches live visits, may end one; reads the day board.
    Officer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::NationalAdmin,
        Role::FacilityAdmin,
        Role::Operator,
        Role::Officer,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::NationalAdmin => "national_admin",
            Role::FacilityAdmin => "facility_admin",
            Role::Operator => "operator",
            Role::Officer => "officer",
        }
    }

    /// Inverse of [`Role::as_str`].
    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A staff account (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaffUser {
    /// Our id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// The facility it works at (none for a national administrator).
    pub facility_id: Option<FacilityId>,
}

impl StaffUser {
    /// Whether the user may act on a facility's records.
    pub fn can_access(&self, facility: FacilityId) -> bool {
        self.role == Role::NationalAdmin || self.facility_id == Some(facility)
    }
}

/// A freshly issued API token. The token itself is shown once; only its hash is stored.
pub struct TokenIssued {
    /// The bearer token.
    pub token: String,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Whose it is.
    pub user: StaffUser,
}

impl std::fmt::Debug for TokenIssued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssued")
            .field("token", &"…")
            .field("expires_at", &self.expires_at)
            .field("user", &self.user)
            .finish()
    }
}

/// A hash to verify against when the username is unknown, so that timing does not tell
/// which usernames exist.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0LyUnZJAHZFsSpPQcb/RiuF9WdD8T+8jdnAEULngcHI";

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_username(u: &str) -> Result<()> {
    let ok = (3..=40).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StorageError::Invalid("username"))
    }
}

pub(crate) async fn hash_password(password: String) -> Result<String> {
    let salt_bytes: [u8; 16] = random_bytes()?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&salt_bytes)
            .map_err(|e| StorageError::Internal(format!("salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StorageError::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| StorageError::Internal(format!("hash task: {e}")))?
}

pub(crate) async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A staff user from a row with `id, username, role, facility_id`.
pub(crate) fn user_row(r: &impl RowExt) -> Result<StaffUser> {
    user(r)
}

fn user(r: &impl RowExt) -> Result<StaffUser> {
    let role = r.string("role")?;
    Ok(StaffUser {
        id: UserId(r.i64("id")?),
        username: r.string("username")?,
        role: Role::parse(&role).ok_or(StorageError::Corrupt(role))?,
        facility_id: r.opt_i64("facility_id")?.map(FacilityId),
    })
}

impl Db {
    /// Creates a staff account. Passwords have at least 10 characters; every role but
    /// `national_admin` needs a facility.
    pub async fn create_user(
        &self,
        username: &str,
        password: &str,
        role: Role,
        facility_id: Option<FacilityId>,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<StaffUser> {
        let username = username.trim().to_ascii_lowercase();
        check_username(&username)?;
        if password.chars().count() < 10 {
            return Err(StorageError::Invalid("password_too_short"));
        }
        let facility_id = match (role, facility_id) {
            (Role::NationalAdmin, _) => None,
            (_, Some(f)) => Some(f),
            (_, None) => return Err(StorageError::Invalid("facility_required")),
        };
        if let Some(f) = facility_id {
            self.facility_by_id(f).await?;
        }
        let hash = hash_password(password.to_string()).await?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, facility_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(&username)
        .bind(&hash)
        .bind(role.as_str())
        .bind(facility_id.map(|f| f.0))
        .bind(true)
        .bind(secs(now))
        .fetch_one(&mut *c)
        .await
        .map_err(unique_as("username_taken"))
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id,
                action: "user.create",
                target_type: "user",
                target_id: id.to_string(),
                detail: json!({ "username": username, "role": role.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(StaffUser {
            id: UserId(id),
            username,
            role,
            facility_id,
        })
    }

    /// Checks a username and password and issues an API token valid for `ttl`. Unknown
    /// users take as long as known ones, and failures count toward the same lockout as the
    /// console's login (a locked account gets no token, whatever the password). API tokens
    /// take no second factor.
    pub async fn issue_token(
        &self,
        username: &str,
        password: &str,
        ttl: SignedDuration,
        source: Option<String>,
        now: Timestamp,
    ) -> Result<TokenIssued> {
        let now = crate::whole_seconds(now);
        let u = match self
            .staff_login(username, password, source.clone(), now)
            .await?
        {
            crate::staff_login::LoginOutcome::Ok(account) => account.user,
            crate::staff_login::LoginOutcome::Wrong
            | crate::staff_login::LoginOutcome::Locked(_) => {
                return Err(StorageError::Unauthorized);
            }
        };
        let raw: [u8; 32] = random_bytes()?;
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        let expires_at = now
            .checked_add(ttl)
            .map_err(|e| StorageError::Internal(e.to_string()))?;
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| {
            sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
        )
        .bind(token_hash(&token))
        .bind(u.id.0)
        .bind(secs(now))
        .bind(secs(expires_at))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        audit::write(
            &mut tx,
            &AuditEvent::staff(u.id, source),
            now,
            Audit {
                facility_id: u.facility_id,
                action: "auth.token",
                target_type: "user",
                target_id: u.id.0.to_string(),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(TokenIssued {
            token,
            expires_at,
            user: u,
        })
    }

    /// The active user with this username and password; unknown users take as long as
    /// known ones, and both answer `Unauthorized`.
    pub async fn check_password(&self, username: &str, password: &str) -> Result<StaffUser> {
        let username = username.trim().to_ascii_lowercase();
        let found: Option<(StaffUser, String)> = on_pool!(self, |p| {
            let row = sqlx::query(
                "SELECT id, username, role, facility_id, password_hash FROM users WHERE username = $1 AND active = $2",
            )
            .bind(&username)
            .bind(true)
            .fetch_optional(p)
            .await?;
            row.map(|r| Ok::<_, StorageError>((user(&r)?, r.string("password_hash")?)))
                .transpose()
        })?;
        let hash = found
            .as_ref()
            .map_or(DUMMY_HASH.to_string(), |(_, h)| h.clone());
        let ok = verify_password(password.to_string(), hash).await;
        match found.filter(|_| ok) {
            Some((u, _)) => Ok(u),
            None => Err(StorageError::Unauthorized),
        }
    }

    /// The user a bearer token belongs to, if it is known and not expired.
    pub async fn user_for_token(&self, token: &str, now: Timestamp) -> Result<Option<StaffUser>> {
        if token.len() > 200 {
            return Ok(None);
        }
        let hash = token_hash(token);
        on_pool!(self, |p| {
            let row = sqlx::query(
                "SELECT u.id, u.username, u.role, u.facility_id FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = $1 AND t.expires_at > $2 AND u.active = $3",
            )
            .bind(&hash)
            .bind(secs(now))
            .bind(true)
            .fetch_optional(p)
            .await?;
            row.map(|r| user(&r)).transpose()
        })
    }

    /// Staff accounts, by username.
    pub async fn users(&self) -> Result<Vec<StaffUser>> {
        on_pool!(self, |p| {
            let rows =
                sqlx::query("SELECT id, username, role, facility_id FROM users ORDER BY username")
                    .fetch_all(p)
                    .await?;
            rows.iter().map(user).collect()
        })
    }
}
