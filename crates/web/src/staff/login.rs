//! Console login and log-out.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_storage::{SessionStage, StorageError};
use serde::Deserialize;

use crate::AppState;
use crate::extract::{ClientIp, ReqLang};
use crate::family::page::render;
use crate::family::session::{cookie, same_origin};
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::session::{COOKIE, FACILITY_COOKIE, Staff, clear_cookie, set_cookie};

/// The login and log-out routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/login", get(get_login).post(post_login))
        .route("/staff/logout", post(post_logout))
}

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage {
    chrome: StaffChrome,
    error: String,
    username: String,
    next: String,
}

/// Only console paths: a `next` parameter can't send anyone elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/staff") && !n.contains("//") && !n.contains('\\') => {
            n.to_string()
        }
        _ => "/staff".to_string(),
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn get_login(ReqLang(lang): ReqLang, Query(q): Query<NextQuery>) -> Response {
    render(&LoginPage {
        chrome: StaffChrome::public(lang, "staff-login-title", "/staff/login"),
        error: String::new(),
        username: String::new(),
        next: safe_next(q.next.as_deref()),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn post_login(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, StaffError> {
    if !same_origin(&headers) {
        return Err(StaffError::csrf(lang));
    }
    let next = safe_next(f.next.as_deref());
    let now = jiff::Timestamp::now();
    let user = match state.db.check_password(&f.username, &f.password).await {
        Ok(u) => u,
        Err(StorageError::Unauthorized) => {
            let mut res = render(&LoginPage {
                chrome: StaffChrome::public(lang, "staff-login-title", "/staff/login"),
                error: lang.t("staff-login-wrong"),
                username: f.username.chars().take(40).collect(),
                next,
            });
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            return Ok(res);
        }
        Err(e) => return Err(StaffError::from_storage(e, lang)),
    };
    let s = state
        .db
        .create_staff_session(&user, SessionStage::Ok, ip, now)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, COOKIE, &s.token, jenguk_storage::STAFF_MAX_SECS),
    );
    Ok(res)
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn post_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    staff: Staff,
    Form(f): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    if let Some(token) = cookie(&headers, COOKIE) {
        state
            .db
            .revoke_staff_session(token, jiff::Timestamp::now())
            .await
            .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    }
    let mut res = Redirect::to("/staff/login").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(COOKIE));
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(FACILITY_COOKIE));
    Ok(res)
}
