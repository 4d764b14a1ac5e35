-- A visitor banned at one facility until a local date (exclusive), with the reason. The
-- ban applies only at the banning facility; lifting it deletes the row (the audit trail
-- keeps its history).
CREATE TABLE visitor_bans (
    visitor_id  BIGINT NOT NULL REFERENCES visitors(id),
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    banned_until TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  BIGINT REFERENCES users(id),
    PRIMARY KEY (visitor_id, facility_id)
);
