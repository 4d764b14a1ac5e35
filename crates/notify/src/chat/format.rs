//! Dates and times as a family reads them: in the facility's zone, written out, with the
//! Indonesian (or English) names of days and months from `chat.ftl`.
//!
//! "Selasa, 1 Desember 2026 pukul 09.00 WIB" / "Tuesday 1 December 2026, 09:00 WIB".

use jenguk_domain::facility::zone_abbreviation;
use jenguk_i18n::Lang;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

/// The facility's zone, Asia/Jakarta (WIB) if the name is unknown.
pub(crate) fn zone(time_zone: &str) -> TimeZone {
    TimeZone::get(time_zone)
        .or_else(|_| TimeZone::get("Asia/Jakarta"))
        .unwrap_or(TimeZone::UTC)
}

fn weekday(lang: Lang, date: Date) -> String {
    lang.t(&format!(
        "chat-weekday-{}",
        date.weekday().to_monday_one_offset()
    ))
}

fn month(lang: Lang, date: Date) -> String {
    lang.t(&format!("chat-month-{}", date.month()))
}

fn month_short(lang: Lang, date: Date) -> String {
    lang.t(&format!("chat-month-short-{}", date.month()))
}

/// "09.00" (Indonesian) or "09:00" (English).
pub(crate) fn clock(lang: Lang, t: Time) -> String {
    lang.t_args(
        "chat-clock",
        &[
            ("hour", format!("{:02}", t.hour())),
            ("minute", format!("{:02}", t.minute())),
        ],
    )
}

/// An instant in the facility's zone, written out in full:
/// "Selasa, 1 Desember 2026 pukul 09.00 WIB" / "Tuesday 1 December 2026, 09:00 WIB".
pub fn format_when(lang: Lang, at: Timestamp, time_zone: &str) -> String {
    let local = at.to_zoned(zone(time_zone));
    let date = local.date();
    lang.t_args(
        "chat-datetime",
        &[
            ("weekday", weekday(lang, date)),
            ("day", date.day().to_string()),
            ("month", month(lang, date)),
            ("year", date.year().to_string()),
            ("time", clock(lang, local.time())),
            ("zone", zone_abbreviation(time_zone).to_string()),
        ],
    )
}

/// A date in full: "Selasa, 1 Desember 2026".
pub(crate) fn date_long(lang: Lang, date: Date) -> String {
    lang.t_args(
        "chat-date-long",
        &[
            ("weekday", weekday(lang, date)),
            ("day", date.day().to_string()),
            ("month", month(lang, date)),
            ("year", date.year().to_string()),
        ],
    )
}

/// A date for a list row (at most 24 characters): "Selasa, 1 Desember".
pub(crate) fn day_title(lang: Lang, date: Date) -> String {
    lang.t_args(
        "chat-day-title",
        &[
            ("weekday", weekday(lang, date)),
            ("day", date.day().to_string()),
            ("month", month(lang, date)),
        ],
    )
}

/// An instant for a list row (at most 24 characters): "Selasa, 1 Des, 09.00".
pub(crate) fn when_short(lang: Lang, at: Timestamp, time_zone: &str) -> String {
    let local = at.to_zoned(zone(time_zone));
    let date = local.date();
    lang.t_args(
        "chat-when-short",
        &[
            ("weekday", weekday(lang, date)),
            ("day", date.day().to_string()),
            ("month", month_short(lang, date)),
            ("time", clock(lang, local.time())),
        ],
    )
}

/// A slot for a list row: "09.00–09.15 WIB".
pub(crate) fn slot_title(lang: Lang, start: Timestamp, end: Timestamp, time_zone: &str) -> String {
    let tz = zone(time_zone);
    format!(
        "{}–{} {}",
        clock(lang, start.to_zoned(tz.clone()).time()),
        clock(lang, end.to_zoned(tz).time()),
        zone_abbreviation(time_zone)
    )
}

/// The local name of a weekday, Monday = 1.
pub(crate) fn weekday_name(lang: Lang, monday_one: i8) -> String {
    lang.t(&format!("chat-weekday-{monday_one}"))
}

/// Cuts a text to `max` characters, ending with "…" when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn writes_out_the_time_in_the_facility_zone() {
        // 02:00 UTC is 09:00 in Jakarta, 10:00 in Makassar, 11:00 in Jayapura.
        let at = ts("2026-12-01T02:00:00Z");
        assert_eq!(
            format_when(Lang::Id, at, "Asia/Jakarta"),
            "Selasa, 1 Desember 2026 pukul 09.00 WIB"
        );
        assert_eq!(
            format_when(Lang::En, at, "Asia/Jakarta"),
            "Tuesday 1 December 2026, 09:00 WIB"
        );
        assert_eq!(
            format_when(Lang::Id, at, "Asia/Makassar"),
            "Selasa, 1 Desember 2026 pukul 10.00 WITA"
        );
        assert_eq!(
            format_when(Lang::Id, at, "Asia/Jayapura"),
            "Selasa, 1 Desember 2026 pukul 11.00 WIT"
        );
    }

    #[test]
    fn the_local_date_can_differ_from_utc() {
        // 23:30 UTC on Sunday is Monday 06:30 in Jakarta.
        let at = ts("2026-08-16T23:30:00Z");
        assert_eq!(
            format_when(Lang::Id, at, "Asia/Jakarta"),
            "Senin, 17 Agustus 2026 pukul 06.30 WIB"
        );
        assert_eq!(
            format_when(Lang::En, at, "Asia/Jakarta"),
            "Monday 17 August 2026, 06:30 WIB"
        );
    }

    #[test]
    fn every_day_and_month_has_a_name() {
        let mut d = jiff::civil::date(2027, 1, 1);
        for _ in 0..366 {
            for lang in [Lang::Id, Lang::En] {
                let s = date_long(lang, d);
                assert!(!s.contains("chat-"), "{s}");
                let t = day_title(lang, d);
                assert!(t.chars().count() <= 24, "{t}");
                let w = when_short(
                    lang,
                    d.to_zoned(zone("Asia/Jakarta")).unwrap().timestamp(),
                    "Asia/Jayapura",
                );
                assert!(w.chars().count() <= 24, "{w}");
            }
            d = d.tomorrow().unwrap();
        }
        assert_eq!(
            date_long(Lang::Id, jiff::civil::date(2027, 5, 30)),
            "Minggu, 30 Mei 2027"
        );
        assert_eq!(
            day_title(Lang::En, jiff::civil::date(2026, 9, 30)),
            "Wednesday 30 September"
        );
    }

    #[test]
    fn short_forms() {
        let at = ts("2026-12-01T02:00:00Z");
        let end = ts("2026-12-01T02:15:00Z");
        assert_eq!(
            when_short(Lang::Id, at, "Asia/Jakarta"),
            "Selasa, 1 Des, 09.00"
        );
        assert_eq!(
            when_short(Lang::En, at, "Asia/Jakarta"),
            "Tuesday 1 Dec, 09:00"
        );
        assert_eq!(
            slot_title(Lang::Id, at, end, "Asia/Makassar"),
            "10.00–10.15 WITA"
        );
        assert_eq!(
            slot_title(Lang::En, at, end, "Asia/Jakarta"),
            "09:00–09:15 WIB"
        );
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("Ahmad", 24), "Ahmad");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("éééééé", 4).chars().count(), 4);
    }
}
