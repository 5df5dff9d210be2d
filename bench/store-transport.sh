#!/usr/bin/env bash
# Read cost of the embedded store over its private Unix domain socket versus TCP loopback, through the MongoDB
# driver the service uses (src/test/java/io/crm/store/StoreTransportBench.java). In-process, loopback only,
# bounded: ROUNDS x (OPS point reads + THREADS x OPS concurrent point reads + OPS/20 100-document reads) per transport.
# usage: bench/store-transport.sh [ROUNDS=5] [OPS=5000] [THREADS=8]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
cd "$ROOT"
rounds=${1:-5}
ops=${2:-5000}
threads=${3:-8}
classpath=""
test_classpath "$ROOT" classpath
java_bin=${BENCH_JAVA:-java}
timeout 900 "$java_bin" -Xmx512m -Dlogback.configurationFile=bench/store-transport-logback.xml \
  -cp "$classpath" \
  io.crm.store.StoreTransportBench "$rounds" "$ops" "$threads"
