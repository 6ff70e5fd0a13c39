#!/usr/bin/env bash
# Refreshes the vendored chart library from npm and checks it.
#
#   bash web/vendor/refresh.sh           fetch the pinned versions, check
#                                        them against SHA256SUMS, install
#   bash web/vendor/refresh.sh --check   only check the files in place
#
# Observable Plot draws the charts (SVG, no eval); it needs d3 as the global
# `d3`, so both are loaded as classic scripts from their UMD builds. The
# files are renamed without dots in the base name (d3.js, plot.js) because
# the daemon serves /vendor/{name} with a name of letters, digits, '-' and
# '_' only (src/api_web.c). To move to a new version: change the pins
# below, run with --update-sums, review the diff of SHA256SUMS, commit.
# Plot's UMD build names the d3 version it was built against in its
# header; keep D3_VERSION equal to it.
set -euo pipefail
cd "$(dirname "$0")"

PLOT_VERSION=0.6.17
D3_VERSION=7.9.0

# name in web/vendor  <-  package, file inside the package tarball
files=(
  "d3.js         d3@$D3_VERSION                   package/dist/d3.min.js"
  "d3-LICENSE    d3@$D3_VERSION                   package/LICENSE"
  "plot.js       @observablehq/plot@$PLOT_VERSION package/dist/plot.umd.min.js"
  "plot-LICENSE  @observablehq/plot@$PLOT_VERSION package/LICENSE"
)

mode=${1:-fetch}
case $mode in
  fetch|--update-sums|--check) ;;
  *) echo "usage: $0 [--check|--update-sums]" >&2; exit 2 ;;
esac

if [ "$mode" = --check ]; then
  sha256sum --quiet -c SHA256SUMS
  echo "web/vendor: checksums match" >&2
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pkg in "d3@$D3_VERSION" "@observablehq/plot@$PLOT_VERSION"; do
  dir="$tmp/$(echo "$pkg" | tr '/@' '__')"
  mkdir -p "$dir"
  # npm pack downloads the exact version's tarball (npm checks its
  # registry integrity hash); --ignore-scripts: nothing of it runs here.
  (cd "$dir" && npm pack --ignore-scripts --silent "$pkg" >/dev/null)
  tar -xzf "$dir"/*.tgz -C "$dir"
done
mkdir -p "$tmp/out"
for line in "${files[@]}"; do
  read -r name pkg path <<<"$line"
  cp "$tmp/$(echo "$pkg" | tr '/@' '__')/$path" "$tmp/out/$name"
done
if [ "$mode" = --update-sums ]; then
  (cd "$tmp/out" && sha256sum d3.js d3-LICENSE plot.js plot-LICENSE) \
    > SHA256SUMS
  echo "web/vendor: SHA256SUMS rewritten; review it before committing" >&2
fi
if ! (cd "$tmp/out" && sha256sum --quiet -c "$OLDPWD/SHA256SUMS"); then
  echo "web/vendor: checksum mismatch; nothing changed" >&2
  exit 1
fi
cp "$tmp"/out/* .
echo "web/vendor: d3 $D3_VERSION and Plot $PLOT_VERSION in place" >&2
