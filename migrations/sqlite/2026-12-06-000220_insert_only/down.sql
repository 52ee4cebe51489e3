DROP TRIGGER events_no_delete;
DROP TRIGGER events_no_update;
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
