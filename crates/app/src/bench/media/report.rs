//! What `bench media` prints: a line per run, the table, the targets.

use super::{Measured, STREAMS_PER_VISIT, TARGET_CPU_PER_STREAM, TARGET_RSS_MIB};

/// Below this share of frames delivered, a run's costs are not judged against the targets.
const MIN_DELIVERED: f64 = 95.0;

pub fn print_run(n: usize, name: &str, m: &Measured) {
    let c = &m.check;
    let mut line = format!(
        "  {n:>3} visits {name:<5} cpu {:.1} % of a core, peak RSS {:.1} MiB; received {} of {} packets ({:.1} %), {} of {} frames; clients' process {:.0} % of a core",
        m.cpu_pct(),
        mib(m.peak_rss),
        c.packets,
        c.expected_packets,
        pct(c.packets, c.expected_packets),
        c.frames,
        c.expected_frames,
        m.clients_cpu.as_secs_f64() / m.secs() * 100.0,
    );
    line.push_str(&format!(
        "; machine {} busy, {} datagrams dropped by the kernel (receive buffer full)",
        m.machine_busy
            .map_or_else(|| "?".to_string(), |b| format!("{:.0} %", b * 100.0)),
        m.udp_drops
            .map_or_else(|| "?".to_string(), |d| d.to_string()),
    ));
    if let Some(s) = &m.sfu_stats {
        line.push_str(&format!(
            "; SFU counters: {} audio + {} video frames forwarded, {} datagrams in, {} out, {} dropped",
            s["forwarded_audio"],
            s["forwarded_video"],
            s["datagrams_in"],
            s["datagrams_out"],
            s["datagrams_dropped"]
        ));
    }
    println!("{line}");
}

pub fn print_table(rows: &[(usize, Measured, Measured)]) {
    println!();
    println!(
        "{:>6} {:>7} {:>11} {:>11} {:>10} {:>9} {:>11} {:>11} {:>6} {:>8} {:>9} {:>9} {:>9}",
        "visits",
        "streams",
        "video kb/s",
        "audio kb/s",
        "fwd pkt/s",
        "SFU cpu%",
        "SFU %/strm",
        "base %/strm",
        "ratio",
        "RSS MiB",
        "base MiB",
        "pkts r/e",
        "frames r/e"
    );
    for (n, sfu, base) in rows {
        let streams = n * STREAMS_PER_VISIT;
        let half = (streams / 2).max(1) as f64;
        let per_stream = sfu.cpu_pct() / streams as f64;
        let base_per_stream = base.cpu_pct() / streams as f64;
        println!(
            "{:>6} {:>7} {:>11.0} {:>11.1} {:>10.0} {:>9.1} {:>11.3} {:>11.3} {:>6} {:>8.1} {:>9.1} {:>8.1}% {:>8.1}%",
            n,
            streams,
            sfu.rx_video_bytes as f64 * 8.0 / 1000.0 / sfu.secs() / half,
            sfu.rx_audio_bytes as f64 * 8.0 / 1000.0 / sfu.secs() / half,
            sfu.rx_packets as f64 / sfu.secs(),
            sfu.cpu_pct(),
            per_stream,
            base_per_stream,
            ratio(per_stream, base_per_stream),
            mib(sfu.peak_rss),
            mib(base.peak_rss),
            pct(sfu.check.packets, sfu.check.expected_packets),
            pct(sfu.check.frames, sfu.check.expected_frames),
        );
    }
    println!(
        "  streams: tracks delivered to a receiver (8 per visit); kb/s: payload received per video / audio stream; \
         fwd pkt/s: RTP packets the participants received; %/strm: CPU of one core per stream; \
         ratio: SFU %/strm over the plain UDP relay's (baseline); r/e: received over sent, whole run, RTP packets (sent ones include retransmissions) and frames. \
         A visit's 8 streams are 4 video (~400 kbit/s) and 4 audio (~32 kbit/s)"
    );
}

pub fn print_targets(rows: &[(usize, Measured, Measured)]) {
    println!("targets:");
    for (n, sfu, _) in rows {
        let per_stream = sfu.cpu_pct() / (n * STREAMS_PER_VISIT) as f64;
        println!(
            "  ≤{TARGET_CPU_PER_STREAM} % of a core per forwarded stream at ~400 kbit/s, {n} visits: {per_stream:.3} % {}",
            verdict(per_stream <= TARGET_CPU_PER_STREAM, sfu)
        );
    }
    match rows.iter().find(|(n, _, _)| *n == 10) {
        Some((_, sfu, _)) => println!(
            "  ≤{TARGET_RSS_MIB} MiB RSS at 10 visits: {:.1} MiB {}",
            mib(sfu.peak_rss),
            verdict(mib(sfu.peak_rss) <= TARGET_RSS_MIB, sfu)
        ),
        None => println!(
            "  ≤{TARGET_RSS_MIB} MiB RSS at 10 visits: not measured (10 is not in --visits)"
        ),
    }
}

/// `met` / `MISSED`, or no verdict when the SFU did not deliver nearly everything (it was
/// overloaded or starved of CPU: what it cost then says nothing about the load asked for).
fn verdict(ok: bool, sfu: &Measured) -> String {
    let delivered = pct(sfu.check.frames, sfu.check.expected_frames);
    if delivered < MIN_DELIVERED {
        format!(
            "NOT JUDGED: the SFU delivered only {delivered:.1} % of the frames (machine {} busy; \
             a starved or overloaded SFU drops packets and spends less)",
            sfu.machine_busy
                .map_or_else(|| "?".to_string(), |b| format!("{:.0} %", b * 100.0))
        )
    } else {
        met(ok).to_string()
    }
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.1}", a / b)
    } else {
        "—".to_string()
    }
}
