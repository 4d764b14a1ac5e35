//! Synthetic media: what a phone or a kiosk camera sends, without encoding anything.
//!
//! - Video, VP8-like: 30 frames/s, about 400 kbit/s, a keyframe every 3 s about eight times
//!   the size of a delta frame, sizes jittered ±20 %. The first bytes are a valid VP8 frame
//!   tag (and, for keyframes, the start code and a 640×480 size), so that a depacketizer sees
//!   keyframes where they are.
//! - Audio, Opus-like: a 20 ms frame of about 80 bytes (32 kbit/s).

use std::time::Duration;

/// Video frames per second.
pub const VIDEO_FPS: u32 = 30;
/// Time between video frames.
pub const VIDEO_INTERVAL: Duration = Duration::from_nanos(1_000_000_000 / VIDEO_FPS as u64);
/// Time between audio frames.
pub const AUDIO_INTERVAL: Duration = Duration::from_millis(20);
/// Video bit rate aimed at, bits/s.
pub const VIDEO_BPS: u64 = 400_000;
/// Audio bit rate aimed at, bits/s.
pub const AUDIO_BPS: u64 = 32_000;
/// A keyframe every this many video frames (3 s).
pub const KEYFRAME_EVERY: u64 = 90;
/// A keyframe is this many times the size of a delta frame.
const KEYFRAME_FACTOR: u64 = 8;

/// A participant's UDP socket on loopback with a 1 MiB receive buffer (if the system allows
/// it), so that packets are lost at the server measured, not at the benchmark's clients.
pub fn client_socket() -> std::io::Result<tokio::net::UdpSocket> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
    let _ = socket.set_recv_buffer_size(1 << 20);
    let _ = socket.set_send_buffer_size(1 << 20);
    socket.set_nonblocking(true)?;
    socket.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    tokio::net::UdpSocket::from_std(socket.into())
}

/// A small deterministic generator (xorshift), for the size jitter.
#[derive(Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        Jitter(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// `size` ±20 %.
    fn around(&mut self, size: u64) -> usize {
        let spread = size * 2 / 5;
        (size - size / 5 + self.next() % spread.max(1)) as usize
    }
}

/// The n-th video frame's size in bytes, and whether it is a keyframe (`force_key`: the
/// receiver asked for one).
pub fn video_frame_size(n: u64, force_key: bool, jitter: &mut Jitter) -> (usize, bool) {
    let per_frame = VIDEO_BPS / 8 / u64::from(VIDEO_FPS);
    // Per keyframe period: (KEYFRAME_EVERY - 1) deltas and one keyframe of FACTOR deltas.
    let delta = per_frame * KEYFRAME_EVERY / (KEYFRAME_EVERY - 1 + KEYFRAME_FACTOR);
    let key = force_key || n.is_multiple_of(KEYFRAME_EVERY);
    let size = if key { delta * KEYFRAME_FACTOR } else { delta };
    (jitter.around(size), key)
}

/// A VP8-like frame of `size` bytes (at least 10).
pub fn video_frame(size: usize, key: bool, n: u64) -> Vec<u8> {
    let size = size.max(10);
    let mut f = vec![0u8; size];
    // Frame tag (RFC 6386 9.1): bit 0 = 0 for a keyframe, version 0, show_frame = 1,
    // first partition size (19 bits).
    let first_part = (size as u32 / 4).min(0x7FFFF);
    let tag = u32::from(!key) | (1 << 4) | (first_part << 5);
    f[0..3].copy_from_slice(&tag.to_le_bytes()[0..3]);
    if key {
        f[3..6].copy_from_slice(&[0x9d, 0x01, 0x2a]);
        f[6..8].copy_from_slice(&640u16.to_le_bytes());
        f[8..10].copy_from_slice(&480u16.to_le_bytes());
    }
    // Some content that is not all zeros.
    for (i, b) in f.iter_mut().enumerate().skip(10) {
        *b = (i as u64 ^ n) as u8;
    }
    f
}

/// An Opus-like 20 ms frame.
pub fn audio_frame(n: u64, jitter: &mut Jitter) -> Vec<u8> {
    let size = jitter.around(AUDIO_BPS / 8 / 50);
    // TOC byte: config 31 (CELT FB 20 ms), mono, one frame.
    let mut f = vec![0xF8u8; size.max(2)];
    for (i, b) in f.iter_mut().enumerate().skip(1) {
        *b = (i as u64 ^ n) as u8;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sizes_average_to_the_bit_rates() {
        let mut j = Jitter::new(7);
        let frames = KEYFRAME_EVERY * 20;
        let (mut bytes, mut keys) = (0usize, 0);
        for n in 0..frames {
            let (size, key) = video_frame_size(n, false, &mut j);
            bytes += size;
            keys += usize::from(key);
        }
        let bps = bytes as f64 * 8.0 / (frames as f64 / f64::from(VIDEO_FPS));
        assert!((bps / VIDEO_BPS as f64 - 1.0).abs() < 0.05, "{bps}");
        assert_eq!(keys, 20);
        let audio: usize = (0..500).map(|n| audio_frame(n, &mut j).len()).sum();
        let bps = audio as f64 * 8.0 / 10.0;
        assert!((bps / AUDIO_BPS as f64 - 1.0).abs() < 0.05, "{bps}");
        let key = video_frame(1000, true, 0);
        assert_eq!(key[0] & 1, 0);
        assert_eq!(&key[3..6], &[0x9d, 0x01, 0x2a]);
        assert_eq!(video_frame(1000, false, 1)[0] & 1, 1);
    }
}
