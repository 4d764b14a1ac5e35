//! The facility's booth kiosks, `/staff/kiosks` (`Can::Configure`): each booth with its
//! kiosk, when it was paired and when it last reported — **online** when that was within
//! [`ONLINE_SECS`] (a kiosk reports every 15 s) — a revoke button, the kiosks revoked before,
//! and the pairing form (it posts to `/staff/kiosks/pair`, [`crate::kiosk::pair`], which
//! comes back here).
//!
//! Revoking (`POST /staff/kiosks/{id}/revoke`, `Db::revoke_kiosk`, audited as `kiosk.revoke`)
//! makes the kiosk's device token useless at once: the kiosk falls back to its pairing screen.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_storage::{KioskDevice, StorageError};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::AppState;
use crate::family::page::render;
use crate::family::visits::{when_short, zone};
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// A kiosk that reported within this many seconds is online.
pub const ONLINE_SECS: i64 = 45;

/// The kiosk page's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/kiosks", get(get_kiosks))
        .route("/staff/kiosks/{id}/revoke", post(post_revoke))
}

/// Whether a kiosk that last reported at `seen` is online at `now`.
pub fn online(seen: Option<Timestamp>, now: Timestamp) -> bool {
    seen.is_some_and(|s| now.as_second() - s.as_second() <= ONLINE_SECS)
}

/// A kiosk as a row of the page.
struct KioskRow {
    id: i64,
    booth: String,
    paired_at: String,
    last_seen: String,
    online: bool,
    revoked_at: String,
}

/// A booth and its kiosk, if any.
struct BoothRow {
    name: String,
    active: bool,
    kiosk: Option<KioskRow>,
}

#[derive(Template)]
#[template(path = "staff/kiosks/kiosks.html")]
struct KiosksPage {
    chrome: StaffChrome,
    booths: Vec<BoothRow>,
    revoked: Vec<KioskRow>,
    /// Booths a kiosk can be paired with: (id, name).
    pairable: Vec<(i64, String)>,
    zone: String,
    notice: Option<String>,
}

#[derive(Deserialize)]
struct KiosksQuery {
    #[serde(default)]
    revoked: Option<String>,
    #[serde(default)]
    paired: Option<String>,
}

fn row(
    k: &KioskDevice,
    booths: &HashMap<i64, String>,
    lang: Lang,
    tz: &TimeZone,
    now: Timestamp,
) -> KioskRow {
    let at = |t: Option<Timestamp>| {
        t.map_or_else(|| lang.t("staff-kiosks-never"), |t| when_short(lang, t, tz))
    };
    KioskRow {
        id: k.id,
        booth: k
            .booth_id
            .and_then(|b| booths.get(&b.0).cloned())
            .unwrap_or_default(),
        paired_at: at(k.paired_at),
        last_seen: at(k.last_seen_at),
        online: k.revoked_at.is_none() && online(k.last_seen_at, now),
        revoked_at: at(k.revoked_at),
    }
}

async fn get_kiosks(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<KiosksQuery>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Configure).await?;
    let lang = staff.lang;
    let storage = |e| StaffError::from_storage(e, lang);
    let booths = state.db.booths(facility.id).await.map_err(storage)?;
    let kiosks = state.db.kiosks(facility.id).await.map_err(storage)?;
    let names: HashMap<i64, String> = booths.iter().map(|b| (b.id.0, b.name.clone())).collect();
    let tz = zone(&facility.time_zone);
    let now = Timestamp::now();
    let rows = booths
        .iter()
        .map(|b| BoothRow {
            name: b.name.clone(),
            active: b.active,
            kiosk: kiosks
                .iter()
                .find(|k| k.is_active() && k.booth_id == Some(b.id))
                .map(|k| row(k, &names, lang, &tz, now)),
        })
        .collect();
    let revoked = kiosks
        .iter()
        .filter(|k| k.revoked_at.is_some())
        .take(20)
        .map(|k| row(k, &names, lang, &tz, now))
        .collect();
    let notice = if q.revoked.is_some() {
        Some(lang.t("staff-kiosks-revoked"))
    } else if q.paired.is_some() {
        Some(lang.t("staff-kiosks-paired"))
    } else {
        None
    };
    Ok(render(&KiosksPage {
        chrome: staff.chrome("staff-kiosks-title"),
        booths: rows,
        revoked,
        pairable: booths
            .iter()
            .filter(|b| b.active)
            .map(|b| (b.id.0, b.name.clone()))
            .collect(),
        zone: facility.time_zone.clone(),
        notice,
    }))
}

#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    csrf: String,
}

async fn post_revoke(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<RevokeForm>,
) -> Result<Response, StaffError> {
    let lang = staff.lang;
    let kiosk = match state.db.kiosk(id).await {
        Ok(k) => Some(k),
        Err(StorageError::NotFound(_)) => None,
        Err(e) => return Err(StaffError::from_storage(e, lang)),
    };
    let Some((kiosk, facility)) = kiosk.and_then(|k| k.facility_id.map(|f| (k, f))) else {
        staff.require(&state, Can::Configure).await?;
        return Err(StaffError::not_found(lang).back("/staff/kiosks"));
    };
    staff.require_at(&state, Can::Configure, facility).await?;
    staff.check_csrf(&f.csrf)?;
    let already = || {
        StaffError::new(
            StatusCode::CONFLICT,
            lang,
            lang.t("staff-kiosks-err-revoked"),
        )
        .back("/staff/kiosks")
    };
    if kiosk.revoked_at.is_some() {
        return Err(already());
    }
    match state
        .db
        .revoke_kiosk(id, &staff.who(), Timestamp::now())
        .await
    {
        Ok(()) => Ok(Redirect::to("/staff/kiosks?revoked=1").into_response()),
        Err(StorageError::Invalid("kiosk_revoked")) => Err(already()),
        Err(e) => Err(StaffError::from_storage(e, lang).back("/staff/kiosks")),
    }
}
