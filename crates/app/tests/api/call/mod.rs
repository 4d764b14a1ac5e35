//! Video calls over HTTP: who may join (family by code in its window, the kiosk of the
//! visit's booth, staff monitors with the right role and facility, audited), the kiosk's
//! pairing, and the room service (ends moved within a second, media events recorded).
//! Offers come from a str0m client, as a browser would send them.

mod join;
mod kiosk;
mod monitor;
mod rooms;

pub use monitor::cases;

use std::time::Instant;

use jenguk_domain::{VisitCode, VisitId};
use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::Value;
use str0m::Rtc;
use str0m::media::{Direction, MediaKind};

use crate::helpers::TestApp;

/// Runs one SQL statement on the app's database (for what no endpoint does: a visit that
/// starts now, a booth assignment before the day board lands).
pub async fn exec(app: &TestApp, sql: String) {
    if app.database_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

/// A visit of `facility` (code) from `start_in` seconds from now, `len` seconds long, in the
/// facility's booth number `booth` (1-based), with `status` and `kind`.
pub async fn visit(
    app: &TestApp,
    facility: &str,
    start_in: i64,
    len: i64,
    booth: usize,
    status: &str,
    kind: &str,
) -> (VisitId, VisitCode) {
    let bytes: [u8; 5] = rand_bytes();
    let code = VisitCode::from_random(bytes);
    let now = Timestamp::now().as_second();
    let start = now + start_in;
    let f = app
        .db
        .facility(&jenguk_domain::FacilityCode::parse(facility).unwrap())
        .await
        .unwrap();
    let booths = app.db.booths(f.id).await.unwrap();
    let booth_id = booths[booth - 1].id.0;
    exec(
        app,
        format!(
            "INSERT INTO visits (facility_id, code, inmate_id, visitor_id, kind, start_at, end_at, booth_id, people, status, channel, created_at, updated_at) \
             SELECT {fid}, '{code}', (SELECT MIN(id) FROM inmates WHERE facility_id = {fid}), (SELECT MIN(id) FROM visitors), '{kind}', {start}, {end}, {booth_id}, 1, '{status}', 'staff', {now}, {now}",
            fid = f.id.0,
            code = code.as_str(),
            end = start + len,
        ),
    )
    .await;
    let v = app.db.visit_by_code(&code).await.unwrap();
    (v.visit.id, code)
}

fn rand_bytes() -> [u8; 5] {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let c = crate::helpers::unique("c");
    let mut h: u64 = 1469598103934665603;
    for b in c.bytes().chain(n.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(1099511628211);
    }
    let b = h.to_le_bytes();
    [b[0], b[1], b[2], b[3], b[4]]
}

/// An SDP offer as a browser makes it: a peer's audio + video sendrecv, or a monitor's four
/// recvonly m-lines.
pub fn offer(monitor: bool) -> String {
    let mut rtc = Rtc::builder().build(Instant::now());
    let mut api = rtc.sdp_api();
    if monitor {
        for kind in [
            MediaKind::Audio,
            MediaKind::Video,
            MediaKind::Audio,
            MediaKind::Video,
        ] {
            api.add_media(kind, Direction::RecvOnly, None, None, None);
        }
    } else {
        api.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
        api.add_media(MediaKind::Video, Direction::SendRecv, None, None, None);
    }
    let (offer, _pending) = api.apply().unwrap();
    offer.to_sdp_string()
}

/// Posts JSON as our own origin, with extra headers; returns status and body.
pub async fn post_json(
    app: &TestApp,
    path: &str,
    body: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(format!("{}{path}", app.url))
        .header("origin", &app.url)
        .json(&body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The family's offer for a code.
pub async fn family_offer(app: &TestApp, code: &str, ip: &str) -> (StatusCode, Value) {
    post_json(
        app,
        &format!("/join/{code}/offer"),
        serde_json::json!({ "sdp": offer(false) }),
        &[("x-forwarded-for", ip)],
    )
    .await
}
