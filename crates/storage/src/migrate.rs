//! Embedded migrations, one list per backend, applied in order at start-up.

use crate::row::RowExt;
use crate::{Backend, Db, Result, StorageError, on_pool};

const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../migrations/sqlite/0002_outbox.sql")),
    (
        3,
        include_str!("../migrations/sqlite/0003_facility_whatsapp.sql"),
    ),
    (
        4,
        include_str!("../migrations/sqlite/0004_family_portal.sql"),
    ),
    (
        5,
        include_str!("../migrations/sqlite/0005_inbound_sender.sql"),
    ),
    (6, include_str!("../migrations/sqlite/0006_companions.sql")),
    (
        7,
        include_str!("../migrations/sqlite/0007_staff_console.sql"),
    ),
    (
        8,
        include_str!("../migrations/sqlite/0008_login_failures.sql"),
    ),
    (
        9,
        include_str!("../migrations/sqlite/0009_visitor_bans.sql"),
    ),
    (
        10,
        include_str!("../migrations/sqlite/0010_inmate_imports.sql"),
    ),
    (11, include_str!("../migrations/sqlite/0011_day_board.sql")),
    (
        12,
        include_str!("../migrations/sqlite/0012_video_calls.sql"),
    ),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_init.sql")),
    (2, include_str!("../migrations/postgres/0002_outbox.sql")),
    (
        3,
        include_str!("../migrations/postgres/0003_facility_whatsapp.sql"),
    ),
    (
        4,
        include_str!("../migrations/postgres/0004_family_portal.sql"),
    ),
    (
        5,
        include_str!("../migrations/postgres/0005_inbound_sender.sql"),
    ),
    (
        6,
        include_str!("../migrations/postgres/0006_companions.sql"),
    ),
    (
        7,
        include_str!("../migrations/postgres/0007_staff_console.sql"),
    ),
    (
        8,
        include_str!("../migrations/postgres/0008_login_failures.sql"),
    ),
    (
        9,
        include_str!("../migrations/postgres/0009_visitor_bans.sql"),
    ),
    (
        10,
        include_str!("../migrations/postgres/0010_inmate_imports.sql"),
    ),
    (
        11,
        include_str!("../migrations/postgres/0011_day_board.sql"),
    ),
    (
        12,
        include_str!("../migrations/postgres/0012_video_calls.sql"),
    ),
];

/// Applies the migrations not yet applied, each in its own transaction. On PostgreSQL an
/// advisory lock keeps several instances starting at once from racing.
pub(crate) async fn run(db: &Db) -> Result<()> {
    match &db.backend {
        Backend::Sqlite { pool, .. } => {
            sqlx::raw_sql(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
            )
            .execute(pool)
            .await
            .map(|r| r.rows_affected())?;
            for (version, sql) in SQLITE {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let done: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                        .bind(version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if done.is_none() {
                    sqlx::raw_sql(*sql)
                        .execute(&mut *tx)
                        .await
                        .map(|r| r.rows_affected())?;
                    mark(&mut tx, *version).await?;
                    tracing::info!(version, "applied SQLite migration");
                }
                tx.commit().await?;
            }
        }
        Backend::Postgres(pool) => {
            for (version, sql) in POSTGRES {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(4242001)")
                    .execute(&mut *tx)
                    .await
                    .map(|r| r.rows_affected())?;
                sqlx::raw_sql(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                )
                .execute(&mut *tx)
                .await
                .map(|r| r.rows_affected())?;
                let done: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                        .bind(version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if done.is_none() {
                    sqlx::raw_sql(*sql)
                        .execute(&mut *tx)
                        .await
                        .map(|r| r.rows_affected())?;
                    sqlx::query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    )
                    .bind(version)
                    .bind(jiff::Timestamp::now().as_second())
                    .execute(&mut *tx)
                    .await
                    .map(|r| r.rows_affected())?;
                    tracing::info!(version, "applied PostgreSQL migration");
                }
                tx.commit().await?;
            }
        }
    }
    Ok(())
}

async fn mark(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>, version: i64) -> Result<()> {
    sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
        .bind(version)
        .bind(jiff::Timestamp::now().as_second())
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(())
}

/// The key of the NIK hash: generated once, kept in `settings`. A NIK is never stored, only
/// this keyed hash (for uniqueness and exact-match search) and its masked form.
pub(crate) async fn nik_key(db: &Db) -> Result<[u8; 32]> {
    let fresh: [u8; 32] = crate::random_bytes()?;
    let hex: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
    on_pool!(db, |p| sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('nik_hash_key', $1) ON CONFLICT (key) DO NOTHING"
    )
    .bind(&hex)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    let row = on_pool!(db, |p| {
        let r = sqlx::query("SELECT value FROM settings WHERE key = 'nik_hash_key'")
            .fetch_one(p)
            .await?;
        r.string("value")
    })?;
    let bytes: Vec<u8> = (0..row.len())
        .step_by(2)
        .filter_map(|i| {
            row.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    bytes
        .try_into()
        .map_err(|_| StorageError::Corrupt("settings.nik_hash_key".into()))
}
