//! Logging in by phone: a mobile number, a one-time code sent by WhatsApp (through the
//! outbox), then a session cookie (rotated at every login, revocable on the server).
//!
//! Forms shown before login cannot carry a session's CSRF token. They carry a double-submit
//! token instead: a random value in a short-lived `jenguk_csrf` cookie (HttpOnly,
//! SameSite=Strict) echoed in a hidden field; and they must come from our own origin.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_domain::PhoneNumber;
use jenguk_storage::{FamilySession, StorageError};
use jiff::Timestamp;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ClientIp, ReqLang, request_lang};
use crate::family::page::{Chrome, PageError, render};
use crate::family::session::{
    COOKIE, clear_session_cookie, cookie, safe_next, same_origin, set_session_cookie, url_escape,
};
use crate::i18n::Lang;

/// The login routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/masuk", get(get_login).post(post_login))
        .route("/masuk/kode", get(get_code).post(post_code))
        .route("/keluar", post(post_logout))
}

// ---------------------------------------------------------------------------------------
// Shared by the family forms.

/// A form's fields as text: a missing field reads as empty, so a form never fails to parse
/// (each field is checked by the handler, with a translated message next to it).
pub struct PageForm(pub Fields);

/// The fields of a posted form.
pub struct Fields(HashMap<String, String>);

impl Fields {
    /// A field's value, empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// A field's value, trimmed.
    pub fn trimmed(&self, name: &str) -> &str {
        self.get(name).trim()
    }
}

impl FromRequest<AppState> for PageForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let lang = request_lang(req.headers(), req.uri().query());
        match axum::Form::<HashMap<String, String>>::from_request(req, state).await {
            Ok(axum::Form(map)) => Ok(PageForm(Fields(map))),
            Err(_) => Err(PageError::new(
                StatusCode::BAD_REQUEST,
                lang,
                lang.t("family-auth-bad-form"),
            )),
        }
    }
}

/// One input of a form: what the family typed, and what is wrong with it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Field {
    /// The value to show again.
    pub value: String,
    /// The translated message shown next to the field.
    pub error: Option<String>,
}

impl Field {
    /// A field holding a value.
    pub(crate) fn with(value: &str) -> Field {
        Field {
            value: value.to_string(),
            error: None,
        }
    }

    /// Whether the field has an error.
    pub(crate) fn bad(&self) -> bool {
        self.error.is_some()
    }
}

/// Compares two secrets in constant time.
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The live session of the request's cookie, if any (a storage failure reads as signed out
/// and is logged).
pub(crate) async fn current_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Option<FamilySession> {
    let token = cookie(headers, COOKIE)?;
    match state.db.family_session(token, Timestamp::now()).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "family session lookup failed");
            None
        }
    }
}

/// A `next` parameter kept only when it is a path on this site.
pub(crate) fn clean_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(n) if !n.is_empty() && safe_next(Some(n)) == n => n.to_string(),
        _ => String::new(),
    }
}

/// A phone number as families read it: `+62 812 3456 7890`.
pub(crate) fn pretty_phone(p: &PhoneNumber) -> String {
    let national = p.as_e164().trim_start_matches("+62");
    let (head, rest) = national.split_at(national.len().min(3));
    let mut out = format!("+62 {head}");
    for chunk in rest.as_bytes().chunks(4) {
        out.push(' ');
        out.push_str(&String::from_utf8_lossy(chunk));
    }
    out
}

/// The audit "who" of a family acting on the web.
pub(crate) fn family_who(ip: Option<String>) -> jenguk_storage::AuditEvent {
    jenguk_storage::AuditEvent {
        user_id: None,
        source: Some(match ip {
            Some(ip) => format!("web {ip}"),
            None => "web".into(),
        }),
    }
}

/// A response with a `Set-Cookie` header appended.
pub(crate) fn with_cookie(mut res: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// A rendered page with another status.
pub(crate) fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

// ---------------------------------------------------------------------------------------
// The double-submit token of the forms shown before login.

/// How long a login code is valid, as the storage's `CODE_TTL_SECS` (not exported).
const CODE_MINUTES: i64 = 5;

/// The pre-login CSRF cookie's name.
pub const CSRF_COOKIE: &str = "jenguk_csrf";
/// How long a pre-login form stays valid.
const CSRF_MAX_AGE: i64 = 2 * 3600;

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

fn random_token() -> Result<String, PageError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| PageError::from_api(&ApiError::internal(&e), Lang::Id))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// The request's pre-login token (or a new one), with the `Set-Cookie` that stores it for
/// another [`CSRF_MAX_AGE`] seconds (two tabs share one token).
fn prelogin_token(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(String, Option<HeaderValue>), PageError> {
    let t = match cookie(headers, CSRF_COOKIE).filter(|t| well_formed(t)) {
        Some(t) => t.to_string(),
        None => random_token()?,
    };
    let secure = if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let v = format!(
        "{CSRF_COOKIE}={t}; Path=/masuk; HttpOnly; SameSite=Strict; Max-Age={CSRF_MAX_AGE}{secure}"
    );
    let header = HeaderValue::from_str(&v)
        .map_err(|e| PageError::from_api(&ApiError::internal(&e), Lang::Id))?;
    Ok((t, Some(header)))
}

/// Refuses a pre-login form from another site or without the cookie's token.
fn check_prelogin(headers: &HeaderMap, fields: &Fields, lang: Lang) -> Result<(), PageError> {
    let cookie_token = cookie(headers, CSRF_COOKIE).unwrap_or("");
    if same_origin(headers) && well_formed(cookie_token) && ct_eq(cookie_token, fields.get("csrf"))
    {
        Ok(())
    } else {
        tracing::info!("pre-login form refused: CSRF");
        Err(PageError::csrf(lang).back("/masuk"))
    }
}

fn clear_csrf_cookie() -> HeaderValue {
    HeaderValue::from_static("jenguk_csrf=; Path=/masuk; HttpOnly; SameSite=Strict; Max-Age=0")
}

// ---------------------------------------------------------------------------------------
// The pages.

#[derive(Template)]
#[template(path = "family/login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    phone: Field,
}

#[derive(Template)]
#[template(path = "family/login_code.html")]
struct CodePage {
    chrome: Chrome,
    csrf: String,
    next: String,
    /// The number the code went to (E.164), when known.
    phone_e164: String,
    /// The sentence saying where the code went.
    sent: String,
    /// The phone field, shown when the number is not known (e.g. after a language switch).
    phone: Field,
    code: Field,
    notice: Option<String>,
    alert: Option<String>,
    demo: bool,
}

fn login_page(lang: Lang, csrf: String, next: String, phone: Field) -> LoginPage {
    LoginPage {
        chrome: Chrome::new(lang, "login-title", "/masuk"),
        csrf,
        next,
        phone,
    }
}

fn code_page(
    state: &AppState,
    lang: Lang,
    csrf: String,
    next: String,
    phone: Result<PhoneNumber, Field>,
) -> CodePage {
    let (phone_e164, sent, phone) = match phone {
        Ok(p) => (
            p.as_e164().to_string(),
            lang.t_args(
                "code-sent",
                &[
                    ("phone", pretty_phone(&p)),
                    ("minutes", CODE_MINUTES.to_string()),
                ],
            ),
            Field::default(),
        ),
        Err(field) => (String::new(), lang.t("code-sent-unknown"), field),
    };
    CodePage {
        chrome: Chrome::new(lang, "code-title", "/masuk/kode"),
        csrf,
        next,
        phone_e164,
        sent,
        phone,
        code: Field::default(),
        notice: None,
        alert: None,
        demo: state.demo,
    }
}

/// The message of a refused phone number.
fn phone_error(raw: &str, lang: Lang) -> Result<PhoneNumber, String> {
    if raw.trim().is_empty() {
        return Err(lang.t("login-phone-required"));
    }
    crate::api::parse_phone(raw).map_err(|e| e.message(lang))
}

/// `GET /masuk`: the phone form (a signed-in family goes straight on).
pub async fn get_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let next = clean_next(q.get("next").map(String::as_str));
    if current_session(&state, &headers).await.is_some() {
        return Ok(Redirect::to(&safe_next(Some(&next))).into_response());
    }
    let (csrf, set) = prelogin_token(&state, &headers)?;
    let page = login_page(lang, csrf, next, Field::default());
    Ok(with_cookie(render(&page), set))
}

/// `POST /masuk`: sends a code by WhatsApp, then the code form.
pub async fn post_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    PageForm(f): PageForm,
) -> Result<Response, PageError> {
    check_prelogin(&headers, &f, lang)?;
    let csrf = f.get("csrf").to_string();
    let next = clean_next(Some(f.get("next")));
    let raw = f.trimmed("phone");
    let resend = !f.get("resend").is_empty();
    let phone = match phone_error(raw, lang) {
        Ok(p) => p,
        Err(msg) => {
            let page = login_page(
                lang,
                csrf,
                next,
                Field {
                    value: raw.to_string(),
                    error: Some(msg),
                },
            );
            return Ok(with_status(render(&page), StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    match state
        .db
        .create_login_code(&phone, ip.as_deref(), lang.tag(), Timestamp::now())
        .await
    {
        Ok(()) => {
            let mut to = format!("/masuk/kode?phone={}", url_escape(phone.as_e164()));
            if !next.is_empty() {
                to.push_str("&next=");
                to.push_str(&url_escape(&next));
            }
            if resend {
                to.push_str("&again=1");
            }
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ StorageError::RateLimited(_)) => {
            let msg = ApiError::from(e).message(lang);
            tracing::info!("login code refused: rate limit");
            let res = if resend {
                let mut page = code_page(&state, lang, csrf, next, Ok(phone));
                page.alert = Some(msg);
                render(&page)
            } else {
                let page = login_page(
                    lang,
                    csrf,
                    next,
                    Field {
                        value: raw.to_string(),
                        error: Some(msg),
                    },
                );
                render(&page)
            };
            Ok(with_status(res, StatusCode::TOO_MANY_REQUESTS))
        }
        Err(e) => Err(PageError::from_storage(e, lang).back("/masuk")),
    }
}

/// `GET /masuk/kode?phone=…`: the code form.
pub async fn get_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let next = clean_next(q.get("next").map(String::as_str));
    if current_session(&state, &headers).await.is_some() {
        return Ok(Redirect::to(&safe_next(Some(&next))).into_response());
    }
    let (csrf, set) = prelogin_token(&state, &headers)?;
    let phone = q
        .get("phone")
        .and_then(|p| PhoneNumber::parse(p).ok())
        .ok_or_else(Field::default);
    let mut page = code_page(&state, lang, csrf, next, phone);
    if q.get("again").is_some_and(|v| v == "1") {
        page.notice = Some(lang.t("code-resent"));
    }
    Ok(with_cookie(render(&page), set))
}

/// `POST /masuk/kode`: checks the code; on success opens a new session (the old one, if any,
/// is revoked) and goes to registration or to `next`.
pub async fn post_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    PageForm(f): PageForm,
) -> Result<Response, PageError> {
    check_prelogin(&headers, &f, lang)?;
    let csrf = f.get("csrf").to_string();
    let next = clean_next(Some(f.get("next")));
    let raw_phone = f.trimmed("phone");
    let raw_code = f.trimmed("code");
    let phone = match phone_error(raw_phone, lang) {
        Ok(p) => p,
        Err(msg) => {
            let mut page = code_page(
                &state,
                lang,
                csrf,
                next,
                Err(Field {
                    value: raw_phone.to_string(),
                    error: Some(msg),
                }),
            );
            page.code = Field::with(raw_code);
            return Ok(with_status(render(&page), StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let refuse = |msg: String, status: StatusCode| {
        let mut page = code_page(&state, lang, csrf.clone(), next.clone(), Ok(phone.clone()));
        page.code = Field {
            value: raw_code.to_string(),
            error: Some(msg),
        };
        with_status(render(&page), status)
    };
    if raw_code.is_empty() {
        return Ok(refuse(
            lang.t("code-required"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let now = Timestamp::now();
    match state.db.verify_login_code(&phone, raw_code, now).await {
        Ok(()) => {}
        Err(e @ (StorageError::Invalid(_) | StorageError::RateLimited(_))) => {
            let api = ApiError::from(e);
            tracing::info!(code = api.code(), "login code refused");
            return Ok(refuse(api.message(lang), api.status()));
        }
        Err(e) => return Err(PageError::from_storage(e, lang).back("/masuk")),
    }
    // Rotation: a new token at every login; the old session (if any) ends.
    if let Some(old) = cookie(&headers, COOKIE)
        && let Err(e) = state.db.revoke_family_session(old, now).await
    {
        tracing::warn!(error = %e, "old session not revoked");
    }
    let new = state
        .db
        .create_family_session(&phone, now)
        .await
        .map_err(|e| PageError::from_storage(e, lang).back("/masuk"))?;
    let registered = state
        .db
        .visitor_by_phone(&phone)
        .await
        .map_err(|e| PageError::from_storage(e, lang))?
        .is_some();
    let to = if registered {
        safe_next(Some(&next))
    } else {
        "/daftar".to_string()
    };
    let mut res = Redirect::to(&to).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_session_cookie(&state, &new.token));
    res.headers_mut()
        .append(header::SET_COOKIE, clear_csrf_cookie());
    Ok(res)
}

/// `POST /keluar`: ends the session (with its CSRF token) and removes the cookie.
pub async fn post_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    PageForm(f): PageForm,
) -> Result<Response, PageError> {
    if !same_origin(&headers) {
        return Err(PageError::csrf(lang));
    }
    let now = Timestamp::now();
    if let Some(token) = cookie(&headers, COOKIE) {
        let session = state
            .db
            .family_session(token, now)
            .await
            .map_err(|e| PageError::from_storage(e, lang))?;
        if let Some(s) = session {
            if !ct_eq(&s.csrf, f.get("csrf")) {
                return Err(PageError::csrf(lang));
            }
            state
                .db
                .revoke_family_session(token, now)
                .await
                .map_err(|e| PageError::from_storage(e, lang))?;
        }
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie());
    Ok(res)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn phones_read_in_groups() {
        let p = PhoneNumber::parse("0812-3456-7890").unwrap();
        assert_eq!(pretty_phone(&p), "+62 812 3456 7890");
        let p = PhoneNumber::parse("0812345678").unwrap();
        assert_eq!(pretty_phone(&p), "+62 812 3456 78");
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(clean_next(Some("/tautan?facility=X")), "/tautan?facility=X");
        assert_eq!(clean_next(Some("//evil.example")), "");
        assert_eq!(clean_next(Some("https://evil.example")), "");
        assert_eq!(clean_next(None), "");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(ct_eq("abc", "abc"));
        assert!(!ct_eq("abc", "abd"));
        assert!(!ct_eq("abc", "ab"));
        assert!(!ct_eq("", ""));
    }
}
