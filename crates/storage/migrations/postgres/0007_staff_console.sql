-- Staff sessions for the console (cookie token; only its hash is stored), two-factor and
-- lockout state of staff accounts, and the facility setting that makes TOTP mandatory for
-- its operators.
CREATE TABLE staff_sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    csrf         TEXT NOT NULL,
    stage        TEXT NOT NULL,
    source       TEXT,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;

ALTER TABLE facilities ADD COLUMN operators_need_totp BOOLEAN NOT NULL DEFAULT FALSE;
