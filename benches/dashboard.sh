#!/usr/bin/env bash
# Dashboard benchmark: 100,000 demandes (or $N) on SQLite and on PostgreSQL; a filtered and
# searched /instruction page under load (wrk), with median, p99, requests/s and the server's
# peak memory; then the same page's SQL run alone by pgbench, as the ceiling.
# Prints figures; asserts nothing. Run from the repository root: bash benches/dashboard.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
DURATION=${DURATION:-10s}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=18900
QUERY='/instruction?q=cantine+lyon&etat=submitted&etat=changes_requested&etat=validated'
WORDS='cantine & lyon'

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
BIN=target/release/habilis
WORK=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# Signs in as the demo admin (who sees every provider) and prints the session cookie.
login() {
  local jar="$WORK/cookies" page token id
  rm -f "$jar"
  page=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/connexion")
  token=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"$//')
  id=$(grep -B3 'admin@habilis.example' <<<"$page" | grep -o 'user_id" value="[0-9]*' | grep -o '[0-9]*$')
  curl -s -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$token&user_id=$id" "http://127.0.0.1:$PORT/connexion/demo"
  awk '$6 == "habilis_session" { print "habilis_session=" $7 }' "$jar"
}

run() {
  local name=$1 url=$2
  echo "== $name: seeding $N demandes"
  local started=$SECONDS
  DATABASE_URL=$url HABILIS_PROVIDERS_DIR=providers $BIN seed --demo --demandes "$N" >/dev/null
  echo "   seeded in $((SECONDS - started)) s"
  DATABASE_URL=$url HABILIS_BIND=127.0.0.1:$PORT RUST_LOG=warn $BIN serve &
  SERVER=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  local cookie; cookie=$(login)
  local rows
  rows=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT$QUERY" | grep -c '<td><a href="/instruction/demandes/' || true)
  echo "   $QUERY lists $rows rows per page"
  echo "   -- filtered + searched dashboard page, 1 connection (latency alone):"
  wrk -t1 -c1 -d"$DURATION" --latency -H "Cookie: $cookie" "http://127.0.0.1:$PORT$QUERY" \
    | grep -E '^\s+(50|99)%|Requests/sec'
  echo "   -- same page, 4 connections (throughput):"
  wrk -t2 -c4 -d"$DURATION" --latency -H "Cookie: $cookie" "http://127.0.0.1:$PORT$QUERY" \
    | grep -E '^\s+(50|99)%|Requests/sec'
  echo "   -- static stylesheet of the same server (ceiling of the HTTP layer):"
  wrk -t2 -c4 -d"$DURATION" --latency "http://127.0.0.1:$PORT/static/habilis.css" | grep -E '^\s+50%|Requests/sec'
  echo "   server peak memory: $(grep VmHWM /proc/$SERVER/status | awk '{print $2, $3}')"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}

run "SQLite" "$WORK/bench.db"

DB=habilis_bench_$$
psql "$PG/postgres" -q -c "CREATE DATABASE $DB"
trap 'cleanup; psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
run "PostgreSQL" "$PG/$DB"

echo "== PostgreSQL: the page's SQL alone (pgbench, 1 client): the list, then the states counted in one pass"
cat > "$WORK/page.sql" <<SQL
SELECT id, provider, intitule, organisation_name, siret, applicant_email, state, last_submitted_at, updated_at
  FROM demandes
 WHERE provider IN ('api-entreprise', 'api-impot-particulier', 'api-particulier')
   AND last_submitted_at IS NOT NULL AND state IN ('submitted', 'changes_requested', 'validated')
   AND search @@ to_tsquery('habilis_fr', '$WORDS')
 ORDER BY last_submitted_at DESC, id DESC LIMIT 51;
SQL
cat >> "$WORK/page.sql" <<SQL
SELECT state FROM demandes
 WHERE provider IN ('api-entreprise', 'api-impot-particulier', 'api-particulier')
   AND last_submitted_at IS NOT NULL AND search @@ to_tsquery('habilis_fr', '$WORDS')
 LIMIT 10001;
SQL
pgbench -n -c1 -T"${DURATION%s}" -f "$WORK/page.sql" "$PG/$DB" 2>/dev/null | grep -E 'latency average|tps'
