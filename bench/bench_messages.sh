#!/usr/bin/env bash
# Berichtenverkeer benchmark: a generated backlog of N iJw messages
# (default 100,000; 30% JW301, 40% JW305, 30% JW307) imported through the
# CLI, and sent over HTTPS by CLIENTS keep-alive clients (default 8) to a
# fresh daemon; printed beside the plain libxml2 parse rate of the same
# documents, measured in the same run.
#   bash bench/bench_messages.sh [N] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
clients=${2:-8}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-release -j"$(nproc)" --target sorttp bench_messages >/dev/null
bin=build-release/sorttp
b=build-release/bench/bench_messages
tmp=$(mktemp -d /tmp/sorttp-bench-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

$b gen "$n" "$tmp/msgs"
parse=$($b parse "$tmp/msgs")

$bin init --data "$tmp/cli" >/dev/null
$bin party add backoffice --role berichtenverkeer --data "$tmp/cli" >/dev/null
start=$(date +%s.%N)
$bin import messages "$tmp/msgs" --as backoffice --data "$tmp/cli" >"$tmp/cli.out" 2>/dev/null || true
end=$(date +%s.%N)
cli_secs=$(echo "$end - $start" | bc -l)

$bin init --data "$tmp/http" >/dev/null
token=$($bin party add backoffice --role berichtenverkeer --data "$tmp/http" | tail -n 1)
$bin serve --data "$tmp/http" --listen 127.0.0.1:0 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/serve.log" && break; sleep 0.1; done
url=$(sed -n 's/^sorttp: listening on //p' "$tmp/serve.log")
read -r rate ok dup bad secs < <($b http "$url/v1/messages" "$token" "$tmp/http/tls/cert.pem" "$tmp/msgs" "$clients")
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)

printf 'bench_messages: %d messages\n' "$n"
printf 'CLI import: %.2f s, %.0f messages/s: %s\n' "$cli_secs" "$(echo "$n / $cli_secs" | bc -l)" "$(tail -n 1 "$tmp/cli.out")"
printf 'HTTPS, %d keep-alive clients: %.2f s, %.0f messages/s (201: %d, 200: %d, other: %d); daemon peak RSS %.1f MB\n' \
  "$clients" "$secs" "$rate" "$ok" "$dup" "$bad" "$(echo "$hwm/1024" | bc -l)"
printf 'libxml2 parse of the same documents: %.0f documents/s\n' "$parse"
printf 'target: >= 10000 messages/s over HTTPS\n'
