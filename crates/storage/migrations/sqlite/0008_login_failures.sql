-- Failed console logins of usernames that do not exist, counted like those of real accounts
-- (users.failed_logins, locked_until), so that the answers never tell whether a username
-- exists. Rows untouched for a day are pruned.
CREATE TABLE login_failures (
    username      TEXT PRIMARY KEY,
    failed_logins BIGINT NOT NULL,
    locked_until  BIGINT,
    updated_at    BIGINT NOT NULL
);
-- The audit trail page filters by time, newest first.
CREATE INDEX audit_events_at ON audit_events (at);
