-- The family web portal: sessions (a token's hash, revocable), consent, ratings, one-time
-- booking keys (a double submit books once), and deleted accounts.
CREATE TABLE family_sessions (
    token_hash   TEXT PRIMARY KEY,
    phone        TEXT NOT NULL,
    csrf         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX family_sessions_phone ON family_sessions (phone);

ALTER TABLE visitors ADD COLUMN consent_at BIGINT;
ALTER TABLE visitors ADD COLUMN consent_version TEXT;
ALTER TABLE visitors ADD COLUMN deleted_at BIGINT;

CREATE TABLE visit_ratings (
    visit_id   BIGINT PRIMARY KEY REFERENCES visits(id),
    visitor_id BIGINT NOT NULL,
    scores     TEXT NOT NULL,
    comment    TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE booking_keys (
    key        TEXT PRIMARY KEY,
    visit_id   BIGINT NOT NULL REFERENCES visits(id),
    created_at BIGINT NOT NULL
);
