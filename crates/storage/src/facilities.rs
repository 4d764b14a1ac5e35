//! Facilities and booths.

use jenguk_domain::schedule_change::PolicyProblem;
use jenguk_domain::{
    Booth, BoothId, Facility, FacilityCode, FacilityId, FacilityKind, VisitPolicy,
};
use jiff::Timestamp;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::error::unique_as;
use crate::row::RowExt;
use crate::{Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// A facility to create.
#[derive(Debug, Clone)]
pub struct NewFacility {
    /// Short code.
    pub code: FacilityCode,
    /// Full name.
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
    /// Class, e.g. "IIB".
    pub class: String,
    /// Province name.
    pub province: String,
    /// IANA zone.
    pub time_zone: String,
    /// Policy.
    pub policy: VisitPolicy,
}

/// `SELECT <all facility columns> FROM facilities <tail>` as a static string.
macro_rules! select_facility {
    ($tail:literal) => {
        concat!(
            "SELECT id, code, name, kind, class, province, time_zone, slot_minutes, ",
            "min_days_ahead, max_days_ahead, cutoff_minutes, max_visits_per_inmate_per_week, ",
            "max_visits_per_visitor_per_week, max_people_per_visit, record_family_visits ",
            "FROM facilities ",
            $tail
        )
    };
}

pub(crate) fn facility(r: &impl RowExt) -> Result<Facility> {
    let code = r.string("code")?;
    let kind = r.string("kind")?;
    Ok(Facility {
        id: FacilityId(r.i64("id")?),
        code: FacilityCode::parse(&code).map_err(|_| StorageError::Corrupt(code.clone()))?,
        name: r.string("name")?,
        kind: FacilityKind::parse(&kind).ok_or(StorageError::Corrupt(kind))?,
        class: r.string("class")?,
        province: r.string("province")?,
        time_zone: r.string("time_zone")?,
        policy: VisitPolicy {
            slot_minutes: r.u16("slot_minutes")?,
            min_days_ahead: r.u16("min_days_ahead")?,
            max_days_ahead: r.u16("max_days_ahead")?,
            cutoff_minutes: {
                let v = r.i64("cutoff_minutes")?;
                u32::try_from(v)
                    .map_err(|_| StorageError::Corrupt(format!("cutoff_minutes = {v}")))?
            },
            max_visits_per_inmate_per_week: r.u16("max_visits_per_inmate_per_week")?,
            max_visits_per_visitor_per_week: r.u16("max_visits_per_visitor_per_week")?,
            max_people_per_visit: r.u16("max_people_per_visit")?,
            record_family_visits: r.bool("record_family_visits")?,
        },
    })
}

fn booth(r: &impl RowExt) -> Result<Booth> {
    Ok(Booth {
        id: BoothId(r.i64("id")?),
        facility_id: FacilityId(r.i64("facility_id")?),
        name: r.string("name")?,
        active: r.bool("active")?,
    })
}

/// Loads a facility by code inside a transaction; on PostgreSQL the row is locked
/// (`FOR NO KEY UPDATE`: inserts that only reference the row are not blocked) so that bookings in the facility's slots take turns.
pub(crate) async fn lock_facility(tx: &mut Tx, code: &FacilityCode) -> Result<Facility> {
    let sql = if tx.row_locks() {
        select_facility!("WHERE code = $1 FOR NO KEY UPDATE")
    } else {
        select_facility!("WHERE code = $1")
    };
    on_tx!(tx, |c| {
        let row = sqlx::query(sql)
            .bind(code.as_str())
            .fetch_optional(&mut *c)
            .await?;
        row.map(|r| facility(&r))
            .transpose()?
            .ok_or(StorageError::NotFound("facility"))
    })
}

impl Db {
    /// Creates a facility. Its zone must be a known IANA zone.
    pub async fn create_facility(
        &self,
        f: &NewFacility,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<Facility> {
        if jiff::tz::TimeZone::get(&f.time_zone).is_err() {
            return Err(StorageError::Invalid("unknown_time_zone"));
        }
        if f.name.trim().is_empty() {
            return Err(StorageError::Invalid("name_required"));
        }
        let p = &f.policy;
        if p.min_days_ahead > p.max_days_ahead || p.max_days_ahead > 365 {
            return Err(StorageError::Invalid("booking_window"));
        }
        // A week at most: a longer cut-off is a typo, and it must fit every reader.
        if p.cutoff_minutes > 7 * 24 * 60 {
            return Err(StorageError::Invalid("cutoff"));
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO facilities (code, name, kind, class, province, time_zone, slot_minutes, min_days_ahead, max_days_ahead, cutoff_minutes, max_visits_per_inmate_per_week, max_visits_per_visitor_per_week, max_people_per_visit, record_family_visits, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id"
        )
        .bind(f.code.as_str())
        .bind(f.name.trim())
        .bind(f.kind.as_str())
        .bind(&f.class)
        .bind(&f.province)
        .bind(&f.time_zone)
        .bind(i64::from(p.slot_minutes))
        .bind(i64::from(p.min_days_ahead))
        .bind(i64::from(p.max_days_ahead))
        .bind(i64::from(p.cutoff_minutes))
        .bind(i64::from(p.max_visits_per_inmate_per_week))
        .bind(i64::from(p.max_visits_per_visitor_per_week))
        .bind(i64::from(p.max_people_per_visit))
        .bind(p.record_family_visits)
        .bind(secs(now))
        .fetch_one(&mut *c)
        .await
        .map_err(unique_as("facility_code_taken"))
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(FacilityId(id)),
                action: "facility.create",
                target_type: "facility",
                target_id: id.to_string(),
                detail: json!({ "code": f.code.as_str(), "name": f.name }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Facility {
            id: FacilityId(id),
            code: f.code.clone(),
            name: f.name.trim().to_string(),
            kind: f.kind,
            class: f.class.clone(),
            province: f.province.clone(),
            time_zone: f.time_zone.clone(),
            policy: f.policy.clone(),
        })
    }

    /// Every facility, by code.
    pub async fn facilities(&self) -> Result<Vec<Facility>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_facility!("ORDER BY code"))
                .fetch_all(p)
                .await?;
            rows.iter().map(facility).collect()
        })
    }

    /// A facility by code.
    pub async fn facility(&self, code: &FacilityCode) -> Result<Facility> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_facility!("WHERE code = $1"))
                .bind(code.as_str())
                .fetch_optional(p)
                .await?;
            row.map(|r| facility(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("facility"))
        })
    }

    /// A facility by id.
    pub async fn facility_by_id(&self, id: FacilityId) -> Result<Facility> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_facility!("WHERE id = $1"))
                .bind(id.0)
                .fetch_optional(p)
                .await?;
            row.map(|r| facility(&r))
                .transpose()?
                .ok_or(StorageError::NotFound("facility"))
        })
    }

    /// Adds a booth to a facility.
    pub async fn create_booth(
        &self,
        facility_id: FacilityId,
        name: &str,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<Booth> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(StorageError::Invalid("booth_name"));
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
            "INSERT INTO booths (facility_id, name, active) VALUES ($1, $2, $3) RETURNING id"
        )
        .bind(facility_id.0)
        .bind(name)
        .bind(true)
        .fetch_one(&mut *c)
        .await
        .map_err(unique_as("booth_name_taken")))?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility_id),
                action: "booth.create",
                target_type: "booth",
                target_id: id.to_string(),
                detail: json!({ "name": name }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Booth {
            id: BoothId(id),
            facility_id,
            name: name.to_string(),
            active: true,
        })
    }

    /// A facility's booths, by name.
    pub async fn booths(&self, facility_id: FacilityId) -> Result<Vec<Booth>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT id, facility_id, name, active FROM booths WHERE facility_id = $1 ORDER BY name",
            )
            .bind(facility_id.0)
            .fetch_all(p)
            .await?;
            rows.iter().map(booth).collect()
        })
    }

    /// Replaces a facility's visiting policy (checked first). It governs new bookings;
    /// existing ones keep their places.
    pub async fn update_policy(
        &self,
        facility_id: FacilityId,
        p: &VisitPolicy,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        p.check().map_err(|e| {
            StorageError::Invalid(match e {
                PolicyProblem::SlotMinutes => "policy_slot_minutes",
                PolicyProblem::Window => "booking_window",
                PolicyProblem::Cutoff => "cutoff",
                PolicyProblem::Quota => "policy_quota",
                PolicyProblem::People => "people",
            })
        })?;
        let before = self.facility_by_id(facility_id).await?.policy;
        let mut tx = self.begin().await?;
        on_tx!(tx, |c| {
            sqlx::query(
            "UPDATE facilities SET slot_minutes = $1, min_days_ahead = $2, max_days_ahead = $3, cutoff_minutes = $4, max_visits_per_inmate_per_week = $5, max_visits_per_visitor_per_week = $6, max_people_per_visit = $7, record_family_visits = $8 WHERE id = $9"
        )
        .bind(i64::from(p.slot_minutes))
        .bind(i64::from(p.min_days_ahead))
        .bind(i64::from(p.max_days_ahead))
        .bind(i64::from(p.cutoff_minutes))
        .bind(i64::from(p.max_visits_per_inmate_per_week))
        .bind(i64::from(p.max_visits_per_visitor_per_week))
        .bind(i64::from(p.max_people_per_visit))
        .bind(p.record_family_visits)
        .bind(facility_id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility_id),
                action: "facility.policy",
                target_type: "facility",
                target_id: facility_id.0.to_string(),
                detail: json!({ "before": before, "after": p }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
