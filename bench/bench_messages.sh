#!/usr/bin/env bash
# Berichtenverkeer benchmark: a generated backlog of N iJw messages
# (default 100,000; 30% JW301, 40% JW305, 30% JW307), in one run:
#   - imported through the CLI (the batch path, offline);
#   - sent over HTTPS as multipart/mixed batches of PER messages (default
#     1,000) by BATCH_CLIENTS keep-alive clients (default 4), to a fresh
#     daemon;
#   - sent over HTTPS one message per request by CLIENTS keep-alive
#     clients (default 8), to another fresh daemon;
#   - parsed by plain libxml2, and by sorttp's iJw parser, in memory.
#   bash bench/bench_messages.sh [N] [CLIENTS] [BATCH_CLIENTS] [PER]
# BENCH_SINGLE=0 leaves out the (slow) one-message-per-request run.
#
# On a shared machine wall time says little, so beside every rate the
# load average is printed, and the CPU seconds each side used: the
# capacity of two idle cores is 2 / (CPU seconds per message of daemon and
# client together), the figure to compare with a target on this machine.
# The daemon's CPU is split by thread (named in /proc/PID/task/*/comm):
# the message writer, libmicrohttpd's listener, the indicator refresher,
# and the rest, the connection threads (parsing, TLS, answers).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
clients=${2:-8}
bclients=${3:-4}
per=${4:-1000}
single=${BENCH_SINGLE:-1}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-release -j"$(nproc)" --target sorttp bench_messages >/dev/null
bin=build-release/sorttp
b=build-release/bench/bench_messages
tmp=$(mktemp -d /tmp/sorttp-bench-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
$b gen "$n" "$tmp/msgs"
parse=$($b parse "$tmp/msgs")
read -r ijw_rate ijw_us < <($b ijw "$tmp/msgs")
load_parse=$(load)

$bin init --data "$tmp/cli" >/dev/null
$bin party add backoffice --role berichtenverkeer --data "$tmp/cli" >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$tmp/cli.cpu" \
  $bin import messages "$tmp/msgs" --as backoffice --data "$tmp/cli" >"$tmp/cli.out" 2>/dev/null || true
end=$(date +%s.%N)
cli_cpu=$(awk '{print $1 + $2}' "$tmp/cli.cpu")
cli_secs=$(echo "$end - $start" | bc -l)
cli_rate=$(echo "$n / $cli_secs" | bc -l)
load_cli=$(load)

# cpu PID: the process's user + system CPU seconds so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' /proc/"$1"/stat; }
# threads PID: "TID NAME CPU-seconds" of each live thread.
threads() {
  for t in /proc/"$1"/task/*; do
    printf '%s %s ' "${t##*/}" "$(tr -d ' ' <"$t/comm")"
    sed 's/^.*) //' "$t/stat" | awk -v hz="$(getconf CLK_TCK)" '{print ($12 + $13) / hz}'
  done 2>/dev/null
}
# bythread BEFORE AFTER NAME: the CPU seconds the threads called NAME used
# in between (msg-writer, MHD-listen, ind-refresh); a thread that started
# in between counts from 0. Connection threads are gone by then: they are
# the daemon's CPU less the named threads'.
bythread() {
  awk -v name="$3" 'NR == FNR {b[$1] = $3; next} $2 == name {s += $3 - b[$1]} END {print s + 0}' "$1" "$2"
}
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
threads $pid >"$tmp/threads0"
load_batch0=$(load)
read -r brate bok bdup bbad bsecs bccpu < <($b batch "$url/v1/messages" "$token" "$tmp/batch/tls/cert.pem" "$tmp/msgs" "$bclients" "$per")
bcpu=$(echo "$(cpu $pid) - $c0" | bc -l)
threads $pid >"$tmp/threads1"
bwcpu=$(bythread "$tmp/threads0" "$tmp/threads1" msg-writer)
blcpu=$(bythread "$tmp/threads0" "$tmp/threads1" MHD-listen)
brcpu=$(bythread "$tmp/threads0" "$tmp/threads1" ind-refresh)
bhwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
load_batch=$(load)
kill $pid; wait $pid 2>/dev/null || true; pid=

if [ "$single" != 0 ]; then
  serve "$tmp/http"
  c0=$(cpu $pid)
  threads $pid >"$tmp/threads0"
  load_http0=$(load)
  read -r rate ok dup bad secs < <($b http "$url/v1/messages" "$token" "$tmp/http/tls/cert.pem" "$tmp/msgs" "$clients")
  hcpu=$(echo "$(cpu $pid) - $c0" | bc -l)
  threads $pid >"$tmp/threads1"
  hwcpu=$(bythread "$tmp/threads0" "$tmp/threads1" msg-writer)
  hlcpu=$(bythread "$tmp/threads0" "$tmp/threads1" MHD-listen)
  hrcpu=$(bythread "$tmp/threads0" "$tmp/threads1" ind-refresh)
  load_http=$(load)
  hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  kill $pid; wait $pid 2>/dev/null || true; pid=
fi
us() { echo "$1 * 1000000 / $n" | bc -l; }
printf 'bench_messages: %d messages; load average now %s\n' "$n" "$(load)"
printf 'parsers, in memory (load %s): libxml2 xmlReadMemory %.0f documents/s; sorttp iJw parser %.0f messages/s, %.1f us CPU per message\n' \
  "$load_parse" "$parse" "$ijw_rate" "$ijw_us"
printf 'CLI import (load %s): %.2f s, %.0f messages/s, %.0f us CPU per message: %s\n' \
  "$load_cli" "$cli_secs" "$cli_rate" "$(us "$cli_cpu")" "$(tail -n 1 "$tmp/cli.out")"
printf 'HTTPS batches of %d, %d keep-alive clients (load %s before, %s after): %.2f s, %.0f messages/s (201: %d, 200: %d, other: %d); daemon peak RSS %.1f MB\n' \
  "$per" "$bclients" "$load_batch0" "$load_batch" "$bsecs" "$brate" "$bok" "$bdup" "$bbad" "$(echo "$bhwm/1024" | bc -l)"
printf '  CPU per message: daemon %.1f us (threads: message writer %.1f us, listener %.1f us, indicator refresher %.1f us, connections %.1f us), client %.1f us\n' \
  "$(us "$bcpu")" "$(us "$bwcpu")" "$(us "$blcpu")" "$(us "$brcpu")" \
  "$(us "$(echo "$bcpu - $bwcpu - $blcpu - $brcpu" | bc -l)")" "$(us "$bccpu")"
printf '  capacity of 2 idle cores: %.0f messages/s (daemon and client), %.0f messages/s (daemon alone); writer alone at most %.0f messages/s\n' \
  "$(echo "2 * $n / ($bcpu + $bccpu)" | bc -l)" "$(echo "2 * $n / $bcpu" | bc -l)" \
  "$(echo "$n / ($bwcpu + 0.000001)" | bc -l)"
if [ "$single" != 0 ]; then
  printf 'HTTPS one message per request, %d keep-alive clients (load %s before, %s after): %.2f s, %.0f messages/s (201: %d, 200: %d, other: %d); daemon peak RSS %.1f MB\n' \
    "$clients" "$load_http0" "$load_http" "$secs" "$rate" "$ok" "$dup" "$bad" "$(echo "$hwm/1024" | bc -l)"
  printf '  CPU per message: daemon %.1f us (threads: message writer %.1f us, listener %.1f us, indicator refresher %.1f us, connections %.1f us)\n' \
    "$(us "$hcpu")" "$(us "$hwcpu")" "$(us "$hlcpu")" "$(us "$hrcpu")" \
    "$(us "$(echo "$hcpu - $hwcpu - $hlcpu - $hrcpu" | bc -l)")"
fi
printf 'batches over HTTPS / CLI import: %.2f (target >= 0.8); batches: %.0f messages/s (target >= 20000)\n' \
  "$(echo "$brate / $cli_rate" | bc -l)" "$brate"
