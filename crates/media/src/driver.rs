//! The thin I/O shell around [`Core`]: one UDP socket, one dedicated thread running a
//! single-threaded tokio runtime, and the [`Sfu`] handle that sends it commands.
//!
//! The media loop has its own thread so that web traffic never delays packets, and packets
//! never hold up web requests.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::net::UdpSocket;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::core::Core;
use crate::types::{
    Counters, Joined, MediaConfig, MediaError, MediaEvent, ParticipantId, ParticipantRole,
    RoomInfo, RoomSpec, SfuStats,
};

/// How many events a slow subscriber may fall behind before it misses some.
const EVENT_BACKLOG: usize = 1024;
/// Datagrams read in one go before the loop looks at commands and timers again.
const READ_BATCH: usize = 64;

enum Command {
    OpenRoom(RoomSpec, oneshot::Sender<Result<(), MediaError>>),
    Join {
        room: String,
        role: ParticipantRole,
        offer: String,
        reply: oneshot::Sender<Result<Joined, MediaError>>,
    },
    Leave(String, ParticipantId, oneshot::Sender<()>),
    SetEnd(String, SystemTime, oneshot::Sender<Result<(), MediaError>>),
    CloseRoom(String, oneshot::Sender<()>),
    Rooms(oneshot::Sender<Vec<RoomInfo>>),
    Shutdown(oneshot::Sender<()>),
}

/// A cheap, cloneable handle to the running relay.
#[derive(Clone)]
pub struct Sfu {
    inner: Arc<Inner>,
}

struct Inner {
    commands: mpsc::UnboundedSender<Command>,
    events: broadcast::Sender<MediaEvent>,
    counters: Arc<Counters>,
    local_addr: SocketAddr,
    announced: SocketAddr,
}

// The web layer keeps the handle in shared state.
const _: () = {
    const fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Sfu>();
};

impl std::fmt::Debug for Sfu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sfu")
            .field("local_addr", &self.inner.local_addr)
            .finish()
    }
}

fn gone() -> MediaError {
    MediaError::Internal("the media relay has stopped".to_owned())
}

/// The UDP socket's wanted receive and send buffer size.
const SOCKET_BUFFER: usize = 4 * 1024 * 1024;

impl Sfu {
    /// Binds the UDP socket and starts the media loop on its own thread. The loop stops when
    /// the last handle is dropped.
    pub async fn start(config: MediaConfig) -> io::Result<Sfu> {
        let socket = std::net::UdpSocket::bind(config.udp_bind)?;
        socket.set_nonblocking(true)?;
        // Large kernel buffers: a short stall of the media thread (a busy machine) then
        // queues datagrams instead of dropping them and setting off keyframe requests. The
        // kernel caps the size at net.core.{r,w}mem_max; a refusal is not an error.
        let sock = socket2::SockRef::from(&socket);
        let _ = sock.set_recv_buffer_size(SOCKET_BUFFER);
        let _ = sock.set_send_buffer_size(SOCKET_BUFFER);
        let local_addr = socket.local_addr()?;
        let ip = config.public_ip.unwrap_or(match local_addr.ip() {
            IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        });
        let candidate = SocketAddr::new(ip, local_addr.port());
        let counters = Arc::new(Counters::default());
        let core = Core::with_counters(
            candidate,
            Instant::now(),
            SystemTime::now(),
            counters.clone(),
        );
        let (commands, rx) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(EVENT_BACKLOG);
        let publish = events.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("jenguk-media".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    match UdpSocket::from_std(socket) {
                        Ok(socket) => run(socket, core, rx, publish).await,
                        Err(e) => tracing::error!(error = %e, "media socket unusable"),
                    }
                })
            })?;
        tracing::info!(%local_addr, %candidate, "media relay listening");
        Ok(Sfu {
            inner: Arc::new(Inner {
                commands,
                events,
                counters,
                local_addr,
                announced: candidate,
            }),
        })
    }

    /// The bound UDP address.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr
    }

    /// The address browsers are told to send to (the relay's one ICE candidate): `public_ip`
    /// with the bound port, or the bound address with `0.0.0.0`/`::` read as loopback.
    pub fn announced_addr(&self) -> SocketAddr {
        self.inner.announced
    }

    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, MediaError> {
        let (tx, rx) = oneshot::channel();
        self.inner.commands.send(make(tx)).map_err(|_| gone())?;
        rx.await.map_err(|_| gone())
    }

    /// Opens a room for a visit, or updates `legal` and `ends_at` of a known one (a later
    /// `ends_at` opens an ended room again). A room terminated by [`Sfu::set_end`] stays closed
    /// whatever this says; only `set_end` opens it again.
    pub async fn open_room(&self, spec: RoomSpec) -> Result<(), MediaError> {
        self.ask(|r| Command::OpenRoom(spec, r)).await?
    }

    /// Admits a participant: the browser's SDP offer in, the answer out. A monitor's offer has
    /// four `recvonly` m-lines (family audio, family video, kiosk audio, kiosk video); a peer's
    /// offer has `sendrecv` audio then video.
    pub async fn join(
        &self,
        room: &str,
        role: ParticipantRole,
        offer_sdp: String,
    ) -> Result<Joined, MediaError> {
        let room = room.to_owned();
        self.ask(|reply| Command::Join {
            room,
            role,
            offer: offer_sdp,
            reply,
        })
        .await?
    }

    /// Removes a participant.
    pub async fn leave(&self, room: &str, participant: ParticipantId) {
        let _ = self
            .ask(|r| Command::Leave(room.to_owned(), participant, r))
            .await;
    }

    /// Moves the end of a room: later extends it, now (or earlier) terminates the call.
    pub async fn set_end(&self, room: &str, ends_at: SystemTime) -> Result<(), MediaError> {
        self.ask(|r| Command::SetEnd(room.to_owned(), ends_at, r))
            .await?
    }

    /// Closes a room now and forgets it.
    pub async fn close_room(&self, room: &str) {
        let _ = self.ask(|r| Command::CloseRoom(room.to_owned(), r)).await;
    }

    /// A snapshot of every room (empty if the relay has stopped).
    pub async fn rooms(&self) -> Vec<RoomInfo> {
        self.ask(Command::Rooms).await.unwrap_or_default()
    }

    /// Ends every call (`RoomClosed { reason: "shutdown" }`: the browsers are told at once
    /// through DTLS close) and stops the relay; later calls fail with
    /// [`MediaError::Internal`]. For a graceful server stop.
    pub async fn shutdown(&self) {
        let _ = self.ask(Command::Shutdown).await;
    }

    /// Events from now on. A receiver that falls more than 1024 events behind gets `Lagged`.
    pub fn subscribe(&self) -> broadcast::Receiver<MediaEvent> {
        self.inner.events.subscribe()
    }

    /// The relay's counters (atomics: cheap to call often).
    pub fn stats(&self) -> SfuStats {
        self.inner.counters.snapshot()
    }
}

/// Carries out a command; returns the reply of a shutdown, which is sent once everything
/// the shutdown produced has gone out.
fn apply(core: &mut Core, command: Command) -> Option<oneshot::Sender<()>> {
    let now = Instant::now();
    core.sync_clock(now, SystemTime::now());
    // A caller that stopped waiting is no reason to fail: replies are best effort.
    match command {
        Command::OpenRoom(spec, reply) => {
            let _ = reply.send(core.open_room(now, spec));
        }
        Command::Join {
            room,
            role,
            offer,
            reply,
        } => {
            let _ = reply.send(core.join(now, &room, role, &offer));
        }
        Command::Leave(room, participant, reply) => {
            core.leave(now, &room, participant);
            let _ = reply.send(());
        }
        Command::SetEnd(room, ends_at, reply) => {
            let _ = reply.send(core.set_end(now, &room, ends_at));
        }
        Command::CloseRoom(room, reply) => {
            core.close_room(now, &room);
            let _ = reply.send(());
        }
        Command::Rooms(reply) => {
            let _ = reply.send(core.rooms());
        }
        Command::Shutdown(reply) => {
            core.shutdown(now);
            return Some(reply);
        }
    }
    None
}

async fn run(
    socket: UdpSocket,
    mut core: Core,
    mut commands: mpsc::UnboundedReceiver<Command>,
    events: broadcast::Sender<MediaEvent>,
) {
    let mut buf = vec![0u8; 2048];
    let mut stopped = None;
    while stopped.is_none() {
        let wake = core
            .poll_timeout()
            .min(Instant::now() + Duration::from_secs(1));
        tokio::select! {
            biased;
            command = commands.recv() => match command {
                Some(command) => stopped = apply(&mut core, command),
                None => break,
            },
            readable = socket.readable() => {
                if readable.is_ok() {
                    for _ in 0..READ_BATCH {
                        match socket.try_recv_from(&mut buf) {
                            Ok((n, source)) => {
                                core.handle_receive(Instant::now(), source, &buf[..n]);
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                            // ICMP errors (e.g. port unreachable) surface here on some systems.
                            Err(_) => {}
                        }
                    }
                }
            },
            _ = tokio::time::sleep_until(wake.into()) => {},
        }
        let now = Instant::now();
        if now >= core.poll_timeout() {
            core.handle_timeout(now);
        }
        while let Some(t) = core.poll_transmit() {
            // UDP: a datagram that cannot be sent is lost like any other.
            if let Err(e) = socket.try_send_to(&t.contents, t.destination)
                && e.kind() == io::ErrorKind::WouldBlock
            {
                let _ = socket.send_to(&t.contents, t.destination).await;
            }
        }
        while let Some(event) = core.poll_event() {
            let _ = events.send(event);
        }
    }
    if let Some(reply) = stopped {
        let _ = reply.send(());
    }
    tracing::info!("media relay stopped");
}
