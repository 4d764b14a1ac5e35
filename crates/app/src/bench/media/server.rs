//! `jenguk bench media-server`: the real SFU ([`jenguk_media::Sfu`]) on loopback with a tiny
//! signalling API, in a process of its own so that its CPU and memory are measured alone.
//!
//! - `POST /rooms/{id}` opens a supervised room (ending in an hour);
//! - `POST /rooms/{id}/join/{role}` with an SDP offer as the body answers with the SDP answer;
//! - `GET /stats` gives the SFU's counters as JSON.
//!
//! Prints `http://127.0.0.1:PORT` on stdout, then serves until stdin closes.

use std::time::{Duration, SystemTime};

use anyhow::Context;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jenguk_media::{MediaConfig, ParticipantRole, RoomSpec, Sfu};

pub async fn serve() -> anyhow::Result<()> {
    let sfu = Sfu::start(MediaConfig {
        udp_bind: "127.0.0.1:0".parse()?,
        public_ip: None,
    })
    .await
    .context("starting the SFU")?;
    let app = Router::new()
        .route("/rooms/{id}", post(open))
        .route("/rooms/{id}/join/{role}", post(join))
        .route("/stats", get(stats))
        .with_state(sfu);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("http://{}", listener.local_addr()?);
    super::child::exit_when_stdin_closes();
    axum::serve(listener, app).await?;
    Ok(())
}

async fn open(State(sfu): State<Sfu>, Path(id): Path<String>) -> Response {
    let spec = RoomSpec {
        id,
        legal: false,
        ends_at: SystemTime::now() + Duration::from_secs(3600),
    };
    match sfu.open_room(spec).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::CONFLICT, e.to_string()).into_response(),
    }
}

async fn join(
    State(sfu): State<Sfu>,
    Path((id, role)): Path<(String, String)>,
    offer: String,
) -> Response {
    let Ok(role) = role.parse::<ParticipantRole>() else {
        return (StatusCode::NOT_FOUND, "no such role").into_response();
    };
    match sfu.join(&id, role, offer).await {
        Ok(joined) => (
            [(axum::http::header::CONTENT_TYPE, "application/sdp")],
            joined.answer_sdp,
        )
            .into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

async fn stats(State(sfu): State<Sfu>) -> Response {
    let s = sfu.stats();
    axum::Json(serde_json::json!({
        "forwarded_audio": s.forwarded_audio,
        "forwarded_video": s.forwarded_video,
        "forwarded_bytes": s.forwarded_bytes,
        "datagrams_in": s.datagrams_in,
        "datagrams_out": s.datagrams_out,
        "datagrams_dropped": s.datagrams_dropped,
        "participants": s.participants,
    }))
    .into_response()
}
