//! Fact structs: what gathering read from AWS, in plain data. Checks take these and
//! never call AWS, so every rule is a unit test over hand-built facts.

use std::collections::BTreeMap;

use serde::Serialize;

use super::arn::{FunctionArn, KeyArn, QueueArn, RoleArn};
use super::names::{QueueName, QueueUrl};
use crate::policy::{NamedPolicy, PolicyDocument};

/// A fact that could not be read: the check that needs it is skipped, and says why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// Which fact it is, for code that decides by it (never by the wording of `fact`).
    #[serde(skip)]
    pub kind: FactKind,
    /// What could not be read, e.g. "the key policy of arn:aws:kms:...".
    pub fact: String,
    /// The permission the caller lacked or the reason, e.g. "kms:GetKeyPolicy".
    pub permission: String,
    /// The AWS error, verbatim.
    pub detail: String,
}

/// Which fact could not be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FactKind {
    Queue,
    Function,
    #[default]
    Other,
}

/// Either the fact, or why it could not be read.
pub type Fact<T> = Result<T, Unreadable>;

/// How a queue is encrypted at rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Encryption {
    None,
    /// SSE-SQS: keys managed by SQS, nothing for the role to do.
    SseSqs,
    /// SSE-KMS with the key as the queue names it (alias, id or ARN).
    Kms {
        key_id: String,
    },
}

impl std::fmt::Display for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Encryption::None => f.write_str("unencrypted"),
            Encryption::SseSqs => f.write_str("SSE-SQS"),
            Encryption::Kms { key_id } => write!(f, "SSE-KMS {key_id}"),
        }
    }
}

/// A queue's `RedrivePolicy`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redrive {
    pub dead_letter_target_arn: QueueArn,
    pub max_receive_count: u32,
}

/// Approximate message counts, from the queue's attributes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QueueDepth {
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
}

impl QueueDepth {
    pub fn total(&self) -> u64 {
        self.visible + self.in_flight + self.delayed
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueFacts {
    pub name: QueueName,
    pub url: QueueUrl,
    pub arn: QueueArn,
    pub fifo: bool,
    pub visibility_timeout_secs: u32,
    pub encryption: Encryption,
    pub redrive: Option<Redrive>,
    /// The queue's resource policy, parsed (None when the queue has none).
    #[serde(skip)]
    pub policy: Option<PolicyDocument>,
    pub depth: QueueDepth,
    pub tags: BTreeMap<String, String>,
}

impl QueueFacts {
    pub fn is_managed(&self) -> bool {
        self.tags.get(crate::MANAGED_BY_TAG).is_some_and(|v| v == crate::MANAGED_BY_VALUE)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunctionFacts {
    pub arn: FunctionArn,
    pub timeout_secs: u32,
    /// `Active`, `Pending`, `Inactive`, `Failed`, as Lambda reports it (None when not reported).
    pub state: Option<String>,
    pub state_reason: Option<String>,
    /// `StateReasonCode` (e.g. `InvalidSubnet`, `ImageDeleted`): what a `Failed` state names as
    /// its cause.
    pub state_reason_code: Option<String>,
    pub last_update_status: Option<String>,
    pub role: RoleArn,
    pub runtime: Option<String>,
    /// Reserved concurrency: Some(0) means the function is throttled.
    pub reserved_concurrency: Option<i32>,
    /// The log group the function writes to (its LoggingConfig group, else /aws/lambda/NAME).
    pub log_group: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleFacts {
    pub arn: RoleArn,
    #[serde(skip)]
    pub trust_policy: Option<PolicyDocument>,
    /// Inline and attached managed policies, each named for the report.
    #[serde(skip)]
    pub policies: Vec<NamedPolicy>,
    #[serde(skip)]
    pub boundary: Option<NamedPolicy>,
    pub policy_names: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyManager {
    Aws,
    Customer,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyFacts {
    pub arn: KeyArn,
    pub manager: KeyManager,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    pub state: String,
    #[serde(skip)]
    pub policy: Fact<PolicyDocument>,
}

impl KeyFacts {
    pub fn is_enabled(&self) -> bool {
        self.state == "Enabled"
    }
}

/// What KMS said about the queue's key.
// One per trigger, read once: the size of the found variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum KeyLookup {
    Found(KeyFacts),
    NotFound { key_id: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MappingFacts {
    pub uuid: String,
    /// `EventSourceMappingArn` (where the endpoint reports it): what its tags hang on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub queue_arn: QueueArn,
    pub function_arn: FunctionArn,
    pub state: MappingState,
    pub batch_size: Option<i32>,
    pub batch_window_secs: Option<i32>,
    pub max_concurrency: Option<i32>,
    pub report_batch_item_failures: bool,
    pub filters: Vec<String>,
    pub last_processing_result: Option<String>,
    pub state_transition_reason: Option<String>,
}

impl MappingFacts {
    /// Whether the mapping polls (or is about to): see [`MappingState::is_enabled`].
    pub fn is_enabled(&self) -> bool {
        self.state.is_enabled()
    }
}

/// A mapping's `State`, as Lambda reports it
/// ([EventSourceMappingConfiguration](https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappingState {
    Creating,
    Enabling,
    Enabled,
    Disabling,
    Disabled,
    Updating,
    Deleting,
    /// A state this tool does not know (a newer API), kept verbatim.
    Other(String),
}

impl MappingState {
    pub fn parse(text: &str) -> MappingState {
        match text {
            "Creating" => MappingState::Creating,
            "Enabling" => MappingState::Enabling,
            "Enabled" => MappingState::Enabled,
            "Disabling" => MappingState::Disabling,
            "Disabled" => MappingState::Disabled,
            "Updating" => MappingState::Updating,
            "Deleting" => MappingState::Deleting,
            other => MappingState::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            MappingState::Creating => "Creating",
            MappingState::Enabling => "Enabling",
            MappingState::Enabled => "Enabled",
            MappingState::Disabling => "Disabling",
            MappingState::Disabled => "Disabled",
            MappingState::Updating => "Updating",
            MappingState::Deleting => "Deleting",
            MappingState::Other(s) => s,
        }
    }

    /// Polls, or will once the transition ends: the one definition every command uses (a
    /// mapping being deleted or disabled does not count).
    pub fn is_enabled(&self) -> bool {
        matches!(self, MappingState::Enabled | MappingState::Enabling | MappingState::Creating | MappingState::Updating)
    }

    /// Disabled, or on its way there.
    pub fn is_disabled(&self) -> bool {
        matches!(self, MappingState::Disabled | MappingState::Disabling)
    }

    /// `Enabled` or `Disabled`: no transition under way.
    pub fn is_settled(&self) -> bool {
        matches!(self, MappingState::Enabled | MappingState::Disabled)
    }
}

impl std::fmt::Display for MappingState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for MappingState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The mapping flags as the user gave them: `None` means "not given", which on an existing
/// mapping means keep (defaults apply only when creating).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MappingFlags {
    pub batch_size: Option<i32>,
    pub batch_window_secs: Option<i32>,
    pub max_concurrency: Option<i32>,
    /// `--report-batch-item-failures` (true) or `--no-report-batch-item-failures` (false).
    pub report_batch_item_failures: Option<bool>,
    /// `--filter` (the new list) or `--clear-filters` (an empty list).
    pub filters: Option<Vec<String>>,
    /// `--enable` (true) or `--disabled` (false).
    pub enabled: Option<bool>,
}

impl MappingFlags {
    /// The settings the mapping will have: the flags given, the rest kept from the existing
    /// mapping, or (creating) Lambda's defaults.
    pub fn settle(&self, existing: Option<&MappingFacts>) -> MappingRequest {
        match existing {
            Some(m) => MappingRequest {
                batch_size: self.batch_size.or(m.batch_size),
                batch_window_secs: self.batch_window_secs.or(m.batch_window_secs),
                max_concurrency: self.max_concurrency.or(m.max_concurrency),
                report_batch_item_failures: self.report_batch_item_failures.unwrap_or(m.report_batch_item_failures),
                filters: self.filters.clone().unwrap_or_else(|| m.filters.clone()),
                enabled: self.enabled.unwrap_or_else(|| m.is_enabled()),
            },
            None => MappingRequest {
                batch_size: self.batch_size,
                batch_window_secs: self.batch_window_secs,
                max_concurrency: self.max_concurrency,
                report_batch_item_failures: self.report_batch_item_failures.unwrap_or(false),
                filters: self.filters.clone().unwrap_or_default(),
                enabled: self.enabled.unwrap_or(true),
            },
        }
    }
}

/// The account's Lambda concurrency in this region (`GetAccountSettings`' `AccountLimit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AccountConcurrency {
    /// `ConcurrentExecutions`: the account's concurrency quota.
    pub limit: i32,
    /// `UnreservedConcurrentExecutions`: what functions without a reservation share.
    pub unreserved: i32,
}

/// A function's `RecursiveLoop` setting (`GetFunctionRecursionConfig`): `Terminate` (the
/// default) stops a loop Lambda detects, `Allow` lets it run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecursiveLoop {
    Terminate,
    Allow,
    /// A value this tool does not know (a newer API), kept verbatim.
    Other(String),
}

impl RecursiveLoop {
    pub fn parse(text: &str) -> RecursiveLoop {
        match text {
            "Terminate" => RecursiveLoop::Terminate,
            "Allow" => RecursiveLoop::Allow,
            other => RecursiveLoop::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            RecursiveLoop::Terminate => "Terminate",
            RecursiveLoop::Allow => "Allow",
            RecursiveLoop::Other(s) => s,
        }
    }
}

impl Serialize for RecursiveLoop {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Who is calling: from STS GetCallerIdentity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallerFacts {
    pub account: String,
    pub arn: String,
}

/// The mapping settings a user asked for (`mapping create`, `setup`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MappingRequest {
    pub batch_size: Option<i32>,
    pub batch_window_secs: Option<i32>,
    pub max_concurrency: Option<i32>,
    pub report_batch_item_failures: bool,
    /// Filter patterns, each a JSON document.
    pub filters: Vec<String>,
    /// False with `--disabled`.
    pub enabled: bool,
}

/// Everything the checks may read about one queue → function trigger. A field is `None`
/// when it was not gathered (or does not apply); a `Fact` is `Err` when it could not be read.
#[derive(Clone, Debug, Default)]
pub struct TriggerFacts {
    /// The region requests went to.
    pub region: String,
    pub caller: Option<CallerFacts>,
    pub queue: Option<QueueFacts>,
    /// The queue's dead-letter queue, when it has a redrive policy.
    pub dlq: Option<Fact<QueueFacts>>,
    pub function: Option<FunctionFacts>,
    pub role: Option<Fact<RoleFacts>>,
    /// The queue's KMS key, when the queue uses SSE-KMS.
    pub key: Option<Fact<KeyLookup>>,
    /// The existing mappings between this queue and this function.
    pub mappings: Option<Fact<Vec<MappingFacts>>>,
    /// The queue's mappings to other functions (another alias or version included): other
    /// consumers of its messages.
    pub other_mappings: Option<Fact<Vec<MappingFacts>>>,
    /// Whether the function's log group exists (`logs:CreateLogGroup` is needed only if not).
    pub log_group_exists: Option<Fact<bool>>,
    /// The account's concurrency quota and what is left unreserved.
    pub account_concurrency: Option<Fact<AccountConcurrency>>,
    /// The function's recursive loop detection setting.
    pub recursive_loop: Option<Fact<RecursiveLoop>>,
    /// What `mapping create`/`setup` is about to ask for.
    pub request: Option<MappingRequest>,
    /// What iam:SimulatePrincipalPolicy decided, when it could be used.
    pub simulation: Option<super::access::Simulation>,
    /// Why iam:SimulatePrincipalPolicy could not be used, when it was tried and failed (our
    /// own evaluator decides then).
    pub simulation_unavailable: Option<String>,
    /// Facts that could not be read; each becomes a `check-skipped` finding.
    pub skipped: Vec<Unreadable>,
}

impl TriggerFacts {
    /// The facts of a pair when nothing more could be read: the queue and the function alone.
    pub fn of_pair(region: &str, queue: &QueueFacts, function: &FunctionFacts) -> TriggerFacts {
        TriggerFacts {
            region: region.to_owned(),
            queue: Some(queue.clone()),
            function: Some(function.clone()),
            ..TriggerFacts::default()
        }
    }
}
