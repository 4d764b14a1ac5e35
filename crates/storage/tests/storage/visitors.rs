//! Visitors: unique by NIK and phone, found by exact NIK, the NIK itself never stored.

use jenguk_domain::{Nik, PersonName, PhoneNumber};
use jenguk_storage::{NewVisitor, StorageError};

use crate::common::{Fx, Raw};

fn new_visitor(fx: &Fx, name: &str, nik: u32, phone: &str) -> NewVisitor {
    NewVisitor {
        name: PersonName::parse(name).expect("name"),
        nik: fx.nik(nik),
        phone: PhoneNumber::parse(phone).expect("phone"),
    }
}

#[tokio::test]
async fn visitors_are_unique_by_nik_and_phone_and_found_by_exact_nik() {
    let (fx, _g) = Fx::new().await;
    let v = fx
        .db
        .create_visitor(
            &new_visitor(&fx, "Siti Aminah", 4242, "081234567890"),
            &fx.who,
            fx.now,
        )
        .await
        .expect("create");
    assert_eq!(v.nik_masked, "3171********4242");
    assert_eq!(v.phone.as_e164(), "+6281234567890");

    match fx
        .db
        .create_visitor(
            &new_visitor(&fx, "Orang Lain", 4242, "081299998888"),
            &fx.who,
            fx.now,
        )
        .await
    {
        Err(StorageError::Conflict("nik_taken")) => {}
        other => panic!("expected nik_taken, got {other:?}"),
    }
    // The same number written another way is the same phone.
    match fx
        .db
        .create_visitor(
            &new_visitor(&fx, "Orang Lain", 4243, "+62 812-3456-7890"),
            &fx.who,
            fx.now,
        )
        .await
    {
        Err(StorageError::Conflict("phone_taken")) => {}
        other => panic!("expected phone_taken, got {other:?}"),
    }

    let found = fx.db.visitor_by_nik(&fx.nik(4242)).await.expect("by nik");
    assert_eq!(found.as_ref().map(|x| x.id), Some(v.id));
    // Typed with spaces and dots, it is the same NIK.
    let typed = Nik::parse("3171 0117.0845 4242", fx.today).expect("nik");
    assert_eq!(
        fx.db
            .visitor_by_nik(&typed)
            .await
            .expect("by nik")
            .map(|x| x.id),
        Some(v.id)
    );
    // A NIK differing in one digit finds nobody (and the refused registration left nothing).
    assert!(
        fx.db
            .visitor_by_nik(&fx.nik(4243))
            .await
            .expect("by nik")
            .is_none()
    );
    assert_eq!(fx.db.visitor(v.id).await.expect("by id"), v);
}

#[tokio::test]
async fn the_nik_digits_never_reach_the_database() {
    let (fx, g) = Fx::new().await;
    let mut digits = Vec::new();
    for _ in 0..5 {
        let v = fx.visitor().await;
        let n: u32 = v.nik_masked[12..].parse().expect("serial");
        digits.push(fx.nik(n).digits());
    }
    // Look someone up too: a search must not leave the NIK behind either.
    fx.db.visitor_by_nik(&fx.nik(1)).await.expect("by nik");

    let mut raw = Raw::open(g.url()).await;
    let mut texts = raw.texts("SELECT * FROM visitors").await;
    assert_eq!(texts.len(), 5 * 12, "twelve columns of five visitors");
    assert!(
        texts.iter().any(|t| t == "3171********0001"),
        "masked NIK stored"
    );
    texts.extend(raw.texts("SELECT * FROM audit_events").await);
    texts.extend(raw.texts("SELECT * FROM settings").await);
    for d in &digits {
        for t in &texts {
            assert!(!t.contains(d.as_str()), "a NIK is stored in clear: {t}");
        }
    }
    raw.close().await;

    // On SQLite the files themselves (database, WAL) hold no NIK either.
    for path in g.sqlite_files() {
        let bytes = std::fs::read(&path).expect("read");
        for d in &digits {
            assert!(
                !bytes.windows(16).any(|w| w == d.as_bytes()),
                "{} holds a NIK in clear",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn a_visitor_s_facilities_are_those_of_the_inmates_linked() {
    let (fx, _g) = Fx::new().await;
    let a = fx.facility(crate::common::Spec::default()).await;
    let b = fx.facility(crate::common::Spec::default()).await;
    let _c = fx.facility(crate::common::Spec::default()).await;
    let v = fx.visitor().await;
    assert!(
        fx.db
            .visitor_facilities(v.id)
            .await
            .expect("none")
            .is_empty()
    );
    let ia = fx.inmate(&a, jenguk_domain::InmateStatus::Narapidana).await;
    let ib = fx.inmate(&b, jenguk_domain::InmateStatus::Tahanan).await;
    let ia2 = fx.inmate(&a, jenguk_domain::InmateStatus::Narapidana).await;
    fx.approved(&v, &ia).await;
    fx.approved(&v, &ia2).await;
    // Pending links count too.
    fx.link(&v, &ib, jenguk_domain::Relationship::Sibling).await;
    let mut got = fx.db.visitor_facilities(v.id).await.expect("facilities");
    got.sort();
    assert_eq!(got, vec![a.id, b.id]);
}

#[tokio::test]
async fn links_and_visitors_are_listed_by_facility_and_status() {
    use jenguk_domain::{InmateStatus, LinkStatus, Relationship};
    use jenguk_storage::LinkFilter;
    let (fx, _g) = Fx::new().await;
    let a = fx.facility(crate::common::Spec::default()).await;
    let b = fx.facility(crate::common::Spec::default()).await;
    let ia = fx.inmate(&a, InmateStatus::Narapidana).await;
    let ib = fx.inmate(&b, InmateStatus::Narapidana).await;
    let v1 = fx.visitor().await;
    let v2 = fx.visitor().await;
    let _unlinked = fx.visitor().await;
    let l1 = fx.approved(&v1, &ia).await;
    let l2 = fx.link(&v2, &ia, Relationship::Child).await;
    let l3 = fx.link(&v2, &ib, Relationship::Child).await;
    match fx
        .db
        .create_link(
            &jenguk_storage::NewLink {
                visitor_id: v2.id,
                inmate_id: ib.id,
                relationship: Relationship::Spouse,
                permit_number: None,
                permit_expires: None,
            },
            &fx.who,
            fx.now,
        )
        .await
    {
        Err(StorageError::Conflict("link_exists")) => {}
        other => panic!("expected link_exists, got {other:?}"),
    }

    let ids =
        |ls: Vec<jenguk_domain::VisitorLink>| ls.into_iter().map(|l| l.id).collect::<Vec<_>>();
    let all = LinkFilter {
        limit: 100,
        ..LinkFilter::default()
    };
    assert_eq!(
        ids(fx.db.links(&all).await.expect("links")),
        vec![l1.id, l2.id, l3.id]
    );
    let pending_a = LinkFilter {
        facility_id: Some(a.id),
        status: Some(LinkStatus::Pending),
        ..all.clone()
    };
    assert_eq!(
        ids(fx.db.links(&pending_a).await.expect("links")),
        vec![l2.id]
    );
    let of_v2 = LinkFilter {
        visitor_id: Some(v2.id),
        ..all.clone()
    };
    assert_eq!(
        ids(fx.db.links(&of_v2).await.expect("links")),
        vec![l2.id, l3.id]
    );
    let (link, fid) = fx.db.link(l3.id).await.expect("link");
    assert_eq!((link.inmate_id, fid), (ib.id, b.id));

    let vids = |vs: Vec<jenguk_domain::Visitor>| vs.into_iter().map(|v| v.id).collect::<Vec<_>>();
    assert_eq!(
        vids(fx.db.visitors(Some(a.id), 100).await.expect("visitors")),
        vec![v2.id, v1.id]
    );
    assert_eq!(
        vids(fx.db.visitors(Some(b.id), 100).await.expect("visitors")),
        vec![v2.id]
    );
    assert_eq!(fx.db.visitors(None, 100).await.expect("visitors").len(), 3);
}
