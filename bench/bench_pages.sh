#!/usr/bin/env bash
# Page load benchmark of the web app (issue #13): a demo region of 250,000
# clients (through the real ingest paths), the release daemon over TLS, and
# Debian's chromium (tests/browser, playwright-core) logging in as a
# whole-region analist and as an aanbieder. Prints each page's load time:
# from the navigation to its tables and charts drawn. Nothing is asserted.
#   bash bench/bench_pages.sh [CLIENTS]
# BENCH_DATA=DIR reuses (or keeps) the demo data folder between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-250000}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-release -j2 --target sorttp >/dev/null
bin=$PWD/build-release/sorttp
npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
tmp=$(mktemp -d /tmp/sorttp-bench-XXXXXX)
# As root, serve becomes the user "sorttp": it must pass through.
chmod 0711 "$tmp"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
data=${BENCH_DATA:-$tmp/data}

if [ ! -e "$data/sorttp.key" ]; then
  $bin init --data "$data" >/dev/null 2>&1
  start=$(date +%s.%N)
  $bin demo --data "$data" --clients "$clients" >"$tmp/demo.out" 2>/dev/null
  end=$(date +%s.%N)
  printf 'demo data: %s clients in %.0f s\n' "$clients" "$(echo "$end - $start" | bc -l)"
fi

# Fresh parties each run (names are never reused).
stamp=$(date +%Y%m%d%H%M%S)
agb=87651614
BROWSER_TOKEN_ANALIST=$($bin party add "bench-analist-$stamp" --role analist \
  --scope cluster:Amsterdam --scope cluster:Amstelveen-Aalsmeer --scope cluster:DUO \
  --scope cluster:Zaanstreek-Waterland --expires 1d --data "$data" | tail -n 1)
BROWSER_TOKEN_AANBIEDER_1=$($bin party add "bench-aanbieder-$stamp" --role aanbieder \
  --agb "$agb" --expires 1d --data "$data" | tail -n 1)
export BROWSER_TOKEN_ANALIST BROWSER_TOKEN_AANBIEDER_1

start=$(date +%s.%N)
$bin serve --data "$data" --listen 127.0.0.1:0 >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 6000); do
  line=$(grep -m1 -o 'sorttp: listening on https://127\.0\.0\.1:[0-9]*' "$tmp/serve.log" || true)
  [ -n "$line" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
  sleep 0.1
done
export BROWSER_URL=${line#sorttp: listening on }
# The first indicator snapshot is built in the background after start;
# wait for it, so the pages measure answers, not the build.
for _ in $(seq 1 6000); do
  grep -q 'indicators: snapshot of' "$tmp/serve.log" && break
  sleep 0.1
done
end=$(date +%s.%N)
printf 'daemon ready with its first snapshot in %.1f s: %s\n' "$(echo "$end - $start" | bc -l)" \
  "$(grep -o 'snapshot of .* built in [0-9]* ms' "$tmp/serve.log" | tail -n 1)"
node tests/browser/pages.mjs
