//! What every family page shares: the translations object templates call, the page chrome
//! (header, language switch, footer), and error pages in HTML.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use jenguk_storage::StorageError;

use crate::error::ApiError;
use crate::i18n::Lang;

/// Translations for templates: `{{ chrome.tr.t("key") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    /// A message.
    pub fn t(&self, key: &str) -> String {
        self.0.t(key)
    }

    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        self.0.t_args(key, &[(name, value.to_string())])
    }

    /// The page language's tag.
    pub fn tag(&self) -> &'static str {
        self.0.tag()
    }
}

/// The page chrome every family template extends (`family/base.html`).
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Translations.
    pub tr: Tr,
    /// The page's title (also its `<h1>`).
    pub title: String,
    /// Whether a family is signed in (shows "my visits" and "log out").
    pub signed_in: bool,
    /// The session's CSRF token, for the log-out form (empty when signed out).
    pub csrf: String,
    /// The page's path, for the language links.
    pub path: String,
}

impl Chrome {
    /// Chrome for a page.
    pub fn new(lang: Lang, title_key: &str, path: &str) -> Chrome {
        Chrome {
            tr: Tr(lang),
            title: lang.t(title_key),
            signed_in: false,
            csrf: String::new(),
            path: path.to_string(),
        }
    }

    /// For a signed-in family.
    pub fn signed_in(mut self, csrf: &str) -> Chrome {
        self.signed_in = true;
        self.csrf = csrf.to_string();
        self
    }
}

/// Renders a template to a 200 page.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            let e = ApiError::internal(&e);
            (
                e.status(),
                Html(format!(
                    "<!doctype html><title>Jenguk</title><p>{}</p>",
                    e.message(Lang::Id)
                )),
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "family/error.html")]
struct ErrorPage {
    chrome: Chrome,
    message: String,
    back: String,
}

/// An error shown as a page: a translated message and a way back, never a stack trace.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    lang: Lang,
    message: String,
    back: String,
}

impl PageError {
    /// A page with a status and a translated message.
    pub fn new(status: StatusCode, lang: Lang, message: String) -> PageError {
        PageError {
            status,
            lang,
            message,
            back: "/".into(),
        }
    }

    /// Where the "back" link goes.
    pub fn back(mut self, href: &str) -> PageError {
        self.back = href.to_string();
        self
    }

    /// Not found (or not this family's).
    pub fn not_found(lang: Lang) -> PageError {
        PageError::new(
            StatusCode::NOT_FOUND,
            lang,
            lang.t("family-error-not-found"),
        )
    }

    /// A form without this session's token, or from another site.
    pub fn csrf(lang: Lang) -> PageError {
        PageError::new(StatusCode::FORBIDDEN, lang, lang.t("family-error-csrf"))
    }

    /// A storage failure, translated like the API's errors.
    pub fn from_storage(e: StorageError, lang: Lang) -> PageError {
        let api = ApiError::from(e);
        PageError::new(api.status(), lang, api.message(lang))
    }

    /// An API-style error, translated.
    pub fn from_api(e: &ApiError, lang: Lang) -> PageError {
        PageError::new(e.status(), lang, e.message(lang))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            chrome: Chrome::new(self.lang, "family-error-title", &self.back),
            message: self.message,
            back: self.back,
        };
        let mut res = render(&page);
        *res.status_mut() = self.status;
        res
    }
}
