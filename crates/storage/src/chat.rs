//! The WhatsApp side: incoming messages (deduplicated on their id) and the chat flow's state
//! per phone number.

use jenguk_domain::PhoneNumber;
use jiff::Timestamp;

use crate::row::RowExt;
use crate::{Db, Result, on_pool, secs};

/// A chat session: the flow's state (JSON, owned by the chat flow) and the language.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatSession {
    /// `id` or `en`.
    pub lang: String,
    /// The flow's state.
    pub state: serde_json::Value,
}

impl Db {
    /// Records an incoming message. Returns false if its id was seen before (WhatsApp
    /// retries deliveries for days): the caller then does nothing.
    pub async fn record_inbound(
        &self,
        wa_message_id: &str,
        sender: &str,
        content: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let n = on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO inbound_messages (wa_message_id, sender, received_at, content) VALUES ($1, $2, $3, $4)
             ON CONFLICT (wa_message_id) DO NOTHING"
        )
        .bind(wa_message_id)
        .bind(sender)
        .bind(secs(now))
        .bind(content.chars().take(4096).collect::<String>())
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// When the number last wrote to us: within 24 hours any message may be sent to it;
    /// outside, only pre-approved templates.
    pub async fn last_inbound_at(&self, phone: &PhoneNumber) -> Result<Option<Timestamp>> {
        let at: Option<i64> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT MAX(received_at) FROM inbound_messages WHERE sender = $1"
        )
        .bind(phone.wa_digits())
        .fetch_one(p)
        .await)?;
        Ok(at.and_then(|s| Timestamp::from_second(s).ok()))
    }

    /// Incoming messages stored but not handled (the process stopped in between), oldest
    /// first: (id, sender digits, content JSON).
    pub async fn unprocessed_inbound(
        &self,
        older_than: Timestamp,
        limit: i64,
    ) -> Result<Vec<(String, String, String)>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(
                "SELECT wa_message_id, sender, content FROM inbound_messages WHERE processed_at IS NULL AND received_at <= $1
                 ORDER BY received_at LIMIT $2",
            )
            .bind(secs(older_than))
            .bind(limit)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.string("wa_message_id")?,
                        r.string("sender")?,
                        r.string("content")?,
                    ))
                })
                .collect()
        })
    }

    /// Marks an incoming message handled.
    pub async fn inbound_processed(&self, wa_message_id: &str, now: Timestamp) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE inbound_messages SET processed_at = $1 WHERE wa_message_id = $2"
        )
        .bind(secs(now))
        .bind(wa_message_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The live chat session of a number (none if there is none or it timed out).
    pub async fn chat_session(
        &self,
        phone: &PhoneNumber,
        now: Timestamp,
    ) -> Result<Option<ChatSession>> {
        on_pool!(self, |p| {
            let row = sqlx::query(
                "SELECT lang, state FROM chat_sessions WHERE phone = $1 AND expires_at > $2",
            )
            .bind(phone.as_e164())
            .bind(secs(now))
            .fetch_optional(p)
            .await?;
            row.map(|r| {
                Ok(ChatSession {
                    lang: r.string("lang")?,
                    state: serde_json::from_str(&r.string("state")?)
                        .unwrap_or(serde_json::Value::Null),
                })
            })
            .transpose()
        })
    }

    /// Saves a number's chat session, alive for `ttl_secs`.
    pub async fn save_chat_session(
        &self,
        phone: &PhoneNumber,
        session: &ChatSession,
        ttl_secs: i64,
        now: Timestamp,
    ) -> Result<()> {
        let state = session.state.to_string();
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO chat_sessions (phone, lang, state, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (phone) DO UPDATE SET lang = $2, state = $3, updated_at = $4, expires_at = $5"
        )
        .bind(phone.as_e164())
        .bind(&session.lang)
        .bind(&state)
        .bind(secs(now))
        .bind(secs(now) + ttl_secs)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
