-- A facility's own WhatsApp number (it overrides the global channel for its messages).
CREATE TABLE facility_whatsapp (
    facility_id     BIGINT PRIMARY KEY REFERENCES facilities(id),
    phone_number_id TEXT NOT NULL,
    access_token    TEXT NOT NULL,
    app_secret      TEXT NOT NULL,
    verify_token    TEXT NOT NULL,
    api_base        TEXT NOT NULL,
    api_version     TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);
