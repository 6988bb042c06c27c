#!/usr/bin/env bash
# The README's main job, against the local AWS emulator: no AWS account needed.
# Usage: scripts/demo.sh PATH/TO/sqs-trigger   (make demo builds it and calls this)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/debug/sqs-trigger}
PY=.venv/bin/python
[ -x "$PY" ] || { echo "the emulator is not installed: run 'make venv'" >&2; exit 2; }

work=$(mktemp -d)
"$PY" tests/emulator/launcher.py --port 0 --port-file "$work/port" --exit-with-parent $$ >"$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
"$PY" - "$port" <<'PYEOF'
import sys, time, urllib.request
for _ in range(400):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/data.json", timeout=1)
        break
    except Exception:
        time.sleep(0.05)
PYEOF

export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo "local AWS emulator on $AWS_ENDPOINT_URL"
step sqs-trigger queue create demo-orders --tag team=demo
"$BIN" queue create demo-orders --tag team=demo
step sqs-trigger queue create demo-orders --tag team=demo "   # again: converges"
"$BIN" queue create demo-orders --tag team=demo
echo
echo "demo done; the emulator stops now."
