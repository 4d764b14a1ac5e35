//! "My account": the second factor (set it up where it is optional), the password change
//! (ends one's other sessions) and log out everywhere.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_storage::StorageError;
use serde::Deserialize;

use crate::AppState;
use crate::family::page::render;
use crate::staff::login::logged_out;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::second_factor::EnrolPage;
use crate::staff::session::Staff;
use crate::staff::totp;

/// The account routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/account", get(get_account))
        .route("/staff/account/logout-all", post(post_logout_all))
        .route(
            "/staff/account/password",
            get(get_password).post(post_password),
        )
        .route("/staff/account/totp", get(get_totp).post(post_totp))
}

#[derive(Template)]
#[template(path = "staff/account.html")]
struct AccountPage {
    chrome: StaffChrome,
    notice: String,
    totp_enabled: bool,
    totp_required: bool,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn err(lang: crate::i18n::Lang) -> impl Fn(StorageError) -> StaffError {
    move |e| StaffError::from_storage(e, lang)
}

async fn get_account(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response, StaffError> {
    staff.require(&state, Can::SignedIn).await?;
    let acct = state
        .db
        .totp_account(staff.user.id)
        .await
        .map_err(err(staff.lang))?;
    let notice = match q.done.as_deref() {
        Some("password") => staff.lang.t("staff-account-password-changed"),
        Some("totp") => staff.lang.t("staff-account-totp-enabled"),
        _ => String::new(),
    };
    Ok(render(&AccountPage {
        chrome: staff.chrome("staff-account-title"),
        notice,
        totp_enabled: acct.enabled,
        totp_required: acct.required,
    }))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn post_logout_all(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    staff.require(&state, Can::SignedIn).await?;
    state
        .db
        .staff_logout_all(&staff.user, staff.source.clone(), jiff::Timestamp::now())
        .await
        .map_err(err(staff.lang))?;
    Ok(logged_out("/staff/login?done=logout_all"))
}

#[derive(Template)]
#[template(path = "staff/account_password.html")]
struct PasswordPage {
    chrome: StaffChrome,
    error: String,
}

async fn get_password(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    staff.require(&state, Can::SignedIn).await?;
    Ok(render(&PasswordPage {
        chrome: staff.chrome("staff-account-password-title"),
        error: String::new(),
    }))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// The message for a refused new password (shared with the staff accounts page).
pub fn password_error(lang: crate::i18n::Lang, e: StorageError) -> Result<String, StaffError> {
    match e {
        StorageError::Invalid("password_too_short") => Ok(lang.t("staff-account-password-short")),
        StorageError::Invalid("password_is_username") => {
            Ok(lang.t("staff-account-password-is-username"))
        }
        StorageError::Invalid("current_password_wrong") => {
            Ok(lang.t("staff-account-password-current-wrong"))
        }
        e => Err(StaffError::from_storage(e, lang)),
    }
}

/// A storage refusal the user can fix (a password rule, a taken name…), as a message; anything else as an error page.
pub fn user_error(lang: crate::i18n::Lang, e: StorageError) -> Result<String, StaffError> {
    let e = match password_error(lang, e) {
        Ok(msg) => return Ok(msg),
        Err(e) => e,
    };
    if e.status.is_client_error() {
        Ok(e.message)
    } else {
        Err(e)
    }
}

async fn post_password(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PasswordForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    staff.require(&state, Can::SignedIn).await?;
    let lang = staff.lang;
    let error = if f.new != f.confirm {
        lang.t("staff-account-password-mismatch")
    } else {
        let r = state
            .db
            .change_password(
                &staff.user,
                &f.current,
                &f.new,
                &staff.token,
                staff.source.clone(),
                jiff::Timestamp::now(),
            )
            .await;
        match r {
            Ok(_) => return Ok(Redirect::to("/staff/account?done=password").into_response()),
            Err(e) => password_error(lang, e)?,
        }
    };
    let mut res = render(&PasswordPage {
        chrome: staff.chrome("staff-account-password-title"),
        error,
    });
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

async fn get_totp(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    staff.require(&state, Can::SignedIn).await?;
    let fresh = totp::new_secret()?;
    let Some(secret) = state
        .db
        .pending_totp_secret(staff.user.id, &fresh)
        .await
        .map_err(err(staff.lang))?
    else {
        return Ok(Redirect::to("/staff/account").into_response());
    };
    let chrome = staff.chrome("staff-login-enrol-title");
    Ok(render(&EnrolPage::new(
        chrome,
        "/staff/account/totp",
        &staff.csrf,
        &staff.user,
        &secret,
    )))
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

async fn post_totp(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CodeForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    staff.require(&state, Can::SignedIn).await?;
    let lang = staff.lang;
    let acct = state
        .db
        .totp_account(staff.user.id)
        .await
        .map_err(err(lang))?;
    let secret = match (acct.secret, acct.enabled) {
        (Some(s), false) => s,
        _ => return Ok(Redirect::to("/staff/account").into_response()),
    };
    let now = jiff::Timestamp::now();
    if let Some(step) = totp::check_code(&secret, &f.code, now)
        && state
            .db
            .enable_totp(&staff.user, &secret, step, staff.source.clone(), now)
            .await
            .map_err(err(lang))?
    {
        return Ok(Redirect::to("/staff/account?done=totp").into_response());
    }
    let chrome = staff.chrome("staff-login-enrol-title");
    let mut page = EnrolPage::new(
        chrome,
        "/staff/account/totp",
        &staff.csrf,
        &staff.user,
        &secret,
    );
    page.error = lang.t("staff-login-totp-wrong");
    let mut res = render(&page);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}
