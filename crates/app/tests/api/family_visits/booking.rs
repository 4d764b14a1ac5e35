//! Booking: the form, a double submit, the visit page, its calendar file and the join
//! page; a slot that filled meanwhile.

use jenguk_domain::VisitStatus;
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_storage::{AuditEvent, MessageKind};
use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};

use super::{code_of, family, futures_join, signed_in, values};
use crate::helpers::{spawn_app, world};

#[tokio::test]
async fn booking_shows_the_code_qr_and_calendar_and_a_double_submit_books_once() {
    let (app, _w, f) = family().await;

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
