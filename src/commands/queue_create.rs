//! `queue create NAME`: a queue and its dead-letter queue, encrypted and tagged.
//!
//! Idempotent by construction: the plan reads what exists first; an existing queue that
//! matches is `unchanged`, one that differs is refused with every difference listed (or
//! changed with `--update`). The DLQ is made before the queue that redrives to it.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use aws_sdk_sqs::types::QueueAttributeName;
use serde::Serialize;

use crate::aws::AwsResultExt;
use crate::cli::QueueCreateArgs;
use crate::commands::Ctx;
use crate::error::{Error, ExitStatus};
use crate::gather;
use crate::model::facts::{CallerFacts, Encryption, KeyLookup, QueueFacts, Redrive};
use crate::model::finding::has_errors;
use crate::model::{Finding, FindingCode, QueueArn, QueueName, QueueRef};
use crate::output::{Report, Style, write_findings};
use crate::settings::{EncryptionChoice, QueueSpec};

/// A DLQ keeps messages for the SQS maximum, 14 days, so nothing redriven is lost before
/// someone looks.
const DLQ_RETENTION_SECS: &str = "1209600";

#[derive(Clone, Debug)]
pub struct Settings {
    pub spec: QueueSpec,
    pub update: bool,
}

impl Settings {
    pub fn from_args(args: &QueueCreateArgs) -> Result<Self, Error> {
        Ok(Settings { spec: QueueSpec::from_args(&args.name, &args.queue)?, update: args.update })
    }
}

/// What happened (or would happen) to one queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// It exists and differs, and `--update` was not given.
    Refused,
    WouldCreate,
    WouldUpdate,
    /// Not attempted because an earlier step refused.
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::Refused => "refused",
            Outcome::WouldCreate => "would create",
            Outcome::WouldUpdate => "would update",
            Outcome::Skipped => "skipped",
        }
    }
    pub fn changed(self) -> bool {
        matches!(self, Outcome::Created | Outcome::Updated)
    }
}

/// One attribute that differs between an existing queue and the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub attribute: String,
    pub current: String,
    pub requested: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct QueueOutcome {
    pub name: QueueName,
    pub outcome: Outcome,
    pub url: Option<String>,
    pub arn: Option<QueueArn>,
    pub fifo: bool,
    pub encryption: String,
    /// Whether the queue carries managed-by=sqs-trigger (teardown only deletes those).
    pub managed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Difference>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QueueCreateReport {
    pub queue: QueueOutcome,
    pub dlq: Option<QueueOutcome>,
    /// The DLQ's ARN, also at the top for scripts.
    pub dlq_arn: Option<QueueArn>,
    pub findings: Vec<Finding>,
}

impl QueueCreateReport {
    pub fn refused(&self) -> bool {
        has_errors(&self.findings) || self.queue.outcome == Outcome::Refused
    }
}

impl Report for QueueCreateReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if let Some(dlq) = &self.dlq {
            write_queue(out, style, "dlq", dlq)?;
        }
        write_queue(out, style, "queue", &self.queue)?;
        if !self.findings.is_empty() {
            writeln!(out, "findings:")?;
            write_findings(out, style, &self.findings)?;
        }
        if self.queue.outcome == Outcome::Refused || self.dlq.as_ref().is_some_and(|d| d.outcome == Outcome::Refused) {
            writeln!(
                out,
                "refused: the existing queue differs; re-run with --update to change it, or pick another name"
            )?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        if self.refused() || self.dlq.as_ref().is_some_and(|d| d.outcome == Outcome::Refused) {
            ExitStatus::CheckFailed
        } else {
            ExitStatus::Success
        }
    }
}

fn write_queue(out: &mut dyn Write, style: &Style, label: &str, q: &QueueOutcome) -> io::Result<()> {
    let outcome = match q.outcome {
        Outcome::Created | Outcome::Updated => style.green(q.outcome.as_str()),
        Outcome::Refused => style.red(q.outcome.as_str()),
        _ => q.outcome.as_str().to_owned(),
    };
    writeln!(
        out,
        "{label:<6} {} {outcome} ({}{})",
        style.bold(q.name.as_str()),
        if q.fifo { "FIFO, " } else { "" },
        q.encryption
    )?;
    if let Some(url) = &q.url {
        writeln!(out, "       url  {url}")?;
    }
    if let Some(arn) = &q.arn {
        writeln!(out, "       arn  {arn}")?;
    }
    if !q.managed && matches!(q.outcome, Outcome::Unchanged | Outcome::Updated | Outcome::Refused) {
        writeln!(out, "       note: not created by sqs-trigger (no managed-by tag): teardown will leave it alone")?;
    }
    for d in &q.differences {
        writeln!(out, "       {} differs: current {}, requested {}", d.attribute, d.current, d.requested)?;
    }
    Ok(())
}

/// The resolved encryption request: the key's ARN once KMS has confirmed it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Desired {
    SseSqs,
    Kms { key_id: String, aliases: Vec<String> },
    None,
}

/// One queue's plan: what exists, what it should be, and what to do.
#[derive(Clone, Debug)]
pub struct QueueStepPlan {
    pub name: QueueName,
    pub existing: Option<QueueFacts>,
    pub differences: Vec<Difference>,
    /// Attributes to create the queue with (or to set on update).
    attributes: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    is_dlq: bool,
}

impl QueueStepPlan {
    pub fn outcome(&self, update: bool, dry_run: bool) -> Outcome {
        match (&self.existing, self.differences.is_empty()) {
            (None, _) if dry_run => Outcome::WouldCreate,
            (None, _) => Outcome::Created,
            (Some(_), true) => Outcome::Unchanged,
            (Some(_), false) if !update => Outcome::Refused,
            (Some(_), false) if dry_run => Outcome::WouldUpdate,
            (Some(_), false) => Outcome::Updated,
        }
    }
}

/// The whole plan for `queue create`: read-only, so `setup --dry-run` can print it.
#[derive(Clone, Debug)]
pub struct QueuePlan {
    pub spec: QueueSpec,
    pub dlq: Option<QueueStepPlan>,
    pub queue: QueueStepPlan,
    /// Refusals found while planning (a missing or disabled key).
    pub findings: Vec<Finding>,
    encryption_label: String,
    caller: CallerFacts,
    region: String,
}

/// Reads what exists (queue, DLQ, key, caller) concurrently and works out the steps.
pub async fn plan(ctx: &Ctx, spec: &QueueSpec) -> Result<QueuePlan, Error> {
    let clients = &ctx.clients;
    let queue_ref = QueueRef::Name(spec.name.clone());
    let dlq_ref = spec.dlq.clone().map(QueueRef::Name);
    let key_id = match &spec.encryption {
        EncryptionChoice::Kms(key) => Some(key.to_string()),
        _ => None,
    };
    let (existing, existing_dlq, key, caller) = tokio::try_join!(
        gather::queue::find(clients, &queue_ref),
        async {
            match &dlq_ref {
                Some(r) => gather::queue::find(clients, r).await,
                None => Ok(None),
            }
        },
        async {
            match &key_id {
                Some(k) => gather::key::describe(clients, k).await.map(Some),
                None => Ok(None),
            }
        },
        gather::caller(clients),
    )?;

    let mut findings = Vec::new();
    let desired = match (&spec.encryption, key) {
        (EncryptionChoice::SseSqs, _) => Desired::SseSqs,
        (EncryptionChoice::None, _) => Desired::None,
        (EncryptionChoice::Kms(key_ref), Some(KeyLookup::Found(key))) => {
            if !key.is_enabled() {
                findings.push(
                    Finding::error(
                        FindingCode::KmsKeyNotEnabled,
                        key.arn.to_string(),
                        format!(
                            "the KMS key is {}: SQS cannot encrypt with it, so the queue would be unusable",
                            key.state
                        ),
                    )
                    .fix(format!("aws kms enable-key --key-id {}", key.arn)),
                );
            }
            let mut aliases = vec![key_ref.to_string(), key.arn.key_id().to_owned()];
            aliases.dedup();
            Desired::Kms { key_id: key.arn.to_string(), aliases }
        }
        (EncryptionChoice::Kms(key_ref), _) if key_ref.is_aws_managed_sqs_alias() => {
            // The AWS managed key is created by SQS on first use; it need not exist yet.
            Desired::Kms { key_id: key_ref.to_string(), aliases: vec![] }
        }
        (EncryptionChoice::Kms(key_ref), _) => {
            findings.push(
                Finding::error(
                    FindingCode::KmsKeyNotFound,
                    key_ref.to_string(),
                    format!(
                        "no KMS key `{key_ref}` in {}: a queue encrypted with it could never be read",
                        clients.region
                    ),
                )
                .fix("create the key (aws kms create-key) or pass an existing one with --kms-key"),
            );
            Desired::Kms { key_id: key_ref.to_string(), aliases: vec![] }
        }
    };
    let encryption_label = match &desired {
        Desired::SseSqs => "SSE-SQS".to_owned(),
        Desired::None => "unencrypted".to_owned(),
        Desired::Kms { key_id, .. } => format!("SSE-KMS {key_id}"),
    };

    let dlq = spec.dlq.as_ref().map(|name| step(spec, name, existing_dlq, &desired, None, true));
    let redrive = spec.dlq.as_ref().map(|name| Redrive {
        dead_letter_target_arn: dlq
            .as_ref()
            .and_then(|d| d.existing.as_ref().map(|f| f.arn.clone()))
            .unwrap_or_else(|| arn_in_callers_account(&caller, &clients.region, name)),
        max_receive_count: spec.max_receive_count,
    });
    let queue = step(spec, &spec.name, existing, &desired, redrive.as_ref(), false);
    Ok(QueuePlan { spec: spec.clone(), dlq, queue, findings, encryption_label, caller, region: clients.region.clone() })
}

fn planned_url_fallback(name: &QueueName) -> crate::model::QueueUrl {
    format!("https://sqs.us-east-1.amazonaws.com/000000000000/{name}").parse().unwrap_or_else(|_| {
        // Both parts are valid by construction; this cannot fail.
        unreachable!("a queue name always makes a valid URL")
    })
}

fn arn_in_callers_account(caller: &CallerFacts, region: &str, name: &QueueName) -> QueueArn {
    QueueArn::new(gather::partition_of(&caller.arn), region, &caller.account, name)
}

fn step(
    spec: &QueueSpec,
    name: &QueueName,
    existing: Option<QueueFacts>,
    desired: &Desired,
    redrive: Option<&Redrive>,
    is_dlq: bool,
) -> QueueStepPlan {
    let mut attributes = BTreeMap::new();
    if name.is_fifo() {
        attributes.insert("FifoQueue".to_owned(), "true".to_owned());
    }
    if let (Some(v), false) = (spec.visibility_timeout_secs, is_dlq) {
        attributes.insert("VisibilityTimeout".to_owned(), v.to_string());
    }
    match desired {
        Desired::SseSqs => {
            attributes.insert("SqsManagedSseEnabled".to_owned(), "true".to_owned());
        }
        Desired::None => {
            attributes.insert("SqsManagedSseEnabled".to_owned(), "false".to_owned());
        }
        Desired::Kms { key_id, .. } => {
            attributes.insert("KmsMasterKeyId".to_owned(), key_id.clone());
        }
    }
    if let Some(redrive) = redrive {
        attributes.insert("RedrivePolicy".to_owned(), gather::queue::redrive_json(redrive));
    }
    if is_dlq {
        attributes.insert("MessageRetentionPeriod".to_owned(), DLQ_RETENTION_SECS.to_owned());
    }
    let differences = existing.as_ref().map(|q| differences(spec, q, desired, redrive, is_dlq)).unwrap_or_default();
    QueueStepPlan { name: name.clone(), existing, differences, attributes, tags: spec.tags.clone(), is_dlq }
}

/// What differs between an existing queue and the request. Only what the user asked for
/// explicitly is compared, plus the redrive target, so re-running a command converges
/// without fighting settings changed on purpose elsewhere.
fn differences(
    spec: &QueueSpec,
    q: &QueueFacts,
    desired: &Desired,
    redrive: Option<&Redrive>,
    is_dlq: bool,
) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut differ = |attribute: &str, current: String, requested: String| {
        out.push(Difference { attribute: attribute.to_owned(), current, requested });
    };
    if let (Some(v), false) = (spec.visibility_timeout_secs, is_dlq)
        && q.visibility_timeout_secs != v
    {
        differ("VisibilityTimeout", format!("{}s", q.visibility_timeout_secs), format!("{v}s"));
    }
    if spec.encryption_given {
        let same = match (desired, &q.encryption) {
            (Desired::SseSqs, Encryption::SseSqs) | (Desired::None, Encryption::None) => true,
            (Desired::Kms { key_id, aliases }, Encryption::Kms { key_id: current }) => {
                current == key_id || aliases.iter().any(|a| a == current)
            }
            _ => false,
        };
        if !same {
            let requested = match desired {
                Desired::SseSqs => "SSE-SQS".to_owned(),
                Desired::None => "unencrypted".to_owned(),
                Desired::Kms { key_id, .. } => format!("SSE-KMS {key_id}"),
            };
            differ("encryption", q.encryption.to_string(), requested);
        }
    }
    if let Some(want) = redrive {
        match &q.redrive {
            None => differ("RedrivePolicy", "none".into(), format!("DLQ {}", want.dead_letter_target_arn.name())),
            Some(have) if have.dead_letter_target_arn != want.dead_letter_target_arn => differ(
                "RedrivePolicy",
                format!("DLQ {}", have.dead_letter_target_arn),
                format!("DLQ {}", want.dead_letter_target_arn),
            ),
            Some(have) if spec.max_receive_count_given && have.max_receive_count != want.max_receive_count => {
                differ("maxReceiveCount", have.max_receive_count.to_string(), want.max_receive_count.to_string())
            }
            Some(_) => {}
        }
    }
    for (key, value) in &spec.user_tags {
        match q.tags.get(key) {
            Some(v) if v == value => {}
            current => {
                differ(&format!("tag {key}"), current.cloned().unwrap_or_else(|| "(none)".into()), value.clone())
            }
        }
    }
    out
}

impl QueuePlan {
    /// The queue as it is, or as it will be once created: what `setup --dry-run` checks the
    /// role and the mapping against before anything exists.
    pub fn planned_facts(&self) -> QueueFacts {
        if let Some(existing) = &self.queue.existing {
            return existing.clone();
        }
        let arn = arn_in_callers_account(&self.caller, &self.region, &self.spec.name);
        let encryption = match self.queue.attributes.get("KmsMasterKeyId") {
            Some(key_id) => Encryption::Kms { key_id: key_id.clone() },
            None if self.queue.attributes.get("SqsManagedSseEnabled").is_some_and(|v| v == "true") => {
                Encryption::SseSqs
            }
            None => Encryption::None,
        };
        let redrive = self.queue.attributes.get("RedrivePolicy").and_then(|r| gather::queue::parse_redrive(r).ok());
        let url = format!("https://sqs.{}.amazonaws.com/{}/{}", self.region, self.caller.account, self.spec.name);
        QueueFacts {
            name: self.spec.name.clone(),
            url: url.parse().unwrap_or_else(|_| planned_url_fallback(&self.spec.name)),
            arn,
            fifo: self.spec.fifo(),
            visibility_timeout_secs: self.spec.visibility_timeout_secs.unwrap_or(30),
            encryption,
            redrive,
            policy: None,
            depth: Default::default(),
            tags: self.spec.tags.clone(),
        }
    }

    /// Whether the queue itself does not exist yet.
    pub fn creates_queue(&self) -> bool {
        self.queue.existing.is_none()
    }

    /// The report this plan would give, without changing anything.
    pub fn dry_run_report(&self, update: bool) -> QueueCreateReport {
        let dlq = self.dlq.as_ref().map(|d| self.outcome_of(d, d.outcome(update, true), None));
        let queue = self.outcome_of(&self.queue, self.queue.outcome(update, true), None);
        QueueCreateReport {
            dlq_arn: dlq.as_ref().and_then(|d| d.arn.clone()),
            queue,
            dlq,
            findings: self.findings.clone(),
        }
    }

    fn outcome_of(&self, step: &QueueStepPlan, outcome: Outcome, created: Option<(String, QueueArn)>) -> QueueOutcome {
        let (url, arn) = match (&step.existing, created) {
            (_, Some((url, arn))) => (Some(url), Some(arn)),
            (Some(q), None) => (Some(q.url.to_string()), Some(q.arn.clone())),
            (None, None) => (None, None),
        };
        let managed = match (&step.existing, outcome) {
            (Some(q), _) => q.is_managed(),
            (None, _) => true,
        };
        let encryption = match &step.existing {
            Some(q) if outcome == Outcome::Unchanged || outcome == Outcome::Refused => q.encryption.to_string(),
            _ => self.encryption_label.clone(),
        };
        QueueOutcome {
            name: step.name.clone(),
            outcome,
            url,
            arn,
            fifo: step.name.is_fifo(),
            encryption,
            managed,
            differences: step.differences.clone(),
        }
    }

    /// Carries the plan out: DLQ first, then the queue that redrives to it.
    pub async fn apply(&self, ctx: &Ctx, update: bool) -> Result<QueueCreateReport, Error> {
        let refused_outcome =
            |s: &QueueStepPlan| if s.existing.is_some() { Outcome::Refused } else { Outcome::Skipped };
        let any_refused = self.dlq.iter().chain([&self.queue]).any(|s| s.outcome(update, false) == Outcome::Refused);
        if has_errors(&self.findings) || any_refused {
            // Nothing is changed when any part is refused: no half-made pair.
            let pick = |s: &QueueStepPlan| {
                let o = s.outcome(update, false);
                if o == Outcome::Refused || has_errors(&self.findings) {
                    refused_outcome(s)
                } else if o == Outcome::Unchanged {
                    o
                } else {
                    Outcome::Skipped
                }
            };
            let dlq = self.dlq.as_ref().map(|d| self.outcome_of(d, pick(d), None));
            let queue = self.outcome_of(&self.queue, pick(&self.queue), None);
            return Ok(QueueCreateReport {
                dlq_arn: dlq.as_ref().and_then(|d| d.arn.clone()),
                queue,
                dlq,
                findings: self.findings.clone(),
            });
        }
        let dlq = match &self.dlq {
            Some(step) => Some(self.apply_step(ctx, step, update).await?),
            None => None,
        };
        let queue = self.apply_step(ctx, &self.queue, update).await?;
        Ok(QueueCreateReport {
            dlq_arn: dlq.as_ref().and_then(|d| d.arn.clone()),
            queue,
            dlq,
            findings: self.findings.clone(),
        })
    }

    async fn apply_step(&self, ctx: &Ctx, step: &QueueStepPlan, update: bool) -> Result<QueueOutcome, Error> {
        let outcome = step.outcome(update, false);
        match outcome {
            Outcome::Created => {
                let (url, arn) = create_queue(ctx, step).await?;
                ctx.journal.record(format!("created queue {} ({arn})", step.name));
                Ok(self.outcome_of(step, outcome, Some((url, arn))))
            }
            Outcome::Updated => {
                update_queue(ctx, step).await?;
                ctx.journal.record(format!("updated queue {}", step.name));
                Ok(self.outcome_of(step, outcome, None))
            }
            _ => Ok(self.outcome_of(step, outcome, None)),
        }
    }
}

fn sqs_attributes(map: &BTreeMap<String, String>) -> HashMap<QueueAttributeName, String> {
    map.iter().map(|(k, v)| (QueueAttributeName::from(k.as_str()), v.clone())).collect()
}

async fn create_queue(ctx: &Ctx, step: &QueueStepPlan) -> Result<(String, QueueArn), Error> {
    let sqs = &ctx.clients.sqs;
    let out = sqs
        .create_queue()
        .queue_name(step.name.as_str())
        .set_attributes(Some(sqs_attributes(&step.attributes)))
        .set_tags(Some(step.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
        .send()
        .await
        .aws("sqs:CreateQueue", &step.name)?;
    let url = out.queue_url().unwrap_or_default().to_owned();
    let attrs = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .aws("sqs:GetQueueAttributes", &step.name)?;
    let arn = attrs
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| Error::Other(anyhow::anyhow!("SQS returned no ARN for the new queue {}", step.name)))?;
    Ok((url, arn))
}

async fn update_queue(ctx: &Ctx, step: &QueueStepPlan) -> Result<(), Error> {
    let Some(existing) = &step.existing else { return Ok(()) };
    let sqs = &ctx.clients.sqs;
    let mut attributes = step.attributes.clone();
    // FifoQueue cannot be set after creation, and the name already fixes it.
    attributes.remove("FifoQueue");
    if step.is_dlq {
        attributes.remove("MessageRetentionPeriod");
    }
    if attributes.contains_key("KmsMasterKeyId") {
        attributes.insert("SqsManagedSseEnabled".to_owned(), "false".to_owned());
    } else if attributes.get("SqsManagedSseEnabled").is_some_and(|v| v == "true") {
        attributes.insert("KmsMasterKeyId".to_owned(), String::new());
    }
    sqs.set_queue_attributes()
        .queue_url(existing.url.as_str())
        .set_attributes(Some(sqs_attributes(&attributes)))
        .send()
        .await
        .aws("sqs:SetQueueAttributes", &existing.url)?;
    sqs.tag_queue()
        .queue_url(existing.url.as_str())
        .set_tags(Some(step.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
        .send()
        .await
        .aws("sqs:TagQueue", &existing.url)?;
    Ok(())
}

pub async fn run(ctx: &Ctx, settings: Settings) -> Result<QueueCreateReport, Error> {
    let spinner = ctx.output.spinner(format!("checking queue {}", settings.spec.name));
    let plan = plan(ctx, &settings.spec).await?;
    spinner.set_message(format!("creating queue {}", settings.spec.name));
    let report = plan.apply(ctx, settings.update).await?;
    spinner.finish();
    Ok(report)
}
