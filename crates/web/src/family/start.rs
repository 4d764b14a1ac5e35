//! The start page (`/`): what Jenguk is, and the facilities it serves — found by name, city
//! or province — with their visiting hours (from the session templates, in local time) and
//! rules.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jenguk_domain::facility::zone_abbreviation;
use jenguk_domain::{Facility, SessionTemplate, VisitKind};
use jiff::Timestamp;
use jiff::civil::Time;

use crate::AppState;
use crate::extract::ReqLang;
use crate::family::auth::current_session;
use crate::family::page::{Chrome, PageError, render};
use crate::family::session::url_escape;
use crate::i18n::Lang;

/// Facilities shown at most on one page: a search narrows a national list.
const MAX_CARDS: usize = 20;

struct Card {
    code: String,
    name: String,
    kind: String,
    province: String,
    zone: String,
    hours: Vec<String>,
    legal_hours: Vec<String>,
    rules: Vec<String>,
    action_href: String,
    action_label: String,
}

#[derive(Template)]
#[template(path = "family/start.html")]
struct StartPage {
    chrome: Chrome,
    q: String,
    cta_href: String,
    cta_label: String,
    cards: Vec<Card>,
    message: Option<String>,
    /// A notice from the page that sent the family here (e.g. the account was deleted).
    notice: Option<String>,
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

fn weekday_name(lang: Lang, wd: i8) -> String {
    lang.t(&format!("chat-weekday-{wd}"))
}

/// Days written as runs: "Senin–Jumat", "Selasa, Kamis", "Senin–Rabu, Sabtu".
fn day_runs(lang: Lang, days: &[i8]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        if j >= i + 2 {
            parts.push(format!(
                "{}–{}",
                weekday_name(lang, days[i]),
                weekday_name(lang, days[j])
            ));
        } else {
            for d in &days[i..=j] {
                parts.push(weekday_name(lang, *d));
            }
        }
        i = j + 1;
    }
    parts.join(", ")
}

/// A day's sessions: (start, end), sorted.
type Spans = Vec<(Time, Time)>;

/// A week of sessions as lines, days with the same hours together:
/// "Senin–Jumat: 09.00–12.00, 13.00–15.00", "Sabtu: 09.00–11.00".
pub(crate) fn hours_lines(lang: Lang, templates: &[&SessionTemplate]) -> Vec<String> {
    // Each weekday's spans, sorted.
    let mut by_day: Vec<(i8, Spans)> = Vec::new();
    for wd in 1..=7i8 {
        let mut spans: Vec<_> = templates
            .iter()
            .filter(|t| t.weekday.to_monday_one_offset() == wd)
            .map(|t| (t.start, t.end))
            .collect();
        if spans.is_empty() {
            continue;
        }
        spans.sort();
        spans.dedup();
        by_day.push((wd, spans));
    }
    // Group the days sharing the same spans, in the order of their first day.
    let mut groups: Vec<(Spans, Vec<i8>)> = Vec::new();
    for (wd, spans) in by_day {
        match groups.iter_mut().find(|(s, _)| *s == spans) {
            Some((_, days)) => days.push(wd),
            None => groups.push((spans, vec![wd])),
        }
    }
    groups
        .iter()
        .map(|(spans, days)| {
            let hours = spans
                .iter()
                .map(|(s, e)| format!("{}–{}", clock(lang, *s), clock(lang, *e)))
                .collect::<Vec<_>>()
                .join(", ");
            lang.t_args(
                "start-day-hours",
                &[("weekday", day_runs(lang, days)), ("hours", hours)],
            )
        })
        .collect()
}

/// The rules a family must know before booking.
fn rules(lang: Lang, f: &Facility, family: &[&SessionTemplate]) -> Vec<String> {
    let p = &f.policy;
    let mut lengths: Vec<u16> = family.iter().map(|t| t.slot_minutes).collect();
    lengths.sort_unstable();
    lengths.dedup();
    let mut out = Vec::new();
    match (lengths.first(), lengths.last()) {
        (Some(a), Some(b)) if a != b => out.push(lang.t_args(
            "start-rule-length-range",
            &[("min", a.to_string()), ("max", b.to_string())],
        )),
        (Some(a), _) => out.push(lang.t_args("start-rule-length", &[("minutes", a.to_string())])),
        _ => out.push(lang.t_args(
            "start-rule-length",
            &[("minutes", p.slot_minutes.to_string())],
        )),
    }
    out.push(lang.t_args(
        "start-rule-window",
        &[
            ("min", p.min_days_ahead.to_string()),
            ("max", p.max_days_ahead.to_string()),
        ],
    ));
    if p.cutoff_minutes > 0 {
        out.push(if p.cutoff_minutes.is_multiple_of(60) {
            lang.t_args(
                "start-rule-cutoff-hours",
                &[("hours", (p.cutoff_minutes / 60).to_string())],
            )
        } else {
            lang.t_args(
                "start-rule-cutoff-minutes",
                &[("minutes", p.cutoff_minutes.to_string())],
            )
        });
    }
    out.push(lang.t_args(
        "start-rule-quota-inmate",
        &[("count", p.max_visits_per_inmate_per_week.to_string())],
    ));
    out.push(lang.t_args(
        "start-rule-quota-visitor",
        &[("count", p.max_visits_per_visitor_per_week.to_string())],
    ));
    out.push(lang.t_args(
        "start-rule-people",
        &[("count", p.max_people_per_visit.to_string())],
    ));
    out.push(lang.t("start-rule-approval"));
    out.push(lang.t("start-rule-tahanan"));
    out
}

/// Whether a facility matches a search: every word in its name, code, province or kind.
fn matches(f: &Facility, kind: &str, q: &str) -> bool {
    let hay = format!("{} {} {} {}", f.name, f.code, f.province, kind).to_lowercase();
    q.to_lowercase().split_whitespace().all(|w| hay.contains(w))
}

/// `GET /`: the start page. `?q=` searches facilities by name, city or province;
/// `?notice=account-deleted` confirms a deletion (from "my data").
pub async fn get_start(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let q: String = params
        .get("q")
        .map(|s| s.trim().chars().take(80).collect())
        .unwrap_or_default();
    let session = current_session(&state, &headers).await;
    let mut chrome = Chrome::new(lang, "start-title", "/");
    if let Some(s) = &session {
        chrome = chrome.signed_in(&s.csrf);
    }
    let facilities = state
        .db
        .facilities()
        .await
        .map_err(|e| PageError::from_storage(e, lang))?;
    let total = facilities.len();
    let found: Vec<&Facility> = facilities
        .iter()
        .filter(|f| {
            q.is_empty()
                || matches(
                    f,
                    &lang.t(&format!("facility-kind-{}", f.kind.as_str())),
                    &q,
                )
        })
        .collect();
    let message = if total == 0 {
        Some(lang.t("start-none"))
    } else if found.is_empty() {
        Some(lang.t_args("start-no-match", &[("query", q.clone())]))
    } else if found.len() > MAX_CARDS {
        Some(lang.t_args(
            "start-more",
            &[
                ("count", MAX_CARDS.to_string()),
                ("max", found.len().to_string()),
            ],
        ))
    } else {
        None
    };
    let now = Timestamp::now();
    let mut cards = Vec::new();
    for f in found.into_iter().take(MAX_CARDS) {
        let today = now
            .to_zoned(f.tz().unwrap_or(jiff::tz::TimeZone::UTC))
            .date();
        let templates = state
            .db
            .templates(f.id)
            .await
            .map_err(|e| PageError::from_storage(e, lang))?;
        let live: Vec<&SessionTemplate> = templates
            .iter()
            .filter(|t| t.valid_to.is_none_or(|to| to >= today))
            .collect();
        let family: Vec<&SessionTemplate> = live
            .iter()
            .copied()
            .filter(|t| t.kind == VisitKind::Family)
            .collect();
        let legal: Vec<&SessionTemplate> = live
            .iter()
            .copied()
            .filter(|t| t.kind == VisitKind::Legal)
            .collect();
        let target = format!("/tautan?facility={}", f.code);
        let action_href = if session.is_some() {
            target
        } else {
            format!("/masuk?next={}", url_escape(&target))
        };
        cards.push(Card {
            code: f.code.to_string(),
            name: f.name.clone(),
            kind: lang.t(&format!("facility-kind-{}", f.kind.as_str())),
            province: f.province.clone(),
            zone: lang.t_args(
                "start-zone",
                &[("zone", zone_abbreviation(&f.time_zone).to_string())],
            ),
            hours: hours_lines(lang, &family),
            legal_hours: hours_lines(lang, &legal),
            rules: rules(lang, f, &family),
            action_href,
            action_label: lang.t_args("start-choose", &[("facility", f.name.clone())]),
        });
    }
    let (cta_href, cta_label) = if session.is_some() {
        ("/kunjungan".to_string(), lang.t("start-my-visits"))
    } else {
        ("/masuk".to_string(), lang.t("start-login"))
    };
    let notice = match params.get("notice").map(String::as_str) {
        Some("account-deleted") => Some(crate::family::data::deleted_notice(lang)),
        _ => None,
    };
    let page = StartPage {
        chrome,
        q,
        cta_href,
        cta_label,
        cards,
        message,
        notice,
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use jenguk_domain::FacilityId;
    use jiff::civil::{Weekday, date};

    fn t(wd: Weekday, s: (i8, i8), e: (i8, i8)) -> SessionTemplate {
        SessionTemplate {
            id: 0,
            facility_id: FacilityId(1),
            weekday: wd,
            start: Time::new(s.0, s.1, 0, 0).unwrap(),
            end: Time::new(e.0, e.1, 0, 0).unwrap(),
            slot_minutes: 15,
            capacity: 1,
            valid_from: date(2026, 1, 1),
            valid_to: None,
            kind: VisitKind::Family,
        }
    }

    #[test]
    fn working_days_with_the_same_hours_read_as_one_line() {
        let mut all = Vec::new();
        for wd in [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
        ] {
            all.push(t(wd, (13, 0), (15, 0)));
            all.push(t(wd, (9, 0), (12, 0)));
        }
        all.push(t(Weekday::Saturday, (9, 0), (11, 0)));
        let refs: Vec<&SessionTemplate> = all.iter().collect();
        assert_eq!(
            hours_lines(Lang::Id, &refs),
            vec![
                "Senin–Jumat: 09.00–12.00, 13.00–15.00".to_string(),
                "Sabtu: 09.00–11.00".to_string()
            ]
        );
        let legal = [
            t(Weekday::Tuesday, (15, 0), (16, 0)),
            t(Weekday::Thursday, (15, 0), (16, 0)),
        ];
        let refs: Vec<&SessionTemplate> = legal.iter().collect();
        assert_eq!(
            hours_lines(Lang::En, &refs),
            vec!["Tuesday, Thursday: 15:00–16:00".to_string()]
        );
    }
}
