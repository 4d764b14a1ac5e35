//! Migrations run once, however many times and however many at once we connect.

use std::str::FromStr;
use std::sync::Arc;

use sqlx::Connection;

use jenguk_domain::{Nik, PersonName, PhoneNumber};
use jenguk_storage::{AuditEvent, Db, NewVisitor};
use jiff::Timestamp;

use crate::common::{Raw, fresh_url, on_postgres};

fn nik(now: Timestamp) -> Nik {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    Nik::parse("3171011708450001", today).expect("nik")
}

async fn check_schema(url: &str) {
    let mut raw = Raw::open(url).await;
    let applied = raw.scalar("SELECT COUNT(*) FROM schema_migrations").await;
    let newest = raw
        .scalar("SELECT MAX(version) FROM schema_migrations")
        .await;
    assert!(applied >= 1);
    assert_eq!(applied, newest, "each migration applied exactly once");
    assert_eq!(
        raw.scalar("SELECT COUNT(*) FROM settings WHERE key = 'nik_hash_key'")
            .await,
        1
    );
    raw.close().await;
}

#[tokio::test]
async fn connecting_again_keeps_the_schema_and_the_nik_key() {
    let (url, _g) = fresh_url().await;
    let now = Timestamp::now();
    let a = Db::connect(&url).await.expect("first connect");
    let v = a
        .create_visitor(
            &NewVisitor {
                name: PersonName::parse("Siti").expect("name"),
                nik: nik(now),
                phone: PhoneNumber::parse("081234567890").expect("phone"),
            },
            &AuditEvent::cli(),
            now,
        )
        .await
        .expect("visitor");

    // A second handle while the first is open.
    let b = Db::connect(&url).await.expect("second connect");
    assert_eq!(a.nik_hash(&nik(now)), b.nik_hash(&nik(now)));
    assert_eq!(
        b.visitor_by_nik(&nik(now))
            .await
            .expect("by nik")
            .map(|x| x.id),
        Some(v.id)
    );
    a.close().await;
    b.close().await;

    // And again after both closed.
    let c = Db::connect(&url).await.expect("third connect");
    assert_eq!(
        c.visitor_by_nik(&nik(now))
            .await
            .expect("by nik")
            .map(|x| x.id),
        Some(v.id)
    );
    c.close().await;
    check_schema(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_first_connections_all_succeed() {
    let (url, _g) = fresh_url().await;
    if !on_postgres() {
        // Switching a new SQLite file to WAL takes an exclusive lock that the busy timeout
        // does not wait for (see `a_new_sqlite_file_opened_twice_at_once`): put the empty
        // file in WAL mode first, so that what races here is the migrations.
        let opts = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
            .expect("url")
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let c = sqlx::SqliteConnection::connect_with(&opts)
            .await
            .expect("wal");
        c.close().await.expect("close");
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (url, b) = (url.clone(), barrier.clone());
            tokio::spawn(async move {
                b.wait().await;
                Db::connect(&url).await
            })
        })
        .collect();
    let mut dbs = Vec::new();
    for h in handles {
        dbs.push(h.await.expect("task").expect("connect at once"));
    }
    let now = Timestamp::now();
    let hashes: Vec<String> = dbs.iter().map(|d| d.nik_hash(&nik(now))).collect();
    assert!(
        hashes.windows(2).all(|w| w[0] == w[1]),
        "one NIK key for all"
    );
    for d in &dbs {
        d.ping().await.expect("ping");
        d.close().await;
    }
    check_schema(&url).await;
}

/// Two handles opening a brand-new SQLite file at the same instant: the switch to WAL needs an
/// exclusive lock that SQLite's busy handler does not wait for, so one of them can fail with
/// "database is locked" unless `Db::connect` retries, as it does.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_new_sqlite_file_opened_twice_at_once() {
    if on_postgres() {
        return;
    }
    for _ in 0..150 {
        let (url, _g) = fresh_url().await;
        let barrier = Arc::new(tokio::sync::Barrier::new(4));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (url, b) = (url.clone(), barrier.clone());
                tokio::spawn(async move {
                    b.wait().await;
                    Db::connect(&url).await
                })
            })
            .collect();
        for h in handles {
            let db = h
                .await
                .expect("task")
                .expect("connect at once to a new file");
            db.close().await;
        }
    }
}
