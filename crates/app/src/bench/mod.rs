//! `jenguk bench`: benchmark programs. Each prints its measurements next to a baseline
//! measured in the same run, and a ratio against it (the machine is shared and noisy, so
//! absolute numbers from different runs are not comparable).

mod booking;
mod media;
mod whatsapp;

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// A booking rush: N concurrent clients booking over HTTP against an in-process server,
    /// and the same booking transaction driven straight against the database (the raw
    /// ceiling), with a hot spot where 10 % of the slots get 80 % of the requests. Prints
    /// bookings/s, latency percentiles, refusals by reason, an overbooking check and the
    /// ratio server/raw. Exits non-zero on overbooking or any error (5xx, database error).
    Booking {
        /// `sqlite://PATH` or `postgres://…` (default: a fresh SQLite file in a temporary
        /// directory, removed afterwards). Each run creates its own facilities, so a
        /// PostgreSQL database can be reused.
        #[arg(long, env = "JENGUK_DATABASE_URL")]
        database: Option<String>,
        /// Concurrent clients (tasks) in each phase.
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// Length of each phase, seconds.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Facilities in each of the two worlds (about 100 inmates and 30 visitors each).
        #[arg(long, default_value_t = 20)]
        facilities: usize,
        /// Seed of the request sequence and of the worlds' shape.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The WhatsApp channel against a fake Graph API inside the benchmark: the outbox
    /// worker's delivery rate with N instances (N workers on one database) against the
    /// fake's own rate (plain sends, no database) and the worker's queries alone, and the
    /// webhook's requests/s and latency for signed delivery statuses and incoming texts
    /// against `GET /healthz`. Checks that every message reached the fake exactly once and
    /// that the statuses moved the rows; exits non-zero otherwise or on any error.
    Whatsapp {
        /// `sqlite://PATH` or `postgres://…` (default: a fresh SQLite file in a temporary
        /// directory, removed afterwards). Messages already due in its outbox are delivered
        /// to the fake: never point it at a live database.
        #[arg(long, env = "JENGUK_DATABASE_URL")]
        database: Option<String>,
        /// Messages per delivery run.
        #[arg(long, default_value_t = 2000)]
        messages: u64,
        /// Numbers of instances to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
        instances: Vec<usize>,
        /// Length of each webhook phase, seconds.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Concurrent clients of the webhook phases.
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Incoming texts at most (each is then answered by the chat flow, and its replies
        /// delivered, which takes longer than taking it in).
        #[arg(long, default_value_t = 5000)]
        texts: u64,
        /// The workers' pause when nothing is due, milliseconds.
        #[arg(long, default_value_t = 10)]
        poll_ms: u64,
        /// Messages per claim.
        #[arg(long, default_value_t = 20)]
        batch: i64,
        /// How long the fake Graph API takes to answer, milliseconds (0: at once, which
        /// measures our side; the real API is a network round trip away). A worker sends one
        /// message per round trip: lower --messages and --texts with it.
        #[arg(long, default_value_t = 0)]
        graph_latency_ms: u64,
    },
    /// The media relay (SFU): N supervised visits of synthetic WebRTC participants on
    /// loopback (family and kiosk sending ~400 kbit/s video + Opus-like audio, a monitor
    /// receiving both) against the real SFU in a process of its own; prints its CPU per
    /// forwarded stream, peak RSS and packets received against sent, next to a plain UDP relay
    /// forwarding the same packets (baseline). Exits non-zero if a stream delivered nothing.
    Media {
        /// Numbers of visits to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,5,10,20")]
        visits: Vec<usize>,
        /// Measured window of each run, seconds.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Sending before the window, seconds.
        #[arg(long, default_value_t = 1.0)]
        warmup: f64,
    },
    /// The SFU with a tiny signalling API for `bench media` (prints its URL; stops when
    /// stdin closes).
    #[command(hide = true)]
    MediaServer,
    /// The plain UDP relay of `bench media`'s baseline (prints its address; stops when stdin
    /// closes).
    #[command(hide = true)]
    MediaRelay,
}

pub async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Booking {
            database,
            clients,
            seconds,
            facilities,
            seed,
        } => {
            booking::run(booking::Options {
                database,
                clients,
                seconds,
                facilities,
                seed,
            })
            .await
        }
        BenchCommand::Whatsapp {
            database,
            messages,
            instances,
            seconds,
            clients,
            texts,
            poll_ms,
            batch,
            graph_latency_ms,
        } => {
            whatsapp::run(whatsapp::Options {
                database,
                messages,
                instances,
                seconds,
                clients,
                texts,
                poll_ms,
                batch,
                graph_latency_ms,
            })
            .await
        }
        BenchCommand::Media {
            visits,
            seconds,
            warmup,
        } => {
            media::run(media::Options {
                visits,
                seconds,
                warmup,
            })
            .await
        }
        BenchCommand::MediaServer => media::serve_sfu().await,
        BenchCommand::MediaRelay => tokio::task::spawn_blocking(media::serve_relay).await?,
    }
}

/// A run id: milliseconds since the epoch in base 36, upper case (8 characters until 2059).
pub(crate) fn run_id(now: jiff::Timestamp) -> String {
    let mut n = u64::try_from(now.as_millisecond()).unwrap_or(0);
    let mut s = Vec::new();
    while n > 0 {
        s.push(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n % 36) as usize]);
        n /= 36;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_else(|_| "0".into())
}

/// A temporary SQLite database, removed when dropped.
pub(crate) struct TempDb(std::path::PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The database a benchmark runs on: the given URL, or a fresh SQLite file in a temporary
/// folder named `{prefix}-{run}` (removed when the returned guard drops).
pub(crate) fn database(
    given: Option<&str>,
    prefix: &str,
    run: &str,
) -> anyhow::Result<(String, Option<TempDb>)> {
    use anyhow::Context;
    Ok(match given {
        Some(url) => (url.to_string(), None),
        None => {
            let dir = std::env::temp_dir().join(format!("{prefix}-{}", run.to_lowercase()));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let url = format!("sqlite://{}", dir.join("bench.db").display());
            (url, Some(TempDb(dir)))
        }
    })
}
