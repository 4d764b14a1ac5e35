//! The signed-in staff member of a console request: the session cookie (only its hash is
//! stored), the CSRF token, the facility being worked on, and the checks every staff page
//! makes — role, facility, CSRF and origin — with every refusal written to the audit trail.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_domain::{Facility, FacilityCode, FacilityId};
use jenguk_storage::{AuditEvent, SessionStage, StaffUser};
use serde_json::json;

use crate::AppState;
use crate::extract::{ClientIp, request_lang};
use crate::family::session::{cookie, same_origin, url_escape};
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;

/// The console session cookie.
pub const COOKIE: &str = "jenguk_staff";
/// The facility a national administrator is working on (its code).
pub const FACILITY_COOKIE: &str = "jenguk_staff_facility";

/// `Set-Cookie` for a console session (HttpOnly, SameSite=Strict, Secure over HTTPS).
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let v = format!(
        "{name}={value}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes a console cookie.
pub fn clear_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=0"
    ))
    .unwrap_or(HeaderValue::from_static(""))
}

/// A fully signed-in staff member (password and, where due, the second factor).
#[derive(Debug, Clone)]
pub struct Staff {
    /// Who.
    pub user: StaffUser,
    /// The session's CSRF token (every form carries it).
    pub csrf: String,
    /// The session cookie's value (for log-out and promotion).
    pub token: String,
    /// The request's language.
    pub lang: Lang,
    /// Where the request came from.
    pub source: Option<String>,
    /// The facility being worked on: a facility's staff always work on theirs; a national
    /// administrator picks one (none until then).
    pub facility: Option<Facility>,
    /// The request's path and query.
    pub path: String,
}

impl Staff {
    /// The actor for audit events.
    pub fn who(&self) -> AuditEvent {
        AuditEvent::staff(self.user.id, self.source.clone())
    }

    /// The page chrome for this staff member.
    pub fn chrome(&self, title_key: &str) -> StaffChrome {
        StaffChrome::new(self, title_key)
    }

    /// Refuses (403, written to the audit trail as `staff.denied`) unless the role may.
    pub async fn require(&self, state: &AppState, can: Can) -> Result<(), StaffError> {
        if can.allows(self.user.role) {
            return Ok(());
        }
        Err(self.deny(state, can, None).await)
    }

    /// Refuses unless the role may and the record's facility is one this user may act on.
    pub async fn require_at(
        &self,
        state: &AppState,
        can: Can,
        facility: FacilityId,
    ) -> Result<(), StaffError> {
        if can.allows(self.user.role) && self.user.can_access(facility) {
            return Ok(());
        }
        Err(self.deny(state, can, Some(facility)).await)
    }

    /// The facility being worked on, after checking the role: a national administrator who has
    /// not picked one is sent to the home page to pick.
    pub async fn facility_for(&self, state: &AppState, can: Can) -> Result<Facility, StaffError> {
        self.require(state, can).await?;
        self.facility
            .clone()
            .ok_or_else(|| StaffError::pick_facility(self.lang))
    }

    /// Writes the refusal to the audit trail and returns the 403 page.
    pub async fn deny(
        &self,
        state: &AppState,
        can: Can,
        facility: Option<FacilityId>,
    ) -> StaffError {
        let r = state
            .db
            .record_audit(
                &self.who(),
                facility.or(self.user.facility_id),
                "staff.denied",
                "route",
                &self.path,
                json!({ "need": can.as_str(), "role": self.user.role.as_str() }),
                jiff::Timestamp::now(),
            )
            .await;
        if let Err(e) = r {
            tracing::warn!(error = %e, "could not audit a refused staff request");
        }
        StaffError::forbidden(self.lang)
    }

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

/// Where a request without a (complete) session goes.
fn to_login(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map_or("/staff", |p| p.as_str())
        .to_string();
    Redirect::to(&format!("/staff/login?next={}", url_escape(&next))).into_response()
}

impl FromRequestParts<AppState> for Staff {
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
            return Err(to_login(parts));
        };
        let now = jiff::Timestamp::now();
        let session = match state.db.staff_session(&token, now).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(to_login(parts)),
            Err(e) => return Err(StaffError::from_storage(e, lang).into_response()),
        };
        if session.stage != SessionStage::Ok {
            return Err(Redirect::to("/staff/login/totp").into_response());
        }
        let facility = match session.user.facility_id {
            Some(id) => match state.db.facility_by_id(id).await {
                Ok(f) => Some(f),
                Err(e) => return Err(StaffError::from_storage(e, lang).into_response()),
            },
            None => match cookie(&parts.headers, FACILITY_COOKIE)
                .and_then(|c| FacilityCode::parse(c).ok())
            {
                Some(code) => state.db.facility(&code).await.ok(),
                None => None,
            },
        };
        let ClientIp(source) = match ClientIp::from_request_parts(parts, state).await {
            Ok(ip) => ip,
            Err(never) => match never {},
        };
        Ok(Staff {
            user: session.user,
            csrf: session.csrf,
            token,
            lang,
            source,
            facility,
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string()),
        })
    }
}
