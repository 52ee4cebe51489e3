-- The legal form the company directory gives (SIRENE's "catégorie juridique", e.g. 1000 for a
-- sole trader): the public lists leave out organisations that are a person.
ALTER TABLE organisations ADD COLUMN legal_form TEXT;
