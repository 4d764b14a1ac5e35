-- Messages to families (WhatsApp), written in the same transaction as the change that causes
-- them; worked by the delivery worker with leases. The idempotency key makes every message
-- exist once, whatever retries or scans enqueue it again.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    facility_id     BIGINT,
    recipient       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    lang            TEXT NOT NULL,
    params          TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    lease_owner     TEXT,
    last_error      TEXT,
    wa_message_id   TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_wa ON outbox (wa_message_id);
CREATE INDEX outbox_recipient ON outbox (recipient, created_at);

-- Incoming WhatsApp messages, keyed on their id: a redelivery is recognised and ignored.
CREATE TABLE inbound_messages (
    wa_message_id TEXT PRIMARY KEY,
    sender        TEXT NOT NULL,
    received_at   BIGINT NOT NULL,
    content       TEXT NOT NULL,
    processed_at  BIGINT
);

-- The chat flow's state per phone number (JSON), with a timeout.
CREATE TABLE chat_sessions (
    phone      TEXT PRIMARY KEY,
    lang       TEXT NOT NULL,
    state      TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- One-time login codes: only a keyed hash is stored.
CREATE TABLE login_codes (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    ip         TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX login_codes_phone ON login_codes (phone, created_at);
CREATE INDEX login_codes_ip ON login_codes (ip, created_at);

-- The language a family reads.
ALTER TABLE visitors ADD COLUMN lang TEXT NOT NULL DEFAULT 'id';

-- Reminders before a visit, per facility (minutes before the start, comma-separated).
ALTER TABLE facilities ADD COLUMN reminder_minutes TEXT NOT NULL DEFAULT '1440,30';
