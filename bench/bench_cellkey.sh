#!/usr/bin/env bash
# The loss of accuracy of the cell-key method (issue #11, item 4) on the
# demo region: every count and share of the indicator cube, perturbed as
# "disclosure": "cellkey" publishes it, against the unperturbed cube.
# Prints the perturbation table, then per period type the mean absolute
# deviation of the counts, the share of counts changed, the mean relative
# deviation of counts of 10 or more, the cells left out (perturbed to 0)
# and the mean absolute deviation of the percentages in points.
#
#   bash bench/bench_cellkey.sh [CLIENTS] [MAX_DEVIATION VARIANCE JS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-5000}
shift || true
build=${BUILD:-build}

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSORTTP_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target sorttp bench_cellkey >/dev/null
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$build"/sorttp init --data "$data" >/dev/null 2>&1
"$build"/sorttp demo --data "$data" --clients "$clients" >/dev/null 2>&1
echo "cell-key method on sorttp demo --clients $clients"
"$build"/bench/bench_cellkey "$data" "$@" 2> >(grep -v " info: " >&2)
