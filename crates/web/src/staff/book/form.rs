//! The booking form: the free slots of the booking window for the link's kind of visit, the
//! number of people and how the family reached us; a refusal comes back as the form with
//! the reasons, translated as families read them.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_domain::visit::Actor;
use jenguk_domain::{Facility, LinkId, LinkStatus, Refusal, Relationship, VisitKind};
use jenguk_storage::{BookingRequest, Channel, LinkRequest, StorageError, Via};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::family::page::render;
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;
use crate::staff::visitors::page::local;
use crate::staff::visitors::{PersonRow, path_id, today};

/// A free slot offered.
struct SlotOption {
    value: i64,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "staff/book/form.html")]
struct FormPage {
    chrome: StaffChrome,
    link: i64,
    person: PersonRow,
    inmate: String,
    kind: String,
    slots: Vec<SlotOption>,
    max_people: u16,
    people: u16,
    walk_in: bool,
    errors: Vec<String>,
}

fn kind_of(r: &LinkRequest) -> VisitKind {
    if r.link.relationship == Relationship::LegalCounsel {
        VisitKind::Legal
    } else {
        VisitKind::Family
    }
}

/// The approved link a booking page is about, with its facility, after the checks.
async fn scoped(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(LinkRequest, Facility), StaffError> {
    staff.facility_for(state, Can::Operate).await?;
    let lang = staff.lang;
    let r = state
        .db
        .link_request(LinkId(id))
        .await
        .map_err(|e| StaffError::from_storage(e, lang).back("/staff/book"))?;
    staff.require_at(state, Can::Operate, r.facility_id).await?;
    if r.link.status != LinkStatus::Approved {
        return Err(
            StaffError::invalid(lang, lang.t("staff-book-not-approved")).back("/staff/book")
        );
    }
    let facility = state
        .db
        .facility_by_id(r.facility_id)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    Ok((r, facility))
}

/// Every reason of a refusal, translated as families read them, the most important first.
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

/// What the form holds: nothing yet, or a refused submission.
struct Filled {
    chosen: Option<i64>,
    people: u16,
    walk_in: bool,
    errors: Vec<String>,
}

/// The form, with the free slots of the booking window.
async fn form_page(
    state: &AppState,
    staff: &Staff,
    r: &LinkRequest,
    facility: &Facility,
    filled: Filled,
) -> Result<Response, StaffError> {
    let Filled {
        chosen,
        people,
        walk_in,
        errors,
    } = filled;
    let lang = staff.lang;
    let now = jiff::Timestamp::now();
    let p = &facility.policy;
    let from = today(facility);
    let days = i64::from(p.max_days_ahead).clamp(0, 62);
    let to = from.saturating_add(jiff::Span::new().days(days));
    let kind = kind_of(r);
    let slots = state
        .db
        .slots(facility, from, to)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?
        .into_iter()
        .filter(|s| {
            let ahead = s.slot.start.as_second() - now.as_second();
            s.slot.kind == kind
                && s.booked < u32::from(s.slot.capacity)
                && ahead >= i64::from(p.cutoff_minutes) * 60
                && facility.tz().is_ok_and(|tz| {
                    (s.slot.start.to_zoned(tz).date() - from).get_days()
                        >= i32::from(p.min_days_ahead)
                })
        })
        .map(|s| SlotOption {
            value: s.slot.start.as_second(),
            label: lang.t_args(
                "staff-book-slot",
                &[
                    ("time", local(facility, s.slot.start)),
                    ("count", (u32::from(s.slot.capacity) - s.booked).to_string()),
                ],
            ),
            selected: Some(s.slot.start.as_second()) == chosen,
        })
        .collect();
    let failed = !errors.is_empty();
    let page = FormPage {
        chrome: staff.chrome("staff-book-form-title"),
        link: r.link.id.0,
        person: PersonRow::of(&r.visitor),
        inmate: format!("{} ({})", r.inmate_name, r.inmate_reg),
        kind: lang.t(&format!("staff-book-kind-{}", kind.as_str())),
        slots,
        max_people: p.max_people_per_visit.max(1),
        people: people.max(1),
        walk_in,
        errors,
    };
    let mut res = render(&page);
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub(super) async fn get_form(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, StaffError> {
    let id = path_id(id, staff.lang)?;
    let (r, facility) = scoped(&state, &staff, id).await?;
    crate::staff::visitors::audit_view(
        &state,
        &staff,
        &facility,
        r.visitor.id,
        json!({ "page": "book", "link_id": r.link.id.0 }),
    )
    .await?;
    form_page(
        &state,
        &staff,
        &r,
        &facility,
        Filled {
            chosen: None,
            people: 1,
            walk_in: false,
            errors: Vec::new(),
        },
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct BookForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    people: String,
    #[serde(default)]
    via: String,
}

pub(super) async fn post_book(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<BookForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let id = path_id(id, staff.lang)?;
    let (r, facility) = scoped(&state, &staff, id).await?;
    let lang = staff.lang;
    let start = f
        .slot
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| jiff::Timestamp::from_second(n).ok());
    let people = f.people.trim().parse::<u16>().ok();
    let via = Via::parse(f.via.trim());
    let walk_in = via == Some(Via::WalkIn);
    let mut errors = Vec::new();
    if start.is_none() {
        errors.push(lang.t("staff-book-pick-slot"));
    }
    if people.is_none_or(|n| n == 0 || n > facility.policy.max_people_per_visit) {
        errors.push(lang.t_args(
            "staff-book-bad-people",
            &[("max", facility.policy.max_people_per_visit.to_string())],
        ));
    }
    if via.is_none() {
        errors.push(lang.t("staff-book-pick-via"));
    }
    let chosen = start.map(|s| s.as_second());
    let people_n = people.unwrap_or(1);
    let (Some(start), Some(people), Some(via), true) = (start, people, via, errors.is_empty())
    else {
        return form_page(
            &state,
            &staff,
            &r,
            &facility,
            Filled {
                chosen,
                people: people_n,
                walk_in,
                errors,
            },
        )
        .await;
    };
    let req = BookingRequest {
        facility: facility.code.clone(),
        start,
        kind: kind_of(&r),
        inmate_id: r.link.inmate_id,
        visitor_id: r.visitor.id,
        people,
        channel: Channel::Staff,
        actor: Actor::Staff(staff.user.id),
    };
    match state
        .db
        .book_on_behalf(&req, via, &staff.who(), jiff::Timestamp::now())
        .await
    {
        Ok(v) => Ok(Redirect::to(&format!("/staff/book/done/{}", v.code)).into_response()),
        Err(StorageError::Refused(reasons)) => {
            let errors = refusal_texts(lang, &reasons);
            form_page(
                &state,
                &staff,
                &r,
                &facility,
                Filled {
                    chosen,
                    people,
                    walk_in,
                    errors,
                },
            )
            .await
        }
        Err(e) => Err(StaffError::from_storage(e, lang).back(&format!("/staff/book/{id}"))),
    }
}
