-- Run once by the PostgreSQL image on a new data directory (docker-compose mounts it into
-- /docker-entrypoint-initdb.d/): the two roles habilis needs.
--   habilis_owner  owns the tables; `habilis migrate` runs as it.
--   habilis_app    the portal's login; a member of habilis_portal, which the migrations grant
--                  reads and writes on every table, and only reads and appends on the audit
--                  log and the events.
-- Change both passwords (and the URLs in docker-compose.yml) outside a trial.
CREATE ROLE habilis_owner LOGIN PASSWORD 'habilis-owner';
CREATE ROLE habilis_portal NOLOGIN;
CREATE ROLE habilis_app LOGIN PASSWORD 'habilis-app' IN ROLE habilis_portal;
ALTER DATABASE habilis OWNER TO habilis_owner;
\connect habilis
ALTER SCHEMA public OWNER TO habilis_owner;
