#!/usr/bin/env bash
# .github/workflows/release.yml is what dist generates from dist-workspace.toml, hardened by
# tools/release-workflow.patch (every `${{ }}` out of the scripts, least permissions, shellcheck
# clean), so that actionlint and zizmor pass it. This script regenerates it that way:
#
#   scripts/release-workflow.sh           write .github/workflows/release.yml
#   scripts/release-workflow.sh --check   exit 1 when the committed file differs
#   scripts/release-workflow.sh --raw F   write dist's unpatched output to F (to remake the patch:
#                                         diff -u F .github/workflows/release.yml)
#
# dist refuses to generate while `allow-dirty = ["ci"]` is set (which lets `dist build` and
# `dist plan` accept the patched file), so it runs on a copy of the sources without that line.
# Needs `dist` on PATH (make dist-check installs it into .venv-dist).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-write}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# The project's files (tracked, or new and not ignored) as they are in the work tree.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do [[ -e "$file" ]] && printf '%s\0' "$file"; done |
  tar --null -T - -cf -) | tar -xf - -C "$scratch"
sed -i '/^allow-dirty = \["ci"\]$/d' "$scratch/dist-workspace.toml"
if ! (cd "$scratch" && CARGO_TARGET_DIR="$scratch/target" dist generate --mode ci >"$scratch/generate.log" 2>&1); then
  cat "$scratch/generate.log" >&2
  exit 1
fi

generated="$scratch/.github/workflows/release.yml"
case "$mode" in
  --raw)
    cp "$generated" "${2:?--raw needs a file}"
    exit 0
    ;;
esac
patch --quiet --no-backup-if-mismatch "$generated" "$repo/tools/release-workflow.patch"

case "$mode" in
  write)
    cp "$generated" "$repo/.github/workflows/release.yml"
    echo "wrote .github/workflows/release.yml (dist generate + tools/release-workflow.patch)"
    ;;
  --check)
    if diff -u "$repo/.github/workflows/release.yml" "$generated"; then
      echo "release.yml is dist generate + tools/release-workflow.patch"
    else
      echo "release.yml differs from dist generate + tools/release-workflow.patch:" \
        "run scripts/release-workflow.sh (or remake the patch)" >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: release-workflow.sh [--check | --raw FILE]" >&2
    exit 2
    ;;
esac
