#!/bin/sh
# A synthetic configuration of national shape for `sorttp demo`: N
# gemeenten (default 342) in C clusters (default 42, the jeugdregio's),
# written as DIR/sorttp.json and DIR/gemeenten.json (with a copy of
# config/questionnaires/). The codes (3001..)
# and names ("Gemeente 001", "Jeugdregio 01") are fictional; gemeente i
# goes to cluster i mod C, so every cluster has N/C gemeenten, give or
# take one. The demo gives each gemeente synthetic population weights and
# postcode ranges (docs/operations.md).
#
#   [PUBLICATIE=alles] bench/national_config.sh DIR [N [C]]
#   sorttp init --data D --config DIR/sorttp.json
#   sorttp demo --data D --config DIR/sorttp.json --clients 1250000
#
# A config holds at most 512 gemeenten in 64 clusters (CFG_MAX_GEMEENTEN,
# CFG_MAX_CLUSTERS); check-config refuses more with the limit in its
# message.
set -eu

DIR=${1:?usage: $0 DIR [N [C]]}
N=${2:-342}
C=${3:-42}
[ "$N" -ge 1 ] && [ "$N" -le 6999 ] && [ "$C" -ge 1 ] && [ "$C" -le "$N" ] ||
    { echo "national_config: need 1 <= C <= N <= 6999" >&2; exit 2; }
mkdir -p "$DIR"

awk -v n="$N" -v c="$C" 'BEGIN {
	printf "{\n  \"clusters\": [\n"
	for (k = 0; k < c; k++) {
		printf "    {\n      \"naam\": \"Jeugdregio %02d\",\n", k + 1
		printf "      \"gemeenten\": [\n"
		first = 1
		for (i = k; i < n; i += c) {
			printf "%s        { \"code\": \"%04d\", " \
			    "\"naam\": \"Gemeente %03d\" }", first ? "" : ",\n",
			    3001 + i, i + 1
			first = 0
		}
		printf "\n      ]\n    }%s\n", k + 1 < c ? "," : ""
	}
	printf "  ],\n  \"opgeheven\": []\n}\n"
}' >"$DIR/gemeenten.json"

# The questionnaire definitions of the source tree beside it.
rm -rf "$DIR/questionnaires"
cp -r "$(dirname "$0")/../config/questionnaires" "$DIR/questionnaires"

# What a national deployment publishes of one aanbieder (docs/operations.md,
# "A national deployment"): per gemeente per year, per jeugdregio per month,
# nationally per quarter. PUBLICATIE=alles writes no block: every period at
# every level, as in the region.
if [ "${PUBLICATIE:-landelijk}" = alles ]; then
	cat >"$DIR/sorttp.json" <<JSON
{
  "reference": {
    "gemeenten": "gemeenten.json"
  }
}
JSON
else
	cat >"$DIR/sorttp.json" <<JSON
{
  "reference": {
    "gemeenten": "gemeenten.json"
  },
  "publicatie": {
    "aanbieder_gemeente": "jaar",
    "aanbieder_cluster": "maand",
    "aanbieder_regio": "kwartaal"
  }
}
JSON
fi
echo "national_config: $DIR/sorttp.json ($N gemeenten in $C clusters)"
