#!/usr/bin/env python3
"""Seeds a fleet of SQS -> Lambda triggers on the local emulator, for the tests and the
benchmark of `doctor --all` at account and organization scale.

In each account (served by moto through the `x-moto-account-id` header) and region:
`--triggers` queues, each with a function and a mapping; the functions share `--roles`
execution roles (round robin), each role with one inline policy granting what the poller
needs and `--attach` of the account's `--managed` customer managed policies. In each account
except those of `--no-audit-role`, a role named `--audit-role` that `doctor --all
--assume-role` can assume.

Prints one JSON object: what was made.
"""

from __future__ import annotations

import argparse
import io
import json
import zipfile

import boto3

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})
AUDIT_TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}],
})
POLLER = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                   "Resource": "*"}],
})
LOGS = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                   "Resource": "*"}],
})
HANDLER = "def handler(event, context):\n    return {'ok': True}\n"


def client(service: str, endpoint: str, region: str, account: str):
    c = boto3.client(service, endpoint_url=endpoint, region_name=region,
                     aws_access_key_id="seed", aws_secret_access_key="seed")

    def add_header(request, **_):
        request.headers["x-moto-account-id"] = account

    c.meta.events.register("before-sign.*.*", add_header)
    return c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--accounts", default="123456789012", help="comma-separated account ids")
    parser.add_argument("--regions", default="us-east-1", help="comma-separated regions")
    parser.add_argument("--triggers", type=int, default=10, help="triggers per account and region")
    parser.add_argument("--roles", type=int, default=1, help="execution roles per account, shared round robin")
    parser.add_argument("--managed", type=int, default=1, help="customer managed policies per account")
    parser.add_argument("--attach", type=int, default=1, help="managed policies attached to each role")
    parser.add_argument("--prefix", default="fleet")
    parser.add_argument("--enabled", action="store_true", help="create the mappings enabled (pollers run)")
    parser.add_argument("--audit-role", default="auditor")
    parser.add_argument("--no-audit-role", default="", help="comma-separated accounts without the audit role")
    parser.add_argument("--organization", type=int, default=0, metavar="N",
                        help="also create an organization (the caller's account manages it) with N member accounts")
    args = parser.parse_args()

    accounts = [a for a in args.accounts.split(",") if a]
    regions = [r for r in args.regions.split(",") if r]
    skip_audit = {a for a in args.no_audit_role.split(",") if a}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", HANDLER)
    code = buf.getvalue()
    made = {"accounts": accounts, "regions": regions, "triggers": [], "roles": [], "members": []}
    if args.organization:
        org = client("organizations", args.endpoint_url, regions[0], "123456789012")
        org.create_organization(FeatureSet="ALL")
        for n in range(args.organization):
            status = org.create_account(Email=f"member{n}@example.com", AccountName=f"member{n}")
            made["members"].append(status["CreateAccountStatus"]["AccountId"])
    for account in accounts:
        iam = client("iam", args.endpoint_url, regions[0], account)
        if account not in skip_audit:
            iam.create_role(RoleName=args.audit_role, AssumeRolePolicyDocument=AUDIT_TRUST)
        policies = []
        for p in range(args.managed):
            arn = iam.create_policy(PolicyName=f"{args.prefix}-managed-{p}", PolicyDocument=LOGS)["Policy"]["Arn"]
            policies.append(arn)
        roles = []
        for r in range(args.roles):
            name = f"{args.prefix}-role-{r}"
            arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
            iam.put_role_policy(RoleName=name, PolicyName="poller", PolicyDocument=POLLER)
            for k in range(min(args.attach, len(policies))):
                iam.attach_role_policy(RoleName=name, PolicyArn=policies[(r + k) % len(policies)])
            roles.append(arn)
        made["roles"].extend(roles)
        for region in regions:
            sqs = client("sqs", args.endpoint_url, region, account)
            lam = client("lambda", args.endpoint_url, region, account)
            for i in range(args.triggers):
                name = f"{args.prefix}-{i}"
                lam.create_function(FunctionName=name, Runtime="python3.12", Role=roles[i % len(roles)],
                                    Handler="app.handler", Timeout=10, Code={"ZipFile": code})
                url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, Enabled=args.enabled)
                made["triggers"].append({"account": account, "region": region, "queue": arn, "function": name})
    print(json.dumps(made))


if __name__ == "__main__":
    main()
