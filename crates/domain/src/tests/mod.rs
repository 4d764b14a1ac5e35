//! Tests of the domain rules. The workspace denies `unwrap`, `expect` and `panic`; tests may
//! use them (allowed where this module is declared, in `lib.rs`).

mod booking;
mod booking_model;
mod code;
mod extension;
mod facility;
mod nik;
mod people;
mod phone;
mod schedule;
mod schedule_change;
mod visit;

use jiff::civil::{Date, date};

/// The "today" every test uses: Sunday 29 November 2026.
pub(crate) const TODAY: Date = date(2026, 11, 29);
