//! The weekly session form and its page: parsing and checking what was typed, and the slots
//! a template makes in the next weeks (a preview of unsaved values, or the saved ones with
//! their bookings).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use jenguk_domain::schedule::derive_slots;
use jenguk_domain::schedule_change::check_template;
use jenguk_domain::{Facility, SessionTemplate, VisitKind};
use jenguk_storage::NewTemplate;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;

use super::{
    date_field, hhmm, number, problem_message, storage_error, template_label, time_field,
    weekday_name,
};
use crate::AppState;
use crate::family::page::render;
use crate::family::visits::date_long;
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::session::Staff;

/// The template form as typed (kept as text to show it back).
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct TemplateForm {
    #[serde(default)]
    pub(super) csrf: String,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    slot_minutes: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    pub(super) weeks: String,
    /// `preview` shows the slots without writing; anything else saves.
    #[serde(default)]
    pub(super) action: String,
    #[serde(default)]
    pub(super) confirm: String,
    #[serde(default)]
    pub(super) cancel_reason: String,
}

impl TemplateForm {
    /// A new template's form: Monday morning, the policy's slot length.
    pub(super) fn blank(f: &Facility) -> TemplateForm {
        TemplateForm {
            weekday: "1".into(),
            start: "09:00".into(),
            end: "12:00".into(),
            slot_minutes: f.policy.slot_minutes.to_string(),
            capacity: "1".into(),
            kind: "family".into(),
            valid_from: today(f).to_string(),
            ..TemplateForm::default()
        }
    }

    pub(super) fn of(t: &SessionTemplate) -> TemplateForm {
        TemplateForm {
            weekday: t.weekday.to_monday_one_offset().to_string(),
            start: hhmm(t.start),
            end: hhmm(t.end),
            slot_minutes: t.slot_minutes.to_string(),
            capacity: t.capacity.to_string(),
            kind: t.kind.as_str().into(),
            valid_from: t.valid_from.to_string(),
            valid_to: t.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            ..TemplateForm::default()
        }
    }

    /// The fields posted again with a confirmation.
    pub(super) fn fields(&self) -> Vec<(String, String)> {
        [
            ("weekday", &self.weekday),
            ("start", &self.start),
            ("end", &self.end),
            ("slot_minutes", &self.slot_minutes),
            ("capacity", &self.capacity),
            ("kind", &self.kind),
            ("valid_from", &self.valid_from),
            ("valid_to", &self.valid_to),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
    }

    fn weeks(&self) -> i64 {
        self.weeks.trim().parse().unwrap_or(4).clamp(2, 4)
    }

    fn parse(&self, lang: Lang, today: Date) -> Result<NewTemplate, String> {
        let wd: i8 = number(lang, "staff-schedule-weekday", &self.weekday)?;
        let weekday = Weekday::from_monday_one_offset(wd).map_err(|_| {
            lang.t_args(
                "staff-schedule-error-number",
                &[("field", lang.t("staff-schedule-weekday"))],
            )
        })?;
        Ok(NewTemplate {
            weekday,
            start: time_field(lang, "staff-schedule-start", &self.start)?,
            end: time_field(lang, "staff-schedule-end", &self.end)?,
            slot_minutes: number(lang, "staff-schedule-slot-minutes", &self.slot_minutes)?,
            capacity: number(lang, "staff-schedule-capacity", &self.capacity)?,
            valid_from: date_field(lang, "staff-schedule-valid-from-label", &self.valid_from)?
                .unwrap_or(today),
            valid_to: date_field(lang, "staff-schedule-valid-to-label", &self.valid_to)?,
            kind: VisitKind::parse(self.kind.trim())
                .ok_or_else(|| lang.t("staff-schedule-error-kind"))?,
        })
    }
}

/// One day of slots.
struct SlotDay {
    label: String,
    times: String,
    count: usize,
    booked: u32,
}

#[derive(Template)]
#[template(path = "staff/schedule/template.html")]
struct TemplatePage {
    chrome: StaffChrome,
    /// 0 for a new template.
    id: i64,
    form: TemplateForm,
    weekdays: Vec<(String, String)>,
    notice: String,
    error: String,
    /// Slots shown are a preview of unsaved values.
    preview: bool,
    impact: String,
    days: Vec<SlotDay>,
    total: usize,
    weeks: i64,
    week_options: Vec<(i64, bool)>,
    zone: String,
}

fn today(f: &Facility) -> Date {
    f.tz()
        .map(|tz| jiff::Timestamp::now().to_zoned(tz).date())
        .unwrap_or_else(|_| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
        })
}

fn as_template(f: &Facility, id: i64, t: &NewTemplate) -> SessionTemplate {
    SessionTemplate {
        id,
        facility_id: f.id,
        weekday: t.weekday,
        start: t.start,
        end: t.end,
        slot_minutes: t.slot_minutes,
        capacity: t.capacity,
        valid_from: t.valid_from,
        valid_to: t.valid_to,
        kind: t.kind,
    }
}

/// The slots one template makes in the next `weeks` weeks (excluded dates left out), with
/// the visits already booked in them when it is saved.
async fn slot_days(
    state: &AppState,
    lang: Lang,
    f: &Facility,
    t: &SessionTemplate,
    weeks: i64,
    saved: bool,
) -> Result<Vec<SlotDay>, StaffError> {
    let tz = f.tz().map_err(|_| StaffError::not_found(lang))?;
    let from = today(f);
    let to = from.saturating_add((weeks * 7 - 1).days());
    let excluded = state
        .db
        .excluded_dates(f.id, from, to)
        .await
        .map_err(|e| storage_error(e, lang))?;
    let slots = derive_slots(&tz, std::slice::from_ref(t), &[], &excluded, from, to);
    let booked = if saved {
        state
            .db
            .slots(f, from, to)
            .await
            .map_err(|e| storage_error(e, lang))?
    } else {
        Vec::new()
    };
    let mut days: Vec<SlotDay> = Vec::new();
    for s in slots {
        let z = s.start.to_zoned(tz.clone());
        let label = date_long(lang, z.date());
        let n = booked
            .iter()
            .find(|b| b.slot.start == s.start && b.slot.kind == s.kind)
            .map_or(0, |b| b.booked);
        let time = hhmm(z.time());
        match days.last_mut() {
            Some(d) if d.label == label => {
                d.times.push_str(", ");
                d.times.push_str(&time);
                d.count += 1;
                d.booked += n;
            }
            _ => days.push(SlotDay {
                label,
                times: time,
                count: 1,
                booked: n,
            }),
        }
    }
    Ok(days)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn page(
    state: &AppState,
    staff: &Staff,
    f: &Facility,
    id: i64,
    form: TemplateForm,
    shown: Option<(&SessionTemplate, bool)>,
    notice: String,
    error: String,
    impact: String,
) -> Result<Response, StaffError> {
    let lang = staff.lang;
    let weeks = form.weeks();
    let days = match shown {
        Some((t, saved)) => slot_days(state, lang, f, t, weeks, saved).await?,
        None => Vec::new(),
    };
    let title = match shown.filter(|_| id != 0) {
        Some((t, _)) => lang.t_args(
            "staff-schedule-template-title",
            &[("name", template_label(lang, t))],
        ),
        None if id != 0 => lang.t("staff-schedule-template-edit"),
        None => lang.t("staff-schedule-template-new"),
    };
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = render(&TemplatePage {
        chrome: staff.chrome("staff-schedule-title").titled(title),
        id,
        weekdays: (1..=7i8)
            .filter_map(|n| Weekday::from_monday_one_offset(n).ok())
            .map(|w| (w.to_monday_one_offset().to_string(), weekday_name(lang, w)))
            .collect(),
        notice,
        error,
        preview: shown.is_some_and(|(_, saved)| !saved),
        impact,
        total: days.iter().map(|d| d.count).sum(),
        days,
        weeks,
        week_options: (2..=4).map(|w| (w, w == weeks)).collect(),
        zone: jenguk_domain::facility::zone_abbreviation(&f.time_zone).to_string(),
        form,
    });
    *res.status_mut() = status;
    Ok(res)
}

/// Parses and checks the form: the would-be template, or the message to show.
pub(super) async fn checked(
    state: &AppState,
    lang: Lang,
    f: &Facility,
    id: i64,
    form: &TemplateForm,
) -> Result<Result<(NewTemplate, SessionTemplate), String>, StaffError> {
    let nt = match form.parse(lang, today(f)) {
        Ok(t) => t,
        Err(msg) => return Ok(Err(msg)),
    };
    let t = as_template(f, id, &nt);
    let err = |e| storage_error(e, lang);
    let others = state.db.templates(f.id).await.map_err(err)?;
    let booths = state.db.active_booths(f.id).await.map_err(err)?;
    Ok(check_template(&t, &others, booths)
        .map(|()| (nt, t.clone()))
        .map_err(|p| problem_message(lang, &p, t.slot_minutes)))
}
