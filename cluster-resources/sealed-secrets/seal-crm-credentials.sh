#!/usr/bin/env bash
# Generates the production credentials and seals them for the crm namespace with the committed controller
# certificate, so no plaintext ever touches disk or git. Output: crm/sealedsecret-crm-credentials.yaml, used by
# the prod overlay and by the Argo CD "crm-secrets" Application. Usage: seal-crm-credentials.sh [admin-email-password]
# or, to add only the MongoDB replica set's keyfile to the existing sealed credentials (a cluster that ran the
# standalone keeps its passwords): seal-crm-credentials.sh --add-replica-set-key
# Needs: kubeseal (same minor as the controller), kubectl, openssl. Run from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cert="${SEALED_SECRETS_CERT:-$here/pub-cert.pem}"
namespace="${CRM_NAMESPACE:-crm}"
target="$here/crm/sealedsecret-crm-credentials.yaml"

if [[ ! -s "$cert" ]]; then
  echo "missing $cert: fetch it with" >&2
  echo "  kubeseal --controller-namespace kube-system --controller-name sealed-secrets-controller --fetch-cert > $cert" >&2
  exit 1
fi

# Hex passwords: URL-safe, because the API's MongoDB URI embeds the app password.
pw() { openssl rand -hex 24; }
# The replica set members' shared keyfile: mongod takes 6 to 1024 base64 characters (756 bytes -> 1008).
replica_set_key() { openssl rand -base64 756 | tr -d '\n'; }

if [[ "${1:-}" == --add-replica-set-key ]]; then
  if [[ ! -s "$target" ]]; then
    echo "no $target to add the key to: run $0 without arguments" >&2
    exit 1
  fi
  kubectl create secret generic crm-credentials --namespace "$namespace" --dry-run=client -o yaml \
    --from-literal=mongodb-replica-set-key="$(replica_set_key)" |
    kubeseal --cert "$cert" --scope strict --format yaml --merge-into "$target"
  echo "added mongodb-replica-set-key -> $target (commit it)"
  exit 0
fi
admin_password="${1:-$(pw)}"

kubectl create secret generic crm-credentials --namespace "$namespace" --dry-run=client -o yaml \
  --from-literal=mongodb-root-username=root \
  --from-literal=mongodb-root-password="$(pw)" \
  --from-literal=mongodb-app-username=crm \
  --from-literal=mongodb-app-password="$(pw)" \
  --from-literal=mongodb-backup-username=backup \
  --from-literal=mongodb-backup-password="$(pw)" \
  --from-literal=admin-password="$admin_password" \
  --from-literal=mongodb-replica-set-key="$(replica_set_key)" |
  kubeseal --cert "$cert" --scope strict --format yaml >"$target.tmp"
mv "$target.tmp" "$target"
echo "sealed -> $target (commit it; rotate by running this again, then restart crm-mongodb users: docs/deploy.md)"
