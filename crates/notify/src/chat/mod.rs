//! The WhatsApp chat flow: families register, book, see, move and cancel visits by chatting
//! with the facility's number, in Bahasa Indonesia (or English if they choose).
//!
//! A state machine per phone number, stored in the chat session (30 minutes of inactivity end
//! it), driven by the same storage calls and domain rules as the web:
//!
//! - `DAFTAR` / `REGISTER`: name → NIK (validated; the specific error and the question again)
//!   → the visitor is created (the WhatsApp number counts as confirmed) → relationship →
//!   facility → inmate (search, at least 3 characters, at most 10 matches listed) → a pending
//!   link. A registered number skips to the relationship (linking another inmate).
//! - `KUNJUNGAN` / `VISIT` / `BOOK`: approved link → day → free slot → [`Db::book`]; the
//!   booking's own outbox message carries the code and the join link, so the chat confirms
//!   the time only.
//! - `JADWAL` / `SCHEDULE`: upcoming visits (with code and join link) and open requests.
//! - `UBAH` / `MOVE`: visit → day → slot → [`Db::move_visit`].
//! - `BATAL` / `CANCEL`: at the top level, visit → confirmation → cancelled. During any other
//!   step, `BATAL` only stops that step (as `MENU` and `KELUAR` / `EXIT` do): the help text says
//!   so.
//! - `BANTUAN` / `HELP`: the commands, and the visiting hours of the family's facilities.
//! - `EN` / `ENGLISH`, `ID` / `INDONESIA`: the language, kept in the session and on the visitor.
//! - Anything else: a short menu, never silence.
//!
//! Lists and buttons keep to WhatsApp's limits (at most 10 rows, 3 buttons, titles of 24 and
//! 20 characters); a family may also type an option's number or title.

mod flows;
mod format;
mod state;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;

use jenguk_domain::{PhoneNumber, Visitor};
use jenguk_i18n::Lang;
use jenguk_storage::{AuditEvent, ChatSession, Db, StorageError};
use jiff::Timestamp;

use format::clip;
pub use format::format_when;
use state::{Saved, Step};

/// How long a conversation lives without a message.
pub const SESSION_TTL_SECS: i64 = 30 * 60;

/// WhatsApp's limits on interactive messages.
pub mod limits {
    /// Reply buttons in one message.
    pub const MAX_BUTTONS: usize = 3;
    /// Characters in a button's title.
    pub const BUTTON_TITLE: usize = 20;
    /// Rows in a list, all sections together.
    pub const MAX_ROWS: usize = 10;
    /// Characters in a row's title.
    pub const ROW_TITLE: usize = 24;
    /// Characters in a row's description.
    pub const ROW_DESCRIPTION: usize = 72;
    /// Characters in a list's button.
    pub const LIST_BUTTON: usize = 20;
    /// Characters in an interactive message's body.
    pub const INTERACTIVE_BODY: usize = 1024;
    /// Characters in a text message.
    pub const TEXT_BODY: usize = 4096;
}

/// One incoming message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatInput {
    /// A text message.
    Text(String),
    /// A tap on a reply button or a list row (`button_reply` / `list_reply`).
    Choice {
        /// The option's id, as we sent it.
        id: String,
        /// The option's title.
        title: String,
    },
}

/// One message to send back.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Reply {
    /// A text message.
    Text(String),
    /// Reply buttons: at most 3, (id, title ≤ 20 characters).
    Buttons {
        /// The message.
        body: String,
        /// (id, title).
        buttons: Vec<(String, String)>,
    },
    /// A list: at most 10 rows, (id, title ≤ 24, description ≤ 72).
    List {
        /// The message.
        body: String,
        /// The button that opens the list (≤ 20 characters).
        button: String,
        /// (id, title, description).
        rows: Vec<(String, String, Option<String>)>,
    },
}

/// The chat flow over the storage.
#[derive(Clone)]
pub struct ChatFlow {
    db: Db,
    join_base_url: String,
}

impl ChatFlow {
    /// A chat flow; a visit's join link is `join_base_url` + `/join/` + its code.
    pub fn new(db: Db, join_base_url: String) -> Self {
        ChatFlow { db, join_base_url }
    }

    /// The join link of a visit code.
    pub fn join_link(&self, code: &jenguk_domain::VisitCode) -> String {
        crate::render::join_link(&self.join_base_url, code.as_str())
    }

    /// Handles one incoming message from `from`; returns the replies to send, in order.
    /// Loads and saves the session (timeout: 30 minutes of inactivity).
    pub async fn handle(
        &self,
        from: &PhoneNumber,
        input: ChatInput,
        now: Timestamp,
    ) -> Result<Vec<Reply>, StorageError> {
        let session = self.db.chat_session(from, now).await?;
        let visitor = self.db.visitor_by_phone(from).await?;
        let (lang, saved) = match session {
            Some(s) => (
                Lang::parse(&s.lang).unwrap_or_default(),
                serde_json::from_value::<Saved>(s.state).ok(),
            ),
            None => {
                let lang = match &visitor {
                    Some(v) => Lang::parse(&self.db.visitor_lang(v.id).await?).unwrap_or_default(),
                    None => Lang::Id,
                };
                (lang, None)
            }
        };
        // A new, timed-out or unreadable session starts at the top level.
        let saved = saved.unwrap_or_default();
        let mut ctx = Ctx {
            flow: self,
            db: &self.db,
            now,
            lang,
            visitor,
            phone: from,
            prev_offered: saved.offered,
            offered: Vec::new(),
            replies: Vec::new(),
        };
        let step = ctx.dispatch(saved.step, input).await?;
        tracing::debug!(step = step.label(), "chat step");
        if ctx.replies.is_empty() {
            // Never silence.
            ctx.menu();
        }
        let state = serde_json::to_value(Saved {
            step,
            offered: std::mem::take(&mut ctx.offered),
        })
        .map_err(|e| StorageError::Internal(format!("chat state: {e}")))?;
        self.db
            .save_chat_session(
                from,
                &ChatSession {
                    lang: ctx.lang.tag().to_string(),
                    state,
                },
                SESSION_TTL_SECS,
                now,
            )
            .await?;
        Ok(ctx.replies)
    }
}

/// A command a family can type at any step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Register,
    Book,
    Schedule,
    Move,
    Cancel,
    Help,
    Menu,
    Lang(Lang),
}

impl Command {
    /// Reads a whole message as a command (case-insensitive, Indonesian or English).
    fn parse(text: &str) -> Option<Command> {
        let t = text
            .trim()
            .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
            .to_uppercase();
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(match t.as_str() {
            "DAFTAR" | "REGISTER" | "REGISTRASI" => Command::Register,
            "KUNJUNGAN" | "PESAN" | "VISIT" | "BOOK" => Command::Book,
            "JADWAL" | "SCHEDULE" => Command::Schedule,
            "UBAH" | "MOVE" | "RESCHEDULE" => Command::Move,
            "BATAL" | "CANCEL" => Command::Cancel,
            "BANTUAN" | "HELP" | "INFO" => Command::Help,
            "MENU" | "KELUAR" | "EXIT" => Command::Menu,
            "EN" | "ENGLISH" | "INGGRIS" | "BAHASA INGGRIS" => Command::Lang(Lang::En),
            "ID" | "INDONESIA" | "BAHASA INDONESIA" | "BAHASA" => Command::Lang(Lang::Id),
            _ => return None,
        })
    }

    /// The command of a menu row id (`cmd:…`).
    fn from_id(id: &str) -> Option<Command> {
        Some(match id.strip_prefix("cmd:")? {
            "daftar" => Command::Register,
            "kunjungan" => Command::Book,
            "jadwal" => Command::Schedule,
            "ubah" => Command::Move,
            "batal" => Command::Cancel,
            "bantuan" => Command::Help,
            "menu" => Command::Menu,
            "en" => Command::Lang(Lang::En),
            "id" => Command::Lang(Lang::Id),
            _ => return None,
        })
    }
}

/// A list row being built.
struct Row {
    id: String,
    title: String,
    description: Option<String>,
}

impl Row {
    fn new(id: impl Into<String>, title: impl Into<String>, description: Option<String>) -> Row {
        Row {
            id: id.into(),
            title: title.into(),
            description,
        }
    }
}

/// One message being handled.
struct Ctx<'a> {
    flow: &'a ChatFlow,
    db: &'a Db,
    now: Timestamp,
    lang: Lang,
    /// The visitor registered with this number, if any.
    visitor: Option<Visitor>,
    phone: &'a PhoneNumber,
    /// The options sent in the previous turn.
    prev_offered: Vec<(String, String)>,
    /// The options sent in this turn.
    offered: Vec<(String, String)>,
    replies: Vec<Reply>,
}

impl Ctx<'_> {
    fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    fn ta(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.lang.t_args(key, args)
    }

    /// Who acts in the audit trail: the family, over WhatsApp.
    fn who(&self) -> AuditEvent {
        AuditEvent {
            user_id: None,
            source: Some("whatsapp".into()),
        }
    }

    /// Sends a text.
    fn say(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.replies
            .push(Reply::Text(clip(&text, limits::TEXT_BODY)));
    }

    /// Sends several lines as one text.
    fn say_lines(&mut self, lines: &[String]) {
        self.say(lines.join("\n"));
    }

    /// Sends a list, within WhatsApp's limits; its rows become the options of the next turn.
    fn list(&mut self, body: String, button: String, rows: Vec<Row>) {
        let rows: Vec<(String, String, Option<String>)> = rows
            .into_iter()
            .take(limits::MAX_ROWS)
            .map(|r| {
                (
                    r.id,
                    clip(&r.title, limits::ROW_TITLE),
                    r.description
                        .filter(|d| !d.trim().is_empty())
                        .map(|d| clip(&d, limits::ROW_DESCRIPTION)),
                )
            })
            .collect();
        self.offered = rows
            .iter()
            .map(|(id, title, _)| (id.clone(), title.clone()))
            .collect();
        self.replies.push(Reply::List {
            body: clip(&body, limits::INTERACTIVE_BODY),
            button: clip(&button, limits::LIST_BUTTON),
            rows,
        });
    }

    /// Sends a list with the usual "Choose" button.
    fn choose(&mut self, body: String, rows: Vec<Row>) {
        let button = self.t("chat-list-button");
        self.list(body, button, rows);
    }

    /// Sends reply buttons, within WhatsApp's limits.
    fn buttons(&mut self, body: String, buttons: Vec<(String, String)>) {
        let buttons: Vec<(String, String)> = buttons
            .into_iter()
            .take(limits::MAX_BUTTONS)
            .map(|(id, title)| (id, clip(&title, limits::BUTTON_TITLE)))
            .collect();
        self.offered = buttons.clone();
        self.replies.push(Reply::Buttons {
            body: clip(&body, limits::INTERACTIVE_BODY),
            buttons,
        });
    }

    /// The short menu of commands.
    fn menu(&mut self) {
        let other_lang = match self.lang {
            Lang::Id => "cmd:en",
            Lang::En => "cmd:id",
        };
        let rows = [
            ("cmd:daftar", "daftar"),
            ("cmd:kunjungan", "kunjungan"),
            ("cmd:jadwal", "jadwal"),
            ("cmd:ubah", "ubah"),
            ("cmd:batal", "batal"),
            ("cmd:bantuan", "bantuan"),
            (other_lang, "lang"),
        ]
        .into_iter()
        .map(|(id, key)| {
            Row::new(
                id,
                self.t(&format!("chat-cmd-{key}-title")),
                Some(self.t(&format!("chat-cmd-{key}-desc"))),
            )
        })
        .collect();
        let body = self.t("chat-menu-body");
        let button = self.t("chat-menu-button");
        self.list(body, button, rows);
    }

    /// Turns a typed option number or title into the option it names.
    fn resolve(&self, input: ChatInput) -> ChatInput {
        let ChatInput::Text(text) = &input else {
            return input;
        };
        let t = text.trim().trim_end_matches('.');
        let by_number = t
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| self.prev_offered.get(i));
        let by_title = || {
            self.prev_offered
                .iter()
                .find(|(_, title)| title.trim_end_matches('…').eq_ignore_ascii_case(t))
        };
        match by_number.or_else(by_title) {
            Some((id, title)) => ChatInput::Choice {
                id: id.clone(),
                title: title.clone(),
            },
            None => input,
        }
    }

    /// Handles one message at `step`; returns the next step.
    async fn dispatch(&mut self, step: Step, input: ChatInput) -> Result<Step, StorageError> {
        let input = self.resolve(input);
        let command = match &input {
            ChatInput::Text(t) => Command::parse(t),
            ChatInput::Choice { id, .. } => Command::from_id(id),
        };
        if let Some(c) = command {
            return self.command(c, step).await;
        }
        match (step, input) {
            (Step::Idle, ChatInput::Text(_)) => {
                self.say(self.t("chat-not-understood"));
                self.menu();
                Ok(Step::Idle)
            }
            (Step::Idle, ChatInput::Choice { .. }) => {
                self.say(self.t("chat-expired-choice"));
                self.menu();
                Ok(Step::Idle)
            }
            (step, input) => self.on_step(step, input).await,
        }
    }

    async fn command(&mut self, c: Command, step: Step) -> Result<Step, StorageError> {
        match c {
            Command::Lang(l) => {
                self.lang = l;
                if let Some(v) = &self.visitor {
                    self.db.set_visitor_lang(v.id, l.tag()).await?;
                }
                self.say(self.t("chat-lang-set"));
                self.reprompt(step).await
            }
            Command::Menu | Command::Cancel if step != Step::Idle => {
                self.say(self.t("chat-aborted"));
                self.menu();
                Ok(Step::Idle)
            }
            Command::Menu => {
                self.menu();
                Ok(Step::Idle)
            }
            Command::Cancel => self.start_cancel().await,
            Command::Register => self.start_register().await,
            Command::Book => self.start_book().await,
            Command::Schedule => self.schedule().await,
            Command::Move => self.start_move().await,
            Command::Help => self.help().await,
        }
    }

    /// Asks the question of `step` again (after a language switch or a stale choice).
    async fn reprompt(&mut self, step: Step) -> Result<Step, StorageError> {
        match step {
            Step::Idle => {
                self.menu();
                Ok(Step::Idle)
            }
            Step::RegName => {
                self.say(self.t("chat-reg-ask-name"));
                Ok(Step::RegName)
            }
            Step::RegNik { name } => {
                self.say(self.t("chat-reg-ask-nik"));
                Ok(Step::RegNik { name })
            }
            Step::RegRelationship => self.ask_relationship(),
            Step::RegFacility { relationship } => self.ask_facility(relationship).await,
            Step::RegInmate {
                relationship,
                facility,
            } => self.ask_inmate(relationship, facility).await,
            Step::BookLink => self.start_book().await,
            Step::PickDay { target } => self.ask_day(target).await,
            Step::PickSlot { target, date, page } => self.ask_slot(target, date, page, None).await,
            Step::CancelPick => self.start_cancel().await,
            Step::CancelConfirm { visit } => self.ask_cancel_confirm(visit).await,
            Step::MovePick => self.start_move().await,
        }
    }

    /// The answer to the open question.
    async fn on_step(&mut self, step: Step, input: ChatInput) -> Result<Step, StorageError> {
        use ChatInput::{Choice, Text};
        match (step, input) {
            (Step::RegName, Text(t)) => self.on_name(&t),
            (Step::RegNik { name }, Text(t)) => self.on_nik(name, &t).await,
            (Step::RegRelationship, Choice { id, .. }) => self.on_relationship(&id).await,
            (Step::RegFacility { relationship }, input) => {
                self.on_facility(relationship, input).await
            }
            (
                Step::RegInmate {
                    relationship,
                    facility,
                },
                input,
            ) => self.on_inmate(relationship, facility, input).await,
            (Step::BookLink, Choice { id, .. }) => self.on_link(&id).await,
            (Step::PickDay { target }, Choice { id, .. }) => self.on_day(target, &id).await,
            (Step::PickSlot { target, date, page }, Choice { id, .. }) => {
                self.on_slot(target, date, page, &id).await
            }
            (Step::CancelPick, Choice { id, .. }) => match flows::visit_id(&id) {
                Some(v) => self.ask_cancel_confirm(v).await,
                None => self.stale(Step::CancelPick).await,
            },
            (Step::CancelConfirm { visit }, input) => self.on_cancel_confirm(visit, input).await,
            (Step::MovePick, Choice { id, .. }) => match flows::visit_id(&id) {
                Some(v) => self.start_move_of(v).await,
                None => self.stale(Step::MovePick).await,
            },
            // Text where an option was expected: say so and ask again.
            (step, Text(_)) => {
                self.say(self.t("chat-not-understood"));
                self.reprompt(step).await
            }
            (step, Choice { .. }) => self.stale(step).await,
        }
    }

    /// A choice from an old list: say so and ask the open question again.
    async fn stale(&mut self, step: Step) -> Result<Step, StorageError> {
        self.say(self.t("chat-expired-choice"));
        self.reprompt(step).await
    }
}
