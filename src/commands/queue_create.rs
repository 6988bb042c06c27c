//! `queue create NAME`: a queue and its dead-letter queue, encrypted and tagged.
//!
//! Idempotent by construction: the plan reads what exists first; an existing queue that
//! matches is `unchanged`, one that differs is refused with every difference listed (or
//! changed with `--update`). The DLQ is made before the queue that redrives to it.
//!
//! On existing resources: only what the flags name is compared and changed (defaults apply
//! only when creating); a queue named as the DLQ is used as it is; the managed-by tag goes
//! only on what this command creates; replacing or removing encryption and dropping the DLQ
//! are security changes, which need `--update` and a confirmation (or `--yes`).

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use aws_sdk_sqs::types::QueueAttributeName;
use serde::Serialize;

use crate::aws::AwsResultExt;
use crate::cli::QueueCreateArgs;
use crate::commands::{Change, Ctx};
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
    pub yes: bool,
}

impl Settings {
    pub fn from_args(args: &QueueCreateArgs) -> Result<Self, Error> {
        Ok(Settings { spec: QueueSpec::from_args(&args.name, &args.queue)?, update: args.update, yes: args.yes })
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
    /// A change that weakens security (replaces or removes encryption, drops the DLQ).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub security: bool,
}

impl Difference {
    pub fn new(attribute: &str, current: String, requested: String) -> Self {
        Difference { attribute: attribute.to_owned(), current, requested, security: false }
    }
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
    /// What is kept as it is, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QueueCreateReport {
    pub queue: QueueOutcome,
    pub dlq: Option<QueueOutcome>,
    /// The DLQ's ARN, also at the top for scripts.
    pub dlq_arn: Option<QueueArn>,
    pub findings: Vec<Finding>,
    /// Why nothing was changed, when a security change was not confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// Every write this command made, in order.
    pub changed: Vec<Change>,
}

impl QueueCreateReport {
    pub fn refused(&self) -> bool {
        has_errors(&self.findings) || self.queue.outcome == Outcome::Refused || self.refusal.is_some()
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
        if let Some(why) = &self.refusal {
            writeln!(out, "refused: {why}")?;
        } else if self.queue.outcome == Outcome::Refused
            || self.dlq.as_ref().is_some_and(|d| d.outcome == Outcome::Refused)
        {
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
    for note in &q.notes {
        writeln!(out, "       note: {note}")?;
    }
    for d in &q.differences {
        let security = if d.security { style.red(" [security change]") } else { String::new() };
        let verb = if q.outcome == Outcome::Updated { "changed" } else { "differs" };
        writeln!(out, "       {} {verb}: current {}, requested {}{security}", d.attribute, d.current, d.requested)?;
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

impl Desired {
    fn label(&self) -> String {
        match self {
            Desired::SseSqs => "SSE-SQS".to_owned(),
            Desired::None => "unencrypted".to_owned(),
            Desired::Kms { key_id, .. } => format!("SSE-KMS {key_id}"),
        }
    }

    fn matches(&self, current: &Encryption) -> bool {
        match (self, current) {
            (Desired::SseSqs, Encryption::SseSqs) | (Desired::None, Encryption::None) => true,
            (Desired::Kms { key_id, aliases }, Encryption::Kms { key_id: current }) => {
                current == key_id || aliases.iter().any(|a| a == current)
            }
            _ => false,
        }
    }

    /// The attributes that set this encryption on a queue.
    fn attributes(&self, existing: bool) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        match self {
            Desired::SseSqs => {
                out.insert("SqsManagedSseEnabled".to_owned(), "true".to_owned());
                if existing {
                    // Leaving KMS: SQS takes an empty key id as "no KMS key".
                    out.insert("KmsMasterKeyId".to_owned(), String::new());
                }
            }
            Desired::None => {
                out.insert("SqsManagedSseEnabled".to_owned(), "false".to_owned());
                if existing {
                    out.insert("KmsMasterKeyId".to_owned(), String::new());
                }
            }
            Desired::Kms { key_id, .. } => {
                out.insert("KmsMasterKeyId".to_owned(), key_id.clone());
                if existing {
                    out.insert("SqsManagedSseEnabled".to_owned(), "false".to_owned());
                }
            }
        }
        out
    }
}

/// One queue's plan: what exists, what it should be, and what to do.
#[derive(Clone, Debug)]
pub struct QueueStepPlan {
    pub name: QueueName,
    pub existing: Option<QueueFacts>,
    pub differences: Vec<Difference>,
    /// Attributes to create the queue with.
    attributes: BTreeMap<String, String>,
    /// Tags to create the queue with (managed-by included: this tool made it).
    tags: BTreeMap<String, String>,
    /// On an existing queue: exactly the attributes to set (those whose flags were given and
    /// differ) and the user's tags to add. Nothing else is written.
    update_attributes: BTreeMap<String, String>,
    update_tags: BTreeMap<String, String>,
    /// Said to the user about what is kept as it is.
    pub notes: Vec<String>,
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

    /// The differences that weaken security (replace or remove encryption, drop the DLQ).
    pub fn security_changes(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.security)
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
    let encryption_label = desired.label();
    let region = clients.region.clone();
    Ok(plan_steps(spec, existing, existing_dlq, &desired, caller, region, findings, encryption_label))
}

/// The pure part of planning: from what exists and what was asked, the steps.
#[allow(clippy::too_many_arguments)]
fn plan_steps(
    spec: &QueueSpec,
    existing: Option<QueueFacts>,
    existing_dlq: Option<QueueFacts>,
    desired: &Desired,
    caller: CallerFacts,
    region: String,
    findings: Vec<Finding>,
    encryption_label: String,
) -> QueuePlan {
    // A DLQ is made or attached when the queue is new (the default DLQ), or when --dlq names
    // one for an existing queue. An existing queue without --dlq keeps what it has: defaults
    // apply only when creating.
    // An existing queue that already redrives to that DLQ shows it too (as it is, or following
    // an encryption flag when sqs-trigger made it).
    let redrives_to_it = match (&existing, &existing_dlq) {
        (Some(QueueFacts { redrive: Some(r), .. }), Some(d)) => r.dead_letter_target_arn == d.arn,
        _ => false,
    };
    let wants_dlq = spec.dlq.is_some() && (existing.is_none() || spec.dlq_given || redrives_to_it);
    let dlq = match (&spec.dlq, wants_dlq) {
        (Some(name), true) => Some(dlq_step(spec, name, existing_dlq, desired)),
        _ => None,
    };
    let redrive = dlq.as_ref().zip(spec.dlq.as_ref()).map(|(d, name)| Redrive {
        dead_letter_target_arn: d
            .existing
            .as_ref()
            .map(|f| f.arn.clone())
            .unwrap_or_else(|| arn_in_callers_account(&caller, &region, name)),
        max_receive_count: match (&existing, spec.max_receive_count_given) {
            // Switching DLQ keeps the queue's count unless one was given.
            (Some(QueueFacts { redrive: Some(r), .. }), false) => r.max_receive_count,
            _ => spec.max_receive_count,
        },
    });
    let queue = match existing {
        None => new_queue_step(spec, &spec.name, desired, redrive.as_ref()),
        Some(q) => existing_queue_step(spec, q, desired, redrive.as_ref()),
    };
    QueuePlan { spec: spec.clone(), dlq, queue, findings, encryption_label, caller, region }
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

/// A queue this run creates: every attribute the flags (or their defaults) give, and the
/// managed-by tag, since this tool made it.
fn new_queue_step(spec: &QueueSpec, name: &QueueName, desired: &Desired, redrive: Option<&Redrive>) -> QueueStepPlan {
    let mut attributes = desired.attributes(false);
    if name.is_fifo() {
        attributes.insert("FifoQueue".to_owned(), "true".to_owned());
    }
    if let Some(v) = spec.visibility_timeout_secs {
        attributes.insert("VisibilityTimeout".to_owned(), v.to_string());
    }
    if let Some(redrive) = redrive {
        attributes.insert("RedrivePolicy".to_owned(), gather::queue::redrive_json(redrive));
    }
    QueueStepPlan {
        name: name.clone(),
        existing: None,
        differences: vec![],
        attributes,
        tags: spec.tags.clone(),
        update_attributes: BTreeMap::new(),
        update_tags: BTreeMap::new(),
        notes: vec![],
    }
}

/// The dead-letter queue: created (and owned) when missing. An existing one is used as it
/// is: naming a queue as the DLQ changes nothing on it, unless this tool created it, in which
/// case it follows an encryption flag as its queue does.
fn dlq_step(spec: &QueueSpec, name: &QueueName, existing: Option<QueueFacts>, desired: &Desired) -> QueueStepPlan {
    let Some(q) = existing else {
        let mut step = new_queue_step(spec, name, desired, None);
        step.attributes.remove("VisibilityTimeout");
        // A DLQ keeps messages for the SQS maximum, so nothing redriven is lost before someone looks.
        step.attributes.insert("MessageRetentionPeriod".to_owned(), DLQ_RETENTION_SECS.to_owned());
        return step;
    };
    let mut step = QueueStepPlan {
        name: name.clone(),
        existing: None,
        differences: vec![],
        attributes: BTreeMap::new(),
        tags: BTreeMap::new(),
        update_attributes: BTreeMap::new(),
        update_tags: BTreeMap::new(),
        notes: vec![],
    };
    if q.is_managed() && spec.encryption_given && !desired.matches(&q.encryption) {
        step.differences.push(encryption_difference(&q.encryption, desired));
        step.update_attributes = desired.attributes(true);
    } else if !q.is_managed() {
        step.notes.push(format!("{name} exists and was not created by sqs-trigger: used as the DLQ as it is"));
    }
    step.existing = Some(q);
    step
}

fn encryption_difference(current: &Encryption, desired: &Desired) -> Difference {
    // Replacing a KMS key, or going from KMS or SSE-SQS to something weaker, is a security
    // change: it needs --update and confirmation. Adding encryption is not.
    let security = matches!((current, desired), (Encryption::Kms { .. }, _) | (Encryption::SseSqs, Desired::None));
    Difference { attribute: "encryption".into(), current: current.to_string(), requested: desired.label(), security }
}

/// An existing queue: compared only on what the flags name. What differs is the whole update.
fn existing_queue_step(spec: &QueueSpec, q: QueueFacts, desired: &Desired, redrive: Option<&Redrive>) -> QueueStepPlan {
    let mut differences = Vec::new();
    let mut set = BTreeMap::new();
    let mut notes = Vec::new();
    if let Some(v) = spec.visibility_timeout_secs
        && q.visibility_timeout_secs != v
    {
        differences.push(Difference::new(
            "VisibilityTimeout",
            format!("{}s", q.visibility_timeout_secs),
            format!("{v}s"),
        ));
        set.insert("VisibilityTimeout".to_owned(), v.to_string());
    }
    if spec.encryption_given && !desired.matches(&q.encryption) {
        differences.push(encryption_difference(&q.encryption, desired));
        set.extend(desired.attributes(true));
    }
    match (redrive, &q.redrive) {
        (Some(want), None) => {
            differences.push(Difference::new(
                "RedrivePolicy",
                "none".into(),
                format!("DLQ {} (maxReceiveCount {})", want.dead_letter_target_arn.name(), want.max_receive_count),
            ));
            set.insert("RedrivePolicy".to_owned(), gather::queue::redrive_json(want));
        }
        (Some(want), Some(have)) if want != have => {
            let (attribute, current, requested) = if want.dead_letter_target_arn == have.dead_letter_target_arn {
                ("maxReceiveCount", have.max_receive_count.to_string(), want.max_receive_count.to_string())
            } else {
                (
                    "RedrivePolicy",
                    format!("DLQ {}", have.dead_letter_target_arn),
                    format!("DLQ {}", want.dead_letter_target_arn),
                )
            };
            differences.push(Difference::new(attribute, current, requested));
            set.insert("RedrivePolicy".to_owned(), gather::queue::redrive_json(want));
        }
        (None, Some(have)) if spec.no_dlq => {
            differences.push(Difference {
                security: true,
                ..Difference::new("RedrivePolicy", format!("DLQ {}", have.dead_letter_target_arn), "none".into())
            });
            set.insert("RedrivePolicy".to_owned(), String::new());
        }
        (None, Some(have)) if spec.max_receive_count_given && have.max_receive_count != spec.max_receive_count => {
            differences.push(Difference::new(
                "maxReceiveCount",
                have.max_receive_count.to_string(),
                spec.max_receive_count.to_string(),
            ));
            let want = Redrive { max_receive_count: spec.max_receive_count, ..have.clone() };
            set.insert("RedrivePolicy".to_owned(), gather::queue::redrive_json(&want));
        }
        (None, None) if spec.max_receive_count_given => {
            notes.push("--max-receive-count is not applied: the queue has no DLQ (name one with --dlq)".to_owned());
        }
        _ => {}
    }
    let mut tags = BTreeMap::new();
    for (key, value) in &spec.user_tags {
        if q.tags.get(key) != Some(value) {
            differences.push(Difference::new(
                &format!("tag {key}"),
                q.tags.get(key).cloned().unwrap_or_else(|| "(none)".into()),
                value.clone(),
            ));
            tags.insert(key.clone(), value.clone());
        }
    }
    QueueStepPlan {
        name: q.name.clone(),
        existing: Some(q),
        differences,
        attributes: BTreeMap::new(),
        tags: BTreeMap::new(),
        update_attributes: set,
        update_tags: tags,
        notes,
    }
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

    /// The caller's account: where this plan creates and changes queues.
    pub fn caller_account(&self) -> &str {
        &self.caller.account
    }

    /// Whether the queue itself does not exist yet.
    pub fn creates_queue(&self) -> bool {
        self.queue.existing.is_none()
    }

    /// The security changes an update would make, on the queue or its DLQ.
    pub fn security_changes(&self) -> Vec<(QueueName, Difference)> {
        self.dlq
            .iter()
            .chain([&self.queue])
            .flat_map(|s| s.security_changes().map(|d| (s.name.clone(), d.clone())))
            .collect()
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
            refusal: None,
            changed: vec![],
        }
    }

    fn outcome_of(&self, step: &QueueStepPlan, outcome: Outcome, created: Option<(String, QueueArn)>) -> QueueOutcome {
        let (url, arn) = match (&step.existing, created) {
            (_, Some((url, arn))) => (Some(url), Some(arn)),
            (Some(q), None) => (Some(q.url.to_string()), Some(q.arn.clone())),
            (None, None) => (None, None),
        };
        let managed = match &step.existing {
            Some(q) => q.is_managed(),
            None => true,
        };
        let encryption = match &step.existing {
            Some(q) if !step.update_attributes.contains_key("KmsMasterKeyId") || !outcome.changed() => {
                q.encryption.to_string()
            }
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
            notes: step.notes.clone(),
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
                refusal: None,
                changed: vec![],
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
            refusal: None,
            changed: ctx.journal.changes(),
        })
    }

    /// The report when the security changes were not confirmed: nothing was changed.
    pub fn declined_report(&self, update: bool, why: String) -> QueueCreateReport {
        let mut report = self.dry_run_report(update);
        for q in report.dlq.iter_mut().chain([&mut report.queue]) {
            if matches!(q.outcome, Outcome::WouldUpdate | Outcome::WouldCreate) {
                q.outcome = if q.outcome == Outcome::WouldUpdate { Outcome::Refused } else { Outcome::Skipped };
            }
        }
        report.refusal = Some(why);
        report
    }

    async fn apply_step(&self, ctx: &Ctx, step: &QueueStepPlan, update: bool) -> Result<QueueOutcome, Error> {
        let outcome = step.outcome(update, false);
        match outcome {
            Outcome::Created => {
                let (url, arn) = create_queue(ctx, step).await?;
                ctx.journal.record(
                    Change::new("create-queue", &arn)
                        .with(step.attributes.keys().cloned())
                        .with(step.tags.keys().map(|k| format!("tag:{k}"))),
                );
                Ok(self.outcome_of(step, outcome, Some((url, arn))))
            }
            Outcome::Updated => {
                update_queue(ctx, step).await?;
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

/// Writes exactly the planned attributes and tags of an existing queue, each write journaled.
async fn update_queue(ctx: &Ctx, step: &QueueStepPlan) -> Result<(), Error> {
    let Some(existing) = &step.existing else { return Ok(()) };
    let sqs = &ctx.clients.sqs;
    if !step.update_attributes.is_empty() {
        sqs.set_queue_attributes()
            .queue_url(existing.url.as_str())
            .set_attributes(Some(sqs_attributes(&step.update_attributes)))
            .send()
            .await
            .aws("sqs:SetQueueAttributes", &existing.url)?;
        ctx.journal
            .record(Change::new("set-queue-attributes", &existing.arn).with(step.update_attributes.keys().cloned()));
    }
    if !step.update_tags.is_empty() {
        sqs.tag_queue()
            .queue_url(existing.url.as_str())
            .set_tags(Some(step.update_tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
            .send()
            .await
            .aws("sqs:TagQueue", &existing.url)?;
        ctx.journal
            .record(Change::new("tag-queue", &existing.arn).with(step.update_tags.keys().map(|k| format!("tag:{k}"))));
    }
    Ok(())
}

pub async fn run(ctx: &Ctx, settings: Settings) -> Result<QueueCreateReport, Error> {
    let spinner = ctx.output.spinner(format!("checking queue {}", settings.spec.name));
    let plan = plan(ctx, &settings.spec).await?;
    if settings.update
        && let Some(why) = spinner.suspend(|| confirm_security_changes(ctx, &plan, settings.yes))
    {
        spinner.finish();
        return Ok(plan.declined_report(settings.update, why));
    }
    spinner.set_message(format!("creating queue {}", settings.spec.name));
    let report = plan.apply(ctx, settings.update).await?;
    spinner.finish();
    Ok(report)
}

/// Security changes go ahead only when confirmed: `--yes`, or a yes on a terminal. Returns
/// why not, when they may not.
pub fn confirm_security_changes(ctx: &Ctx, plan: &QueuePlan, yes: bool) -> Option<String> {
    let changes = plan.security_changes();
    if changes.is_empty() || yes {
        return None;
    }
    let list: Vec<String> =
        changes.iter().map(|(name, d)| format!("{name}: {} {} -> {}", d.attribute, d.current, d.requested)).collect();
    if !ctx.output.interactive {
        return Some(format!(
            "security change ({}): pass --yes to confirm when not on a terminal; nothing was changed",
            list.join("; ")
        ));
    }
    let question = format!("Security change: {}. Go ahead?", list.join("; "));
    if ctx.output.confirm(&question) {
        None
    } else {
        Some("the security change was declined; nothing was changed".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::queue::fixtures::queue;
    use crate::cli::QueueOptions;

    fn kms() -> Desired {
        Desired::Kms { key_id: "arn:aws:kms:us-east-1:123456789012:key/k2".into(), aliases: vec!["alias/other".into()] }
    }

    /// An existing queue encrypted with key k1, redriving to `orders-deadletter` (count 3),
    /// tagged by another team.
    fn existing() -> QueueFacts {
        let mut q = queue("orders");
        q.encryption = Encryption::Kms { key_id: "alias/orders".into() };
        q.visibility_timeout_secs = 60;
        q.redrive = Some(Redrive {
            dead_letter_target_arn: "arn:aws:sqs:us-east-1:123456789012:orders-deadletter".parse().unwrap(),
            max_receive_count: 3,
        });
        q.tags = BTreeMap::from([("team".to_owned(), "orders".to_owned())]);
        q
    }

    fn planned(flags: &[&str], desired: Desired) -> QueuePlan {
        let mut options = QueueOptions::default();
        let mut it = flags.iter();
        while let Some(flag) = it.next() {
            match *flag {
                "--dlq" => options.dlq = it.next().map(|s| s.to_string()),
                "--no-dlq" => options.no_dlq = true,
                "--max-receive-count" => options.max_receive_count = it.next().and_then(|s| s.parse().ok()),
                "--visibility-timeout" => options.visibility_timeout = it.next().map(|s| s.to_string()),
                "--sse-sqs" => options.sse_sqs = true,
                "--no-encryption" => options.no_encryption = true,
                "--kms-key" => options.kms_key = it.next().map(|s| s.to_string()),
                "--tag" => options.tags.push(it.next().unwrap().to_string()),
                other => panic!("unknown flag {other}"),
            }
        }
        let spec = QueueSpec::from_args("orders", &options).unwrap();
        let caller = CallerFacts { account: "123456789012".into(), arn: "arn:aws:iam::123456789012:user/u".into() };
        let label = desired.label();
        plan_steps(&spec, Some(existing()), None, &desired, caller, "us-east-1".into(), vec![], label)
    }

    /// (flags given, encryption they resolve to) → (attributes written, tags written, security
    /// change, DLQ step): only what the flags name is written; defaults never apply here.
    #[test]
    fn writes_planned_on_an_existing_queue() {
        type Case = (&'static [&'static str], Desired, &'static [&'static str], &'static [&'static str], bool);
        let cases: Vec<Case> = vec![
            (&[], Desired::SseSqs, &[], &[], false),
            (&["--visibility-timeout", "60s"], Desired::SseSqs, &[], &[], false),
            (&["--visibility-timeout", "2m"], Desired::SseSqs, &["VisibilityTimeout"], &[], false),
            (&["--max-receive-count", "3"], Desired::SseSqs, &[], &[], false),
            (&["--max-receive-count", "6"], Desired::SseSqs, &["RedrivePolicy"], &[], false),
            (&["--dlq", "orders-deadletter"], Desired::SseSqs, &[], &[], false),
            (&["--dlq", "elsewhere"], Desired::SseSqs, &["RedrivePolicy"], &[], false),
            (&["--no-dlq"], Desired::SseSqs, &["RedrivePolicy"], &[], true),
            (&["--sse-sqs"], Desired::SseSqs, &["KmsMasterKeyId", "SqsManagedSseEnabled"], &[], true),
            (&["--no-encryption"], Desired::None, &["KmsMasterKeyId", "SqsManagedSseEnabled"], &[], true),
            (&["--kms-key", "alias/other"], kms(), &["KmsMasterKeyId", "SqsManagedSseEnabled"], &[], true),
            (&["--tag", "team=orders"], Desired::SseSqs, &[], &[], false),
            (&["--tag", "env=prod"], Desired::SseSqs, &[], &["env"], false),
        ];
        for (flags, desired, attributes, tags, security) in cases {
            let plan = planned(flags, desired);
            let step = &plan.queue;
            assert_eq!(step.update_attributes.keys().collect::<Vec<_>>(), attributes.to_vec(), "{flags:?}");
            assert_eq!(step.update_tags.keys().collect::<Vec<_>>(), tags.to_vec(), "{flags:?}");
            assert!(!step.update_tags.contains_key(crate::MANAGED_BY_TAG), "{flags:?}: ownership is never taken");
            assert_eq!(!plan.security_changes().is_empty(), security, "{flags:?}");
            // A DLQ step only when --dlq names one: an existing queue gets no default DLQ.
            assert_eq!(plan.dlq.is_some(), flags.contains(&"--dlq"), "{flags:?}");
        }
    }

    #[test]
    fn a_named_existing_dlq_is_used_as_it_is() {
        let mut options =
            QueueOptions { dlq: Some("shared".into()), kms_key: Some("alias/other".into()), ..Default::default() };
        options.tags.push("env=prod".into());
        let spec = QueueSpec::from_args("orders", &options).unwrap();
        let mut shared = queue("shared");
        shared.tags.clear();
        let caller = CallerFacts { account: "123456789012".into(), arn: "arn:aws:iam::123456789012:user/u".into() };
        let plan = plan_steps(&spec, None, Some(shared), &kms(), caller, "us-east-1".into(), vec![], String::new());
        let dlq = plan.dlq.expect("dlq step");
        assert!(dlq.differences.is_empty() && dlq.update_attributes.is_empty() && dlq.update_tags.is_empty());
        assert_eq!(dlq.outcome(true, false), Outcome::Unchanged);
        // The new queue is created with everything, and owned.
        assert_eq!(plan.queue.tags.get(crate::MANAGED_BY_TAG).map(String::as_str), Some("sqs-trigger"));
        assert!(plan.queue.attributes.contains_key("RedrivePolicy"));
    }
}
