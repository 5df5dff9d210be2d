#!/usr/bin/env bash
# Runs every test of the project: the application's unit, integration, end-to-end and browser tests, then the
# offline checks of the container, Kubernetes, Terraform and workflow files. Installs missing tools first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-tools.sh
./mvnw -B -ntp verify
./mvnw -B -ntp -f checks/pom.xml verify
