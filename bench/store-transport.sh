#!/usr/bin/env bash
# Read cost of the embedded store over its private Unix domain socket versus TCP loopback, through the MongoDB
# driver the service uses (src/test/java/io/crm/store/StoreTransportBench.java). In-process, loopback only,
# bounded: ROUNDS x (OPS point reads + THREADS x OPS concurrent point reads + OPS/20 100-document reads) per transport.
# usage: bench/store-transport.sh [ROUNDS=5] [OPS=5000] [THREADS=8]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
ops=${2:-5000}
threads=${3:-8}
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
./mvnw -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
java_bin=${BENCH_JAVA:-java}
timeout 900 "$java_bin" -Xmx512m -Dlogback.configurationFile=bench/store-transport-logback.xml \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  io.crm.store.StoreTransportBench "$rounds" "$ops" "$threads"
