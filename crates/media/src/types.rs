//! The public vocabulary of the relay: configuration, rooms, participants, events, errors and
//! counters. No behaviour here beyond small conversions.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// Where the relay listens and which address it tells browsers to send to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaConfig {
    /// The one UDP socket every call goes through, e.g. `0.0.0.0:3478` or `127.0.0.1:0`.
    pub udp_bind: SocketAddr,
    /// The address browsers reach the socket at, when it differs from the bound one (1:1 NAT,
    /// or binding `0.0.0.0`). The port is always the bound port. Without it the bound address is
    /// used, and `0.0.0.0`/`::` fall back to the loopback address.
    pub public_ip: Option<IpAddr>,
}

/// Who a participant is. The web layer decides who may join as what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParticipantRole {
    /// The family on their phone or computer: sends and receives audio+video.
    Family,
    /// The booth kiosk inside the facility: sends and receives audio+video.
    Kiosk,
    /// An officer or operator watching: receive-only, invisible to the two peers, and never
    /// given audio in a legal visit.
    Monitor,
}

impl ParticipantRole {
    /// A stable lower-case name (`family`, `kiosk`, `monitor`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantRole::Family => "family",
            ParticipantRole::Kiosk => "kiosk",
            ParticipantRole::Monitor => "monitor",
        }
    }
}

/// A role name that is none of `family`, `kiosk`, `monitor`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown participant role {0:?}")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for ParticipantRole {
    type Err = UnknownRole;

    /// Parses [`ParticipantRole::as_str`]'s names.
    fn from_str(s: &str) -> Result<Self, UnknownRole> {
        match s {
            "family" => Ok(ParticipantRole::Family),
            "kiosk" => Ok(ParticipantRole::Kiosk),
            "monitor" => Ok(ParticipantRole::Monitor),
            _ => Err(UnknownRole(s.to_owned())),
        }
    }
}

impl fmt::Display for ParticipantRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the web layer knows about a visit's room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSpec {
    /// The room's name: the visit id as a string.
    pub id: String,
    /// A legal visit (with a lawyer): monitors get video only, never audio.
    pub legal: bool,
    /// When the call ends, by the server's clock. Joins are refused from then on and everyone
    /// still connected is disconnected.
    pub ends_at: SystemTime,
}

/// One participant of the relay, unique for the process's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParticipantId(pub u64);

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

/// The result of a successful join: who the participant is and the SDP answer for the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The new participant.
    pub participant: ParticipantId,
    /// The SDP answer to the browser's offer (ICE-lite, one host candidate).
    pub answer_sdp: String,
}

/// A snapshot of one room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomInfo {
    /// The room's name (the visit id).
    pub id: String,
    /// Whether monitors are kept from the audio.
    pub legal: bool,
    /// When the call ends.
    pub ends_at: SystemTime,
    /// Whether the room has reached `ends_at` (joins are refused).
    pub ended: bool,
    /// Every participant: id, role and whether its connection is up right now.
    pub participants: Vec<(ParticipantId, ParticipantRole, bool)>,
}

/// Something that happened in a room, for the web layer (make-up minutes, officer screens).
#[derive(Debug, Clone, PartialEq)]
pub struct MediaEvent {
    /// The room's name (the visit id).
    pub room: String,
    /// The participant concerned, if any.
    pub participant: Option<ParticipantId>,
    /// The participant's role, if any.
    pub role: Option<ParticipantRole>,
    /// What happened.
    pub kind: MediaEventKind,
    /// When, by the server's clock.
    pub at: SystemTime,
}

/// The kinds of [`MediaEvent`].
#[derive(Debug, Clone, PartialEq)]
pub enum MediaEventKind {
    /// A participant was admitted (its answer was produced); not yet connected.
    Joined,
    /// Its connection came up (ICE and DTLS): media can flow.
    Connected,
    /// Its connection went down: closed by the browser (`pc.close()`: at once), lost (no ICE
    /// consent checks for about 15 s: a closed tab, a dead network), removed, or the room
    /// ended. A lost connection may come back (`Connected` again) within
    /// [`IDLE_LIMIT`](crate::IDLE_LIMIT).
    Disconnected,
    /// It was removed: left, replaced by a re-join of the same role, closed its connection,
    /// was not connected for [`IDLE_LIMIT`](crate::IDLE_LIMIT), or the room ended.
    Left,
    /// Periodic link quality, every [`QUALITY_INTERVAL`](crate::QUALITY_INTERVAL).
    Quality {
        /// Round-trip time to the participant, when known.
        rtt_ms: Option<u32>,
        /// Fraction (0..1) of the participant's packets lost on the way to the relay.
        loss_in: Option<f32>,
        /// Fraction (0..1) of the relay's packets lost on the way to the participant.
        loss_out: Option<f32>,
        /// What the participant sent over the last interval, kbit/s (all traffic).
        kbps_in: u32,
        /// What the relay sent the participant over the last interval, kbit/s.
        kbps_out: u32,
    },
    /// The room closed: `"ended"` (reached `ends_at`), `"terminated"` (`set_end` to now or
    /// earlier), `"closed"` (`close_room`) or `"shutdown"` (the server is stopping).
    RoomClosed {
        /// Why.
        reason: &'static str,
    },
}

/// Why a request to the relay failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The room was never opened (or was closed and removed).
    #[error("no such room")]
    NoSuchRoom,
    /// The room has reached its end time.
    #[error("the room is closed")]
    RoomClosed,
    /// The browser's SDP offer could not be used.
    #[error("bad offer: {0}")]
    BadOffer(String),
    /// The room already holds as many participants of this kind as it may.
    #[error("the room is full")]
    Full,
    /// The relay is not running or failed inside.
    #[error("media relay error: {0}")]
    Internal(String),
}

/// A snapshot of the relay's counters (see [`crate::Sfu::stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SfuStats {
    /// Audio frames written towards receivers (one per receiver).
    pub forwarded_audio: u64,
    /// Video frames written towards receivers (one per receiver).
    pub forwarded_video: u64,
    /// Payload bytes of those frames.
    pub forwarded_bytes: u64,
    /// UDP datagrams received.
    pub datagrams_in: u64,
    /// UDP datagrams sent.
    pub datagrams_out: u64,
    /// UDP datagrams no participant accepted (late, stray or hostile).
    pub datagrams_dropped: u64,
    /// Rooms currently held (open or ended but not yet forgotten).
    pub rooms: u64,
    /// Participants currently held.
    pub participants: u64,
}

/// The live counters behind [`SfuStats`], shared between the core and the handles.
#[derive(Debug, Default)]
pub struct Counters {
    pub(crate) forwarded_audio: AtomicU64,
    pub(crate) forwarded_video: AtomicU64,
    pub(crate) forwarded_bytes: AtomicU64,
    pub(crate) datagrams_in: AtomicU64,
    pub(crate) datagrams_out: AtomicU64,
    pub(crate) datagrams_dropped: AtomicU64,
    pub(crate) rooms: AtomicU64,
    pub(crate) participants: AtomicU64,
}

impl Counters {
    /// Reads every counter (relaxed: a monitoring snapshot, not a transaction).
    pub fn snapshot(&self) -> SfuStats {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        SfuStats {
            forwarded_audio: get(&self.forwarded_audio),
            forwarded_video: get(&self.forwarded_video),
            forwarded_bytes: get(&self.forwarded_bytes),
            datagrams_in: get(&self.datagrams_in),
            datagrams_out: get(&self.datagrams_out),
            datagrams_dropped: get(&self.datagrams_dropped),
            rooms: get(&self.rooms),
            participants: get(&self.participants),
        }
    }

    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn set(counter: &AtomicU64, n: u64) {
        counter.store(n, Ordering::Relaxed);
    }
}
