#!/usr/bin/env bash
# Scores ingest benchmark: a realistic N-row CSV (default 1,000,000) uploaded
# over HTTPS with curl to a fresh daemon; prints rows/s, the daemon's peak
# RSS, and in the same run the rate of a bare SQLite insert loop of the same
# number of rows into an unindexed table, with the ratio.
#   bash bench/bench_scores.sh [ROWS]        (builds build-release first)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-release -j"$(nproc)" --target sorttp bench_scores >/dev/null
bin=build-release/sorttp
tmp=$(mktemp -d /tmp/sorttp-bench-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT

build-release/bench/bench_scores gen "$rows" "$tmp/scores.csv" 12345678
$bin init --data "$tmp/data" >/dev/null
token=$($bin party add bench --role aanbieder --agb 12345678 --data "$tmp/data" | tail -n 1)
$bin serve --data "$tmp/data" --listen 127.0.0.1:0 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/serve.log" && break; sleep 0.1; done
url=$(sed -n 's/^sorttp: listening on //p' "$tmp/serve.log")

size=$(stat -c %s "$tmp/scores.csv")
start=$(date +%s.%N)
status=$(curl -sS -o "$tmp/answer.json" -w '%{http_code}' --cacert "$tmp/data/tls/cert.pem" \
  -H "Authorization: Bearer $token" -H "Content-Type: text/csv" \
  --data-binary @"$tmp/scores.csv" "$url/v1/scores")
end=$(date +%s.%N)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill -TERM $pid; wait $pid || true

bare=$(build-release/bench/bench_scores bare-rows "$tmp/scores.csv" "$tmp/bare.db")
rm -f "$tmp"/bare.db*
baremin=$(build-release/bench/bench_scores bare "$rows" "$tmp/bare.db")
secs=$(echo "$end - $start" | bc -l)
rate=$(echo "$rows / $secs" | bc -l)
printf 'bench_scores: %d rows, %.1f MB CSV, HTTP %s: %s\n' "$rows" "$(echo "$size/1000000" | bc -l)" "$status" "$(head -c 160 "$tmp/answer.json")"
printf 'end-to-end over HTTPS: %.2f s, %.0f rows/s\n' "$secs" "$rate"
printf 'daemon peak RSS: %.1f MB\n' "$(echo "$hwm/1024" | bc -l)"
printf 'bare SQLite insert of the same rows (all %s fields), unindexed: %.0f rows/s\n' "24" "$bare"
printf 'ratio end-to-end / bare: %.2f  (target >= 0.5, and peak RSS < 100 MB)\n' "$(echo "$rate / $bare" | bc -l)"
printf 'stricter: bare insert of rows minimised as stored (17 columns): %.0f rows/s, ratio %.2f\n' "$baremin" "$(echo "$rate / $baremin" | bc -l)"
