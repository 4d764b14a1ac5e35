//! The request sequence and the two ways of driving it: straight into `Db::book` and over HTTP.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use jenguk_domain::visit::Actor;
use jenguk_domain::{UserId, VisitKind};
use jenguk_storage::{AuditEvent, BookingRequest, Channel, Db, StorageError};
use jiff::Timestamp;

use super::rng::{XorShift, splitmix64};
use super::world::World;

/// Share of the slots that are hot, in percent.
const HOT_SLOTS_PERCENT: usize = 10;
/// Share of the requests that go to a hot slot, in percent.
pub const HOT_REQUESTS_PERCENT: usize = 80;

/// The seeded request sequence: request `i` is a (pair, slot) of indices, the same in both
/// worlds, whatever the order in which clients take requests.
pub struct Generator {
    seed: u64,
    /// Facility (index) of each pair.
    pair_facility: Vec<usize>,
    /// Per facility: indices of the hot slots, and of the others.
    hot: Vec<Vec<usize>>,
    cold: Vec<Vec<usize>>,
}

impl Generator {
    /// `slot_counts[f]`: how many slots facility `f` has (the smaller of the two worlds).
    pub fn new(
        seed: u64,
        pair_facility: Vec<usize>,
        slot_counts: &[usize],
    ) -> anyhow::Result<Self> {
        if pair_facility.is_empty() {
            anyhow::bail!("no visitor is linked to an inmate");
        }
        let (mut hot, mut cold) = (Vec::new(), Vec::new());
        for (f, &n) in slot_counts.iter().enumerate() {
            if n == 0 {
                anyhow::bail!(
                    "facility {} has no bookable slot in the next 14 days",
                    f + 1
                );
            }
            // A seeded shuffle (Fisher–Yates); the first 10 % (at least one) are hot.
            let mut rng = XorShift::new(seed ^ splitmix64(f as u64 + 0x4807));
            let mut idx: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                idx.swap(i, rng.below(i + 1));
            }
            let n_hot = (n * HOT_SLOTS_PERCENT / 100).max(1);
            let mut h = idx[..n_hot].to_vec();
            let mut c = idx[n_hot..].to_vec();
            h.sort_unstable();
            c.sort_unstable();
            hot.push(h);
            cold.push(c);
        }
        Ok(Generator {
            seed,
            pair_facility,
            hot,
            cold,
        })
    }

    /// Request `i`: (pair index, slot index within the pair's facility).
    pub fn pick(&self, i: u64) -> (usize, usize) {
        let mut rng = XorShift::new(self.seed ^ splitmix64(i));
        let pair = rng.below(self.pair_facility.len());
        let f = self.pair_facility[pair];
        let (hot, cold) = (&self.hot[f], &self.cold[f]);
        let use_hot = cold.is_empty() || rng.below(100) < HOT_REQUESTS_PERCENT;
        let list = if use_hot { hot } else { cold };
        (pair, list[rng.below(list.len())])
    }

    pub fn hot_slots(&self) -> usize {
        self.hot.iter().map(Vec::len).sum()
    }
}

/// What one request came to.
pub enum Outcome {
    Booked,
    /// Refused: the first reason by the API's priority (the `error` code of the 409).
    Refused(String),
    /// Anything else: a short description.
    Error(String),
}

/// What a phase measured.
#[derive(Default)]
pub struct Tally {
    /// Latency of every request, microseconds.
    pub latency_us: Vec<u64>,
    /// (request index, seconds from the phase's start to its completion).
    pub done: Vec<(u64, f64)>,
    pub booked: u64,
    /// Seconds from the start to the completion of each booking (sorted by `finish`).
    pub booked_at: Vec<f64>,
    pub refused: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
    /// Wall time from the start to the last client's end.
    pub elapsed: Duration,
    /// CPU used by this process (client and, for HTTP, server) during the phase, if known.
    pub process_cpu: Option<Duration>,
    /// Share of the machine's CPU time busy during the phase (every process), if known.
    pub machine_busy: Option<f64>,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.latency_us.extend(o.latency_us);
        self.done.extend(o.done);
        self.booked += o.booked;
        self.booked_at.extend(o.booked_at);
        for (k, v) in o.refused {
            *self.refused.entry(k).or_default() += v;
        }
        for (k, v) in o.errors {
            *self.errors.entry(k).or_default() += v;
        }
    }

    pub fn requests(&self) -> u64 {
        self.latency_us.len() as u64
    }

    pub fn refusals(&self) -> u64 {
        self.refused.values().sum()
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn secs(&self) -> f64 {
        self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Booked + refused per second.
    pub fn decisions_per_sec(&self) -> f64 {
        (self.booked + self.refusals()) as f64 / self.secs()
    }

    pub fn bookings_per_sec(&self) -> f64 {
        self.booked as f64 / self.secs()
    }

    /// Sorts the latencies (for [`Tally::percentile_ms`]) and the completions by index.
    pub fn finish(&mut self) {
        self.latency_us.sort_unstable();
        self.done.sort_unstable_by_key(|d| d.0);
        self.booked_at.sort_unstable_by(f64::total_cmp);
    }

    /// Seconds until `share` (0..=1) of the phase's bookings were made (after `finish`).
    pub fn time_to_book(&self, share: f64) -> Option<f64> {
        let n = self.booked_at.len();
        let rank = ((share * n as f64).ceil() as usize).clamp(1, n.max(1));
        self.booked_at.get(rank - 1).copied()
    }

    /// Nearest-rank percentile, milliseconds (after [`Tally::finish`]).
    pub fn percentile_ms(&self, p: f64) -> f64 {
        let n = self.latency_us.len();
        if n == 0 {
            return 0.0;
        }
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        self.latency_us[rank.clamp(1, n) - 1] as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.latency_us.last().copied().unwrap_or(0) as f64 / 1000.0
    }

    /// Seconds until the first `k` requests (by index) had all completed.
    pub fn time_for_first(&self, k: usize) -> f64 {
        self.done
            .iter()
            .take(k)
            .map(|d| d.1)
            .fold(0.0, f64::max)
            .max(1e-9)
    }
}

/// How requests reach the booking transaction.
#[derive(Clone)]
pub enum Client {
    /// `Db::book` straight, no HTTP.
    Raw { db: Db, actor: UserId },
    /// `POST /api/v1/visits` through one shared HTTP client.
    Http {
        client: reqwest::Client,
        url: Arc<str>,
        auth: Arc<str>,
    },
}

impl Client {
    pub fn http(client: reqwest::Client, base: &str, token: &str) -> Client {
        Client::Http {
            client,
            url: format!("{base}/api/v1/visits").into(),
            auth: format!("Bearer {token}").into(),
        }
    }

    /// Books pair `pair` of `world` at `start`.
    async fn book(&self, world: &World, pair: usize, start: Timestamp) -> Outcome {
        let p = world.pairs[pair];
        let f = &world.facilities[p.facility];
        match self {
            Client::Raw { db, actor } => {
                let req = BookingRequest {
                    facility: f.facility.code.clone(),
                    start,
                    kind: VisitKind::Family,
                    inmate_id: p.inmate,
                    visitor_id: p.visitor,
                    people: 1,
                    channel: Channel::Staff,
                    actor: Actor::Staff(*actor),
                };
                match db.book(&req, &AuditEvent::cli(), Timestamp::now()).await {
                    Ok(_) => Outcome::Booked,
                    // The same first reason the API puts in its 409's `error`.
                    Err(StorageError::Refused(reasons)) => {
                        Outcome::Refused(jenguk_web::error::refused(&reasons).code().to_string())
                    }
                    Err(e) => Outcome::Error(short(&format!("storage: {e}"))),
                }
            }
            Client::Http { client, url, auth } => {
                let body = serde_json::json!({
                    "facility": f.facility.code.as_str(),
                    "start": start.to_string(),
                    "inmate_id": p.inmate.0,
                    "visitor_id": p.visitor.0,
                });
                let sent = client
                    .post(&**url)
                    .header(reqwest::header::AUTHORIZATION, &**auth)
                    .json(&body)
                    .send()
                    .await;
                let resp = match sent {
                    Ok(r) => r,
                    Err(e) => return Outcome::Error(short(&format!("http: {e}"))),
                };
                let status = resp.status();
                // Read the whole body, so that the connection goes back to the pool.
                let bytes = match resp.bytes().await {
                    Ok(b) => b,
                    Err(e) => return Outcome::Error(short(&format!("http body: {e}"))),
                };
                let code = || {
                    serde_json::from_slice::<serde_json::Value>(&bytes)
                        .ok()
                        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
                        .unwrap_or_else(|| "(no code)".into())
                };
                match status.as_u16() {
                    201 => Outcome::Booked,
                    409 => Outcome::Refused(code()),
                    s => Outcome::Error(format!("{s} {}", code())),
                }
            }
        }
    }
}

/// Warms the phase up (not measured): `clients` × 3 requests at once for slots beyond the
/// booking window, which run every query of the transaction and are refused
/// (`outside_window`) without writing. Opens the pools' connections (database and HTTP) and
/// prepares the statements, so that neither phase pays for it in its measurement. Returns
/// how many were not refused `outside_window` (they would be a bug).
pub async fn warm_up(client: &Client, world: &Arc<World>, clients: usize) -> anyhow::Result<u64> {
    let mut set = tokio::task::JoinSet::new();
    for c in 0..clients {
        let (client, world) = (client.clone(), world.clone());
        set.spawn(async move {
            let mut odd = 0u64;
            for k in 0..3 {
                let pair = (c * 3 + k) % world.pairs.len();
                let f = &world.facilities[world.pairs[pair].facility];
                match client.book(&world, pair, f.beyond_window).await {
                    Outcome::Refused(code) if code == "outside_window" => {}
                    _ => odd += 1,
                }
            }
            odd
        });
    }
    let mut odd = 0;
    while let Some(n) = set.join_next().await {
        odd += n.context("a warm-up task failed")?;
    }
    Ok(odd)
}

/// Runs `clients` tasks, each taking the next request index of the sequence and booking it
/// through `client`, until `seconds` have passed (requests in flight at the deadline finish
/// and count).
pub async fn drive(
    client: &Client,
    world: &Arc<World>,
    generator: &Arc<Generator>,
    clients: usize,
    seconds: f64,
) -> anyhow::Result<Tally> {
    let next = Arc::new(AtomicU64::new(0));
    let (cpu0, machine0) = (process_cpu(), machine_cpu());
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (client, world, generator, next) = (
            client.clone(),
            world.clone(),
            generator.clone(),
            next.clone(),
        );
        set.spawn(async move {
            let mut t = Tally::default();
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let (pair, slot) = generator.pick(i);
                let f = &world.facilities[world.pairs[pair].facility];
                let slot_start = f.slots[slot % f.slots.len()];
                let t0 = Instant::now();
                let outcome = client.book(&world, pair, slot_start).await;
                let end = Instant::now();
                t.latency_us
                    .push(u64::try_from((end - t0).as_micros()).unwrap_or(u64::MAX));
                let at = (end - start).as_secs_f64();
                t.done.push((i, at));
                match outcome {
                    Outcome::Booked => {
                        t.booked += 1;
                        t.booked_at.push(at);
                    }
                    Outcome::Refused(code) => *t.refused.entry(code).or_default() += 1,
                    Outcome::Error(e) => *t.errors.entry(e).or_default() += 1,
                }
            }
            t
        });
    }
    let mut total = Tally::default();
    while let Some(t) = set.join_next().await {
        total.merge(t.context("a client task failed")?);
    }
    total.elapsed = start.elapsed();
    total.process_cpu = process_cpu().zip(cpu0).map(|(b, a)| b.saturating_sub(a));
    total.machine_busy = machine_cpu()
        .zip(machine0)
        .and_then(|((b1, t1), (b0, t0))| {
            let total = t1.checked_sub(t0)?;
            (total > 0).then(|| b1.saturating_sub(b0) as f64 / total as f64)
        });
    total.finish();
    Ok(total)
}

/// Shortens an error text for the tally.
fn short(s: &str) -> String {
    let s = s.replace('\n', " ");
    match s.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// CPU time (user + system) of this process so far, from `/proc/self/stat` (Linux; clock
/// ticks of 10 ms).
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command: state is field 3, utime field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// (busy, total) jiffies of the whole machine, from `/proc/stat` (Linux).
fn machine_cpu() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<u64> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // user nice system idle iowait irq softirq steal [guest guest_nice: inside user/nice]
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3)? + v.get(4).copied().unwrap_or(0);
    Some((total.saturating_sub(idle), total))
}
