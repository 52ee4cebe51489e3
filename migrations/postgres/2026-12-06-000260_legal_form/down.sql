ALTER TABLE organisations DROP COLUMN legal_form;
