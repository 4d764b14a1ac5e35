//! `spawn_app()`: the real server on a free port over a fresh database (SQLite, or
//! PostgreSQL when `JENGUK_TEST_POSTGRES` names a server), seeded with the demo.

use std::sync::atomic::{AtomicU64, Ordering};

use jenguk_storage::Db;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}_{}_{t:x}_{n}", std::process::id())
}

/// A fresh database URL: a SQLite file in a new temp dir, or a new PostgreSQL database.
pub async fn fresh_database() -> String {
    match std::env::var("JENGUK_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            let name = unique("jenguk_api").to_lowercase();
            let mut conn = sqlx::PgConnection::connect(&server).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .unwrap();
            let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
        _ => {
            let dir = std::env::temp_dir().join(unique("jenguk-api"));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}/t.db", dir.display())
        }
    }
}

pub struct TestApp {
    pub url: String,
    pub db: Db,
    /// The media relay the server uses.
    pub sfu: jenguk_media::Sfu,
    pub database_url: String,
    pub client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    worker: Option<(
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    )>,
}

pub async fn spawn_app() -> TestApp {
    spawn(None).await
}

/// The app with the WhatsApp channel on, pointed at a fake Graph API, and a delivery worker
/// paced for tests (fast polls, short backoff, short leases).
pub async fn spawn_app_whatsapp(fake: &crate::fake_graph::FakeGraph) -> TestApp {
    let app = spawn(Some(fake)).await;
    fake.report_to(&format!("{}/webhooks/whatsapp", app.url));
    app
}

pub fn test_worker_config() -> jenguk_notify::worker::WorkerConfig {
    jenguk_notify::worker::WorkerConfig {
        poll: std::time::Duration::from_millis(20),
        lease_secs: 3,
        grace_secs: 2,
        batch: 20,
        max_attempts: 8,
        backoff_base: std::time::Duration::from_millis(50),
        backoff_cap: std::time::Duration::from_millis(400),
        scan_every: std::time::Duration::from_millis(200),
        client_timeout: std::time::Duration::from_secs(1),
    }
}

async fn spawn(fake: Option<&crate::fake_graph::FakeGraph>) -> TestApp {
    use crate::fake_graph::{APP_SECRET, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN};
    use jenguk_notify::{Secret, WhatsAppConfig};
    let database_url = fresh_database().await;
    let db = Db::connect(&database_url).await.unwrap();
    if fake.is_none() {
        jenguk::demo::seed_if_empty(&db).await.unwrap();
    } else {
        // No demo data: every message the fake sees comes from the test itself.
        db.create_user(
            "admin",
            "demo-admin-2026",
            jenguk_storage::Role::NationalAdmin,
            None,
            &jenguk_storage::AuditEvent::cli(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    // The media relay on a free loopback port: video visits are on in every test app.
    let sfu = jenguk_media::Sfu::start(jenguk_media::MediaConfig {
        udp_bind: "127.0.0.1:0".parse().unwrap(),
        public_ip: None,
    })
    .await
    .unwrap();
    let mut state = jenguk_web::AppState::new(db.clone())
        .with_public_url(&format!("http://{addr}"))
        .with_media(sfu.clone());
    let mut worker = None;
    if let Some(fake) = fake {
        let cfg = std::sync::Arc::new(
            WhatsAppConfig::new(
                PHONE_NUMBER_ID,
                Secret::new(TOKEN),
                Secret::new(APP_SECRET),
                Secret::new(VERIFY_TOKEN),
            )
            .unwrap()
            .with_api_base(&fake.url)
            .unwrap(),
        );
        let client = jenguk_notify::Client::new(&cfg, std::time::Duration::from_secs(1)).unwrap();
        state = state.with_whatsapp(cfg);
        let w = jenguk_notify::worker::Worker::new(
            db.clone(),
            Some(std::sync::Arc::new(client)),
            state.chat.clone(),
            state.public_url.clone(),
            test_worker_config(),
        );
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        worker = Some((stop_tx, tokio::spawn(w.run(stop_rx))));
    }
    let server = tokio::spawn(jenguk_web::serve(listener, state, async move {
        let _ = rx.await;
    }));
    TestApp {
        url: format!("http://{addr}"),
        db,
        sfu,
        database_url,
        client: reqwest::Client::new(),
        shutdown: Some(tx),
        server: Some(server),
        worker,
    }
}

impl TestApp {
    pub async fn stop(mut self) {
        if let Some((tx, handle)) = self.worker.take() {
            let _ = tx.send(true);
            handle.await.unwrap();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            s.await.unwrap().unwrap();
        }
    }

    pub async fn token(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    pub async fn admin(&self) -> String {
        self.token("admin", "demo-admin-2026").await
    }

    pub async fn operator(&self) -> String {
        self.token("operator.serang", "demo-operator-2026").await
    }

    async fn send(&self, req: reqwest::RequestBuilder, token: Option<&str>) -> (StatusCode, Value) {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.send(self.client.get(format!("{}{path}", self.url)), token)
            .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send(
            self.client.post(format!("{}{path}", self.url)).json(&body),
            token,
        )
        .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        body: &'static str,
        lang: &str,
    ) -> (StatusCode, Value) {
        let req = self
            .client
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .header("accept-language", lang)
            .body(body);
        self.send(req, token).await
    }
}

/// A facility of our own, set up through the API: one template per weekday 08:00–12:00
/// (15-minute slots, `capacity` places), quotas of 1 a week, booking 1–14 days ahead.
pub struct World {
    pub base: u32,
    pub code: String,
    pub admin: String,
    pub inmates: Vec<i64>,
    pub visitors: Vec<i64>,
}

pub fn nik(n: u32) -> String {
    // Jakarta Pusat, born 17-08-1945, serial n.
    format!("317101170845{:04}", n % 9999 + 1)
}

/// The WhatsApp digits of pair `i`'s visitor in a world.
pub fn phone_digits(i: usize, w: &World) -> String {
    format!("62812{:08}", w.base + i as u32)
}

pub fn phone(n: u32) -> String {
    format!("0812{:08}", n)
}

pub async fn world(app: &TestApp, capacity: u16, pairs: u32) -> World {
    let admin = app.admin().await;
    let code = format!("TEST-{}", COUNTER.fetch_add(1, Ordering::SeqCst));
    let (s, b) = app
        .post(
            "/api/v1/facilities",
            Some(&admin),
            json!({"code": code, "name": "Rutan Uji", "kind": "rutan", "class": "IIB", "province": "Banten",
                   "time_zone": "Asia/Jakarta",
                   "policy": {"slot_minutes": 15, "min_days_ahead": 1, "max_days_ahead": 14, "cutoff_minutes": 60,
                              "max_visits_per_inmate_per_week": 1, "max_visits_per_visitor_per_week": 1,
                              "max_people_per_visit": 3, "record_family_visits": false}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    for wd in 1..=7 {
        let (s, b) = app
            .post(
                &format!("/api/v1/facilities/{code}/templates"),
                Some(&admin),
                json!({"weekday": wd, "start": "08:00", "end": "12:00", "capacity": capacity}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let mut inmates = Vec::new();
    let mut visitors = Vec::new();
    let base = COUNTER.fetch_add(1, Ordering::SeqCst) as u32 * 100;
    for i in 0..pairs {
        let (s, b) = app
            .post(
                &format!("/api/v1/facilities/{code}/inmates"),
                Some(&admin),
                json!({"reg_number": format!("B.I {}/2024", base + i), "name": format!("Warga Binaan {i}"), "status": "narapidana"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let inmate = b["id"].as_i64().unwrap();
        let (s, b) = app
            .post(
                "/api/v1/visitors",
                Some(&admin),
                json!({"name": format!("Pengunjung {i}"), "nik": nik(base + i), "phone": phone(base + i)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let visitor = b["id"].as_i64().unwrap();
        let (s, b) = app
            .post(
                "/api/v1/links",
                Some(&admin),
                json!({"visitor_id": visitor, "inmate_id": inmate, "relationship": "spouse"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (s, b) = app
            .post(
                &format!("/api/v1/links/{}/approve", b["id"]),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        inmates.push(inmate);
        visitors.push(visitor);
    }
    World {
        base,
        code,
        admin,
        inmates,
        visitors,
    }
}

impl World {
    /// The slots of the day after tomorrow (inside the booking window).
    pub async fn slots(&self, app: &TestApp) -> Vec<Value> {
        let day = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap())
            .date()
            .saturating_add(jiff::Span::new().days(2));
        let (s, b) = app
            .get(
                &format!("/api/v1/facilities/{}/slots?from={day}&to={day}", self.code),
                Some(&self.admin),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        b.as_array().unwrap().clone()
    }

    pub async fn book(
        &self,
        app: &TestApp,
        token: &str,
        start: &str,
        i: usize,
    ) -> (StatusCode, Value) {
        app.post(
            "/api/v1/visits",
            Some(token),
            json!({"facility": self.code, "start": start, "inmate_id": self.inmates[i], "visitor_id": self.visitors[i]}),
        )
        .await
    }
}
