DROP TRIGGER demande_counts_update;
DROP TRIGGER demande_counts_delete;
DROP TRIGGER demande_counts_insert;
DROP TABLE demande_counts;
