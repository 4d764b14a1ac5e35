//! The approval queues: masking, the audited request page, approving (with the permit for a
//! tahanan) and rejecting with a reason, the family told through the outbox. The fixtures
//! (in `fixtures`) serve the visitor and booking tests too.

use jenguk_domain::{FacilityCode, LinkId, LinkStatus, PhoneNumber, Relationship};
use jenguk_storage::MessageKind;
use jenguk_web::staff::perm::Can;
use jiff::{Span, Timestamp};
use reqwest::StatusCode;

use super::matrix::{At, Case};
use super::{OPERATOR_SERANG, StaffBrowser};
use crate::helpers::{TestApp, spawn_app};

mod fixtures;

pub use fixtures::*;

async fn status(app: &TestApp, link: LinkId) -> LinkStatus {
    app.db.link(link).await.unwrap().0.status
}

#[tokio::test]
async fn the_queues_show_masked_data_oldest_first_and_opening_a_request_is_audited() {
    let app = spawn_app().await;
    let newcomer = person(&app, "Siti Aminah").await;
    let first = ask(
        &app,
        newcomer.id,
        "RUTAN-SERANG",
        "B.I 231/2024",
        Relationship::Sibling,
    )
    .await;
    let second = person(&app, "Wahyu Pratama").await;
    ask(
        &app,
        second.id,
        "RUTAN-SERANG",
        "B.I 231/2024",
        Relationship::Child,
    )
    .await;
    // Nurhayati (demo) is known here already: her new request is a link request.
    let nurhayati = app
        .db
        .visitor_by_phone(&PhoneNumber::parse("081234560001").unwrap())
        .await
        .unwrap()
        .unwrap();
    let known = ask(
        &app,
        nurhayati.id,
        "RUTAN-SERANG",
        "B.I 87/2023",
        Relationship::OtherFamily,
    )
    .await;
    // A Makassar request is not in Serang's queue.
    let far = person(&app, "Daeng Masalle").await;
    ask(
        &app,
        far.id,
        "LAPAS-MAKASSAR",
        "B.I 512/2022",
        Relationship::Spouse,
    )
    .await;

    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let q = b.get("/staff/approvals").await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    let new_section =
        &q.body[q.body.find("id=\"new-visitors\"").unwrap()..q.body.find("id=\"links\"").unwrap()];
    let link_section = &q.body[q.body.find("id=\"links\"").unwrap()..];
    assert!(new_section.find("Siti Aminah").unwrap() < new_section.find("Wahyu Pratama").unwrap());
    assert!(link_section.contains("Nurhayati") && !new_section.contains("Nurhayati"));
    assert!(link_section.contains(&format!("/staff/approvals/{}", known.0)));
    assert!(!q.has("Daeng Masalle"), "another facility's request shown");
    assert!(q.has("3604********"), "masked NIK missing");
    assert!(q.has(&PhoneNumber::parse(&newcomer.phone).unwrap().masked()));
    assert!(
        !shows_in_full(&q.body, &newcomer.nik, &newcomer.phone),
        "{}",
        q.body
    );
    let en = b.get("/staff/approvals?lang=en").await;
    assert!(
        en.has("New visitors") && en.has("Link requests"),
        "{}",
        en.body
    );

    let views = audits(&app, "visitor.view", &newcomer.id.0.to_string())
        .await
        .len();
    let page = b.get(&format!("/staff/approvals/{}", first.0)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has("Siti Aminah") && page.has("Dedi Kurniawan") && page.has("B.I 231/2024"));
    assert!(
        !shows_in_full(&page.body, &newcomer.nik, &newcomer.phone),
        "{}",
        page.body
    );
    let after = audits(&app, "visitor.view", &newcomer.id.0.to_string()).await;
    assert_eq!(after.len(), views + 1, "the view was not audited");
    let e = after.last().unwrap();
    assert!(e.user_id.is_some());
    assert_eq!(e.source.as_deref(), Some(b.ip.as_str()));
    assert_eq!(e.detail["link_id"], first.0);
    app.stop().await;
}

#[tokio::test]
async fn approving_and_rejecting_tell_the_family_and_bad_input_writes_nothing() {
    let app = spawn_app().await;
    let a = person(&app, "Ani Suryani").await;
    let la = ask(
        &app,
        a.id,
        "RUTAN-SERANG",
        "B.I 231/2024",
        Relationship::Sibling,
    )
    .await;
    let r = person(&app, "Rina Kusuma").await;
    let lr = ask(
        &app,
        r.id,
        "RUTAN-SERANG",
        "B.I 87/2023",
        Relationship::Child,
    )
    .await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;

    let ok = b
        .post(&format!("/staff/approvals/{}/approve", la.0), &[])
        .await;
    assert_eq!(
        ok.location(),
        "/staff/approvals?done=approved",
        "{}",
        ok.body
    );
    let back = b.follow(&ok).await;
    assert!(back.has("Permohonan disetujui"));
    assert_eq!(status(&app, la).await, LinkStatus::Approved);
    assert_eq!(
        messages(&app, MessageKind::LinkApproved, &a.phone)
            .await
            .len(),
        1
    );
    assert_eq!(
        audits(&app, "link.approve", &la.0.to_string()).await.len(),
        1
    );

    let outbox = app.db.outbox_messages(None, 1000).await.unwrap().len();
    let path = format!("/staff/approvals/{}/reject", lr.0);
    for (form, message) in [
        (
            vec![("reason", "other"), ("reason_text", "  ")],
            "tulis keterangannya",
        ),
        (
            vec![("reason", ""), ("reason_text", "x")],
            "Pilih alasan penolakan",
        ),
        (vec![("reason", "bogus")], "Pilih alasan penolakan"),
    ] {
        let p = b.post(&path, &form).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(p.has(message), "{form:?}: {}", p.body);
        assert!(p.has("name=\"reason_text\""), "form not re-rendered");
    }
    assert_eq!(status(&app, lr).await, LinkStatus::Pending);
    assert_eq!(
        app.db.outbox_messages(None, 1000).await.unwrap().len(),
        outbox
    );
    assert!(
        audits(&app, "link.reject", &lr.0.to_string())
            .await
            .is_empty()
    );

    let p = b
        .post(
            &path,
            &[
                ("reason", "relationship"),
                ("reason_text", "Kartu keluarga tidak sesuai"),
            ],
        )
        .await;
    assert_eq!(p.location(), "/staff/approvals?done=rejected", "{}", p.body);
    let (link, _) = app.db.link(lr).await.unwrap();
    assert_eq!(link.status, LinkStatus::Rejected);
    assert_eq!(
        link.reason.as_deref(),
        Some("Hubungan tidak terbukti: Kartu keluarga tidak sesuai")
    );
    let sent = messages(&app, MessageKind::LinkRejected, &r.phone).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].params["reason"],
        "Hubungan tidak terbukti: Kartu keluarga tidak sesuai"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_tahanan_link_needs_the_permit_and_visits_after_it_expires_are_refused() {
    let app = spawn_app().await;
    let p = person(&app, "Lestari Wulandari").await;
    let link = ask(
        &app,
        p.id,
        "RUTAN-SERANG",
        "A.II 118/2026",
        Relationship::Spouse,
    )
    .await;
    let mut b = StaffBrowser::login(&app, OPERATOR_SERANG).await;
    let path = format!("/staff/approvals/{}/approve", link.0);
    let page = b.get(&format!("/staff/approvals/{}", link.0)).await;
    assert!(page.has("Tahanan") && page.has("name=\"permit_number\""));

    let today = Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap())
        .date();
    let past = today.saturating_sub(Span::new().days(1)).to_string();
    let soon = today.saturating_add(Span::new().days(3));
    let soon_s = soon.to_string();
    for (form, message) in [
        (vec![], "wajib diisi"),
        (
            vec![("permit_number", "SP-1/2026"), ("permit_expires", "")],
            "wajib diisi",
        ),
        (
            vec![("permit_number", ""), ("permit_expires", soon_s.as_str())],
            "wajib diisi",
        ),
        (
            vec![
                ("permit_number", "SP-1/2026"),
                ("permit_expires", past.as_str()),
            ],
            "sudah lewat",
        ),
        (
            vec![
                ("permit_number", "SP-1/2026"),
                ("permit_expires", "31-02-2026"),
            ],
            "tidak dapat dibaca",
        ),
    ] {
        let r = b.post(&path, &form).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{form:?}: {}",
            r.body
        );
        assert!(r.has(message), "{form:?}: {}", r.body);
    }
    assert_eq!(status(&app, link).await, LinkStatus::Pending);
    assert!(
        messages(&app, MessageKind::LinkApproved, &p.phone)
            .await
            .is_empty()
    );

    let ok = b
        .post(
            &path,
            &[
                ("permit_number", "SP-77/Polres/2026"),
                ("permit_expires", soon_s.as_str()),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let (l, _) = app.db.link(link).await.unwrap();
    assert_eq!(l.status, LinkStatus::Approved);
    assert_eq!(l.permit_number.as_deref(), Some("SP-77/Polres/2026"));
    assert_eq!(l.permit_expires, Some(soon));

    // A visit after the permit's last day is refused, translated for staff and the API.
    let facility = app
        .db
        .facility(&FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let slots = app
        .db
        .slots(
            &facility,
            soon.saturating_add(Span::new().days(1)),
            soon.saturating_add(Span::new().days(8)),
        )
        .await
        .unwrap();
    let late = slots
        .iter()
        .find(|s| s.slot.kind == jenguk_domain::VisitKind::Family && s.booked == 0)
        .unwrap();
    let r = b
        .post(
            &format!("/staff/book/{}", link.0),
            &[
                ("slot", late.slot.start.as_second().to_string().as_str()),
                ("people", "1"),
                ("via", "phone"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.has("memerlukan izin dari instansi penahan"), "{}", r.body);
    let token = app.operator().await;
    let (s, body) = app
        .post(
            "/api/v1/visits",
            Some(&token),
            serde_json::json!({"facility": "RUTAN-SERANG", "start": late.slot.start.to_string(),
                               "inmate_id": l.inmate_id.0, "visitor_id": p.id.0}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "permit_missing");
    assert!(body["message"].as_str().unwrap().contains("izin"), "{body}");
    app.stop().await;
}

/// Every approval route, for the role × route matrix.
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let serang = person(app, "Matriks Serang").await;
    let view = ask(
        app,
        serang.id,
        "RUTAN-SERANG",
        "B.I 231/2024",
        Relationship::Sibling,
    )
    .await;
    let decide = ask(
        app,
        serang.id,
        "RUTAN-SERANG",
        "B.I 87/2023",
        Relationship::Sibling,
    )
    .await;
    let makassar = person(app, "Matriks Makassar").await;
    let far = ask(
        app,
        makassar.id,
        "LAPAS-MAKASSAR",
        "B.I 512/2022",
        Relationship::Sibling,
    )
    .await;
    vec![
        Case::get("/staff/approvals", Can::Operate, At::Own),
        Case::get(
            &format!("/staff/approvals/{}", view.0),
            Can::Operate,
            At::Serang,
        ),
        Case::get(
            &format!("/staff/approvals/{}", far.0),
            Can::Operate,
            At::Makassar,
        ),
        Case::post(
            &format!("/staff/approvals/{}/approve", decide.0),
            &[],
            Can::Operate,
            At::Serang,
        ),
        Case::post(
            &format!("/staff/approvals/{}/reject", far.0),
            &[("reason", "data")],
            Can::Operate,
            At::Makassar,
        ),
    ]
}
