-- PostgreSQL's date index gains the search vector (see its migration). SQLite's words live in
-- the FTS5 table, which its tally reads match by match: nothing to change here.
SELECT 1;
