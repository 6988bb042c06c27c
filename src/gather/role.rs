//! Execution-role facts: the trust policy, every inline and attached managed policy (the
//! default version's document) and the permissions boundary; and what
//! `iam:SimulatePrincipalPolicy` decides for the permissions the poller needs.
//!
//! Everything that does not depend on an earlier answer is read concurrently: GetRole,
//! ListRolePolicies and ListAttachedRolePolicies together, then every GetRolePolicy, every
//! GetPolicy → GetPolicyVersion chain and the boundary's chain at once.

use aws_sdk_iam::config::interceptors::InterceptorContext;
use aws_sdk_iam::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_iam::types::{ContextEntry, ContextKeyTypeEnum, PolicyEvaluationDecisionType};
use futures::future::try_join_all;

use crate::aws::errors::{is_not_found, is_not_found_code};
use crate::aws::traffic::limited;
use crate::aws::{AwsResultExt, Clients};
use crate::error::{AwsError, AwsErrorKind};
use crate::model::RoleArn;
use crate::model::access::{Required, SimulatedAccess, Simulation, SimulatorAnswer, SimulatorDecision};
use crate::model::facts::{Fact, RoleFacts, Unreadable};
use crate::policy::{NamedPolicy, PolicyDocument};

/// The code our own "this document does not parse" errors carry, so `read` can tell them apart.
const MALFORMED: &str = "MalformedPolicyDocument";

/// Reads the role and its policies, an advisory read: whatever stops any of the calls (denied,
/// not offered, an answer not in AWS's shape) makes the whole fact `Unreadable` (naming the
/// call), so the role checks are skipped and the rest goes on; so does a policy document we
/// cannot parse (naming the policy and the place). A role that does not exist is an error.
///
/// With the cache on, a role is read once per run however many functions use it, and a managed
/// policy (with its default version) once however many roles attach it.
pub async fn read(clients: &Clients, role: &RoleArn) -> Result<Fact<RoleFacts>, AwsError> {
    clients.cache.read(&clients.cache.roles, &role.to_string(), || read_uncached(clients, role)).await
}

async fn read_uncached(clients: &Clients, role: &RoleArn) -> Result<Fact<RoleFacts>, AwsError> {
    let fact = format!("the execution role {role}");
    match read_all(clients, role).await {
        // AWS validates every policy document it stores: one that does not parse came from an
        // endpoint that is not AWS (or a cut answer), named by the call that returned it.
        Err(err) if err.code.as_deref() == Some(MALFORMED) => Ok(Err(Unreadable {
            kind: Default::default(),
            cause: crate::model::facts::Cause::BadAnswer,
            feeds: super::reads::ROLE.feeds,
            fact,
            permission: err.action.into(),
            detail: err.message,
        })),
        // A role that does not exist is an answer about the function, not a read that failed.
        Err(err) if err.kind == AwsErrorKind::NotFound && is_not_found_code(err.code.as_deref()) => Err(err),
        result => Ok(super::reads::ROLE.advisory(fact, result)),
    }
}

/// Three chains side by side, each going on as soon as its own answer is in: the role (then its
/// permissions boundary), the inline policy names (then each document) and the attached
/// policies (then each default version).
async fn read_all(clients: &Clients, role: &RoleArn) -> Result<RoleFacts, AwsError> {
    let name = role.name();
    // Boxed: three chains of SDK calls side by side make a large future. The policy lists go
    // out first: theirs are the longer chains.
    let inline = Box::pin(async {
        let names = list_inline(clients, role).await?;
        try_join_all(names.iter().map(|policy| inline_policy(clients, role, policy))).await
    });
    let managed = Box::pin(async {
        let attached = list_attached(clients, role).await?;
        try_join_all(attached.iter().map(|arn| managed_policy(clients, arn, "managed policy"))).await
    });
    let described = Box::pin(async {
        let got = limited(&clients.limits.iam, clients.iam.get_role().role_name(name).send())
            .await
            .aws_err("iam:GetRole", role)?;
        let described = got.role().ok_or_else(|| unexpected("iam:GetRole", role, "no role in the answer"))?;
        let trust_policy = match described.assume_role_policy_document().filter(|d| !d.is_empty()) {
            Some(text) => Some(parse(&format!("trust policy of {role}"), text, "iam:GetRole", role)?),
            None => None,
        };
        let boundary = match described.permissions_boundary().and_then(|b| b.permissions_boundary_arn()) {
            Some(arn) => Some(managed_policy(clients, arn, "permissions boundary").await?),
            None => None,
        };
        Ok::<_, AwsError>((trust_policy, boundary))
    });
    let (inline, managed, (trust_policy, boundary)) = tokio::try_join!(inline, managed, described)?;
    let mut policies = inline;
    policies.extend(managed);
    Ok(RoleFacts {
        arn: role.clone(),
        trust_policy,
        policy_names: policies.iter().map(|p| p.name.clone()).collect(),
        policies,
        boundary,
    })
}

/// The name every report uses for an inline policy.
pub fn inline_policy_label(policy: &str) -> String {
    format!("inline policy {policy}")
}

async fn list_inline(clients: &Clients, role: &RoleArn) -> Result<Vec<String>, AwsError> {
    let mut names = Vec::new();
    let mut marker = None;
    loop {
        let request = clients.iam.list_role_policies().role_name(role.name()).set_marker(marker).send();
        let out = limited(&clients.limits.iam, request).await.aws_err("iam:ListRolePolicies", role)?;
        names.extend(out.policy_names().iter().cloned());
        marker = out.marker().filter(|_| out.is_truncated()).map(str::to_owned);
        if marker.is_none() {
            return Ok(names);
        }
    }
}

async fn list_attached(clients: &Clients, role: &RoleArn) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut marker = None;
    loop {
        let request = clients.iam.list_attached_role_policies().role_name(role.name()).set_marker(marker).send();
        let out = limited(&clients.limits.iam, request).await.aws_err("iam:ListAttachedRolePolicies", role)?;
        arns.extend(out.attached_policies().iter().filter_map(|p| p.policy_arn()).map(str::to_owned));
        marker = out.marker().filter(|_| out.is_truncated()).map(str::to_owned);
        if marker.is_none() {
            return Ok(arns);
        }
    }
}

async fn inline_policy(clients: &Clients, role: &RoleArn, policy: &str) -> Result<NamedPolicy, AwsError> {
    let request = clients.iam.get_role_policy().role_name(role.name()).policy_name(policy).send();
    let out = limited(&clients.limits.iam, request)
        .await
        .aws_err("iam:GetRolePolicy", &format!("{role} (policy {policy})"))?;
    let name = inline_policy_label(policy);
    let document = parse(&name, out.policy_document(), "iam:GetRolePolicy", role)?;
    Ok(NamedPolicy { name, document })
}

/// A managed policy's default version, named "`kind` ARN". Its text is read once per run
/// when the cache is on, however many roles attach it.
async fn managed_policy(clients: &Clients, arn: &str, kind: &str) -> Result<NamedPolicy, AwsError> {
    let text = clients.cache.read(&clients.cache.managed_policies, arn, || managed_policy_text(clients, arn)).await?;
    let name = format!("{kind} {arn}");
    let document = parse(&name, &text, "iam:GetPolicyVersion", &arn)?;
    Ok(NamedPolicy { name, document })
}

/// GetPolicy, then GetPolicyVersion of its default version: the document's text.
async fn managed_policy_text(clients: &Clients, arn: &str) -> Result<String, AwsError> {
    let request = clients.iam.get_policy().policy_arn(arn).send();
    let policy = limited(&clients.limits.iam, request).await.aws_err("iam:GetPolicy", &arn)?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .ok_or_else(|| unexpected("iam:GetPolicy", &arn, "the policy has no default version"))?;
    let request = clients.iam.get_policy_version().policy_arn(arn).version_id(version).send();
    let out = limited(&clients.limits.iam, request).await.aws_err("iam:GetPolicyVersion", &arn)?;
    out.policy_version()
        .and_then(|v| v.document())
        .map(str::to_owned)
        .ok_or_else(|| unexpected("iam:GetPolicyVersion", &arn, "the version has no document"))
}

/// A document we cannot understand stops the reading of the role with a message naming the
/// policy and the place; `read` turns it into an `Unreadable` (never a missing permission).
fn parse(
    name: &str,
    text: &str,
    action: &'static str,
    resource: &dyn std::fmt::Display,
) -> Result<PolicyDocument, AwsError> {
    PolicyDocument::parse(name, text)
        .map_err(|e| AwsError { code: Some(MALFORMED.to_owned()), ..unexpected(action, resource, &e.to_string()) })
}

fn unexpected(action: &'static str, resource: &dyn std::fmt::Display, why: &str) -> AwsError {
    AwsError {
        action,
        resource: resource.to_string(),
        kind: AwsErrorKind::Service,
        code: None,
        message: why.to_owned(),
        answer: None,
        hint: None,
    }
}

/// Reads an inline policy's document as it is stored (decoded), or None when the role has no
/// inline policy of that name.
pub async fn inline_policy_text(clients: &Clients, role: &RoleArn, policy: &str) -> Result<Option<String>, AwsError> {
    let result = clients.iam.get_role_policy().role_name(role.name()).policy_name(policy).send().await;
    match result {
        Ok(out) => Ok(Some(crate::policy_gen::decode_document(out.policy_document()))),
        Err(err) if is_not_found(&err) => Ok(None),
        Err(err) => {
            Err(crate::aws::errors::to_aws_error("iam:GetRolePolicy", &format!("{role} (policy {policy})"), &err))
        }
    }
}

/// Asks `iam:SimulatePrincipalPolicy` what the role's identity policies (with its boundary
/// and the organization's SCPs) decide for each required permission. One call per resource,
/// all at once, so every answer is about exactly one resource; `kms:ViaService` is set for
/// the key, as the poller decrypts through SQS.
///
/// Err says why the simulator could not be used (not implemented by the endpoint, access
/// denied, ...): callers fall back to our own evaluator then. The call is made with a single
/// attempt: an endpoint that does not implement it answers HTTP 500, which would otherwise
/// be retried.
pub async fn simulate(clients: &Clients, role: &RoleArn, required: &[Required]) -> Result<Simulation, String> {
    let mut resources: Vec<&str> = Vec::new();
    for r in required {
        if !resources.contains(&r.resource.as_str()) {
            resources.push(&r.resource);
        }
    }
    let region = region_of(required).unwrap_or(&clients.region).to_owned();
    let calls = resources.iter().map(|resource| {
        let actions: Vec<String> =
            required.iter().filter(|r| r.resource == *resource).map(|r| r.action.to_owned()).collect();
        simulate_one(clients, role, resource, actions, &region)
    });
    let results = try_join_all(calls).await?;
    Ok(Simulation { role: role.clone(), results: results.into_iter().flatten().collect() })
}

fn region_of(required: &[Required]) -> Option<&str> {
    required.iter().find_map(|r| r.resource.split(':').nth(3).filter(|r| !r.is_empty()))
}

async fn simulate_one(
    clients: &Clients,
    role: &RoleArn,
    resource: &str,
    actions: Vec<String>,
    region: &str,
) -> Result<Vec<SimulatedAccess>, String> {
    let mut request = clients
        .iam
        .simulate_principal_policy()
        .policy_source_arn(role.to_string())
        .set_action_names(Some(actions.clone()))
        .resource_arns(resource);
    if actions.iter().any(|a| a.starts_with("kms:")) {
        request = request.context_entries(
            ContextEntry::builder()
                .context_key_name("kms:ViaService")
                .context_key_type(ContextKeyTypeEnum::String)
                .context_key_values(format!("sqs.{region}.amazonaws.com"))
                .build(),
        );
    }
    // Retried like any IAM call when throttled (adaptive retry under --all paces it with the
    // other IAM reads), never on a server error: an endpoint without the simulator answers 500.
    let request = request
        .customize()
        .config_override(aws_sdk_iam::config::Config::builder().retry_classifier(NoRetryOnServerError));
    let out = limited(&clients.limits.iam, request.send())
        .await
        .aws_err("iam:SimulatePrincipalPolicy", role)
        .map_err(|e| simulator_unavailable(&e))?;
    let mut decided = Vec::new();
    for result in out.evaluation_results() {
        let specific = result.resource_specific_results().iter().find(|r| r.eval_resource_name() == resource);
        let (decision, statements, missing, boundary) = match specific {
            Some(s) => (
                s.eval_resource_decision(),
                s.matched_statements(),
                s.missing_context_values(),
                s.permissions_boundary_decision_detail(),
            ),
            None => (
                result.eval_decision(),
                result.matched_statements(),
                result.missing_context_values(),
                result.permissions_boundary_decision_detail(),
            ),
        };
        let statements = statements
            .iter()
            .map(|s| {
                s.source_policy_id()
                    .or(s.source_policy_type().map(|t| t.as_str()))
                    .unwrap_or("an unnamed statement")
                    .to_owned()
            })
            .collect();
        let answer = SimulatorAnswer {
            decision: match decision {
                PolicyEvaluationDecisionType::Allowed => SimulatorDecision::Allowed,
                PolicyEvaluationDecisionType::ExplicitDeny => SimulatorDecision::ExplicitDeny,
                _ => SimulatorDecision::ImplicitDeny,
            },
            statements,
            boundary_allows: boundary.map(|b| b.allowed_by_permissions_boundary()),
            organizations_allow: result.organizations_decision_detail().map(|o| o.allowed_by_organizations()),
            missing_context: missing.to_vec(),
        };
        decided.push(SimulatedAccess {
            action: result.eval_action_name().to_owned(),
            resource: resource.to_owned(),
            answer,
        });
    }
    Ok(decided)
}

/// Forbids retrying a simulation the endpoint answered with a server error.
#[derive(Debug)]
struct NoRetryOnServerError;

impl ClassifyRetry for NoRetryOnServerError {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(response) if response.status().is_server_error() => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "no retry of the simulator on server errors"
    }
}

fn simulator_unavailable(err: &AwsError) -> String {
    match err.kind {
        AwsErrorKind::AccessDenied => "the caller may not call iam:SimulatePrincipalPolicy".to_owned(),
        _ => match &err.code {
            Some(code) => format!("iam:SimulatePrincipalPolicy failed: {code}"),
            None => "iam:SimulatePrincipalPolicy is not available at this endpoint".to_owned(),
        },
    }
}
