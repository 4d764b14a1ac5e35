-- Video visits: the booth kiosks (paired to a booth by an administrator with a short code,
-- then known by a long-lived device token of which only the SHA-256 is stored), what happened
-- in each visit's call (joins, drops, quality, the end), and the minutes given back for time
-- lost to a dropped connection.
CREATE TABLE kiosk_devices (
    id                 INTEGER PRIMARY KEY,
    facility_id        BIGINT REFERENCES facilities(id),
    booth_id           BIGINT REFERENCES booths(id),
    pairing_code       TEXT UNIQUE,
    pairing_expires_at BIGINT,
    token_hash         TEXT NOT NULL UNIQUE,
    created_at         BIGINT NOT NULL,
    paired_at          BIGINT,
    paired_by          BIGINT REFERENCES users(id),
    revoked_at         BIGINT,
    last_seen_at       BIGINT
);
CREATE INDEX kiosk_devices_facility ON kiosk_devices (facility_id);
CREATE INDEX kiosk_devices_booth ON kiosk_devices (booth_id);

CREATE TABLE visit_media_events (
    id       INTEGER PRIMARY KEY,
    visit_id BIGINT NOT NULL REFERENCES visits(id),
    at       BIGINT NOT NULL,
    role     TEXT,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX visit_media_events_visit ON visit_media_events (visit_id, id);

ALTER TABLE visits ADD COLUMN makeup_seconds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE facilities ADD COLUMN makeup_limit_minutes BIGINT NOT NULL DEFAULT 5;
