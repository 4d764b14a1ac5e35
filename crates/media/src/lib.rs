//! Jenguk's media relay: a small SFU (selective forwarding unit) on [`str0m`], one room per
//! visit.
//!
//! # Shape
//!
//! - [`Core`] (`core.rs`, `room.rs`) is sans-IO: rooms, participants (one [`str0m::Rtc`]
//!   each, ICE-lite, with one host candidate: the relay's address), routing of datagrams and
//!   forwarding of media. Time is always passed in; nothing sleeps or touches a socket, so the
//!   tests drive it with a fake clock and in-memory "browsers".
//! - [`Sfu`] (`driver.rs`) owns the one UDP socket and runs the core on a dedicated thread;
//!   the web layer talks to it through async methods (commands over a channel) and
//!   [`Sfu::subscribe`] for events.
//! - This crate does not decide who may join: the web layer checks visit codes, booth tokens
//!   and officer sessions, then calls [`Sfu::join`] with the role it has established.
//!
//! # Fixed m-lines, no renegotiation
//!
//! Every session is negotiated exactly once, by the browser's offer:
//! - a **peer** (family or kiosk) offers `sendrecv` audio, then `sendrecv` video. The relay
//!   receives the peer's media on those m-lines and writes the *other* peer's media into the
//!   sending direction of the same m-lines (str0m repacketizes with its own SSRCs).
//! - a **monitor** (officer/operator) offers four `recvonly` m-lines in this order:
//!   **family audio, family video, kiosk audio, kiosk video**. Whatever a monitor sends is
//!   dropped.
//!
//! So a monitor joining or leaving never changes the peers' sessions: they are not told, and
//! cannot tell, that someone watches. When a receiver connects, the relay asks its senders for
//! a keyframe so the picture starts at once.
//!
//! # Invariants
//!
//! - **Legal visits:** in a room with [`RoomSpec::legal`], a monitor never receives audio
//!   (video only). This is decided in one function (`forward::route`) and tested.
//! - **Server time:** a room is open until its `ends_at` by the server's clock. At that moment
//!   every participant is disconnected, [`MediaEventKind::RoomClosed`] is emitted and joins are
//!   refused with [`MediaError::RoomClosed`]. [`Sfu::set_end`] extends or terminates; a
//!   terminated room is opened again only by `set_end`, never by [`Sfu::open_room`].
//! - At most one family and one kiosk per room (a re-join of the same role replaces the
//!   earlier participant: a reloaded page), and at most [`MAX_MONITORS`] monitors.
//!
//! # Congestion and loss
//!
//! str0m terminates RTP/RTCP on each leg. On every leg it sends NACKs for lost incoming
//! packets and answers the browser's NACKs from its send buffer (RTX when negotiated), and
//! it gives the sending browser transport-wide congestion feedback (TWCC), so each browser's
//! own congestion control adapts its encoder to the leg towards the relay. Keyframe requests
//! (PLI/FIR) from a receiver are passed to the sender (at most one per 300 ms), and a gap in a
//! video stream makes the relay request one itself. str0m's own send-side bandwidth
//! estimation (`enable_bwe`) is *not* enabled: with a single encoding per sender there is
//! nothing to switch when it reports a low estimate, and it would add pacing and padding
//! traffic (a 50 kbit/s floor) to every leg. Simulcast would be the step that makes it useful.
//!
//! # Performance
//!
//! Per forwarded frame: one `Arc` clone of the payload per receiver, no logging, no
//! allocation in the relay's own code. Datagrams are routed by a map from remote address to
//! participant, learned from the first datagram (a STUN check) that a session accepts.

#![warn(missing_docs)]

mod core;
mod driver;
mod forward;
mod lifecycle;
mod room;
mod types;

pub use crate::core::{
    Core, IDLE_LIMIT, MAX_MONITORS, QUALITY_INTERVAL, ROOM_LINGER, install_crypto,
};
pub use driver::Sfu;
pub use types::{
    Counters, Joined, MediaConfig, MediaError, MediaEvent, MediaEventKind, ParticipantId,
    ParticipantRole, RoomInfo, RoomSpec, SfuStats, UnknownRole,
};
