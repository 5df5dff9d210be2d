#!/usr/bin/env bash
# The embedded store's stored forms against the older one (H2's Java serialization), side by side in one JVM after a
# warm-up round (documented in BENCHMARKS.md, "The embedded store at 100,000 records"). One command:
#   bench/stored-forms.sh [ROUNDS=5] [N=20000]
# Prints per round: a contact's read and write, a unique-index lookup among N keys, each older / new, and the ratio.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"
rounds=${1:-5}
n=${2:-20000}
classpath=""
test_classpath "$ROOT" classpath
java_bin=${BENCH_JAVA:-java}
timeout 600 "$java_bin" -Xmx512m -cp "$classpath" \
  io.crm.store.StoredFormsBench "$rounds" "$n"
