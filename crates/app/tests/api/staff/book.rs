//! Booking on behalf of a family: find by phone or NIK, choose the inmate and a free slot,
//! book with the channel `staff`; the family gets the WhatsApp confirmation.

use jenguk_domain::{VisitCode, VisitStatus};
use jenguk_storage::MessageKind;
use jenguk_web::staff::perm::Can;
use reqwest::StatusCode;

use super::approvals::{approved, audits, local_form, messages, shows_in_full};
use super::matrix::{At, Case};
use super::{OPERATOR_SERANG, StaffBrowser};
use crate::helpers::{TestApp, spawn_app};

/// The value of the first `<option>` of a page (the first free slot).
fn first_option(body: &str) -> String {
    let i = body.find("<option value=\"").expect("no slot offered") + 15;
    body[i..i + body[i..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn staff_book_for_a_family_with_the_channel_staff_and_the_family_gets_the_confirmation() {
    let app = spawn_app().await;
    let (p, link) = approved(&app, "RUTAN-SERANG", "B.IIb 4/2026", "Fitri Handayani").await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;

    // Names are not a way in here; the phone number in its local form is.
    let r = b.get("/staff/book?q=Fitri").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let found = b
        .get(&format!("/staff/book?q={}", local_form(&p.phone)))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let href = format!("/staff/book/{}", link.0);
    assert!(
        found.has(&href) && found.has("Eko Prasetyo"),
        "{}",
        found.body
    );
    assert!(
        !shows_in_full(&found.body, &p.nik, &p.phone),
        "{}",
        found.body
    );
    let by_nik = b.get(&format!("/staff/book?q={}", p.nik)).await;
    assert!(by_nik.has(&href), "{}", by_nik.body);

    let form = b.get(&href).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        !shows_in_full(&form.body, &p.nik, &p.phone),
        "{}",
        form.body
    );
    let slot = first_option(&form.body);

    // Bad input: nothing booked, every problem said.
    let bad = b
        .post(&href, &[("slot", slot.as_str()), ("people", "9")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.has("Jumlah orang harus 1 sampai 3") && bad.has("Pilih cara keluarga"),
        "{}",
        bad.body
    );
    assert!(
        app.db
            .visits_of_visitor(p.id, jiff::Timestamp::now())
            .await
            .unwrap()
            .is_empty()
    );

    let ok = b
        .post(
            &href,
            &[("slot", slot.as_str()), ("people", "2"), ("via", "walk_in")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let code = ok
        .location()
        .strip_prefix("/staff/book/done/")
        .unwrap()
        .to_string();
    let done = b.follow(&ok).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.has(&code) && done.has("Eko Prasetyo"), "{}", done.body);
    assert!(
        !shows_in_full(&done.body, &p.nik, &p.phone),
        "{}",
        done.body
    );

    let code = VisitCode::parse(&code).unwrap();
    let v = app.db.visit_by_code(&code).await.unwrap();
    assert_eq!(v.visit.status, VisitStatus::Booked);
    assert_eq!(v.visit.people, 2);
    assert_eq!(v.visit.start.as_second().to_string(), slot);
    assert_eq!(app.db.visit_channel(&code).await.unwrap(), "staff");
    let confirmations = messages(&app, MessageKind::VisitBooked, &p.phone).await;
    assert_eq!(confirmations.len(), 1);
    assert_eq!(confirmations[0].params["code"], code.to_string());
    let on_behalf = audits(&app, "visit.book_on_behalf", &v.visit.id.0.to_string()).await;
    assert_eq!(on_behalf.len(), 1);
    assert_eq!(on_behalf[0].detail["via"], "walk_in");
    assert_eq!(
        audits(&app, "visit.book", &v.visit.id.0.to_string()).await[0].detail["channel"],
        "staff"
    );

    // The same slot again is refused, translated (the visitor already has a visit then).
    let again = b
        .post(
            &href,
            &[("slot", slot.as_str()), ("people", "1"), ("via", "phone")],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.body
    );
    assert!(again.has("role=\"alert\""), "{}", again.body);
    app.stop().await;
}

#[tokio::test]
async fn a_link_not_yet_approved_cannot_be_booked_for() {
    let app = spawn_app().await;
    let p = super::approvals::person(&app, "Gita Permata").await;
    let link = super::approvals::ask(
        &app,
        p.id,
        "RUTAN-SERANG",
        "B.IIb 4/2026",
        jenguk_domain::Relationship::Child,
    )
    .await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let r = b.get(&format!("/staff/book/{}", link.0)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has("belum disetujui"), "{}", r.body);
    app.stop().await;
}

/// Every booking route, for the role × route matrix.
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let (_, serang) = approved(app, "RUTAN-SERANG", "B.I 87/2023", "Matriks Pesan").await;
    let (_, makassar) = approved(
        app,
        "LAPAS-MAKASSAR",
        "B.I 512/2022",
        "Matriks Pesan Makassar",
    )
    .await;
    let facility = app
        .db
        .facility(&jenguk_domain::FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let today = jiff::Timestamp::now()
        .to_zoned(facility.tz().unwrap())
        .date();
    let slots = app
        .db
        .slots(
            &facility,
            today.saturating_add(jiff::Span::new().days(2)),
            today.saturating_add(jiff::Span::new().days(9)),
        )
        .await
        .unwrap();
    let slot = slots
        .iter()
        .find(|s| s.slot.kind == jenguk_domain::VisitKind::Family && s.booked == 0)
        .unwrap()
        .slot
        .start
        .as_second()
        .to_string();
    let code = app
        .db
        .visits_between(
            facility.id,
            jiff::Timestamp::now(),
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 30),
        )
        .await
        .unwrap()[0]
        .code
        .to_string();
    vec![
        Case::get("/staff/book", Can::Operate, At::Own),
        Case::get("/staff/book?q=081234560001", Can::Operate, At::Own),
        Case::get(
            &format!("/staff/book/{}", serang.0),
            Can::Operate,
            At::Serang,
        ),
        Case::get(
            &format!("/staff/book/{}", makassar.0),
            Can::Operate,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/book/{}", serang.0),
            &[("slot", slot.as_str()), ("people", "1"), ("via", "phone")],
            Can::Operate,
            At::Serang,
        ),
        Case::get(
            &format!("/staff/book/done/{code}"),
            Can::Operate,
            At::Serang,
        ),
    ]
}
