//! Video visits: booth kiosks (pairing, device tokens, heartbeats), what happened in each
//! visit's call, and the make-up seconds given back for time lost to a dropped connection.
//!
//! A kiosk is created unpaired, with a short pairing code it shows on its screen and a long
//! device token kept in its cookie (only the token's SHA-256 is stored). An administrator
//! binds the pairing code to a booth; from then on the token identifies the booth's kiosk
//! until it is revoked.

use base64::Engine;
use jenguk_domain::{BoothId, FacilityId, InmateId, UserId, VisitId, VisitStatus};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{self, Audit, AuditEvent};
use crate::row::RowExt;
use crate::{Db, Result, StorageError, on_pool, on_tx, random_bytes, secs};

mod calls;

pub use calls::MAKEUP_DEFAULT_LIMIT_MINUTES;

/// How long a kiosk's pairing code can be used (a new one is drawn after).
pub const PAIRING_CODE_SECS: i64 = 15 * 60;
/// Characters of a pairing code (Crockford base32: 30 bits, for an administrator to type).
const PAIRING_CODE_LEN: usize = 6;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A booth kiosk as stored (never its token).
#[derive(Debug, Clone, serde::Serialize)]
pub struct KioskDevice {
    /// Our id.
    pub id: i64,
    /// The facility, once paired.
    pub facility_id: Option<FacilityId>,
    /// The booth, once paired.
    pub booth_id: Option<BoothId>,
    /// The code shown on an unpaired kiosk.
    pub pairing_code: Option<String>,
    /// Until when the pairing code can be used.
    pub pairing_expires_at: Option<Timestamp>,
    /// When the kiosk first asked.
    pub created_at: Timestamp,
    /// When an administrator bound it to its booth.
    pub paired_at: Option<Timestamp>,
    /// Who bound it.
    pub paired_by: Option<UserId>,
    /// When it was revoked (its token no longer works).
    pub revoked_at: Option<Timestamp>,
    /// Its last heartbeat.
    pub last_seen_at: Option<Timestamp>,
}

impl KioskDevice {
    /// Paired and not revoked: the kiosk of its booth.
    pub fn is_active(&self) -> bool {
        self.booth_id.is_some() && self.revoked_at.is_none()
    }
}

/// One thing that happened in a visit's call.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MediaEventRow {
    /// When.
    pub at: Timestamp,
    /// `family`, `kiosk` or `monitor` (none for the room itself).
    pub role: Option<String>,
    /// `joined`, `connected`, `disconnected`, `left`, `quality`, `closed`, `makeup`.
    pub kind: String,
    /// Details (quality figures, why a room closed, seconds given back).
    pub detail: serde_json::Value,
}

/// What the room of a visit needs to know to place its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallTimes {
    /// The visit's status.
    pub status: VisitStatus,
    /// Slot start.
    pub start: Timestamp,
    /// Slot end as stored.
    pub end: Timestamp,
    /// The extension granted by staff on the day board (`visits.extra_minutes`), in seconds.
    pub extension_seconds: i64,
    /// Seconds given back for dropped connections.
    pub makeup_seconds: i64,
}

impl CallTimes {
    /// When the call ends: the slot's end, plus any extension and make-up time.
    pub fn ends_at(&self) -> Timestamp {
        let extra = self.extension_seconds.max(0) + self.makeup_seconds.max(0);
        Timestamp::from_second(self.end.as_second() + extra).unwrap_or(self.end)
    }
}

/// The next visit of a booth, for the kiosk's idle screen (the inmate, never the family).
#[derive(Debug, Clone)]
pub struct BoothVisit {
    /// The visit.
    pub visit_id: VisitId,
    /// The inmate.
    pub inmate_id: InmateId,
    /// Slot start.
    pub start: Timestamp,
    /// Its times.
    pub times: CallTimes,
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn device_token() -> Result<String> {
    let raw: [u8; 32] = random_bytes()?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
}

fn pairing_code() -> Result<String> {
    let raw: [u8; PAIRING_CODE_LEN] = random_bytes()?;
    Ok(raw
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect())
}

/// A pairing code as typed: case and separators ignored.
pub fn normalise_pairing_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

const SELECT_KIOSK: &str = "SELECT id, facility_id, booth_id, pairing_code, pairing_expires_at, created_at, paired_at, paired_by, revoked_at, last_seen_at FROM kiosk_devices";

fn opt_ts(r: &impl RowExt, col: &str) -> Result<Option<Timestamp>> {
    r.opt_i64(col)?
        .map(|s| {
            Timestamp::from_second(s).map_err(|e| StorageError::Corrupt(format!("{col}: {e}")))
        })
        .transpose()
}

fn kiosk(r: &impl RowExt) -> Result<KioskDevice> {
    Ok(KioskDevice {
        id: r.i64("id")?,
        facility_id: r.opt_i64("facility_id")?.map(FacilityId),
        booth_id: r.opt_i64("booth_id")?.map(BoothId),
        pairing_code: r.opt_string("pairing_code")?,
        pairing_expires_at: opt_ts(r, "pairing_expires_at")?,
        created_at: r.timestamp("created_at")?,
        paired_at: opt_ts(r, "paired_at")?,
        paired_by: r.opt_i64("paired_by")?.map(UserId),
        revoked_at: opt_ts(r, "revoked_at")?,
        last_seen_at: opt_ts(r, "last_seen_at")?,
    })
}

impl Db {
    /// A new, unpaired kiosk: its record and its device token (shown once, for its cookie).
    pub async fn create_kiosk(&self, now: Timestamp) -> Result<(KioskDevice, String)> {
        let token = device_token()?;
        for _ in 0..5 {
            let code = pairing_code()?;
            let r = on_pool!(self, |p| {
                sqlx::query(
                    "INSERT INTO kiosk_devices (pairing_code, pairing_expires_at, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&code)
                .bind(secs(now) + PAIRING_CODE_SECS)
                .bind(hash(&token))
                .bind(secs(now))
                .fetch_one(p)
                .await
                .map(|r| r.i64("id"))
            });
            match r {
                Ok(id) => return Ok((self.kiosk(id?).await?, token)),
                Err(e) if matches!(&e, sqlx::Error::Database(d) if d.is_unique_violation()) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Err(StorageError::Internal("no free pairing code".into()))
    }

    /// A kiosk by id.
    pub async fn kiosk(&self, id: i64) -> Result<KioskDevice> {
        on_pool!(self, |p| {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_KIOSK} WHERE id = $1")))
                .bind(id)
                .fetch_optional(p)
                .await?;
            row.map(|r| kiosk(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("kiosk"))
        })
    }

    /// The kiosk holding this device token, unless revoked.
    pub async fn kiosk_by_token(&self, token: &str) -> Result<Option<KioskDevice>> {
        on_pool!(self, |p| {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{SELECT_KIOSK} WHERE token_hash = $1 AND revoked_at IS NULL"
            )))
            .bind(hash(token))
            .fetch_optional(p)
            .await?;
            row.map(|r| kiosk(&r)).transpose()
        })
    }

    /// An unpaired kiosk whose pairing code expired gets a new one; anything else is returned
    /// as it is.
    pub async fn refresh_pairing_code(&self, id: i64, now: Timestamp) -> Result<KioskDevice> {
        let k = self.kiosk(id).await?;
        let expired = k.pairing_expires_at.is_none_or(|t| t <= now);
        if k.paired_at.is_some() || k.revoked_at.is_some() || !expired {
            return Ok(k);
        }
        for _ in 0..5 {
            let code = pairing_code()?;
            let r = on_pool!(self, |p| {
                sqlx::query(
                "UPDATE kiosk_devices SET pairing_code = $1, pairing_expires_at = $2 WHERE id = $3 AND paired_at IS NULL"
            )
            .bind(&code)
            .bind(secs(now) + PAIRING_CODE_SECS)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
            });
            match r {
                Ok(_) => return self.kiosk(id).await,
                Err(e) if matches!(&e, sqlx::Error::Database(d) if d.is_unique_violation()) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Err(StorageError::Internal("no free pairing code".into()))
    }

    /// Binds the kiosk showing `pairing_code` to a booth; a kiosk the booth had before is
    /// revoked (one kiosk per booth). Audited as `kiosk.pair`. An unknown or expired code is
    /// `NotFound("pairing_code")`, an unknown booth `NotFound("booth")`.
    pub async fn pair_kiosk(
        &self,
        pairing_code: &str,
        booth_id: BoothId,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<KioskDevice> {
        let code = normalise_pairing_code(pairing_code);
        let mut tx = self.begin().await?;
        let facility: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
            "SELECT facility_id FROM booths WHERE id = $1"
        )
        .bind(booth_id.0)
        .fetch_optional(&mut *c)
        .await)?;
        let facility = facility.ok_or(StorageError::NotFound("booth"))?;
        let id: Option<i64> = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "SELECT id FROM kiosk_devices WHERE pairing_code = $1 AND paired_at IS NULL AND revoked_at IS NULL AND pairing_expires_at > $2"
        )
        .bind(&code)
        .bind(secs(now))
        .fetch_optional(&mut *c)
        .await
        })?;
        let id = id.ok_or(StorageError::NotFound("pairing_code"))?;
        let replaced: Vec<i64> = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "UPDATE kiosk_devices SET revoked_at = $1 WHERE booth_id = $2 AND revoked_at IS NULL RETURNING id"
        )
        .bind(secs(now))
        .bind(booth_id.0)
        .fetch_all(&mut *c)
        .await
        })?;
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE kiosk_devices SET facility_id = $1, booth_id = $2, paired_at = $3, paired_by = $4, pairing_code = NULL, pairing_expires_at = NULL WHERE id = $5"
        )
        .bind(facility)
        .bind(booth_id.0)
        .bind(secs(now))
        .bind(who.user_id.map(|u| u.0))
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(FacilityId(facility)),
                action: "kiosk.pair",
                target_type: "kiosk",
                target_id: id.to_string(),
                detail: json!({ "booth_id": booth_id.0, "replaced": replaced }),
            },
        )
        .await?;
        tx.commit().await?;
        self.kiosk(id).await
    }

    /// The kiosks paired in a facility (revoked ones too), newest first.
    pub async fn kiosks(&self, facility_id: FacilityId) -> Result<Vec<KioskDevice>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{SELECT_KIOSK} WHERE facility_id = $1 ORDER BY id DESC LIMIT 500"
            )))
            .bind(facility_id.0)
            .fetch_all(p)
            .await?;
            rows.iter().map(kiosk).collect()
        })
    }

    /// Revokes a kiosk: its token stops working at once. Audited as `kiosk.revoke`.
    pub async fn revoke_kiosk(&self, id: i64, who: &AuditEvent, now: Timestamp) -> Result<()> {
        let k = self.kiosk(id).await?;
        if k.revoked_at.is_some() {
            return Err(StorageError::Invalid("kiosk_revoked"));
        }
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| sqlx::query(
            "UPDATE kiosk_devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
        )
        .bind(secs(now))
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: k.facility_id,
                action: "kiosk.revoke",
                target_type: "kiosk",
                target_id: id.to_string(),
                detail: json!({ "booth_id": k.booth_id.map(|b| b.0) }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Notes that a kiosk is alive.
    pub async fn kiosk_heartbeat(&self, id: i64, now: Timestamp) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE kiosk_devices SET last_seen_at = $1 WHERE id = $2"
        )
        .bind(secs(now))
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
