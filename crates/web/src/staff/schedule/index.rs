//! The schedule overview: booths, templates, excluded dates, one-off sessions and the
//! policy's summary, with the forms that add to them.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jenguk_domain::Facility;
use jiff::ToSpan;
use serde::Deserialize;

use super::{hhmm, kind_name, storage_error, template_label};
use crate::AppState;
use crate::family::page::render;
use crate::family::visits::date_long;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

struct BoothRow {
    id: i64,
    name: String,
    active: bool,
}

struct TemplateRow {
    id: i64,
    label: String,
    slot_minutes: u16,
    capacity: u16,
    valid: String,
}

struct DateRow {
    iso: String,
    label: String,
    reason: String,
}

struct ExtraRow {
    id: i64,
    label: String,
    slot_minutes: u16,
    capacity: u16,
    reason: String,
}

#[derive(Template)]
#[template(path = "staff/schedule/index.html")]
struct IndexPage {
    chrome: StaffChrome,
    notice: String,
    error: String,
    zone: String,
    booths: Vec<BoothRow>,
    active_booths: usize,
    templates: Vec<TemplateRow>,
    excluded: Vec<DateRow>,
    extras: Vec<ExtraRow>,
    policy: Vec<(String, String)>,
    today: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct DoneQuery {
    pub(super) done: Option<String>,
    pub(super) cancelled: Option<usize>,
}

/// The notices a change may land with.
const DONE: &[&str] = &[
    "booth-added",
    "booth-renamed",
    "booth-activated",
    "booth-deactivated",
    "template-deleted",
    "excluded-added",
    "excluded-removed",
    "extra-added",
    "extra-removed",
    "policy-saved",
];

/// The notice for `?done=…&cancelled=…` (empty for anything else).
pub(super) fn notice(lang: crate::i18n::Lang, q: &DoneQuery) -> String {
    let Some(key) = q
        .done
        .as_deref()
        .filter(|k| DONE.contains(k) || *k == "template-saved")
    else {
        return String::new();
    };
    let mut text = lang.t(&format!("staff-schedule-done-{key}"));
    if let Some(n) = q.cancelled.filter(|n| *n > 0) {
        text.push(' ');
        text.push_str(&lang.t_args("staff-schedule-done-cancelled", &[("count", n.to_string())]));
    }
    text
}

/// `GET /staff/schedule`.
pub(super) async fn get_index(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Configure).await?;
    let n = notice(staff.lang, &q);
    overview(&state, &staff, &facility, n, String::new()).await
}

/// The overview page, with a notice or an error (then answered 422).
pub(super) async fn overview(
    state: &AppState,
    staff: &Staff,
    facility: &Facility,
    notice: String,
    error: String,
) -> Result<Response, StaffError> {
    let lang = staff.lang;
    let err = |e| storage_error(e, lang);
    let tz = facility.tz().map_err(|_| StaffError::not_found(lang))?;
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    let horizon = today.saturating_add(365.days());
    let booths: Vec<BoothRow> = state
        .db
        .booths(facility.id)
        .await
        .map_err(err)?
        .into_iter()
        .map(|b| BoothRow {
            id: b.id.0,
            name: b.name,
            active: b.active,
        })
        .collect();
    let templates = state
        .db
        .templates(facility.id)
        .await
        .map_err(err)?
        .iter()
        .map(|t| TemplateRow {
            id: t.id,
            label: template_label(lang, t),
            slot_minutes: t.slot_minutes,
            capacity: t.capacity,
            valid: match t.valid_to {
                Some(to) => format!("{} – {}", t.valid_from, to),
                None => lang.t_args(
                    "staff-schedule-valid-from",
                    &[("date", t.valid_from.to_string())],
                ),
            },
        })
        .collect();
    let excluded = state
        .db
        .excluded_dates(facility.id, today, horizon)
        .await
        .map_err(err)?
        .into_iter()
        .map(|x| DateRow {
            iso: x.date.to_string(),
            label: date_long(lang, x.date),
            reason: x.reason,
        })
        .collect();
    let extras = state
        .db
        .extra_sessions(facility.id, today, horizon)
        .await
        .map_err(err)?
        .into_iter()
        .map(|x| ExtraRow {
            id: x.id,
            label: format!(
                "{}, {}–{}, {}",
                date_long(lang, x.date),
                hhmm(x.start),
                hhmm(x.end),
                kind_name(lang, x.kind)
            ),
            slot_minutes: x.slot_minutes,
            capacity: x.capacity,
            reason: x.reason,
        })
        .collect();
    let p = &facility.policy;
    let yes_no = |b: bool| {
        lang.t(if b {
            "staff-schedule-yes"
        } else {
            "staff-schedule-no"
        })
    };
    let policy = vec![
        (
            lang.t("staff-schedule-policy-window"),
            lang.t_args(
                "staff-schedule-policy-window-value",
                &[
                    ("min", p.min_days_ahead.to_string()),
                    ("max", p.max_days_ahead.to_string()),
                ],
            ),
        ),
        (
            lang.t("staff-schedule-policy-cutoff"),
            p.cutoff_minutes.to_string(),
        ),
        (
            lang.t("staff-schedule-policy-inmate-quota"),
            p.max_visits_per_inmate_per_week.to_string(),
        ),
        (
            lang.t("staff-schedule-policy-visitor-quota"),
            p.max_visits_per_visitor_per_week.to_string(),
        ),
        (
            lang.t("staff-schedule-policy-people"),
            p.max_people_per_visit.to_string(),
        ),
        (
            lang.t("staff-schedule-policy-record"),
            yes_no(p.record_family_visits),
        ),
    ];
    let active_booths = booths.iter().filter(|b| b.active).count();
    let title = lang.t_args(
        "staff-schedule-title-of",
        &[("facility", facility.name.clone())],
    );
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = render(&IndexPage {
        chrome: staff.chrome("staff-schedule-title").titled(title),
        notice,
        error,
        zone: jenguk_domain::facility::zone_abbreviation(&facility.time_zone).to_string(),
        booths,
        active_booths,
        templates,
        excluded,
        extras,
        policy,
        today: today.to_string(),
    });
    *res.status_mut() = status;
    Ok(res)
}
