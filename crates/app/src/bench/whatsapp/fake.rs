//! A fake WhatsApp Graph API inside the benchmark: a minimal HTTP/1.1 server on
//! `127.0.0.1:0` (keep-alive, `Content-Length` bodies) that answers every
//! `POST …/messages` carrying the right bearer token with 200 and a fresh message id
//! (`wamid.<run>.<n>`), and counts the requests per `biz_opaque_callback_data` (the outbox
//! key), so that a phase can check that every message reached it exactly once.
//!
//! It does as little as possible per request (parse the head, parse the JSON body, one
//! short critical section), so that it measures the sender rather than itself; the same
//! fake serves the raw baseline and the workers.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::{TcpListener, TcpStream};

/// Longest request head accepted.
const HEAD_MAX: usize = 16 * 1024;
/// Longest request body accepted.
const BODY_MAX: usize = 1024 * 1024;

/// What the fake knows of one key.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Requests that carried the key.
    pub count: u32,
    /// The message id answered to the first of them.
    pub wa_message_id: String,
    /// The recipient (`to`, digits).
    pub to: String,
}

#[derive(Default)]
struct State {
    /// Message ids given so far.
    next_id: u64,
    /// Requests answered 200.
    accepted: u64,
    /// Requests refused (wrong path, method, token or body).
    refused: u64,
    /// Connections accepted.
    connections: u64,
    /// Per key.
    keys: HashMap<String, Delivery>,
    /// Distinct keys per tag (a key's text up to its last `:`), for cheap progress checks.
    tags: HashMap<String, u64>,
}

struct Inner {
    run: String,
    /// How long each answer is held back (Meta's servers are not on the loopback).
    latency: std::time::Duration,
    auth: String,
    state: Mutex<State>,
}

impl Inner {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The fake; its accept loop ends when it is dropped.
pub struct FakeGraph {
    pub url: String,
    inner: Arc<Inner>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A key's tag: its text up to the last `:` (the whole key without one).
pub fn tag_of(key: &str) -> &str {
    key.rsplit_once(':').map_or(key, |(t, _)| t)
}

impl FakeGraph {
    /// Starts the fake; it accepts `Authorization: Bearer {token}` only, and holds every
    /// answer back for `latency`.
    pub async fn start(
        run: &str,
        token: &str,
        latency: std::time::Duration,
    ) -> anyhow::Result<FakeGraph> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let inner = Arc::new(Inner {
            run: run.to_string(),
            latency,
            auth: format!("Bearer {token}"),
            state: Mutex::new(State::default()),
        });
        let i = inner.clone();
        let accept = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((sock, _)) => {
                        i.state().connections += 1;
                        tokio::spawn(connection(i.clone(), sock));
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little, go on.
                        tracing::warn!(error = %e, "fake Graph API: accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    }
                }
            }
        });
        Ok(FakeGraph { url, inner, accept })
    }

    /// Distinct keys of a tag received so far.
    pub fn distinct(&self, tag: &str) -> u64 {
        self.inner.state().tags.get(tag).copied().unwrap_or(0)
    }

    /// The keys starting with `prefix` and what was received for each.
    pub fn deliveries(&self, prefix: &str) -> Vec<(String, Delivery)> {
        let mut v: Vec<(String, Delivery)> = self
            .inner
            .state()
            .keys
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, d)| (k.clone(), d.clone()))
            .collect();
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Requests accepted, refused, and connections opened so far.
    pub fn counters(&self) -> (u64, u64, u64) {
        let s = self.inner.state();
        (s.accepted, s.refused, s.connections)
    }

    /// Keys received whose text does not start with any of `prefixes`: messages the
    /// benchmark did not enqueue (already waiting in a reused database's outbox).
    pub fn foreign(&self, prefixes: &[String]) -> u64 {
        self.inner
            .state()
            .keys
            .keys()
            .filter(|k| !prefixes.iter().any(|p| k.starts_with(p.as_str())))
            .count() as u64
    }
}

/// A request, as far as the fake cares.
struct Request {
    post: bool,
    path: String,
    auth: Option<String>,
    body: Vec<u8>,
    close: bool,
}

/// Serves one connection: requests one after the other until the client closes it.
async fn connection(inner: Arc<Inner>, sock: TcpStream) {
    let _ = sock.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        let Some(req) = read_request(&sock, &mut buf).await else {
            return;
        };
        let (status, body) = answer(&inner, &req);
        if !inner.latency.is_zero() {
            tokio::time::sleep(inner.latency).await;
        }
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            404 => "Not Found",
            _ => "Bad Request",
        };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}\r\n{body}",
            body.len(),
            if req.close {
                "connection: close\r\n"
            } else {
                ""
            }
        );
        if write_all(&sock, response.as_bytes()).await.is_err() || req.close {
            return;
        }
    }
}

fn answer(inner: &Inner, req: &Request) -> (u16, String) {
    let refuse = |status: u16, message: &str| {
        inner.state().refused += 1;
        let body = serde_json::json!({"error": {"message": message, "type": "OAuthException", "code": 100, "fbtrace_id": "FAKE"}});
        (status, body.to_string())
    };
    if !req.post || !req.path.ends_with("/messages") {
        return refuse(404, "unknown path");
    }
    if req.auth.as_deref() != Some(inner.auth.as_str()) {
        return refuse(401, "bad access token");
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&req.body) else {
        return refuse(400, "body is not JSON");
    };
    let key = json["biz_opaque_callback_data"].as_str().unwrap_or("");
    let to = json["to"].as_str().unwrap_or("");
    let id = {
        let mut s = inner.state();
        s.accepted += 1;
        s.next_id += 1;
        let id = format!("wamid.{}.{}", inner.run, s.next_id);
        match s.keys.get_mut(key) {
            Some(d) => d.count += 1,
            None => {
                s.keys.insert(
                    key.to_string(),
                    Delivery {
                        count: 1,
                        wa_message_id: id.clone(),
                        to: to.to_string(),
                    },
                );
                *s.tags.entry(tag_of(key).to_string()).or_default() += 1;
            }
        }
        id
    };
    let body = serde_json::json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": id}],
    });
    (200, body.to_string())
}

/// Reads the next request from the connection (keeping what follows it in `buf`). `None` at
/// the end of the connection or on anything the fake does not handle (chunked bodies,
/// oversized heads or bodies).
async fn read_request(sock: &TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let mut chunk = [0u8; 8 * 1024];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > HEAD_MAX {
            return None;
        }
        let n = read_some(sock, &mut chunk).await?;
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?;
    let path = first.next()?.to_string();
    let version = first.next().unwrap_or("HTTP/1.1");
    let post = method == "POST";
    let (mut len, mut auth) = (0usize, None);
    let mut close = version == "HTTP/1.0";
    for (name, value) in lines.filter_map(|l| l.split_once(':')) {
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            len = value.parse().ok()?;
        } else if name.eq_ignore_ascii_case("authorization") {
            auth = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return None;
        }
    }
    if len > BODY_MAX {
        return None;
    }
    while buf.len() < head_end + len {
        let n = read_some(sock, &mut chunk).await?;
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..head_end + len].to_vec();
    buf.drain(..head_end + len);
    Some(Request {
        post,
        path,
        auth,
        body,
        close,
    })
}

/// Reads what is there (waiting for something); `None` at the end or on an error.
async fn read_some(sock: &TcpStream, chunk: &mut [u8]) -> Option<usize> {
    loop {
        sock.readable().await.ok()?;
        match sock.try_read(chunk) {
            Ok(0) => return None,
            Ok(n) => return Some(n),
            Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
            Err(_) => return None,
        }
    }
}

async fn write_all(sock: &TcpStream, mut data: &[u8]) -> std::io::Result<()> {
    while !data.is_empty() {
        sock.writable().await?;
        match sock.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
