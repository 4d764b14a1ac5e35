//! One room (one visit's call): its participants' `Rtc`s, polling them, and moving media
//! between them. No sockets and no clock: time comes in as `now`, datagrams go out through
//! the [`Outbox`].

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use str0m::media::{KeyframeRequestKind, MediaData, MediaKind, Mid};
use str0m::net::Transmit;
use str0m::stats::PeerStats;
use str0m::{Event, IceConnectionState, Output, Rtc};

use crate::forward::{self, SLOTS};
use crate::types::{Counters, MediaEvent, MediaEventKind, ParticipantId, ParticipantRole};

/// The least time between two keyframe requests sent to the same sender.
const KEYFRAME_REQUEST_GAP: Duration = Duration::from_millis(300);

/// What the core hands to its driver: datagrams to send and events to publish.
#[derive(Debug)]
pub(crate) struct Outbox {
    pub(crate) transmits: VecDeque<Transmit>,
    pub(crate) events: VecDeque<MediaEvent>,
    /// A pair of readings of the two clocks, to turn an `Instant` into a `SystemTime`.
    pub(crate) anchor: (Instant, SystemTime),
    pub(crate) counters: Arc<Counters>,
}

impl Outbox {
    /// The server's wall-clock time at `now`.
    pub(crate) fn wall(&self, now: Instant) -> SystemTime {
        let (i, w) = self.anchor;
        match now.checked_duration_since(i) {
            Some(d) => w + d,
            None => w - i.duration_since(now),
        }
    }

    /// The instant corresponding to the wall-clock time `at` (at most ten years ahead, so
    /// that no arithmetic on it can overflow).
    pub(crate) fn instant(&self, at: SystemTime) -> Instant {
        const FAR: Duration = Duration::from_secs(10 * 366 * 24 * 3600);
        let (i, w) = self.anchor;
        match at.duration_since(w) {
            Ok(d) => i + d.min(FAR),
            Err(e) => i.checked_sub(e.duration()).unwrap_or(i),
        }
    }

    pub(crate) fn emit(
        &mut self,
        room: &str,
        who: Option<(ParticipantId, ParticipantRole)>,
        kind: MediaEventKind,
        now: Instant,
    ) {
        let at = self.wall(now);
        self.events.push_back(MediaEvent {
            room: room.to_owned(),
            participant: who.map(|w| w.0),
            role: who.map(|w| w.1),
            kind,
            at,
        });
    }
}

/// One participant: its WebRTC session and the relay's bookkeeping about it.
pub(crate) struct Member {
    pub(crate) id: ParticipantId,
    pub(crate) role: ParticipantRole,
    pub(crate) rtc: Rtc,
    /// ICE and DTLS are up.
    pub(crate) connected: bool,
    dtls_up: bool,
    ice_up: bool,
    /// A peer's incoming m-lines: audio, video (the same mids as its slots 0 and 1).
    recv: [Option<Mid>; 2],
    /// Where media for this member is written (see [`forward`]).
    send: [Option<Mid>; SLOTS],
    /// How many audio and video m-lines the offer had so far (to number a monitor's slots).
    added: [usize; 2],
    /// The `Rtc`'s next timeout.
    pub(crate) timeout: Instant,
    /// Needs polling: media was written to it.
    dirty: bool,
    /// Not connected since then (`None` while connected).
    pub(crate) idle_since: Option<Instant>,
    last_keyframe_request: Option<Instant>,
    last_stats: Option<(Instant, u64, u64)>,
}

impl Member {
    pub(crate) fn new(id: ParticipantId, role: ParticipantRole, rtc: Rtc, now: Instant) -> Self {
        Member {
            id,
            role,
            rtc,
            connected: false,
            dtls_up: false,
            ice_up: false,
            recv: [None; 2],
            send: [None; SLOTS],
            added: [0; 2],
            timeout: now,
            dirty: true,
            idle_since: Some(now),
            last_keyframe_request: None,
            last_stats: None,
        }
    }

    fn who(&self) -> Option<(ParticipantId, ParticipantRole)> {
        Some((self.id, self.role))
    }

    /// Asks this member for a keyframe on its video, at most once per
    /// [`KEYFRAME_REQUEST_GAP`].
    fn request_keyframe(&mut self, kind: KeyframeRequestKind, now: Instant) {
        if self
            .last_keyframe_request
            .is_some_and(|t| now.saturating_duration_since(t) < KEYFRAME_REQUEST_GAP)
        {
            return;
        }
        let Some(mid) = self.recv[1] else { return };
        let Some(mut writer) = self.rtc.writer(mid) else {
            return;
        };
        let kind = if writer.is_request_keyframe_possible(kind) {
            kind
        } else {
            KeyframeRequestKind::Pli
        };
        if writer.request_keyframe(None, kind).is_ok() {
            self.last_keyframe_request = Some(now);
            self.dirty = true;
        }
    }
}

/// One visit's call.
pub(crate) struct Room {
    pub(crate) id: String,
    pub(crate) legal: bool,
    pub(crate) ends_at: SystemTime,
    /// `ends_at` as an `Instant`.
    pub(crate) deadline: Instant,
    /// The room reached its deadline: everyone was sent away, joins are refused.
    pub(crate) ended: bool,
    /// Ended by `set_end` (an officer's decision): `open_room` does not open it again.
    pub(crate) terminated: bool,
    pub(crate) members: Vec<Member>,
}

impl Room {
    /// Polls member `i` and then every member media was written to, until all are waiting.
    pub(crate) fn drive(&mut self, i: usize, now: Instant, out: &mut Outbox) {
        self.poll(i, now, out);
        while let Some(j) = self.members.iter().position(|m| m.dirty) {
            self.poll(j, now, out);
        }
    }

    /// Gives every member whose timeout has come its `Input::Timeout`, and polls it.
    pub(crate) fn handle_timeouts(&mut self, now: Instant, out: &mut Outbox) {
        for i in 0..self.members.len() {
            let m = &mut self.members[i];
            if m.timeout <= now && m.rtc.is_alive() {
                if m.rtc.handle_input(str0m::Input::Timeout(now)).is_err() {
                    m.rtc.disconnect();
                }
                self.drive(i, now, out);
            }
        }
    }

    fn poll(&mut self, i: usize, now: Instant, out: &mut Outbox) {
        loop {
            let Some(m) = self.members.get_mut(i) else {
                return;
            };
            m.dirty = false;
            if !m.rtc.is_alive() {
                return;
            }
            match m.rtc.poll_output() {
                Ok(Output::Timeout(t)) => {
                    m.timeout = t;
                    return;
                }
                Ok(Output::Transmit(t)) => out.transmits.push_back(t),
                Ok(Output::Event(e)) => self.on_event(i, e, now, out),
                Err(e) => {
                    tracing::debug!(participant = %m.id, error = %e, "media session failed");
                    m.rtc.disconnect();
                    return;
                }
            }
        }
    }

    fn on_event(&mut self, i: usize, event: Event, now: Instant, out: &mut Outbox) {
        match event {
            Event::MediaData(data) => self.forward(i, data, now, &out.counters),
            Event::KeyframeRequest(req) => {
                let m = &self.members[i];
                let Some(slot) = m.send.iter().position(|s| *s == Some(req.mid)) else {
                    return;
                };
                if let Some((role, MediaKind::Video)) = forward::source_of(m.role, slot)
                    && let Some(src) = self.members.iter_mut().find(|s| s.role == role)
                {
                    src.request_keyframe(req.kind, now);
                }
            }
            Event::MediaAdded(added) => {
                let m = &mut self.members[i];
                let k = forward::kind_index(added.kind);
                let n = m.added[k];
                m.added[k] += 1;
                match m.role {
                    ParticipantRole::Monitor if n < 2 => m.send[2 * n + k] = Some(added.mid),
                    ParticipantRole::Monitor => {}
                    _ if n == 0 => {
                        m.recv[k] = Some(added.mid);
                        m.send[k] = Some(added.mid);
                    }
                    _ => {}
                }
            }
            Event::Connected => {
                self.members[i].dtls_up = true;
                self.members[i].ice_up = true;
                self.update_connected(i, now, out);
            }
            Event::IceConnectionStateChange(state) => {
                // Only a lost connection counts as down: `Checking` also appears while a
                // connected session tries a new path (e.g. a phone switching networks).
                let m = &mut self.members[i];
                match state {
                    IceConnectionState::Connected | IceConnectionState::Completed => {
                        m.ice_up = true;
                    }
                    IceConnectionState::Disconnected => m.ice_up = false,
                    _ => {}
                }
                self.update_connected(i, now, out);
            }
            Event::PeerStats(stats) => self.quality(i, &stats, now, out),
            _ => {}
        }
    }

    /// Emits `Connected`/`Disconnected` on a change; a receiver that (re)connects gets fresh
    /// keyframes from the senders it receives from.
    fn update_connected(&mut self, i: usize, now: Instant, out: &mut Outbox) {
        let m = &mut self.members[i];
        let up = m.dtls_up && m.ice_up;
        if up == m.connected {
            return;
        }
        m.connected = up;
        m.idle_since = if up { None } else { Some(now) };
        let (who, role) = (m.who(), m.role);
        let kind = if up {
            MediaEventKind::Connected
        } else {
            MediaEventKind::Disconnected
        };
        out.emit(&self.id, who, kind, now);
        if up {
            for src in self.members.iter_mut() {
                if forward::route(false, src.role, MediaKind::Video, role).is_some() {
                    src.request_keyframe(KeyframeRequestKind::Fir, now);
                }
            }
        }
    }

    /// Writes one frame from member `i` into every receiver's slot that [`forward::route`]
    /// allows. The payload is shared (`Arc`), never copied.
    fn forward(&mut self, i: usize, data: MediaData, now: Instant, counters: &Counters) {
        let src = &mut self.members[i];
        let kind = if Some(data.mid) == src.recv[0] {
            MediaKind::Audio
        } else if Some(data.mid) == src.recv[1] {
            MediaKind::Video
        } else {
            return;
        };
        let source = src.role;
        if kind == MediaKind::Video && !data.contiguous {
            src.request_keyframe(KeyframeRequestKind::Fir, now);
        }
        let legal = self.legal;
        let mut written = 0;
        for (j, rx) in self.members.iter_mut().enumerate() {
            if j == i || !rx.connected {
                continue;
            }
            let Some(slot) = forward::route(legal, source, kind, rx.role) else {
                continue;
            };
            let Some(mid) = rx.send[slot] else { continue };
            let Some(writer) = rx.rtc.writer(mid) else {
                continue;
            };
            let Some(pt) = writer.match_params(data.params) else {
                continue;
            };
            if writer
                .write(pt, data.network_time, data.time, data.data.clone())
                .is_ok()
            {
                rx.dirty = true;
                written += 1;
            }
        }
        if written > 0 {
            let frames = match kind {
                MediaKind::Audio => &counters.forwarded_audio,
                MediaKind::Video => &counters.forwarded_video,
            };
            Counters::add(frames, written);
            Counters::add(&counters.forwarded_bytes, written * data.data.len() as u64);
        }
    }

    fn quality(&mut self, i: usize, s: &PeerStats, now: Instant, out: &mut Outbox) {
        let m = &mut self.members[i];
        let prev = m
            .last_stats
            .replace((s.timestamp, s.peer_bytes_rx, s.peer_bytes_tx));
        let (kbps_in, kbps_out) = match prev {
            Some((t, rx, tx)) => {
                let secs = s.timestamp.saturating_duration_since(t).as_secs_f64();
                let kbps = |now: u64, then: u64| {
                    if secs > 0.0 {
                        (now.saturating_sub(then) as f64 * 8.0 / 1000.0 / secs) as u32
                    } else {
                        0
                    }
                };
                (kbps(s.peer_bytes_rx, rx), kbps(s.peer_bytes_tx, tx))
            }
            None => (0, 0),
        };
        let kind = MediaEventKind::Quality {
            rtt_ms: s
                .rtt
                .map(|d| d.as_millis().min(u128::from(u32::MAX)) as u32),
            loss_in: s.ingress_loss_fraction,
            loss_out: s.egress_loss_fraction,
            kbps_in,
            kbps_out,
        };
        let who = m.who();
        out.emit(&self.id, who, kind, now);
    }
}
