//! Importing inmates: created, updated, unchanged; idempotent; all or nothing.

use std::sync::Arc;

use jenguk_domain::{Facility, InmateStatus, PersonName, RegNumber};
use jenguk_storage::{ImportReport, InmateRow, InmateSearch, NewInmate, StorageError};

use crate::common::{Fx, Raw, Spec};

fn row(line: u64, reg: &str, name: &str, status: InmateStatus, block: Option<&str>) -> InmateRow {
    (
        line,
        NewInmate {
            reg_number: RegNumber::parse(reg).expect("reg"),
            name: PersonName::parse(name).expect("name"),
            status,
            block: block.map(str::to_string),
        },
    )
}

async fn all_inmates(fx: &Fx, f: &Facility) -> Vec<jenguk_domain::Inmate> {
    fx.db
        .search_inmates(
            f.id,
            &InmateSearch {
                query: None,
                limit: 200,
                offset: 0,
            },
        )
        .await
        .expect("search")
}

#[tokio::test]
async fn an_import_reports_what_it_did_and_is_idempotent() {
    let (fx, _g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    use InmateStatus::{Narapidana, Tahanan};
    for (_, n) in [
        row(0, "B.I 1/2024", "Ahmad Fauzi", Narapidana, Some("A")),
        row(0, "A.II 2/2025", "Budi Santoso", Tahanan, Some("B")),
    ] {
        fx.db
            .create_inmate(f.id, &n, &fx.who, fx.now)
            .await
            .expect("create");
    }

    let rows = vec![
        // Same number typed loosely, same data: unchanged.
        row(2, "b.i   1/2024", "Ahmad Fauzi", Narapidana, Some("A")),
        // Sentenced since: updated.
        row(3, "A.II 2/2025", "Budi Santoso", Narapidana, Some("C")),
        row(4, "B.I 3/2024", "Citra Lestari", Narapidana, None),
        row(5, "B.I 4/2024", "Dewi Anggraini", Tahanan, Some("D")),
    ];
    let report = fx
        .db
        .import_inmates(f.id, &rows, &fx.who, fx.now)
        .await
        .expect("import");
    assert_eq!(
        report,
        ImportReport {
            created: 2,
            updated: 1,
            unchanged: 1
        }
    );
    let again = fx
        .db
        .import_inmates(f.id, &rows, &fx.who, fx.now)
        .await
        .expect("import again");
    assert_eq!(
        again,
        ImportReport {
            created: 0,
            updated: 0,
            unchanged: 4
        }
    );

    let all = all_inmates(&fx, &f).await;
    assert_eq!(all.len(), 4);
    let budi = all
        .iter()
        .find(|i| i.reg_number.as_str() == "A.II 2/2025")
        .expect("budi");
    assert_eq!(budi.status, Narapidana);
    assert_eq!(budi.block.as_deref(), Some("C"));
    let audit = fx.db.audit_events(Some(f.id), 100).await.expect("audit");
    assert_eq!(
        audit.iter().filter(|a| a.action == "inmate.import").count(),
        2
    );

    // Search by a part of the name (any case) or the start of the number; `%` and `_` are
    // taken literally.
    let search = |q: &str| {
        let s = InmateSearch {
            query: Some(q.to_string()),
            limit: 50,
            offset: 0,
        };
        let db = fx.db.clone();
        let fid = f.id;
        async move {
            let mut regs: Vec<String> = db
                .search_inmates(fid, &s)
                .await
                .expect("search")
                .into_iter()
                .map(|i| i.reg_number.as_str().to_string())
                .collect();
            regs.sort();
            regs
        }
    };
    assert_eq!(search("santoso").await, vec!["A.II 2/2025"]);
    assert_eq!(
        search("b.i").await,
        vec!["B.I 1/2024", "B.I 3/2024", "B.I 4/2024"]
    );
    assert_eq!(search("ANGGRA").await, vec!["B.I 4/2024"]);
    assert!(search("%").await.is_empty());
    assert!(search("_").await.is_empty());
}

#[tokio::test]
async fn an_import_that_hits_a_unique_violation_writes_nothing() {
    let (fx, g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let (_, ahmad) = row(
        0,
        "B.I 1/2024",
        "Ahmad Fauzi",
        InmateStatus::Narapidana,
        None,
    );
    fx.db
        .create_inmate(f.id, &ahmad, &fx.who, fx.now)
        .await
        .expect("create");

    // A test-only unique index (one name per facility) that the third row violates after the
    // first two rows were written inside the import's transaction.
    let mut raw = Raw::open(g.url()).await;
    raw.execute("CREATE UNIQUE INDEX test_only_unique_name ON inmates (facility_id, name_search)")
        .await
        .expect("index");
    let history_before = raw.scalar("SELECT COUNT(*) FROM inmate_reg_history").await;
    let audit_before = fx.db.audit_events(None, 10_000).await.expect("audit").len();

    let rows = vec![
        row(
            2,
            "B.I 2/2024",
            "Citra Lestari",
            InmateStatus::Narapidana,
            None,
        ),
        row(
            3,
            "B.I 1/2024",
            "Ahmad Fauzi Baru",
            InmateStatus::Narapidana,
            None,
        ),
        row(
            4,
            "B.I 3/2024",
            "Citra Lestari",
            InmateStatus::Tahanan,
            None,
        ),
    ];
    let err = fx
        .db
        .import_inmates(f.id, &rows, &fx.who, fx.now)
        .await
        .expect_err("unique violation");
    assert!(
        matches!(err, StorageError::Conflict(_)) || err.is_unique_violation(),
        "{err:?}"
    );

    let all = all_inmates(&fx, &f).await;
    assert_eq!(all.len(), 1, "no row of the failed import was kept");
    assert_eq!(
        all[0].name.as_str(),
        "Ahmad Fauzi",
        "the update was rolled back"
    );
    assert_eq!(
        raw.scalar("SELECT COUNT(*) FROM inmate_reg_history").await,
        history_before
    );
    assert_eq!(
        fx.db.audit_events(None, 10_000).await.expect("audit").len(),
        audit_before
    );
    raw.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_imports_of_one_file_create_each_inmate_once() {
    let (fx, _g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let rows: Arc<Vec<InmateRow>> = Arc::new(
        (1..=20)
            .map(|n| {
                row(
                    n,
                    &format!("B.I {n}/2025"),
                    &format!("Warga {n}"),
                    InmateStatus::Narapidana,
                    None,
                )
            })
            .collect(),
    );
    let barrier = Arc::new(tokio::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (fx, rows, b, fid) = (fx.clone(), rows.clone(), barrier.clone(), f.id);
            tokio::spawn(async move {
                b.wait().await;
                fx.db.import_inmates(fid, &rows, &fx.who, fx.now).await
            })
        })
        .collect();
    let mut created = 0;
    let mut succeeded = 0;
    for h in handles {
        match h.await.expect("task") {
            Ok(r) => {
                assert_eq!(r.created + r.updated + r.unchanged, 20);
                assert_eq!(r.updated, 0);
                created += r.created;
                succeeded += 1;
            }
            // PostgreSQL: an import racing another one for the same new numbers fails whole.
            Err(StorageError::Conflict("reg_number_taken")) => {}
            Err(e) => panic!("import failed: {e:?}"),
        }
    }
    assert!(succeeded >= 1);
    assert_eq!(created, 20);
    assert_eq!(all_inmates(&fx, &f).await.len(), 20);
}

/// On PostgreSQL `import_inmates` takes no lock: two imports of one file at once both miss
/// the new numbers, both insert, and all but one fail whole with `reg_number_taken` (a
/// conflict the file does not have). On SQLite they take turns and the later ones report
/// every row unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_imports_of_one_file_all_succeed() {
    let (fx, _g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let rows: Arc<Vec<InmateRow>> = Arc::new(
        (1..=20)
            .map(|n| {
                row(
                    n,
                    &format!("B.I {n}/2025"),
                    &format!("Warga {n}"),
                    InmateStatus::Narapidana,
                    None,
                )
            })
            .collect(),
    );
    let barrier = Arc::new(tokio::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (fx, rows, b, fid) = (fx.clone(), rows.clone(), barrier.clone(), f.id);
            tokio::spawn(async move {
                b.wait().await;
                fx.db.import_inmates(fid, &rows, &fx.who, fx.now).await
            })
        })
        .collect();
    let mut created = 0;
    for h in handles {
        let r = h.await.expect("task").expect("every import succeeds");
        created += r.created;
    }
    assert_eq!(created, 20);
}
