-- The people coming along on a visit (PP 32/1999: every visitor's identity is checked at
-- the gate): a name, the relationship to the inmate, and at most the last four digits of
-- the NIK (data minimisation: never the full number).
CREATE TABLE visit_companions (
    id           INTEGER PRIMARY KEY,
    visit_id     BIGINT NOT NULL REFERENCES visits(id),
    name         TEXT NOT NULL,
    relationship TEXT NOT NULL,
    nik_last4    TEXT
);
CREATE INDEX visit_companions_visit ON visit_companions (visit_id);
