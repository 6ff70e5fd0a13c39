#!/bin/sh
# Correctness guard for the indicator engine: a fixed set of about 150
# queries (every indicator x by x period, filters, an aanbieder's view with
# its vergelijking, CSV, an analist's breakdowns by every uitsplitsing),
# answered by a binary on a data folder through
# `sorttp indicators`, one hash per answer.
#
#   bench/ind_golden.sh BIN                 hashes of BIN's answers
#   BASE_BIN=main/sorttp bench/ind_golden.sh BIN
#                                           both binaries, compared: exit 1
#                                           on any answer that differs
#
#   GOLDEN_REF=hashes.txt bench/ind_golden.sh BIN
#                                           compared with hashes saved from
#                                           the first form (same folder)
#
# GOLDEN_DATA=DIR uses that data folder; without it a fresh demo folder is
# made once (`sorttp demo --clients 2000 --seed 7`, by BASE_BIN when given)
# under GOLDEN_DIR (default /tmp/sorttp-golden) and reused while it exists.
# The demo is dated on today, so compare binaries on one folder on one day.
# Every snapshot adds to the folder's disclosure history (and audit trail),
# which later answers depend on: each binary runs the queries in the same
# order on a fresh copy of the folder, which itself is never queried.
set -eu

BIN=${1:?usage: [BASE_BIN=base] $0 BIN}
BIN=$(readlink -f "$BIN")
BASE=${BASE_BIN:-}
[ -n "$BASE" ] && BASE=$(readlink -f "$BASE")
GDIR=${GOLDEN_DIR:-/tmp/sorttp-golden}
DATA=${GOLDEN_DATA:-$GDIR/demo2000}
FROM=${GOLDEN_FROM:-2021-01}
TO=${GOLDEN_TO:-2026-12}

if [ ! -d "$DATA" ]; then
	mk=${BASE:-$BIN}
	mkdir -p "$(dirname "$DATA")"
	"$mk" init --data "$DATA" >/dev/null 2>&1
	"$mk" demo --data "$DATA" --clients 2000 --seed 7 >/dev/null 2>&1
fi

# The AGB codes of three demo aanbieders and one aanbieder party.
parties=$("${BASE:-$BIN}" party list --data "$DATA" 2>/dev/null |
    awk '$2 == "aanbieder" { print $1 }' | head -3)
agbs=$(echo "$parties" | sed 's/.*-//' | paste -sd, -)
party1=$(echo "$parties" | head -1)
agb1=$(echo "$agbs" | cut -d, -f1)
ANALIST=golden-analist

# One query per line: NAME ARGS...
queries() {
	for k in doelrealisatie tevredenheid uitval aanlevering; do
		for by in aanbieder gemeente cluster regio; do
			for p in month quarter year; do
				echo "$k-$by-$p $k --by $by --period $p" \
				    "--from $FROM --to $TO"
			done
		done
		echo "$k-csv-aanbieder $k --by aanbieder --period quarter" \
		    "--from $FROM --to $TO --format csv"
		echo "$k-csv-gemeente $k --by gemeente --period year" \
		    "--from $FROM --to $TO --format csv"
		echo "$k-csv-regio-month $k --by regio --period month" \
		    "--from $FROM --to $TO --format csv"
		echo "$k-default $k"
		echo "$k-f-cluster $k --by gemeente --period quarter" \
		    "--from $FROM --to $TO --cluster Amsterdam,DUO"
		echo "$k-f-gemeente $k --by aanbieder --period year" \
		    "--from $FROM --to $TO --gemeente 0363,0358"
		echo "$k-f-aanbieder $k --by gemeente --period quarter" \
		    "--from $FROM --to $TO --aanbieder $agbs"
		echo "$k-f-aanbieder-by-agb $k --by aanbieder --period month" \
		    "--from $FROM --to $TO --aanbieder $agbs"
		echo "$k-as-aanbieder-month $k --by regio --period month" \
		    "--from 2024-01 --to $TO --as $party1"
		echo "$k-f-agb1-month $k --by cluster --period month" \
		    "--from 2025-01 --to $TO --aanbieder $agb1"
		echo "$k-as-aanbieder $k --by gemeente --period quarter" \
		    "--from $FROM --to $TO --as $party1"
		echo "$k-as-aanbieder-csv $k --by cluster --period year" \
		    "--from $FROM --to $TO --as $party1 --format csv"
		# Breakdowns (analisten only, --period year).
		for u in leeftijd geslacht productcategorie gebied; do
			for by in gemeente cluster regio; do
				echo "$k-uit-$u-$by $k --by $by --period year" \
				    "--from $FROM --to $TO --uitsplitsing $u" \
				    "--as $ANALIST"
			done
		done
	done
}

# Prints NAME HASH for every query (the hash covers stdout and the exit),
# on a fresh copy of the data folder.
run() {
	local d
	d=$(mktemp -d /tmp/sorttp-golden-run-XXXXXX)
	cp -a "$DATA/." "$d/"
	# The analist of the breakdown queries, made on the copy by one
	# binary for both runs (the folder itself stays untouched), with
	# the demo's four clusters in scope so that --by regio answers too.
	"${BASE:-$BIN}" party add "$ANALIST" --role analist \
	    --scope cluster:Amsterdam --scope cluster:Amstelveen-Aalsmeer \
	    --scope cluster:DUO --scope cluster:Zaanstreek-Waterland \
	    --data "$d" >/dev/null 2>&1
	# A binary of a newer schema migrates its copy first (no-op else).
	"$1" migrate --data "$d" >/dev/null 2>&1
	queries | while read -r name args; do
		# shellcheck disable=SC2086
		h=$({ "$1" indicators $args --data "$d" 2>/dev/null &&
		    echo "exit 0" || echo "exit $?"; } | sha256sum |
		    cut -c1-16)
		echo "$name $h"
	done
	rm -rf "$d"
}

REF=${GOLDEN_REF:-}
if [ -z "$BASE" ] && [ -z "$REF" ]; then
	run "$BIN"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$REF" ]; then
	cp "$REF" "$tmp/base"
else
	run "$BASE" >"$tmp/base"
fi
run "$BIN" >"$tmp/new"
n=$(wc -l <"$tmp/base")
if diff "$tmp/base" "$tmp/new" >"$tmp/diff"; then
	echo "ind_golden: $n answers identical ($DATA)"
	exit 0
fi
echo "ind_golden: answers differ ($DATA):"
grep '^[<>]' "$tmp/diff"
exit 1
