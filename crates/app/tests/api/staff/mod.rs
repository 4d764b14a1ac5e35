//! The operator console over HTTP, as a browser without JavaScript uses it. `StaffBrowser`
//! keeps cookies by hand and adds the session's CSRF token to every post; `matrix` checks
//! every console route against every role, in its own facility and another.

#![allow(dead_code)] // helpers used as the console areas land

mod account;
pub mod approvals;
mod audit;
mod board;
pub mod book;
mod inmates;
mod kiosks;
mod login;
pub mod matrix;
mod monitor;
pub mod schedule;
pub mod visitors;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};

use crate::helpers::TestApp;

static NEXT_IP: AtomicU32 = AtomicU32::new(1);

/// The demo's staff accounts: (username, password).
pub const NATIONAL: (&str, &str) = ("admin", "demo-admin-2026");
pub const ADMIN_SERANG: (&str, &str) = ("admin.serang", "demo-serang-2026");
pub const OPERATOR_SERANG: (&str, &str) = ("operator.serang", "demo-operator-2026");
pub const OFFICER_SERANG: (&str, &str) = ("officer.serang", "demo-officer-2026");
pub const OPERATOR_MAKASSAR: (&str, &str) = ("operator.makassar", "demo-makassar-2026");

/// A page as received.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden input with this name.
    pub fn hidden(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let i = self
            .body
            .find(&needle)
            .unwrap_or_else(|| panic!("no {name} field in {}", self.body));
        let rest = &self.body[i + needle.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    pub fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    /// The TOTP secret shown on an enrolment page (spaces removed).
    pub fn totp_secret(&self) -> String {
        let needle = "id=\"totp-secret\">";
        let i = self
            .body
            .find(needle)
            .unwrap_or_else(|| panic!("no secret in {}", self.body));
        let rest = &self.body[i + needle.len()..];
        rest[..rest.find('<').unwrap()].replace(' ', "")
    }
}

/// Secrets of enrolled accounts and the last time step used, per (server, username).
static TOTP: Mutex<BTreeMap<(String, String), (String, i64)>> = Mutex::new(BTreeMap::new());

/// The RFC 6238 code of a base32 secret at a time step.
pub fn totp_at(secret: &str, step: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    let t =
        totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into()).unwrap();
    t.generate(u64::try_from(step * 30).unwrap())
}

/// The current time step.
pub fn current_step() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(now / 30).unwrap()
}

/// Remembers the secret a test read from an enrolment page.
pub fn remember_totp_secret(app: &TestApp, username: &str, secret: &str) {
    TOTP.lock().unwrap().insert(
        (app.url.clone(), username.to_string()),
        (secret.to_string(), 0),
    );
}

/// The remembered secret of an enrolled account.
pub fn totp_secret(app: &TestApp, username: &str) -> String {
    TOTP.lock()
        .unwrap()
        .get(&(app.url.clone(), username.to_string()))
        .unwrap_or_else(|| panic!("{username} has not enrolled in this test"))
        .0
        .clone()
}

/// A code the server has not accepted yet: of the current step, else the next one (the
/// server allows one step of drift), else waits for time to move on. The server's rule
/// that a step is accepted once stays as strict as it is.
pub async fn totp_code(app: &TestApp, username: &str) -> String {
    let key = (app.url.clone(), username.to_string());
    let (secret, last) = TOTP
        .lock()
        .unwrap()
        .get(&key)
        .cloned()
        .unwrap_or_else(|| panic!("{username} has not enrolled in this test"));
    let step = current_step().max(last + 1);
    while step > current_step() + 1 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    TOTP.lock().unwrap().insert(key, (secret.clone(), step));
    totp_at(&secret, step)
}

/// A staff member's browser without JavaScript.
pub struct StaffBrowser {
    pub url: String,
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    pub ip: String,
    /// The session's CSRF token, once signed in.
    pub csrf: String,
}

impl StaffBrowser {
    pub fn new(app: &TestApp) -> StaffBrowser {
        let n = NEXT_IP.fetch_add(1, Ordering::SeqCst);
        StaffBrowser {
            url: app.url.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            ip: format!("10.8.{}.{}", n / 250, n % 250 + 1),
            csrf: String::new(),
        }
    }

    /// Signs in (password and, where due, the second factor) and keeps the CSRF token;
    /// panics if that fails. A national administrator then works on RUTAN-SERANG.
    ///
    /// The second factor is handled like a person with an authenticator app would: on the
    /// first login of an account that must enrol, the secret is read from the enrolment page
    /// and remembered (per server and username); later logins compute a fresh code from it.
    pub async fn login(app: &TestApp, who: (&str, &str)) -> StaffBrowser {
        let mut b = StaffBrowser::new(app);
        let page = b
            .post_raw("/staff/login", &[("username", who.0), ("password", who.1)])
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "login of {}: {}",
            who.0,
            page.body
        );
        if page.location().starts_with("/staff/login/totp") {
            b.second_factor(app, who.0, page.location()).await;
        }
        let home = b.get("/staff").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
        b.csrf = home.hidden("csrf");
        if who.0 == NATIONAL.0 {
            let p = b
                .post("/staff/facility", &[("facility", "RUTAN-SERANG")])
                .await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        }
        b
    }

    /// From the code page `at` (after the password), enrols or types a code; panics if the
    /// session does not open.
    pub async fn second_factor(&mut self, app: &TestApp, username: &str, at: &str) {
        let mut page = self.get(at).await;
        if page.status == StatusCode::SEE_OTHER && page.location().starts_with("/staff/login/enrol")
        {
            let to = page.location().to_string();
            page = self.get(&to).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let secret = page.totp_secret();
            remember_totp_secret(app, username, &secret);
            let code = totp_code(app, username).await;
            let csrf = page.hidden("csrf");
            let next = page.hidden("next");
            let done = self
                .post_raw(
                    "/staff/login/enrol",
                    &[("csrf", &csrf), ("next", &next), ("code", &code)],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "enrol: {}", done.body);
            return;
        }
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let code = totp_code(app, username).await;
        let csrf = page.hidden("csrf");
        let next = page.hidden("next");
        let done = self
            .post_raw(
                "/staff/login/totp",
                &[("csrf", &csrf), ("next", &next), ("code", &code)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "totp: {}", done.body);
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let mut req = req.header("x-forwarded-for", &self.ip);
        if !self.cookies.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        for c in headers.get_all(SET_COOKIE).iter() {
            let c = c.to_str().unwrap();
            let first = c.split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            if c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{path}", self.url));
        self.send(req).await
    }

    /// Posts a form as our own origin, without adding the CSRF token.
    pub async fn post_raw(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self
            .client
            .post(format!("{}{path}", self.url))
            .header("origin", &self.url)
            .form(form);
        self.send(req).await
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(form);
        self.post_raw(path, &all).await
    }

    /// Posts a multipart form (file upload) with the session's CSRF token.
    pub async fn post_multipart(&mut self, path: &str, form: reqwest::multipart::Form) -> Page {
        let form = form.text("csrf", self.csrf.clone());
        let req = self
            .client
            .post(format!("{}{path}", self.url))
            .header("origin", &self.url)
            .multipart(form);
        self.send(req).await
    }

    /// Follows a 303.
    pub async fn follow(&mut self, page: &Page) -> Page {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let to = page.location().to_string();
        self.get(&to).await
    }
}
