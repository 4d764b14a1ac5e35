//! The family web portal's storage: sessions, consent, ratings, one-time booking keys, the
//! family's own data (export and deletion).

use base64::Engine;
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{PersonName, PhoneNumber, Relationship, VisitCode, VisitId, VisitorId};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{self, Audit, AuditEvent};
use crate::booking::book_in_tx;
use crate::row::RowExt;
use crate::visits::{BookingRequest, VisitView, apply_transition, lock_visit};
use crate::{Db, Result, StorageError, on_pool, on_tx, random_bytes, secs};

/// How long a family session lives without use.
pub const SESSION_IDLE_SECS: i64 = 30 * 24 * 3600;

/// A family's signed-in session.
#[derive(Debug, Clone)]
pub struct FamilySession {
    /// The confirmed phone number.
    pub phone: PhoneNumber,
    /// The token every form carries (CSRF).
    pub csrf: String,
}

/// A new session: the cookie value (shown once) and the session.
pub struct NewSession {
    /// The cookie's value; only its hash is stored.
    pub token: String,
    /// The session.
    pub session: FamilySession,
}

/// A satisfaction survey answer (SKM, 1–4 per element).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rating {
    /// The visit.
    pub visit_id: VisitId,
    /// One score per element, 1–4.
    pub scores: Vec<u8>,
    /// Free comment.
    pub comment: Option<String>,
    /// When.
    pub created_at: Timestamp,
}

/// Someone coming along on a visit with the visitor who booked it. Every visitor's identity
/// is checked at the gate (PP 32/1999), so each is named; of the NIK at most the last four
/// digits are kept (data minimisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Companion {
    /// The full name.
    pub name: PersonName,
    /// The relationship to the inmate.
    pub relationship: Relationship,
    /// The last four digits of the NIK, if given.
    pub nik_last4: Option<String>,
}

impl Companion {
    /// Whether a text is the last four digits of a NIK.
    pub fn nik_last4_ok(s: &str) -> bool {
        s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
    }
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
    /// Opens a session for a phone number whose login code was just verified.
    pub async fn create_family_session(
        &self,
        phone: &PhoneNumber,
        now: Timestamp,
    ) -> Result<NewSession> {
        let t = token()?;
        let csrf = token()?;
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO family_sessions (token_hash, phone, csrf, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)"
        )
        .bind(hash(&t))
        .bind(phone.as_e164())
        .bind(&csrf)
        .bind(secs(now))
        .bind(secs(now) + SESSION_IDLE_SECS)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(NewSession {
            token: t,
            session: FamilySession {
                phone: phone.clone(),
                csrf,
            },
        })
    }

    /// The live session of a cookie value, kept alive by use.
    pub async fn family_session(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Option<FamilySession>> {
        if token.is_empty() || token.len() > 100 {
            return Ok(None);
        }
        let h = hash(token);
        let row = on_pool!(self, |p| {
            let r = sqlx::query(
                "SELECT phone, csrf, last_seen_at FROM family_sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
            )
            .bind(&h)
            .bind(secs(now))
            .fetch_optional(p)
            .await?;
            r.map(|r| {
                Ok::<_, StorageError>((
                    r.string("phone")?,
                    r.string("csrf")?,
                    r.i64("last_seen_at")?,
                ))
            })
            .transpose()
        })?;
        let Some((phone, csrf, seen)) = row else {
            return Ok(None);
        };
        // Sliding expiry, written at most once an hour.
        if secs(now) - seen > 3600 {
            on_pool!(self, |p| {
                sqlx::query(
                "UPDATE family_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3"
            )
            .bind(secs(now))
            .bind(secs(now) + SESSION_IDLE_SECS)
            .bind(&h)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
        let phone = PhoneNumber::parse(&phone).map_err(|_| StorageError::Corrupt(phone))?;
        Ok(Some(FamilySession { phone, csrf }))
    }

    /// Ends a session (log out).
    pub async fn revoke_family_session(&self, token: &str, now: Timestamp) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE family_sessions SET revoked_at = $1 WHERE token_hash = $2"
        )
        .bind(secs(now))
        .bind(hash(token))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Records the family's consent to the use of its personal data (time and text version).
    pub async fn record_consent(
        &self,
        visitor: VisitorId,
        version: &str,
        now: Timestamp,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE visitors SET consent_at = $1, consent_version = $2 WHERE id = $3"
        )
        .bind(secs(now))
        .bind(version)
        .bind(visitor.0)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Books with a one-time key from the form: the same key again (a double submit, a
    /// reload) returns the visit it booked instead of booking twice. The companions are
    /// written in the same transaction, and the visit counts the visitor and them
    /// (`people = 1 + companions`, whatever `req.people` says), so that the policy's
    /// limit refuses too many.
    pub async fn book_once(
        &self,
        key: &str,
        req: &BookingRequest,
        companions: &[Companion],
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<VisitView> {
        let now = crate::whole_seconds(now);
        if companions.iter().any(|c| {
            c.nik_last4
                .as_deref()
                .is_some_and(|n| !Companion::nik_last4_ok(n))
        }) {
            return Err(StorageError::Invalid("nik_last4"));
        }
        let req = BookingRequest {
            people: u16::try_from(companions.len())
                .unwrap_or(u16::MAX)
                .saturating_add(1),
            ..req.clone()
        };
        let req = &req;
        let existing = |v: Option<i64>| v.map(VisitId);
        let mut tx = self.begin().await?;
        // Under the writer's turn (SQLite) or after the facility's lock (PostgreSQL, taken by
        // the booking), a concurrent twin has committed its key before we look.
        crate::facilities::lock_facility(&mut tx, &req.facility).await?;
        let prior: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
            "SELECT visit_id FROM booking_keys WHERE key = $1"
        )
        .bind(key)
        .fetch_optional(&mut *c)
        .await)?;
        if let Some(id) = existing(prior) {
            drop(tx);
            return self.visit_by_id(id).await;
        }
        let v = book_in_tx(&mut tx, req, who, now).await?;
        for comp in companions {
            on_tx!(tx, |c| {
                sqlx::query(
                "INSERT INTO visit_companions (visit_id, name, relationship, nik_last4) VALUES ($1, $2, $3, $4)"
            )
            .bind(v.visit.id.0)
            .bind(comp.name.as_str())
            .bind(comp.relationship.as_str())
            .bind(comp.nik_last4.as_deref())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
        on_tx!(tx, |c| sqlx::query(
            "INSERT INTO booking_keys (key, visit_id, created_at) VALUES ($1, $2, $3)"
        )
        .bind(key)
        .bind(v.visit.id.0)
        .bind(secs(now))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(v)
    }

    /// The people coming along on a visit, in the order they were entered. A deleted
    /// account's companions read as `-` (they are anonymised with it).
    pub async fn visit_companions(&self, visit: VisitId) -> Result<Vec<Companion>> {
        let rows: Vec<(String, String, Option<String>)> = on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT name, relationship, nik_last4 FROM visit_companions WHERE visit_id = $1 ORDER BY id",
            )
            .bind(visit.0)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok::<_, StorageError>((
                        r.string("name")?,
                        r.string("relationship")?,
                        r.opt_string("nik_last4")?,
                    ))
                })
                .collect::<Result<Vec<_>>>()
        })?;
        rows.into_iter()
            .map(|(name, rel, nik)| {
                Ok(Companion {
                    name: PersonName::parse(&name).map_err(|_| StorageError::Corrupt(name))?,
                    relationship: Relationship::parse(&rel).ok_or(StorageError::Corrupt(rel))?,
                    nik_last4: nik,
                })
            })
            .collect()
    }

    /// Records a visit's satisfaction survey (once per visit; four elements scored 1–4).
    pub async fn rate_visit(
        &self,
        visitor: VisitorId,
        code: &VisitCode,
        scores: &[u8],
        comment: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        if scores.is_empty() || scores.len() > 10 || scores.iter().any(|s| !(1..=4).contains(s)) {
            return Err(StorageError::Invalid("scores"));
        }
        let comment = comment
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| c.chars().take(1000).collect::<String>());
        let v = self.visit_by_code(code).await?;
        if v.visit.visitor_id != visitor {
            return Err(StorageError::NotFound("visit"));
        }
        if !matches!(
            v.visit.status,
            jenguk_domain::VisitStatus::Completed | jenguk_domain::VisitStatus::Terminated
        ) {
            return Err(StorageError::Invalid("not_rateable"));
        }
        let scores_json = json!(scores).to_string();
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO visit_ratings (visit_id, visitor_id, scores, comment, created_at) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(v.visit.id.0)
        .bind(visitor.0)
        .bind(&scores_json)
        .bind(comment.as_deref())
        .bind(secs(now))
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        .map_err(crate::error::unique_as("already_rated"))
        })?;
        Ok(())
    }

    /// A visit's rating, if given.
    pub async fn visit_rating(&self, id: VisitId) -> Result<Option<Rating>> {
        on_pool!(self, |p| {
            let r = sqlx::query("SELECT visit_id, scores, comment, created_at FROM visit_ratings WHERE visit_id = $1")
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            r.map(|r| {
                Ok(Rating {
                    visit_id: VisitId(r.i64("visit_id")?),
                    scores: serde_json::from_str(&r.string("scores")?).unwrap_or_default(),
                    comment: r.opt_string("comment")?,
                    created_at: r.timestamp("created_at")?,
                })
            })
            .transpose()
        })
    }

    /// Everything stored about a visitor, for "my data" (the NIK only masked: the full
    /// number is never stored).
    pub async fn export_visitor(&self, id: VisitorId) -> Result<serde_json::Value> {
        let v = self.visitor(id).await?;
        let consent: (Option<i64>, Option<String>) = on_pool!(self, |p| {
            let r = sqlx::query(
                "SELECT consent_at, consent_version, lang, created_at FROM visitors WHERE id = $1",
            )
            .bind(id.0)
            .fetch_one(p)
            .await?;
            Ok::<_, StorageError>((r.opt_i64("consent_at")?, r.opt_string("consent_version")?))
        })?;
        let links = self
            .links(&crate::LinkFilter {
                visitor_id: Some(id),
                limit: 500,
                ..Default::default()
            })
            .await?;
        let visits = self.visits_of_visitor(id, Timestamp::UNIX_EPOCH).await?;
        let mut visit_rows = Vec::new();
        for x in &visits {
            visit_rows.push(json!({
                "code": x.code.to_string(),
                "facility": x.facility_code,
                "start": x.visit.start.to_string(),
                "end": x.visit.end.to_string(),
                "kind": x.visit.kind.as_str(),
                "status": x.visit.status.as_str(),
                "reason": x.visit.status_reason,
                "rating": self.visit_rating(x.visit.id).await?,
                "companions": self.visit_companions(x.visit.id).await?.iter().map(|c| json!({
                    "name": c.name.as_str(),
                    "relationship": c.relationship.as_str(),
                    "nik_last4": c.nik_last4,
                })).collect::<Vec<_>>(),
            }));
        }
        Ok(json!({
            "visitor": {
                "name": v.name.as_str(),
                "nik": v.nik_masked,
                "nik_note": "Jenguk stores only a keyed hash of the NIK and this masked form.",
                "phone": v.phone.as_e164(),
                "banned_until": v.banned_until.map(|d| d.to_string()),
                "consent_at": consent.0.and_then(|s| Timestamp::from_second(s).ok()).map(|t| t.to_string()),
                "consent_version": consent.1,
            },
            "links": links.iter().map(|l| json!({
                "inmate_id": l.inmate_id.0,
                "relationship": l.relationship.as_str(),
                "status": l.status.as_str(),
                "reason": l.reason,
            })).collect::<Vec<_>>(),
            "visits": visit_rows,
        }))
    }

    /// Deletes a family's account: future visits are cancelled (the family receives the
    /// receipts), links are revoked, sessions ended, and the visitor's identity is removed;
    /// past visits stay as anonymous history.
    pub async fn delete_visitor(&self, id: VisitorId, now: Timestamp) -> Result<()> {
        let now = crate::whole_seconds(now);
        let visits = self.visits_of_visitor(id, now).await?;
        let v = self.visitor(id).await?;
        let mut tx = self.begin().await?;
        for x in visits
            .iter()
            .filter(|x| x.visit.status.is_active() && x.visit.start > now)
        {
            let current = lock_visit(&mut tx, &x.code).await?;
            apply_transition(
                &mut tx,
                current,
                VisitAction::Cancel,
                Actor::Family(id),
                Some("account deleted".into()),
                &AuditEvent::default(),
                now,
            )
            .await?;
        }
        let gone = format!("deleted:{}", id.0);
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE visitors SET name = '-', nik_hash = $1, nik_masked = '', phone = $1, banned_until = NULL, ban_reason = NULL,
                 consent_at = NULL, consent_version = NULL, deleted_at = $2 WHERE id = $3"
        )
        .bind(&gone)
        .bind(secs(now))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        on_tx!(tx, |c| {
            sqlx::query(
                "UPDATE visit_companions SET name = '-', nik_last4 = NULL WHERE visit_id IN (SELECT id FROM visits WHERE visitor_id = $1)",
            )
            .bind(id.0)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE visitor_links SET status = 'revoked', reason = 'account deleted' WHERE visitor_id = $1 AND status IN ('pending','approved')"
        )
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        on_tx!(tx, |c| sqlx::query(
            "UPDATE family_sessions SET revoked_at = $1 WHERE phone = $2 AND revoked_at IS NULL"
        )
        .bind(secs(now))
        .bind(v.phone.as_e164())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        on_tx!(tx, |c| sqlx::query(
            "DELETE FROM chat_sessions WHERE phone = $1"
        )
        .bind(v.phone.as_e164())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        audit::write(
            &mut tx,
            &AuditEvent::default(),
            now,
            Audit {
                facility_id: None,
                action: "visitor.delete",
                target_type: "visitor",
                target_id: id.0.to_string(),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
