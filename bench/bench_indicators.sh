#!/usr/bin/env bash
# Indicator benchmark: a demo region of CLIENTS clients (default 250,000:
# about 1,000,000 trajectories, 1,000,000 score rows and 500,000
# questionnaire responses, fed through the real ingest paths), then a
# realistic mix of indicator queries from THREADS keep-alive HTTPS clients
# (default 32) for SECONDS (default 30): requests/s and p50/p99 latency,
# beside the time of plain GROUP BY queries over the detail tables,
# measured in the same run.
#   bash bench/bench_indicators.sh [CLIENTS] [THREADS] [SECONDS]
# BENCH_DATA=DIR reuses (or keeps) the demo data folder between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-250000}
threads=${2:-32}
secs=${3:-30}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-release -j"$(nproc)" --target sorttp bench_indicators >/dev/null
bin=build-release/sorttp
b=build-release/bench/bench_indicators
tmp=$(mktemp -d /tmp/sorttp-bench-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
data=${BENCH_DATA:-$tmp/data}

if [ ! -e "$data/sorttp.key" ]; then
  $bin init --data "$data" >/dev/null
  start=$(date +%s.%N)
  $bin demo --data "$data" --clients "$clients" >"$tmp/demo.out" 2>/dev/null
  end=$(date +%s.%N)
  printf 'demo data: %s clients in %.0f s\n' "$clients" "$(echo "$end - $start" | bc -l)"
fi
n=$(date +%s)
atoken=$($bin party add "bench-analist-$n" --role analist --scope cluster:Amsterdam \
  --scope cluster:Amstelveen-Aalsmeer --scope cluster:DUO \
  --scope cluster:Zaanstreek-Waterland --data "$data" | tail -n 1)
# An aanbieder of the demo: the first demo-aanbieder party's AGB.
agb=$($bin party list --data "$data" | sed -n 's/.*demo-aanbieder-\([0-9]\{8\}\).*/\1/p' | head -n 1)
ptoken=$($bin party add "bench-aanbieder-$n" --role aanbieder --agb "$agb" --data "$data" | tail -n 1)

# No answer cache: every request is computed from the cube.
cat >"$tmp/nocache.json" <<JSON
{"limits": {"indicator_cache": 0}}
JSON
cp -r config/gemeenten.json config/questionnaires "$tmp/"
$bin serve --data "$data" --listen 127.0.0.1:0 --config "$tmp/nocache.json" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/serve.log" && break; sleep 0.1; done
url=$(sed -n 's/^sorttp: listening on //p' "$tmp/serve.log")
ca="$data/tls/cert.pem"
y1=$(date +%Y)
y0=$((y1 - 3))

# The first query builds the snapshot and its cube.
t0=$(date +%s.%N)
curl -sf --cacert "$ca" -H "Authorization: Bearer $atoken" \
  "$url/v1/indicators/uitval?by=cluster&period=year" >/dev/null
t1=$(date +%s.%N)
build=$(grep -o 'snapshot of .* built in [0-9]* ms' "$tmp/serve.log" | tail -n 1)

read -r nreq errs wall rps p50 p99 pmax nq < <($b http "$url" "$ca" "$secs" "$threads" "$atoken" "$ptoken" "$y0" "$y1")
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true; pid=

printf 'bench_indicators: %s\n' "$build"
printf 'first query (snapshot and cube build included): %.2f s\n' "$(echo "$t1 - $t0" | bc -l)"
printf 'HTTPS, %d keep-alive clients, %d distinct queries, no answer cache: %d requests in %.1f s = %.0f requests/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d; daemon peak RSS %.0f MB\n' \
  "$threads" "$nq" "$nreq" "$wall" "$rps" "$p50" "$p99" "$pmax" "$errs" "$(echo "$hwm/1024" | bc -l)"
printf 'plain GROUP BY over the detail tables, years %d-%d (ms, rows):\n' "$y0" "$y1"
$b groupby "$data/sorttp.db" "$y0" "$y1" | sed 's/^/  /'
printf 'target: p99 < 20 ms and >= 2000 requests/s\n'
