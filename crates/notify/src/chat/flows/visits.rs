//! JADWAL (the family's visits and requests), BATAL (cancel, confirmed) and the first half
//! of UBAH (which visit to move).

use jenguk_domain::visit::{Actor, VisitAction};
use jenguk_domain::{LinkStatus, VisitId};
use jenguk_storage::{LinkFilter, StorageError, VisitView};

use crate::chat::format::{format_when, when_short};
use crate::chat::limits::MAX_ROWS;
use crate::chat::state::{Step, Target};
use crate::chat::{ChatInput, Ctx, Row};

/// Visits listed by JADWAL at most.
const MAX_LISTED: usize = 10;

impl Ctx<'_> {
    /// JADWAL: upcoming visits (time, inmate, facility, code and join link), then the open
    /// and rejected requests.
    pub(in crate::chat) async fn schedule(&mut self) -> Result<Step, StorageError> {
        let Some(v) = self.visitor.clone() else {
            self.say(self.t("chat-need-register"));
            return Ok(Step::Idle);
        };
        let visits: Vec<VisitView> = self
            .db
            .visits_of_visitor(v.id, self.now)
            .await?
            .into_iter()
            .filter(|x| x.visit.status.is_active())
            .collect();
        let mut lines = Vec::new();
        if visits.is_empty() {
            lines.push(self.t("chat-schedule-empty"));
        } else {
            lines.push(self.t("chat-schedule-title"));
            for (i, x) in visits.iter().take(MAX_LISTED).enumerate() {
                let (inmate, facility) = self.inmate_and_facility(x.visit.inmate_id).await?;
                let item = self.ta(
                    "chat-schedule-item",
                    &[
                        ("time", format_when(self.lang, x.visit.start, &x.time_zone)),
                        ("inmate", inmate.name.to_string()),
                        ("facility", facility.name),
                    ],
                );
                let code = self.ta(
                    "chat-schedule-code",
                    &[
                        ("code", x.code.to_string()),
                        ("link", self.flow.join_link(&x.code)),
                    ],
                );
                lines.push(format!("{}. {item}", i + 1));
                lines.push(format!("   {code}"));
            }
        }
        let links = self
            .db
            .links(&LinkFilter {
                visitor_id: Some(v.id),
                limit: 100,
                ..LinkFilter::default()
            })
            .await?;
        let mut requests = Vec::new();
        for l in links
            .iter()
            .filter(|l| matches!(l.status, LinkStatus::Pending | LinkStatus::Rejected))
            .take(MAX_LISTED)
        {
            let (inmate, facility) = self.inmate_and_facility(l.inmate_id).await?;
            let mut args = vec![
                ("inmate", inmate.name.to_string()),
                ("facility", facility.name),
            ];
            requests.push(if l.status == LinkStatus::Pending {
                self.ta("chat-schedule-pending", &args)
            } else {
                args.push(("reason", l.reason.clone().unwrap_or_default()));
                self.ta("chat-schedule-rejected", &args)
            });
        }
        if !requests.is_empty() {
            lines.push(String::new());
            lines.push(self.t("chat-schedule-links"));
            lines.extend(requests);
        }
        if !visits.is_empty() {
            lines.push(String::new());
            lines.push(self.t("chat-schedule-hint"));
        }
        self.say_lines(&lines);
        Ok(Step::Idle)
    }

    /// Rows for choosing one of the family's visits.
    async fn visit_rows(&self, visits: &[VisitView]) -> Result<Vec<Row>, StorageError> {
        let mut rows = Vec::new();
        for x in visits.iter().take(MAX_ROWS) {
            let (inmate, facility) = self.inmate_and_facility(x.visit.inmate_id).await?;
            rows.push(Row::new(
                format!("vis:{}", x.visit.id.0),
                when_short(self.lang, x.visit.start, &x.time_zone),
                Some(format!("{} · {}", inmate.name, facility.name)),
            ));
        }
        Ok(rows)
    }

    /// BATAL at the top level: which visit (skipped when there is one), then a confirmation.
    pub(in crate::chat) async fn start_cancel(&mut self) -> Result<Step, StorageError> {
        if self.visitor.is_none() {
            self.say(self.t("chat-need-register"));
            return Ok(Step::Idle);
        }
        let visits = self.changeable_visits().await?;
        match visits.as_slice() {
            [] => {
                self.say(self.t("chat-cancel-none"));
                Ok(Step::Idle)
            }
            [only] => self.ask_cancel_confirm(only.visit.id).await,
            many => {
                let rows = self.visit_rows(many).await?;
                self.choose(self.t("chat-cancel-pick"), rows);
                Ok(Step::CancelPick)
            }
        }
    }

    pub(in crate::chat) async fn ask_cancel_confirm(
        &mut self,
        visit: VisitId,
    ) -> Result<Step, StorageError> {
        let Some(x) = self
            .changeable_visits()
            .await?
            .into_iter()
            .find(|x| x.visit.id == visit)
        else {
            self.say(self.t("chat-visit-locked"));
            return Ok(Step::Idle);
        };
        let (inmate, facility) = self.inmate_and_facility(x.visit.inmate_id).await?;
        let body = self.ta(
            "chat-cancel-confirm",
            &[
                ("time", format_when(self.lang, x.visit.start, &x.time_zone)),
                ("inmate", inmate.name.to_string()),
                ("facility", facility.name),
            ],
        );
        let buttons = vec![
            ("yes".to_string(), self.t("chat-yes-cancel")),
            ("no".to_string(), self.t("chat-no-keep")),
        ];
        self.buttons(body, buttons);
        Ok(Step::CancelConfirm { visit })
    }

    pub(in crate::chat) async fn on_cancel_confirm(
        &mut self,
        visit: VisitId,
        input: ChatInput,
    ) -> Result<Step, StorageError> {
        let answer = match &input {
            ChatInput::Choice { id, .. } => match id.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            ChatInput::Text(t) => yes_no(t),
        };
        match answer {
            Some(true) => self.cancel(visit).await,
            Some(false) => {
                self.say(self.t("chat-cancel-kept"));
                Ok(Step::Idle)
            }
            None => {
                self.say(self.t("chat-not-understood"));
                self.ask_cancel_confirm(visit).await
            }
        }
    }

    async fn cancel(&mut self, visit: VisitId) -> Result<Step, StorageError> {
        let (Some(x), Some(v)) = (
            self.changeable_visits()
                .await?
                .into_iter()
                .find(|x| x.visit.id == visit),
            self.visitor.clone(),
        ) else {
            self.say(self.t("chat-visit-locked"));
            return Ok(Step::Idle);
        };
        let result = self
            .db
            .transition_visit(
                &x.code,
                VisitAction::Cancel,
                Actor::Family(v.id),
                None,
                &self.who(),
                self.now,
            )
            .await;
        match result {
            Ok(_) => {
                let time = format_when(self.lang, x.visit.start, &x.time_zone);
                self.say(self.ta("chat-cancelled", &[("time", time)]));
                Ok(Step::Idle)
            }
            Err(
                StorageError::Invalid("visit_started")
                | StorageError::Transition(_)
                | StorageError::NotFound(_),
            ) => {
                self.say(self.t("chat-visit-locked"));
                Ok(Step::Idle)
            }
            Err(e) => Err(e),
        }
    }

    /// UBAH: which visit (skipped when there is one), then the day and the slot.
    pub(in crate::chat) async fn start_move(&mut self) -> Result<Step, StorageError> {
        if self.visitor.is_none() {
            self.say(self.t("chat-need-register"));
            return Ok(Step::Idle);
        }
        let visits = self.changeable_visits().await?;
        match visits.as_slice() {
            [] => {
                self.say(self.t("chat-move-none"));
                Ok(Step::Idle)
            }
            [only] => self.start_move_of(only.visit.id).await,
            many => {
                let rows = self.visit_rows(many).await?;
                self.choose(self.t("chat-move-pick"), rows);
                Ok(Step::MovePick)
            }
        }
    }

    pub(in crate::chat) async fn start_move_of(
        &mut self,
        visit: VisitId,
    ) -> Result<Step, StorageError> {
        let Some(x) = self
            .changeable_visits()
            .await?
            .into_iter()
            .find(|x| x.visit.id == visit)
        else {
            self.say(self.t("chat-visit-locked"));
            return Ok(Step::Idle);
        };
        let (inmate, _) = self.inmate_and_facility(x.visit.inmate_id).await?;
        self.say(self.ta(
            "chat-move-for",
            &[
                ("time", format_when(self.lang, x.visit.start, &x.time_zone)),
                ("inmate", inmate.name.to_string()),
            ],
        ));
        self.ask_day(Target::Move { visit }).await
    }
}

/// A typed yes or no, in either language.
fn yes_no(text: &str) -> Option<bool> {
    let t = text
        .trim()
        .trim_matches(|c: char| c.is_ascii_punctuation())
        .to_lowercase();
    match t.as_str() {
        "ya" | "iya" | "y" | "yes" | "ok" | "oke" | "ya, batalkan" | "yes, cancel it" => Some(true),
        "tidak" | "tdk" | "gak" | "nggak" | "enggak" | "n" | "no" | "jangan" => Some(false),
        _ => None,
    }
}
