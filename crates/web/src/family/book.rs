//! Booking a visit and moving one: the free slots of the facility's booking window in its
//! local time, one form whose slot buttons submit it, a one-time key so that a double
//! submit books once, and a refusal shown as the same page with the reasons and the next
//! free slots — never an error page.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use jenguk_domain::booking::BookingPolicy;
use jenguk_domain::facility::zone_abbreviation;
use jenguk_domain::visit::Actor;
use jenguk_domain::{
    Facility, Inmate, LinkId, LinkStatus, Refusal, Relationship, Slot, VisitId, VisitKind,
    VisitStatus, Visitor, VisitorId, VisitorLink,
};
use jenguk_storage::{BookingRequest, Channel, StorageError, VisitView};
use jiff::Timestamp;
use serde::Deserialize;

use crate::AppState;
use crate::extract::ClientIp;
use crate::family::page::Chrome;
use crate::family::session::Family;
use crate::family::visits::{
    Page, before_cutoff, changeable, check_post, clock, date_long, form, message, message_args,
    own_visit, page, see_other, storage, visit_path, when, when_short, who, zone,
};
use crate::i18n::Lang;

/// The routes of booking and moving.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pesan/{link}", get(get_book).post(post_book))
        .route("/kunjungan/{code}/ubah", get(get_move).post(post_move))
}

/// At most this many days are offered at once (the page stays light).
const MAX_DAYS: i64 = 31;
/// Free slots offered after a refusal.
const ALTERNATIVES: usize = 6;

struct SlotButton {
    value: i64,
    label: String,
}

struct Day {
    title: String,
    count: String,
    open: bool,
    slots: Vec<SlotButton>,
}

#[derive(Template)]
#[template(path = "family/book.html")]
struct BookPage {
    chrome: Chrome,
    action: String,
    back: String,
    intro: String,
    zone_note: String,
    key: Option<String>,
    people: Vec<(u16, bool)>,
    errors: Vec<String>,
    alternatives: Vec<SlotButton>,
    days: Vec<Day>,
    /// What to say when no slot is offered.
    none: String,
}

/// Free slots, and whether the window had free slots that only this visitor cannot take.
struct Offer {
    slots: Vec<Slot>,
    only_yours: bool,
}

impl Offer {
    /// Why nothing is offered.
    fn none(&self, lang: Lang, f: &Facility) -> String {
        if self.only_yours {
            lang.t_args(
                "fv-book-none-yours",
                &[(
                    "count",
                    f.policy.max_visits_per_visitor_per_week.to_string(),
                )],
            )
        } else {
            lang.t("fv-book-none")
        }
    }
}

/// The free slots of a kind in the facility's booking window that this visitor can take:
/// free places, not past the cut-off, not overlapping the visitor's own visits, not in a
/// week whose quota the visitor has used (`except`: the visit being moved, whose place is
/// given back). Sorted by start.
async fn free_slots(
    state: &AppState,
    facility: &Facility,
    kind: VisitKind,
    now: Timestamp,
    (visitor, inmate): (VisitorId, jenguk_domain::InmateId),
    except: Option<VisitId>,
) -> Result<Offer, StorageError> {
    let week_ago = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
        .unwrap_or(now);
    let mine: Vec<VisitView> = state
        .db
        .visits_of_visitor(visitor, week_ago)
        .await?
        .into_iter()
        .filter(|v| Some(v.visit.id) != except)
        .collect();
    let theirs: Vec<VisitView> = state
        .db
        .visits_of_inmate(inmate, week_ago)
        .await?
        .into_iter()
        .filter(|v| Some(v.visit.id) != except)
        .collect();
    let window = window_slots(state, facility, kind, now).await?;
    let had = !window.is_empty();
    // The inmate's own visits and weekly quota rule slots out just as the visitor's do.
    let slots = takeable(
        window,
        &mine,
        facility,
        kind,
        facility.policy.max_visits_per_visitor_per_week,
    );
    let slots = takeable(
        slots,
        &theirs,
        facility,
        kind,
        facility.policy.max_visits_per_inmate_per_week,
    );
    Ok(Offer {
        only_yours: had && slots.is_empty(),
        slots,
    })
}

/// Drops the slots overlapping one of a person's active visits (the visitor's or the
/// inmate's), and, for family visits, those in a local week whose quota (`quota` visits at
/// this facility) that person has used up.
fn takeable(
    slots: Vec<Slot>,
    mine: &[VisitView],
    facility: &Facility,
    kind: VisitKind,
    quota: u16,
) -> Vec<Slot> {
    let tz = zone(&facility.time_zone);
    let mut weeks: HashMap<Timestamp, u32> = HashMap::new();
    for v in mine {
        if v.visit.facility_id == facility.id
            && v.visit.kind == VisitKind::Family
            && v.visit.status.counts_for_quota()
        {
            *weeks
                .entry(BookingPolicy::week_bounds(&tz, v.visit.start).0)
                .or_default() += 1;
        }
    }
    let quota = u32::from(quota);
    slots
        .into_iter()
        .filter(|s| {
            !mine.iter().any(|v| {
                v.visit.status.is_active() && v.visit.start < s.end && v.visit.end > s.start
            })
        })
        .filter(|s| {
            kind != VisitKind::Family
                || weeks
                    .get(&BookingPolicy::week_bounds(&tz, s.start).0)
                    .is_none_or(|n| *n < quota)
        })
        .collect()
}

/// The free slots of a kind in the facility's booking window, not past the cut-off.
async fn window_slots(
    state: &AppState,
    facility: &Facility,
    kind: VisitKind,
    now: Timestamp,
) -> Result<Vec<Slot>, StorageError> {
    let tz = zone(&facility.time_zone);
    let p = &facility.policy;
    let today = now.to_zoned(tz).date();
    let from = today.saturating_add(jiff::Span::new().days(i64::from(p.min_days_ahead)));
    let last = today.saturating_add(jiff::Span::new().days(i64::from(p.max_days_ahead)));
    let to = last.min(from.saturating_add(jiff::Span::new().days(MAX_DAYS - 1)));
    if to < from {
        return Ok(Vec::new());
    }
    let earliest = now.as_second() + i64::from(p.cutoff_minutes) * 60;
    Ok(state
        .db
        .slots(facility, from, to)
        .await?
        .into_iter()
        .filter(|s| {
            s.slot.kind == kind
                && s.booked < u32::from(s.slot.capacity)
                && s.slot.start.as_second() >= earliest
        })
        .map(|s| s.slot)
        .collect())
}

/// The slots grouped by local day, the first day open.
fn days(lang: Lang, facility: &Facility, slots: &[Slot]) -> Vec<Day> {
    let tz = zone(&facility.time_zone);
    let mut out: Vec<(jiff::civil::Date, Vec<SlotButton>)> = Vec::new();
    for s in slots {
        let z = s.start.to_zoned(tz.clone());
        let b = SlotButton {
            value: s.start.as_second(),
            label: clock(lang, z.time()),
        };
        match out.last_mut() {
            Some((d, v)) if *d == z.date() => v.push(b),
            _ => out.push((z.date(), vec![b])),
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, (d, slots))| Day {
            title: date_long(lang, d),
            count: lang.t_args("fv-book-day-free", &[("count", slots.len().to_string())]),
            open: i == 0,
            slots,
        })
        .collect()
}

/// Where to look for other slots after a refusal: after the asked slot, after its week for
/// a quota, nowhere when the refusal is about who may visit.
fn alternatives(
    facility: &Facility,
    slots: &[Slot],
    asked: Option<Timestamp>,
    reasons: &[Refusal],
    lang: Lang,
) -> Vec<SlotButton> {
    let tz = zone(&facility.time_zone);
    let eligibility = reasons.iter().any(|r| {
        matches!(
            r,
            Refusal::NotApproved
                | Refusal::PermitMissing
                | Refusal::VisitorBanned
                | Refusal::InmateNotHeld
                | Refusal::WrongVisitKind
                | Refusal::TooManyPeople
        )
    });
    if eligibility || reasons.is_empty() {
        return Vec::new();
    }
    let quota = reasons
        .iter()
        .any(|r| matches!(r, Refusal::InmateQuota | Refusal::VisitorQuota));
    let later = |s: &&Slot| match asked {
        Some(a) if quota => s.start >= BookingPolicy::week_bounds(&tz, a).1,
        Some(a) => s.start > a,
        None => true,
    };
    let mut out: Vec<SlotButton> = slots
        .iter()
        .filter(later)
        .take(ALTERNATIVES)
        .map(|s| SlotButton {
            value: s.start.as_second(),
            label: when_short(lang, s.start, &tz),
        })
        .collect();
    if out.is_empty() && !quota {
        // Nothing after the asked slot: offer the earliest ones instead.
        out = slots
            .iter()
            .filter(|s| Some(s.start) != asked)
            .take(ALTERNATIVES)
            .map(|s| SlotButton {
                value: s.start.as_second(),
                label: when_short(lang, s.start, &tz),
            })
            .collect();
    }
    out
}

/// Every reason of a refusal, translated, the most important first.
fn refusal_texts(lang: Lang, reasons: &[Refusal]) -> Vec<String> {
    let body = crate::error::refused(reasons).body(lang);
    body["reasons"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r.as_str())
                .map(|code| lang.t(&format!("refusal-{code}")))
                .collect()
        })
        .unwrap_or_default()
}

/// A fresh one-time key for a booking form.
fn new_key() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // Without randomness the key still names this form; the time keeps it unique.
        return format!("t{}", Timestamp::now().as_nanosecond());
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn key_ok(k: &str) -> bool {
    (16..=64).contains(&k.len())
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ---------------------------------------------------------------------------------------
// Booking.

/// An approved link of this visitor, with its inmate and facility.
struct Booking {
    link: VisitorLink,
    inmate: Inmate,
    facility: Facility,
}

impl Booking {
    fn kind(&self) -> VisitKind {
        if self.link.relationship == Relationship::LegalCounsel {
            VisitKind::Legal
        } else {
            VisitKind::Family
        }
    }
}

async fn load_link(
    state: &AppState,
    visitor: &Visitor,
    link: &str,
    lang: Lang,
) -> Result<Booking, Response> {
    let nf = || message(StatusCode::NOT_FOUND, lang, "fv-book-no-link", "/kunjungan");
    let id = link.parse::<i64>().map_err(|_| nf())?;
    let (link, _) = match state.db.link(LinkId(id)).await {
        Ok(l) if l.0.visitor_id == visitor.id => l,
        Ok(_) | Err(StorageError::NotFound(_)) => return Err(nf()),
        Err(e) => return Err(storage(lang)(e)),
    };
    let key = match link.status {
        LinkStatus::Approved => None,
        LinkStatus::Pending => Some("fv-book-link-pending"),
        LinkStatus::Rejected | LinkStatus::Revoked => Some("fv-book-link-refused"),
    };
    if let Some(key) = key {
        return Err(message(StatusCode::FORBIDDEN, lang, key, "/tautan"));
    }
    let inmate = state
        .db
        .inmate(link.inmate_id)
        .await
        .map_err(storage(lang))?;
    if inmate.released {
        return Err(message(
            StatusCode::CONFLICT,
            lang,
            "refusal-inmate_not_held",
            "/kunjungan",
        ));
    }
    let facility = state
        .db
        .facility_by_id(inmate.facility_id)
        .await
        .map_err(storage(lang))?;
    Ok(Booking {
        link,
        inmate,
        facility,
    })
}

fn zone_note(lang: Lang, f: &Facility) -> String {
    lang.t_args(
        "fv-book-zone",
        &[
            ("facility", f.name.clone()),
            ("zone", zone_abbreviation(&f.time_zone).to_string()),
            ("minutes", f.policy.slot_minutes.to_string()),
        ],
    )
}

#[allow(clippy::too_many_arguments)]
async fn book_page(
    state: &AppState,
    family: &Family,
    b: &Booking,
    link: &str,
    people: u16,
    asked: Option<Timestamp>,
    reasons: &[Refusal],
    extra_error: Option<String>,
) -> Result<BookPage, Response> {
    let lang = family.lang;
    let now = Timestamp::now();
    let offer = free_slots(
        state,
        &b.facility,
        b.kind(),
        now,
        (b.link.visitor_id, b.link.inmate_id),
        None,
    )
    .await
    .map_err(storage(lang))?;
    let slots = &offer.slots;
    let path = format!("/pesan/{link}");
    let max = b.facility.policy.max_people_per_visit.max(1);
    let mut errors = refusal_texts(lang, reasons);
    errors.extend(extra_error);
    Ok(BookPage {
        chrome: Chrome::new(lang, "fv-title-book", &path).signed_in(&family.session.csrf),
        back: "/kunjungan".into(),
        intro: lang.t_args(
            "fv-book-intro",
            &[
                ("inmate", b.inmate.name.as_str().to_string()),
                ("facility", b.facility.name.clone()),
            ],
        ),
        zone_note: zone_note(lang, &b.facility),
        key: Some(new_key()),
        people: (1..=max).map(|n| (n, n == people.clamp(1, max))).collect(),
        alternatives: alternatives(&b.facility, slots, asked, reasons, lang),
        days: days(lang, &b.facility, slots),
        none: offer.none(lang, &b.facility),
        errors,
        action: path,
    })
}

async fn get_book(State(state): State<AppState>, family: Family, Path(link): Path<String>) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let b = load_link(&state, &visitor, &link, lang).await?;
    let t = book_page(&state, &family, &b, &link, 1, None, &[], None).await?;
    Ok(page(&t, StatusCode::OK))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BookForm {
    csrf: String,
    key: String,
    start: String,
    people: String,
}

fn parse_start(s: &str) -> Option<Timestamp> {
    s.trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| Timestamp::from_second(n).ok())
}

async fn post_book(
    State(state): State<AppState>,
    family: Family,
    ip: ClientIp,
    headers: HeaderMap,
    Path(link): Path<String>,
    body: Result<Form<BookForm>, FormRejection>,
) -> Page {
    let lang = family.lang;
    let f = form(body, lang)?;
    check_post(&family, &headers, &f.csrf)?;
    let visitor = family.visitor()?.clone();
    let b = load_link(&state, &visitor, &link, lang).await?;
    let people = f.people.trim().parse::<u16>().unwrap_or(1);
    let Some(start) = parse_start(&f.start) else {
        let t = book_page(
            &state,
            &family,
            &b,
            &link,
            people,
            None,
            &[],
            Some(lang.t("fv-book-pick")),
        )
        .await?;
        return Err(page(&t, StatusCode::UNPROCESSABLE_ENTITY));
    };
    if !key_ok(&f.key) {
        let t = book_page(
            &state,
            &family,
            &b,
            &link,
            people,
            None,
            &[],
            Some(lang.t("family-error-csrf")),
        )
        .await?;
        return Err(page(&t, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let req = BookingRequest {
        facility: b.facility.code.clone(),
        start,
        kind: b.kind(),
        inmate_id: b.inmate.id,
        visitor_id: visitor.id,
        people,
        channel: Channel::Web,
        actor: Actor::Family(visitor.id),
    };
    // The key is this visitor's: another family's key can never return someone else's visit.
    let key = format!("web:{}:{}", visitor.id.0, f.key);
    match state
        .db
        .book_once(&key, &req, &who(ip), Timestamp::now())
        .await
    {
        Ok(v) if v.visit.visitor_id == visitor.id => Ok(see_other(&visit_path(&v.code))),
        Ok(_) => Err(message(
            StatusCode::NOT_FOUND,
            lang,
            "family-error-not-found",
            "/kunjungan",
        )),
        Err(StorageError::Refused(reasons)) => {
            let t = book_page(
                &state,
                &family,
                &b,
                &link,
                people,
                Some(start),
                &reasons,
                None,
            )
            .await?;
            Err(page(&t, StatusCode::CONFLICT))
        }
        Err(e) => Err(storage(lang)(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Moving.

async fn move_page(
    state: &AppState,
    family: &Family,
    v: &VisitView,
    facility: &Facility,
    asked: Option<Timestamp>,
    reasons: &[Refusal],
    extra_error: Option<String>,
) -> Result<BookPage, Response> {
    let lang = family.lang;
    let now = Timestamp::now();
    let mut offer = free_slots(
        state,
        facility,
        v.visit.kind,
        now,
        (v.visit.visitor_id, v.visit.inmate_id),
        Some(v.visit.id),
    )
    .await
    .map_err(storage(lang))?;
    offer.slots.retain(|s| s.start != v.visit.start);
    let slots = &offer.slots;
    let path = visit_path(&v.code);
    let mut errors = refusal_texts(lang, reasons);
    errors.extend(extra_error);
    Ok(BookPage {
        chrome: Chrome::new(lang, "fv-title-move", &format!("{path}/ubah"))
            .signed_in(&family.session.csrf),
        action: format!("{path}/ubah"),
        intro: lang.t_args(
            "fv-move-intro",
            &[("time", when(lang, v.visit.start, &v.time_zone))],
        ),
        zone_note: zone_note(lang, facility),
        key: None,
        people: Vec::new(),
        alternatives: alternatives(facility, slots, asked, reasons, lang),
        days: days(lang, facility, slots),
        none: offer.none(lang, facility),
        errors,
        back: path,
    })
}

/// Whether the visit may be moved now; the page saying why not otherwise.
#[allow(clippy::result_large_err)] // a page as the error, as every handler returns
fn movable(v: &VisitView, f: &Facility, now: Timestamp, lang: Lang) -> Result<(), Response> {
    let path = visit_path(&v.code);
    if !changeable(v.visit.status) || v.visit.start <= now {
        return Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-move-not-possible",
            &path,
        ));
    }
    if !before_cutoff(v, f, now) {
        return Err(message_args(
            StatusCode::CONFLICT,
            lang,
            "fv-move-late",
            &[("minutes", f.policy.cutoff_minutes.to_string())],
            &path,
        ));
    }
    Ok(())
}

async fn get_move(State(state): State<AppState>, family: Family, Path(code): Path<String>) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let v = own_visit(&state, &visitor, &code, lang).await?;
    let facility = state
        .db
        .facility_by_id(v.visit.facility_id)
        .await
        .map_err(storage(lang))?;
    movable(&v, &facility, Timestamp::now(), lang)?;
    let t = move_page(&state, &family, &v, &facility, None, &[], None).await?;
    Ok(page(&t, StatusCode::OK))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MoveForm {
    csrf: String,
    start: String,
}

async fn post_move(
    State(state): State<AppState>,
    family: Family,
    ip: ClientIp,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Result<Form<MoveForm>, FormRejection>,
) -> Page {
    let lang = family.lang;
    let f = form(body, lang)?;
    check_post(&family, &headers, &f.csrf)?;
    let visitor = family.visitor()?.clone();
    let v = own_visit(&state, &visitor, &code, lang).await?;
    let facility = state
        .db
        .facility_by_id(v.visit.facility_id)
        .await
        .map_err(storage(lang))?;
    let start = parse_start(&f.start);
    if v.visit.status == VisitStatus::Cancelled && v.visit.status_reason.as_deref() == Some("moved")
    {
        // A second press of the button: show the visit it was moved to.
        if let Some(new) = moved_to(&state, &v, start).await {
            return Ok(see_other(&format!("{}?done=moved", visit_path(&new.code))));
        }
    }
    let now = Timestamp::now();
    movable(&v, &facility, now, lang)?;
    let Some(start) = start else {
        let t = move_page(
            &state,
            &family,
            &v,
            &facility,
            None,
            &[],
            Some(lang.t("fv-book-pick")),
        )
        .await?;
        return Err(page(&t, StatusCode::UNPROCESSABLE_ENTITY));
    };
    match state
        .db
        .move_visit(
            &v.code,
            start,
            Actor::Family(visitor.id),
            Channel::Web,
            &who(ip),
            now,
        )
        .await
    {
        Ok(new) => Ok(see_other(&format!("{}?done=moved", visit_path(&new.code)))),
        Err(StorageError::Refused(reasons)) => {
            let t = move_page(&state, &family, &v, &facility, Some(start), &reasons, None).await?;
            Err(page(&t, StatusCode::CONFLICT))
        }
        Err(StorageError::Invalid("same_slot")) => {
            let t = move_page(
                &state,
                &family,
                &v,
                &facility,
                None,
                &[],
                Some(lang.t("fv-move-same")),
            )
            .await?;
            Err(page(&t, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(StorageError::Transition(_) | StorageError::Invalid(_)) => Err(message(
            StatusCode::CONFLICT,
            lang,
            "fv-move-not-possible",
            &visit_path(&v.code),
        )),
        Err(e) => Err(storage(lang)(e)),
    }
}

/// The visit a moved one became: the same visitor and inmate, active, at the asked start.
async fn moved_to(
    state: &AppState,
    old: &VisitView,
    start: Option<Timestamp>,
) -> Option<VisitView> {
    let start = start?;
    let visits = state
        .db
        .visits_of_visitor(old.visit.visitor_id, Timestamp::now())
        .await
        .ok()?;
    visits.into_iter().find(|x| {
        x.visit.start == start
            && x.visit.inmate_id == old.visit.inmate_id
            && x.visit.status.is_active()
    })
}
