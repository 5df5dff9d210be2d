#!/usr/bin/env bash
# Checks that every person the service acknowledged (201, recorded by load.lua in ACK_DIR/acked-*.txt) is in
# PERSONS_JSON (the body of GET /person). Prints "acked=N missing=M" and the missing ids; exit 1 if any is missing.
# usage: verify-acked.sh ACK_DIR PERSONS_JSON
set -euo pipefail
if (($# != 2)); then
  echo "usage: $0 ACK_DIR PERSONS_JSON" >&2
  exit 2
fi
ack_dir=$1
persons=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jq -r '.[].person_id' "$persons" | LC_ALL=C sort -u >"$tmp/stored"
find "$ack_dir" -maxdepth 1 -name 'acked-*.txt' -exec cat {} + | LC_ALL=C sort -u >"$tmp/acked"
LC_ALL=C comm -23 "$tmp/acked" "$tmp/stored" >"$tmp/missing"
acked=$(wc -l <"$tmp/acked")
missing=$(wc -l <"$tmp/missing")
echo "acked=${acked} missing=${missing}"
if ((missing > 0)); then
  head -n 20 "$tmp/missing" | sed 's/^/missing: /'
  exit 1
fi
