//! BANTUAN: the commands, and the visiting hours of the family's facilities.

use jenguk_domain::facility::zone_abbreviation;
use jenguk_domain::{Facility, VisitKind};
use jenguk_storage::StorageError;

use crate::chat::Ctx;
use crate::chat::format::{clock, weekday_name, zone};
use crate::chat::state::Step;

/// Facilities whose hours the help shows at most.
const MAX_FACILITIES: usize = 3;

impl Ctx<'_> {
    pub(in crate::chat) async fn help(&mut self) -> Result<Step, StorageError> {
        let mut lines: Vec<String> = [
            "chat-help-intro",
            "chat-help-daftar",
            "chat-help-kunjungan",
            "chat-help-jadwal",
            "chat-help-ubah",
            "chat-help-batal",
            "chat-help-menu",
            "chat-help-lang",
            "chat-help-timeout",
        ]
        .into_iter()
        .map(|k| self.t(k))
        .collect();
        // The facilities of a registered family; for a new number, every facility when
        // there are only a few (one box, one facility).
        let mut facilities = Vec::new();
        if let Some(v) = &self.visitor {
            for id in self.db.visitor_facilities(v.id).await? {
                if let Some(f) = self.facility_opt(id).await? {
                    facilities.push(f);
                }
            }
        }
        if facilities.is_empty() {
            let all = self.db.facilities().await?;
            if all.len() <= MAX_FACILITIES {
                facilities = all;
            }
        }
        if facilities.is_empty() {
            lines.push(String::new());
            lines.push(self.t("chat-help-no-facility"));
        }
        for f in facilities.iter().take(MAX_FACILITIES) {
            lines.push(String::new());
            lines.extend(self.hours(f).await?);
        }
        self.say_lines(&lines);
        Ok(Step::Idle)
    }

    /// A facility's weekly visiting hours (family sessions in force today) and where to ask.
    async fn hours(&self, f: &Facility) -> Result<Vec<String>, StorageError> {
        let today = self.now.to_zoned(zone(&f.time_zone)).date();
        let templates: Vec<_> = self
            .db
            .templates(f.id)
            .await?
            .into_iter()
            .filter(|t| t.kind == VisitKind::Family && t.valid_to.is_none_or(|to| to >= today))
            .collect();
        let mut lines = vec![self.ta(
            "chat-help-hours",
            &[
                ("facility", f.name.clone()),
                ("zone", zone_abbreviation(&f.time_zone).to_string()),
            ],
        )];
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
            let hours = spans
                .iter()
                .map(|(s, e)| format!("{}–{}", clock(self.lang, *s), clock(self.lang, *e)))
                .collect::<Vec<_>>()
                .join(", ");
            lines.push(self.ta(
                "chat-help-day-hours",
                &[("weekday", weekday_name(self.lang, wd)), ("hours", hours)],
            ));
        }
        if lines.len() == 1 {
            lines.push(self.t("chat-help-no-hours"));
        }
        lines.push(self.ta("chat-help-contact", &[("facility", f.name.clone())]));
        Ok(lines)
    }
}
