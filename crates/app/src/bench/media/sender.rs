//! A peer's media clock: writes the synthetic audio and video frames through str0m's
//! `Writer` when they are due, one write (one mutation) at a time.

use std::time::{Duration, Instant};

use str0m::Rtc;
use str0m::format::Codec;
use str0m::media::{MediaTime, Mid, Pt};

use super::client::Track;
use super::source::{self, AUDIO_INTERVAL, Jitter, VIDEO_INTERVAL};

/// A peer's media clock: when the next audio and video frames are due.
pub struct Sender {
    pub mid_audio: Option<Mid>,
    pub mid_video: Option<Mid>,
    pub pt_audio: Option<Pt>,
    pub pt_video: Option<Pt>,
    pub next_audio: Option<Instant>,
    next_video: Option<Instant>,
    /// Frames written (audio, video).
    pub frames: [u64; 2],
    /// The next video frame is a keyframe (the receiver asked for one).
    pub force_key: bool,
    jitter: Jitter,
}

impl Sender {
    pub fn new(seed: u64) -> Sender {
        Sender {
            mid_audio: None,
            mid_video: None,
            pt_audio: None,
            pt_video: None,
            next_audio: None,
            next_video: None,
            frames: [0, 0],
            force_key: false,
            jitter: Jitter::new(seed),
        }
    }

    /// Finds the negotiated Opus and VP8 payload types of our send lines.
    pub fn learn(&mut self, rtc: &mut Rtc, mid: Mid, mids: &[(Mid, Track)]) {
        let Some((_, track)) = mids.iter().find(|(m, _)| *m == mid) else {
            return;
        };
        let want = if track.video { Codec::Vp8 } else { Codec::Opus };
        let pt = rtc.writer(mid).and_then(|w| {
            w.payload_params()
                .find(|p| p.spec().codec == want)
                .map(|p| p.pt())
        });
        if track.video {
            (self.mid_video, self.pt_video) = (Some(mid), pt);
        } else {
            (self.mid_audio, self.pt_audio) = (Some(mid), pt);
        }
    }

    pub fn start(&mut self, now: Instant, rtc: &mut Rtc, mids: &[(Mid, Track)]) {
        for (mid, _) in mids {
            if self.mid_audio != Some(*mid) && self.mid_video != Some(*mid) {
                self.learn(rtc, *mid, mids);
            }
        }
        self.next_audio = Some(now);
        // Video a little apart from audio, as from a real camera.
        self.next_video = Some(now + Duration::from_millis(5));
    }

    pub fn next_due(&self) -> Option<Instant> {
        match (self.next_audio, self.next_video) {
            (Some(a), Some(v)) => Some(a.min(v)),
            (a, v) => a.or(v),
        }
    }

    /// Writes one due frame (one mutation), if any.
    pub fn write_due(&mut self, now: Instant, rtc: &mut Rtc) -> anyhow::Result<bool> {
        if let (Some(at), Some(mid), Some(pt)) = (self.next_audio, self.mid_audio, self.pt_audio)
            && at <= now
        {
            let n = self.frames[0];
            let data = source::audio_frame(n, &mut self.jitter);
            let time = MediaTime::new(n * 960, str0m::media::Frequency::FORTY_EIGHT_KHZ);
            if let Some(w) = rtc.writer(mid) {
                w.write(pt, now, time, data)?;
            }
            self.frames[0] += 1;
            self.next_audio = Some(at + AUDIO_INTERVAL);
            return Ok(true);
        }
        if let (Some(at), Some(mid), Some(pt)) = (self.next_video, self.mid_video, self.pt_video)
            && at <= now
        {
            let n = self.frames[1];
            let (size, key) = source::video_frame_size(n, self.force_key, &mut self.jitter);
            self.force_key = false;
            let data = source::video_frame(size, key, n);
            let time = MediaTime::from_90khz(n * 3000);
            if let Some(w) = rtc.writer(mid) {
                w.write(pt, now, time, data)?;
            }
            self.frames[1] += 1;
            self.next_video = Some(at + VIDEO_INTERVAL);
            return Ok(true);
        }
        Ok(false)
    }
}
