-- What the company directory says of an organisation, cached; a failed lookup is retried later.
ALTER TABLE organisations ADD COLUMN address TEXT;
ALTER TABLE organisations ADD COLUMN active BOOLEAN;
ALTER TABLE organisations ADD COLUMN looked_up_at TIMESTAMP;
ALTER TABLE organisations ADD COLUMN lookup_error TEXT;
