#!/usr/bin/env python3
"""Creates the demo's execution role and example function on the local emulator.

The role trusts lambda.amazonaws.com and has the AWS managed policy
AWSLambdaBasicExecutionRole (logs only): `sqs-trigger setup --fix` adds the SQS
permissions the poller needs, which is the point of the demo.
"""

import argparse
import io
import json
import os
import zipfile

import boto3

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--function", required=True)
    parser.add_argument("--source", required=True, help="directory holding app.py")
    parser.add_argument("--timeout", type=int, default=10)
    args = parser.parse_args()
    kw = dict(endpoint_url=args.endpoint_url, region_name=os.environ.get("AWS_REGION", "us-east-1"))
    iam = boto3.client("iam", **kw)
    lam = boto3.client("lambda", **kw)
    role_name = f"{args.function}-role"
    try:
        role_arn = iam.get_role(RoleName=role_name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role_arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        iam.attach_role_policy(
            RoleName=role_name,
            PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.write(os.path.join(args.source, "app.py"), "app.py")
    try:
        lam.get_function(FunctionName=args.function)
    except lam.exceptions.ResourceNotFoundException:
        lam.create_function(
            FunctionName=args.function,
            Runtime="python3.12",
            Role=role_arn,
            Handler="app.handler",
            Timeout=args.timeout,
            Code={"ZipFile": buf.getvalue()},
        )
    print(f"function {args.function} (role {role_arn})")


if __name__ == "__main__":
    main()
