//! Participants and rooms leaving: closing sessions, the events that say so, and the gauges.

use std::time::Instant;

use crate::core::Core;
use crate::types::{Counters, MediaEventKind};

impl Core {
    /// Sends everyone away and marks the room ended.
    pub(crate) fn end_room(&mut self, s: usize, now: Instant, reason: &'static str) {
        while self.rooms[s]
            .as_ref()
            .is_some_and(|r| !r.members.is_empty())
        {
            self.remove_member(s, 0, now);
        }
        if let Some(room) = self.rooms[s].as_mut() {
            room.ended = true;
            room.terminated = reason == "terminated";
            self.out
                .emit(&room.id, None, MediaEventKind::RoomClosed { reason }, now);
        }
        self.update_gauges();
    }

    /// Closes member `i`'s session (best effort: its close datagrams are queued), and emits
    /// `Disconnected` (if it was connected) and `Left`.
    pub(crate) fn remove_member(&mut self, s: usize, i: usize, now: Instant) {
        let Some(room) = self.rooms[s].as_mut() else {
            return;
        };
        let mut m = room.members.remove(i);
        if m.rtc.is_alive() && m.rtc.close().is_ok() {
            for _ in 0..64 {
                match m.rtc.poll_output() {
                    Ok(str0m::Output::Transmit(t)) => self.out.transmits.push_back(t),
                    Ok(str0m::Output::Event(_)) => {}
                    Ok(str0m::Output::Timeout(_)) | Err(_) => break,
                }
            }
        }
        m.rtc.disconnect();
        let who = Some((m.id, m.role));
        if m.connected {
            self.out
                .emit(&room.id, who, MediaEventKind::Disconnected, now);
        }
        self.out.emit(&room.id, who, MediaEventKind::Left, now);
        self.routes.retain(|_, v| v.1 != m.id);
    }

    /// Removes the members whose session has died (closed by the browser, failed, idle).
    pub(crate) fn reap(&mut self, s: usize, now: Instant) {
        let mut removed = false;
        while let Some(i) = self.rooms[s]
            .as_ref()
            .and_then(|r| r.members.iter().position(|m| !m.rtc.is_alive()))
        {
            self.remove_member(s, i, now);
            removed = true;
        }
        if removed {
            self.update_gauges();
        }
    }

    pub(crate) fn update_gauges(&self) {
        let rooms = self.rooms.iter().flatten();
        let (n, p) = rooms.fold((0, 0), |(n, p), r| (n + 1, p + r.members.len() as u64));
        Counters::set(&self.out.counters.rooms, n);
        Counters::set(&self.out.counters.participants, p);
    }
}
