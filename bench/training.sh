#!/usr/bin/env bash
# The AOT cache's training run, side by side (BENCHMARKS.md, "A training run that serves requests"):
#   bench/training.sh [--rounds 3] [--steady 30] [--training 45] [--connections 16] [--mem 512m] [--jar JAR]
#                     [--out DIR]
# Makes two caches from the same jar, as the image makes its own (common.sh's aot_training_run): "start" from the
# start-only training run of before (the context starts, then exits), "requests" from a training run that serves
# TrainingWorkload's requests for --training seconds (the image's now). Then, interleaved for --rounds rounds, starts
# the service from each cache exactly as the image's command does (the container's JVM flags, the embedded store,
# authentication on, a Bearer token), and measures the time to /ready, then GET /api/v1/contacts/{id} in 1 s slices
# at --connections for --steady seconds from the first request on, and the RSS. The time to steady throughput is
# where the slices stay at or above 90 % of the median of the last 5 (as bench/run.sh's). Loopback only, bounded,
# every process stopped on exit. Results: $OUT/results.jsonl and a table on stdout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
ROUNDS=3
STEADY_S=30
TRAINING_S=45
CONNECTIONS=16
MEM=512m
JAR=""
OUT=/tmp/crm-training-$(date +%Y%m%d-%H%M%S)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --steady) STEADY_S=${2%s}; shift 2 ;;
    --training) TRAINING_S=${2%s}; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
((TRAINING_S > 0)) || { echo "--training must be more than 0 s: 0 is the start-only run this compares against" >&2; exit 2; }
require_tools curl wrk python3
[[ -n $JAR ]] || JAR=$(packaged_jar "$ROOT") || { echo "no packaged jar: ./mvnw package first" >&2; exit 1; }
bench_output "$OUT"
mapfile -t JVM_FLAGS < <(image_jvm_flags "$ROOT" "$MEM")
((${#JVM_FLAGS[@]} > 0)) || exit 1
PID=""
trap 'stop_pid "$PID" 20' EXIT
trap 'exit 130' INT TERM

# the extracted form, as the image runs it (the cache holds only classes from jars on the JVM's own class path)
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/app" > /dev/null
RUN_JAR="$OUT/app/$(basename "$JAR")"

log "output in $OUT; training runs: start only, and ${TRAINING_S} s of requests"
aot_training_run "$JAVA" "$RUN_JAR" "$OUT/train-start.log" 0 "${JVM_FLAGS[@]}" \
  -XX:AOTCacheOutput="$OUT/start.aot" -jar "$RUN_JAR" || true
aot_training_run "$JAVA" "$RUN_JAR" "$OUT/train-requests.log" "$TRAINING_S" "${JVM_FLAGS[@]}" \
  -XX:AOTCacheOutput="$OUT/requests.aot" -jar "$RUN_JAR" ||
  { log "the training run that serves requests failed: $OUT/train-requests.log"; exit 1; }
for kind in start requests; do
  [[ -s "$OUT/$kind.aot" ]] || { log "no $kind cache: $OUT/train-$kind.log"; exit 1; }
  echo "{\"kind\":\"cache\",\"training\":\"$kind\",\"bytes\":$(stat -c %s "$OUT/$kind.aot")}" >> "$RESULTS"
done

measure() { # kind round: one start from the kind's cache, then the slices
  local kind=$1 round=$2 port mport data t0 ready token slices=() rss_max=0 rss
  take_port port
  take_port mport
  data=$(mktemp -d "$OUT/data.XXXX")
  (umask 077 && random_secret 24 > "$data.admin")
  t0=$(now_ms)
  PORT=$port MANAGEMENT_PORT=$mport CRM_DATA_DIR=$data CRM_LOG_FORMAT='' CRM_ADMIN_EMAIL=bench@crm.local \
    CRM_ADMIN_PASSWORD_FILE="$data.admin" "$JAVA" "${JVM_FLAGS[@]}" -XX:AOTCache="$OUT/$kind.aot" -jar "$RUN_JAR" \
    > "$OUT/service-$kind-$round.log" 2>&1 &
  PID=$!
  wait_http "http://127.0.0.1:$port/ready" 180 "$PID" || { log "not ready: $OUT/service-$kind-$round.log"; exit 1; }
  ready=$(( $(now_ms) - t0 ))
  # the token over HTTP Basic, the credentials on stdin (never in a process listing), then 50 contacts to read
  token=$(printf 'user = "bench@crm.local:%s"\n' "$(<"$data.admin")" |
    curl -sS --fail -K - -H 'Content-Type: application/json' -d '{"name":"bench","expiresInDays":1}' \
      "http://127.0.0.1:$port/api/v1/auth/tokens" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  mkdir "$data.ids" # read by bench/wrk/contact_get.lua (common.lua: BENCH_IDS/contacts.txt, BENCH_TOKEN)
  for i in $(seq 1 50); do
    curl -sS --fail -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"Bench $i\",\"email\":\"bench-$i@training.invalid\"}" "http://127.0.0.1:$port/api/v1/contacts" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' >> "$data.ids/contacts.txt"
  done
  for _ in $(seq 1 "$STEADY_S"); do
    slices+=("$(BENCH_IDS="$data.ids" BENCH_TOKEN="$token" BENCH_WRK_DIR="$ROOT/bench/wrk" timeout 60 \
      wrk -t2 -c"$CONNECTIONS" -d1s -s "$ROOT/bench/wrk/contact_get.lua" "http://127.0.0.1:$port" |
      awk '/^Requests\/sec/ {printf "%d", $2}')")
    rss=$(rss_kib "$PID")
    ((rss > rss_max)) && rss_max=$rss
  done
  echo "{\"kind\":\"start\",\"training\":\"$kind\",\"round\":$round,\"ready_ms\":$ready,\"rss_max_kib\":$rss_max,\"rps\":[$(IFS=,; echo "${slices[*]}")]}" >> "$RESULTS"
  log "$kind round $round: ready in $ready ms, RSS max $((rss_max / 1024)) MiB, req/s ${slices[*]}"
  stop_pid "$PID" 30
  PID=""
  rm -rf "$data" "$data.admin" "$data.ids"
}

for round in $(seq 1 "$ROUNDS"); do
  for kind in start requests; do measure "$kind" "$round"; done
done

python3 - "$RESULTS" "$ROOT/bench" <<'PY'
import json, statistics, sys
sys.path.insert(0, sys.argv[2])
from report import time_to_steady  # the rule bench/run.sh's report uses
runs = [json.loads(l) for l in open(sys.argv[1])]
print("| training run | cache | start to ready (median) | steady req/s (median) | time to steady, s (each round) | first second req/s | RSS max MiB (median) |")
print("|---|---|---|---|---|---|---|")
for kind in ("start", "requests"):
    size = next(r["bytes"] for r in runs if r["kind"] == "cache" and r["training"] == kind)
    mine = [r for r in runs if r["kind"] == "start" and r["training"] == kind]
    at = [time_to_steady(r["rps"]) for r in mine]
    print(f"| {kind} | {size / 1048576:.0f} MiB | {statistics.median(r['ready_ms'] for r in mine) / 1000:.2f} s "
          f"| {statistics.median(s for _, s in at):,.0f} | {', '.join(str(i) if i is not None else 'never' for i, _ in at)} "
          f"| {', '.join(str(r['rps'][0]) for r in mine)} | {statistics.median(r['rss_max_kib'] for r in mine) / 1024:.0f} |")
PY
