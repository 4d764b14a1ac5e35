//! The family portal's second half, over HTTP as a browser without JavaScript speaks it:
//! booking (one-time key, a slot that filled meanwhile), the visit page (code, QR, join
//! link, calendar file), cancelling and moving within the policy, the survey, the join page
//! and its limit on wrong codes, and "my data" (export, deletion).

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{Outcome, PhoneNumber, UserId, VisitCode, VisitKind, VisitStatus, VisitorId};
use jenguk_storage::{AuditEvent, BookingRequest, Channel, LinkFilter, MessageKind};
use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderMap, LOCATION, SET_COOKIE};
use serde_json::json;

use crate::helpers::{TestApp, World, phone, spawn_app, world};

/// A signed-in family: a browser with the session cookie that does not follow redirects.
struct Fam {
    url: String,
    client: reqwest::Client,
    cookie: String,
    csrf: String,
    visitor: VisitorId,
    link: i64,
}

struct Res {
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

#[tokio::test]
async fn booking_shows_the_code_qr_and_calendar_and_a_double_submit_books_once() {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let f = signed_in(&app, &w, 0).await;

    let list = f.get("/kunjungan").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body.contains(&format!("/pesan/{}", f.link)),
        "{}",
        list.body
    );
    assert!(list.body.contains("Warga Binaan 0"));

    let page = f.get(&format!("/pesan/{}", f.link)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("(WIB)"), "the zone is named");
    assert!(
        page.body.contains("08.00"),
        "times in the facility's local time"
    );
    assert_eq!(values(&page.body, "csrf")[0], f.csrf);
    // Up to max_people_per_visit − 1 co-visitors, each named with a relationship.
    assert!(page.body.contains(r#"name="c1_name""#), "{}", page.body);
    assert!(page.body.contains(r#"name="c2_name""#));
    assert!(!page.body.contains(r#"name="c3_name""#));
    assert!(page.body.contains(r#"for="c2-rel""#));
    assert!(
        page.body
            .contains(r#"inputmode="numeric" pattern="[0-9]{4}""#)
    );
    let starts = values(&page.body, "start");
    // Tomorrow to 14 days ahead, 16 slots a day (today's are inside the window's minimum).
    assert_eq!(starts.len(), 14 * 16, "every free slot of the window");
    let key = values(&page.body, "key").remove(0);

    let form = [
        ("key", key.as_str()),
        ("start", starts[0].as_str()),
        ("c1_name", "Siti Aminah"),
        ("c1_rel", "spouse"),
    ];
    let first = f.post(&format!("/pesan/{}", f.link), &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let location = first.location();
    let code = code_of(&location);
    assert_eq!(location, format!("/kunjungan/{}", code.as_str()));
    // The same form again (a double tap, a reload): the same visit, not a second one.
    let again = f.post(&format!("/pesan/{}", f.link), &form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(again.location(), location);
    // Several taps at once with one form: still one visit.
    let page = f.get(&format!("/pesan/{}", f.link)).await;
    let key2 = values(&page.body, "key").remove(0);
    let start2 = values(&page.body, "start").remove(0);
    let form2 = [("key", key2.as_str()), ("start", start2.as_str())];
    let path = format!("/pesan/{}", f.link);
    let taps = futures_join((0..5).map(|_| f.post(&path, &form2)).collect::<Vec<_>>()).await;
    let places: std::collections::BTreeSet<String> = taps
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            r.location()
        })
        .collect();
    assert_eq!(
        places.len(),
        1,
        "every tap leads to the same visit: {places:?}"
    );
    let twin = code_of(places.first().unwrap());
    app.db
        .transition_visit(
            &twin,
            VisitAction::Cancel,
            Actor::Family(f.visitor),
            None,
            &AuditEvent::default(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    let visits: Vec<_> = app
        .db
        .visits_of_visitor(f.visitor, Timestamp::UNIX_EPOCH)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.code != twin)
        .collect();
    assert_eq!(visits.len(), 1, "one visit for one key");
    assert_eq!(visits[0].visit.people, 2);
    assert_eq!(visits[0].visit.status, VisitStatus::Booked);

    // The confirmation is queued for WhatsApp with the same code.
    let outbox = app.db.outbox_messages(None, 100).await.unwrap();
    assert!(
        outbox.iter().any(|m| m.kind == MessageKind::VisitBooked
            && m.params["code"].as_str().map(|c| c.replace('-', ""))
                == Some(code.as_str().to_string())),
        "booking confirmation enqueued"
    );

    let visit = f.get(&location).await;
    assert_eq!(visit.status, StatusCode::OK, "{}", visit.body);
    assert_eq!(
        visit.headers.get("cache-control").unwrap(),
        "no-store",
        "a personal page is not cached"
    );
    assert!(
        visit.body.contains(&code.to_string()),
        "code shown XXXX-XXXX"
    );
    assert!(visit.body.contains("<svg"), "QR code inline");
    assert!(visit.body.contains(&format!("/join/{}", code.as_str())));
    assert!(visit.body.contains("kalender.ics"));
    assert!(visit.body.contains("pukul 08.00 WIB"), "time written out");
    assert!(visit.body.contains("/ubah") && visit.body.contains("/batal"));

    let ics = f.get(&format!("{location}/kalender.ics")).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(
        ics.headers
            .get(CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(ics.headers.get(CONTENT_DISPOSITION).is_some());
    let body = &ics.body;
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n") && body.ends_with("END:VCALENDAR\r\n"));
    assert!(
        !body.replace("\r\n", "").contains('\n'),
        "CRLF line endings only"
    );
    assert!(body.split("\r\n").all(|l| l.len() <= 75), "folded lines");
    let start = visits[0].visit.start.strftime("%Y%m%dT%H%M%SZ").to_string();
    let end = visits[0].visit.end.strftime("%Y%m%dT%H%M%SZ").to_string();
    assert!(body.contains(&format!("DTSTART:{start}\r\n")), "{body}");
    assert!(body.contains(&format!("DTEND:{end}\r\n")), "{body}");
    for field in ["UID:", "SUMMARY:", "LOCATION:", "URL:", "DTSTAMP:"] {
        assert!(body.contains(field), "{field} in {body}");
    }
    assert!(
        !body.contains("Warga Binaan"),
        "no inmate name in a calendar"
    );

    // The list shows it as upcoming; the picker no longer offers what the family can't take
    // (the same time, the rest of a week whose quota of one is used).
    let list = f.get("/kunjungan").await;
    assert!(list.body.contains(&code.to_string()));
    let page = f.get(&format!("/pesan/{}", f.link)).await;
    let left = values(&page.body, "start");
    assert!(!left.contains(&starts[0]) && !left.contains(&starts[1]));
    assert!(!left.is_empty() && left.len() < starts.len());

    // In English on request.
    let en = f.get(&format!("{location}?lang=en")).await;
    assert!(
        en.body.contains("Visit code") && en.body.contains(", 08:00 WIB"),
        "{}",
        en.body
    );

    // The join page: any case, with or without the dash; no session needed.
    let anon = reqwest::Client::new();
    for typed in [code.as_str().to_lowercase(), code.to_string()] {
        let r = anon
            .get(format!("{}/join/{typed}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers().get("refresh").is_some(),
            "reloads while waiting"
        );
        let html = r.text().await.unwrap();
        assert!(html.contains("Kunjungan dimulai dalam"), "{html}");
        assert!(html.contains("Rutan Uji"));
        assert!(
            !html.contains("Warga Binaan"),
            "the join page never names the inmate"
        );
        assert!(
            !html.contains("http-equiv"),
            "no meta refresh (an accessibility failure)"
        );
    }
    let r = anon
        .get(format!("{}/join/{}?auto=0", app.url, code.as_str()))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers().get("refresh").is_none(),
        "the family can stop the reloads"
    );
    app.stop().await;
}

#[tokio::test]
async fn co_visitors_are_named_checked_and_limited_by_the_policy() {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let f = signed_in(&app, &w, 0).await;
    let path = format!("/pesan/{}", f.link);
    let none = |app: &TestApp| {
        let db = app.db.clone();
        let visitor = f.visitor;
        async move {
            db.visits_of_visitor(visitor, Timestamp::UNIX_EPOCH)
                .await
                .unwrap()
                .is_empty()
        }
    };

    // A bad name: the form again with the message next to the field, what was typed kept.
    let page = f.get(&path).await;
    let key = values(&page.body, "key").remove(0);
    let start = values(&page.body, "start").remove(0);
    let r = f
        .post(
            &path,
            &[
                ("key", &key),
                ("start", &start),
                ("c1_name", "Budi <b>"),
                ("c1_rel", "child"),
                ("c2_name", "Ani"),
                ("c2_rel", "sibling"),
                ("c2_nik", "12a4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("<!doctype html>"), "a page, not an error");
    assert!(r.body.contains(r#"id="c1-name-error""#), "{}", r.body);
    assert!(
        r.body.contains("tidak dapat dipakai dalam nama"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(r#"aria-invalid="true" aria-describedby="c1-name-error""#)
    );
    assert!(r.body.contains(r#"id="c2-nik-error""#));
    assert!(r.body.contains("tepat 4 angka"));
    assert!(
        r.body.contains(r#"value="Budi &"#),
        "what was typed is kept, escaped"
    );
    assert!(r.body.contains(r#"value="Ani""#));
    assert!(r.body.contains(r#"value="sibling" selected"#));
    assert!(
        !r.body.contains(r#"id="c2-name-error""#),
        "a good field has no message"
    );
    assert!(none(&app).await, "nothing booked");

    // A relationship without a name is a mistake too.
    let key = values(&r.body, "key").remove(0);
    let r = f
        .post(
            &path,
            &[("key", &key), ("start", &start), ("c1_rel", "child")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Tulis nama lengkap pendamping ini"));
    assert!(none(&app).await, "nothing booked");

    // More co-visitors than the policy allows (3 people a visit): refused, nothing booked.
    let key = values(&r.body, "key").remove(0);
    let r = f
        .post(
            &path,
            &[
                ("key", &key),
                ("start", &start),
                ("c1_name", "Satu"),
                ("c1_rel", "child"),
                ("c2_name", "Dua"),
                ("c2_rel", "child"),
                ("c3_name", "Tiga"),
                ("c3_rel", "child"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("melebihi batas"), "{}", r.body);
    assert!(r.body.contains(r#"value="Tiga""#), "what was typed is kept");
    assert!(none(&app).await, "nothing booked");

    // Two co-visitors (an empty row between them is ignored): booked, shown on the visit.
    let key = values(&r.body, "key").remove(0);
    let r = f
        .post(
            &path,
            &[
                ("key", &key),
                ("start", &start),
                ("c1_name", "  Siti   Aminah "),
                ("c1_rel", "spouse"),
                ("c1_nik", "1234"),
                ("c2_name", ""),
                ("c2_rel", ""),
                ("c2_nik", ""),
                ("c3_name", "Budi Santoso"),
                ("c3_rel", "child"),
            ],
        )
        .await;
    // Three rows were sent but only two named: within the limit.
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let code = code_of(&r.location());
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(v.visit.people, 3);
    let stored = app.db.visit_companions(v.visit.id).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].name.as_str(), "Siti Aminah");
    assert_eq!(stored[0].nik_last4.as_deref(), Some("1234"));
    assert_eq!(stored[1].nik_last4, None);
    let page = f.get(&format!("/kunjungan/{}", code.as_str())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Yang ikut berkunjung"), "{}", page.body);
    assert!(
        page.body
            .contains("Siti Aminah (Suami atau istri, NIK berakhiran 1234)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Budi Santoso (Anak)"));
    assert!(page.body.contains("3 orang pengunjung"));

    // "My data" carries them; deleting the account leaves them nameless.
    let export = app.db.export_visitor(f.visitor).await.unwrap();
    assert_eq!(
        export["visits"][0]["companions"][0]["name"],
        json!("Siti Aminah")
    );
    app.db
        .delete_visitor(f.visitor, Timestamp::now())
        .await
        .unwrap();
    let gone = app.db.visit_companions(v.visit.id).await.unwrap();
    assert!(
        gone.iter()
            .all(|c| c.name.as_str() == "-" && c.nik_last4.is_none())
    );
}

#[tokio::test]
async fn a_slot_that_filled_meanwhile_gives_a_message_and_the_next_free_slots() {
    let app = spawn_app().await;
    let w = world(&app, 1, 2).await;
    let f = signed_in(&app, &w, 0).await;
    let page = f.get(&format!("/pesan/{}", f.link)).await;
    let key = values(&page.body, "key").remove(0);
    let start = values(&page.body, "start").remove(0);
    // Another family takes the last place while this one is choosing.
    let at = Timestamp::from_second(start.parse().unwrap()).unwrap();
    let (s, b) = w.book(&app, &w.admin, &at.to_string(), 1).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    let r = f
        .post(
            &format!("/pesan/{}", f.link),
            &[("key", &key), ("start", &start)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("<!doctype html>"),
        "a page, not an error body"
    );
    assert!(r.body.contains("sudah penuh"), "{}", r.body);
    assert!(r.body.contains("Waktu terdekat yang masih kosong"));
    let offered = values(&r.body, "start");
    assert!(
        !offered.contains(&start),
        "the full slot is not offered again"
    );
    assert!(offered.len() > 6);
    assert!(
        app.db
            .visits_of_visitor(f.visitor, Timestamp::UNIX_EPOCH)
            .await
            .unwrap()
            .is_empty()
    );
    // One of the alternatives books.
    let key = values(&r.body, "key").remove(0);
    let r = f
        .post(
            &format!("/pesan/{}", f.link),
            &[("key", &key), ("start", &offered[0])],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A missing slot, a foreign form, a wrong token: clear pages, never a stack trace.
    let r = f
        .post(
            &format!("/pesan/{}", f.link),
            &[("key", &key), ("start", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Pilih salah satu waktu"));
    let r = f
        .send(
            f.client
                .post(format!("{}/pesan/{}", f.url, f.link))
                .header("origin", "https://evil.example")
                .form(&[
                    ("csrf", f.csrf.as_str()),
                    ("key", &key),
                    ("start", &offered[1]),
                ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = f
        .send(f.client.post(format!("{}/pesan/{}", f.url, f.link)).form(&[
            ("csrf", "wrong"),
            ("key", key.as_str()),
            ("start", &offered[1]),
        ]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("kedaluwarsa"), "{}", r.body);
    app.stop().await;
}

#[tokio::test]
async fn another_familys_visit_and_link_are_not_found_and_an_unapproved_link_cannot_book() {
    let app = spawn_app().await;
    let w = world(&app, 2, 2).await;
    let a = signed_in(&app, &w, 0).await;
    let b = signed_in(&app, &w, 1).await;
    let (code, _) = book_first(&a).await;
    let path = format!("/kunjungan/{}", code.as_str());
    for p in [
        path.clone(),
        format!("{path}/kalender.ics"),
        format!("{path}/batal"),
        format!("{path}/ubah"),
        format!("{path}/nilai"),
        format!("/pesan/{}", a.link),
        "/kunjungan/NOTACODE".to_string(),
        "/pesan/abc".to_string(),
    ] {
        let r = b.get(&p).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}: {}", r.body);
        assert!(r.body.contains("<!doctype html>"), "{p}");
    }
    let r = b.post(&format!("{path}/batal"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Booked, "untouched");

    // Visitor 1 asks to visit inmate 0; until approved the booking page says so.
    let (s, l) = app
        .post(
            "/api/v1/links",
            Some(&w.admin),
            json!({"visitor_id": w.visitors[1], "inmate_id": w.inmates[0], "relationship": "sibling"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    let pending = format!("/pesan/{}", l["id"]);
    let r = b.get(&pending).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("belum disetujui"), "{}", r.body);
    let r = b
        .post(&pending, &[("key", "0123456789abcdef0123"), ("start", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let list = b.get("/kunjungan").await;
    assert!(list.body.contains("Menunggu persetujuan"), "{}", list.body);

    // Signed out: to the login page.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anon.get(format!("{}{path}", app.url)).send().await.unwrap();
    assert!(r.status().is_redirection());
    assert!(
        r.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/masuk"),
        "{:?}",
        r.headers()
    );
    app.stop().await;
}

#[tokio::test]
async fn cancel_and_move_within_the_policy() {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let f = signed_in(&app, &w, 0).await;

    // Move: the slot picker, a new code, the old visit cancelled as moved.
    let (code, start) = book_first(&f).await;
    let path = format!("/kunjungan/{}", code.as_str());
    let page = f.get(&format!("{path}/ubah")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let starts = values(&page.body, "start");
    assert!(
        !starts.contains(&start.as_second().to_string()),
        "not the current slot"
    );
    let target = starts[2].clone();
    let r = f.post(&format!("{path}/ubah"), &[("start", &target)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let moved = r.location();
    let new_code = code_of(&moved);
    assert_ne!(new_code, code);
    assert!(moved.ends_with("?done=moved"));
    let old = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(old.visit.status, VisitStatus::Cancelled);
    assert_eq!(old.visit.status_reason.as_deref(), Some("moved"));
    let new = app.db.visit_by_code(&new_code).await.unwrap();
    assert_eq!(new.visit.status, VisitStatus::Booked);
    assert_eq!(new.visit.start.as_second().to_string(), target);
    // The same move again (a double tap): the visit it became.
    let again = f.post(&format!("{path}/ubah"), &[("start", &target)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(again.location(), moved);
    let page = f.get(&moved).await;
    assert!(page.body.contains("Jadwal sudah diubah"), "{}", page.body);

    // Cancel: a confirmation page, then the post.
    let path = format!("/kunjungan/{}", new_code.as_str());
    let confirm = f.get(&format!("{path}/batal")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Yakin"));
    let r = f.post(&format!("{path}/batal"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{path}?done=cancelled"));
    let v = app.db.visit_by_code(&new_code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Cancelled);
    let again = f.post(&format!("{path}/batal"), &[]).await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "a second press is harmless"
    );
    let page = f.get(&path).await;
    assert!(page.body.contains("Dibatalkan"));
    assert!(!page.body.contains("/batal\""), "no cancel button any more");
    let r = anon_join(&app, &new_code).await;
    assert!(r.contains("dibatalkan"), "{r}");

    // Within the cut-off: refused with a clear message, the visit stays. A facility whose
    // cut-off is a week, and a visit booked (as if) earlier for three days ahead.
    let (facility, inmate) = strict_facility(&app, &w, 0).await;
    let tz = jiff::tz::TimeZone::get("Asia/Jakarta").unwrap();
    let day = Timestamp::now()
        .to_zoned(tz.clone())
        .date()
        .saturating_add(jiff::Span::new().days(3));
    let start = tz
        .to_timestamp(day.to_datetime(jiff::civil::time(8, 0, 0, 0)))
        .unwrap();
    let v = app
        .db
        .book(
            &BookingRequest {
                facility: jenguk_domain::FacilityCode::parse(&facility).unwrap(),
                start,
                kind: VisitKind::Family,
                inmate_id: jenguk_domain::InmateId(inmate),
                visitor_id: f.visitor,
                people: 1,
                channel: Channel::Web,
                actor: Actor::Family(f.visitor),
            },
            &AuditEvent::default(),
            start
                .checked_sub(jiff::SignedDuration::from_hours(24 * 8))
                .unwrap(),
        )
        .await
        .unwrap();
    let path = format!("/kunjungan/{}", v.code.as_str());
    let page = f.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("10080 menit"), "{}", page.body);
    assert!(
        !page.body.contains("/batal\""),
        "no cancel button inside the cut-off"
    );
    let r = f.get(&format!("{path}/batal")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("kurang dari 10080 menit"), "{}", r.body);
    let r = f.post(&format!("{path}/batal"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("kurang dari 10080 menit"));
    let r = f.post(&format!("{path}/ubah"), &[("start", &target)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let v = app.db.visit_by_code(&v.code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Booked, "still booked");
    app.stop().await;
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

/// A second facility with a week's cut-off, an inmate there, and visitor `i` approved for
/// them. Returns the facility code and the inmate id.
async fn strict_facility(app: &TestApp, w: &World, i: usize) -> (String, i64) {
    let code = format!("STRICT-{}", w.base);
    let (s, b) = app
        .post(
            "/api/v1/facilities",
            Some(&w.admin),
            json!({"code": code, "name": "Lapas Ketat", "kind": "lapas", "class": "IIA", "province": "Banten",
                   "time_zone": "Asia/Jakarta",
                   "policy": {"slot_minutes": 15, "min_days_ahead": 1, "max_days_ahead": 14, "cutoff_minutes": 10080,
                              "max_visits_per_inmate_per_week": 1, "max_visits_per_visitor_per_week": 1,
                              "max_people_per_visit": 3, "record_family_visits": false}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    for wd in 1..=7 {
        let (s, b) = app
            .post(
                &format!("/api/v1/facilities/{code}/templates"),
                Some(&w.admin),
                json!({"weekday": wd, "start": "08:00", "end": "12:00", "capacity": 2}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (s, b) = app
        .post(
            &format!("/api/v1/facilities/{code}/inmates"),
            Some(&w.admin),
            json!({"reg_number": format!("B.I {}/2025", w.base), "name": "Warga Ketat", "status": "narapidana"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let inmate = b["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            "/api/v1/links",
            Some(&w.admin),
            json!({"visitor_id": w.visitors[i], "inmate_id": inmate, "relationship": "child"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = app
        .post(
            &format!("/api/v1/links/{}/approve", b["id"]),
            Some(&w.admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (code, inmate)
}

#[tokio::test]
async fn a_completed_visit_is_rated_once() {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let f = signed_in(&app, &w, 0).await;
    let (code, start) = book_first(&f).await;
    let path = format!("/kunjungan/{}", code.as_str());

    let r = f.get(&format!("{path}/nilai")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "not before the visit");
    assert!(r.body.contains("setelah kunjungan"), "{}", r.body);

    // Staff run the visit (at its time).
    let staff = Actor::Staff(UserId(1));
    let who = AuditEvent::default();
    let at = |mins: i64| {
        start
            .checked_add(jiff::SignedDuration::from_mins(mins))
            .unwrap()
    };
    for (action, t) in [
        (VisitAction::CheckIn, at(-5)),
        (VisitAction::Start, at(0)),
        (VisitAction::Record(Outcome::Completed), at(15)),
    ] {
        app.db
            .transition_visit(&code, action, staff, None, &who, t)
            .await
            .unwrap();
    }

    let list = f.get("/kunjungan").await;
    assert!(
        list.body.contains(&format!("{path}/nilai")),
        "{}",
        list.body
    );
    let page = f.get(&format!("{path}/nilai")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.body.matches("type=\"radio\"").count(),
        16,
        "4 elements × 4"
    );
    assert!(page.body.contains("Sangat baik") && page.body.contains("Tidak baik"));

    let r = f
        .post(
            &format!("{path}/nilai"),
            &[("s1", "4"), ("s2", "3"), ("s3", "4"), ("comment", "Lancar")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one element missing"
    );
    assert!(r.body.contains("Pilih satu jawaban"), "{}", r.body);
    assert!(r.body.contains("Lancar"), "the comment is kept");

    let form = [
        ("s1", "4"),
        ("s2", "3"),
        ("s3", "4"),
        ("s4", "2"),
        ("comment", "Suara putus-putus"),
    ];
    let r = f.post(&format!("{path}/nilai"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{path}?done=rated"));
    let v = app.db.visit_by_code(&code).await.unwrap();
    let rating = app.db.visit_rating(v.visit.id).await.unwrap().unwrap();
    assert_eq!(rating.scores, [4, 3, 4, 2]);
    assert_eq!(rating.comment.as_deref(), Some("Suara putus-putus"));

    // Once: a second send changes nothing.
    let r = f
        .post(
            &format!("{path}/nilai"),
            &[("s1", "1"), ("s2", "1"), ("s3", "1"), ("s4", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rating = app.db.visit_rating(v.visit.id).await.unwrap().unwrap();
    assert_eq!(rating.scores, [4, 3, 4, 2]);
    let page = f.get(&path).await;
    assert!(page.body.contains("sudah memberi penilaian"));
    assert!(
        !page.body.contains("<svg"),
        "no QR for a visit that is over"
    );
    let r = anon_join(&app, &code).await;
    assert!(r.contains("sudah berakhir"), "{r}");
    app.stop().await;
}

#[tokio::test]
async fn wrong_join_codes_are_limited_per_address() {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let f = signed_in(&app, &w, 0).await;
    let (code, _) = book_first(&f).await;
    let anon = reqwest::Client::new();
    for i in 0..20 {
        let r = anon
            .get(format!("{}/join/ZZZZ{:04}", app.url, i))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let html = r.text().await.unwrap();
        assert!(html.contains("tidak ditemukan"), "{html}");
    }
    let r = anon
        .get(format!("{}/join/not-a-code", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());
    assert!(r.text().await.unwrap().contains("Terlalu banyak"));
    // Even a right code waits: the address is guessing.
    let r = anon
        .get(format!("{}/join/{}", app.url, code.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}

#[tokio::test]
async fn my_data_is_shown_exported_and_deleted() {
    let app = spawn_app().await;
    let w = world(&app, 2, 1).await;
    let f = signed_in(&app, &w, 0).await;
    let (code, _) = book_first(&f).await;

    let page = f.get("/data-saya").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Pengunjung 0"));
    assert!(page.body.contains("3171********"), "NIK masked");
    assert!(page.body.contains(&code.to_string()));
    assert!(page.body.contains("Warga Binaan 0"));

    let json = f.get("/data-saya.json").await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(
        json.headers[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let x: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(x["visitor"]["name"], "Pengunjung 0");
    assert!(x["visitor"]["nik"].as_str().unwrap().contains('*'));
    assert_eq!(x["visits"][0]["code"], code.to_string());
    assert_eq!(x["links"][0]["status"], "approved");

    // Without the confirmation box: nothing happens.
    let r = f.post("/data-saya/hapus", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Centang"), "{}", r.body);
    assert!(app.db.visitor(f.visitor).await.is_ok());

    let r = f.post("/data-saya/hapus", &[("confirm", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/?"), "{}", r.location());
    let cookie = r.headers[SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("jenguk_session=;") && cookie.contains("Max-Age=0"));
    assert!(
        app.db.visitor(f.visitor).await.is_err(),
        "the visitor is gone"
    );
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(
        v.visit.status,
        VisitStatus::Cancelled,
        "future visit cancelled"
    );
    // The old session no longer opens anything.
    let r = f.get("/kunjungan").await;
    assert!(r.status.is_redirection());
    assert!(r.location().starts_with("/masuk"));
    app.stop().await;
}
