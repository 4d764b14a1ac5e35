//! `jenguk serve` and `jenguk demo`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
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
    if demo {
        crate::demo::seed_if_empty(&db).await?;
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    if demo {
        crate::demo::print_accounts();
    }
    println!("Jenguk is listening on http://{addr}/");
    tracing::info!(%addr, database = %crate::redact(&args.db.database), "serving");
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
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
        .with_demo(demo);
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
    jenguk_web::serve(listener, state, shutdown_signal()).await?;
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
