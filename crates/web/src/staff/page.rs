//! What every console page shares: the chrome (menu filtered by role, the facility being
//! worked on, language switch, log-out), and error pages.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jenguk_storage::StorageError;

use crate::error::ApiError;
use crate::family::page::{Tr, render};
use crate::i18n::Lang;
use crate::staff::perm::NAV;
use crate::staff::session::Staff;

/// One menu entry as shown.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Label.
    pub label: String,
    /// Target.
    pub href: &'static str,
    /// Whether the current page is in this section.
    pub current: bool,
}

/// The chrome every console template extends (`staff/base.html`).
#[derive(Debug, Clone)]
pub struct StaffChrome {
    /// Translations.
    pub tr: Tr,
    /// The page title (also its `<h1>`).
    pub title: String,
    /// The signed-in user's name (empty on the login pages).
    pub username: String,
    /// The user's role, translated.
    pub role: String,
    /// The facility being worked on (name), if any.
    pub facility: String,
    /// Menu entries this role may open.
    pub nav: Vec<NavLink>,
    /// CSRF token for the log-out form.
    pub csrf: String,
    /// The page's path (language links).
    pub path: String,
}

impl StaffChrome {
    /// Chrome for a signed-in staff member.
    pub fn new(staff: &Staff, title_key: &str) -> StaffChrome {
        let lang = staff.lang;
        let path = staff.path.split('?').next().unwrap_or("/staff").to_string();
        let nav = NAV
            .iter()
            .filter(|n| n.can.allows(staff.user.role))
            .map(|n| NavLink {
                label: lang.t(n.key),
                href: n.href,
                current: path == n.href || path.starts_with(&format!("{}/", n.href)),
            })
            .collect();
        StaffChrome {
            tr: Tr(lang),
            title: lang.t(title_key),
            username: staff.user.username.clone(),
            role: lang.t(&format!(
                "staff-role-{}",
                staff.user.role.as_str().replace('_', "-")
            )),
            facility: staff
                .facility
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_default(),
            nav,
            csrf: staff.csrf.clone(),
            path,
        }
    }

    /// Chrome for a page outside a session (login).
    pub fn public(lang: Lang, title_key: &str, path: &str) -> StaffChrome {
        StaffChrome {
            tr: Tr(lang),
            title: lang.t(title_key),
            username: String::new(),
            role: String::new(),
            facility: String::new(),
            nav: Vec::new(),
            csrf: String::new(),
            path: path.to_string(),
        }
    }

    /// Replaces the title with an already translated text.
    pub fn titled(mut self, title: String) -> StaffChrome {
        self.title = title;
        self
    }
}

#[derive(Template)]
#[template(path = "staff/error.html")]
struct ErrorPage {
    chrome: StaffChrome,
    message: String,
    back: String,
}

/// An error shown as a console page: a translated message and a way back.
#[derive(Debug)]
pub struct StaffError {
    /// The status.
    pub status: StatusCode,
    lang: Lang,
    /// The translated message.
    pub message: String,
    back: String,
}

impl StaffError {
    /// A page with a status and a translated message.
    pub fn new(status: StatusCode, lang: Lang, message: String) -> StaffError {
        StaffError {
            status,
            lang,
            message,
            back: "/staff".into(),
        }
    }

    /// Where the "back" link goes.
    pub fn back(mut self, href: &str) -> StaffError {
        self.back = href.to_string();
        self
    }

    /// The role or facility may not do this (already written to the audit trail).
    pub fn forbidden(lang: Lang) -> StaffError {
        StaffError::new(StatusCode::FORBIDDEN, lang, lang.t("staff-error-forbidden"))
    }

    /// Not found.
    pub fn not_found(lang: Lang) -> StaffError {
        StaffError::new(StatusCode::NOT_FOUND, lang, lang.t("staff-error-not-found"))
    }

    /// A form without this session's token, or from another site.
    pub fn csrf(lang: Lang) -> StaffError {
        StaffError::new(StatusCode::FORBIDDEN, lang, lang.t("staff-error-csrf"))
    }

    /// A national administrator must pick a facility first.
    pub fn pick_facility(lang: Lang) -> StaffError {
        StaffError::new(
            StatusCode::CONFLICT,
            lang,
            lang.t("staff-error-pick-facility"),
        )
    }

    /// Bad input: a translated message.
    pub fn invalid(lang: Lang, message: String) -> StaffError {
        StaffError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, message)
    }

    /// A storage failure, translated like the API's errors.
    pub fn from_storage(e: StorageError, lang: Lang) -> StaffError {
        let api = ApiError::from(e);
        StaffError::new(api.status(), lang, api.message(lang))
    }

    /// An API-style error, translated.
    pub fn from_api(e: &ApiError, lang: Lang) -> StaffError {
        StaffError::new(e.status(), lang, e.message(lang))
    }
}

impl IntoResponse for StaffError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            chrome: StaffChrome::public(self.lang, "staff-error-title", &self.back),
            message: self.message,
            back: self.back,
        };
        let mut res = render(&page);
        *res.status_mut() = self.status;
        res
    }
}
