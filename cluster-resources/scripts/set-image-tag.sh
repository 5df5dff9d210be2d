#!/usr/bin/env bash
# GitOps deploy step: writes the commit SHA of the image the pipeline pushed into the prod Helm values (synced by
# Argo CD) and the kustomize overlays (plain kubectl path). The pipeline commits the result; it never runs
# `kubectl set image`, which Argo CD's self-heal would revert.
# Usage: set-image-tag.sh <40-hex commit SHA> [prod|dev|all]   (default: all)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
sha="${1:-}"
target="${2:-all}"

if [[ ! "$sha" =~ ^[0-9a-f]{40}$ ]]; then
  echo "usage: $0 <40-hex commit SHA> [prod|dev|all] (got '${sha}')" >&2
  exit 2
fi

# Replaces the value of the single line "<key>: ..." in a file, failing when the line is not there exactly once.
set_line() {
  local file="$1" pattern="$2" replacement="$3" count
  count="$(grep -cE "$pattern" "$file" || true)"
  if [[ "$count" != 1 ]]; then
    echo "$file: expected one line matching '$pattern', found $count" >&2
    exit 1
  fi
  sed -E -i "s|$pattern|$replacement|" "$file"
  echo "updated $file"
}

if [[ "$target" == prod || "$target" == all ]]; then
  set_line "$here/charts/crm/values-prod.yaml" '^  tag: "[0-9a-f]{40}"$' "  tag: \"$sha\""
  set_line "$here/kustomize/overlays/prod/kustomization.yaml" '^    newTag: "[0-9a-f]{40}"$' "    newTag: \"$sha\""
fi
if [[ "$target" == dev || "$target" == all ]]; then
  set_line "$here/charts/crm/values-dev.yaml" '^  tag: "[0-9a-f]{40}"$' "  tag: \"$sha\""
  set_line "$here/kustomize/overlays/dev/kustomization.yaml" '^    newTag: "[0-9a-f]{40}"$' "    newTag: \"$sha\""
fi
