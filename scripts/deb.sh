#!/usr/bin/env bash
# Builds the Debian package with CPack and checks it: dpkg-deb -c lists
# what it installs, lintian must report no errors. Output: build-deb/*.deb.
# Installing it: docs/operations.md (Debian package).
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSORTTP_WERROR=ON \
  -DSORTTP_TESTS=OFF -DSORTTP_BENCH=OFF -DCMAKE_INSTALL_PREFIX=/usr \
  -DSORTTP_ETC_DIR=/etc -DSORTTP_SYSTEMD_UNIT_DIR=/lib/systemd/system >/dev/null
cmake --build build-deb -j"$(nproc)" >/dev/null
(cd build-deb && cpack -G DEB >/dev/null)
deb=$(ls build-deb/sorttp_*.deb)
echo "$deb:"
contents=$(dpkg-deb -c "$deb")
echo "$contents"
for f in ./usr/bin/sorttp ./lib/systemd/system/sorttp.service ./etc/sorttp/sorttp.json \
         ./usr/share/man/man8/sorttp.8.gz ./usr/share/man/man5/sorttp.json.5.gz \
         ./usr/share/doc/sorttp/copyright; do
  grep -q " $f\$" <<<"$contents" || { echo "the package lacks $f"; exit 1; }
done
if command -v lintian >/dev/null; then
  # Errors fail the build; warnings are printed for the log.
  lintian --fail-on error --tag-display-limit 0 "$deb"
else
  echo "lintian not installed: package not checked"
fi

# The packaged files work: the extracted binary initialises a data folder
# with the packaged configuration and serves /healthz on a free port.
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/sorttp conf=$tmp/root/etc/sorttp/sorttp.json
"$bin" check-config --config "$conf"
"$bin" init --data "$tmp/data" --config "$conf" >/dev/null
"$bin" serve --data "$tmp/data" --config "$conf" --listen 127.0.0.1:0 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do
  url=$(sed -n 's/^sorttp: listening on \(https:[^ ]*\)$/\1/p' "$tmp/log")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/log"; echo "the packaged daemon did not start"; exit 1; }
curl -sS --cacert "$tmp/data/tls/cert.pem" "$url/healthz"; echo
kill "$pid"; wait "$pid"
echo "package ok: $deb"
