DROP TABLE notification_prefs;
DROP TABLE outbox;
