"""CloudWatch GetMetricData for the emulator, as AWS answers it.

The AWS SDKs now call CloudWatch with the Smithy RPC v2 CBOR protocol
(`POST /service/GraniteServiceVersion20100801/operation/GetMetricData`, `smithy-protocol:
rpc-v2-cbor`), which moto 5.2.5 does not speak; moto's own GetMetricData also matches a query
with dimensions on the metric name alone (not its namespace) and scans every datapoint once
per period. This module answers GetMetricData over CBOR from what the poller twin recorded
into moto's CloudWatch backend (lambda_poller.put_metric), with AWS's shape
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html):
one MetricDataResult per query with ReturnData, `Timestamps` at period starts, `Values`,
`StatusCode: Complete`, at most 500 queries per call.

A test control endpoint moves the recorded datapoints back in time (POST
/_emulator/metrics/backdate {"seconds": N}), so a test can build a window's history without
waiting real minutes.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends

MAX_QUERIES = 500
PATH_PREFIX = "/service/GraniteServiceVersion20100801/operation/"


# ---------------------------------------------------------------------------
# CBOR (RFC 8949): the subset Smithy RPC v2 uses
# ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + n]
        if len(out) != n:
            raise ValueError("truncated CBOR")
        self.pos += n
        return out

    def argument(self, info: int) -> int | None:
        if info < 24:
            return info
        if info == 24:
            return self.take(1)[0]
        if info == 25:
            return struct.unpack(">H", self.take(2))[0]
        if info == 26:
            return struct.unpack(">I", self.take(4))[0]
        if info == 27:
            return struct.unpack(">Q", self.take(8))[0]
        if info == 31:
            return None  # indefinite length
        raise ValueError(f"bad CBOR additional info {info}")

    def item(self) -> Any:
        head = self.take(1)[0]
        major, info = head >> 5, head & 31
        if major == 7:
            if info == 20:
                return False
            if info == 21:
                return True
            if info in (22, 23):
                return None
            if info == 25:
                return _half(self.take(2))
            if info == 26:
                return struct.unpack(">f", self.take(4))[0]
            if info == 27:
                return struct.unpack(">d", self.take(8))[0]
            if info == 31:
                return _BREAK
            raise ValueError(f"bad CBOR simple value {info}")
        n = self.argument(info)
        if major == 0:
            return n
        if major == 1:
            return -1 - n  # type: ignore[operator]
        if major in (2, 3):
            if n is None:
                chunks = []
                while (chunk := self.item()) is not _BREAK:
                    chunks.append(chunk)
                return (b"" if major == 2 else "").join(chunks)
            raw = self.take(n)
            return raw if major == 2 else raw.decode("utf-8")
        if major == 4:
            out = []
            while n is None or len(out) < n:
                value = self.item()
                if value is _BREAK:
                    break
                out.append(value)
            return out
        if major == 5:
            result: dict[Any, Any] = {}
            count = 0
            while n is None or count < n:
                key = self.item()
                if key is _BREAK:
                    break
                result[key] = self.item()
                count += 1
            return result
        if major == 6:
            value = self.item()
            if n == 1:  # epoch-based date/time
                return dt.datetime.fromtimestamp(float(value), tz=dt.timezone.utc)
            return value
        raise ValueError(f"bad CBOR major type {major}")


_BREAK = object()


def _half(raw: bytes) -> float:
    half = struct.unpack(">H", raw)[0]
    exp, mant = (half >> 10) & 0x1F, half & 0x3FF
    if exp == 0:
        value = mant * 2.0 ** -24
    elif exp == 31:
        value = math.inf if mant == 0 else math.nan
    else:
        value = (mant + 1024) * 2.0 ** (exp - 25)
    return -value if half & 0x8000 else value


def decode(data: bytes) -> Any:
    if not data:
        return {}
    return _Reader(data).item()


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    if n < 256:
        return bytes([major << 5 | 24, n])
    if n < 65536:
        return bytes([major << 5 | 25]) + struct.pack(">H", n)
    if n < 2 ** 32:
        return bytes([major << 5 | 26]) + struct.pack(">I", n)
    return bytes([major << 5 | 27]) + struct.pack(">Q", n)


def encode(value: Any) -> bytes:
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, dt.datetime):
        # Smithy RPC v2 CBOR timestamps: tag 1, epoch seconds.
        return b"\xc1" + encode(float(value.timestamp()))
    if isinstance(value, (list, tuple)):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise TypeError(f"cannot encode {type(value)!r} as CBOR")


# ---------------------------------------------------------------------------
# GetMetricData
# ---------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _key(namespace: str, name: str, dimensions: list[tuple[str, str]]) -> tuple[Any, ...]:
    return (namespace, name, tuple(sorted(dimensions)))


def _stat(values: list[float], stat: str) -> float:
    if stat == "Sum":
        return float(sum(values))
    if stat == "Maximum":
        return float(max(values))
    if stat == "Minimum":
        return float(min(values))
    if stat == "Average":
        return float(sum(values) / len(values))
    if stat == "SampleCount":
        return float(len(values))
    raise ApiError("InvalidParameterValue", f"The value {stat} for parameter MetricDataQueries.member.1.MetricStat.Stat "
                                            "is not supported. [emulator wording]")


def get_metric_data(account: str, region: str, request: dict[str, Any]) -> dict[str, Any]:
    queries = request.get("MetricDataQueries") or []
    if not queries:
        raise ApiError("MissingParameter", "The parameter MetricDataQueries is required. [emulator wording]")
    if len(queries) > MAX_QUERIES:
        # The limit is AWS's (API_GetMetricData.html); the text is the emulator's.
        raise ApiError("InvalidParameterValue",
                       f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}. "
                       "[emulator wording]")
    start, end = _utc(request["StartTime"]), _utc(request["EndTime"])
    if start >= end:
        raise ApiError("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime. "
                                                "[emulator wording]")
    backend = cloudwatch_backends[account][region]
    # One pass over what was recorded: the datapoints of each metric in the window.
    wanted = {}
    for q in queries:
        stat = q.get("MetricStat")
        if not stat:
            continue
        metric = stat.get("Metric", {})
        dims = [(d.get("Name", ""), d.get("Value", "")) for d in metric.get("Dimensions", []) or []]
        wanted[_key(metric.get("Namespace", ""), metric.get("MetricName", ""), dims)] = []
    for datum in list(backend.metric_data):
        key = _key(datum.namespace, datum.name, [(d.name, d.value) for d in datum.dimensions])
        bucket = wanted.get(key)
        if bucket is None:
            continue
        stamp = _utc(datum.timestamp)
        if start <= stamp < end:
            bucket.append((stamp, float(getattr(datum, "value", 0.0))))
    scan_descending = request.get("ScanBy") == "TimestampDescending"
    results = []
    for q in queries:
        stat = q.get("MetricStat")
        if not stat or q.get("ReturnData") is False:
            continue
        metric = stat["Metric"]
        dims = [(d.get("Name", ""), d.get("Value", "")) for d in metric.get("Dimensions", []) or []]
        points = wanted[_key(metric.get("Namespace", ""), metric.get("MetricName", ""), dims)]
        period = int(stat.get("Period", 60))
        periods: dict[int, list[float]] = {}
        for stamp, value in points:
            index = int((stamp - start).total_seconds()) // period
            periods.setdefault(index, []).append(value)
        order = sorted(periods, reverse=scan_descending)
        results.append({
            "Id": q["Id"],
            "Label": q.get("Label") or metric.get("MetricName", ""),
            "Timestamps": [start + dt.timedelta(seconds=i * period) for i in order],
            "Values": [_stat(periods[i], stat.get("Stat", "Average")) for i in order],
            "StatusCode": "Complete",
            "Messages": [],
        })
    return {"MetricDataResults": results, "Messages": []}


def backdate(seconds: float) -> int:
    """Moves every recorded datapoint `seconds` into the past; returns how many."""
    moved = 0
    delta = dt.timedelta(seconds=seconds)
    for account in list(cloudwatch_backends.keys()):
        for region in list(cloudwatch_backends[account].keys()):
            for datum in cloudwatch_backends[account][region].metric_data:
                datum.timestamp = datum.timestamp - delta
                moved += 1
    return moved


def handle(operation: str, account: str, region: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """Answers one RPC v2 CBOR request: (HTTP status, document)."""
    try:
        request = decode(body)
        if operation != "GetMetricData":
            raise ApiError("UnknownOperationException", f"{operation} is not supported by the emulator", 404)
        return 200, get_metric_data(account, region, request)
    except ApiError as err:
        return err.status, {"__type": f"com.amazonaws.cloudwatch#{err.code}", "message": err.message}
    except (ValueError, KeyError, TypeError) as err:
        return 400, {"__type": "com.amazonaws.cloudwatch#SerializationException", "message": str(err)}
