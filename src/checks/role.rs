//! role checks: does the execution role let the Lambda poller read the queue, decrypt it and
//! write logs?
//!
//! The poller acts as the function's execution role. It needs `sqs:ReceiveMessage`,
//! `sqs:DeleteMessage` and `sqs:GetQueueAttributes` on the queue, `kms:Decrypt` on the key of
//! an SSE-KMS queue, and the function needs `logs:CreateLogGroup`, `logs:CreateLogStream` and
//! `logs:PutLogEvents` on its log group, or nothing it prints is ever seen
//! (<https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions>).
//!
//! Who decides each permission: `iam:SimulatePrincipalPolicy` when it could be used (it sees
//! SCPs and boundaries), otherwise our evaluator over the role's policies. Resource policies
//! are always ours: the key policy must grant the role or delegate to IAM, and a queue in
//! another account must grant the role in its queue policy.

use serde::Serialize;

pub use crate::model::access::{
    Access, Decider, KMS_DECRYPT, KeyTarget, LAMBDA_SERVICE, LOG_ACTIONS, QUEUE_ACTIONS, Required, ResourceAccess,
    SimulatedAccess, Simulation, Target, key_target, required_permissions,
};
use crate::model::facts::{KeyLookup, RoleFacts, TriggerFacts};
use crate::model::{Finding, FindingCode, RoleArn};
use crate::policy;
use crate::policy_gen;

/// The outcome for one permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Allowed,
    /// Nothing grants it (or a boundary, an SCP or a resource policy withholds it).
    Missing,
    /// Allowed only under conditions we cannot evaluate.
    Conditional,
    /// An explicit Deny decides.
    Denied,
    /// It could not be decided: a fact was unreadable.
    Skipped,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Missing => "missing",
            Verdict::Conditional => "conditional",
            Verdict::Denied => "denied",
            Verdict::Skipped => "skipped",
        }
    }
}

/// One required permission and what decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PermissionCheck {
    pub action: String,
    pub resource: String,
    pub decision: Verdict,
    /// The deciding policy, when one decided.
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub condition_keys: Vec<String>,
    pub decided_by: Option<Decider>,
    /// Why, in one sentence.
    pub reason: String,
    /// Whether an Allow in the role's own policy would grant it: what `--print-policy` and
    /// `--fix` add.
    #[serde(skip)]
    pub fixable: bool,
}

/// Every required permission of one role, decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleEvaluation {
    pub role: Option<RoleArn>,
    /// Who decided the role's own policies: the simulator or our evaluator (None: neither could).
    pub decided_by: Option<Decider>,
    pub permissions: Vec<PermissionCheck>,
}

impl RoleEvaluation {
    /// The permissions an inline policy on the role would grant.
    pub fn fixable(&self) -> Vec<Required> {
        self.permissions
            .iter()
            .filter(|p| p.fixable)
            .filter_map(|p| {
                let action = QUEUE_ACTIONS
                    .iter()
                    .chain([KMS_DECRYPT].iter())
                    .chain(LOG_ACTIONS.iter())
                    .find(|a| **a == p.action)?;
                Some(Required { action, resource: p.resource.clone() })
            })
            .collect()
    }

    pub fn count(&self, verdict: Verdict) -> usize {
        self.permissions.iter().filter(|p| p.decision == verdict).count()
    }
}

/// Decides every required permission of `target` from the facts.
pub fn evaluate(facts: &TriggerFacts, target: &Target) -> RoleEvaluation {
    let key = key_target(facts);
    let required = required_permissions(target.queue.as_ref(), key.as_ref(), target.log_group_arn.as_deref());
    let role_facts = match &facts.role {
        Some(Ok(role)) => Some(role),
        _ => None,
    };
    let simulation = facts.simulation.as_ref().filter(|s| Some(&s.role) == target.role.as_ref());
    let decided_by = match (simulation, role_facts) {
        (Some(_), _) => Some(Decider::Simulator),
        (None, Some(_)) => Some(Decider::Evaluator),
        (None, None) => None,
    };
    let permissions = required
        .iter()
        .map(|req| {
            if let Some(KeyTarget::Unresolved(key_id)) = &key
                && req.action == KMS_DECRYPT
            {
                return skipped(req, &format!("the ARN of key {key_id} is unknown: DescribeKey could not be read"));
            }
            let identity = simulation
                .and_then(|s| s.lookup(req.action, &req.resource).map(|a| (a.clone(), Decider::Simulator)))
                .or_else(|| role_facts.map(|r| (identity_access(r, req), Decider::Evaluator)));
            let resource = target.role.as_ref().and_then(|role| resource_access(facts, role, req));
            decide(req, identity, resource.as_ref())
        })
        .collect();
    RoleEvaluation { role: target.role.clone(), decided_by, permissions }
}

/// Our evaluator over the role's policies and boundary.
pub fn identity_access(role: &RoleFacts, req: &Required) -> Access {
    policy::evaluate_identity(&role.policies, role.boundary.as_ref(), req.action, &req.resource).into()
}

/// The resource policy that also has a say: the key policy for `kms:Decrypt`, and the queue
/// policy for the SQS actions. Across accounts the queue policy must grant the role; in the
/// same account it only matters when it denies the role (a Deny wins over every Allow) or
/// grants the role itself (enough on its own)
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).
pub fn resource_access(facts: &TriggerFacts, role: &RoleArn, req: &Required) -> Option<ResourceAccess> {
    if req.action == KMS_DECRYPT {
        let Some(Ok(KeyLookup::Found(key))) = &facts.key else { return None };
        return super::kms::key_policy_access(key, role);
    }
    if req.action.starts_with("sqs:") {
        let queue = facts.queue.as_ref()?;
        let policy = format!("queue policy of {}", queue.arn);
        if queue.arn.account() == role.account() {
            let doc = queue.policy.as_ref()?;
            let grant =
                policy::evaluate_resource_policy(doc, &role.to_string(), role.account(), req.action, &req.resource);
            return match grant {
                policy::ResourceGrant::ExplicitDeny { .. } | policy::ResourceGrant::Direct { .. } => {
                    Some(ResourceAccess { policy, grant, direct_suffices: true, decider: Decider::QueuePolicy })
                }
                _ => None,
            };
        }
        let grant = match &queue.policy {
            Some(doc) => {
                policy::evaluate_resource_policy(doc, &role.to_string(), role.account(), req.action, &req.resource)
            }
            None => policy::ResourceGrant::NotGranted,
        };
        return Some(ResourceAccess { policy, grant, direct_suffices: false, decider: Decider::QueuePolicy });
    }
    None
}

fn skipped(req: &Required, reason: &str) -> PermissionCheck {
    PermissionCheck {
        action: req.action.to_owned(),
        resource: req.resource.clone(),
        decision: Verdict::Skipped,
        policy: None,
        sid: None,
        condition_keys: Vec::new(),
        decided_by: None,
        reason: reason.to_owned(),
        fixable: false,
    }
}

/// Combines the identity decision with the resource policy's, the way AWS does: an explicit
/// Deny anywhere wins; a resource policy that grants nothing withholds it; a direct grant in
/// the same account suffices on its own; otherwise the identity policy decides, and any
/// condition on either side makes the result conditional.
pub fn decide(
    req: &Required,
    identity: Option<(Access, Decider)>,
    resource: Option<&ResourceAccess>,
) -> PermissionCheck {
    use policy::ResourceGrant as G;
    let mut check = skipped(req, "");
    let mut set = |decision, policy: Option<String>, sid: Option<String>, keys: Vec<String>, by, reason: String| {
        check.decision = decision;
        check.policy = policy;
        check.sid = sid;
        check.condition_keys = keys;
        check.decided_by = Some(by);
        check.reason = reason;
    };
    if let Some((Access::ExplicitDeny { policy, sid }, by)) = &identity {
        set(
            Verdict::Denied,
            Some(policy.clone()),
            sid.clone(),
            vec![],
            *by,
            format!("explicitly denied by {policy}{}", sid_label(sid)),
        );
        return check;
    }
    let mut resource_keys = Vec::new();
    if let Some(r) = resource {
        match &r.grant {
            G::ExplicitDeny { sid } => {
                set(
                    Verdict::Denied,
                    Some(r.policy.clone()),
                    sid.clone(),
                    vec![],
                    r.decider,
                    format!("explicitly denied by {}{}", r.policy, sid_label(sid)),
                );
                return check;
            }
            G::NotGranted => {
                let reason = match r.decider {
                    Decider::KeyPolicy => format!("{} neither grants the role nor delegates to IAM", r.policy),
                    _ => format!("{} does not grant the role or its account", r.policy),
                };
                set(Verdict::Missing, Some(r.policy.clone()), None, vec![], r.decider, reason);
                return check;
            }
            G::Direct { sid, condition_keys } if r.direct_suffices => {
                let (verdict, reason) = if condition_keys.is_empty() {
                    (Verdict::Allowed, format!("granted to the role by {}{}", r.policy, sid_label(sid)))
                } else {
                    (
                        Verdict::Conditional,
                        format!(
                            "granted to the role by {}{} only if conditions on {} hold",
                            r.policy,
                            sid_label(sid),
                            condition_keys.join(", ")
                        ),
                    )
                };
                set(verdict, Some(r.policy.clone()), sid.clone(), condition_keys.clone(), r.decider, reason);
                return check;
            }
            G::Direct { condition_keys, .. } | G::DelegatedToAccount { condition_keys, .. } => {
                resource_keys = condition_keys.clone();
            }
        }
    }
    let Some((access, by)) = identity else {
        check.reason = "the role's policies could not be read and the simulator was not available".into();
        return check;
    };
    let resource_note = match resource {
        Some(r) if !resource_keys.is_empty() => format!(" and by {} only if conditions hold", r.policy),
        _ => String::new(),
    };
    match access {
        Access::Allowed { policy, sid } if resource_keys.is_empty() => {
            set(
                Verdict::Allowed,
                Some(policy.clone()),
                sid.clone(),
                vec![],
                by,
                format!("allowed by {}{}", policy_label(&policy), sid_label(&sid)),
            );
        }
        Access::Allowed { policy, sid } => {
            let reason = format!(
                "allowed by {}{}{resource_note} ({})",
                policy_label(&policy),
                sid_label(&sid),
                resource_keys.join(", ")
            );
            set(Verdict::Conditional, Some(policy), sid, resource_keys, by, reason);
        }
        Access::Conditional { policy, sid, mut condition_keys } => {
            for key in resource_keys {
                if !condition_keys.contains(&key) {
                    condition_keys.push(key);
                }
            }
            let reason = format!(
                "allowed by {}{} only if conditions on {} hold",
                policy_label(&policy),
                sid_label(&sid),
                condition_keys.join(", ")
            );
            set(Verdict::Conditional, Some(policy), sid, condition_keys, by, reason);
        }
        Access::ExplicitDeny { .. } => unreachable!("handled first"),
        Access::ImplicitDeny => {
            set(Verdict::Missing, None, None, vec![], by, "no statement in the role's policies allows it".into());
            check.fixable = true;
        }
        Access::DeniedByBoundary { boundary } => {
            let reason = format!("the permissions boundary {boundary} does not allow it");
            set(Verdict::Missing, Some(boundary), None, vec![], by, reason);
        }
        Access::DeniedByOrganizations => {
            set(
                Verdict::Missing,
                None,
                None,
                vec![],
                by,
                "a service control policy of the organization denies it".into(),
            );
        }
    }
    check
}

/// The account field of an ARN.
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

fn policy_label(policy: &str) -> &str {
    if policy.is_empty() { "the role's policies" } else { policy }
}

fn sid_label(sid: &Option<String>) -> String {
    sid.as_deref().map(|s| format!(" (Sid {s})")).unwrap_or_default()
}

/// The role findings of the facts (for `doctor`, `mapping create`, `setup`).
pub fn check(facts: &TriggerFacts) -> Vec<Finding> {
    let target = Target::from_facts(facts);
    if target.role.is_none() {
        return Vec::new();
    }
    let evaluation = evaluate(facts, &target);
    let mut findings = permission_findings(&evaluation);
    findings.extend(trust_findings(facts));
    findings
}

/// One finding per permission that is not plainly allowed, except those a key policy withholds
/// (`kms-key-policy-missing-grant` says it, from `checks::kms`), those a cross-account queue
/// policy withholds (`cross-account-queue-policy`, from `checks::placement`) and skipped ones
/// (`check-skipped` says it).
pub fn permission_findings(evaluation: &RoleEvaluation) -> Vec<Finding> {
    let role = evaluation.role.as_ref().map(ToString::to_string).unwrap_or_else(|| "the execution role".into());
    let decider = |p: &PermissionCheck| match p.decided_by {
        Some(Decider::Simulator) => " (decided by iam:SimulatePrincipalPolicy)",
        Some(Decider::Evaluator) => " (decided by sqs-trigger's policy evaluator)",
        _ => "",
    };
    let mut findings = Vec::new();
    for p in &evaluation.permissions {
        let what = format!("{} on {}", p.action, p.resource);
        match p.decision {
            Verdict::Allowed | Verdict::Skipped => {}
            Verdict::Missing if p.decided_by == Some(Decider::KeyPolicy) => {}
            // Across accounts `cross-account-queue-policy` (checks::placement) says it, once for
            // the queue; a Deny in the queue policy of the role's own account is said here.
            Verdict::Missing if p.decided_by == Some(Decider::QueuePolicy) => {}
            Verdict::Denied
                if p.decided_by == Some(Decider::QueuePolicy)
                    && evaluation.role.as_ref().is_none_or(|r| arn_account(&p.resource) != Some(r.account())) => {}
            Verdict::Missing => {
                let fix = if p.fixable {
                    format!(
                        "add this statement to the role's policy (`role check --fix` does it):\n{}",
                        policy_gen::statement_json(&p.action, &p.resource)
                    )
                } else if p.policy.is_some() {
                    format!(
                        "{} must allow {what} (an Allow in the role's own policy cannot lift it)",
                        p.policy.as_deref().unwrap_or_default()
                    )
                } else {
                    format!("ask the organization's administrators to allow {what} for this role")
                };
                findings.push(
                    Finding::error(
                        FindingCode::RoleMissingPermission,
                        role.clone(),
                        format!("the role is not allowed {what}: {}{}", p.reason, decider(p)),
                    )
                    .fix(fix),
                );
            }
            Verdict::Conditional => findings.push(
                Finding::warning(
                    FindingCode::RoleMissingPermission,
                    role.clone(),
                    format!("{what} is {}{}: the poller's requests may not meet them", p.reason, decider(p)),
                )
                .fix(format!(
                    "check that the conditions on {} hold for the requests of Lambda's poller (it calls from the \
                     Lambda service, with the role's credentials); if they cannot, allow the action without them \
                     or exclude the poller from the conditional Deny",
                    p.condition_keys.join(", ")
                )),
            ),
            Verdict::Denied => findings.push(
                Finding::error(
                    FindingCode::RoleExplicitDeny,
                    role.clone(),
                    format!("{what} is {}{}: a Deny overrides every Allow", p.reason, decider(p)),
                )
                .fix(format!(
                    "remove or narrow that Deny statement in {} (adding an Allow cannot override it)",
                    p.policy.as_deref().unwrap_or("the deciding policy")
                )),
            ),
        }
    }
    findings
}

/// `role-trust-missing-lambda`: the trust policy must let lambda.amazonaws.com assume the role
/// (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html>).
pub fn trust_findings(facts: &TriggerFacts) -> Vec<Finding> {
    let Some(Ok(role)) = &facts.role else { return Vec::new() };
    let Some(trust) = &role.trust_policy else { return Vec::new() };
    if policy::trusts_service(trust, LAMBDA_SERVICE) {
        return Vec::new();
    }
    vec![
        Finding::error(
            FindingCode::RoleTrustMissingLambda,
            role.arn.to_string(),
            format!(
                "the trust policy of {} does not let {LAMBDA_SERVICE} assume it (sts:AssumeRole): Lambda cannot run the function or poll the queue with this role",
                role.arn
            ),
        )
        .fix(format!(
            "allow Lambda in the role's trust policy: aws iam update-assume-role-policy --role-name {} --policy-document '{}'",
            role.arn.name(),
            policy_gen::lambda_trust_policy_json()
        )),
    ]
}

/// What `role check` (and `setup`'s role step) reports: the role's permissions, its trust, the
/// key, placement and what could not be read, for a target that may differ from the
/// function's own role (`--role`).
pub fn role_check_findings(facts: &TriggerFacts, target: &Target, evaluation: &RoleEvaluation) -> Vec<Finding> {
    let mut findings = permission_findings(evaluation);
    findings.extend(trust_findings(facts));
    findings.extend(super::kms::check_for(facts, target));
    findings.extend(super::placement::check(facts));
    if !findings.iter().any(|f| f.code == FindingCode::CrossAccountQueuePolicy) {
        // placement reads the role from the function; with `--role` and no readable function
        // it cannot, so what the queue policy withholds is said here.
        findings.extend(queue_policy_findings(evaluation));
    }
    findings.extend(super::skipped(facts));
    super::finish(findings)
}

/// `cross-account-queue-policy` for what the queue policy withholds from the role.
pub fn queue_policy_findings(evaluation: &RoleEvaluation) -> Vec<Finding> {
    let role = evaluation.role.as_ref().map(ToString::to_string).unwrap_or_default();
    evaluation
        .permissions
        .iter()
        .filter(|p| p.decided_by == Some(Decider::QueuePolicy))
        .filter(|p| matches!(p.decision, Verdict::Missing | Verdict::Denied))
        .map(|p| {
            let statement = serde_json::json!({
                "Effect": "Allow", "Principal": {"AWS": role}, "Action": p.action, "Resource": p.resource
            });
            Finding::error(
                FindingCode::CrossAccountQueuePolicy,
                p.resource.clone(),
                format!("the role {role} may not {} on this queue of another account: {}", p.action, p.reason),
            )
            .fix(format!("add this statement to the queue policy (in the queue's account):\n{statement}"))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::QueueArn;
    use crate::model::facts::Encryption;
    use crate::model::facts::FunctionFacts;
    use crate::model::facts::{KeyFacts, KeyManager, QueueDepth, QueueFacts, Unreadable};
    use crate::model::{FunctionArn, QueueUrl};
    use crate::policy::{NamedPolicy, PolicyDocument};

    const ROLE: &str = "arn:aws:iam::123456789012:role/worker";
    const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const LOGS: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker:*";

    pub(crate) fn doc(text: &str) -> PolicyDocument {
        PolicyDocument::parse("test", text).unwrap()
    }

    fn allow(actions: &[&str], resource: &str) -> String {
        serde_json::json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":actions,"Resource":resource}]})
            .to_string()
    }

    pub(crate) fn role_facts(policies: &[(&str, &str)], boundary: Option<&str>, trust_service: &str) -> RoleFacts {
        let trust = serde_json::json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":trust_service},"Action":"sts:AssumeRole"}]});
        RoleFacts {
            arn: ROLE.parse().unwrap(),
            trust_policy: Some(doc(&trust.to_string())),
            policies: policies.iter().map(|(n, t)| NamedPolicy::new(*n, doc(t))).collect(),
            boundary: boundary.map(|t| NamedPolicy::new("permissions boundary b", doc(t))),
            policy_names: policies.iter().map(|(n, _)| (*n).to_owned()).collect(),
        }
    }

    pub(crate) fn queue(encryption: Encryption, arn: &str, policy: Option<&str>) -> QueueFacts {
        let arn: QueueArn = arn.parse().unwrap();
        let url: QueueUrl =
            format!("https://sqs.us-east-1.amazonaws.com/{}/{}", arn.account(), arn.name()).parse().unwrap();
        QueueFacts {
            name: arn.name(),
            url,
            arn,
            fifo: false,
            visibility_timeout_secs: 60,
            encryption,
            redrive: None,
            policy: policy.map(doc),
            depth: QueueDepth::default(),
            tags: Default::default(),
        }
    }

    pub(crate) fn function() -> FunctionFacts {
        FunctionFacts {
            arn: "arn:aws:lambda:us-east-1:123456789012:function:worker".parse::<FunctionArn>().unwrap(),
            timeout_secs: 3,
            state: Some("Active".into()),
            state_reason: None,
            last_update_status: None,
            role: ROLE.parse().unwrap(),
            runtime: None,
            reserved_concurrency: None,
            log_group: "/aws/lambda/worker".into(),
        }
    }

    pub(crate) fn key(state: &str, policy: &str) -> KeyFacts {
        KeyFacts {
            arn: KEY.parse().unwrap(),
            manager: KeyManager::Customer,
            state: state.into(),
            policy: Ok(doc(policy)),
        }
    }

    pub(crate) const DELEGATING_KEY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#;

    fn facts(role: RoleFacts) -> TriggerFacts {
        TriggerFacts {
            region: "us-east-1".into(),
            queue: Some(queue(Encryption::SseSqs, QUEUE, None)),
            function: Some(function()),
            role: Some(Ok(role)),
            ..Default::default()
        }
    }

    fn verdicts(facts: &TriggerFacts) -> Vec<(String, Verdict)> {
        evaluate(facts, &Target::from_facts(facts)).permissions.into_iter().map(|p| (p.action, p.decision)).collect()
    }

    fn codes(findings: &[Finding]) -> Vec<(FindingCode, crate::model::Severity)> {
        findings.iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn required_permissions_by_encryption() {
        let q: QueueArn = QUEUE.parse().unwrap();
        let k = KeyTarget::Arn(KEY.parse().unwrap());
        let cases: [(Option<&KeyTarget>, usize); 2] = [(None, 6), (Some(&k), 7)];
        for (key, n) in cases {
            let required = required_permissions(Some(&q), key, Some(LOGS));
            assert_eq!(required.len(), n);
            assert_eq!(required.iter().filter(|r| r.action == KMS_DECRYPT).count(), n - 6);
            for r in &required {
                let expected = match r.action.split(':').next().unwrap() {
                    "sqs" => QUEUE,
                    "kms" => KEY,
                    _ => LOGS,
                };
                assert_eq!(r.resource, expected, "{}", r.action);
            }
        }
    }

    #[test]
    fn sse_sqs_needs_no_decrypt_and_sse_kms_does() {
        let cases = [
            (Encryption::SseSqs, None, false),
            (Encryption::None, None, false),
            (
                Encryption::Kms { key_id: "alias/orders".into() },
                Some(Ok(KeyLookup::Found(key("Enabled", DELEGATING_KEY_POLICY)))),
                true,
            ),
            (
                Encryption::Kms { key_id: "alias/orders".into() },
                Some(Ok(KeyLookup::NotFound { key_id: "alias/orders".into() })),
                false,
            ),
        ];
        for (encryption, key, needs_decrypt) in cases {
            let mut f = facts(role_facts(&[], None, LAMBDA_SERVICE));
            f.queue = Some(queue(encryption.clone(), QUEUE, None));
            f.key = key;
            let has = verdicts(&f).iter().any(|(a, _)| a == KMS_DECRYPT);
            assert_eq!(has, needs_decrypt, "{encryption:?}");
        }
    }

    #[test]
    fn identity_decisions_become_verdicts_and_findings() {
        let full = allow(&["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "logs:*"], "*");
        let no_delete = allow(
            &[
                "sqs:ReceiveMessage",
                "sqs:GetQueueAttributes",
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            "*",
        );
        let deny_delete =
            r#"{"Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"sqs:DeleteMessage","Resource":"*"}]}"#;
        let conditional = r#"{"Statement":[{"Effect":"Allow","Action":"sqs:DeleteMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}"#;
        let boundary_sqs_only = allow(&["sqs:*"], "*");
        use crate::model::Severity::{Error, Warning};
        // (policies, boundary, expected DeleteMessage verdict, expected findings)
        type Case<'a> = (Vec<(&'a str, &'a str)>, Option<&'a str>, Verdict, Vec<(FindingCode, crate::model::Severity)>);
        let cases: Vec<Case> = vec![
            (vec![("inline policy full", full.as_str())], None, Verdict::Allowed, vec![]),
            (
                vec![("inline policy p", no_delete.as_str())],
                None,
                Verdict::Missing,
                vec![(FindingCode::RoleMissingPermission, Error)],
            ),
            (
                vec![("inline policy full", full.as_str()), ("inline policy d", deny_delete)],
                None,
                Verdict::Denied,
                vec![(FindingCode::RoleExplicitDeny, Error)],
            ),
            (
                vec![("inline policy p", no_delete.as_str()), ("inline policy c", conditional)],
                None,
                Verdict::Conditional,
                vec![(FindingCode::RoleMissingPermission, Warning)],
            ),
            // The boundary allows only SQS: the three logs actions are withheld.
            (
                vec![("inline policy full", full.as_str())],
                Some(boundary_sqs_only.as_str()),
                Verdict::Allowed,
                vec![(FindingCode::RoleMissingPermission, Error); 3],
            ),
        ];
        for (i, (policies, boundary, delete, expected)) in cases.into_iter().enumerate() {
            let f = facts(role_facts(&policies, boundary, LAMBDA_SERVICE));
            let v = verdicts(&f);
            assert_eq!(v.iter().find(|(a, _)| a == "sqs:DeleteMessage").unwrap().1, delete, "case {i}");
            let findings = check(&f);
            assert_eq!(codes(&findings), expected, "case {i}: {findings:#?}");
            for finding in &findings {
                assert_eq!(finding.resource, ROLE);
                assert!(finding.remediation.is_some(), "case {i}");
            }
        }
    }

    #[test]
    fn missing_permission_names_action_resource_and_decider() {
        let f = facts(role_facts(&[("inline policy p", &allow(&["logs:*"], "*"))], None, LAMBDA_SERVICE));
        let findings = check(&f);
        assert_eq!(findings.len(), 3);
        for (finding, action) in findings.iter().zip(QUEUE_ACTIONS) {
            assert!(finding.message.contains(action), "{}", finding.message);
            assert!(finding.message.contains(QUEUE), "{}", finding.message);
            assert!(finding.message.contains("evaluator"), "{}", finding.message);
            let fix = finding.remediation.as_deref().unwrap();
            assert!(fix.contains(action) && fix.contains(QUEUE) && !fix.contains("\"*\""), "{fix}");
        }
    }

    #[test]
    fn explicit_deny_names_policy_and_sid() {
        let deny = r#"{"Statement":[{"Sid":"NoLogs","Effect":"Deny","Action":"logs:PutLogEvents","Resource":"*"}]}"#;
        let full = allow(&["sqs:*", "logs:*"], "*");
        let f =
            facts(role_facts(&[("inline policy full", &full), ("inline policy guard", deny)], None, LAMBDA_SERVICE));
        let findings = check(&f);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, FindingCode::RoleExplicitDeny);
        assert!(findings[0].message.contains("inline policy guard") && findings[0].message.contains("NoLogs"));
    }

    #[test]
    fn simulation_decides_before_the_evaluator() {
        // The role's own policies grant nothing, but the simulator says allowed (and one deny).
        let mut f = facts(role_facts(&[], None, LAMBDA_SERVICE));
        let target = Target::from_facts(&f);
        let required = required_permissions(target.queue.as_ref(), None, target.log_group_arn.as_deref());
        let results = required
            .iter()
            .map(|r| SimulatedAccess {
                action: r.action.to_owned(),
                resource: r.resource.clone(),
                access: if r.action == "sqs:DeleteMessage" {
                    Access::ExplicitDeny { policy: "scp-guard".into(), sid: None }
                } else {
                    Access::Allowed { policy: "inline".into(), sid: None }
                },
            })
            .collect();
        f.simulation = Some(Simulation { role: ROLE.parse().unwrap(), results });
        let evaluation = evaluate(&f, &target);
        assert_eq!(evaluation.decided_by, Some(Decider::Simulator));
        assert!(evaluation.permissions.iter().all(|p| p.decided_by == Some(Decider::Simulator)));
        assert_eq!(codes(&check(&f)), vec![(FindingCode::RoleExplicitDeny, crate::model::Severity::Error)]);
        // A simulation of another role is ignored.
        f.simulation.as_mut().unwrap().role = "arn:aws:iam::123456789012:role/other".parse().unwrap();
        assert_eq!(evaluate(&f, &Target::from_facts(&f)).decided_by, Some(Decider::Evaluator));
    }

    #[test]
    fn unreadable_role_skips_every_permission() {
        let mut f = facts(role_facts(&[], None, LAMBDA_SERVICE));
        f.role = Some(Err(Unreadable {
            fact: "the role".into(),
            permission: "iam:GetRole".into(),
            detail: "denied".into(),
        }));
        let evaluation = evaluate(&f, &Target::from_facts(&f));
        assert_eq!(evaluation.decided_by, None);
        assert_eq!(evaluation.count(Verdict::Skipped), 6);
        assert!(check(&f).is_empty(), "check-skipped comes from checks::skipped");
    }

    #[test]
    fn key_policy_decides_with_the_identity_policy() {
        let other_principal = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/someone-else"},"Action":"kms:*","Resource":"*"}]}"#;
        let direct = r#"{"Statement":[{"Sid":"Poller","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
        let deny = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"NoDecrypt","Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#;
        let with_decrypt = allow(&["sqs:*", "logs:*", "kms:Decrypt"], "*");
        let without = allow(&["sqs:*", "logs:*"], "*");
        // (key policy, identity policy, decrypt verdict, decided by)
        let cases = [
            (DELEGATING_KEY_POLICY, with_decrypt.as_str(), Verdict::Allowed, Decider::Evaluator),
            (DELEGATING_KEY_POLICY, without.as_str(), Verdict::Missing, Decider::Evaluator),
            (other_principal, with_decrypt.as_str(), Verdict::Missing, Decider::KeyPolicy),
            (direct, without.as_str(), Verdict::Allowed, Decider::KeyPolicy),
            (deny, with_decrypt.as_str(), Verdict::Denied, Decider::KeyPolicy),
        ];
        for (i, (key_policy, identity, verdict, by)) in cases.into_iter().enumerate() {
            let mut f = facts(role_facts(&[("inline policy p", identity)], None, LAMBDA_SERVICE));
            f.queue = Some(queue(Encryption::Kms { key_id: "alias/orders".into() }, QUEUE, None));
            f.key = Some(Ok(KeyLookup::Found(key("Enabled", key_policy))));
            let evaluation = evaluate(&f, &Target::from_facts(&f));
            let decrypt = evaluation.permissions.iter().find(|p| p.action == KMS_DECRYPT).unwrap();
            assert_eq!((decrypt.decision, decrypt.decided_by), (verdict, Some(by)), "case {i}: {decrypt:?}");
            assert_eq!(decrypt.resource, KEY);
            assert_eq!(decrypt.fixable, i == 1, "case {i}");
        }
    }

    #[test]
    fn unresolved_key_is_skipped() {
        let mut f = facts(role_facts(&[], None, LAMBDA_SERVICE));
        f.queue = Some(queue(Encryption::Kms { key_id: "alias/orders".into() }, QUEUE, None));
        f.key = Some(Err(Unreadable { fact: "key".into(), permission: "kms:DescribeKey".into(), detail: "x".into() }));
        let evaluation = evaluate(&f, &Target::from_facts(&f));
        let decrypt = evaluation.permissions.iter().find(|p| p.action == KMS_DECRYPT).unwrap();
        assert_eq!(decrypt.decision, Verdict::Skipped);
        assert_eq!(decrypt.resource, "alias/orders");
    }

    #[test]
    fn cross_account_queue_needs_the_queue_policy() {
        let other = "arn:aws:sqs:us-east-1:210987654321:orders";
        let grants_role = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"sqs:*","Resource":"*"}]}"#;
        let full = allow(&["sqs:*", "logs:*"], "*");
        // (queue policy, expected verdict for each sqs action)
        let cases = [(None, Verdict::Missing), (Some(grants_role), Verdict::Allowed)];
        for (policy, verdict) in cases {
            let mut f = facts(role_facts(&[("inline policy full", &full)], None, LAMBDA_SERVICE));
            f.queue = Some(queue(Encryption::SseSqs, other, policy));
            let evaluation = evaluate(&f, &Target::from_facts(&f));
            for p in evaluation.permissions.iter().filter(|p| p.action.starts_with("sqs:")) {
                assert_eq!(p.decision, verdict, "{policy:?}");
                assert!(!p.fixable);
            }
            // checks::placement says it (cross-account-queue-policy), once: not repeated here.
            assert!(check(&f).is_empty());
        }
        // The same queue policy in the same account is not consulted.
        let mut f = facts(role_facts(&[("inline policy full", &full)], None, LAMBDA_SERVICE));
        f.queue = Some(queue(Encryption::SseSqs, QUEUE, None));
        assert!(check(&f).is_empty());
    }

    #[test]
    fn a_same_account_queue_policy_deny_wins() {
        let full = allow(&["sqs:*", "logs:*"], "*");
        let denies = r#"{"Statement":[{"Sid":"NoWorker","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"sqs:ReceiveMessage","Resource":"*"}]}"#;
        let mut f = facts(role_facts(&[("inline policy full", &full)], None, LAMBDA_SERVICE));
        f.queue = Some(queue(Encryption::SseSqs, QUEUE, Some(denies)));
        let findings = check(&f);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].code, FindingCode::RoleExplicitDeny);
        assert!(findings[0].message.contains("sqs:ReceiveMessage") && findings[0].message.contains("queue policy"));
        assert!(findings[0].remediation.as_deref().unwrap().contains(&format!("queue policy of {QUEUE}")));
        // A queue policy granting the role itself suffices in the same account.
        let grants = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"sqs:*","Resource":"*"}]}"#;
        let logs_only = allow(&["logs:*"], "*");
        let mut f = facts(role_facts(&[("inline policy logs", &logs_only)], None, LAMBDA_SERVICE));
        f.queue = Some(queue(Encryption::SseSqs, QUEUE, Some(grants)));
        assert!(check(&f).is_empty(), "{:#?}", check(&f));
    }

    #[test]
    fn trust_policy_must_name_lambda() {
        let full = allow(&["sqs:*", "logs:*"], "*");
        for (service, expected) in [(LAMBDA_SERVICE, 0), ("ec2.amazonaws.com", 1)] {
            let f = facts(role_facts(&[("inline policy full", &full)], None, service));
            let findings = check(&f);
            assert_eq!(findings.len(), expected, "{service}");
            if expected == 1 {
                assert_eq!(findings[0].code, FindingCode::RoleTrustMissingLambda);
                assert!(findings[0].remediation.as_deref().unwrap().contains(LAMBDA_SERVICE));
            }
        }
    }

    #[test]
    fn the_managed_sqs_execution_policy_lacks_decrypt() {
        // AWSLambdaSQSQueueExecutionRole: the SQS and logs actions on *, no kms:Decrypt.
        let managed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
        let mut f =
            facts(role_facts(&[("managed policy AWSLambdaSQSQueueExecutionRole", managed)], None, LAMBDA_SERVICE));
        assert!(check(&f).is_empty());
        f.queue = Some(queue(Encryption::Kms { key_id: KEY.into() }, QUEUE, None));
        f.key = Some(Ok(KeyLookup::Found(key("Enabled", DELEGATING_KEY_POLICY))));
        let findings = check(&f);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains(KMS_DECRYPT));
        let evaluation = evaluate(&f, &Target::from_facts(&f));
        assert_eq!(evaluation.fixable(), vec![Required { action: KMS_DECRYPT, resource: KEY.into() }]);
    }
}
