//! A fake WhatsApp Graph API: it stands for Meta's servers, which lie outside our system.
//! It records every request (path, bearer token, exact JSON), answers as scripted (accept,
//! fail with a status, hang, drop the connection), and — like WhatsApp — reports every
//! message it accepted back to our webhook with a signed `sent` status carrying the
//! message's callback data, retrying until our server answers 200.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const APP_SECRET: &str = "test-app-secret";
pub const VERIFY_TOKEN: &str = "test-verify-token";
pub const TOKEN: &str = "test-access-token";
pub const PHONE_NUMBER_ID: &str = "1098765432";

/// How the fake answers one request.
#[derive(Debug, Clone)]
pub enum Behavior {
    /// 200 with a message id; the message counts as delivered to the family.
    Accept,
    /// An error status (with `Retry-After` seconds if given); not delivered.
    Fail(u16, Option<u64>),
    /// Sleeps, then fails 500: not delivered (the client gives up first).
    Hang(Duration),
    /// Closes the connection without answering: not delivered.
    Drop,
    /// Delivers the message, then never answers (the sender dies waiting).
    AcceptThenHang,
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub auth: String,
    pub body: Value,
    pub delivered: bool,
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    /// Scripted answers for messages whose callback data starts with a prefix.
    script: Vec<(String, VecDeque<Behavior>)>,
    next_id: u64,
    webhook: Option<String>,
}

#[derive(Clone)]
pub struct FakeGraph {
    pub url: String,
    state: Arc<Mutex<State>>,
}

pub fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

impl FakeGraph {
    pub async fn start() -> FakeGraph {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let fake = FakeGraph {
            url,
            state: Arc::new(Mutex::new(State::default())),
        };
        let f = fake.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let f = f.clone();
                tokio::spawn(async move { f.serve(sock).await });
            }
        });
        fake
    }

    /// Where accepted messages are reported (our server's webhook).
    pub fn report_to(&self, webhook_url: &str) {
        self.state.lock().unwrap().webhook = Some(webhook_url.to_string());
    }

    /// The next answers, in order, for messages whose callback data (the outbox key)
    /// starts with `key_prefix`; after them, and for other messages, every request is
    /// accepted.
    pub fn script(&self, key_prefix: &str, behaviors: impl IntoIterator<Item = Behavior>) {
        self.state
            .lock()
            .unwrap()
            .script
            .push((key_prefix.to_string(), behaviors.into_iter().collect()));
    }

    /// The requests for one outbox key.
    pub fn requests_for(&self, key: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.body["biz_opaque_callback_data"] == key)
            .collect()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The messages delivered to families (accepted), in order.
    pub fn delivered(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r.delivered)
            .map(|r| r.body)
            .collect()
    }

    /// Waits until at least `n` messages are delivered (at most `secs` seconds).
    pub async fn wait_delivered(&self, n: usize, secs: u64) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let d = self.delivered();
            if d.len() >= n || tokio::time::Instant::now() > deadline {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn serve(&self, mut sock: TcpStream) {
        let Some((path, headers, body)) = read_request(&mut sock).await else {
            return;
        };
        let auth = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let key = json["biz_opaque_callback_data"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let behavior = self
            .state
            .lock()
            .unwrap()
            .script
            .iter_mut()
            .find(|(prefix, _)| key.starts_with(prefix.as_str()))
            .and_then(|(_, q)| q.pop_front())
            .unwrap_or(Behavior::Accept);
        let delivered = matches!(behavior, Behavior::Accept | Behavior::AcceptThenHang);
        let id = {
            let mut s = self.state.lock().unwrap();
            s.next_id += 1;
            s.requests.push(Recorded {
                path,
                auth,
                body: json.clone(),
                delivered,
            });
            format!("wamid.FAKE{}", s.next_id)
        };
        if delivered {
            // WhatsApp reports a message it took even when the sender never heard back;
            // the report of one whose answer hangs comes a little later.
            let delay = if matches!(behavior, Behavior::AcceptThenHang) {
                Duration::from_millis(3500)
            } else {
                Duration::ZERO
            };
            self.report_sent(&id, &json, delay);
        }
        match behavior {
            Behavior::Accept => {
                let body = json!({"messaging_product": "whatsapp", "contacts": [{"input": json["to"], "wa_id": json["to"]}], "messages": [{"id": id}]});
                respond(&mut sock, 200, None, &body).await;
            }
            Behavior::Fail(status, retry_after) => {
                let body = json!({"error": {"message": "scripted failure", "type": "OAuthException", "code": if status == 400 { 100 } else { 1 }, "fbtrace_id": "X"}});
                respond(&mut sock, status, retry_after, &body).await;
            }
            Behavior::Hang(d) => {
                tokio::time::sleep(d).await;
                respond(&mut sock, 500, None, &json!({})).await;
            }
            Behavior::Drop => drop(sock),
            Behavior::AcceptThenHang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
        }
    }

    fn report_sent(&self, id: &str, msg: &Value, delay: Duration) {
        let Some(url) = self.state.lock().unwrap().webhook.clone() else {
            return;
        };
        let payload = status_payload(
            id,
            "sent",
            msg["to"].as_str().unwrap_or(""),
            msg["biz_opaque_callback_data"].as_str(),
        );
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let client = reqwest::Client::new();
            for _ in 0..600 {
                let body = payload.to_string();
                let ok = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-hub-signature-256", sign(body.as_bytes()))
                    .body(body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<(String, Vec<(String, String)>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split_whitespace().nth(1)?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[header_end..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((path, headers, body))
}

async fn respond(sock: &mut TcpStream, status: u16, retry_after: Option<u64>, body: &Value) {
    let body = body.to_string();
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    if let Some(r) = retry_after {
        head.push_str(&format!("retry-after: {r}\r\n"));
    }
    head.push_str("\r\n");
    let _ = sock.write_all(head.as_bytes()).await;
    let _ = sock.write_all(body.as_bytes()).await;
    let _ = sock.shutdown().await;
}

fn envelope(value: Value) -> Value {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA1", "changes": [{"field": "messages", "value": value}]}]})
}

fn metadata() -> Value {
    json!({"display_phone_number": "6281100000000", "phone_number_id": PHONE_NUMBER_ID})
}

/// A delivery status, as WhatsApp posts it.
pub fn status_payload(id: &str, status: &str, recipient: &str, callback: Option<&str>) -> Value {
    let mut st =
        json!({"id": id, "status": status, "timestamp": "1767225600", "recipient_id": recipient});
    if let Some(c) = callback {
        st["biz_opaque_callback_data"] = json!(c);
    }
    envelope(json!({"messaging_product": "whatsapp", "metadata": metadata(), "statuses": [st]}))
}

/// A family's text message, as WhatsApp posts it.
pub fn text_payload(from: &str, id: &str, text: &str) -> Value {
    envelope(json!({
        "messaging_product": "whatsapp", "metadata": metadata(),
        "contacts": [{"profile": {"name": "Keluarga"}, "wa_id": from}],
        "messages": [{"from": from, "id": id, "timestamp": "1767225600", "type": "text", "text": {"body": text}}]
    }))
}

/// A tap on a reply button or a list row.
pub fn choice_payload(from: &str, id: &str, choice_id: &str, title: &str, list: bool) -> Value {
    let interactive = if list {
        json!({"type": "list_reply", "list_reply": {"id": choice_id, "title": title}})
    } else {
        json!({"type": "button_reply", "button_reply": {"id": choice_id, "title": title}})
    };
    envelope(json!({
        "messaging_product": "whatsapp", "metadata": metadata(),
        "contacts": [{"profile": {"name": "Keluarga"}, "wa_id": from}],
        "messages": [{"from": from, "id": id, "timestamp": "1767225600", "type": "interactive", "interactive": interactive}]
    }))
}
