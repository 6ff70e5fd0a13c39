#!/usr/bin/env bash
# attack_small: the attack harness on a small demo region. Asserts that no
# party can pin a withheld count below k or confine it inside (0, k), and
# that the harness's model never contradicts the true counts.
#
#   attack_small.sh SORTTP SORTTP_ATTACK
#
# ATTACK_CLIENTS (default 150) and ATTACK_LP_SECONDS (default 10 per party)
# keep it within a minute under ASan; undecided counts fail the test.
set -euo pipefail
sorttp=$1
attack=$2
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$sorttp" init --data "$data" >/dev/null 2>&1
"$sorttp" demo --data "$data" --clients "${ATTACK_CLIENTS:-150}" --seed 11 >/dev/null 2>&1
add() { "$sorttp" party add "$@" --data "$data" >/dev/null; }
add small-regio --role analist --scope cluster:Amsterdam --scope cluster:Amstelveen-Aalsmeer \
  --scope cluster:DUO --scope cluster:Zaanstreek-Waterland
add small-duo --role analist --scope cluster:DUO
add small-0362 --role analist --scope gemeente:0362
parties=$("$sorttp" party list --data "$data")
aanb=$(awk '$2 == "aanbieder" {print $1}' <<<"$parties" | sed -n 1p)
# Two years keep the LP small; every party is attacked, failures at the end.
"$attack" --data "$data" --from 2025-01 --to 2026-12 --show 10 \
  --lp-seconds "${ATTACK_LP_SECONDS:-10}" --expect-safe \
  --party small-regio --party small-duo --party small-0362 --party "$aanb"
