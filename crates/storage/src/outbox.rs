//! The outbox: every message to a family, written in the same transaction as the change that
//! causes it, then delivered by a worker that claims rows with a lease.
//!
//! Architecture invariant: a message exists once per idempotency key (a unique index), so a
//! retried request, a second instance or a repeated scan cannot enqueue it twice; and a row is
//! only marked by the worker that holds its lease.

use jenguk_domain::{FacilityId, PhoneNumber};
use jiff::Timestamp;

use crate::row::RowExt;
use crate::{BackendKind, Db, Result, StorageError, Tx, on_pool, on_tx, secs};

/// What a message says; the text is rendered from the Fluent files at delivery time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A visit was booked: code, time, join link.
    VisitBooked,
    /// A visit changed status (a receipt: what, when, by whom).
    VisitStatus,
    /// A visitor–inmate link was approved.
    LinkApproved,
    /// A visitor–inmate link was rejected, with the reason.
    LinkRejected,
    /// A visit is coming up.
    Reminder,
    /// A one-time login code.
    LoginCode,
    /// A reply in the WhatsApp chat (within the 24-hour window).
    ChatReply,
}

impl MessageKind {
    /// Every kind.
    pub const ALL: [MessageKind; 7] = [
        MessageKind::VisitBooked,
        MessageKind::VisitStatus,
        MessageKind::LinkApproved,
        MessageKind::LinkRejected,
        MessageKind::Reminder,
        MessageKind::LoginCode,
        MessageKind::ChatReply,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::VisitBooked => "visit_booked",
            MessageKind::VisitStatus => "visit_status",
            MessageKind::LinkApproved => "link_approved",
            MessageKind::LinkRejected => "link_rejected",
            MessageKind::Reminder => "reminder",
            MessageKind::LoginCode => "login_code",
            MessageKind::ChatReply => "chat_reply",
        }
    }

    /// Inverse of [`MessageKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A message to enqueue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Unique per message: enqueuing the same key again does nothing.
    pub key: String,
    /// The facility it concerns (for per-facility WhatsApp numbers).
    pub facility_id: Option<FacilityId>,
    /// Who receives it.
    pub recipient: PhoneNumber,
    /// What it says.
    pub kind: MessageKind,
    /// `id` or `en`.
    pub lang: String,
    /// The values the text is rendered from.
    pub params: serde_json::Value,
}

/// A message as stored.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    /// Row id.
    pub id: i64,
    /// Idempotency key (also sent as the callback data that WhatsApp echoes in statuses).
    pub key: String,
    /// The facility.
    pub facility_id: Option<FacilityId>,
    /// E.164 recipient.
    pub recipient: String,
    /// What it says.
    pub kind: MessageKind,
    /// Language.
    pub lang: String,
    /// Render values.
    pub params: serde_json::Value,
    /// `pending`, `sending`, `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    /// Delivery attempts so far (this one included, for a claimed message).
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// WhatsApp's id once sent.
    pub wa_message_id: Option<String>,
    /// When enqueued.
    pub created_at: Timestamp,
}

/// A delivery status reported by WhatsApp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Accepted by WhatsApp.
    Sent,
    /// On the phone.
    Delivered,
    /// Read.
    Read,
    /// Not deliverable, with why.
    Failed(String),
}

impl DeliveryStatus {
    fn rank(&self) -> i64 {
        match self {
            DeliveryStatus::Sent => 2,
            DeliveryStatus::Delivered => 3,
            DeliveryStatus::Read => 4,
            DeliveryStatus::Failed(_) => 5,
        }
    }

    fn as_str(&self) -> &'static str {
        match self {
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Failed(_) => "failed",
        }
    }
}

macro_rules! select_outbox {
    ($tail:literal) => {
        concat!(
            "SELECT id, idempotency_key, facility_id, recipient, kind, lang, params, status, attempts, ",
            "last_error, wa_message_id, created_at FROM outbox ",
            $tail
        )
    };
}

/// The claim: one UPDATE over the due rows (locked and skipped by other instances on
/// PostgreSQL), returning them.
macro_rules! select_outbox_claim {
    ($lock:literal) => {
        concat!(
            "UPDATE outbox SET status = 'sending', lease_owner = $1, lease_until = $2, ",
            "attempts = attempts + 1, updated_at = $3 WHERE id IN (SELECT id FROM outbox WHERE ",
            "((status = 'pending' AND next_attempt_at <= $3) OR (status = 'sending' AND lease_until <= $4)) ",
            "ORDER BY next_attempt_at, id LIMIT $5 ",
            $lock,
            ") RETURNING id, idempotency_key, facility_id, recipient, kind, lang, params, status, ",
            "attempts, last_error, wa_message_id, created_at"
        )
    };
}

fn message(r: &impl RowExt) -> Result<OutboxMessage> {
    let kind = r.string("kind")?;
    Ok(OutboxMessage {
        id: r.i64("id")?,
        key: r.string("idempotency_key")?,
        facility_id: r.opt_i64("facility_id")?.map(FacilityId),
        recipient: r.string("recipient")?,
        kind: MessageKind::parse(&kind).ok_or(StorageError::Corrupt(kind))?,
        lang: r.string("lang")?,
        params: serde_json::from_str(&r.string("params")?)
            .map_err(|e| StorageError::Corrupt(format!("outbox params: {e}")))?,
        status: r.string("status")?,
        attempts: u32::try_from(r.i64("attempts")?).unwrap_or(u32::MAX),
        last_error: r.opt_string("last_error")?,
        wa_message_id: r.opt_string("wa_message_id")?,
        created_at: r.timestamp("created_at")?,
    })
}

/// Enqueues a message inside the caller's transaction. Returns false if its key exists.
pub(crate) async fn enqueue(tx: &mut Tx, now: Timestamp, m: &NewMessage) -> Result<bool> {
    let params = m.params.to_string();
    // Due at once: a caller's clock ahead of the wall clock (a scan run for a later
    // instant) must not hold a message back.
    let due = now.min(Timestamp::now());
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO outbox (idempotency_key, facility_id, recipient, kind, lang, params, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $8, $7, $7) ON CONFLICT (idempotency_key) DO NOTHING"
    )
    .bind(&m.key)
    .bind(m.facility_id.map(|f| f.0))
    .bind(m.recipient.as_e164())
    .bind(m.kind.as_str())
    .bind(&m.lang)
    .bind(&params)
    .bind(secs(now))
    .bind(secs(due))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

impl Db {
    /// Enqueues a message on its own (a chat reply). Returns false if its key exists.
    pub async fn enqueue_message(&self, m: &NewMessage, now: Timestamp) -> Result<bool> {
        let mut tx = self.begin().await?;
        let new = enqueue(&mut tx, now, m).await?;
        tx.commit().await?;
        Ok(new)
    }

    /// Claims up to `limit` messages due for delivery, leasing them to `owner` until
    /// `now + lease`. A message left `sending` by a worker that died is claimed again only
    /// `grace` seconds after its lease ran out, so that a status webhook for a message that
    /// did reach WhatsApp has time to arrive and settle it first.
    pub async fn claim_messages(
        &self,
        owner: &str,
        now: Timestamp,
        lease_secs: i64,
        grace_secs: i64,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>> {
        self.claim_messages_of(owner, now, lease_secs, grace_secs, limit, None)
            .await
    }

    /// Like [`Db::claim_messages`], only for the messages of some facilities when `only`
    /// is given (a worker without the global channel serves the facilities that have their
    /// own number).
    pub async fn claim_messages_of(
        &self,
        owner: &str,
        now: Timestamp,
        lease_secs: i64,
        grace_secs: i64,
        limit: i64,
        only: Option<&[FacilityId]>,
    ) -> Result<Vec<OutboxMessage>> {
        let base = match self.kind() {
            BackendKind::Sqlite => select_outbox_claim!(""),
            BackendKind::Postgres => select_outbox_claim!("FOR UPDATE SKIP LOCKED"),
        };
        let sql: String = match only {
            None => base.to_string(),
            Some([]) => return Ok(Vec::new()),
            // Ids are integers, so the list is safe to write into the statement.
            Some(ids) => {
                let list = ids
                    .iter()
                    .map(|f| f.0.to_string())
                    .collect::<Vec<_>>()
                    .join(",");
                base.replacen(
                    "ORDER BY next_attempt_at",
                    &format!("AND facility_id IN ({list}) ORDER BY next_attempt_at"),
                    1,
                )
            }
        };
        let mut tx = self.begin().await?;
        let rows = on_tx!(tx, |c| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(owner)
                .bind(secs(now) + lease_secs)
                .bind(secs(now))
                .bind(secs(now) - grace_secs)
                .bind(limit)
                .fetch_all(&mut *c)
                .await?;
            rows.iter().map(message).collect::<Result<Vec<_>>>()
        })?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Marks a claimed message sent (only by the lease holder, only while `sending`).
    pub async fn message_sent(
        &self,
        id: i64,
        owner: &str,
        wa_message_id: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let n = on_pool!(self, |p| {
            sqlx::query(
            "UPDATE outbox SET status = 'sent', wa_message_id = $1, sent_at = $2, updated_at = $2, lease_until = NULL, last_error = NULL
             WHERE id = $3 AND lease_owner = $4 AND status = 'sending'"
        )
        .bind(wa_message_id)
        .bind(secs(now))
        .bind(id)
        .bind(owner)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Puts a claimed message back for another attempt at `next_at`.
    pub async fn message_retry(
        &self,
        id: i64,
        owner: &str,
        next_at: Timestamp,
        error: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let n = on_pool!(self, |p| {
            sqlx::query(
            "UPDATE outbox SET status = 'pending', next_attempt_at = $1, last_error = $2, lease_until = NULL, lease_owner = NULL, updated_at = $3
             WHERE id = $4 AND lease_owner = $5 AND status = 'sending'"
        )
        .bind(secs(next_at))
        .bind(truncate(error))
        .bind(secs(now))
        .bind(id)
        .bind(owner)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Gives up on a claimed message, recording why.
    pub async fn message_failed(
        &self,
        id: i64,
        owner: &str,
        error: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let n = on_pool!(self, |p| {
            sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = $1, lease_until = NULL, updated_at = $2
             WHERE id = $3 AND lease_owner = $4 AND status = 'sending'"
        )
        .bind(truncate(error))
        .bind(secs(now))
        .bind(id)
        .bind(owner)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Applies a delivery status from a webhook, found by WhatsApp's message id or, for a
    /// message whose sending was never confirmed (the worker died), by its key echoed as
    /// callback data. Statuses only move forward (they may arrive out of order). Returns
    /// whether a row changed.
    pub async fn message_status(
        &self,
        wa_message_id: &str,
        key: Option<&str>,
        status: &DeliveryStatus,
        now: Timestamp,
    ) -> Result<bool> {
        let error = match status {
            DeliveryStatus::Failed(e) => Some(truncate(e)),
            _ => None,
        };
        let n = on_pool!(self, |p| {
            sqlx::query(
            "UPDATE outbox SET status = $1, wa_message_id = $2, last_error = COALESCE($3, last_error),
                 sent_at = COALESCE(sent_at, $4), lease_until = NULL, updated_at = $4
             WHERE (wa_message_id = $2 OR ($5 IS NOT NULL AND idempotency_key = $5))
               AND (CASE status WHEN 'pending' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2
                    WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 5 END) < $6"
        )
        .bind(status.as_str())
        .bind(wa_message_id)
        .bind(error.as_deref())
        .bind(secs(now))
        .bind(key)
        .bind(status.rank())
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Messages, newest first, optionally only those in one status (the staff's view of what
    /// is waiting while the channel is off).
    pub async fn outbox_messages(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>> {
        on_pool!(self, |p| {
            let rows = sqlx::query(select_outbox!(
                "WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2"
            ))
            .bind(status)
            .bind(limit.clamp(1, 1000))
            .fetch_all(p)
            .await?;
            rows.iter().map(message).collect()
        })
    }

    /// One message by key.
    pub async fn outbox_message(&self, key: &str) -> Result<Option<OutboxMessage>> {
        on_pool!(self, |p| {
            let row = sqlx::query(select_outbox!("WHERE idempotency_key = $1"))
                .bind(key)
                .fetch_optional(p)
                .await?;
            row.map(|r| message(&r)).transpose()
        })
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(500).collect()
}
