//! The baseline: a plain UDP relay (no ICE, no DTLS, no SRTP, no RTP parsing) that forwards
//! the same packets along the same routes as the SFU — family → kiosk + monitor, kiosk →
//! family + monitor — and its plain UDP clients, which send the same frames cut into the same
//! packet sizes at the same rate. What the SFU costs above this is what WebRTC costs.
//!
//! Wire format (bench only): `J <visit u32 BE> <role u8>` registers the sender's address (the
//! relay answers `A`); a media packet is `M <kind u8: 0 audio, 1 video> <seq u32 BE>` and the
//! payload.

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket as StdSocket};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::net::UdpSocket;
use tokio::sync::watch;

use super::client::{Counters, Phase, Report, Role, RoleKey, Rx, Track};
use super::source::{self, AUDIO_INTERVAL, Jitter, VIDEO_INTERVAL};

/// Payload bytes per packet, about what str0m's VP8 packetizer puts in one.
const CHUNK: usize = 1100;
/// RTP header (12) + SRTP tag (10), to make the packets as large as SRTP ones.
const OVERHEAD: usize = 22;

/// `jenguk bench media-relay`: serves until stdin closes.
pub fn serve() -> anyhow::Result<()> {
    let socket = StdSocket::bind("127.0.0.1:0").context("binding the relay's socket")?;
    println!("{}", socket.local_addr()?);
    super::child::exit_when_stdin_closes();
    let mut by_addr: HashMap<SocketAddr, (u32, u8)> = HashMap::new();
    let mut visits: HashMap<u32, [Option<SocketAddr>; 3]> = HashMap::new();
    let mut buf = [0u8; 2048];
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            continue;
        };
        match buf.first() {
            Some(b'J') if n >= 6 => {
                let visit = u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]);
                let role = buf[5].min(2);
                by_addr.insert(from, (visit, role));
                visits.entry(visit).or_default()[usize::from(role)] = Some(from);
                let _ = socket.send_to(b"A", from);
            }
            Some(b'M') => {
                let Some((visit, role)) = by_addr.get(&from) else {
                    continue;
                };
                let Some(members) = visits.get(visit) else {
                    continue;
                };
                // family (0) → kiosk (1) + monitor (2); kiosk (1) → family (0) + monitor (2).
                let to: &[usize] = match role {
                    0 => &[1, 2],
                    1 => &[0, 2],
                    _ => &[],
                };
                for &k in to {
                    if let Some(dest) = members[k] {
                        let _ = socket.send_to(&buf[..n], dest);
                    }
                }
            }
            _ => {}
        }
    }
}

fn role_byte(role: Role) -> u8 {
    match role {
        Role::Family => 0,
        Role::Kiosk => 1,
        Role::Monitor => 2,
    }
}

/// A plain UDP participant of the baseline, registered with the relay.
pub struct PlainClient {
    socket: UdpSocket,
    role: Role,
    seed: u64,
}

impl PlainClient {
    pub async fn join(
        relay: SocketAddr,
        visit: u32,
        role: Role,
        seed: u64,
    ) -> anyhow::Result<Self> {
        let socket = source::client_socket()?;
        socket.connect(relay).await?;
        let mut hello = vec![b'J'];
        hello.extend_from_slice(&visit.to_be_bytes());
        hello.push(role_byte(role));
        let mut ack = [0u8; 16];
        for _ in 0..50 {
            socket.send(&hello).await?;
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(100), socket.recv(&mut ack)).await
                && n >= 1
                && ack[0] == b'A'
            {
                return Ok(PlainClient { socket, role, seed });
            }
        }
        bail!("the relay did not answer");
    }

    /// Sends (peers) while the phase is `Send`, counts what arrives, until `Quit`.
    pub async fn run(
        self,
        counters: Arc<Counters>,
        mut phase: watch::Receiver<Phase>,
    ) -> anyhow::Result<Report> {
        let t = |from, video| Track { from, video };
        let tracks: Vec<Track> = match self.role {
            Role::Family => vec![t(RoleKey::Kiosk, false), t(RoleKey::Kiosk, true)],
            Role::Kiosk => vec![t(RoleKey::Family, false), t(RoleKey::Family, true)],
            Role::Monitor => vec![
                t(RoleKey::Family, false),
                t(RoleKey::Family, true),
                t(RoleKey::Kiosk, false),
                t(RoleKey::Kiosk, true),
            ],
        };
        let mut report = Report {
            received: tracks.iter().map(|t| (*t, Rx::default())).collect(),
            ..Report::default()
        };
        let mut jitter = Jitter::new(self.seed);
        let (mut next_audio, mut next_video): (Option<Instant>, Option<Instant>) = (None, None);
        let mut seq = 0u32;
        let mut buf = vec![0u8; 2048];
        let mut out = Vec::with_capacity(2048);
        let sends = self.role != Role::Monitor;
        loop {
            let current = *phase.borrow();
            if current == Phase::Quit {
                break;
            }
            let sending = sends && current == Phase::Send;
            if sending && next_audio.is_none() {
                let now = Instant::now();
                next_audio = Some(now);
                next_video = Some(now + Duration::from_millis(5));
            }
            let due = match (sending, next_audio, next_video) {
                (true, Some(a), Some(v)) => a.min(v),
                _ => Instant::now() + Duration::from_secs(1),
            };
            tokio::select! {
                r = self.socket.recv(&mut buf) => {
                    let Ok(n) = r else { continue };
                    if n < 6 || buf[0] != b'M' {
                        continue;
                    }
                    let video = buf[1] == 1;
                    // Which sender: the monitor tells them apart by the role byte after seq.
                    let from = match (self.role, buf.get(6)) {
                        (Role::Family, _) => RoleKey::Kiosk,
                        (Role::Kiosk, _) => RoleKey::Family,
                        (Role::Monitor, Some(0)) => RoleKey::Family,
                        (Role::Monitor, _) => RoleKey::Kiosk,
                    };
                    let track = Track { from, video };
                    if let Some((_, rx)) = report.received.iter_mut().find(|(t, _)| *t == track) {
                        rx.packets += 1;
                        // A frame's last packet has the marker (byte 7 = 1).
                        if buf.get(7) == Some(&1) {
                            rx.frames += 1;
                        }
                    }
                    let bytes = n.saturating_sub(OVERHEAD) as u64;
                    counters.rx_packets.fetch_add(1, Ordering::Relaxed);
                    if video {
                        counters.rx_video_bytes.fetch_add(bytes, Ordering::Relaxed);
                    } else {
                        counters.rx_audio_bytes.fetch_add(bytes, Ordering::Relaxed);
                    }
                }
                () = tokio::time::sleep_until(due.into()) => {
                    let now = Instant::now();
                    if !sending {
                        continue;
                    }
                    let (frame, video) = match (next_audio, next_video) {
                        (Some(a), _) if a <= now => {
                            next_audio = Some(a + AUDIO_INTERVAL);
                            (source::audio_frame(report.sent_frames[0], &mut jitter), false)
                        }
                        (_, Some(v)) if v <= now => {
                            next_video = Some(v + VIDEO_INTERVAL);
                            let n = report.sent_frames[1];
                            let (size, key) = source::video_frame_size(n, false, &mut jitter);
                            (source::video_frame(size, key, n), true)
                        }
                        _ => continue,
                    };
                    let k = usize::from(video);
                    report.sent_frames[k] += 1;
                    let chunks: Vec<&[u8]> = frame.chunks(CHUNK).collect();
                    for (i, chunk) in chunks.iter().enumerate() {
                        out.clear();
                        out.extend_from_slice(&[b'M', u8::from(video)]);
                        out.extend_from_slice(&seq.to_be_bytes());
                        out.push(role_byte(self.role));
                        out.push(u8::from(i + 1 == chunks.len()));
                        out.resize(OVERHEAD, 0);
                        out.extend_from_slice(chunk);
                        seq = seq.wrapping_add(1);
                        let _ = self.socket.try_send(&out);
                        report.sent_packets[k] += 1;
                    }
                }
                r = phase.changed() => {
                    if r.is_err() {
                        break;
                    }
                }
            }
        }
        Ok(report)
    }
}
