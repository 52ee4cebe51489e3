#!/usr/bin/env bash
# The rights API against its own OpenAPI document: the portal is started with the demo data on
# a fresh SQLite file, a token with every scope is made for the biodiversity provider (whose
# demo habilitation is shared with a team), and Schemathesis (PyPI, pinned) runs every check
# it has against the served document. Any failure fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=tests/schemathesis/.venv
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
fi

cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/habilis"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export DATABASE_URL="sqlite://${work}/habilis.db"
export HABILIS_BIND="127.0.0.1:${port}"
export HABILIS_FILES_DIR="${work}/files"
# Schemathesis sends thousands of requests and many without a valid token on purpose: the
# limits would answer 429 (documented, but it hides the rest).
export HABILIS_API_RATE_PER_MINUTE=1000000 HABILIS_API_INVALID_TOKENS_PER_MINUTE=1000000
export HABILIS_WORKER=false RUST_LOG=warn

"$bin" serve > "${work}/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:${port}/healthz" >/dev/null 2>&1 && break
  sleep 1
done
token=$("$bin" tokens create --provider biodiversite --name schemathesis \
  --scope habilitations:read --scope demandes:read --scope agents:read | tail -n 1)

"$venv/bin/st" run "http://127.0.0.1:${port}/api/openapi.json" \
  --checks all \
  --header "Authorization: Bearer ${token}" \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
  --seed 2026 \
  --no-color
