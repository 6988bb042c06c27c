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
echo "seeding an example function (examples/echo-function) whose role may only write logs:"
"$PY" tests/emulator/seed.py --endpoint-url "$AWS_ENDPOINT_URL" --function demo-worker --source examples/echo-function

run() { step "sqs-trigger $*"; "$BIN" "$@"; }

run setup --function demo-worker --queue demo-orders --fix --dry-run
run setup --function demo-worker --queue demo-orders --fix --yes
step "sqs-trigger setup --function demo-worker --queue demo-orders   # again: every step converges"
"$BIN" setup --function demo-worker --queue demo-orders
run doctor --queue demo-orders
# What CloudWatch says, without sending anything (the emulator's poller twin records the metrics).
run doctor --queue demo-orders --metrics --window 15m
# Two messages that failed earlier sit in the DLQ: move them back with SQS's own move task.
step "(two messages land in demo-orders-dlq)"
"$PY" - <<'PYEOF'
import os, boto3
sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
url = sqs.get_queue_url(QueueName="demo-orders-dlq")["QueueUrl"]
for i in range(2):
    sqs.send_message(QueueUrl=url, MessageBody=f'{{"order": {i}, "note": "failed before the fix"}}')
PYEOF
run redrive --queue demo-orders --max-per-second 10 --confirm --probe-timeout 30s
run teardown --queue demo-orders --function demo-worker --yes
echo
echo "demo done: queue, DLQ, role fix, mapping and a confirmed probe, diagnosed (facts and metrics),"
echo "the DLQ redriven, and torn down."
echo "the emulator stops now."
