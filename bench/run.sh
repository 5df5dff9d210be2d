#!/usr/bin/env bash
# The benchmark harness (documented in BENCHMARKS.md). One command:
#   bench/run.sh [--n 10000] [--duration 10s] [--connections "8 32 128"] [--repeat 3] [--ops "..."]
#                [--mem 512m] [--startups 5] [--import-rows 100000] [--skip-startup] [--skip-import] [--out DIR]
#                [--diag] [--driver-warmup 3s] [--warmup 5s] [--auth on|off|both] [--original DIR] [--steady 30s]
#                [--startup-variants "..."] [--jar JAR] [--training 45s] [--store-warmup 30s] [--scale DIR]
# --original DIR (a checkout of the original Flask service, bench/original/lib.sh) also runs the original on the same
# store, reading the same seeded persons (copied into its own database in its own shape, with a person_id index), and
# measures its GET /person/{id} right after the service's in every repeat: the "x the original" ratio.
# --steady 30s (0 to skip): the JIT's time to steady throughput, measured in 1 s slices from the first requests (on the
# first --auth mode's service; the other gets the same load unmeasured, so both are as warm when compared).
# --store-warmup 30s: the standalone store is a JVM too (production's MongoDB is not): before the slices, the driver
# reads for this long, so the store's JIT is warm and the slices time the service's alone (0: the old, cold store).
# --training 45s: how long the AOT cache's training run serves its workload, as the image's does (0: the start-only
# training run of before, for a before/after; bench/training.sh compares the two side by side).
# --startup-variants "aotcache" limits the start-up runs to some of: fatjar extracted lazy appcds aotcache springaot
# springaot_aotcache (aotcache is the image's command).
# --jar JAR measures that build of the service instead of target/'s (an older one, for a before/after pair).
# --scale DIR also runs bench/scale.sh --data DIR at the end (the embedded store at 100,000 records: its seeded data
# directory is kept in DIR, or reused from it) on the same jar, and adds its table of targets to the report.
# BENCH_JVM_EXTRA="-XX:..." adds JVM flags to the image's (every start and training run): a JVM setting's before/after.
# --auth (default both): "off" runs the service with CRM_AUTH_ENABLED=false; "on" with authentication, a random
# first-admin password (CRM_ADMIN_PASSWORD_FILE, a 0600 file under $OUT) and an API token made over HTTP Basic that
# the wrk scripts send as "Authorization: Bearer" (passed in the environment, BENCH_TOKEN; never written to a file
# in the repository). "both" runs one service per mode against the same store and measures them back to back, right
# after the same driver run, so both carry a ratio from the same repeat.
# Starts the standalone store, seeds it through the driver, measures start-to-ready (plain, lazy init, AppCDS,
# Java 25 AOT cache, Spring AOT, Spring AOT + AOT cache), starts the packaged service on Java 25 with the container's JVM flags, warms it up, then for every
# repeat x concurrency x operation runs the raw-driver limit and wrk back to back, and finally the CSV-import limit.
# Loopback only, bounded in time, every process it starts is stopped on exit. Results: $OUT/results.jsonl and
# $OUT/report.md (medians and ratios, made by bench/report.py).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
BENCH="$ROOT/bench"
JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JCMD="$(dirname "$JAVA")/jcmd"

N=10000
DURATION=10s
CONNECTIONS="8 32 128"
REPEAT=3
OPS="health person_get person_post contact_get contact_list contact_search contact_post deal_patch"
MEM=512m
STARTUPS=5
IMPORT_ROWS=100000
WARMUP=5s
SKIP_STARTUP=false
SKIP_IMPORT=false
DIAG=false
DRIVER_WARMUP=3
AUTH=both
ORIGINAL=""
JAR=""
SCALE_DATA=""
STEADY_S=30
STORE_WARMUP_S=30
TRAINING_S=45
STARTUP_VARIANTS="fatjar extracted lazy appcds aotcache springaot springaot_aotcache"
OUT=/tmp/crm-bench-$(date +%Y%m%d-%H%M%S)

while [[ $# -gt 0 ]]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --ops) OPS=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --startups) STARTUPS=$2; shift 2 ;;
    --import-rows) IMPORT_ROWS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --skip-startup) SKIP_STARTUP=true; shift ;;
    --skip-import) SKIP_IMPORT=true; shift ;;
    --diag) DIAG=true; shift ;;
    --driver-warmup) DRIVER_WARMUP=${2%s}; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --auth) AUTH=$2; shift 2 ;;
    --original) ORIGINAL=$2; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    --steady) STEADY_S=${2%s}; shift 2 ;;
    --store-warmup) STORE_WARMUP_S=${2%s}; shift 2 ;;
    --training) TRAINING_S=${2%s}; shift 2 ;;
    --startup-variants) STARTUP_VARIANTS=$2; shift 2 ;;
    --scale) SCALE_DATA=$2; shift 2 ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

case "$AUTH" in
  on|off) MODES=("$AUTH") ;;
  both) MODES=(off on) ;;
  *) echo "--auth must be on, off or both" >&2; exit 2 ;;
esac

seconds() { local d=${1%s}; echo "$d"; }
DURATION_S=$(seconds "$DURATION")
WARMUP_S=$(seconds "$WARMUP")
# The container's JVM settings (the Dockerfile's, MaxRAM for the pod's limit, the collector it gets: common.sh)
mapfile -t JVM_FLAGS < <(image_jvm_flags "$ROOT" "$MEM")
((${#JVM_FLAGS[@]} > 0)) || exit 1
# BENCH_JVM_EXTRA: flags to try beside the image's (training runs included), for a before/after of a JVM setting
read -r -a EXTRA_FLAGS <<< "${BENCH_JVM_EXTRA:-}"
JVM_FLAGS+=("${EXTRA_FLAGS[@]}")

bench_output "$OUT"

# ------------------------------------------------------------------ process bookkeeping
PIDS=()
cleanup() { stop_pids 10 "${PIDS[@]:-}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

CLK_TCK=$(getconf CLK_TCK) # cpu_ticks' unit

busy_ticks() { # CPU ticks of the store and every running service
  local t pid
  t=$(cpu_ticks "$STORE_PID")
  for pid in "${APP_PIDS[@]}" ${ORIG_PID:+$(original_pids)}; do t=$((t + $(cpu_ticks "$pid"))); done
  echo "$t"
}
declare -A APP_PIDS=() BASES=()

# Waits (at most 90 s) until the store and the service are idle: a saturated store keeps working through the
# requests queued by the previous run after its clients are gone, and that must not leak into the next figure.
quiesce() {
  local deadline=$((SECONDS + 90)) a b
  while ((SECONDS < deadline)); do
    a=$(busy_ticks)
    sleep 0.5
    b=$(busy_ticks)
    # under 10 % of one core over half a second
    (( (b - a) * 200 / CLK_TCK < 10 )) && return 0
  done
  log "warning: store/service still busy after 90 s"
}

with_fields() { # prepends JSON fields ($1) to the object on the first line of $2
  local fields=$1 json=$2
  if [[ $json == "{"* ]]; then printf '{%s,%s' "$fields" "${json#\{}"; else printf '%s' "$json"; fi
}
emit() { echo "$1" >> "$RESULTS"; }

# ------------------------------------------------------------------ prerequisites
require_tools wrk python3 curl
[[ -x "$JAVA" ]] || { echo "Java 25 not found at $JAVA (set BENCH_JAVA)" >&2; exit 1; }
if [[ -n $JAR ]]; then
  [[ -f $JAR ]] || { echo "no jar $JAR" >&2; exit 1; }
  APP_JAR=$JAR
elif ! APP_JAR=$(packaged_jar "$ROOT"); then
  log "building the service jar"
  (cd "$ROOT" && ./mvnw -B -q -o package -DskipTests)
  APP_JAR=$(packaged_jar "$ROOT")
fi
# a private copy: other builds may rewrite target/ while the benchmark runs
cp "$APP_JAR" "$OUT/"
APP_JAR="$OUT/$(basename "$APP_JAR")"
DRIVER_JAR=$(driver_jar "$ROOT") || exit 1
driver() { "$JAVA" -Xss512k -jar "$DRIVER_JAR" "$@" 2>>"$OUT/driver.err"; }

# The service as the container runs it: the jar extracted (jarmode tools), which is also what CDS and the AOT cache
# need (they cannot map classes out of nested jars).
EXTRACTED="$OUT/app"
"$JAVA" -Djarmode=tools -jar "$APP_JAR" extract --destination "$EXTRACTED" >/dev/null
APP_RUN_JAR="$EXTRACTED/$(basename "$APP_JAR")"

{
  echo "{\"kind\":\"machine\",\"nproc\":$(nproc),\"mem_total_kib\":$(awk '/MemTotal/ {print $2}' /proc/meminfo),"
  echo "\"cpu\":\"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)\","
  echo "\"java\":\"$("$JAVA" -version 2>&1 | sed -n 2p)\",\"wrk\":\"$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)\","
  echo "\"loadavg_start\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"n\":$N,\"duration_s\":$DURATION_S,"
  echo "\"connections\":\"$CONNECTIONS\",\"repeat\":$REPEAT,\"mem\":\"$MEM\",\"jar\":\"$(basename "$APP_JAR")\","
  echo "\"auth\":\"${MODES[*]}\"}"
} | tr -d '\n' >> "$RESULTS"
echo >> "$RESULTS"
log "output in $OUT"

# ------------------------------------------------------------------ start-to-ready
# Starts the service with the embedded store (no MONGODB_URI, fresh data dir: the issue's "with the embedded store")
# and measures wall time from exec to the first 200 from /ready.
startup_once() { # variant java-args... (the launch: -jar X, or -cp Y Main)
  local variant=$1; shift
  local port mport data t0 t1 pid
  take_port port
  take_port mport
  data=$(mktemp -d "$OUT/start-data.XXXX")
  local logfile="$OUT/start-$variant-$i.log"
  t0=$(now_ms)
  PORT=$port MANAGEMENT_PORT=$mport CRM_DATA_DIR=$data CRM_LOG_FORMAT='' \
    "$JAVA" "${JVM_FLAGS[@]}" "$@" > "$logfile" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  local ok=false
  wait_http "http://127.0.0.1:$port/ready" 60 "$pid" 0.02 && ok=true
  t1=$(now_ms)
  local rss; rss=$(rss_kib "$pid")
  stop_pid "$pid"
  rm -rf "$data"
  # lazy initialisation must not skip start-up work: the declared indexes are created by a start-up callback
  local indexes=false
  grep -q "Ensured [0-9]* indexes" "$logfile" && indexes=true
  if $ok; then
    emit "{\"kind\":\"startup\",\"variant\":\"$variant\",\"ms\":$((t1 - t0)),\"rss_kib\":$rss,\"indexes_created\":$indexes}"
    log "startup $variant: $((t1 - t0)) ms (indexes created at start: $indexes)"
  else
    emit "{\"kind\":\"startup\",\"variant\":\"$variant\",\"ms\":null,\"error\":\"not ready within 60 s\"}"
    log "startup $variant: FAILED (see $logfile)"
  fi
}

training_run() { # java-args...: the image's training run (common.sh), its workload for TRAINING_S seconds
  aot_training_run "$JAVA" "$APP_RUN_JAR" "$OUT/train.log" "$TRAINING_S" "${JVM_FLAGS[@]}" "$@" ||
    log "the training run failed (see $OUT/train.log): its cache profiles less"
}

# Spring AOT without touching the build: the same processor the spring-boot-maven-plugin's process-aot goal runs,
# on the extracted jar, then the generated sources compiled next to it (-Dspring.aot.enabled=true uses them).
build_spring_aot() {
  local gen="$OUT/spring-aot" javac
  javac="$(dirname "$JAVA")/javac"
  mkdir -p "$gen/classes"
  "$JAVA" -cp "$APP_RUN_JAR" org.springframework.boot.SpringApplicationAotProcessor "$MAIN_CLASS" \
    "$gen/src" "$gen/res" "$gen/classes" io.crm crm > "$OUT/spring-aot.log" 2>&1 || return 1
  find "$gen/src" -name '*.java' > "$gen/sources.txt"
  "$javac" --release 17 -nowarn -proc:none -cp "$APP_RUN_JAR:$gen/classes" -d "$gen/classes" "@$gen/sources.txt" \
    >> "$OUT/spring-aot.log" 2>&1 || return 1
  cp -r "$gen/res/." "$gen/classes/"
  # a jar, not a directory: CDS and the AOT cache only archive classes loaded from jars
  "$(dirname "$JAVA")/jar" --create --file "$gen/spring-aot.jar" -C "$gen/classes" . >> "$OUT/spring-aot.log" 2>&1
}

MAIN_CLASS=$(python3 -c 'import sys, zipfile
m = zipfile.ZipFile(sys.argv[1]).read("META-INF/MANIFEST.MF").decode()
print([l.split(":", 1)[1].strip() for l in m.splitlines() if l.startswith("Start-Class:")][0])' "$APP_JAR")

if ! $SKIP_STARTUP; then
  log "start-to-ready: Spring AOT, AppCDS archive and AOT cache (training runs)"
  SPRING_AOT=("-Dspring.aot.enabled=true" -cp "$OUT/spring-aot/spring-aot.jar:$APP_RUN_JAR" "$MAIN_CLASS")
  have_spring_aot=false
  build_spring_aot && have_spring_aot=true
  wanted() { [[ " $STARTUP_VARIANTS " == *" $1 "* ]]; } # only the training runs of the variants measured
  wanted appcds && training_run -XX:ArchiveClassesAtExit="$OUT/app.jsa" -jar "$APP_RUN_JAR"
  wanted aotcache && training_run -XX:AOTCacheOutput="$OUT/app.aot" -jar "$APP_RUN_JAR"
  $have_spring_aot && wanted springaot_aotcache &&
    training_run -XX:AOTCacheOutput="$OUT/app-spring.aot" "${SPRING_AOT[@]}"
  variant_ready() { # variant -> whether its artefacts exist (emits the reason once when not)
    local missing=""
    case "$1" in
      appcds) [[ -f "$OUT/app.jsa" ]] || missing="no CDS archive from the training run" ;;
      aotcache) [[ -f "$OUT/app.aot" ]] || missing="no AOT cache from the training run" ;;
      springaot) $have_spring_aot || missing="Spring AOT processing failed (spring-aot.log)" ;;
      springaot_aotcache) { $have_spring_aot && [[ -f "$OUT/app-spring.aot" ]]; } || missing="no Spring AOT + AOT cache" ;;
    esac
    if [[ -n $missing ]]; then
      [[ $i == 1 ]] && emit "{\"kind\":\"startup\",\"variant\":\"$1\",\"ms\":null,\"error\":\"$missing\"}"
      return 1
    fi
  }
  for i in $(seq 1 "$STARTUPS"); do
    for variant in $STARTUP_VARIANTS; do
      variant_ready "$variant" || continue
      case "$variant" in
        # the jar as built (nested jars), the way `java -jar target/crm-*.jar` runs it
        fatjar) startup_once fatjar -jar "$APP_JAR" ;;
        extracted) startup_once extracted -jar "$APP_RUN_JAR" ;;
        lazy) startup_once lazy -Dspring.main.lazy-initialization=true -jar "$APP_RUN_JAR" ;;
        appcds) startup_once appcds -XX:SharedArchiveFile="$OUT/app.jsa" -jar "$APP_RUN_JAR" ;;
        aotcache) startup_once aotcache -XX:AOTCache="$OUT/app.aot" -jar "$APP_RUN_JAR" ;;
        springaot) startup_once springaot "${SPRING_AOT[@]}" ;;
        springaot_aotcache) startup_once springaot_aotcache -XX:AOTCache="$OUT/app-spring.aot" "${SPRING_AOT[@]}" ;;
      esac
    done
  done
fi

# ------------------------------------------------------------------ store + seed
take_port STORE_PORT
"$JAVA" -jar "$APP_JAR" --store-only --port="$STORE_PORT" --data-dir="$OUT/store" > "$OUT/store.log" 2>&1 &
STORE_PID=$!
PIDS+=("$STORE_PID")
wait_port "$STORE_PORT" 60 "$STORE_PID" || { log "store did not start, see $OUT/store.log"; exit 1; }
URI="mongodb://127.0.0.1:$STORE_PORT/crm_db"
IDS="$OUT/ids"
log "seeding $N contacts, companies and deals"
emit "$(driver seed --uri "$URI" --n "$N" --out "$IDS" | sed 's/^{/{"kind":"seed",/')"

# ------------------------------------------------------------------ the service (one per auth mode)
ADMIN_EMAIL=bench-admin@crm.local
ADMIN_PASSWORD_FILE="$OUT/admin-password"
(umask 077 && random_secret 24 > "$ADMIN_PASSWORD_FILE")
BENCH_TOKEN=""
# The image starts from a Java 25 AOT cache made by a training run at build time (Dockerfile), so the service here
# does too: it changes memory (the Serial collector's young generation is never resized, BENCHMARKS.md "Memory").
SERVICE_AOT=()
training_run -XX:AOTCacheOutput="$OUT/service.aot" -jar "$APP_RUN_JAR"
if [[ -f "$OUT/service.aot" ]]; then SERVICE_AOT=("-XX:AOTCache=$OUT/service.aot")
else log "no AOT cache from the training run (train.log): the service starts without one"; fi
emit "{\"kind\":\"service_flags\",\"flags\":\"${JVM_FLAGS[*]} ${SERVICE_AOT[*]:-}\"}"
start_service() { # mode: starts the service with authentication on or off, waits for /ready
  local mode=$1 port mport t0 pid base
  take_port port
  take_port mport
  local auth_env=(CRM_AUTH_ENABLED=false)
  [[ $mode == on ]] && auth_env=(CRM_AUTH_ENABLED=true CRM_ADMIN_EMAIL="$ADMIN_EMAIL" \
    CRM_ADMIN_PASSWORD_FILE="$ADMIN_PASSWORD_FILE")
  t0=$(now_ms)
  env PORT="$port" MANAGEMENT_PORT="$mport" MONGODB_URI="$URI" "${auth_env[@]}" \
    "$JAVA" "${JVM_FLAGS[@]}" "${SERVICE_AOT[@]}" "-Xlog:gc:file=$OUT/gc-auth-$mode.log:uptime,level,tags" \
    -jar "$APP_RUN_JAR" \
    > "$OUT/app-auth-$mode.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  base="http://127.0.0.1:$port"
  local rc=0
  # A safety bound, not a measurement (start-up is measured above): as generous as the rehearsal's, because a JVM
  # start on a loaded 2-core machine can take minutes.
  wait_http "$base/ready" 180 "$pid" || rc=$?
  case $rc in
    0) ;;
    2) log "service (auth $mode) exited, see $OUT/app-auth-$mode.log"; exit 1 ;;
    *) log "service (auth $mode) not ready within 180 s, see $OUT/app-auth-$mode.log"; exit 1 ;;
  esac
  APP_PIDS[$mode]=$pid
  BASES[$mode]=$base
  emit "{\"kind\":\"service_ready\",\"auth\":\"$mode\",\"ms\":$(( $(now_ms) - t0 )),\"rss_kib\":$(rss_kib "$pid"),\"store\":\"external\"}"
  log "service (auth $mode) ready on $base (pid $pid), store pid $STORE_PID"
  if [[ $mode == on ]]; then
    # The token over HTTP Basic; curl reads the credentials from stdin, so they never show in a process listing.
    BENCH_TOKEN=$(printf 'user = "%s:%s"\n' "$ADMIN_EMAIL" "$(<"$ADMIN_PASSWORD_FILE")" |
      curl -sS --fail -K - -H 'Content-Type: application/json' -d '{"name":"bench","expiresInDays":1}' \
        "$base/api/v1/auth/tokens" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') ||
      { log "could not create an API token (see $OUT/app-auth-on.log)"; exit 1; }
    # Authentication really is on: an anonymous API call is refused, the token is accepted.
    local anon with
    anon=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/contacts?limit=1")
    with=$(curl -s -o /dev/null -w '%{http_code}' -K - "$base/api/v1/contacts?limit=1" <<< "$(auth_config on)")
    emit "{\"kind\":\"auth_check\",\"anonymous_status\":$anon,\"bearer_status\":$with}"
    [[ $anon == 401 && $with == 200 ]] || { log "auth on: anonymous $anon, with token $with (expected 401, 200)"; exit 1; }
  fi
}
# curl config lines (for -K -) carrying the mode's credentials: a Bearer header with auth on, nothing with auth off.
auth_config() { if [[ $1 == on ]]; then printf 'header = "Authorization: Bearer %s"\n' "$BENCH_TOKEN"; fi; }
for mode in "${MODES[@]}"; do start_service "$mode"; done
ORIG_PID=""
if [[ -n $ORIGINAL ]]; then
  # shellcheck source=SCRIPTDIR/original/lib.sh
  . "$BENCH/original/lib.sh"
  original_prepare "$ORIGINAL" || exit 1
  emit "$(driver seed-original --uri "$URI" --into crm_original | sed 's/^{/{"kind":"seed_original",/')"
  original_start "mongodb://127.0.0.1:$STORE_PORT/crm_original" "$OUT/original.log" || exit 1
  PIDS+=("$ORIG_PID")
  BASES[original]=$ORIG_BASE
  emit "{\"kind\":\"original\",$(original_versions)}"
  log "original on $ORIG_BASE (gunicorn pid $ORIG_PID, $WORKERS $WORKER_CLASS workers)"
fi
# who serves an operation: the service in each auth mode, and the original for the one read it shares
targets() { printf '%s\n' "${MODES[@]}"; [[ -n $ORIG_PID && $1 == person_get ]] && echo original; return 0; }
BASE=${BASES[${MODES[0]}]}
PROBE_MODE=${MODES[-1]}

# Which operations the service implements right now: each must answer its success status once.
first_contact=$(head -1 "$IDS/contacts.txt"); first_person=$(head -1 "$IDS/persons.txt"); first_deal=$(head -1 "$IDS/deals.txt")
probe() { # op -> http status (against the service of PROBE_MODE, with its credentials)
  local BASE=${BASES[$PROBE_MODE]}
  case "$1" in
    health) curl -s -o /dev/null -w '%{http_code}' -K - "$BASE/health" ;;
    person_get) curl -s -o /dev/null -w '%{http_code}' -K - "$BASE/person/$first_person" ;;
    person_post) curl -s -o /dev/null -w '%{http_code}' -K - -H 'Content-Type: application/json' \
      -d '{"name":"Probe","email":"probe-p@bench.example"}' "$BASE/person/probe-$RANDOM$RANDOM" ;;
    contact_get) curl -s -o /dev/null -w '%{http_code}' -K - "$BASE/api/v1/contacts/$first_contact" ;;
    contact_list) curl -s -o /dev/null -w '%{http_code}' -K - "$BASE/api/v1/contacts?limit=20" ;;
    contact_search) curl -s -o /dev/null -w '%{http_code}' -K - "$BASE/api/v1/contacts?q=mar&limit=20" ;;
    contact_post) curl -s -o /dev/null -w '%{http_code}' -K - -H 'Content-Type: application/json' \
      -d "{\"name\":\"Probe\",\"email\":\"probe-$RANDOM$RANDOM@bench.example\"}" "$BASE/api/v1/contacts" ;;
    deal_patch) curl -s -o /dev/null -w '%{http_code}' -K - -X PATCH -H 'Content-Type: application/merge-patch+json' \
      -d '{"amount":"1.50"}' "$BASE/api/v1/deals/$first_deal" ;;
  esac <<< "$(auth_config "$PROBE_MODE")"
}
expected() { case "$1" in *_post) echo 201 ;; *) echo 200 ;; esac; }
ACTIVE=()
for op in $OPS; do
  status=$(probe "$op" || echo 000)
  if [[ $status == "$(expected "$op")" ]]; then
    ACTIVE+=("$op")
  else
    emit "{\"kind\":\"unavailable\",\"op\":\"$op\",\"status\":\"$status\"}"
    log "skipping $op: the service answered $status (not implemented yet?)"
  fi
done
[[ ${#ACTIVE[@]} -gt 0 ]] || { log "no operation available"; exit 1; }

export BENCH_IDS="$IDS" BENCH_WRK_DIR="$BENCH/wrk"
run_wrk() { # op connections seconds mode -> JSON line (wrk's done())
  local threads=2 token=""
  (( $2 < threads )) && threads=$2
  [[ $4 == on ]] && token=$BENCH_TOKEN
  BENCH_TOKEN="$token" BENCH_RUN_TAG="$(date +%s%N | tail -c 9)" timeout $(( $3 + 90 )) \
    wrk -t"$threads" -c"$2" -d"$3s" --timeout 60s -s "$BENCH/wrk/$1.lua" "${BASES[$4]}" 2>>"$OUT/wrk.err" \
    | grep '^{' | tail -1
}

# ------------------------------------------------------------------ JIT warm-up: time to steady throughput
# From the service's first requests on (it has answered only the probes), GET /api/v1/contacts/{id} in 1 s slices at
# 16 connections for STEADY_S seconds: steady is the median of the last 5 slices, and the time to it is where the
# slices stay at or above 90 % of it. Started as the image starts it (the AOT cache of a training run).
if [[ " ${ACTIVE[*]} " == *" contact_get "* ]] && ((STEADY_S > 0)); then
  # after every service's start has settled (its JIT and its start-up work would take this one's CPU), not after
  # requests: the services have answered only the probes
  if ((STORE_WARMUP_S > 0)); then
    # the store has only been seeded: its own JIT would be warming up inside the service's slices
    log "store warm-up: ${STORE_WARMUP_S} s of the driver's contact_get at 16 connections"
    w=$(driver load --uri "$URI" --op contact_get --connections 16 --duration "$STORE_WARMUP_S" \
      --warmup "$DRIVER_WARMUP" --ids "$IDS" | grep '^{' | tail -1 || true)
    [[ -n "$w" ]] && emit "$(with_fields "\"kind\":\"store_warmup\",\"warmup_s\":$STORE_WARMUP_S" "$w")"
  fi
  quiesce
  log "time to steady throughput: ${STEADY_S} x 1 s of contact_get at 16 connections (auth ${MODES[0]})"
  slices=()
  for _ in $(seq 1 "$STEADY_S"); do
    w=$(run_wrk contact_get 16 1 "${MODES[0]}" || true)
    slices+=("$(printf '%s' "$w" | python3 -c 'import json, sys; t = sys.stdin.read().strip(); print(json.loads(t)["rps"] if t else 0)')")
  done
  emit "{\"kind\":\"steady\",\"op\":\"contact_get\",\"auth\":\"${MODES[0]}\",\"connections\":16,\"rps\":[$(IFS=,; echo "${slices[*]}")]}"
  quiesce
  # the other services get the same load, so that every one is as warm when measured: else the first would have had
  # STEADY_S seconds more of the JIT than the others, and "auth on against off" would measure that
  for mode in "${MODES[@]:1}"; do
    run_wrk contact_get 16 "$STEADY_S" "$mode" > /dev/null || true
    quiesce
  done
fi

# ------------------------------------------------------------------ warm-up
log "warm-up: ${WARMUP_S}s per operation at 32 connections"
for op in "${ACTIVE[@]}"; do
  for mode in $(targets "$op"); do
    run_wrk "$op" 32 "$WARMUP_S" "$mode" > /dev/null || true
    quiesce
  done
done
driver cleanup --uri "$URI" --ids "$IDS" > /dev/null
quiesce
for mode in "${MODES[@]}"; do
  emit "{\"kind\":\"rss_after_warmup\",\"auth\":\"$mode\",\"rss_kib\":$(rss_kib "${APP_PIDS[$mode]}"),\"store_rss_kib\":$(rss_kib "$STORE_PID")}"
  "$JCMD" "${APP_PIDS[$mode]}" GC.heap_info > "$OUT/heap-after-warmup-auth-$mode.txt" 2>&1 || true
done

# ------------------------------------------------------------------ the load: limit and API back to back
# --diag: driver-only runs of the store work the service really does per request (Driver.java, diag_*), and of
# cheaper equivalents, to tell "query shape on this store" apart from "the service itself"
declare -A DIAG_OPS=(
  [person_get]="diag_person_get_as_sent diag_person_get_no_sort"
  [contact_list]="diag_contact_list_as_sent"
  [contact_post]="diag_contact_post_as_sent diag_contact_post_key_only"
  [deal_patch]="diag_deal_patch_as_sent"
)
for r in $(seq 1 "$REPEAT"); do
  for c in $CONNECTIONS; do
    for op in "${ACTIVE[@]}"; do
      log "repeat $r, $c connections, $op: driver"
      scpu0=$(cpu_ticks "$STORE_PID")
      # the driver's JVM starts cold: its JIT must not steal the store's CPU inside the measured window
      d=$(driver load --uri "$URI" --op "$op" --connections "$c" --duration "$DURATION_S" --warmup "$DRIVER_WARMUP" --ids "$IDS" \
        | grep '^{' | tail -1 || true)
      scpu1=$(cpu_ticks "$STORE_PID")
      # store CPU includes the driver's 1 s warm-up: an upper bound
      [[ -n "$d" ]] && emit "$(with_fields "\"kind\":\"driver\",\"repeat\":$r,\"store_cpu_ms\":$(( (scpu1 - scpu0) * 1000 / CLK_TCK ))" "$d")"
      quiesce
      for mode in $(targets "$op"); do
        log "repeat $r, $c connections, $op: wrk (auth $mode)"
        pid=${APP_PIDS[$mode]:-$ORIG_PID}
        # the original's CPU is its gunicorn master's and workers'
        mapfile -t cpids < <(if [[ $mode == original ]]; then original_pids; else echo "$pid"; fi)
        cpu0=$(cpu_ticks "${cpids[@]}"); scpu0=$(cpu_ticks "$STORE_PID")
        rss_samples "$pid" 0.5 > "$OUT/rss-samples.txt" &
        sampler=$!
        PIDS+=("$sampler")
        w=$(run_wrk "$op" "$c" "$DURATION_S" "$mode" || true)
        kill "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
        cpu1=$(cpu_ticks "${cpids[@]}"); scpu1=$(cpu_ticks "$STORE_PID")
        rss_peak=$(rss_max "$OUT/rss-samples.txt")
        if [[ -n "$w" ]]; then
          emit "$(with_fields "\"kind\":\"api\",\"auth\":\"$mode\",\"op\":\"$op\",\"connections\":$c,\"repeat\":$r,\"cpu_ms\":$(( (cpu1 - cpu0) * 1000 / CLK_TCK )),\"store_cpu_ms\":$(( (scpu1 - scpu0) * 1000 / CLK_TCK )),\"rss_max_kib\":$rss_peak" "$w")"
        else
          emit "{\"kind\":\"api\",\"auth\":\"$mode\",\"op\":\"$op\",\"connections\":$c,\"repeat\":$r,\"error\":\"wrk produced no result\"}"
        fi
        quiesce
      done
      if $DIAG; then
        for diag in ${DIAG_OPS[$op]:-}; do
          log "repeat $r, $c connections, $op: driver, $diag"
          d=$(driver load --uri "$URI" --op "$diag" --connections "$c" --duration "$DURATION_S" \
            --warmup "$DRIVER_WARMUP" --ids "$IDS" | grep '^{' | tail -1 || true)
          [[ -n "$d" ]] && emit "$(with_fields "\"kind\":\"diag\",\"for\":\"$op\",\"repeat\":$r" "$d")"
          quiesce
        done
      fi
      if [[ $op == *_post ]]; then
        driver cleanup --uri "$URI" --ids "$IDS" > /dev/null
        quiesce
      fi
    done
  done
done

for mode in "${MODES[@]}"; do
  emit "{\"kind\":\"rss_after_load\",\"auth\":\"$mode\",\"rss_kib\":$(rss_kib "${APP_PIDS[$mode]}"),\"store_rss_kib\":$(rss_kib "$STORE_PID")}"
  "$JCMD" "${APP_PIDS[$mode]}" GC.heap_info > "$OUT/heap-after-load-auth-$mode.txt" 2>&1 || true
done

# ------------------------------------------------------------------ CSV import
# The service's CSV import (POST /api/v1/imports, multipart) of IMPORT_ROWS generated contacts, polled until done,
# interleaved with the raw insertMany of as many documents so each pair is measured under the same conditions.
# Rows/s counts from sending the upload to seeing status "done" (upload, the file check, validation, duplicate
# lookups, audit events, batched writes); the server's own figure (createdAt..finishedAt) is kept too.
if ! $SKIP_IMPORT; then
  # the import runs against the first mode's service, with that mode's credentials (read by curl from a pipe, so
  # the token never shows on a command line)
  icurl() { curl -K <(auth_config "${MODES[0]}") "$@"; }
  import_field() { # json-text field... -> the fields' values, tab separated
    python3 -c 'import json, sys
d = json.loads(sys.argv[1])
print("\t".join(str(d.get(k)) for k in sys.argv[2:]))' "$@"
  }
  import_seconds() { # status json -> server-side seconds from createdAt to finishedAt
    python3 -c 'import json, sys
from datetime import datetime
d = json.loads(sys.argv[1])
p = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
print(round((p(d["finishedAt"]) - p(d["createdAt"])).total_seconds(), 3))' "$1"
  }
  status=$(icurl -s -o /dev/null -w '%{http_code}' -F entity=contacts \
    -F "file=@/dev/null;filename=empty.csv" "$BASE/api/v1/imports" || echo 000)
  import_ready=false
  if [[ $status == 400 ]]; then
    # an empty file is refused with 400: the import API is there and speaks its contract
    import_ready=true
  else
    emit "{\"kind\":\"import_api\",\"status\":\"$status\",\"pending\":true}"
    log "POST /api/v1/imports answers $status to an empty file (expected 400): the import rows stay pending"
  fi
  mapping='{"externalId":"externalId","name":"name","email":"email","phone":"phone","tags":"tags"}'
  for i in 1 2 3; do
    log "raw insertMany of $IMPORT_ROWS contacts ($i/3)"
    emit "$(driver insertmany --uri "$URI" --n "$IMPORT_ROWS" --batch 1000 | grep '^{' | sed 's/^{/{"kind":"insertmany",/')"
    quiesce
    # the same documents into the contacts' own collection, whose unique indexes an import maintains too
    log "raw insertMany of $IMPORT_ROWS contacts into the contacts collection ($i/3)"
    emit "$(driver insertmany --uri "$URI" --n "$IMPORT_ROWS" --batch 1000 --into persons | grep '^{' |
      sed 's/^{/{"kind":"insertmany_contacts",/')"
    quiesce
    $import_ready || continue
    csv="$OUT/import-$i.csv"
    # the driver's documents as a file: distinct per run, so every row is a new contact
    awk -v n="$IMPORT_ROWS" -v r="$i" 'BEGIN {
      print "externalId,name,email,phone,tags"
      for (k = 0; k < n; k++) printf "csv%d-%d,Person %d,csv%d-%d@bench.example,+1 555 0100,bench\n", r, k, k, r, k
    }' > "$csv"
    log "CSV import of $IMPORT_ROWS contacts through the API ($i/3, $(du -h "$csv" | cut -f1))"
    cpu0=$(cpu_ticks "${APP_PIDS[${MODES[0]}]}"); scpu0=$(cpu_ticks "$STORE_PID")
    t0=$(now_ms)
    started=$(icurl -s -F entity=contacts --form-string "mapping=$mapping" \
      -F onDuplicate=skip -F "file=@$csv;type=text/csv;filename=contacts.csv" "$BASE/api/v1/imports" || true)
    id=$(import_field "$started" id 2>/dev/null || echo None)
    if [[ -z $id || $id == None ]]; then
      emit "{\"kind\":\"import\",\"rows\":$IMPORT_ROWS,\"error\":\"not started\"}"
      log "the import did not start: $started"
      continue
    fi
    state=running deadline=$((SECONDS + 1800)) polls=0 body=""
    while [[ $state == running ]] && ((SECONDS < deadline)); do
      sleep 0.1
      body=$(icurl -s "$BASE/api/v1/imports/$id" || true)
      state=$(import_field "$body" status 2>/dev/null || echo unknown)
      polls=$((polls + 1))
    done
    t1=$(now_ms)
    cpu1=$(cpu_ticks "${APP_PIDS[${MODES[0]}]}"); scpu1=$(cpu_ticks "$STORE_PID")
    IFS=$'\t' read -r created failed skipped processed < <(import_field "$body" created failed skipped processedRows)
    if [[ $state == "done" ]]; then
      secs=$(awk -v ms=$((t1 - t0)) 'BEGIN {printf "%.3f", ms / 1000}')
      emit "{\"kind\":\"import\",\"rows\":$IMPORT_ROWS,\"created\":$created,\"failed\":$failed,\"skipped\":$skipped,\"polls\":$polls,\"seconds\":$secs,\"server_seconds\":$(import_seconds "$body"),\"rows_per_s\":$(awk -v n="$IMPORT_ROWS" -v s="$secs" 'BEGIN {printf "%.1f", n / s}'),\"batch\":500,\"cpu_ms\":$(( (cpu1 - cpu0) * 1000 / CLK_TCK )),\"store_cpu_ms\":$(( (scpu1 - scpu0) * 1000 / CLK_TCK ))}"
      log "CSV import: $created created, $failed failed in ${secs}s"
    else
      emit "{\"kind\":\"import\",\"rows\":$IMPORT_ROWS,\"processed\":${processed:-0},\"error\":\"ended $state\"}"
      log "CSV import ended $state: $body"
    fi
    rm -f "$csv"
    quiesce
  done
fi

# ------------------------------------------------------------------ GC and the report
for mode in "${MODES[@]}"; do
  stop_pid "${APP_PIDS[$mode]}"
  gc=$(python3 "$BENCH/gc_summary.py" "$OUT/gc-auth-$mode.log" || true)
  [[ -n $gc ]] && emit "$(with_fields "\"auth\":\"$mode\"" "$gc")"
done
emit "{\"kind\":\"machine_end\",\"loadavg_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
# ------------------------------------------------------------------ the embedded store at scale (--scale DIR)
if [[ -n $SCALE_DATA ]]; then
  log "the embedded store at scale: bench/scale.sh --data $SCALE_DATA (log: $OUT/scale.log)"
  "$BENCH/scale.sh" --data "$SCALE_DATA" --jar "$APP_JAR" --out "$OUT/scale" > "$OUT/scale.log" 2>&1 \
    || log "bench/scale.sh failed, see $OUT/scale.log"
fi
python3 "$BENCH/report.py" "$RESULTS" > "$OUT/report.md"
if [[ -f $OUT/scale/summary.md ]]; then
  { echo; echo "### Embedded-store targets (bench/scale.sh)"; echo; cat "$OUT/scale/summary.md"; } >> "$OUT/report.md"
fi
log "done: $OUT/report.md"
cat "$OUT/report.md"
