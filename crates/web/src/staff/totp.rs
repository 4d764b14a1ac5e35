//! The second factor: TOTP codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step
//! of drift either way, never the same step twice), the session between password and code
//! ([`Pending`]), the code page and the enrolment page with its QR code.

use std::fmt::Write as _;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_storage::{SessionStage, StaffUser};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::AppState;
use crate::extract::{ClientIp, request_lang};
use crate::family::session::{cookie, same_origin};
use crate::i18n::Lang;
use crate::staff::page::StaffError;
use crate::staff::session::COOKIE;

/// Seconds per time step.
pub const STEP_SECS: i64 = 30;
/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Jenguk";

/// A fresh random secret (160 bits), base32 without padding.
pub fn new_secret() -> Result<String, StaffError> {
    let mut raw = [0u8; 20];
    getrandom::fill(&mut raw).map_err(|e| {
        tracing::error!(error = %e, "getrandom");
        StaffError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            Lang::Id,
            String::new(),
        )
    })?;
    Ok(Secret::Raw(raw.to_vec()).to_encoded().to_string())
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(ISSUER.to_string()),
        account.replace(':', "."),
    )
    .ok()
}

/// The time step of an instant.
pub fn step_of(now: jiff::Timestamp) -> i64 {
    now.as_second().div_euclid(STEP_SECS)
}

/// The step whose code this is (the current step or one either side), if any. Only digits
/// count: spaces and dashes typed between them are ignored.
pub fn check_code(secret: &str, code: &str, now: jiff::Timestamp) -> Option<i64> {
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    if code.len() != 6 {
        return None;
    }
    let t = totp(secret, "x")?;
    let current = step_of(now);
    [current - 1, current, current + 1].into_iter().find(|s| {
        let at = u64::try_from(s * STEP_SECS).unwrap_or(0);
        let want = t.generate(at);
        want.len() == code.len()
            && want
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    })
}

/// The `otpauth://` URL an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &str, username: &str) -> String {
    totp(secret, username).map_or_else(String::new, |t| t.get_url())
}

/// The secret for typing by hand: groups of four.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of a text as a small inline SVG (dark runs merged per row, quiet zone of four).
pub fn qr_svg(data: &str, label: &str) -> String {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
    else {
        return String::new();
    };
    let w = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = w + 2 * quiet;
    let mut d = String::new();
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if colors[y * w + x] == qrcode::Color::Dark {
                let from = x;
                while x < w && colors[y * w + x] == qrcode::Color::Dark {
                    x += 1;
                }
                let _ = write!(
                    d,
                    "M{} {}h{}v1H{}z",
                    from + quiet,
                    y + quiet,
                    x - from,
                    from + quiet
                );
            } else {
                x += 1;
            }
        }
    }
    let label = label
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="240" height="240" style="max-width:100%;height:auto" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{d}"/></svg>"##
    )
}

/// A session between password and second factor: it opens only the code and enrolment
/// pages. Without a session → the login page; a complete one → the console.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Whose.
    pub user: StaffUser,
    /// The session's CSRF token.
    pub csrf: String,
    /// The cookie's value.
    pub token: String,
    /// The request's language.
    pub lang: Lang,
    /// Where the request came from.
    pub source: Option<String>,
}

impl Pending {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), StaffError> {
        let ok = token.len() == self.csrf.len()
            && token
                .bytes()
                .zip(self.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if ok {
            Ok(())
        } else {
            Err(StaffError::csrf(self.lang))
        }
    }
}

impl FromRequestParts<AppState> for Pending {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = request_lang(&parts.headers, parts.uri.query());
        if parts.method != Method::GET
            && parts.method != Method::HEAD
            && !same_origin(&parts.headers)
        {
            return Err(StaffError::csrf(lang).into_response());
        }
        let Some(token) = cookie(&parts.headers, COOKIE).map(str::to_string) else {
            return Err(Redirect::to("/staff/login").into_response());
        };
        let session = match state.db.staff_session(&token, jiff::Timestamp::now()).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(Redirect::to("/staff/login?expired=1").into_response()),
            Err(e) => return Err(StaffError::from_storage(e, lang).into_response()),
        };
        if session.stage == SessionStage::Ok {
            return Err(Redirect::to("/staff").into_response());
        }
        let ClientIp(source) = match ClientIp::from_request_parts(parts, state).await {
            Ok(ip) => ip,
            Err(never) => match never {},
        };
        Ok(Pending {
            user: session.user,
            csrf: session.csrf,
            token,
            lang,
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_code_of_the_current_step_or_one_either_side_is_accepted() {
        // RFC 6238's SHA-1 test key, "12345678901234567890".
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        let t = totp(&secret, "x").unwrap();
        let now = jiff::Timestamp::from_second(59).unwrap();
        assert_eq!(t.generate(59), "287082");
        assert_eq!(check_code(&secret, "287 082", now), Some(1));
        assert_eq!(check_code(&secret, &t.generate(89), now), Some(2));
        assert_eq!(check_code(&secret, &t.generate(0), now), Some(0));
        assert_eq!(check_code(&secret, &t.generate(120), now), None);
        assert_eq!(check_code(&secret, "12345", now), None);
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert!(otpauth_url(&secret, "admin.serang").starts_with("otpauth://totp/Jenguk:"));
    }
}
