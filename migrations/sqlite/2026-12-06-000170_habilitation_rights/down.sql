ALTER TABLE habilitations DROP COLUMN rights;
