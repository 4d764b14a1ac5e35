//! The call pages' scripts, compiled into the binary and served with a strong `ETag` and a
//! year-long cache: pages link them with the hash in the query (`/call/family.js?v=…`), so
//! a new build is fetched at once and an unchanged one never again. No framework: the family
//! page with its script stays far below its weight budget on a weak connection.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::AppState;

/// One script.
pub struct Asset {
    /// Its file name under `/call/`.
    pub name: &'static str,
    body: &'static str,
    etag: OnceLock<String>,
}

impl Asset {
    const fn new(name: &'static str, body: &'static str) -> Asset {
        Asset {
            name,
            body,
            etag: OnceLock::new(),
        }
    }

    /// The content's hash (the `ETag`, without quotes).
    pub fn etag(&self) -> &str {
        self.etag.get_or_init(|| {
            Sha256::digest(self.body.as_bytes())
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect()
        })
    }

    /// The address pages link: changes whenever the content does.
    pub fn path(&self) -> String {
        format!("/call/{}?v={}", self.name, self.etag())
    }
}

/// The family's call page.
pub static FAMILY: Asset = Asset::new(
    "family.js",
    concat!(
        include_str!("../../assets/call/peer.js"),
        include_str!("../../assets/call/family.js")
    ),
);
/// The booth kiosk.
pub static KIOSK: Asset = Asset::new(
    "kiosk.js",
    concat!(
        include_str!("../../assets/call/peer.js"),
        include_str!("../../assets/call/kiosk.js")
    ),
);
/// The staff monitor page.
pub static MONITOR: Asset = Asset::new(
    "monitor.js",
    concat!(
        include_str!("../../assets/call/peer.js"),
        include_str!("../../assets/call/monitor.js")
    ),
);

/// The console's live-call grid (`/staff/monitor`, [`crate::staff::monitor`]).
pub static GRID: Asset = Asset::new(
    "grid.js",
    concat!(
        include_str!("../../assets/call/peer.js"),
        include_str!("../../assets/call/grid.js")
    ),
);

static ALL: [&Asset; 4] = [&FAMILY, &KIOSK, &MONITOR, &GRID];

/// The scripts' route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/call/{name}", get(get_asset))
}

async fn get_asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(a) = ALL.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", a.etag());
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            )],
            a.body,
        )
            .into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}
