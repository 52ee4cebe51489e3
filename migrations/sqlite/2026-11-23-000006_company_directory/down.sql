ALTER TABLE organisations DROP COLUMN lookup_error;
ALTER TABLE organisations DROP COLUMN looked_up_at;
ALTER TABLE organisations DROP COLUMN active;
ALTER TABLE organisations DROP COLUMN address;
