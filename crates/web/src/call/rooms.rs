//! The room service: one task per server that keeps the relay's rooms in step with the
//! database and the database informed of what happens in the rooms.
//!
//! - Every [`TICK`] it reads each open room's visit and moves the room's end to slot end +
//!   extension + make-up, or to now when the visit was ended by staff (terminated, completed)
//!   or cancelled — so an extension or a termination takes effect within a second, on every
//!   instance, whichever instance the officer used. A room ended for [`FORGET_AFTER`] is
//!   closed and forgotten.
//! - Every relay event is recorded in `visit_media_events` (joins, connections, drops,
//!   quality, the end).
//! - Make-up time: when the family or the kiosk comes back after a drop (or a reload), the
//!   time it was away after the slot's start is given back (`Db::add_makeup`: capped by the
//!   facility's `makeup_limit_minutes` and by the booth's and inmate's next visit).
//! - When the family and the kiosk are both connected and the visit is checked in, it moves
//!   to `in_call` (the system acts; check-in itself stays the operator's).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{VisitId, VisitStatus};
use jenguk_media::{MediaEvent, MediaEventKind, ParticipantId, ParticipantRole, RoomInfo, Sfu};
use jenguk_storage::AuditEvent;
use jiff::Timestamp;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use crate::AppState;
use crate::call::system_time;

/// How often open rooms are compared with the database.
pub const TICK: Duration = Duration::from_millis(500);
/// How long an ended room is kept (a late extension reopens it) before it is closed.
pub const FORGET_AFTER: Duration = Duration::from_secs(30);
/// Drops shorter than this are not given back (a blink of the network).
const MIN_MAKEUP_SECS: i64 = 2;

/// Starts the room service (a no-op task when video visits are off).
pub fn spawn_room_service(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        if let Some(sfu) = state.media.clone() {
            run(state, sfu).await;
        }
    })
}

/// What the service remembers of the rooms between events (public for tests that feed it
/// events).
#[derive(Default)]
pub struct Books(HashMap<String, RoomBook>);

/// What the service remembers of a room between events.
#[derive(Default)]
struct RoomBook {
    /// Connected participants and their roles.
    connected: HashMap<ParticipantId, ParticipantRole>,
    /// Since when the family / the kiosk has been away (after having been connected).
    away: HashMap<ParticipantRole, SystemTime>,
    /// When the room was seen ended.
    ended_since: Option<Instant>,
}

async fn run(state: AppState, sfu: Sfu) {
    let mut events = sfu.subscribe();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut books = Books::default();
    loop {
        tokio::select! {
            _ = tick.tick() => {
                for room in sfu.rooms().await {
                    sync_room(&state, &sfu, &room, &mut books.0).await;
                }
                let open: Vec<String> = sfu.rooms().await.into_iter().map(|r| r.id).collect();
                books.0.retain(|id, _| open.contains(id));
            }
            ev = events.recv() => match ev {
                Ok(ev) => on_event(&state, &mut books, ev).await,
                Err(RecvError::Lagged(n)) => tracing::warn!(missed = n, "room service missed media events"),
                Err(RecvError::Closed) => break,
            }
        }
    }
}

fn timestamp(t: SystemTime) -> Timestamp {
    let s = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn finished(s: VisitStatus) -> bool {
    matches!(
        s,
        VisitStatus::Completed
            | VisitStatus::Terminated
            | VisitStatus::NoShow
            | VisitStatus::Refused
            | VisitStatus::Cancelled
            | VisitStatus::Rejected
    )
}

/// Moves one room's end to where the database puts it.
async fn sync_room(
    state: &AppState,
    sfu: &Sfu,
    room: &RoomInfo,
    books: &mut HashMap<String, RoomBook>,
) {
    let Ok(id) = room.id.parse::<i64>() else {
        return;
    };
    let times = match state.db.call_times(VisitId(id)).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, room = %room.id, "room service could not read the visit");
            return;
        }
    };
    let now = SystemTime::now();
    let book = books.entry(room.id.clone()).or_default();
    let target = if finished(times.status) {
        now.min(room.ends_at)
    } else {
        system_time(times.ends_at())
    };
    let reopen = room.ended && target > now;
    if (!room.ended && target != room.ends_at) || reopen {
        if let Err(e) = sfu.set_end(&room.id, target).await {
            tracing::warn!(error = %e, room = %room.id, "could not move a room's end");
        }
        if reopen {
            book.ended_since = None;
        }
        return;
    }
    if room.ended {
        let since = *book.ended_since.get_or_insert_with(Instant::now);
        if since.elapsed() >= FORGET_AFTER {
            sfu.close_room(&room.id).await;
            books.remove(&room.id);
        }
    }
}

fn kind_name(k: &MediaEventKind) -> (&'static str, serde_json::Value) {
    match k {
        MediaEventKind::Joined => ("joined", json!({})),
        MediaEventKind::Connected => ("connected", json!({})),
        MediaEventKind::Disconnected => ("disconnected", json!({})),
        MediaEventKind::Left => ("left", json!({})),
        MediaEventKind::Quality {
            rtt_ms,
            loss_in,
            loss_out,
            kbps_in,
            kbps_out,
        } => (
            "quality",
            json!({ "rtt_ms": rtt_ms, "loss_in": loss_in, "loss_out": loss_out,
                    "kbps_in": kbps_in, "kbps_out": kbps_out }),
        ),
        MediaEventKind::RoomClosed { reason } => ("closed", json!({ "reason": reason })),
    }
}

/// Handles one relay event: records it, gives back time a peer was away, starts the call.
pub async fn on_event(state: &AppState, books: &mut Books, ev: MediaEvent) {
    let Ok(id) = ev.room.parse::<i64>() else {
        return;
    };
    let visit = VisitId(id);
    let at = timestamp(ev.at);
    let (kind, mut detail) = kind_name(&ev.kind);
    if let (Some(p), Some(obj)) = (ev.participant, detail.as_object_mut()) {
        obj.insert("participant".into(), json!(p.0));
    }
    let role = ev.role.map(ParticipantRole::as_str);
    if let Err(e) = state
        .db
        .record_media_event(visit, at, role, kind, detail)
        .await
    {
        tracing::warn!(error = %e, visit = id, "could not record a media event");
    }
    let book = books.0.entry(ev.room.clone()).or_default();
    let peer = ev
        .role
        .filter(|r| matches!(r, ParticipantRole::Family | ParticipantRole::Kiosk));
    match (&ev.kind, ev.participant, peer) {
        (MediaEventKind::Connected, Some(p), Some(role)) => {
            book.connected.insert(p, role);
            let away = book.away.remove(&role);
            let both = book
                .connected
                .values()
                .any(|r| *r == ParticipantRole::Family)
                && book
                    .connected
                    .values()
                    .any(|r| *r == ParticipantRole::Kiosk);
            on_connected(state, visit, away, ev.at, both).await;
        }
        (MediaEventKind::Disconnected | MediaEventKind::Left, Some(p), Some(role)) => {
            let was = book.connected.remove(&p).is_some();
            let still = book.connected.values().any(|r| *r == role);
            if was && !still {
                book.away.entry(role).or_insert(ev.at);
            }
        }
        (MediaEventKind::RoomClosed { .. }, _, _) => {
            book.away.clear();
            book.connected.clear();
        }
        _ => {}
    }
}

/// A peer came (back): give back the time it was away, and start the call when both are in.
async fn on_connected(
    state: &AppState,
    visit: VisitId,
    away: Option<SystemTime>,
    at: SystemTime,
    both: bool,
) {
    let times = match state.db.call_times(visit).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, visit = visit.0, "room service could not read the visit");
            return;
        }
    };
    if let Some(since) = away {
        let from = timestamp(since).max(times.start);
        let lost = timestamp(at).as_second() - from.as_second();
        if lost >= MIN_MAKEUP_SECS {
            match state.db.add_makeup(visit, lost, Timestamp::now()).await {
                Ok(granted) => tracing::info!(visit = visit.0, lost, granted, "make-up time"),
                Err(e) => tracing::warn!(error = %e, visit = visit.0, "could not add make-up time"),
            }
        }
    }
    if both && times.status == VisitStatus::CheckedIn {
        let started = match state.db.visit_by_id(visit).await {
            Ok(v) => {
                state
                    .db
                    .transition_visit(
                        &v.code,
                        VisitAction::Start,
                        Actor::System,
                        None,
                        &AuditEvent::default(),
                        Timestamp::now(),
                    )
                    .await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = started {
            tracing::warn!(error = %e, visit = visit.0, "could not mark the visit in call");
        }
    }
}
