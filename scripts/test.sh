#!/usr/bin/env bash
# The whole test suite: install; build with warnings as errors (a hardened
# release build, the libFuzzer harnesses for a short run each, and a debug
# build with AddressSanitizer and UBSan); run every unit and integration test
# under the sanitizers with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Mechanical style checks first: they take a second and need no build.
bash scripts/check-style.sh

bash scripts/deps.sh
# As root, sorttp serve switches to the user "sorttp" (docs/operations.md);
# the integration tests run it that way, as CI does.
if [ "$(id -u)" -eq 0 ] && ! id sorttp >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin sorttp
fi
jobs=$(nproc)

# The release build proves the hardening flags (_FORTIFY_SOURCE needs -O)
# compile cleanly; the tests then run on the sanitizer build.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSORTTP_WERROR=ON >/dev/null
cmake --build build-release -j"$jobs"

# The Debian package (CPack): its contents, lintian with no errors, and the
# packaged binary and configuration initialising and serving a data folder.
bash scripts/deb.sh

# Every libFuzzer harness (clang) runs briefly over its seed corpus; a
# crash or a wrong answer fails the suite. Longer runs: see tests/fuzz.
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DSORTTP_WERROR=ON \
  -DSORTTP_SANITIZE=ON -DSORTTP_FUZZ=ON -DSORTTP_TESTS=OFF -DSORTTP_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$jobs"
for f in build-fuzz/tests/fuzz/fuzz_*; do
  name=$(basename "$f"); seeds=tests/fuzz/seeds/${name#fuzz_}
  scratch=$(mktemp -d)
  "$f" -max_total_time="${SORTTP_FUZZ_SECONDS:-15}" -print_final_stats=0 "$scratch" "$seeds" 2>&1 | tail -n 1
  rm -rf "$scratch"
done

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSORTTP_WERROR=ON -DSORTTP_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# docs/openapi.yaml linted with @redocly/cli, pinned in
# tools/openapi/package-lock.json and installed there (npm ci, no install
# scripts); tests/ops/test_openapi.c compares it with the route table.
npm ci --prefix tools/openapi --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
tools/openapi/node_modules/.bin/redocly lint --format=stylish docs/openapi.yaml
# The web app's browser suite (ctest browser_suite): playwright-core and
# axe-core pinned in tests/browser/package-lock.json, installed the same
# way; it drives Debian's chromium, never a downloaded browser.
npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null

# The systemd unit's exposure score, for the log (tests/ops checks <= 2.0).
systemd-analyze security --offline=yes build-asan/sorttp.service 2>/dev/null | tail -n 1 || true

cd build-asan
ctest --output-on-failure -j"$jobs"
