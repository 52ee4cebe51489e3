-- The page that starts a demande tells the provider's observed time to decide: the decisions of
-- the last 90 days, read newest first from this index, not from the whole timeline.
CREATE INDEX events_decided_at ON events (created_at) WHERE name IN ('approve', 'refuse');
