-- The portal runs as a role with only the rights it needs; migrations run as the tables'
-- owner. `habilis_portal` is a group role (no login): operators make the portal's login role a
-- member of it (README "PostgreSQL: two roles"). It reads and writes every table, except the
-- audit log and the events, which it may only read and append to: no UPDATE, no DELETE, no
-- TRUNCATE. It reads the migrations' table (to check none is pending) and never writes it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'habilis_portal') THEN
    CREATE ROLE habilis_portal NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  -- Made at the same instant by another database's migration (roles are per server).
  NULL;
END $$;

GRANT USAGE ON SCHEMA public TO habilis_portal;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO habilis_portal;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO habilis_portal;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, events FROM habilis_portal;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON __diesel_schema_migrations FROM habilis_portal;
-- Tables and sequences later migrations make get the same rights (their migration revokes
-- what an insert-only table must not allow).
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO habilis_portal;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO habilis_portal;
