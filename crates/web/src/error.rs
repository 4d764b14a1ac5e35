//! Errors at the boundary: what the client did wrong (a stable code and a translated
//! message) apart from what went wrong inside (logged with a reference, never shown).
//!
//! A handler returns [`ApiError`]; its response carries the error in an extension, and the
//! [`translate`] middleware, which knows the request's language, writes the JSON body
//! `{"error": code, "message": text}`.

use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jenguk_domain::Refusal;
use jenguk_storage::StorageError;

use crate::i18n::Lang;

/// An error to send to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: String,
    key: String,
    args: Vec<(&'static str, String)>,
    reasons: Vec<&'static str>,
}

impl ApiError {
    /// An error with a status, a stable code and the Fluent key of its message.
    pub fn new(status: StatusCode, code: impl Into<String>, key: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            key: key.into(),
            args: Vec::new(),
            reasons: Vec::new(),
        }
    }

    /// Adds a message argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// A field that did not parse: 422 with the code and the message key of the reason.
    pub fn invalid(code: &str, key: &str) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, key)
    }

    /// An internal failure: logged with a reference the user can quote.
    pub fn internal(what: &dyn std::fmt::Display) -> Self {
        let reference = reference();
        tracing::error!(%reference, error = %what, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "error-internal",
        )
        .arg("reference", reference)
    }

    /// Not found.
    pub fn not_found(what: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{what}_not_found"),
            "error-not-found",
        )
    }

    /// The role may not do this.
    pub fn forbidden() -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "error-forbidden")
    }

    /// The record belongs to another facility.
    pub fn other_facility() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "other_facility",
            "error-other-facility",
        )
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message in a language.
    pub fn message(&self, lang: Lang) -> String {
        lang.try_t_args(&self.key, &self.args).unwrap_or_else(|| {
            tracing::warn!(key = %self.key, "message missing");
            lang.t_args(
                "error-invalid-field",
                &[("field", self.code.clone()), ("detail", self.code.clone())],
            )
        })
    }

    /// The JSON body in a language.
    pub fn body(&self, lang: Lang) -> serde_json::Value {
        let mut body = serde_json::json!({
            "error": self.code,
            "message": self.message(lang),
        });
        if !self.reasons.is_empty() {
            body["reasons"] = serde_json::json!(self.reasons);
        }
        body
    }
}

/// A short random reference for an internal error, quoted by users to staff.
fn reference() -> String {
    let mut b = [0u8; 4];
    if getrandom::fill(&mut b).is_err() {
        return "00000000".into();
    }
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Which refusal a family should read first: eligibility before availability.
fn priority(r: Refusal) -> u8 {
    match r {
        Refusal::NoSuchSlot => 0,
        Refusal::InmateNotHeld => 1,
        Refusal::NotApproved => 2,
        Refusal::WrongVisitKind => 3,
        Refusal::PermitMissing => 4,
        Refusal::VisitorBanned => 5,
        Refusal::InmateSuspended => 6,
        Refusal::OutsideWindow => 7,
        Refusal::PastCutoff => 8,
        Refusal::TooManyPeople => 9,
        Refusal::SlotFull => 10,
        Refusal::InmateBusy => 11,
        Refusal::VisitorBusy => 12,
        Refusal::InmateQuota => 13,
        Refusal::VisitorQuota => 14,
        _ => 20,
    }
}

/// The refusal of a booking: 409, the most important reason as the code, all reasons listed.
pub fn refused(reasons: &[Refusal]) -> ApiError {
    let mut sorted = reasons.to_vec();
    sorted.sort_by_key(|r| priority(*r));
    let first = sorted.first().copied().unwrap_or(Refusal::NoSuchSlot);
    let mut e = ApiError::new(
        StatusCode::CONFLICT,
        first.code(),
        format!("refusal-{}", first.code()),
    );
    e.reasons = sorted.iter().map(|r| r.code()).collect();
    e
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(what) => ApiError::not_found(what),
            StorageError::Conflict(code) => {
                ApiError::new(StatusCode::CONFLICT, code, format!("conflict-{code}"))
            }
            StorageError::Refused(reasons) => refused(&reasons),
            StorageError::Transition(t) => ApiError::new(
                StatusCode::CONFLICT,
                "invalid_transition",
                "invalid-visit-transition",
            )
            .arg("from", t.from.as_str()),
            StorageError::Invalid(code) => {
                ApiError::invalid(code, &format!("invalid-{}", code.replace('_', "-")))
            }
            StorageError::RateLimited(code) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                code,
                format!("rate-limited-{}", code.replace('_', "-")),
            ),
            StorageError::Unauthorized => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "error-bad-credentials",
            ),
            StorageError::Db(sqlx_err) if is_unavailable(&sqlx_err) => {
                tracing::warn!(error = %sqlx_err, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "error-unavailable",
                )
            }
            other => ApiError::internal(&other),
        }
    }
}

fn is_unavailable(e: &jenguk_storage::SqlxError) -> bool {
    matches!(
        e,
        jenguk_storage::SqlxError::PoolTimedOut
            | jenguk_storage::SqlxError::PoolClosed
            | jenguk_storage::SqlxError::Io(_)
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut res = status.into_response();
        res.extensions_mut().insert(self);
        res
    }
}

/// Writes the translated JSON body of any [`ApiError`] response, in the request's language.
pub async fn translate(req: Request, next: Next) -> Response {
    let lang = crate::extract::request_lang(req.headers(), req.uri().query());
    let mut res = next.run(req).await;
    if let Some(err) = res.extensions_mut().remove::<ApiError>() {
        let mut out = (err.status, Json(err.body(lang))).into_response();
        if err.status == StatusCode::UNAUTHORIZED {
            out.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        return out;
    }
    res
}
