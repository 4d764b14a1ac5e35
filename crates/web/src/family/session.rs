//! Family sessions: a cookie holding a random token (only its hash is stored), HttpOnly,
//! SameSite=Lax, Secure when served over HTTPS, rotated at every login, revocable.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_domain::Visitor;
use jenguk_storage::FamilySession;

use crate::AppState;
use crate::extract::request_lang;
use crate::family::page::PageError;
use crate::i18n::Lang;

/// The session cookie's name.
pub const COOKIE: &str = "jenguk_session";

/// The value of a cookie in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// `Set-Cookie` for a new session token (rotated at every login).
pub fn set_session_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let v = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        jenguk_storage::SESSION_IDLE_SECS
    );
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("jenguk_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// A signed-in family: the session, the visitor once registered, the page language.
pub struct Family {
    /// The session (phone number and CSRF token).
    pub session: FamilySession,
    /// The registered visitor of this phone number, if any.
    pub visitor: Option<Visitor>,
    /// The language of the request.
    pub lang: Lang,
}

impl Family {
    /// The visitor, or a redirect to registration.
    // The error is the response a handler returns as it is; boxing it buys nothing.
    #[allow(clippy::result_large_err)]
    pub fn visitor(&self) -> Result<&Visitor, Response> {
        self.visitor
            .as_ref()
            .ok_or_else(|| Redirect::to("/daftar").into_response())
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        let ok = token.len() == self.session.csrf.len()
            && token
                .bytes()
                .zip(self.session.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if ok {
            Ok(())
        } else {
            Err(PageError::csrf(self.lang))
        }
    }
}

impl FromRequestParts<AppState> for Family {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = request_lang(&parts.headers, parts.uri.query());
        let to_login = || {
            let next = parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            let q: String = url_escape(&next);
            Redirect::to(&format!("/masuk?next={q}")).into_response()
        };
        let Some(token) = cookie(&parts.headers, COOKIE) else {
            return Err(to_login());
        };
        let now = jiff::Timestamp::now();
        let session = match state.db.family_session(token, now).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(to_login()),
            Err(e) => return Err(PageError::from_storage(e, lang).into_response()),
        };
        let visitor = match state.db.visitor_by_phone(&session.phone).await {
            Ok(v) => v,
            Err(e) => return Err(PageError::from_storage(e, lang).into_response()),
        };
        Ok(Family {
            session,
            visitor,
            lang,
        })
    }
}

/// Percent-escapes a value for a query string.
pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only paths on this site: a `next` parameter can't send a family elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/kunjungan".to_string(),
    }
}

/// Refuses a form posted from another site (the Origin or Referer must be ours when
/// present): with SameSite=Lax cookies and the CSRF token, a third line of defence that
/// also covers the forms shown before login.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match (host, from) {
        (_, None) => true,
        (Some(host), Some(from)) => {
            let rest = from
                .strip_prefix("https://")
                .or_else(|| from.strip_prefix("http://"))
                .unwrap_or("");
            rest.split('/').next() == Some(host)
        }
        (None, Some(_)) => false,
    }
}
