"""Runs one Lambda invocation of a Python handler, as the Lambda runtime does.

Started by launcher.py in a child process, with the function's unpacked code as
its working directory, the event on stdin and the handler in $_HANDLER. Writes
{"errored": bool, "response": ...} to $SQS_TRIGGER_RESULT_PATH; everything the
handler prints goes to stdout, which the launcher writes to CloudWatch Logs.
"""

import importlib
import json
import os
import sys
import time
import traceback


class Context:
    def __init__(self) -> None:
        self.aws_request_id = os.environ["AWS_REQUEST_ID"]
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = "emulator"
        self.invoked_function_arn = ""
        self._deadline = time.monotonic() + float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "3"))

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class JsonFormatter:
    """The Python runtime's JSON log records (monitoring-cloudwatchlogs-advanced.html):
    timestamp, level, message, logger, requestId."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id

    def format(self, record) -> str:
        return json.dumps({
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": self.request_id,
        })


def setup_logging(request_id: str) -> bool:
    """With LogFormat JSON, the runtime formats the logging module's records as JSON and
    filters them by ApplicationLogLevel; print() output stays plain text. True for JSON."""
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT", "Text").upper() != "JSON":
        return False
    import logging

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(request_id))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper()
    root.setLevel({"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}.get(level, level))
    return True


def main() -> None:
    result_path = os.environ["SQS_TRIGGER_RESULT_PATH"]
    request_id = os.environ["AWS_REQUEST_ID"]
    json_logs = setup_logging(request_id)
    sys.path.insert(0, os.getcwd())
    outcome = {"errored": False, "response": None}
    try:
        event = json.loads(sys.stdin.read() or "{}")
        module_name, _, function_name = os.environ["_HANDLER"].rpartition(".")
        handler = getattr(importlib.import_module(module_name), function_name)
        outcome["response"] = handler(event, Context())
    except Exception as exc:  # the runtime logs the error and fails the invocation
        outcome["errored"] = True
        outcome["response"] = {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "requestId": request_id,
            "stackTrace": traceback.format_tb(exc.__traceback__),
        }
        if json_logs:
            print(json.dumps({
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "level": "ERROR",
                "message": outcome["response"],
                "errorType": type(exc).__name__,
                "errorMessage": str(exc),
                "requestId": request_id,
            }, default=str))
        else:
            print(f"[ERROR] {type(exc).__name__}: {exc}")
            print("Traceback (most recent call last):")
            for frame in traceback.format_tb(exc.__traceback__):
                print(frame.rstrip())
    sys.stdout.flush()
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump(outcome, fh, default=str)


if __name__ == "__main__":
    main()
