//! The delivery worker, one in every `jenguk serve` instance: claims due outbox rows with a
//! lease, sends them, retries transient failures with capped exponential backoff and
//! jitter, gives up on permanent ones (recording why), and runs the scheduled scans
//! (reminders due, no-shows, incoming messages left unhandled by a stopped process).
//!
//! Architecture invariant: a message is marked only by the worker holding its lease, and a
//! row left `sending` by a worker that died is retried only after a grace period in which a
//! status webhook carrying its key (sent as `biz_opaque_callback_data`) settles it — so a
//! crash between "sent" and "marked sent" does not send it twice when WhatsApp reports it.

use std::sync::Arc;
use std::time::Duration;

use std::collections::HashMap;

use jenguk_domain::{FacilityId, PhoneNumber};
use jenguk_storage::{Db, OutboxMessage};
use jiff::{SignedDuration, Timestamp};

use crate::chat::ChatFlow;
use crate::client::{Client, SendError};
use crate::config::{Secret, WhatsAppConfig};
use crate::message::OutgoingMessage;
use crate::render;

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Pause between polls when nothing was due.
    pub poll: Duration,
    /// How long a claim lasts.
    pub lease_secs: i64,
    /// How long after an expired lease a row may be claimed again.
    pub grace_secs: i64,
    /// Rows per claim.
    pub batch: i64,
    /// Attempts before giving up on transient failures.
    pub max_attempts: u32,
    /// First retry delay; doubled per attempt.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_cap: Duration,
    /// Pause between the scheduled scans (which also reload the facilities' own numbers).
    pub scan_every: Duration,
    /// How long one send may take.
    pub client_timeout: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            poll: Duration::from_millis(500),
            lease_secs: 60,
            grace_secs: 120,
            batch: 20,
            max_attempts: 15,
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(600),
            scan_every: Duration::from_secs(30),
            client_timeout: Duration::from_secs(15),
        }
    }
}

/// The delivery worker.
pub struct Worker {
    db: Db,
    client: Option<Arc<Client>>,
    /// Facilities with their own WhatsApp number, reloaded by every scan.
    facilities: std::sync::RwLock<HashMap<FacilityId, Arc<Client>>>,
    chat: Arc<ChatFlow>,
    owner: String,
    join_base: String,
    cfg: WorkerConfig,
}

fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    u32::from_le_bytes(b)
}

/// The delay before attempt `attempts + 1`: base·2^(attempts−1), capped, ±25 % jitter, and
/// never shorter than the server's `Retry-After`.
pub fn backoff(cfg: &WorkerConfig, attempts: u32, retry_after: Option<Duration>) -> Duration {
    let exp = attempts.saturating_sub(1).min(20);
    let raw = cfg
        .backoff_base
        .saturating_mul(1u32 << exp)
        .min(cfg.backoff_cap);
    let jitter = 0.75 + f64::from(random_u32() % 1000) / 2000.0;
    let d = raw.mul_f64(jitter);
    retry_after.map_or(d, |r| d.max(r))
}

impl Worker {
    /// A worker. Without a client the channel is off: messages wait in the outbox (the scans
    /// still run).
    pub fn new(
        db: Db,
        client: Option<Arc<Client>>,
        chat: Arc<ChatFlow>,
        join_base: String,
        cfg: WorkerConfig,
    ) -> Worker {
        let owner = format!("{}-{:08x}", std::process::id(), random_u32());
        Worker {
            db,
            client,
            facilities: std::sync::RwLock::new(HashMap::new()),
            chat,
            owner,
            join_base,
            cfg,
        }
    }

    /// Runs until `shutdown` turns true, finishing the message in hand.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        let mut last_scan = tokio::time::Instant::now()
            .checked_sub(self.cfg.scan_every)
            .unwrap_or_else(tokio::time::Instant::now);
        loop {
            if *shutdown.borrow() {
                break;
            }
            if last_scan.elapsed() >= self.cfg.scan_every {
                last_scan = tokio::time::Instant::now();
                if let Err(e) = self.scan_once(Timestamp::now()).await {
                    tracing::warn!(error = %e, "scheduled scan failed");
                }
            }
            let worked = match self.deliver_once(Timestamp::now()).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox claim failed");
                    0
                }
            };
            if worked == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(self.cfg.poll) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Reloads the facilities' own numbers. A channel whose configuration is invalid is
    /// skipped (and logged): its facility's messages go out on the global channel.
    pub async fn reload_channels(&self) -> Result<(), jenguk_storage::StorageError> {
        let mut map = HashMap::new();
        for c in self.db.facility_channels().await? {
            let built = WhatsAppConfig::new(
                &c.phone_number_id,
                Secret::new(c.access_token.clone()),
                Secret::new(c.app_secret.clone()),
                Secret::new(c.verify_token.clone()),
            )
            .and_then(|cfg| cfg.with_api_base(&c.api_base))
            .and_then(|cfg| cfg.with_api_version(&c.api_version))
            .map_err(|e| e.to_string())
            .and_then(|cfg| Client::new(&cfg, self.cfg.client_timeout).map_err(|e| e.to_string()));
            match built {
                Ok(client) => {
                    map.insert(c.facility_id, Arc::new(client));
                }
                Err(e) => {
                    tracing::error!(facility = c.facility_id.0, error = %e, "facility WhatsApp channel unusable");
                }
            }
        }
        if let Ok(mut f) = self.facilities.write() {
            *f = map;
        }
        Ok(())
    }

    fn facility_client(&self, id: Option<FacilityId>) -> Option<Arc<Client>> {
        let id = id?;
        self.facilities.read().ok()?.get(&id).cloned()
    }

    /// The scheduled scans: reminders due, no-shows, incoming messages not yet handled.
    pub async fn scan_once(&self, now: Timestamp) -> Result<(), jenguk_storage::StorageError> {
        self.reload_channels().await?;
        let r = self.db.enqueue_due_reminders(now).await?;
        let n = self.db.mark_no_shows(now).await?;
        let x = self.db.expire_requests(now, 24 * 3600).await?;
        if r + n + x > 0 {
            tracing::info!(reminders = r, no_shows = n, expired = x, "scheduled scan");
        }
        let stale = now
            .checked_sub(SignedDuration::from_secs(60))
            .unwrap_or(now);
        for (id, sender, content) in self.db.unprocessed_inbound(stale, 50).await? {
            crate::inbound::process(&self.db, &self.chat, &id, &sender, &content, now).await;
        }
        Ok(())
    }

    /// Claims and sends one batch. Returns how many rows it handled.
    pub async fn deliver_once(
        &self,
        now: Timestamp,
    ) -> Result<usize, jenguk_storage::StorageError> {
        // With the global channel every message can go; without it, only those of the
        // facilities that have their own number (the rest wait in the outbox).
        let own: Vec<FacilityId> = match self.facilities.read() {
            Ok(f) => f.keys().copied().collect(),
            Err(_) => Vec::new(),
        };
        let only = if self.client.is_some() {
            None
        } else {
            Some(own.as_slice())
        };
        let batch = self
            .db
            .claim_messages_of(
                &self.owner,
                now,
                self.cfg.lease_secs,
                self.cfg.grace_secs,
                self.cfg.batch,
                only,
            )
            .await?;
        let n = batch.len();
        for m in batch {
            let client = self
                .facility_client(m.facility_id)
                .or_else(|| self.client.clone());
            match client {
                Some(c) => self.deliver(&c, &m).await?,
                None => {
                    // The facility's number was removed meanwhile: wait for a channel.
                    let later = now.checked_add(SignedDuration::from_mins(5)).unwrap_or(now);
                    self.db
                        .message_retry(m.id, &self.owner, later, "no WhatsApp channel", now)
                        .await?;
                }
            }
        }
        Ok(n)
    }

    async fn deliver(
        &self,
        client: &Client,
        m: &OutboxMessage,
    ) -> Result<(), jenguk_storage::StorageError> {
        let now = Timestamp::now();
        let Ok(to) = PhoneNumber::parse(&m.recipient) else {
            self.db
                .message_failed(m.id, &self.owner, "invalid recipient", now)
                .await?;
            return Ok(());
        };
        let in_window = match self.db.last_inbound_at(&to).await? {
            Some(at) => now.duration_since(at) < SignedDuration::from_hours(24),
            None => false,
        };
        let body = match render::body(m, &self.join_base, in_window) {
            Ok(b) => b,
            Err(e) => {
                self.db
                    .message_failed(m.id, &self.owner, &e.to_string(), now)
                    .await?;
                return Ok(());
            }
        };
        if m.attempts > 1 {
            tracing::info!(key = %m.key, attempts = m.attempts, "retrying a message");
        }
        let msg = OutgoingMessage::new(to, body).with_callback_data(m.key.clone());
        match client.send(&msg).await {
            Ok(sent) => {
                metrics::counter!("jenguk_messages_sent_total", "kind" => m.kind.as_str())
                    .increment(1);
                self.db
                    .message_sent(m.id, &self.owner, &sent.wa_message_id, Timestamp::now())
                    .await?;
            }
            Err(e @ SendError::Transient { .. }) if m.attempts < self.cfg.max_attempts => {
                let delay = backoff(&self.cfg, m.attempts, e.retry_after());
                let next = Timestamp::now()
                    .checked_add(
                        SignedDuration::try_from(delay).unwrap_or(SignedDuration::from_secs(600)),
                    )
                    .unwrap_or(now);
                tracing::warn!(key = %m.key, attempts = m.attempts, error = %e, ?delay, "delivery failed, will retry");
                metrics::counter!("jenguk_messages_retried_total").increment(1);
                self.db
                    .message_retry(m.id, &self.owner, next, &e.to_string(), Timestamp::now())
                    .await?;
            }
            Err(e) => {
                tracing::error!(key = %m.key, attempts = m.attempts, error = %e, "delivery failed for good");
                metrics::counter!("jenguk_messages_failed_total").increment(1);
                let why = if e.is_transient() {
                    format!("gave up after {} attempts: {e}", m.attempts)
                } else {
                    e.to_string()
                };
                self.db
                    .message_failed(m.id, &self.owner, &why, Timestamp::now())
                    .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let cfg = WorkerConfig::default();
        let d1 = backoff(&cfg, 1, None);
        assert!(
            d1 >= Duration::from_millis(1500) && d1 <= Duration::from_millis(2500),
            "{d1:?}"
        );
        let d4 = backoff(&cfg, 4, None);
        assert!(
            d4 >= Duration::from_secs(12) && d4 <= Duration::from_secs(20),
            "{d4:?}"
        );
        let d30 = backoff(&cfg, 30, None);
        assert!(d30 <= Duration::from_secs(750), "{d30:?}");
        let r = backoff(&cfg, 1, Some(Duration::from_secs(7)));
        assert!(r >= Duration::from_secs(7));
    }
}
