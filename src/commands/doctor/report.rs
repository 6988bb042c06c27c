//! What `doctor` answers: each trigger's diagnosis (the chain, the findings, the verdict), the
//! views of its queue, mappings and function, and the report of a run.

use super::*;

/// The links of a trigger, in the order messages travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Link {
    Queue,
    Mapping,
    Function,
    LogGroup,
}

#[derive(Clone, Debug, Serialize)]
pub struct QueueView {
    pub name: String,
    pub arn: String,
    pub encryption: String,
    pub depth: QueueDepth,
}

#[derive(Clone, Debug, Serialize)]
pub struct MappingView {
    pub uuid: String,
    pub state: String,
    pub batch_size: Option<i32>,
    /// Provisioned mode (`ProvisionedPollerConfig`), when set.
    pub provisioned_pollers: Option<ProvisionedPollers>,
    /// `MetricsConfig.Metrics`.
    pub metrics: Vec<String>,
    /// `KMSKeyArn`: the key that encrypts the filter criteria.
    pub filter_kms_key: Option<String>,
    /// The mapping's tags, when they could be read.
    pub tags: Option<BTreeMap<String, String>>,
    pub batch_window_secs: Option<i32>,
    pub max_concurrency: Option<i32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
}

/// Another function's mapping on the same queue: a consumer competing for its messages.
#[derive(Clone, Debug, Serialize)]
pub struct ConsumerView {
    pub uuid: String,
    pub function: String,
    pub state: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FunctionView {
    pub name: String,
    pub arn: String,
    pub state: Option<String>,
    pub reserved_concurrency: Option<i32>,
    pub timeout_secs: u32,
    pub role: String,
    /// `RecursiveLoop` (`Terminate` or `Allow`), when it could be read.
    pub recursive_loop: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TriggerVerdict {
    Healthy,
    Warnings,
    Broken,
}

/// Upstream of a queue: the producers doctor found and whether each can deliver.
#[derive(Clone, Debug, Serialize)]
pub struct UpstreamView {
    pub producers: Vec<ProducerView>,
    /// With `--metrics`: what CloudWatch counted for each producer (SNS topics, EventBridge
    /// rules) and the queue's `NumberOfMessagesSent`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<crate::model::producers::ProducerMetrics>,
    /// The facts, for `--metrics`.
    #[serde(skip)]
    pub facts: Box<crate::model::producers::ProducerFacts>,
}

/// One producer of the queue.
#[derive(Clone, Debug, Serialize)]
pub struct ProducerView {
    /// `sns`, `eventbridge` or `s3`.
    pub kind: crate::model::producers::ProducerKind,
    pub name: String,
    pub arn: String,
    pub found_by: String,
    /// An EventBridge target's dead-letter queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq: Option<String>,
    /// `delivers`, `blocked` (an error names why) or `conditional` (depends on conditions
    /// sqs-trigger cannot tell).
    pub verdict: &'static str,
}

impl UpstreamView {
    pub fn of(facts: crate::model::producers::ProducerFacts) -> UpstreamView {
        let producers = facts
            .producers
            .iter()
            .map(|p| ProducerView {
                kind: p.kind,
                name: p.name.clone(),
                arn: p.arn.clone(),
                found_by: p.found_by.clone(),
                dlq: p.dlq.as_ref().map(|d| d.to_string()),
                verdict: checks::producers::verdict(&facts, p),
            })
            .collect();
        UpstreamView { producers, metrics: vec![], facts: Box::new(facts) }
    }
}

/// The diagnosis of one queue → function trigger.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnosis {
    pub queue: Option<QueueView>,
    pub dlq: Option<QueueView>,
    pub mappings: Vec<MappingView>,
    pub function: Option<FunctionView>,
    pub log_group: Option<String>,
    /// Whether the log group exists (None: not read).
    pub log_group_exists: Option<bool>,
    /// The other functions' mappings on the same queue.
    pub other_consumers: Vec<ConsumerView>,
    /// The account's Lambda concurrency in the region (None: not read).
    pub account_concurrency: Option<AccountConcurrency>,
    /// The first link an error-level finding breaks.
    pub broken_link: Option<Link>,
    pub verdict: TriggerVerdict,
    pub findings: Vec<Finding>,
    /// With `--metrics`: what CloudWatch says about the trigger over the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<metrics::MetricsView>,
    /// `doctor --queue`: upstream of the queue, the services that send to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream: Option<UpstreamView>,
    /// How long gathering this trigger's facts took (CI reports show it).
    #[serde(skip)]
    pub elapsed: Duration,
    /// Under --all: the account of the trigger (or of the account/region that was skipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Under --all: the region of the trigger (or of the region that was skipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Diagnosis {
    /// A row for an account or region that could not be audited: no trigger, one
    /// `check-skipped` naming what could not be read and why.
    pub(super) fn scope_skipped(
        account: Option<String>,
        region: Option<String>,
        why: &crate::model::facts::Unreadable,
    ) -> Self {
        let finding = checks::skipped_finding(why);
        Diagnosis {
            queue: None,
            dlq: None,
            mappings: vec![],
            function: None,
            log_group: None,
            log_group_exists: None,
            other_consumers: vec![],
            account_concurrency: None,
            broken_link: None,
            verdict: TriggerVerdict::Warnings,
            findings: vec![finding],
            metrics: None,
            upstream: None,
            elapsed: Duration::ZERO,
            account,
            region,
        }
    }

    /// Whether this row is an account or region that was skipped, not a trigger.
    pub fn is_skipped_scope(&self) -> bool {
        self.queue.is_none() && self.function.is_none() && self.mappings.is_empty()
    }
}

/// The triggers of one account in one region.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub account: Option<String>,
    pub region: Option<String>,
    pub triggers: usize,
    pub broken: usize,
    pub with_warnings: usize,
    pub healthy: usize,
    /// Why this account or region was not audited (its row is a `check-skipped`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl Group {
    /// A group whose counts are filled in once its triggers are diagnosed.
    pub(super) fn counted_later(account: Option<String>, region: Option<String>, skipped: Option<String>) -> Self {
        Group { account, region, triggers: 0, broken: 0, with_warnings: 0, healthy: 0, skipped }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub triggers: usize,
    pub broken: usize,
    pub with_warnings: usize,
    pub healthy: usize,
}

/// The diagnoses of a run. Under `--output jsonl` they were printed one per line as they were
/// made, so the summary document serializes none; the exit status and the CI reports still
/// count every one.
#[derive(Clone, Debug, Default)]
pub struct Triggers {
    pub list: Vec<Diagnosis>,
    pub streamed: bool,
}

impl std::ops::Deref for Triggers {
    type Target = Vec<Diagnosis>;
    fn deref(&self) -> &Vec<Diagnosis> {
        &self.list
    }
}

impl Serialize for Triggers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.streamed { Vec::<Diagnosis>::new().serialize(serializer) } else { self.list.serialize(serializer) }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct DoctorReport {
    pub summary: Summary,
    /// Under `--output jsonl` the triggers were printed one per line before this document,
    /// which then carries none.
    pub triggers: Triggers,
    /// Under --all: the triggers by account and region, in the order of `triggers`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// Under --all: what the run asked of AWS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<RequestCounts>,
    /// The triggers were streamed (`--output jsonl`), one line each, before this summary.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub streamed: bool,
    /// Ctrl-C stopped the audit: what is here was audited before it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    #[serde(skip)]
    pub table: bool,
}

pub(super) fn queue_view(q: &QueueFacts) -> QueueView {
    let encryption = match &q.encryption {
        Encryption::Kms { key_id } => format!("SSE-KMS {key_id}"),
        other => other.to_string(),
    };
    QueueView { name: q.name.to_string(), arn: q.arn.to_string(), encryption, depth: q.depth }
}

pub(super) fn mapping_view(m: &MappingFacts) -> MappingView {
    MappingView {
        uuid: m.uuid.clone(),
        state: m.state.to_string(),
        batch_size: m.batch_size,
        batch_window_secs: m.batch_window_secs,
        max_concurrency: m.max_concurrency,
        filters: m.filters.clone(),
        provisioned_pollers: m.provisioned_pollers,
        metrics: m.metrics.clone(),
        filter_kms_key: m.filter_kms_key.clone(),
        tags: m.tags.clone(),
    }
}
