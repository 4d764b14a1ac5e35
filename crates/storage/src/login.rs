//! One-time login codes for families: 6 digits, valid 5 minutes, stored as a keyed hash, at
//! most 5 tries, rate-limited per phone and per address, sent through the outbox.

use hmac::{Hmac, Mac};
use jenguk_domain::PhoneNumber;
use jiff::Timestamp;
use serde_json::json;
use sha2::Sha256;

use crate::outbox::{MessageKind, NewMessage, enqueue};
use crate::row::RowExt;
use crate::{Db, Result, StorageError, on_tx, random_bytes, secs};

/// How long a code is valid.
pub const CODE_TTL_SECS: i64 = 5 * 60;
/// Wrong tries before a code is dead.
pub const MAX_TRIES: i64 = 5;
/// Codes per phone number per 15 minutes.
pub const PER_PHONE_PER_15_MIN: i64 = 3;
/// Codes per client address per hour.
pub const PER_IP_PER_HOUR: i64 = 10;

impl Db {
    fn code_hash(&self, phone: &PhoneNumber, code: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.nik_key[..]) else {
            return String::new();
        };
        mac.update(b"login-code:");
        mac.update(phone.as_e164().as_bytes());
        mac.update(b":");
        mac.update(code.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Creates a login code for a phone number and enqueues it for WhatsApp in the same
    /// transaction. Refused with `RateLimited` past the limits.
    pub async fn create_login_code(
        &self,
        phone: &PhoneNumber,
        ip: Option<&str>,
        lang: &str,
        now: Timestamp,
    ) -> Result<()> {
        let code = loop {
            let b: [u8; 4] = random_bytes()?;
            let v = u32::from_be_bytes(b);
            // Rejection sampling: no bias toward low codes.
            if v < 4_294_000_000 {
                break format!("{:06}", v % 1_000_000);
            }
        };
        let hash = self.code_hash(phone, &code);
        let mut tx = self.begin().await?;
        let (per_phone, per_ip): (i64, i64) = on_tx!(tx, |c| {
            let a: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_codes WHERE phone = $1 AND created_at > $2",
            )
            .bind(phone.as_e164())
            .bind(secs(now) - 15 * 60)
            .fetch_one(&mut *c)
            .await?;
            let b: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_codes WHERE ip = $1 AND created_at > $2",
            )
            .bind(ip.unwrap_or("-"))
            .bind(secs(now) - 3600)
            .fetch_one(&mut *c)
            .await?;
            Ok::<_, StorageError>((a, b))
        })?;
        if per_phone >= PER_PHONE_PER_15_MIN {
            return Err(StorageError::RateLimited("login_code_phone"));
        }
        if ip.is_some() && per_ip >= PER_IP_PER_HOUR {
            return Err(StorageError::RateLimited("login_code_ip"));
        }
        let id: i64 = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO login_codes (phone, code_hash, ip, created_at, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0) RETURNING id"
        )
        .bind(phone.as_e164())
        .bind(&hash)
        .bind(ip)
        .bind(secs(now))
        .bind(secs(now) + CODE_TTL_SECS)
        .fetch_one(&mut *c)
        .await
        })?;
        enqueue(
            &mut tx,
            now,
            &NewMessage {
                key: format!("login:{id}"),
                facility_id: None,
                recipient: phone.clone(),
                kind: MessageKind::LoginCode,
                lang: lang.to_string(),
                params: json!({ "code": code, "minutes": CODE_TTL_SECS / 60 }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a login code: the newest live code of the number. A wrong code counts a try;
    /// the right one is used up.
    pub async fn verify_login_code(
        &self,
        phone: &PhoneNumber,
        code: &str,
        now: Timestamp,
    ) -> Result<()> {
        let code: String = code
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let mut tx = self.begin().await?;
        let row = on_tx!(tx, |c| {
            let r = sqlx::query(
                "SELECT id, code_hash, expires_at, attempts, used_at FROM login_codes WHERE phone = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(phone.as_e164())
            .fetch_optional(&mut *c)
            .await?;
            r.map(|r| {
                Ok::<_, StorageError>((
                    r.i64("id")?,
                    r.string("code_hash")?,
                    r.i64("expires_at")?,
                    r.i64("attempts")?,
                    r.opt_i64("used_at")?,
                ))
            })
            .transpose()
        })?;
        let Some((id, hash, expires_at, attempts, used_at)) = row else {
            return Err(StorageError::Invalid("code_wrong"));
        };
        if used_at.is_some() || expires_at <= secs(now) {
            return Err(StorageError::Invalid("code_expired"));
        }
        if attempts >= MAX_TRIES {
            return Err(StorageError::RateLimited("code_tries"));
        }
        let given = self.code_hash(phone, &code);
        let ok = code.len() == 6
            && given.len() == hash.len()
            && given
                .bytes()
                .zip(hash.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if ok {
            on_tx!(tx, |c| sqlx::query(
                "UPDATE login_codes SET used_at = $1 WHERE id = $2"
            )
            .bind(secs(now))
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        } else {
            on_tx!(tx, |c| sqlx::query(
                "UPDATE login_codes SET attempts = attempts + 1 WHERE id = $1"
            )
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        if ok {
            Ok(())
        } else if attempts + 1 >= MAX_TRIES {
            Err(StorageError::RateLimited("code_tries"))
        } else {
            Err(StorageError::Invalid("code_wrong"))
        }
    }
}
