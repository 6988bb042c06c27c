"""Deploys a CloudFormation template on the emulator (moto's CloudFormation) and prints what
happened as one JSON object: {"status", "reason", "resources": [{id, type, physical}]}.

Used by tests/lint_doctor.rs (lint agrees with doctor). The Rust SDK crates the project
depends on have no CloudFormation or SSM client; boto3 comes with moto in the venv.

usage: deploy_stack.py ENDPOINT TEMPLATE STACK [--parameter K=V]... [--ssm NAME=VALUE]...
"""

from __future__ import annotations

import json
import sys

import boto3


def main(argv: list[str]) -> int:
    endpoint, template, stack = argv[1], argv[2], argv[3]
    parameters, ssm_values = [], []
    rest = argv[4:]
    while rest:
        flag, value = rest[0], rest[1]
        key, _, val = value.partition("=")
        (parameters if flag == "--parameter" else ssm_values).append((key, val))
        rest = rest[2:]
    session = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    for name, value in ssm_values:
        boto3.client("ssm", **session).put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    cfn = boto3.client("cloudformation", **session)
    out: dict = {}
    try:
        cfn.create_stack(
            StackName=stack,
            TemplateBody=open(template, encoding="utf-8").read(),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        out["status"] = described["StackStatus"]
        out["reason"] = described.get("StackStatusReason")
        out["resources"] = [
            {"id": r["LogicalResourceId"], "type": r["ResourceType"], "physical": r.get("PhysicalResourceId")}
            for r in cfn.describe_stack_resources(StackName=stack)["StackResources"]
        ]
    except Exception as error:  # noqa: BLE001 - the test reports why a stack was not deployed
        out["status"] = "NOT_DEPLOYED"
        out["reason"] = f"{type(error).__name__}: {error}"[:600]
        out["resources"] = []
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
