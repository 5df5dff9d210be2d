# shellcheck shell=bash
# Running the original Flask service as its image does, for side-by-side runs (bench/original.sh, bench/run.sh
# --original). Sourced after scripts/lib/common.sh. DIR is a checkout of the original repository
# (github.com/Barak911/CloudOps_CRM); its code is never copied here. It runs on Debian's gunicorn, python3-flask and
# python3-pymongo, with bench/original/shims standing in for the two PyPI-only packages it imports (Flask-PyMongo,
# prometheus-flask-exporter), with gunicorn's --workers, --timeout and --worker-class read from its Dockerfile's CMD
# so they cannot drift.

# original_prepare DIR: checks the checkout and the tools, sets ORIG_APP, WORKERS, TIMEOUT, WORKER_CLASS
original_prepare() {
  local dir=$1 dockerfile
  if [[ -f $dir/app/app.py ]]; then ORIG_APP=$(cd "$dir/app" && pwd)
  elif [[ -f $dir/app.py ]]; then ORIG_APP=$(cd "$dir" && pwd)
  else echo "no app.py in $dir or $dir/app" >&2; return 1; fi
  dockerfile="$ORIG_APP/Dockerfile"
  [[ -f $dockerfile ]] || { echo "no Dockerfile beside $ORIG_APP/app.py" >&2; return 1; }
  cmd_flag() { grep '^CMD' "$dockerfile" | tr -d '[]",' | tr -s ' ' '\n' | grep -A1 -x -- "$1" | tail -1; }
  WORKERS=$(cmd_flag --workers); TIMEOUT=$(cmd_flag --timeout)
  [[ $WORKERS =~ ^[0-9]+$ && $TIMEOUT =~ ^[0-9]+$ ]] ||
    { echo "no --workers/--timeout in $dockerfile's CMD" >&2; return 1; }
  WORKER_CLASS=$(cmd_flag --worker-class || true)
  [[ $WORKER_CLASS == --* || -z $WORKER_CLASS ]] && WORKER_CLASS=sync
  require_tools gunicorn
  # Debian's gunicorn runs on the system python3 with Debian's Flask and pymongo
  /usr/bin/python3 -c 'import flask, pymongo, prometheus_client' 2>/dev/null ||
    { echo "needs: apt-get install gunicorn python3-flask python3-pymongo python3-prometheus-client" >&2; return 1; }
}

# original_versions: the JSON fields (no braces) naming what the original runs on
original_versions() {
  printf '"gunicorn":"%s","flask":"%s","pymongo":"%s","workers":%s,"worker_class":"%s","timeout":%s' \
    "$(gunicorn --version 2>&1 | head -1)" \
    "$(/usr/bin/python3 -c 'import importlib.metadata as m; print(m.version("flask"))')" \
    "$(/usr/bin/python3 -c 'import pymongo; print(pymongo.version)')" "$WORKERS" "$WORKER_CLASS" "$TIMEOUT"
}

# original_start MONGO_URI LOG: starts it on a free loopback port (unbuffered, no .pyc writing, as the image), sets
# ORIG_PID (the gunicorn master) and ORIG_BASE, and waits for its /ready
original_start() {
  local uri=$1 out=$2 port
  take_port port
  (cd "$ORIG_APP" && exec env MONGO_URI="$uri" PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/shims" \
    gunicorn --bind "127.0.0.1:$port" --workers "$WORKERS" --worker-class "$WORKER_CLASS" --timeout "$TIMEOUT" \
    app:app) > "$out" 2>&1 &
  ORIG_PID=$!
  ORIG_BASE="http://127.0.0.1:$port"
  wait_http "$ORIG_BASE/ready" 60 "$ORIG_PID" || { log "original not ready, see $out"; return 1; }
}

# original_pids: the gunicorn master and its workers
original_pids() { echo "$ORIG_PID"; pgrep -P "$ORIG_PID" || true; }
