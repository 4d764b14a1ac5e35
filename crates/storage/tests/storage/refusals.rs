//! Every refusal comes back typed, and a refused booking writes nothing.

use jenguk_domain::{
    Facility, FacilityCode, InmateId, InmateStatus, LinkStatus, Refusal, Relationship, VisitKind,
};
use jenguk_storage::{LinkDecision, StorageError};
use jiff::{SignedDuration, Timestamp};

use crate::common::{Fx, Guard, Spec, refusals};

/// A facility whose quotas never get in the way.
async fn setup() -> (Fx, Guard, Facility) {
    let (fx, g) = Fx::new().await;
    let f = fx
        .facility(Spec {
            capacity: 5,
            inmate_quota: 100,
            visitor_quota: 100,
            min_days_ahead: 1,
        })
        .await;
    (fx, g, f)
}

/// The start of the `k`-th slot of a kind `days` ahead.
async fn start(fx: &Fx, f: &Facility, days: i64, kind: VisitKind, k: usize) -> Timestamp {
    fx.slots(f, fx.day(days), kind).await[k].slot.start
}

#[tokio::test]
async fn a_link_that_is_not_approved_is_refused() {
    let (fx, _g, f) = setup().await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let other = fx.inmate(&f, InmateStatus::Narapidana).await;
    let s = start(&fx, &f, 3, VisitKind::Family, 0).await;

    let pending = fx.visitor().await;
    fx.link(&pending, &inmate, Relationship::Sibling).await;
    assert_eq!(
        refusals(fx.book(&fx.request(&f, s, &inmate, &pending)).await),
        vec![Refusal::NotApproved]
    );

    let unlinked = fx.visitor().await;
    assert_eq!(
        refusals(fx.book(&fx.request(&f, s, &inmate, &unlinked)).await),
        vec![Refusal::NotApproved]
    );

    let rejected = fx.visitor().await;
    let l = fx.link(&rejected, &inmate, Relationship::Spouse).await;
    let l = fx
        .db
        .decide_link(
            l.id,
            &LinkDecision::Reject {
                reason: "Dokumen tidak lengkap".into(),
            },
            None,
            &fx.who,
            fx.now,
        )
        .await
        .expect("reject");
    assert_eq!(l.status, LinkStatus::Rejected);
    assert_eq!(
        refusals(fx.book(&fx.request(&f, s, &inmate, &rejected)).await),
        vec![Refusal::NotApproved]
    );

    // Approved for another inmate only.
    let elsewhere = fx.visitor().await;
    fx.approved(&elsewhere, &other).await;
    assert_eq!(
        refusals(fx.book(&fx.request(&f, s, &inmate, &elsewhere)).await),
        vec![Refusal::NotApproved]
    );

    // A rejected link may be reconsidered and approved; then the booking goes through.
    fx.approve(l.id, None)
        .await
        .expect("approve after rejection");
    fx.book(&fx.request(&f, s, &inmate, &rejected))
        .await
        .expect("book once approved");
}

#[tokio::test]
async fn a_tahanan_needs_a_permit_that_covers_the_date() {
    let (fx, _g, f) = setup().await;
    let tahanan = fx.inmate(&f, InmateStatus::Tahanan).await;
    let s = start(&fx, &f, 3, VisitKind::Family, 0).await;

    let v = fx.visitor().await;
    let l = fx.link(&v, &tahanan, Relationship::Parent).await;
    match fx.approve(l.id, None).await {
        Err(StorageError::Invalid("permit_required")) => {}
        other => panic!("expected permit_required, got {other:?}"),
    }
    assert_eq!(
        fx.db.link(l.id).await.expect("link").0.status,
        LinkStatus::Pending
    );

    // A permit that ends the day before the visit.
    let l = fx
        .approve(l.id, Some(("SIT/001/KEJARI/2025", fx.day(2))))
        .await
        .expect("approve with permit");
    assert_eq!(l.status, LinkStatus::Approved);
    assert_eq!(
        refusals(fx.book(&fx.request(&f, s, &tahanan, &v)).await),
        vec![Refusal::PermitMissing]
    );

    // A permit whose last day is the visit's day covers it.
    let w = fx.visitor().await;
    let l = fx.link(&w, &tahanan, Relationship::Spouse).await;
    fx.approve(l.id, Some(("SIT/002/KEJARI/2025", fx.day(3))))
        .await
        .expect("approve");
    fx.book(&fx.request(&f, s, &tahanan, &w))
        .await
        .expect("book with permit");

    // Counsel needs no permit from the facility's side.
    let lawyer = fx.visitor().await;
    let l = fx.link(&lawyer, &tahanan, Relationship::LegalCounsel).await;
    fx.approve(l.id, None)
        .await
        .expect("counsel approved without permit");
}

#[tokio::test]
async fn a_suspended_inmate_is_refused_until_the_suspension_ends() {
    let (fx, _g, f) = setup().await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let v = fx.visitor().await;
    fx.approved(&v, &inmate).await;
    let s3 = start(&fx, &f, 3, VisitKind::Family, 0).await;
    let s4 = start(&fx, &f, 4, VisitKind::Family, 0).await;

    let i = fx
        .db
        .set_inmate_suspension(
            inmate.id,
            Some((fx.day(4), "Pelanggaran tata tertib".into())),
            &fx.who,
            fx.now,
        )
        .await
        .expect("suspend");
    assert_eq!(i.visits_suspended_until, Some(fx.day(4)));
    assert_eq!(
        refusals(fx.book(&fx.request(&f, s3, &inmate, &v)).await),
        vec![Refusal::InmateSuspended]
    );
    // The suspension ends before day 4 (exclusive).
    fx.book(&fx.request(&f, s4, &inmate, &v))
        .await
        .expect("after the suspension");

    fx.db
        .set_inmate_suspension(inmate.id, None, &fx.who, fx.now)
        .await
        .expect("lift");
    fx.book(&fx.request(&f, s3, &inmate, &v))
        .await
        .expect("lifted");
}

#[tokio::test]
async fn a_slot_outside_the_booking_window_is_refused() {
    let (fx, _g, f) = setup().await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let v = fx.visitor().await;
    fx.approved(&v, &inmate).await;

    // Yesterday: past.
    let past = start(&fx, &f, -1, VisitKind::Family, 0).await;
    assert_eq!(
        refusals(fx.book(&fx.request(&f, past, &inmate, &v)).await),
        vec![Refusal::OutsideWindow]
    );
    // Fifteen days ahead: past the fourteen-day window.
    let far = start(&fx, &f, 15, VisitKind::Family, 0).await;
    assert_eq!(
        refusals(fx.book(&fx.request(&f, far, &inmate, &v)).await),
        vec![Refusal::OutsideWindow]
    );
    // Fourteen days ahead is the last bookable day.
    let last = start(&fx, &f, 14, VisitKind::Family, 0).await;
    fx.book(&fx.request(&f, last, &inmate, &v))
        .await
        .expect("day 14");
}

#[tokio::test]
async fn a_start_the_schedule_does_not_have_is_no_such_slot() {
    let (fx, _g, f) = setup().await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let v = fx.visitor().await;
    fx.approved(&v, &inmate).await;
    let s = start(&fx, &f, 3, VisitKind::Family, 0).await;

    let off = s.checked_add(SignedDuration::from_mins(1)).expect("ts");
    assert_eq!(
        refusals(fx.book(&fx.request(&f, off, &inmate, &v)).await),
        vec![Refusal::NoSuchSlot]
    );
    // A family booking at the start of a legal slot.
    let legal = start(&fx, &f, 3, VisitKind::Legal, 0).await;
    assert_eq!(
        refusals(fx.book(&fx.request(&f, legal, &inmate, &v)).await),
        vec![Refusal::NoSuchSlot]
    );
    // An excluded date has no slots.
    fx.db
        .create_excluded_date(f.id, fx.day(5), "Hari raya", &fx.who, fx.now)
        .await
        .expect("exclude");
    assert!(fx.slots(&f, fx.day(5), VisitKind::Family).await.is_empty());
    let on_holiday = fx
        .tz
        .to_timestamp(fx.day(5).to_datetime(jiff::civil::time(8, 0, 0, 0)))
        .expect("ts");
    assert_eq!(
        refusals(fx.book(&fx.request(&f, on_holiday, &inmate, &v)).await),
        vec![Refusal::NoSuchSlot]
    );
    // Unknown facility and inmate are not refusals but missing records.
    let mut r = fx.request(&f, s, &inmate, &v);
    r.facility = FacilityCode::parse("RUTAN-NOWHERE").expect("code");
    assert!(matches!(
        fx.book(&r).await,
        Err(StorageError::NotFound("facility"))
    ));
    let mut r = fx.request(&f, s, &inmate, &v);
    r.inmate_id = InmateId(999_999);
    assert!(matches!(
        fx.book(&r).await,
        Err(StorageError::NotFound("inmate"))
    ));
}

#[tokio::test]
async fn legal_slots_are_for_counsel_and_family_slots_for_family() {
    let (fx, _g, f) = setup().await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let family = fx.visitor().await;
    fx.approved(&family, &inmate).await;
    let lawyer = fx.visitor().await;
    let l = fx.link(&lawyer, &inmate, Relationship::LegalCounsel).await;
    fx.approve(l.id, None).await.expect("approve counsel");
    let legal = start(&fx, &f, 3, VisitKind::Legal, 0).await;
    let fam = start(&fx, &f, 3, VisitKind::Family, 0).await;

    let mut r = fx.request(&f, legal, &inmate, &family);
    r.kind = VisitKind::Legal;
    assert_eq!(refusals(fx.book(&r).await), vec![Refusal::WrongVisitKind]);

    let r = fx.request(&f, fam, &inmate, &lawyer);
    assert_eq!(refusals(fx.book(&r).await), vec![Refusal::WrongVisitKind]);

    let mut r = fx.request(&f, legal, &inmate, &lawyer);
    r.kind = VisitKind::Legal;
    let v = fx.book(&r).await.expect("counsel books a legal visit");
    assert_eq!(v.visit.kind, VisitKind::Legal);
}

#[tokio::test]
async fn people_and_place_are_checked() {
    let (fx, _g, f) = setup().await;
    let g = fx.facility(Spec::default()).await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let v = fx.visitor().await;
    fx.approved(&v, &inmate).await;
    let s = start(&fx, &f, 3, VisitKind::Family, 0).await;

    for people in [0, 4] {
        let mut r = fx.request(&f, s, &inmate, &v);
        r.people = people;
        assert_eq!(refusals(fx.book(&r).await), vec![Refusal::TooManyPeople]);
    }
    // The inmate is held at f, not at g.
    let r = fx.request(&g, s, &inmate, &v);
    assert_eq!(refusals(fx.book(&r).await), vec![Refusal::InmateNotHeld]);

    let mut r = fx.request(&f, s, &inmate, &v);
    r.people = 3;
    assert_eq!(fx.book(&r).await.expect("three people").visit.people, 3);
}

#[tokio::test]
async fn every_reason_comes_back_sorted_and_a_refusal_writes_nothing() {
    let (fx, _g, f) = setup().await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let v = fx.visitor().await;
    fx.link(&v, &inmate, Relationship::Child).await;
    fx.db
        .set_inmate_suspension(
            inmate.id,
            Some((fx.day(40), "Isolasi".into())),
            &fx.who,
            fx.now,
        )
        .await
        .expect("suspend");
    let far = start(&fx, &f, 20, VisitKind::Family, 0).await;
    let audit_before = fx.db.audit_events(None, 10_000).await.expect("audit").len();

    let mut r = fx.request(&f, far, &inmate, &v);
    r.people = 4;
    assert_eq!(
        refusals(fx.book(&r).await),
        vec![
            Refusal::NotApproved,
            Refusal::InmateSuspended,
            Refusal::OutsideWindow,
            Refusal::TooManyPeople,
        ]
    );
    let visits = fx
        .db
        .visits_between(
            f.id,
            fx.now,
            far.checked_add(SignedDuration::from_hours(1)).expect("ts"),
        )
        .await
        .expect("visits");
    assert!(visits.is_empty());
    assert_eq!(
        fx.db.audit_events(None, 10_000).await.expect("audit").len(),
        audit_before
    );
}

/// `decide_link` approves counsel of a tahanan without a permit, but `BookingPolicy::check`
/// then refuses every booking of that link with `PermitMissing`: a link that can never book.
#[tokio::test]
async fn counsel_of_a_tahanan_books_a_legal_visit_without_a_permit() {
    let (fx, _g, f) = setup().await;
    let tahanan = fx.inmate(&f, InmateStatus::Tahanan).await;
    let lawyer = fx.visitor().await;
    let l = fx.link(&lawyer, &tahanan, Relationship::LegalCounsel).await;
    fx.approve(l.id, None)
        .await
        .expect("counsel approved without permit");
    let legal = start(&fx, &f, 3, VisitKind::Legal, 0).await;
    let mut r = fx.request(&f, legal, &tahanan, &lawyer);
    r.kind = VisitKind::Legal;
    fx.book(&r).await.expect("counsel's legal visit");
}

/// `Db::book` returns `created_at: now` with its sub-second part; the row keeps whole seconds.
#[tokio::test]
async fn the_booked_visit_returned_is_the_one_stored() {
    let (fx, _g, f) = setup().await;
    let pairs = fx.pairs(&f, 1).await;
    let s = start(&fx, &f, 3, VisitKind::Family, 0).await;
    let booked = fx
        .book(&fx.request(&f, s, &pairs[0].0, &pairs[0].1))
        .await
        .expect("book");
    let stored = fx.db.visit_by_code(&booked.code).await.expect("stored");
    assert_eq!(booked.visit, stored.visit);
}

/// `VisitPolicy::cutoff_minutes` is a `u32` and `create_facility` accepts any value, but the
/// row is read back with `u16`: a facility with a cutoff above 65 535 minutes is stored, and
/// then every read of it (and `Db::facilities()`, for all facilities) fails as corrupt data.
#[tokio::test]
async fn a_facility_that_is_stored_can_be_read_back() {
    let (fx, _g, f) = setup().await;
    let mut policy = f.policy.clone();
    policy.cutoff_minutes = 70_000;
    let new = jenguk_storage::NewFacility {
        code: FacilityCode::parse("RUTAN-LONG").expect("code"),
        name: "Rutan Panjang".into(),
        kind: f.kind,
        class: f.class.clone(),
        province: f.province.clone(),
        time_zone: f.time_zone.clone(),
        policy,
    };
    match fx.db.create_facility(&new, &fx.who, fx.now).await {
        // Refusing the value up front is as good as storing it faithfully.
        Err(StorageError::Invalid(_)) => {}
        Ok(g) => {
            assert_eq!(fx.db.facility(&g.code).await.expect("read back"), g);
            assert_eq!(fx.db.facilities().await.expect("list").len(), 2);
        }
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn companions_count_as_people_and_are_written_with_the_booking() {
    use jenguk_domain::PersonName;
    use jenguk_storage::Companion;

    let (fx, _g, f) = setup().await;
    let inmate = fx.inmate(&f, InmateStatus::Narapidana).await;
    let v = fx.visitor().await;
    fx.approved(&v, &inmate).await;
    let s = start(&fx, &f, 3, VisitKind::Family, 0).await;
    let c = |name: &str, nik: Option<&str>| Companion {
        name: PersonName::parse(name).expect("name"),
        relationship: Relationship::Child,
        nik_last4: nik.map(str::to_string),
    };
    // `people` says 1, but three companions make four: over the limit of three, nothing written.
    let r = fx.request(&f, s, &inmate, &v);
    let three = [c("Satu", None), c("Dua", None), c("Tiga", None)];
    assert_eq!(
        refusals(fx.db.book_once("k-over", &r, &three, &fx.who, fx.now).await),
        vec![Refusal::TooManyPeople]
    );
    // A companion's NIK is never stored beyond its last four digits.
    assert!(matches!(
        fx.db
            .book_once(
                "k-nik",
                &r,
                &[c("Satu", Some("3201234567890001"))],
                &fx.who,
                fx.now
            )
            .await,
        Err(StorageError::Invalid("nik_last4"))
    ));
    let booked = fx
        .db
        .book_once("k-ok", &r, &three[..2], &fx.who, fx.now)
        .await
        .expect("two companions");
    assert_eq!(booked.visit.people, 3);
    let stored = fx.db.visit_companions(booked.visit.id).await.expect("read");
    assert_eq!(stored, three[..2].to_vec());
    // The same key again returns the visit and writes no companion twice.
    let again = fx
        .db
        .book_once("k-ok", &r, &three[..2], &fx.who, fx.now)
        .await
        .expect("same key");
    assert_eq!(again.visit.id, booked.visit.id);
    assert_eq!(
        fx.db
            .visit_companions(booked.visit.id)
            .await
            .expect("read")
            .len(),
        2
    );
}
