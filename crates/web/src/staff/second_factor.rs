//! The login's second step: the TOTP code page (`/staff/login/totp`) and, where TOTP is
//! mandatory and not yet set up, the enrolment page (`/staff/login/enrol`: QR code, the
//! secret in text, a first code to confirm). A wrong or reused code counts as a failed login;
//! enough of them lock the account and end the pending session.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jenguk_storage::{SessionStage, StaffUser, TotpAccount};
use serde::Deserialize;

use crate::AppState;
use crate::family::page::render;
use crate::family::session::url_escape;
use crate::i18n::Lang;
use crate::staff::limiter;
use crate::staff::login::{locked_message, safe_next};
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::session::{COOKIE, clear_cookie, set_cookie};
use crate::staff::totp::{self, Pending};

/// The second-factor routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/login/totp", get(get_totp).post(post_totp))
        .route("/staff/login/enrol", get(get_enrol).post(post_enrol))
}

#[derive(Template)]
#[template(path = "staff/login_totp.html")]
struct TotpPage {
    chrome: StaffChrome,
    csrf: String,
    error: String,
    next: String,
}

/// The enrolment page, also used from "my account" for an optional second factor.
#[derive(Template)]
#[template(path = "staff/login_enrol.html")]
pub struct EnrolPage {
    /// Chrome.
    pub chrome: StaffChrome,
    /// Where the form posts.
    pub action: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// The QR code (SVG).
    pub qr: String,
    /// The secret for typing, grouped.
    pub secret: String,
    /// The error, translated.
    pub error: String,
    /// Where to go after (login only).
    pub next: String,
}

impl EnrolPage {
    /// The page for a pending secret.
    pub fn new(
        chrome: StaffChrome,
        action: &str,
        csrf: &str,
        user: &StaffUser,
        secret: &str,
    ) -> Self {
        let lang = chrome.tr.0;
        EnrolPage {
            qr: totp::qr_svg(
                &totp::otpauth_url(secret, &user.username),
                &lang.t("staff-login-enrol-qr"),
            ),
            secret: totp::grouped(secret),
            chrome,
            action: action.to_string(),
            csrf: csrf.to_string(),
            error: String::new(),
            next: String::new(),
        }
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

fn err(lang: Lang) -> impl Fn(jenguk_storage::StorageError) -> StaffError {
    move |e| StaffError::from_storage(e, lang)
}

fn enrol_to(next: &str) -> String {
    format!("/staff/login/enrol?next={}", url_escape(next))
}

async fn get_totp(
    State(state): State<AppState>,
    p: Pending,
    Query(q): Query<NextQuery>,
) -> Result<Response, StaffError> {
    let next = safe_next(q.next.as_deref());
    let acct = state
        .db
        .totp_account(p.user.id)
        .await
        .map_err(err(p.lang))?;
    if acct.enrolment_due() {
        return Ok(Redirect::to(&enrol_to(&next)).into_response());
    }
    Ok(render(&TotpPage {
        chrome: StaffChrome::public(p.lang, "staff-login-totp-title", "/staff/login/totp"),
        csrf: p.csrf,
        error: String::new(),
        next,
    }))
}

/// Opens the full session after the second factor: a fresh cookie, the old one dead.
async fn promote(state: &AppState, p: &Pending, next: &str) -> Result<Response, StaffError> {
    let s = state
        .db
        .promote_staff_session(&p.token, SessionStage::Ok, jiff::Timestamp::now())
        .await
        .map_err(err(p.lang))?;
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, COOKIE, &s.token, jenguk_storage::STAFF_MAX_SECS),
    );
    Ok(res)
}

/// A wrong code: counted; when that locks the account, the pending session ends and the
/// login page says until when.
async fn failed(state: &AppState, p: &Pending) -> Result<Option<Response>, StaffError> {
    limiter::failed(p.source.as_deref());
    let now = jiff::Timestamp::now();
    let lock = state
        .db
        .totp_failed(&p.user, p.source.clone(), now)
        .await
        .map_err(err(p.lang))?;
    match lock {
        Some(until) => Ok(Some(locked(state, p, until).await?)),
        None => Ok(None),
    }
}

async fn locked(
    state: &AppState,
    p: &Pending,
    until: jiff::Timestamp,
) -> Result<Response, StaffError> {
    state
        .db
        .revoke_staff_session(&p.token, jiff::Timestamp::now())
        .await
        .map_err(err(p.lang))?;
    let mut res = StaffError::new(
        StatusCode::UNAUTHORIZED,
        p.lang,
        locked_message(p.lang, until),
    )
    .back("/staff/login")
    .into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(COOKIE));
    Ok(res)
}

fn still_locked(acct: &TotpAccount) -> Option<jiff::Timestamp> {
    acct.locked_until.filter(|u| *u > jiff::Timestamp::now())
}

async fn post_totp(
    State(state): State<AppState>,
    p: Pending,
    Form(f): Form<CodeForm>,
) -> Result<Response, StaffError> {
    p.check_csrf(&f.csrf)?;
    let lang = p.lang;
    let next = safe_next(f.next.as_deref());
    let acct = state.db.totp_account(p.user.id).await.map_err(err(lang))?;
    if let Some(until) = still_locked(&acct) {
        return locked(&state, &p, until).await;
    }
    if acct.enrolment_due() {
        return Ok(Redirect::to(&enrol_to(&next)).into_response());
    }
    let secret = match (&acct.secret, acct.enabled) {
        (Some(s), true) => s.clone(),
        // No second factor any more (reset meanwhile) and none mandatory: the password was
        // enough.
        _ => return promote(&state, &p, &next).await,
    };
    let now = jiff::Timestamp::now();
    let error = match totp::check_code(&secret, &f.code, now) {
        Some(step) => {
            if state
                .db
                .accept_totp(&p.user, step, p.source.clone(), now)
                .await
                .map_err(err(lang))?
            {
                return promote(&state, &p, &next).await;
            }
            "staff-login-totp-reused"
        }
        None => "staff-login-totp-wrong",
    };
    if let Some(res) = failed(&state, &p).await? {
        return Ok(res);
    }
    let mut res = render(&TotpPage {
        chrome: StaffChrome::public(lang, "staff-login-totp-title", "/staff/login/totp"),
        csrf: p.csrf,
        error: lang.t(error),
        next,
    });
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

async fn get_enrol(
    State(state): State<AppState>,
    p: Pending,
    Query(q): Query<NextQuery>,
) -> Result<Response, StaffError> {
    let next = safe_next(q.next.as_deref());
    let fresh = totp::new_secret()?;
    let Some(secret) = state
        .db
        .pending_totp_secret(p.user.id, &fresh)
        .await
        .map_err(err(p.lang))?
    else {
        return Ok(
            Redirect::to(&format!("/staff/login/totp?next={}", url_escape(&next))).into_response(),
        );
    };
    let chrome = StaffChrome::public(p.lang, "staff-login-enrol-title", "/staff/login/enrol");
    let mut page = EnrolPage::new(chrome, "/staff/login/enrol", &p.csrf, &p.user, &secret);
    page.next = next;
    Ok(render(&page))
}

async fn post_enrol(
    State(state): State<AppState>,
    p: Pending,
    Form(f): Form<CodeForm>,
) -> Result<Response, StaffError> {
    p.check_csrf(&f.csrf)?;
    let lang = p.lang;
    let next = safe_next(f.next.as_deref());
    let acct = state.db.totp_account(p.user.id).await.map_err(err(lang))?;
    if let Some(until) = still_locked(&acct) {
        return locked(&state, &p, until).await;
    }
    let secret = match (&acct.secret, acct.enabled) {
        (Some(s), false) => s.clone(),
        _ => {
            return Ok(
                Redirect::to(&format!("/staff/login/totp?next={}", url_escape(&next)))
                    .into_response(),
            );
        }
    };
    let now = jiff::Timestamp::now();
    if let Some(step) = totp::check_code(&secret, &f.code, now)
        && state
            .db
            .enable_totp(&p.user, &secret, step, p.source.clone(), now)
            .await
            .map_err(err(lang))?
    {
        return promote(&state, &p, &next).await;
    }
    if let Some(res) = failed(&state, &p).await? {
        return Ok(res);
    }
    let chrome = StaffChrome::public(lang, "staff-login-enrol-title", "/staff/login/enrol");
    let mut page = EnrolPage::new(chrome, "/staff/login/enrol", &p.csrf, &p.user, &secret);
    page.next = next;
    page.error = lang.t("staff-login-totp-wrong");
    let mut res = render(&page);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}
