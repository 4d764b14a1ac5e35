//! What the board shows, built from the day's visits: the timeline (rows = booths, columns =
//! five minutes) and the list (for small screens, and where the actions are).

use jenguk_domain::{Booth, BoothId, VisitKind, VisitStatus};
use jenguk_storage::BoardVisit;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::family::page::Tr;

/// Minutes per timeline column.
const STEP: i64 = 5;

/// The day shown: its local date and bounds in the facility's zone.
#[derive(Debug, Clone)]
pub struct Day {
    /// The local date.
    pub date: Date,
    /// Its first instant.
    pub start: Timestamp,
    /// The next day's first instant.
    pub end: Timestamp,
    /// Whether it is today at the facility.
    pub today: bool,
    /// The facility's zone.
    pub tz: TimeZone,
}

impl Day {
    /// `date` (today when none) at a facility in `tz`.
    pub fn new(tz: TimeZone, date: Option<Date>, now: Timestamp) -> Option<Day> {
        let today = now.to_zoned(tz.clone()).date();
        let date = date.unwrap_or(today);
        let start = date.to_zoned(tz.clone()).ok()?.timestamp();
        let end = date.tomorrow().ok()?.to_zoned(tz.clone()).ok()?.timestamp();
        Some(Day {
            date,
            start,
            end,
            today: date == today,
            tz,
        })
    }

    /// `HH:MM` in the facility's zone.
    pub fn hm(&self, t: Timestamp) -> String {
        t.to_zoned(self.tz.clone()).strftime("%H:%M").to_string()
    }

    /// Minutes from the day's start (may pass 24 h for a call running past midnight).
    fn minute(&self, t: Timestamp) -> i64 {
        t.duration_since(self.start).as_secs() / 60
    }
}

/// The booking visitor's name, shortened: the first name and the initial of the last
/// ("Rina Wulandari" → "Rina W."). The board shows no more of the family than that.
pub fn short_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match (words.first(), words.last()) {
        (Some(first), Some(last)) if words.len() > 1 => {
            let initial: String = last.chars().take(1).collect();
            format!("{first} {initial}.")
        }
        (Some(first), _) => (*first).to_string(),
        _ => String::new(),
    }
}

/// The message key part of a status (`checked-in`).
pub fn status_key(s: VisitStatus) -> String {
    s.as_str().replace('_', "-")
}

/// One visit as shown, on the timeline and in the list.
#[derive(Debug, Clone)]
pub struct Item {
    /// Visit id.
    pub id: i64,
    /// `09:00–09:15`, with the extension (`09:00–09:25 (+10)`).
    pub time: String,
    /// The inmate's name.
    pub inmate: String,
    /// The visitor's short name.
    pub family: String,
    /// Family or legal, translated.
    pub kind: String,
    /// `legal` or `family` (CSS).
    pub kind_class: &'static str,
    /// Status, translated.
    pub status: String,
    /// Status name (CSS class, tests).
    pub status_class: String,
    /// The code, `XXXX-XXXX`.
    pub code: String,
    /// The booth's name, or "no booth".
    pub booth: String,
    /// Why it ended where it did (termination, cancellation).
    pub reason: String,
    /// Timeline position: grid row and columns.
    pub row: usize,
    /// First grid column.
    pub col_start: i64,
    /// Grid column after the last.
    pub col_end: i64,
    /// On the timeline (not cancelled).
    pub on_timeline: bool,
    /// Actions offered (today, to staff who operate).
    pub can_start: bool,
    /// End the call (completed) and extend it.
    pub can_end: bool,
    /// Record an outcome: (value, label) choices.
    pub outcomes: Vec<(&'static str, String)>,
    /// Waiting for the code at the desk.
    pub awaiting_code: bool,
}

/// A timeline row's label.
#[derive(Debug, Clone)]
pub struct RowLabel {
    /// Grid row.
    pub row: usize,
    /// Booth name (empty on a booth's extra lanes).
    pub label: String,
    /// Whether it is the "no booth" row.
    pub no_booth: bool,
}

/// The board: everything the fragment template needs.
#[derive(Debug, Clone)]
pub struct BoardModel {
    /// Translations.
    pub tr: Tr,
    /// CSRF token for the action forms.
    pub csrf: String,
    /// The date shown (`YYYY-MM-DD`).
    pub date: String,
    /// Whether actions are offered (today, and the role may operate).
    pub operate: bool,
    /// Every visit, by start.
    pub items: Vec<Item>,
    /// Row labels of the timeline.
    pub rows: Vec<RowLabel>,
    /// Hour labels: (grid column, `HH:00`).
    pub hours: Vec<(i64, String)>,
    /// Number of five-minute columns.
    pub columns: i64,
    /// The grid row of the "now" line's column, if today and within the range.
    pub now_col: Option<i64>,
    /// Number of grid rows (header included).
    pub row_count: usize,
}

/// Builds the board of `day` from its visits and the facility's booths.
pub fn build(
    tr: Tr,
    csrf: String,
    day: &Day,
    mut booths: Vec<Booth>,
    visits: &[BoardVisit],
    operate: bool,
    now: Timestamp,
) -> BoardModel {
    let lang = tr.0;
    booths.sort_by_key(jenguk_storage::booth_order);
    // Active booths, and any other that holds a visit today.
    booths.retain(|b| b.active || visits.iter().any(|v| v.visit.booth_id == Some(b.id)));
    let shown: Vec<&BoardVisit> = visits
        .iter()
        .filter(|v| v.visit.status != VisitStatus::Cancelled)
        .collect();
    let first_hour = shown
        .iter()
        .map(|v| day.minute(v.visit.start) / 60)
        .min()
        .unwrap_or(8)
        .clamp(0, 23);
    let last_hour = shown
        .iter()
        .map(|v| (day.minute(v.call_end()) + 59) / 60)
        .max()
        .unwrap_or(16)
        .clamp(first_hour + 1, 26);
    let origin = first_hour * 60;
    let columns = (last_hour - first_hour) * 60 / STEP;
    let col = |t: Timestamp| ((day.minute(t) - origin) / STEP).clamp(0, columns) + 2;

    // Lanes: each booth gets as many rows as it needs for its visits not to overlap (ended
    // visits may share a booth's time with a later one); visits without a booth get lanes of
    // their own at the end.
    let mut keys: Vec<Option<BoothId>> = booths.iter().map(|b| Some(b.id)).collect();
    if shown.iter().any(|v| v.visit.booth_id.is_none()) {
        keys.push(None);
    }
    let mut rows = Vec::new();
    let mut placed: Vec<(i64, usize)> = Vec::new(); // (visit id, grid row)
    let mut next_row = 2;
    for key in &keys {
        let mut lanes: Vec<Vec<(Timestamp, Timestamp)>> = Vec::new();
        for v in shown.iter().filter(|v| v.visit.booth_id == *key) {
            let span = (v.visit.start, v.call_end());
            let lane = lanes
                .iter()
                .position(|l| l.iter().all(|(s, e)| span.1 <= *s || span.0 >= *e));
            let lane = match lane {
                Some(i) => i,
                None => {
                    lanes.push(Vec::new());
                    lanes.len() - 1
                }
            };
            if let Some(l) = lanes.get_mut(lane) {
                l.push(span);
            }
            placed.push((v.visit.id.0, next_row + lane));
        }
        let label = match key {
            Some(id) => booths
                .iter()
                .find(|b| b.id == *id)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            None => lang.t("staff-board-no-booth"),
        };
        for i in 0..lanes.len().max(1) {
            rows.push(RowLabel {
                row: next_row + i,
                label: if i == 0 { label.clone() } else { String::new() },
                no_booth: key.is_none(),
            });
        }
        next_row += lanes.len().max(1);
    }

    let items = visits
        .iter()
        .map(|v| {
            let s = v.visit.status;
            let mut time = format!("{}–{}", day.hm(v.visit.start), day.hm(v.call_end()));
            if v.extra_minutes > 0 {
                time.push_str(&format!(" (+{})", v.extra_minutes));
            }
            let mut outcomes = Vec::new();
            if operate {
                let opts: &[&'static str] = match s {
                    VisitStatus::Booked | VisitStatus::CheckedIn => &["no_show", "refused"],
                    VisitStatus::InCall => &["completed", "terminated"],
                    _ => &[],
                };
                outcomes = opts
                    .iter()
                    .map(|o| {
                        (
                            *o,
                            lang.t(&format!("staff-board-outcome-{}", o.replace('_', "-"))),
                        )
                    })
                    .collect();
            }
            Item {
                id: v.visit.id.0,
                time,
                inmate: v.inmate_name.clone(),
                family: short_name(&v.visitor_name),
                kind: lang.t(match v.visit.kind {
                    VisitKind::Legal => "staff-board-kind-legal",
                    VisitKind::Family => "staff-board-kind-family",
                }),
                kind_class: match v.visit.kind {
                    VisitKind::Legal => "legal",
                    VisitKind::Family => "family",
                },
                status: lang.t(&format!("staff-board-status-{}", status_key(s))),
                status_class: s.as_str().to_string(),
                code: v.code.to_string(),
                booth: v
                    .booth_name
                    .clone()
                    .unwrap_or_else(|| lang.t("staff-board-no-booth")),
                reason: v.visit.status_reason.clone().unwrap_or_default(),
                row: placed
                    .iter()
                    .find(|(id, _)| *id == v.visit.id.0)
                    .map_or(0, |(_, r)| *r),
                col_start: col(v.visit.start),
                col_end: col(v.call_end()).max(col(v.visit.start) + 1),
                on_timeline: s != VisitStatus::Cancelled,
                can_start: operate && s == VisitStatus::CheckedIn,
                can_end: operate && s == VisitStatus::InCall,
                outcomes,
                awaiting_code: operate && s == VisitStatus::Booked,
            }
        })
        .collect();
    let hours = (first_hour..last_hour)
        .map(|h| {
            (
                (h - first_hour) * 60 / STEP + 2,
                format!("{:02}:00", h % 24),
            )
        })
        .collect();
    let now_min = day.minute(now);
    let now_col = (day.today && now_min >= origin && now_min < last_hour * 60)
        .then(|| (now_min - origin) / STEP + 2);
    BoardModel {
        tr,
        csrf,
        date: day.date.to_string(),
        operate,
        items,
        rows,
        hours,
        columns,
        now_col,
        row_count: next_row,
    }
}
