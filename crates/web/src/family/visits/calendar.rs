//! The calendar file of a visit (`.ics`), so that a family's phone reminds them of it.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use jenguk_domain::Facility;
use jenguk_storage::VisitView;
use jiff::Timestamp;

use super::{Page, family_visit, join_url, private, visit_facility};
use crate::AppState;
use crate::family::session::Family;
use crate::i18n::Lang;

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a UTF-8 character) and ends it with
/// CRLF (RFC 5545 §3.1).
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn ics_time(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The visit as an iCalendar file. The inmate's name stays out of it: calendars are
/// synchronised to third parties, and that a relative is held is sensitive.
pub(super) fn ics(
    lang: Lang,
    v: &VisitView,
    facility: &Facility,
    join: &str,
    host: &str,
    now: Timestamp,
) -> String {
    let summary = lang.t_args("fv-ics-summary", &[("facility", facility.name.clone())]);
    let description = lang.t_args(
        "fv-ics-description",
        &[("code", v.code.to_string()), ("link", join.to_string())],
    );
    let alarm = lang.t("fv-ics-alarm");
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Jenguk//Kunjungan virtual//ID".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:visit-{}@{}", v.visit.id.0, ics_text(host)),
        format!("DTSTAMP:{}", ics_time(now)),
        format!("DTSTART:{}", ics_time(v.visit.start)),
        format!("DTEND:{}", ics_time(v.visit.end)),
        format!("SUMMARY:{}", ics_text(&summary)),
        format!("LOCATION:{}", ics_text(&facility.name)),
        format!("URL:{join}"),
        format!("DESCRIPTION:{}", ics_text(&description)),
        "BEGIN:VALARM".to_string(),
        "ACTION:DISPLAY".to_string(),
        "TRIGGER:-PT30M".to_string(),
        format!("DESCRIPTION:{}", ics_text(&alarm)),
        "END:VALARM".to_string(),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ];
    let mut out = String::new();
    for l in &lines {
        ics_line(&mut out, l);
    }
    out
}

pub(super) async fn get_ics(
    State(state): State<AppState>,
    family: Family,
    Path(code): Path<String>,
) -> Page {
    let lang = family.lang;
    let code = code.trim_end_matches(".ics");
    let v = family_visit(&state, &family, code).await?;
    let facility = visit_facility(&state, &v, lang).await?;
    let host = state
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("jenguk")
        .split('/')
        .next()
        .unwrap_or("jenguk")
        .to_string();
    let body = ics(
        lang,
        &v,
        &facility,
        &join_url(&state, &v.code),
        &host,
        Timestamp::now(),
    );
    let disposition = format!("attachment; filename=\"jenguk-{}.ics\"", v.code);
    let mut res = (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response();
    if let Ok(d) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, d);
    }
    Ok(private(res))
}
