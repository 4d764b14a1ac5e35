//! Sending messages through the WhatsApp Cloud API.
//!
//! Failures are sorted for the outbox worker: [`SendError::Transient`] means "try again later"
//! (the message was probably not sent), [`SendError::Permanent`] and [`SendError::Invalid`]
//! mean "retrying the same request will not help".

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Deserialize;

use crate::config::WhatsAppConfig;
use crate::message::{MessageError, OutgoingMessage};

/// Most of a response body that is read (a Graph answer is a few hundred bytes).
const RESPONSE_BODY_MAX: usize = 64 * 1024;

/// Longest `Retry-After` honoured; a larger value is clamped to this.
const RETRY_AFTER_MAX: Duration = Duration::from_secs(24 * 60 * 60);

/// Graph / Cloud API error codes that mean "slow down" or "our side is down": worth retrying
/// whatever the HTTP status. Meta says to act on `code`, not on the HTTP status, and its own
/// tables list throttling errors with HTTP 400 as well as 429.
///
/// - 2 API service (temporary downtime), 4 app call rate limit, 17 user call rate limit,
///   341 application limit reached;
/// - 80007 WhatsApp Business Account rate limit, 130429 Cloud API throughput reached,
///   131048 spam rate limit (quality-based; may clear later), 131056 business/consumer pair
///   rate limit;
/// - 131000 unknown error (an HTTP 500), 131016 service unavailable, 133004 server
///   temporarily unavailable.
pub const TRANSIENT_GRAPH_CODES: &[i64] = &[
    2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004,
];

/// A message the Cloud API accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    /// The `wamid.…` id; status webhooks for this message carry it.
    pub wa_message_id: String,
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later: HTTP 5xx, 408 or 429, a Graph throttling or "temporarily
    /// unavailable" code ([`TRANSIENT_GRAPH_CODES`]) under any status, a timeout, a connection
    /// error, or a 2xx answer without `messages[0].id`.
    ///
    /// That last case is treated as transient on purpose: a 2xx without a message id is not
    /// what the Graph API answers when it accepts a message (more likely a proxy or a wrong
    /// `api_base`), and the outbox promises at-least-once delivery, so retrying (and at worst
    /// sending twice) beats silently losing a visit confirmation.
    #[error("transient WhatsApp send failure: {reason}")]
    Transient {
        /// What happened (no secrets).
        reason: String,
        /// How long the API asked to wait (`Retry-After` seconds), if it said.
        retry_after: Option<Duration>,
    },
    /// Refused for good (other 4xx): a bad recipient, a template that does not exist, an
    /// expired token, a message outside the 24-hour window … Retrying will not help.
    #[error("WhatsApp refused the message (HTTP {status}, code {code:?}): {reason}")]
    Permanent {
        /// The HTTP status.
        status: u16,
        /// The Graph error `code`, when the answer had one.
        code: Option<i64>,
        /// The Graph error `message`, `error_data.details` and `fbtrace_id`, or the start of
        /// the body.
        reason: String,
    },
    /// The message breaks a Cloud API limit and was not sent at all.
    #[error("invalid WhatsApp message: {0}")]
    Invalid(#[from] MessageError),
}

impl SendError {
    /// Whether retrying later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient { .. })
    }

    /// How long the API asked to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SendError::Transient { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Why a [`Client`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The access token cannot be sent in an HTTP header (control characters).
    #[error("the WhatsApp access token is not a valid HTTP header value")]
    Token,
    /// The HTTP client could not be built (TLS set-up).
    #[error("building the HTTP client: {0}")]
    Http(String),
}

/// A WhatsApp Cloud API client for one business phone number. Cheap to clone (the connection
/// pool is shared). Its `Debug` output shows no token.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    url: String,
    auth: HeaderValue,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.url)
            .field("auth", &"Bearer <redacted>")
            .finish()
    }
}

impl Client {
    /// A client for `config`'s phone number; `timeout` bounds each whole request (connecting,
    /// sending and reading the answer).
    pub fn new(config: &WhatsAppConfig, timeout: Duration) -> Result<Client, ClientError> {
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.access_token().expose()))
            .map_err(|_| ClientError::Token)?;
        auth.set_sensitive(true);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            // A redirect from the Graph API is not expected; never follow one with the token.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("jenguk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Http(error_chain(&e)))?;
        Ok(Client {
            http,
            url: config.messages_url(),
            auth,
        })
    }

    /// The URL messages are posted to.
    pub fn messages_url(&self) -> &str {
        &self.url
    }

    /// Sends one message: `POST {api_base}/{api_version}/{phone_number_id}/messages` with the
    /// bearer token and the message's JSON. Validates the message first.
    pub async fn send(&self, msg: &OutgoingMessage) -> Result<SentMessage, SendError> {
        msg.validate()?;
        let body = msg.to_json().to_string();
        let resp = self
            .http
            .post(&self.url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        let retry_after = parse_retry_after(resp.headers());
        let bytes = read_limited(resp).await.map_err(transport)?;
        let outcome = classify(status, retry_after, &bytes);
        match &outcome {
            Ok(sent) => {
                tracing::debug!(wa_message_id = %sent.wa_message_id, "WhatsApp message accepted")
            }
            Err(e) => tracing::debug!(error = %e, "WhatsApp message not sent"),
        }
        outcome
    }
}

#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    messages: Vec<SendResponseMessage>,
}

#[derive(Deserialize)]
struct SendResponseMessage {
    id: Option<String>,
}

#[derive(Deserialize)]
struct GraphErrorBody {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    message: Option<String>,
    code: Option<i64>,
    error_data: Option<GraphErrorData>,
    fbtrace_id: Option<String>,
}

#[derive(Deserialize)]
struct GraphErrorData {
    details: Option<String>,
}

/// Sorts an answer of the Graph API into a result.
fn classify(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<SentMessage, SendError> {
    if status.is_success() {
        let id = serde_json::from_slice::<SendResponse>(body)
            .ok()
            .and_then(|r| r.messages.into_iter().next())
            .and_then(|m| m.id)
            .filter(|id| !id.trim().is_empty());
        return match id {
            Some(wa_message_id) => Ok(SentMessage { wa_message_id }),
            None => Err(SendError::Transient {
                reason: format!("HTTP {} without messages[0].id", status.as_u16()),
                retry_after,
            }),
        };
    }
    let graph = serde_json::from_slice::<GraphErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let code = graph.as_ref().and_then(|g| g.code);
    let reason = describe(status, graph.as_ref(), body);
    let transient = status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || code.is_some_and(|c| TRANSIENT_GRAPH_CODES.contains(&c));
    if transient {
        Err(SendError::Transient {
            reason,
            retry_after,
        })
    } else {
        Err(SendError::Permanent {
            status: status.as_u16(),
            code,
            reason,
        })
    }
}

/// `HTTP 400: (#131026) Message undeliverable — details [code 131026, fbtrace_id X]`.
fn describe(status: StatusCode, graph: Option<&GraphError>, body: &[u8]) -> String {
    let mut s = format!("HTTP {}", status.as_u16());
    match graph {
        Some(g) => {
            if let Some(m) = g.message.as_deref().filter(|m| !m.is_empty()) {
                s.push_str(": ");
                s.push_str(&clip(m, 500));
            }
            if let Some(d) = g
                .error_data
                .as_ref()
                .and_then(|d| d.details.as_deref())
                .filter(|d| !d.is_empty())
            {
                s.push_str(" — ");
                s.push_str(&clip(d, 500));
            }
            let mut tags = Vec::new();
            if let Some(c) = g.code {
                tags.push(format!("code {c}"));
            }
            if let Some(t) = g.fbtrace_id.as_deref() {
                tags.push(format!("fbtrace_id {}", clip(t, 64)));
            }
            if !tags.is_empty() {
                s.push_str(&format!(" [{}]", tags.join(", ")));
            }
        }
        None => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if !text.is_empty() {
                s.push_str(": ");
                s.push_str(&clip(text, 200));
            }
        }
    }
    s
}

/// The first `max` characters of `s`, control characters replaced by spaces.
fn clip(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    out.truncate(out.trim_end().len());
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

/// `Retry-After` in seconds (the HTTP-date form is ignored), clamped to a day.
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs).min(RETRY_AFTER_MAX))
}

/// Reads at most [`RESPONSE_BODY_MAX`] bytes of the body.
async fn read_limited(mut resp: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = RESPONSE_BODY_MAX.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if buf.len() >= RESPONSE_BODY_MAX {
            break;
        }
    }
    Ok(buf)
}

/// A failure to talk to the API at all: always transient.
fn transport(e: reqwest::Error) -> SendError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    SendError::Transient {
        reason: format!("{what}: {}", error_chain(&e)),
        retry_after: None,
    }
}

/// An error and its sources, `: `-separated (reqwest's own message alone is terse).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        source = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(RETRY_AFTER, v);
        }
        h
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            parse_retry_after(&headers("7")),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after(&headers(" 30 ")),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(&headers("-1")), None);
        assert_eq!(
            parse_retry_after(&headers("999999999")),
            Some(RETRY_AFTER_MAX)
        );
        assert_eq!(parse_retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn success_needs_an_id() {
        let ok = br#"{"messaging_product":"whatsapp","contacts":[{"input":"6281234567890","wa_id":"6281234567890"}],"messages":[{"id":"wamid.HBgN","message_status":"accepted"}]}"#;
        assert_eq!(
            classify(StatusCode::OK, None, ok),
            Ok(SentMessage {
                wa_message_id: "wamid.HBgN".into()
            })
        );
        for body in [
            &b"{}"[..],
            b"",
            b"<html>ok</html>",
            br#"{"messages":[]}"#,
            br#"{"messages":[{"id":""}]}"#,
        ] {
            assert!(matches!(
                classify(StatusCode::OK, None, body),
                Err(SendError::Transient { .. })
            ));
        }
    }

    #[test]
    fn throttling_codes_are_transient_under_400() {
        let body = br#"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"fbtrace_id":"Az8or2yhqkZfEZ"}}"#;
        match classify(StatusCode::BAD_REQUEST, None, body) {
            Err(SendError::Transient { reason, .. }) => {
                assert!(reason.contains("Rate limit hit"), "{reason}");
                assert!(reason.contains("throughput"), "{reason}");
                assert!(reason.contains("Az8or2yhqkZfEZ"), "{reason}");
            }
            other => unreachable!("expected transient, got {other:?}"),
        }
    }

    #[test]
    fn other_client_errors_are_permanent() {
        let body = br#"{"error":{"message":"(#131026) Message undeliverable","type":"OAuthException","code":131026,"fbtrace_id":"X"}}"#;
        assert_eq!(
            classify(StatusCode::BAD_REQUEST, None, body),
            Err(SendError::Permanent {
                status: 400,
                code: Some(131026),
                reason: "HTTP 400: (#131026) Message undeliverable [code 131026, fbtrace_id X]"
                    .into()
            })
        );
        assert_eq!(
            classify(StatusCode::UNAUTHORIZED, None, b"nope\n\x07"),
            Err(SendError::Permanent {
                status: 401,
                code: None,
                reason: "HTTP 401: nope".into()
            })
        );
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, Some(Duration::from_secs(3)), b"<html>"),
            Err(SendError::Transient { retry_after: Some(d), .. }) if d == Duration::from_secs(3)
        ));
    }
}
