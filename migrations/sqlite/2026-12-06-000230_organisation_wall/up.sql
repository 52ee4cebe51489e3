-- PostgreSQL's row-level security per organisation has no SQLite counterpart: SQLite serves
-- one instance and the application's filter is its only wall. Kept so both backends have the
-- same list of migrations.
SELECT 1;
