#!/usr/bin/env python3
"""Proves, over every request the test suite's emulators served, that sqs-trigger never
received, deleted or purged messages: the probe only sends, and confirmation comes from logs.

Usage: check_request_log.py DIR   (DIR holds the emulators' *.jsonl request logs)
"""

import json
import pathlib
import sys

FORBIDDEN = {"ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "PurgeQueue"}


def main() -> int:
    directory = pathlib.Path(sys.argv[1])
    tool = forbidden = 0
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if "app/sqs-trigger" not in entry.get("user_agent", ""):
                continue
            tool += 1
            if entry.get("operation") in FORBIDDEN:
                forbidden += 1
                print(f"FORBIDDEN: sqs-trigger called {entry['operation']} ({path.name}: {entry.get('target')})")
    if tool == 0:
        print(f"no sqs-trigger requests found under {directory}: did the integration tests run?")
        return 1
    print(f"request log: {tool} requests by sqs-trigger checked, {forbidden} ReceiveMessage/DeleteMessage/PurgeQueue")
    return 1 if forbidden else 0


if __name__ == "__main__":
    sys.exit(main())
