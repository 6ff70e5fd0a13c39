#!/usr/bin/env bash
# Questionnaire benchmark: one batch of N responses (default 10,000) with 20
# answers each, POSTed over HTTPS to a fresh daemon whose configuration
# carries a 20-item definition; printed beside the cJSON parse rate of the
# same body, measured in the same run.
#   bash bench/bench_cem.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-release -j"$(nproc)" --target sorttp bench_cem >/dev/null
bin=build-release/sorttp
b=build-release/bench/bench_cem
tmp=$(mktemp -d /tmp/sorttp-bench-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

mkdir -p "$tmp/conf"
cp config/gemeenten.json "$tmp/conf/"
echo '{}' > "$tmp/conf/sorttp.json"
$b defs "$tmp/conf"
$b gen "$n" "$tmp/batch.json"
parse=$($b cjson "$tmp/batch.json")

$bin init --data "$tmp/data" >/dev/null
token=$($bin party add bergop --role bergop --data "$tmp/data" | tail -n 1)
$bin serve --data "$tmp/data" --config "$tmp/conf/sorttp.json" --listen 127.0.0.1:0 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/serve.log" && break; sleep 0.1; done
url=$(sed -n 's/^sorttp: listening on //p' "$tmp/serve.log")
start=$(date +%s.%N)
status=$(curl -sS -o "$tmp/answer.json" -w '%{http_code}' --cacert "$tmp/data/tls/cert.pem" \
  -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  --data-binary @"$tmp/batch.json" "$url/v1/questionnaires")
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc -l)
printf 'bench_cem: %d responses x 20 items, %.1f MB, HTTP %s: %s\n' "$n" \
  "$(echo "$(stat -c %s "$tmp/batch.json")/1000000" | bc -l)" "$status" "$(head -c 120 "$tmp/answer.json")"
printf 'end-to-end over HTTPS: %.3f s, %.0f responses/s (target >= 20000)\n' "$secs" "$(echo "$n / $secs" | bc -l)"
printf 'cJSON parse of the same body: %.0f responses/s\n' "$parse"
