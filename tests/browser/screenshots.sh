#!/usr/bin/env bash
# Refreshes docs/screenshots/ (shown in the README): the real app on a fresh SQLite database,
# with an applicant's draft, submitted and validated demandes made as she makes them, is
# photographed in headless Chromium at 1280 and 390 px for each role. The pages and the data
# are those of the browser test (tests/api/browser_pages.rs, `refresh_screenshots`).
# Needs Node.js and Chromium (/usr/bin/chromium, or HABILIS_CHROMIUM).
set -euo pipefail
cd "$(dirname "$0")/../.."

(cd tests/browser && npm install --no-audit --no-fund --silent)
cargo test --test api browser_pages::refresh_screenshots -- --ignored --exact --nocapture
ls -l docs/screenshots/
