//! The real driver over loopback UDP: two str0m clients with their own sockets call each
//! other through a started [`Sfu`]. Real time, so it runs for about a second.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime};

use jenguk_media::{MediaConfig, MediaEventKind, ParticipantRole, RoomSpec, Sfu};
use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, MediaKind, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};

struct UdpClient {
    socket: UdpSocket,
    rtc: Rtc,
    mids: Vec<Mid>,
    connected: bool,
    video_bytes: u64,
}

impl UdpClient {
    async fn join(sfu: &Sfu, room: &str, role: ParticipantRole) -> UdpClient {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        let mut rtc = Rtc::builder().build(Instant::now());
        let addr = socket.local_addr().unwrap();
        rtc.add_local_candidate(Candidate::host(addr, "udp").unwrap());
        let mut api = rtc.sdp_api();
        let audio = api.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
        let video = api.add_media(MediaKind::Video, Direction::SendRecv, None, None, None);
        let (offer, pending) = api.apply().unwrap();
        let joined = sfu.join(room, role, offer.to_sdp_string()).await.unwrap();
        let answer = SdpAnswer::from_sdp_string(&joined.answer_sdp).unwrap();
        rtc.sdp_api().accept_answer(pending, answer).unwrap();
        UdpClient {
            socket,
            rtc,
            mids: vec![audio, video],
            connected: false,
            video_bytes: 0,
        }
    }

    /// Reads what arrived, handles timers and sends what is due.
    fn pump(&mut self) {
        let mut buf = [0u8; 2000];
        let local = self.socket.local_addr().unwrap();
        while let Ok((n, source)) = self.socket.recv_from(&mut buf) {
            let input = Input::Receive(
                Instant::now(),
                Receive {
                    proto: Protocol::Udp,
                    source,
                    destination: local,
                    contents: (&buf[..n]).try_into().unwrap(),
                },
            );
            self.rtc.handle_input(input).unwrap();
        }
        self.rtc
            .handle_input(Input::Timeout(Instant::now()))
            .unwrap();
        loop {
            match self.rtc.poll_output().unwrap() {
                Output::Timeout(_) => break,
                Output::Transmit(t) => {
                    let _ = self.socket.send_to(&t.contents, t.destination);
                }
                Output::Event(Event::Connected) => self.connected = true,
                Output::Event(Event::MediaData(d)) if d.mid == self.mids[1] => {
                    self.video_bytes += d.data.len() as u64;
                }
                Output::Event(_) => {}
            }
        }
    }

    fn send_frames(&mut self, start: Instant) {
        let now = Instant::now();
        for (i, codec, len) in [(0, Codec::Opus, 60), (1, Codec::Vp8, 800)] {
            let writer = self.rtc.writer(self.mids[i]).unwrap();
            let pt = writer
                .payload_params()
                .find(|p| p.spec().codec == codec)
                .unwrap()
                .pt();
            let mut data = vec![0x10, 0x02, 0x00, 0x9d];
            data.resize(len, 0x42);
            writer.write(pt, now, (now - start).into(), data).unwrap();
        }
    }
}

#[tokio::test]
async fn two_clients_call_each_other_through_the_running_relay() {
    let config = MediaConfig {
        udp_bind: "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
        public_ip: None,
    };
    let sfu = Sfu::start(config).await.unwrap();
    assert_ne!(sfu.local_addr().port(), 0);
    assert_eq!(sfu.announced_addr(), sfu.local_addr());
    assert_eq!(
        "kiosk".parse::<ParticipantRole>(),
        Ok(ParticipantRole::Kiosk)
    );
    let mut events = sfu.subscribe();
    let spec = RoomSpec {
        id: "42".to_owned(),
        legal: false,
        ends_at: SystemTime::now() + Duration::from_secs(60),
    };
    sfu.open_room(spec.clone()).await.unwrap();
    sfu.open_room(spec).await.unwrap(); // idempotent
    let mut family = UdpClient::join(&sfu, "42", ParticipantRole::Family).await;
    let mut kiosk = UdpClient::join(&sfu, "42", ParticipantRole::Kiosk).await;

    let start = Instant::now();
    let mut last_frame = start;
    while start.elapsed() < Duration::from_secs(10) {
        family.pump();
        kiosk.pump();
        if family.connected && kiosk.connected && last_frame.elapsed() >= Duration::from_millis(20)
        {
            family.send_frames(start);
            kiosk.send_frames(start);
            last_frame = Instant::now();
        }
        if family.video_bytes > 20_000 && kiosk.video_bytes > 20_000 {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        family.video_bytes > 20_000,
        "family got {}",
        family.video_bytes
    );
    assert!(
        kiosk.video_bytes > 20_000,
        "kiosk got {}",
        kiosk.video_bytes
    );
    let stats = sfu.stats();
    assert!(
        stats.forwarded_video > 20 && stats.datagrams_in > 50,
        "{stats:?}"
    );
    assert_eq!((stats.rooms, stats.participants), (1, 2));

    // Terminating the call now closes the room for everyone within moments.
    sfu.set_end("42", SystemTime::now()).await.unwrap();
    let rooms = sfu.rooms().await;
    assert!(rooms[0].ended && rooms[0].participants.is_empty());
    let mut seen = Vec::new();
    while let Ok(e) = events.try_recv() {
        seen.push(e.kind);
    }
    let connected = seen
        .iter()
        .filter(|k| **k == MediaEventKind::Connected)
        .count();
    assert_eq!(connected, 2, "{seen:?}");
    let terminated = MediaEventKind::RoomClosed {
        reason: "terminated",
    };
    assert!(seen.contains(&terminated), "{seen:?}");
    assert_eq!(
        sfu.join("42", ParticipantRole::Family, String::new())
            .await
            .err(),
        Some(jenguk_media::MediaError::RoomClosed)
    );
    sfu.close_room("42").await;
    assert!(sfu.rooms().await.is_empty());

    // A graceful stop ends what is open and stops the relay.
    let spec = RoomSpec {
        id: "43".to_owned(),
        legal: true,
        ends_at: SystemTime::now() + Duration::from_secs(60),
    };
    sfu.open_room(spec.clone()).await.unwrap();
    sfu.shutdown().await;
    let mut reasons = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let MediaEventKind::RoomClosed { reason } = e.kind {
            reasons.push((e.room, reason));
        }
    }
    assert!(
        reasons.contains(&("43".to_owned(), "shutdown")),
        "{reasons:?}"
    );
    assert!(matches!(
        sfu.open_room(spec).await,
        Err(jenguk_media::MediaError::Internal(_))
    ));
}
