#!/usr/bin/env bash
# Indicator snapshot benchmark (issue 15, national scale): for a binary
# (and BASE_BIN, another one, in the same run for a ratio) on one demo
# data folder:
#   - the CLI's snapshot build: wall time and its split (store read,
#     facts, cube, disclosure; as far as the binary logs it), CPU time and
#     peak RSS of the whole `sorttp indicators` run (/usr/bin/time -v);
#   - the daemon: peak RSS after its first snapshot and after a refresh,
#     and the time from an accepted upload (201) to the first answer that
#     includes it (indicator_refresh_s REFRESH_S, default 10, the
#     product default: an accepted upload wakes the refresher).
#   bash bench/bench_snapshot.sh [CLIENTS]            (default 250000)
# BENCH_DATA=DIR reuses (or keeps) the data folder; BIN=path (default
# build-release/sorttp); BASE_BIN=path adds the same figures for it;
# BENCH_LOG=path keeps each daemon's log as path.new, path.base;
# CLI_RUNS=N measures the CLI build N times a binary (default 1), taking
# turns between the binaries, for figures on a busy machine.
# BASE_DATA=DIR gives BASE_BIN a folder of its own (the same demo at its
# own schema, when the binaries' schemas differ; default the same one).
# REF_BIN=path REF_DATA=DIR add a third binary's CLI build only (no
# daemon), e.g. the release whose figures an issue quotes, on its own
# demo folder of the same size: the ratio new/ref is a figure that does
# not depend on how fast the machine is at the moment.
# The new binary migrates its folder first (a no-op when current).
# A run adds one scores upload (20 eind measurements) per binary to the
# folder; the figures of a reused folder so grow by a few rows a run.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-250000}
bin=$(readlink -f "${BIN:-build-release/sorttp}")
base=${BASE_BIN:+$(readlink -f "$BASE_BIN")}
refresh=${REFRESH_S:-10}
tmp=$(mktemp -d /tmp/sorttp-bsnap-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
data=${BENCH_DATA:-$tmp/data}
ref=${REF_BIN:+$(readlink -f "$REF_BIN")}
if [ -n "$ref" ] && [ ! -e "${REF_DATA:-}/sorttp.db" ]; then
	echo "REF_BIN needs REF_DATA, a demo folder made by it" >&2
	exit 2
fi

# The data folder of a binary's tag.
new_data=$data
dir_of() {
	case $1 in
	base) echo "${BASE_DATA:-$new_data}" ;;
	ref) echo "$REF_DATA" ;;
	*) echo "$new_data" ;;
	esac
}

if [ ! -e "$data/sorttp.db" ]; then
	"$bin" init --data "$data" >/dev/null
	start=$(date +%s.%N)
	nice "$bin" demo --data "$data" --clients "$clients" --seed 7 \
	    >"$tmp/demo.out" 2>/dev/null
	printf 'demo data: %s clients in %.1f s\n' "$clients" \
	    "$(echo "$(date +%s.%N) - $start" | bc -l)"
fi
[ -e "$data/sorttp.db" ] && "$bin" migrate --data "$data" >/dev/null
# BENCH_CONFIG=FILE: that configuration (e.g. bench/national_config.sh's)
# with indicator_refresh_s set, for the CLI and the daemon; the upload
# goes to its first gemeente and the analist gets all its clusters.
cfgdir=${BENCH_CONFIG:+$(dirname "$BENCH_CONFIG")}
cp -r "${cfgdir:-config}/gemeenten.json" "${cfgdir:-config}/questionnaires" "$tmp/"
python3 - "$tmp" "$refresh" "${BENCH_CONFIG:-}" <<'PY'
import json, sys
tmp, refresh, src = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cfg = json.load(open(src)) if src else {}
cfg.setdefault("limits", {})["indicator_refresh_s"] = refresh
if src:
    cfg.setdefault("reference", {})["gemeenten"] = "gemeenten.json"
    cfg["reference"]["questionnaires"] = "questionnaires"
json.dump(cfg, open(tmp + "/bench.json", "w"))
ref = json.load(open(tmp + "/gemeenten.json"))
open(tmp + "/scopes", "w").write("".join("cluster:" + c["naam"] + "\n"
    for c in ref["clusters"]))
open(tmp + "/gemeente", "w").write(ref["clusters"][0]["gemeenten"][0]["code"])
PY
gem=$(cat "$tmp/gemeente")

# A valid BSN (11-proef) from a 8-digit prefix, or nothing.
bsn() {
	local p=$1 s=0 i d
	for i in 0 1 2 3 4 5 6 7; do
		d=${p:$i:1}
		s=$((s + d * (9 - i)))
	done
	d=$((s % 11))
	[ "$d" -le 9 ] && echo "$p$d"
}

# A scores CSV of 20 new clients (BSNs from the run's time and OFF) with
# an eind measurement today at aanbieder AGB.
upload() {
	local agb=$1 off=$2 i=0 k=$2 s
	echo "bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_1;gewicht_1;probleemafname;zonder_hulp_verder"
	while [ $i -lt 20 ]; do
		s=$(bsn "$(printf '7%02d%05d' $((n / 1000000000 % 100)) $k)") || true
		k=$((k + 1))
		[ -n "$s" ] || continue
		echo "$s;$((n % 1000000 + off + i));$gem;$agb;$(date +%d-%m-%Y);eind;1;1;3;ja"
		i=$((i + 1))
	done
}

cli() {	# BIN TAG: CLI build of one answer
	local b=$1 log=$tmp/cli.log d
	d=$(dir_of "$2")
	/usr/bin/time -v "$b" indicators uitval --by regio --period year \
	    --data "$d" ${BENCH_CONFIG:+--config "$tmp/bench.json"} \
	    >/dev/null 2>"$log" || { cat "$log"; exit 1; }
	local built split cpu rss
	built=$(grep -o 'built in [0-9]* ms.*' "$log" | tail -n 1)
	cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2}
	    END {printf "%.1f", u + s}' "$log")
	rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$log")
	printf '  CLI: snapshot %s; process CPU %s s, peak RSS %s MB\n' \
	    "$built" "$cpu" "$rss"
	echo "$2 $(echo "$built" | sed 's/built in \([0-9]*\) ms.*/\1/')" \
	    >>"$tmp/ms"
}

daemon() {	# BIN TAG: daemon RSS and upload -> first answer
	local b=$1 tag=$2 n url ca atoken ptoken agb y before t0 t1 body data
	data=$(dir_of "$tag")
	n=$(date +%s%N)
	local sc=() x
	while IFS= read -r x; do sc+=(--scope "$x"); done <"$tmp/scopes"
	atoken=$("$b" party add "bs-analist-$n" --role analist "${sc[@]}" \
	    --data "$data" ${BENCH_CONFIG:+--config "$tmp/bench.json"} |
	    tail -n 1)
	# The whole list first: head would cut a long one's pipe (pipefail).
	"$b" party list --data "$data" >"$tmp/parties"
	agb=$(sed -n 's/.*demo-aanbieder-\([0-9]\{8\}\).*/\1/p' \
	    "$tmp/parties" | sed -n 1p)
	ptoken=$("$b" party add "bs-aanbieder-$n" --role aanbieder \
	    --agb "$agb" --data "$data" | tail -n 1)
	"$b" serve --data "$data" --listen 127.0.0.1:0 \
	    --config "$tmp/bench.json" 2>"$tmp/serve.log" &
	pid=$!
	for _ in $(seq 300); do
		grep -qs "listening on" "$tmp/serve.log" && break
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log"; exit 1; }
		sleep 0.1
	done
	url=$(sed -n 's/^sorttp: listening on //p' "$tmp/serve.log")
	ca="$data/tls/cert.pem"
	y=$(date +%Y)
	q="$url/v1/indicators/doelrealisatie?by=regio&period=year&from=$y-01&to=$y-12"
	t0=$(date +%s.%N)
	before=$(curl -sf --cacert "$ca" -H "Authorization: Bearer $atoken" "$q")
	t1=$(date +%s.%N)
	printf '  daemon: first answer after start %.1f s, peak RSS %s MB\n' \
	    "$(echo "$t1 - $t0" | bc -l)" \
	    "$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' /proc/$pid/status)"
	# Two uploads of 20 new clients with an eind measurement today, at
	# the aanbieder: the first right after the first answer (the
	# refresher has just built: a woken build waits one build time after
	# it, and a second without uploads), the second after the daemon was
	# idle for IDLE_S seconds (default 5).
	local u pause label
	for u in 0 1; do
		label="right after a build"
		if [ "$u" = 1 ]; then
			pause=${IDLE_S:-5}
			label="after $pause s idle"
			sleep "$pause"
			before=$(curl -sf --cacert "$ca" -H "Authorization: Bearer $atoken" "$q")
		fi
		upload "$agb" $((u * 100)) >"$tmp/up.csv"
		t0=$(date +%s.%N)
		curl -sf --cacert "$ca" -H "Authorization: Bearer $ptoken" \
		    -H 'Content-Type: text/csv' --data-binary @"$tmp/up.csv" \
		    "$url/v1/scores" >/dev/null
		t1=$(date +%s.%N)
		while :; do
			body=$(curl -sf --cacert "$ca" -H "Authorization: Bearer $atoken" "$q")
			[ "$body" != "$before" ] && break
			sleep 0.05
		done
		printf '  daemon: upload %s accepted in %.2f s, first answer including it %.2f s after (refresh every %s s), peak RSS %s MB\n' \
		    "$label" \
		    "$(echo "$t1 - $t0" | bc -l)" \
		    "$(echo "$(date +%s.%N) - $t1" | bc -l)" "$refresh" \
		    "$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' /proc/$pid/status)"
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
	[ -n "${BENCH_LOG:-}" ] && cp "$tmp/serve.log" "$BENCH_LOG.$tag"
	"$b" party revoke "bs-analist-$n" --data "$data" >/dev/null 2>&1 || true
	"$b" party revoke "bs-aanbieder-$n" --data "$data" >/dev/null 2>&1 || true
	: "$tag"
}

echo "bench_snapshot: $data ($(du -sh "$data/sorttp.db" | cut -f1) database)"
runs=${CLI_RUNS:-1}
tag_of() {
	case $1 in
	"$bin") echo new ;;
	"$ref") echo ref ;;
	*) echo base ;;
	esac
}
if [ "$runs" -gt 1 ] || [ -n "$ref" ]; then
	for _ in $(seq "$runs"); do
		for b in "$bin" ${base:+"$base"} ${ref:+"$ref"}; do
			tag=$(tag_of "$b")
			printf '%s ' "$tag"
			cli "$b" "$tag"
		done
	done
	# Medians of the snapshot's build time, and their ratios to new's.
	sort -k1,1 -k2,2n "$tmp/ms" | awk '
	    { v[$1, ++n[$1]] = $2 }
	    END {
		for (t in n) {
			c = n[t]
			if (c % 2)
				m[t] = v[t, (c + 1) / 2]
			else
				m[t] = (v[t, c / 2] + v[t, c / 2 + 1]) / 2
		}
		printf "CLI build, median of %d runs:", n["new"]
		for (t in m)
			printf " %s %.0f ms", t, m[t]
		for (t in m)
			if (t != "new")
				printf "; new/%s %.2f", t, m["new"] / m[t]
		printf "\n"
	    }'
fi
for b in "$bin" ${base:+"$base"}; do
	tag=$(tag_of "$b")
	echo "$tag: $b"
	[ "$runs" -gt 1 ] || [ -n "$ref" ] || cli "$b" "$tag"
	daemon "$b" "$tag"
done
