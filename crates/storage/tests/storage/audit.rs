//! The audit trail: written in the booking's transaction, append-only in the schema.

use jenguk_domain::VisitKind;
use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_storage::StorageError;

use crate::common::{Fx, Raw, Spec, on_postgres};

#[tokio::test]
async fn a_booking_writes_its_audit_row_and_the_trail_is_append_only() {
    let (fx, g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let pairs = fx.pairs(&f, 1).await;
    let (i, v) = &pairs[0];
    let s = fx.slots(&f, fx.day(3), VisitKind::Family).await[0]
        .slot
        .start;
    let visit = fx.book(&fx.request(&f, s, i, v)).await.expect("book");

    let audit = fx.db.audit_events(Some(f.id), 100).await.expect("audit");
    let row = audit
        .iter()
        .find(|a| a.action == "visit.book")
        .expect("a visit.book row");
    assert_eq!(row.target_type, "visit");
    assert_eq!(row.target_id, visit.visit.id.0.to_string());
    assert_eq!(row.facility_id, Some(f.id.0));
    assert_eq!(row.source.as_deref(), Some("test"));
    assert_eq!(row.at.as_second(), fx.now.as_second());
    assert_eq!(row.detail["visitor_id"], serde_json::json!(v.id.0));
    assert_eq!(row.detail["inmate_id"], serde_json::json!(i.id.0));

    let mut raw = Raw::open(g.url()).await;
    let before = raw.scalar("SELECT COUNT(*) FROM audit_events").await;
    assert!(before > 0);
    for sql in [
        "UPDATE audit_events SET action = 'x'",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE action = 'visit.book'",
    ] {
        let err = raw.execute(sql).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    if on_postgres() {
        let err = raw
            .execute("TRUNCATE audit_events")
            .await
            .expect_err("truncate");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(
        raw.scalar("SELECT COUNT(*) FROM audit_events").await,
        before
    );
    assert_eq!(
        raw.scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'x'")
            .await,
        0
    );
    raw.close().await;

    // The trail still takes new rows.
    fx.db
        .transition_visit(
            &visit.code,
            VisitAction::Cancel,
            Actor::Family(v.id),
            None,
            &fx.who,
            fx.now,
        )
        .await
        .expect("cancel");
    let audit = fx.db.audit_events(Some(f.id), 100).await.expect("audit");
    assert_eq!(audit[0].action, "visit.status");
    assert_eq!(audit[0].detail["to"], "cancelled");
}

#[tokio::test]
async fn a_booking_whose_audit_row_fails_is_not_booked() {
    let (fx, g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let pairs = fx.pairs(&f, 1).await;
    let (i, v) = &pairs[0];
    let s = fx.slots(&f, fx.day(3), VisitKind::Family).await[0]
        .slot
        .start;

    // A test-only trigger makes the audit insert of a booking fail.
    let mut raw = Raw::open(g.url()).await;
    if on_postgres() {
        raw.execute(
            "CREATE FUNCTION test_refuse_audit() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION 'test: audit refused'; END; $$ LANGUAGE plpgsql",
        )
        .await
        .expect("function");
        raw.execute(
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW
             WHEN (NEW.action = 'visit.book') EXECUTE FUNCTION test_refuse_audit()",
        )
        .await
        .expect("trigger");
    } else {
        raw.execute(
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events
             WHEN NEW.action = 'visit.book'
             BEGIN SELECT RAISE(ABORT, 'test: audit refused'); END",
        )
        .await
        .expect("trigger");
    }

    match fx.book(&fx.request(&f, s, i, v)).await {
        Err(StorageError::Db(e)) => assert!(e.to_string().contains("audit refused"), "{e}"),
        other => panic!("expected the database error, got {other:?}"),
    }
    assert_eq!(raw.scalar("SELECT COUNT(*) FROM visits").await, 0);
    assert_eq!(raw.scalar("SELECT COUNT(*) FROM visit_events").await, 0);
    assert_eq!(fx.slot_view(&f, s).await.booked, 0);

    let drop = if on_postgres() {
        "DROP TRIGGER test_refuse_audit ON audit_events"
    } else {
        "DROP TRIGGER test_refuse_audit"
    };
    raw.execute(drop).await.expect("drop trigger");
    raw.close().await;
    fx.book(&fx.request(&f, s, i, v))
        .await
        .expect("books once the audit works");
}
