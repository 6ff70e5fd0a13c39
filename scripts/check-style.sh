#!/usr/bin/env bash
# Mechanical style checks, run first by scripts/test.sh (and CI):
#  1. the banned functions (STYLE.md; curl bans them the same way) appear
#     nowhere in src/, tests/ or bench/;
#  2. every error code written as a literal where an answer is made is one
#     of include/errors.h, where each code is defined once (docs/errors.md
#     documents them; tests/unit/test_errors.c holds those two together).
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0

banned='\b(sprintf|strcpy|strcat|strtok|atoi|atol|gets)[[:space:]]*\('
if grep -rnE "$banned" src tests bench --include='*.c' --include='*.h'; then
  echo "check-style: banned function (use snprintf, util_fmt, util_strtonum, strtok_r is banned too: split by hand)" >&2
  fail=1
fi

# The defined codes, then the literals at the places that answer with one.
codes=$(grep -oE '^#define ERR_[A-Z0-9_]+[[:space:]]+"[a-z0-9_]+"' include/errors.h |
  grep -oE '"[a-z0-9_]+"' | tr -d '"' | sort -u)
used=$(grep -rhoE \
  -e 'http_reply_error\([^,]+, *[0-9]+, *"[a-z0-9_]+"' \
  -e 'answer_error\([^,]+, *[0-9]+, *"[a-z0-9_]+"' \
  -e 'ingest_error_json\( *"[a-z0-9_]+"' \
  -e 'err_add\([^"]*"[a-z0-9_]+"' \
  -e 'refuse\(a, *"[a-z0-9_]+"' \
  -e 'return "[a-z]+_[a-z0-9_]+";' \
  src | grep -oE '"[a-z0-9_]+";?$' | tr -d ';' | tr -d '"' | sort -u || true)
for c in $used; do
  if ! grep -qx "$c" <<<"$codes"; then
    echo "check-style: error code \"$c\" is not defined in include/errors.h" >&2
    fail=1
  fi
done
exit $fail
