#!/bin/sh
# Share of breakdown groups withheld (issue #15): every indicator by every
# uitsplitsing, by gemeente, cluster and regio, per year FROM..TO, as an
# analist of the whole demo region; the groups ("totaal" left out) that
# come back withheld, per indicator and per indicator x uitsplitsing.
#
#   bench/bench_bdshare.sh BIN DATA [FROM TO]     (default 2022-01 2026-12)
#
# Adds a party bd-share-analist to DATA when it has none, and (as every
# query does) to its disclosure history and audit trail.
set -eu
BIN=${1:?usage: $0 BIN DATA [FROM TO]}
DATA=${2:?usage: $0 BIN DATA [FROM TO]}
FROM=${3:-2022-01}
TO=${4:-2026-12}
P=bd-share-analist

"$BIN" party list --data "$DATA" 2>/dev/null | grep -q "^$P " ||
    "$BIN" party add "$P" --role analist --scope cluster:Amsterdam \
    --scope cluster:Amstelveen-Aalsmeer --scope cluster:DUO \
    --scope cluster:Zaanstreek-Waterland --data "$DATA" >/dev/null
for k in doelrealisatie tevredenheid uitval aanlevering; do
	for u in leeftijd geslacht productcategorie gebied; do
		for by in gemeente cluster regio; do
			"$BIN" indicators "$k" --by "$by" --period year \
			    --from "$FROM" --to "$TO" --uitsplitsing "$u" \
			    --as "$P" --data "$DATA" 2>/dev/null |
			    grep -o '"groep":"[^"]*"[^{}]*"suppressed":[a-z]*' |
			    sed "s/^/$k $u /"
		done
	done
done | awk '$3 !~ /^"groep":"totaal"/ {
	w = $NF ~ /true$/
	n[$1]++; s[$1] += w; n[$1 " " $2]++; s[$1 " " $2] += w
    }
    END {
	for (key in n)
		printf "%-32s %5d groups, %5d withheld (%.1f%%)\n", key,
		    n[key], s[key], 100 * s[key] / n[key]
    }' | sort
