#!/usr/bin/env bash
# Seals a generated Grafana admin password for monitoring/grafana-admin with the committed controller certificate
# and prints the password once (store it in your password manager). Needs kubeseal, kubectl, openssl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cert="${SEALED_SECRETS_CERT:-$here/pub-cert.pem}"
target="$here/monitoring/sealedsecret-grafana-admin.yaml"

if [[ ! -s "$cert" ]]; then
  echo "missing $cert: see docs/deploy.md (Sealed Secrets workflow)" >&2
  exit 1
fi

password="$(openssl rand -hex 16)"
kubectl create secret generic grafana-admin --namespace monitoring --dry-run=client -o yaml \
  --from-literal=admin-user=admin \
  --from-literal=admin-password="$password" |
  kubeseal --cert "$cert" --scope strict --format yaml >"$target.tmp"
mv "$target.tmp" "$target"
echo "sealed -> $target; Grafana admin password: $password"
