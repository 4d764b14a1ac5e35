//! What a phase measured: counts, latencies, and the CPU it cost.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Requests of a load phase.
#[derive(Default)]
pub struct Tally {
    /// Latency of every answered request, microseconds (sorted by [`Tally::finish`]).
    pub latency_us: Vec<u64>,
    /// (request index, seconds from the phase's start to its completion).
    pub done: Vec<(u64, f64)>,
    /// Requests answered as expected.
    pub ok: u64,
    /// Anything else, by a short description.
    pub errors: BTreeMap<String, u64>,
    /// Wall time from the start to the last client's end.
    pub elapsed: Duration,
    /// CPU of the phase.
    pub cpu: Cpu,
}

impl Tally {
    pub fn merge(&mut self, o: Tally) {
        self.latency_us.extend(o.latency_us);
        self.done.extend(o.done);
        self.ok += o.ok;
        for (k, v) in o.errors {
            *self.errors.entry(k).or_default() += v;
        }
    }

    pub fn finish(&mut self) {
        self.latency_us.sort_unstable();
        self.done.sort_unstable_by_key(|d| d.0);
    }

    /// Seconds until the first `k` requests (by index) had all completed (after
    /// [`Tally::finish`]).
    pub fn time_for_first(&self, k: usize) -> f64 {
        self.done
            .iter()
            .take(k)
            .map(|d| d.1)
            .fold(0.0, f64::max)
            .max(1e-9)
    }

    pub fn requests(&self) -> u64 {
        self.latency_us.len() as u64
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn secs(&self) -> f64 {
        self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Requests answered as expected, per second.
    pub fn per_sec(&self) -> f64 {
        self.ok as f64 / self.secs()
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
}

/// CPU used during a stretch of wall time: by this process, and by the whole machine.
#[derive(Default, Clone, Copy)]
pub struct Cpu {
    /// This process (user + system).
    pub process: Option<Duration>,
    /// Share of the machine's CPU time that was busy (every process, every core).
    pub machine_busy: Option<f64>,
    /// Cores of the machine.
    pub cores: Option<usize>,
}

impl Cpu {
    /// `this process 1234 ms = 0.62 ms per message; machine 97 % busy of 2 cores`.
    pub fn describe(&self, n: u64, unit: &str) -> String {
        let process = match self.process {
            Some(c) => format!(
                "this process {:.0} ms = {:.3} ms per {unit}",
                c.as_secs_f64() * 1000.0,
                c.as_secs_f64() * 1000.0 / n.max(1) as f64
            ),
            None => "this process ?".to_string(),
        };
        let machine = self
            .machine_busy
            .map_or_else(|| "?".to_string(), |b| format!("{:.0} %", b * 100.0));
        let cores = self
            .cores
            .map_or_else(String::new, |c| format!(" of {c} cores"));
        format!("{process}; machine {machine} busy{cores}")
    }
}

/// A stopwatch that also reads the CPU counters at start and stop.
pub struct Stopwatch {
    start: Instant,
    process: Option<Duration>,
    machine: Option<(u64, u64)>,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            process: process_cpu(),
            machine: machine_cpu(),
            start: Instant::now(),
        }
    }

    pub fn instant(&self) -> Instant {
        self.start
    }

    /// Wall time and CPU since the start.
    pub fn stop(&self) -> (Duration, Cpu) {
        let elapsed = self.start.elapsed();
        let process = process_cpu()
            .zip(self.process)
            .map(|(b, a)| b.saturating_sub(a));
        let machine_busy = machine_cpu()
            .zip(self.machine)
            .and_then(|((b1, t1), (b0, t0))| {
                let total = t1.checked_sub(t0)?;
                (total > 0).then(|| b1.saturating_sub(b0) as f64 / total as f64)
            });
        let cores = std::thread::available_parallelism().ok().map(usize::from);
        (
            elapsed,
            Cpu {
                process,
                machine_busy,
                cores,
            },
        )
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

/// Shortens an error text for a tally.
pub fn short(s: &str) -> String {
    let s = s.replace('\n', " ");
    match s.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut t = Tally {
            latency_us: (1..=100).rev().map(|ms| ms * 1000).collect(),
            ..Tally::default()
        };
        t.finish();
        assert_eq!(t.percentile_ms(50.0), 50.0);
        assert_eq!(t.percentile_ms(99.0), 99.0);
        assert_eq!(t.percentile_ms(100.0), 100.0);
        assert_eq!(t.max_ms(), 100.0);
        assert_eq!(Tally::default().percentile_ms(50.0), 0.0);
    }
}
