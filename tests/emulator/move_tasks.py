"""SQS message move tasks (dead-letter queue redrive) for the emulator; moto 5.2.5 has none.

StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask with AWS's shapes, rates
and error texts (../../../shared/AWS-FACTS.md §5; the API reference,
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html):

* the source must be a DLQ of an SQS queue; one active task per source queue;
* a task moves the DLQ's visible messages server-side, at MaxNumberOfMessagesPerSecond (at
  most 500; blank = "system optimized", here 100 a second), each sent to the destination as a
  new message (a new message ID, its receive count reset) and only then removed from the DLQ,
  so a failure leaves every message in one of the two queues;
* without DestinationArn a message goes back to its source queue. AWS knows each message's
  source; the emulator knows the queues whose RedrivePolicy names the DLQ, and fails a task
  whose DLQ serves several of them (say so in docs/emulator.md);
* ListMessageMoveTasks lists the most recent first (MaxResults default 1, at most 10);
  TaskHandle only while RUNNING, FailureReason only when FAILED;
* CancelMessageMoveTask only while RUNNING; moved messages stay moved.

A test makes a running task fail by arming the fault injector for the pseudo operation
`MoveMessage` (`match` "DLQ-NAME#N" fails before the N-th message of that DLQ): the task ends FAILED with the
fault's code as FailureReason, as AWS reports `AWS.SimpleQueueService.NonExistentQueue` when
the destination is deleted mid-move.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from typing import Any, Callable

from moto.sqs.models import sqs_backends

OPERATIONS = {"StartMessageMoveTask", "ListMessageMoveTasks", "CancelMessageMoveTask"}
MAX_RATE = 500
SYSTEM_RATE = 100.0

# Set by the launcher: (operation, haystack) -> armed fault or None.
take_fault: Callable[[str, str], Any] = lambda operation, haystack: None  # noqa: E731


class ApiError(Exception):
    def __init__(self, code: str, query_code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.query_code = query_code
        self.message = message
        self.status = status


def _invalid(message: str) -> ApiError:
    return ApiError("InvalidParameterValueException", "InvalidParameterValue", message)


def _not_found(message: str) -> ApiError:
    return ApiError("ResourceNotFoundException", "ResourceNotFoundException", message, 404)


def _queue(arn: str) -> Any:
    parts = str(arn).split(":")
    if len(parts) < 6 or parts[2] != "sqs":
        return None
    try:
        return sqs_backends[parts[4]][parts[3]].queues.get(parts[5])
    except Exception:
        return None


def _sources_of(dlq: Any) -> list[Any]:
    backend = sqs_backends[dlq.account_id][dlq.region]
    return [q for q in list(backend.queues.values())
            if q.redrive_policy and q.redrive_policy.get("deadLetterTargetArn") == dlq.queue_arn]


class Task:
    lock = threading.Lock()
    all: list["Task"] = []

    def __init__(self, source: Any, destination: Any, destination_arn: str | None, rate: int | None) -> None:
        self.id = str(uuid.uuid4())
        self.source = source
        self.destination = destination
        self.destination_arn = destination_arn
        self.rate = rate
        self.status = "RUNNING"
        self.moved = 0
        self.to_move = sum(1 for m in list(source._messages) if m.visible and not m.delayed)
        self.failure: str | None = None
        self.started = int(time.time() * 1000)
        self.handle = base64.b64encode(json.dumps({"taskId": self.id, "sourceArn": source.queue_arn}).encode()).decode()

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Status": self.status,
            "SourceArn": self.source.queue_arn,
            "ApproximateNumberOfMessagesMoved": self.moved,
            "ApproximateNumberOfMessagesToMove": self.to_move,
            "StartedTimestamp": self.started,
        }
        if self.status == "RUNNING":
            out["TaskHandle"] = self.handle
        if self.destination_arn:
            out["DestinationArn"] = self.destination_arn
        if self.rate is not None:
            out["MaxNumberOfMessagesPerSecond"] = self.rate
        if self.status == "FAILED":
            out["FailureReason"] = self.failure
        return out

    def run(self) -> None:
        interval = 1.0 / float(self.rate or SYSTEM_RATE)
        while True:
            with Task.lock:
                if self.status == "CANCELLING":
                    self.status = "CANCELLED"
                    return
            message = next((m for m in list(self.source._messages) if m.visible and not m.delayed), None)
            if message is None:
                with Task.lock:
                    if self.status == "RUNNING":
                        self.status = "COMPLETED"
                return
            fault = take_fault("MoveMessage", f"{self.source.queue_arn}#{self.moved + 1}")
            destination = self.destination
            if destination is not None and _queue(destination.queue_arn) is None:
                fault = fault or type("Gone", (), {"code": "AWS.SimpleQueueService.NonExistentQueue"})()
            if fault is not None:
                with Task.lock:
                    self.status = "FAILED"
                    self.failure = fault.code
                return
            # Sent first, then removed: a failure in between leaves a copy, never a loss.
            backend = sqs_backends[destination.account_id][destination.region]
            backend.send_message(
                destination.name,
                message.body,
                message_attributes=dict(message.message_attributes or {}),
                group_id=message.group_id,
                deduplication_id=(str(uuid.uuid4()) if destination.fifo_queue else None),
            )
            with self.source._messages_lock:
                if message in self.source._messages:
                    self.source._messages.remove(message)
            with Task.lock:
                self.moved += 1
            time.sleep(interval)


def start(request: dict[str, Any]) -> dict[str, Any]:
    source_arn = request.get("SourceArn")
    source = _queue(source_arn or "")
    if source is None:
        raise _not_found("The resource that you specified for the SourceArn parameter doesn't exist.")
    sources = _sources_of(source)
    if not sources:
        raise _invalid("Source queue must be configured as a Dead Letter Queue.")
    destination_arn = request.get("DestinationArn")
    if destination_arn:
        destination = _queue(destination_arn)
        if destination is None:
            raise _not_found("The resource that you specified for the DestinationArn parameter doesn't exist.")
    elif len(sources) == 1:
        destination = sources[0]
    else:
        destination = None
    rate = request.get("MaxNumberOfMessagesPerSecond")
    if rate is not None and not (1 <= int(rate) <= MAX_RATE):
        # The maximum is AWS's ("The maximum value for messages per second is 500"); the text
        # is the emulator's (AWS-FACTS.md §5: unverified).
        raise _invalid(f"Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Must be between 1 and "
                       f"{MAX_RATE}. [emulator wording]")
    with Task.lock:
        if any(t.source is source and t.status in ("RUNNING", "CANCELLING") for t in Task.all):
            raise _invalid("There is already a task running. Only one active task is allowed for a source queue "
                           "arn at a given time.")
        task = Task(source, destination, destination_arn, None if rate is None else int(rate))
        if destination is None:
            task.status = "FAILED"
            task.failure = (f"the DLQ serves {len(sources)} queues and the emulator cannot tell each message's "
                            "source: pass DestinationArn [emulator limitation]")
        Task.all.append(task)
    if task.status == "RUNNING":
        threading.Thread(target=task.run, name=f"move-task-{task.id}", daemon=True).start()
    return {"TaskHandle": task.handle}


def list_tasks(request: dict[str, Any]) -> dict[str, Any]:
    source = _queue(request.get("SourceArn") or "")
    if source is None:
        raise _not_found("The resource that you specified for the SourceArn parameter doesn't exist.")
    limit = int(request.get("MaxResults") or 1)
    if not 1 <= limit <= 10:
        raise _invalid(f"Value {limit} for parameter MaxResults is invalid. Must be between 1 and 10. "
                       "[emulator wording]")
    with Task.lock:
        tasks = [t for t in Task.all if t.source is source]
        return {"Results": [t.describe() for t in reversed(tasks)][:limit]}


def cancel(request: dict[str, Any]) -> dict[str, Any]:
    handle = request.get("TaskHandle") or ""
    try:
        task_id = json.loads(base64.b64decode(handle, validate=True))["taskId"]
    except Exception:
        raise _invalid("Value for parameter TaskHandle is invalid.")
    with Task.lock:
        task = next((t for t in Task.all if t.id == task_id), None)
        if task is None:
            raise _not_found("Task does not exist.")
        if task.status != "RUNNING":
            raise _invalid("Value for parameter TaskHandle is invalid.")
        task.status = "CANCELLING"
        return {"ApproximateNumberOfMessagesMoved": task.moved}


def handle(operation: str, body: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    """Answers one SQS JSON-protocol request: (HTTP status, extra headers, document)."""
    try:
        request = json.loads(body or b"{}")
        if operation == "StartMessageMoveTask":
            return 200, {}, start(request)
        if operation == "ListMessageMoveTasks":
            return 200, {}, list_tasks(request)
        return 200, {}, cancel(request)
    except ApiError as err:
        headers = {"x-amzn-query-error": f"{err.query_code};Sender"}
        return err.status, headers, {"__type": f"com.amazonaws.sqs#{err.code}", "message": err.message}
