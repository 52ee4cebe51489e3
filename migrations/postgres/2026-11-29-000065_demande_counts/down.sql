DROP TRIGGER demandes_counted ON demandes;
DROP FUNCTION demande_counts_follow();
DROP TABLE demande_counts;
