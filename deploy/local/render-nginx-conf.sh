#!/usr/bin/env bash
# Renders deploy/local/nginx.conf.template for the rehearsal.
# usage: render-nginx-conf.sh RUN_DIR PROXY_PORT APP_PORT[:down] [APP_PORT[:down] ...] > nginx.conf
# An instance marked ":down" gets no new requests (nginx "down"): the local stand-in for Kubernetes removing a
# terminating pod from the Service's endpoints before its preStop/SIGTERM drain.
set -euo pipefail
if (($# < 3)); then
  echo "usage: $0 RUN_DIR PROXY_PORT APP_PORT[:down]..." >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
nginx_dir=$(cd "$here/../nginx" && pwd)
run_dir=$1
proxy_port=$2
shift 2
servers=""
for spec in "$@"; do
  port=${spec%%:*}
  [[ $port =~ ^[0-9]+$ ]] || { echo "bad app port: $spec" >&2; exit 2; }
  flags="max_fails=3 fail_timeout=10s"
  [[ $spec == *:down ]] && flags="down"
  servers+="        server 127.0.0.1:${port} ${flags};"$'\n'
done
mkdir -p "$run_dir/nginx-tmp"
while IFS= read -r line; do
  if [[ $line == "@UPSTREAM_SERVERS@" ]]; then
    printf '%s' "$servers"
  else
    line=${line//@RUN_DIR@/$run_dir}
    line=${line//@NGINX_DIR@/$nginx_dir}
    line=${line//@PROXY_PORT@/$proxy_port}
    printf '%s\n' "$line"
  fi
done < "$here/nginx.conf.template"
