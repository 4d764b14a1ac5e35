//! `jenguk bench media`: the SFU's cost per forwarded stream.
//!
//! For each number of visits N: the SFU is started in a process of its own (`jenguk bench
//! media-server`), N supervised visits are opened, and each gets three synthetic str0m
//! participants on loopback (family, kiosk, monitor) doing real ICE, DTLS and SRTP. Once all
//! are connected, the two peers of every visit send ~400 kbit/s of VP8-like video and
//! ~32 kbit/s of Opus-like audio; after a warm-up the SFU process's CPU time, peak RSS and the
//! packets the participants receive are measured over a window. A forwarded stream is one
//! track delivered to one receiver: 8 per visit (each peer's audio and video to the other
//! peer and to the monitor).
//!
//! Baseline in the same run: a plain UDP relay process (`jenguk bench media-relay`, no
//! crypto, no RTP) forwarding the same packets along the same routes; the ratio is the SFU's
//! CPU per stream over the relay's.

mod child;
mod client;
mod relay;
mod report;
mod sender;
mod server;
mod source;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::sync::{mpsc, watch};

use child::Child;
use client::{Client, Counters, Phase, Report, Role, RoleKey};
use relay::PlainClient;

pub use relay::serve as serve_relay;
pub use server::serve as serve_sfu;

/// Target: CPU of one core per forwarded stream, percent.
const TARGET_CPU_PER_STREAM: f64 = 0.15;
/// Target: peak RSS at 10 visits, MiB.
const TARGET_RSS_MIB: f64 = 40.0;
/// Forwarded streams per visit.
const STREAMS_PER_VISIT: usize = 8;
/// After the senders stop: time for what is in flight and the last statistics.
const DRAIN: Duration = Duration::from_millis(1200);

pub struct Options {
    /// Numbers of visits to measure.
    pub visits: Vec<usize>,
    /// Measured window, seconds.
    pub seconds: f64,
    /// Sending before the window, seconds.
    pub warmup: f64,
}

/// One measured run (SFU or baseline) for one N.
struct Measured {
    /// Measured window.
    window: Duration,
    /// The server process's CPU over the window.
    cpu: Duration,
    /// Its peak RSS, bytes.
    peak_rss: u64,
    /// The benchmark's own CPU (the clients) over the window.
    clients_cpu: Duration,
    /// Share of the whole machine's CPU that was busy over the window (other processes
    /// included: the machine may be shared).
    machine_busy: Option<f64>,
    /// Datagrams the kernel dropped over the window, receive buffers full (any socket).
    udp_drops: Option<u64>,
    /// Received by every participant during the window.
    rx_packets: u64,
    rx_video_bytes: u64,
    rx_audio_bytes: u64,
    /// Whole run: received and expected, packets and frames.
    check: Check,
    /// The SFU's own counters at the end (SFU only).
    sfu_stats: Option<serde_json::Value>,
}

#[derive(Default, Debug)]
struct Check {
    packets: u64,
    expected_packets: u64,
    frames: u64,
    expected_frames: u64,
    /// Forwarded streams that delivered nothing though their sender sent.
    empty: usize,
}

impl Measured {
    fn secs(&self) -> f64 {
        self.window.as_secs_f64().max(1e-9)
    }

    /// CPU, percent of one core.
    fn cpu_pct(&self) -> f64 {
        self.cpu.as_secs_f64() / self.secs() * 100.0
    }
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    if o.visits.is_empty()
        || o.visits.contains(&0)
        || !(o.seconds > 0.0 && o.seconds.is_finite())
        || !(o.warmup >= 0.0 && o.warmup.is_finite())
    {
        bail!("--visits and --seconds must be positive");
    }
    let build = if cfg!(debug_assertions) {
        "debug build: expect several times the CPU of a release build"
    } else {
        "release build"
    };
    println!(
        "jenguk bench media — the SFU in a process of its own, str0m clients on loopback (ICE, DTLS, SRTP); \
         {:.0} s warm-up + {:.0} s measured per run; {build}",
        o.warmup, o.seconds
    );
    println!(
        "  each peer sends VP8-like video {} fps ≈ {} kbit/s (a keyframe every {} s) + Opus-like audio 20 ms ≈ {} kbit/s",
        source::VIDEO_FPS,
        source::VIDEO_BPS / 1000,
        source::KEYFRAME_EVERY / u64::from(source::VIDEO_FPS),
        source::AUDIO_BPS / 1000
    );
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for &n in &o.visits {
        let sfu = run_sfu(n, &o)
            .await
            .with_context(|| format!("SFU run with {n} visits"))?;
        let base = run_relay(n, &o)
            .await
            .with_context(|| format!("baseline run with {n} visits"))?;
        report::print_run(n, "SFU", &sfu);
        report::print_run(n, "relay", &base);
        for (name, m) in [("SFU", &sfu), ("relay", &base)] {
            if m.check.empty > 0 {
                failures.push(format!(
                    "{name}, {n} visits: {} forwarded streams delivered nothing",
                    m.check.empty
                ));
            }
        }
        rows.push((n, sfu, base));
    }
    report::print_table(&rows);
    report::print_targets(&rows);
    if !failures.is_empty() {
        bail!("{}", failures.join("; "));
    }
    Ok(())
}

/// The SFU with N visits.
async fn run_sfu(n: usize, o: &Options) -> anyhow::Result<Measured> {
    let server = Child::start("media-server").await?;
    let result = async {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        let counters = Arc::new(Counters::default());
        let (phase_tx, phase_rx) = watch::channel(Phase::Connect);
        let (conn_tx, mut conn_rx) = mpsc::channel(3 * n);
        let mut tasks = Vec::new();
        for v in 0..n {
            let room = format!("bench-{v}");
            let url = format!("{}/rooms/{room}", server.addr);
            let res = http.post(&url).send().await?;
            if !res.status().is_success() {
                bail!("POST {url}: {}", res.status());
            }
            for role in [Role::Family, Role::Kiosk, Role::Monitor] {
                let join = format!("{url}/join/{}", role.name());
                let client = Client::join(&http, &join, role, seed(v, role)).await?;
                let run = client.run(counters.clone(), phase_rx.clone(), conn_tx.clone());
                tasks.push((v, role, tokio::spawn(run)));
            }
        }
        drop(conn_tx);
        let deadline = Duration::from_secs(20 + n as u64);
        for k in 0..3 * n {
            match tokio::time::timeout(deadline, conn_rx.recv()).await {
                Ok(Some(())) => {}
                _ => bail!("only {k} of {} participants connected", 3 * n),
            }
        }
        let mut m = measure(&server, &counters, &phase_tx, o).await;
        let reports = collect(tasks).await?;
        m.check = check(&reports);
        m.sfu_stats = match http.get(format!("{}/stats", server.addr)).send().await {
            Ok(r) => r.json().await.ok(),
            Err(_) => None,
        };
        Ok(m)
    }
    .await;
    server.stop().await;
    result
}

/// The plain UDP relay with N visits.
async fn run_relay(n: usize, o: &Options) -> anyhow::Result<Measured> {
    let server = Child::start("media-relay").await?;
    let result = async {
        let relay = server.addr.parse().context("the relay's address")?;
        let counters = Arc::new(Counters::default());
        let (phase_tx, phase_rx) = watch::channel(Phase::Connect);
        let mut tasks = Vec::new();
        for v in 0..n {
            for role in [Role::Family, Role::Kiosk, Role::Monitor] {
                let client = PlainClient::join(relay, v as u32, role, seed(v, role)).await?;
                let run = client.run(counters.clone(), phase_rx.clone());
                tasks.push((v, role, tokio::spawn(run)));
            }
        }
        let mut m = measure(&server, &counters, &phase_tx, o).await;
        m.check = check(&collect(tasks).await?);
        Ok(m)
    }
    .await;
    server.stop().await;
    result
}

fn seed(visit: usize, role: Role) -> u64 {
    visit as u64 * 3 + role as u64 + 1
}

/// Sends, warms up, measures the window, stops, drains, and tells everyone to hang up.
async fn measure(
    server: &Child,
    counters: &Counters,
    phase: &watch::Sender<Phase>,
    o: &Options,
) -> Measured {
    let _ = phase.send(Phase::Send);
    tokio::time::sleep(Duration::from_secs_f64(o.warmup)).await;
    let me = std::process::id();
    let read = || {
        (
            Instant::now(),
            server.cpu().unwrap_or_default(),
            child::cpu_of(me).unwrap_or_default(),
            counters.rx_packets.load(Ordering::Relaxed),
            counters.rx_video_bytes.load(Ordering::Relaxed),
            counters.rx_audio_bytes.load(Ordering::Relaxed),
            child::machine_cpu(),
            child::udp_rcvbuf_errors(),
        )
    };
    let a = read();
    tokio::time::sleep(Duration::from_secs_f64(o.seconds)).await;
    let b = read();
    let peak_rss = server.peak_rss().unwrap_or(0);
    let _ = phase.send(Phase::Stop);
    tokio::time::sleep(DRAIN).await;
    let _ = phase.send(Phase::Quit);
    Measured {
        window: b.0 - a.0,
        cpu: b.1.saturating_sub(a.1),
        clients_cpu: b.2.saturating_sub(a.2),
        rx_packets: b.3 - a.3,
        rx_video_bytes: b.4 - a.4,
        rx_audio_bytes: b.5 - a.5,
        machine_busy: b.6.zip(a.6).and_then(|((b1, t1), (b0, t0))| {
            let total = t1.checked_sub(t0)?;
            (total > 0).then(|| b1.saturating_sub(b0) as f64 / total as f64)
        }),
        udp_drops: b.7.zip(a.7).map(|(b, a)| b.saturating_sub(a)),
        peak_rss,
        check: Check::default(),
        sfu_stats: None,
    }
}

type Task = (usize, Role, tokio::task::JoinHandle<anyhow::Result<Report>>);

async fn collect(tasks: Vec<Task>) -> anyhow::Result<Vec<(usize, Role, Report)>> {
    let mut out = Vec::new();
    for (v, role, task) in tasks {
        let report = tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .with_context(|| format!("visit {v}'s {} did not hang up", role.name()))?
            .with_context(|| format!("visit {v}'s {} failed", role.name()))?
            .with_context(|| format!("visit {v}'s {}", role.name()))?;
        out.push((v, role, report));
    }
    Ok(out)
}

/// Received against what the senders sent, over every forwarded stream.
fn check(reports: &[(usize, Role, Report)]) -> Check {
    let mut c = Check::default();
    for (v, _, report) in reports {
        for (track, rx) in &report.received {
            let sender = match track.from {
                RoleKey::Family => Role::Family,
                RoleKey::Kiosk => Role::Kiosk,
            };
            let Some((_, _, sent)) = reports.iter().find(|(w, r, _)| w == v && *r == sender) else {
                continue;
            };
            let k = usize::from(track.video);
            c.packets += rx.packets;
            c.frames += rx.frames;
            c.expected_packets += sent.sent_packets[k];
            c.expected_frames += sent.sent_frames[k];
            if sent.sent_frames[k] > 0 && rx.packets == 0 {
                c.empty += 1;
            }
        }
    }
    c
}
