#!/usr/bin/env bash
# Event latency and webhook fan-out (documented in BENCHMARKS.md, "Events and webhooks"). One command:
#   bench/events.sh [--rate 500] [--duration 20s] [--fanout-rate 10] [--fanout-duration 20s] [--warmup 60s]
#                   [--drain 30s] [--scenarios "latency fanout"] [--mem 512m] [--out DIR]
# Starts the standalone store and the packaged service (auth off, the container's JVM flags, plain-http loopback
# receivers allowed: CRM_WEBHOOKS_ALLOW_HTTP/ALLOW_PRIVATE=true), warms it up with a short run, then:
#   latency: 1 subscription to contact.*, contacts created at --rate for --duration; change to delivered webhook
#            (receive time - the event's occurredAt) p50/p99/max, and lost events (every created contact must arrive);
#   fanout:  at --fanout-rate, 10 healthy subscriptions, then 10 where one receiver takes 5 s per call and one is down
#            (connection refused): the other 8's latency against the all-healthy run, and the service's heap after a
#            full GC (jcmd GC.run, then GC.heap_info) before and after the degraded run; each receiver on its own
#            port, as separate receivers are separate hosts;
#   samehost: the degraded fan-out again with all ten receivers behind one host:port (not in the default list).
# Load and receivers are bench/driver's `webhooks` command (io.crm.bench.Webhooks). Every run is bounded (duration +
# drain); loopback only; every process it starts is stopped on exit. Results: $OUT/results.jsonl, $OUT/summary.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JCMD="$(dirname "$JAVA")/jcmd"

RATE=500
DURATION=20s
FANOUT_RATE=10
FANOUT_DURATION=20s
WARMUP=60s
DRAIN=30s
SCENARIOS="latency fanout"
MEM=512m
OUT=/tmp/crm-bench-events-$(date +%Y%m%d-%H%M%S)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) RATE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --fanout-rate) FANOUT_RATE=$2; shift 2 ;;
    --fanout-duration) FANOUT_DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --drain) DRAIN=$2; shift 2 ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

require_tools curl python3
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
CLK_TCK=$(getconf CLK_TCK)
quiesce() { # until the store and the service use under 10 % of a core over half a second (at most 90 s)
  local deadline=$((SECONDS + 90)) a b
  while ((SECONDS < deadline)); do
    a=$(cpu_ticks "$STORE_PID" "$APP_PID"); sleep 0.5; b=$(cpu_ticks "$STORE_PID" "$APP_PID")
    (( (b - a) * 200 / CLK_TCK < 10 )) && return 0
  done
  log "warning: still busy after 90 s"
}
# heap in use right after a full collection (KiB): what survives, so a leak shows as growth between two samples
heap_after_gc() {
  "$JCMD" "$APP_PID" GC.run > /dev/null 2>&1 || true
  "$JCMD" "$APP_PID" GC.heap_info > "$OUT/heap-$1.txt" 2>&1 || true
  # Serial: "DefNew total NK, used NK" and "Tenured total NK, used NK" (older JDKs: "def new generation"...)
  { grep -E '^ *(DefNew|Tenured|def new generation|tenured generation|garbage-first heap)' "$OUT/heap-$1.txt" || true; } |
    awk '{ for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); u += v } } END { print u + 0 }'
}

mapfile -t JVM_FLAGS < <(image_jvm_flags "$ROOT" "$MEM")
((${#JVM_FLAGS[@]} > 0)) || exit 1
emit "{\"kind\":\"machine\",\"nproc\":$(nproc),\"java\":\"$("$JAVA" -version 2>&1 | sed -n 2p)\",\"flags\":\"${JVM_FLAGS[*]}\",\"loadavg_start\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

take_port STORE_PORT
"$JAVA" -jar "$APP_JAR" --store-only --port="$STORE_PORT" --data-dir="$OUT/store" > "$OUT/store.log" 2>&1 &
STORE_PID=$!; PIDS+=("$STORE_PID")
wait_port "$STORE_PORT" 60 "$STORE_PID" || { log "store did not start, see $OUT/store.log"; exit 1; }
take_port APP_PORT; take_port MPORT
env PORT="$APP_PORT" MANAGEMENT_PORT="$MPORT" MONGODB_URI="mongodb://127.0.0.1:$STORE_PORT/crm_db" \
  CRM_AUTH_ENABLED=false CRM_WEBHOOKS_ALLOW_HTTP=true CRM_WEBHOOKS_ALLOW_PRIVATE=true \
  "$JAVA" "${JVM_FLAGS[@]}" "-Xlog:gc:file=$OUT/gc.log:uptime,level,tags" -jar "$APP_JAR" > "$OUT/service.log" 2>&1 &
APP_PID=$!; PIDS+=("$APP_PID")
BASE="http://127.0.0.1:$APP_PORT"
wait_http "$BASE/ready" 180 "$APP_PID" || { log "service not ready, see $OUT/service.log"; exit 1; }
log "service on $BASE (pid $APP_PID), store pid $STORE_PID"

webhooks() { # scenario-name driver-options... -> emits the driver's JSON line with the scenario's name
  local name=$1 line cpu0 scpu0 cpu1 scpu1; shift
  cpu0=$(cpu_ticks "$APP_PID"); scpu0=$(cpu_ticks "$STORE_PID")
  line=$(timeout 900 "$JAVA" -jar "$DRIVER_JAR" webhooks --base "$BASE" --drain "${DRAIN%s}" "$@" 2>>"$OUT/driver.err" |
    grep '^{' | tail -1 || true)
  cpu1=$(cpu_ticks "$APP_PID"); scpu1=$(cpu_ticks "$STORE_PID")
  if [[ -n $line ]]; then
    emit "{\"kind\":\"webhooks\",\"scenario\":\"$name\",\"cpu_ms\":$(( (cpu1 - cpu0) * 1000 / CLK_TCK )),\"store_cpu_ms\":$(( (scpu1 - scpu0) * 1000 / CLK_TCK )),${line#\{}"
    log "$name: $(python3 -c 'import json, sys; print("created %(created)s at %(achieved_rate)s/s, healthy p50 %(p50_ms)s ms, p99 %(p99_ms)s ms, max %(max_ms)s ms, lost %(lost)s" % json.loads(sys.argv[1]))' "$line")"
  else
    emit "{\"kind\":\"webhooks\",\"scenario\":\"$name\",\"error\":\"no result (driver.err)\"}"
    log "$name: no result, see $OUT/driver.err"
  fi
}

log "warm-up: ${WARMUP%s}s at 100 changes/s, 2 subscriptions"
webhooks warmup --rate 100 --duration "${WARMUP%s}" --subs 2 --tag warm
quiesce

for s in $SCENARIOS; do
  case "$s" in
    latency)
      log "latency: ${RATE}/s for ${DURATION%s}s, 1 subscription"
      webhooks latency --rate "$RATE" --duration "${DURATION%s}" --subs 1 --tag lat
      quiesce ;;
    fanout)
      log "fan-out: ${FANOUT_RATE}/s for ${FANOUT_DURATION%s}s, 10 healthy subscriptions"
      webhooks fanout_healthy --rate "$FANOUT_RATE" --duration "${FANOUT_DURATION%s}" --subs 10 --tag fh
      quiesce
      before=$(heap_after_gc before-degraded)
      rss0=$(rss_kib "$APP_PID")
      log "fan-out: 10 subscriptions, one 5 s per call, one down (heap after GC before: $before KiB)"
      webhooks fanout_degraded --rate "$FANOUT_RATE" --duration "${FANOUT_DURATION%s}" --subs 10 --slow 1 --down 1 --tag fd
      after=$(heap_after_gc after-degraded)
      rss1=$(rss_kib "$APP_PID")
      emit "{\"kind\":\"heap\",\"scenario\":\"fanout_degraded\",\"after_gc_before_kib\":$before,\"after_gc_after_kib\":$after,\"growth_kib\":$((after - before)),\"rss_before_kib\":$rss0,\"rss_after_kib\":$rss1}"
      log "heap after GC: $before KiB before, $after KiB after ($((after - before)) KiB)"
      quiesce ;;
    samehost)
      # the degraded fan-out with all receivers behind one host:port (e.g. one SaaS endpoint, several paths)
      log "fan-out, receivers on one host:port: 10 subscriptions, one 5 s per call, one down"
      webhooks fanout_degraded_same_host --rate "$FANOUT_RATE" --duration "${FANOUT_DURATION%s}" --subs 10 --slow 1 \
        --down 1 --same-host true --tag fs
      quiesce ;;
    *) log "unknown scenario $s" ;;
  esac
done
emit "{\"kind\":\"machine_end\",\"loadavg_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

python3 - "$RESULTS" > "$OUT/summary.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| scenario | rate (target / achieved) | created | create p99 ms | healthy receivers | p50 ms | p99 ms | max ms | lost | dup | service CPU ms | store CPU ms |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    if r["kind"] == "webhooks" and "error" not in r:
        print(f"| {r['scenario']} | {r['rate']:.0f} / {r['achieved_rate']:.0f} | {r['created']} (+{r['create_errors']} errors) | {r['create_p99_ms']:.0f} | {r['healthy_receivers']} | {r['p50_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['lost']} | {r['duplicates']} | {r['cpu_ms']} | {r['store_cpu_ms']} |")
    elif r["kind"] == "webhooks":
        print(f"| {r['scenario']} | {r['error']} |")
for r in rows:
    if r["kind"] == "webhooks" and r.get("slow") and "receivers" in r:
        for x in r["receivers"]:
            if x["slow"]:
                print(f"\nSlow receiver ({r['scenario']}): {x['calls']} calls, {x['received']} of {r['created']} contacts delivered")
    if r["kind"] == "heap":
        print(f"\nHeap after full GC: {r['after_gc_before_kib']} KiB before the degraded run, {r['after_gc_after_kib']} KiB after"
              f" ({r['growth_kib']:+d} KiB); RSS {r['rss_before_kib']} -> {r['rss_after_kib']} KiB")
PY
log "done: $OUT/summary.md"
cat "$OUT/summary.md"
