//! Check-in by code: every way of typing it, every refusal with its message.

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{FacilityCode, VisitCode, VisitStatus};
use jenguk_storage::AuditEvent;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;

use super::{OPERATOR, audits, board, mins, status};
use crate::helpers::spawn_app;
use crate::staff::StaffBrowser;

/// The code typed the way people type it: lower case, no dash, I/L for 1 and O for 0.
fn sloppy(code: &VisitCode) -> String {
    code.as_str()
        .to_lowercase()
        .replace('1', "l")
        .replace('0', "O")
}

#[tokio::test]
async fn check_in_by_code_accepts_every_way_of_typing_it() {
    let app = spawn_app().await;
    let mut w = board(&app, 4, &["Bilik 1", "Bilik 2"]).await;
    let visits = [
        w.book(&app, 0).await,
        w.book(&app, 0).await,
        w.book(&app, 15).await,
        w.book(&app, 15).await,
    ];
    let mut b = StaffBrowser::login(&app, OPERATOR).await;
    let page = b.get("/staff/board").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has("name=\"code\""), "the code input");
    for v in &visits {
        assert!(page.has(&v.code.to_string()), "{} on the board", v.code);
    }
    let c = |i: usize| visits[i].code.as_str().to_string();
    let typed = [
        format!("{}-{}", &c(0)[..4], &c(0)[4..]),
        c(1).to_lowercase(),
        format!("  {} {}  ", &c(2)[..4].to_lowercase(), &c(2)[4..]),
        sloppy(&visits[3].code),
    ];
    for (v, t) in visits.iter().zip(&typed) {
        assert_eq!(VisitCode::parse(t).unwrap(), v.code, "{t}");
        let r = b.post("/staff/board/checkin", &[("code", t)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{t}: {}", r.body);
        let page = b.follow(&r).await;
        assert!(page.has("Check-in berhasil"), "{}", page.body);
        assert!(page.has(&v.code.to_string()));
        assert_eq!(status(&app, v.visit.id).await, VisitStatus::CheckedIn);
    }
    assert_eq!(audits(&app, "visit.status").await, 4);
    app.stop().await;
}

#[tokio::test]
async fn check_in_refusals_each_say_why_and_write_nothing() {
    let app = spawn_app().await;
    let mut w = board(&app, 6, &["Bilik 1", "Bilik 2"]).await;
    let now_visit = w.book(&app, 0).await;
    let early = w.book(&app, 60).await;
    let tomorrow = w.book(&app, 24 * 60).await;
    let cancelled = w.book(&app, 15).await;
    app.db
        .transition_visit(
            &cancelled.code,
            VisitAction::Cancel,
            Actor::System,
            None,
            &AuditEvent::cli(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    let serang = app
        .db
        .facility(&FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let elsewhere = app
        .db
        .board_visits(
            serang.id,
            Timestamp::now(),
            Timestamp::now()
                .checked_add(SignedDuration::from_hours(24 * 30))
                .unwrap(),
        )
        .await
        .unwrap()
        .remove(0);

    let mut b = StaffBrowser::login(&app, OPERATOR).await;
    b.get("/staff/board").await; // booths assigned
    let r = b
        .post(
            "/staff/board/checkin",
            &[("code", &now_visit.code.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let opens =
        w.s0.checked_add(mins(30))
            .unwrap()
            .to_zoned(w.tz.clone())
            .strftime("%H:%M")
            .to_string();
    let tomorrow_date = tomorrow
        .visit
        .start
        .to_zoned(w.tz.clone())
        .date()
        .to_string();
    let cases: Vec<(String, StatusCode, String)> = vec![
        (
            "ABC".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Itu bukan kode kunjungan".into(),
        ),
        (
            "ZZZZ-ZZZZ".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Tidak ada kunjungan dengan kode ZZZZ-ZZZZ".into(),
        ),
        (
            elsewhere.code.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ada di fasilitas lain (RUTAN-SERANG)".to_string(),
        ),
        (
            tomorrow.code.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("dijadwalkan pada {tomorrow_date}, bukan hari ini"),
        ),
        (
            early.code.to_string(),
            StatusCode::CONFLICT,
            format!("check-in dibuka pukul {opens}"),
        ),
        (
            now_visit.code.to_string(),
            StatusCode::CONFLICT,
            "sudah check-in".into(),
        ),
        (
            cancelled.code.to_string(),
            StatusCode::CONFLICT,
            "sudah dibatalkan".into(),
        ),
    ];
    let before = app.db.audit_events(None, 1_000_000).await.unwrap().len();
    for (code, want, text) in &cases {
        let r = b.post("/staff/board/checkin", &[("code", code)]).await;
        assert_eq!(r.status, *want, "{code}: {}", r.body);
        assert!(r.has(text), "{code}: want {text:?} in {}", r.body);
        assert!(r.has("aria-invalid=\"true\""), "the field is marked");
        assert!(r.has(&format!("value=\"{code}\"")), "the code is kept");
    }
    // In English too.
    let r = b
        .post(
            "/staff/board/checkin?lang=en",
            &[("code", &early.code.to_string())],
        )
        .await;
    assert!(r.has(&format!("check-in opens at {opens}")), "{}", r.body);
    let after = app.db.audit_events(None, 1_000_000).await.unwrap().len();
    assert_eq!(after, before, "a refused check-in writes nothing");
    assert_eq!(status(&app, early.visit.id).await, VisitStatus::Booked);
    assert_eq!(status(&app, tomorrow.visit.id).await, VisitStatus::Booked);
    assert_eq!(status(&app, elsewhere.visit.id).await, VisitStatus::Booked);
    assert_eq!(
        status(&app, cancelled.visit.id).await,
        VisitStatus::Cancelled
    );
    app.stop().await;
}
