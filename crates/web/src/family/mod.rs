//! The family web portal: server-rendered pages for a cheap phone on a weak connection.
//! Every page works without JavaScript (forms post and redirect), weighs little (system
//! fonts, inline CSS, compressed), and speaks Bahasa Indonesia first.
//!
//! Architecture invariant: every family page that shows or changes a family's data requires
//! a session (`Family`), every form that changes something carries the session's CSRF token
//! and comes from our own origin, and a family only ever sees its own visits and links.

pub mod auth;
pub mod book;
pub mod data;
pub mod join;
pub mod link;
pub mod page;
pub mod register;
pub mod session;
pub mod start;
pub mod visits;

use axum::Router;

use crate::AppState;

/// The family pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(register::routes())
        .merge(link::routes())
        .merge(visits::routes())
        .merge(book::routes())
        .merge(join::routes())
        .merge(data::routes())
}
