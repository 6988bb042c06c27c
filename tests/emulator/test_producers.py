"""The emulator's producers of a queue (producers.py) are no kinder than AWS: SNS, EventBridge
and S3 deliver to a queue only when its queue policy lets their service principal send (with
the right aws:SourceArn) and, for an SSE-KMS queue, the key policy lets it use the key
(never alias/aws/sqs). Checked with boto3 against the emulator, one table per producer:

    producer x {policy allows, queue policy without the service, wrong SourceArn,
                alias/aws/sqs, customer key without the service, customer key with it,
                SSE-SQS} -> delivered or dropped, and the metric AWS records.

Run by `make test`: .venv/bin/python -m unittest discover -s tests/emulator -p 'test_*.py'
"""

from __future__ import annotations

import datetime
import json
import subprocess
import time
import unittest
import urllib.request
import uuid

try:
    import boto3
    from botocore.exceptions import ClientError
except ImportError as exc:  # never skip silently
    raise SystemExit(f"boto3 is not importable ({exc}); run `make venv`") from exc

from harness import start_emulator

ACCOUNT = "123456789012"
REGION = "us-east-1"
SERVICES = {"sns": "sns.amazonaws.com", "events": "events.amazonaws.com", "s3": "s3.amazonaws.com"}

emulator: subprocess.Popen | None = None
endpoint = ""


def setUpModule() -> None:
    global emulator, endpoint
    emulator, endpoint = start_emulator("sqs-trigger-producers-", None)


def tearDownModule() -> None:
    if emulator is not None:
        emulator.kill()
        emulator.wait()


def client(service: str, account: str | None = None) -> object:
    c = boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        def header(request, **_kwargs) -> None:
            request.headers["x-moto-account-id"] = account
        c.meta.events.register("before-send.*.*", header)
    return c


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def deliveries() -> list[dict]:
    return json.loads(urllib.request.urlopen(endpoint + "/_emulator/deliveries").read())


def queue_policy(queue_arn: str, service: str, source_arn: str, operator: str = "ArnEquals",
                 source_account: str | None = None) -> str:
    condition = {operator: {"aws:SourceArn": source_arn}}
    if source_account:
        condition["StringEquals"] = {"aws:SourceAccount": source_account}
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "producer", "Effect": "Allow", "Principal": {"Service": service}, "Action": "sqs:SendMessage",
        "Resource": queue_arn, "Condition": condition}]})


def key_policy(account: str, service: str | None) -> str:
    statements = [{"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                   "Action": "kms:*", "Resource": "*"}]
    if service:
        statements.append({"Sid": "producer", "Effect": "Allow", "Principal": {"Service": service},
                           "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


# The table: (case, queue encryption, which policy, delivered?)
CASES = [
    ("policy_allows", None, "right", True),
    ("queue_policy_without_the_service", None, "other-service", False),
    ("wrong_source_arn", None, "wrong-source", False),
    ("aws_managed_key", "aws/sqs", "right", False),
    ("customer_key_without_the_service", "cmk-without", "right", False),
    ("customer_key_with_the_service", "cmk-with", "right", True),
    ("sse_sqs", "sse-sqs", "right", True),
]


class Base(unittest.TestCase):
    producer = ""

    def setUp(self) -> None:
        self.sqs = client("sqs")
        self.kms = client("kms")
        self.cw = client("cloudwatch")

    # -- building blocks --------------------------------------------------
    def encrypted_queue(self, encryption: str | None, service: str, account: str = ACCOUNT,
                        **attributes: str) -> tuple[str, str]:
        sqs = client("sqs", account) if account != ACCOUNT else self.sqs
        kms = client("kms", account) if account != ACCOUNT else self.kms
        if encryption == "aws/sqs":
            attributes["KmsMasterKeyId"] = "alias/aws/sqs"
        elif encryption in ("cmk-without", "cmk-with"):
            key = kms.create_key(Policy=key_policy(account, service if encryption == "cmk-with" else None))
            attributes["KmsMasterKeyId"] = key["KeyMetadata"]["Arn"]
        elif encryption == "sse-sqs":
            attributes["SqsManagedSseEnabled"] = "true"
        queue = name("q") + (".fifo" if attributes.get("FifoQueue") else "")
        url = sqs.create_queue(QueueName=queue, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def set_policy(self, url: str, document: str, account: str = ACCOUNT) -> None:
        sqs = client("sqs", account) if account != ACCOUNT else self.sqs
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": document})

    def policy_for(self, which: str, queue_arn: str, service: str, source_arn: str) -> str:
        if which == "other-service":
            other = next(s for s in SERVICES.values() if s != service)
            return queue_policy(queue_arn, other, source_arn)
        if which == "wrong-source":
            return queue_policy(queue_arn, service, source_arn + "-other")
        return self.right_policy(queue_arn, service, source_arn)

    def right_policy(self, queue_arn: str, service: str, source_arn: str) -> str:
        return queue_policy(queue_arn, service, source_arn)

    def messages(self, url: str, account: str = ACCOUNT) -> list[dict]:
        sqs = client("sqs", account) if account != ACCOUNT else self.sqs
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        return got.get("Messages", [])

    def total(self, namespace: str, metric: str, dimensions: dict[str, str], account: str = ACCOUNT) -> float | None:
        """Sum of the metric over the last 10 minutes; None when nothing was recorded."""
        cw = client("cloudwatch", account) if account != ACCOUNT else self.cw
        now = datetime.datetime.now(datetime.timezone.utc)
        out = cw.get_metric_data(
            MetricDataQueries=[{"Id": "m", "MetricStat": {
                "Metric": {"Namespace": namespace, "MetricName": metric,
                           "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]},
                "Period": 60, "Stat": "Sum"}}],
            StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=1))
        values = out["MetricDataResults"][0]["Values"]
        return sum(values) if values else None

    def sent(self, url: str, account: str = ACCOUNT) -> float:
        return self.total("AWS/SQS", "NumberOfMessagesSent", {"QueueName": url.rsplit("/", 1)[1]}, account) or 0.0

    def refusals(self, queue_arn: str) -> list[dict]:
        return [d for d in deliveries() if d["queue"] == queue_arn and not d["delivered"]]


# ---------------------------------------------------------------------------
# SNS -> SQS
# ---------------------------------------------------------------------------


class SnsToSqs(Base):
    producer = "sns"

    def setUp(self) -> None:
        super().setUp()
        self.sns = client("sns")

    def run_case(self, encryption: str | None, which: str, delivered: bool) -> None:
        topic = name("topic")
        topic_arn = self.sns.create_topic(Name=topic)["TopicArn"]
        url, arn = self.encrypted_queue(encryption, SERVICES["sns"])
        self.set_policy(url, self.policy_for(which, arn, SERVICES["sns"], topic_arn))
        self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
        self.sns.publish(TopicArn=topic_arn, Message="order 42")  # Publish itself always succeeds
        got = self.messages(url)
        dims = {"TopicName": topic}
        self.assertEqual(self.total("AWS/SNS", "NumberOfMessagesPublished", dims), 1)
        if delivered:
            self.assertEqual(len(got), 1)
            self.assertEqual(json.loads(got[0]["Body"])["Message"], "order 42")
            self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsDelivered", dims), 1)
            self.assertIsNone(self.total("AWS/SNS", "NumberOfNotificationsFailed", dims))
            self.assertEqual(self.sent(url), 1)
        else:
            self.assertEqual(got, [], "a refused notification never reaches the queue")
            self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsFailed", dims), 1)
            self.assertIsNone(self.total("AWS/SNS", "NumberOfNotificationsDelivered", dims))
            self.assertEqual(self.sent(url), 0, "NumberOfMessagesSent stays 0")
            refused = self.refusals(arn)
            self.assertEqual(len(refused), 1, refused)
            self.assertEqual(refused[0]["source"], topic_arn)
            expected = "AccessDenied" if encryption in (None, "sse-sqs") else "KMS.AccessDeniedException"
            self.assertEqual(refused[0]["code"], expected)
            self.assertIn("[emulator wording]", refused[0]["message"])

    def test_raw_delivery_and_a_filter_policy(self) -> None:
        topic = name("topic")
        topic_arn = self.sns.create_topic(Name=topic)["TopicArn"]
        url, arn = self.encrypted_queue("cmk-with", SERVICES["sns"])
        self.set_policy(url, queue_policy(arn, SERVICES["sns"], topic_arn))
        sub = self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn,
                                 Attributes={"RawMessageDelivery": "true",
                                             "FilterPolicy": json.dumps({"kind": ["order"]})})["SubscriptionArn"]
        self.assertTrue(sub)
        self.sns.publish(TopicArn=topic_arn, Message="skipped",
                         MessageAttributes={"kind": {"DataType": "String", "StringValue": "noise"}})
        self.sns.publish(TopicArn=topic_arn, Message="raw body",
                         MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
        got = self.messages(url)
        self.assertEqual([m["Body"] for m in got], ["raw body"])
        dims = {"TopicName": topic}
        self.assertEqual(self.total("AWS/SNS", "NumberOfMessagesPublished", dims), 2)
        self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsFilteredOut", dims), 1)
        self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsDelivered", dims), 1)

    def test_a_key_disabled_later_drops_the_notification(self) -> None:
        topic_arn = self.sns.create_topic(Name=name("topic"))["TopicArn"]
        url, arn = self.encrypted_queue("cmk-with", SERVICES["sns"])
        self.set_policy(url, queue_policy(arn, SERVICES["sns"], topic_arn))
        self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
        key = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["KmsMasterKeyId"])["Attributes"][
            "KmsMasterKeyId"]
        self.kms.disable_key(KeyId=key)
        self.sns.publish(TopicArn=topic_arn, Message="lost")
        self.assertEqual(self.messages(url), [])
        self.assertEqual(self.refusals(arn)[0]["code"], "KMS.DisabledException")

    def test_a_failed_notification_goes_to_the_subscription_dead_letter_queue(self) -> None:
        topic = name("topic")
        topic_arn = self.sns.create_topic(Name=topic)["TopicArn"]
        url, arn = self.encrypted_queue("aws/sqs", SERVICES["sns"])
        self.set_policy(url, queue_policy(arn, SERVICES["sns"], topic_arn))
        dlq_url, dlq_arn = self.encrypted_queue(None, SERVICES["sns"])
        self.set_policy(dlq_url, queue_policy(dlq_arn, SERVICES["sns"], topic_arn))
        self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn,
                           Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
        self.sns.publish(TopicArn=topic_arn, Message="to the dlq")
        self.assertEqual(self.messages(url), [])
        got = self.messages(dlq_url)
        self.assertEqual(len(got), 1)
        self.assertEqual(json.loads(got[0]["Body"])["Message"], "to the dlq")
        dims = {"TopicName": topic}
        self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsFailed", dims), 1)
        self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsRedrivenToDlq", dims), 1)

    def test_principal_aws_star_with_a_source_arn_condition_delivers(self) -> None:
        # The policy the SNS console used to write: every principal, limited by aws:SourceArn.
        topic_arn = self.sns.create_topic(Name=name("topic"))["TopicArn"]
        url, arn = self.encrypted_queue("sse-sqs", SERVICES["sns"])
        self.set_policy(url, json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SQS:SendMessage", "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]}))
        self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
        self.sns.publish(TopicArn=topic_arn, Message="star")
        self.assertEqual(len(self.messages(url)), 1)

    def test_a_customer_key_of_another_account_is_read_there(self) -> None:
        other = "210987654321"
        topic_arn = self.sns.create_topic(Name=name("topic"))["TopicArn"]
        results = {}
        for allowed in (False, True):
            key = client("kms", other).create_key(Policy=key_policy(other, SERVICES["sns"] if allowed else None))
            url, arn = self.encrypted_queue(None, SERVICES["sns"], KmsMasterKeyId=key["KeyMetadata"]["Arn"])
            self.set_policy(url, queue_policy(arn, SERVICES["sns"], topic_arn))
            self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
            results[allowed] = (url, arn)
        self.sns.publish(TopicArn=topic_arn, Message="two queues")
        self.assertEqual(len(self.messages(results[True][0])), 1)
        self.assertEqual(self.messages(results[False][0]), [])
        self.assertEqual(self.refusals(results[False][1])[0]["code"], "KMS.AccessDeniedException")

    def test_a_queue_in_another_account_is_reached_by_its_arn(self) -> None:
        other = "210987654321"
        topic = name("topic")
        topic_arn = self.sns.create_topic(Name=topic)["TopicArn"]
        url, arn = self.encrypted_queue(None, SERVICES["sns"], account=other)
        self.assertIn(other, arn)
        self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
        self.sns.publish(TopicArn=topic_arn, Message="no policy yet")
        self.assertEqual(self.messages(url, other), [])
        self.set_policy(url, queue_policy(arn, SERVICES["sns"], topic_arn, source_account=ACCOUNT), other)
        self.sns.publish(TopicArn=topic_arn, Message="cross-account")
        got = self.messages(url, other)
        self.assertEqual([json.loads(m["Body"])["Message"] for m in got], ["cross-account"])
        self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsFailed", {"TopicName": topic}), 1)
        self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsDelivered", {"TopicName": topic}), 1)
        self.assertEqual(self.sent(url, other), 1)


# ---------------------------------------------------------------------------
# EventBridge -> SQS
# ---------------------------------------------------------------------------


PATTERN = json.dumps({"source": ["sqs-trigger.test"]})


class EventBridgeToSqs(Base):
    producer = "events"

    def setUp(self) -> None:
        super().setUp()
        self.events = client("events")

    def right_policy(self, queue_arn: str, service: str, source_arn: str) -> str:
        # ArnLike with a wildcard, as the EventBridge console writes it for a rule.
        return queue_policy(queue_arn, service, source_arn.rsplit("/", 1)[0] + "/*", operator="ArnLike")

    def put(self, bus: str = "default") -> None:
        out = self.events.put_events(Entries=[{"Source": "sqs-trigger.test", "DetailType": "test",
                                               "Detail": json.dumps({"n": 1}), "EventBusName": bus}])
        self.assertEqual(out["FailedEntryCount"], 0, "PutEvents itself succeeds")

    def run_case(self, encryption: str | None, which: str, delivered: bool) -> None:
        rule = name("rule")
        rule_arn = self.events.put_rule(Name=rule, EventPattern=PATTERN)["RuleArn"]
        url, arn = self.encrypted_queue(encryption, SERVICES["events"])
        self.set_policy(url, self.policy_for(which, arn, SERVICES["events"], rule_arn))
        self.events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": arn}])
        self.put()
        got = self.messages(url)
        dims = {"RuleName": rule}
        self.assertEqual(self.total("AWS/Events", "Invocations", dims), 1)
        if delivered:
            self.assertEqual(len(got), 1)
            event = json.loads(got[0]["Body"])
            self.assertEqual(event["detail"], {"n": 1})
            self.assertEqual(event["account"], ACCOUNT)
            self.assertEqual(event["source"], "sqs-trigger.test")
            self.assertNotIn("ingestion-time", event)
            self.assertIsNone(self.total("AWS/Events", "FailedInvocations", dims),
                              "FailedInvocations is only sent when not zero")
            self.assertEqual(self.sent(url), 1)
        else:
            self.assertEqual(got, [], "a refused event never reaches the queue")
            self.assertEqual(self.total("AWS/Events", "FailedInvocations", dims), 1)
            self.assertEqual(self.sent(url), 0, "NumberOfMessagesSent stays 0")
            refused = self.refusals(arn)
            self.assertEqual(len(refused), 1, refused)
            self.assertEqual(refused[0]["source"], rule_arn)

    def test_a_custom_bus_rule_has_both_dimensions(self) -> None:
        bus = name("bus")
        self.events.create_event_bus(Name=bus)
        rule = name("rule")
        rule_arn = self.events.put_rule(Name=rule, EventPattern=PATTERN, EventBusName=bus)["RuleArn"]
        url, arn = self.encrypted_queue("aws/sqs", SERVICES["events"])
        self.set_policy(url, queue_policy(arn, SERVICES["events"], rule_arn))
        self.events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "queue", "Arn": arn}])
        self.put(bus)
        self.assertEqual(self.messages(url), [])
        dims = {"EventBusName": bus, "RuleName": rule}
        self.assertEqual(self.total("AWS/Events", "Invocations", dims), 1)
        self.assertEqual(self.total("AWS/Events", "FailedInvocations", dims), 1)

    def test_an_explicit_deny_for_the_service_wins(self) -> None:
        rule = name("rule")
        rule_arn = self.events.put_rule(Name=rule, EventPattern=PATTERN)["RuleArn"]
        url, arn = self.encrypted_queue(None, SERVICES["events"])
        allow = json.loads(queue_policy(arn, SERVICES["events"], rule_arn))
        allow["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": arn,
                                   "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}})
        self.set_policy(url, json.dumps(allow))
        self.events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": arn}])
        self.put()
        self.assertEqual(self.messages(url), [])
        self.assertEqual(self.total("AWS/Events", "FailedInvocations", {"RuleName": rule}), 1)
        self.assertIn("explicitly denies", self.refusals(arn)[0]["message"])

    def test_input_and_input_path_shape_the_body(self) -> None:
        rule = name("rule")
        rule_arn = self.events.put_rule(Name=rule, EventPattern=PATTERN)["RuleArn"]
        url, arn = self.encrypted_queue(None, SERVICES["events"])
        self.set_policy(url, queue_policy(arn, SERVICES["events"], rule_arn))
        self.events.put_targets(Rule=rule, Targets=[{"Id": "constant", "Arn": arn, "Input": '{"fixed": true}'}])
        self.put()
        self.events.put_targets(Rule=rule, Targets=[{"Id": "constant", "Arn": arn, "InputPath": "$.detail"}])
        self.put()
        bodies = sorted(m["Body"] for m in self.messages(url))
        self.assertEqual([json.loads(b) for b in bodies], [{"fixed": True}, {"n": 1}])
        self.assertEqual(self.sent(url), 2)

    def test_a_disabled_rule_does_not_fire(self) -> None:
        rule = name("rule")
        rule_arn = self.events.put_rule(Name=rule, EventPattern=PATTERN, State="DISABLED")["RuleArn"]
        url, arn = self.encrypted_queue(None, SERVICES["events"])
        self.set_policy(url, queue_policy(arn, SERVICES["events"], rule_arn))
        self.events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": arn}])
        self.put()
        self.assertEqual(self.messages(url), [])
        self.assertIsNone(self.total("AWS/Events", "Invocations", {"RuleName": rule}))

    def test_a_failed_event_goes_to_the_target_dead_letter_queue(self) -> None:
        rule = name("rule")
        rule_arn = self.events.put_rule(Name=rule, EventPattern=PATTERN)["RuleArn"]
        url, arn = self.encrypted_queue("cmk-without", SERVICES["events"])
        self.set_policy(url, queue_policy(arn, SERVICES["events"], rule_arn))
        dlq_url, dlq_arn = self.encrypted_queue(None, SERVICES["events"])
        self.set_policy(dlq_url, queue_policy(dlq_arn, SERVICES["events"], rule_arn))
        self.events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": arn,
                                                     "DeadLetterConfig": {"Arn": dlq_arn}}])
        self.put()
        self.assertEqual(self.messages(url), [])
        got = self.sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"]).get("Messages", [])
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["MessageAttributes"]["RULE_ARN"]["StringValue"], rule_arn)
        self.assertEqual(got[0]["MessageAttributes"]["ERROR_CODE"]["StringValue"], "KMS.AccessDeniedException")
        dims = {"RuleName": rule}
        self.assertEqual(self.total("AWS/Events", "FailedInvocations", dims), 1)
        self.assertEqual(self.total("AWS/Events", "InvocationsSentToDlq", dims), 1)


# ---------------------------------------------------------------------------
# S3 -> SQS
# ---------------------------------------------------------------------------


class S3ToSqs(Base):
    producer = "s3"

    def setUp(self) -> None:
        super().setUp()
        self.s3 = client("s3")

    def right_policy(self, queue_arn: str, service: str, source_arn: str) -> str:
        # The S3 User Guide's example: ArnLike aws:SourceArn and StringEquals aws:SourceAccount.
        return queue_policy(queue_arn, service, source_arn, operator="ArnLike", source_account=ACCOUNT)

    def notify(self, bucket: str, queue_arn: str) -> None:
        self.s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]})

    def run_case(self, encryption: str | None, which: str, delivered: bool) -> None:
        bucket = name("bucket")
        self.s3.create_bucket(Bucket=bucket)
        url, arn = self.encrypted_queue(encryption, SERVICES["s3"])
        self.set_policy(url, self.policy_for(which, arn, SERVICES["s3"], f"arn:aws:s3:::{bucket}"))
        if delivered:
            self.notify(bucket, arn)
            test = self.messages(url)
            self.assertEqual([json.loads(m["Body"])["Event"] for m in test], ["s3:TestEvent"])
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=test[0]["ReceiptHandle"])
            self.s3.put_object(Bucket=bucket, Key="a.txt", Body=b"x")
            got = self.messages(url)
            self.assertEqual(len(got), 1)
            self.assertEqual(json.loads(got[0]["Body"])["Records"][0]["s3"]["object"]["key"], "a.txt")
            self.assertEqual(self.sent(url), 2, "the test event and the object event")
            return
        with self.assertRaises(ClientError) as caught:
            self.notify(bucket, arn)
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], "InvalidArgument")
        self.assertEqual(error["Message"], "Unable to validate the following destination configurations")
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertNotIn("QueueConfigurations", self.s3.get_bucket_notification_configuration(Bucket=bucket),
                         "a refused configuration is not kept")
        self.s3.put_object(Bucket=bucket, Key="a.txt", Body=b"x")
        self.assertEqual(self.messages(url), [])
        self.assertEqual(self.sent(url), 0, "NumberOfMessagesSent stays 0")

    def test_a_missing_queue_is_refused_at_setup(self) -> None:
        bucket = name("bucket")
        self.s3.create_bucket(Bucket=bucket)
        with self.assertRaises(ClientError) as caught:
            self.notify(bucket, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name('absent')}")
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidArgument")

    def test_a_wrong_source_account_is_refused_at_setup(self) -> None:
        bucket = name("bucket")
        self.s3.create_bucket(Bucket=bucket)
        url, arn = self.encrypted_queue(None, SERVICES["s3"])
        self.set_policy(url, queue_policy(arn, SERVICES["s3"], f"arn:aws:s3:::{bucket}", operator="ArnLike",
                                          source_account="210987654321"))
        with self.assertRaises(ClientError) as caught:
            self.notify(bucket, arn)
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidArgument")

    def test_later_deliveries_fail_silently_when_the_policy_or_key_changes(self) -> None:
        bucket = name("bucket")
        self.s3.create_bucket(Bucket=bucket)
        url, arn = self.encrypted_queue("cmk-with", SERVICES["s3"])
        self.set_policy(url, self.right_policy(arn, SERVICES["s3"], f"arn:aws:s3:::{bucket}"))
        self.notify(bucket, arn)
        self.assertEqual(len(self.messages(url)), 1)  # the test event (now in flight)
        # The queue policy loses the S3 statement: the next object's event is dropped.
        self.set_policy(url, queue_policy(arn, SERVICES["sns"], f"arn:aws:s3:::{bucket}"))
        self.s3.put_object(Bucket=bucket, Key="after-policy.txt", Body=b"x")
        # The policy is back but the key no longer lets S3 use it: dropped too.
        self.set_policy(url, self.right_policy(arn, SERVICES["s3"], f"arn:aws:s3:::{bucket}"))
        key = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["KmsMasterKeyId"])["Attributes"][
            "KmsMasterKeyId"]
        self.kms.put_key_policy(KeyId=key, PolicyName="default", Policy=key_policy(ACCOUNT, None))
        self.s3.put_object(Bucket=bucket, Key="after-key.txt", Body=b"x")
        self.assertEqual(self.sent(url), 1, "only the test event was ever sent")
        codes = [d["code"] for d in self.refusals(arn)]
        self.assertEqual(codes, ["AccessDenied", "KMS.AccessDeniedException"])
        self.assertIn("QueueConfigurations", self.s3.get_bucket_notification_configuration(Bucket=bucket),
                      "S3 keeps the configuration: the failure is silent")


def _add_cases() -> None:
    for cls in (SnsToSqs, EventBridgeToSqs, S3ToSqs):
        for case, encryption, which, delivered in CASES:
            outcome = "delivers" if delivered else "drops"

            def test(self, encryption=encryption, which=which, delivered=delivered) -> None:
                self.run_case(encryption, which, delivered)

            test.__name__ = f"test_{case}_{outcome}"
            setattr(cls, test.__name__, test)


_add_cases()


class EndToEnd(Base):
    """Publish to the topic: the function runs exactly when the producer's path is healthy."""

    def test_sns_to_an_encrypted_queue_runs_the_function_once_the_key_allows_sns(self) -> None:
        import io
        import zipfile

        iam, lam, logs, sns = client("iam"), client("lambda"), client("logs"), client("sns")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        role = name("role")
        role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.put_role_policy(RoleName=role, PolicyName="poller", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
                "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "kms:Decrypt"]}]}))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as archive:
            archive.writestr("app.py", "def handler(event, context):\n"
                                       "    for r in event['Records']:\n"
                                       "        print('GOT', __import__('json').loads(r['body'])['Message'])\n")
        fn = name("fn")
        lam.create_function(FunctionName=fn, Runtime="python3.12", Handler="app.handler", Timeout=3, Role=role_arn,
                            Code={"ZipFile": buf.getvalue()})
        topic = name("topic")
        topic_arn = sns.create_topic(Name=topic)["TopicArn"]
        url, arn = self.encrypted_queue("cmk-without", SERVICES["sns"])
        self.set_policy(url, queue_policy(arn, SERVICES["sns"], topic_arn))
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
        uuid_ = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=fn, BatchSize=1)["UUID"]
        deadline = time.time() + 30
        while lam.get_event_source_mapping(UUID=uuid_)["State"] != "Enabled":
            self.assertLess(time.time(), deadline, "the mapping did not become Enabled")
            time.sleep(0.1)

        sns.publish(TopicArn=topic_arn, Message="before the fix")
        self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsFailed", {"TopicName": topic}), 1)
        self.assertEqual(self.sent(url), 0)

        key = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["KmsMasterKeyId"])["Attributes"][
            "KmsMasterKeyId"]
        self.kms.put_key_policy(KeyId=key, PolicyName="default", Policy=key_policy(ACCOUNT, SERVICES["sns"]))
        sns.publish(TopicArn=topic_arn, Message="after the fix")

        def output() -> str:
            try:
                events = logs.filter_log_events(logGroupName=f"/aws/lambda/{fn}")["events"]
            except ClientError:
                return ""
            return "\n".join(e["message"] for e in events)

        deadline = time.time() + 30
        while "GOT after the fix" not in output():
            self.assertLess(time.time(), deadline, "the function never ran")
            time.sleep(0.2)
        self.assertNotIn("before the fix", output())
        self.assertEqual(self.total("AWS/SNS", "NumberOfNotificationsDelivered", {"TopicName": topic}), 1)
        self.assertEqual(self.sent(url), 1)


def control(method: str, path: str, document: dict | None = None) -> object:
    request = urllib.request.Request(endpoint + path, method=method,
                                     data=json.dumps(document).encode() if document is not None else None)
    return json.loads(urllib.request.urlopen(request).read())


class ProducerReadsFaultsAndLog(Base):
    """The reads doctor makes upstream of a queue can be failed by the fault injector, each in
    its protocol's error shape, and are named in the request log."""

    def tearDown(self) -> None:
        control("DELETE", "/_emulator/faults")

    def test_faults_in_each_producer_protocol(self) -> None:
        s3, sns, events = client("s3"), client("sns"), client("events")
        bucket = name("bucket")
        s3.create_bucket(Bucket=bucket)
        for operation in ("GetBucketNotificationConfiguration", "ListSubscriptions", "ListRuleNamesByTarget"):
            control("POST", "/_emulator/faults", {"operation": operation, "error": "access-denied"})
        calls = [
            lambda: s3.get_bucket_notification_configuration(Bucket=bucket),
            lambda: sns.list_subscriptions(),
            lambda: events.list_rule_names_by_target(TargetArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"),
        ]
        for call in calls:
            with self.assertRaises(ClientError) as caught:
                call()
            self.assertEqual(caught.exception.response["Error"]["Code"], "AccessDenied")
            self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        # Armed once each: the next calls succeed.
        s3.get_bucket_notification_configuration(Bucket=bucket)
        sns.list_subscriptions()
        events.list_rule_names_by_target(TargetArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:q")
        log = control("GET", "/_emulator/requests")
        seen = {(e["service"], e["operation"]) for e in log}
        for expected in [("s3", "CreateBucket"), ("s3", "GetBucketNotificationConfiguration"),
                         ("sns", "ListSubscriptions"), ("events", "ListRuleNamesByTarget")]:
            self.assertIn(expected, seen)


class SqsSendMetric(Base):
    def test_send_message_counts_number_of_messages_sent(self) -> None:
        url, _arn = self.encrypted_queue(None, SERVICES["sns"])
        self.sqs.send_message(QueueUrl=url, MessageBody="one")
        self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "two"},
                                                           {"Id": "b", "MessageBody": "three"}])
        self.assertEqual(self.sent(url), 3)
        queue = url.rsplit("/", 1)[1]
        self.assertEqual(self.total("AWS/SQS", "SentMessageSize", {"QueueName": queue}), 3 + 3 + 5)


if __name__ == "__main__":
    unittest.main()
