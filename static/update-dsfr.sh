#!/usr/bin/env bash
# Vendors the Système de design de l'État (npm package @gouvfr/dsfr) into static/dsfr/ at a
# pinned version, so `cargo run` needs no npm: the compiled stylesheet, its progressive
# JavaScript, the Marianne fonts (woff2), the icons the stylesheet refers to, the favicon and
# the licence. Usage: bash static/update-dsfr.sh [VERSION] (default: the version in
# static/dsfr/VERSION). Needs npm and network access to the npm registry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/dsfr"
version="${1:-$(cat "$out/VERSION")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack "@gouvfr/dsfr@${version}" --silent >/dev/null && tar xzf gouvfr-dsfr-*.tgz)
dist="$work/package/dist"

rm -rf "$out"
mkdir -p "$out/fonts" "$out/favicon"
cp "$dist/dsfr.min.css" "$dist/dsfr.module.min.js" "$out/"
cp "$work/package/LICENSE.md" "$out/LICENSE.md"
cp "$dist"/fonts/Marianne-*.woff2 "$out/fonts/"
cp "$dist/favicon/favicon.svg" "$dist/favicon/favicon.ico" "$dist/favicon/apple-touch-icon.png" "$out/favicon/"
# Only the icons something refers to: the stylesheet, and habilis.css (which declares the
# fr-icon-* classes the templates use, pointing into dsfr/icons/).
{
  grep -o 'url(icons/[^)]*)' "$dist/dsfr.min.css" | sed 's/^url(icons\///; s/)$//'
  grep -o 'dsfr/icons/[^)"]*' "$here/habilis.css" | sed 's/^dsfr\/icons\///' || true
} | sort -u | while read -r icon; do
  if [ -f "$dist/icons/$icon" ]; then
    mkdir -p "$out/icons/$(dirname "$icon")"
    cp "$dist/icons/$icon" "$out/icons/$icon"
  fi
done
echo "$version" > "$out/VERSION"
echo "DSFR $version vendored into $out ($(du -sh "$out" | cut -f1))"
