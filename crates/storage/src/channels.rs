//! Per-facility WhatsApp numbers: a facility with its own number sends its families'
//! messages from it; the others use the global channel.

use jenguk_domain::FacilityId;
use jiff::Timestamp;
use serde_json::json;

use crate::audit::{self, Audit, AuditEvent};
use crate::row::RowExt;
use crate::{Db, Result, on_pool, on_tx, secs};

/// A facility's WhatsApp Cloud API credentials.
#[derive(Clone)]
pub struct FacilityChannel {
    /// The facility.
    pub facility_id: FacilityId,
    /// Its business phone number's id.
    pub phone_number_id: String,
    /// The access token.
    pub access_token: String,
    /// The app secret that signs its webhook deliveries.
    pub app_secret: String,
    /// The token echoed in its webhook handshake.
    pub verify_token: String,
    /// The Graph API base URL.
    pub api_base: String,
    /// The Graph API version.
    pub api_version: String,
}

impl std::fmt::Debug for FacilityChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FacilityChannel")
            .field("facility_id", &self.facility_id)
            .field("phone_number_id", &self.phone_number_id)
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Sets (or replaces) a facility's own WhatsApp number.
    pub async fn set_facility_channel(
        &self,
        c: &FacilityChannel,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, |x| {
            sqlx::query(
            "INSERT INTO facility_whatsapp (facility_id, phone_number_id, access_token, app_secret, verify_token, api_base, api_version, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (facility_id) DO UPDATE SET phone_number_id = $2, access_token = $3, app_secret = $4,
                 verify_token = $5, api_base = $6, api_version = $7, updated_at = $8"
        )
        .bind(c.facility_id.0)
        .bind(&c.phone_number_id)
        .bind(&c.access_token)
        .bind(&c.app_secret)
        .bind(&c.verify_token)
        .bind(&c.api_base)
        .bind(&c.api_version)
        .bind(secs(now))
        .execute(&mut *x)
        .await
        .map(|r| r.rows_affected())
        })?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(c.facility_id),
                action: "whatsapp.set",
                target_type: "facility",
                target_id: c.facility_id.0.to_string(),
                // Never the secrets.
                detail: json!({ "phone_number_id": c.phone_number_id, "api_base": c.api_base }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a facility's own number (it falls back to the global channel).
    pub async fn remove_facility_channel(
        &self,
        facility_id: FacilityId,
        who: &AuditEvent,
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = on_tx!(tx, |x| sqlx::query(
            "DELETE FROM facility_whatsapp WHERE facility_id = $1"
        )
        .bind(facility_id.0)
        .execute(&mut *x)
        .await
        .map(|r| r.rows_affected()))?;
        audit::write(
            &mut tx,
            who,
            now,
            Audit {
                facility_id: Some(facility_id),
                action: "whatsapp.remove",
                target_type: "facility",
                target_id: facility_id.0.to_string(),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Every facility's own number.
    pub async fn facility_channels(&self) -> Result<Vec<FacilityChannel>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT facility_id, phone_number_id, access_token, app_secret, verify_token, api_base, api_version
                 FROM facility_whatsapp ORDER BY facility_id",
            )
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(FacilityChannel {
                        facility_id: FacilityId(r.i64("facility_id")?),
                        phone_number_id: r.string("phone_number_id")?,
                        access_token: r.string("access_token")?,
                        app_secret: r.string("app_secret")?,
                        verify_token: r.string("verify_token")?,
                        api_base: r.string("api_base")?,
                        api_version: r.string("api_version")?,
                    })
                })
                .collect()
        })
    }
}
