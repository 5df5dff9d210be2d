#!/usr/bin/env bash
# Two builds of the service side by side (BENCHMARKS.md, "Two builds in one run"):
#   bench/pair.sh --a JAR --b JAR [--rounds 8] [--auth off|on] [--auth-b off|on] [--ops "contact_get person_get"]
#                 [--n 2000] [--seconds 5] [--warmup 60] [--training 45] [--mem 512m] [--jvm-b "FLAGS"] [--out DIR]
# On a shared machine the store's own speed moves by 2x within minutes, so a build measured after another, minutes
# apart, says little. Here both builds run at once against one standalone store, each started as the image starts it
# (the extracted jar, its own AOT cache from a training run of --training seconds, the container's JVM flags), both
# warmed up alike (--warmup seconds of every operation, in alternating 10 s pieces), then measured in --rounds rounds
# of one --seconds wrk run per operation per build, A then B, at 16 connections. Each round compares the two builds
# under the same conditions; the report gives the median requests/s and service CPU per 1,000 requests of each, their
# ratio B/A, and in how many rounds B was ahead. Loopback only, bounded, every process stopped on exit. Results:
# $OUT/results.jsonl and a table on stdout. --auth-b runs B in another authentication mode than A's --auth: with the
# same jar as both, "--auth off --auth-b on" measures what authentication costs, round by round (a Bearer token on
# every request to B). --jvm-b adds JVM flags to B's (its training run included), after the image's: with the same
# jar as both, a JVM setting's before/after, round by round. RSS is sampled every second during the rounds; the
# report gives each build's maximum.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR_A=""
JAR_B=""
ROUNDS=8
AUTH=off
AUTH_B=""
OPS="contact_get person_get"
N=2000
SECONDS_PER_RUN=5
WARMUP_S=60
TRAINING_S=45
MEM=512m
JVM_B=""
OUT=/tmp/crm-pair-$(date +%Y%m%d-%H%M%S)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --a) JAR_A=$2; shift 2 ;;
    --b) JAR_B=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --auth) AUTH=$2; shift 2 ;;
    --auth-b) AUTH_B=$2; shift 2 ;;
    --ops) OPS=$2; shift 2 ;;
    --n) N=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=${2%s}; shift 2 ;;
    --warmup) WARMUP_S=${2%s}; shift 2 ;;
    --training) TRAINING_S=${2%s}; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --jvm-b) JVM_B=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f $JAR_A && -f $JAR_B ]] || { echo "--a JAR and --b JAR: the two builds to compare" >&2; exit 2; }
AUTH_B=${AUTH_B:-$AUTH}
[[ $AUTH =~ ^(on|off)$ && $AUTH_B =~ ^(on|off)$ ]] || { echo "--auth on|off, --auth-b on|off" >&2; exit 2; }
declare -A MODE=([a]=$AUTH [b]=$AUTH_B)
for op in $OPS; do
  [[ -f $ROOT/bench/wrk/$op.lua ]] || { echo "no wrk script for $op (bench/wrk/$op.lua)" >&2; exit 2; }
done
require_tools curl wrk python3
DRIVER_JAR=$(driver_jar "$ROOT") || exit 1
bench_output "$OUT"
mapfile -t JVM_FLAGS < <(image_jvm_flags "$ROOT" "$MEM")
((${#JVM_FLAGS[@]} > 0)) || exit 1
read -r -a EXTRA_B <<< "$JVM_B"
declare -A RUN_JAR PID PORT
STORE_PID=""
trap 'stop_pids 30 "${PID[a]:-}" "${PID[b]:-}" "$STORE_PID"' EXIT
trap 'exit 130' INT TERM
CLK_TCK=$(getconf CLK_TCK)

log "output in $OUT; A = $JAR_A (auth $AUTH), B = $JAR_B (auth $AUTH_B${JVM_B:+, JVM flags $JVM_B})"
flags_of() { # build: the JVM flags it runs with
  printf '%s\n' "${JVM_FLAGS[@]}"
  [[ $1 == b ]] && ((${#EXTRA_B[@]} > 0)) && printf '%s\n' "${EXTRA_B[@]}"
  return 0
}
for k in a b; do
  jar=$JAR_A
  [[ $k == b ]] && jar=$JAR_B
  mapfile -t flags < <(flags_of "$k")
  # the extracted form, as the image runs it, each build in its own folder (the cache names its jar's path)
  "$JAVA" -Djarmode=tools -jar "$jar" extract --destination "$OUT/$k" > /dev/null
  RUN_JAR[$k]="$OUT/$k/$(basename "$jar")"
  aot_training_run "$JAVA" "${RUN_JAR[$k]}" "$OUT/train-$k.log" "$TRAINING_S" "${flags[@]}" \
    -XX:AOTCacheOutput="$OUT/$k.aot" -jar "${RUN_JAR[$k]}" || { log "training run $k failed: $OUT/train-$k.log"; exit 1; }
done

take_port STORE_PORT
"$JAVA" -jar "${RUN_JAR[a]}" --store-only --port="$STORE_PORT" --data-dir="$OUT/store" > "$OUT/store.log" 2>&1 &
STORE_PID=$!
wait_port "$STORE_PORT" 60 "$STORE_PID" || { log "store did not start: $OUT/store.log"; exit 1; }
URI="mongodb://127.0.0.1:$STORE_PORT/crm_db"
log "seeding $N records of each kind"
"$JAVA" -jar "$DRIVER_JAR" seed --uri "$URI" --n "$N" --out "$OUT/ids" > /dev/null 2>> "$OUT/driver.err"

(umask 077 && random_secret 24 > "$OUT/admin-password")
port=""
mport=""
for k in a b; do
  take_port port
  take_port mport
  auth_env=(CRM_AUTH_ENABLED=false)
  [[ ${MODE[$k]} == on ]] && auth_env=(CRM_ADMIN_EMAIL=bench@crm.local CRM_ADMIN_PASSWORD_FILE="$OUT/admin-password")
  mapfile -t flags < <(flags_of "$k")
  env PORT="$port" MANAGEMENT_PORT="$mport" MONGODB_URI="$URI" CRM_LOG_FORMAT='' "${auth_env[@]}" \
    "$JAVA" "${flags[@]}" -XX:AOTCache="$OUT/$k.aot" -jar "${RUN_JAR[$k]}" > "$OUT/service-$k.log" 2>&1 &
  PID[$k]=$!
  PORT[$k]=$port
  wait_http "http://127.0.0.1:$port/ready" 180 "${PID[$k]}" || { log "service $k not ready: $OUT/service-$k.log"; exit 1; }
done
TOKEN=""
for k in a b; do
  [[ ${MODE[$k]} == on && -z $TOKEN ]] || continue
  # both services share the store, so one token serves both; the credentials on stdin, never in a process listing
  TOKEN=$(printf 'user = "bench@crm.local:%s"\n' "$(<"$OUT/admin-password")" |
    curl -sS --fail -K - -H 'Content-Type: application/json' -d '{"name":"bench","expiresInDays":1}' \
      "http://127.0.0.1:${PORT[$k]}/api/v1/auth/tokens" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
done

load() { # build op seconds: one wrk run; prints "requests/s service-CPU-ms"
  local c0 c1 rps token=""
  [[ ${MODE[$1]} == on ]] && token=$TOKEN
  c0=$(cpu_ticks "${PID[$1]}")
  rps=$(BENCH_IDS="$OUT/ids" BENCH_TOKEN="$token" BENCH_WRK_DIR="$ROOT/bench/wrk" timeout $(($3 + 60)) \
    wrk -t2 -c16 -d"$3s" -s "$ROOT/bench/wrk/$2.lua" "http://127.0.0.1:${PORT[$1]}" 2>> "$OUT/wrk.err" |
    awk '/^Requests\/sec/ {printf "%d", $2}')
  c1=$(cpu_ticks "${PID[$1]}")
  echo "${rps:-0} $(( (c1 - c0) * 1000 / CLK_TCK ))"
}

log "warm-up: ${WARMUP_S} s of each operation on each build, alternating"
for _ in $(seq 1 $(( (WARMUP_S + 9) / 10 ))); do
  for k in a b; do for op in $OPS; do load "$k" "$op" 10 > /dev/null; done; done
done
for k in a b; do
  rss_samples "${PID[$k]}" 1 > "$OUT/rss-$k.txt" &
done
for r in $(seq 1 "$ROUNDS"); do
  for op in $OPS; do
    for k in a b; do
      read -r rps cpu < <(load "$k" "$op" "$SECONDS_PER_RUN")
      echo "{\"round\":$r,\"op\":\"$op\",\"build\":\"$k\",\"auth\":\"${MODE[$k]}\",\"rps\":$rps,\"cpu_ms\":$cpu,\"seconds\":$SECONDS_PER_RUN}" >> "$RESULTS"
      log "round $r, $op, $k: $rps req/s, $cpu ms of service CPU"
    done
  done
done
for k in a b; do
  echo "{\"kind\":\"rss\",\"build\":\"$k\",\"rss_kib\":$(rss_kib "${PID[$k]}"),\"rss_max_kib\":$(rss_max "$OUT/rss-$k.txt")}" >> "$RESULTS"
done

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
runs = [r for r in rows if "round" in r]
rss = {r["build"]: r for r in rows if r.get("kind") == "rss"}
print("| operation | A req/s | B req/s | B / A | B ahead | A CPU ms / 1,000 | B CPU ms / 1,000 | B / A |")
print("|---|---|---|---|---|---|---|---|")
for op in dict.fromkeys(r["op"] for r in runs):
    by = {k: sorted((r for r in runs if r["op"] == op and r["build"] == k), key=lambda r: r["round"]) for k in "ab"}
    rps = {k: statistics.median(r["rps"] for r in by[k]) for k in "ab"}
    cpu = {k: statistics.median(1000 * r["cpu_ms"] / max(1, r["rps"] * r["seconds"]) for r in by[k]) for k in "ab"}
    ahead = sum(1 for a, b in zip(by["a"], by["b"]) if b["rps"] > a["rps"])
    print(f"| {op} | {rps['a']:,.0f} | {rps['b']:,.0f} | {rps['b'] / rps['a']:.3f} | {ahead} of {len(by['a'])} "
          f"| {cpu['a']:.0f} | {cpu['b']:.0f} | {cpu['b'] / cpu['a']:.3f} |")
auth = {k: next(r["auth"] for r in runs if r["build"] == k) for k in "ab"}
mib = lambda k, f: rss.get(k, {}).get(f, 0) / 1024
print(f"\nAuthentication: A {auth['a']}, B {auth['b']}. RSS during the rounds, maximum (at the end): "
      f"A {mib('a', 'rss_max_kib'):.0f} ({mib('a', 'rss_kib'):.0f}) MiB, B {mib('b', 'rss_max_kib'):.0f} "
      f"({mib('b', 'rss_kib'):.0f}) MiB")
PY
