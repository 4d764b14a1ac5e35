//! The client against a tiny fake Graph API on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use jenguk_domain::phone::PhoneNumber;
use jenguk_notify::{
    Button, Client, MessageBody, MessageError, OutgoingMessage, Secret, SendError, SentMessage,
    WhatsAppConfig,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TOKEN: &str = "EAAG-secret-token";

/// What the fake answers.
#[derive(Clone, Copy)]
enum Behavior {
    Accept,
    ServerError,
    RateLimited,
    GraphError,
    Sleep,
    AcceptWithoutId,
}

/// A request the fake received.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Value,
}

#[derive(Clone)]
struct Fake {
    behavior: Behavior,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

async fn handle(State(fake): State<Fake>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let header_str = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        authorization: header_str(header::AUTHORIZATION),
        content_type: header_str(header::CONTENT_TYPE),
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    };
    if let Ok(mut seen) = fake.seen.lock() {
        seen.push(recorded);
    }
    let (status, retry_after, body) = match fake.behavior {
        Behavior::Accept => (
            StatusCode::OK,
            None,
            json!({
                "messaging_product": "whatsapp",
                "contacts": [{ "input": "6281234567890", "wa_id": "6281234567890" }],
                "messages": [{ "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ", "message_status": "accepted" }]
            }),
        ),
        Behavior::AcceptWithoutId => (StatusCode::OK, None, json!({ "success": true })),
        Behavior::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            json!({ "error": { "message": "An unknown error has occurred.", "type": "OAuthException", "code": 1, "fbtrace_id": "AbC" } }),
        ),
        Behavior::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            Some("7"),
            json!({ "error": { "message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4, "fbtrace_id": "DeF" } }),
        ),
        Behavior::GraphError => (
            StatusCode::BAD_REQUEST,
            None,
            json!({ "error": {
                "message": "(#132001) Template name does not exist in the translation",
                "type": "OAuthException",
                "code": 132001,
                "error_data": { "messaging_product": "whatsapp", "details": "template name (visit_confirmed) does not exist in id" },
                "error_subcode": 2494073,
                "fbtrace_id": "GhI"
            } }),
        ),
        Behavior::Sleep => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            (
                StatusCode::OK,
                None,
                json!({ "messages": [{ "id": "wamid.late" }] }),
            )
        }
    };
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(secs) = retry_after {
        builder = builder.header(header::RETRY_AFTER, secs);
    }
    builder
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

/// Starts the fake on 127.0.0.1:0 and returns a client pointed at it and what it records.
async fn start(
    behavior: Behavior,
    timeout: Duration,
) -> Result<(Client, Arc<Mutex<Vec<Recorded>>>), Box<dyn std::error::Error>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().fallback(handle).with_state(Fake {
        behavior,
        seen: seen.clone(),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = Client::new(&config(&format!("http://{addr}"))?, timeout)?;
    Ok((client, seen))
}

fn config(base: &str) -> Result<WhatsAppConfig, Box<dyn std::error::Error>> {
    Ok(WhatsAppConfig::new(
        "106540352242922",
        Secret::new(TOKEN),
        Secret::new("app-secret"),
        Secret::new("verify"),
    )?
    .with_api_base(base)?)
}

fn message() -> Result<OutgoingMessage, Box<dyn std::error::Error>> {
    Ok(OutgoingMessage::new(
        PhoneNumber::parse("+62 812-3456-7890")?,
        MessageBody::Buttons {
            body: "Kunjungan Senin 09.00 untuk Budi. Hadir?".into(),
            buttons: vec![
                Button::new("visit:9:yes", "Ya, hadir"),
                Button::new("visit:9:cancel", "Batalkan"),
            ],
        },
    )
    .with_callback_data("outbox:42"))
}

fn recorded(seen: &Arc<Mutex<Vec<Recorded>>>) -> Vec<Recorded> {
    seen.lock().map(|s| s.clone()).unwrap_or_default()
}

#[tokio::test]
async fn sends_and_returns_the_message_id() -> TestResult {
    let (client, seen) = start(Behavior::Accept, Duration::from_secs(5)).await?;
    let sent = client.send(&message()?).await?;
    assert_eq!(
        sent,
        SentMessage {
            wa_message_id: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ".into()
        }
    );
    let seen = recorded(&seen);
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v21.0/106540352242922/messages");
    assert_eq!(r.authorization.as_deref(), Some("Bearer EAAG-secret-token"));
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        r.body,
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "6281234567890",
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": { "text": "Kunjungan Senin 09.00 untuk Budi. Hadir?" },
                "action": { "buttons": [
                    { "type": "reply", "reply": { "id": "visit:9:yes", "title": "Ya, hadir" } },
                    { "type": "reply", "reply": { "id": "visit:9:cancel", "title": "Batalkan" } }
                ] }
            },
            "biz_opaque_callback_data": "outbox:42"
        })
    );
    // The token shows nowhere in the client's Debug output.
    assert!(!format!("{client:?}").contains(TOKEN));
    Ok(())
}

#[tokio::test]
async fn server_error_is_transient() -> TestResult {
    let (client, _) = start(Behavior::ServerError, Duration::from_secs(5)).await?;
    let err = client.send(&message()?).await.err();
    match err {
        Some(SendError::Transient {
            reason,
            retry_after,
        }) => {
            assert!(reason.starts_with("HTTP 500"), "{reason}");
            assert_eq!(retry_after, None);
        }
        other => return Err(format!("expected transient, got {other:?}").into()),
    }
    Ok(())
}

#[tokio::test]
async fn rate_limit_is_transient_with_retry_after() -> TestResult {
    let (client, _) = start(Behavior::RateLimited, Duration::from_secs(5)).await?;
    let err = client.send(&message()?).await.err();
    assert!(
        matches!(
            &err,
            Some(SendError::Transient { retry_after: Some(d), .. }) if *d == Duration::from_secs(7)
        ),
        "{err:?}"
    );
    assert_eq!(
        err.and_then(|e| e.retry_after()),
        Some(Duration::from_secs(7))
    );
    Ok(())
}

#[tokio::test]
async fn graph_error_is_permanent_with_code() -> TestResult {
    let (client, _) = start(Behavior::GraphError, Duration::from_secs(5)).await?;
    let err = client.send(&message()?).await.err();
    match err {
        Some(SendError::Permanent {
            status,
            code,
            reason,
        }) => {
            assert_eq!(status, 400);
            assert_eq!(code, Some(132001));
            assert!(reason.contains("Template name does not exist"), "{reason}");
            assert!(reason.contains("does not exist in id"), "{reason}");
            assert!(reason.contains("fbtrace_id GhI"), "{reason}");
            assert!(!reason.contains(TOKEN));
        }
        other => return Err(format!("expected permanent, got {other:?}").into()),
    }
    Ok(())
}

#[tokio::test]
async fn ok_without_id_is_transient() -> TestResult {
    let (client, _) = start(Behavior::AcceptWithoutId, Duration::from_secs(5)).await?;
    let err = client.send(&message()?).await.err();
    assert!(
        matches!(&err, Some(SendError::Transient { reason, .. }) if reason.contains("messages[0].id")),
        "{err:?}"
    );
    Ok(())
}

#[tokio::test]
async fn timeout_is_transient() -> TestResult {
    let (client, seen) = start(Behavior::Sleep, Duration::from_millis(300)).await?;
    let started = std::time::Instant::now();
    let err = client.send(&message()?).await.err();
    assert!(started.elapsed() < Duration::from_secs(3));
    match err {
        Some(SendError::Transient { reason, .. }) => {
            assert!(reason.starts_with("timed out"), "{reason}");
            assert!(!reason.contains(TOKEN));
        }
        other => return Err(format!("expected transient, got {other:?}").into()),
    }
    assert_eq!(recorded(&seen).len(), 1);
    Ok(())
}

#[tokio::test]
async fn closed_port_is_transient() -> TestResult {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    drop(listener);
    let client = Client::new(&config(&format!("http://{addr}"))?, Duration::from_secs(2))?;
    let err = client.send(&message()?).await.err();
    match err {
        Some(SendError::Transient { reason, .. }) => {
            assert!(reason.starts_with("could not connect"), "{reason}");
        }
        other => return Err(format!("expected transient, got {other:?}").into()),
    }
    Ok(())
}

#[tokio::test]
async fn invalid_message_is_not_sent() -> TestResult {
    let (client, seen) = start(Behavior::Accept, Duration::from_secs(5)).await?;
    let mut msg = message()?;
    msg.body = MessageBody::Buttons {
        body: "b".into(),
        buttons: (0..4)
            .map(|i| Button::new(format!("b{i}"), format!("t{i}")))
            .collect(),
    };
    let err = client.send(&msg).await.err();
    assert_eq!(
        err,
        Some(SendError::Invalid(MessageError::Count {
            field: "buttons",
            max: 3,
            actual: 4
        }))
    );
    assert!(recorded(&seen).is_empty());
    Ok(())
}

#[test]
fn https_client_builds_with_rustls() -> TestResult {
    // The real Graph API is HTTPS: building the client must set up TLS without a
    // process-wide crypto provider having been installed.
    let client = Client::new(
        &config("https://graph.facebook.com")?,
        Duration::from_secs(5),
    )?;
    assert_eq!(
        client.messages_url(),
        "https://graph.facebook.com/v21.0/106540352242922/messages"
    );
    Ok(())
}
