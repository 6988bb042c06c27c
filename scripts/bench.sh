#!/usr/bin/env bash
# The benchmarks of docs/performance.md: side-by-side timings, request counts, doctor --all at
# scale, start-up and size, and a short bounded fuzz run of the parsers.
# Usage: scripts/bench.sh   (make bench builds the release binary first)
#        scripts/bench.sh --only metrics   (doctor --all --metrics beside doctor --all alone)
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python scripts/bench.py --binary target/release/sqs-trigger "$@"

# A short, bounded fuzz run (cargo-fuzz; not part of CI). RUSTC_BOOTSTRAP lets the stable
# toolchain take the sanitizer flags cargo-fuzz passes.
if command -v cargo-fuzz >/dev/null 2>&1; then
  echo
  echo "## fuzzing (60 s per target)"
  for target in parsers policy; do
    out=$(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" -- -max_total_time=60 2>&1 | tail -3 || true)
    echo "- $target: $(echo "$out" | grep -Eo 'Done [0-9]+ runs in [0-9]+ second\(s\)' || echo "$out" | tail -1)"
  done
else
  echo "(cargo-fuzz is not installed: cargo install cargo-fuzz, then re-run for the fuzz figures)"
fi
