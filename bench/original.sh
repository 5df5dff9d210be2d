#!/usr/bin/env bash
# Writes against the original Flask service, side by side on the same store (documented in BENCHMARKS.md, "Writes
# against the original service"). One command:
#   bench/original.sh --original DIR [--connections "8 32"] [--duration 10s] [--warmup 10s] [--n 10000] [--out DIR]
#                     [--mem 512m]
# DIR is a checkout of the original repository (github.com/Barak911/CloudOps_CRM); its code is never copied here.
# Runs it as its image does (app/Dockerfile's CMD: gunicorn with the same --workers and --timeout, read from that
# file) on Debian's gunicorn, python3-flask and python3-pymongo, with bench/original/shims standing in for the two
# PyPI-only packages it imports (Flask-PyMongo, prometheus-flask-exporter). Starts the standalone store, seeds it,
# starts the packaged service (auth off, the container's JVM flags) and the original (MONGO_URI to its own database on
# the same store, so its collection has what it has as deployed: only the _id index), warms both up, then per
# concurrency: the raw driver's insertOne into the contacts collection (the limit), the original's
# POST /person/{id}, the service's POST /person/{id} and POST /api/v1/contacts, back to back, waiting for idle
# between runs. Loopback only, bounded in time, every process it starts is stopped on exit.
# Results: $OUT/results.jsonl and $OUT/summary.md (ratios against the targets).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
BENCH="$ROOT/bench"
JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

ORIGINAL=""
CONNECTIONS="8 32"
DURATION=10s
WARMUP=10s
N=10000
MEM=512m
OUT=/tmp/crm-bench-original-$(date +%Y%m%d-%H%M%S)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --original) ORIGINAL=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --n) N=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $ORIGINAL ]] || { echo "--original DIR (a checkout of the original repository) is required" >&2; exit 2; }
DURATION_S=${DURATION%s}
WARMUP_S=${WARMUP%s}

# shellcheck source=SCRIPTDIR/original/lib.sh
. "$BENCH/original/lib.sh"
original_prepare "$ORIGINAL" || exit 1
require_tools wrk curl
[[ -x "$JAVA" ]] || { echo "Java 25 not found at $JAVA (set BENCH_JAVA)" >&2; exit 1; }
APP_JAR=$(packaged_jar "$ROOT") || { echo "build the service first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
DRIVER_JAR=$(driver_jar "$ROOT") || exit 1

bench_output "$OUT"
cp "$APP_JAR" "$OUT/"
APP_JAR="$OUT/$(basename "$APP_JAR")"
PIDS=()
cleanup() { stop_pids 10 "${PIDS[@]:-}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
emit() { echo "$1" >> "$RESULTS"; }
driver() { "$JAVA" -Xss512k -jar "$DRIVER_JAR" "$@" 2>>"$OUT/driver.err"; }
CLK_TCK=$(getconf CLK_TCK)
quiesce() { # until the store and both services use under 10 % of a core over half a second (at most 90 s)
  local deadline=$((SECONDS + 90)) a b qpids
  while ((SECONDS < deadline)); do
    mapfile -t qpids < <(original_pids)
    a=$(cpu_ticks "$STORE_PID" "$APP_PID" "${qpids[@]}"); sleep 0.5
    b=$(cpu_ticks "$STORE_PID" "$APP_PID" "${qpids[@]}")
    (( (b - a) * 200 / CLK_TCK < 10 )) && return 0
  done
  log "warning: still busy after 90 s"
}

# the container's JVM settings, as bench/run.sh uses them (Dockerfile's JAVA_TOOL_OPTIONS + the pod's memory limit)
mapfile -t JVM_FLAGS < <(image_jvm_flags "$ROOT" "$MEM")
((${#JVM_FLAGS[@]} > 0)) || exit 1

emit "{\"kind\":\"machine\",\"nproc\":$(nproc),\"java\":\"$("$JAVA" -version 2>&1 | sed -n 2p)\",$(original_versions),\"loadavg_start\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

take_port STORE_PORT
"$JAVA" -jar "$APP_JAR" --store-only --port="$STORE_PORT" --data-dir="$OUT/store" > "$OUT/store.log" 2>&1 &
STORE_PID=$!; PIDS+=("$STORE_PID")
wait_port "$STORE_PORT" 60 "$STORE_PID" || { log "store did not start, see $OUT/store.log"; exit 1; }
URI="mongodb://127.0.0.1:$STORE_PORT/crm_db"
IDS="$OUT/ids"
log "seeding $N contacts, companies and deals"
driver seed --uri "$URI" --n "$N" --out "$IDS" > /dev/null

take_port APP_PORT; take_port MPORT
env PORT="$APP_PORT" MANAGEMENT_PORT="$MPORT" MONGODB_URI="$URI" CRM_AUTH_ENABLED=false \
  "$JAVA" "${JVM_FLAGS[@]}" -jar "$APP_JAR" > "$OUT/service.log" 2>&1 &
APP_PID=$!; PIDS+=("$APP_PID")
wait_http "http://127.0.0.1:$APP_PORT/ready" 180 "$APP_PID" || { log "service not ready, see $OUT/service.log"; exit 1; }
# its own database on the same store (MONGO_URI, the original's variable), so its collection has what it has as
# deployed: only the _id index
original_start "mongodb://127.0.0.1:$STORE_PORT/crm_original" "$OUT/original.log" || exit 1
PIDS+=("$ORIG_PID")
log "service on $APP_PORT (pid $APP_PID), original on $ORIG_BASE (gunicorn pid $ORIG_PID, $WORKERS $WORKER_CLASS workers)"

export BENCH_IDS="$IDS" BENCH_WRK_DIR="$BENCH/wrk"
run_wrk() { # script connections seconds base -> wrk's JSON line
  local threads=2; (( $2 < threads )) && threads=$2
  BENCH_RUN_TAG="$(date +%s%N | tail -c 9)" timeout $(( $3 + 90 )) \
    wrk -t"$threads" -c"$2" -d"$3s" --timeout 60s -s "$BENCH/wrk/$1.lua" "$4" 2>>"$OUT/wrk.err" | grep '^{' | tail -1
}
ORIGINAL_BASE=$ORIG_BASE; SERVICE_BASE="http://127.0.0.1:$APP_PORT"
TARGETS=("original person_post $ORIGINAL_BASE" "service person_post $SERVICE_BASE" "service contact_post $SERVICE_BASE")

log "warm-up: ${WARMUP_S}s each at 32 connections"
for t in "${TARGETS[@]}"; do read -r who op base <<< "$t"; run_wrk "$op" 32 "$WARMUP_S" "$base" > /dev/null || true; quiesce; done
driver cleanup --uri "$URI" --ids "$IDS" > /dev/null
quiesce

for c in $CONNECTIONS; do
  log "$c connections: driver insertOne into the contacts collection"
  d=$(driver load --uri "$URI" --op contact_post --connections "$c" --duration "$DURATION_S" --warmup 3 --ids "$IDS" |
    grep '^{' | tail -1 || true)
  [[ -n $d ]] && emit "{\"kind\":\"driver\",${d#\{}"
  quiesce
  for t in "${TARGETS[@]}"; do
    read -r who op base <<< "$t"
    log "$c connections: $who $op"
    if [[ $who == original ]]; then pids=$(original_pids); else pids=$APP_PID; fi
    # shellcheck disable=SC2086
    cpu0=$(cpu_ticks $pids); scpu0=$(cpu_ticks "$STORE_PID")
    w=$(run_wrk "$op" "$c" "$DURATION_S" "$base" || true)
    # shellcheck disable=SC2086
    cpu1=$(cpu_ticks $pids); scpu1=$(cpu_ticks "$STORE_PID")
    [[ -n $w ]] && emit "{\"kind\":\"api\",\"who\":\"$who\",\"op\":\"$op\",\"connections\":$c,\"cpu_ms\":$(( (cpu1 - cpu0) * 1000 / CLK_TCK )),\"store_cpu_ms\":$(( (scpu1 - scpu0) * 1000 / CLK_TCK )),${w#\{}"
    quiesce
  done
  driver cleanup --uri "$URI" --ids "$IDS" > /dev/null
  quiesce
done
emit "{\"kind\":\"machine_end\",\"loadavg_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

python3 - "$RESULTS" > "$OUT/summary.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
drv = {r["connections"]: r for r in rows if r["kind"] == "driver"}
api = {(r["who"], r["op"], r["connections"]): r for r in rows if r["kind"] == "api"}
print("| connections | what | req/s | p50 ms | p99 ms | errors | CPU ms | vs original | vs driver insertOne |")
print("|---|---|---|---|---|---|---|---|---|")
for c in sorted(drv):
    d, orig = drv[c], api.get(("original", "person_post", c))
    print(f"| {c} | driver insertOne (contacts collection) | {d['rps']:.0f} | {d['p50_ms']:.1f} | {d['p99_ms']:.1f} | {d['errors']} | - | - | - |")
    for who, op, label in (("original", "person_post", "original POST /person/{id}"),
                           ("service", "person_post", "service POST /person/{id}"),
                           ("service", "contact_post", "service POST /api/v1/contacts")):
        r = api.get((who, op, c))
        if not r:
            print(f"| {c} | {label} | not measured | | | | | | |"); continue
        errs = sum(r[k] for k in r if k.startswith("errors_"))
        vs_orig = f"{r['rps'] / orig['rps']:.2f}x" if orig and who == "service" else "-"
        print(f"| {c} | {label} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {errs} | {r['cpu_ms']} | {vs_orig} | {r['rps'] / d['rps']:.2f} |")
print("\nTargets: service writes >= 2.5x the original, >= 0.70 of the driver's insertOne.")
PY
log "done: $OUT/summary.md"
cat "$OUT/summary.md"
