//! A visit's day: start, extend (allowed, refused on a collision), end, every outcome.

use jenguk_domain::{VisitId, VisitStatus};
use jenguk_storage::VisitView;
use reqwest::StatusCode;

use super::{OPERATOR, audits, board, mins, status};
use crate::helpers::spawn_app;
use crate::staff::StaffBrowser;

#[tokio::test]
async fn a_visit_runs_start_extend_end_and_every_outcome_is_recorded() {
    let app = spawn_app().await;
    let mut w = board(&app, 8, &["Bilik 1", "Bilik 2", "Bilik 10"]).await;
    // a and a2 now (booths 1 and 2), next at s0+15 takes booth 1 after a.
    let a = w.book(&app, 0).await;
    let a2 = w.book(&app, 0).await;
    let next = w.book(&app, 15).await;
    let no_show = w.book(&app, 0).await;
    let refused = w.book(&app, 15).await;
    let terminated = w.book(&app, -15).await;
    let mut b = StaffBrowser::login(&app, OPERATOR).await;
    let board_page = b.get("/staff/board").await;
    let booth = |id: VisitId| {
        let app = &app;
        async move { app.db.board_visit(id).await.unwrap().booth_name }
    };
    assert_eq!(booth(a.visit.id).await.as_deref(), Some("Bilik 1"));
    assert_eq!(booth(a2.visit.id).await.as_deref(), Some("Bilik 2"));
    assert_eq!(booth(no_show.visit.id).await.as_deref(), Some("Bilik 10"));
    assert_eq!(booth(next.visit.id).await.as_deref(), Some("Bilik 1"));
    assert!(board_page.has("Bilik 10"));

    for v in [&a, &a2, &refused, &terminated] {
        let r = b
            .post("/staff/board/checkin", &[("code", v.code.as_str())])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let path = |v: &VisitView, what: &str| format!("/staff/board/visits/{}/{what}", v.visit.id.0);

    // Start needs a check-in first.
    let r = b.post(&path(&next, "start"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.has("saat ini terjadwal"), "{}", r.body);
    for v in [&a, &a2, &terminated] {
        let r = b.post(&path(v, "start"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(status(&app, v.visit.id).await, VisitStatus::InCall);
    }
    // The inmate refuses (checked in): not active any more, booth 2 is free after a2.
    let r = b
        .post(&path(&refused, "outcome"), &[("outcome", "refused")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.follow(&r).await;
    assert!(page.has("warga binaan menolak"), "{}", page.body);
    assert_eq!(status(&app, refused.visit.id).await, VisitStatus::Refused);

    // Extending a into next's time in booth 1 is refused, naming next.
    let extends = audits(&app, "visit.extend").await;
    let r = b.post(&path(&a, "extend"), &[("minutes", "5")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.has(&format!("oleh kunjungan {}", next.code)) && r.has("Bilik 1"),
        "{}",
        r.body
    );
    assert_eq!(
        app.db.board_visit(a.visit.id).await.unwrap().extra_minutes,
        0
    );
    // Booth 2 is free after a2: extended, twice; a wrong length is refused.
    let r = b.post(&path(&a2, "extend"), &[("minutes", "10")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.follow(&r).await;
    assert!(page.has("Diperpanjang"), "{}", page.body);
    assert!(page.has("(+10)"), "the extension is shown");
    let r = b.post(&path(&a2, "extend"), &[("minutes", "5")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = b.post(&path(&a2, "extend"), &[("minutes", "20")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.has("5, 10 atau 15 menit"), "{}", r.body);
    assert_eq!(audits(&app, "visit.extend").await, extends + 2);
    let end = app.db.visit_call_end(a2.visit.id).await.unwrap();
    assert_eq!(end, a2.visit.end.checked_add(mins(15)).unwrap());
    // A visit booked later at that time does not get booth 2 while a2 runs over.
    let late = w.book(&app, 15).await;
    b.get("/staff/board").await;
    assert_eq!(booth(late.visit.id).await.as_deref(), Some("Bilik 10"));

    // End: completed.
    let r = b.post(&path(&a, "end"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, a.visit.id).await, VisitStatus::Completed);
    let r = b
        .post(&path(&a2, "outcome"), &[("outcome", "completed")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, a2.visit.id).await, VisitStatus::Completed);
    // No-show of a booked visit.
    let r = b
        .post(&path(&no_show, "outcome"), &[("outcome", "no_show")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, no_show.visit.id).await, VisitStatus::NoShow);
    // Terminated needs a reason; no outcome chosen is refused.
    let r = b
        .post(
            &path(&terminated, "outcome"),
            &[("outcome", "terminated"), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.has("wajib diberi alasan"), "{}", r.body);
    let r = b
        .post(&path(&terminated, "outcome"), &[("outcome", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.has("Pilih hasil"), "{}", r.body);
    assert_eq!(status(&app, terminated.visit.id).await, VisitStatus::InCall);
    let r = b
        .post(
            &path(&terminated, "outcome"),
            &[
                ("outcome", "terminated"),
                ("reason", "Pelanggaran tata tertib"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = app.db.visit_by_id(terminated.visit.id).await.unwrap().visit;
    assert_eq!(t.status, VisitStatus::Terminated);
    assert_eq!(t.status_reason.as_deref(), Some("Pelanggaran tata tertib"));
    // Over: no more actions.
    let r = b
        .post(&path(&a, "outcome"), &[("outcome", "no_show")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.has("saat ini selesai"), "{}", r.body);
    // The family hears of each change (outbox receipts).
    let events = app.db.visit_events(terminated.visit.id).await.unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| e.to_status.as_str())
            .collect::<Vec<_>>(),
        ["booked", "checked_in", "in_call", "terminated"]
    );
    app.stop().await;
}
