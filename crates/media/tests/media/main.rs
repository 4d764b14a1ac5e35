//! The relay core driven by in-memory str0m clients and a fake clock: no sockets, no sleeping.
//!
//! Client m-lines: a peer's 0 is audio and 1 video; a monitor's are family audio (0), family
//! video (1), kiosk audio (2), kiosk video (3).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod driver;
mod harness;

use std::time::Duration;

use harness::World;
use jenguk_media::{MediaError, MediaEventKind, ParticipantRole};

use ParticipantRole::{Family, Kiosk, Monitor};

/// A room with family and kiosk connected.
fn call(legal: bool) -> World {
    let mut w = World::new();
    w.open("visit-1", legal, 600);
    w.join("family", "visit-1", Family).unwrap();
    w.join("kiosk", "visit-1", Kiosk).unwrap();
    w.connect_all();
    w
}

#[test]
fn family_and_kiosk_receive_each_others_audio_and_video() {
    let mut w = call(false);
    w.talk(2000);
    for name in ["family", "kiosk"] {
        let c = w.client(name);
        assert!(c.bytes(0) > 2_000, "{name} audio: {}", c.bytes(0));
        assert!(c.bytes(1) > 20_000, "{name} video: {}", c.bytes(1));
    }
    let stats = w.core.stats();
    assert!(
        stats.forwarded_audio > 100 && stats.forwarded_video > 100,
        "{stats:?}"
    );
    assert_eq!((stats.rooms, stats.participants), (1, 2));
    let connected = w
        .events
        .iter()
        .filter(|e| e.kind == MediaEventKind::Connected)
        .count();
    assert_eq!(connected, 2);
}

#[test]
fn a_monitor_receives_both_peers_audio_and_video() {
    let mut w = call(false);
    w.join("officer", "visit-1", Monitor).unwrap();
    w.connect_all();
    w.talk(2000);
    let m = w.client("officer");
    for slot in 0..4 {
        assert!(m.bytes(slot) > 1_000, "slot {slot}: {}", m.bytes(slot));
    }
    // The monitor is counted, and it sends nothing anyone receives.
    let info = w.core.rooms();
    assert_eq!(info[0].participants.len(), 3);
}

#[test]
fn in_a_legal_room_a_monitor_gets_video_but_no_audio() {
    let mut w = call(true);
    w.join("officer", "visit-1", Monitor).unwrap();
    w.connect_all();
    w.talk(3000);
    let m = w.client("officer");
    assert_eq!(m.bytes(0), 0, "family audio reached the monitor");
    assert_eq!(m.bytes(2), 0, "kiosk audio reached the monitor");
    assert!(m.bytes(1) > 20_000 && m.bytes(3) > 20_000);
    // The lawyer and the detainee still hear each other.
    assert!(w.client("family").bytes(0) > 2_000);
    assert!(w.client("kiosk").bytes(0) > 2_000);
}

#[test]
fn marking_a_live_room_legal_stops_the_monitors_audio_at_once() {
    let mut w = call(false);
    w.join("officer", "visit-1", Monitor).unwrap();
    w.connect_all();
    w.talk(1000);
    let audio = |w: &World| w.client("officer").bytes(0) + w.client("officer").bytes(2);
    assert!(audio(&w) > 1_000);
    w.open("visit-1", true, 600);
    let (audio_then, video_then) = (audio(&w), w.client("officer").bytes(1));
    let peers_then = w.client("kiosk").bytes(0);
    w.talk(2000);
    assert_eq!(
        audio(&w),
        audio_then,
        "audio reached the monitor after legal was set"
    );
    assert!(w.client("officer").bytes(1) > video_then + 20_000);
    assert!(w.client("kiosk").bytes(0) > peers_then + 1_000);
}

#[test]
fn a_monitor_joining_changes_nothing_for_the_peers() {
    let mut w = call(false);
    w.talk(1000);
    let before: Vec<u64> = ["family", "kiosk"]
        .iter()
        .map(|n| w.client(n).bytes(1))
        .collect();
    w.join("officer", "visit-1", Monitor).unwrap();
    w.connect_all();
    w.talk(1000);
    w.core
        .leave(w.now, "visit-1", w.client("officer").participant.unwrap());
    w.talk(1000);
    for (i, name) in ["family", "kiosk"].iter().enumerate() {
        let c = w.client(name);
        assert_eq!(c.renegotiations, 0, "{name} saw its session change");
        assert_eq!(c.mids.len(), 2);
        for mid in &c.mids {
            let media = c.rtc.media(*mid).unwrap();
            assert_eq!(media.direction(), str0m::media::Direction::SendRecv);
        }
        // Media kept flowing to them throughout.
        assert!(c.bytes(1) > before[i] + 40_000, "{name}: {}", c.bytes(1));
    }
}

#[test]
fn the_room_ends_on_time_refuses_late_joins_and_can_be_extended() {
    let mut w = World::new();
    w.open("visit-1", false, 30);
    w.join("family", "visit-1", Family).unwrap();
    w.join("kiosk", "visit-1", Kiosk).unwrap();
    w.connect_all();
    // At 10 s the officer extends the call to 60 s.
    w.talk(10_000);
    w.core.set_end(w.now, "visit-1", w.wall(60)).unwrap();
    w.talk(25_000);
    assert!(
        w.clients.iter().all(|c| c.rtc.is_alive()),
        "ended before the extension"
    );
    let closed = |w: &World| {
        w.events
            .iter()
            .filter(|e| matches!(e.kind, MediaEventKind::RoomClosed { .. }))
            .count()
    };
    assert_eq!(closed(&w), 0);
    // Past 60 s everyone is sent away and the room is closed.
    w.talk(26_000);
    let at = w
        .events
        .iter()
        .find(|e| e.kind == MediaEventKind::RoomClosed { reason: "ended" });
    let at = at.expect("RoomClosed{ended}").at;
    assert_eq!(
        at.duration_since(w.wall(60)).unwrap().as_secs(),
        0,
        "ended late"
    );
    for kind in [MediaEventKind::Disconnected, MediaEventKind::Left] {
        assert_eq!(
            w.events.iter().filter(|e| e.kind == kind).count(),
            2,
            "{kind:?}"
        );
    }
    assert!(w.core.rooms()[0].participants.is_empty());
    let late = w.join("late", "visit-1", Family);
    assert_eq!(late.err(), Some(MediaError::RoomClosed));
    assert_eq!(
        w.join("x", "visit-2", Family).err(),
        Some(MediaError::NoSuchRoom)
    );

    // Extending after the end opens the room again; setting the end to now terminates it.
    let end = w.wall(600);
    w.core.set_end(w.now, "visit-1", end).unwrap();
    w.join("family", "visit-1", Family).unwrap();
    let now = w.wall(0) + (w.now - w.start);
    w.core.set_end(w.now, "visit-1", now).unwrap();
    w.step(Duration::from_millis(10));
    let terminated = MediaEventKind::RoomClosed {
        reason: "terminated",
    };
    assert!(w.events.iter().any(|e| e.kind == terminated));
    assert_eq!(closed(&w), 2);

    // A terminated room stays closed when the web layer opens it again as usual...
    w.open("visit-1", false, 600);
    assert_eq!(
        w.join("again", "visit-1", Family).err(),
        Some(MediaError::RoomClosed)
    );
    // ...until the end is explicitly moved.
    w.core.set_end(w.now, "visit-1", w.wall(600)).unwrap();
    assert!(w.join("again", "visit-1", Family).is_ok());
}

#[test]
fn monitors_are_limited_and_a_rejoin_replaces_the_earlier_peer() {
    let mut w = call(false);
    for _ in 0..4 {
        w.join("officer", "visit-1", Monitor).unwrap();
    }
    assert_eq!(
        w.join("officer", "visit-1", Monitor).err(),
        Some(MediaError::Full)
    );
    assert_eq!(w.core.rooms()[0].participants.len(), 6);

    // The family reloads its page: a new offer replaces the old participant.
    let old = w.client("family").participant.unwrap();
    w.join("family", "visit-1", Family).unwrap();
    let new = w.client("family").participant.unwrap();
    assert_ne!(old, new);
    w.step(Duration::from_millis(10));
    let left = w
        .events
        .iter()
        .any(|e| e.participant == Some(old) && e.kind == MediaEventKind::Left);
    assert!(left, "the old family participant was not removed");
    let families: Vec<_> = w.core.rooms()[0]
        .participants
        .iter()
        .filter(|p| p.1 == Family)
        .map(|p| p.0)
        .collect();
    assert_eq!(families, vec![new]);

    // The new family is connected and exchanges media with the kiosk.
    w.connect_all();
    w.talk(2000);
    assert!(w.client("family").bytes(1) > 20_000);
    let kiosk_before = w.client("kiosk").bytes(0);
    w.talk(1000);
    assert!(w.client("kiosk").bytes(0) > kiosk_before + 1_000);
}

#[test]
fn keyframe_requests_reach_the_sender() {
    let mut w = call(false);
    w.talk(1000);
    let before = w.client("family").video_keyframe_requests();
    w.client_mut("kiosk").request_keyframe(1);
    w.talk(200);
    let after = w.client("family").video_keyframe_requests();
    assert!(
        after > before,
        "kiosk's PLI did not reach the family ({before} → {after})"
    );

    // A monitor joining asks both senders for a keyframe.
    w.talk(500);
    let family = w.client("family").video_keyframe_requests();
    let kiosk = w.client("kiosk").video_keyframe_requests();
    w.join("officer", "visit-1", Monitor).unwrap();
    w.connect_all();
    w.talk(200);
    assert!(w.client("family").video_keyframe_requests() > family);
    assert!(w.client("kiosk").video_keyframe_requests() > kiosk);
}

#[test]
fn quality_is_reported_for_every_participant() {
    let mut w = call(false);
    w.talk(11_000);
    for name in ["family", "kiosk"] {
        let id = w.client(name).participant;
        let q = w
            .events
            .iter()
            .filter(|e| e.participant == id && matches!(e.kind, MediaEventKind::Quality { .. }));
        let kbps: Vec<u32> = q
            .filter_map(|e| match e.kind {
                MediaEventKind::Quality { kbps_in, .. } => Some(kbps_in),
                _ => None,
            })
            .collect();
        assert!(kbps.len() >= 2, "{name}: {kbps:?}");
        assert!(kbps.iter().any(|k| *k > 100), "{name}: {kbps:?}");
    }
}

#[test]
fn far_future_and_past_end_times_are_safe() {
    let mut w = World::new();
    let spec = |id: &str, ends_at| jenguk_media::RoomSpec {
        id: id.to_owned(),
        legal: false,
        ends_at,
    };
    let far = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 8);
    w.core.open_room(w.now, spec("far", far)).unwrap();
    w.core
        .open_room(w.now, spec("past", std::time::SystemTime::UNIX_EPOCH))
        .unwrap();
    w.join("family", "far", Family).unwrap();
    assert_eq!(
        w.join("x", "past", Family).err(),
        Some(MediaError::RoomClosed)
    );
    w.step(Duration::from_millis(10));
    let ended: Vec<_> = w
        .events
        .iter()
        .filter(|e| matches!(e.kind, MediaEventKind::RoomClosed { .. }))
        .map(|e| e.room.as_str())
        .collect();
    assert_eq!(ended, ["past"]);
}

#[test]
fn a_closed_or_silent_participant_is_removed() {
    let mut w = call(false);
    w.talk(500);
    // The family hangs up (pc.close() in a browser): gone at once.
    let family = w.client("family").participant;
    w.client_mut("family").rtc.close().unwrap();
    w.talk(200);
    let family_events: Vec<_> = w
        .events
        .iter()
        .filter(|e| e.participant == family)
        .map(|e| e.kind.clone())
        .filter(|k| !matches!(k, MediaEventKind::Quality { .. }))
        .collect();
    use MediaEventKind::{Connected, Disconnected, Joined, Left};
    assert_eq!(family_events, [Joined, Connected, Disconnected, Left]);
    assert_eq!(w.core.rooms()[0].participants.len(), 1);

    // An offer that is not SDP is refused.
    let joined = w.core.join(w.now, "visit-1", Monitor, "hello");
    assert!(matches!(joined, Err(MediaError::BadOffer(_))), "{joined:?}");

    // A participant that never connects is dropped after the idle limit.
    w.join("officer", "visit-1", Monitor).unwrap();
    w.clients.pop(); // its browser never sends anything
    let before = w.core.rooms()[0].participants.len();
    for _ in 0..62 {
        w.step(Duration::from_secs(1));
    }
    let after = w.core.rooms()[0].participants.len();
    assert!(after < before, "{before} → {after}");
    assert!(w.core.rooms()[0].participants.iter().all(|p| p.1 == Kiosk));
}

#[test]
fn a_lost_connection_is_reported_and_so_is_its_return() {
    let mut w = call(false);
    w.talk(1000);
    let family = w.client("family").participant;
    let kinds = |w: &World| -> Vec<MediaEventKind> {
        w.events
            .iter()
            .filter(|e| e.participant == family)
            .map(|e| e.kind.clone())
            .filter(|k| matches!(k, MediaEventKind::Connected | MediaEventKind::Disconnected))
            .collect()
    };
    w.client_mut("family").paused = true;
    w.talk(25_000);
    assert_eq!(
        kinds(&w),
        [MediaEventKind::Connected, MediaEventKind::Disconnected]
    );
    assert_eq!(
        w.core.rooms()[0].participants[0],
        (family.unwrap(), Family, false)
    );

    // Back within the idle limit: connected again, media flows again.
    w.client_mut("family").paused = false;
    w.talk(3000);
    let c = MediaEventKind::Connected;
    assert_eq!(kinds(&w), [c.clone(), MediaEventKind::Disconnected, c]);
    let before = w.client("kiosk").bytes(1);
    w.talk(1000);
    assert!(w.client("kiosk").bytes(1) > before + 10_000);
}
