//! Jenguk's storage: the only place with SQL.
//!
//! One [`Db`] handle over SQLite (a file, WAL, the default for one facility on one box) or
//! PostgreSQL (a `postgres://` URL, for the national service with several instances). The
//! same SQL text serves both wherever the dialects agree (`$n` placeholders, `RETURNING`);
//! each backend has its own migrations, embedded in the binary.
//!
//! Architecture invariant: every booking rule that must hold under concurrency is checked and
//! written in one transaction that holds the locks it needs (SQLite: the single writer,
//! `BEGIN IMMEDIATE`; PostgreSQL: `FOR NO KEY UPDATE` on the facility, the inmate and the visitor, in
//! that order), never by a read followed by a separate write.

/// Statuses that hold a place (kept equal to `VisitStatus::ACTIVE_SQL`, checked by a test).
macro_rules! active_statuses {
    () => {
        "('requested','booked','checked_in','in_call')"
    };
}

/// Statuses that count toward quotas (kept equal to `VisitStatus::QUOTA_SQL`).
macro_rules! quota_statuses {
    () => {
        "('requested','booked','checked_in','in_call','completed','terminated','no_show')"
    };
}

mod audit;
mod auth;
mod bans;
mod booking;
mod channels;
mod chat;
mod desk;
mod error;
mod facilities;
mod family;
mod inmates;
mod login;
mod media;
mod migrate;
mod notices;
mod outbox;
mod row;
mod schedule;
mod staff_session;
mod visitors;
mod visits;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use tokio::sync::Mutex;

pub use audit::{AuditEntry, AuditEvent};
pub use auth::{Role, StaffUser, TokenIssued};
pub use bans::Ban;
pub use channels::FacilityChannel;
pub use chat::ChatSession;
pub use desk::{LinkRequest, Via, VisitLine};
pub use error::StorageError;
pub use facilities::NewFacility;
pub use family::{Companion, FamilySession, NewSession, Rating, SESSION_IDLE_SECS};
pub use inmates::{ImportReport, InmateRow, InmateSearch, NewInmate};
pub use media::{
    BoothVisit, CallTimes, KioskDevice, MAKEUP_DEFAULT_LIMIT_MINUTES, MediaEventRow,
    PAIRING_CODE_SECS, normalise_pairing_code,
};
pub use outbox::{DeliveryStatus, MessageKind, NewMessage, OutboxMessage};
pub use schedule::{NewExtraSession, NewTemplate, SlotView};
/// The database driver's error, for callers that tell "unavailable" from "failed".
pub use sqlx::Error as SqlxError;
pub use staff_session::{
    NewStaffSession, STAFF_IDLE_SECS, STAFF_MAX_SECS, SessionStage, StaffSession,
};
pub use visitors::{LinkDecision, LinkFilter, NewLink, NewVisitor};
pub use visits::{BookingRequest, Channel, VisitEventRow, VisitView};

/// Result of a storage call.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// The database, SQLite or PostgreSQL.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
    /// Key of the NIK hash (HMAC-SHA256), loaded from the database at start.
    nik_key: Arc<[u8; 32]>,
}

#[derive(Clone)]
enum Backend {
    Sqlite {
        pool: SqlitePool,
        /// SQLite has one writer at a time. Queueing writers here, in order, beats letting
        /// them spin on the busy handler: no "database is locked", and fair latency.
        writer: Arc<Mutex<()>>,
    },
    Postgres(PgPool),
}

/// Which backend a [`Db`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Runs `$body` with `$p` bound to the backend's pool; the same code text compiles once per
/// backend.
macro_rules! on_pool {
    ($db:expr, |$p:ident| $body:expr) => {
        match &$db.backend {
            $crate::Backend::Sqlite { pool: $p, .. } => $body,
            $crate::Backend::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs `$body` with `$c` bound to the transaction's connection.
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match &mut $tx.inner {
            $crate::TxInner::Sqlite(t, _) => {
                let $c = &mut **t;
                $body
            }
            $crate::TxInner::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: TxInner,
    /// Whether reads of rows that decide a booking take row locks (PostgreSQL write
    /// transactions); a read snapshot takes none.
    locking: bool,
}

enum TxInner {
    Sqlite(
        sqlx::Transaction<'static, sqlx::Sqlite>,
        Option<tokio::sync::OwnedMutexGuard<()>>,
    ),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    /// Commits.
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t, guard) => {
                t.commit().await?;
                drop(guard);
            }
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Whether selects of decisive rows should lock them (`FOR NO KEY UPDATE`).
    pub(crate) fn row_locks(&self) -> bool {
        self.locking && self.kind() == BackendKind::Postgres
    }

    pub(crate) fn kind(&self) -> BackendKind {
        match self.inner {
            TxInner::Sqlite(..) => BackendKind::Sqlite,
            TxInner::Postgres(_) => BackendKind::Postgres,
        }
    }
}

impl Db {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://…`, and runs the
    /// migrations of that backend.
    pub async fn connect(url: &str) -> Result<Db> {
        let backend = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StorageError::Config(format!("bad SQLite URL: {e}")))?
                .create_if_missing(true)
                // Set before WAL so that concurrent openers wait instead of failing.
                .busy_timeout(Duration::from_secs(30))
                .journal_mode(SqliteJournalMode::Wal)
                // FULL in WAL mode: a booking the family was told about survives power loss.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true);
            // Turning a new file to WAL needs an exclusive lock the busy timeout does not
            // wait for: when two processes open a new file at once, one retries.
            let mut attempt = 0;
            let pool = loop {
                attempt += 1;
                match SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    // A local file: a checkout needs no round trip to test the connection.
                    .test_before_acquire(false)
                    .connect_with(opts.clone())
                    .await
                {
                    Ok(pool) => break pool,
                    Err(sqlx::Error::Database(e))
                        if attempt < 20 && e.message().contains("locked") =>
                    {
                        tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            Backend::Sqlite {
                pool,
                writer: Arc::new(Mutex::new(())),
            }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StorageError::Config(format!("bad PostgreSQL URL: {e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(32)
                .acquire_timeout(Duration::from_secs(30))
                // Broken connections surface as errors on use; a ping per checkout costs a
                // round trip on every query.
                .test_before_acquire(false)
                .connect_with(opts)
                .await?;
            Backend::Postgres(pool)
        } else {
            return Err(StorageError::Config(
                "the database URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let mut db = Db {
            backend,
            nik_key: Arc::new([0; 32]),
        };
        migrate::run(&db).await?;
        db.nik_key = Arc::new(migrate::nik_key(&db).await?);
        Ok(db)
    }

    /// Which backend this is.
    pub fn kind(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite { .. } => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Begins a write transaction. On SQLite it waits its turn as the single writer and takes
    /// the write lock at once (`BEGIN IMMEDIATE`), so a read inside it sees what it will write
    /// over.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.backend {
            Backend::Sqlite { pool, writer } => {
                let guard = writer.clone().lock_owned().await;
                let t = pool.begin_with("BEGIN IMMEDIATE").await?;
                TxInner::Sqlite(t, Some(guard))
            }
            Backend::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            locking: true,
        })
    }

    /// Begins a read-only snapshot: no writer turn on SQLite, no row locks on PostgreSQL.
    /// Dropped, it ends.
    pub(crate) async fn begin_read(&self) -> Result<Tx> {
        let inner = match &self.backend {
            Backend::Sqlite { pool, .. } => TxInner::Sqlite(pool.begin().await?, None),
            Backend::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            locking: false,
        })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await)
    }
}

/// The current instant as stored: Unix seconds.
pub(crate) fn secs(t: jiff::Timestamp) -> i64 {
    t.as_second()
}

/// An instant truncated to whole seconds, as stored.
pub(crate) fn whole_seconds(t: jiff::Timestamp) -> jiff::Timestamp {
    jiff::Timestamp::from_second(t.as_second()).unwrap_or(t)
}

/// Draws `N` bytes from the operating system's CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| StorageError::Internal(format!("getrandom: {e}")))?;
    Ok(b)
}
