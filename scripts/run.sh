#!/usr/bin/env bash
# Quick start: install, build, initialise a data folder (filled with
# synthetic demo data the first time) and run the daemon on its embedded
# default (SQLite, generated key, self-signed certificate).
#
#   bash scripts/run.sh            data in ./data, listens on 127.0.0.1:8443
#   SORTTP_DATA=/srv/sorttp SORTTP_LISTEN=0.0.0.0:8443 bash scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

data=${SORTTP_DATA:-$PWD/data}
listen=${SORTTP_LISTEN:-127.0.0.1:8443}

bash scripts/deps.sh
# Started as root, sorttp serve switches to the user "sorttp".
if [ "$(id -u)" -eq 0 ] && ! id sorttp >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin sorttp
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "sorttp: built build/sorttp" >&2

if [ ! -e "$data/sorttp.key" ]; then
  build/sorttp init --data "$data"
  # Only a folder made just now gets demo data: a newcomer sees real
  # indicators at once, and existing data is never mixed with it.
  build/sorttp demo --data "$data"
fi

# Fresh parties for trying the daemon, made on every run (names are never
# reused) and valid for a week only, so that no run leaves an eternal
# token behind, least of all one that reads the whole region. Revoke one
# earlier with: build/sorttp party revoke NAME
days=7
name="quickstart-$(date +%Y%m%d%H%M%S)"
token=$(build/sorttp party add "$name" --role monitor --expires "${days}d" \
  --data "$data" | tail -n 1)
# An analist for the whole region, to read the indicators.
scopes=()
for c in Amsterdam Amstelveen-Aalsmeer DUO Zaanstreek-Waterland; do
  scopes+=(--scope "cluster:$c")
done
atoken=$(build/sorttp party add "$name-analist" --role analist "${scopes[@]}" \
  --expires "${days}d" --data "$data" | tail -n 1)
# An aanbieder of the demo data (its own figures, upload, manual entry):
# a party of its own beside the demo's, with the first demo AGB code.
# (awk reads the whole list: an early exit would end party list with
# SIGPIPE, which pipefail turns into the script's end.)
agb=$(build/sorttp party list --data "$data" |
  awk '$1 ~ /^demo-aanbieder-/ && $2 == "aanbieder" && $5 == "-" && agb == "" { agb = $3 }
       END { print agb }')
ptoken=""
if [ -n "$agb" ]; then
  ptoken=$(build/sorttp party add "$name-aanbieder" --role aanbieder \
    --agb "$agb" --expires "${days}d" --data "$data" | tail -n 1)
fi
expires=$(date -u -d "+${days} days" +%Y-%m-%d)
port=${listen##*:}
host=${listen%:*}
case $host in 0.0.0.0|"[::]"|127.0.0.1) host=localhost ;; esac
url="https://$host:$port/"
cat >&2 <<MSG

sorttp: the web app is at $url
(the certificate is self-signed: $data/tls/cert.pem; accept it once in the
browser). Log in with one of these tokens, valid until $expires:

  analist, the whole region:  $atoken
MSG
if [ -n "$ptoken" ]; then
  echo "  aanbieder, AGB $agb:     $ptoken" >&2
else
  echo "  (no demo aanbieder in $data: add one with build/sorttp party add)" >&2
fi
cat >&2 <<MSG

The API with the same tokens ('$name' is a monitor, for /metrics):

  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $token" https://localhost:$port/v1/whoami
  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $token" https://localhost:$port/metrics
  curl --cacert $data/tls/cert.pem https://localhost:$port/healthz
  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $atoken" "https://localhost:$port/v1/indicators/uitval?by=cluster&period=year"
  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $atoken" "https://localhost:$port/v1/indicators/doelrealisatie?by=aanbieder&format=csv"
  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $atoken" -o uitval.xlsx "https://localhost:$port/v1/indicators/uitval?by=gemeente&format=xlsx"

The same answers locally: build/sorttp indicators uitval --by cluster --period year --data $data

Stop with Ctrl-C.
MSG
exec build/sorttp serve --data "$data" --listen "$listen"
