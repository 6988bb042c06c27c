#!/usr/bin/env python3
"""Local AWS emulator for sqs-trigger's tests and demo.

moto in server mode, with four additions:

* Lambda invocations really run the function's Python handler in a child
  process (no Docker needed) and write START / output / END / REPORT lines to
  the function's CloudWatch Logs group, as the Lambda runtime does. The
  function's LoggingConfig is honoured: the JSON format (platform.start /
  platform.report records, JSON application records with requestId), the
  system and application log levels, and a custom log group (streams named
  YYYY/MM/DD/<function>[<version>]<id>, so several functions can share it).
* A fault injector: a test arms it over HTTP to make the next N requests of an
  operation fail with an AWS error in the protocol's own error shape.
* A request log: every API request (service, operation, caller's user agent)
  is recorded, so tests can count requests and prove what was never called.
* A twin of Lambda's SQS poller (lambda_poller.py) replaces moto's synchronous
  SQS -> Lambda delivery: one background poller per mapping that polls only while
  the mapping is Enabled, as the execution role, and fails as AWS fails. Its SQS
  calls are internal, so they are not in the request log.

* Per-service rate limits (`--rate-limit iam=20`, or SQS_TRIGGER_EMULATOR_RATE_LIMIT):
  beyond N requests per second (per account, as AWS's IAM limits are account-wide) the
  service answers with its own throttling error (IAM/STS `Throttling`, Lambda
  `TooManyRequestsException`, the others `ThrottlingException`).
* SNS, EventBridge and S3 deliver to a queue as their service principal (producers.py): the
  queue policy must allow it `sqs:SendMessage` (aws:SourceArn / aws:SourceAccount honoured),
  and an SSE-KMS queue's key policy must let it use the key (never alias/aws/sqs); a refused
  delivery is dropped and counted as AWS counts it (AWS/SNS NumberOfNotificationsFailed,
  AWS/Events FailedInvocations); S3 refuses such a notification configuration at setup.
  Every SendMessage that lands records AWS/SQS NumberOfMessagesSent.
* Many accounts: requests are served in the account of their credentials (moto maps the
  keys of an assumed role to the role's account), or of an `x-moto-account-id` header; the
  request log records each request's account and region. STS AssumeRole refuses, as AWS
  does, a role that does not exist in its account (moto would hand out keys for any ARN;
  trust policies are not evaluated). Account ListRegions answers the enabled regions
  (SQS_TRIGGER_EMULATOR_REGIONS, comma-separated, else a default list).

Control endpoints (all under /_emulator/):
  POST   /_emulator/faults     {"operation": "SendMessage", "error": "throttling",
                                "count": 2, "match": "substring", "delay": 0,
                                "region": "eu-west-1"}  (operation "*": every operation;
                                region: only requests signed for that region)
                                Besides AWS errors, answers that are not AWS's, as an
                                endpoint that lacks the operation or a proxy gives them:
                                "unknown-operation" (404 UnknownOperationException; query
                                protocols 400 InvalidAction), "html" (200, an HTML page),
                                "truncated" (the real answer, cut in half).
                                "delay": no error at all: the request is held `delay`
                                seconds, then served (a write that is still in flight when
                                the client gives up, and happens anyway).
  DELETE /_emulator/faults     clear every armed fault
  POST   /_emulator/latency    {"ms": 20}: the added latency from now on (seed fast, then measure)
  GET    /_emulator/requests   the request log, as JSON
  DELETE /_emulator/requests   clear the request log
  GET    /_emulator/pollers    what each mapping's poller did (for the twin's own tests)
  POST   /_emulator/function-state {"function": "worker", "state": "Failed", "reason": "...",
                                "reason_code": "SubnetOutOfIPAddresses"}: a state moto never
                                gives (it keeps every function Active)
  GET    /_emulator/deliveries every SNS / EventBridge / S3 delivery to a queue, delivered or
                                refused, and why (producers.py); DELETE clears it
  POST   /_emulator/metrics/backdate  {"seconds": 600}: move every recorded CloudWatch
                                datapoint that far into the past (tests build a window's
                                history without waiting real minutes)

Also answered here, where moto 5.2.5 has nothing: CloudWatch GetMetricData over the Smithy
RPC v2 CBOR protocol the SDKs use (cloudwatch_api.py), and SQS message move tasks
(move_tasks.py).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from typing import Any, Callable, Iterable

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.awslambda import models as lambda_models  # noqa: E402
from moto.kms import models as kms_models  # noqa: E402
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    create_backend_app,
)
from werkzeug.serving import run_simple  # noqa: E402

import lambda_poller  # noqa: E402  (replaces moto's SQS -> Lambda delivery on import)
import cloudwatch_api  # noqa: E402
import move_tasks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BOOTSTRAP = os.path.join(HERE, "lambda_bootstrap.py")
CODE_CACHE = tempfile.mkdtemp(prefix="sqs-trigger-emulator-code-")


# ---------------------------------------------------------------------------
# Lambda: run the Python handler for real
# ---------------------------------------------------------------------------

def _code_dir(code_bytes: bytes) -> str:
    digest = hashlib.sha256(code_bytes).hexdigest()[:16]
    target = os.path.join(CODE_CACHE, digest)
    if not os.path.isdir(target):
        tmp = target + ".tmp" + uuid.uuid4().hex
        with zipfile.ZipFile(io.BytesIO(code_bytes)) as archive:
            archive.extractall(tmp)
        try:
            os.rename(tmp, target)
        except OSError:
            pass  # another thread unpacked the same code first
    return target


# LoggingConfig (https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html).
LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
# Quoted from a CloudFormation error (AWS-FACTS.md §6); the exception type is unverified.
LEVEL_NEEDS_JSON = ('LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your request '
                    'or change the LogFormat to "Json" and try again.')


def _logging(fn: Any) -> dict[str, str]:
    """The function's LoggingConfig as GetFunctionConfiguration shows it: Text and
    /aws/lambda/NAME by default; with JSON, the levels default to INFO
    (monitoring-cloudwatchlogs-log-level.html: "By default, Lambda sets the system log level to INFO")."""
    config = dict(getattr(fn, "_sqs_trigger_logging", None) or {})
    fmt = "JSON" if str(config.get("LogFormat", "Text")).upper() == "JSON" else "Text"
    out = {"LogFormat": fmt, "LogGroup": config.get("LogGroup") or f"/aws/lambda/{fn.function_name}"}
    if fmt == "JSON":
        out["ApplicationLogLevel"] = str(config.get("ApplicationLogLevel") or "INFO").upper()
        out["SystemLogLevel"] = str(config.get("SystemLogLevel") or "INFO").upper()
    return out


def _system_logs(fn: Any, level: str) -> bool:
    """Whether Lambda writes a platform record of `level` for this function: always in the Text
    format; in JSON only at or above its SystemLogLevel (START and REPORT are INFO)."""
    config = _logging(fn)
    if config["LogFormat"] != "JSON":
        return level != "DEBUG"
    return LEVELS.index(level) >= LEVELS.index(config["SystemLogLevel"])


def _iso_now() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


def _run_python_handler(fn: Any, event: Any) -> tuple[str, bool, str]:
    """Runs `fn`'s handler on `event`; returns (response, errored, log text)."""
    request_id = str(uuid.uuid4())
    version = getattr(fn, "version", "$LATEST")
    timeout = float(getattr(fn, "timeout", 3) or 3)
    memory = int(getattr(fn, "memory_size", 128) or 128)
    logging_config = _logging(fn)
    json_format = logging_config["LogFormat"] == "JSON"
    lines: list[str] = []
    if json_format:
        # The JSON format's platform records (telemetry-schema-reference.html).
        if _system_logs(fn, "INFO"):
            lines.append(json.dumps({"time": _iso_now(), "type": "platform.start",
                                     "record": {"requestId": request_id, "version": str(version)}}))
    else:
        lines.append(f"START RequestId: {request_id} Version: {version}")
    status = "success"
    errored = False
    response = "null"
    started = time.monotonic()
    first_run = not getattr(fn, "_sqs_trigger_warm", False)
    try:
        code_dir = _code_dir(fn.code_bytes)
    except Exception as exc:  # not a zip: report it as the runtime would
        lines.append(f"[ERROR] Runtime.InvalidEntrypoint: cannot unpack code: {exc}")
        code_dir = None
    if code_dir is not None:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as result_file:
            result_path = result_file.name
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LAMBDA_TASK_ROOT": code_dir,
            "_HANDLER": fn.handler or "",
            "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": str(version),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(int(timeout)),
            "AWS_LAMBDA_LOG_GROUP_NAME": fn.logs_group_name,
            "AWS_REGION": fn.region,
            "AWS_REQUEST_ID": request_id,
            "SQS_TRIGGER_RESULT_PATH": result_path,
            "PYTHONUNBUFFERED": "1",
            # What the Lambda runtime reads to format and filter application logs.
            "AWS_LAMBDA_LOG_FORMAT": logging_config["LogFormat"],
            "AWS_LAMBDA_LOG_LEVEL": logging_config.get("ApplicationLogLevel", "INFO"),
        }
        env.update(getattr(fn, "environment_vars", None) or {})
        try:
            proc = subprocess.run(
                [sys.executable, BOOTSTRAP],
                input=json.dumps(event).encode(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=code_dir,
                env=env,
                timeout=timeout,
            )
            lines.extend(proc.stdout.decode("utf-8", "replace").splitlines())
            try:
                with open(result_path, encoding="utf-8") as fh:
                    result = json.load(fh)
                errored = bool(result.get("errored"))
                response = json.dumps(result.get("response"))
                if errored:
                    status = "error"
            except (OSError, ValueError):
                errored = True
                response = json.dumps(
                    {"errorType": "Runtime.ExitError",
                     "errorMessage": f"RequestId: {request_id} Error: Runtime exited with code {proc.returncode}"}
                )
                status = "error"
                if not json_format:
                    lines.append(f"RequestId: {request_id} Error: Runtime exited with code {proc.returncode}")
        except subprocess.TimeoutExpired as exc:
            if exc.output:
                lines.extend(exc.output.decode("utf-8", "replace").splitlines())
            errored = True
            status = "timeout"
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
            if not json_format:
                lines.append(f"{stamp}.000Z {request_id} Task timed out after {timeout:.2f} seconds")
            response = json.dumps(
                {"errorType": "Sandbox.Timedout",
                 "errorMessage": f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"}
            )
        finally:
            try:
                os.unlink(result_path)
            except OSError:
                pass
    elapsed_ms = (time.monotonic() - started) * 1000.0
    billed = max(1, int(elapsed_ms + 0.999))
    if first_run:
        fn._sqs_trigger_warm = True
    if json_format:
        # platform.runtimeDone is written at DEBUG only; START and REPORT at INFO. At WARN
        # none is written: which platform records AWS writes at WARN for a failed invocation
        # is unverified (AWS-FACTS.md §6), so the emulator writes none.
        if _system_logs(fn, "DEBUG"):
            lines.append(json.dumps({"time": _iso_now(), "type": "platform.runtimeDone",
                                     "record": {"requestId": request_id, "status": status}}))
        if _system_logs(fn, "INFO"):
            metrics = {"durationMs": round(elapsed_ms, 2), "billedDurationMs": billed, "memorySizeMB": memory,
                       "maxMemoryUsedMB": 40}
            if first_run:
                metrics["initDurationMs"] = 1.0
            lines.append(json.dumps({"time": _iso_now(), "type": "platform.report",
                                     "record": {"requestId": request_id, "metrics": metrics, "status": status}}))
        return response, errored, "\n".join(lines)
    report = (
        f"REPORT RequestId: {request_id}\tDuration: {elapsed_ms:.2f} ms\t"
        f"Billed Duration: {billed} ms\tMemory Size: {memory} MB\tMax Memory Used: 40 MB"
    )
    if first_run:
        report += "\tInit Duration: 1.00 ms"
    lines.append(f"END RequestId: {request_id}")
    lines.append(report)
    text = "\n".join(lines)
    return response, errored, text


def _save_logs(self: Any, output: str) -> None:
    """Writes one invocation's lines to a new stream, with integer millisecond timestamps
    (moto's own are floats, which AWS never sends and the Rust SDK rejects)."""
    now = time.time()
    day = time.strftime("%Y/%m/%d", time.gmtime(now))
    if _logging(self)["LogGroup"] != f"/aws/lambda/{self.function_name}":
        # A custom group: "YYYY/MM/DD/<function_name>[<function_version>][<execution_environment_GUID>]"
        # (monitoring-cloudwatchlogs-loggroups.html), so functions sharing it can be told apart.
        stream = f"{day}/{self.function_name}[{self.version}]{uuid.uuid4().hex}"
    else:
        stream = f"{day}/[{self.version}]{uuid.uuid4().hex}"
    self.logs_backend.create_log_stream(self.logs_group_name, stream)
    stamp = int(now * 1000)
    events = [{"timestamp": stamp, "message": line} for line in output.splitlines()]
    if events:
        self.logs_backend.put_log_events(self.logs_group_name, stream, events)


def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
    self.logs_backend.ensure_log_group(self.logs_group_name)
    if event is None:
        event = {}
    response, errored, text = _run_python_handler(self, event)
    self.save_logs(text)
    return response, errored, text


_moto_get_code = lambda_models.LambdaFunction.get_code


def _get_code(self: Any) -> dict[str, Any]:
    """GetFunction's answer, with `Concurrency` also for a reservation of 0 (which moto drops,
    and which AWS reports: it is the reservation that throttles every invocation)."""
    resp = _moto_get_code(self)
    if self.reserved_concurrency is not None and "Concurrency" not in resp:
        resp["Concurrency"] = {"ReservedConcurrentExecutions": int(self.reserved_concurrency)}
    return resp


lambda_models.LambdaFunction.get_code = _get_code


def _check_logging(config: Any) -> None:
    if not config:
        return
    from moto.awslambda.exceptions import InvalidParameterValueException

    fmt = str(config.get("LogFormat", "Text")).upper()
    if fmt != "JSON" and (config.get("ApplicationLogLevel") or config.get("SystemLogLevel")):
        raise InvalidParameterValueException(LEVEL_NEEDS_JSON)
    group = config.get("LogGroup") or ""
    if group.startswith("aws/"):
        # "custom names mustn't begin with the string aws/" (monitoring-cloudwatchlogs-loggroups.html).
        raise InvalidParameterValueException(
            f"Log group name {group} must not begin with aws/ [emulator wording; AWS's text is unverified]")


def _apply_logging(fn: Any, config: Any) -> None:
    merged = dict(getattr(fn, "_sqs_trigger_logging", None) or {})
    merged.update({k: v for k, v in (config or {}).items() if v is not None})
    fn._sqs_trigger_logging = merged
    fn.logs_group_name = _logging(fn)["LogGroup"]


_moto_create_function = lambda_models.LambdaBackend.create_function


def _create_function(self: Any, spec: dict[str, Any]) -> Any:
    _check_logging(spec.get("LoggingConfig"))
    fn = _moto_create_function(self, spec)
    if spec.get("LoggingConfig"):
        _apply_logging(self.get_function(fn.function_name), spec["LoggingConfig"])
        _apply_logging(fn, spec["LoggingConfig"])
    return fn


_moto_update_configuration = lambda_models.LambdaFunction.update_configuration


def _update_configuration(self: Any, config_updates: dict[str, Any]) -> Any:
    if "LoggingConfig" in config_updates:
        merged = dict(getattr(self, "_sqs_trigger_logging", None) or {})
        merged.update(config_updates["LoggingConfig"] or {})
        _check_logging(merged)
        _apply_logging(self, config_updates["LoggingConfig"])
    return _moto_update_configuration(self, config_updates)


_moto_function_configuration = lambda_models.LambdaFunction.get_configuration


def _function_configuration(self: Any, on_create: bool = False) -> dict[str, Any]:
    config = _moto_function_configuration(self, on_create)
    config["LoggingConfig"] = _logging(self)
    return config


lambda_models.LambdaBackend.create_function = _create_function
lambda_models.LambdaFunction.update_configuration = _update_configuration
lambda_models.LambdaFunction.get_configuration = _function_configuration


def _by_key_id(method: Callable[..., Any]) -> Callable[..., Any]:
    """KMS takes a key ID or a key ARN for EnableKey/DisableKey; moto only the ID."""

    def wrapped(self: Any, key_id: str, *args: Any, **kwargs: Any) -> Any:
        return method(self, self.get_key_id(key_id), *args, **kwargs)

    return wrapped


kms_models.KmsBackend.enable_key = _by_key_id(kms_models.KmsBackend.enable_key)
kms_models.KmsBackend.disable_key = _by_key_id(kms_models.KmsBackend.disable_key)
lambda_models.LambdaFunction._invoke_lambda = _invoke_lambda
lambda_models.LambdaFunction.save_logs = _save_logs

# Mapping identity (qualified function ARNs, duplicates) and queue attributes as AWS keeps them.
sys.path.insert(0, HERE)
import aws_fidelity  # noqa: E402

aws_fidelity.install()

# SNS, EventBridge and S3 deliver to a queue only as far as its policy and key let them.
import producers  # noqa: E402

producers.install()


# ---------------------------------------------------------------------------
# Which operation is this request?
# ---------------------------------------------------------------------------

LAMBDA_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile(p), op)
    for m, p, op in [
        ("POST", r"^/2015-03-31/event-source-mappings/?$", "CreateEventSourceMapping"),
        ("GET", r"^/2015-03-31/event-source-mappings/?$", "ListEventSourceMappings"),
        ("GET", r"^/2015-03-31/event-source-mappings/[^/]+/?$", "GetEventSourceMapping"),
        ("PUT", r"^/2015-03-31/event-source-mappings/[^/]+/?$", "UpdateEventSourceMapping"),
        ("DELETE", r"^/2015-03-31/event-source-mappings/[^/]+/?$", "DeleteEventSourceMapping"),
        ("POST", r"^/2015-03-31/functions/?$", "CreateFunction"),
        ("GET", r"^/2015-03-31/functions/?$", "ListFunctions"),
        ("GET", r"^/2015-03-31/functions/[^/]+/?$", "GetFunction"),
        ("DELETE", r"^/2015-03-31/functions/[^/]+/?$", "DeleteFunction"),
        ("GET", r"^/2015-03-31/functions/[^/]+/configuration/?$", "GetFunctionConfiguration"),
        ("PUT", r"^/2015-03-31/functions/[^/]+/configuration/?$", "UpdateFunctionConfiguration"),
        ("POST", r"^/2015-03-31/functions/[^/]+/invocations/?$", "Invoke"),
        ("GET", r"^/2019-09-30/functions/[^/]+/concurrency/?$", "GetFunctionConcurrency"),
        ("PUT", r"^/2017-10-31/functions/[^/]+/concurrency/?$", "PutFunctionConcurrency"),
        ("DELETE", r"^/2017-10-31/functions/[^/]+/concurrency/?$", "DeleteFunctionConcurrency"),
        ("GET", r"^/2016-08-19/account-settings/?$", "GetAccountSettings"),
        ("GET", r"^/2024-08-31/functions/[^/]+/recursion-config/?$", "GetFunctionRecursionConfig"),
        ("PUT", r"^/2024-08-31/functions/[^/]+/recursion-config/?$", "PutFunctionRecursionConfig"),
        ("GET", r"^/2017-03-31/tags/.+$", "ListTags"),
        ("POST", r"^/2017-03-31/tags/.+$", "TagResource"),
        ("DELETE", r"^/2017-03-31/tags/.+$", "UntagResource"),
    ]
]


# S3 (rest-xml, path-style addressing): (method, bucket-level?, subresource) -> operation,
# for the request log and for faults armed by operation name.
S3_SUBRESOURCES = {
    "notification": ("GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration"),
    "policy": ("GetBucketPolicy", "PutBucketPolicy"),
    "location": ("GetBucketLocation", None),
    "encryption": ("GetBucketEncryption", "PutBucketEncryption"),
    "tagging": ("GetBucketTagging", "PutBucketTagging"),
}


def _s3_operation(environ: dict[str, Any]) -> str:
    from urllib.parse import parse_qs

    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "") or "/"
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "ListBuckets" if method == "GET" else f"{method} /"
    if len(parts) == 1:
        for sub, (get, put) in S3_SUBRESOURCES.items():
            if sub in query:
                op = {"GET": get, "PUT": put}.get(method)
                return op or f"{method} ?{sub}"
        if method == "GET":
            return "ListObjectsV2" if query.get("list-type") == ["2"] else "ListObjects"
        return {"PUT": "CreateBucket", "HEAD": "HeadBucket", "DELETE": "DeleteBucket"}.get(method, f"{method} /bucket")
    return {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}.get(
        method, f"{method} /bucket/key")


def _service_of(environ: dict[str, Any]) -> str:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    return match.group(1) if match else "unknown"


def _operation_of(environ: dict[str, Any], service: str, body: bytes) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    path = environ.get("PATH_INFO", "")
    if path.startswith(cloudwatch_api.PATH_PREFIX):
        return path[len(cloudwatch_api.PATH_PREFIX):]
    if service == "lambda":
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        for route_method, pattern, op in LAMBDA_ROUTES:
            if method == route_method and pattern.match(path):
                return op
        return f"{method} {path}"
    if service == "s3":
        return _s3_operation(environ)
    if body:
        from urllib.parse import parse_qs

        try:
            action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        except Exception:
            action = None
        if action:
            return action[0]
    query = environ.get("QUERY_STRING", "")
    match = re.search(r"(?:^|&)Action=([^&]+)", query)
    return match.group(1) if match else "unknown"


# ---------------------------------------------------------------------------
# Fault injection and request log (WSGI middleware)
# ---------------------------------------------------------------------------

ERRORS = {
    # name: (HTTP status, AWS error code, message)
    "throttling": (400, "ThrottlingException", "Rate exceeded"),
    "500": (500, "InternalFailure", "We encountered an internal error. Please try again."),
    "503": (503, "ServiceUnavailable", "Service is unavailable. Please try again."),
    "access-denied": (403, "AccessDenied", "User is not authorized to perform this operation"),
}

# EventBridge (service "events") speaks awsJson1_1 like Logs and KMS; S3 is rest-xml with a
# bare <Error> root; SNS, IAM, STS speak the query protocol (<ErrorResponse>).
JSON_SERVICES = {"sqs", "logs", "kms", "lambda", "events"}

# Answers an endpoint that is not AWS gives (see the docstring's fault list).
ODD_ANSWERS = {"unknown-operation", "html", "truncated"}

# Not an error: the request is held, then answered for real.
PASS_THROUGH = "delay"


class Fault:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.operation = spec["operation"]
        self.region = spec.get("region")
        self.count = int(spec.get("count", 1))
        self.match = spec.get("match")
        self.delay = float(spec.get("delay", 0))
        error = spec.get("error", "throttling")
        self.passes = error == PASS_THROUGH
        # An answer that is not an AWS error: built in _odd_response.
        self.odd = error if error in ODD_ANSWERS else None
        if error in ODD_ANSWERS:
            self.status, self.code, self.message = 200, error, error
        elif error in ERRORS:
            self.status, self.code, self.message = ERRORS[error]
        else:
            self.status = int(spec.get("status", 400))
            self.code = error
            self.message = spec.get("message", error)
        if spec.get("message"):
            self.message = spec["message"]
        if self.code == "AccessDenied":
            self.message = spec.get("message") or (
                f"User: arn:aws:iam::123456789012:user/tester is not authorized to perform: "
                f"{spec.get('action', self.operation)}"
            )


class Emulator:
    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        request_log: str | None = None,
        latency: float = 0.0,
        rate_limits: dict[str, float] | None = None,
    ) -> None:
        self.app = app
        # service -> requests per second; buckets per (service, account).
        self.rate_limits = rate_limits or {}
        self.buckets: dict[tuple[str, str], list[float]] = {}
        # Added to every API request (not control requests), to stand in for the network
        # latency of real AWS in benchmarks of concurrency.
        self.latency = latency
        self.request_log = open(request_log, "a", encoding="utf-8") if request_log else None
        self.lock = threading.Lock()
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []

    # -- control API ------------------------------------------------------
    def _control(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        status, payload = "404 Not Found", {"error": "unknown control endpoint"}
        with self.lock:
            if path == "/_emulator/faults" and method == "POST":
                try:
                    spec = json.loads(body or b"{}")
                    self.faults.append(Fault(spec))
                    status, payload = "201 Created", {"armed": spec}
                except (KeyError, ValueError, TypeError) as exc:
                    status, payload = "400 Bad Request", {"error": str(exc)}
            elif path == "/_emulator/latency" and method == "POST":
                try:
                    self.latency = float(json.loads(body or b"{}").get("ms", 0)) / 1000.0
                    status, payload = "200 OK", {"latency_ms": self.latency * 1000.0}
                except (ValueError, TypeError, AttributeError) as exc:
                    status, payload = "400 Bad Request", {"error": str(exc)}
            elif path == "/_emulator/faults" and method == "DELETE":
                self.faults.clear()
                status, payload = "200 OK", {"cleared": True}
            elif path == "/_emulator/faults" and method == "GET":
                status, payload = "200 OK", [
                    {"operation": f.operation, "count": f.count, "code": f.code} for f in self.faults
                ]
            elif path == "/_emulator/requests" and method == "GET":
                status, payload = "200 OK", list(self.requests)
            elif path == "/_emulator/requests" and method == "DELETE":
                self.requests.clear()
                status, payload = "200 OK", {"cleared": True}
            elif path == "/_emulator/deliveries" and method == "GET":
                status, payload = "200 OK", producers.deliveries()
            elif path == "/_emulator/deliveries" and method == "DELETE":
                producers.clear()
                status, payload = "200 OK", {"cleared": True}
            elif path == "/_emulator/pollers" and method == "GET":
                status, payload = "200 OK", lambda_poller.Poller.snapshot()
            elif path == "/_emulator/function-state" and method == "POST":
                try:
                    spec = json.loads(body or b"{}")
                    aws_fidelity.set_function_state(
                        spec["function"], spec["state"], spec.get("reason"), spec.get("reason_code"),
                        spec.get("account", "123456789012"), spec.get("region", "us-east-1"))
                    status, payload = "200 OK", {"state": spec["state"]}
                except (KeyError, ValueError, TypeError) as exc:
                    status, payload = "400 Bad Request", {"error": str(exc)}
            elif path == "/_emulator/metrics/backdate" and method == "POST":
                try:
                    seconds = float(json.loads(body or b"{}")["seconds"])
                    status, payload = "200 OK", {"moved": cloudwatch_api.backdate(seconds)}
                except (KeyError, ValueError, TypeError) as exc:
                    status, payload = "400 Bad Request", {"error": str(exc)}
        data = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _take_fault(self, operation: str, haystack: str, region: str | None = None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.operation not in (operation, "*") or fault.count <= 0:
                    continue
                if fault.region and fault.region != region:
                    continue
                if fault.match and fault.match not in haystack:
                    continue
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    @staticmethod
    def _error_response(fault: Fault, service: str, start_response: Callable[..., Any],
                        cbor: bool = False) -> list[bytes]:
        request_id = str(uuid.uuid4())
        reason = {400: "Bad Request", 403: "Forbidden", 500: "Internal Server Error", 503: "Service Unavailable"}
        status_line = f"{fault.status} {reason.get(fault.status, 'Error')}"
        if cbor:
            data = cloudwatch_api.encode({"__type": f"com.amazonaws.cloudwatch#{fault.code}", "message": fault.message})
            headers = [
                ("Content-Type", "application/cbor"),
                ("smithy-protocol", "rpc-v2-cbor"),
                ("x-amzn-RequestId", request_id),
                ("x-amzn-query-error", f"{fault.code};Sender"),
            ]
        elif service in JSON_SERVICES:
            if service == "sqs":
                # SQS (JSON protocol) also sends the query-compatible code header.
                body = {"__type": f"com.amazonaws.sqs#{fault.code}", "message": fault.message}
            else:
                body = {"__type": fault.code, "message": fault.message, "Message": fault.message}
            data = json.dumps(body).encode()
            headers = [
                ("Content-Type", "application/x-amz-json-1.0" if service == "sqs" else "application/json"),
                ("x-amzn-RequestId", request_id),
                ("x-amzn-ErrorType", fault.code),
            ]
            if service == "sqs":
                headers.append(("x-amzn-query-error", f"{fault.code};Sender"))
        elif service == "s3":
            data = (
                f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{fault.code}</Code>"
                f"<Message>{fault.message}</Message><RequestId>{request_id}</RequestId></Error>"
            ).encode()
            headers = [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
        else:
            data = (
                '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
                f"<Error><Type>Sender</Type><Code>{fault.code}</Code><Message>{fault.message}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>"
            ).encode()
            headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
        headers.append(("Content-Length", str(len(data))))
        start_response(status_line, headers)
        return [data]

    def _odd_response(self, fault: Fault, service: str, environ: dict[str, Any],
                      start_response: Callable[..., Any]) -> list[bytes]:
        """An answer no AWS service gives for the operation: the endpoint does not know it, a
        proxy's HTML page, or the real answer cut short."""
        if fault.odd == "truncated":
            captured: dict[str, Any] = {}

            def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
                captured["status"], captured["headers"] = status, headers

            if environ.get("PATH_INFO", "").startswith(cloudwatch_api.PATH_PREFIX):
                account, region = _caller_of(environ)
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length) if length else b""
                status, document = cloudwatch_api.handle(_operation_of(environ, service, body), account, region, body)
                full = cloudwatch_api.encode(document)
                captured["status"] = _status_line(status)
                captured["headers"] = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
            else:
                full = b"".join(self.app(environ, capture))
            data = full[: max(1, len(full) // 2)]
            headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
            start_response(captured["status"], headers + [("Content-Length", str(len(data)))])
            return [data]
        if fault.odd == "html":
            data = b"<!doctype html><html><head><title>Gateway</title></head><body><h1>It works</h1></body></html>"
            start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(data)))])
            return [data]
        # unknown-operation, in the protocol's own shape.
        if service in JSON_SERVICES:
            data = json.dumps({"__type": "com.amazon.coral.service#UnknownOperationException", "message": None}).encode()
            status = "404 Not Found" if service == "lambda" else "400 Bad Request"
            headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "UnknownOperationException")]
        elif environ.get("PATH_INFO", "").startswith(cloudwatch_api.PATH_PREFIX):
            data = cloudwatch_api.encode({"__type": "com.amazonaws.cloudwatch#UnknownOperationException"})
            status = "404 Not Found"
            headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
        else:
            data = (
                "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"
                "<Message>Could not find operation</Message></Error><RequestId>0</RequestId></ErrorResponse>"
            ).encode()
            status = "400 Bad Request"
            headers = [("Content-Type", "text/xml")]
        start_response(status, headers + [("Content-Length", str(len(data)))])
        return [data]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        result = self._serve(environ, start_response)
        entry = environ.get("sqs_trigger.entry")
        if entry is not None and self.request_log:
            with self.lock:
                self.request_log.write(json.dumps(entry) + "\n")
                self.request_log.flush()
        return result

    def _serve(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        arrived = time.time()
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator/"):
            return self._control(environ, start_response)
        if path.startswith("/moto-api"):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        service = _service_of(environ)
        operation = _operation_of(environ, service, body)
        region = _region_of(environ)
        account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or _account_of(environ)
        haystack = path + "?" + environ.get("QUERY_STRING", "") + "\n" + body.decode("utf-8", "replace")
        fault = self._take_fault(operation, haystack, region)
        if fault is None and not self._within_rate(service, account):
            fault = _throttling(service)
        if self.latency:
            time.sleep(self.latency)
        entry = {
            "service": service,
            "operation": operation,
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
            # `arrived` before the added latency, `time` after it, `end` when the answer is ready.
            "arrived": arrived,
            "time": time.time(),
            "faulted": fault.code if fault else None,
            "account": account,
            "region": region,
            "target": _resource_hint(service, operation, path, body),
        }
        environ["sqs_trigger.entry"] = entry
        with self.lock:
            self.requests.append(entry)
        if fault is None and service == "account" and path.rstrip("/") == "/listRegions":
            entry["end"] = time.time()
            return _list_regions(start_response)
        if fault is not None and fault.passes:
            time.sleep(fault.delay)
            entry["faulted"] = None
            fault = None
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.odd:
                result = self._odd_response(fault, service, environ, start_response)
                entry["end"] = time.time()
                return result
            entry["end"] = time.time()
            return self._error_response(fault, service, start_response, path.startswith(cloudwatch_api.PATH_PREFIX))
        if path.startswith(cloudwatch_api.PATH_PREFIX):
            account, region = _caller_of(environ)
            status, document = cloudwatch_api.handle(operation, account, region, body)
            entry["end"] = time.time()
            data = cloudwatch_api.encode(document)
            start_response(_status_line(status), [
                ("Content-Type", "application/cbor"),
                ("smithy-protocol", "rpc-v2-cbor"),
                ("x-amzn-RequestId", str(uuid.uuid4())),
                ("Content-Length", str(len(data))),
            ] + ([("x-amzn-query-error", f"{document['__type'].rsplit('#', 1)[-1]};Sender")] if status >= 400 else []))
            return [data]
        if service == "sqs" and operation in move_tasks.OPERATIONS:
            status, extra, document = move_tasks.handle(operation, body)
            entry["end"] = time.time()
            data = json.dumps(document).encode()
            start_response(_status_line(status), [
                ("Content-Type", "application/x-amz-json-1.0"),
                ("x-amzn-RequestId", str(uuid.uuid4())),
                ("Content-Length", str(len(data))),
            ] + list(extra.items()))
            return [data]
        # moto answers with a finished list, so its work is done when app() returns: the end
        # time lets the benchmark measure the longest chain of dependent requests.
        result = list(self.app(environ, start_response))
        entry["end"] = time.time()
        return result


    def _within_rate(self, service: str, account: str) -> bool:
        """A token bucket per service and account: `rate` tokens a second, at most `rate` saved."""
        rate = self.rate_limits.get(service)
        if not rate:
            return True
        now = time.monotonic()
        with self.lock:
            bucket = self.buckets.setdefault((service, account), [rate, now])
            tokens = min(rate, bucket[0] + (now - bucket[1]) * rate)
            bucket[1] = now
            if tokens >= 1.0:
                bucket[0] = tokens - 1.0
                return True
            bucket[0] = tokens
            return False


def _throttling(service: str) -> Fault:
    """The error each service answers beyond its rate limit, in its own shape."""
    if service in ("iam", "sts"):
        spec = {"operation": "*", "error": "Throttling", "status": 400, "message": "Rate exceeded"}
    elif service == "lambda":
        spec = {"operation": "*", "error": "TooManyRequestsException", "status": 429, "message": "Rate exceeded"}
    else:
        spec = {"operation": "*", "error": "ThrottlingException", "status": 400, "message": "Rate exceeded"}
    return Fault(spec)


def _region_of(environ: dict[str, Any]) -> str | None:
    match = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else None


def _account_of(environ: dict[str, Any]) -> str:
    """The account moto serves a request in: the one its access key belongs to."""
    from moto.iam.models import get_account_id_from

    match = re.search(r"Credential=([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return get_account_id_from(match.group(1)) if match else "123456789012"


DEFAULT_REGIONS = "us-east-1,us-east-2,us-west-1,us-west-2,eu-west-1,eu-central-1,ap-northeast-1"


def _list_regions(start_response: Callable[..., Any]) -> list[bytes]:
    names = os.environ.get("SQS_TRIGGER_EMULATOR_REGIONS", DEFAULT_REGIONS)
    regions = [{"RegionName": n.strip(), "RegionOptStatus": "ENABLED_BY_DEFAULT"} for n in names.split(",") if n.strip()]
    data = json.dumps({"Regions": regions}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _strict_assume_role() -> None:
    """AssumeRole of a role that does not exist in its account is refused, as by AWS."""
    from moto.iam.models import iam_backends
    from moto.sts import models as sts_models
    from moto.sts.exceptions import STSClientError
    from moto.utilities.utils import get_partition

    original = sts_models.STSBackend.assume_role

    def assume_role(self: Any, region_name: str, role_session_name: str, role_arn: str, *args: Any, **kwargs: Any):
        match = re.match(r"arn:[^:]+:iam::(\d{12}):role/(?:.*/)?([^/]+)$", role_arn or "")
        exists = False
        if match:
            backend = iam_backends[match.group(1)][get_partition(region_name)]
            exists = any(r.name == match.group(2) for r in backend.roles.values())
        if not exists:
            error = STSClientError(
                "AccessDenied",
                f"User: arn:aws:iam::{self.account_id}:user/moto is not authorized to perform: "
                f"sts:AssumeRole on resource: {role_arn}",
            )
            error.code = "AccessDenied"
            raise error
        return original(self, region_name, role_session_name, role_arn, *args, **kwargs)

    sts_models.STSBackend.assume_role = assume_role


def _status_line(status: int) -> str:
    reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}
    return f"{status} {reason.get(status, 'Error')}"


def _caller_of(environ: dict[str, Any]) -> tuple[str, str]:
    """The account (moto's mapping of the access key) and region of a signed request."""
    from moto.iam.models import get_account_id_from

    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = re.search(r"Credential=([^/]+)/[^/]+/([^/]+)/", auth)
    if not match:
        return "123456789012", "us-east-1"
    return get_account_id_from(match.group(1)), match.group(2)


def _resource_hint(service: str, operation: str, path: str, body: bytes) -> str | None:
    """The queue URL / function name a request is about, for the request log."""
    if service == "sqs":
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            return None
        return doc.get("QueueUrl") or doc.get("QueueName")
    if service == "lambda":
        return path
    return None


def _exit_with_parent(parent_pid: int) -> None:
    """Stops the emulator when the process that started it is gone."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent_pid, 0)
            except OSError:
                os._exit(0)
            if os.getppid() != parent_pid:
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback only)")
    parser.add_argument("--port", type=int, default=5000, help="port to bind (0: pick a free one)")
    parser.add_argument("--port-file", help="write the bound port to this file once listening")
    parser.add_argument("--request-log", metavar="PATH", help="also append every request, as JSON lines, to PATH")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="add this much latency to every API request")
    parser.add_argument("--no-pollers", action="store_true",
                        help="no poller twin per mapping (audit benchmarks with thousands of mappings)")
    parser.add_argument("--rate-limit", action="append", default=[], metavar="SERVICE=N",
                        help="at most N requests per second per account to SERVICE (repeatable), e.g. iam=20")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request")
    parser.add_argument("--mapping-transition-ms", type=float,
                        default=float(os.environ.get("SQS_TRIGGER_EMULATOR_TRANSITION_MS", "200")),
                        help="how long a mapping stays Creating/Enabling/Updating/Disabling (default 200)")
    parser.add_argument("--exit-with-parent", type=int, metavar="PID",
                        help="stop when the process with this PID ends")
    args = parser.parse_args(argv)

    if args.exit_with_parent:
        _exit_with_parent(args.exit_with_parent)
    lambda_poller.install(transition_seconds=args.mapping_transition_ms / 1000.0)
    if args.no_pollers:
        # A thread per mapping is too many at thousands of mappings; nothing is delivered.
        lambda_poller.Poller.start = classmethod(lambda cls, backend, esm: None)  # type: ignore[method-assign]
    if not args.verbose:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    port = args.port
    if port == 0:
        import socket

        with socket.socket() as sock:
            sock.bind((args.host, 0))
            port = sock.getsockname()[1]
    os.environ["MOTO_PORT"] = str(port)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as fh:
            fh.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)

    limits: dict[str, float] = {}
    specs = list(args.rate_limit)
    specs += [s for s in os.environ.get("SQS_TRIGGER_EMULATOR_RATE_LIMIT", "").split(",") if s.strip()]
    for spec in specs:
        service, _, rate = spec.partition("=")
        limits[service.strip()] = float(rate)
    _strict_assume_role()
    app = Emulator(
        DomainDispatcherApplication(create_backend_app), args.request_log, args.latency_ms / 1000.0, limits
    )
    move_tasks.take_fault = app._take_fault
    print(f"sqs-trigger emulator listening on http://{args.host}:{port}", flush=True)
    run_simple(args.host, port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
