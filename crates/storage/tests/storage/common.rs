//! The test database (SQLite file or a fresh PostgreSQL database) and a fixture builder.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use jenguk_domain::visit::Actor;
use jenguk_domain::{
    Facility, FacilityCode, FacilityKind, Inmate, InmateStatus, LinkId, Nik, PersonName,
    PhoneNumber, Refusal, RegNumber, Relationship, VisitKind, VisitPolicy, Visitor, VisitorLink,
};
use jenguk_storage::{
    AuditEvent, BookingRequest, Channel, Db, LinkDecision, NewFacility, NewInmate, NewLink,
    NewTemplate, NewVisitor, SlotView, StorageError, VisitView,
};
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use sqlx::{AssertSqlSafe, Column, Connection, Row};

/// The variable naming a PostgreSQL server to test against.
pub const PG_ENV: &str = "JENGUK_TEST_POSTGRES";

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var(PG_ENV).is_ok_and(|v| !v.trim().is_empty())
}

/// 16 random hex digits.
pub fn random_hex() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("getrandom");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Removes the test database when dropped (best effort).
pub struct Guard {
    url: String,
    place: Place,
}

enum Place {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Guard {
    /// The database's URL, for a second `Db` or a raw connection.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SQLite files (database, WAL, shared memory), if on SQLite.
    pub fn sqlite_files(&self) -> Vec<PathBuf> {
        match &self.place {
            Place::Sqlite(dir) => std::fs::read_dir(dir)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default(),
            Place::Postgres { .. } => Vec::new(),
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        match &self.place {
            Place::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Place::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop cannot await and may run on a runtime thread: use a thread and a
                // runtime of its own. FORCE ends the pool's connections still open.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async move {
                        if let Ok(mut c) = sqlx::PgConnection::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::query(AssertSqlSafe(sql)).execute(&mut c).await;
                            let _ = c.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// The URL of `admin_url`'s server with another database name.
fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_and_path = &base[scheme_end..];
    let host = host_and_path
        .find('/')
        .map_or(host_and_path, |i| &host_and_path[..i]);
    let mut url = format!("{}{host}/{name}", &base[..scheme_end]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// A fresh, empty database (not yet migrated): its URL and the guard that removes it.
pub async fn fresh_url() -> (String, Guard) {
    if on_postgres() {
        let admin_url = std::env::var(PG_ENV).expect("env");
        let name = format!("jenguk_test_{}", random_hex());
        let mut c = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("connect to JENGUK_TEST_POSTGRES");
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut c)
            .await
            .expect("CREATE DATABASE");
        c.close().await.expect("close");
        let url = with_database(&admin_url, &name);
        (
            url.clone(),
            Guard {
                url,
                place: Place::Postgres { admin_url, name },
            },
        )
    } else {
        let dir = std::env::temp_dir().join(format!("jenguk-storage-test-{}", random_hex()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/t.db", dir.display());
        (
            url.clone(),
            Guard {
                url,
                place: Place::Sqlite(dir),
            },
        )
    }
}

/// A migrated database of its own for one test.
pub async fn test_db() -> (Db, Guard) {
    let (url, guard) = fresh_url().await;
    let db = Db::connect(&url).await.expect("Db::connect");
    (db, guard)
}

/// A direct connection to the test database, past the storage crate.
pub enum Raw {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

macro_rules! on_raw {
    ($raw:expr, |$c:ident| $body:expr) => {
        match $raw {
            Raw::Sqlite($c) => $body,
            Raw::Postgres($c) => $body,
        }
    };
}

/// Every column of a row as text (NULL as `NULL`).
fn row_texts<R: Row>(r: &R, out: &mut Vec<String>)
where
    usize: sqlx::ColumnIndex<R>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<bool>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    for (i, col) in r.columns().iter().enumerate() {
        let text = if let Ok(v) = r.try_get::<Option<String>, _>(i) {
            v
        } else if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
            v.map(|n| n.to_string())
        } else if let Ok(v) = r.try_get::<Option<bool>, _>(i) {
            v.map(|b| b.to_string())
        } else {
            panic!("column {} of an unexpected type", col.name())
        };
        out.push(text.unwrap_or_else(|| "NULL".into()));
    }
}

impl Raw {
    /// Opens a connection to the database at `url`.
    pub async fn open(url: &str) -> Raw {
        if url.starts_with("sqlite:") {
            let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                .expect("sqlite url")
                .busy_timeout(Duration::from_secs(30));
            Raw::Sqlite(
                sqlx::SqliteConnection::connect_with(&opts)
                    .await
                    .expect("raw sqlite connection"),
            )
        } else {
            Raw::Postgres(
                sqlx::PgConnection::connect(url)
                    .await
                    .expect("raw postgres connection"),
            )
        }
    }

    /// Runs a statement.
    pub async fn execute(&mut self, sql: &'static str) -> Result<u64, sqlx::Error> {
        on_raw!(self, |c| sqlx::query(sql)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))
    }

    /// One BIGINT.
    pub async fn scalar(&mut self, sql: &'static str) -> i64 {
        on_raw!(self, |c| sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut *c)
            .await
            .expect(sql))
    }

    /// Every column of every row, as text.
    pub async fn texts(&mut self, sql: &'static str) -> Vec<String> {
        let mut out = Vec::new();
        on_raw!(self, |c| {
            let rows = sqlx::query(sql).fetch_all(&mut *c).await.expect(sql);
            for r in &rows {
                row_texts(r, &mut out);
            }
        });
        out
    }

    /// Closes the connection.
    pub async fn close(self) {
        let _ = on_raw!(self, |c| c.close().await);
    }
}

/// What the fixture's facility allows.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Visits at once per family slot (and per legal slot).
    pub capacity: u16,
    /// Family visits per inmate per week.
    pub inmate_quota: u16,
    /// Family visits per visitor per week at the facility.
    pub visitor_quota: u16,
    /// Earliest booking, days ahead.
    pub min_days_ahead: u16,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            capacity: 5,
            inmate_quota: 1,
            visitor_quota: 1,
            min_days_ahead: 1,
        }
    }
}

/// A test database and the means to fill it. Cheap to clone (for spawned tasks).
#[derive(Clone)]
pub struct Fx {
    pub db: Db,
    pub now: Timestamp,
    pub tz: TimeZone,
    pub today: Date,
    pub who: AuditEvent,
    seq: Arc<AtomicU32>,
}

/// The family session of every weekday: 08:00–16:00 in 15-minute slots (32 a day).
pub const FAMILY_START: (i8, i8) = (8, 0);
/// The legal session of every weekday: 16:00–18:00 in 30-minute slots.
pub const LEGAL_START: (i8, i8) = (16, 0);

impl Fx {
    /// A fresh database; `now` is the real current instant.
    pub async fn new() -> (Fx, Guard) {
        let (db, guard) = test_db().await;
        let now = Timestamp::now();
        let tz = TimeZone::get("Asia/Jakarta").expect("tz");
        let today = now.to_zoned(tz.clone()).date();
        let fx = Fx {
            db,
            now,
            tz,
            today,
            who: AuditEvent {
                user_id: None,
                source: Some("test".into()),
            },
            seq: Arc::new(AtomicU32::new(0)),
        };
        (fx, guard)
    }

    /// The same fixture through another `Db` handle on the same database.
    pub fn with_db(&self, db: Db) -> Fx {
        Fx { db, ..self.clone() }
    }

    /// A number not handed out before in this database (for NIKs, phones, codes).
    pub fn next(&self) -> u32 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A facility in Asia/Jakarta with a family session (08:00–16:00, 15-minute slots) and a
    /// legal session (16:00–18:00, 30-minute slots) every day of the week.
    pub async fn facility(&self, spec: Spec) -> Facility {
        let n = self.next();
        let f = self
            .db
            .create_facility(
                &NewFacility {
                    code: FacilityCode::parse(&format!("RUTAN-T{n}")).expect("code"),
                    name: format!("Rutan Uji {n}"),
                    kind: FacilityKind::Rutan,
                    class: "IIB".into(),
                    province: "Banten".into(),
                    time_zone: "Asia/Jakarta".into(),
                    policy: VisitPolicy {
                        slot_minutes: 15,
                        min_days_ahead: spec.min_days_ahead,
                        max_days_ahead: 14,
                        cutoff_minutes: 60,
                        max_visits_per_inmate_per_week: spec.inmate_quota,
                        max_visits_per_visitor_per_week: spec.visitor_quota,
                        max_people_per_visit: 3,
                        record_family_visits: false,
                    },
                },
                &self.who,
                self.now,
            )
            .await
            .expect("create_facility");
        let valid_from = self.today.checked_sub(30.days()).expect("date");
        for wd in [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
        ] {
            for (kind, start, end, minutes) in [
                (VisitKind::Family, FAMILY_START, (16, 0), 15),
                (VisitKind::Legal, LEGAL_START, (18, 0), 30),
            ] {
                self.db
                    .create_template(
                        f.id,
                        &NewTemplate {
                            weekday: wd,
                            start: Time::new(start.0, start.1, 0, 0).expect("time"),
                            end: Time::new(end.0, end.1, 0, 0).expect("time"),
                            slot_minutes: minutes,
                            capacity: spec.capacity,
                            valid_from,
                            valid_to: None,
                            kind,
                        },
                        &self.who,
                        self.now,
                    )
                    .await
                    .expect("create_template");
            }
        }
        f
    }

    /// An inmate of the facility.
    pub async fn inmate(&self, f: &Facility, status: InmateStatus) -> Inmate {
        let n = self.next();
        self.db
            .create_inmate(
                f.id,
                &NewInmate {
                    reg_number: RegNumber::parse(&format!("B.I {n}/2024")).expect("reg"),
                    name: PersonName::parse(&format!("Warga Binaan {n}")).expect("name"),
                    status,
                    block: Some("A".into()),
                },
                &self.who,
                self.now,
            )
            .await
            .expect("create_inmate")
    }

    /// A valid NIK, different for each `n` below 10 000.
    pub fn nik(&self, n: u32) -> Nik {
        assert!((1..10_000).contains(&n));
        Nik::parse(&format!("317101170845{n:04}"), self.today).expect("nik")
    }

    /// A visitor with a fresh NIK and phone number.
    pub async fn visitor(&self) -> Visitor {
        let n = self.next();
        self.db
            .create_visitor(
                &NewVisitor {
                    name: PersonName::parse(&format!("Pengunjung {n}")).expect("name"),
                    nik: self.nik(n),
                    phone: PhoneNumber::parse(&format!("+62812{n:07}")).expect("phone"),
                },
                &self.who,
                self.now,
            )
            .await
            .expect("create_visitor")
    }

    /// A pending link.
    pub async fn link(&self, v: &Visitor, i: &Inmate, rel: Relationship) -> VisitorLink {
        self.db
            .create_link(
                &NewLink {
                    visitor_id: v.id,
                    inmate_id: i.id,
                    relationship: rel,
                    permit_number: None,
                    permit_expires: None,
                },
                &self.who,
                self.now,
            )
            .await
            .expect("create_link")
    }

    /// Approves a link (with a permit, for a tahanan).
    pub async fn approve(
        &self,
        id: LinkId,
        permit: Option<(&str, Date)>,
    ) -> Result<VisitorLink, StorageError> {
        self.db
            .decide_link(
                id,
                &LinkDecision::Approve {
                    permit_number: permit.map(|(p, _)| p.to_string()),
                    permit_expires: permit.map(|(_, d)| d),
                },
                None,
                &self.who,
                self.now,
            )
            .await
    }

    /// An approved family link (a parent).
    pub async fn approved(&self, v: &Visitor, i: &Inmate) -> VisitorLink {
        let l = self.link(v, i, Relationship::Parent).await;
        self.approve(l.id, None).await.expect("approve")
    }

    /// `n` narapidana, each with a visitor of their own on their approved list.
    pub async fn pairs(&self, f: &Facility, n: usize) -> Vec<(Inmate, Visitor)> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let i = self.inmate(f, InmateStatus::Narapidana).await;
            let v = self.visitor().await;
            self.approved(&v, &i).await;
            out.push((i, v));
        }
        out
    }

    /// The date `days` after today (facility local).
    pub fn day(&self, days: i64) -> Date {
        self.today.checked_add(days.days()).expect("date")
    }

    /// Monday of next week: its whole week lies 1–13 days ahead.
    pub fn next_monday(&self) -> Date {
        let back = i64::from(self.today.weekday().to_monday_zero_offset());
        self.day(7 - back)
    }

    /// The slots of one kind on a local date.
    pub async fn slots(&self, f: &Facility, date: Date, kind: VisitKind) -> Vec<SlotView> {
        self.db
            .slots(f, date, date)
            .await
            .expect("slots")
            .into_iter()
            .filter(|s| s.slot.kind == kind)
            .collect()
    }

    /// The family slot starting at `start`, as the schedule shows it now.
    pub async fn slot_view(&self, f: &Facility, start: Timestamp) -> SlotView {
        let date = start.to_zoned(self.tz.clone()).date();
        self.slots(f, date, VisitKind::Family)
            .await
            .into_iter()
            .find(|s| s.slot.start == start)
            .expect("slot")
    }

    /// A family booking by the visitor, for one person.
    pub fn request(
        &self,
        f: &Facility,
        start: Timestamp,
        i: &Inmate,
        v: &Visitor,
    ) -> BookingRequest {
        BookingRequest {
            facility: f.code.clone(),
            start,
            kind: VisitKind::Family,
            inmate_id: i.id,
            visitor_id: v.id,
            people: 1,
            channel: Channel::Web,
            actor: Actor::Family(v.id),
        }
    }

    /// Books.
    pub async fn book(&self, r: &BookingRequest) -> Result<VisitView, StorageError> {
        self.db.book(r, &self.who, self.now).await
    }

    /// Books every request at once, each on a task of its own released together.
    pub async fn book_all(
        &self,
        reqs: Vec<BookingRequest>,
    ) -> Vec<Result<VisitView, StorageError>> {
        let barrier = Arc::new(tokio::sync::Barrier::new(reqs.len()));
        let handles: Vec<_> = reqs
            .into_iter()
            .map(|r| {
                let fx = self.clone();
                let b = barrier.clone();
                tokio::spawn(async move {
                    b.wait().await;
                    fx.book(&r).await
                })
            })
            .collect();
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            out.push(h.await.expect("booking task"));
        }
        out
    }
}

/// The refusals of a booking that must have been refused.
pub fn refusals(r: Result<VisitView, StorageError>) -> Vec<Refusal> {
    match r {
        Err(StorageError::Refused(v)) => v,
        Err(e) => panic!("expected a refusal, got error {e:?}"),
        Ok(v) => panic!("expected a refusal, got booked visit {:?}", v.visit),
    }
}

/// Splits results into the visits booked and the refusals; any other error fails the test.
pub fn split(results: Vec<Result<VisitView, StorageError>>) -> (Vec<VisitView>, Vec<Vec<Refusal>>) {
    let mut ok = Vec::new();
    let mut refused = Vec::new();
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(StorageError::Refused(v)) => refused.push(v),
            Err(e) => panic!("a booking failed with something other than a refusal: {e:?}"),
        }
    }
    (ok, refused)
}
