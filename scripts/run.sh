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

# A fresh monitor token for trying the API; names are never reused, so each
# run makes its own. Revoke old ones with: build/sorttp party revoke NAME
name="quickstart-$(date +%Y%m%d%H%M%S)"
token=$(build/sorttp party add "$name" --role monitor --data "$data" | tail -n 1)
# And an analist for the whole region, to read the indicators.
scopes=()
for c in Amsterdam Amstelveen-Aalsmeer DUO Zaanstreek-Waterland; do
  scopes+=(--scope "cluster:$c")
done
atoken=$(build/sorttp party add "$name-analist" --role analist "${scopes[@]}" \
  --data "$data" | tail -n 1)
port=${listen##*:}
cat >&2 <<MSG

sorttp: party '$name' (role monitor) and '$name-analist' (role analist,
the whole region) can try the API:

  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $token" https://localhost:$port/v1/whoami
  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $token" https://localhost:$port/metrics
  curl --cacert $data/tls/cert.pem https://localhost:$port/healthz
  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $atoken" "https://localhost:$port/v1/indicators/uitval?by=cluster&period=year"
  curl --cacert $data/tls/cert.pem -H "Authorization: Bearer $atoken" "https://localhost:$port/v1/indicators/doelrealisatie?by=aanbieder&format=csv"

The same answers locally: build/sorttp indicators uitval --by cluster --period year --data $data

Stop with Ctrl-C.
MSG
exec build/sorttp serve --data "$data" --listen "$listen"
