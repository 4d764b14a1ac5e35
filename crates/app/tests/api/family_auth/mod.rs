//! The family portal's first half over HTTP, as a browser without JavaScript uses it: the
//! start page, login by phone with a WhatsApp code, registration with consent, and asking
//! to visit an inmate. Cookies are kept by hand (`Browser`), redirects are followed by hand
//! so each 303 and each `Set-Cookie` can be checked.

mod login;
mod register;
mod start;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use jenguk_domain::PhoneNumber;
use jenguk_storage::MessageKind;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};

use crate::helpers::TestApp;

static NEXT_IP: AtomicU32 = AtomicU32::new(1);

/// A browser without JavaScript: keeps cookies, sends an Origin on posts, follows nothing by
/// itself.
struct Browser {
    url: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
    ip: String,
    origin: Option<String>,
}

#[derive(Debug)]
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }

    /// The value of the first hidden input with this name.
    fn hidden(&self, name: &str) -> String {
        hidden_values(&self.body, name)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {name} field in {}", self.body))
    }

    fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

fn hidden_values(body: &str, name: &str) -> Vec<String> {
    let needle = format!("name=\"{name}\" value=\"");
    body.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &body[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

impl Browser {
    fn new(app: &TestApp) -> Browser {
        let n = NEXT_IP.fetch_add(1, Ordering::SeqCst);
        Browser {
            url: app.url.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            ip: format!("10.9.{}.{}", n / 250, n % 250 + 1),
            origin: Some(app.url.clone()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let mut req = req.header("x-forwarded-for", &self.ip);
        if !self.cookies.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        let page = Page {
            status,
            headers,
            body,
        };
        for c in page.set_cookies() {
            let first = c.split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            if c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        assert!(
            !page.body.contains("<script"),
            "a family page needs no JavaScript"
        );
        assert!(
            page.body.len() < 60 * 1024,
            "page too heavy: {} bytes",
            page.body.len()
        );
        page
    }

    async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{path}", self.url));
        self.send(req).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let mut req = self.client.post(format!("{}{path}", self.url)).form(form);
        if let Some(o) = &self.origin {
            req = req.header("origin", o);
        }
        self.send(req).await
    }

    /// Follows a 303.
    async fn follow(&mut self, page: &Page) -> Page {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let to = page.location().to_string();
        self.get(&to).await
    }

    /// Asks for a login code: the phone form's post.
    async fn ask_code(&mut self, csrf: &str, phone: &str, next: &str) -> Page {
        self.post(
            "/masuk",
            &[("csrf", csrf), ("phone", phone), ("next", next)],
        )
        .await
    }

    /// Sends a login code: the code form's post.
    async fn enter_code(&mut self, csrf: &str, phone: &str, code: &str, next: &str) -> Page {
        self.post(
            "/masuk/kode",
            &[
                ("csrf", csrf),
                ("phone", phone),
                ("code", code),
                ("next", next),
            ],
        )
        .await
    }

    /// Sends the registration form with consent given.
    async fn register(&mut self, csrf: &str, name: &str, nik: &str) -> Page {
        self.post(
            "/daftar",
            &[
                ("csrf", csrf),
                ("name", name),
                ("nik", nik),
                ("consent", "yes"),
            ],
        )
        .await
    }
}

/// The newest login code sent to a number.
async fn login_code(app: &TestApp, phone: &str) -> String {
    let e164 = PhoneNumber::parse(phone).unwrap();
    let messages = app.db.outbox_messages(None, 200).await.unwrap();
    let m = messages
        .iter()
        .find(|m| m.kind == MessageKind::LoginCode && m.recipient == e164.as_e164())
        .expect("a login code in the outbox");
    m.params["code"].as_str().unwrap().to_string()
}

/// Logs in with a phone number; returns the page the login redirected to.
async fn log_in(app: &TestApp, b: &mut Browser, phone: &str) -> Page {
    let form = b.get("/masuk").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = form.hidden("csrf");
    let sent = b.ask_code(&csrf, phone, "").await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let code_form = b.follow(&sent).await;
    assert_eq!(code_form.status, StatusCode::OK);
    let code = login_code(app, phone).await;
    let e164 = code_form.hidden("phone");
    let csrf = code_form.hidden("csrf");
    let done = b.enter_code(&csrf, &e164, &code, "").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    done
}

/// Logs in and registers a new visitor.
async fn registered(app: &TestApp, phone: &str, nik: &str) -> Browser {
    let mut b = Browser::new(app);
    let done = log_in(app, &mut b, phone).await;
    assert_eq!(done.location(), "/daftar");
    let form = b.follow(&done).await;
    let csrf = form.hidden("csrf");
    let r = b.register(&csrf, "Siti Aminah", nik).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/tautan"),
        "{}",
        r.body
    );
    b
}
