//! After the booking: cancellation, the state machine, the visit's history.

use jenguk_domain::visit::{Actor, Outcome, TransitionError, VisitAction};
use jenguk_domain::{InmateStatus, Refusal, VisitCode, VisitKind, VisitStatus};
use jenguk_storage::StorageError;
use jiff::SignedDuration;

use crate::common::{Fx, Spec, refusals};

#[tokio::test]
async fn cancelling_gives_the_place_and_the_quota_back() {
    let (fx, _g) = Fx::new().await;
    let f = fx
        .facility(Spec {
            capacity: 2,
            ..Spec::default()
        })
        .await;
    let pairs = fx.pairs(&f, 3).await;
    let slots = fx.slots(&f, fx.day(3), VisitKind::Family).await;
    let s = slots[0].slot.start;

    let a = fx
        .book(&fx.request(&f, s, &pairs[0].0, &pairs[0].1))
        .await
        .expect("a");
    fx.book(&fx.request(&f, s, &pairs[1].0, &pairs[1].1))
        .await
        .expect("b");
    assert_eq!(
        refusals(fx.book(&fx.request(&f, s, &pairs[2].0, &pairs[2].1)).await),
        vec![Refusal::SlotFull]
    );

    let c = fx
        .db
        .transition_visit(
            &a.code,
            VisitAction::Cancel,
            Actor::Family(pairs[0].1.id),
            Some("Berhalangan hadir"),
            &fx.who,
            fx.now,
        )
        .await
        .expect("cancel");
    assert_eq!(c.visit.status, VisitStatus::Cancelled);
    assert_eq!(c.visit.status_reason.as_deref(), Some("Berhalangan hadir"));
    assert_eq!(fx.slot_view(&f, s).await.booked, 1);
    let stored = fx.db.visit_by_code(&a.code).await.expect("by code");
    assert_eq!(stored.visit.status, VisitStatus::Cancelled);

    // The place is free again.
    fx.book(&fx.request(&f, s, &pairs[2].0, &pairs[2].1))
        .await
        .expect("booked into the freed place");
    assert_eq!(fx.slot_view(&f, s).await.booked, 2);
    assert!(
        fx.db
            .overbooked_slots()
            .await
            .expect("overbooked")
            .is_empty()
    );

    // A cancelled visit does not count toward the weekly quotas (one each here).
    let later = slots[2].slot.start;
    fx.book(&fx.request(&f, later, &pairs[0].0, &pairs[0].1))
        .await
        .expect("quota given back");

    // The history: booked, then cancelled by the family.
    let events = fx.db.visit_events(a.visit.id).await.expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].from_status, None);
    assert_eq!(events[0].to_status, "booked");
    assert_eq!(events[1].from_status.as_deref(), Some("booked"));
    assert_eq!(events[1].to_status, "cancelled");
    assert_eq!(events[1].actor_type, "family");
    assert_eq!(events[1].actor_id, Some(pairs[0].1.id.0));
}

#[tokio::test]
async fn state_machine_errors_come_back_as_transition_errors() {
    let (fx, _g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let pairs = fx.pairs(&f, 1).await;
    let (i, v) = &pairs[0];
    let s = fx.slots(&f, fx.day(3), VisitKind::Family).await[0]
        .slot
        .start;
    let visit = fx.book(&fx.request(&f, s, i, v)).await.expect("book");
    let code = &visit.code;
    let staff = Actor::System;

    let transition = |r: Result<_, StorageError>| match r {
        Err(StorageError::Transition(e)) => e,
        other => panic!("expected a transition error, got {other:?}"),
    };
    // A booked visit cannot start before check-in, nor be confirmed or completed.
    for action in [
        VisitAction::Start,
        VisitAction::Confirm,
        VisitAction::Record(Outcome::Completed),
    ] {
        let e = transition(
            fx.db
                .transition_visit(code, action, staff, None, &fx.who, fx.now)
                .await,
        );
        assert_eq!(
            e,
            TransitionError {
                from: VisitStatus::Booked,
                action
            }
        );
    }
    // Reasons are required before anything else is looked at.
    assert!(matches!(
        fx.db
            .transition_visit(code, VisitAction::Reject, staff, None, &fx.who, fx.now)
            .await,
        Err(StorageError::Invalid("reason_required"))
    ));
    // Check-in opens 30 minutes before the slot.
    assert!(matches!(
        fx.db
            .transition_visit(code, VisitAction::CheckIn, staff, None, &fx.who, fx.now)
            .await,
        Err(StorageError::Invalid("too_early"))
    ));
    // No cancelling once the visit has started.
    let after_start = s.checked_add(SignedDuration::from_mins(1)).expect("ts");
    assert!(matches!(
        fx.db
            .transition_visit(code, VisitAction::Cancel, staff, None, &fx.who, after_start)
            .await,
        Err(StorageError::Invalid("visit_started"))
    ));
    // Unknown code.
    let unknown = VisitCode::from_random([0, 0, 0, 0, 1]);
    assert!(matches!(
        fx.db
            .transition_visit(&unknown, VisitAction::Cancel, staff, None, &fx.who, fx.now)
            .await,
        Err(StorageError::NotFound("visit"))
    ));

    fx.db
        .transition_visit(code, VisitAction::Cancel, staff, None, &fx.who, fx.now)
        .await
        .expect("cancel");
    for action in [VisitAction::Cancel, VisitAction::CheckIn] {
        let e = transition(
            fx.db
                .transition_visit(code, action, staff, None, &fx.who, fx.now)
                .await,
        );
        assert_eq!(
            e,
            TransitionError {
                from: VisitStatus::Cancelled,
                action
            }
        );
    }
    // Failed transitions changed nothing.
    let events = fx.db.visit_events(visit.visit.id).await.expect("events");
    assert_eq!(events.len(), 2);
}

#[tokio::test]
async fn a_visit_that_took_place_frees_its_place_but_keeps_counting_for_the_quota() {
    let (fx, _g) = Fx::new().await;
    let f = fx
        .facility(Spec {
            capacity: 1,
            inmate_quota: 1,
            visitor_quota: 100,
            ..Spec::default()
        })
        .await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let a = fx.visitor().await;
    let b = fx.visitor().await;
    fx.approved(&a, &inmate).await;
    fx.approved(&b, &inmate).await;
    let slots = fx.slots(&f, fx.day(3), VisitKind::Family).await;
    let s = slots[0].slot.start;
    let visit = fx
        .book(&fx.request(&f, s, &inmate, &a))
        .await
        .expect("book");

    // On the day: checked in ten minutes before, the call starts and completes.
    let at = s.checked_sub(SignedDuration::from_mins(10)).expect("ts");
    for (action, status) in [
        (VisitAction::CheckIn, VisitStatus::CheckedIn),
        (VisitAction::Start, VisitStatus::InCall),
        (
            VisitAction::Record(Outcome::Completed),
            VisitStatus::Completed,
        ),
    ] {
        let v = fx
            .db
            .transition_visit(&visit.code, action, Actor::System, None, &fx.who, at)
            .await
            .expect("transition");
        assert_eq!(v.visit.status, status);
    }
    assert_eq!(fx.slot_view(&f, s).await.booked, 0);
    // Another visitor, another slot of the same week: the inmate's quota is used up.
    assert_eq!(
        refusals(
            fx.book(&fx.request(&f, slots[3].slot.start, &inmate, &b))
                .await
        ),
        vec![Refusal::InmateQuota]
    );
}
