//! `jenguk serve` and `jenguk demo`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use jenguk_storage::Db;
use jenguk_web::AppState;

use crate::ServeArgs;

/// Connects, migrates, (for a demo) seeds, binds and serves until SIGTERM or Ctrl-C.
pub async fn serve(args: &ServeArgs, demo: bool) -> anyhow::Result<()> {
    let db = Db::connect(&args.db.database).await.with_context(|| {
        format!(
            "cannot open the database {}",
            crate::redact(&args.db.database)
        )
    })?;
    let media_config = args.media.media_config(demo)?;
    let ice = args.media.ice_config()?;
    let tls = match (&args.tls.tls_cert, &args.tls.tls_key) {
        (Some(cert), Some(key)) => Some(crate::tls::server_config(cert, key)?),
        (None, None) => None,
        _ => bail!("HTTPS needs both --tls-cert and --tls-key"),
    };
    if demo {
        crate::demo::seed_if_empty(&db).await?;
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let sfu = jenguk_media::Sfu::start(media_config.clone())
        .await
        .with_context(|| {
            format!(
                "cannot start the media relay on UDP {} (--media-udp)",
                media_config.udp_bind
            )
        })?;
    if demo {
        crate::demo::print_accounts();
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    let announced = sfu.announced_addr();
    println!(
        "Video visits: media relay on UDP {}, announced to browsers as {announced}",
        sfu.local_addr()
    );
    // Last: whoever waits for this line may stop reading stdout (and a print to a closed pipe
    // fails).
    println!("Jenguk is listening on {scheme}://{addr}/");
    if !demo && media_config.public_ip.is_none() && announced.ip().is_loopback() {
        tracing::warn!(
            "the media relay announces {announced}: only a browser on this machine can reach it; set --media-public-ip"
        );
    }
    tracing::info!(%addr, media = %sfu.local_addr(), %announced, tls = tls.is_some(), turn = ice.has_turn(), database = %crate::redact(&args.db.database), "serving");
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("{scheme}://{addr}"));
    let whatsapp = args.whatsapp.config()?.map(Arc::new);
    let client = match &whatsapp {
        Some(cfg) => Some(Arc::new(
            jenguk_notify::Client::new(cfg, Duration::from_secs(15))
                .map_err(|e| anyhow::anyhow!("WhatsApp client: {e}"))?,
        )),
        None => {
            tracing::warn!("WhatsApp channel off: messages wait in the outbox");
            None
        }
    };
    let mut state = AppState::new(db.clone())
        .with_public_url(&public_url)
        .with_demo(demo)
        .with_media(sfu.clone())
        .with_ice(ice);
    if let Some(cfg) = &whatsapp {
        state = state.with_whatsapp(cfg.clone());
    }
    if demo && whatsapp.is_none() {
        println!(
            "WhatsApp is off: the messages families would receive are at {public_url}/demo/outbox"
        );
    }
    let worker = jenguk_notify::worker::Worker::new(
        db.clone(),
        client,
        state.chat.clone(),
        public_url.clone(),
        jenguk_notify::worker::WorkerConfig {
            lease_secs: args.whatsapp.outbox_lease_secs.max(1),
            grace_secs: args.whatsapp.outbox_grace_secs.max(0),
            ..jenguk_notify::worker::WorkerConfig::default()
        },
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(worker.run(stop_rx));
    match tls {
        Some(config) => {
            use axum::serve::ListenerExt;
            // `tap_io` gives the connections a `SocketAddr` as their `ConnectInfo`.
            let listener = crate::tls::TlsListener::new(listener, config)?.tap_io(|_| {});
            // `jenguk_web::serve` starts the room service itself; this path must too.
            let rooms = jenguk_web::call::rooms::spawn_room_service(state.clone());
            let app = jenguk_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await;
            rooms.abort();
            served?;
        }
        None => jenguk_web::serve(listener, state, shutdown_signal()).await?,
    }
    // Calls in progress are told at once (DTLS close) rather than timing out.
    sfu.shutdown().await;
    let _ = stop_tx.send(true);
    if tokio::time::timeout(Duration::from_secs(20), worker)
        .await
        .is_err()
    {
        tracing::warn!("the delivery worker did not stop in time");
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
