//! KUNJUNGAN and the second half of UBAH: day → free slot → booked (or moved).

use jenguk_domain::facility::zone_abbreviation;
use jenguk_domain::visit::Actor;
use jenguk_domain::{Facility, Inmate, LinkId, LinkStatus, Relationship, VisitKind};
use jenguk_storage::{BookingRequest, Channel, LinkFilter, SlotView, StorageError, VisitView};
use jiff::civil::Date;
use jiff::{Span, Timestamp};

use super::id_after;
use crate::chat::format::{date_long, day_title, format_when, slot_title, when_short, zone};
use crate::chat::limits::MAX_ROWS;
use crate::chat::state::{Step, Target};
use crate::chat::{Ctx, Row};

/// Slots a page when a day's slots do not fit in one list (the tenth row turns the page).
const SLOTS_PER_PAGE: usize = MAX_ROWS - 1;

/// What a slot is chosen for, loaded and checked against the family.
struct TargetInfo {
    facility: Facility,
    inmate: Inmate,
    kind: VisitKind,
    /// The visit being moved.
    current: Option<VisitView>,
}

impl Ctx<'_> {
    /// KUNJUNGAN: needs a registered number and an approved link.
    pub(in crate::chat) async fn start_book(&mut self) -> Result<Step, StorageError> {
        let Some(v) = self.visitor.clone() else {
            self.say(self.t("chat-need-register"));
            return Ok(Step::Idle);
        };
        let links = self
            .db
            .links(&LinkFilter {
                visitor_id: Some(v.id),
                limit: 100,
                ..LinkFilter::default()
            })
            .await?;
        let mut approved = Vec::new();
        for l in links.iter().filter(|l| l.status == LinkStatus::Approved) {
            let (inmate, facility) = self.inmate_and_facility(l.inmate_id).await?;
            if !inmate.released {
                approved.push((l.id, inmate, facility));
            }
        }
        match approved.as_slice() {
            [] => {
                match links.iter().find(|l| l.status == LinkStatus::Pending) {
                    Some(p) => {
                        let inmate = self.db.inmate(p.inmate_id).await?;
                        self.say(
                            self.ta("chat-book-pending", &[("inmate", inmate.name.to_string())]),
                        );
                    }
                    None => self.say(self.t("chat-book-none-approved")),
                }
                Ok(Step::Idle)
            }
            [(link, inmate, facility)] => {
                self.say(self.ta(
                    "chat-book-for",
                    &[
                        ("inmate", inmate.name.to_string()),
                        ("facility", facility.name.clone()),
                    ],
                ));
                self.ask_day(Target::Book { link: *link }).await
            }
            many => {
                let rows = many
                    .iter()
                    .map(|(link, inmate, facility)| {
                        Row::new(
                            format!("lnk:{}", link.0),
                            inmate.name.as_str(),
                            Some(facility.name.clone()),
                        )
                    })
                    .collect();
                self.choose(self.t("chat-book-pick-inmate"), rows);
                Ok(Step::BookLink)
            }
        }
    }

    pub(in crate::chat) async fn on_link(&mut self, id: &str) -> Result<Step, StorageError> {
        let Some(n) = id_after(id, "lnk:") else {
            return self.stale(Step::BookLink).await;
        };
        let target = Target::Book { link: LinkId(n) };
        let Some(info) = self.target_info(target).await? else {
            return self.stale(Step::BookLink).await;
        };
        self.say(self.ta(
            "chat-book-for",
            &[
                ("inmate", info.inmate.name.to_string()),
                ("facility", info.facility.name),
            ],
        ));
        self.ask_day(target).await
    }

    /// Loads what a target needs, none if it no longer holds (link withdrawn, visit started).
    async fn target_info(&self, target: Target) -> Result<Option<TargetInfo>, StorageError> {
        let Some(v) = &self.visitor else {
            return Ok(None);
        };
        match target {
            Target::Book { link } => {
                let l = match self.db.link(link).await {
                    Ok((l, _)) => l,
                    Err(StorageError::NotFound(_)) => return Ok(None),
                    Err(e) => return Err(e),
                };
                if l.visitor_id != v.id || l.status != LinkStatus::Approved {
                    return Ok(None);
                }
                let (inmate, facility) = self.inmate_and_facility(l.inmate_id).await?;
                if inmate.released {
                    return Ok(None);
                }
                let kind = if l.relationship == Relationship::LegalCounsel {
                    VisitKind::Legal
                } else {
                    VisitKind::Family
                };
                Ok(Some(TargetInfo {
                    facility,
                    inmate,
                    kind,
                    current: None,
                }))
            }
            Target::Move { visit } => {
                let Some(current) = self
                    .changeable_visits()
                    .await?
                    .into_iter()
                    .find(|x| x.visit.id == visit)
                else {
                    return Ok(None);
                };
                let (inmate, _) = self.inmate_and_facility(current.visit.inmate_id).await?;
                let facility = self.db.facility_by_id(current.visit.facility_id).await?;
                Ok(Some(TargetInfo {
                    facility,
                    inmate,
                    kind: current.visit.kind,
                    current: Some(current),
                }))
            }
        }
    }

    /// The slots the family could take: in the booking window, past the cut-off, of the
    /// right kind, with a place left. The booking itself checks every rule again.
    async fn free_slots(
        &self,
        info: &TargetInfo,
        skip: Option<Timestamp>,
    ) -> Result<Vec<SlotView>, StorageError> {
        let f = &info.facility;
        let p = &f.policy;
        let today = self.now.to_zoned(zone(&f.time_zone)).date();
        let corrupt = |e: jiff::Error| StorageError::Corrupt(format!("date: {e}"));
        let from = today
            .checked_add(Span::new().days(i64::from(p.min_days_ahead)))
            .map_err(corrupt)?;
        let to = today
            .checked_add(Span::new().days(i64::from(p.max_days_ahead)))
            .map_err(corrupt)?;
        // Storage derives at most 62 days at once.
        let to = to.min(from.checked_add(Span::new().days(62)).map_err(corrupt)?);
        if to < from {
            return Ok(Vec::new());
        }
        let earliest = self.now.as_second() + i64::from(p.cutoff_minutes) * 60;
        let current = info.current.as_ref().map(|c| c.visit.id);
        // The family's own visits: a slot at the same time is no choice.
        let own: Vec<(Timestamp, Timestamp)> = match &self.visitor {
            Some(v) => self
                .db
                .visits_of_visitor(v.id, self.now)
                .await?
                .into_iter()
                .filter(|x| x.visit.status.is_active() && Some(x.visit.id) != current)
                .map(|x| (x.visit.start, x.visit.end))
                .collect(),
            None => Vec::new(),
        };
        let current_start = info.current.as_ref().map(|c| c.visit.start);
        Ok(self
            .db
            .slots(f, from, to)
            .await?
            .into_iter()
            .filter(|s| {
                s.slot.kind == info.kind
                    && s.booked < u32::from(s.slot.capacity)
                    && s.slot.start > self.now
                    && s.slot.start.as_second() >= earliest
                    && Some(s.slot.start) != skip
                    && Some(s.slot.start) != current_start
                    && !own
                        .iter()
                        .any(|(start, end)| s.slot.start < *end && s.slot.end > *start)
            })
            .collect())
    }

    /// Asks for the day, among the days with a free slot (the nearest ten).
    pub(in crate::chat) async fn ask_day(&mut self, target: Target) -> Result<Step, StorageError> {
        let Some(info) = self.target_info(target).await? else {
            self.say(self.t("chat-expired-choice"));
            return Ok(Step::Idle);
        };
        let tz = zone(&info.facility.time_zone);
        let mut days: Vec<(Date, usize)> = Vec::new();
        for s in self.free_slots(&info, None).await? {
            let d = s.slot.start.to_zoned(tz.clone()).date();
            match days.last_mut() {
                Some((last, n)) if *last == d => *n += 1,
                _ => days.push((d, 1)),
            }
        }
        if days.is_empty() {
            self.say(self.ta("chat-no-free-days", &[("facility", info.facility.name)]));
            return Ok(Step::Idle);
        }
        let rows = days
            .iter()
            .take(MAX_ROWS)
            .map(|(d, n)| {
                Row::new(
                    format!("day:{d}"),
                    day_title(self.lang, *d),
                    Some(self.ta("chat-day-desc", &[("count", n.to_string())])),
                )
            })
            .collect();
        let body = self.ta(
            "chat-pick-day",
            &[(
                "zone",
                zone_abbreviation(&info.facility.time_zone).to_string(),
            )],
        );
        self.choose(body, rows);
        Ok(Step::PickDay { target })
    }

    pub(in crate::chat) async fn on_day(
        &mut self,
        target: Target,
        id: &str,
    ) -> Result<Step, StorageError> {
        match id.strip_prefix("day:").and_then(|d| d.parse::<Date>().ok()) {
            Some(d) => self.ask_slot(target, Some(d), 0, None).await,
            None => self.stale(Step::PickDay { target }).await,
        }
    }

    /// Asks for the slot: of one day (paged when more than ten), or the next free slots of
    /// any day (after a refusal), leaving out `skip`.
    pub(in crate::chat) async fn ask_slot(
        &mut self,
        target: Target,
        date: Option<Date>,
        page: u16,
        skip: Option<Timestamp>,
    ) -> Result<Step, StorageError> {
        let Some(info) = self.target_info(target).await? else {
            self.say(self.t("chat-expired-choice"));
            return Ok(Step::Idle);
        };
        let tzname = info.facility.time_zone.clone();
        let tz = zone(&tzname);
        let mut slots = self.free_slots(&info, skip).await?;
        if let Some(d) = date {
            slots.retain(|s| s.slot.start.to_zoned(tz.clone()).date() == d);
        }
        if slots.is_empty() {
            if date.is_some() {
                self.say(self.t("chat-day-full"));
                return self.ask_day(target).await;
            }
            self.say(self.t("chat-next-slots-none"));
            return Ok(Step::Idle);
        }
        let zone_abbr = zone_abbreviation(&tzname).to_string();
        let (shown, nav, page) = if date.is_none() || slots.len() <= MAX_ROWS {
            let n = slots.len().min(MAX_ROWS);
            (&slots[..n], None, 0)
        } else {
            let pages = slots.len().div_ceil(SLOTS_PER_PAGE);
            let page = usize::from(page).min(pages - 1);
            let start = page * SLOTS_PER_PAGE;
            let end = (start + SLOTS_PER_PAGE).min(slots.len());
            let nav = if page + 1 < pages {
                Row::new(format!("page:{}", page + 1), self.t("chat-slot-more"), None)
            } else {
                Row::new("page:0", self.t("chat-slot-first"), None)
            };
            (&slots[start..end], Some(nav), page)
        };
        let mut rows: Vec<Row> = shown
            .iter()
            .map(|s| {
                let left = u32::from(s.slot.capacity).saturating_sub(s.booked);
                let places = self.ta("chat-slot-desc", &[("count", left.to_string())]);
                let (title, description) = match date {
                    Some(_) => (
                        slot_title(self.lang, s.slot.start, s.slot.end, &tzname),
                        places,
                    ),
                    None => (
                        when_short(self.lang, s.slot.start, &tzname),
                        format!("{zone_abbr} · {places}"),
                    ),
                };
                Row::new(
                    format!("slot:{}", s.slot.start.as_second()),
                    title,
                    Some(description),
                )
            })
            .collect();
        rows.extend(nav);
        let body = match date {
            Some(d) => self.ta(
                "chat-pick-slot",
                &[("date", date_long(self.lang, d)), ("zone", zone_abbr)],
            ),
            None => self.t("chat-next-slots"),
        };
        self.choose(body, rows);
        Ok(Step::PickSlot {
            target,
            date,
            page: u16::try_from(page).unwrap_or(0),
        })
    }

    pub(in crate::chat) async fn on_slot(
        &mut self,
        target: Target,
        date: Option<Date>,
        page: u16,
        id: &str,
    ) -> Result<Step, StorageError> {
        if let Some(p) = id_after(id, "page:") {
            return self
                .ask_slot(target, date, u16::try_from(p).unwrap_or(0), None)
                .await;
        }
        match id_after(id, "slot:").and_then(|s| Timestamp::from_second(s).ok()) {
            Some(start) => self.take_slot(target, start).await,
            None => self.stale(Step::PickSlot { target, date, page }).await,
        }
    }

    /// Books (or moves to) the slot starting at `start`.
    async fn take_slot(&mut self, target: Target, start: Timestamp) -> Result<Step, StorageError> {
        let (Some(info), Some(visitor)) = (self.target_info(target).await?, self.visitor.clone())
        else {
            self.say(self.t("chat-expired-choice"));
            return Ok(Step::Idle);
        };
        let who = self.who();
        let actor = Actor::Family(visitor.id);
        let result = match &info.current {
            None => {
                let req = BookingRequest {
                    facility: info.facility.code.clone(),
                    start,
                    kind: info.kind,
                    inmate_id: info.inmate.id,
                    visitor_id: visitor.id,
                    people: 1,
                    channel: Channel::Whatsapp,
                    actor,
                };
                self.db.book(&req, &who, self.now).await
            }
            Some(current) => {
                self.db
                    .move_visit(
                        &current.code,
                        start,
                        actor,
                        jenguk_storage::Channel::Whatsapp,
                        &who,
                        self.now,
                    )
                    .await
            }
        };
        match result {
            Ok(v) => {
                let time = format_when(self.lang, v.visit.start, &v.time_zone);
                // The booking's own message (enqueued with it) carries the code and the join
                // link: the chat does not send the code a second time.
                let first = match info.current {
                    None => self.ta(
                        "chat-booked",
                        &[
                            ("time", time),
                            ("facility", info.facility.name),
                            ("inmate", info.inmate.name.to_string()),
                        ],
                    ),
                    Some(_) => self.ta("chat-moved", &[("time", time)]),
                };
                self.say_lines(&[first, self.t("chat-code-follows")]);
                Ok(Step::Idle)
            }
            Err(StorageError::Refused(reasons)) => {
                let mut lines = vec![self.t("chat-refused")];
                for r in reasons {
                    let key = format!("refusal-{}", r.code());
                    let text = if self.lang.has(&key) {
                        self.t(&key)
                    } else {
                        r.code().to_string()
                    };
                    lines.push(format!("• {text}"));
                }
                self.say_lines(&lines);
                self.ask_slot(target, None, 0, Some(start)).await
            }
            Err(StorageError::Invalid("same_slot")) => {
                self.say(self.t("chat-same-slot"));
                self.ask_day(target).await
            }
            Err(StorageError::Invalid("visit_started") | StorageError::Transition(_)) => {
                self.say(self.t("chat-visit-locked"));
                Ok(Step::Idle)
            }
            Err(StorageError::NotFound(_)) => {
                self.say(self.t("chat-expired-choice"));
                Ok(Step::Idle)
            }
            Err(e) => Err(e),
        }
    }
}
