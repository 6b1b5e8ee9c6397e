#!/usr/bin/env bash
# Compares the offline JSON plans of two commits: every shipped stack
# (stacks/) and every test fixture stack (test/fixtures/stacks/), byte for
# byte, and what the plan prints for a stack it refuses.
#
#   bash scripts/compare-plans.sh <base-commit> [<head-commit>]
#
# <head-commit> defaults to the work tree as it is (uncommitted changes
# included). Each commit is checked out in a temporary git worktree that
# shares this checkout's node_modules. Exits 0 when every plan is identical,
# 1 and a diff summary when one differs, 2 on bad arguments.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
base="${1:-}"
head="${2:-}"
if [ -z "$base" ]; then
  echo "usage: bash scripts/compare-plans.sh <base-commit> [<head-commit>]" >&2
  exit 2
fi
work="$(mktemp -d)"
cleanup() {
  for tree in "$work"/tree-*; do
    [ -d "$tree" ] && git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# plans <label> <tree>: the JSON plans of both stack folders, and what the
# refused stacks print, into $work/<label>/.
plans() {
  local label="$1" tree="$2" out="$work/$1"
  mkdir -p "$out"
  for dir in stacks test/fixtures/stacks; do
    local file="$out/$(echo "$dir" | tr / _)"
    (cd "$tree" && node scripts/plan.js --all --json --stacks-dir "$dir" >"$file.json" 2>"$file.stderr") || true
  done
  echo "$label: $(grep -c '"schemaVersion"' "$out"/*.json | awk -F: '{n += $2} END {print n}') plans"
}

tree_of() { # <label> <commit or empty>
  local label="$1" commit="$2"
  if [ -z "$commit" ]; then
    echo "$root"
    return
  fi
  local tree="$work/tree-$label"
  git -C "$root" worktree add --detach --quiet "$tree" "$commit"
  ln -s "$root/node_modules" "$tree/node_modules"
  echo "$tree"
}

plans base "$(tree_of base "$base")"
plans head "$(tree_of head "$head")"

status=0
for f in "$work"/base/*; do
  name="$(basename "$f")"
  if cmp -s "$f" "$work/head/$name"; then
    echo "identical: $name ($(wc -c <"$f") bytes)"
  else
    echo "DIFFERENT: $name"
    diff -u "$f" "$work/head/$name" | head -40 || true
    status=1
  fi
done
exit $status
