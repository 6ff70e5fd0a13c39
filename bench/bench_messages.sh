#!/usr/bin/env bash
# Berichtenverkeer benchmark: a generated backlog of N iJw messages
# (default 100,000; 30% JW301, 40% JW305, 30% JW307), in one run:
#   - imported through the CLI (the batch path, offline);
#   - sent over HTTPS as multipart/mixed batches of PER messages (default
#     1,000) by BATCH_CLIENTS keep-alive clients (default 4), to a fresh
#     daemon;
#   - sent over HTTPS one message per request by CLIENTS keep-alive
#     clients (default 8), to another fresh daemon;
#   - parsed by plain libxml2, in memory.
#   bash bench/bench_messages.sh [N] [CLIENTS] [BATCH_CLIENTS] [PER]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
clients=${2:-8}
bclients=${3:-4}
per=${4:-1000}
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
/usr/bin/time -f '%U %S' -o "$tmp/cli.cpu" \
  $bin import messages "$tmp/msgs" --as backoffice --data "$tmp/cli" >"$tmp/cli.out" 2>/dev/null || true
end=$(date +%s.%N)
cli_cpu=$(awk '{print $1 + $2}' "$tmp/cli.cpu")
cli_secs=$(echo "$end - $start" | bc -l)
cli_rate=$(echo "$n / $cli_secs" | bc -l)

# cpu PID: the process's user + system CPU seconds so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' /proc/"$1"/stat; }

# serve DIR: a fresh daemon on a free port; sets pid, url, token.
serve() {
  $bin init --data "$1" >/dev/null
  token=$($bin party add backoffice --role berichtenverkeer --data "$1" | tail -n 1)
  $bin serve --data "$1" --listen 127.0.0.1:0 2>"$1.log" &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$1.log" && break; sleep 0.1; done
  url=$(sed -n 's/^sorttp: listening on //p' "$1.log")
}

serve "$tmp/batch"
c0=$(cpu $pid)
read -r brate bok bdup bbad bsecs < <($b batch "$url/v1/messages" "$token" "$tmp/batch/tls/cert.pem" "$tmp/msgs" "$bclients" "$per")
bcpu=$(echo "$(cpu $pid) - $c0" | bc -l)
bhwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true; pid=

serve "$tmp/http"
c0=$(cpu $pid)
read -r rate ok dup bad secs < <($b http "$url/v1/messages" "$token" "$tmp/http/tls/cert.pem" "$tmp/msgs" "$clients")
hcpu=$(echo "$(cpu $pid) - $c0" | bc -l)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)

printf 'bench_messages: %d messages; load average %s\n' "$n" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'CLI import: %.2f s, %.0f messages/s: %s\n' "$cli_secs" "$cli_rate" "$(tail -n 1 "$tmp/cli.out")"
printf 'HTTPS batches of %d, %d keep-alive clients: %.2f s, %.0f messages/s (201: %d, 200: %d, other: %d); daemon peak RSS %.1f MB\n' \
  "$per" "$bclients" "$bsecs" "$brate" "$bok" "$bdup" "$bbad" "$(echo "$bhwm/1024" | bc -l)"
printf 'HTTPS one message per request, %d keep-alive clients: %.2f s, %.0f messages/s (201: %d, 200: %d, other: %d); daemon peak RSS %.1f MB\n' \
  "$clients" "$secs" "$rate" "$ok" "$dup" "$bad" "$(echo "$hwm/1024" | bc -l)"
printf 'libxml2 parse of the same documents: %.0f documents/s\n' "$parse"
printf 'CPU per message (all threads; less sensitive to a shared machine than wall time): CLI %.0f us, daemon with batches %.0f us, daemon with single messages %.0f us\n' \
  "$(echo "$cli_cpu * 1000000 / $n" | bc -l)" "$(echo "$bcpu * 1000000 / $n" | bc -l)" "$(echo "$hcpu * 1000000 / $n" | bc -l)"
printf 'batches over HTTPS / CLI import: %.2f (target >= 0.8); batches: %.0f messages/s (target >= 20000)\n' \
  "$(echo "$brate / $cli_rate" | bc -l)" "$brate"
