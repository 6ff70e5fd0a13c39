#!/usr/bin/env bash
# browser_suite: the web app in Debian's chromium (playwright-core, axe-core)
# against the real daemon over TLS with demo data (issue #13).
#
#   run.sh SORTTP [SCREENS_DIR]
#
# Makes a data folder with `sorttp demo` (BROWSER_CLIENTS, default 1000:
# quick under ASan, and small enough that some cells are suppressed), adds
# the parties the suite logs in as, then runs tests/browser/suite.mjs twice:
# once against a daemon that refreshes its indicator snapshot every second
# (manual entry must show in the figures), once against one whose sessions
# end after a few seconds (idle and absolute session expiry). Screenshots of
# every page (1280x800) go to SCREENS_DIR.
#
# Needs `npm ci --prefix tests/browser --ignore-scripts` first (scripts/test.sh
# does it); nothing is downloaded here, and no browser but /usr/bin/chromium.
set -euo pipefail
sorttp=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
screens=${2:-$PWD/browser-screens}
mkdir -p "$screens"

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  echo "browser_suite: $here/node_modules is missing: run" \
    "npm ci --prefix tests/browser --ignore-scripts" >&2
  exit 1
fi
chromium=${BROWSER_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "browser_suite: $chromium is missing (Debian package chromium, scripts/deps.sh)" >&2
  exit 1
fi

root=$(mktemp -d /tmp/sorttp-browser-XXXXXX)
# As root, serve becomes the user "sorttp": it must pass through root.
chmod 0711 "$root"
data=$root/data
pid=""
log=""
# Stops the daemon; a daemon that does not exit 0 (a sanitizer report, a
# crash) fails the suite, with its log.
stop() {
  local st=0
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "browser_suite: the daemon did not stop within 30 s" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || st=$?
    if [ "$st" -ne 0 ]; then
      echo "browser_suite: the daemon exited with status $st; its log:" >&2
      tail -n 60 "$log" >&2
      pid=""
      return 1
    fi
  fi
  pid=""
}
cleanup() {
  stop || true
  if [ -n "${SORTTP_KEEP_TMP:-}" ]; then
    echo "browser_suite: kept $root" >&2
  else
    rm -rf "$root"
  fi
}
trap cleanup EXIT

"$sorttp" init --data "$data" >/dev/null 2>&1
"$sorttp" demo --data "$data" --clients "${BROWSER_CLIENTS:-1000}" >/dev/null 2>&1

# Configurations beside their reference files (relative paths in the config
# are relative to its folder).
cp "$src/config/gemeenten.json" "$root/"
cp -r "$src/config/questionnaires" "$root/"
printf '{"limits": {"indicator_refresh_s": 1}}\n' >"$root/snel.json"
printf '{"limits": {"indicator_refresh_s": 1, "session_idle_s": 3, "session_max_age_s": 20}}\n' \
  >"$root/kort.json"

token() { "$sorttp" party add "$@" --data "$data" | tail -n 1; }
# Demo AGB codes (src/demo_gen.c): these aanbieders have figures.
export BROWSER_AGB_1=87651614 BROWSER_AGB_2=87651763 BROWSER_AGB_3=87651791
export BROWSER_GEMEENTE=0362
BROWSER_TOKEN_ANALIST=$(token browser-analist --role analist --scope cluster:Amsterdam \
  --scope cluster:Amstelveen-Aalsmeer --scope cluster:DUO --scope cluster:Zaanstreek-Waterland)
BROWSER_TOKEN_ANALIST_GEMEENTE=$(token browser-analist-gemeente --role analist \
  --scope "gemeente:$BROWSER_GEMEENTE")
BROWSER_TOKEN_AANBIEDER_1=$(token browser-aanbieder-1 --role aanbieder --agb "$BROWSER_AGB_1")
BROWSER_TOKEN_AANBIEDER_2=$(token browser-aanbieder-2 --role aanbieder --agb "$BROWSER_AGB_2")
BROWSER_TOKEN_INTREKKEN=$(token browser-intrekken --role aanbieder --agb "$BROWSER_AGB_3")
export BROWSER_TOKEN_ANALIST BROWSER_TOKEN_ANALIST_GEMEENTE BROWSER_TOKEN_AANBIEDER_1 \
  BROWSER_TOKEN_AANBIEDER_2 BROWSER_TOKEN_INTREKKEN
export BROWSER_PARTY_INTREKKEN=browser-intrekken
export BROWSER_SORTTP=$sorttp BROWSER_DATA=$data BROWSER_SCREENS=$screens
export BROWSER_CHROMIUM=$chromium

# Starts the daemon with config $1 on a free port; sets pid and BROWSER_URL.
start() {
  log=$root/serve-$(basename "$1" .json).log
  local line
  "$sorttp" serve --data "$data" --listen 127.0.0.1:0 --config "$1" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    line=$(grep -m1 -o 'sorttp: listening on https://127\.0\.0\.1:[0-9]*' "$log" || true)
    if [ -n "$line" ]; then
      export BROWSER_URL=${line#sorttp: listening on }
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "browser_suite: the daemon exited:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "browser_suite: the daemon did not listen within 120 s" >&2
  cat "$log" >&2
  exit 1
}

rc=0
start "$root/snel.json"
node "$here/suite.mjs" main || rc=1
stop || rc=1
start "$root/kort.json"
node "$here/suite.mjs" verlopen || rc=1
stop || rc=1
exit $rc
