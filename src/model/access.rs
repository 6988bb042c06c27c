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
pub const QUEUE_ACTIONS: [&str; 3] = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
pub const KMS_DECRYPT: &str = "kms:Decrypt";
pub const LOG_ACTIONS: [&str; 3] = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

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
        Target { role, queue: facts.queue.as_ref().map(|q| q.arn.clone()), log_group_arn }
    }
}

/// The key the queue is encrypted with, when it uses SSE-KMS and the key exists.
pub fn key_target(facts: &TriggerFacts) -> Option<KeyTarget> {
    let Encryption::Kms { key_id } = &facts.queue.as_ref()?.encryption else {
        return None;
    };
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

/// Every permission the poller needs, each on its exact resource: the queue actions, then
/// `kms:Decrypt` when the queue uses SSE-KMS (never for SSE-SQS), then the logs actions.
pub fn required_permissions(
    queue: Option<&QueueArn>,
    key: Option<&KeyTarget>,
    log_group: Option<&str>,
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
        required.extend(LOG_ACTIONS.iter().map(|&action| Required { action, resource: group.to_owned() }));
    }
    required
}

/// What identity-based evaluation (ours or the simulator's) decided for one permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    Allowed {
        policy: String,
        sid: Option<String>,
    },
    Conditional {
        policy: String,
        sid: Option<String>,
        condition_keys: Vec<String>,
    },
    ExplicitDeny {
        policy: String,
        sid: Option<String>,
    },
    ImplicitDeny,
    DeniedByBoundary {
        boundary: String,
    },
    /// A service control policy of the organization denies it (only the simulator knows).
    DeniedByOrganizations,
}

impl From<Decision> for Access {
    fn from(decision: Decision) -> Access {
        match decision {
            Decision::Allowed { policy, sid } => Access::Allowed { policy, sid },
            Decision::AllowedUnderConditions { policy, sid, condition_keys } => {
                Access::Conditional { policy, sid, condition_keys }
            }
            Decision::ExplicitDeny { policy, sid } => Access::ExplicitDeny { policy, sid },
            Decision::ImplicitDeny => Access::ImplicitDeny,
            Decision::DeniedByBoundary { boundary } => Access::DeniedByBoundary { boundary },
        }
    }
}

/// One answer of `iam:SimulatePrincipalPolicy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulatedAccess {
    pub action: String,
    pub resource: String,
    pub access: Access,
}

/// What `iam:SimulatePrincipalPolicy` decided for the role, for each required permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    /// The role that was simulated.
    pub role: RoleArn,
    pub results: Vec<SimulatedAccess>,
}

impl Simulation {
    pub fn lookup(&self, action: &str, resource: &str) -> Option<&Access> {
        self.results.iter().find(|r| r.action.eq_ignore_ascii_case(action) && r.resource == resource).map(|r| &r.access)
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
