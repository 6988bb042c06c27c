"""The demo's example function: logs each SQS record it receives, then succeeds.

Printing the record body is what lets `sqs-trigger probe` find its probe id in the logs.
"""

import json


def handler(event, context):
    records = event.get("Records", [])
    for record in records:
        print(json.dumps({"messageId": record.get("messageId"), "body": record.get("body")}))
    return {"processed": len(records)}
