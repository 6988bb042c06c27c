#!/usr/bin/env bash
# Runs every test binary of the project (what `cargo test --all-targets` runs), several at a
# time, and fails when any test fails.
#
# Most of the suite waits rather than computes: on the emulator's answers, a mapping's state, a
# function's logs. One binary after another (`cargo test`) left the two cores mostly idle, so
# the binaries run side by side (`SQS_TRIGGER_TEST_JOBS`, default 3), each with its own
# emulator, the longest first so that the last to finish is a short one. Within a binary the
# tests run on cargo's usual threads. Each binary's output goes to target/test-logs/NAME.log;
# the log of every binary that failed is printed at the end.
#
# Usage: scripts/run-tests.sh [--no-run]   (--no-run: build only)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs="${SQS_TRIGGER_TEST_JOBS:-3}"
logs=target/test-logs
rm -rf "$logs"
mkdir -p "$logs"

# Build every test target, and list each executable with a name for it.
cargo test --all-targets --no-run --message-format=json-render-diagnostics >"$logs/build.jsonl"
[ "${1:-}" = "--no-run" ] && exit 0
python3 - "$logs/build.jsonl" >"$logs/binaries" <<'PY'
import json
import sys

# Seconds each took on its own (one after another, 2 cores): longest first.
SLOW = ["brownfield", "faults", "trigger_breaks", "advisory_reads", "lint_doctor", "hostile_input", "audit", "metrics", "probe",
        "mapping", "doctor", "setup"]
found = {}
for line in open(sys.argv[1]):
    msg = json.loads(line)
    if msg.get("reason") != "compiler-artifact" or not msg.get("executable") or not msg["profile"]["test"]:
        continue
    target = msg["target"]
    kind = target["kind"][0]
    name = target["name"] if kind == "test" else f"{target['name']}-{kind}"
    found[name] = msg["executable"]
order = sorted(found, key=lambda n: (SLOW.index(n) if n in SLOW else len(SLOW), n))
for name in order:
    print(name, found[name])
PY

run_one() {
    local name=$1 path=$2 start status
    start=$(date +%s)
    if "$path" >"$logs/$name.log" 2>&1; then status=ok; else status=FAILED; touch "$logs/$name.failed"; fi
    printf '%-7s %-16s %4ss  %s\n' "$status" "$name" "$(($(date +%s) - start))" \
        "$(grep -h '^test result' "$logs/$name.log" | tail -n 1 | sed 's/; finished in .*//')"
}
export -f run_one
export logs

# shellcheck disable=SC2016 # the inner bash expands $0 and $1 (each line's words)
xargs -P "$jobs" -L 1 bash -c 'run_one "$0" "$1"' <"$logs/binaries"

failed=$(find "$logs" -name '*.failed' | sort)
if [ -n "$failed" ]; then
    for f in $failed; do
        name=$(basename "$f" .failed)
        printf '\n===== %s (target/test-logs/%s.log) =====\n' "$name" "$name"
        grep -E '^(test .* FAILED|failures:|---- )|panicked at' -A 12 "$logs/$name.log" | head -n 120
    done
    printf '\nFAILED: %s\n' "$(echo "$failed" | xargs -n1 basename | sed 's/.failed//' | tr '\n' ' ')"
    exit 1
fi
echo "all test binaries passed"
