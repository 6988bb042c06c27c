"""Where moto differs from AWS in ways sqs-trigger's safety depends on.

* SetQueueAttributes changes only the attributes it names. moto forgets the queue policy on
  any SetQueueAttributes call without `Policy` (API_SetQueueAttributes: "Sets the value of
  one or more queue attributes"; the others keep their values).

* A mapping created for a qualified function (``worker:live``, an alias or version ARN)
  reports that qualified ARN as its ``FunctionArn``; moto records the function's own ARN.
  sqs-trigger compares mapping identity exactly, so the emulator must keep the qualifier.
  (API_CreateEventSourceMapping: "FunctionName ... Version or Alias ARN –
  arn:aws:lambda:us-west-2:123456789012:function:MyFunction:PROD"; the mapping's
  FunctionArn is "The ARN of the Lambda function".)
* A second mapping of the same queue to the same function (qualifier included) is refused
  with ResourceConflictException, AWS's text recorded in ../shared/AWS-FACTS.md section 1.
  moto's own check compares a literal string and never fires.
* The AWS managed key of SQS (`alias/aws/sqs`) exists once named: "If you call the
  DescribeKey operation on a predefined Amazon Web Services alias, that is, an Amazon Web
  Services alias with no key ID, KMS creates an Amazon Web Services managed key"
  (API_DescribeKey). moto knows other services' aliases but not SQS's; the key it makes here
  is `KeyManager: AWS` with the policy AWS gives it (../shared/AWS-FACTS.md section 8).
* Lambda APIs moto lacks, with AWS's documented shapes:
  - GetAccountSettings (GET /2016-08-19/account-settings/): `AccountLimit` with
    `ConcurrentExecutions` (the quota: MOTO_LAMBDA_CONCURRENCY_QUOTA, as moto's own
    PutFunctionConcurrency check reads it, else AWS's default 1000) and
    `UnreservedConcurrentExecutions` (the quota minus every reservation), `AccountUsage`
    (API_GetAccountSettings, API_AccountLimit).
  - Get/PutFunctionRecursionConfig (/2024-08-31/functions/{FunctionName}/recursion-config):
    `{"RecursiveLoop": "Allow"|"Terminate"}`, default `Terminate`
    (API_GetFunctionRecursionConfig, API_PutFunctionRecursionConfig).

CloudFormation (used only by the lint-agrees-with-doctor test, tests/lint_doctor.rs):

* ``AWS::IAM::Role`` ``Policies`` and ``AWS::IAM::Policy`` ``PolicyDocument`` are JSON
  objects in a template; IAM stores them as JSON text (GetRolePolicy returns the URL-encoded
  JSON). moto stores the Python dict's ``str()``, which no client can parse.
* ``AWS::IAM::Role`` ``ManagedPolicyArns``: "A list of Amazon Resource Names (ARNs) of the IAM
  managed policies that you want to attach to the role" (CloudFormation User Guide,
  aws-resource-iam-role); moto ignores the property.
* ``AWS::KMS::Key`` ``Enabled: false`` creates a key whose KeyState is ``Disabled``; moto sets
  only its ``Enabled`` flag and leaves KeyState ``Enabled``.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import unquote

import copy
import json

from moto.awslambda import models as lambda_models
from moto.awslambda import responses as lambda_responses
from moto.awslambda import urls as lambda_urls
from moto.iam import models as iam_models
from moto.kms import models as kms_models
from moto.core.exceptions import JsonRESTError
from moto.kms import models as kms_models
from moto.sqs import models as sqs_models

_moto_create = lambda_models.LambdaBackend.create_event_source_mapping


def _qualified_arn(backend: Any, function_name: str) -> str | None:
    """The qualified ARN a FunctionName names, or None when it names no qualifier."""
    if function_name.startswith("arn:"):
        parts = function_name.split(":")
        return function_name if len(parts) == 8 else None
    if ":" in function_name:
        name, qualifier = function_name.split(":", 1)
        return f"arn:aws:lambda:{backend.region_name}:{backend.account_id}:function:{name}:{qualifier}"
    return None


def _create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
    qualified = _qualified_arn(self, spec.get("FunctionName", ""))
    source = spec.get("EventSourceArn")
    wanted = qualified
    if wanted is None:
        func = self._lambdas.get_function_by_name_or_arn_with_qualifier(spec.get("FunctionName", ""))
        wanted = func.function_arn
    for existing in self._event_source_mappings.values():
        if existing.event_source_arn == source and existing.function_arn == wanted and source and ":sqs:" in source:
            raise JsonRESTError(
                "ResourceConflictException",
                f'An event source mapping with SQS arn (" {source} ") and function (" {spec.get("FunctionName")} ") '
                f"already exists. Please update or delete the existing mapping with UUID {existing.uuid}",
            )
    esm = _moto_create(self, spec)
    if qualified is not None:
        esm.function_arn = qualified
    return esm


_moto_set_attributes = sqs_models.Queue._set_attributes


def _set_attributes(self: Any, attributes: dict[str, Any], now: float | None = None) -> None:
    kept = getattr(self, "_policy_json", None)
    _moto_set_attributes(self, attributes, now)
    if "Policy" not in attributes and kept is not None:
        self._policy_json = kept


_moto_key_id_from_alias = kms_models.KmsBackend.get_key_id_from_alias


def _aws_sqs_key_policy(account: str, region: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Id": "auto-sqs-1",
        "Statement": [
            {
                "Sid": "Allow access through Simple Queue Service (SQS) for all principals in the account that "
                       "are authorized to use SQS",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                           "kms:CreateGrant", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": f"sqs.{region}.amazonaws.com",
                                               "kms:CallerAccount": account}},
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*",
            },
        ],
    })


def _get_key_id_from_alias(self: Any, alias_name: str) -> str | None:
    found = _moto_key_id_from_alias(self, alias_name)
    if found is None and alias_name == "alias/aws/sqs":
        key = self.create_key(_aws_sqs_key_policy(self.account_id, self.region_name), "ENCRYPT_DECRYPT",
                              "SYMMETRIC_DEFAULT", "Default key that protects my SQS messages when no other key "
                              "is defined", None)
        key.key_manager = "AWS"
        self.create_alias(key.id, alias_name)
        return key.id
    return found


RECURSIVE_LOOP_VALUES = ("Allow", "Terminate")


def _account_settings(self: Any) -> Any:
    backend = self.backend
    quota = int(os.environ.get("MOTO_LAMBDA_CONCURRENCY_QUOTA") or 1000)
    functions = list(backend.list_functions())
    reserved = sum(int(f.reserved_concurrency) for f in functions if f.reserved_concurrency not in (None, ""))
    code_size = sum(int(getattr(f, "code_size", 0) or 0) for f in functions)
    return 200, {}, json.dumps({
        "AccountLimit": {
            "TotalCodeSize": 80530636800,
            "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800,
            "ConcurrentExecutions": quota,
            "UnreservedConcurrentExecutions": quota - reserved,
        },
        "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": len(functions)},
    })


def _recursion_function(self: Any) -> Any:
    name = unquote(self.path.rsplit("/", 2)[-2])
    return self.backend.get_function(name)


def _get_recursion_config(self: Any) -> Any:
    fn = _recursion_function(self)
    return 200, {}, json.dumps({"RecursiveLoop": getattr(fn, "recursive_loop", "Terminate")})


def _put_recursion_config(self: Any) -> Any:
    fn = _recursion_function(self)
    value = self.json_body.get("RecursiveLoop")
    if value not in RECURSIVE_LOOP_VALUES:
        raise JsonRESTError(
            "ValidationException",
            f"1 validation error detected: Value '{value}' at 'recursiveLoop' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Allow, Terminate]",
        )
    fn.recursive_loop = value
    return 200, {}, json.dumps({"RecursiveLoop": value})
def _json_text(document: Any) -> Any:
    return document if isinstance(document, str) else json.dumps(document)


_moto_role_from_cfn = iam_models.Role.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _role_from_cfn(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    template = copy.deepcopy(cloudformation_json)
    properties = template.setdefault("Properties", {})
    for policy in properties.get("Policies", []) or []:
        if "PolicyDocument" in policy:
            policy["PolicyDocument"] = _json_text(policy["PolicyDocument"])
    role = _moto_role_from_cfn(cls, resource_name, template, account_id, region_name, **kwargs)
    backend = iam_models.iam_backends[account_id][iam_models.get_partition(region_name)]
    for arn in properties.get("ManagedPolicyArns", []) or []:
        backend.attach_role_policy(arn, role.name)
    return role


_moto_inline_from_cfn = iam_models.InlinePolicy.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _inline_from_cfn(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    template = copy.deepcopy(cloudformation_json)
    properties = template.setdefault("Properties", {})
    if "PolicyDocument" in properties:
        properties["PolicyDocument"] = _json_text(properties["PolicyDocument"])
    return _moto_inline_from_cfn(cls, resource_name, template, account_id, region_name, **kwargs)


_moto_key_from_cfn = kms_models.Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _key_from_cfn(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    template = copy.deepcopy(cloudformation_json)
    properties = template.setdefault("Properties", {})
    if "KeyPolicy" in properties:
        properties["KeyPolicy"] = _json_text(properties["KeyPolicy"])
    key = _moto_key_from_cfn(cls, resource_name, template, account_id, region_name, **kwargs)
    if str(properties.get("Enabled", True)).lower() == "false":
        key.enabled = False
        key.key_state = "Disabled"
    return key


_configuration = lambda_models.LambdaFunction.get_configuration


def _configuration_with_state(self: Any, on_create: bool = False) -> Any:
    """A function's configuration with the StateReason(Code) a test gave it (see the
    launcher's /_emulator/function-state); moto keeps every function Active and says no reason."""
    config = _configuration(self, on_create)
    for key in ("StateReason", "StateReasonCode"):
        value = getattr(self, "emulator_" + key, None)
        if value:
            config[key] = value
    return config


def set_function_state(name: str, state: str, reason: str | None, code: str | None,
                       account: str = "123456789012", region: str = "us-east-1") -> None:
    """Puts a function in a state moto never gives (Failed, Pending, Inactive), with a reason."""
    function = lambda_models.lambda_backends[account][region].get_function(name)
    function.state = state
    function.emulator_StateReason = reason
    function.emulator_StateReasonCode = code


def install() -> None:
    lambda_models.LambdaFunction.get_configuration = _configuration_with_state
    lambda_urls.url_paths[r"{0}/(?P<api_version>[^/]+)/account-settings/?$"] = lambda_responses.LambdaResponse.dispatch
    lambda_urls.url_paths[
        r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/recursion-config/?$"
    ] = lambda_responses.LambdaResponse.dispatch
    lambda_responses.LambdaResponse.get_account_settings = _account_settings
    lambda_responses.LambdaResponse.get_function_recursion_config = _get_recursion_config
    lambda_responses.LambdaResponse.put_function_recursion_config = _put_recursion_config
    kms_models.KmsBackend.get_key_id_from_alias = _get_key_id_from_alias
    lambda_models.LambdaBackend.create_event_source_mapping = _create_event_source_mapping
    sqs_models.Queue._set_attributes = _set_attributes
    iam_models.Role.create_from_cloudformation_json = classmethod(_role_from_cfn)  # type: ignore[method-assign]
    iam_models.InlinePolicy.create_from_cloudformation_json = classmethod(_inline_from_cfn)  # type: ignore[method-assign]
    kms_models.Key.create_from_cloudformation_json = classmethod(_key_from_cfn)  # type: ignore[method-assign]
