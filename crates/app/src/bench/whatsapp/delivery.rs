//! The delivery phase: the outbox worker's throughput against the fake, next to the fake's
//! own rate (plain `Client::send` loops, no database) and the worker's database work alone
//! (its queries, no HTTP).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jenguk_domain::PhoneNumber;
use jenguk_notify::chat::{ChatFlow, Reply};
use jenguk_notify::worker::{Worker, WorkerConfig};
use jenguk_notify::{Client, MessageBody, OutgoingMessage, WhatsAppConfig};
use jenguk_storage::{Db, MessageKind, NewMessage};
use jiff::Timestamp;

use super::fake::FakeGraph;
use super::stats::{Cpu, Stopwatch};

/// A phase with no progress for this long has failed.
const STALL: Duration = Duration::from_secs(30);
/// The client's timeout, as `jenguk serve` sets it.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);
/// Tasks enqueuing messages at once (set-up, not measured).
const ENQUEUERS: usize = 8;

/// What the phases share.
pub struct Ctx {
    pub db: Db,
    pub fake: Arc<FakeGraph>,
    pub cfg: Arc<WhatsAppConfig>,
    pub chat: Arc<ChatFlow>,
    pub join_base: String,
    pub recipients: Vec<PhoneNumber>,
    pub run: String,
    pub poll: Duration,
    pub batch: i64,
}

impl Ctx {
    /// The prefix of every key this run enqueues or sends itself.
    pub fn prefix(&self) -> String {
        format!("wab{}-", self.run)
    }

    /// The tag of a phase's keys (`wab<run>-<what>`): keys are `<tag>:<index>`.
    pub fn tag(&self, what: &str) -> String {
        format!("{}{what}", self.prefix())
    }

    fn worker_config(&self) -> WorkerConfig {
        WorkerConfig {
            poll: self.poll,
            batch: self.batch,
            ..WorkerConfig::default()
        }
    }

    fn client(&self) -> anyhow::Result<Client> {
        Client::new(&self.cfg, SEND_TIMEOUT).map_err(|e| anyhow::anyhow!("WhatsApp client: {e}"))
    }
}

/// What one measured run did.
pub struct Run {
    pub count: u64,
    pub elapsed: Duration,
    pub cpu: Cpu,
    /// Sends or queries that failed (raw and db-only; a worker retries by itself).
    pub errors: u64,
    /// Messages of others claimed along the way (a reused database's outbox).
    pub foreign: u64,
    /// Time spent in each step, summed over the tasks (db only).
    pub steps: Vec<(&'static str, Duration)>,
}

impl Run {
    pub fn per_sec(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Microseconds of wall time per message.
    pub fn us_per_message(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1e6 / self.count.max(1) as f64
    }
}

fn text(run: &str, i: u64) -> String {
    format!(
        "Pesan uji {run} nomor {i}: kunjungan Anda tercatat. Datang 15 menit sebelum jadwal dan bawa KTP asli."
    )
}

/// Enqueues `m` chat replies `<tag>:<i>` for the run's recipients (set-up, not measured).
pub async fn enqueue(ctx: &Ctx, tag: &str, m: u64) -> anyhow::Result<Duration> {
    let t0 = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..ENQUEUERS {
        let (db, next, recipients, tag, run) = (
            ctx.db.clone(),
            next.clone(),
            ctx.recipients.clone(),
            tag.to_string(),
            ctx.run.clone(),
        );
        set.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= m {
                    return anyhow::Ok(());
                }
                let params = serde_json::to_value(Reply::Text(text(&run, i)))?;
                let msg = NewMessage {
                    key: format!("{tag}:{i:06}"),
                    facility_id: None,
                    recipient: recipients[(i as usize) % recipients.len()].clone(),
                    kind: MessageKind::ChatReply,
                    lang: "id".into(),
                    params,
                };
                if !db.enqueue_message(&msg, Timestamp::now()).await? {
                    bail!("the outbox already holds the key {}", msg.key);
                }
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.context("an enqueuing task failed")??;
    }
    Ok(t0.elapsed())
}

/// The fake's own rate: rounds of `m` sends by `n` concurrent plain `Client::send` loops
/// (one client each, like one instance each), no database, until `min` has passed (one
/// round of the default 2000 takes a few tens of milliseconds, too short to time alone).
/// Keys are `<tag>:<round>-<i>`.
pub async fn raw(ctx: &Ctx, n: usize, tag: &str, m: u64, min: Duration) -> anyhow::Result<Run> {
    let clients = Arc::new(
        (0..n)
            .map(|_| ctx.client())
            .collect::<anyhow::Result<Vec<_>>>()?,
    );
    let watch = Stopwatch::start();
    let (mut count, mut errors) = (0u64, 0u64);
    for round in 0u64.. {
        if round > 0 && watch.instant().elapsed() >= min {
            break;
        }
        let next = Arc::new(AtomicU64::new(0));
        let mut set = tokio::task::JoinSet::new();
        for c in 0..n {
            let (clients, next, recipients, tag, run) = (
                clients.clone(),
                next.clone(),
                ctx.recipients.clone(),
                tag.to_string(),
                ctx.run.clone(),
            );
            set.spawn(async move {
                let mut errors = 0u64;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= m {
                        return errors;
                    }
                    let to = recipients[(i as usize) % recipients.len()].clone();
                    let msg = OutgoingMessage::new(to, MessageBody::text(text(&run, i)))
                        .with_callback_data(format!("{tag}:{round:03}-{i:06}"));
                    if let Err(e) = clients[c].send(&msg).await {
                        if errors == 0 {
                            tracing::warn!(error = %e, "raw send failed");
                        }
                        errors += 1;
                    }
                }
            });
        }
        while let Some(e) = set.join_next().await {
            errors += e.context("a sending task failed")?;
        }
        count += m;
    }
    let (elapsed, cpu) = watch.stop();
    Ok(Run {
        count,
        elapsed,
        cpu,
        errors,
        foreign: 0,
        steps: Vec::new(),
    })
}

/// Nanoseconds spent in each step of the db-only phase, summed over its tasks.
#[derive(Default)]
struct Steps {
    claim: AtomicU64,
    last_inbound_at: AtomicU64,
    render: AtomicU64,
    message_sent: AtomicU64,
}

fn add(step: &AtomicU64, since: Instant) {
    step.fetch_add(
        u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

/// A message the db-only phase marked sent: (its made-up WhatsApp id, its key).
pub type Marked = (String, String);

/// The worker's database work alone: `n` tasks doing what `Worker::deliver_once` does with
/// the database for the `m` messages already enqueued under `tag` — claim a batch, then per
/// message `last_inbound_at`, render, `message_sent` — without sending anything. Times
/// each step.
pub async fn db_only(ctx: &Ctx, n: usize, tag: &str, m: u64) -> anyhow::Result<(Run, Vec<Marked>)> {
    let done = Arc::new(AtomicU64::new(0));
    let foreign = Arc::new(AtomicU64::new(0));
    let steps = Arc::new(Steps::default());
    let prefix = format!("{tag}:");
    let watch = Stopwatch::start();
    let mut set = tokio::task::JoinSet::new();
    for k in 0..n {
        let (db, done, foreign, steps, prefix, join_base, run, poll, batch) = (
            ctx.db.clone(),
            done.clone(),
            foreign.clone(),
            steps.clone(),
            prefix.clone(),
            ctx.join_base.clone(),
            ctx.run.clone(),
            ctx.poll,
            ctx.batch,
        );
        set.spawn(async move {
            let owner = format!("bench-{run}-dbonly-{k}");
            let mut marked = Vec::new();
            let mut last_progress = Instant::now();
            while done.load(Ordering::Relaxed) < m {
                let now = Timestamp::now();
                let t = Instant::now();
                let claimed = db.claim_messages(&owner, now, 60, 120, batch).await?;
                add(&steps.claim, t);
                if claimed.is_empty() {
                    if last_progress.elapsed() > STALL {
                        bail!(
                            "no message left to claim, {} of {m} done",
                            done.load(Ordering::Relaxed)
                        );
                    }
                    tokio::time::sleep(poll).await;
                    continue;
                }
                last_progress = Instant::now();
                for msg in claimed {
                    if !msg.key.starts_with(&prefix) {
                        // Not ours: hand it back untouched, for the real workers.
                        foreign.fetch_add(1, Ordering::Relaxed);
                        let later = Timestamp::now()
                            .checked_add(jiff::SignedDuration::from_secs(1))
                            .unwrap_or(now);
                        db.message_retry(
                            msg.id,
                            &owner,
                            later,
                            "claimed by the benchmark's db-only phase",
                            Timestamp::now(),
                        )
                        .await?;
                        continue;
                    }
                    let to = PhoneNumber::parse(&msg.recipient)
                        .map_err(|e| anyhow::anyhow!("recipient {}: {e}", msg.recipient))?;
                    let now = Timestamp::now();
                    let t = Instant::now();
                    let in_window = db.last_inbound_at(&to).await?.is_some_and(|at| {
                        now.duration_since(at) < jiff::SignedDuration::from_hours(24)
                    });
                    add(&steps.last_inbound_at, t);
                    let t = Instant::now();
                    let body = jenguk_notify::render::body(&msg, &join_base, in_window)?;
                    let out = OutgoingMessage::new(to, body).with_callback_data(msg.key.clone());
                    std::hint::black_box(out.to_json());
                    add(&steps.render, t);
                    let wamid = format!("wamid.{run}.db{}", msg.id);
                    let t = Instant::now();
                    if !db
                        .message_sent(msg.id, &owner, &wamid, Timestamp::now())
                        .await?
                    {
                        bail!("lost the lease of {}", msg.key);
                    }
                    add(&steps.message_sent, t);
                    marked.push((wamid, msg.key));
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
            anyhow::Ok(marked)
        });
    }
    let mut marked = Vec::new();
    while let Some(r) = set.join_next().await {
        marked.extend(r.context("a db-only task failed")??);
    }
    let (elapsed, cpu) = watch.stop();
    let ns = |a: &AtomicU64| Duration::from_nanos(a.load(Ordering::Relaxed));
    marked.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    Ok((
        Run {
            count: m,
            elapsed,
            cpu,
            errors: 0,
            foreign: foreign.load(Ordering::Relaxed),
            steps: vec![
                ("claim", ns(&steps.claim)),
                ("last_inbound_at", ns(&steps.last_inbound_at)),
                ("render", ns(&steps.render)),
                ("message_sent", ns(&steps.message_sent)),
            ],
        },
        marked,
    ))
}

/// Running workers, each with its own client (what `n` instances of `jenguk serve` run).
pub struct Workers {
    stop: tokio::sync::watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    pub fn start(ctx: &Ctx, n: usize) -> anyhow::Result<Workers> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut handles = Vec::with_capacity(n);
        for _ in 0..n {
            let worker = Worker::new(
                ctx.db.clone(),
                Some(Arc::new(ctx.client()?)),
                ctx.chat.clone(),
                ctx.join_base.clone(),
                ctx.worker_config(),
            );
            handles.push(tokio::spawn(worker.run(stopped.clone())));
        }
        Ok(Workers { stop, handles })
    }

    /// Asks them to stop and waits (each finishes the message in hand).
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        for h in self.handles {
            match tokio::time::timeout(Duration::from_secs(30), h).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => bail!("a worker task failed: {e}"),
                Err(_) => bail!("a worker did not stop within 30 s"),
            }
        }
        Ok(())
    }
}

/// `n` workers deliver the `m` messages already enqueued under `tag`; timed from their start
/// until the database has every one of them `sent`.
pub async fn workers(ctx: &Ctx, n: usize, tag: &str, m: u64) -> anyhow::Result<Run> {
    let foreign_before = ctx.fake.foreign(&[ctx.prefix()]);
    let workers = Workers::start(ctx, n)?;
    let watch = Stopwatch::start();
    let waited = wait_sent(ctx, tag, m).await;
    let (elapsed, cpu) = watch.stop();
    workers.stop().await?;
    waited?;
    Ok(Run {
        count: m,
        elapsed,
        cpu,
        errors: 0,
        foreign: ctx
            .fake
            .foreign(&[ctx.prefix()])
            .saturating_sub(foreign_before),
        steps: Vec::new(),
    })
}

/// Waits until the fake has every key of `tag` (an in-memory check, cheap enough to poll
/// often), then until the database has marked every one of them sent (the last few writes).
async fn wait_sent(ctx: &Ctx, tag: &str, m: u64) -> anyhow::Result<()> {
    let prefix = format!("{tag}:");
    let (mut seen, mut since) = (0, Instant::now());
    loop {
        let got = ctx.fake.distinct(tag);
        if got >= m {
            break;
        }
        if got != seen {
            (seen, since) = (got, Instant::now());
        } else if since.elapsed() > STALL {
            bail!(
                "stalled: the fake received {got} of {m} messages, none in the last {} s; {}",
                STALL.as_secs(),
                outbox_state(&ctx.db, &prefix).await
            );
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let t = Instant::now();
    loop {
        if unsent(&ctx.db, &prefix).await? == 0 {
            return Ok(());
        }
        if t.elapsed() > STALL {
            bail!(
                "stalled: the fake received all {m} messages but the outbox does not say sent; {}",
                outbox_state(&ctx.db, &prefix).await
            );
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Messages under `prefix` still `pending` or `sending` (the newest 1000 of each status are
/// looked at; the run's own are the newest).
pub async fn unsent(db: &Db, prefix: &str) -> anyhow::Result<usize> {
    let mut n = 0;
    for status in ["pending", "sending"] {
        n += db
            .outbox_messages(Some(status), 1000)
            .await?
            .iter()
            .filter(|m| m.key.starts_with(prefix))
            .count();
    }
    Ok(n)
}

/// `pending 3, sending 0, failed 1 (last error: …)` for the messages under `prefix`.
pub async fn outbox_state(db: &Db, prefix: &str) -> String {
    let mut parts = Vec::new();
    for status in ["pending", "sending", "failed"] {
        match db.outbox_messages(Some(status), 1000).await {
            Ok(rows) => {
                let ours: Vec<_> = rows.iter().filter(|m| m.key.starts_with(prefix)).collect();
                let mut part = format!("{status} {}", ours.len());
                if let Some(e) = ours.iter().find_map(|m| m.last_error.as_deref()) {
                    part.push_str(&format!(" (last error: {e})"));
                }
                parts.push(part);
            }
            Err(e) => parts.push(format!("{status} ? ({e})")),
        }
    }
    parts.join(", ")
}

/// Checks that the fake received each of the `m` keys of `tag` exactly once; describes
/// what is wrong otherwise.
pub fn exactly_once(fake: &FakeGraph, tag: &str, m: u64) -> Result<(), String> {
    let got = fake.deliveries(&format!("{tag}:"));
    let twice: Vec<&String> = got
        .iter()
        .filter(|(_, d)| d.count != 1)
        .map(|(k, _)| k)
        .collect();
    if got.len() as u64 == m && twice.is_empty() {
        return Ok(());
    }
    let mut why = format!("{tag}: {} of {m} keys received", got.len());
    if !twice.is_empty() {
        why.push_str(&format!(
            ", {} more than once (e.g. {})",
            twice.len(),
            twice[0]
        ));
    }
    Err(why)
}

/// Warms up (not measured): `w` messages through one worker and `w` raw sends, which open
/// the pools' connections and prepare the statements. A reused database's due messages are
/// delivered (to the fake) here too, before anything is measured: returns how many.
pub async fn warm_up(ctx: &Ctx, w: u64) -> anyhow::Result<u64> {
    let tag = ctx.tag("warm");
    enqueue(ctx, &tag, w).await?;
    let workers = Workers::start(ctx, 1)?;
    let waited = async {
        wait_sent(ctx, &tag, w).await?;
        // Older due messages are claimed first: once ours are out, so are they. Wait for the
        // fake to go quiet, in case some came due meanwhile.
        let mut last = ctx.fake.counters().0;
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let now = ctx.fake.counters().0;
            if now == last {
                return anyhow::Ok(());
            }
            last = now;
        }
    }
    .await;
    workers.stop().await?;
    waited?;
    raw(ctx, 1, &ctx.tag("warmraw"), w, Duration::ZERO).await?;
    Ok(ctx.fake.foreign(&[ctx.prefix()]))
}
