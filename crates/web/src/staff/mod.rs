//! The operator console under `/staff`: server-rendered pages for the facility's staff.
//!
//! Architecture invariant: every console page and action takes a [`session::Staff`] (a
//! complete session: password and, where due, the second factor), checks the capability
//! ([`perm::Can`]) and the record's facility on the server, and every refusal is written to
//! the audit trail as `staff.denied` and changes nothing. Every form carries the session's
//! CSRF token and must come from our own origin.

pub mod account;
pub mod approvals;
pub mod audit;
pub mod board;
pub mod book;
pub mod facilities;
pub mod home;
pub mod inmates;
pub mod kiosks;
pub mod limiter;
pub mod login;
pub mod monitor;
pub mod page;
pub mod perm;
pub mod schedule;
pub mod second_factor;
pub mod session;
pub mod totp;
pub mod users;
pub mod visitors;

use axum::Router;

use crate::AppState;

/// The console's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(home::routes())
        .merge(approvals::routes())
        .merge(visitors::routes())
        .merge(book::routes())
        .merge(board::routes())
        .merge(inmates::routes())
        .merge(schedule::routes())
        .merge(second_factor::routes())
        .merge(account::routes())
        .merge(users::routes())
        .merge(facilities::routes())
        .merge(audit::routes())
        .merge(monitor::routes())
        .merge(kiosks::routes())
}
