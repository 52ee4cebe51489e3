#!/usr/bin/env bash
# The instruction dashboard's benchmark (issue 12). For each data set (PostgreSQL at every N of
# N_LIST, SQLite at SQLITE_N), seeds a fresh database, starts the release server and measures,
# signed in as the demo admin, each page at 1, 4 and 16 connections (wrk): median, p99, req/s,
# the server's CPU per request (utime+stime from /proc over the requests served) and its peak
# RSS (VmHWM). Beside them, the ceiling measured in the same run: pgbench running the smallest
# SQL that can produce the page (one indexed list query) and a static route of the same server.
# Prints figures and a table; asserts nothing. Run from anywhere: bash benches/dashboard.sh
#   N_LIST="10000 100000 1000000"  PostgreSQL data sets ("" for none)
#   SQLITE_N=100000                SQLite data set ("" for none)
#   DURATION=5s                    each measurement; the defaults take about 20 minutes
#   EXISTING=name                  also measure this already seeded PostgreSQL database (kept)
#   CACHE="true false"             dashboards kept in memory (the default), then read every time
#   CONNS="1 4 16"  PG=postgres://postgres@127.0.0.1:5432  PG_OPTS="?sslmode=disable"
#   PORT=18900  BUILD=1 (0: no cargo)
set -euo pipefail
cd "$(dirname "$0")/.."

N_LIST=${N_LIST-"10000 100000 1000000"}
SQLITE_N=${SQLITE_N-100000}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-"1 4 16"}
CACHE=${CACHE:-"true false"}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
# Database, server and load generator share the machine: no TLS on loopback.
PG_OPTS=${PG_OPTS-"?sslmode=disable"}
PORT=${PORT:-18900}
BIN=${BIN:-target/release/habilis}
RARE=zygomatique
COMMON=cantine

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v pgbench >/dev/null || echo "pgbench absent: no SQL ceiling" >&2
[ "${BUILD:-1}" = 0 ] || cargo build --release --quiet
WORK=$(mktemp -d)
TABLE=$WORK/table
SERVER=
DB=
CLK=$(getconf CLK_TCK)
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  [ -n "$DB" ] && psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null
  rm -rf "$WORK"
}
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

# One value from the database of the current data set.
sql() {
  if [ "$BACKEND" = pg ]; then
    psql "$URL" -Atq -c "$1"
  else
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$URL" "$1"
  fi
}

# Writes out PostgreSQL's dirty pages now (a superuser's or pg_checkpoint's right; skipped
# without it, and on SQLite).
quiet() {
  [ "$BACKEND" = pg ] && psql "$URL" -q -c CHECKPOINT 2>/dev/null || true
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status"; }

# wrk at $2 connections on path $1: prints "median_ms p99_ms req/s cpu_ms_per_request".
load() {
  local path=$1 conns=$2 threads=2 before after out
  [ "$conns" -lt 2 ] && threads=1
  before=$(cpu_ticks)
  out=$(wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$path")
  after=$(cpu_ticks)
  if grep -q 'Non-2xx' <<<"$out"; then echo "   !! $path: $(grep 'Non-2xx' <<<"$out")" >&2; fi
  awk -v ticks=$((after - before)) -v clk="$CLK" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { med = ms($2) } $1 == "99%" { p99 = ms($2) }
    / requests in / { n = $1 } /^Requests\/sec/ { rps = $2 }
    END { printf "%.2f %.2f %.0f %.2f\n", med, p99, rps, (n > 0 ? ticks * 1000 / clk / n : 0) }' <<<"$out"
}

# pgbench on one SQL file: prints "latency_ms_at_1_client tps_at_16_clients".
ceiling() {
  [ "$BACKEND" = pg ] && command -v pgbench >/dev/null || { echo "- -"; return; }
  local one sixteen
  one=$(pgbench -n -c1 -T"${DURATION%s}" -f "$1" "$URL" 2>/dev/null | awk '/latency average/ { print $4 }')
  sixteen=$(pgbench -n -c16 -j2 -T"${DURATION%s}" -f "$1" "$URL" 2>/dev/null | awk '/^tps/ { printf "%.0f", $3 }')
  echo "${one:--} ${sixteen:--}"
}

# Measures one page: its figures at each connection count, then its SQL ceiling.
page() {
  local name=$1 path=$2 sqlfile=$3 status rows line c
  status=$(curl -s -o "$WORK/body" -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$path")
  rows=$(grep -c 'href="/instruction/demandes/' "$WORK/body" || true)
  echo "   -- $name: $path (HTTP $status, $rows links to demandes)"
  line="$SET|$name"
  for c in $CONNS; do
    read -r med p99 rps cpu < <(load "$path" "$c")
    echo "      $c conn: median $med ms, p99 $p99 ms, $rps req/s, server CPU $cpu ms/req"
    line="$line|$med|$p99|$rps|$cpu"
  done
  local ceil="- -"
  if [ -n "$sqlfile" ]; then
    ceil=$(ceiling "$sqlfile")
    echo "      pgbench, same SQL: $(cut -d' ' -f1 <<<"$ceil") ms at 1 client, $(cut -d' ' -f2 <<<"$ceil") tps at 16"
  fi
  echo "$line|$(rss_mb)|${ceil% *}|${ceil#* }" >>"$TABLE"
}

# The page's list as one SQL query: what the dashboard needs for 51 rows, nothing else.
list_sql() {
  local where=$1 states=${2:-"'submitted', 'changes_requested', 'validated', 'refused', 'revoked'"}
  cat > "$WORK/$3.sql" <<SQL
SELECT id, provider, intitule, organisation_name, siret, applicant_email, state, last_submitted_at, updated_at
  FROM demandes
 WHERE provider IN ($PROVIDERS) AND last_submitted_at IS NOT NULL AND state IN ($states) $where
 ORDER BY last_submitted_at DESC, id DESC LIMIT 51;
SQL
  echo "$WORK/$3.sql"
}

# The page's SQL file for its ceiling, measured once per data set: on the pass that reads
# the database (or the only pass).
sql_of() {
  if [ "$cache" = false ] || [ "$CACHE" = true ]; then list_sql "$@"; fi
}

run() {
  BACKEND=$1 URL=$2 SET=$3
  local n=$4
  if [ -n "$n" ]; then
    echo "== $SET: seeding $n demandes"
    # The previous data sets' writes flushed first, and the seed's own after it: neither the
    # seed nor the first pages measured share the disk and the cores with a checkpoint.
    quiet
    DATABASE_URL=$URL HABILIS_PROVIDERS_DIR=providers RUST_LOG=warn $BIN seed --demo --demandes "$n" | sed 's/^/   /'
    quiet
  else
    echo "== $SET: already seeded"
  fi
  local siret id demande
  siret=$(sql "SELECT siret FROM demandes WHERE last_submitted_at IS NOT NULL ORDER BY id LIMIT 1")
  id=$(sql "SELECT MAX(id) FROM demandes WHERE state = 'submitted'")
  demande=$(sql "SELECT MIN(d.id) FROM demandes d JOIN messages m ON m.demande_id = d.id WHERE d.state = 'validated'")
  PROVIDERS=
  [ "$BACKEND" = pg ] && PROVIDERS=$(sql "SELECT string_agg(DISTINCT quote_literal(provider), ', ') FROM demandes")
  local words="search @@ to_tsquery('habilis_fr', '%s')" cache
  for cache in $CACHE; do
    # The outbox worker and the reminders run in their own process in production when
    # wanted (`habilis worker`); here they would send the seed's reminders while measured.
    DATABASE_URL=$URL HABILIS_BIND=127.0.0.1:$PORT HABILIS_WORKER=false \
      HABILIS_DASHBOARD_CACHE=$cache RUST_LOG=warn $BIN serve &
    SERVER=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
    COOKIE=$(login)
    # Dashboards kept (the default) are served from memory while the data is unchanged;
    # read (HABILIS_DASHBOARD_CACHE=false) is the database path every change takes once.
    local how=kept
    [ "$cache" = true ] || how=read
    echo "   dashboards $how"
    page "default tab, $how" "/instruction" "$(sql_of "" "" default)"
    page "etat=submitted, $how" "/instruction?etat=submitted" "$(sql_of "" "'submitted'" state)"
    page "common word, $how" "/instruction?q=$COMMON" "$(sql_of "AND $(printf "$words" "$COMMON")" "" common)"
    page "rare word, $how" "/instruction?q=$RARE" "$(sql_of "AND $(printf "$words" "$RARE")" "" rare)"
    page "SIRET, $how" "/instruction?q=$siret" "$(sql_of "AND siret = '$siret'" "" siret)"
    page "id, $how" "/instruction?q=$id" "$(sql_of "AND id = $id" "" id)"
    if [ "$cache" = true ]; then
      echo "SELECT * FROM demandes WHERE id = $demande;" > "$WORK/demande.sql"
      page "demande page" "/instruction/demandes/$demande" "$WORK/demande.sql"
      page "static css" "/static/habilis.css" ""
    fi
    echo "   server peak RSS: $(rss_mb) MB"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
  done
}

for n in $N_LIST; do
  DB=habilis_bench_$$_$n
  psql "$PG/postgres" -q -c "CREATE DATABASE $DB"
  run pg "$PG/$DB$PG_OPTS" "PG $n" "$n"
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; DB=
done
if [ -n "${EXISTING:-}" ]; then
  run pg "$PG/$EXISTING$PG_OPTS" "PG $EXISTING ($(psql "$PG/$EXISTING" -Atq -c 'SELECT count(*) FROM demandes') demandes)" ""
fi
if [ -n "$SQLITE_N" ]; then
  run sqlite "$WORK/bench.db" "SQLite $SQLITE_N" "$SQLITE_N"
fi

echo
echo "Times in ms; req/s; CPU = server CPU ms per request; RSS = server peak MB so far;"
echo "SQL = pgbench of the page's list query alone: ms at 1 client, tps at 16 clients."
header="| data | page |"
rule="|---|---|"
for c in $CONNS; do header="$header median@$c | p99@$c | req/s@$c | CPU@$c |"; rule="$rule---|---|---|---|"; done
echo "$header RSS | SQL ms@1 | SQL tps@16 |"
echo "$rule---|---|---|"
awk -F'|' '{ printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }' "$TABLE"
