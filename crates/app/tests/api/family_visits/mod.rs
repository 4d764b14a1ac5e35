//! The family portal's second half, over HTTP as a browser without JavaScript speaks it:
//! booking (one-time key, a slot that filled meanwhile), the visit page (code, QR, join
//! link, calendar file), cancelling and moving within the policy, the survey, the join page
//! and its limit on wrong codes, and "my data" (export, deletion).

mod after;
mod booking;
mod companions;
mod manage;

use jenguk_domain::{PhoneNumber, VisitCode, VisitorId};
use jenguk_storage::LinkFilter;
use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};

use crate::helpers::{TestApp, World, phone, spawn_app, world};

/// A signed-in family: a browser with the session cookie that does not follow redirects.
pub(super) struct Fam {
    url: String,
    client: reqwest::Client,
    cookie: String,
    csrf: String,
    visitor: VisitorId,
    link: i64,
}

pub(super) struct Res {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Res {
    fn location(&self) -> String {
        self.headers
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

async fn signed_in(app: &TestApp, w: &World, i: usize) -> Fam {
    let phone = PhoneNumber::parse(&phone(w.base + i as u32)).unwrap();
    let s = app
        .db
        .create_family_session(&phone, Timestamp::now())
        .await
        .unwrap();
    let visitor = VisitorId(w.visitors[i]);
    let links = app
        .db
        .links(&LinkFilter {
            visitor_id: Some(visitor),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    Fam {
        url: app.url.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        cookie: format!("jenguk_session={}", s.token),
        csrf: s.session.csrf,
        visitor,
        link: links[0].id.0,
    }
}

impl Fam {
    async fn send(&self, req: reqwest::RequestBuilder) -> Res {
        let res = req.header("cookie", &self.cookie).send().await.unwrap();
        Res {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Res {
        self.send(self.client.get(format!("{}{path}", self.url)))
            .await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Res {
        let mut fields: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        self.send(
            self.client
                .post(format!("{}{path}", self.url))
                .form(&fields),
        )
        .await
    }
}

/// Every value of `name="{name}" value="…"` in a page, in order.
fn values(html: &str, name: &str) -> Vec<String> {
    let needle = format!("name=\"{name}\" value=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn code_of(location: &str) -> VisitCode {
    let code = location
        .strip_prefix("/kunjungan/")
        .unwrap()
        .split(['?', '/'])
        .next()
        .unwrap();
    VisitCode::parse(code).unwrap()
}

/// Books the first free slot on the booking page; returns the visit's code and start.
async fn book_first(f: &Fam) -> (VisitCode, Timestamp) {
    let page = f.get(&format!("/pesan/{}", f.link)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let key = values(&page.body, "key").remove(0);
    let start = values(&page.body, "start").remove(0);
    let r = f
        .post(
            &format!("/pesan/{}", f.link),
            &[("key", &key), ("start", &start)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    (
        code_of(&r.location()),
        Timestamp::from_second(start.parse().unwrap()).unwrap(),
    )
}

/// The usual start: a world with two places a slot and one family, signed in as visitor 0.
async fn family() -> (TestApp, World, Fam) {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let f = signed_in(&app, &w, 0).await;
    (app, w, f)
}

/// [`family`] with the first free slot booked: the visit's code and start too.
async fn family_with_visit() -> (TestApp, World, Fam, VisitCode, Timestamp) {
    let (app, w, f) = family().await;
    let (code, start) = book_first(&f).await;
    (app, w, f, code, start)
}

/// Runs futures at once and waits for all (no extra crate: one task each).
async fn futures_join<F: std::future::Future<Output = Res>>(fs: Vec<F>) -> Vec<Res> {
    let mut out = Vec::new();
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = fs.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<Res>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, d) in pinned.iter_mut().zip(done.iter_mut()) {
            if d.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(r) => *d = Some(r),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(done.into_iter().flatten());
    out
}

async fn anon_join(app: &TestApp, code: &VisitCode) -> String {
    reqwest::get(format!("{}/join/{}", app.url, code.as_str()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
