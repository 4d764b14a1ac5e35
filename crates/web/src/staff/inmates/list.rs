//! `/staff/inmates`: the facility's inmates, searched by name or registration number and
//! filtered by legal status and state, a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jenguk_domain::InmateStatus;
use jenguk_storage::{InmateFilter, InmateState};
use serde::Deserialize;

use super::{storage_error, today};
use crate::AppState;
use crate::family::page::render;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

const PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    done: String,
}

/// One inmate as listed.
struct Row {
    id: i64,
    reg_number: String,
    name: String,
    status: String,
    block: String,
    state: String,
}

#[derive(Template)]
#[template(path = "staff/inmates/list.html")]
struct ListPage {
    chrome: StaffChrome,
    q: String,
    status: String,
    state: String,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev: String,
    next: String,
    notice: String,
}

/// `?q=…&status=…&state=…&page=…` for another page.
fn page_link(q: &ListQuery, page: i64) -> String {
    let esc = crate::family::session::url_escape;
    format!(
        "/staff/inmates?q={}&status={}&state={}&page={page}",
        esc(&q.q),
        esc(&q.status),
        esc(&q.state)
    )
}

pub(super) async fn get_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, StaffError> {
    let facility = staff.facility_for(&state, Can::Operate).await?;
    let lang = staff.lang;
    let status = InmateStatus::parse(&q.status);
    let inmate_state = InmateState::parse(&q.state);
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let today = today(&facility);
    let (inmates, total) = state
        .db
        .find_inmates(
            facility.id,
            &InmateFilter {
                query: Some(q.q.chars().take(100).collect()),
                status,
                state: inmate_state,
                today: Some(today),
                limit: PAGE,
                offset: (page - 1) * PAGE,
            },
        )
        .await
        .map_err(|e| storage_error(e, lang))?;
    let rows = inmates
        .into_iter()
        .map(|i| {
            let st = if i.released {
                InmateState::Released
            } else if i.suspended_on(today) {
                InmateState::Suspended
            } else {
                InmateState::Active
            };
            Row {
                id: i.id.0,
                reg_number: i.reg_number.to_string(),
                name: i.name.as_str().to_string(),
                status: lang.t(&format!("staff-inmates-status-{}", i.status.as_str())),
                block: i.block.unwrap_or_default(),
                state: lang.t(&format!("staff-inmates-state-{}", st.as_str())),
            }
        })
        .collect();
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    let notice = match q.done.as_str() {
        "transferred" => lang.t("staff-inmates-done-transferred"),
        _ => String::new(),
    };
    Ok(render(&ListPage {
        chrome: staff.chrome("staff-inmates-title"),
        q: q.q.clone(),
        status: status.map_or("", |s| s.as_str()).to_string(),
        state: inmate_state.map_or("", |s| s.as_str()).to_string(),
        rows,
        total,
        page,
        pages,
        prev: if page > 1 {
            page_link(&q, page - 1)
        } else {
            String::new()
        },
        next: if page < pages {
            page_link(&q, page + 1)
        } else {
            String::new()
        },
        notice,
    }))
}
