//! The staff API, spoken over HTTP to the real server, on SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod bench_media;
mod bookings;
mod call;
mod cli;
mod conversation;
mod fake_graph;
mod family_auth;
mod family_visits;
mod helpers;
mod https;
mod staff;
mod validation;
mod whatsapp;
