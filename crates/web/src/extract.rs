//! Request extractors: language, JSON body with translated rejections, staff identity,
//! client address.

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use jenguk_storage::StaffUser;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;

/// The language of a request: `?lang=`, then the `jenguk_lang` cookie, then
/// `Accept-Language`, then Indonesian.
pub fn request_lang(headers: &HeaderMap, query: Option<&str>) -> Lang {
    if let Some(q) = query {
        for pair in q.split('&') {
            if let Some(l) = pair.strip_prefix("lang=").and_then(Lang::parse) {
                return l;
            }
        }
    }
    for cookie in headers.get_all(header::COOKIE) {
        let Ok(s) = cookie.to_str() else { continue };
        for part in s.split(';') {
            if let Some(l) = part
                .trim()
                .strip_prefix("jenguk_lang=")
                .and_then(Lang::parse)
            {
                return l;
            }
        }
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Id, Lang::from_accept_language)
}

/// The request's language, as an extractor.
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(request_lang(&parts.headers, parts.uri.query())))
    }
}

/// A JSON body whose rejections are [`ApiError`]s (`malformed_json`, 422, or 415 without a
/// JSON content type).
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(r: &JsonRejection) -> ApiError {
    let status = match r {
        JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        JsonRejection::BytesRejection(_) => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(status, "payload_too_large", "error-payload-too-large");
    }
    ApiError::new(status, "malformed_json", "error-malformed-json").arg("detail", r.body_text())
}

/// The staff user behind the request's bearer token.
pub struct Staff(pub StaffUser);

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing_token",
                "error-missing-token",
            ));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .unwrap_or("");
        if token.is_empty() {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing_token",
                "error-missing-token",
            ));
        }
        if let Some(u) = state.tokens.lock().ok().and_then(|c| c.get(token)) {
            return Ok(Staff(u));
        }
        match state
            .db
            .user_for_token(token, jiff::Timestamp::now())
            .await?
        {
            Some(u) => {
                if let Ok(mut c) = state.tokens.lock() {
                    c.put(token, u.clone());
                }
                Ok(Staff(u))
            }
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "error-invalid-token",
            )),
        }
    }
}

/// The client's address, for the audit trail (the socket peer; a reverse proxy's
/// `X-Forwarded-For` is trusted only when the peer is loopback).
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|s| s.trim().to_string());
        Ok(ClientIp(match (peer, forwarded) {
            (Some(ip), Some(f)) if ip.is_loopback() && !f.is_empty() => Some(f),
            (Some(ip), _) => Some(ip.to_string()),
            (None, _) => None,
        }))
    }
}

/// Query parameters whose rejections are [`ApiError`]s (`invalid_query`, 422).
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(ApiError::invalid("invalid_query", "error-invalid-field")
                .arg("field", "query")
                .arg("detail", r.body_text())),
        }
    }
}

/// Path parameters whose rejections are [`ApiError`]s (`invalid_path`, 422).
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(r) => Err(ApiError::invalid("invalid_path", "error-invalid-field")
                .arg("field", "path")
                .arg("detail", r.body_text())),
        }
    }
}
