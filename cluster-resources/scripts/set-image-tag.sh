#!/usr/bin/env bash
# GitOps deploy step: writes the commit SHA of the image the pipeline pushed into the prod Helm values (synced by
# Argo CD) and the kustomize overlays (plain kubectl path). The pipeline commits the result; it never runs
# `kubectl set image`, which Argo CD's self-heal would revert.
# A tag never moves backwards: the file is written only when the commit already in it is an ancestor of the new one
# (a slower run of an older commit leaves a newer tag alone). A rollback is a human edit, or a revert commit that
# then deploys forward. Needs the git history of both commits (actions/checkout with fetch-depth: 0).
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

repo="$(git -C "$here" rev-parse --show-toplevel)"
if ! git -C "$repo" cat-file -e "${sha}^{commit}" 2>/dev/null; then
  echo "$sha is not a commit of this repository (a shallow clone? fetch the history)" >&2
  exit 1
fi

# Prints whether the tag in a values file may be replaced: "write", or "keep" when it is already there or newer.
# Fails when the two commits are on diverged lines (a force-push): a person decides then.
decide() {
  local file="$1" current
  current="$(sed -nE 's/^  tag: "([0-9a-f]{40})"$/\1/p' "$file")"
  if [[ -z "$current" || "$current" =~ ^0{40}$ ]]; then echo write; return; fi
  if [[ "$current" == "$sha" ]]; then echo keep; return; fi
  if ! git -C "$repo" cat-file -e "${current}^{commit}" 2>/dev/null; then
    echo "$file: the deployed commit $current is unknown here (shallow clone?)" >&2
    return 1
  fi
  if git -C "$repo" merge-base --is-ancestor "$current" "$sha"; then echo write; return; fi
  if git -C "$repo" merge-base --is-ancestor "$sha" "$current"; then
    echo "$file: $current is newer than $sha; left as it is" >&2
    echo keep
    return
  fi
  echo "$file: $current and $sha are on diverged histories; refusing to choose" >&2
  return 1
}

if [[ "$target" == prod || "$target" == all ]]; then
  decision="$(decide "$here/charts/crm/values-prod.yaml")" || exit 1
  if [[ "$decision" == write ]]; then
    set_line "$here/charts/crm/values-prod.yaml" '^  tag: "[0-9a-f]{40}"$' "  tag: \"$sha\""
    set_line "$here/kustomize/overlays/prod/kustomization.yaml" '^    newTag: "[0-9a-f]{40}"$' "    newTag: \"$sha\""
  fi
fi
if [[ "$target" == dev || "$target" == all ]]; then
  decision="$(decide "$here/charts/crm/values-dev.yaml")" || exit 1
  if [[ "$decision" == write ]]; then
    set_line "$here/charts/crm/values-dev.yaml" '^  tag: "[0-9a-f]{40}"$' "  tag: \"$sha\""
    set_line "$here/kustomize/overlays/dev/kustomization.yaml" '^    newTag: "[0-9a-f]{40}"$' "    newTag: \"$sha\""
  fi
fi
