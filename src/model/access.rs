//! What the Lambda poller needs of an execution role, and how a decision about one
//! permission is recorded: the requirements the checks, the gatherer (for the simulator) and
//! the policy generator all take from here, so none of them imports another.

use serde::Serialize;

use super::arn::log_group_arn;
use super::facts::{Encryption, KeyLookup, TriggerFacts};
use super::{KeyArn, QueueArn, RoleArn};
use crate::policy::{self, Decision};

/// The service principal a Lambda execution role must trust.
pub const LAMBDA_SERVICE: &str = "lambda.amazonaws.com";
pub const DELETE_MESSAGE: &str = "sqs:DeleteMessage";
pub const QUEUE_ACTIONS: [&str; 3] = ["sqs:ReceiveMessage", DELETE_MESSAGE, "sqs:GetQueueAttributes"];
pub const KMS_DECRYPT: &str = "kms:Decrypt";
/// Not needed by the poller: asked to tell whether the function could feed its own queue.
pub const SEND_MESSAGE: &str = "sqs:SendMessage";
pub const LOG_ACTIONS: [&str; 3] = [LOG_CREATE_GROUP, "logs:CreateLogStream", "logs:PutLogEvents"];
pub const LOG_CREATE_GROUP: &str = "logs:CreateLogGroup";

/// One permission the poller needs, on its exact resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Required {
    pub action: &'static str,
    pub resource: String,
}

/// The key of an SSE-KMS queue, as far as it is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyTarget {
    Arn(KeyArn),
    /// The key could not be resolved to an ARN (DescribeKey unreadable); holds the queue's `KmsMasterKeyId`.
    Unresolved(String),
}

/// Who and what the role checks are about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    pub role: Option<RoleArn>,
    pub queue: Option<QueueArn>,
    /// The function's log group ARN (`arn:…:log-group:NAME:*`).
    pub log_group_arn: Option<String>,
    /// The log group is known to exist: `logs:CreateLogGroup` is then not needed.
    pub log_group_exists: bool,
}

impl Target {
    /// Reads the target from the facts: the role from the role facts (else the simulation,
    /// else the function's configuration), the log group from the function.
    pub fn from_facts(facts: &TriggerFacts) -> Target {
        let role = match &facts.role {
            Some(Ok(role)) => Some(role.arn.clone()),
            _ => facts
                .simulation
                .as_ref()
                .map(|s| s.role.clone())
                .or_else(|| facts.function.as_ref().map(|f| f.role.clone())),
        };
        let log_group_arn = facts
            .function
            .as_ref()
            .map(|f| log_group_arn(f.arn.partition(), f.arn.region(), f.arn.account(), &f.log_group));
        let log_group_exists = matches!(facts.log_group_exists, Some(Ok(true)));
        Target { role, queue: facts.queue.as_ref().map(|q| q.arn.clone()), log_group_arn, log_group_exists }
    }

    /// The permissions the role needs for this target, with the key of the queue (if any).
    pub fn required(&self, key: Option<&KeyTarget>) -> Vec<Required> {
        required_permissions(self.queue.as_ref(), key, self.log_group_arn.as_deref(), self.log_group_exists)
    }
}

/// The key whose `kms:Decrypt` the role needs: the queue's, when it uses SSE-KMS with a key that
/// exists. Not the AWS managed key `aws/sqs` for a role of the queue's own account: its key
/// policy already lets every principal of the account use it through SQS
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html>);
/// across accounts `cross-account-aws-managed-key` says it can never work.
pub fn key_target(facts: &TriggerFacts, role: Option<&RoleArn>) -> Option<KeyTarget> {
    let queue = facts.queue.as_ref()?;
    let Encryption::Kms { key_id } = &queue.encryption else {
        return None;
    };
    let aws_managed = match &facts.key {
        Some(Ok(KeyLookup::Found(key))) => key.manager == super::facts::KeyManager::Aws,
        _ => is_aws_sqs_alias(key_id),
    };
    if aws_managed && role.is_some_and(|r| r.account() == queue.arn.account()) {
        return None;
    }
    match &facts.key {
        Some(Ok(KeyLookup::Found(key))) => Some(KeyTarget::Arn(key.arn.clone())),
        // kms-key-not-found says it; there is no key to be allowed on.
        Some(Ok(KeyLookup::NotFound { .. })) => None,
        _ => Some(match key_id.parse::<KeyArn>() {
            Ok(arn) => KeyTarget::Arn(arn),
            Err(_) => KeyTarget::Unresolved(key_id.clone()),
        }),
    }
}

/// `alias/aws/sqs`, as a queue's `KmsMasterKeyId` may name it (alone or as an alias ARN).
pub fn is_aws_sqs_alias(key_id: &str) -> bool {
    key_id == "alias/aws/sqs" || key_id.ends_with(":alias/aws/sqs")
}

/// Every permission the poller needs, each on its exact resource: the queue actions, then
/// `kms:Decrypt` when the queue uses SSE-KMS (never for SSE-SQS), then the logs actions the
/// function needs for its output to be seen (`logs:CreateLogGroup` only while the group does
/// not exist: Lambda creates it on the first write).
pub fn required_permissions(
    queue: Option<&QueueArn>,
    key: Option<&KeyTarget>,
    log_group: Option<&str>,
    log_group_exists: bool,
) -> Vec<Required> {
    let mut required = Vec::new();
    if let Some(queue) = queue {
        required.extend(QUEUE_ACTIONS.iter().map(|&action| Required { action, resource: queue.to_string() }));
    }
    match key {
        Some(KeyTarget::Arn(key)) => required.push(Required { action: KMS_DECRYPT, resource: key.to_string() }),
        Some(KeyTarget::Unresolved(key_id)) => {
            required.push(Required { action: KMS_DECRYPT, resource: key_id.clone() })
        }
        None => {}
    }
    if let Some(group) = log_group {
        required.extend(
            LOG_ACTIONS
                .iter()
                .filter(|&&action| !(log_group_exists && action == LOG_CREATE_GROUP))
                .map(|&action| Required { action, resource: group.to_owned() }),
        );
    }
    required
}

/// What identity-based evaluation (ours or the simulator's) decided for one permission: our
/// evaluator's `Decision`, or what only the simulator can know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    Decided(Decision),
    /// A service control policy of the organization denies it (only the simulator knows).
    DeniedByOrganizations,
}

impl From<Decision> for Access {
    fn from(decision: Decision) -> Access {
        Access::Decided(decision)
    }
}

/// One answer of `iam:SimulatePrincipalPolicy`: the permission and what the simulator said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulatedAccess {
    pub action: String,
    pub resource: String,
    pub answer: SimulatorAnswer,
}

/// `EvalDecision` (or a resource's `EvalResourceDecision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SimulatorDecision {
    #[serde(rename = "allowed")]
    Allowed,
    #[serde(rename = "explicitDeny")]
    ExplicitDeny,
    #[serde(rename = "implicitDeny")]
    ImplicitDeny,
}

impl SimulatorDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            SimulatorDecision::Allowed => "allowed",
            SimulatorDecision::ExplicitDeny => "explicitDeny",
            SimulatorDecision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// What the simulator answered for one permission on one resource, as it said it: the decision
/// and everything it gave to back it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulatorAnswer {
    pub decision: SimulatorDecision,
    /// The `SourcePolicyId` of each matched statement (a statement without one is named by its
    /// `SourcePolicyType`, or "an unnamed statement").
    pub statements: Vec<String>,
    /// `PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary`, when given.
    pub boundary_allows: Option<bool>,
    /// `OrganizationsDecisionDetail.AllowedByOrganizations`, when given.
    pub organizations_allow: Option<bool>,
    /// `MissingContextValues`.
    pub missing_context: Vec<String>,
}

impl SimulatorAnswer {
    /// What the answer decides, in the terms our evaluator uses.
    pub fn access(&self) -> Access {
        let policy = self.statements.join(", ");
        match self.decision {
            SimulatorDecision::Allowed => Access::Decided(Decision::Allowed { policy, sid: None }),
            // A Deny statement of the role's own policies, named.
            SimulatorDecision::ExplicitDeny if !self.statements.is_empty() => {
                Access::Decided(Decision::ExplicitDeny { policy, sid: None })
            }
            // Otherwise what the simulator says decided it: the boundary, an SCP.
            _ if self.boundary_allows == Some(false) => {
                Access::Decided(Decision::DeniedByBoundary { boundary: "the role's permissions boundary".into() })
            }
            _ if self.organizations_allow == Some(false) => Access::DeniedByOrganizations,
            SimulatorDecision::ExplicitDeny => Access::Decided(Decision::ExplicitDeny { policy, sid: None }),
            _ if !self.missing_context.is_empty() => Access::Decided(Decision::AllowedUnderConditions {
                policy,
                sid: None,
                condition_keys: self.missing_context.clone(),
            }),
            _ => Access::Decided(Decision::ImplicitDeny),
        }
    }

    /// Why this is not an answer AWS gives, or None when it is. AWS names the statement that
    /// decides an `allowed` and the Deny statement of an `explicitDeny` ("the deny statement is
    /// the only entry included in the result", API_EvaluationResult); an explicit Deny it does
    /// not name comes with the Organizations or permissions-boundary detail that decided it.
    /// An `implicitDeny` names no statement: nothing matched.
    pub fn not_an_aws_answer(&self) -> Option<String> {
        if !self.statements.is_empty() {
            return None;
        }
        match self.decision {
            SimulatorDecision::Allowed => Some("`allowed` naming no statement that allows it".to_owned()),
            SimulatorDecision::ExplicitDeny
                if self.organizations_allow != Some(false) && self.boundary_allows != Some(false) =>
            {
                Some("`explicitDeny` naming no Deny statement and no Organizations or boundary detail".to_owned())
            }
            _ => None,
        }
    }
}

/// What `iam:SimulatePrincipalPolicy` decided for the role, for each required permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    /// The role that was simulated.
    pub role: RoleArn,
    pub results: Vec<SimulatedAccess>,
}

impl Simulation {
    pub fn lookup(&self, action: &str, resource: &str) -> Option<&SimulatorAnswer> {
        self.results.iter().find(|r| r.action.eq_ignore_ascii_case(action) && r.resource == resource).map(|r| &r.answer)
    }
}

/// How a resource policy (key policy, queue policy) treats the role for one permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceAccess {
    /// The policy's name for reports, e.g. "key policy of arn:…".
    pub policy: String,
    pub grant: policy::ResourceGrant,
    /// Whether a direct grant is enough on its own (same account); across accounts the
    /// identity policy must allow it too.
    pub direct_suffices: bool,
    pub decider: Decider,
}

/// What decided a permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decider {
    /// `iam:SimulatePrincipalPolicy`.
    Simulator,
    /// Our evaluator over the role's policies and boundary.
    Evaluator,
    KeyPolicy,
    QueuePolicy,
}

impl Decider {
    pub fn as_str(self) -> &'static str {
        match self {
            Decider::Simulator => "simulator",
            Decider::Evaluator => "evaluator",
            Decider::KeyPolicy => "key policy",
            Decider::QueuePolicy => "queue policy",
        }
    }
}
