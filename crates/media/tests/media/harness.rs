//! An in-memory world for the sans-IO core: str0m clients play the browsers, datagrams are
//! shuttled between them and the [`Core`] by hand, and time is a fake clock moved in steps.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use jenguk_media::{Core, MediaError, MediaEvent, ParticipantId, ParticipantRole, RoomSpec};
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, KeyframeRequestKind, MediaKind, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};

/// The relay's address in the tests.
pub const RELAY: &str = "10.0.0.1:3478";

/// One fake browser.
pub struct Client {
    pub name: &'static str,
    pub addr: SocketAddr,
    pub rtc: Rtc,
    /// The m-lines this client offered, in order.
    pub mids: Vec<Mid>,
    pending: Option<SdpPendingOffer>,
    pub participant: Option<ParticipantId>,
    /// Payload bytes received per m-line.
    pub received: HashMap<Mid, u64>,
    /// Keyframe requests received per m-line.
    pub keyframe_requests: HashMap<Mid, u32>,
    /// Events that would mean the session changed after the first negotiation.
    pub renegotiations: u32,
    pub connected: bool,
    /// A paused client neither sends nor receives (a phone in a tunnel).
    pub paused: bool,
    timeout: Instant,
}

impl Client {
    fn new(name: &'static str, n: u8, now: Instant) -> Client {
        let addr: SocketAddr = format!("10.0.1.{n}:5000").parse().unwrap();
        let mut rtc = Rtc::builder().build(now);
        rtc.add_local_candidate(Candidate::host(addr, "udp").unwrap());
        Client {
            name,
            addr,
            rtc,
            mids: Vec::new(),
            pending: None,
            participant: None,
            received: HashMap::new(),
            keyframe_requests: HashMap::new(),
            renegotiations: 0,
            connected: false,
            paused: false,
            timeout: now,
        }
    }

    /// Makes the offer: `sendrecv` audio+video for a peer; four `recvonly` m-lines
    /// (family audio, family video, kiosk audio, kiosk video) for a monitor.
    fn offer(&mut self, role: ParticipantRole) -> String {
        let mut api = self.rtc.sdp_api();
        let lines: &[(MediaKind, Direction)] = match role {
            ParticipantRole::Monitor => &[
                (MediaKind::Audio, Direction::RecvOnly),
                (MediaKind::Video, Direction::RecvOnly),
                (MediaKind::Audio, Direction::RecvOnly),
                (MediaKind::Video, Direction::RecvOnly),
            ],
            _ => &[
                (MediaKind::Audio, Direction::SendRecv),
                (MediaKind::Video, Direction::SendRecv),
            ],
        };
        for (kind, dir) in lines {
            self.mids.push(api.add_media(*kind, *dir, None, None, None));
        }
        let (offer, pending) = api.apply().unwrap();
        self.pending = Some(pending);
        offer.to_sdp_string()
    }

    fn accept(&mut self, answer: &str) {
        let answer = SdpAnswer::from_sdp_string(answer).unwrap();
        let pending = self.pending.take().unwrap();
        self.rtc.sdp_api().accept_answer(pending, answer).unwrap();
    }

    /// Bytes received on the `i`-th offered m-line.
    pub fn bytes(&self, i: usize) -> u64 {
        self.received.get(&self.mids[i]).copied().unwrap_or(0)
    }

    /// Keyframe requests received on the video m-line.
    pub fn video_keyframe_requests(&self) -> u32 {
        self.keyframe_requests
            .get(&self.mids[1])
            .copied()
            .unwrap_or(0)
    }

    /// Writes one synthetic frame on the `i`-th m-line (Opus or VP8 by kind).
    fn write(&mut self, i: usize, now: Instant, start: Instant, seq: u32) {
        let mid = self.mids[i];
        let Some(writer) = self.rtc.writer(mid) else {
            return;
        };
        let video = i % 2 == 1;
        let codec = if video { Codec::Vp8 } else { Codec::Opus };
        let pt = writer
            .payload_params()
            .find(|p| p.spec().codec == codec)
            .map(|p| p.pt())
            .unwrap();
        // A VP8 frame: the first byte is an (inter-frame) frame tag; payload bytes follow.
        let data = if video {
            let mut v = vec![0x10, 0x02, 0x00, (seq % 256) as u8];
            v.resize(600, 0x55);
            v
        } else {
            vec![0xfc; 60]
        };
        writer.write(pt, now, (now - start).into(), data).unwrap();
    }

    /// Asks the relay for a keyframe on the `i`-th m-line.
    pub fn request_keyframe(&mut self, i: usize) {
        let mut writer = self.rtc.writer(self.mids[i]).unwrap();
        writer
            .request_keyframe(None, KeyframeRequestKind::Pli)
            .unwrap();
    }

    fn poll(&mut self, to_relay: &mut Vec<(SocketAddr, Vec<u8>)>) {
        while self.rtc.is_alive() {
            match self.rtc.poll_output().unwrap() {
                Output::Timeout(t) => {
                    self.timeout = t;
                    return;
                }
                Output::Transmit(t) => to_relay.push((self.addr, t.contents.to_vec())),
                Output::Event(e) => match e {
                    Event::Connected => self.connected = true,
                    Event::MediaData(d) => {
                        *self.received.entry(d.mid).or_default() += d.data.len() as u64;
                    }
                    Event::KeyframeRequest(r) => {
                        *self.keyframe_requests.entry(r.mid).or_default() += 1;
                    }
                    Event::MediaAdded(_) | Event::MediaChanged(_) | Event::ChannelOpen(..) => {
                        self.renegotiations += 1;
                    }
                    _ => {}
                },
            }
        }
    }
}

/// The relay core, its clients and the fake clock.
pub struct World {
    pub core: Core,
    pub clients: Vec<Client>,
    pub start: Instant,
    pub now: Instant,
    pub wall0: SystemTime,
    pub events: Vec<MediaEvent>,
    frames: u32,
}

impl World {
    pub fn new() -> World {
        let now = Instant::now();
        let wall0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        World {
            core: Core::new(RELAY.parse().unwrap(), now, wall0),
            clients: Vec::new(),
            start: now,
            now,
            wall0,
            events: Vec::new(),
            frames: 0,
        }
    }

    /// The fake wall clock, `secs` after the start.
    pub fn wall(&self, secs: u64) -> SystemTime {
        self.wall0 + Duration::from_secs(secs)
    }

    /// Opens a room ending `ends_in` seconds after the start.
    pub fn open(&mut self, id: &str, legal: bool, ends_in: u64) {
        let spec = RoomSpec {
            id: id.to_owned(),
            legal,
            ends_at: self.wall(ends_in),
        };
        self.core.open_room(self.now, spec).unwrap();
    }

    /// A new client joining `room` as `role`; returns its index in `clients`.
    pub fn join(
        &mut self,
        name: &'static str,
        room: &str,
        role: ParticipantRole,
    ) -> Result<usize, MediaError> {
        let n = u8::try_from(self.clients.len() + 2).unwrap();
        let mut client = Client::new(name, n, self.now);
        let offer = client.offer(role);
        let joined = self.core.join(self.now, room, role, &offer)?;
        client.accept(&joined.answer_sdp);
        client.participant = Some(joined.participant);
        self.clients.push(client);
        Ok(self.clients.len() - 1)
    }

    /// Moves the clock by `step`, exchanging every datagram that becomes due.
    pub fn step(&mut self, step: Duration) {
        self.now += step;
        let now = self.now;
        let mut to_relay = Vec::new();
        for c in self.clients.iter_mut().filter(|c| !c.paused) {
            if c.rtc.is_alive() && c.timeout <= now {
                c.rtc.handle_input(Input::Timeout(now)).unwrap();
            }
            c.poll(&mut to_relay);
        }
        if now >= self.core.poll_timeout() {
            self.core.handle_timeout(now);
        }
        for _ in 0..100 {
            for (source, data) in to_relay.drain(..) {
                self.core.handle_receive(now, source, &data);
            }
            let mut delivered = false;
            while let Some(t) = self.core.poll_transmit() {
                let Some(c) = self.clients.iter_mut().find(|c| c.addr == t.destination) else {
                    continue;
                };
                if !c.rtc.is_alive() || c.paused {
                    continue;
                }
                let input = Input::Receive(
                    now,
                    Receive {
                        proto: Protocol::Udp,
                        source: t.source,
                        destination: t.destination,
                        contents: (&t.contents[..]).try_into().unwrap(),
                    },
                );
                c.rtc.handle_input(input).unwrap();
                c.poll(&mut to_relay);
                delivered = true;
            }
            if !delivered && to_relay.is_empty() {
                break;
            }
        }
        while let Some(e) = self.core.poll_event() {
            self.events.push(e);
        }
    }

    /// Steps until every client is connected (panics after 10 s of fake time).
    pub fn connect_all(&mut self) {
        for _ in 0..1000 {
            if self.clients.iter().all(|c| c.connected) {
                return;
            }
            self.step(Duration::from_millis(10));
        }
        panic!("clients did not connect");
    }

    /// Runs `secs` seconds of a call: every 20 ms each live peer (family/kiosk, the clients with
    /// two m-lines) writes an audio frame and a video frame.
    pub fn talk(&mut self, millis: u64) {
        let start = self.start;
        for _ in 0..millis / 20 {
            self.frames += 1;
            let (now, seq) = (self.now, self.frames);
            for c in &mut self.clients {
                if c.mids.len() == 2 && c.connected && c.rtc.is_alive() && !c.paused {
                    c.write(0, now, start, seq);
                    c.write(1, now, start, seq);
                }
            }
            self.step(Duration::from_millis(20));
        }
    }

    /// The client called `name`.
    pub fn client(&self, name: &str) -> &Client {
        self.clients.iter().rev().find(|c| c.name == name).unwrap()
    }

    /// The client called `name`, mutably.
    pub fn client_mut(&mut self, name: &str) -> &mut Client {
        self.clients
            .iter_mut()
            .rev()
            .find(|c| c.name == name)
            .unwrap()
    }
}
