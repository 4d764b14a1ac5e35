//! Jenguk's link to WhatsApp: a client for the WhatsApp Cloud API (sending texts, templates,
//! reply buttons and lists) and the webhook side (handshake, signature check, parsing of
//! incoming messages and delivery statuses).
//!
//! No database and no chat flow here: the outbox worker calls [`Client::send`] and sorts
//! failures with [`SendError::is_transient`]; the web layer answers the webhook with
//! [`handshake`], [`verify_signature`] and [`parse`].
//!
//! Secrets ([`Secret`]) never appear in `Debug` output, and the access token is never logged.

#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod inbound;
pub mod message;
pub mod render;
pub mod webhook;
pub mod worker;

pub use client::{Client, ClientError, SendError, SentMessage, TRANSIENT_GRAPH_CODES};
pub use config::{ConfigError, DEFAULT_API_BASE, DEFAULT_API_VERSION, Secret, WhatsAppConfig};
pub use message::{
    Button, MessageBody, MessageError, OutgoingMessage, Row, clean_template_param, truncate_chars,
};
pub use webhook::{
    DeliveryStatus, Inbound, InboundContent, ParseError, StatusUpdate, WebhookBatch, handshake,
    parse, verify_signature,
};

pub mod chat;
