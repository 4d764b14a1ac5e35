//! Jenguk's HTTP layer: the staff JSON API (`/api/v1`, documented at `/api/openapi.json`),
//! server-rendered pages, health and metrics.
//!
//! Architecture invariant: no panic message, stack trace or SQL reaches a client. Every error
//! response is JSON `{"error": code, "message": text}` in the request's language (pages will
//! render their own error page).

pub mod api;
pub mod call;
pub mod error;
pub mod extract;
pub mod family;
pub mod ice;
pub mod kiosk;
pub use jenguk_i18n as i18n;
pub mod openapi;
pub mod pages;
pub mod staff;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jenguk_notify::WhatsAppConfig;
use jenguk_notify::chat::ChatFlow;
use jenguk_storage::Db;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;

use crate::error::ApiError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The WhatsApp channel's webhook secrets (none: the channel is off).
    pub whatsapp: Option<Arc<WhatsAppConfig>>,
    /// The WhatsApp chat flow.
    pub chat: Arc<ChatFlow>,
    /// The address families open (for join links), e.g. `https://jenguk.example.id`.
    pub public_url: String,
    /// A demo server: shows the outbox at `/demo/outbox`.
    pub demo: bool,
    /// The media relay for video visits (none: video visits are off, as in most tests).
    pub media: Option<jenguk_media::Sfu>,
    /// The ICE servers (STUN, TURN with time-limited credentials) handed to browsers.
    pub ice: Arc<ice::IceConfig>,
    /// Recently checked API tokens (by the token's hash), so that a burst of requests does not
    /// look the same token up each time. Entries live a few seconds: a token that expires is
    /// refused at most that much later.
    pub(crate) tokens: Arc<std::sync::Mutex<TokenCache>>,
    metrics: PrometheusHandle,
}

/// A small cache of API tokens that were valid when checked.
#[derive(Default)]
pub(crate) struct TokenCache {
    entries: std::collections::HashMap<[u8; 32], (jenguk_storage::StaffUser, Instant)>,
}

impl TokenCache {
    /// How long a checked token is trusted without asking the database again.
    const TTL: Duration = Duration::from_secs(5);
    /// At most this many tokens are remembered (then the cache starts over).
    const MAX: usize = 10_000;

    fn key(token: &str) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(token.as_bytes()).into()
    }

    pub(crate) fn get(&self, token: &str) -> Option<jenguk_storage::StaffUser> {
        self.entries
            .get(&Self::key(token))
            .filter(|(_, at)| at.elapsed() < Self::TTL)
            .map(|(u, _)| u.clone())
    }

    pub(crate) fn put(&mut self, token: &str, user: jenguk_storage::StaffUser) {
        if self.entries.len() >= Self::MAX {
            self.entries.clear();
        }
        self.entries
            .insert(Self::key(token), (user, Instant::now()));
    }
}

impl AppState {
    /// State over a database: WhatsApp off, not a demo.
    pub fn new(db: Db) -> Self {
        let public_url = "http://127.0.0.1:8080".to_string();
        AppState {
            chat: Arc::new(ChatFlow::new(db.clone(), public_url.clone())),
            db,
            whatsapp: None,
            public_url,
            demo: false,
            media: None,
            ice: Arc::default(),
            tokens: Arc::default(),
            metrics: metrics_handle(),
        }
    }

    /// With the WhatsApp channel's webhook on.
    pub fn with_whatsapp(mut self, config: Arc<WhatsAppConfig>) -> Self {
        self.whatsapp = Some(config);
        self
    }

    /// With the public address used in links.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = url.trim_end_matches('/').to_string();
        self.chat = Arc::new(ChatFlow::new(self.db.clone(), self.public_url.clone()));
        self
    }

    /// As a demo.
    pub fn with_demo(mut self, demo: bool) -> Self {
        self.demo = demo;
        self
    }

    /// With the media relay for video visits.
    pub fn with_media(mut self, sfu: jenguk_media::Sfu) -> Self {
        self.media = Some(sfu);
        self
    }

    /// With the ICE servers handed to browsers.
    pub fn with_ice(mut self, ice: ice::IceConfig) -> Self {
        self.ice = Arc::new(ice);
        self
    }
}

/// The process-wide Prometheus recorder (installed once, shared by every server in the
/// process, as in tests).
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let builder = builder
                .set_buckets(&[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ])
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder is installed; then ours just renders empty.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(family::start::get_start))
        .route("/healthz", get(get_healthz))
        .route("/metrics", get(get_metrics))
        .route("/api/openapi.json", get(get_openapi))
        .route(
            "/webhooks/whatsapp",
            get(webhooks::get_whatsapp).post(webhooks::post_whatsapp),
        )
        .route("/demo/outbox", get(pages::get_demo_outbox))
        .nest("/api/v1", api::routes())
        .merge(family::routes())
        .merge(call::routes())
        .merge(kiosk::routes())
        .merge(staff::routes())
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(middleware::from_fn(error::translate))
        .layer(middleware::from_fn(remember_lang))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn(track))
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                let e = ApiError::internal(&"handler panicked");
                let lang = i18n::Lang::Id;
                (e.status(), axum::Json(e.body(lang))).into_response()
            },
        ))
}

/// `?lang=` on any page also sets the language cookie, so the choice sticks.
async fn remember_lang(req: Request, next: Next) -> Response {
    let chosen = req.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|p| p.strip_prefix("lang="))
            .and_then(i18n::Lang::parse)
    });
    let mut res = next.run(req).await;
    if let Some(lang) = chosen {
        let cookie = format!(
            "jenguk_lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.tag()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Counts requests and their latency by route, and sets security headers.
async fn track(req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let started = Instant::now();
    let mut res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("jenguk_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("jenguk_http_request_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    res
}

async fn fallback() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        "error-route-not-found",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "error-method-not-allowed",
    )
}

/// `200 {"status":"ok"}` when the database answers, `503` otherwise.
async fn get_healthz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await {
        Ok(Ok(())) => axum::Json(serde_json::json!({ "status": "ok" })).into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                serde_json::json!({ "status": "unavailable", "error": "database_unreachable" }),
            ),
        )
            .into_response(),
    }
}

async fn get_metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

async fn get_openapi() -> Response {
    axum::Json(openapi::ApiDoc::openapi()).into_response()
}

/// Serves the application on a bound listener until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let rooms = call::rooms::spawn_room_service(state.clone());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    rooms.abort();
    served
}
