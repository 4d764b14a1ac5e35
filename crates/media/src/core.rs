//! The sans-IO core of the relay: rooms, participants and the routing of datagrams to them.
//!
//! No sockets, no sleeping, no reading of the clock: every call takes `now`, datagrams come in
//! through [`Core::handle_receive`], and what must be sent or published comes out of
//! [`Core::poll_transmit`] and [`Core::poll_event`]. [`Core::poll_timeout`] says when
//! [`Core::handle_timeout`] is next due. The driver (`driver.rs`) and the tests are the only
//! callers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant, SystemTime};

use str0m::change::SdpOffer;
use str0m::net::{Protocol, Receive, Transmit};
use str0m::{Candidate, Input, Rtc};

use crate::room::{Member, Outbox, Room};
use crate::types::{
    Counters, Joined, MediaError, MediaEvent, MediaEventKind, ParticipantId, ParticipantRole,
    RoomInfo, RoomSpec, SfuStats,
};

/// How many monitors may watch one room at once.
pub const MAX_MONITORS: usize = 4;
/// How often each participant's link quality is reported.
pub const QUALITY_INTERVAL: Duration = Duration::from_secs(5);
/// A participant whose connection has not been up for this long is removed (`Left`).
pub const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// An ended room with nobody in it is forgotten this long after its end.
pub const ROOM_LINGER: Duration = Duration::from_secs(3600);

/// Outgoing video packets kept per stream for retransmission (str0m's default is 1000). About
/// 10 s at 400 kbit/s, 2–3 s at 1.5 Mbit/s: far more than a NACK round trip needs, and it keeps
/// the memory of a call small (the buffer fills up to this many ~1.2 kB packets per stream).
const VIDEO_SEND_BUFFER: usize = 400;

/// Installs str0m's DTLS/SRTP crypto provider (aws-lc-rs) for the process, once.
pub fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| str0m::crypto::from_feature_flags().install_process_default());
}

/// All rooms of one relay and the routing of datagrams to their participants.
pub struct Core {
    /// The relay's one host candidate: where browsers send to.
    pub(crate) candidate: SocketAddr,
    pub(crate) rooms: Vec<Option<Room>>,
    /// Remote address → (room slot, participant), learned from the first accepted datagram.
    pub(crate) routes: HashMap<SocketAddr, (usize, ParticipantId)>,
    pub(crate) next_id: u64,
    pub(crate) out: Outbox,
}

impl Core {
    /// A core whose host candidate is `candidate`; `now` and `wall` are readings of the two
    /// clocks taken together.
    pub fn new(candidate: SocketAddr, now: Instant, wall: SystemTime) -> Core {
        Core::with_counters(candidate, now, wall, Arc::default())
    }

    /// Like [`Core::new`], counting into `counters`.
    pub fn with_counters(
        candidate: SocketAddr,
        now: Instant,
        wall: SystemTime,
        counters: Arc<Counters>,
    ) -> Core {
        install_crypto();
        Core {
            candidate,
            rooms: Vec::new(),
            routes: HashMap::new(),
            next_id: 1,
            out: Outbox {
                transmits: Default::default(),
                events: Default::default(),
                anchor: (now, wall),
                counters,
            },
        }
    }

    /// Re-reads the wall clock: later `ends_at` conversions use this pair.
    pub fn sync_clock(&mut self, now: Instant, wall: SystemTime) {
        self.out.anchor = (now, wall);
    }

    /// The relay's host candidate address.
    pub fn candidate(&self) -> SocketAddr {
        self.candidate
    }

    /// The counters this core writes.
    pub fn counters(&self) -> &Arc<Counters> {
        &self.out.counters
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> SfuStats {
        self.out.counters.snapshot()
    }

    fn slot(&self, room: &str) -> Option<usize> {
        self.rooms
            .iter()
            .position(|r| r.as_ref().is_some_and(|r| r.id == room))
    }

    /// Opens a room, or updates `legal` and `ends_at` of a known one (a later `ends_at` opens
    /// an ended room again). A room terminated by [`Core::set_end`] stays closed whatever this
    /// says: only `set_end` opens it again, so a page calling `open_room` on every join cannot
    /// undo an officer's termination.
    pub fn open_room(&mut self, now: Instant, spec: RoomSpec) -> Result<(), MediaError> {
        let deadline = self.out.instant(spec.ends_at);
        if let Some(s) = self.slot(&spec.id) {
            if let Some(room) = self.rooms[s].as_mut() {
                room.legal = spec.legal;
                if room.terminated {
                    return Ok(());
                }
            }
            return self.move_end(s, now, spec.ends_at, "ended");
        }
        let room = Room {
            id: spec.id,
            legal: spec.legal,
            ends_at: spec.ends_at,
            deadline,
            ended: false,
            terminated: false,
            members: Vec::new(),
        };
        match self.rooms.iter().position(Option::is_none) {
            Some(free) => self.rooms[free] = Some(room),
            None => self.rooms.push(Some(room)),
        }
        self.update_gauges();
        Ok(())
    }

    /// Moves a room's end: later is an extension (an ended room opens again), `now` or earlier
    /// ends it at once with the reason `"terminated"`.
    pub fn set_end(
        &mut self,
        now: Instant,
        room: &str,
        ends_at: SystemTime,
    ) -> Result<(), MediaError> {
        let s = self.slot(room).ok_or(MediaError::NoSuchRoom)?;
        self.move_end(s, now, ends_at, "terminated")
    }

    fn move_end(
        &mut self,
        s: usize,
        now: Instant,
        ends_at: SystemTime,
        reason: &'static str,
    ) -> Result<(), MediaError> {
        let deadline = self.out.instant(ends_at);
        let room = self.rooms[s].as_mut().ok_or(MediaError::NoSuchRoom)?;
        room.ends_at = ends_at;
        room.deadline = deadline;
        if deadline > now {
            room.ended = false;
            room.terminated = false;
        } else if !room.ended {
            self.end_room(s, now, reason);
        }
        Ok(())
    }

    /// Closes a room now: everyone is disconnected and the room is forgotten.
    pub fn close_room(&mut self, now: Instant, room: &str) {
        if let Some(s) = self.slot(room) {
            let ended = self.rooms[s].as_ref().is_some_and(|r| r.ended);
            if !ended {
                self.end_room(s, now, "closed");
            }
            self.rooms[s] = None;
            self.update_gauges();
        }
    }

    /// Ends every room with the reason `"shutdown"` (the server is stopping) and forgets
    /// them all.
    pub fn shutdown(&mut self, now: Instant) {
        for s in 0..self.rooms.len() {
            if self.rooms[s].as_ref().is_some_and(|r| !r.ended) {
                self.end_room(s, now, "shutdown");
            }
            self.rooms[s] = None;
        }
        self.update_gauges();
    }

    /// Admits a participant with the browser's SDP offer and returns the answer.
    ///
    /// A family or kiosk replaces an earlier participant of the same role (a reloaded page);
    /// at most [`MAX_MONITORS`] monitors watch at once.
    pub fn join(
        &mut self,
        now: Instant,
        room: &str,
        role: ParticipantRole,
        offer_sdp: &str,
    ) -> Result<Joined, MediaError> {
        let s = self.slot(room).ok_or(MediaError::NoSuchRoom)?;
        let r = self.rooms[s].as_ref().ok_or(MediaError::NoSuchRoom)?;
        if r.ended || now >= r.deadline {
            return Err(MediaError::RoomClosed);
        }
        if role == ParticipantRole::Monitor
            && r.members.iter().filter(|m| m.role == role).count() >= MAX_MONITORS
        {
            return Err(MediaError::Full);
        }
        let offer = SdpOffer::from_sdp_string(offer_sdp)
            .map_err(|e| MediaError::BadOffer(e.to_string()))?;
        let mut rtc = Rtc::builder()
            .set_ice_lite(true)
            .clear_codecs()
            .enable_opus(true, false)
            .enable_vp8(true)
            .set_stats_interval(Some(QUALITY_INTERVAL))
            .set_send_buffer_video(VIDEO_SEND_BUFFER)
            .build(now);
        let candidate = Candidate::host(self.candidate, "udp")
            .map_err(|e| MediaError::Internal(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| MediaError::BadOffer(e.to_string()))?;

        if role != ParticipantRole::Monitor {
            let old = self.rooms[s]
                .as_ref()
                .and_then(|r| r.members.iter().position(|m| m.role == role));
            if let Some(old) = old {
                self.remove_member(s, old, now);
            }
        }
        let id = ParticipantId(self.next_id);
        self.next_id += 1;
        let room = self.rooms[s].as_mut().ok_or(MediaError::NoSuchRoom)?;
        room.members.push(Member::new(id, role, rtc, now));
        self.out
            .emit(&room.id, Some((id, role)), MediaEventKind::Joined, now);
        let i = room.members.len() - 1;
        room.drive(i, now, &mut self.out);
        self.update_gauges();
        Ok(Joined {
            participant: id,
            answer_sdp: answer.to_sdp_string(),
        })
    }

    /// Removes a participant (no error if it is already gone).
    pub fn leave(&mut self, now: Instant, room: &str, participant: ParticipantId) {
        let Some(s) = self.slot(room) else { return };
        let i = self.rooms[s]
            .as_ref()
            .and_then(|r| r.members.iter().position(|m| m.id == participant));
        if let Some(i) = i {
            self.remove_member(s, i, now);
            self.update_gauges();
        }
    }

    /// A snapshot of every room.
    pub fn rooms(&self) -> Vec<RoomInfo> {
        self.rooms
            .iter()
            .flatten()
            .map(|r| RoomInfo {
                id: r.id.clone(),
                legal: r.legal,
                ends_at: r.ends_at,
                ended: r.ended,
                participants: r
                    .members
                    .iter()
                    .map(|m| (m.id, m.role, m.connected))
                    .collect(),
            })
            .collect()
    }

    /// Feeds one received UDP datagram to the participant it belongs to. Returns whether one
    /// did.
    pub fn handle_receive(&mut self, now: Instant, source: SocketAddr, data: &[u8]) -> bool {
        let c = &self.out.counters;
        Counters::add(&c.datagrams_in, 1);
        let Ok(contents) = data.try_into() else {
            Counters::add(&c.datagrams_dropped, 1);
            return false;
        };
        let input = Input::Receive(
            now,
            Receive {
                proto: Protocol::Udp,
                source,
                destination: self.candidate,
                contents,
            },
        );
        let cached = self.routes.get(&source).and_then(|&(s, id)| {
            let room = self.rooms.get(s)?.as_ref()?;
            let i = room.members.iter().position(|m| m.id == id)?;
            room.members[i].rtc.accepts(&input).then_some((s, i))
        });
        let found = cached.or_else(|| {
            let (s, i) = self.rooms.iter().enumerate().find_map(|(s, r)| {
                let r = r.as_ref()?;
                let i = r.members.iter().position(|m| m.rtc.accepts(&input))?;
                Some((s, i))
            })?;
            let id = self.rooms[s].as_ref()?.members[i].id;
            self.routes.insert(source, (s, id));
            Some((s, i))
        });
        let Some((s, i)) = found else {
            Counters::add(&self.out.counters.datagrams_dropped, 1);
            return false;
        };
        let Some(room) = self.rooms[s].as_mut() else {
            return false;
        };
        if let Err(e) = room.members[i].rtc.handle_input(input) {
            // One bad datagram (possibly spoofed) must not end a call: drop it.
            tracing::trace!(error = %e, "datagram refused");
        }
        room.drive(i, now, &mut self.out);
        self.reap(s, now);
        true
    }

    /// When [`Core::handle_timeout`] is next due.
    pub fn poll_timeout(&self) -> Instant {
        let mut next = self.out.anchor.0 + Duration::from_secs(3600 * 24);
        for room in self.rooms.iter().flatten() {
            next = next.min(if room.ended {
                room.deadline + ROOM_LINGER
            } else {
                room.deadline
            });
            for m in &room.members {
                next = next.min(m.timeout);
                if let Some(t) = m.idle_since {
                    next = next.min(t + IDLE_LIMIT);
                }
            }
        }
        next
    }

    /// Moves time forward: `Rtc` timers, room ends, idle participants, forgotten rooms.
    pub fn handle_timeout(&mut self, now: Instant) {
        for s in 0..self.rooms.len() {
            let Some(room) = self.rooms[s].as_mut() else {
                continue;
            };
            if room.ended {
                if room.members.is_empty() && now >= room.deadline + ROOM_LINGER {
                    self.rooms[s] = None;
                    self.update_gauges();
                }
                continue;
            }
            if now >= room.deadline {
                self.end_room(s, now, "ended");
                continue;
            }
            room.handle_timeouts(now, &mut self.out);
            for m in room.members.iter_mut() {
                if m.idle_since.is_some_and(|t| now >= t + IDLE_LIMIT) {
                    m.rtc.disconnect();
                }
            }
            self.reap(s, now);
        }
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        let t = self.out.transmits.pop_front()?;
        Counters::add(&self.out.counters.datagrams_out, 1);
        Some(t)
    }

    /// The next event to publish.
    pub fn poll_event(&mut self) -> Option<MediaEvent> {
        self.out.events.pop_front()
    }
}
