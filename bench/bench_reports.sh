#!/usr/bin/env bash
# Report benchmark: the demo region (default 5,000 clients, as
# scripts/run.sh makes it, through the real ingest paths), then every
# report of the previous month with `sorttp report`: one per aanbieder per
# cluster it has data in, plus one clustergemiddelde per cluster. Prints
# the count, the total time (target: under 60 s) and the time per report;
# nothing is asserted.
#   bash bench/bench_reports.sh [CLIENTS]
# BENCH_DATA=DIR reuses (or keeps) the demo data folder between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-5000}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-release -j2 --target sorttp >/dev/null
bin=build-release/sorttp
tmp=$(mktemp -d /tmp/sorttp-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
data=${BENCH_DATA:-$tmp/data}

if [ ! -e "$data/sorttp.key" ]; then
  $bin init --data "$data" >/dev/null
  start=$(date +%s.%N)
  $bin demo --data "$data" --clients "$clients" >"$tmp/demo.out" 2>/dev/null
  end=$(date +%s.%N)
  printf 'demo data: %s clients in %.0f s\n' "$clients" "$(echo "$end - $start" | bc -l)"
fi
month=$(date -u -d "$(date -u +%Y-%m-15) -1 month" +%Y-%m)
start=$(date +%s.%N)
line=$($bin report --month "$month" --data "$data" --out "$tmp/reports" 2>"$tmp/report.log" | tail -n 1)
end=$(date +%s.%N)
n=$(ls "$tmp/reports" | grep -c '\.pdf$' || true)
na=$(ls "$tmp/reports" | grep -c -- '-a[0-9]\{8\}-' || true)
bytes=$(du -sb "$tmp/reports" | cut -f1)
printf 'reports of %s: %d (%d aanbieder x cluster, %d clustergemiddelde), %.1f MB\n' \
  "$month" "$n" "$na" "$((n - na))" "$(echo "$bytes / 1000000" | bc -l)"
printf 'total %.1f s (target < 60 s), including the indicator snapshot\n' \
  "$(echo "$end - $start" | bc -l)"
echo "$line"
grep -o 'snapshot of .* built in [0-9]* ms' "$tmp/report.log" | tail -n 1 || true
