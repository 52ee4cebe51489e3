#!/usr/bin/env bash
# The statistics page's benchmark: a fresh SQLite database seeded with N synthetic demandes
# (default 100000, `habilis seed --demo --demandes N`), the release server, then /stats for
# every provider and for one: the first view after start-up (read from the events, what a view
# costs every ten minutes) and the following ones (kept), each timed with curl.
# Usage: N=100000 KEPT_RUNS=20 bash benches/stats.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-100000}"
KEPT_RUNS="${KEPT_RUNS:-20}"
PORT="${PORT:-18089}"
cargo build --release --quiet
dir="$(mktemp -d)"
db="$dir/habilis.db"
echo "== seeding $N demandes (SQLite)"
DATABASE_URL="$db" ./target/release/habilis seed --demo --demandes "$N" > /dev/null
DATABASE_URL="$db" HABILIS_BIND="127.0.0.1:$PORT" HABILIS_WORKER=false \
  ./target/release/habilis serve > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" > /dev/null; do sleep 0.2; done

events=$(sqlite3 "$db" "SELECT count(*) FROM events" 2>/dev/null || echo "?")
echo "== /stats at $N demandes ($events events), release build"
for view in "" "?fournisseur=api-particulier"; do
  url="http://127.0.0.1:$PORT/stats$view"
  first=$(curl -s -o /dev/null -w '%{time_total}' "$url")
  kept=$(for _ in $(seq "$KEPT_RUNS"); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done \
    | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '%-34s first view %7.0f ms   kept (median of %s) %6.1f ms\n' \
    "/stats$view" "$(echo "$first * 1000" | bc)" "$KEPT_RUNS" "$(echo "$kept * 1000" | bc)"
done
