//! A synthetic WebRTC participant: a str0m `Rtc` as the offerer on its own UDP socket on
//! loopback, doing real ICE, DTLS and SRTP against the SFU. A family phone or a kiosk offers
//! audio + video send/receive and sends synthetic media once told to; a monitor offers four
//! receive-only m-lines (family audio, family video, kiosk audio, kiosk video). Every
//! participant counts what it receives per track, in frames and in RTP packets.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::media::{Direction, MediaKind, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::watch;

use super::sender::Sender;
use super::source;

/// Who a participant is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Family,
    Kiosk,
    Monitor,
}

impl Role {
    /// The role's name in the media server's join path.
    pub fn name(self) -> &'static str {
        match self {
            Role::Family => "family",
            Role::Kiosk => "kiosk",
            Role::Monitor => "monitor",
        }
    }
}

/// A media track of a visit: (sender, audio or video).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Track {
    pub from: RoleKey,
    pub video: bool,
}

/// A sending role (family or kiosk), orderable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleKey {
    Family,
    Kiosk,
}

/// What the bench tells every participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Connect and wait.
    Connect,
    /// Send media (peers).
    Send,
    /// Stop sending, keep receiving (so that what is in flight arrives and the last
    /// statistics come in).
    Stop,
    /// Hang up.
    Quit,
}

/// Counters of every participant together, read at the start and end of the measured window.
#[derive(Default)]
pub struct Counters {
    pub rx_packets: AtomicU64,
    pub rx_video_bytes: AtomicU64,
    pub rx_audio_bytes: AtomicU64,
}

/// What one track delivered to one participant.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rx {
    pub frames: u64,
    pub packets: u64,
}

/// What a participant did.
#[derive(Debug, Default)]
pub struct Report {
    /// Frames and RTP packets this participant sent, per kind (audio, video).
    pub sent_frames: [u64; 2],
    pub sent_packets: [u64; 2],
    /// What it received, per track.
    pub received: Vec<(Track, Rx)>,
}

/// A participant's media lines, in offer order, and the track each one receives.
fn layout(role: Role) -> Vec<(MediaKind, Direction, Track)> {
    let t = |from, video| Track { from, video };
    match role {
        Role::Family | Role::Kiosk => {
            let other = if role == Role::Family {
                RoleKey::Kiosk
            } else {
                RoleKey::Family
            };
            vec![
                (MediaKind::Audio, Direction::SendRecv, t(other, false)),
                (MediaKind::Video, Direction::SendRecv, t(other, true)),
            ]
        }
        Role::Monitor => vec![
            (
                MediaKind::Audio,
                Direction::RecvOnly,
                t(RoleKey::Family, false),
            ),
            (
                MediaKind::Video,
                Direction::RecvOnly,
                t(RoleKey::Family, true),
            ),
            (
                MediaKind::Audio,
                Direction::RecvOnly,
                t(RoleKey::Kiosk, false),
            ),
            (
                MediaKind::Video,
                Direction::RecvOnly,
                t(RoleKey::Kiosk, true),
            ),
        ],
    }
}

/// A participant that has offered and been answered, not yet connected.
pub struct Client {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    role: Role,
    mids: Vec<(Mid, Track)>,
    seed: u64,
}

impl Client {
    /// Offers to `join` (the media server's join URL for this room and role) and applies the
    /// answer.
    pub async fn join(
        http: &reqwest::Client,
        join_url: &str,
        role: Role,
        seed: u64,
    ) -> anyhow::Result<Client> {
        let socket = source::client_socket()?;
        let local = socket.local_addr()?;
        let mut rtc = Rtc::builder()
            .set_stats_interval(Some(Duration::from_millis(250)))
            .build(Instant::now());
        let candidate = Candidate::host(local, "udp").context("a host candidate")?;
        rtc.add_local_candidate(candidate);
        let mut change = rtc.sdp_api();
        let lines = layout(role);
        let mut mids = Vec::new();
        for (kind, dir, track) in &lines {
            mids.push((change.add_media(*kind, *dir, None, None, None), *track));
        }
        let Some((offer, pending)) = change.apply() else {
            bail!("no offer");
        };
        let res = http
            .post(join_url)
            .header("content-type", "application/sdp")
            .body(offer.to_sdp_string())
            .send()
            .await
            .with_context(|| format!("POST {join_url}"))?;
        let status = res.status();
        let body = res.text().await?;
        if !status.is_success() {
            bail!("POST {join_url}: {status}: {body}");
        }
        let answer = SdpAnswer::from_sdp_string(&body).context("the SFU's answer")?;
        accept(&mut rtc, pending, answer)?;
        Ok(Client {
            rtc,
            socket,
            local,
            role,
            mids,
            seed,
        })
    }

    /// Runs until told to quit: tells `connected` once ICE and DTLS are up, sends media while
    /// the phase is [`Phase::Send`], counts what arrives.
    pub async fn run(
        mut self,
        counters: Arc<Counters>,
        mut phase: watch::Receiver<Phase>,
        connected: tokio::sync::mpsc::Sender<()>,
    ) -> anyhow::Result<Report> {
        let mut report = Report {
            received: self.mids.iter().map(|(_, t)| (*t, Rx::default())).collect(),
            ..Report::default()
        };
        let mut sender = Sender::new(self.seed);
        let mut buf = vec![0u8; 2048];
        let mut told = false;
        let mut egress: Vec<(Mid, u64)> = Vec::new();
        loop {
            // Drain to a timeout (str0m's single-mutation invariant).
            let timeout = loop {
                match self.rtc.poll_output()? {
                    Output::Timeout(t) => break t,
                    Output::Transmit(t) => {
                        // A full socket buffer drops the packet, as the network would.
                        let _ = self.socket.try_send_to(&t.contents, t.destination);
                    }
                    Output::Event(e) => match e {
                        Event::Connected if !told => {
                            told = true;
                            let _ = connected.send(()).await;
                        }
                        Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                            bail!("{} disconnected", self.role.name());
                        }
                        Event::MediaAdded(m)
                            if sender.pt_audio.is_none() || sender.pt_video.is_none() =>
                        {
                            sender.learn(&mut self.rtc, m.mid, &self.mids);
                        }
                        Event::MediaData(d) => {
                            let (first, last) = (**d.seq_range.start(), **d.seq_range.end());
                            let packets = last.saturating_sub(first).saturating_add(1);
                            if let Some((t, rx)) = self
                                .mids
                                .iter()
                                .position(|(m, _)| *m == d.mid)
                                .and_then(|i| report.received.get_mut(i))
                            {
                                rx.frames += 1;
                                rx.packets += packets;
                                let bytes = d.data.len() as u64;
                                counters.rx_packets.fetch_add(packets, Ordering::Relaxed);
                                if t.video {
                                    counters.rx_video_bytes.fetch_add(bytes, Ordering::Relaxed);
                                } else {
                                    counters.rx_audio_bytes.fetch_add(bytes, Ordering::Relaxed);
                                }
                            }
                        }
                        Event::MediaEgressStats(s) => {
                            match egress.iter_mut().find(|(m, _)| *m == s.mid) {
                                Some(e) => e.1 = s.packets,
                                None => egress.push((s.mid, s.packets)),
                            }
                        }
                        Event::KeyframeRequest(_) => sender.force_key = true,
                        _ => {}
                    },
                }
            };
            let now = Instant::now();
            let current = *phase.borrow();
            if current == Phase::Quit {
                break;
            }
            let sending = current == Phase::Send && self.role != Role::Monitor && told;
            if sending && sender.next_audio.is_none() {
                sender.start(now, &mut self.rtc, &self.mids);
            }
            let due = if sending { sender.next_due() } else { None };
            let deadline = due.map_or(timeout, |d| d.min(timeout));
            tokio::select! {
                r = self.socket.recv_from(&mut buf) => {
                    // An ICMP error (a closed port) is not fatal for a UDP receiver.
                    if let Ok((n, source)) = r
                        && let Ok(contents) = buf[..n].try_into()
                    {
                        self.rtc.handle_input(Input::Receive(
                            Instant::now(),
                            Receive { proto: Protocol::Udp, source, destination: self.local, contents },
                        ))?;
                    }
                }
                () = tokio::time::sleep_until(deadline.into()) => {
                    let now = Instant::now();
                    if !(sending && sender.write_due(now, &mut self.rtc)?) {
                        self.rtc.handle_input(Input::Timeout(now))?;
                    }
                }
                r = phase.changed() => {
                    if r.is_err() {
                        break;
                    }
                }
            }
        }
        report.sent_frames = [sender.frames[0], sender.frames[1]];
        for (mid, packets) in egress {
            if Some(mid) == sender.mid_audio {
                report.sent_packets[0] = packets;
            } else if Some(mid) == sender.mid_video {
                report.sent_packets[1] = packets;
            }
        }
        self.rtc.disconnect();
        Ok(report)
    }
}

fn accept(rtc: &mut Rtc, pending: SdpPendingOffer, answer: SdpAnswer) -> anyhow::Result<()> {
    rtc.sdp_api()
        .accept_answer(pending, answer)
        .context("accepting the SFU's answer")
}
