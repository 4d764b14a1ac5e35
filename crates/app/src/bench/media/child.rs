//! The measured process: `jenguk bench media-server` (the SFU) or `jenguk bench media-relay`
//! (the baseline) started from this very binary, so that its CPU time and memory are its
//! own. It prints one line (its address) on stdout and exits when its stdin closes, so it
//! never outlives the benchmark.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A running child process.
pub struct Child {
    child: std::process::Child,
    /// What it printed first: its address.
    pub addr: String,
}

impl Child {
    /// Starts `jenguk bench <subcommand>` and waits for its address.
    pub async fn start(subcommand: &str) -> anyhow::Result<Child> {
        let exe = std::env::current_exe().context("the benchmark's own executable")?;
        let mut child = Command::new(exe)
            .args(["bench", subcommand])
            .env("JENGUK_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start `jenguk bench {subcommand}`"))?;
        let stdout = child.stdout.take().context("the child's stdout")?;
        let line = tokio::time::timeout(
            Duration::from_secs(30),
            tokio::task::spawn_blocking(move || {
                let mut line = String::new();
                let mut r = BufReader::new(stdout);
                r.read_line(&mut line).map(|_| (line, r))
            }),
        )
        .await;
        let (line, mut rest) = match line {
            Ok(Ok(Ok(l))) => l,
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("`jenguk bench {subcommand}` did not print its address");
            }
        };
        // Keep draining stdout so that the child never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = rest.read_to_end(&mut sink);
        });
        let addr = line.trim().to_string();
        if addr.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            bail!("`jenguk bench {subcommand}` exited before printing its address");
        }
        Ok(Child { child, addr })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time (user + system) so far.
    pub fn cpu(&self) -> Option<Duration> {
        cpu_of(self.pid())
    }

    /// Peak resident memory (VmHWM), bytes.
    pub fn peak_rss(&self) -> Option<u64> {
        status_kib(self.pid(), "VmHWM:").map(|k| k * 1024)
    }

    /// Closes its stdin (it exits), waits a little, then kills it.
    pub async fn stop(mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// In the child: exits the process when stdin closes (the benchmark ended or died).
pub fn exit_when_stdin_closes() {
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while let Ok(n) = stdin.read(&mut sink) {
            if n == 0 {
                break;
            }
        }
        std::process::exit(0);
    });
}

/// CPU time (user + system) of process `pid`, from `/proc/<pid>/stat` (clock ticks of
/// 10 ms, as on every Linux distribution's kernel).
pub fn cpu_of(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// (busy, total) jiffies of the whole machine, from `/proc/stat`.
pub fn machine_cpu() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<u64> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3)? + v.get(4).copied().unwrap_or(0);
    Some((total.saturating_sub(idle), total))
}

/// UDP datagrams the kernel dropped because a socket's receive buffer was full (every socket
/// of the machine), from `/proc/net/snmp`.
pub fn udp_rcvbuf_errors() -> Option<u64> {
    let snmp = std::fs::read_to_string("/proc/net/snmp").ok()?;
    let mut udp = snmp.lines().filter(|l| l.starts_with("Udp: "));
    let names: Vec<&str> = udp.next()?.split_whitespace().collect();
    let values: Vec<&str> = udp.next()?.split_whitespace().collect();
    let i = names.iter().position(|n| *n == "RcvbufErrors")?;
    values.get(i)?.parse().ok()
}

/// A `kB` line of `/proc/<pid>/status`.
fn status_kib(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_can_be_read() {
        let me = std::process::id();
        assert!(super::cpu_of(me).is_some());
        assert!(super::status_kib(me, "VmHWM:").is_some_and(|k| k > 0));
        assert!(super::machine_cpu().is_some_and(|(busy, total)| busy <= total));
        assert!(super::udp_rcvbuf_errors().is_some());
    }
}
