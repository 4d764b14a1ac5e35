//! Integration tests of the storage crate, on SQLite by default and on PostgreSQL when
//! `JENGUK_TEST_POSTGRES` names a server (`postgres://postgres@127.0.0.1:PORT/postgres`): each
//! test then gets a fresh database of its own on that server.
//!
//! The concurrency tests run many bookings at once on a multi-threaded runtime and check the
//! invariants the booking transaction promises: no slot over capacity, no inmate or visitor in
//! two visits at once, weekly quotas kept.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit;
mod auth;
mod common;
mod concurrency;
mod inmates;
mod migrations;
mod outbox;
mod refusals;
mod schedule_change;
mod visitors;
mod visits;
