#!/usr/bin/env bash
# The attack harness of issue #11 on the 5,000-client demo region: for an
# analist of the whole region, of cluster DUO and of one gemeente, two
# aanbieders and all those analisten together, every withheld count solved
# exactly against everything the party may obtain, and the utility (share
# of cells withheld per indicator, level and period type).
#
#   bash bench/bench_attack.sh [CLIENTS] [LP_SECONDS]
#
# LP_SECONDS caps the LP time per party (default 600); counts the LP could
# not settle in time are printed as "undecided".
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-5000}
lpsec=${2:-600}
build=${BUILD:-build}

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target sorttp sorttp_attack >/dev/null
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$build"/sorttp init --data "$data" >/dev/null 2>&1
"$build"/sorttp demo --data "$data" --clients "$clients" >/dev/null 2>&1
add() { "$build"/sorttp party add "$@" --data "$data" >/dev/null; }
add bench-regio --role analist --scope cluster:Amsterdam --scope cluster:Amstelveen-Aalsmeer \
  --scope cluster:DUO --scope cluster:Zaanstreek-Waterland
add bench-duo --role analist --scope cluster:DUO
add bench-0362 --role analist --scope gemeente:0362
# Two aanbieders with data: the demo registers them as demo-aanbieder-AGB.
mapfile -t aanb < <("$build"/sorttp party list --data "$data" | awk '$2 == "aanbieder" {print $1}' | head -n 2)
echo "attack on sorttp demo --clients $clients (k from the default configuration), LP budget ${lpsec}s per party"
for p in bench-regio bench-duo bench-0362 "${aanb[@]}"; do
  /usr/bin/time -f "  wall %e s, max RSS %M kB" \
    "$build"/tests/sorttp_attack --data "$data" --party "$p" --utility --show 5 --lp-seconds "$lpsec"
done
/usr/bin/time -f "  wall %e s, max RSS %M kB" \
  "$build"/tests/sorttp_attack --data "$data" --union bench-regio,bench-duo,bench-0362 --show 0 \
  --lp-seconds "$lpsec"
