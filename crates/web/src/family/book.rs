//! Booking a visit and moving one: the free slots of the facility's booking window in its
//! local time, one form whose slot buttons submit it, a one-time key so that a double
//! submit books once, and a refusal shown as the same page with the reasons and the next
//! free slots — never an error page.

pub(crate) mod companions;
mod moving;
mod slots;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use jenguk_domain::facility::zone_abbreviation;
use jenguk_domain::visit::Actor;
use jenguk_domain::{
    Facility, Inmate, LinkId, LinkStatus, Refusal, Relationship, VisitKind, Visitor, VisitorLink,
};
use jenguk_storage::{BookingRequest, Channel, StorageError};
use jiff::Timestamp;
use serde::Deserialize;

use self::companions::{CompanionRow, Typed, rows};
use self::slots::{alternatives, days, free_slots};
use crate::AppState;
use crate::extract::ClientIp;
use crate::family::page::Chrome;
use crate::family::session::Family;
use crate::family::visits::{
    Page, WithCsrf, message, page, posted, see_other, storage, visit_path, who,
};
use crate::i18n::Lang;

/// The routes of booking and moving.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pesan/{link}", get(get_book).post(post_book))
        .route(
            "/kunjungan/{code}/ubah",
            get(moving::get_move).post(moving::post_move),
        )
}

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
    /// The co-visitor rows (none when moving a visit).
    companions: Vec<CompanionRow>,
    /// How many co-visitors the policy allows, said once above the rows.
    companions_intro: String,
    errors: Vec<String>,
    alternatives: Vec<SlotButton>,
    days: Vec<Day>,
    /// What to say when no slot is offered.
    none: String,
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

fn parse_start(s: &str) -> Option<Timestamp> {
    s.trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| Timestamp::from_second(n).ok())
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

    /// The visitor's booking of a slot on the web.
    /// `people` counts the visitor and the co-visitors; storage recounts it.
    fn request(&self, visitor: &Visitor, start: Timestamp, people: u16) -> BookingRequest {
        BookingRequest {
            facility: self.facility.code.clone(),
            start,
            kind: self.kind(),
            inmate_id: self.inmate.id,
            visitor_id: visitor.id,
            people,
            channel: Channel::Web,
            actor: Actor::Family(visitor.id),
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

#[allow(clippy::too_many_arguments)]
async fn book_page(
    state: &AppState,
    family: &Family,
    b: &Booking,
    link: &str,
    typed: &[Typed],
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
        companions: rows(lang, typed, usize::from(max - 1)),
        companions_intro: lang.t_args(
            "fv-book-companions-intro",
            &[("count", (max - 1).to_string())],
        ),
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
    let t = book_page(&state, &family, &b, &link, &[], None, &[], None).await?;
    Ok(page(&t, StatusCode::OK))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BookForm {
    csrf: String,
    key: String,
    start: String,
    /// The co-visitor fields: `c{n}_name`, `c{n}_rel`, `c{n}_nik`.
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

impl WithCsrf for BookForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
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
    let (f, visitor) = posted(&family, &headers, body)?;
    let b = load_link(&state, &visitor, &link, lang).await?;
    let typed = companions::typed(&f.rest);
    let companions = companions::parse(&typed);
    // A slot must be picked, and the form must carry a well-formed one-time key.
    let checked = match parse_start(&f.start) {
        None => Err("fv-book-pick"),
        Some(_) if !key_ok(&f.key) => Err("family-error-csrf"),
        Some(start) => Ok(start),
    };
    let (start, companions) = match (checked, companions) {
        (Ok(start), Some(c)) => (start, c),
        // A mistake in a co-visitor's row has its message next to the field.
        (checked, _) => {
            let error = checked.err().map(|k| lang.t(k));
            let t = book_page(&state, &family, &b, &link, &typed, None, &[], error).await?;
            return Err(page(&t, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let people = u16::try_from(companions.len() + 1).unwrap_or(u16::MAX);
    let req = b.request(&visitor, start, people);
    // The key is this visitor's: another family's key can never return someone else's visit.
    let key = format!("web:{}:{}", visitor.id.0, f.key);
    match state
        .db
        .book_once(&key, &req, &companions, &who(ip), Timestamp::now())
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
                &typed,
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
