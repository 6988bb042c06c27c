"""The Lambda poller twin's own tests: each rule of lambda_poller.py, checked against the
emulator directly with boto3 (no sqs-trigger involved). Run by `make test`:

    .venv/bin/python -m unittest discover -s tests/emulator -p 'test_*.py'

One emulator for the module, started on a free loopback port like the Rust harness does.
Waits are for what the background poller does, never timed assertions.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request
import uuid
import zipfile

try:
    import boto3
    from botocore.exceptions import ClientError
except ImportError as exc:  # never skip silently
    raise SystemExit(f"boto3 is not importable ({exc}); run `make venv`") from exc

from harness import start_emulator

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "123456789012"
REGION = "us-east-1"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
POLLER = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]

ECHO = "import json\n\ndef handler(event, context):\n    print(json.dumps(event))\n"
FAIL = "def handler(event, context):\n    raise RuntimeError('boom')\n"
SLOW = "import time\n\ndef handler(event, context):\n    time.sleep(3)\n"
NAP = "import time\n\ndef handler(event, context):\n    time.sleep(1.5)\n"
PARTIAL = (
    "def handler(event, context):\n"
    "    return {'batchItemFailures': [{'itemIdentifier': r['messageId']} for r in event['Records']"
    " if 'fail' in r['body']]}\n"
)

emulator: subprocess.Popen | None = None
endpoint = ""


def setUpModule() -> None:
    global emulator, endpoint
    emulator, endpoint = start_emulator("sqs-trigger-twin-", dict(os.environ, SQS_TRIGGER_EMULATOR_LONG_POLL_S="2"))


def tearDownModule() -> None:
    if emulator is not None:
        emulator.kill()
        emulator.wait()


def client(service: str) -> object:
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def wait(what: str, cond, within: float = 30.0) -> None:
    deadline = time.time() + within
    while not cond():
        if time.time() > deadline:
            raise AssertionError(f"waited {within}s for {what}")
        time.sleep(0.1)


def pollers() -> dict:
    return json.loads(urllib.request.urlopen(endpoint + "/_emulator/pollers").read())


def policy(actions: list[str], resource: str = "*") -> str:
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]})


def cbor_call(operation: str, document: dict) -> tuple[int, dict, dict]:
    """One CloudWatch RPC v2 CBOR request, as the SDKs send it (the emulator checks no signature)."""
    sys.path.insert(0, HERE)
    import cloudwatch_api

    request = urllib.request.Request(
        endpoint + cloudwatch_api.PATH_PREFIX + operation, data=cloudwatch_api.encode(document), method="POST",
        headers={"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/monitoring/aws4_request, "
                                  "SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), cloudwatch_api.decode(response.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), cloudwatch_api.decode(err.read())


class Twin(unittest.TestCase):
    def setUp(self) -> None:
        self.iam = client("iam")
        self.lam = client("lambda")
        self.sqs = client("sqs")
        self.kms = client("kms")
        self.logs = client("logs")
        self.cw = client("cloudwatch")

    # -- building blocks --------------------------------------------------
    def role(self, actions: list[str]) -> str:
        role = name("role")
        arn = self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        self.iam.put_role_policy(RoleName=role, PolicyName="poller", PolicyDocument=policy(actions + LOGS))
        return arn

    def function(self, source: str = ECHO, timeout: int = 3, actions: list[str] | None = None,
                 role: str | None = None, **extra) -> str:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as archive:
            archive.writestr("app.py", source)
        fn = name("fn")
        self.lam.create_function(
            FunctionName=fn, Runtime="python3.12", Handler="app.handler", Timeout=timeout,
            Role=role or self.role(POLLER if actions is None else actions), Code={"ZipFile": buf.getvalue()},
            **extra,
        )
        return fn

    def queue(self, **attributes: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name("q") + (".fifo" if attributes.get("FifoQueue") else ""),
                                    Attributes=attributes)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def with_dlq(self, max_receive_count: int, **attributes: str) -> tuple[str, str, str]:
        dlq_url, dlq_arn = self.queue()
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
        url, arn = self.queue(RedrivePolicy=redrive, **attributes)
        return url, arn, dlq_url

    def mapping(self, queue_arn: str, fn: str, **kw) -> str:
        uuid_ = self.lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=fn, **kw)["UUID"]
        self.settle(uuid_)
        return uuid_

    def settle(self, uuid_: str) -> str:
        state = {}

        def settled() -> bool:
            state["s"] = self.lam.get_event_source_mapping(UUID=uuid_)["State"]
            return state["s"] in ("Enabled", "Disabled")

        wait(f"mapping {uuid_} to settle", settled)
        return state["s"]

    def depth(self, url: str) -> tuple[int, int]:
        a = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        return int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])

    def stats(self, uuid_: str) -> dict:
        return pollers()[uuid_]

    def log_text(self, fn: str) -> str:
        try:
            events = self.logs.filter_log_events(logGroupName=f"/aws/lambda/{fn}")["events"]
        except ClientError:
            return ""
        return "\n".join(e["message"] for e in events)

    def send(self, url: str, body: str = "hello") -> str:
        return self.sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"]

    def assert_not_polled(self, uuid_: str, url: str, code: str) -> dict:
        """The poller failed at least twice with `code`, invoked nothing, and the message is
        still visible on the queue."""
        wait(f"the poller to fail with {code} twice",
             lambda: self.stats(uuid_)["denied"] >= 2 and code in (self.stats(uuid_)["last_error"] or ""))
        stats = self.stats(uuid_)
        self.assertEqual(stats["invocations"], 0, stats)
        self.assertEqual(self.depth(url), (1, 0))
        mapping = self.lam.get_event_source_mapping(UUID=uuid_)
        self.assertEqual(mapping["State"], "Enabled")
        self.assertNotIn("LastProcessingResult", mapping, "AWS shows no LastProcessingResult for SQS")
        return stats

    # -- state ---------------------------------------------------------------
    def test_only_an_enabled_mapping_polls_and_changes_pass_through_transitions(self) -> None:
        fn = self.function()
        url, arn = self.queue()
        created = self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=fn)
        self.assertEqual(created["State"], "Creating")
        self.assertEqual(created["StateTransitionReason"], "USER_INITIATED")
        self.assertNotIn("LastProcessingResult", created)
        uuid_ = created["UUID"]
        self.assertEqual(self.settle(uuid_), "Enabled")
        self.assertEqual(self.lam.update_event_source_mapping(UUID=uuid_, BatchSize=5)["State"], "Updating")
        self.assertEqual(self.settle(uuid_), "Enabled")
        self.assertEqual(self.lam.update_event_source_mapping(UUID=uuid_, Enabled=False)["State"], "Disabling")
        self.assertEqual(self.settle(uuid_), "Disabled")
        receives = self.stats(uuid_)["receives"]
        self.send(url)
        time.sleep(1.5)  # a while in which an enabled mapping's poller would have run it
        self.assertEqual(self.depth(url), (1, 0), "a disabled mapping does not poll")
        self.assertEqual(self.stats(uuid_)["receives"], receives)
        self.assertEqual(self.lam.update_event_source_mapping(UUID=uuid_, Enabled=True)["State"], "Enabling")
        wait("the message to be handled once enabled", lambda: self.depth(url) == (0, 0))
        self.assertEqual(self.stats(uuid_)["invocations"], 1)
        disabled = self.lam.create_event_source_mapping(EventSourceArn=self.queue()[1], FunctionName=fn,
                                                        Enabled=False)
        self.assertEqual(disabled["State"], "Disabled")

    # -- authorization as the execution role ---------------------------------
    def test_a_role_without_receive_message_is_never_invoked(self) -> None:
        fn = self.function(actions=["sqs:DeleteMessage", "sqs:GetQueueAttributes"])
        url, arn = self.queue()
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        stats = self.assert_not_polled(uuid_, url, "AccessDenied")
        self.assertIn("sqs:receivemessage", stats["last_error"])
        self.assertEqual(self.log_text(fn), "")

    def test_a_role_without_get_queue_attributes_does_not_poll(self) -> None:
        fn = self.function(actions=["sqs:ReceiveMessage", "sqs:DeleteMessage"])
        url, arn = self.queue()
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        self.assertIn("sqs:getqueueattributes", self.assert_not_polled(uuid_, url, "AccessDenied")["last_error"])

    def test_an_aws_managed_policy_on_the_role_counts(self) -> None:
        role = name("role")
        arn = self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        self.iam.attach_role_policy(
            RoleName=role, PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole")
        fn = self.function(role=arn)
        url, queue_arn = self.queue()
        uuid_ = self.mapping(queue_arn, fn)
        self.send(url)
        wait("the message to be handled", lambda: self.depth(url) == (0, 0))
        self.assertEqual(self.stats(uuid_)["invocations"], 1)

    def test_a_permissions_boundary_caps_the_role(self) -> None:
        boundary = self.iam.create_policy(PolicyName=name("boundary"),
                                          PolicyDocument=policy(["sqs:GetQueueAttributes"] + LOGS))["Policy"]["Arn"]
        role = name("role")
        arn = self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST),
                                   PermissionsBoundary=boundary)["Role"]["Arn"]
        self.iam.put_role_policy(RoleName=role, PolicyName="poller", PolicyDocument=policy(POLLER + LOGS))
        fn = self.function(role=arn)
        url, queue_arn = self.queue()
        uuid_ = self.mapping(queue_arn, fn)
        self.send(url)
        self.assertIn("sqs:receivemessage", self.assert_not_polled(uuid_, url, "AccessDenied")["last_error"])

    def test_a_role_lambda_cannot_assume_runs_nothing(self) -> None:
        role = name("role")
        ec2 = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        arn = self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(ec2))["Role"]["Arn"]
        self.iam.put_role_policy(RoleName=role, PolicyName="poller", PolicyDocument=policy(POLLER + LOGS))
        fn = self.function(role=arn)
        url, queue_arn = self.queue()
        uuid_ = self.mapping(queue_arn, fn)
        self.send(url)
        self.assertIn("cannot assume", self.assert_not_polled(uuid_, url, "AccessDenied")["last_error"])

    def test_the_caller_is_not_the_role(self) -> None:
        # The test's own credentials may do anything; the poller still acts as the role.
        fn = self.function(actions=[])
        url, arn = self.queue()
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        self.assert_not_polled(uuid_, url, "AccessDenied")

    def test_a_customer_key_needs_kms_decrypt_then_works(self) -> None:
        key = self.kms.create_key()["KeyMetadata"]["Arn"]
        role = self.role(POLLER)
        fn = self.function(role=role)
        url, arn = self.queue(KmsMasterKeyId=key)
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        self.assert_not_polled(uuid_, url, "KmsAccessDenied")
        self.iam.put_role_policy(RoleName=role.rsplit("/", 1)[1], PolicyName="decrypt",
                                 PolicyDocument=policy(["kms:Decrypt"], key))
        wait("the message to be handled with kms:Decrypt", lambda: self.depth(url) == (0, 0))
        self.assertEqual(self.stats(uuid_)["invocations"], 1)

    def test_the_key_policy_must_let_the_role_use_the_key(self) -> None:
        other = f"arn:aws:iam::{ACCOUNT}:role/someone-else"
        closed = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": other}, "Action": "kms:*", "Resource": "*"}]}
        key = self.kms.create_key(Policy=json.dumps(closed), BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
        role = self.role(POLLER + ["kms:Decrypt"])
        fn = self.function(role=role)
        url, arn = self.queue(KmsMasterKeyId=key["Arn"])
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        self.assert_not_polled(uuid_, url, "KmsAccessDenied")
        # A key policy that names the role itself is enough on its own.
        opened = {"Version": "2012-10-17", "Statement": closed["Statement"] + [
            {"Effect": "Allow", "Principal": {"AWS": role}, "Action": "kms:Decrypt", "Resource": "*"}]}
        self.kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(opened))
        wait("the message to be handled", lambda: self.depth(url) == (0, 0))

    def test_a_disabled_key_stops_the_poller(self) -> None:
        key = self.kms.create_key()["KeyMetadata"]
        fn = self.function(actions=POLLER + ["kms:Decrypt"])
        url, arn = self.queue(KmsMasterKeyId=key["Arn"])
        self.kms.disable_key(KeyId=key["KeyId"])
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        self.assert_not_polled(uuid_, url, "KmsDisabled")
        self.kms.enable_key(KeyId=key["KeyId"])
        wait("the message to be handled", lambda: self.depth(url) == (0, 0))

    def test_the_aws_managed_key_needs_no_decrypt_in_the_role(self) -> None:
        fn = self.function()
        url, arn = self.queue(KmsMasterKeyId="alias/aws/sqs")
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        wait("the message to be handled", lambda: self.depth(url) == (0, 0))
        self.assertEqual(self.stats(uuid_)["invocations"], 1)

    def test_a_queue_policy_deny_wins_over_the_role(self) -> None:
        role = self.role(POLLER)
        fn = self.function(role=role)
        url, arn = self.queue()
        deny = {"Version": "2012-10-17", "Statement": [
            {"Sid": "NoWorker", "Effect": "Deny", "Principal": {"AWS": role}, "Action": "sqs:ReceiveMessage",
             "Resource": arn}]}
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(deny)})
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        self.assertIn("queue policy", self.assert_not_polled(uuid_, url, "AccessDenied")["last_error"])

    def test_a_queue_policy_deny_outside_a_vpc_endpoint_stops_the_poller(self) -> None:
        # The classic "only through our VPC endpoint" Deny: the poller never calls through one,
        # so aws:SourceVpce is absent and StringNotEquals holds (IAM condition operators).
        fn = self.function()
        url, arn = self.queue()
        deny = {"Version": "2012-10-17", "Statement": [
            {"Sid": "OnlyThroughVpce", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": arn,
             "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]}
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(deny)})
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        self.assertIn("queue policy", self.assert_not_polled(uuid_, url, "AccessDenied")["last_error"])

    def test_the_poller_is_not_in_the_request_log(self) -> None:
        fn = self.function()
        url, arn = self.queue()
        self.mapping(arn, fn)
        self.send(url)
        wait("the message to be handled", lambda: self.depth(url) == (0, 0))
        requests = json.loads(urllib.request.urlopen(endpoint + "/_emulator/requests").read())
        operations = {r["operation"] for r in requests if r.get("target") == url}
        self.assertIn("SendMessage", operations)
        self.assertFalse(operations & {"ReceiveMessage", "DeleteMessage", "DeleteMessageBatch"}, operations)

    # -- batching --------------------------------------------------------------
    def test_batches_hold_up_to_the_batch_size(self) -> None:
        fn = self.function()
        url, arn = self.queue()
        uuid_ = self.mapping(arn, fn, BatchSize=3, Enabled=False)
        self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(5)])
        self.lam.update_event_source_mapping(UUID=uuid_, Enabled=True)
        wait("every message to be handled", lambda: self.depth(url) == (0, 0))
        sizes = sorted(len(e["message_ids"]) for e in self.stats(uuid_)["events"] if e["event"] == "invoked")
        self.assertEqual(sizes, [2, 3])

    def test_a_batching_window_gathers_messages_sent_apart(self) -> None:
        fn = self.function()
        url, arn = self.queue()
        uuid_ = self.mapping(arn, fn, BatchSize=20, MaximumBatchingWindowInSeconds=2)
        self.send(url, "first")
        time.sleep(0.5)
        self.send(url, "second")
        wait("both messages to be handled", lambda: self.depth(url) == (0, 0))
        invoked = [e for e in self.stats(uuid_)["events"] if e["event"] == "invoked"]
        self.assertEqual([len(e["message_ids"]) for e in invoked], [2], invoked)

    def test_long_polling_counts_one_empty_receive_per_long_poll(self) -> None:
        fn = self.function()
        _, arn = self.queue()
        uuid_ = self.mapping(arn, fn)
        # This emulator long-polls for 2 s (SQS_TRIGGER_EMULATOR_LONG_POLL_S; 20 s by default).
        wait("two empty receives", lambda: self.stats(uuid_)["empty_receives"] >= 2)
        stats = self.stats(uuid_)
        self.assertEqual(stats["receives"], stats["empty_receives"])
        self.assertLessEqual(stats["receives"], 4, "long polls, not a busy loop")

    # -- concurrency --------------------------------------------------------------
    def test_reserved_concurrency_zero_throttles_and_the_receive_count_grows(self) -> None:
        fn = self.function(timeout=1)
        self.lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=0)
        url, arn, dlq = self.with_dlq(2, VisibilityTimeout="1")
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        # Throttled twice (receive count 1, then 2), then SQS moves it to the DLQ.
        wait("the throttled message to reach the DLQ", lambda: self.depth(dlq) == (1, 0))
        stats = self.stats(uuid_)
        self.assertEqual(stats["invocations"], 0, stats)
        self.assertGreaterEqual(stats["throttles"], 2, stats)
        self.assertEqual(self.log_text(fn), "")

    def test_reserved_concurrency_below_maximum_concurrency_throttles(self) -> None:
        # The mapping may run 2 at a time, the function only 1: the second batch is throttled
        # and comes back with a higher receive count (services-sqs-errorhandling.html).
        fn = self.function(NAP, timeout=2)
        self.lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=1)
        url, arn = self.queue(VisibilityTimeout="2")
        uuid_ = self.mapping(arn, fn, BatchSize=1, ScalingConfig={"MaximumConcurrency": 2}, Enabled=False)
        self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)])
        self.lam.update_event_source_mapping(UUID=uuid_, Enabled=True)
        wait("every message to be handled", lambda: self.depth(url) == (0, 0), within=60)
        stats = self.stats(uuid_)
        self.assertEqual(stats["invocations"], 3, stats)
        self.assertGreaterEqual(stats["throttles"], 1, stats)
        self.assertEqual(stats["peak_concurrency"], 1, stats)

    def test_maximum_concurrency_caps_the_mapping(self) -> None:
        fn = self.function(NAP, timeout=3)
        url, arn = self.queue()
        uuid_ = self.mapping(arn, fn, BatchSize=1, ScalingConfig={"MaximumConcurrency": 2}, Enabled=False)
        self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(5)])
        self.lam.update_event_source_mapping(UUID=uuid_, Enabled=True)
        wait("every message to be handled", lambda: self.depth(url) == (0, 0), within=60)
        stats = self.stats(uuid_)
        self.assertEqual(stats["invocations"], 5)
        self.assertEqual(stats["peak_concurrency"], 2, stats)

    # -- filters ------------------------------------------------------------------
    def test_a_message_no_filter_matches_is_deleted_without_an_invocation(self) -> None:
        fn = self.function()
        url, arn = self.queue()
        uuid_ = self.mapping(arn, fn, FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["order"]}})}]})
        self.send(url, json.dumps({"kind": "refund", "id": "r-1"}))
        self.send(url, json.dumps({"kind": "order", "id": "o-1"}))
        wait("both messages to be gone", lambda: self.depth(url) == (0, 0))
        wait("the invocation to be logged", lambda: "REPORT RequestId" in self.log_text(fn))
        stats = self.stats(uuid_)
        self.assertEqual((stats["invocations"], stats["filtered_out"]), (1, 1), stats)
        self.assertIn("o-1", self.log_text(fn))
        self.assertNotIn("r-1", self.log_text(fn))

    # -- logging config ---------------------------------------------------------------
    def test_logging_config_shapes_the_log_lines(self) -> None:
        logged = ("import json, logging\n\ndef handler(event, context):\n"
                  "    logging.getLogger().info(json.dumps(event))\n    logging.getLogger().debug('hidden')\n")
        group = "/shared/" + name("app")
        # JSON with SystemLogLevel WARN, in a group shared with a Text function.
        quiet = self.function(logged, LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "WARN",
                                                     "ApplicationLogLevel": "INFO", "LogGroup": group})
        loud = self.function(LoggingConfig={"LogFormat": "JSON", "LogGroup": group})
        text = self.function(LoggingConfig={"LogFormat": "Text", "LogGroup": group})
        config = self.lam.get_function(FunctionName=quiet)["Configuration"]["LoggingConfig"]
        self.assertEqual(config, {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN",
                                  "LogGroup": group})
        self.assertEqual(self.lam.get_function(FunctionName=text)["Configuration"]["LoggingConfig"],
                         {"LogFormat": "Text", "LogGroup": group})
        for fn in (quiet, loud, text):
            self.lam.invoke(FunctionName=fn, Payload=json.dumps({"probe": fn}))
        events = self.logs.filter_log_events(logGroupName=group)["events"]
        by_stream: dict[str, list[str]] = {}
        for e in events:
            by_stream.setdefault(e["logStreamName"], []).append(e["message"])
        for fn in (quiet, loud, text):
            streams = [s for s in by_stream if s.split("/", 3)[3].startswith(fn + "[")]
            self.assertEqual(len(streams), 1, (fn, list(by_stream)))
            lines = by_stream[streams[0]]
            self.assertTrue(any(fn in line for line in lines), lines)
            if fn == quiet:
                records = [json.loads(line) for line in lines]
                self.assertFalse([r for r in records if str(r.get("type", "")).startswith("platform.")], lines)
                self.assertEqual([r["level"] for r in records], ["INFO"], "DEBUG is below the application level")
                self.assertTrue(all(r.get("requestId") for r in records))
            elif fn == loud:
                types = [json.loads(line).get("type") for line in lines if line.startswith("{")]
                self.assertEqual((types[0], types[-1]), ("platform.start", "platform.report"), lines)
            else:
                self.assertTrue(lines[0].startswith("START RequestId: ") and lines[-1].startswith("REPORT"), lines)
        # Levels need the JSON format (AWS-FACTS.md §6).
        with self.assertRaises(ClientError) as ctx:
            self.function(LoggingConfig={"LogFormat": "Text", "SystemLogLevel": "WARN"})
        self.assertIn('LogLevel is not supported when LogFormat is set to "Text"',
                      ctx.exception.response["Error"]["Message"])

    def test_a_filter_on_a_key_other_than_body_deletes_every_message(self) -> None:
        # "Amazon SQS event source mappings only support filtering on the body key"
        # (with-sqs-filtering.html): a messageAttributes pattern matches nothing.
        fn = self.function()
        url, arn = self.queue()
        pattern = {"messageAttributes": {"kind": {"stringValue": ["order"]}}}
        uuid_ = self.mapping(arn, fn, FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
        self.sqs.send_message(QueueUrl=url, MessageBody="x",
                              MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
        wait("the message to be gone", lambda: self.depth(url) == (0, 0))
        stats = self.stats(uuid_)
        self.assertEqual((stats["invocations"], stats["filtered_out"]), (0, 1), stats)

    # -- APIs moto lacks ---------------------------------------------------------------
    def test_account_settings_count_reservations(self) -> None:
        before = self.lam.get_account_settings()["AccountLimit"]
        self.assertEqual(before["ConcurrentExecutions"], 1000)
        fn = self.function()
        self.lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=7)
        after = self.lam.get_account_settings()["AccountLimit"]
        self.assertEqual(after["UnreservedConcurrentExecutions"], before["UnreservedConcurrentExecutions"] - 7)
        self.lam.delete_function_concurrency(FunctionName=fn)

    def test_recursion_config_defaults_to_terminate(self) -> None:
        fn = self.function()
        self.assertEqual(self.lam.get_function_recursion_config(FunctionName=fn)["RecursiveLoop"], "Terminate")
        self.lam.put_function_recursion_config(FunctionName=fn, RecursiveLoop="Allow")
        self.assertEqual(self.lam.get_function_recursion_config(FunctionName=fn)["RecursiveLoop"], "Allow")
        with self.assertRaises(ClientError) as err:
            self.lam.put_function_recursion_config(FunctionName=fn, RecursiveLoop="Sometimes")
        self.assertEqual(err.exception.response["Error"]["Code"], "ValidationException")
        with self.assertRaises(ClientError) as err:
            self.lam.get_function_recursion_config(FunctionName=name("missing"))
        self.assertEqual(err.exception.response["Error"]["Code"], "ResourceNotFoundException")

    # -- failures -------------------------------------------------------------------
    def test_a_handler_error_returns_the_message_after_the_visibility_timeout_then_dlq(self) -> None:
        fn = self.function(FAIL, timeout=1)
        url, arn, dlq = self.with_dlq(2, VisibilityTimeout="1")
        uuid_ = self.mapping(arn, fn)
        message_id = self.send(url)
        wait("the failed message to reach the DLQ", lambda: self.depth(dlq) == (1, 0))
        stats = self.stats(uuid_)
        self.assertEqual((stats["invocations"], stats["errors"], stats["deleted"]), (2, 2, 0), stats)
        moved = self.sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"][0]
        self.assertEqual(moved["MessageId"], message_id)
        self.assertEqual(self.depth(url), (0, 0))

    def test_a_timeout_is_a_failure(self) -> None:
        fn = self.function(SLOW, timeout=1)
        url, arn = self.queue(VisibilityTimeout="30")
        uuid_ = self.mapping(arn, fn)
        self.send(url)
        wait("the timed-out invocation", lambda: "Task timed out after 1.00 seconds" in self.log_text(fn))
        wait("the poller to count the error", lambda: self.stats(uuid_)["errors"] == 1)
        self.assertEqual(self.depth(url), (0, 1), "in flight until the visibility timeout ends")

    def test_report_batch_item_failures_keeps_only_the_reported_items(self) -> None:
        fn = self.function(PARTIAL)
        url, arn = self.queue(VisibilityTimeout="30")
        uuid_ = self.mapping(arn, fn, BatchSize=3, FunctionResponseTypes=["ReportBatchItemFailures"], Enabled=False)
        for body in ("ok-1", "fail-2", "ok-3"):
            self.send(url, body)
        self.lam.update_event_source_mapping(UUID=uuid_, Enabled=True)
        wait("two messages deleted", lambda: self.stats(uuid_)["deleted"] == 2)
        self.assertEqual(self.depth(url), (0, 1), "the reported one stays in flight")
        self.assertEqual(self.stats(uuid_)["invocations"], 1)

    def test_a_role_without_delete_message_runs_the_function_but_the_message_comes_back(self) -> None:
        fn = self.function(timeout=1, actions=["sqs:ReceiveMessage", "sqs:GetQueueAttributes"])
        url, arn = self.queue(VisibilityTimeout="1")
        uuid_ = self.mapping(arn, fn)
        message_id = self.send(url)
        wait("the same message to run twice", lambda: self.stats(uuid_)["invocations"] >= 2)
        stats = self.stats(uuid_)
        invoked = [e["message_ids"] for e in stats["events"] if e["event"] == "invoked"]
        self.assertEqual(invoked[:2], [[message_id], [message_id]])
        self.assertGreaterEqual(stats["delete_denied"], 1)
        self.assertIn("sqs:deletemessage", stats["last_error"])
        self.assertEqual(sum(self.depth(url)), 1, "still on the queue")

    # -- create-time validation ----------------------------------------------------
    def assert_rejected(self, code: str, message: str | None, **kw) -> None:
        with self.assertRaises(ClientError) as ctx:
            self.lam.create_event_source_mapping(**kw)
        self.assertEqual(ctx.exception.response["Error"]["Code"], code)
        if message is not None:
            self.assertEqual(ctx.exception.response["Error"]["Message"], message)
        else:
            self.assertIn("[emulator wording", ctx.exception.response["Error"]["Message"])

    def test_create_time_validation(self) -> None:
        fn = self.function(timeout=60)
        short_url, short = self.queue(VisibilityTimeout="30")
        _, standard = self.queue(VisibilityTimeout="360")
        _, fifo = self.queue(FifoQueue="true", VisibilityTimeout="360")
        fn_arn = fn
        self.assert_rejected("InvalidParameterValueException",
                             "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds",
                             EventSourceArn=short, FunctionName=fn_arn)
        self.assert_rejected("InvalidParameterValueException",
                             "Maximum batch window in seconds must be greater than 0 if maximum batch size is "
                             "greater than 10",
                             EventSourceArn=standard, FunctionName=fn_arn, BatchSize=11)
        self.assert_rejected("InvalidParameterValueException", "Batching window is not supported for FIFO queues",
                             EventSourceArn=fifo, FunctionName=fn_arn, MaximumBatchingWindowInSeconds=5)
        self.assert_rejected("InvalidParameterValueException", None,
                             EventSourceArn=fifo, FunctionName=fn_arn, BatchSize=11)
        # botocore checks the model's minimum itself; send the request raw past it.
        self.assertEqual(self.raw_create(standard, fn_arn, {"ScalingConfig": {"MaximumConcurrency": 1}}),
                         (400, "ValidationException"))
        self.assertEqual(self.raw_create(standard, fn_arn, {"ScalingConfig": {"MaximumConcurrency": 1001}}),
                         (400, "ValidationException"))
        # The window lifts the batch size limit of a standard queue; MaximumConcurrency 2 is fine.
        ok = self.lam.create_event_source_mapping(EventSourceArn=standard, FunctionName=fn_arn, BatchSize=11,
                                                  MaximumBatchingWindowInSeconds=1,
                                                  ScalingConfig={"MaximumConcurrency": 2})
        self.assertEqual(ok["State"], "Creating")
        # Updates are checked too (the batch window rule holds on update).
        with self.assertRaises(ClientError) as ctx:
            self.lam.update_event_source_mapping(UUID=ok["UUID"], MaximumBatchingWindowInSeconds=0)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidParameterValueException")
        del short_url

    def test_mapping_features_are_validated(self) -> None:
        fn = self.function()
        _, arn = self.queue()
        # ProvisionedPollerConfig for SQS: minimum 2-200, maximum 2-10000, min <= max, and not
        # with MaximumConcurrency (API_ProvisionedPollerConfig; services-sqs-scaling.html).
        for pollers in ({"MinimumPollers": 1, "MaximumPollers": 10}, {"MinimumPollers": 2, "MaximumPollers": 1},
                        {"MinimumPollers": 20, "MaximumPollers": 10}):
            self.assert_rejected("InvalidParameterValueException", None, EventSourceArn=arn, FunctionName=fn,
                                 ProvisionedPollerConfig=pollers)
        self.assertEqual(self.raw_create(arn, fn, {"ProvisionedPollerConfig": {"MinimumPollers": 201}}),
                         (400, "ValidationException"))
        self.assert_rejected("InvalidParameterValueException", None, EventSourceArn=arn, FunctionName=fn,
                             ProvisionedPollerConfig={"MinimumPollers": 2, "MaximumPollers": 10},
                             ScalingConfig={"MaximumConcurrency": 5})
        self.assertEqual(self.raw_create(arn, fn, {"MetricsConfig": {"Metrics": ["Everything"]}}),
                         (400, "ValidationException"))
        self.assert_rejected("InvalidParameterValueException", None, EventSourceArn=arn, FunctionName=fn,
                             KMSKeyArn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{uuid.uuid4()}",
                             FilterCriteria={"Filters": [{"Pattern": '{"body":{"a":["b"]}}'}]})
        uuid_ = self.mapping(arn, fn, ProvisionedPollerConfig={"MinimumPollers": 3, "MaximumPollers": 30},
                             MetricsConfig={"Metrics": ["EventCount"]})
        got = self.lam.get_event_source_mapping(UUID=uuid_)
        self.assertEqual(got["ProvisionedPollerConfig"], {"MinimumPollers": 3, "MaximumPollers": 30})
        self.assertEqual(got["MetricsConfig"], {"Metrics": ["EventCount"]})

    def test_encrypted_filters_are_hidden_from_the_list_and_fail_with_the_key(self) -> None:
        fn = self.function()
        _, arn = self.queue()
        key = self.kms.create_key()["KeyMetadata"]["Arn"]
        pattern = '{"body":{"kind":["order"]}}'
        uuid_ = self.mapping(arn, fn, KMSKeyArn=key, FilterCriteria={"Filters": [{"Pattern": pattern}]})
        listed = self.lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"][0]
        self.assertEqual(listed.get("KMSKeyArn"), key)
        self.assertIsNone(listed.get("FilterCriteria"), "ListEventSourceMappings shows encrypted filters as null")
        got = self.lam.get_event_source_mapping(UUID=uuid_)
        self.assertEqual(got["FilterCriteria"], {"Filters": [{"Pattern": pattern}]})
        self.assertNotIn("FilterCriteriaError", got)
        self.kms.disable_key(KeyId=key)
        got = self.lam.get_event_source_mapping(UUID=uuid_)
        self.assertIsNone(got.get("FilterCriteria"))
        self.assertEqual(got["FilterCriteriaError"]["ErrorCode"], "DisabledException")

    def raw_create(self, queue_arn: str, fn: str, extra: dict) -> tuple[int, str]:
        body = json.dumps({"EventSourceArn": queue_arn, "FunctionName": fn, **extra}).encode()
        request = urllib.request.Request(
            endpoint + "/2015-03-31/event-source-mappings/", data=body, method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{REGION}/lambda/aws4_request, "
                                      "SignedHeaders=host, Signature=0"})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, ""
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("x-amzn-errortype", "")

    # -- metrics -----------------------------------------------------------------------
    def test_metrics_reach_cloudwatch(self) -> None:
        fn = self.function(timeout=1)
        url, arn = self.queue(VisibilityTimeout="1")
        self.mapping(arn, fn)
        self.send(url)
        wait("the message to be handled", lambda: self.depth(url) == (0, 0))
        failing = self.function(FAIL, timeout=1)
        failing_url, failing_arn = self.queue(VisibilityTimeout="30")
        self.mapping(failing_arn, failing)
        self.send(failing_url)
        throttled = self.function(timeout=1)
        self.lam.put_function_concurrency(FunctionName=throttled, ReservedConcurrentExecutions=0)
        throttled_url, throttled_arn = self.queue(VisibilityTimeout="30")
        self.mapping(throttled_arn, throttled)
        self.send(throttled_url)
        queue = url.rsplit("/", 1)[1]

        def total(namespace: str, metric: str, dimension: str, value: str, stat: str = "Sum") -> float:
            now = datetime.datetime.now(datetime.timezone.utc)
            out = self.cw.get_metric_data(
                MetricDataQueries=[{"Id": "m", "MetricStat": {
                    "Metric": {"Namespace": namespace, "MetricName": metric,
                               "Dimensions": [{"Name": dimension, "Value": value}]},
                    "Period": 60, "Stat": stat}}],
                StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=1))
            return sum(out["MetricDataResults"][0]["Values"])

        wait("an empty receive", lambda: total("AWS/SQS", "NumberOfEmptyReceives", "QueueName", queue) >= 1)
        self.assertEqual(total("AWS/SQS", "NumberOfMessagesReceived", "QueueName", queue), 1)
        self.assertEqual(total("AWS/SQS", "NumberOfMessagesDeleted", "QueueName", queue), 1)
        self.assertGreaterEqual(total("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue,
                                      "SampleCount"), 1)
        self.assertGreaterEqual(total("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue,
                                      "SampleCount"), 1)
        self.assertEqual(total("AWS/Lambda", "Invocations", "FunctionName", fn), 1)
        wait("the failing function's error", lambda: total("AWS/Lambda", "Errors", "FunctionName", failing) == 1)
        wait("a throttle", lambda: total("AWS/Lambda", "Throttles", "FunctionName", throttled) >= 1)
        self.assertEqual(total("AWS/Lambda", "Invocations", "FunctionName", throttled), 0,
                         "throttled requests are not invocations")

    def test_mappings_listed_by_function_name_or_arn(self) -> None:
        # ListEventSourceMappings takes the function as a name, an ARN or a partial ARN
        # (API_ListEventSourceMappings): each lists the same mapping, another function none.
        fn = self.function()
        _, arn = self.queue()
        uuid_ = self.mapping(arn, fn)
        fn_arn = self.lam.get_function(FunctionName=fn)["Configuration"]["FunctionArn"]
        partial = fn_arn.split(":", 4)[4]
        for given in (fn, fn_arn, partial):
            listed = self.lam.list_event_source_mappings(FunctionName=given)["EventSourceMappings"]
            self.assertEqual([m["UUID"] for m in listed], [uuid_], given)
        other = self.function()
        self.assertEqual(self.lam.list_event_source_mappings(FunctionName=other)["EventSourceMappings"], [])

    def test_mappings_are_listed_in_pages(self) -> None:
        # At most MaxItems (and never more than 100) a page, NextMarker for the rest
        # (API_ListEventSourceMappings).
        fn = self.function()
        made = [self.lam.create_event_source_mapping(EventSourceArn=self.queue()[1], FunctionName=fn,
                                                     Enabled=False)["UUID"] for _ in range(3)]
        first = self.lam.list_event_source_mappings(FunctionName=fn, MaxItems=2)
        self.assertEqual(len(first["EventSourceMappings"]), 2)
        rest = self.lam.list_event_source_mappings(FunctionName=fn, MaxItems=2, Marker=first["NextMarker"])
        self.assertNotIn("NextMarker", rest)
        listed = [m["UUID"] for m in first["EventSourceMappings"] + rest["EventSourceMappings"]]
        self.assertEqual(sorted(listed), sorted(made))

    def test_mapping_metrics_only_with_event_count(self) -> None:
        fn = self.function()
        url, arn = self.queue()
        counted = self.mapping(arn, fn, MetricsConfig={"Metrics": ["EventCount"]})
        other_fn = self.function()
        other_url, other_arn = self.queue()
        silent = self.mapping(other_arn, other_fn)
        self.send(url)
        self.send(other_url)
        wait("both messages to be handled", lambda: self.depth(url) == (0, 0) and self.depth(other_url) == (0, 0))

        def total(uuid_: str, metric: str) -> float:
            now = datetime.datetime.now(datetime.timezone.utc)
            out = self.cw.get_metric_data(
                MetricDataQueries=[{"Id": "m", "MetricStat": {
                    "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
                               "Dimensions": [{"Name": "EventSourceMappingUUID", "Value": uuid_}]},
                    "Period": 60, "Stat": "Sum"}}],
                StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=1))
            return sum(out["MetricDataResults"][0]["Values"])

        wait("InvokedEventCount", lambda: total(counted, "InvokedEventCount") == 1)
        self.assertGreaterEqual(total(counted, "PolledEventCount"), 1)
        self.assertEqual(total(silent, "PolledEventCount"), 0, "no MetricsConfig: no mapping metrics")
        self.assertEqual(total(silent, "InvokedEventCount"), 0)

    # -- GetMetricData over CBOR (what the Rust SDK speaks) and SQS message move tasks ------

    def query(self, qid: str, namespace: str, metric: str, dimension: str, value: str, stat: str = "Sum") -> dict:
        return {"Id": qid, "MetricStat": {"Metric": {"Namespace": namespace, "MetricName": metric,
                                                      "Dimensions": [{"Name": dimension, "Value": value}]},
                                           "Period": 60, "Stat": stat}, "ReturnData": True}

    def test_get_metric_data_over_cbor_has_aws_shape(self) -> None:
        fn = self.function(timeout=1)
        url, arn = self.queue(VisibilityTimeout="1")
        self.mapping(arn, fn)
        self.send(url)
        wait("the message to be handled", lambda: self.depth(url) == (0, 0))
        queue = url.rsplit("/", 1)[1]
        now = datetime.datetime.now(datetime.timezone.utc)
        request = {
            "MetricDataQueries": [
                self.query("received", "AWS/SQS", "NumberOfMessagesReceived", "QueueName", queue),
                # Same name and dimension, another namespace: nothing (moto matched it).
                self.query("other", "AWS/Other", "NumberOfMessagesReceived", "QueueName", queue),
                self.query("age", "AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue, "Maximum"),
            ],
            "StartTime": now - datetime.timedelta(minutes=10),
            "EndTime": now + datetime.timedelta(minutes=1),
            "ScanBy": "TimestampAscending",
        }
        status, headers, doc = cbor_call("GetMetricData", request)
        self.assertEqual(status, 200, doc)
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        results = {r["Id"]: r for r in doc["MetricDataResults"]}
        self.assertEqual(sum(results["received"]["Values"]), 1)
        self.assertEqual(results["received"]["StatusCode"], "Complete")
        self.assertTrue(all(isinstance(t, datetime.datetime) and t.second == now.second
                            for t in results["received"]["Timestamps"]), "period starts from StartTime")
        self.assertEqual(results["other"]["Values"], [])
        self.assertGreaterEqual(len(results["age"]["Values"]), 1)
        # Backdating moves what was recorded out of a short window.
        moved = json.loads(urllib.request.urlopen(urllib.request.Request(
            endpoint + "/_emulator/metrics/backdate", data=b'{"seconds": 3600}', method="POST")).read())["moved"]
        self.assertGreater(moved, 0)
        _, _, later = cbor_call("GetMetricData", request)
        self.assertEqual(later["MetricDataResults"][0]["Values"], [])

    def test_get_metric_data_takes_at_most_500_queries(self) -> None:
        now = datetime.datetime.now(datetime.timezone.utc)
        queries = [self.query(f"q{i}", "AWS/SQS", "NumberOfMessagesSent", "QueueName", "x") for i in range(501)]
        status, headers, doc = cbor_call("GetMetricData", {
            "MetricDataQueries": queries, "StartTime": now - datetime.timedelta(minutes=5), "EndTime": now})
        self.assertEqual(status, 400)
        self.assertTrue(doc["__type"].endswith("#InvalidParameterValue"), doc)
        self.assertEqual(headers.get("x-amzn-query-error"), "InvalidParameterValue;Sender")

    def dlq_holding(self, n: int) -> tuple[str, str, str, str]:
        url, arn, dlq_url = self.with_dlq(3)
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for i in range(n):
            self.send(dlq_url, f"m{i}")
        return url, arn, dlq_url, dlq_arn

    def test_a_move_task_moves_every_message_back_at_its_rate(self) -> None:
        url, _, dlq_url, dlq_arn = self.dlq_holding(4)
        started = time.time()
        handle = self.sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=10)["TaskHandle"]
        running = self.sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
        self.assertEqual((running["Status"], running["TaskHandle"]), ("RUNNING", handle))
        self.assertEqual(running["ApproximateNumberOfMessagesToMove"], 4)
        self.assertEqual(running["MaxNumberOfMessagesPerSecond"], 10)
        wait("the task to complete",
             lambda: self.sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]["Status"] == "COMPLETED")
        self.assertGreaterEqual(time.time() - started, 0.3, "4 messages at 10 a second")
        done = self.sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"][0]
        self.assertEqual(done["ApproximateNumberOfMessagesMoved"], 4)
        self.assertNotIn("TaskHandle", done, "only a running task has a handle")
        self.assertEqual((self.depth(url), self.depth(dlq_url)), ((4, 0), (0, 0)))

    def test_move_task_errors_are_aws_texts(self) -> None:
        url, arn, dlq_url, dlq_arn = self.dlq_holding(20)

        def error(call) -> tuple[str, str]:
            with self.assertRaises(ClientError) as caught:
                call()
            return caught.exception.response["Error"]["Code"], caught.exception.response["Error"]["Message"]

        self.assertEqual(error(lambda: self.sqs.start_message_move_task(SourceArn=arn)),
                         ("InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue."))
        missing = arn + "-missing"
        self.assertEqual(error(lambda: self.sqs.start_message_move_task(SourceArn=missing))[1],
                         "The resource that you specified for the SourceArn parameter doesn't exist.")
        handle = self.sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
        self.assertEqual(error(lambda: self.sqs.start_message_move_task(SourceArn=dlq_arn))[1],
                         "There is already a task running. Only one active task is allowed for a source queue arn "
                         "at a given time.")
        self.assertEqual(error(lambda: self.sqs.cancel_message_move_task(TaskHandle="nope"))[1],
                         "Value for parameter TaskHandle is invalid.")
        moved = self.sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
        wait("the task to be cancelled",
             lambda: self.sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]["Status"] == "CANCELLED")
        self.assertLess(moved, 20)
        self.assertEqual(self.depth(url)[0] + self.depth(dlq_url)[0], 20, "moved messages stay moved, none lost")


if __name__ == "__main__":
    unittest.main()
