//! Who receives what: the one routing decision of the relay, with the legal-visit audio rule.
//!
//! Every participant has a fixed table of outgoing m-lines ("slots"), fixed by its own offer:
//! - a peer (family or kiosk) offers `sendrecv` audio then video; slot 0 is its audio m-line
//!   and slot 1 its video m-line, and the relay writes the *other* peer's media into them;
//! - a monitor offers four `recvonly` m-lines, in this order: family audio, family video, kiosk
//!   audio, kiosk video (slots 0..=3).
//!
//! Nothing is ever renegotiated: a monitor joining or leaving changes no peer's session.

use str0m::media::MediaKind;

use crate::types::ParticipantRole;

/// Slots per participant: a peer uses 0 (audio) and 1 (video), a monitor 0..=3.
pub(crate) const SLOTS: usize = 4;

/// 0 for audio, 1 for video: the index of a kind within a source's pair of m-lines.
pub(crate) fn kind_index(kind: MediaKind) -> usize {
    match kind {
        MediaKind::Audio => 0,
        MediaKind::Video => 1,
    }
}

/// Which slot of `receiver` a frame of `kind` from `source` is written into, or `None` when it
/// must not reach `receiver` at all.
///
/// **The legal-visit rule lives here and only here:** in a room with `legal == true` a monitor
/// never receives audio, whoever sends it. Officers may watch a legal visit but must not hear
/// the conversation between a detainee and their lawyer. The peers still hear each other.
///
/// Monitors send nothing (whatever they transmit is dropped), and nobody receives their own
/// media back.
pub(crate) fn route(
    legal: bool,
    source: ParticipantRole,
    kind: MediaKind,
    receiver: ParticipantRole,
) -> Option<usize> {
    use ParticipantRole::{Family, Kiosk, Monitor};
    let k = kind_index(kind);
    match (source, receiver) {
        (Monitor, _) => None,
        (Family, Kiosk) | (Kiosk, Family) => Some(k),
        (Family, Family) | (Kiosk, Kiosk) => None,
        (_, Monitor) if legal && kind == MediaKind::Audio => None,
        (Family, Monitor) => Some(k),
        (Kiosk, Monitor) => Some(2 + k),
    }
}

/// The source of the media a receiver gets in `slot`: the role and media kind of the sender.
/// The inverse of [`route`], used to send a receiver's keyframe request to the right sender.
pub(crate) fn source_of(
    receiver: ParticipantRole,
    slot: usize,
) -> Option<(ParticipantRole, MediaKind)> {
    use ParticipantRole::{Family, Kiosk, Monitor};
    let kind = if slot.is_multiple_of(2) {
        MediaKind::Audio
    } else {
        MediaKind::Video
    };
    match (receiver, slot) {
        (Family, 0 | 1) => Some((Kiosk, kind)),
        (Kiosk, 0 | 1) => Some((Family, kind)),
        (Monitor, 0 | 1) => Some((Family, kind)),
        (Monitor, 2 | 3) => Some((Kiosk, kind)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParticipantRole::{Family, Kiosk, Monitor};

    const ROLES: [ParticipantRole; 3] = [Family, Kiosk, Monitor];
    const KINDS: [MediaKind; 2] = [MediaKind::Audio, MediaKind::Video];

    #[test]
    fn legal_rooms_never_route_audio_to_a_monitor() {
        for source in ROLES {
            assert_eq!(route(true, source, MediaKind::Audio, Monitor), None);
        }
        assert_eq!(route(true, Family, MediaKind::Video, Monitor), Some(1));
        assert_eq!(route(true, Kiosk, MediaKind::Video, Monitor), Some(3));
        // The peers still hear each other.
        assert_eq!(route(true, Family, MediaKind::Audio, Kiosk), Some(0));
        assert_eq!(route(true, Kiosk, MediaKind::Audio, Family), Some(0));
    }

    #[test]
    fn ordinary_rooms_route_everything_between_peers_and_to_monitors() {
        assert_eq!(route(false, Family, MediaKind::Audio, Monitor), Some(0));
        assert_eq!(route(false, Family, MediaKind::Video, Monitor), Some(1));
        assert_eq!(route(false, Kiosk, MediaKind::Audio, Monitor), Some(2));
        assert_eq!(route(false, Kiosk, MediaKind::Video, Monitor), Some(3));
        assert_eq!(route(false, Family, MediaKind::Video, Kiosk), Some(1));
        assert_eq!(route(false, Kiosk, MediaKind::Video, Family), Some(1));
    }

    #[test]
    fn monitors_send_nothing_and_nobody_gets_their_own_media() {
        for legal in [false, true] {
            for kind in KINDS {
                for receiver in ROLES {
                    assert_eq!(route(legal, Monitor, kind, receiver), None);
                }
                assert_eq!(route(legal, Family, kind, Family), None);
                assert_eq!(route(legal, Kiosk, kind, Kiosk), None);
            }
        }
    }

    #[test]
    fn source_of_inverts_route() {
        for legal in [false, true] {
            for source in ROLES {
                for kind in KINDS {
                    for receiver in ROLES {
                        if let Some(slot) = route(legal, source, kind, receiver) {
                            assert!(slot < SLOTS);
                            assert_eq!(source_of(receiver, slot), Some((source, kind)));
                        }
                    }
                }
            }
        }
    }
}
