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
    SEND_MESSAGE, SimulatedAccess, Simulation, SimulatorAnswer, SimulatorDecision, Target, key_target,
    required_permissions,
};
use crate::model::facts::{KeyLookup, RoleFacts, TriggerFacts};
use crate::model::finding::Area;
use crate::model::{Finding, FindingCode, RoleArn, Severity};
use crate::policy::{self, Decision};
use crate::policy_gen;

pub mod simulator;
use simulator::{Identity, SimulatorNote};

/// The outcome for one permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionVerdict {
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

impl PermissionVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionVerdict::Allowed => "allowed",
            PermissionVerdict::Missing => "missing",
            PermissionVerdict::Conditional => "conditional",
            PermissionVerdict::Denied => "denied",
            PermissionVerdict::Skipped => "skipped",
        }
    }
}

/// One required permission and what decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PermissionCheck {
    pub action: String,
    pub resource: String,
    pub decision: PermissionVerdict,
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
    /// What iam:SimulatePrincipalPolicy answered, when that answer did not simply decide: it
    /// was not believed (`believed: false`), or our evaluator disagrees with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulator: Option<SimulatorNote>,
    /// Our evaluator's verdict, when it disagrees with the simulator's (which `decision` keeps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disagreement: Option<Disagreement>,
}

/// The evaluator's side of a disagreement with the simulator, and what could explain it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    pub evaluator: PermissionVerdict,
    pub evaluator_reason: String,
    pub explanation: String,
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

    pub fn count(&self, verdict: PermissionVerdict) -> usize {
        self.permissions.iter().filter(|p| p.decision == verdict).count()
    }
}

/// Decides every required permission of `target` from the facts.
pub fn evaluate(facts: &TriggerFacts, target: &Target) -> RoleEvaluation {
    let key = key_target(facts, target.role.as_ref());
    let required = target.required(key.as_ref());
    let role_facts = match &facts.role {
        Some(Ok(role)) => Some(role),
        _ => None,
    };
    let simulation = facts.simulation.as_ref().filter(|s| Some(&s.role) == target.role.as_ref());
    // The simulator decides the role's policies when at least one of its answers is believed.
    let believed = simulation.is_some_and(|s| s.results.iter().any(|r| r.answer.not_an_aws_answer().is_none()));
    let decided_by = match (believed, role_facts) {
        (true, _) => Some(Decider::Simulator),
        (false, Some(_)) => Some(Decider::Evaluator),
        (false, None) => None,
    };
    let permissions = required
        .iter()
        .map(|req| {
            if let Some(KeyTarget::Unresolved(key_id)) = &key
                && req.action == KMS_DECRYPT
            {
                return skipped(req, &format!("the ARN of key {key_id} is unknown: DescribeKey could not be read"));
            }
            let simulated = simulation.and_then(|s| s.lookup(req.action, &req.resource));
            let evaluated = role_facts.map(|r| identity_access(r, req));
            let resource = target.role.as_ref().and_then(|role| resource_access(facts, role, req));
            decide_both(req, simulator::identity(simulated, evaluated), resource.as_ref())
        })
        .collect();
    RoleEvaluation { role: target.role.clone(), decided_by, permissions }
}

/// `decide`, with the identity verdict `simulator::identity` chose, the simulator's answer
/// noted when it was set aside, and the evaluator's verdict kept when it disagrees.
fn decide_both(req: &Required, identity: Option<Identity>, resource: Option<&ResourceAccess>) -> PermissionCheck {
    match identity {
        None => decide(req, None, resource),
        Some(Identity::Decided { access, by, note }) => {
            let mut check = decide(req, Some((access, by)), resource);
            if let Some(note) = note {
                if check.decided_by == Some(Decider::Evaluator) {
                    check.reason = format!("{} ({})", check.reason, note.sentence());
                }
                check.simulator = Some(note);
            }
            check
        }
        Some(Identity::Disputed { simulator: by_simulator, evaluator, note }) => {
            let mut check = decide(req, Some((by_simulator.clone(), Decider::Simulator)), resource);
            // A resource policy that decides on its own settles it either way.
            if check.decided_by == Some(Decider::Simulator) {
                let other = decide(req, Some((evaluator, Decider::Evaluator)), resource);
                if other.decision != check.decision {
                    check.disagreement = Some(Disagreement {
                        evaluator: other.decision,
                        evaluator_reason: other.reason,
                        explanation: simulator::explanation(&by_simulator).to_owned(),
                    });
                    check.simulator = Some(note);
                    check.fixable = false;
                }
            }
            check
        }
        Some(Identity::Undecided(why)) => {
            let check = decide(req, None, resource);
            if check.decision == PermissionVerdict::Skipped { skipped(req, &why) } else { check }
        }
    }
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
        // The queue policy as it applies to the poller's requests: conditions on what is known
        // of them (the role as principal, no VPC endpoint) are decided, the rest stay open.
        let poller = policy::KnownContext::lambda_poller(&role.to_string(), role.account());
        let resolved = queue.policy.as_ref().map(|doc| policy::resolve_conditions(doc, &poller));
        if queue.arn.account() == role.account() {
            let doc = resolved.as_ref()?;
            let grant =
                policy::evaluate_resource_policy(doc, &role.to_string(), role.account(), req.action, &req.resource);
            return match grant {
                policy::ResourceGrant::ExplicitDeny { .. } | policy::ResourceGrant::Direct { .. } => {
                    Some(ResourceAccess { policy, grant, direct_suffices: true, decider: Decider::QueuePolicy })
                }
                _ => None,
            };
        }
        let grant = match &resolved {
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
        decision: PermissionVerdict::Skipped,
        policy: None,
        sid: None,
        condition_keys: Vec::new(),
        decided_by: None,
        reason: reason.to_owned(),
        fixable: false,
        simulator: None,
        disagreement: None,
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
    // An explicit Deny in the role's own policies wins over everything.
    if let Some((Access::Decided(Decision::ExplicitDeny { policy, sid }), by)) = &identity {
        let reason = format!("explicitly denied by {policy}{}", sid_label(sid));
        return Decided::new(PermissionVerdict::Denied, Some(policy.clone()), sid.clone(), vec![], *by, reason)
            .check(req);
    }
    let resource_keys = match resource.map(resource_decision) {
        Some(ResourceSays::Decides(decided)) => return decided.check(req),
        Some(ResourceSays::Conditions(keys)) => keys,
        None => vec![],
    };
    match identity {
        Some((access, by)) => identity_decision(access, by, resource, resource_keys).check(req),
        None => skipped(req, "the role's policies could not be read and the simulator was not available"),
    }
}

/// One permission's outcome, before it is attached to the permission.
struct Decided {
    verdict: PermissionVerdict,
    policy: Option<String>,
    sid: Option<String>,
    condition_keys: Vec<String>,
    by: Decider,
    reason: String,
    /// Whether an Allow in the role's own policy would grant it.
    fixable: bool,
}

impl Decided {
    fn new(
        verdict: PermissionVerdict,
        policy: Option<String>,
        sid: Option<String>,
        condition_keys: Vec<String>,
        by: Decider,
        reason: String,
    ) -> Decided {
        Decided { verdict, policy, sid, condition_keys, by, reason, fixable: false }
    }

    fn check(self, req: &Required) -> PermissionCheck {
        PermissionCheck {
            decision: self.verdict,
            policy: self.policy,
            sid: self.sid,
            condition_keys: self.condition_keys,
            decided_by: Some(self.by),
            reason: self.reason,
            fixable: self.fixable,
            ..skipped(req, "")
        }
    }
}

/// What a resource policy says: it decides on its own (a Deny, no grant, or a same-account
/// grant), or it leaves the decision to the role's policies under these conditions.
enum ResourceSays {
    Decides(Decided),
    Conditions(Vec<String>),
}

fn resource_decision(r: &ResourceAccess) -> ResourceSays {
    use policy::ResourceGrant as G;
    let decided = |verdict, sid: &Option<String>, keys: Vec<String>, reason: String| {
        ResourceSays::Decides(Decided::new(verdict, Some(r.policy.clone()), sid.clone(), keys, r.decider, reason))
    };
    match &r.grant {
        G::ExplicitDeny { sid } => decided(
            PermissionVerdict::Denied,
            sid,
            vec![],
            format!("explicitly denied by {}{}", r.policy, sid_label(sid)),
        ),
        G::NotGranted => {
            let reason = match r.decider {
                Decider::KeyPolicy => format!("{} neither grants the role nor delegates to IAM", r.policy),
                _ => format!("{} does not grant the role or its account", r.policy),
            };
            decided(PermissionVerdict::Missing, &None, vec![], reason)
        }
        G::Direct { sid, condition_keys } if r.direct_suffices && condition_keys.is_empty() => decided(
            PermissionVerdict::Allowed,
            sid,
            vec![],
            format!("granted to the role by {}{}", r.policy, sid_label(sid)),
        ),
        G::Direct { sid, condition_keys } if r.direct_suffices => {
            let reason = format!(
                "granted to the role by {}{} only if conditions on {} hold",
                r.policy,
                sid_label(sid),
                condition_keys.join(", ")
            );
            decided(PermissionVerdict::Conditional, sid, condition_keys.clone(), reason)
        }
        G::Direct { condition_keys, .. } | G::DelegatedToAccount { condition_keys, .. } => {
            ResourceSays::Conditions(condition_keys.clone())
        }
    }
}

/// What the role's own policies (or the simulator) decide, with the resource policy's
/// conditions, when the resource policy left the decision to them.
fn identity_decision(
    access: Access,
    by: Decider,
    resource: Option<&ResourceAccess>,
    resource_keys: Vec<String>,
) -> Decided {
    let resource_note = match resource {
        Some(r) if !resource_keys.is_empty() => format!(" and by {} only if conditions hold", r.policy),
        _ => String::new(),
    };
    match access {
        Access::Decided(Decision::Allowed { policy, sid }) if resource_keys.is_empty() => {
            let reason = format!("allowed by {}{}", policy_label(&policy), sid_label(&sid));
            Decided::new(PermissionVerdict::Allowed, Some(policy), sid, vec![], by, reason)
        }
        Access::Decided(Decision::Allowed { policy, sid }) => {
            let reason = format!(
                "allowed by {}{}{resource_note} ({})",
                policy_label(&policy),
                sid_label(&sid),
                resource_keys.join(", ")
            );
            Decided::new(PermissionVerdict::Conditional, Some(policy), sid, resource_keys, by, reason)
        }
        Access::Decided(Decision::AllowedUnderConditions { policy, sid, mut condition_keys }) => {
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
            Decided::new(PermissionVerdict::Conditional, Some(policy), sid, condition_keys, by, reason)
        }
        Access::Decided(Decision::ExplicitDeny { policy, sid }) => {
            let reason = format!("explicitly denied by {policy}{}", sid_label(&sid));
            Decided::new(PermissionVerdict::Denied, Some(policy), sid, vec![], by, reason)
        }
        Access::Decided(Decision::ImplicitDeny) => Decided {
            fixable: true,
            ..Decided::new(
                PermissionVerdict::Missing,
                None,
                None,
                vec![],
                by,
                "no statement in the role's policies allows it".into(),
            )
        },
        Access::Decided(Decision::DeniedByBoundary { boundary }) => {
            let reason = format!("the permissions boundary {boundary} does not allow it");
            Decided::new(PermissionVerdict::Missing, Some(boundary), None, vec![], by, reason)
        }
        Access::DeniedByOrganizations => Decided::new(
            PermissionVerdict::Missing,
            None,
            None,
            vec![],
            by,
            "a service control policy of the organization denies it".into(),
        ),
    }
}

/// Whether the execution role may `sqs:SendMessage` to the queue that triggers the function
/// (a recursive loop is then possible): allowed or conditionally allowed by the simulator or
/// the role's policies, or granted by the queue policy. None when it cannot be decided.
pub fn may_send_to_queue(facts: &TriggerFacts) -> Option<bool> {
    let target = Target::from_facts(facts);
    let role = target.role.as_ref()?;
    let req = Required { action: SEND_MESSAGE, resource: target.queue.as_ref()?.to_string() };
    let simulated =
        facts.simulation.as_ref().filter(|s| &s.role == role).and_then(|s| s.lookup(req.action, &req.resource));
    let evaluated = match &facts.role {
        Some(Ok(r)) => Some(identity_access(r, &req)),
        _ => None,
    };
    let resource = resource_access(facts, role, &req);
    match decide_both(&req, simulator::identity(simulated, evaluated), resource.as_ref()).decision {
        PermissionVerdict::Allowed | PermissionVerdict::Conditional => Some(true),
        PermissionVerdict::Missing | PermissionVerdict::Denied => Some(false),
        PermissionVerdict::Skipped => None,
    }
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
        // The poller needs only the queue (and key) actions: without the logs actions the
        // function still runs, but nothing it prints is seen (a warning, not a refusal).
        let logs = p.action.starts_with("logs:");
        let severity = if logs { Severity::Warning } else { Severity::Error };
        let output = if logs {
            ": Lambda still polls the queue and runs the function, but its output is never seen (and the probe \
             cannot confirm a run from its logs)"
        } else {
            ""
        };
        if let Some(d) = &p.disagreement {
            findings.push(disagreement_finding(&role, p, d, &what, logs));
            continue;
        }
        match p.decision {
            PermissionVerdict::Allowed | PermissionVerdict::Skipped => {}
            PermissionVerdict::Missing if p.decided_by == Some(Decider::KeyPolicy) => {}
            // Across accounts `cross-account-queue-policy` (checks::placement) says it, once for
            // the queue; a Deny in the queue policy of the role's own account is said here.
            PermissionVerdict::Missing if p.decided_by == Some(Decider::QueuePolicy) => {}
            PermissionVerdict::Denied
                if p.decided_by == Some(Decider::QueuePolicy)
                    && evaluation.role.as_ref().is_none_or(|r| arn_account(&p.resource) != Some(r.account())) => {}
            PermissionVerdict::Missing => {
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
                    Finding::new(
                        FindingCode::RoleMissingPermission,
                        severity,
                        role.clone(),
                        format!("the role is not allowed {what}: {}{}{output}", p.reason, decider(p)),
                    )
                    .fix(fix)
                    .about(&p.action, p.decided_by),
                );
            }
            PermissionVerdict::Conditional => findings.push(
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
                ))
                .about(&p.action, p.decided_by),
            ),
            PermissionVerdict::Denied => findings.push(
                Finding::new(
                    FindingCode::RoleExplicitDeny,
                    severity,
                    role.clone(),
                    format!("{what} is {}{}: a Deny overrides every Allow{output}", p.reason, decider(p)),
                )
                .fix(format!(
                    "remove or narrow that Deny statement in {} (adding an Allow cannot override it)",
                    p.policy.as_deref().unwrap_or("the deciding policy")
                ))
                .about(&p.action, p.decided_by),
            ),
        }
    }
    findings
}

/// `role-simulator-disagrees`: both verdicts, the statements the simulator named, and what could
/// explain the difference. An error when the simulator (which sees what the tool cannot) says
/// the poller may not, a warning when it says the poller may; the logs actions are warnings.
fn disagreement_finding(role: &str, p: &PermissionCheck, d: &Disagreement, what: &str, logs: bool) -> Finding {
    let denied = matches!(p.decision, PermissionVerdict::Missing | PermissionVerdict::Denied);
    let severity = if denied && !logs { Severity::Error } else { Severity::Warning };
    let said = p.simulator.as_ref().map(SimulatorNote::sentence).unwrap_or_default();
    Finding::new(
        FindingCode::RoleSimulatorDisagrees,
        severity,
        role.to_owned(),
        format!(
            "iam:SimulatePrincipalPolicy and sqs-trigger's policy evaluator disagree on {what}: the simulator says \
             {} ({said}: {}); the evaluator, over the policies the tool read, says {} ({}). What could explain it: {}",
            p.decision.as_str(),
            p.reason,
            d.evaluator.as_str(),
            d.evaluator_reason,
            d.explanation
        ),
    )
    .fix(format!(
        "compare what the simulator matched with the role's policies: aws iam simulate-principal-policy \
         --policy-source-arn {role} --action-names {} --resource-arns {}; then check the organization's service \
         control policies and the role's permissions boundary",
        p.action, p.resource
    ))
    .about(&p.action, p.decided_by)
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
    findings.extend(super::skipped_in(facts, &[Area::Role, Area::Encryption, Area::Placement]));
    super::finish(findings)
}

/// `cross-account-queue-policy` for what the queue policy withholds from the role.
pub fn queue_policy_findings(evaluation: &RoleEvaluation) -> Vec<Finding> {
    let role = evaluation.role.as_ref().map(ToString::to_string).unwrap_or_default();
    evaluation
        .permissions
        .iter()
        .filter(|p| p.decided_by == Some(Decider::QueuePolicy))
        .filter(|p| matches!(p.decision, PermissionVerdict::Missing | PermissionVerdict::Denied))
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
pub(crate) mod tests;
