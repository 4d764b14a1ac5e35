//! The webhook phase: concurrent clients against the real server, in-process — signed
//! delivery statuses for the messages the delivery phase sent, incoming texts from families
//! (stored, then answered by the chat flow), and `GET /healthz` as the baseline.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use jenguk_storage::{Db, DeliveryStatus};
use serde_json::{Value, json};

use super::sign::signature;
use super::stats::{Stopwatch, Tally, short};

/// A message the delivery phase sent: its WhatsApp id, its key and its recipient (digits).
#[derive(Clone)]
pub struct Target {
    pub wa_message_id: String,
    pub key: String,
    pub to: String,
}

/// What the clients send.
pub enum Load {
    /// `GET /healthz`.
    Healthz,
    /// `POST /webhooks/whatsapp` with one status each, what WhatsApp reports of every
    /// message: request `i` reports target `i mod K` `sent` in the first round (the row is
    /// `sent` already: nothing changes), `delivered` in the second, `read` in the third;
    /// then the load is used up ([`Load::limit`]).
    Statuses(Vec<Target>),
    /// `POST /webhooks/whatsapp` with one incoming text each, from one of `senders`
    /// (digits), with a new message id `wamid.IN.<run>.<i>`; at most `max` of them (each is
    /// answered by the chat flow afterwards, and the replies delivered: that takes longer
    /// than taking them in).
    Texts {
        run: String,
        senders: Vec<String>,
        max: u64,
    },
}

/// The three rounds of statuses.
const ROUNDS: [(&str, DeliveryStatus); 3] = [
    ("sent", DeliveryStatus::Sent),
    ("delivered", DeliveryStatus::Delivered),
    ("read", DeliveryStatus::Read),
];

impl Load {
    /// How many requests the load has (`None`: no end).
    pub fn limit(&self) -> Option<u64> {
        match self {
            Load::Statuses(t) => Some(ROUNDS.len() as u64 * t.len() as u64),
            Load::Texts { max, .. } => Some(*max),
            Load::Healthz => None,
        }
    }
}

/// Status `i` of the sequence over `targets`: (target, status).
fn status_of(targets: &[Target], i: u64) -> (&Target, &'static (&'static str, DeliveryStatus)) {
    let k = targets.len() as u64;
    let round = ((i / k) as usize).min(ROUNDS.len() - 1);
    (&targets[(i % k) as usize], &ROUNDS[round])
}

/// The phone number id the fake's configuration uses.
pub const PHONE_NUMBER_ID: &str = "1098765432";

fn envelope(value: Value) -> Value {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA1", "changes": [{"field": "messages", "value": value}]}]})
}

fn metadata() -> Value {
    json!({"display_phone_number": "6281100000000", "phone_number_id": PHONE_NUMBER_ID})
}

/// A delivery status, as WhatsApp posts it.
fn status_payload(t: &Target, status: &str, timestamp: i64) -> Value {
    let st = json!({
        "id": t.wa_message_id, "status": status, "timestamp": timestamp.to_string(),
        "recipient_id": t.to, "biz_opaque_callback_data": t.key,
        "conversation": {"id": "CONV1", "origin": {"type": "service"}},
        "pricing": {"billable": false, "pricing_model": "PMP", "category": "service"}
    });
    envelope(json!({"messaging_product": "whatsapp", "metadata": metadata(), "statuses": [st]}))
}

/// A family's text message, as WhatsApp posts it.
fn text_payload(from: &str, id: &str, text: &str, timestamp: i64) -> Value {
    envelope(json!({
        "messaging_product": "whatsapp", "metadata": metadata(),
        "contacts": [{"profile": {"name": "Keluarga"}, "wa_id": from}],
        "messages": [{"from": from, "id": id, "timestamp": timestamp.to_string(), "type": "text", "text": {"body": text}}]
    }))
}

/// What families write (the chat flow answers each, registered or not).
const TEXTS: [&str; 4] = ["BANTUAN", "MENU", "JADWAL", "Halo, saya mau kunjungan"];

/// The id of the `i`-th incoming text of a run.
pub fn text_id(run: &str, i: u64) -> String {
    format!("wamid.IN.{run}.{i}")
}

/// Request `i` of a load: `None` for a GET, else the body to POST and its signature.
fn request(load: &Load, i: u64, app_secret: &str) -> Option<(String, String)> {
    let body = match load {
        Load::Healthz => return None,
        Load::Statuses(targets) => {
            let (t, (status, _)) = status_of(targets, i);
            status_payload(t, status, jiff::Timestamp::now().as_second()).to_string()
        }
        Load::Texts { run, senders, .. } => {
            let from = &senders[(i as usize) % senders.len()];
            let text = TEXTS[((i as usize) / senders.len()) % TEXTS.len()];
            let now = jiff::Timestamp::now().as_second();
            text_payload(from, &text_id(run, i), text, now).to_string()
        }
    };
    let sig = signature(app_secret, body.as_bytes());
    Some((body, sig))
}

/// Runs `clients` tasks sending requests of `load` to the server at `base` for `seconds`
/// or until the load is used up (requests in flight at the deadline finish and count). Request `i` is the `i`-th of the
/// load whichever client sends it, so the tally's request count is also how many were
/// taken from the load.
pub async fn drive(
    http: &reqwest::Client,
    base: &str,
    load: Arc<Load>,
    app_secret: &str,
    clients: usize,
    seconds: f64,
) -> anyhow::Result<Tally> {
    if let Load::Statuses(t) = &*load
        && t.is_empty()
    {
        anyhow::bail!("no message to report statuses of");
    }
    let next = Arc::new(AtomicU64::new(0));
    let limit = load.limit().unwrap_or(u64::MAX);
    let healthz: Arc<str> = format!("{base}/healthz").into();
    let webhook: Arc<str> = format!("{base}/webhooks/whatsapp").into();
    let secret: Arc<str> = app_secret.into();
    let watch = Stopwatch::start();
    let start = watch.instant();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (http, load, next, healthz, webhook, secret) = (
            http.clone(),
            load.clone(),
            next.clone(),
            healthz.clone(),
            webhook.clone(),
            secret.clone(),
        );
        set.spawn(async move {
            let mut t = Tally::default();
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= limit {
                    break;
                }
                let req = match request(&load, i, &secret) {
                    None => http.get(&*healthz),
                    Some((body, sig)) => http
                        .post(&*webhook)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .header("x-hub-signature-256", sig)
                        .body(body),
                };
                let t0 = Instant::now();
                let outcome = match req.send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        // Read the whole body, so that the connection goes back to the pool.
                        match resp.bytes().await {
                            Ok(_) if status.is_success() => Ok(()),
                            Ok(b) => Err(format!(
                                "HTTP {} {}",
                                status.as_u16(),
                                short(&String::from_utf8_lossy(&b))
                            )),
                            Err(e) => Err(short(&format!("http body: {e}"))),
                        }
                    }
                    Err(e) => Err(short(&format!("http: {e}"))),
                };
                t.latency_us
                    .push(u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX));
                t.done.push((i, start.elapsed().as_secs_f64()));
                match outcome {
                    Ok(()) => t.ok += 1,
                    Err(e) => *t.errors.entry(e).or_default() += 1,
                }
            }
            t
        });
    }
    let mut total = Tally::default();
    while let Some(t) = set.join_next().await {
        total.merge(t.context("a client task failed")?);
    }
    (total.elapsed, total.cpu) = watch.stop();
    total.finish();
    Ok(total)
}

/// The statuses' database work alone: `clients` tasks calling `Db::message_status` (what
/// the webhook handler calls per status) with the same sequence as [`Load::Statuses`], on
/// other rows, for `seconds` or until the sequence is used up — no HTTP, no signature, no
/// JSON.
pub async fn drive_db(
    db: &Db,
    targets: Arc<Vec<Target>>,
    clients: usize,
    seconds: f64,
) -> anyhow::Result<Tally> {
    if targets.is_empty() {
        anyhow::bail!("no message to report statuses of");
    }
    let next = Arc::new(AtomicU64::new(0));
    let watch = Stopwatch::start();
    let start = watch.instant();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (db, targets, next) = (db.clone(), targets.clone(), next.clone());
        set.spawn(async move {
            let mut t = Tally::default();
            let limit = ROUNDS.len() as u64 * targets.len() as u64;
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= limit {
                    break;
                }
                let (target, (_, status)) = status_of(&targets, i);
                let t0 = Instant::now();
                let r = db
                    .message_status(
                        &target.wa_message_id,
                        Some(&target.key),
                        status,
                        jiff::Timestamp::now(),
                    )
                    .await;
                t.latency_us
                    .push(u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX));
                t.done.push((i, start.elapsed().as_secs_f64()));
                match r {
                    Ok(_) => t.ok += 1,
                    Err(e) => *t.errors.entry(short(&format!("storage: {e}"))).or_default() += 1,
                }
            }
            t
        });
    }
    let mut total = Tally::default();
    while let Some(t) = set.join_next().await {
        total.merge(t.context("a task failed")?);
    }
    (total.elapsed, total.cpu) = watch.stop();
    total.finish();
    Ok(total)
}

/// How many of `targets`' rows are in each status.
pub async fn row_states(db: &Db, targets: &[Target]) -> anyhow::Result<BTreeMap<String, u64>> {
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for target in targets {
        let status = match db.outbox_message(&target.key).await? {
            Some(m) => m.status,
            None => "missing".into(),
        };
        *by_status.entry(status).or_default() += 1;
    }
    Ok(by_status)
}
