//! What the operator console reads about families at one facility: the approval queue, the
//! search for a visitor by name, a visitor's links and visits there, and a booking made by
//! staff on a family's behalf (with how the family reached the facility).

use jenguk_domain::{FacilityId, LinkId, RegNumber, Visitor, VisitorId, VisitorLink};
use jiff::Timestamp;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::row::RowExt;
use crate::visitors::{link, visitor};
use crate::visits::{BookingRequest, VisitView};
use crate::{Db, Result, StorageError, on_pool};

/// One link request as the approval queue shows it.
#[derive(Debug, Clone)]
pub struct LinkRequest {
    /// The link.
    pub link: VisitorLink,
    /// When it was asked for.
    pub asked_at: Timestamp,
    /// The visitor (NIK masked).
    pub visitor: Visitor,
    /// The inmate's name.
    pub inmate_name: String,
    /// The inmate's registration number.
    pub inmate_reg: RegNumber,
    /// Whether the inmate is a tahanan (approval needs the permit).
    pub tahanan: bool,
    /// The inmate's facility.
    pub facility_id: FacilityId,
    /// Whether the visitor is new at this facility: no link of theirs here was decided yet.
    pub new_visitor: bool,
}

/// One of a visitor's visits, as the visitor page lists it.
#[derive(Debug, Clone)]
pub struct VisitLine {
    /// The visit code.
    pub code: String,
    /// Start.
    pub start: Timestamp,
    /// Status (`booked`, …).
    pub status: String,
    /// Family or legal.
    pub kind: String,
    /// The inmate's name.
    pub inmate_name: String,
    /// How it was booked (`web`, `whatsapp`, `staff`).
    pub channel: String,
    /// Why the status changed, if said.
    pub reason: Option<String>,
}

/// How a family reached staff who book for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// By telephone.
    Phone,
    /// In person at the facility.
    WalkIn,
}

impl Via {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Phone => "phone",
            Via::WalkIn => "walk_in",
        }
    }

    /// Inverse of [`Via::as_str`].
    pub fn parse(s: &str) -> Option<Via> {
        match s {
            "phone" => Some(Via::Phone),
            "walk_in" => Some(Via::WalkIn),
            _ => None,
        }
    }
}

macro_rules! select_request {
    ($tail:literal) => {
        concat!(
            "SELECT l.id, l.visitor_id, l.inmate_id, l.relationship, l.status, l.reason, ",
            "l.permit_number, l.permit_expires, l.created_at AS asked_at, i.facility_id, ",
            "i.name AS inmate_name, i.reg_number, i.status AS inmate_status, ",
            "v.name, v.nik_masked, v.phone, v.banned_until, v.ban_reason, ",
            "(SELECT COUNT(*) FROM visitor_links l2 JOIN inmates i2 ON i2.id = l2.inmate_id ",
            "WHERE l2.visitor_id = l.visitor_id AND i2.facility_id = i.facility_id AND l2.status <> 'pending') AS decided ",
            "FROM visitor_links l JOIN inmates i ON i.id = l.inmate_id JOIN visitors v ON v.id = l.visitor_id ",
            $tail
        )
    };
}

fn request(r: &impl RowExt) -> Result<LinkRequest> {
    let reg = r.string("reg_number")?;
    // The visitor columns share the row with the link's: its `id` is the link's.
    let v = visitor_cols(r)?;
    Ok(LinkRequest {
        link: link(r)?,
        asked_at: r.timestamp("asked_at")?,
        visitor: v,
        inmate_name: r.string("inmate_name")?,
        inmate_reg: RegNumber::parse(&reg).map_err(|_| StorageError::Corrupt(reg))?,
        tahanan: r.string("inmate_status")? == "tahanan",
        facility_id: FacilityId(r.i64("facility_id")?),
        new_visitor: r.i64("decided")? == 0,
    })
}

/// The visitor columns of a joined row (its `id` column is the link's).
fn visitor_cols(r: &impl RowExt) -> Result<Visitor> {
    struct Shifted<'a, R>(&'a R);
    impl<R: RowExt> RowExt for Shifted<'_, R> {
        fn i64(&self, col: &str) -> Result<i64> {
            self.0.i64(if col == "id" { "visitor_id" } else { col })
        }
        fn opt_i64(&self, col: &str) -> Result<Option<i64>> {
            self.0.opt_i64(col)
        }
        fn string(&self, col: &str) -> Result<String> {
            self.0.string(col)
        }
        fn opt_string(&self, col: &str) -> Result<Option<String>> {
            self.0.opt_string(col)
        }
        fn bool(&self, col: &str) -> Result<bool> {
            self.0.bool(col)
        }
    }
    visitor(&Shifted(r))
}

/// `%`, `_` and `\` taken literally in a `LIKE … ESCAPE '\'` pattern.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Db {
    /// The pending link requests of a facility's inmates, oldest first (at most 500).
    pub async fn link_requests(&self, facility: FacilityId) -> Result<Vec<LinkRequest>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_request!(
                "WHERE i.facility_id = $1 AND l.status = 'pending' AND v.deleted_at IS NULL
                 ORDER BY l.created_at, l.id LIMIT 500"
            ))
            .bind(facility.0)
            .fetch_all(p)
            .await?;
            rows.iter().map(request).collect()
        })
    }

    /// One link request (in any status) with what the decision needs.
    pub async fn link_request(&self, id: LinkId) -> Result<LinkRequest> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_request!("WHERE l.id = $1"))
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            row.map(|r| request(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("link"))
        })
    }

    /// Visitors linked (in any status) to inmates of a facility whose name contains `name`
    /// (case-insensitive), by name (at most 50).
    pub async fn visitors_named(&self, facility: FacilityId, name: &str) -> Result<Vec<Visitor>> {
        let pattern = format!("%{}%", like_escape(&name.trim().to_lowercase()));
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT id, name, nik_masked, phone, banned_until, ban_reason FROM visitors
                 WHERE deleted_at IS NULL AND LOWER(name) LIKE $1 ESCAPE '\\'
                 AND id IN (SELECT l.visitor_id FROM visitor_links l JOIN inmates i ON i.id = l.inmate_id WHERE i.facility_id = $2)
                 ORDER BY name, id LIMIT 50",
            )
            .bind(&pattern)
            .bind(facility.0)
            .fetch_all(p)
            .await?;
            rows.iter().map(visitor).collect()
        })
    }

    /// A visitor's links to inmates of a facility, with the inmates' names, oldest first.
    pub async fn visitor_links_at(
        &self,
        visitor: VisitorId,
        facility: FacilityId,
    ) -> Result<Vec<LinkRequest>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_request!(
                "WHERE l.visitor_id = $1 AND i.facility_id = $2 ORDER BY l.created_at, l.id"
            ))
            .bind(visitor.0)
            .bind(facility.0)
            .fetch_all(p)
            .await?;
            rows.iter().map(request).collect()
        })
    }

    /// A visitor's visits at a facility, newest first (at most 100).
    pub async fn visitor_visits_at(
        &self,
        visitor: VisitorId,
        facility: FacilityId,
    ) -> Result<Vec<VisitLine>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT v.code, v.start_at, v.status, v.kind, v.channel, v.status_reason, i.name AS inmate_name
                 FROM visits v JOIN inmates i ON i.id = v.inmate_id
                 WHERE v.visitor_id = $1 AND v.facility_id = $2 ORDER BY v.start_at DESC, v.id DESC LIMIT 100",
            )
            .bind(visitor.0)
            .bind(facility.0)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(VisitLine {
                        code: r.string("code")?,
                        start: r.timestamp("start_at")?,
                        status: r.string("status")?,
                        kind: r.string("kind")?,
                        inmate_name: r.string("inmate_name")?,
                        channel: r.string("channel")?,
                        reason: r.opt_string("status_reason")?,
                    })
                })
                .collect()
        })
    }

    /// Books on a family's behalf (the request's channel should be `Staff`): the booking
    /// with its confirmation to the family, and an audit row saying how the family reached
    /// staff, in one transaction.
    pub async fn book_on_behalf(
        &self,
        req: &BookingRequest,
        via: Via,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<VisitView> {
        let now = crate::whole_seconds(now);
        let mut tx = self.begin().await?;
        let v = crate::booking::book_in_tx(&mut tx, req, who, now).await?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(v.visit.facility_id),
                action: "visit.book_on_behalf",
                target_type: "visit",
                target_id: v.visit.id.0.to_string(),
                detail: json!({ "via": via.as_str(), "visitor_id": req.visitor_id.0, "channel": req.channel.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(v)
    }

    /// The channel a visit was booked through (`web`, `whatsapp`, `staff`).
    pub async fn visit_channel(&self, code: &jenguk_domain::VisitCode) -> Result<String> {
        on_pool!(self, |p| sqlx::query_scalar(
            "SELECT channel FROM visits WHERE code = $1"
        )
        .bind(code.as_str())
        .fetch_optional(p)
        .await)?
        .ok_or(StorageError::NotFound("visit"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_escape("a%b_c\\"), "a\\%b\\_c\\\\");
    }
}
