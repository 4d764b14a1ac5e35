//! Many bookings at once: the invariants the booking transaction keeps under concurrency.

use jenguk_domain::{InmateStatus, Refusal, Slot, VisitKind};

use crate::common::{Fx, Spec, split};

/// `n` family slots of next week (Monday to Sunday), none overlapping another.
async fn slots_of_next_week(fx: &Fx, f: &jenguk_domain::Facility, n: usize) -> Vec<Slot> {
    let monday = fx.next_monday();
    let mut all = Vec::new();
    for d in 0..7 {
        let date = monday.checked_add(jiff::Span::new().days(d)).expect("date");
        all.extend(
            fx.slots(f, date, VisitKind::Family)
                .await
                .into_iter()
                .map(|s| s.slot),
        );
    }
    assert!(all.len() >= 2 * n, "only {} slots next week", all.len());
    // Every other slot: no two even touch.
    let picked: Vec<Slot> = all.into_iter().step_by(2).take(n).collect();
    assert_eq!(picked.len(), n);
    picked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_bookings_race_for_three_free_places() {
    let (fx, _g) = Fx::new().await;
    let f = fx
        .facility(Spec {
            capacity: 5,
            ..Spec::default()
        })
        .await;
    let pairs = fx.pairs(&f, 66).await;
    let slot = fx.slots(&f, fx.day(3), VisitKind::Family).await[4]
        .slot
        .clone();
    assert_eq!(slot.capacity, 5);
    // Two of the five places are taken before the rush.
    for (i, v) in &pairs[..2] {
        fx.book(&fx.request(&f, slot.start, i, v))
            .await
            .expect("book");
    }
    assert_eq!(fx.slot_view(&f, slot.start).await.booked, 2);

    let reqs = pairs[2..]
        .iter()
        .map(|(i, v)| fx.request(&f, slot.start, i, v))
        .collect::<Vec<_>>();
    assert_eq!(reqs.len(), 64);
    let (ok, refused) = split(fx.book_all(reqs).await);

    assert_eq!(ok.len(), 3, "exactly the three free places are booked");
    assert_eq!(refused.len(), 61);
    for r in &refused {
        assert_eq!(r, &vec![Refusal::SlotFull]);
    }
    let view = fx.slot_view(&f, slot.start).await;
    assert_eq!(view.booked, u32::from(view.slot.capacity));
    assert!(
        fx.db
            .overbooked_slots()
            .await
            .expect("overbooked")
            .is_empty()
    );
    // One audit row per booking, none for a refusal.
    let audit = fx.db.audit_events(Some(f.id), 10_000).await.expect("audit");
    assert_eq!(audit.iter().filter(|a| a.action == "visit.book").count(), 5);
    // Every visit got a code of its own.
    let mut codes: Vec<_> = ok.iter().map(|v| v.code.as_str().to_string()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_inmate_is_never_in_two_visits_at_once() {
    let (fx, _g) = Fx::new().await;
    let f = fx
        .facility(Spec {
            capacity: 80,
            inmate_quota: 100,
            visitor_quota: 100,
            ..Spec::default()
        })
        .await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let mut visitors = Vec::new();
    for _ in 0..64 {
        let v = fx.visitor().await;
        fx.approved(&v, &inmate).await;
        visitors.push(v);
    }
    let slot = fx.slots(&f, fx.day(3), VisitKind::Family).await[0]
        .slot
        .clone();
    let reqs = visitors
        .iter()
        .map(|v| fx.request(&f, slot.start, &inmate, v))
        .collect();
    let (ok, refused) = split(fx.book_all(reqs).await);
    assert_eq!(ok.len(), 1);
    assert_eq!(refused.len(), 63);
    for r in &refused {
        assert_eq!(r, &vec![Refusal::InmateBusy]);
    }
    assert_eq!(fx.slot_view(&f, slot.start).await.booked, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_inmate_weekly_quota_holds_under_concurrency() {
    let (fx, _g) = Fx::new().await;
    let f = fx
        .facility(Spec {
            capacity: 5,
            inmate_quota: 2,
            visitor_quota: 100,
            ..Spec::default()
        })
        .await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let mut visitors = Vec::new();
    for _ in 0..64 {
        let v = fx.visitor().await;
        fx.approved(&v, &inmate).await;
        visitors.push(v);
    }
    let slots = slots_of_next_week(&fx, &f, 64).await;
    let reqs = visitors
        .iter()
        .zip(&slots)
        .map(|(v, s)| fx.request(&f, s.start, &inmate, v))
        .collect();
    let (ok, refused) = split(fx.book_all(reqs).await);
    assert_eq!(ok.len(), 2, "the inmate's quota is two a week");
    assert_eq!(refused.len(), 62);
    for r in &refused {
        assert_eq!(r, &vec![Refusal::InmateQuota]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_visitor_weekly_quota_holds_under_concurrency() {
    let (fx, _g) = Fx::new().await;
    let f = fx
        .facility(Spec {
            capacity: 5,
            inmate_quota: 100,
            visitor_quota: 1,
            ..Spec::default()
        })
        .await;
    let visitor = fx.visitor().await;
    let mut inmates = Vec::new();
    for _ in 0..64 {
        let i = fx.inmate(&f, InmateStatus::Narapidana).await;
        fx.approved(&visitor, &i).await;
        inmates.push(i);
    }
    let slots = slots_of_next_week(&fx, &f, 64).await;
    let reqs = inmates
        .iter()
        .zip(&slots)
        .map(|(i, s)| fx.request(&f, s.start, i, &visitor))
        .collect();
    let (ok, refused) = split(fx.book_all(reqs).await);
    assert_eq!(ok.len(), 1, "the visitor's quota is one a week");
    assert_eq!(refused.len(), 63);
    for r in &refused {
        assert_eq!(r, &vec![Refusal::VisitorQuota]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_visitor_is_never_in_two_visits_at_once_across_facilities() {
    let (fx, _g) = Fx::new().await;
    let spec = Spec {
        capacity: 50,
        inmate_quota: 100,
        visitor_quota: 100,
        ..Spec::default()
    };
    let a = fx.facility(spec).await;
    let b = fx.facility(spec).await;
    let visitor = fx.visitor().await;
    let slot_a = fx.slots(&a, fx.day(3), VisitKind::Family).await[8]
        .slot
        .clone();
    let slot_b = fx.slots(&b, fx.day(3), VisitKind::Family).await[8]
        .slot
        .clone();
    assert_eq!(
        slot_a.start, slot_b.start,
        "both facilities have a slot at the same instant"
    );
    let mut reqs = Vec::new();
    for _ in 0..16 {
        for f in [&a, &b] {
            let i = fx.inmate(f, InmateStatus::Narapidana).await;
            fx.approved(&visitor, &i).await;
            reqs.push(fx.request(f, slot_a.start, &i, &visitor));
        }
    }
    let (ok, refused) = split(fx.book_all(reqs).await);
    assert_eq!(ok.len(), 1);
    assert_eq!(refused.len(), 31);
    for r in &refused {
        assert_eq!(r, &vec![Refusal::VisitorBusy]);
    }
    let booked =
        fx.slot_view(&a, slot_a.start).await.booked + fx.slot_view(&b, slot_b.start).await.booked;
    assert_eq!(booked, 1);
}

/// Two `Db` handles on one database (two instances behind a load balancer on PostgreSQL; the
/// server and a command-line tool on SQLite): the invariants hold across them too.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_handles_on_one_database_keep_the_capacity() {
    let (fx, g) = Fx::new().await;
    let f = fx
        .facility(Spec {
            capacity: 3,
            ..Spec::default()
        })
        .await;
    let pairs = fx.pairs(&f, 64).await;
    let slot = fx.slots(&f, fx.day(2), VisitKind::Family).await[10]
        .slot
        .clone();
    let other = fx.with_db(
        jenguk_storage::Db::connect(g.url())
            .await
            .expect("second handle"),
    );
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(pairs.len()));
    let handles: Vec<_> = pairs
        .iter()
        .enumerate()
        .map(|(n, (i, v))| {
            let h = if n % 2 == 0 {
                fx.clone()
            } else {
                other.clone()
            };
            let r = h.request(&f, slot.start, i, v);
            let b = barrier.clone();
            tokio::spawn(async move {
                b.wait().await;
                h.book(&r).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for h in handles {
        results.push(h.await.expect("task"));
    }
    let (ok, refused) = split(results);
    assert_eq!(ok.len(), 3);
    for r in &refused {
        assert_eq!(r, &vec![Refusal::SlotFull]);
    }
    assert_eq!(other.slot_view(&f, slot.start).await.booked, 3);
    assert!(
        other
            .db
            .overbooked_slots()
            .await
            .expect("overbooked")
            .is_empty()
    );
    other.db.close().await;
}
