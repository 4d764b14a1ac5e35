-- The day board: minutes a running visit was extended by (its booked slot, start_at to end_at,
-- stays as booked; the call and the booth are held until end_at + extra_minutes * 60), and
-- an index to find a booth's visits of a day.
ALTER TABLE visits ADD COLUMN extra_minutes BIGINT NOT NULL DEFAULT 0;
CREATE INDEX visits_booth ON visits (booth_id, start_at);
