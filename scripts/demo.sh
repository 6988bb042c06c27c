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

# Third story: an SNS-fed queue on a customer managed key. The consumer side is right (setup's
# probe, sent straight to the queue, is confirmed), yet the function never runs for what the
# topic publishes: the key policy does not let sns.amazonaws.com use the key.
step "(a customer managed key, a topic demo-alerts-topic subscribed to queue demo-alerts)"
key=$("$PY" - <<'PYEOF'
import json, os, boto3
kw = dict(endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
root = {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "kms:*", "Resource": "*"}
key = boto3.client("kms", **kw).create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [root]}))
print(key["KeyMetadata"]["Arn"])
PYEOF
)
"$BIN" queue create demo-alerts --kms-key "$key" >/dev/null
topic=$("$PY" - <<'PYEOF'
import json, os, boto3
kw = dict(endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
sns, sqs = boto3.client("sns", **kw), boto3.client("sqs", **kw)
topic = sns.create_topic(Name="demo-alerts-topic")["TopicArn"]
queue = "arn:aws:sqs:us-east-1:123456789012:demo-alerts"
policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
          "Action": "sqs:SendMessage", "Resource": queue, "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]}
sqs.set_queue_attributes(QueueUrl=sqs.get_queue_url(QueueName="demo-alerts")["QueueUrl"],
                         Attributes={"Policy": json.dumps(policy)})
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)
print(topic)
PYEOF
)
run setup --function demo-worker --queue demo-alerts --fix --yes
publish() {
  "$PY" - "$topic" "$1" <<'PYEOF'
import os, sys, boto3
boto3.client("sns", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1").publish(
    TopicArn=sys.argv[1], Message=sys.argv[2])
PYEOF
}
step "(publish \"alert 1\" to demo-alerts-topic: the function never runs)"
publish "alert 1"
run doctor --queue demo-alerts || true
step "(the fix doctor printed: add its statement to the key policy; sqs-trigger never edits key policies)"
"$PY" - "$key" <<'PYEOF'
import json, os, sys, boto3
kms = boto3.client("kms", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
policy = json.loads(kms.get_key_policy(KeyId=sys.argv[1], PolicyName="default")["Policy"])
policy["Statement"].append({"Sid": "AllowSNSUseOfTheKey", "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"})
kms.put_key_policy(KeyId=sys.argv[1], PolicyName="default", Policy=json.dumps(policy))
PYEOF
run doctor --queue demo-alerts
marker="alert-through-the-topic-$$"
step "(publish \"$marker\" to demo-alerts-topic)"
publish "$marker"
run logs --function demo-worker --since 5m --until "$marker" --timeout 60s
run teardown --queue demo-alerts --function demo-worker --yes
echo
echo "demo done: queue, DLQ, role fix, mapping and a confirmed probe, diagnosed (facts and metrics),"
echo "the DLQ redriven, and torn down; an SNS-fed KMS queue whose function never ran, the producer and"
echo "the key named by doctor, the key statement added, and a message through the topic confirmed."
echo "the emulator stops now."
