//! `jenguk bench whatsapp`: the WhatsApp channel's two hot paths against a fake Graph API
//! that runs inside the benchmark.
//!
//! 1. Delivery: for each number of instances N, M chat replies are enqueued (not timed), then
//!    N outbox workers — each what one `jenguk serve` runs, with its own client — deliver
//!    them to the fake; timed until the database has every one `sent`, and the fake must
//!    have received each key exactly once. Baseline in the same run: the fake's own rate,
//!    M sends by N plain `Client::send` loops without a database (ratio worker/raw). Beside
//!    it, the worker's database work alone (its queries, no HTTP), to show where the time
//!    goes.
//! 2. Webhook: the real server in-process; C clients post signed delivery statuses — `sent`,
//!    `delivered`, `read` for every message of phase 1, as WhatsApp reports them (they update
//!    the rows) — for S seconds or until that sequence is used up, against the same clients
//!    on `GET /healthz` (ratio webhook/healthz); beside it the same sequence straight into
//!    `Db::message_status` on the db-only rows. Then incoming texts from families, which are
//!    stored and answered by the chat flow, whose replies one worker delivers to the fake;
//!    and the worker's queries once more, now that incoming messages are stored.

mod delivery;
mod fake;
mod sign;
mod stats;
mod webhook;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jenguk_domain::PhoneNumber;
use jenguk_notify::chat::ChatFlow;
use jenguk_notify::{Secret, WhatsAppConfig};
use jenguk_storage::{BackendKind, Db};
use jenguk_web::AppState;
use jiff::Timestamp;

use delivery::{Ctx, Run};
use fake::FakeGraph;
use stats::{Stopwatch, Tally};
use webhook::{Load, Target};

const TOKEN: &str = "bench-access-token";
const APP_SECRET: &str = "bench-app-secret";
const VERIFY_TOKEN: &str = "bench-verify-token";
/// Recipients of the delivery phase (+62812…), and senders of the incoming texts (62813…).
const RECIPIENTS: usize = 8;
const SENDERS: usize = 64;
/// The raw baseline repeats its M sends for at least this long.
const RAW_MIN: Duration = Duration::from_secs(1);
/// Messages of the warm-up (at most).
const WARM_UP: u64 = 100;
/// The chat flow's backlog or the replies' delivery with no progress for this long has
/// failed.
const STALL: Duration = Duration::from_secs(60);

pub struct Options {
    pub database: Option<String>,
    pub messages: u64,
    pub instances: Vec<usize>,
    pub seconds: f64,
    pub clients: usize,
    pub texts: u64,
    pub poll_ms: u64,
    pub graph_latency_ms: u64,
    pub batch: i64,
}

/// One N of the delivery phase.
struct DeliveryResult {
    n: usize,
    /// The workers' keys' tag.
    tag: String,
    /// The rows the db-only run marked sent.
    db_marked: Vec<delivery::Marked>,
    raw: Run,
    db: Run,
    worker: Run,
}

impl DeliveryResult {
    fn ratio(&self) -> f64 {
        self.worker.per_sec() / self.raw.per_sec().max(1e-9)
    }
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    if o.messages == 0
        || o.instances.is_empty()
        || o.instances.contains(&0)
        || o.clients == 0
        || o.texts == 0
        || !(o.seconds > 0.0 && o.seconds.is_finite())
        || o.batch <= 0
    {
        bail!(
            "--messages, --instances, --clients, --texts, --seconds and --batch must be positive"
        );
    }
    if o.messages > 999_999 {
        bail!("--messages is at most 999999");
    }
    let now = Timestamp::now();
    let run = super::run_id(now);
    let (url, temp) = super::database(o.database.as_deref(), "jenguk-bench-wa", &run)?;
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("cannot open the database {}", crate::redact(&url)))?;
    let result = bench(&o, &db, &run, &url, temp.is_some()).await;
    db.close().await;
    result
}

async fn bench(o: &Options, db: &Db, run: &str, url: &str, temp: bool) -> anyhow::Result<()> {
    let backend = match db.kind() {
        BackendKind::Sqlite => "SQLite",
        BackendKind::Postgres => "PostgreSQL",
    };
    println!(
        "jenguk bench whatsapp — {backend} {}{}",
        crate::redact(url),
        if temp { " (temporary)" } else { "" }
    );
    let fake =
        Arc::new(FakeGraph::start(run, TOKEN, Duration::from_millis(o.graph_latency_ms)).await?);
    let cfg = Arc::new(
        WhatsAppConfig::new(
            webhook::PHONE_NUMBER_ID,
            Secret::new(TOKEN),
            Secret::new(APP_SECRET),
            Secret::new(VERIFY_TOKEN),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_api_base(&fake.url)
        .map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let probe = br#"{"object":"whatsapp_business_account","entry":[]}"#;
    if !jenguk_notify::verify_signature(
        APP_SECRET.as_bytes(),
        probe,
        Some(&sign::signature(APP_SECRET, probe)),
    ) {
        bail!("the benchmark's own signatures do not verify");
    }
    let recipients = (0..RECIPIENTS)
        .map(|k| PhoneNumber::parse(&format!("+62812000{:05}", 10_001 + k)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("a recipient's number: {e}"))?;
    let join_base = "http://127.0.0.1:8080".to_string();
    let ctx = Ctx {
        db: db.clone(),
        fake: fake.clone(),
        cfg: cfg.clone(),
        chat: Arc::new(ChatFlow::new(db.clone(), join_base.clone())),
        join_base,
        recipients,
        run: run.to_string(),
        poll: Duration::from_millis(o.poll_ms),
        batch: o.batch,
    };
    let list: Vec<String> = o.instances.iter().map(ToString::to_string).collect();
    println!(
        "run {run}: {} messages per delivery run, instances {} (poll {} ms, batch {}); webhook {} clients × {:.1} s per phase",
        o.messages,
        list.join(","),
        o.poll_ms,
        o.batch,
        o.clients,
        o.seconds
    );
    println!(
        "fake Graph API at {} (HTTP/1.1, keep-alive, answers after {} ms)",
        fake.url, o.graph_latency_ms
    );
    let mut failures = Vec::new();

    let t0 = Instant::now();
    let w = o.messages.min(WARM_UP);
    let waiting = delivery::warm_up(&ctx, w).await?;
    println!(
        "warm-up: {w} messages through 1 worker and {w} raw sends (not measured){} — {:.1} s",
        if waiting > 0 {
            format!(", and {waiting} messages that were already waiting in the outbox")
        } else {
            String::new()
        },
        t0.elapsed().as_secs_f64()
    );

    // Phase 1: delivery.
    let mut results: Vec<DeliveryResult> = Vec::new();
    for (round, &n) in o.instances.iter().enumerate() {
        let r = delivery_round(&ctx, round + 1, n, o.messages, &mut failures).await?;
        results.push(r);
    }

    // Phase 2: the webhook.
    let targets: Vec<Target> = results
        .iter()
        .flat_map(|r| fake.deliveries(&format!("{}:", r.tag)))
        .map(|(key, d)| Target {
            wa_message_id: d.wa_message_id,
            key,
            to: d.to,
        })
        .collect();
    let db_targets: Vec<Target> = results
        .iter_mut()
        .flat_map(|r| std::mem::take(&mut r.db_marked))
        .map(|(wa_message_id, key)| Target {
            wa_message_id,
            key,
            to: String::new(),
        })
        .collect();
    let hook = webhook_phase(&ctx, o, targets, db_targets, &mut failures).await?;

    // The closing note.
    println!("summary ({backend}, {} messages per run):", o.messages);
    for r in &results {
        println!(
            "  delivery  {} instance{}: {:.0} messages/s (worker/raw = {:.2}; raw {:.0}/s, db only {:.0}/s)",
            r.n,
            if r.n == 1 { " " } else { "s" },
            r.worker.per_sec(),
            r.ratio(),
            r.raw.per_sec(),
            r.db.per_sec()
        );
    }
    println!(
        "  webhook   statuses {:.0} requests/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms (webhook/healthz = {:.2}; healthz {:.0}/s, message_status straight {:.0}/s)",
        hook.statuses.per_sec(),
        hook.statuses.percentile_ms(50.0),
        hook.statuses.percentile_ms(95.0),
        hook.statuses.percentile_ms(99.0),
        hook.statuses.per_sec() / hook.healthz.per_sec().max(1e-9),
        hook.healthz.per_sec(),
        hook.statuses_db.per_sec(),
    );
    println!(
        "  webhook   incoming texts {:.0} requests/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms (texts/healthz = {:.2}); chat flow {:.0} answered/s; replies {:.0} delivered/s",
        hook.texts.per_sec(),
        hook.texts.percentile_ms(50.0),
        hook.texts.percentile_ms(95.0),
        hook.texts.percentile_ms(99.0),
        hook.texts.per_sec() / hook.healthz.per_sec().max(1e-9),
        hook.chat_per_sec,
        hook.replies_per_sec
    );
    if o.database.is_some() {
        println!(
            "note: the run's rows (outbox keys wab{run}-*, chat:wamid.IN.{run}.*, incoming messages wamid.IN.{run}.*) stay in the database"
        );
    }
    if !failures.is_empty() {
        bail!("benchmark failed: {}", failures.join("; "));
    }
    Ok(())
}

/// Raw sends, the database work alone and the workers, for N instances.
async fn delivery_round(
    ctx: &Ctx,
    round: usize,
    n: usize,
    m: u64,
    failures: &mut Vec<String>,
) -> anyhow::Result<DeliveryResult> {
    println!("delivery, {n} instance{}", if n == 1 { "" } else { "s" });
    let raw_tag = ctx.tag(&format!("{round}raw{n}"));
    let raw = delivery::raw(ctx, n, &raw_tag, m, RAW_MIN).await?;
    let raw_once = delivery::exactly_once(&ctx.fake, &raw_tag, raw.count);
    print_run(
        "raw sends",
        &raw,
        &format!(
            "{n} plain Client::send loop{}, no database, {} rounds of {m}",
            if n == 1 { "" } else { "s" },
            raw.count / m
        ),
    );
    if raw.errors > 0 {
        failures.push(format!("{} raw sends failed", raw.errors));
    }
    if let Err(e) = raw_once {
        failures.push(format!("raw sends: {e}"));
    }

    let db_tag = ctx.tag(&format!("{round}db{n}"));
    let setup = delivery::enqueue(ctx, &db_tag, m).await?;
    let (db, db_marked) = delivery::db_only(ctx, n, &db_tag, m).await?;
    print_run(
        "db only",
        &db,
        "the worker's queries, no HTTP: claim, last_inbound_at, render, message_sent",
    );
    let steps: Vec<String> = db
        .steps
        .iter()
        .map(|(name, d)| format!("{name} {:.0}", d.as_secs_f64() * 1e6 / m as f64))
        .collect();
    println!(
        "  {:<14} µs per message in each step: {}{}",
        "",
        steps.join(", "),
        if n > 1 {
            format!(" (summed over {n} tasks, which overlap)")
        } else {
            String::new()
        }
    );

    let w_tag = ctx.tag(&format!("{round}w{n}"));
    let setup = setup + delivery::enqueue(ctx, &w_tag, m).await?;
    let worker = delivery::workers(ctx, n, &w_tag, m).await?;
    let once = delivery::exactly_once(&ctx.fake, &w_tag, m);
    print_run(
        "worker",
        &worker,
        &format!(
            "{n} Worker{} on one Db; the fake received each key {}",
            if n == 1 { "" } else { "s" },
            if once.is_ok() {
                "exactly once ✓"
            } else {
                "NOT exactly once ✗"
            }
        ),
    );
    if let Err(e) = once {
        failures.push(format!("workers: {e}"));
    }
    for (name, r) in [("db only", &db), ("worker", &worker)] {
        if r.foreign > 0 {
            println!(
                "  note           {name}: {} messages of others were claimed too (a reused outbox)",
                r.foreign
            );
        }
    }
    let serial = 1.0 / (1.0 / raw.per_sec().max(1e-9) + 1.0 / db.per_sec().max(1e-9));
    let r = DeliveryResult {
        n,
        tag: w_tag,
        db_marked,
        raw,
        db,
        worker,
    };
    println!(
        "  worker/raw = {:.2}   (worker/db only = {:.2}; if one message cost its send plus its queries, one after the other: {:.0}/s; enqueuing 2 × {m} took {:.1} s, not measured)",
        r.ratio(),
        r.worker.per_sec() / r.db.per_sec().max(1e-9),
        serial,
        setup.as_secs_f64()
    );
    Ok(r)
}

fn print_run(name: &str, r: &Run, what: &str) {
    println!(
        "  {name:<14} {} in {:.2} s = {:.0}/s, {:.0} µs per message ({what})",
        r.count,
        r.elapsed.as_secs_f64(),
        r.per_sec(),
        r.us_per_message()
    );
    println!("  {:<14} {}", "", r.cpu.describe(r.count, "message"));
}

struct WebhookResult {
    healthz: Tally,
    statuses_db: Tally,
    statuses: Tally,
    texts: Tally,
    chat_per_sec: f64,
    replies_per_sec: f64,
}

/// The server in-process: healthz, statuses and texts, then the chat flow's backlog and its
/// replies.
async fn webhook_phase(
    ctx: &Ctx,
    o: &Options,
    targets: Vec<Target>,
    db_targets: Vec<Target>,
    failures: &mut Vec<String>,
) -> anyhow::Result<WebhookResult> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(ctx.db.clone())
        .with_public_url(&base)
        .with_whatsapp(ctx.cfg.clone());
    let server = tokio::spawn(jenguk_web::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()?;
    println!(
        "webhook ({} clients, {:.1} s per phase, in-process server at {base}, {} messages of phase 1 to report on, at most {} texts)",
        o.clients,
        o.seconds,
        targets.len(),
        o.texts
    );
    let senders: Vec<String> = (0..SENDERS)
        .map(|k| format!("62813000{:05}", 20_001 + k))
        .collect();
    let statuses_load = Arc::new(Load::Statuses(targets.clone()));
    let result = async {
        // Warm-up (not measured): the connections and the statements.
        // Statuses of messages that do not exist: the whole path, no row touched.
        let warm_targets: Vec<Target> = targets
            .iter()
            .take(o.clients)
            .enumerate()
            .map(|(i, t)| Target {
                wa_message_id: format!("wamid.WARM.{}.{i}", ctx.run),
                key: format!("warm-{}:{i}", ctx.run),
                to: t.to.clone(),
            })
            .collect();
        let warm = Arc::new(Load::Statuses(warm_targets));
        let _ = webhook::drive(&http, &base, warm, APP_SECRET, o.clients, 0.2).await?;
        let healthz = webhook::drive(
            &http,
            &base,
            Arc::new(Load::Healthz),
            APP_SECRET,
            o.clients,
            o.seconds,
        )
        .await?;
        print_tally("GET /healthz", &healthz, "request");
        let statuses_db =
            webhook::drive_db(&ctx.db, Arc::new(db_targets.clone()), o.clients, o.seconds).await?;
        print_tally("status db only", &statuses_db, "status");
        let statuses = webhook::drive(
            &http,
            &base,
            statuses_load.clone(),
            APP_SECRET,
            o.clients,
            o.seconds,
        )
        .await?;
        print_tally("POST statuses", &statuses, "request");
        let texts_start = Instant::now();
        let texts = webhook::drive(
            &http,
            &base,
            Arc::new(Load::Texts {
                run: ctx.run.clone(),
                senders: senders.clone(),
                max: o.texts,
            }),
            APP_SECRET,
            o.clients,
            o.seconds,
        )
        .await?;
        print_tally("POST texts", &texts, "request");
        if texts.requests() >= o.texts {
            println!(
                "  {:<14} the {} texts (--texts) were used up before the time",
                "", o.texts
            );
        }
        anyhow::Ok((healthz, statuses_db, statuses, texts, texts_start))
    }
    .await;
    drop(http);
    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(30), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => bail!("the server failed: {e}"),
        Ok(Err(e)) => bail!("the server task failed: {e}"),
        Err(_) => bail!("the server did not shut down within 30 s"),
    }
    let (healthz, statuses_db, statuses, texts, texts_start) = result?;
    for (name, t) in [
        ("healthz", &healthz),
        ("statuses db only", &statuses_db),
        ("statuses", &statuses),
        ("texts", &texts),
    ] {
        if t.error_count() > 0 {
            failures.push(format!("{} errors in the {name} phase", t.error_count()));
        }
    }
    println!(
        "  webhook/healthz = {:.2}   (statuses; webhook/db only = {:.2}; texts/healthz = {:.2})",
        statuses.per_sec() / healthz.per_sec().max(1e-9),
        statuses.per_sec() / statuses_db.per_sec().max(1e-9),
        texts.per_sec() / healthz.per_sec().max(1e-9)
    );
    // The two statuses phases on the same stretch of the sequence, in case one of them used
    // it up and the other did not (statuses of later rounds cost more than `sent`, which
    // changes nothing).
    let prefix_len = statuses.requests().min(statuses_db.requests()) as usize;
    if prefix_len > 0 && statuses.requests() != statuses_db.requests() {
        let (th, td) = (
            statuses.time_for_first(prefix_len),
            statuses_db.time_for_first(prefix_len),
        );
        println!(
            "  same prefix    the first {prefix_len} statuses of the sequence: webhook {:.0}/s, db only {:.0}/s → webhook/db only = {:.2}",
            prefix_len as f64 / th,
            prefix_len as f64 / td,
            td / th,
        );
    }
    // What the statuses did to the rows.
    for (name, tally, targets) in [
        ("rows (http)", &statuses, &targets),
        ("rows (db only)", &statuses_db, &db_targets),
    ] {
        let t = Instant::now();
        let by_status = webhook::row_states(&ctx.db, targets).await?;
        let k = targets.len() as u64;
        let line: Vec<String> = by_status.iter().map(|(s, n)| format!("{s} {n}")).collect();
        println!(
            "  {name:<14} {} after {} of the {} statuses (sent, delivered, read × {k}){} — checked in {:.1} s",
            line.join(", "),
            tally.requests(),
            3 * k,
            if tally.requests() >= 3 * k {
                ": the sequence was used up before the time"
            } else {
                ""
            },
            t.elapsed().as_secs_f64()
        );
        let expected_read = tally.ok.saturating_sub(2 * k).min(k);
        let read = by_status.get("read").copied().unwrap_or(0);
        if tally.error_count() == 0 && read != expected_read {
            failures.push(format!(
                "{name}: {read} rows read after the statuses phase, {expected_read} expected"
            ));
        }
    }

    // The chat flow's backlog: every stored text answered.
    let prefix = format!("wamid.IN.{}.", ctx.run);
    let far = Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24))
        .unwrap_or_else(|_| Timestamp::now());
    let (mut left, mut since) = (u64::MAX, Instant::now());
    loop {
        let n = ctx
            .db
            .unprocessed_inbound(far, 1000)
            .await?
            .iter()
            .filter(|(id, _, _)| id.starts_with(&prefix))
            .count() as u64;
        if n == 0 {
            break;
        }
        if n != left {
            (left, since) = (n, Instant::now());
        } else if since.elapsed() > STALL {
            failures.push(format!(
                "the chat flow stalled with {n} incoming messages unanswered"
            ));
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let chat_secs = texts_start.elapsed().as_secs_f64();
    let chat_per_sec = texts.ok as f64 / chat_secs.max(1e-9);
    println!(
        "  chat flow      {} texts answered within {:.1} s of the texts phase's start = {:.0}/s ({:.1} s after its end)",
        texts.ok,
        chat_secs,
        chat_per_sec,
        (chat_secs - texts.secs()).max(0.0)
    );

    // Their replies, delivered by one worker.
    let reply_prefix = format!("chat:{prefix}");
    let workers = delivery::Workers::start(ctx, 1)?;
    let watch = Stopwatch::start();
    let mut stalled = None;
    let (mut left, mut since) = (usize::MAX, Instant::now());
    loop {
        let n = delivery::unsent(&ctx.db, &reply_prefix).await?;
        if n == 0 {
            break;
        }
        if n != left {
            (left, since) = (n, Instant::now());
        } else if since.elapsed() > STALL {
            stalled = Some(delivery::outbox_state(&ctx.db, &reply_prefix).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (elapsed, cpu) = watch.stop();
    workers.stop().await?;
    if let Some(state) = stalled {
        failures.push(format!("delivering the chat replies stalled: {state}"));
    }
    let replies = ctx.fake.deliveries(&reply_prefix);
    let twice = replies.iter().filter(|(_, d)| d.count != 1).count();
    let answered: std::collections::BTreeSet<&str> =
        replies.iter().map(|(k, _)| fake::tag_of(k)).collect();
    let replies_per_sec = replies.len() as f64 / elapsed.as_secs_f64().max(1e-9);
    println!(
        "  replies        {} chat replies to {} texts delivered by 1 worker in {:.2} s = {:.0}/s, each {}",
        replies.len(),
        answered.len(),
        elapsed.as_secs_f64(),
        replies_per_sec,
        if twice == 0 {
            "once ✓"
        } else {
            "NOT once ✗"
        }
    );
    println!(
        "  {:<14} {}",
        "",
        cpu.describe(replies.len() as u64, "reply")
    );
    if twice > 0 {
        failures.push(format!(
            "{twice} chat replies reached the fake more than once"
        ));
    }
    if answered.len() as u64 != texts.ok {
        failures.push(format!(
            "{} texts stored, {} answered",
            texts.ok,
            answered.len()
        ));
    }
    // The worker's queries again, now that incoming messages are stored (the delivery
    // phase ran on an empty inbound_messages table).
    let after_tag = ctx.tag("after");
    let after_m = o.messages.min(1000);
    delivery::enqueue(ctx, &after_tag, after_m).await?;
    let (after, _) = delivery::db_only(ctx, 1, &after_tag, after_m).await?;
    let steps: Vec<String> = after
        .steps
        .iter()
        .map(|(name, d)| format!("{name} {:.0}", d.as_secs_f64() * 1e6 / after_m as f64))
        .collect();
    println!(
        "  db only again  {after_m} messages, 1 task, with {} more incoming messages stored: {:.0}/s; µs per message in each step: {}",
        texts.ok,
        after.per_sec(),
        steps.join(", ")
    );
    let (_, refused, connections) = ctx.fake.counters();
    println!("  fake           {connections} connections in all, {refused} requests refused");
    if refused > 0 {
        failures.push(format!("the fake refused {refused} requests"));
    }
    Ok(WebhookResult {
        healthz,
        statuses_db,
        statuses,
        texts,
        chat_per_sec,
        replies_per_sec,
    })
}

fn print_tally(name: &str, t: &Tally, unit: &str) {
    println!(
        "  {name:<14} {} requests in {:.2} s = {:.0}/s, latency ms p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.1}, errors {}",
        t.requests(),
        t.secs(),
        t.per_sec(),
        t.percentile_ms(50.0),
        t.percentile_ms(95.0),
        t.percentile_ms(99.0),
        t.max_ms(),
        t.error_count()
    );
    println!("  {:<14} {}", "", t.cpu.describe(t.requests(), unit));
    for (e, n) in t.errors.iter().take(5) {
        println!("  {:<14} {n} × {e}", "error");
    }
}
