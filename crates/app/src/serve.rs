//! `jenguk serve` and `jenguk demo`.

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
    let state = AppState::new(db.clone());
    jenguk_web::serve(listener, state, shutdown_signal()).await?;
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
