//! `jenguk bench booking`: a booking rush over HTTP against the same transaction driven
//! straight against the database.
//!
//! Two worlds of the same shape are created (not timed): `BR<run>-<n>` for the raw phase and
//! `BH<run>-<n>` for the HTTP phase. Both phases replay the same seeded request sequence
//! (request `i` is the same pair and slot by index in both worlds), for a fixed time, with
//! the same number of concurrent clients.

mod load;
mod rng;
mod world;

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jenguk_storage::{BackendKind, Db, Role};
use jenguk_web::AppState;
use jiff::Timestamp;

use load::{Generator, Tally};
use rng::splitmix64;
use world::{Layout, World};

/// Targets from the issue.
const TARGET_RATIO: f64 = 0.60;
const TARGET_P99_MS: f64 = 50.0;

pub struct Options {
    pub database: Option<String>,
    pub clients: usize,
    pub seconds: f64,
    pub facilities: usize,
    pub seed: u64,
}

/// A password nobody can guess for the run's throwaway national administrator, drawn from the
/// process's randomly keyed hasher (no extra dependency).
fn throwaway_password() -> String {
    use std::hash::{BuildHasher, Hasher};
    (0..4)
        .map(|i| {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(i);
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            format!("{:016x}", h.finish())
        })
        .collect()
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    if o.clients == 0 || !(o.seconds > 0.0 && o.seconds.is_finite()) || o.facilities == 0 {
        bail!("--clients, --seconds and --facilities must be positive");
    }
    if o.facilities > 9999 {
        bail!("--facilities is at most 9999");
    }
    let now = Timestamp::now();
    let run = super::run_id(now);
    let (url, temp) = super::database(o.database.as_deref(), "jenguk-bench", &run)?;
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("cannot open the database {}", crate::redact(&url)))?;
    let backend = match db.kind() {
        BackendKind::Sqlite => "SQLite",
        BackendKind::Postgres => "PostgreSQL",
    };
    println!(
        "jenguk bench booking — {backend} {}{}",
        crate::redact(&url),
        if temp.is_some() { " (temporary)" } else { "" }
    );
    println!(
        "run {run}: {} clients, {:.1} s per phase, {} facilities per world, seed {}",
        o.clients, o.seconds, o.facilities, o.seed
    );

    // Setup (not timed).
    let t0 = Instant::now();
    let layout = Arc::new(Layout::new(o.facilities, o.seed));
    let numbers = Arc::new(AtomicU64::new(world::first_number(
        splitmix64(u64::try_from(now.as_millisecond()).unwrap_or(0)) ^ o.seed,
    )));
    let username = format!("bench-{}", run.to_lowercase());
    let password = throwaway_password();
    let admin = db
        .create_user(
            &username,
            &password,
            Role::NationalAdmin,
            None,
            &jenguk_storage::AuditEvent::cli(),
            now,
        )
        .await
        .context("creating the benchmark's national administrator")?;
    let (raw_prefix, http_prefix) = (format!("BR{run}"), format!("BH{run}"));
    let (raw_world, http_world) = tokio::try_join!(
        world::create(&db, &raw_prefix, &layout, &numbers),
        world::create(&db, &http_prefix, &layout, &numbers),
    )?;
    let slot_counts: Vec<usize> = raw_world
        .facilities
        .iter()
        .zip(&http_world.facilities)
        .map(|(a, b)| a.slots.len().min(b.slots.len()))
        .collect();
    let generator = Arc::new(Generator::new(
        o.seed,
        raw_world.pairs.iter().map(|p| p.facility).collect(),
        &slot_counts,
    )?);
    let slots: usize = slot_counts.iter().sum();
    println!(
        "setup: 2 worlds × {} facilities, {} inmates, {} visitors, {} approved links, {} slots ({} hot, {} % of requests) each — {:.1} s",
        o.facilities,
        o.facilities * world::INMATES_PER_FACILITY,
        layout.families.len(),
        raw_world.pairs.len(),
        slots,
        generator.hot_slots(),
        load::HOT_REQUESTS_PERCENT,
        t0.elapsed().as_secs_f64()
    );
    let raw_world = Arc::new(raw_world);
    let http_world = Arc::new(http_world);

    // Phase RAW.
    let raw_client = load::Client::Raw {
        db: db.clone(),
        actor: admin.id,
    };
    let raw_odd = load::warm_up(&raw_client, &raw_world, o.clients).await?;
    let raw = load::drive(&raw_client, &raw_world, &generator, o.clients, o.seconds).await?;
    print_phase("raw  (Db::book, no HTTP)", &raw, raw_odd);

    // Phase HTTP.
    let (http, http_odd) =
        http_phase(&db, &http_world, &generator, &username, &password, &o).await?;
    print_phase(
        "http (POST /api/v1/visits, in-process server)",
        &http,
        http_odd,
    );

    // Checks.
    let mut failures = Vec::new();
    let t = Instant::now();
    let over = db
        .overbooked_slots()
        .await
        .context("the overbooking check")?;
    if over.is_empty() {
        println!(
            "overbooked slots: 0 (whole database, {:.1} s to check)",
            t.elapsed().as_secs_f64()
        );
    } else {
        println!("overbooked slots: {}", over.len());
        for (f, start, kind, n) in over.iter().take(20) {
            println!(
                "  facility {f} {start} {}: {n} active visits",
                kind.as_str()
            );
        }
        failures.push(format!("{} overbooked slots", over.len()));
    }
    for (name, w, tally) in [("raw", &raw_world, &raw), ("http", &http_world, &http)] {
        let (stored, full) = world_check(&db, w).await?;
        if stored != tally.booked || full > 0 {
            failures.push(format!(
                "{name} world: {stored} active visits stored for {} bookings answered, {full} slots over capacity",
                tally.booked
            ));
        }
        println!(
            "{name:<4} world: {stored} visits stored, {} answered booked: {}",
            tally.booked,
            if stored == tally.booked {
                "same ✓"
            } else {
                "MISMATCH ✗"
            }
        );
    }
    for (name, tally) in [("raw", &raw), ("http", &http)] {
        if tally.error_count() > 0 {
            failures.push(format!(
                "{} errors in the {name} phase",
                tally.error_count()
            ));
        }
    }

    // Ratios and targets.
    let ratio = http.decisions_per_sec() / raw.decisions_per_sec().max(1e-9);
    let booked_ratio = http.bookings_per_sec() / raw.bookings_per_sec().max(1e-9);
    println!("ratio server/raw = {ratio:.2} (decisions/s; bookings/s: {booked_ratio:.2})");
    let k = raw.done.len().min(http.done.len());
    if k > 0 {
        let (tr, th) = (raw.time_for_first(k), http.time_for_first(k));
        println!(
            "  same-prefix ratio = {:.2} (the first {k} requests of the sequence, the same mix of bookings and refusals: raw {:.0}/s, http {:.0}/s)",
            tr / th,
            k as f64 / tr,
            k as f64 / th
        );
    }
    let p99 = http.percentile_ms(99.0);
    println!(
        "targets at {} clients: ratio ≥ {TARGET_RATIO:.2}: {} ({ratio:.2}); http p99 < {TARGET_P99_MS:.0} ms: {} ({p99:.1} ms)",
        o.clients,
        met(ratio >= TARGET_RATIO),
        met(p99 < TARGET_P99_MS),
    );
    if o.database.is_some() {
        println!(
            "note: the run's data (facilities BR{run}-*, BH{run}-*, user {username}) stays in the database"
        );
    }
    db.close().await;
    if !failures.is_empty() {
        bail!("benchmark failed: {}", failures.join("; "));
    }
    Ok(())
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

/// Serves the application in-process on a free port, books through it, shuts it down.
async fn http_phase(
    db: &Db,
    world: &Arc<World>,
    generator: &Arc<Generator>,
    username: &str,
    password: &str,
    o: &Options,
) -> anyhow::Result<(Tally, u64)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(jenguk_web::serve(
        listener,
        AppState::new(db.clone()),
        async move {
            let _ = stopped.await;
        },
    ));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients.max(1))
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()?;
    let result = async {
        let resp = client
            .post(format!("{base}/api/v1/auth/token"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .context("asking for a token")?;
        if !resp.status().is_success() {
            bail!("POST /api/v1/auth/token answered {}", resp.status());
        }
        let body: serde_json::Value = resp.json().await?;
        let token = body
            .get("token")
            .and_then(|t| t.as_str())
            .context("no token in the answer")?
            .to_string();
        let client = load::Client::http(client.clone(), &base, &token);
        let odd = load::warm_up(&client, world, o.clients).await?;
        let tally = load::drive(&client, world, generator, o.clients, o.seconds).await?;
        anyhow::Ok((tally, odd))
    }
    .await;
    drop(client);
    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(30), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => bail!("the server failed: {e}"),
        Ok(Err(e)) => bail!("the server task failed: {e}"),
        Err(_) => bail!("the server did not shut down within 30 s"),
    }
    result
}

/// A world's active visits and how many of its slots hold more than their capacity (through
/// the slot listing, independently of `Db::overbooked_slots`).
async fn world_check(db: &Db, w: &World) -> anyhow::Result<(u64, u64)> {
    let (mut stored, mut over) = (0u64, 0u64);
    for f in &w.facilities {
        for s in db.slots(&f.facility, f.from, f.to).await? {
            stored += u64::from(s.booked);
            if s.booked > u32::from(s.slot.capacity) {
                over += 1;
            }
        }
    }
    Ok((stored, over))
}

fn print_phase(name: &str, t: &Tally, warm_up_odd: u64) {
    println!("phase {name}");
    if warm_up_odd > 0 {
        println!(
            "  warm-up        {warm_up_odd} requests were not refused outside_window (not counted)"
        );
    }
    println!(
        "  requests       {} in {:.2} s ({} booked = {:.0} %, {} refused, {} errors)",
        t.requests(),
        t.secs(),
        t.booked,
        100.0 * t.booked as f64 / t.requests().max(1) as f64,
        t.refusals(),
        t.error_count()
    );
    println!(
        "  decisions/s    {:.1} (booked + refused)",
        t.decisions_per_sec()
    );
    // The worlds fill up (quotas, slots): once they are nearly full, bookings trickle and
    // bookings/s says more about the world's size than about the server.
    let t90 = t.time_to_book(0.9).unwrap_or(0.0);
    println!(
        "  bookings/s     {:.1}{}",
        t.bookings_per_sec(),
        if t.booked > 0 && t90 < 0.5 * t.secs() {
            format!(
                " (90 % of them within {t90:.1} s, {:.0}/s: the world was nearly full after that)",
                0.9 * t.booked as f64 / t90.max(1e-9)
            )
        } else {
            format!(" (90 % of them within {t90:.1} s)")
        }
    );
    println!(
        "  latency ms     p50 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}",
        t.percentile_ms(50.0),
        t.percentile_ms(95.0),
        t.percentile_ms(99.0),
        t.max_ms()
    );
    if let Some(cpu) = t.process_cpu {
        println!(
            "  cpu            this process {:.0} ms = {:.2} ms per request; machine {} busy",
            cpu.as_secs_f64() * 1000.0,
            cpu.as_secs_f64() * 1000.0 / t.requests().max(1) as f64,
            t.machine_busy
                .map_or_else(|| "?".to_string(), |b| format!("{:.0} %", b * 100.0))
        );
    }
    let mut refusals: Vec<(&String, &u64)> = t.refused.iter().collect();
    refusals.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut line = String::new();
    for (code, n) in refusals {
        let _ = write!(line, "{code} {n}  ");
    }
    println!(
        "  refusals       {} (first reason by the API's priority)",
        if line.is_empty() {
            "none"
        } else {
            line.trim_end()
        }
    );
    if t.errors.is_empty() {
        println!("  errors         0");
    } else {
        for (e, n) in &t.errors {
            println!("  error          {n} × {e}");
        }
    }
}
