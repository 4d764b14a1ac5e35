//! Tests of the board's view model: lanes, the grid, the family's short name.

use jenguk_domain::{
    Booth, BoothId, FacilityId, InmateId, Visit, VisitCode, VisitId, VisitKind, VisitStatus,
    VisitorId,
};
use jenguk_storage::BoardVisit;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::view::{Day, build, short_name};
use crate::family::page::Tr;
use crate::i18n::Lang;

#[test]
fn the_board_shows_only_the_first_name_and_an_initial_of_the_family() {
    assert_eq!(short_name("Rina Wulandari"), "Rina W.");
    assert_eq!(short_name("  Siti  Nur  Aisyah "), "Siti A.");
    assert_eq!(short_name("Sukarno"), "Sukarno");
    assert_eq!(short_name(""), "");
}

fn visit(id: i64, booth: Option<i64>, start: &str, mins: i64, status: VisitStatus) -> BoardVisit {
    let start: Timestamp = start.parse().unwrap();
    let code = VisitCode::from_random([id as u8, 1, 2, 3, 4]);
    BoardVisit {
        visit: Visit {
            id: VisitId(id),
            facility_id: FacilityId(1),
            code: Some(code.clone()),
            inmate_id: InmateId(id),
            visitor_id: VisitorId(id),
            kind: VisitKind::Family,
            start,
            end: start
                .checked_add(jiff::SignedDuration::from_mins(mins))
                .unwrap(),
            booth_id: booth.map(BoothId),
            people: 1,
            status,
            status_reason: None,
            created_at: start,
        },
        code,
        inmate_name: format!("Warga {id}"),
        visitor_name: "Rina Wulandari".into(),
        booth_name: booth.map(|b| format!("Bilik {b}")),
        extra_minutes: 0,
    }
}

#[test]
fn visits_sharing_a_row_get_lanes_and_the_grid_follows_the_day() {
    let tz = TimeZone::get("Asia/Jakarta").unwrap();
    let now: Timestamp = "2026-11-30T02:05:00Z".parse().unwrap(); // 09:05 WIB
    let day = Day::new(tz, None, now).unwrap();
    let booths = [1, 2, 10]
        .into_iter()
        .map(|i| Booth {
            id: BoothId(i),
            facility_id: FacilityId(1),
            name: format!("Bilik {i}"),
            active: i != 2,
        })
        .collect();
    let visits = [
        visit(1, Some(10), "2026-11-30T02:00:00Z", 15, VisitStatus::InCall),
        visit(2, None, "2026-11-30T02:00:00Z", 15, VisitStatus::Booked),
        visit(3, None, "2026-11-30T02:00:00Z", 15, VisitStatus::Booked),
        visit(
            4,
            Some(1),
            "2026-11-30T02:15:00Z",
            15,
            VisitStatus::Cancelled,
        ),
    ];
    let b = build(Tr(Lang::En), "t".into(), &day, booths, &visits, true, now);
    // Bilik 1, Bilik 10 (Bilik 2 is inactive and empty), then two lanes without a booth.
    let labels: Vec<_> = b.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["Bilik 1", "Bilik 10", "No booth", ""]);
    let rows: Vec<_> = b.items.iter().map(|i| i.row).collect();
    assert_eq!(&rows[..3], &[3, 4, 5]);
    assert!(!b.items[3].on_timeline, "cancelled visits are only listed");
    // 09:00–10:00 in five-minute columns, the first after the label column.
    assert_eq!(b.columns, 12);
    assert_eq!((b.items[0].col_start, b.items[0].col_end), (2, 5));
    assert_eq!(b.now_col, Some(3));
    assert!(b.items[0].can_end && !b.items[0].can_start);
    assert!(b.items[1].awaiting_code);
    assert_eq!(b.items[1].family, "Rina W.");
}
