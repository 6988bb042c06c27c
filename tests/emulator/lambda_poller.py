"""A twin of Lambda's SQS poller, for the local emulator.

moto delivers SQS messages to Lambda synchronously inside SendMessage, whatever the
execution role, the KMS key, the mapping's state or the function's concurrency (it even
invokes disabled mappings: getmoto/moto issue 9948). That is kinder than AWS, so a test could
never show a queue that Lambda does not poll. This module replaces that delivery with a
background poller per event source mapping that follows AWS's documented behaviour; every
rule below names the AWS page it comes from. docs/emulator.md lists what is modelled and
what is not.

What it deliberately does NOT do: add any signal AWS does not give. Recorded SQS mapping
responses carry no `LastProcessingResult` (see AWS-FACTS.md), so a poller that cannot
receive or decrypt leaves the message where it is and says nothing on the mapping; the
tool under test has to diagnose from the facts. What the poller did is visible to the
tests only, at the emulator's control endpoint GET /_emulator/pollers, and in the
emulator's own log; the poller's SQS calls are internal (no HTTP request), so they never
appear in the request log that proves the tool itself never receives or deletes.

The authorization below is written for the emulator alone, independent of the tool's
`src/policy`, so the tests are not the tool checking itself.
"""

from __future__ import annotations

import fnmatch
import json
import os
import threading
import time
from typing import Any
from urllib.parse import unquote

from moto.awslambda import models as lambda_models
from moto.awslambda import responses as lambda_responses
from moto.awslambda.exceptions import InvalidParameterValueException, ValidationException
from moto.cloudwatch.models import MetricDatum, cloudwatch_backends
from moto.events.models import EventPattern
from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.sqs import models as sqs_models
from moto.sqs.models import sqs_backends

# ---------------------------------------------------------------------------
# Settings (launcher flags set them)
# ---------------------------------------------------------------------------


class Config:
    # How long a mapping stays in Creating/Enabling/Updating/Disabling before it settles.
    # AWS takes seconds; the default is small so tests stay fast.
    transition_seconds = 0.2
    # How often a poller that cannot receive (denied, key disabled, ...) tries again.
    retry_seconds = 0.25
    # Lambda long-polls with the maximum wait: "Lambda ... uses long polling"
    # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html); an empty
    # long poll of 20 s is one empty receive (NumberOfEmptyReceives).
    long_poll_seconds = float(os.environ.get("SQS_TRIGGER_EMULATOR_LONG_POLL_S", "20"))
    # How often the queue gauges (ApproximateNumberOfMessagesVisible, ...) are sampled.
    gauge_seconds = 1.0
    # Concurrent batches a mapping starts with: "Lambda ... starts processing five batches
    # at a time with five concurrent invocations"
    # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html). The
    # emulator does not scale up beyond it (it runs one process per invocation).
    default_concurrency = 5


# ---------------------------------------------------------------------------
# Create/Update validation that AWS performs and moto lacks
# ---------------------------------------------------------------------------

# AWS's exact texts, verified in ../shared/AWS-FACTS.md §1 (sources there).
VISIBILITY_BELOW_TIMEOUT = "Queue visibility timeout: {vt} seconds is less than Function timeout: {ft} seconds"
WINDOW_REQUIRED = "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
FIFO_WINDOW = "Batching window is not supported for FIFO queues"
# The emulator's own wording: AWS's exact text for these is unverified (AWS-FACTS.md §1), so
# these messages must not be taken for AWS's. The error codes are AWS's.
EMULATOR_WORDING_FIFO_BATCH = (
    "Maximum batch size for FIFO queues is 10 (BatchSize: {size}) [emulator wording; AWS's text is unverified]"
)
EMULATOR_WORDING_MAX_CONCURRENCY = (
    "Member must have value {bound} [emulator wording; AWS's text is unverified]"
)
EMULATOR_WORDING_POLLERS = "{what} [emulator wording; AWS's text is unverified]"
EMULATOR_WORDING_SCALING_EXCLUSIVE = (
    "ProvisionedPollerConfig and ScalingConfig.MaximumConcurrency are mutually exclusive for Amazon SQS "
    "[emulator wording; AWS's text is unverified]"
)
EMULATOR_WORDING_FILTER_KEY = "{why} [emulator wording; AWS's text is unverified]"
# MetricsConfig.Metrics members (botocore model enum, AWS-FACTS.md §4).
METRICS = {"EventCount", "ErrorCount", "KafkaMetrics"}
# ProvisionedPollerConfig for SQS (https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html):
# MinimumPollers "default is 2, and minimum 2 required" (model 1-200); MaximumPollers "For Amazon
# SQS event source mappings, the accepted range is between 2 and 10,000, with a default of 200".
SQS_MIN_POLLERS = (2, 200)
SQS_MAX_POLLERS = (2, 10000)


def _queue_by_arn(arn: str) -> Any:
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "sqs":
        return None
    region, account, name = parts[3], parts[4], parts[5]
    try:
        return sqs_backends[account][region].queues.get(name)
    except Exception:
        return None


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _validate(spec: dict[str, Any], queue: Any, fn: Any, creating: bool) -> None:
    """Raises what AWS's CreateEventSourceMapping/UpdateEventSourceMapping raise."""
    fifo = bool(queue is not None and queue.fifo_queue) or str(spec.get("EventSourceArn", "")).endswith(".fifo")
    batch = spec.get("BatchSize")
    window = spec.get("MaximumBatchingWindowInSeconds")
    # Limits: "For FIFO queues, the maximum is 10"; a window is not supported on FIFO;
    # above 10 a window of at least 1 s is required
    # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html).
    if fifo and batch is not None and _int(batch) > 10:
        raise InvalidParameterValueException(EMULATOR_WORDING_FIFO_BATCH.format(size=batch))
    if fifo and window is not None and _int(window) > 0:
        raise InvalidParameterValueException(FIFO_WINDOW)
    if batch is not None and _int(batch) > 10 and _int(window) <= 0:
        raise InvalidParameterValueException(WINDOW_REQUIRED)
    # ScalingConfig.MaximumConcurrency: 2-1000 (API reference, ScalingConfig).
    scaling = spec.get("ScalingConfig") or {}
    if "MaximumConcurrency" in scaling and scaling["MaximumConcurrency"] is not None:
        value = _int(scaling["MaximumConcurrency"])
        if value < 2:
            raise ValidationException(
                str(value), "scalingConfig.maximumConcurrency",
                EMULATOR_WORDING_MAX_CONCURRENCY.format(bound="greater than or equal to 2"),
            )
        if value > 1000:
            raise ValidationException(
                str(value), "scalingConfig.maximumConcurrency",
                EMULATOR_WORDING_MAX_CONCURRENCY.format(bound="less than or equal to 1000"),
            )
    _validate_features(spec)
    # "Queue visibility timeout ... is less than Function timeout" is checked when the
    # mapping is created (AWS-FACTS.md §1;
    # https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html: "set the
    # queue's visibility timeout to at least six times the function timeout").
    if creating and queue is not None and fn is not None:
        vt = _int(queue.visibility_timeout, 30)
        ft = _int(getattr(fn, "timeout", 3), 3)
        if vt < ft:
            raise InvalidParameterValueException(VISIBILITY_BELOW_TIMEOUT.format(vt=vt, ft=ft))


def _validate_features(spec: dict[str, Any]) -> None:
    """ProvisionedPollerConfig, MetricsConfig and KMSKeyArn on an SQS mapping."""
    pollers = spec.get("ProvisionedPollerConfig")
    if pollers:
        for key, (low, high), model_high in (("MinimumPollers", SQS_MIN_POLLERS, 200),
                                             ("MaximumPollers", SQS_MAX_POLLERS, 10000)):
            if key not in pollers or pollers[key] is None:
                continue
            value = _int(pollers[key])
            path = "provisionedPollerConfig." + key[0].lower() + key[1:]
            # Outside the model's range: a ValidationException (the shape of AWS-FACTS.md §1).
            if value < 1 or value > model_high:
                bound = "greater than or equal to 1" if value < 1 else f"less than or equal to {model_high}"
                raise ValidationException(str(value), path, f"Member must have value {bound}")
            if not low <= value <= high:
                raise InvalidParameterValueException(EMULATOR_WORDING_POLLERS.format(
                    what=f"{key} must be between {low} and {high} for Amazon SQS event source mappings"))
        low = _int(pollers.get("MinimumPollers"), SQS_MIN_POLLERS[0])
        high = _int(pollers.get("MaximumPollers"), 200)
        if low > high:
            raise InvalidParameterValueException(EMULATOR_WORDING_POLLERS.format(
                what="MinimumPollers must not be greater than MaximumPollers"))
        # "These are mutually exclusive options"
        # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
        if (spec.get("ScalingConfig") or {}).get("MaximumConcurrency"):
            raise InvalidParameterValueException(EMULATOR_WORDING_SCALING_EXCLUSIVE)
    metrics = spec.get("MetricsConfig")
    if metrics:
        names = metrics.get("Metrics") or []
        if len(names) > 3 or any(name not in METRICS for name in names):
            raise ValidationException(str(names), "metricsConfig.metrics",
                                      "Member must satisfy enum value set: [EventCount, ErrorCount, KafkaMetrics]")
    key = spec.get("KMSKeyArn")
    if key:
        why = _filter_key_problem(key)
        if why is not None:
            raise InvalidParameterValueException(EMULATOR_WORDING_FILTER_KEY.format(why=why[1]))


def _filter_key_problem(key_arn: str) -> tuple[str, str] | None:
    """Why Lambda could not use a filter criteria key, as (KMS exception name, message), or
    None when it can. The exception names are KMS's own (API_Decrypt errors); the messages
    are the emulator's."""
    parts = key_arn.split(":")
    if not key_arn.startswith("arn:") or len(parts) < 6 or parts[2] != "kms":
        return ("NotFoundException", f"Invalid KMSKeyArn {key_arn}: a KMS key ARN is required")
    region, account = parts[3], parts[4]
    try:
        backend = kms_backends[account][region]
        key = backend.describe_key(key_arn)
    except Exception:
        return ("NotFoundException", f"Key '{key_arn}' does not exist")
    if getattr(key, "key_manager", "CUSTOMER") == "AWS":
        return ("InvalidKeyUsageException", f"{key_arn} is not a customer managed key")
    state = getattr(key, "key_state", "Enabled")
    if state != "Enabled":
        return ("DisabledException", f"{key_arn} is {state}")
    return None


# ---------------------------------------------------------------------------
# Mapping state: Creating/Enabling/Updating/Disabling, then Enabled/Disabled
# ---------------------------------------------------------------------------


def _set_transition(esm: Any, transition: str | None) -> None:
    esm._twin_transition = transition
    esm._twin_until = time.monotonic() + Config.transition_seconds if transition else 0.0


def state_of(esm: Any) -> str:
    """The state AWS would report now: a transition for a short while, then settled.
    (States and sequences: API_EventSourceMappingConfiguration and AWS-FACTS.md §2.)"""
    transition = getattr(esm, "_twin_transition", None)
    if transition and time.monotonic() < getattr(esm, "_twin_until", 0.0):
        return transition
    return "Enabled" if esm.enabled else "Disabled"


_moto_get_configuration = lambda_models.EventSourceMapping.get_configuration


def _get_configuration(self: Any) -> dict[str, Any]:
    config = _moto_get_configuration(self)
    config["State"] = state_of(self)
    # AWS's value for SQS mappings (AWS-FACTS.md §2; moto says "User initiated").
    config["StateTransitionReason"] = "USER_INITIATED"
    # Recorded SQS responses have no LastProcessingResult: never add one.
    config.pop("LastProcessingResult", None)
    # Encrypted filter criteria: readable in GetEventSourceMapping while Lambda can decrypt
    # them; else FilterCriteria is null and FilterCriteriaError names the KMS exception
    # (https://docs.aws.amazon.com/lambda/latest/api/API_FilterCriteriaError.html).
    key = config.get("KMSKeyArn")
    if key and config.get("FilterCriteria"):
        problem = _filter_key_problem(key)
        if problem is not None:
            config["FilterCriteria"] = None
            config["FilterCriteriaError"] = {
                "ErrorCode": problem[0],
                "Message": EMULATOR_WORDING_FILTER_KEY.format(why=problem[1]),
            }
    return config


def _list_configuration(esm: Any) -> dict[str, Any]:
    """A mapping as ListEventSourceMappings shows it: "If filter criteria is encrypted, this
    field shows up as null in the response of ListEventSourceMapping API calls"
    (API_EventSourceMappingConfiguration, FilterCriteria)."""
    config = esm.get_configuration()
    if config.get("KMSKeyArn"):
        config["FilterCriteria"] = None
        config.pop("FilterCriteriaError", None)
    return config


def _list_event_source_mappings(self: Any) -> str:
    event_source_arn = self.querystring.get("EventSourceArn", [None])[0]
    function_name = self.querystring.get("FunctionName", [None])[0]
    esms = self.backend.list_event_source_mappings(event_source_arn, None)
    if function_name:
        # AWS takes the function as a name, a partial ARN, an ARN, each with an optional
        # qualifier, and lists the mappings of exactly that function (or version, or alias)
        # (API_ListEventSourceMappings); moto compared the text given at creation instead.
        wanted = _function_arn_of(self.backend, function_name)
        esms = [esm for esm in esms if str(esm.function_arn) == wanted]
    # "ListEventSourceMappings returns a maximum of 100 items in each response, even if you set
    # the number higher" (API_ListEventSourceMappings, MaxItems); NextMarker leads to the rest.
    try:
        size = min(max(int(self.querystring.get("MaxItems", ["100"])[0]), 1), 100)
        start = int(self.querystring.get("Marker", ["0"])[0] or 0)
    except ValueError:
        return 400, {"x-amzn-errortype": "InvalidParameterValueException"}, json.dumps(
            {"Type": "User", "message": "Invalid pagination parameters [emulator wording]"})
    page = {"EventSourceMappings": [_list_configuration(esm) for esm in esms[start:start + size]]}
    if start + size < len(esms):
        page["NextMarker"] = str(start + size)
    return json.dumps(page)


def _function_arn_of(backend: Any, function_name: str) -> str:
    """The ARN a FunctionName parameter names, its qualifier kept."""
    if function_name.startswith("arn:"):
        return function_name
    parts = function_name.split(":")
    if len(parts) >= 3 and parts[1] == "function":  # ACCOUNT:function:NAME[:QUALIFIER]
        return f"arn:aws:lambda:{backend.region_name}:{function_name}"
    return f"arn:aws:lambda:{backend.region_name}:{backend.account_id}:function:{function_name}"


_moto_create = lambda_models.LambdaBackend.create_event_source_mapping
_moto_update = lambda_models.LambdaBackend.update_event_source_mapping


def _create(self: Any, spec: dict[str, Any]) -> Any:
    arn = str(spec.get("EventSourceArn", ""))
    if ":sqs:" in arn:
        queue = _queue_by_arn(arn)
        fn = None
        try:
            fn = self.get_function(spec.get("FunctionName", ""))
        except Exception:
            pass  # moto says what is wrong with the function
        _validate(spec, queue, fn, creating=True)
    esm = _moto_create(self, spec)
    if ":sqs:" in esm.event_source_arn:
        # create → Creating → Enabled; created disabled → Disabled (AWS-FACTS.md §2).
        _set_transition(esm, "Creating" if esm.enabled else None)
        Poller.start(self, esm)
    return esm


def _update(self: Any, uuid: str, spec: dict[str, Any]) -> Any:
    esm = self.get_event_source_mapping(uuid)
    if esm is None or ":sqs:" not in esm.event_source_arn:
        return _moto_update(self, uuid, spec)
    merged = {
        "EventSourceArn": esm.event_source_arn,
        "BatchSize": spec.get("BatchSize", esm.batch_size),
        "MaximumBatchingWindowInSeconds": spec.get("MaximumBatchingWindowInSeconds", esm.max_batch_window),
        "ScalingConfig": spec.get("ScalingConfig", esm.scaling_config),
        "ProvisionedPollerConfig": spec.get("ProvisionedPollerConfig", esm.poller_config),
        "MetricsConfig": spec.get("MetricsConfig"),
        "KMSKeyArn": spec.get("KMSKeyArn"),
    }
    _validate(merged, _queue_by_arn(esm.event_source_arn), None, creating=False)
    was_enabled = bool(esm.enabled)
    result = _moto_update(self, uuid, spec)
    if result is not None:
        # Enabled=true → Enabling; Enabled=false → Disabling; anything else → Updating.
        if "Enabled" in spec and bool(spec["Enabled"]) != was_enabled:
            _set_transition(result, "Enabling" if spec["Enabled"] else "Disabling")
        else:
            _set_transition(result, "Updating")
    return result


lambda_models.EventSourceMapping.get_configuration = _get_configuration
lambda_responses.LambdaResponse.list_event_source_mappings = _list_event_source_mappings
lambda_models.LambdaBackend.create_event_source_mapping = _create
lambda_models.LambdaBackend.update_event_source_mapping = _update


# ---------------------------------------------------------------------------
# SQS: SendMessage only stores the message (no synchronous invocation)
# ---------------------------------------------------------------------------


def _add_message(self: Any, message: Any) -> None:
    """moto's Queue.add_message without its synchronous Lambda delivery."""
    if self.fifo_queue:
        if self.attributes.get("ContentBasedDeduplication") == "true" or message.deduplication_id:
            for m in self._messages:
                if m.deduplication_id == message.deduplication_id:
                    diff = message.sent_timestamp - m.sent_timestamp
                    if diff / 1000 < sqs_models.DEDUPLICATION_TIME_IN_SECONDS:
                        return
    with self._messages_lock:
        self._messages.append(message)
        self._messages_lock.notify_all()


sqs_models.Queue.add_message = _add_message

_moto_send_message = sqs_models.SQSBackend.send_message


def _send_message(self: Any, queue_name: str, message_body: str, *args: Any, **kwargs: Any) -> Any:
    """SendMessage (and each entry of SendMessageBatch, and a producer's delivery: SNS,
    EventBridge, S3) records AWS/SQS NumberOfMessagesSent and SentMessageSize, by QueueName
    (AWS-FACTS.md §4). A message SQS itself moves to a dead-letter queue after maxReceiveCount
    is not counted there: "if a message is sent to a dead-letter queue as a result of a failed
    processing attempt, it isn't captured by this metric" (sqs-available-cloudwatch-metrics.html);
    moto moves those with Queue.add_message, which does not come here. A delivery the emulator
    refuses (producers.py) never calls this, so it stays uncounted, as on AWS."""
    message = _moto_send_message(self, queue_name, message_body, *args, **kwargs)
    queue = self.get_queue(queue_name)
    _sqs_metric(queue, "NumberOfMessagesSent", 1)
    _sqs_metric(queue, "SentMessageSize", len(str(message_body).encode("utf-8")), "Bytes")
    GaugeSampler.touch(queue)
    return message


sqs_models.SQSBackend.send_message = _send_message


# ---------------------------------------------------------------------------
# Authorization as the execution role (the emulator's own evaluator)
# ---------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, case: bool = True) -> bool:
    if not case:
        pattern, value = pattern.lower(), value.lower()
    # IAM wildcards are * and ?; nothing else is special.
    escaped = pattern.replace("[", "[[]")
    return fnmatch.fnmatchcase(value, escaped)


def _condition_holds(condition: Any, context: dict[str, str]) -> bool:
    """IAM condition operators over a single-valued context. A key missing from the context
    fails the condition (unless ...IfExists or Null), as in AWS's evaluation logic
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)."""
    if not condition:
        return True
    if not isinstance(condition, dict):
        return False
    lowered = {k.lower(): v for k, v in context.items()}
    for operator, block in condition.items():
        if not isinstance(block, dict):
            return False
        if_exists = operator.endswith("IfExists")
        op = operator[: -len("IfExists")] if if_exists else operator
        for key, expected in block.items():
            actual = lowered.get(key.lower())
            values = [str(v) for v in _as_list(expected)]
            negated = op in ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals",
                             "ArnNotLike")
            if op == "Null":
                want_null = any(v.lower() == "true" for v in values)
                if (actual is None) != want_null:
                    return False
                continue
            if actual is None:
                # "If the key that you specify in a policy condition is not present in the request
                # context, the values do not match and the condition is false. If the policy
                # condition requires that the key is not matched, such as StringNotLike or
                # ArnNotLike, and the right key is not present, the condition might return true"
                # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html): a
                # negated operator holds for a missing key, e.g. `StringNotEquals aws:SourceVpce`
                # for the Lambda poller, which never calls through a VPC endpoint.
                if if_exists or negated:
                    continue
                return False
            if op in ("StringEquals", "ArnEquals"):
                ok = actual in values
            elif op == "StringEqualsIgnoreCase":
                ok = actual.lower() in [v.lower() for v in values]
            elif op in ("StringLike", "ArnLike"):
                ok = any(_glob(v, actual) for v in values)
            elif op in ("StringNotEquals", "ArnNotEquals"):
                ok = actual not in values
            elif op in ("StringNotLike", "ArnNotLike"):
                ok = not any(_glob(v, actual) for v in values)
            else:
                return False  # an operator this twin does not know never matches
            if not ok:
                return False
    return True


def _statements(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):
        try:
            document = json.loads(unquote(document) if document.lstrip().startswith("%") else document)
        except ValueError:
            return []
    if not isinstance(document, dict):
        return []
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]


def _action_matches(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(_glob(p, action, case=False) for p in _as_list(statement["NotAction"]))
    return any(_glob(p, action, case=False) for p in _as_list(statement.get("Action")))


def _resource_matches(statement: dict[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not any(_glob(p, resource) for p in _as_list(statement["NotResource"]))
    if "Resource" not in statement:
        return True  # resource policies may leave it out: the resource itself
    return any(_glob(p, resource) for p in _as_list(statement["Resource"]))


def _principal_matches(statement: dict[str, Any], role_arn: str, account: str,
                       service: str | None = None) -> tuple[bool, bool]:
    """(matches, direct): whether the statement's Principal covers the role, and whether it
    names the role itself (a direct grant) rather than its account (a delegation to IAM).
    With `service` (e.g. sns.amazonaws.com), whether it covers that service principal: named
    in `Service`, or `*` / `{"AWS": "*"}`, which name every principal
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)."""
    if "NotPrincipal" in statement:
        return False, False  # not modelled: never matches
    principal = statement.get("Principal")
    if principal == "*":
        return True, True
    if not isinstance(principal, dict):
        return False, False
    if service is not None:
        named = service in [str(v) for v in _as_list(principal.get("Service"))]
        anyone = "*" in [str(v) for v in _as_list(principal.get("AWS"))]
        return (named or anyone), (named or anyone)
    for value in _as_list(principal.get("AWS")):
        value = str(value)
        if value == "*" or value == role_arn:
            return True, True
        if value in (account, f"arn:aws:iam::{account}:root"):
            return True, False
    return False, False


def _identity_decision(documents: list[Any], action: str, resource: str, context: dict[str, str]) -> str:
    """"deny", "allow" or "none" over identity-based policy documents."""
    allowed = False
    for document in documents:
        for s in _statements(document):
            if not (_action_matches(s, action) and _resource_matches(s, resource)):
                continue
            if not _condition_holds(s.get("Condition"), context):
                continue
            if s.get("Effect") == "Deny":
                return "deny"
            if s.get("Effect") == "Allow":
                allowed = True
    return "allow" if allowed else "none"


def _resource_decision(document: Any, role_arn: str, account: str, action: str, resource: str,
                       context: dict[str, str], service: str | None = None) -> str:
    """"deny", "direct" (grants the role itself), "account" (grants its account: the
    identity policy must allow too) or "none" over a resource policy. With `service`, the
    caller is that AWS service principal (role_arn and account are then not used): only
    "direct" grants it, as a service principal has no identity policy of its own."""
    result = "none"
    for s in _statements(document):
        matches, direct = _principal_matches(s, role_arn, account, service)
        if not matches or not _action_matches(s, action) or not _resource_matches(s, resource):
            continue
        if not _condition_holds(s.get("Condition"), context):
            continue
        if s.get("Effect") == "Deny":
            return "deny"
        if s.get("Effect") == "Allow":
            if direct:
                result = "direct"
            elif result == "none":
                result = "account"
    return result


class Denied(Exception):
    """What the poller's call fails with, as AWS would answer it."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"{operation}: {code}: {message}")
        self.operation = operation
        self.code = code
        self.message = message


class Role:
    """The function's execution role, as the poller acts (an assumed-role session)."""

    def __init__(self, arn: str) -> None:
        self.arn = arn
        parts = arn.split(":")
        self.account = parts[4] if len(parts) > 4 else ""
        self.name = arn.rsplit("/", 1)[-1]
        self.session = f"arn:aws:sts::{self.account}:assumed-role/{self.name}/awslambda_poller"
        try:
            backend = iam_backends[self.account]["aws"]
            role = backend.get_role_by_arn(arn)
        except Exception:
            self.role = None
            self.documents: list[Any] = []
            self.boundary: Any = None
            return
        self.role = role
        self.documents = list(role.policies.values())
        for policy in role.managed_policies.values():
            self.documents.append(_default_document(policy))
        self.boundary = None
        if getattr(role, "permissions_boundary_arn", None):
            try:
                self.boundary = _default_document(backend.get_policy(role.permissions_boundary_arn))
            except Exception:
                self.boundary = {"Statement": []}

    def context(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        ctx = {"aws:PrincipalArn": self.arn, "aws:PrincipalAccount": self.account}
        ctx.update(extra or {})
        return ctx

    def trusted_by_lambda(self) -> bool:
        """Lambda can only act as a role whose trust policy lets lambda.amazonaws.com assume it
        (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html)."""
        if self.role is None:
            return False
        for s in _statements(self.role.assume_role_policy_document):
            principal = s.get("Principal")
            services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
            if (s.get("Effect") == "Allow" and "lambda.amazonaws.com" in services
                    and _action_matches(s, "sts:AssumeRole") and not s.get("Condition")):
                return True
        return False

    def identity(self, action: str, resource: str, context: dict[str, str] | None = None) -> str:
        ctx = self.context(context)
        decision = _identity_decision(self.documents, action, resource, ctx)
        if decision == "allow" and self.boundary is not None:
            # A permissions boundary caps what the role's policies grant
            # (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
            if _identity_decision([self.boundary], action, resource, ctx) != "allow":
                return "none"
        return decision


def _default_document(policy: Any) -> Any:
    for version in getattr(policy, "versions", []):
        if getattr(version, "is_default", False):
            return version.document
    return getattr(policy, "document", None) or {"Statement": []}


def _denied_sqs(role: Role, action: str, queue_arn: str, why: str) -> Denied:
    # The emulator's wording, in the shape of IAM's denials; the code is SQS's.
    return Denied(
        action.split(":", 1)[1],
        "AccessDenied",
        f"User: {role.session} is not authorized to perform: {action.lower()} on resource: {queue_arn} "
        f"because {why} [emulator wording]",
    )


def authorize_sqs(role: Role, queue: Any, action: str) -> None:
    """The role may call `action` on the queue: same account, the identity policy or the
    queue policy may grant it; across accounts both must; an explicit Deny in either wins
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
    https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions)."""
    queue_arn = queue.queue_arn
    identity = role.identity(action, queue_arn)
    resource = _resource_decision(queue.policy, role.arn, role.account, action, queue_arn, role.context())
    if identity == "deny":
        raise _denied_sqs(role, action, queue_arn, "an identity-based policy explicitly denies it")
    if resource == "deny":
        raise _denied_sqs(role, action, queue_arn, "the queue policy explicitly denies it")
    same_account = queue.account_id == role.account
    if same_account:
        if identity == "allow" or resource == "direct":
            return
    elif identity == "allow" and resource in ("direct", "account"):
        return
    raise _denied_sqs(role, action, queue_arn, "no identity-based policy allows it")


def _key_of(queue: Any) -> tuple[Any, bool, str]:
    """(key or None, aws_managed, key id as configured) of an SSE-KMS queue."""
    key_id = getattr(queue, "kms_master_key_id", None)
    if not key_id:
        return None, False, ""
    key_id = str(key_id)
    region, account = queue.region, queue.account_id
    if key_id.startswith("arn:"):
        # A key (or alias) ARN may name a key of another account: it lives there.
        parts = key_id.split(":")
        if len(parts) > 5 and parts[3] and parts[4]:
            region, account = parts[3], parts[4]
    aws_managed = key_id == "alias/aws/sqs" or key_id.endswith(":alias/aws/sqs")
    backend = kms_backends[account][region]
    try:
        if key_id.startswith("alias/") or ":alias/" in key_id:
            name = backend.get_alias_name(key_id)
            raw = None
            for key in backend.keys.values():
                if name in key.aliases:
                    raw = key.id
            key = backend.keys.get(raw) if raw else None
        else:
            key = backend.keys.get(backend.get_key_id(key_id))
    except Exception:
        key = None
    if key is not None and any(str(a).endswith("alias/aws/sqs") for a in getattr(key, "aliases", {})):
        aws_managed = True
    return key, aws_managed, key_id


def authorize_decrypt(role: Role, queue: Any) -> None:
    """An SSE-KMS queue's messages are decrypted for the receiver: with a customer managed
    key the role needs kms:Decrypt and the key policy must let it (directly, or by
    delegating to the account's IAM policies), and the key must be enabled; otherwise
    ReceiveMessage fails with a Kms* error
    (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html,
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html,
    API_ReceiveMessage errors KmsAccessDenied/KmsDisabled/KmsNotFound/KmsInvalidState).
    The AWS managed key alias/aws/sqs lets every principal of the account use it through
    SQS, so the role needs nothing there (AWS-FACTS.md §8)."""
    key, aws_managed, key_id = _key_of(queue)
    if not key_id:
        return
    if aws_managed and queue.account_id == role.account:
        if key is not None and key.key_state != "Enabled":
            raise Denied("ReceiveMessage", "KmsDisabled", "The request was denied because the specified key was "
                         "disabled. [emulator wording]")
        return
    if key is None:
        raise Denied("ReceiveMessage", "KmsNotFound", "The request was rejected because the specified entity or "
                     "resource can't be found. [emulator wording]")
    if key.key_state == "Disabled":
        raise Denied("ReceiveMessage", "KmsDisabled", "The request was denied because the specified key was "
                     "disabled. [emulator wording]")
    if key.key_state != "Enabled":
        raise Denied("ReceiveMessage", "KmsInvalidState", f"The state of the specified key ({key.key_state}) is "
                     "not valid for this request. [emulator wording]")
    context = {"kms:ViaService": f"sqs.{queue.region}.amazonaws.com", "kms:CallerAccount": role.account}
    key_arn = key.arn
    by_key = _resource_decision(key.policy, role.arn, role.account, "kms:Decrypt", key_arn, role.context(context))
    identity = role.identity("kms:Decrypt", key_arn, context)
    if identity == "deny" or by_key == "deny":
        ok = False
    elif key.account_id == role.account:
        # Same account: a key policy naming the role suffices; one naming the account
        # delegates to IAM, so the role's own policy must allow kms:Decrypt.
        ok = by_key == "direct" or (by_key == "account" and identity == "allow")
    else:
        ok = identity == "allow" and by_key in ("direct", "account")
    if not ok:
        # The text is the API model's description of KmsAccessDenied (AWS-FACTS.md §8).
        raise Denied("ReceiveMessage", "KmsAccessDenied", "The caller doesn't have the required KMS access.")


# ---------------------------------------------------------------------------
# Metrics (AWS/SQS and AWS/Lambda, into the emulator's CloudWatch)
# ---------------------------------------------------------------------------

_metrics_lock = threading.Lock()


def put_metric(account: str, region: str, namespace: str, name: str, value: float, dimensions: dict[str, str],
               unit: str = "Count") -> None:
    """Records one datum as the service would publish it (AWS-FACTS.md §4: AWS/SQS by
    QueueName; AWS/Lambda by FunctionName)."""
    datum = MetricDatum(
        namespace=namespace,
        name=name,
        value=float(value),
        dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        timestamp=None,
        unit=unit,
    )
    with _metrics_lock:
        cloudwatch_backends[account][region].metric_data.append(datum)


def _sqs_metric(queue: Any, name: str, value: float, unit: str = "Count") -> None:
    put_metric(queue.account_id, queue.region, "AWS/SQS", name, value, {"QueueName": queue.name}, unit)


def _lambda_metric(fn: Any, name: str, value: float) -> None:
    parts = fn.function_arn.split(":")
    put_metric(parts[4], parts[3], "AWS/Lambda", name, value, {"FunctionName": fn.function_name})


def _esm_metric(esm: Any, name: str, value: float) -> None:
    """Event source mapping metrics, only with MetricsConfig EventCount, by
    EventSourceMappingUUID (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html,
    "Event source mapping metrics")."""
    metrics = (getattr(esm, "metrics", None) or {}).get("Metrics") or []
    if "EventCount" not in metrics:
        return
    parts = str(esm.function_arn).split(":")
    put_metric(parts[4], parts[3], "AWS/Lambda", name, value, {"EventSourceMappingUUID": esm.uuid})


class GaugeSampler:
    """SQS publishes ApproximateNumberOfMessagesVisible and ApproximateAgeOfOldestMessage for
    active queues (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/
    sqs-available-cloudwatch-metrics.html, every minute on AWS). The emulator samples the
    queues, every `gauge_seconds`, recording a value when it changed (or a minute passed).
    Each time it also records 0 for the counters (receives, empty receives, deletes, sends): AWS
    publishes every metric of an active queue each minute, zero included, so a queue nobody
    polls shows receives of 0, not nothing. A queue is active while it holds messages or was
    used in the last `idle_seconds` (AWS: "up to six hours"); an idle queue gets nothing."""

    last: dict[str, tuple[float, float, float]] = {}
    used: dict[str, float] = {}
    idle_seconds = float(os.environ.get("SQS_TRIGGER_EMULATOR_SQS_IDLE_S", str(6 * 3600)))

    @classmethod
    def touch(cls, queue: Any) -> None:
        cls.used[queue.queue_arn] = time.time()

    @classmethod
    def sample_all(cls) -> None:
        for account in list(sqs_backends.keys()):
            for region in list(sqs_backends[account].keys()):
                for queue in list(sqs_backends[account][region].queues.values()):
                    cls.sample(queue)

    @classmethod
    def run(cls) -> None:
        while True:
            try:
                cls.sample_all()
            except Exception as exc:  # a bug here must not kill the emulator
                print(f"gauge sampler: internal error: {exc!r}", flush=True)
            time.sleep(Config.gauge_seconds)

    @classmethod
    def sample(cls, queue: Any) -> None:
        now = time.time()
        messages = list(queue._messages)
        created = float(getattr(queue, "created_timestamp", now) or now)
        used = max(cls.used.get(queue.queue_arn, 0.0), created)
        if not messages and now - used > cls.idle_seconds:
            return
        visible = sum(1 for m in messages if m.visible and not m.delayed)
        sent = [m.sent_timestamp for m in messages if m.sent_timestamp]
        age = max(0.0, now - min(sent) / 1000.0) if sent else 0.0
        key = queue.queue_arn
        previous = cls.last.get(key)
        if previous and previous[0] > now - Config.gauge_seconds:
            return
        if previous and previous[1] == visible and (previous[2] == 0) == (age == 0) and previous[0] > now - 60:
            return
        cls.last[key] = (now, visible, age)
        _sqs_metric(queue, "ApproximateNumberOfMessagesVisible", visible)
        _sqs_metric(queue, "ApproximateAgeOfOldestMessage", int(age), "Seconds")
        for counter in ("NumberOfMessagesReceived", "NumberOfEmptyReceives", "NumberOfMessagesDeleted",
                        "NumberOfMessagesSent"):
            _sqs_metric(queue, counter, 0)


# ---------------------------------------------------------------------------
# The poller
# ---------------------------------------------------------------------------

_function_lock = threading.Lock()
_function_active: dict[str, int] = {}


class Poller:
    """One per SQS mapping: polls while the mapping is Enabled, as the execution role."""

    all: dict[str, "Poller"] = {}
    lock = threading.Lock()

    def __init__(self, backend: Any, esm: Any) -> None:
        self.backend = backend
        self.uuid = esm.uuid
        self.active = 0
        self.stats: dict[str, Any] = {
            "receives": 0,
            "empty_receives": 0,
            "messages_received": 0,
            "invocations": 0,
            "errors": 0,
            "throttles": 0,
            "deleted": 0,
            "filtered_out": 0,
            "delete_denied": 0,
            "peak_concurrency": 0,
            "denied": 0,
            "last_error": None,
            "events": [],
        }

    @classmethod
    def start(cls, backend: Any, esm: Any) -> None:
        poller = Poller(backend, esm)
        with cls.lock:
            cls.all[esm.uuid] = poller
        threading.Thread(target=poller.run, name=f"lambda-poller-{esm.uuid}", daemon=True).start()

    @classmethod
    def snapshot(cls) -> dict[str, Any]:
        with cls.lock:
            return {uuid: dict(p.stats, active=p.active) for uuid, p in cls.all.items()}

    def event(self, kind: str, **fields: Any) -> None:
        entry = {"time": time.time(), "event": kind, **fields}
        events = self.stats["events"]
        events.append(entry)
        del events[:-50]

    def fail(self, err: Denied) -> None:
        text = f"{err.operation}: {err.code}: {err.message}"
        if self.stats["last_error"] != text:
            print(f"lambda-poller {self.uuid}: {text}", flush=True)
        self.stats["last_error"] = text
        self.stats["denied"] += 1
        self.event("error", operation=err.operation, code=err.code, message=err.message)

    def mapping(self) -> Any:
        return self.backend._event_source_mappings.get(self.uuid)

    def run(self) -> None:
        while True:
            esm = self.mapping()
            if esm is None:
                with Poller.lock:
                    Poller.all.pop(self.uuid, None)
                return
            try:
                polled = self.cycle(esm)
            except Exception as exc:  # a bug in the twin must not kill the emulator
                print(f"lambda-poller {self.uuid}: internal error: {exc!r}", flush=True)
                polled = False
            if not polled:
                time.sleep(Config.retry_seconds)

    def cap(self, esm: Any) -> int:
        """MaximumConcurrency caps the mapping's concurrent invocations
        (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html)."""
        scaling = esm.scaling_config or {}
        if scaling.get("MaximumConcurrency"):
            return int(scaling["MaximumConcurrency"])
        return Config.default_concurrency

    def cycle(self, esm: Any) -> bool:
        """One poll; False when the poller should wait before the next."""
        # Only an Enabled mapping polls (API_EventSourceMappingConfiguration, State).
        if state_of(esm) != "Enabled":
            return False
        queue = _queue_by_arn(esm.event_source_arn)
        if queue is None:
            self.fail(Denied("ReceiveMessage", "AWS.SimpleQueueService.NonExistentQueue",
                             "The specified queue does not exist."))
            return False
        GaugeSampler.sample(queue)
        try:
            fn = self.backend.get_function(esm.function_arn)
        except Exception:
            self.fail(Denied("Invoke", "ResourceNotFoundException", f"Function not found: {esm.function_arn}"))
            return False
        # A mapping at its MaximumConcurrency stops reading rather than throttling
        # (AWS-FACTS.md §3).
        if self.active >= self.cap(esm):
            time.sleep(0.05)
            return True
        role = Role(fn.role)
        try:
            if not role.trusted_by_lambda():
                raise Denied("AssumeRole", "AccessDenied",
                             f"Lambda cannot assume the execution role {fn.role} [emulator wording]")
            # The poller reads the queue as the execution role: it needs sqs:ReceiveMessage,
            # sqs:GetQueueAttributes (and sqs:DeleteMessage, checked when it deletes)
            # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions).
            authorize_sqs(role, queue, "sqs:GetQueueAttributes")
            authorize_sqs(role, queue, "sqs:ReceiveMessage")
            authorize_decrypt(role, queue)
        except Denied as err:
            self.fail(err)
            return False
        batch = self.receive(esm, queue, fn, role)
        if batch is None:
            return False
        if batch:
            self.dispatch(esm, queue, fn, role, batch)
        return True

    def visibility(self, esm: Any, queue: Any, fn: Any) -> int:
        """The queue's visibility timeout; "If ... (batch window) + (function timeout) >
        (queue visibility timeout), then your effective queue visibility timeout is (batch
        window) + (function timeout) + 30s" (AWS-FACTS.md §3, with-sqs.md)."""
        vt = _int(queue.visibility_timeout, 30)
        window = _int(esm.max_batch_window, 0)
        timeout = _int(getattr(fn, "timeout", 3), 3)
        if window + timeout > vt:
            return window + timeout + 30
        return vt

    def receive(self, esm: Any, queue: Any, fn: Any, role: Role) -> list[Any] | None:
        """Long-polls (up to 20 s) for up to BatchSize messages; with a batching window,
        keeps gathering until the batch is full or the window ends
        (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html). Every
        attempt is authorized again, so a permission removed mid-poll takes effect at once.
        None: stop (the mapping changed or the role lost access)."""
        backend = sqs_backends[queue.account_id][queue.region]
        size = _int(esm.batch_size, 10) or 10
        window = _int(esm.max_batch_window, 0)
        vt = self.visibility(esm, queue, fn)
        batch: list[Any] = []
        started = time.monotonic()
        window_end: float | None = None
        while True:
            # Messages gathered for a batch that will not run stay in flight until their
            # visibility timeout ends, as after any receive.
            if self.mapping() is not esm or state_of(esm) != "Enabled":
                return None
            try:
                authorize_sqs(role, queue, "sqs:ReceiveMessage")
                authorize_decrypt(role, queue)
            except Denied as err:
                self.fail(err)
                return None
            want = min(10, size - len(batch))
            got = backend.receive_message(queue.name, want, 0, vt, ["All"]) if want > 0 else []
            GaugeSampler.touch(queue)
            if got:
                self.stats["receives"] += 1
                self.stats["messages_received"] += len(got)
                _sqs_metric(queue, "NumberOfMessagesReceived", len(got))
                _esm_metric(esm, "PolledEventCount", len(got))
                batch.extend(got)
                if window_end is None:
                    window_end = time.monotonic() + window
            if len(batch) >= size:
                return batch
            if batch and (window <= 0 or time.monotonic() >= (window_end or 0)):
                return batch
            if not batch and time.monotonic() - started >= Config.long_poll_seconds:
                # One ReceiveMessage call that returned nothing.
                self.stats["receives"] += 1
                self.stats["empty_receives"] += 1
                _sqs_metric(queue, "NumberOfEmptyReceives", 1)
                # "An empty poll emits PolledEventCount 0" (AWS-FACTS.md §4).
                _esm_metric(esm, "PolledEventCount", 0)
                GaugeSampler.sample(queue)
                return []
            if not got:
                # A long poll answers as soon as a message arrives: wait to be woken by a send.
                # Messages visible but held back (a FIFO group in flight), or a batch being
                # gathered, are looked at again shortly instead.
                if not batch and not queue.messages:
                    queue.wait_for_messages(0.2)
                else:
                    time.sleep(0.05)
            role = Role(fn.role)  # policies may change while polling

    def dispatch(self, esm: Any, queue: Any, fn: Any, role: Role, batch: list[Any]) -> None:
        kept, dropped = self.filter(esm, queue, batch)
        for message in dropped:
            # "If an Amazon SQS message doesn't satisfy your filter criteria, Lambda
            # automatically removes the message from the queue"
            # (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
            if self.delete(queue, role, message):
                self.stats["filtered_out"] += 1
                _esm_metric(esm, "FilteredOutEventCount", 1)
                self.event("filtered-out", message_id=message.id)
        if not kept:
            return
        fn_arn = fn.function_arn
        reserved = getattr(fn, "reserved_concurrency", None)
        with _function_lock:
            running = _function_active.get(fn_arn, 0)
            throttled = reserved is not None and str(reserved) != "" and running >= int(reserved)
            if not throttled:
                _function_active[fn_arn] = running + 1
                self.active += 1
                self.stats["peak_concurrency"] = max(self.stats["peak_concurrency"], self.active)
        if throttled:
            # Reserved concurrency caps the function; at 0 every invocation is throttled.
            # The batch stays in flight until its visibility timeout ends and then comes
            # back with a higher receive count (so it reaches the DLQ after
            # maxReceiveCount): https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html.
            # Throttles are not Invocations (monitoring-metrics-types.html).
            self.stats["throttles"] += 1
            _lambda_metric(fn, "Throttles", 1)
            self.event("throttled", message_ids=[m.id for m in kept])
            return
        threading.Thread(target=self.invoke, args=(esm, queue, fn, role, kept), daemon=True).start()

    def filter(self, esm: Any, queue: Any, batch: list[Any]) -> tuple[list[Any], list[Any]]:
        """Filters are ORed; SQS events are matched on the message body, parsed as JSON when it
        is JSON (invocation-eventfiltering.html). "Amazon SQS event source mappings only support
        filtering on the `body` key" (with-sqs-filtering.html): a pattern on any other key of
        the record never matches, so every message it alone would let through is deleted."""
        patterns = []
        for f in (esm.filter_criteria or {}).get("Filters", []) or []:
            try:
                patterns.append(EventPattern(None, json.loads(f.get("Pattern") or "{}")))
            except (ValueError, AttributeError):
                continue
        if not patterns:
            return batch, []
        kept, dropped = [], []
        for message in batch:
            record: dict[str, Any] = {"body": message.body}
            try:
                record["body"] = json.loads(message.body)
            except ValueError:
                pass
            (kept if any(p.matches_event(record) for p in patterns) else dropped).append(message)
        return kept, dropped

    def record(self, esm: Any, queue: Any, message: Any) -> dict[str, Any]:
        """One event record, with the keys AWS sends (AWS-FACTS.md §3)."""
        attributes = {
            "ApproximateReceiveCount": str(message.approximate_receive_count),
            "SentTimestamp": str(message.sent_timestamp),
            "SenderId": str(message.sender_id),
            "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
        }
        if queue.fifo_queue:
            attributes.update({
                "SequenceNumber": str(message.sequence_number),
                "MessageGroupId": message.group_id,
                "MessageDeduplicationId": message.deduplication_id,
            })
        message_attributes = {}
        for name, value in (message.message_attributes or {}).items():
            entry = {"dataType": value.get("DataType") or value.get("data_type")}
            if value.get("StringValue") is not None:
                entry["stringValue"] = value.get("StringValue")
            if value.get("BinaryValue") is not None:
                entry["binaryValue"] = value.get("BinaryValue")
            entry.setdefault("stringListValues", [])
            entry.setdefault("binaryListValues", [])
            message_attributes[name] = entry
        return {
            "messageId": message.id,
            "receiptHandle": message.receipt_handle,
            "body": message.body,
            "attributes": attributes,
            "messageAttributes": message_attributes,
            "md5OfBody": message.body_md5,
            "eventSource": "aws:sqs",
            "eventSourceARN": queue.queue_arn,
            "awsRegion": queue.region,
        }

    def invoke(self, esm: Any, queue: Any, fn: Any, role: Role, batch: list[Any]) -> None:
        try:
            event = {"Records": [self.record(esm, queue, m) for m in batch]}
            self.stats["invocations"] += 1
            _lambda_metric(fn, "Invocations", 1)
            _esm_metric(esm, "InvokedEventCount", len(batch))
            self.event("invoked", message_ids=[m.id for m in batch])
            response, errored, _ = fn._invoke_lambda(event)
            failed = self.failures(esm, batch, response, errored)
            if errored:
                self.stats["errors"] += 1
                _lambda_metric(fn, "Errors", 1)
            # A failed message is not deleted: it reappears when its visibility timeout
            # ends, and after maxReceiveCount receives SQS moves it to the DLQ
            # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
            for message in batch:
                if message.id in failed:
                    continue
                if self.delete(queue, role, message):
                    _esm_metric(esm, "DeletedEventCount", 1)
            if failed:
                _esm_metric(esm, "FailedInvokeEventCount", len(failed))
                self.event("failed", message_ids=sorted(failed))
        finally:
            with _function_lock:
                _function_active[fn.function_arn] = max(0, _function_active.get(fn.function_arn, 1) - 1)
                self.active -= 1

    @staticmethod
    def failures(esm: Any, batch: list[Any], response: str, errored: bool) -> set[str]:
        """Which messages failed. With ReportBatchItemFailures only the reported ones; an
        invalid report fails the whole batch; an error always does
        (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting)."""
        ids = {m.id for m in batch}
        if errored:
            return ids
        if "ReportBatchItemFailures" not in (esm.function_response_types or []):
            return set()
        try:
            doc = json.loads(response) if response else None
        except ValueError:
            return ids
        if doc is None or (isinstance(doc, dict) and not doc):
            return set()
        if not isinstance(doc, dict):
            return ids
        if "batchItemFailures" not in doc:
            return ids if any(k != "batchItemFailures" for k in doc) else set()
        items = doc.get("batchItemFailures")
        if items is None:
            return set()
        if not isinstance(items, list):
            return ids
        failed = set()
        for item in items:
            identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
            if not identifier or identifier not in ids:
                return ids
            failed.add(identifier)
        return failed

    def delete(self, queue: Any, role: Role, message: Any) -> bool:
        """Deletes as the role: without sqs:DeleteMessage the function ran but the message
        comes back after the visibility timeout. (The role's policies are read again: they
        may have changed since the receive.)"""
        role = Role(role.arn)
        try:
            authorize_sqs(role, queue, "sqs:DeleteMessage")
        except Denied as err:
            self.stats["delete_denied"] += 1
            self.fail(err)
            return False
        try:
            sqs_backends[queue.account_id][queue.region].delete_message(queue.name, message.receipt_handle)
        except Exception as exc:
            self.event("delete-failed", message_id=message.id, error=repr(exc))
            return False
        self.stats["deleted"] += 1
        _sqs_metric(queue, "NumberOfMessagesDeleted", 1)
        return True


def install(transition_seconds: float | None = None) -> None:
    """The patches are applied on import; this sets the launcher's options."""
    if transition_seconds is not None:
        Config.transition_seconds = max(0.0, transition_seconds)
    if not getattr(GaugeSampler, "started", False):
        GaugeSampler.started = True
        threading.Thread(target=GaugeSampler.run, name="sqs-gauge-sampler", daemon=True).start()

