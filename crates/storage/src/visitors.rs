//! Visitors and their links to inmates.

use hmac::{Hmac, Mac};
use jenguk_domain::{
    FacilityId, InmateId, LinkId, LinkStatus, Nik, PersonName, PhoneNumber, Relationship, UserId,
    Visitor, VisitorId, VisitorLink,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use sha2::Sha256;

use crate::audit::{self, Audit, AuditEvent};
use crate::error::unique_as;
use crate::row::{RowExt, date_text};
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// A visitor to register.
#[derive(Debug, Clone)]
pub struct NewVisitor {
    /// Full name.
    pub name: PersonName,
    /// NIK: only its keyed hash and masked form are stored.
    pub nik: Nik,
    /// Confirmed mobile number.
    pub phone: PhoneNumber,
}

/// A link to ask for.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// The visitor.
    pub visitor_id: VisitorId,
    /// The inmate.
    pub inmate_id: InmateId,
    /// Relationship.
    pub relationship: Relationship,
    /// For a tahanan, the permit number, if the family has it already.
    pub permit_number: Option<String>,
    /// Its expiry.
    pub permit_expires: Option<Date>,
}

/// An operator's decision on a pending link.
#[derive(Debug, Clone)]
pub enum LinkDecision {
    /// Approve; for a tahanan the permit is recorded here.
    Approve {
        /// Permit number.
        permit_number: Option<String>,
        /// Last date the permit covers.
        permit_expires: Option<Date>,
    },
    /// Reject, with a reason the family sees.
    Reject {
        /// Why.
        reason: String,
    },
}

/// Which links to list.
#[derive(Debug, Clone, Default)]
pub struct LinkFilter {
    /// Links to inmates of this facility.
    pub facility_id: Option<FacilityId>,
    /// In this status.
    pub status: Option<LinkStatus>,
    /// Of this visitor.
    pub visitor_id: Option<VisitorId>,
    /// At most (capped at 500).
    pub limit: i64,
}

macro_rules! select_visitor {
    ($tail:literal) => {
        concat!(
            "SELECT id, name, nik_masked, phone, banned_until, ban_reason FROM visitors ",
            $tail
        )
    };
}

macro_rules! select_link {
    ($tail:literal) => {
        concat!(
            "SELECT l.id, l.visitor_id, l.inmate_id, l.relationship, l.status, l.reason, ",
            "l.permit_number, l.permit_expires, i.facility_id AS inmate_facility_id FROM visitor_links l JOIN inmates i ON i.id = l.inmate_id ",
            $tail
        )
    };
}

pub(crate) fn visitor(r: &impl RowExt) -> Result<Visitor> {
    let name = r.string("name")?;
    let phone = r.string("phone")?;
    Ok(Visitor {
        id: VisitorId(r.i64("id")?),
        name: PersonName::parse(&name).map_err(|_| StorageError::Corrupt(name))?,
        nik_masked: r.string("nik_masked")?,
        phone: PhoneNumber::parse(&phone).map_err(|_| StorageError::Corrupt(phone))?,
        banned_until: r.opt_date("banned_until")?,
        ban_reason: r.opt_string("ban_reason")?,
    })
}

pub(crate) fn link(r: &impl RowExt) -> Result<VisitorLink> {
    let rel = r.string("relationship")?;
    let status = r.string("status")?;
    Ok(VisitorLink {
        id: LinkId(r.i64("id")?),
        visitor_id: VisitorId(r.i64("visitor_id")?),
        inmate_id: InmateId(r.i64("inmate_id")?),
        relationship: Relationship::parse(&rel).ok_or(StorageError::Corrupt(rel))?,
        status: LinkStatus::parse(&status).ok_or(StorageError::Corrupt(status))?,
        reason: r.opt_string("reason")?,
        permit_number: r.opt_string("permit_number")?,
        permit_expires: r.opt_date("permit_expires")?,
    })
}

/// Loads a visitor inside a transaction, locked on PostgreSQL.
pub(crate) async fn lock_visitor(tx: &mut Tx, id: VisitorId) -> Result<Visitor> {
    let sql = if tx.row_locks() {
        select_visitor!("WHERE deleted_at IS NULL AND id = $1 FOR NO KEY UPDATE")
    } else {
        select_visitor!("WHERE deleted_at IS NULL AND id = $1")
    };
    on_tx!(tx, |c| {
        let row = sqlx::query(sql).bind(id.0).fetch_optional(&mut *c).await?;
        row.map(|r| visitor(&r))
            .transpose()?
            .ok_or(StorageError::NotFound("visitor"))
    })
}

fn clean_permit(p: &Option<String>) -> Result<Option<String>> {
    match p.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > 80 || s.chars().any(char::is_control) => {
            Err(StorageError::Invalid("permit_number"))
        }
        Some(s) => Ok(Some(s.to_string())),
    }
}

impl Db {
    /// The keyed hash under which a NIK is stored and searched.
    pub fn nik_hash(&self, nik: &Nik) -> String {
        // HMAC accepts keys of any length; the error arm cannot happen.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.nik_key[..]) else {
            return String::new();
        };
        mac.update(nik.digits().as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Registers a visitor. A NIK or phone number already registered is a conflict.
    pub async fn create_visitor(
        &self,
        v: &NewVisitor,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<Visitor> {
        self.register_visitor(v, None, who, now).await
    }

    /// Registers a visitor and, in the same transaction, the consent they gave (its text's
    /// version and the time): a visitor never exists without the consent it was created with.
    pub async fn register_visitor(
        &self,
        v: &NewVisitor,
        consent_version: Option<&str>,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<Visitor> {
        let hash = self.nik_hash(&v.nik);
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO visitors (name, nik_hash, nik_masked, phone, created_at, consent_at, consent_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(v.name.as_str())
        .bind(&hash)
        .bind(v.nik.masked())
        .bind(v.phone.as_e164())
        .bind(secs(now))
        .bind(consent_version.map(|_| secs(now)))
        .bind(consent_version)
        .fetch_one(&mut *c)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                if d.message().contains("phone") {
                    StorageError::Conflict("phone_taken")
                } else {
                    StorageError::Conflict("nik_taken")
                }
            }
            _ => StorageError::Db(e),
        })
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: None,
                action: "visitor.create",
                target_type: "visitor",
                target_id: id.to_string(),
                detail: json!({ "nik": v.nik.masked() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Visitor {
            id: VisitorId(id),
            name: v.name.clone(),
            nik_masked: v.nik.masked(),
            phone: v.phone.clone(),
            banned_until: None,
            ban_reason: None,
        })
    }

    /// A visitor by id.
    pub async fn visitor(&self, id: VisitorId) -> Result<Visitor> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_visitor!("WHERE deleted_at IS NULL AND id = $1"))
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            row.map(|r| visitor(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("visitor"))
        })
    }

    /// The facilities whose inmates a visitor is linked to (in any status).
    pub async fn visitor_facilities(&self, id: VisitorId) -> Result<Vec<FacilityId>> {
        on_pool!(self, |p| {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT i.facility_id FROM visitor_links l JOIN inmates i ON i.id = l.inmate_id WHERE l.visitor_id = $1",
            )
            .bind(id.0)
            .fetch_all(p)
            .await?;
            Ok(ids.into_iter().map(FacilityId).collect())
        })
    }

    /// A visitor by mobile number.
    pub async fn visitor_by_phone(&self, phone: &PhoneNumber) -> Result<Option<Visitor>> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_visitor!("WHERE deleted_at IS NULL AND phone = $1"))
                .bind(phone.as_e164())
                .fetch_optional(p)
                .await?;
            row.map(|r| visitor(&r)).transpose()
        })
    }

    /// The language a visitor reads (`id` or `en`).
    pub async fn visitor_lang(&self, id: VisitorId) -> Result<String> {
        on_pool!(self, |p| sqlx::query_scalar(
            "SELECT lang FROM visitors WHERE id = $1"
        )
        .bind(id.0)
        .fetch_optional(p)
        .await)?
        .ok_or(StorageError::NotFound("visitor"))
    }

    /// Sets the language a visitor reads.
    pub async fn set_visitor_lang(&self, id: VisitorId, lang: &str) -> Result<()> {
        let lang = if lang == "en" { "en" } else { "id" };
        on_pool!(self, |p| sqlx::query(
            "UPDATE visitors SET lang = $1 WHERE id = $2"
        )
        .bind(lang)
        .bind(id.0)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A visitor by NIK (exact match through the keyed hash).
    pub async fn visitor_by_nik(&self, nik: &Nik) -> Result<Option<Visitor>> {
        let hash = self.nik_hash(nik);
        on_pool!(self, |p| {
            let row = sqlx::query(select_visitor!(
                "WHERE deleted_at IS NULL AND nik_hash = $1"
            ))
            .bind(&hash)
            .fetch_optional(p)
            .await?;
            row.map(|r| visitor(&r)).transpose()
        })
    }

    /// Visitors linked to inmates of a facility (or all, for a national view), newest first.
    pub async fn visitors(&self, facility: Option<FacilityId>, limit: i64) -> Result<Vec<Visitor>> {
        let fid = facility.map(|f| f.0);
        on_pool!(self, |p| {
            let rows = sqlx::query(select_visitor!(
                "WHERE deleted_at IS NULL AND ($1 IS NULL OR id IN (SELECT l.visitor_id FROM visitor_links l JOIN inmates i ON i.id = l.inmate_id WHERE i.facility_id = $1))
                 ORDER BY id DESC LIMIT $2"
            ))
            .bind(fid)
            .bind(limit.clamp(1, 500))
            .fetch_all(p)
            .await?;
            rows.iter().map(visitor).collect()
        })
    }

    /// Asks for a visitor to be put on an inmate's list: a pending link.
    pub async fn create_link(
        &self,
        l: &NewLink,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<VisitorLink> {
        let permit = clean_permit(&l.permit_number)?;
        let mut tx = self.begin().await?;
        let inmate = crate::inmates::lock_inmate(&mut tx, l.inmate_id).await?;
        if inmate.released {
            return Err(StorageError::Invalid("inmate_released"));
        }
        lock_visitor(&mut tx, l.visitor_id).await?;
        let id: i64 = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO visitor_links (visitor_id, inmate_id, relationship, status, permit_number, permit_expires, created_at)
             VALUES ($1, $2, $3, 'pending', $4, $5, $6) RETURNING id"
        )
        .bind(l.visitor_id.0)
        .bind(l.inmate_id.0)
        .bind(l.relationship.as_str())
        .bind(permit.as_deref())
        .bind(l.permit_expires.map(date_text))
        .bind(secs(now))
        .fetch_one(&mut *c)
        .await
        .map_err(unique_as("link_exists"))
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(inmate.facility_id),
                action: "link.create",
                target_type: "visitor_link",
                target_id: id.to_string(),
                detail: json!({ "relationship": l.relationship.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(VisitorLink {
            id: LinkId(id),
            visitor_id: l.visitor_id,
            inmate_id: l.inmate_id,
            relationship: l.relationship,
            status: LinkStatus::Pending,
            reason: None,
            permit_number: permit,
            permit_expires: l.permit_expires,
        })
    }

    /// A link and the facility of its inmate.
    pub async fn link(&self, id: LinkId) -> Result<(VisitorLink, FacilityId)> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_link!("WHERE l.id = $1"))
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            match row {
                Some(r) => Ok((link(&r)?, FacilityId(r.i64("inmate_facility_id")?))),
                None => Err(StorageError::NotFound("link")),
            }
        })
    }

    /// Links, oldest first (the approval queue's order).
    pub async fn links(&self, f: &LinkFilter) -> Result<Vec<VisitorLink>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_link!(
                "WHERE ($1 IS NULL OR i.facility_id = $1) AND ($2 IS NULL OR l.status = $2) AND ($3 IS NULL OR l.visitor_id = $3)
                 ORDER BY l.created_at, l.id LIMIT $4"
            ))
            .bind(f.facility_id.map(|x| x.0))
            .bind(f.status.map(LinkStatus::as_str))
            .bind(f.visitor_id.map(|x| x.0))
            .bind(f.limit.clamp(1, 500))
            .fetch_all(p)
            .await?;
            rows.iter().map(link).collect()
        })
    }

    /// Approves or rejects a pending link (a rejected one may be reconsidered and approved).
    pub async fn decide_link(
        &self,
        id: LinkId,
        decision: &LinkDecision,
        user: Option<UserId>,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<VisitorLink> {
        let mut tx = self.begin().await?;
        let current = on_tx!(tx, |c| {
            let row = sqlx::query(select_link!("WHERE l.id = $1"))
                .bind(id.0)
                .fetch_optional(&mut *c)
                .await?;
            row.map(|r| link(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("link"))
        })?;
        let inmate = crate::inmates::lock_inmate(&mut tx, current.inmate_id).await?;
        if !matches!(current.status, LinkStatus::Pending | LinkStatus::Rejected) {
            return Err(StorageError::Invalid("link_not_pending"));
        }
        let updated = match decision {
            LinkDecision::Approve {
                permit_number,
                permit_expires,
            } => {
                let permit = clean_permit(permit_number)?.or(current.permit_number.clone());
                let expires = permit_expires.or(current.permit_expires);
                if inmate.status == jenguk_domain::InmateStatus::Tahanan
                    && current.relationship != Relationship::LegalCounsel
                    && (permit.is_none() || expires.is_none())
                {
                    return Err(StorageError::Invalid("permit_required"));
                }
                VisitorLink {
                    status: LinkStatus::Approved,
                    reason: None,
                    permit_number: permit,
                    permit_expires: expires,
                    ..current.clone()
                }
            }
            LinkDecision::Reject { reason } => {
                let reason = jenguk_domain::text::parse_reason(reason)
                    .map_err(|_| StorageError::Invalid("reason"))?;
                VisitorLink {
                    status: LinkStatus::Rejected,
                    reason: Some(reason),
                    ..current.clone()
                }
            }
        };
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE visitor_links SET status = $1, reason = $2, permit_number = $3, permit_expires = $4, decided_at = $5, decided_by = $6 WHERE id = $7"
        )
        .bind(updated.status.as_str())
        .bind(updated.reason.as_deref())
        .bind(updated.permit_number.as_deref())
        .bind(updated.permit_expires.map(date_text))
        .bind(secs(now))
        .bind(user.map(|u| u.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        crate::notices::link_decided(
            &mut tx,
            id.0,
            updated.status == LinkStatus::Approved,
            updated.reason.as_deref(),
            now,
        )
        .await?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(inmate.facility_id),
                action: match updated.status {
                    LinkStatus::Approved => "link.approve",
                    _ => "link.reject",
                },
                target_type: "visitor_link",
                target_id: id.0.to_string(),
                detail: json!({ "reason": updated.reason, "permit_expires": updated.permit_expires.map(date_text) }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }
}

/// Loads the link between a visitor and an inmate inside a transaction.
pub(crate) async fn link_between(
    tx: &mut Tx,
    visitor: VisitorId,
    inmate: InmateId,
) -> Result<Option<VisitorLink>> {
    on_tx!(tx, |c| {
        let row = sqlx::query(select_link!("WHERE l.visitor_id = $1 AND l.inmate_id = $2"))
            .bind(visitor.0)
            .bind(inmate.0)
            .fetch_optional(&mut *c)
            .await?;
        row.map(|r| link(&r)).transpose()
    })
}
