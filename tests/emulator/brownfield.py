#!/usr/bin/env python3
"""An account full of resources other tools made, and a snapshot of a whole account.

Used by tests/brownfield.rs (the state-diff suite):

  brownfield.py seed ENDPOINT       makes the pre-existing resources directly with boto3 and
                                    prints their names and ARNs as JSON
  brownfield.py snapshot ENDPOINT   prints every queue (all attributes and tags), mapping (all
                                    fields and tags), function, role (inline and attached
                                    policies) and key (state and policy) as one JSON document

Nothing here goes through sqs-trigger: the seed is what a user's other tools (the console,
Terraform, the AWS CLI) would have left, and the snapshot is read the same way.
"""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from typing import Any

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"

HANDLER = b"def handler(event, context):\n    return {'ok': True}\n"

POLLER = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        },
    ],
}

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}

# Attributes that move by themselves (counters, clocks) and say nothing about configuration.
VOLATILE_QUEUE_ATTRIBUTES = {
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "LastModifiedTimestamp",
    "CreatedTimestamp",
}


def clients(endpoint: str) -> dict[str, Any]:
    kw = dict(
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return {s: boto3.client(s, **kw) for s in ("sqs", "lambda", "iam", "kms")}


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", HANDLER)
    return buf.getvalue()


def seed(endpoint: str) -> dict[str, Any]:
    c = clients(endpoint)
    sqs, lam, iam, kms = c["sqs"], c["lambda"], c["iam"], c["kms"]
    out: dict[str, Any] = {}

    # A customer key for orders and payments, as the security team made it.
    key = kms.create_key(Description="orders", Tags=[{"TagKey": "team", "TagValue": "security"}])
    key_arn = key["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key["KeyMetadata"]["KeyId"])
    out["key_arn"] = key_arn

    # A role with the poller's permissions plus another team's inline and managed policies.
    role = iam.create_role(RoleName="orders-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName="orders-role", PolicyName="poller", PolicyDocument=json.dumps(POLLER))
    iam.put_role_policy(
        RoleName="orders-role",
        PolicyName="other-team",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        ),
    )
    readonly = iam.create_policy(
        PolicyName="platform-readonly",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudwatch:Get*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="orders-role", PolicyArn=readonly)
    # A role missing sqs:DeleteMessage (for role check --fix), with a policy of its own.
    partial = iam.create_role(RoleName="partial-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="partial-role",
        PolicyName="mostly",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "kms:Decrypt"],
                        "Resource": "*",
                    },
                    POLLER["Statement"][2],
                ],
            }
        ),
    )
    out["role_arn"], out["partial_role_arn"] = role, partial

    def function(name: str, role_arn: str, timeout: int = 10) -> str:
        return lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn,
            Handler="app.handler",
            Timeout=timeout,
            Code={"ZipFile": _zip()},
        )["FunctionArn"]

    def queue(name: str, attributes: dict[str, str], tags: dict[str, str] | None = None) -> tuple[str, str]:
        url = sqs.create_queue(QueueName=name, Attributes=attributes, tags=tags or {})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    for name in ("orders-worker", "payments-worker", "fn1", "fn2", "worker"):
        out[name] = function(name, role, 10)
    out["partial-worker"] = function("partial-worker", partial, 10)

    # orders: SSE-KMS with the customer key, no DLQ, another team's tag, a mapping.
    _, orders = queue("orders", {"KmsMasterKeyId": "alias/orders", "VisibilityTimeout": "60"}, {"team": "orders"})
    # payments: same key, DLQ orders-deadletter (SSE-SQS), maxReceiveCount 3, a filtered,
    # disabled mapping with batch 50 and a 5 s window.
    _, deadletter = queue("orders-deadletter", {"SqsManagedSseEnabled": "true"}, {"team": "orders"})
    redrive = json.dumps({"deadLetterTargetArn": deadletter, "maxReceiveCount": "3"})
    _, payments = queue(
        "payments",
        {"KmsMasterKeyId": "alias/orders", "VisibilityTimeout": "60", "RedrivePolicy": redrive},
        {"team": "payments"},
    )
    # A custom-named DLQ shared by two queues.
    _, shared = queue("shared-dlq", {})
    shared_redrive = json.dumps({"deadLetterTargetArn": shared, "maxReceiveCount": "5"})
    _, qa = queue("queue-a", {"VisibilityTimeout": "60", "RedrivePolicy": shared_redrive})
    _, qb = queue("queue-b", {"VisibilityTimeout": "60", "RedrivePolicy": shared_redrive})
    # Two functions' mappings on one queue.
    _, twofn = queue("twofn", {"VisibilityTimeout": "60"})
    # A mapping to an alias beside one to the unqualified function.
    _, aliasq = queue("aliasq", {"VisibilityTimeout": "60"})
    # A queue with a queue policy, and an unmapped queue.
    _, policyq = queue("policyq", {"VisibilityTimeout": "60"})
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sqs:SendMessage",
             "Resource": policyq}
        ],
    }
    sqs.set_queue_attributes(QueueUrl=sqs.get_queue_url(QueueName="policyq")["QueueUrl"],
                             Attributes={"Policy": json.dumps(policy)})
    _, plain = queue("plain", {"VisibilityTimeout": "60"}, {"owner": "platform"})
    out.update(orders=orders, payments=payments, deadletter=deadletter, shared=shared, queue_a=qa, queue_b=qb,
               twofn=twofn, aliasq=aliasq, policyq=policyq, plain=plain)

    version = lam.publish_version(FunctionName="worker")["Version"]
    lam.create_alias(FunctionName="worker", Name="live", FunctionVersion=version)
    lam.create_alias(FunctionName="worker", Name="blue", FunctionVersion=version)
    out["worker_live"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker:live"

    def mapping(queue_arn: str, function_name: str, **kw: Any) -> str:
        return lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function_name, **kw)["UUID"]

    out["m_orders"] = mapping(orders, "orders-worker")
    out["m_payments"] = mapping(
        payments,
        "payments-worker",
        BatchSize=50,
        MaximumBatchingWindowInSeconds=5,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"type": ["payment"]}})}]},
        Enabled=False,
    )
    out["m_fn1"] = mapping(twofn, "fn1")
    out["m_fn2"] = mapping(twofn, "fn2")
    out["m_live"] = mapping(aliasq, out["worker_live"])
    out["m_latest"] = mapping(aliasq, "worker")
    settle(lam)
    return out


def settle(lam: Any, timeout: float = 30.0) -> None:
    """Waits until no mapping is in a transitional state (an emulator may model them)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        states = [m.get("State") for m in _mappings(lam)]
        if all(s in ("Enabled", "Disabled") for s in states):
            return
        time.sleep(0.1)


def _mappings(lam: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    marker = None
    while True:
        page = lam.list_event_source_mappings(**({"Marker": marker} if marker else {}))
        out.extend(page.get("EventSourceMappings", []))
        marker = page.get("NextMarker")
        if not marker:
            return out


def snapshot(endpoint: str) -> dict[str, Any]:
    c = clients(endpoint)
    sqs, lam, iam, kms = c["sqs"], c["lambda"], c["iam"], c["kms"]
    settle(lam)
    snap: dict[str, dict[str, Any]] = {}

    for url in sqs.list_queues().get("QueueUrls", []):
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        arn = attrs["QueueArn"]
        entry = {k: v for k, v in attrs.items() if k not in VOLATILE_QUEUE_ATTRIBUTES and v != ""}
        for k, v in (sqs.list_queue_tags(QueueUrl=url).get("Tags") or {}).items():
            entry[f"tag:{k}"] = v
        snap[arn] = entry

    for m in _mappings(lam):
        arn = m.get("EventSourceMappingArn") or m["UUID"]
        state = {"Enabling": "Enabled", "Creating": "Enabled", "Updating": "Enabled", "Disabling": "Disabled"}.get(
            m["State"], m["State"]
        )
        entry = {
            "EventSourceArn": m.get("EventSourceArn"),
            "FunctionArn": m.get("FunctionArn"),
            "BatchSize": m.get("BatchSize"),
            "MaximumBatchingWindowInSeconds": m.get("MaximumBatchingWindowInSeconds") or 0,
            "FilterCriteria": json.dumps(m.get("FilterCriteria") or {}, sort_keys=True),
            "FunctionResponseTypes": sorted(m.get("FunctionResponseTypes") or []),
            "ScalingConfig": json.dumps(m.get("ScalingConfig") or {}, sort_keys=True),
            "Enabled": state,
        }
        if m.get("EventSourceMappingArn"):
            for k, v in (lam.list_tags(Resource=m["EventSourceMappingArn"]).get("Tags") or {}).items():
                entry[f"tag:{k}"] = v
        snap[arn] = entry

    for f in lam.list_functions().get("Functions", []):
        concurrency = lam.get_function(FunctionName=f["FunctionName"]).get("Concurrency") or {}
        snap[f["FunctionArn"]] = {
            "Role": f.get("Role"),
            "Timeout": f.get("Timeout"),
            "ReservedConcurrentExecutions": concurrency.get("ReservedConcurrentExecutions"),
        }

    for r in iam.list_roles()["Roles"]:
        name = r["RoleName"]
        entry = {"AssumeRolePolicyDocument": json.dumps(r.get("AssumeRolePolicyDocument"), sort_keys=True)}
        for p in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
            entry[f"policy:{p}"] = json.dumps(doc, sort_keys=True)
        for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            entry[f"attached:{p['PolicyArn']}"] = True
        snap[r["Arn"]] = entry

    for k in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        snap[meta["Arn"]] = {
            "KeyState": meta.get("KeyState"),
            "Policy": kms.get_key_policy(KeyId=k["KeyId"], PolicyName="default")["Policy"],
        }
    return snap


def main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[1] not in ("seed", "snapshot"):
        sys.exit("usage: brownfield.py seed|snapshot ENDPOINT")
    result = seed(argv[2]) if argv[1] == "seed" else snapshot(argv[2])
    json.dump(result, sys.stdout, sort_keys=True, default=str)


if __name__ == "__main__":
    main(sys.argv)
