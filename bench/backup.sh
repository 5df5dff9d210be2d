#!/usr/bin/env bash
# Backups of the embedded store at scale (documented in BENCHMARKS.md, "Backups of the embedded store"). One command:
#   bench/backup.sh [--records 30000] [--writers 4] [--mem 1g] [--out DIR]
# Starts the packaged service on a fresh embedded store (auth off, the container's JVM flags under a --mem memory
# limit), fills it with --records legacy persons (bulk inserts of 1,000), then measures:
#   idle:   a backup with no other load: wall time, the store pause, file size;
#   writes: a backup while --writers clients create contacts: the pause, and the clients' latency (p50/p99/max)
#           before and during the backup;
#   restore: `--restore FILE --data-dir NEW` of the second backup: time to "Restored" (check and extract) and to
#           ready (the service started on it).
# Loopback only, bounded (each backup and the restore must finish within 10 minutes); every process it starts is
# stopped on exit. Results: $OUT/summary.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

RECORDS=30000
WRITERS=4
MEM=1g
OUT=/tmp/crm-bench-backup-$(date +%Y%m%d-%H%M%S)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --records) RECORDS=$2; shift 2 ;;
    --writers) WRITERS=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

require_tools curl python3
[[ -x "$JAVA" ]] || { echo "Java 25 not found at $JAVA (set BENCH_JAVA)" >&2; exit 1; }
APP_JAR=$(packaged_jar "$ROOT") || { echo "build the service first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"
PIDS=()
cleanup() { stop_pids 10 "${PIDS[@]:-}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mapfile -t JVM_FLAGS < <(image_jvm_flags "$ROOT" "$MEM")
((${#JVM_FLAGS[@]} > 0)) || exit 1

start_service() { # data-dir log extra-args... -> sets APP_PID, BASE
  local dir=$1 out=$2; shift 2
  take_port APP_PORT; take_port MPORT
  env -u MONGODB_URI -u MONGO_URI PORT="$APP_PORT" MANAGEMENT_PORT="$MPORT" CRM_DATA_DIR="$dir" \
    CRM_AUTH_ENABLED=false CRM_MAX_BULK=1000 "$JAVA" "${JVM_FLAGS[@]}" -jar "$APP_JAR" "$@" > "$out" 2>&1 &
  APP_PID=$!; PIDS+=("$APP_PID")
  BASE="http://127.0.0.1:$APP_PORT"
}

start_service "$OUT/data" "$OUT/service.log"
wait_http "$BASE/ready" 180 "$APP_PID" || { log "service not ready, see $OUT/service.log"; exit 1; }
log "service on $BASE; filling it with $RECORDS persons"
fill_started=$(now_ms)
python3 - "$BASE" "$RECORDS" <<'PY'
import json, sys, urllib.request
base, records = sys.argv[1], int(sys.argv[2])
for start in range(0, records, 1000):
    batch = [{"person_id": f"bench-{i}", "name": f"Bench Person {i}", "email": f"bench-{i}@example.test",
              "phone": "555-0100", "company": f"Company {i % 500}"} for i in range(start, min(start + 1000, records))]
    req = urllib.request.Request(base + "/person/bulk", json.dumps(batch).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        assert r.status == 201, r.status
PY
log "filled in $(( ($(now_ms) - fill_started) / 1000 )) s"
# The relay still hands the fill's events to the audit log and the feed: wait until the service is idle (under 10 %
# of a core over a second, at most 5 minutes), so "before" is a baseline and not the backlog.
CLK_TCK=$(getconf CLK_TCK)
deadline=$((SECONDS + 300))
while ((SECONDS < deadline)); do
  a=$(cpu_ticks "$APP_PID"); sleep 1; b=$(cpu_ticks "$APP_PID")
  (( (b - a) * 100 / CLK_TCK < 10 )) && break
done
log "idle after $(( ($(now_ms) - fill_started) / 1000 )) s"

# backup [writers] -> prints one JSON line: the backup's listing plus wall time and the writers' latencies
backup() {
  python3 - "$BASE" "$1" <<'PY'
import json, sys, threading, time, urllib.request
base, writers = sys.argv[1], int(sys.argv[2])
def call(method, path, body=None):
    req = urllib.request.Request(base + path, None if body is None else json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read() or b"null"), r.headers
stop, phase, latencies = threading.Event(), ["before"], {"before": [], "during": []}
def write(n):
    i = 0
    while not stop.is_set():
        t = time.perf_counter()
        call("POST", "/api/v1/contacts", {"name": f"Writer {n} {i}", "email": f"w{n}-{i}@example.test"})
        latencies[phase[0]].append((time.perf_counter() - t) * 1000)
        i += 1
threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
for t in threads: t.start()
time.sleep(5 if writers else 0)
phase[0] = "during"
started = time.perf_counter()
status, body, headers = call("POST", "/api/v1/admin/backups")
assert status == 202, status
deadline = time.time() + 600
while True:
    _, b, _ = call("GET", headers["Location"])
    if b["status"] != "running" or time.time() > deadline: break
    time.sleep(0.05)
wall = (time.perf_counter() - started) * 1000
stop.set()
for t in threads: t.join()
def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p))], 1) if xs else None
b["wallMillis"] = round(wall)
for k, xs in latencies.items():
    b[k] = {"writes": len(xs), "p50": pct(xs, .5), "p99": pct(xs, .99), "max": round(max(xs), 1) if xs else None}
print(json.dumps(b))
PY
}

log "backup with no other load"
IDLE=$(backup 0); echo "$IDLE" > "$OUT/idle.json"
log "backup while $WRITERS clients write"
UNDER=$(backup "$WRITERS"); echo "$UNDER" > "$OUT/writes.json"
FILE="$OUT/data/backups/$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["file"])' "$UNDER")"
stop_pids 30 "$APP_PID"

log "restore of $FILE"
restore_started=$(now_ms)
start_service "$OUT/restored" "$OUT/restore.log" --restore "$FILE" --data-dir "$OUT/restored"
deadline=$((SECONDS + 600))
until grep -q '^Restored ' "$OUT/restore.log"; do
  kill -0 "$APP_PID" 2> /dev/null || { log "restore failed, see $OUT/restore.log"; exit 1; }
  ((SECONDS < deadline)) || { log "restore still running after 600 s"; exit 1; }
  sleep 0.05
done
restored_ms=$(( $(now_ms) - restore_started ))
wait_http "$BASE/ready" 300 "$APP_PID" || { log "restored service not ready, see $OUT/restore.log"; exit 1; }
ready_ms=$(( $(now_ms) - restore_started ))
total=$(curl -fsS "$BASE/stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total_persons"])')

python3 - "$OUT/summary.md" "$IDLE" "$UNDER" "$restored_ms" "$ready_ms" "$total" "$RECORDS" "$WRITERS" <<'PY'
import json, sys
out, idle, under = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
restored_ms, ready_ms, total, records, writers = map(int, sys.argv[4:9])
docs = lambda b: sum(b["documents"].values())
lines = [f"# Backups of the embedded store: {records} persons, {writers} writers", "",
         "| run | documents | file | wall | store pause | writes p50 / p99 / max before | during |",
         "|---|---|---|---|---|---|---|"]
for name, b in (("idle", idle), ("under writes", under)):
    lat = lambda k: "-" if not b[k]["writes"] else f'{b[k]["p50"]} / {b[k]["p99"]} / {b[k]["max"]} ms ({b[k]["writes"]})'
    lines.append(f'| {name} | {docs(b)} | {b["size"] / 1048576:.1f} MiB | {b["wallMillis"]} ms | '
                 f'{b["pauseMillis"]:.1f} ms | {lat("before")} | {lat("during")} |')
lines += ["", f"Restore of the second backup: checked and extracted in {restored_ms} ms, service ready on it after "
          f"{ready_ms} ms; /stats total_persons {total}."]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
