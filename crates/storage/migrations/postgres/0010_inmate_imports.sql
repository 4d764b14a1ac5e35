-- An uploaded inmate CSV between its preview and its confirmation: the parsed rows (JSON),
-- kept server-side under the hash of a random token, for the user and facility that
-- uploaded it, until it is confirmed or expires.
CREATE TABLE inmate_imports (
    token_hash  TEXT PRIMARY KEY,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    file_name   TEXT NOT NULL,
    rows_json   TEXT NOT NULL,
    bad_rows    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX inmate_imports_expiry ON inmate_imports (expires_at);
