"""The producers of an SQS queue (SNS, EventBridge, S3) deliver as AWS does: no kinder.

moto 5.2.5 delivers an SNS notification, an EventBridge target's event and an S3 event
notification to any queue, whatever its queue policy and its KMS key. On AWS each of these
services sends as its own service principal, so

* the queue policy must allow that principal (`sns.amazonaws.com`, `events.amazonaws.com`,
  `s3.amazonaws.com`) `sqs:SendMessage` on the queue; conditions on `aws:SourceArn` (the
  topic, rule or bucket ARN) and `aws:SourceAccount` (its account) are evaluated
  ("If the principal is an AWS service, then the Amazon SQS queue policy must explicitly
  allow access", SQS Developer Guide, troubleshooting-access-denied.html; S3 User Guide,
  grant-destinations-permissions-to-s3.html; EventBridge User Guide, eb-use-resource-based.html;
  SNS Developer Guide, subscribe-sqs-queue-to-sns-topic.html);
* for an SSE-KMS queue, the key policy must let that principal use the key
  (`kms:GenerateDataKey*` and `kms:Decrypt`): SQS Developer Guide, sqs-key-management.html,
  "Enable compatibility between event sources from AWS services and encrypted queues". The
  AWS managed key `alias/aws/sqs` never serves them: its policy allows only callers through
  SQS of the account (`kms:ViaService` sqs, `kms:CallerAccount`), and cannot be edited
  (../shared/AWS-FACTS.md section 8). A disabled, pending-deletion or missing key refuses too.
* SSE-SQS queues and unencrypted queues need only the queue policy.

The policies are evaluated by the emulator's own evaluator (lambda_poller.py, the one the
poller twin uses for the execution role), with the service principal as the caller.

What a refused delivery does, per producer (the message never reaches the queue, so the
queue's `AWS/SQS NumberOfMessagesSent` stays 0):

* SNS: a permission or KMS failure is a client-side error, which SNS does not retry
  (sns-dead-letter-queues.html, "Why do message deliveries fail?"): the notification is
  dropped and counted in `AWS/SNS NumberOfNotificationsFailed` (dimension `TopicName`); a
  delivered one in `NumberOfNotificationsDelivered`; every Publish in
  `NumberOfMessagesPublished` and `PublishSize` (sns-monitoring-using-cloudwatch.html). A
  notification a subscription's filter policy rejects is `NumberOfNotificationsFilteredOut`.
  A subscription's RedrivePolicy dead-letter queue gets the failed notification, checked the
  same way (`NumberOfNotificationsRedrivenToDlq` / `NumberOfNotificationsFailedToRedriveToDlq`).
* EventBridge: each target invocation is counted in `AWS/Events Invocations`; a failed one
  in `FailedInvocations`, only sent when not zero (eb-monitoring.html). Dimension `RuleName`
  for a rule of the default bus, `EventBusName` and `RuleName` for a custom bus ("Metrics
  that specify both the EventBusName and RuleName dimensions refer to a custom event bus").
  `TriggeredRules` counts a rule that matched an event. A target's DeadLetterConfig queue
  gets the failed event, checked the same way (`InvocationsSentToDlq` /
  `InvocationsFailedToBeSentToDlq`), with message attributes RULE_ARN, TARGET_ARN, ERROR_CODE
  and ERROR_MESSAGE (eb-rule-dlq.html names them; their values are the emulator's, the same
  as /_emulator/deliveries shows). A DISABLED rule does not fire (moto fires it). The body
  is the event as EventBridge delivers it (with `account`, which moto leaves out), or what
  the target's Input / InputPath / InputTransformer make of it.
  The emulator does not retry: AWS retries only errors it deems retriable, and the
  failures modelled here (policy, key, missing queue) are refusals.
* S3: PutBucketNotificationConfiguration checks every SQS destination first and refuses the
  whole configuration with `InvalidArgument` "Unable to validate the following destination
  configurations" when the queue is missing or refuses S3 (API_PutBucketNotificationConfiguration:
  "it first verifies that any ... (Amazon SQS) destination exists, and that the bucket owner has
  permission to publish to it by sending a test notification"); on success the test event
  (`s3:TestEvent`) is sent, as moto does. The error has Code and Message only (AWS's also
  names each destination in ArgumentName1/ArgumentValue1; moto's serializer drops those).
  A later notification that the queue or key refuses (the policy or key changed since) is
  dropped silently: S3 has no metric for it.

Also fixed: moto delivers SNS, EventBridge and S3 messages to the queue of that name in the
*producer's* account and region, not the account and region of the queue ARN; here the ARN
decides, so cross-account producers work as on AWS (and need the queue policy to allow them).

Every delivery attempt is recorded for tests at GET /_emulator/deliveries (DELETE clears):
{time, producer, source, queue, delivered, code, message}. The codes are AWS's where AWS
reports one (SNS delivery status logs show `KMS.AccessDeniedException`); the messages are
the emulator's own wording, marked "[emulator wording]".
"""

from __future__ import annotations

import copy
import json
import threading
import time
from typing import Any

from moto.events import models as events_models
from moto.s3 import models as s3_models
from moto.s3 import notifications as s3_notifications
from moto.s3.exceptions import S3ClientError
from moto.sns import models as sns_models
from moto.sqs.models import sqs_backends

import lambda_poller as lp

SNS = "sns.amazonaws.com"
EVENTS = "events.amazonaws.com"
S3 = "s3.amazonaws.com"

# The text and code are AWS's (the brief of issue 25, and widely reported answers of S3).
S3_UNVALIDATED = "Unable to validate the following destination configurations"


# ---------------------------------------------------------------------------
# The verdict: may `service` send to `queue` on behalf of `source_arn`?
# ---------------------------------------------------------------------------


class Refused(Exception):
    """Why a service principal's delivery to a queue fails."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _context(service: str, source_arn: str, source_account: str) -> dict[str, str]:
    """The request context of a service principal sending on behalf of a resource: the
    global condition keys aws:SourceArn / aws:SourceAccount
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)."""
    return {
        "aws:SourceArn": source_arn,
        "aws:SourceAccount": source_account,
        "aws:PrincipalServiceName": service,
        "aws:PrincipalIsAWSService": "true",
    }


def authorize_delivery(service: str, queue: Any, source_arn: str, source_account: str) -> None:
    """Raises Refused unless the queue policy and (SSE-KMS) the key policy let `service` send."""
    context = _context(service, source_arn, source_account)
    decision = lp._resource_decision(queue.policy, "", "", "sqs:SendMessage", queue.queue_arn, context,
                                     service=service)
    if decision != "direct":
        why = "the queue policy explicitly denies it" if decision == "deny" else (
            "no statement of the queue policy allows it")
        raise Refused("AccessDenied", f"{service} is not authorized to perform: sqs:SendMessage on resource: "
                                      f"{queue.queue_arn} for {source_arn} because {why} [emulator wording]")
    key, aws_managed, key_id = lp._key_of(queue)
    if not key_id:
        return  # unencrypted, or SSE-SQS: the queue policy is all
    if aws_managed:
        raise Refused("KMS.AccessDeniedException",
                      f"{service} is not authorized to perform: kms:GenerateDataKey on the AWS managed key "
                      f"alias/aws/sqs of queue {queue.queue_arn}: its key policy allows only callers through "
                      "SQS in its account [emulator wording]")
    if key is None:
        raise Refused("KMS.NotFoundException", f"Key {key_id} does not exist [emulator wording]")
    if key.key_state == "Disabled":
        raise Refused("KMS.DisabledException", f"{key.arn} is disabled. [emulator wording]")
    if key.key_state != "Enabled":
        raise Refused("KMS.KMSInvalidStateException", f"{key.arn} is {key.key_state}. [emulator wording]")
    # SQS calls KMS for the sender: kms:ViaService is SQS; a service principal has no
    # kms:CallerAccount of the customer's, which is what keeps alias/aws/sqs out of reach.
    key_context = dict(context, **{"kms:ViaService": f"sqs.{queue.region}.amazonaws.com"})
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        decision = lp._resource_decision(key.policy, "", "", action, key.arn, key_context, service=service)
        if decision != "direct":
            why = "the key policy explicitly denies it" if decision == "deny" else (
                "no statement of the key policy allows it")
            raise Refused("KMS.AccessDeniedException",
                          f"{service} is not authorized to perform: {action} on resource: {key.arn} because {why} "
                          "[emulator wording]")


def check(service: str, queue_arn: str, source_arn: str, source_account: str) -> Any:
    """The queue `queue_arn` names, if `service` may send to it; else raises Refused."""
    queue = lp._queue_by_arn(queue_arn)
    if queue is None:
        raise Refused("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
    authorize_delivery(service, queue, source_arn, source_account)
    return queue


# ---------------------------------------------------------------------------
# What happened (tests read it at /_emulator/deliveries)
# ---------------------------------------------------------------------------

_lock = threading.Lock()
_log: list[dict[str, Any]] = []


def record(producer: str, source: str, queue_arn: str, refused: Refused | None, **extra: Any) -> None:
    entry = {"time": time.time(), "producer": producer, "source": source, "queue": queue_arn,
             "delivered": refused is None, "code": refused.code if refused else None,
             "message": refused.message if refused else None, **extra}
    with _lock:
        _log.append(entry)
        del _log[:-2000]
    if refused is not None:
        print(f"delivery refused: {producer} {source} -> {queue_arn}: {refused.code}: {refused.message}", flush=True)


def deliveries() -> list[dict[str, Any]]:
    with _lock:
        return list(_log)


def clear() -> None:
    with _lock:
        _log.clear()


def _arn_parts(arn: str) -> tuple[str, str]:
    """(account, region) of an ARN."""
    parts = arn.split(":")
    return parts[4], parts[3]


def _send(queue: Any, body: str, **kwargs: Any) -> None:
    sqs_backends[queue.account_id][queue.region].send_message(queue.name, body, **kwargs)


# ---------------------------------------------------------------------------
# SNS
# ---------------------------------------------------------------------------


def _sns_metric(topic: Any, name: str, value: float, unit: str = "Count") -> None:
    account, region = _arn_parts(topic.arn)
    lp.put_metric(account, region, "AWS/SNS", name, value, {"TopicName": topic.name}, unit)


_moto_topic_publish = sns_models.Topic.publish


def _topic_publish(self: Any, message: str, *args: Any, **kwargs: Any) -> str:
    message_id = _moto_topic_publish(self, message, *args, **kwargs)
    _sns_metric(self, "NumberOfMessagesPublished", 1)
    _sns_metric(self, "PublishSize", len(str(message).encode("utf-8")), "Bytes")
    return message_id


def _sns_body(sub: Any, message: str, message_id: str, subject: str | None,
              message_attributes: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The SQS message body and attributes of a notification, as moto builds them (the JSON
    envelope, or the raw message with its attributes under RawMessageDelivery)."""
    raw = str(sub.attributes.get("RawMessageDelivery", "")).lower() == "true"
    if not raw:
        body = json.dumps(sub.get_post_data(message, message_id, subject, message_attributes=message_attributes),
                          sort_keys=True, indent=2, separators=(",", ": "))
        return body, {}
    attributes = {}
    for key, value in (message_attributes or {}).items():
        attr_type = "StringValue"
        type_value = value["Value"]
        if value["Type"].startswith("Binary"):
            attr_type = "BinaryValue"
        elif value["Type"].startswith("Number"):
            type_value = str(value["Value"])
        attributes[key] = {"DataType": value["Type"], attr_type: type_value}
    return message, attributes


def _sns_redrive(sub: Any, body: str, attributes: dict[str, Any], group_id: str | None,
                 deduplication_id: str | None) -> None:
    """A subscription's dead-letter queue gets what could not be delivered; SNS sends to it as
    sns.amazonaws.com for the topic, so its policy and key must allow that too
    (sns-dead-letter-queues.html, sns-configure-dead-letter-queue.html)."""
    try:
        policy = json.loads(sub.attributes.get("RedrivePolicy") or "{}")
    except ValueError:
        return
    dlq_arn = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
    if not dlq_arn:
        return
    topic = sub.topic
    try:
        dlq = check(SNS, dlq_arn, topic.arn, topic.account_id)
        _send(dlq, body, message_attributes=attributes or None, deduplication_id=deduplication_id,
              group_id=group_id, validate_group_id=False)
    except Refused as refused:
        record("sns", topic.arn, dlq_arn, refused, subscription=sub.arn, dead_letter=True)
        _sns_metric(topic, "NumberOfNotificationsFailedToRedriveToDlq", 1)
        return
    except Exception as exc:  # noqa: BLE001  (an SQS validation error: still not delivered)
        record("sns", topic.arn, dlq_arn, Refused("InvalidParameterValue", f"{exc} [emulator wording]"),
               subscription=sub.arn, dead_letter=True)
        _sns_metric(topic, "NumberOfNotificationsFailedToRedriveToDlq", 1)
        return
    record("sns", topic.arn, dlq_arn, None, subscription=sub.arn, dead_letter=True)
    _sns_metric(topic, "NumberOfNotificationsRedrivenToDlq", 1)


_moto_subscription_publish = sns_models.Subscription.publish


def _subscription_publish(self: Any, message: str, message_id: str, subject: str | None = None,
                          message_attributes: dict[str, Any] | None = None, group_id: str | None = None,
                          deduplication_id: str | None = None, message_structure: str | None = None) -> None:
    if self.protocol != "sqs":
        return _moto_subscription_publish(self, message, message_id, subject=subject,
                                          message_attributes=message_attributes, group_id=group_id,
                                          deduplication_id=deduplication_id, message_structure=message_structure)
    topic = self.topic
    if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(message_attributes,
                                                                                             message):
        _sns_metric(topic, "NumberOfNotificationsFilteredOut", 1)
        return None
    if message_structure == "json":
        message = self._parse_message_structure(message, self.protocol)
    body, attributes = _sns_body(self, message, message_id, subject, message_attributes)
    try:
        queue = check(SNS, self.endpoint, topic.arn, topic.account_id)
        _send(queue, body, message_attributes=attributes or None, deduplication_id=deduplication_id,
              group_id=group_id, validate_group_id=False)
    except Exception as exc:  # noqa: BLE001  (Refused, or SQS refusing the message itself)
        refused = exc if isinstance(exc, Refused) else Refused(
            getattr(exc, "code", None) or type(exc).__name__, f"{exc} [emulator wording]")
        record("sns", topic.arn, self.endpoint, refused, subscription=self.arn)
        _sns_metric(topic, "NumberOfNotificationsFailed", 1)
        _sns_redrive(self, body, attributes, group_id, deduplication_id)
        return None
    record("sns", topic.arn, self.endpoint, None, subscription=self.arn)
    _sns_metric(topic, "NumberOfNotificationsDelivered", 1)
    return None


# ---------------------------------------------------------------------------
# EventBridge
# ---------------------------------------------------------------------------


def _events_metric(rule: Any, name: str, value: float) -> None:
    dimensions = {"RuleName": rule.name}
    if rule.event_bus_name not in ("default", None, ""):
        dimensions = {"EventBusName": rule.event_bus_name, "RuleName": rule.name}
    lp.put_metric(rule.account_id, rule.region_name, "AWS/Events", name, value, dimensions)


# The fields of an event as EventBridge delivers it (eb-events-structure.html); moto's default
# rendering leaves out `account`.
EVENT_FIELDS = ("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail")


def _body_for(target: dict[str, Any], original: Any, transform_input: bool) -> str:
    """The message body a target gets: the event; or the target's `Input` text, the part
    `InputPath` selects, or the `InputTransformer` rendering (moto's) (API_Target)."""
    from moto.core.utils import iso_8601_datetime_without_milliseconds, utcfromtimestamp
    from moto.events.utils import EventTemplateParser

    event = {k: copy.deepcopy(original[k]) for k in EVENT_FIELDS if k in original}
    event.setdefault("version", "0")
    if "time" in event:
        try:
            event["time"] = iso_8601_datetime_without_milliseconds(utcfromtimestamp(float(event["time"])))
        except (TypeError, ValueError):
            pass
    if not transform_input:
        return json.dumps(event)
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        from jsonpath_ng.ext import parse

        found = parse(target["InputPath"]).find(event)
        return json.dumps(found[0].value if found else None)
    if target.get("InputTransformer"):
        transformer = target["InputTransformer"]
        rendered = EventTemplateParser.parse(input_template=transformer.get("InputTemplate"),
                                             input_paths_map=transformer.get("InputPathsMap", {}), event=original)
        return rendered if isinstance(rendered, str) else json.dumps(rendered)
    return json.dumps(event)


def _events_dead_letter(rule: Any, target: dict[str, Any], body: str, refused: Refused) -> None:
    """A target's DeadLetterConfig queue gets the event that could not be delivered, sent as
    events.amazonaws.com for the rule (eb-rule-dlq.html: the DLQ's policy must allow it, and an
    encrypted DLQ needs a customer managed key that allows it)."""
    dlq_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
    if not dlq_arn:
        return
    attributes = {
        "RULE_ARN": {"DataType": "String", "StringValue": rule.arn},
        "TARGET_ARN": {"DataType": "String", "StringValue": target["Arn"]},
        "ERROR_CODE": {"DataType": "String", "StringValue": refused.code},
        "ERROR_MESSAGE": {"DataType": "String", "StringValue": refused.message},
    }
    try:
        dlq = check(EVENTS, dlq_arn, rule.arn, rule.account_id)
        _send(dlq, body, message_attributes=attributes)
    except Exception as exc:  # noqa: BLE001
        failed = exc if isinstance(exc, Refused) else Refused(type(exc).__name__, f"{exc} [emulator wording]")
        record("events", rule.arn, dlq_arn, failed, target=target.get("Id"), dead_letter=True)
        _events_metric(rule, "InvocationsFailedToBeSentToDlq", 1)
        return
    record("events", rule.arn, dlq_arn, None, target=target.get("Id"), dead_letter=True)
    _events_metric(rule, "InvocationsSentToDlq", 1)


def _deliver_to_sqs_target(rule: Any, target: dict[str, Any], original: Any, transform_input: bool) -> None:
    body = _body_for(target, original, transform_input)
    group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
    _events_metric(rule, "Invocations", 1)
    try:
        queue = check(EVENTS, target["Arn"], rule.arn, rule.account_id)
        if queue.fifo_queue and str(queue.attributes.get("ContentBasedDeduplication", "false")).lower() != "true":
            # "To let EventBridge send messages to your SQS FIFO queue, you must enable
            # content-based deduplication" (moto's own warning; eb-targets.html).
            raise Refused("InvalidParameterValue", "The queue should either have ContentBasedDeduplication enabled "
                                                   "or MessageDeduplicationId provided explicitly [emulator wording]")
        _send(queue, body, group_id=group_id)
    except Exception as exc:  # noqa: BLE001
        refused = exc if isinstance(exc, Refused) else Refused(
            getattr(exc, "code", None) or type(exc).__name__, f"{exc} [emulator wording]")
        record("events", rule.arn, target["Arn"], refused, target=target.get("Id"))
        _events_metric(rule, "FailedInvocations", 1)
        _events_dead_letter(rule, target, body, refused)
        return
    record("events", rule.arn, target["Arn"], None, target=target.get("Id"))


_moto_send_to_targets = events_models.Rule.send_to_targets


def _send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
    # A disabled rule matches nothing ("DISABLED: The rule is disabled. EventBridge does not
    # match any events", API_PutRule State).
    if not str(self.state or "ENABLED").upper().startswith("ENABLED"):
        return
    if not self.event_pattern.matches_event(original_event):
        return
    _events_metric(self, "TriggeredRules", 1)
    sqs_targets = [t for t in self.targets if ":sqs:" in str(t.get("Arn", ""))]
    others = [t for t in self.targets if t not in sqs_targets]
    if others:
        clone = copy.copy(self)
        clone.targets = others
        for _ in others:
            _events_metric(self, "Invocations", 1)
        _moto_send_to_targets(clone, original_event, transform_input)
    for target in sqs_targets:
        _deliver_to_sqs_target(self, target, original_event, transform_input)


# ---------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------


def _bucket_context(bucket: Any) -> tuple[str, str]:
    return f"arn:aws:s3:::{bucket.name}", bucket.account_id


class UnvalidatedDestinations(S3ClientError):
    """HTTP 400 InvalidArgument. AWS's error also names each destination (ArgumentName1 /
    ArgumentValue1 ...); the emulator's has only Code and Message: which destination failed
    and why is at /_emulator/deliveries (test_event: true)."""

    def __init__(self, failures: list[tuple[str, Refused]]) -> None:
        super().__init__("InvalidArgument", S3_UNVALIDATED)
        self.failures = failures


def _send_test_event(account_id: str, bucket: Any) -> None:
    """PutBucketNotificationConfiguration's check: every SQS destination must exist and let
    S3 send (queue policy, key); otherwise the configuration is refused as a whole."""
    source_arn, source_account = _bucket_context(bucket)
    arns = sorted({n.arn for n in bucket.notification_configuration.queue})
    failures = []
    for arn in arns:
        try:
            check(S3, arn, source_arn, source_account)
        except Refused as refused:
            failures.append((arn, refused))
            record("s3", source_arn, arn, refused, test_event=True)
    if failures:
        raise UnvalidatedDestinations(failures)
    for arn in arns:
        queue = lp._queue_by_arn(arn)
        _send(queue, json.dumps(s3_notifications._get_test_event(bucket.name)))
        record("s3", source_arn, arn, None, test_event=True)
    topics = copy.copy(bucket)
    topics.notification_configuration = copy.copy(bucket.notification_configuration)
    topics.notification_configuration.queue = []
    _moto_send_test_event(account_id, topics)


_moto_send_test_event = s3_notifications.send_test_event
_moto_send_event = s3_notifications.send_event


def _send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
    """Object events: SQS destinations are checked at each delivery; a refusal drops the
    event silently (S3 has no metric or error for it)."""
    config = bucket.notification_configuration
    if config is None:
        return
    source_arn, source_account = _bucket_context(bucket)
    for notification in config.queue:
        if not notification.matches(event_name, key.name):
            continue
        body = json.dumps(s3_notifications._get_s3_event(event_name, bucket, key, notification.id))
        try:
            queue = check(S3, notification.arn, source_arn, source_account)
            _send(queue, body)
        except Exception as exc:  # noqa: BLE001
            refused = exc if isinstance(exc, Refused) else Refused(type(exc).__name__, f"{exc} [emulator wording]")
            record("s3", source_arn, notification.arn, refused, event=str(getattr(event_name, "value", event_name)))
            continue
        record("s3", source_arn, notification.arn, None, event=str(getattr(event_name, "value", event_name)))
    others = copy.copy(bucket)
    others.notification_configuration = copy.copy(config)
    others.notification_configuration.queue = []
    _moto_send_event(account_id, event_name, others, key)


_moto_set_notification_configuration = s3_models.FakeBucket.set_notification_configuration


def _set_notification_configuration(self: Any, notification_config: Any) -> None:
    """A refused configuration leaves the bucket's previous one in place."""
    previous = self.notification_configuration
    try:
        _moto_set_notification_configuration(self, notification_config)
    except S3ClientError:
        self.notification_configuration = previous
        raise


def install() -> None:
    sns_models.Topic.publish = _topic_publish
    sns_models.Subscription.publish = _subscription_publish
    events_models.Rule.send_to_targets = _send_to_targets
    s3_notifications.send_test_event = _send_test_event
    s3_notifications.send_event = _send_event
    s3_models.FakeBucket.set_notification_configuration = _set_notification_configuration
