//! Banning a visitor at this facility until a date, and lifting the ban.

use axum::extract::rejection::PathRejection;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_storage::StorageError;
use serde::Deserialize;

use super::page::BanInput;
use super::{path_id, render_visitor, scoped, today};
use crate::AppState;
use crate::staff::page::StaffError;
use crate::staff::session::Staff;

#[derive(Deserialize)]
pub(crate) struct BanForm {
    #[serde(default)]
    csrf: String,
    /// The last day of the ban (inclusive), `YYYY-MM-DD` or `DD-MM-YYYY`.
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
}

/// A date as a date field or a person writes it.
pub(crate) fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    match parts.as_slice() {
        [d, m, y] if y.len() == 4 => {
            jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
        }
        _ => None,
    }
}

pub(crate) async fn post_ban(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<BanForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let id = path_id(id, staff.lang)?;
    let (visitor, facility) = scoped(&state, &staff, id).await?;
    let lang = staff.lang;
    let refuse = |key: &str| BanInput {
        until: f.until.trim().to_string(),
        reason: f.reason.trim().to_string(),
        error: lang.t(key),
        notice: String::new(),
    };
    let input = match parse_date(&f.until) {
        None => Err(refuse("staff-visitors-ban-bad-date")),
        Some(d) if d < today(&facility) => Err(refuse("staff-visitors-ban-past")),
        Some(_) if f.reason.trim().is_empty() => Err(refuse("staff-visitors-ban-no-reason")),
        Some(d) => Ok(d),
    };
    let last = match input {
        Ok(d) => d,
        Err(i) => return render_visitor(&state, &staff, &visitor, &facility, i).await,
    };
    let until = last.tomorrow().unwrap_or(last);
    let r = state
        .db
        .ban_visitor(
            visitor.id,
            &facility.code,
            until,
            &f.reason,
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await;
    match r {
        Ok(n) => {
            Ok(Redirect::to(&format!("/staff/visitors/{id}?done=banned&n={n}")).into_response())
        }
        Err(StorageError::Invalid("reason")) => {
            render_visitor(
                &state,
                &staff,
                &visitor,
                &facility,
                refuse("staff-visitors-ban-no-reason"),
            )
            .await
        }
        Err(StorageError::Invalid("ban_until")) => {
            render_visitor(
                &state,
                &staff,
                &visitor,
                &facility,
                refuse("staff-visitors-ban-past"),
            )
            .await
        }
        Err(e) => Err(StaffError::from_storage(e, lang).back(&format!("/staff/visitors/{id}"))),
    }
}

#[derive(Deserialize)]
pub(crate) struct UnbanForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn post_unban(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<UnbanForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let id = path_id(id, staff.lang)?;
    let (visitor, facility) = scoped(&state, &staff, id).await?;
    state
        .db
        .unban_visitor(
            visitor.id,
            &facility.code,
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| {
            StaffError::from_storage(e, staff.lang).back(&format!("/staff/visitors/{id}"))
        })?;
    Ok(Redirect::to(&format!("/staff/visitors/{id}?done=unbanned")).into_response())
}
