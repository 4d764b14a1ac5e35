//! Console login and log-out: the password step (with lockout), then the second factor where
//! due ([`crate::staff::second_factor`]).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_storage::{LoginOutcome, SessionStage};
use serde::Deserialize;

use crate::AppState;
use crate::extract::{ClientIp, ReqLang};
use crate::family::page::render;
use crate::family::session::{cookie, same_origin, url_escape};
use crate::i18n::Lang;
use crate::staff::limiter;
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
    notice: String,
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

/// "Try again after HH:MM WIB": the end of a lock, in western Indonesian time for everyone
/// (the account's facility would tell that the username exists).
pub fn locked_message(lang: Lang, until: jiff::Timestamp) -> String {
    let time = until
        .to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap_or(jiff::tz::TimeZone::UTC))
        .strftime("%H:%M")
        .to_string();
    format!(
        "{} {}",
        lang.t("staff-login-wrong"),
        lang.t_args("staff-login-locked", &[("time", time)])
    )
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    done: Option<String>,
}

async fn get_login(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    // A request that came with a session cookie the server no longer knows: it expired.
    let dead = match cookie(&headers, COOKIE) {
        Some(t) => matches!(
            state.db.staff_session(t, jiff::Timestamp::now()).await,
            Ok(None)
        ),
        None => false,
    };
    let notice = match q.done.as_deref() {
        Some("logout_all") => lang.t("staff-login-logged-out-all"),
        Some("logout") => lang.t("staff-login-logged-out"),
        _ if dead || q.expired.is_some() => lang.t("staff-login-expired"),
        _ => String::new(),
    };
    let mut res = render(&LoginPage {
        chrome: StaffChrome::public(lang, "staff-login-title", "/staff/login"),
        error: String::new(),
        notice,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
    });
    if dead {
        res.headers_mut()
            .append(header::SET_COOKIE, clear_cookie(COOKIE));
    }
    res
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
    let refused = |error: String| {
        let mut res = render(&LoginPage {
            chrome: StaffChrome::public(lang, "staff-login-title", "/staff/login"),
            error,
            notice: String::new(),
            username: f.username.chars().take(40).collect(),
            next: next.clone(),
        });
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        res
    };
    if limiter::blocked(ip.as_deref()) {
        let mut res = refused(lang.t("staff-login-too-many"));
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(res);
    }
    if f.username.len() > 200 || f.password.len() > 1000 {
        limiter::failed(ip.as_deref());
        return Ok(refused(lang.t("staff-login-wrong")));
    }
    let outcome = state
        .db
        .staff_login(&f.username, &f.password, ip.clone(), now)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let account = match outcome {
        LoginOutcome::Ok(a) => a,
        LoginOutcome::Wrong => {
            limiter::failed(ip.as_deref());
            return Ok(refused(lang.t("staff-login-wrong")));
        }
        LoginOutcome::Locked(until) => {
            limiter::failed(ip.as_deref());
            return Ok(refused(locked_message(lang, until)));
        }
    };
    let (stage, to) = if account.second_factor_due() {
        (
            SessionStage::Password,
            format!("/staff/login/totp?next={}", url_escape(&next)),
        )
    } else {
        (SessionStage::Ok, next)
    };
    let s = state
        .db
        .create_staff_session(&account.user, stage, ip, now)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let mut res = Redirect::to(&to).into_response();
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

/// The redirect to the login page that also drops the console's cookies.
pub fn logged_out(to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(COOKIE));
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(FACILITY_COOKIE));
    res
}

async fn post_logout(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    state
        .db
        .staff_logout(
            &staff.user,
            &staff.token,
            staff.source.clone(),
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    Ok(logged_out("/staff/login?done=logout"))
}
