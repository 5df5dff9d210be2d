# shellcheck shell=bash
# Helpers shared by the repository's bash scripts (bench/run.sh, deploy/local/rehearsal.sh, e2e/run.sh). Sourced,
# never run, through a path relative to the sourcing script, so it works from any working directory:
#   # shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
#   . "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
# It only defines functions and the port registry; it sets no shell options (each script keeps its own set -e/-u).
# A script must not define a function of the same name: checks/.../ShellLibraryTest fails when one does.

# log MESSAGE...: "[HH:MM:SS] MESSAGE" on stderr, so that a function whose stdout is captured can still log; also
# appended to the file named by LOG_FILE when that is set.
log() {
  local line
  line="[$(date +%H:%M:%S)] $*"
  printf '%s\n' "$line" >&2
  if [[ -n ${LOG_FILE:-} ]]; then
    printf '%s\n' "$line" >>"$LOG_FILE"
  fi
}

# bench_output DIR: a bench script's output directory: creates DIR and sets RESULTS (DIR/results.jsonl, emptied: the
# run's JSON lines) and LOG_FILE (DIR/run.log: log() appends to it).
bench_output() {
  mkdir -p "$1"
  RESULTS="$1/results.jsonl"
  : > "$RESULTS"
  LOG_FILE="$1/run.log"
}

# now_ms: wall-clock milliseconds since the epoch.
now_ms() { date +%s%3N; }

# require_tools COMMAND...: exits 2 naming the first command not on PATH (each is also its Debian package's name).
require_tools() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$tool not found on PATH: install the Debian package $tool (scripts/install-test-tools.sh installs it)" >&2
      exit 2
    fi
  done
}

# random_secret [BYTES=24]: a random password of URL- and shell-safe characters (base64 without / + =), one line.
random_secret() {
  head -c "${1:-24}" /dev/urandom | base64 -w0 | tr -d '/+='
  echo
}

# packaged_jar ROOT: prints the service jar Maven packaged (ROOT/target/crm-*.jar, not a -plain jar); 1 when none.
packaged_jar() {
  local jar
  for jar in "$1"/target/crm-*.jar; do
    if [[ -f $jar && $jar != *-plain.jar ]]; then
      echo "$jar"
      return 0
    fi
  done
  return 1
}

# test_classpath ROOT VAR: compiles ROOT's tests and sets VAR to the classpath that runs a class of its src/test (a
# bench's in-process harness) with the test scope's dependencies.
test_classpath() {
  local file
  file=$(mktemp)
  (cd "$1" && ./mvnw -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$file")
  printf -v "$2" '%s' "$1/target/test-classes:$1/target/classes:$(cat "$file")"
  rm -f "$file"
}

# ---------------------------------------------------------------------------------------------------- ports
# Every port take_port handed out in this shell: never handed out twice, not even after its process stopped.
CRM_TAKEN_PORTS=" "

# take_port VAR: sets VAR to a loopback TCP port nobody listens on and this run has not taken yet. Chosen at random
# from 20000 up to the kernel's ephemeral range, which the clients' own connections (curl, wrk) draw from, so a
# port cannot be taken by an outgoing connection between being chosen here and the server binding it. Sets a
# variable instead of printing: a command substitution would run in a subshell and lose the registry.
take_port() {
  local __tp_var=$1 __tp_port __tp_low=20000 __tp_high=32768 __tp_ephemeral
  [[ $__tp_var =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "take_port: bad variable name '$__tp_var'" >&2; return 2; }
  if read -r __tp_ephemeral _ 2>/dev/null </proc/sys/net/ipv4/ip_local_port_range && ((__tp_ephemeral > __tp_low + 1000)); then
    __tp_high=$__tp_ephemeral
  fi
  for _ in $(seq 1 200); do
    __tp_port=$((__tp_low + RANDOM % (__tp_high - __tp_low)))
    [[ $CRM_TAKEN_PORTS == *" $__tp_port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$__tp_port") 2>/dev/null; then
      CRM_TAKEN_PORTS+="$__tp_port "
      printf -v "$__tp_var" '%s' "$__tp_port"
      return 0
    fi
  done
  echo "take_port: no free port found" >&2
  return 1
}

# wait_port PORT SECONDS [PID]: waits until something accepts connections on 127.0.0.1:PORT. Returns 0 when it
# does, 1 after SECONDS, 2 as soon as process PID (when given) has exited.
wait_port() {
  local port=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 2
    fi
    ((SECONDS <= deadline)) || return 1
    sleep 0.1
  done
}

# wait_http URL SECONDS [PID [INTERVAL=0.1]]: polls URL every INTERVAL seconds (each request bounded to 2 s) until
# it answers 200. Returns 0 then, 1 after SECONDS, 2 as soon as process PID (when given and not empty) has exited.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-} interval=${4:-0.1}
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null) == 200 ]]; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 2
    fi
    ((SECONDS <= deadline)) || return 1
    sleep "$interval"
  done
}

# ---------------------------------------------------------------------------------------------------- processes
# stop_pid PID [GRACE=20]: SIGTERM, SIGKILL if still there after GRACE seconds, then reaps it (when it is a child of
# this shell). An empty PID or one that has already exited is a no-op.
stop_pid() {
  local pid=$1 grace=${2:-20}
  [[ -n $pid ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  wait "$pid" 2>/dev/null || true
}

# stop_pids GRACE PID...: stop_pid for many processes at once: all get SIGTERM together and share one GRACE period,
# so an exit handler does not wait GRACE seconds per process. Empty PIDs are skipped.
stop_pids() {
  local grace=$1 pid
  shift
  for pid in "$@"; do
    if [[ -n $pid ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  local deadline=$((SECONDS + grace))
  for pid in "$@"; do
    [[ -n $pid ]] || continue
    while kill -0 "$pid" 2>/dev/null && ((SECONDS <= deadline)); do
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
  done
}

# driver_jar ROOT: the bench load driver (bench/driver), built first when it is missing or older than its sources;
# prints the jar's path. Offline first (the dependencies are usually in the local repository), then online.
driver_jar() {
  local dir=$1/bench/driver jar=$1/bench/driver/target/crm-bench-driver.jar
  if [[ ! -f $jar || -n "$(find "$dir/src" "$dir/pom.xml" -newer "$jar" -print -quit)" ]]; then
    log "building the load driver"
    (cd "$dir" && { ../../mvnw -B -q -o -f pom.xml package || ../../mvnw -B -q -f pom.xml package; }) >&2 || return 1
  fi
  echo "$jar"
}

# cpu_ticks PID...: the processes' CPU time (user + system) summed, in 1/CLK_TCK s (getconf CLK_TCK); an exited
# process counts 0.
cpu_ticks() {
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}

# rss_kib PID: the process's resident set in KiB (VmRSS), 0 when it has exited.
rss_kib() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

# rss_samples PID SECONDS: the process's RSS in KiB every SECONDS, one per line, until it exits (run it in the
# background with its output to a file; rss_max reads that file).
rss_samples() {
  while kill -0 "$1" 2>/dev/null; do rss_kib "$1"; sleep "$2"; done
}

# rss_max FILE: the largest sample in FILE, 0 when it has none.
rss_max() {
  local max
  max=$(sort -n "$1" 2>/dev/null | tail -1) || true
  echo "${max:-0}"
}

# ---------------------------------------------------------------------------------------------------- the image's JVM
# image_jvm_flags ROOT MEM: the container's JVM settings, one per line: the Dockerfile's JAVA_TOOL_OPTIONS (one source
# of truth), plus MaxRAM standing in for the pod's memory limit MEM (512m): the JVM sizes its heap from it exactly as
# under a cgroup limit. MaxRAM does not change the GC choice, a cgroup limit does: under 1792 MiB the JVM is not
# "server class" and uses the Serial collector, so that is said explicitly to get what the container gets.
image_jvm_flags() {
  local flags=() m=${2,,} mib
  read -r -a flags <<< "$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' "$1/Dockerfile")"
  ((${#flags[@]} > 0)) || { echo "no JAVA_TOOL_OPTIONS in $1/Dockerfile" >&2; return 1; }
  printf '%s\n' "${flags[@]}" "-XX:MaxRAM=$2"
  case "$m" in *g) mib=$(( ${m%g} * 1024 )) ;; *m) mib=${m%m} ;; *) mib=$(( m / 1048576 )) ;; esac
  if ((mib < 1792)); then echo "-XX:+UseSerialGC"; fi
}

# aot_training_run JAVA JAR LOG SECONDS JAVA-ARGS...: the image's AOT training run (the Dockerfile's runtime stage).
# The service, started by JAVA with JAVA-ARGS (which name -XX:AOTCacheOutput=FILE and what to start), serves
# TrainingWorkload's requests (a client JVM on JAR's classes) for SECONDS, on a throwaway data directory as a
# throwaway first admin; SIGTERM then makes its JVM write the cache. SECONDS=0 is the start-only training run the
# image made before (Spring's -Dspring.context.exit=onRefresh), for a before/after. Returns 1 when a step failed.
aot_training_run() {
  local java=$1 jar=$2 log=$3 seconds=$4 port admin_port data pid rc=0
  shift 4
  take_port port
  take_port admin_port
  data=$(mktemp -d)
  (umask 077 && random_secret 24 > "$data.admin")
  if ((seconds == 0)); then
    PORT=$port MANAGEMENT_PORT=$admin_port CRM_DATA_DIR=$data CRM_LOG_FORMAT='' timeout 180 \
      "$java" -Dspring.context.exit=onRefresh "$@" >> "$log" 2>&1 || rc=1
  else
    PORT=$port MANAGEMENT_PORT=$admin_port CRM_DATA_DIR=$data CRM_LOG_FORMAT='' CRM_ADMIN_EMAIL=training@crm.local \
      CRM_ADMIN_PASSWORD_FILE="$data.admin" "$java" "$@" >> "$log" 2>&1 &
    pid=$!
    "$java" -cp "$jar" io.crm.platform.training.TrainingWorkload --base "http://127.0.0.1:$port" \
      --email training@crm.local --password-file "$data.admin" --seconds "$seconds" --ready-within 180 \
      >> "$log" 2>&1 || rc=1
    stop_pid "$pid" 180 # the JVM writes the cache as it exits: tens of seconds
  fi
  rm -rf "$data" "$data.admin"
  return $rc
}
