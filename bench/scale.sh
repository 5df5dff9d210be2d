#!/usr/bin/env bash
# The embedded store at scale (documented in BENCHMARKS.md, "The embedded store at 100,000 records"). One command:
#   bench/scale.sh [--n 100000] [--connections 8] [--duration 10s] [--warmup 5s] [--mem 1g] [--data DIR] [--jar JAR]
#                  [--seed-only] [--out DIR]
# Seeds --n contacts, --n deals, 3 x --n activities and --n/10 companies (bench/driver seed-scale, the service's
# stored shape, ten custom properties on each contact and deal) into a fresh embedded store through a --store-only
# process, stops it, starts the packaged service on it once to build every index (what an upgrade of a data
# directory written without them costs; recorded) and stops it cleanly. Then it starts the service on a copy of that
# directory as a user runs it (embedded store, auth off, the container's JVM flags under --mem), defines the ten
# custom properties through the API, and measures with wrk at --connections, after a warm-up pass over every read
# and each after its own warm-up: a contact list filtered by tag, by company and by owner, a deal list by stage and
# by owner (a list by owner is a POST .../search on ownerId), a search by text (a common and a rare term), a
# contact's timeline, the pipeline totals, the count of live contacts (GET /stats), and three two-condition searches
# (POST .../search: deal stage and amount, two custom properties of contacts, a custom property and the stage of
# deals);
# then single contact creates, and the pipeline totals asked right after a deal change (a new fold). --data DIR
# keeps the seeded (and indexed) data directory, or reuses it; the service
# always runs on a copy, so two runs (--jar of an older build, then the current one) start from the same files.
# Loopback only, bounded; every process it starts is stopped on exit. The service's settings come from the
# environment (CRM_EMBEDDED_INDEXES=false measures the store without its secondary indexes).
# Results: $OUT/results.jsonl and $OUT/summary.md (p99 against the targets: 50 ms per page, 100 ms per count and per
# two-condition search).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$ROOT/scripts/lib/common.sh"
BENCH="$ROOT/bench"
JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

N=100000
CONNECTIONS=8
DURATION=10s
WARMUP=5s
MEM=1g
DATA=""
JAR=""
SEED_ONLY=false
OUT=/tmp/crm-bench-scale-$(date +%Y%m%d-%H%M%S)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    --seed-only) SEED_ONLY=true; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
DURATION_S=${DURATION%s}
WARMUP_S=${WARMUP%s}

require_tools wrk curl python3
[[ -x "$JAVA" ]] || { echo "Java 25 not found at $JAVA (set BENCH_JAVA)" >&2; exit 1; }
APP_JAR=${JAR:-$(packaged_jar "$ROOT")} || { echo "build the service first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
[[ -f $APP_JAR ]] || { echo "no jar $APP_JAR" >&2; exit 1; }
DRIVER_JAR=$(driver_jar "$ROOT") || exit 1
bench_output "$OUT"
DATA=${DATA:-$OUT/data}
IDS="$DATA/bench-ids"
emit() { echo "$1" >> "$RESULTS"; }
PIDS=()
cleanup() { stop_pids 20 "${PIDS[@]:-}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mapfile -t JVM_FLAGS < <(image_jvm_flags "$ROOT" "$MEM")
((${#JVM_FLAGS[@]} > 0)) || exit 1
emit "{\"kind\":\"machine\",\"jar\":\"$APP_JAR\",\"nproc\":$(nproc),\"n\":$N,\"connections\":$CONNECTIONS,\"mem\":\"$MEM\",\"loadavg_start\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

if [[ ! -s $IDS/contacts.txt ]]; then
  mkdir -p "$DATA"
  take_port STORE_PORT
  "$JAVA" -jar "$APP_JAR" --store-only --port="$STORE_PORT" --data-dir="$DATA" > "$OUT/store.log" 2>&1 &
  STORE_PID=$!; PIDS+=("$STORE_PID")
  wait_port "$STORE_PORT" 120 "$STORE_PID" || { log "store did not start, see $OUT/store.log"; exit 1; }
  log "seeding $N contacts, $N deals, $((3 * N)) activities into $DATA"
  seeded=$("$JAVA" -jar "$DRIVER_JAR" seed-scale --uri "mongodb://127.0.0.1:$STORE_PORT/crm_db" --n "$N" \
    --out "$IDS" | grep '^{' | tail -1)
  emit "{\"kind\":\"seed\",${seeded#\{}"
  stop_pid "$STORE_PID" 60
  PIDS=()
fi
# start_service DIR LOG: the packaged service on DIR as a user runs it; sets APP_PID and BASE, records start to ready
start_service() {
  take_port APP_PORT; take_port MPORT
  local t0; t0=$(now_ms)
  env -u MONGODB_URI -u MONGO_URI PORT="$APP_PORT" MANAGEMENT_PORT="$MPORT" CRM_DATA_DIR="$1" \
    CRM_AUTH_ENABLED=false "$JAVA" "${JVM_FLAGS[@]}" -jar "$APP_JAR" > "$2" 2>&1 &
  APP_PID=$!; PIDS+=("$APP_PID")
  BASE="http://127.0.0.1:$APP_PORT"
  wait_http "$BASE/ready" 1800 "$APP_PID" || { log "service not ready, see $2"; exit 1; }
  READY_MS=$(( $(now_ms) - t0 ))
}

# The first start on the seed builds every index over its 600,000 documents (what an upgrade of a data directory
# written without them costs, once); it is stopped cleanly, so the seed keeps them and each run starts as a restart.
if [[ ! -f $DATA/indexes-built ]]; then
  log "first start on the seed: building its indexes"
  start_service "$DATA" "$OUT/service-first.log"
  emit "{\"kind\":\"index_build\",\"ms\":$READY_MS}"
  log "indexes built in $((READY_MS / 1000)) s"
  stop_pid "$APP_PID" 120
  PIDS=()
  touch "$DATA/indexes-built"
fi
if [[ $SEED_ONLY == true ]]; then log "seeded: $DATA"; exit 0; fi

rm -rf "$OUT/run-data"
cp -r "$DATA" "$OUT/run-data"
start_service "$OUT/run-data" "$OUT/service.log"
emit "{\"kind\":\"ready\",\"ms\":$READY_MS}"
log "service ready on $BASE after $((READY_MS / 1000)) s (a restart on the seeded store)"

# The ten custom properties the seed filled (bench/driver custom), defined through the API as an admin would: a
# definition is only a document; no record is rewritten.
python3 - "$BASE" "$RESULTS" <<'PY'
import json, sys, time, urllib.request
base, results = sys.argv[1], sys.argv[2]
def select(*values):
    return [{"value": v, "label": v, "order": i} for i, v in enumerate(values)]
props = [("region", "select", select("EMEA", "AMER", "APAC", "LATAM")), ("tier", "select", select("gold", "silver", "bronze")),
         ("segment", "select", select("smb", "mid", "enterprise")),
         ("source", "select", select("web", "referral", "event", "outbound", "partner")),
         ("industry", "text", None), ("language", "text", None), ("score", "number", None), ("seats", "number", None),
         ("nps", "number", None), ("active", "boolean", None)]
took = []
for kind in ("contacts", "deals"):
    for name, type_, options in props:
        body = {"name": name, "label": name.capitalize(), "type": type_}
        if options:
            body["options"] = options
        req = urllib.request.Request(f"{base}/api/v1/properties/{kind}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        t = time.perf_counter()
        with urllib.request.urlopen(req, timeout=120) as r:
            assert r.status == 201, r.status
        took.append((time.perf_counter() - t) * 1000)
with open(results, "a") as f:
    f.write(json.dumps({"kind": "properties", "defined": len(took), "max_ms": max(took)}) + "\n")
PY

# One file of paths per measured read, each request a random one of them.
python3 - "$IDS" "$OUT/paths" <<'PY'
import json, os, random, sys
ids, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rnd = random.Random(17)
lines = lambda name: [l.strip() for l in open(os.path.join(ids, name)) if l.strip()]
contacts, companies = lines("contacts.txt"), lines("companies.txt")
tags, stages = lines("tags.txt"), lines("stages.txt")
# a data directory seeded before owners.txt existed has no owner lists to measure
owners = lines("owners.txt") if os.path.exists(os.path.join(ids, "owners.txt")) else []
def f(name, op, value):
    return {"propertyName": name, "operator": op, "value": value}
def search(kind, *filters):
    body = {"filterGroups": [{"filters": list(filters)}], "limit": 20}
    return f"POST /api/v1/{kind}/search " + json.dumps(body, separators=(",", ":"))
paths = {
    "contacts_by_tag": [f"/api/v1/contacts?tag={t}&limit=20" for t in tags],
    "contacts_by_company": [f"/api/v1/contacts?companyId={rnd.choice(companies)}&limit=20" for _ in range(500)],
    "deals_by_stage": [f"/api/v1/deals?stage={s}&limit=20" for s in stages],
    # a list filtered by owner is a search on ownerId (the list endpoints take no owner parameter)
    "contacts_by_owner": [search("contacts", f("ownerId", "EQ", o)) for o in owners],
    "deals_by_owner": [search("deals", f("ownerId", "EQ", o)) for o in owners],
    # a first name every 20th contact has, and one contact's own number (one match)
    "search_common": ["/api/v1/contacts?q=maria&limit=20", "/api/v1/contacts?q=olivia&limit=20"],
    "search_rare": [f"/api/v1/contacts?q=person{rnd.randrange(len(contacts))}%40&limit=20" for _ in range(500)],
    "timeline": [f"/api/v1/contacts/{rnd.choice(contacts)}/timeline" for _ in range(500)],
    "pipeline": ["/api/v1/pipeline"],
    "count": ["/stats"],
    # issue 16: two conditions on indexed properties, built-in and custom (the seed's values), first page
    "search_deals_two": [search("deals", f("stage", "EQ", s), f("amount", "GTE", "50000")) for s in stages],
    "search_contacts_custom": [search("contacts", f("custom.region", "EQ", r), f("custom.tier", "EQ", t))
                               for r in ("EMEA", "AMER", "APAC", "LATAM") for t in ("gold", "silver", "bronze")],
    "search_deals_custom": [search("deals", f("custom.region", "EQ", r), f("stage", "EQ", s))
                            for r in ("EMEA", "AMER", "APAC", "LATAM") for s in stages],
}
for name, ps in paths.items():
    if not ps:
        continue
    with open(os.path.join(out, name + ".txt"), "w") as f:
        f.write("\n".join(ps) + "\n")
PY

# Each read answers 200 with content before it is measured: a wrong path must not measure a fast 404.
for f in "$OUT"/paths/*.txt; do
  p=$(head -1 "$f")
  if [[ $p == POST\ * ]]; then
    read -r _ path body <<< "$p"
    code=$(curl -s -o "$OUT/check.json" -w '%{http_code}' --max-time 120 -H 'Content-Type: application/json' \
      -d "$body" "$BASE$path")
  else
    code=$(curl -s -o "$OUT/check.json" -w '%{http_code}' --max-time 120 "$BASE$p")
  fi
  [[ $code == 200 ]] || { log "GET $p answered $code: $(head -c 300 "$OUT/check.json")"; exit 1; }
done

export BENCH_WRK_DIR="$BENCH/wrk" BENCH_IDS="$IDS"
# A first pass over every read, unmeasured: the service has just started, and its JIT, its heap (the Serial collector
# grows it with full collections of 100-400 ms) and the counts it keeps until a change all settle in the first
# minute or two. Measured right away, the first reads' p99 was 440-580 ms; warm, the same reads' is 14-21 ms.
log "warm-up pass: ${WARMUP_S}s of each read"
for f in "$OUT"/paths/*.txt; do
  BENCH_PATHS="$f" timeout $((WARMUP_S + 120)) wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_S}s" --timeout 60s \
    -s "$BENCH/wrk/paths.lua" "$BASE" > /dev/null 2>>"$OUT/wrk.err" || true
done
for f in "$OUT"/paths/*.txt; do
  op=$(basename "$f" .txt)
  log "$op: warm-up ${WARMUP_S}s, then ${DURATION_S}s at $CONNECTIONS connections"
  BENCH_PATHS="$f" timeout $((WARMUP_S + 120)) wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_S}s" --timeout 60s \
    -s "$BENCH/wrk/paths.lua" "$BASE" > /dev/null 2>>"$OUT/wrk.err" || true
  w=$(BENCH_PATHS="$f" timeout $((DURATION_S + 120)) wrk -t2 -c"$CONNECTIONS" -d"${DURATION_S}s" --timeout 60s \
    -s "$BENCH/wrk/paths.lua" "$BASE" 2>>"$OUT/wrk.err" | grep '^{' | tail -1 || true)
  [[ -n $w ]] && emit "{\"kind\":\"read\",\"op\":\"$op\",${w#\{}"
done

# Contact creates, one at a time (each one checks the email's uniqueness and writes its event)
log "contact creates: 200 sequential"
python3 - "$BASE" "$RESULTS" <<'PY'
import json, sys, time, urllib.request
base, results = sys.argv[1], sys.argv[2]
lat = []
for i in range(200):
    body = json.dumps({"name": f"Scale New {i}", "email": f"scale-new-{time.time_ns()}@bench.example"}).encode()
    req = urllib.request.Request(base + "/api/v1/contacts", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            assert r.status == 201, r.status
    except TimeoutError:
        # one create over a minute says enough: recorded, and the run goes on to its summary
        with open(results, "a") as f:
            f.write(json.dumps({"kind": "write_timeout", "op": "contact_create_sequential", "after": i}) + "\n")
        sys.exit(0)
    lat.append((time.perf_counter() - t) * 1000)
lat.sort()
with open(results, "a") as f:
    f.write(json.dumps({"kind": "write", "op": "contact_create_sequential", "requests": len(lat),
                        "p50_ms": lat[len(lat) // 2], "p99_ms": lat[int(len(lat) * 0.99) - 1]}) + "\n")
PY
# The pipeline totals are kept until a deal changes (ChangeTokens): what the ask right after a change costs, a new
# fold over every open deal, sequentially, ten times
log "pipeline totals right after a deal change: 10 sequential"
python3 - "$BASE" "$RESULTS" <<'PY'
import json, sys, time, urllib.request
base, results = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(base + "/api/v1/deals?stage=lead&limit=10", timeout=120) as r:
    deals = [d["id"] for d in json.load(r)["items"]]
lat = []
for i in range(10):
    body = json.dumps({"amount": f"{1000 + i}.00"}).encode()
    req = urllib.request.Request(f"{base}/api/v1/deals/{deals[i % len(deals)]}", data=body, method="PATCH",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 200, r.status
    t = time.perf_counter()
    with urllib.request.urlopen(base + "/api/v1/pipeline", timeout=120) as r:
        assert r.status == 200, r.status
        r.read()
    lat.append((time.perf_counter() - t) * 1000)
lat.sort()
with open(results, "a") as f:
    f.write(json.dumps({"kind": "write", "op": "pipeline_after_deal_change", "requests": len(lat),
                        "p50_ms": lat[len(lat) // 2], "p99_ms": lat[-1]}) + "\n")
PY
emit "{\"kind\":\"machine_end\",\"rss_kib\":$(rss_kib "$APP_PID"),\"loadavg_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

python3 - "$RESULTS" > "$OUT/summary.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
m = next(r for r in rows if r["kind"] == "machine")
ready = next((r for r in rows if r["kind"] == "ready"), None)
build = next((r for r in rows if r["kind"] == "index_build"), None)
print(f"n = {m['n']} contacts and deals, {3 * m['n']} activities; {m['connections']} connections; "
      f"start to ready on the seeded store: {ready['ms'] / 1000:.1f} s" if ready else "")
if build:
    print(f"first start on the seed, building every index: {build['ms'] / 1000:.1f} s")
print()
print("| read | req/s | p50 ms | p99 ms | errors | target | verdict |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    if r["kind"] == "read":
        # issue 16's searches and the count: 100 ms; every other read 50 ms (issue 17)
        target = 100 if r["op"] in ("count", "search_deals_two", "search_contacts_custom", "search_deals_custom") else 50
        errs = sum(r[k] for k in r if k.startswith("errors_"))
        if r["requests"] == 0:
            # wrk saw no answer inside the run: every request took longer than the run itself
            secs = r["duration_us"] / 1e6
            print(f"| {r['op']} | 0 | > {secs:.0f} s | > {secs:.0f} s | {errs} | p99 < {target} ms | missed |")
            continue
        verdict = "met" if r["p99_ms"] < target and errs == 0 else "missed"
        print(f"| {r['op']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {errs} | p99 < {target} ms | {verdict} |")
for r in rows:
    if r["kind"] == "write_timeout":
        print(f"| {r['op']} | - | > 60 s | > 60 s | timeout after {r['after']} creates | - | - |")
    if r["kind"] == "write":
        print(f"| {r['op']} ({r['requests']}) | - | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | 0 | - | - |")
PY
log "done: $OUT/summary.md"
cat "$OUT/summary.md"
