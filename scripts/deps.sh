#!/usr/bin/env bash
# Installs what sorttp needs to build, run and test on Debian 12.
# Only Debian packages; nothing else is downloaded.
set -euo pipefail

pkgs=(build-essential cmake pkg-config curl ca-certificates
      libmicrohttpd-dev libgnutls28-dev libssl-dev libsqlite3-dev sqlite3
      libcsv-dev libcjson-dev libxml2-dev libcurl4-openssl-dev
      clang libclang-rt-dev bc
      gnutls-bin openssl libseccomp-dev gdb passwd
      libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
      systemd mandoc nodejs npm lintian   # operations checks: systemd-analyze,
                      # mandoc -Tlint, @redocly/cli (tools/openapi), the .deb
      libglpk-dev     # disclosure control's exact audit
      libxlsxwriter-dev unzip)  # indicators as .xlsx; the tests read them back

missing=()
for p in "${pkgs[@]}"; do
  # A Node.js from elsewhere (NodeSource) already brings npm: keep it.
  case $p in nodejs|npm) command -v npm >/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "sorttp: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
