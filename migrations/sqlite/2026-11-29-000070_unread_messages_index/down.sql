DROP INDEX messages_side_demande;
