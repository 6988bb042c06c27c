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
    /// Why it could not be read: decides what the `check-skipped` finding advises.
    #[serde(skip)]
    pub cause: Cause,
    /// The checks that needed it (empty: say it wherever checks run).
    #[serde(skip)]
    pub feeds: &'static [crate::model::finding::FindingCode],
    /// What could not be read, e.g. "the key policy of arn:aws:kms:...".
    pub fact: String,
    /// The permission the caller lacked or the reason, e.g. "kms:GetKeyPolicy".
    pub permission: String,
    /// The AWS error, verbatim.
    pub detail: String,
}

/// Why a fact could not be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cause {
    /// The caller may not read it (or lacks what `permission` names): granting it helps.
    #[default]
    Denied,
    /// The endpoint does not offer the operation (404, `UnknownOperationException`,
    /// `InvalidAction`, ...): an emulator, a proxy, an older partition or region.
    NotOffered,
    /// An answer came, but not in AWS's shape (HTML, truncated JSON, an unparseable body).
    BadAnswer,
    /// No answer in time, or throttled past every retry: running again later may help.
    NoAnswer,
    /// Any other failure (a server error past the retries, an unexpected error code).
    Failed,
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
    /// The rest of its `LoggingConfig`: what its log lines look like.
    #[serde(skip)]
    pub logging: LoggingFacts,
}

/// A function's `LoggingConfig` beyond the group
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html>).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoggingFacts {
    /// `LogFormat` `JSON` (else `Text`, the default): every line Lambda writes is a JSON record.
    pub json: bool,
    /// `SystemLogLevel` (`DEBUG`, `INFO`, `WARN`), when set.
    pub system_log_level: Option<String>,
    /// `LogGroup` names a group of its own choosing, which other functions may share.
    pub custom_group: bool,
}

impl LoggingFacts {
    /// Whether Lambda writes its START/END/REPORT lines. "By default, Lambda sets the system
    /// log level to INFO. With this setting, Lambda automatically sends "start" and "report"
    /// log messages"; level filtering needs the JSON format
    /// (<https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html>),
    /// so only JSON with `WARN` hides them.
    pub fn platform_lines(&self) -> bool {
        !(self.json && self.system_log_level.as_deref().is_some_and(|l| l.eq_ignore_ascii_case("WARN")))
    }
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
    /// `ProvisionedPollerConfig`: provisioned mode, when set.
    pub provisioned_pollers: Option<ProvisionedPollers>,
    /// `MetricsConfig.Metrics` (`EventCount` when the mapping's metrics are on).
    pub metrics: Vec<String>,
    /// `KMSKeyArn`: the customer managed key that encrypts the filter criteria.
    pub filter_kms_key: Option<String>,
    /// `FilterCriteriaError`: Lambda could not encrypt or decrypt the filter criteria.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_criteria_error: Option<FilterCriteriaError>,
    /// The mapping's tags (ListTags), where they were read (doctor).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// `ProvisionedPollerConfig` of an SQS mapping: the pollers Lambda keeps ready.
///
/// Ranges for SQS (API_ProvisionedPollerConfig,
/// <https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html>):
/// "MinimumPollers ... For Amazon SQS events source mappings, default is 2, and minimum 2
/// required" (model range 1-200); "MaximumPollers ... For Amazon SQS event source mappings, the
/// accepted range is between 2 and 10,000, with a default of 200".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ProvisionedPollers {
    pub minimum: i32,
    pub maximum: i32,
}

impl ProvisionedPollers {
    pub const SQS_MINIMUM: std::ops::RangeInclusive<i32> = 2..=200;
    pub const SQS_MAXIMUM: std::ops::RangeInclusive<i32> = 2..=10_000;
    /// Lambda's defaults for SQS when a bound is not given.
    pub const SQS_DEFAULT_MINIMUM: i32 = 2;
    pub const SQS_DEFAULT_MAXIMUM: i32 = 200;

    /// `MIN:MAX` within AWS's SQS ranges, minimum not above maximum; the reason otherwise.
    pub fn parse(text: &str) -> Result<ProvisionedPollers, String> {
        let (min, max) = text
            .split_once(':')
            .ok_or_else(|| "expected MIN:MAX, e.g. 2:200 (the minimum and maximum number of pollers)".to_owned())?;
        let number = |what: &str, s: &str| {
            s.trim().parse::<i32>().map_err(|_| format!("the {what} `{}` is not a whole number", s.trim()))
        };
        let pollers = ProvisionedPollers { minimum: number("minimum", min)?, maximum: number("maximum", max)? };
        pollers.validate()?;
        Ok(pollers)
    }

    /// AWS's rules for SQS mappings.
    pub fn validate(&self) -> Result<(), String> {
        let (min, max) = (Self::SQS_MINIMUM, Self::SQS_MAXIMUM);
        if !min.contains(&self.minimum) {
            return Err(format!(
                "the minimum number of pollers is {}-{} for SQS (got {})",
                min.start(),
                min.end(),
                self.minimum
            ));
        }
        if !max.contains(&self.maximum) {
            return Err(format!(
                "the maximum number of pollers is {}-{} for SQS (got {})",
                max.start(),
                max.end(),
                self.maximum
            ));
        }
        if self.minimum > self.maximum {
            return Err(format!("the minimum ({}) is above the maximum ({})", self.minimum, self.maximum));
        }
        Ok(())
    }
}

impl std::fmt::Display for ProvisionedPollers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.minimum, self.maximum)
    }
}

/// `FilterCriteriaError` (API_FilterCriteriaError): the KMS exception from encrypting or
/// decrypting the filter criteria, and its message, as Lambda reports them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FilterCriteriaError {
    pub error_code: Option<String>,
    pub message: Option<String>,
}

/// The metric group `--metrics` turns on (MetricsConfig, SQS: `EventCount`).
pub const EVENT_COUNT_METRICS: &str = "EventCount";

impl MappingFacts {
    /// Whether `MetricsConfig` has `EventCount` on.
    pub fn has_event_count_metrics(&self) -> bool {
        self.metrics.iter().any(|m| m == EVENT_COUNT_METRICS)
    }

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
    /// `--provisioned-pollers MIN:MAX`.
    pub provisioned_pollers: Option<ProvisionedPollers>,
    /// `--metrics` (true) or `--no-metrics` (false).
    pub metrics: Option<bool>,
    /// `--filter-kms-key` (as given; the plan puts the key's ARN here once it is read).
    pub filter_kms_key: Option<String>,
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
                provisioned_pollers: self.provisioned_pollers.or(m.provisioned_pollers),
                metrics: self.metrics.unwrap_or_else(|| m.has_event_count_metrics()),
                filter_kms_key: self.filter_kms_key.clone().or_else(|| m.filter_kms_key.clone()),
            },
            None => MappingRequest {
                batch_size: self.batch_size,
                batch_window_secs: self.batch_window_secs,
                max_concurrency: self.max_concurrency,
                report_batch_item_failures: self.report_batch_item_failures.unwrap_or(false),
                filters: self.filters.clone().unwrap_or_default(),
                enabled: self.enabled.unwrap_or(true),
                provisioned_pollers: self.provisioned_pollers,
                metrics: self.metrics.unwrap_or(false),
                filter_kms_key: self.filter_kms_key.clone(),
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
    /// Provisioned mode (`ProvisionedPollerConfig`), when asked for or kept.
    pub provisioned_pollers: Option<ProvisionedPollers>,
    /// `MetricsConfig` with `EventCount`.
    pub metrics: bool,
    /// The key that encrypts the filter criteria (`KMSKeyArn`).
    pub filter_kms_key: Option<String>,
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
    /// The key that encrypts the mapping's filter criteria (`KMSKeyArn`), when one is set or
    /// asked for.
    pub filter_key: Option<Fact<KeyLookup>>,
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
