DROP INDEX events_decided_at;
