//! The day board (`/staff/board`): the facility's visits of a day per booth on a timeline and
//! in a list, check-in by visit code, and the actions on a visit (start, extend, end,
//! outcome).
//!
//! Everyone who may view the board (`Can::ViewBoard`, officers included) sees it; the actions
//! are offered to, and accepted from, only those who operate (`Can::Operate`), and only on
//! today's board (other days are read-only). Loading the board gives the day's visits their
//! booths (`Db::assign_booths`). The board refreshes itself: a small inline script fetches
//! `/staff/board/fragment` every five seconds and swaps it in, pausing while someone types a
//! code or works in the board; without JavaScript a reload does the same.

mod actions;
mod checkin;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
pub mod view;

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use jenguk_domain::{Facility, VisitId};

use crate::AppState;
use crate::family::page::render;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;
use view::{BoardModel, Day};

/// The board's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/board", get(get_board))
        .route("/staff/board/fragment", get(get_fragment))
        .route("/staff/board/checkin", post(checkin::post_checkin))
        .route("/staff/board/visits/{id}/start", post(actions::post_start))
        .route(
            "/staff/board/visits/{id}/extend",
            post(actions::post_extend),
        )
        .route("/staff/board/visits/{id}/end", post(actions::post_end))
        .route(
            "/staff/board/visits/{id}/outcome",
            post(actions::post_outcome),
        )
}

#[derive(Template)]
#[template(path = "staff/board/page.html")]
struct BoardPage {
    chrome: StaffChrome,
    b: BoardModel,
    /// Whether the check-in form is shown (today, operators).
    checkin: bool,
    /// The code as typed, kept after an error.
    code: String,
    /// The code field is what was wrong.
    code_invalid: bool,
    notice: String,
    error: String,
    /// The date picker's value.
    date: String,
    /// Where the script fetches the board from.
    fragment_url: String,
    /// This board again (the manual refresh without JavaScript).
    reload_url: String,
    /// Why no actions are offered (officer, another day), if so.
    readonly_note: String,
}

#[derive(Template)]
#[template(path = "staff/board/board.html")]
struct BoardFragment {
    b: BoardModel,
}

/// What a page shows besides the board: a notice after an action, or an error.
#[derive(Debug, Default)]
pub(crate) struct Feedback {
    pub notice: String,
    pub error: String,
    pub code: String,
    pub code_invalid: bool,
    pub status: Option<StatusCode>,
}

/// The facility's day (today when `date` is none), its booths assigned, as a board model.
async fn model(
    state: &AppState,
    staff: &Staff,
    facility: &Facility,
    day: &Day,
) -> Result<BoardModel, StaffError> {
    let lang = staff.lang;
    let now = jiff::Timestamp::now();
    state
        .db
        .assign_booths(facility.id, day.start, day.end, now)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let booths = state
        .db
        .booths(facility.id)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let visits = state
        .db
        .board_visits(facility.id, day.start, day.end)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let operate = day.today && Can::Operate.allows(staff.user.role);
    Ok(view::build(
        crate::family::page::Tr(lang),
        staff.csrf.clone(),
        day,
        booths,
        &visits,
        operate,
        now,
    ))
}

/// The day asked for by `?date=` (today when absent), or the message why it is not a date.
fn day_of(
    staff: &Staff,
    facility: &Facility,
    q: &HashMap<String, String>,
) -> Result<Day, StaffError> {
    let lang = staff.lang;
    let tz = facility
        .tz()
        .map_err(|e| StaffError::from_api(&crate::error::ApiError::internal(&e), lang))?;
    let date = match q.get("date").map(|d| d.trim()).filter(|d| !d.is_empty()) {
        Some(d) => Some(d.parse::<jiff::civil::Date>().map_err(|_| {
            StaffError::invalid(lang, lang.t("staff-board-error-date")).back("/staff/board")
        })?),
        None => None,
    };
    Day::new(tz, date, jiff::Timestamp::now()).ok_or_else(|| {
        StaffError::invalid(lang, lang.t("staff-board-error-date")).back("/staff/board")
    })
}

/// Renders the whole board page of `day` with `fb`.
pub(crate) async fn page(
    state: &AppState,
    staff: &Staff,
    facility: &Facility,
    day: &Day,
    fb: Feedback,
) -> Result<Response, StaffError> {
    let b = model(state, staff, facility, day).await?;
    let date = b.date.clone();
    let (fragment_url, reload_url) = if day.today {
        (
            "/staff/board/fragment".to_string(),
            "/staff/board".to_string(),
        )
    } else {
        (
            format!("/staff/board/fragment?date={date}"),
            format!("/staff/board?date={date}"),
        )
    };
    let readonly_note = if b.operate {
        String::new()
    } else if !day.today {
        staff.lang.t("staff-board-readonly-day")
    } else {
        staff.lang.t("staff-board-readonly-role")
    };
    let title = staff
        .lang
        .t_args("staff-board-title-day", &[("date", date.clone())]);
    let mut res = render(&BoardPage {
        chrome: staff.chrome("staff-board-title").titled(title),
        checkin: b.operate,
        b,
        code: fb.code,
        code_invalid: fb.code_invalid,
        notice: fb.notice,
        error: fb.error,
        date,
        fragment_url,
        reload_url,
        readonly_note,
    });
    if let Some(s) = fb.status {
        *res.status_mut() = s;
    }
    Ok(res)
}

async fn get_board(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::ViewBoard).await?;
    let day = day_of(&staff, &facility, &q)?;
    let notice = match (q.get("done"), q.get("visit")) {
        (Some(done), Some(id)) => actions::notice(&state, &staff, &facility, &day, done, id).await,
        _ => String::new(),
    };
    page(
        &state,
        &staff,
        &facility,
        &day,
        Feedback {
            notice,
            ..Feedback::default()
        },
    )
    .await
}

/// The board alone (timeline and list), for the page's refresh.
async fn get_fragment(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::ViewBoard).await?;
    let day = day_of(&staff, &facility, &q)?;
    let b = model(&state, &staff, &facility, &day).await?;
    let html = BoardFragment { b }
        .render()
        .map_err(|e| StaffError::from_api(&crate::error::ApiError::internal(&e), staff.lang))?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response())
}

/// Parses a visit id from the path.
pub(crate) fn visit_id(raw: &str) -> Option<VisitId> {
    raw.parse::<i64>().ok().filter(|i| *i > 0).map(VisitId)
}
