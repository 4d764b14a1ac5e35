//! The whole WhatsApp conversation, by signed webhook payloads shaped like Meta's:
//! DAFTAR → operator approval → KUNJUNGAN → code → reminder → BATAL.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_graph::{FakeGraph, choice_payload, text_payload};
use crate::helpers::{TestApp, spawn_app_whatsapp, world};
use crate::whatsapp::post_webhook;

struct Family<'a> {
    app: &'a TestApp,
    fake: &'a FakeGraph,
    from: &'static str,
    n: usize,
    seen: usize,
}

/// What a message says, whatever its kind.
fn text_of(m: &Value) -> String {
    match m["type"].as_str() {
        Some("text") => m["text"]["body"].as_str().unwrap_or("").to_string(),
        Some("interactive") => m["interactive"]["body"]["text"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        Some("template") => m["template"]["components"][0]["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p["text"].as_str())
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The options of an interactive message: (id, title, is a list row).
fn options(m: &Value) -> Vec<(String, String, bool)> {
    let a = &m["interactive"]["action"];
    if let Some(rows) = a["sections"][0]["rows"].as_array() {
        return rows
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["title"].as_str().unwrap().to_string(),
                    true,
                )
            })
            .collect();
    }
    a["buttons"]
        .as_array()
        .map(|bs| {
            bs.iter()
                .map(|b| {
                    (
                        b["reply"]["id"].as_str().unwrap().to_string(),
                        b["reply"]["title"].as_str().unwrap().to_string(),
                        false,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Family<'_> {
    /// Messages to this family since the last call (waits until some arrive and settle).
    async fn news(&mut self) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let mut last = 0;
        loop {
            let mine: Vec<Value> = self
                .fake
                .delivered()
                .into_iter()
                .filter(|m| m["to"] == self.from)
                .collect();
            if mine.len() > self.seen && mine.len() == last {
                let new = mine[self.seen..].to_vec();
                self.seen = mine.len();
                return new;
            }
            last = mine.len();
            assert!(
                tokio::time::Instant::now() < deadline,
                "no answer to the family"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    async fn say(&mut self, text: &str) -> Vec<Value> {
        self.n += 1;
        let (s, b) = post_webhook(
            self.app,
            &text_payload(self.from, &format!("wamid.F{}", self.n), text),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        self.news().await
    }

    /// Taps the option of the last interactive message whose title contains `title`
    /// (the first option when `title` is empty).
    async fn tap(&mut self, last: &[Value], title: &str) -> Vec<Value> {
        let m = last
            .iter()
            .rev()
            .find(|m| m["type"] == "interactive")
            .expect("no interactive message");
        let opts = options(m);
        let (id, t, list) = opts
            .iter()
            .find(|(_, t, _)| t.contains(title))
            .unwrap_or_else(|| panic!("no option {title:?} in {opts:?}"))
            .clone();
        self.n += 1;
        let (s, _) = post_webhook(
            self.app,
            &choice_payload(self.from, &format!("wamid.F{}", self.n), &id, &t, list),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        self.news().await
    }
}

fn all_text(ms: &[Value]) -> String {
    ms.iter().map(text_of).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn register_approve_book_remind_and_cancel_over_whatsapp() {
    let fake = FakeGraph::start().await;
    let app = spawn_app_whatsapp(&fake).await;
    let w = world(&app, 2, 1).await;
    let mut f = Family {
        app: &app,
        fake: &fake,
        from: "6281377770001",
        n: 0,
        seen: 0,
    };

    let r = f.say("daftar").await;
    assert!(all_text(&r).contains("nama lengkap"), "{r:?}");
    let r = f.say("Siti Rahayu").await;
    assert!(all_text(&r).contains("NIK"), "{r:?}");
    let r = f.say("3171 0117 0845").await;
    assert!(
        all_text(&r).contains("16 angka"),
        "a bad NIK is explained: {r:?}"
    );
    let r = f.say("3171015708450042").await;
    let t = all_text(&r);
    assert!(
        t.contains("Siti Rahayu") && t.contains("3171********0042"),
        "{t}"
    );
    let r = f.tap(&r, "Suami/istri").await;
    assert!(
        all_text(&r).contains("warga binaan"),
        "asks for the inmate: {r:?}"
    );
    let r = f.say("Warga Binaan").await;
    let r = f.tap(&r, "Warga Binaan 0").await;
    assert!(
        all_text(&r).to_lowercase().contains("menunggu"),
        "told it waits for the operator: {r:?}"
    );

    // The operator approves; the family hears it (inside the 24-hour window: free text).
    let (_, links) = app
        .get("/api/v1/links?status=pending", Some(&w.admin))
        .await;
    let link = links
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["inmate_id"] == w.inmates[0])
        .unwrap()
        .clone();
    let (s, _) = app
        .post(
            &format!("/api/v1/links/{}/approve", link["id"]),
            Some(&w.admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let r = f.news().await;
    assert!(
        r.iter()
            .any(|m| m["type"] == "text" && text_of(m).contains("disetujui")),
        "{r:?}"
    );

    // Book: the inmate, a day, a slot.
    let mut r = f.say("KUNJUNGAN").await;
    if options(r.last().unwrap())
        .iter()
        .any(|(_, t, _)| t.contains("Warga Binaan 0"))
    {
        r = f.tap(&r, "Warga Binaan 0").await;
    }
    let r = f.tap(&r, "").await; // the first day with a free slot
    let r = f.tap(&r, "").await; // its first free slot
    let visitor = app
        .db
        .visitor_by_phone(&jenguk_domain::PhoneNumber::parse(f.from).unwrap())
        .await
        .unwrap()
        .unwrap();
    let visits = app
        .db
        .visits_of_visitor(visitor.id, jiff::Timestamp::now())
        .await
        .unwrap();
    assert_eq!(visits.len(), 1, "one visit booked: {r:?}");
    let code = visits[0].code.to_string();
    // The confirmation carries the code, the join link and the time in the facility's zone.
    let mut got = r.clone();
    if !all_text(&got).contains(&code) {
        got.extend(f.news().await);
    }
    let t = all_text(&got);
    assert!(t.contains(&code), "the code reaches the family: {t}");
    assert!(
        t.contains(&format!("/join/{}", visits[0].code.as_str())) && t.contains("WIB"),
        "{t}"
    );
    assert_eq!(t.matches(&code).count(), 1, "the code is sent once: {t}");

    // JADWAL lists it.
    let r = f.say("JADWAL").await;
    assert!(all_text(&r).contains(&code), "{r:?}");

    // The reminder, when its time comes.
    let thirty_before = visits[0]
        .visit
        .start
        .checked_sub(jiff::SignedDuration::from_mins(29))
        .unwrap();
    assert!(app.db.enqueue_due_reminders(thirty_before).await.unwrap() >= 1);
    let r = f.news().await;
    assert!(
        r.iter()
            .any(|m| text_of(m).contains("Pengingat") && text_of(m).contains(&code)),
        "{r:?}"
    );

    // Cancel, with a confirmation; the family gets the answer and a receipt.
    let r = f.say("BATAL").await;
    let r = if options(r.last().unwrap())
        .iter()
        .any(|(_, t, _)| t.starts_with("Ya"))
    {
        r
    } else {
        f.tap(&r, "").await
    };
    let r = f.tap(&r, "Ya").await;
    let mut got = r;
    if !all_text(&got).contains("Tanda terima") {
        got.extend(f.news().await);
    }
    let t = all_text(&got);
    assert!(t.contains("dibatalkan"), "{t}");
    assert!(
        t.contains("Tanda terima") && t.contains("oleh Anda"),
        "a receipt naming who: {t}"
    );
    let v = app.db.visit_by_code(&visits[0].code).await.unwrap();
    assert_eq!(v.visit.status, jenguk_domain::VisitStatus::Cancelled);

    // Gibberish gets the menu, never silence.
    let r = f.say("asdfgh").await;
    assert!(
        all_text(&r).contains("Menu") || r.iter().any(|m| m["type"] == "interactive"),
        "{r:?}"
    );
    app.stop().await;
}
