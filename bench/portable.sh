#!/usr/bin/env bash
# Export and import rates (documented in BENCHMARKS.md, "Export and import"; runbook in docs/operations.md). One command:
#   bench/portable.sh [--records 100000] [--runs 3] [--mem 512m] [--out DIR]
# Writes 1000 contacts through the service (auth off, POST /person/bulk: each gets its event and audit entry, as real
# data does) into a fresh embedded store, exports them, and repeats those documents (new _ids, unique keys kept
# unique) into an export of --records contacts (filling the store through the API would take hours here). Then --runs
# times, each step timed: `--import` of that file into a fresh embedded store, `--export` from it, and `--import` of
# that export into a fresh standalone MongoDB-wire store (`--store-only`, H2 file backend, loopback TCP).
# Loopback only; every process it starts is stopped on exit; each step is bounded (timeout 900 s).
# Results: $OUT/results.jsonl, one line per step; the summary on stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

RECORDS=100000
SEED=1000
RUNS=3
MEM=512m
OUT=/tmp/crm-bench-portable-$(date +%Y%m%d-%H%M%S)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --records) RECORDS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

require_tools curl python3
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found: install the Debian package time" >&2; exit 2; }
[[ -x "$JAVA" ]] || JAVA=$(command -v java)
APP_JAR=$(packaged_jar "$ROOT") || { echo "build the service first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
bench_output "$OUT"
PIDS=()
cleanup() { stop_pids 10 "${PIDS[@]:-}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
emit() { echo "$1" >> "$RESULTS"; }
CLK_TCK=$(getconf CLK_TCK)
quiesce() { # until the process uses under 10 % of a core over a second (at most 600 s)
  local deadline=$((SECONDS + 600)) a b
  while ((SECONDS < deadline)); do
    a=$(cpu_ticks "$1"); sleep 1; b=$(cpu_ticks "$1")
    (( (b - a) * 100 / CLK_TCK < 10 )) && return 0
  done
  log "warning: still busy after 600 s"
}

mapfile -t JVM_FLAGS < <(image_jvm_flags "$ROOT" "$MEM")
((${#JVM_FLAGS[@]} > 0)) || exit 1
emit "{\"kind\":\"machine\",\"nproc\":$(nproc),\"java\":\"$("$JAVA" -version 2>&1 | sed -n 2p)\",\"flags\":\"${JVM_FLAGS[*]}\",\"records\":$RECORDS,\"loadavg_start\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

# ---- a seed of real data: SEED contacts written through the service (each with its event and audit entry)
cp "$APP_JAR" "$OUT/"
APP_JAR="$OUT/$(basename "$APP_JAR")"
take_port APP_PORT; take_port MPORT
env PORT="$APP_PORT" MANAGEMENT_PORT="$MPORT" CRM_DATA_DIR="$OUT/seed" CRM_AUTH_ENABLED=false CRM_MAX_BULK="$SEED" \
  "$JAVA" "${JVM_FLAGS[@]}" -jar "$APP_JAR" > "$OUT/service.log" 2>&1 &
APP_PID=$!; PIDS+=("$APP_PID")
BASE="http://127.0.0.1:$APP_PORT"
wait_http "$BASE/ready" 180 "$APP_PID" || { log "service not ready, see $OUT/service.log"; exit 1; }
timeout 300 python3 - "$BASE" "$SEED" <<'PY'
import http.client, json, sys, urllib.parse
base, records = urllib.parse.urlparse(sys.argv[1]), int(sys.argv[2])
people = [{"person_id": "p%07d" % i, "name": "Person %d" % i, "email": "person%d@example.test" % i,
           "phone": "555-%04d" % (i % 10000), "notes": "n" * 200} for i in range(records)]
conn = http.client.HTTPConnection(base.hostname, base.port, timeout=300)
conn.request("POST", "/person/bulk", json.dumps(people), {"Content-Type": "application/json"})
response = conn.getresponse()
if response.status != 201:
    sys.exit("POST /person/bulk -> %d %s" % (response.status, response.read()[:200]))
PY
quiesce "$APP_PID"
stop_pid "$APP_PID" 60
timeout 300 "$JAVA" -jar "$APP_JAR" --export "$OUT/seed.jsonl.gz" --data-dir="$OUT/seed" > "$OUT/seed-export.log" 2>&1 ||
  { log "seed export failed, see $OUT/seed-export.log"; exit 1; }

# ---- RECORDS contacts: the seed's per-record collections repeated (new _ids, unique keys made unique again), as an
# export file with a valid trailer; importing it is the first measured step
log "writing an export of $RECORDS contacts from the $SEED-contact seed"
timeout 600 python3 - "$OUT/seed.jsonl.gz" "$OUT/records.jsonl.gz" "$RECORDS" "$SEED" <<'PY'
import gzip, hashlib, json, sys, uuid
source, target, records, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
copies = records // seed
lines = [json.loads(line) for line in gzip.open(source, "rt", encoding="utf-8")]
header, trailer = lines[0], lines[-1]
collections, current = {}, None
for line in lines[1:-1]:
    if line["type"] == "collection":
        current = line["name"]
        collections[current] = (line, [])
    else:
        collections[current][1].append(line["document"])
oid = [0]
def new_oid():
    oid[0] += 1
    return {"$oid": "6b0000000000000000000000"[:24 - len("%x" % oid[0])] + "%x" % oid[0]}
def vary(value, copy):  # a unique key's value, different in every copy
    if isinstance(value, str):
        return value + "-c%d" % copy
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("$numberInt", "$numberLong"):
        key = next(iter(value))
        return {"$numberLong" if key == "$numberInt" and copy else key: str(int(value[key]) + copy * 10 ** 9)}
    return value
def reset(document, path, copy):
    parts = path.split(".")
    for part in parts[:-1]:
        document = document.get(part) if isinstance(document, dict) else None
    if isinstance(document, dict) and parts[-1] in document:
        document[parts[-1]] = vary(document[parts[-1]], copy)
digest = hashlib.sha256()
counts, total = {}, 0
header["exportId"] = str(uuid.uuid4())
with gzip.open(target, "wb", compresslevel=6) as out:
    def write(obj, hashed=True):
        data = (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
        if hashed:
            digest.update(data)
        out.write(data)
    write(header)
    for name, (line, documents) in collections.items():
        write(line)
        unique = [list(index["key"]) for index in line["indexes"] if index.get("unique") and index["name"] != "_id_"]
        repeat = copies if len(documents) >= seed // 2 else 1
        for copy in range(repeat):
            for document in documents:
                document = json.loads(json.dumps(document))
                document["_id"] = new_oid() if isinstance(document["_id"], dict) else vary(document["_id"], copy)
                for keys in unique:
                    for key in keys:
                        reset(document, key, copy)
                write({"type": "document", "collection": name, "document": document})
        counts[name] = repeat * len(documents)
        total += counts[name]
    write({"type": "trailer", "collections": counts, "documents": total, "sha256": digest.hexdigest()}, False)
print(total)
PY

# The commands run as an operator runs them on a host: `java -jar` with the JVM's default heap (a quarter of the RAM),
# not the container's settings; their peak RSS is recorded.
step() { # name command... -> "wall-ms peak-rss-kib" on stdout; the command's output in $OUT/NAME.log
  local name=$1 t0 t1; shift
  t0=$(now_ms)
  if ! timeout 900 /usr/bin/time -f '%M' -o "$OUT/$name.rss" "$@" > "$OUT/$name.log" 2>&1; then
    log "$name failed, see $OUT/$name.log"; exit 1
  fi
  t1=$(now_ms)
  echo "$((t1 - t0)) $(tail -1 "$OUT/$name.rss")"
}

for run in $(seq 1 "$RUNS"); do
  read -r embedded_ms embedded_rss < <(step "import-embedded-$run" "$JAVA" -jar "$APP_JAR" \
    --import "$OUT/records.jsonl.gz" --data-dir="$OUT/embedded-$run")
  file="$OUT/export-$run.jsonl.gz"
  read -r export_ms export_rss < <(step "export-$run" "$JAVA" -jar "$APP_JAR" --export "$file" \
    --data-dir="$OUT/embedded-$run")
  documents=$(sed -n 's/^exported \([0-9,]*\) documents.*/\1/p' "$OUT/export-$run.log" | tr -d ,)
  bytes=$(stat -c %s "$file")

  take_port STORE_PORT
  "$JAVA" -jar "$APP_JAR" --store-only --port="$STORE_PORT" --data-dir="$OUT/mongo-$run" > "$OUT/store-$run.log" 2>&1 &
  STORE_PID=$!; PIDS+=("$STORE_PID")
  wait_port "$STORE_PORT" 60 "$STORE_PID" || { log "store did not start, see $OUT/store-$run.log"; exit 1; }
  read -r import_ms import_rss < <(step "import-mongo-$run" "$JAVA" -jar "$APP_JAR" --import "$file" \
    --mongodb-uri="mongodb://127.0.0.1:$STORE_PORT/crm_db")
  stop_pid "$STORE_PID" 30

  emit "{\"kind\":\"run\",\"run\":$run,\"records\":$RECORDS,\"documents\":$documents,\"file_bytes\":$bytes,\"import_embedded_ms\":$embedded_ms,\"import_embedded_rss_kib\":$embedded_rss,\"export_embedded_ms\":$export_ms,\"export_embedded_rss_kib\":$export_rss,\"import_mongo_wire_ms\":$import_ms,\"import_mongo_wire_rss_kib\":$import_rss,\"loadavg\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
  log "run $run: $documents documents ($((bytes / 1024)) KiB): import into an embedded store $embedded_ms ms (peak RSS $((embedded_rss / 1024)) MiB), export from it $export_ms ms ($((export_rss / 1024)) MiB), import into the TCP store $import_ms ms ($((import_rss / 1024)) MiB)"
  rm -rf "$OUT/mongo-$run" "$OUT/embedded-$run" "$file"
done
emit "{\"kind\":\"end\",\"loadavg_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
log "results: $RESULTS"
