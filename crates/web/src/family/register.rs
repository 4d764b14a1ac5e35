//! Registration after the first login: name, NIK (checked as typed, each mistake with its own
//! message), and consent to the use of personal data in plain language, recorded with its
//! time and the version of the text.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jenguk_storage::{NewVisitor, StorageError};
use jiff::Timestamp;

use crate::AppState;
use crate::extract::ClientIp;
use crate::family::auth::{Field, PageForm, family_who, pretty_phone, with_status};
use crate::family::page::{Chrome, PageError, render};
use crate::family::session::{Family, same_origin};
use crate::i18n::Lang;

/// The version of the consent text (`register-consent-*` in `family-auth.ftl`). Change it
/// whenever the text's meaning changes: each visitor's record says which text they agreed to.
pub const CONSENT_VERSION: &str = "2026-11";

/// The registration routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/daftar", get(get_register).post(post_register))
}

#[derive(Template)]
#[template(path = "family/register.html")]
struct RegisterPage {
    chrome: Chrome,
    csrf: String,
    phone: String,
    name: Field,
    nik: Field,
    consent: bool,
    consent_error: Option<String>,
    errors: Vec<(String, String)>,
    version: &'static str,
}

impl RegisterPage {
    fn new(family: &Family) -> RegisterPage {
        RegisterPage {
            chrome: Chrome::new(family.lang, "register-title", "/daftar")
                .signed_in(&family.session.csrf),
            csrf: family.session.csrf.clone(),
            phone: pretty_phone(&family.session.phone),
            name: Field::default(),
            nik: Field::default(),
            consent: false,
            consent_error: None,
            errors: Vec::new(),
            version: CONSENT_VERSION,
        }
    }

    /// The summary at the top: each error, linking to its field.
    fn summarise(&mut self) {
        let mut errors = Vec::new();
        if let Some(e) = &self.name.error {
            errors.push(("name".to_string(), e.clone()));
        }
        if let Some(e) = &self.nik.error {
            errors.push(("nik".to_string(), e.clone()));
        }
        if let Some(e) = &self.consent_error {
            errors.push(("consent".to_string(), e.clone()));
        }
        self.errors = errors;
    }
}

/// `GET /daftar`: the registration form (a registered family goes to its visits).
pub async fn get_register(family: Family) -> Response {
    if family.visitor.is_some() {
        return Redirect::to("/kunjungan").into_response();
    }
    render(&RegisterPage::new(&family))
}

fn name_error(raw: &str, lang: Lang) -> Option<String> {
    if raw.trim().is_empty() {
        return Some(lang.t("register-name-required"));
    }
    crate::api::parse_name(raw).err().map(|e| e.message(lang))
}

/// `POST /daftar`: registers the visitor with the session's phone number, records consent,
/// then on to linking an inmate.
pub async fn post_register(
    State(state): State<AppState>,
    headers: HeaderMap,
    family: Family,
    ClientIp(ip): ClientIp,
    PageForm(f): PageForm,
) -> Result<Response, PageError> {
    let lang = family.lang;
    if !same_origin(&headers) {
        return Err(PageError::csrf(lang));
    }
    family.check_csrf(f.get("csrf"))?;
    if family.visitor.is_some() {
        return Ok(Redirect::to("/kunjungan").into_response());
    }
    let mut page = RegisterPage::new(&family);
    page.name = Field::with(f.trimmed("name"));
    page.nik = Field::with(f.trimmed("nik"));
    page.consent = !f.get("consent").is_empty();
    page.name.error = name_error(&page.name.value, lang);
    let nik = if page.nik.value.is_empty() {
        page.nik.error = Some(lang.t("register-nik-required"));
        None
    } else {
        match crate::api::parse_nik(&page.nik.value) {
            Ok(n) => Some(n),
            Err(e) => {
                page.nik.error = Some(e.message(lang));
                None
            }
        }
    };
    if !page.consent {
        page.consent_error = Some(lang.t("register-consent-required"));
    }
    let name = crate::api::parse_name(&page.name.value).ok();
    let (Some(name), Some(nik), true) = (name, nik, page.consent) else {
        page.summarise();
        return Ok(with_status(render(&page), StatusCode::UNPROCESSABLE_ENTITY));
    };
    let now = Timestamp::now();
    let new = NewVisitor {
        name,
        nik,
        phone: family.session.phone.clone(),
    };
    // The visitor and the consent it gave are written together.
    let visitor = match state
        .db
        .register_visitor(&new, Some(CONSENT_VERSION), &family_who(ip), now)
        .await
    {
        Ok(v) => v,
        Err(StorageError::Conflict("nik_taken")) => {
            page.nik.error = Some(lang.t("register-nik-taken"));
            page.summarise();
            return Ok(with_status(render(&page), StatusCode::CONFLICT));
        }
        // Registered meanwhile (another tab): nothing more to do here.
        Err(StorageError::Conflict("phone_taken")) => {
            return Ok(Redirect::to("/kunjungan").into_response());
        }
        Err(e) => return Err(PageError::from_storage(e, lang).back("/daftar")),
    };
    if let Err(e) = state.db.set_visitor_lang(visitor.id, lang.tag()).await {
        tracing::warn!(error = %e, "visitor language not saved");
    }
    Ok(Redirect::to("/tautan").into_response())
}
