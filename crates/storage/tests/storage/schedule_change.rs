//! Schedule changes that take bookings away: nothing is written until exactly the affected
//! visits are confirmed; then the change, the cancellations and the families' receipts land
//! together.

use jenguk_domain::VisitStatus;
use jenguk_storage::{ChangeOutcome, ScheduleChange};

use crate::common::{Fx, Spec};

#[tokio::test]
async fn a_change_waits_for_the_confirmation_of_exactly_the_visits_it_cancels() {
    let (fx, _g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let pairs = fx.pairs(&f, 3).await;
    let day = fx.day(3);
    let slots = fx.slots(&f, day, jenguk_domain::VisitKind::Family).await;
    let a = fx
        .book(&fx.request(&f, slots[0].slot.start, &pairs[0].0, &pairs[0].1))
        .await
        .unwrap();
    let change = ScheduleChange::ExcludeDate {
        date: day,
        reason: "Libur".into(),
    };
    let shown = fx
        .db
        .preview_schedule_change(&f, &change, fx.now)
        .await
        .unwrap();
    assert_eq!(
        shown.iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![a.visit.id]
    );

    // Unconfirmed: nothing written.
    let out = fx
        .db
        .apply_schedule_change(&f, &change, &[], "Libur", &fx.who, fx.now)
        .await
        .unwrap();
    assert!(matches!(out, ChangeOutcome::NeedsConfirmation(ref v) if v.len() == 1));
    assert!(
        fx.db
            .excluded_dates(f.id, day, day)
            .await
            .unwrap()
            .is_empty()
    );

    // Another booking lands on that day after the preview: the confirmation is stale, so
    // nothing is written and both visits are shown.
    let b = fx
        .book(&fx.request(&f, slots[1].slot.start, &pairs[1].0, &pairs[1].1))
        .await
        .unwrap();
    let out = fx
        .db
        .apply_schedule_change(&f, &change, &[a.visit.id], "Libur", &fx.who, fx.now)
        .await
        .unwrap();
    let ChangeOutcome::NeedsConfirmation(now_shown) = out else {
        panic!("a stale confirmation was applied");
    };
    assert_eq!(now_shown.len(), 2);
    assert!(
        fx.db
            .excluded_dates(f.id, day, day)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        fx.db.visit_by_id(a.visit.id).await.unwrap().visit.status,
        VisitStatus::Booked
    );

    // Confirmed: the date, both cancellations and both receipts.
    let out = fx
        .db
        .apply_schedule_change(
            &f,
            &change,
            &[b.visit.id, a.visit.id],
            "Libur",
            &fx.who,
            fx.now,
        )
        .await
        .unwrap();
    assert!(matches!(out, ChangeOutcome::Applied(ref v) if v.len() == 2));
    assert_eq!(fx.db.excluded_dates(f.id, day, day).await.unwrap().len(), 1);
    for id in [a.visit.id, b.visit.id] {
        let v = fx.db.visit_by_id(id).await.unwrap();
        assert_eq!(v.visit.status, VisitStatus::Cancelled);
        assert_eq!(v.visit.status_reason.as_deref(), Some("Libur"));
    }
    let outbox = fx.db.outbox_messages(None, 10_000).await.unwrap();
    for id in [a.visit.id, b.visit.id] {
        let receipts = outbox
            .iter()
            .filter(|m| m.key.starts_with(&format!("visit:{}:event:", id.0)))
            .count();
        assert_eq!(receipts, 1, "receipts of visit {id:?}");
    }
    // A visit on another day was not touched.
    let other = fx
        .book(
            &fx.request(
                &f,
                fx.slots(&f, fx.day(4), jenguk_domain::VisitKind::Family)
                    .await[0]
                    .slot
                    .start,
                &pairs[2].0,
                &pairs[2].1,
            ),
        )
        .await
        .unwrap();
    assert_eq!(other.visit.status, VisitStatus::Booked);
}

#[tokio::test]
async fn a_refused_change_writes_nothing() {
    let (fx, _g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let before = fx.db.audit_events(None, 1_000_000).await.unwrap().len();
    let past = fx.day(-1);
    let r = fx
        .db
        .apply_schedule_change(
            &f,
            &ScheduleChange::ExcludeDate {
                date: past,
                reason: "Libur".into(),
            },
            &[],
            "x",
            &fx.who,
            fx.now,
        )
        .await;
    assert!(
        matches!(r, Err(jenguk_storage::StorageError::Invalid("date_past"))),
        "{r:?}"
    );
    let r = fx
        .db
        .apply_schedule_change(
            &f,
            &ScheduleChange::DeleteTemplate { id: 999_999 },
            &[],
            "x",
            &fx.who,
            fx.now,
        )
        .await;
    assert!(
        matches!(r, Err(jenguk_storage::StorageError::NotFound("template"))),
        "{r:?}"
    );
    assert_eq!(
        fx.db.audit_events(None, 1_000_000).await.unwrap().len(),
        before
    );
}
