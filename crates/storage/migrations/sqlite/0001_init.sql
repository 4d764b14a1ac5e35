-- Jenguk schema, SQLite. Instants are BIGINT Unix seconds, local dates TEXT 'YYYY-MM-DD',
-- local times TEXT 'HH:MM:SS'; the PostgreSQL twin keeps the same names and encodings so
-- that one SQL text serves both backends.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE facilities (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    class         TEXT NOT NULL,
    province      TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    slot_minutes  BIGINT NOT NULL,
    min_days_ahead BIGINT NOT NULL,
    max_days_ahead BIGINT NOT NULL,
    cutoff_minutes BIGINT NOT NULL,
    max_visits_per_inmate_per_week BIGINT NOT NULL,
    max_visits_per_visitor_per_week BIGINT NOT NULL,
    max_people_per_visit BIGINT NOT NULL,
    record_family_visits BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE booths (
    id          INTEGER PRIMARY KEY,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    name        TEXT NOT NULL,
    active      BOOLEAN NOT NULL,
    UNIQUE (facility_id, name)
);

CREATE TABLE session_templates (
    id           INTEGER PRIMARY KEY,
    facility_id  BIGINT NOT NULL REFERENCES facilities(id),
    weekday      BIGINT NOT NULL,
    start_time   TEXT NOT NULL,
    end_time     TEXT NOT NULL,
    slot_minutes BIGINT NOT NULL,
    capacity     BIGINT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    kind         TEXT NOT NULL
);
CREATE INDEX session_templates_facility ON session_templates (facility_id);

CREATE TABLE excluded_dates (
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    date        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (facility_id, date)
);

CREATE TABLE extra_sessions (
    id           INTEGER PRIMARY KEY,
    facility_id  BIGINT NOT NULL REFERENCES facilities(id),
    date         TEXT NOT NULL,
    start_time   TEXT NOT NULL,
    end_time     TEXT NOT NULL,
    slot_minutes BIGINT NOT NULL,
    capacity     BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX extra_sessions_facility ON extra_sessions (facility_id, date);

CREATE TABLE inmates (
    id          INTEGER PRIMARY KEY,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    reg_number  TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_search TEXT NOT NULL,
    status      TEXT NOT NULL,
    block       TEXT,
    visits_suspended_until TEXT,
    suspension_reason TEXT,
    released    BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (facility_id, reg_number)
);
CREATE INDEX inmates_name ON inmates (facility_id, name_search);

CREATE TABLE inmate_reg_history (
    id          INTEGER PRIMARY KEY,
    inmate_id   BIGINT NOT NULL REFERENCES inmates(id),
    reg_number  TEXT NOT NULL,
    changed_at  BIGINT NOT NULL
);

CREATE TABLE visitors (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    nik_hash    TEXT NOT NULL UNIQUE,
    nik_masked  TEXT NOT NULL,
    phone       TEXT NOT NULL UNIQUE,
    banned_until TEXT,
    ban_reason  TEXT,
    created_at  BIGINT NOT NULL
);

CREATE TABLE visitor_links (
    id             INTEGER PRIMARY KEY,
    visitor_id     BIGINT NOT NULL REFERENCES visitors(id),
    inmate_id      BIGINT NOT NULL REFERENCES inmates(id),
    relationship   TEXT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT,
    permit_number  TEXT,
    permit_expires TEXT,
    created_at     BIGINT NOT NULL,
    decided_at     BIGINT,
    decided_by     BIGINT,
    UNIQUE (visitor_id, inmate_id)
);
CREATE INDEX visitor_links_inmate ON visitor_links (inmate_id);
CREATE INDEX visitor_links_status ON visitor_links (status, created_at);

CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    facility_id   BIGINT NOT NULL REFERENCES facilities(id),
    code          TEXT NOT NULL UNIQUE,
    inmate_id     BIGINT NOT NULL REFERENCES inmates(id),
    visitor_id    BIGINT NOT NULL REFERENCES visitors(id),
    kind          TEXT NOT NULL,
    start_at      BIGINT NOT NULL,
    end_at        BIGINT NOT NULL,
    booth_id      BIGINT REFERENCES booths(id),
    people        BIGINT NOT NULL,
    status        TEXT NOT NULL,
    status_reason TEXT,
    channel       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX visits_slot ON visits (facility_id, start_at, kind);
CREATE INDEX visits_inmate ON visits (inmate_id, start_at);
CREATE INDEX visits_visitor ON visits (visitor_id, start_at);

CREATE TABLE visit_events (
    id          INTEGER PRIMARY KEY,
    visit_id    BIGINT NOT NULL REFERENCES visits(id),
    at          BIGINT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor_type  TEXT NOT NULL,
    actor_id    BIGINT,
    reason      TEXT
);
CREATE INDEX visit_events_visit ON visit_events (visit_id, id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    facility_id   BIGINT REFERENCES facilities(id),
    active        BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Append-only: who did what to which record, from where. Written in the same transaction as
-- the action; the triggers below refuse any UPDATE or DELETE.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          BIGINT NOT NULL,
    user_id     BIGINT,
    facility_id BIGINT,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    detail      TEXT NOT NULL,
    source      TEXT
);
CREATE INDEX audit_events_facility ON audit_events (facility_id, at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
