#!/usr/bin/env bash
# The dashboard's SIRET and email searches on PostgreSQL at 100,000 demandes: the plan and the
# execution time of the first page (what `EXPLAIN ANALYZE` says), three times each. Builds the
# binary, seeds a fresh database next to the local server's, drops it after.
# Usage: bash benches/search_keys.sh [N demandes, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
db="habilis_bench_keys_$$"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE ${db}"
trap 'psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ${db} WITH (FORCE)"' EXIT
cargo build --release -q
DATABASE_URL="postgres://postgres@127.0.0.1:5432/${db}?sslmode=disable" \
  ./target/release/habilis seed --demo --demandes "$n" >/dev/null
q() { psql -h 127.0.0.1 -U postgres -d "$db" -At -c "$1"; }
q "ANALYZE demandes" >/dev/null
siret=$(q "SELECT siret FROM demandes WHERE last_submitted_at IS NOT NULL GROUP BY siret ORDER BY count(*) DESC LIMIT 1")
email=$(q "SELECT applicant_email FROM demandes WHERE last_submitted_at IS NOT NULL GROUP BY applicant_email ORDER BY count(*) DESC LIMIT 1")
providers=$(q "SELECT string_agg(DISTINCT quote_literal(provider), ',') FROM demandes")
for key in "siret = '$siret'" "applicant_email = '$email'"; do
  for _ in 1 2 3; do
    q "EXPLAIN ANALYZE SELECT id FROM demandes WHERE provider IN ($providers)
       AND last_submitted_at IS NOT NULL AND $key
       ORDER BY last_submitted_at DESC, id DESC LIMIT 51" |
      grep -E "Execution Time|Index Scan|Bitmap Index Scan" | sed 's/(cost[^)]*)//' | tr -s ' ' | tr '\n' ' '
    echo
  done
done
