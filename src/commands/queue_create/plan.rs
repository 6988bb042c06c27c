//! Planning: what exists, what was asked, and exactly what to write. Read-only, so `setup
//! --dry-run` prints it.

use super::*;

/// The resolved encryption request: the key's ARN once KMS has confirmed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Desired {
    SseSqs,
    Kms { key_id: String, aliases: Vec<String> },
    None,
}

impl Desired {
    pub(crate) fn label(&self) -> String {
        match self {
            Desired::SseSqs => "SSE-SQS".to_owned(),
            Desired::None => "unencrypted".to_owned(),
            Desired::Kms { key_id, .. } => format!("SSE-KMS {key_id}"),
        }
    }

    pub(crate) fn matches(&self, current: &Encryption) -> bool {
        match (self, current) {
            (Desired::SseSqs, Encryption::SseSqs) | (Desired::None, Encryption::None) => true,
            (Desired::Kms { key_id, aliases }, Encryption::Kms { key_id: current }) => {
                current == key_id || aliases.iter().any(|a| a == current)
            }
            _ => false,
        }
    }

    /// The attributes that set this encryption on a queue.
    pub(crate) fn attributes(&self, existing: bool) -> BTreeMap<String, String> {
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
    pub(crate) attributes: BTreeMap<String, String>,
    /// Tags to create the queue with (managed-by included: this tool made it).
    pub(crate) tags: BTreeMap<String, String>,
    /// On an existing queue: exactly the attributes to set (those whose flags were given and
    /// differ) and the user's tags to add. Nothing else is written.
    pub(crate) update_attributes: BTreeMap<String, String>,
    pub(crate) update_tags: BTreeMap<String, String>,
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
                // Advisory: a key that cannot be described costs its own check, not the queue.
                Some(k) => Ok(Some(
                    gather::reads::KEY.advisory(format!("KMS key {k}"), gather::key::describe(clients, k).await),
                )),
                None => Ok(None),
            }
        },
        gather::caller(clients),
    )?;

    let mut findings = Vec::new();
    let desired = match (&spec.encryption, key) {
        (EncryptionChoice::SseSqs, _) => Desired::SseSqs,
        (EncryptionChoice::None, _) => Desired::None,
        (EncryptionChoice::Kms(key_ref), Some(Err(unreadable))) => {
            findings.push(crate::checks::skipped_finding(&unreadable));
            Desired::Kms { key_id: key_ref.to_string(), aliases: vec![] }
        }
        (EncryptionChoice::Kms(key_ref), Some(Ok(KeyLookup::Found(key)))) => {
            findings.extend(crate::checks::kms::not_enabled(&key));
            let mut aliases = vec![key_ref.to_string(), key.arn.key_id().to_owned()];
            aliases.dedup();
            Desired::Kms { key_id: key.arn.to_string(), aliases }
        }
        (EncryptionChoice::Kms(key_ref), _) if key_ref.is_aws_managed_sqs_alias() => {
            // The AWS managed key is created by SQS on first use; it need not exist yet.
            Desired::Kms { key_id: key_ref.to_string(), aliases: vec![] }
        }
        (EncryptionChoice::Kms(key_ref), _) => {
            findings.push(crate::checks::kms::not_found_for_new_queue(&key_ref.to_string(), &clients.region));
            Desired::Kms { key_id: key_ref.to_string(), aliases: vec![] }
        }
    };
    // alias/aws/sqs on a queue whose policy already lets a service send: that service could
    // never use the key (a warning: the policy may be stale).
    if let (EncryptionChoice::Kms(key_ref), Some(queue)) = (&spec.encryption, &existing)
        && key_ref.is_aws_managed_sqs_alias()
    {
        findings.extend(crate::checks::producers::aws_managed_key_for_named_services(queue));
    }
    let encryption_label = desired.label();
    let region = clients.region.clone();
    Ok(plan_steps(spec, existing, existing_dlq, &desired, caller, region, findings, encryption_label))
}

/// The pure part of planning: from what exists and what was asked, the steps.
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan_steps(
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

pub(crate) fn planned_url_fallback(name: &QueueName) -> crate::model::QueueUrl {
    format!("https://sqs.us-east-1.amazonaws.com/000000000000/{name}").parse().unwrap_or_else(|_| {
        // Both parts are valid by construction; this cannot fail.
        unreachable!("a queue name always makes a valid URL")
    })
}

pub(crate) fn arn_in_callers_account(caller: &CallerFacts, region: &str, name: &QueueName) -> QueueArn {
    QueueArn::new(gather::partition_of(&caller.arn), region, &caller.account, name)
}

/// A queue this run creates: every attribute the flags (or their defaults) give, and the
/// managed-by tag, since this tool made it.
pub(crate) fn new_queue_step(
    spec: &QueueSpec,
    name: &QueueName,
    desired: &Desired,
    redrive: Option<&Redrive>,
) -> QueueStepPlan {
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
pub(crate) fn dlq_step(
    spec: &QueueSpec,
    name: &QueueName,
    existing: Option<QueueFacts>,
    desired: &Desired,
) -> QueueStepPlan {
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

pub(crate) fn encryption_difference(current: &Encryption, desired: &Desired) -> Difference {
    // Replacing a KMS key, or going from KMS or SSE-SQS to something weaker, is a security
    // change: it needs --update and confirmation. Adding encryption is not.
    let security = matches!((current, desired), (Encryption::Kms { .. }, _) | (Encryption::SseSqs, Desired::None));
    Difference { attribute: "encryption".into(), current: current.to_string(), requested: desired.label(), security }
}

/// An existing queue: compared only on what the flags name. What differs is the whole update.
pub(crate) fn existing_queue_step(
    spec: &QueueSpec,
    q: QueueFacts,
    desired: &Desired,
    redrive: Option<&Redrive>,
) -> QueueStepPlan {
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

/// SQS's default visibility timeout, and the most it allows (12 hours).
pub const SQS_DEFAULT_VISIBILITY_SECS: u32 = 30;
pub const SQS_MAX_VISIBILITY_SECS: u32 = 43_200;

/// The visibility timeout a queue for a function should get: AWS's recommendation of six times
/// the function timeout plus the batching window
/// (<https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html>), never below
/// SQS's own default of 30 s nor above its 12-hour maximum.
pub fn recommended_visibility_secs(function_timeout_secs: u32, batch_window_secs: u32) -> u32 {
    let recommended = function_timeout_secs
        .saturating_mul(crate::checks::queue::RECOMMENDED_VISIBILITY_FACTOR)
        .saturating_add(batch_window_secs);
    recommended.clamp(SQS_DEFAULT_VISIBILITY_SECS, SQS_MAX_VISIBILITY_SECS)
}

impl QueuePlan {
    /// A queue this run creates for a known function without `--visibility-timeout`: it gets
    /// [`recommended_visibility_secs`] instead of SQS's 30 s, which the checks would warn about
    /// at once. Returns what it set; an existing queue or a given flag is left as it is.
    pub fn default_visibility_for(&mut self, function_timeout_secs: u32, batch_window_secs: u32) -> Option<u32> {
        if self.queue.existing.is_some() || self.spec.visibility_timeout_secs.is_some() {
            return None;
        }
        let secs = recommended_visibility_secs(function_timeout_secs, batch_window_secs);
        self.spec.visibility_timeout_secs = Some(secs);
        self.queue.attributes.insert("VisibilityTimeout".to_owned(), secs.to_string());
        let window =
            if batch_window_secs > 0 { format!(" + the {batch_window_secs}s batching window") } else { String::new() };
        self.queue.notes.push(format!(
            "visibility timeout {secs}s: 6 × the function's {function_timeout_secs}s timeout{window}, as AWS \
             recommends (SQS's default is 30s; --visibility-timeout chooses another)"
        ));
        Some(secs)
    }

    /// The queue as it is, or as it will be once created: what `setup` checks the role and the
    /// mapping against (before anything exists in a dry run; as just created otherwise).
    pub fn planned_facts(&self) -> QueueFacts {
        self.planned_facts_of(&self.queue)
    }

    /// The DLQ as it is, or as it will be once created; None when the plan has none.
    pub fn planned_dlq_facts(&self) -> Option<QueueFacts> {
        self.dlq.as_ref().map(|d| self.planned_facts_of(d))
    }

    fn planned_facts_of(&self, step: &QueueStepPlan) -> QueueFacts {
        if let Some(existing) = &step.existing {
            return existing.clone();
        }
        let encryption = match step.attributes.get("KmsMasterKeyId") {
            Some(key_id) => Encryption::Kms { key_id: key_id.clone() },
            None if step.attributes.get("SqsManagedSseEnabled").is_some_and(|v| v == "true") => Encryption::SseSqs,
            None => Encryption::None,
        };
        let redrive = step.attributes.get("RedrivePolicy").and_then(|r| gather::queue::parse_redrive(r).ok());
        let url = format!("https://sqs.{}.amazonaws.com/{}/{}", self.region, self.caller.account, step.name);
        QueueFacts {
            name: step.name.clone(),
            url: url.parse().unwrap_or_else(|_| planned_url_fallback(&step.name)),
            arn: self.arn_of(&step.name),
            fifo: step.name.is_fifo(),
            visibility_timeout_secs: step
                .attributes
                .get("VisibilityTimeout")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30),
            encryption,
            redrive,
            policy: None,
            depth: Default::default(),
            tags: step.tags.clone(),
        }
    }

    /// The ARN of a queue this plan creates: the caller's account in this region (a queue
    /// made by name is always there), so it is built, never read back.
    pub(crate) fn arn_of(&self, name: &QueueName) -> QueueArn {
        arn_in_callers_account(&self.caller, &self.region, name)
    }

    /// The caller, as read while planning.
    pub fn caller(&self) -> &CallerFacts {
        &self.caller
    }

    /// The caller's account: where this plan creates and changes queues.
    pub fn caller_account(&self) -> &str {
        &self.caller.account
    }

    /// Whether the plan writes to a queue that exists (an update), rather than only creating
    /// queues or leaving them as they are.
    pub fn updates_existing(&self) -> bool {
        self.dlq.iter().chain([&self.queue]).any(|s| s.existing.is_some() && !s.differences.is_empty())
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
        self.report(queue, dlq, vec![])
    }

    /// The report of this plan with these outcomes and writes.
    pub(crate) fn report(
        &self,
        queue: QueueOutcome,
        dlq: Option<QueueOutcome>,
        changed: Vec<Change>,
    ) -> QueueCreateReport {
        QueueCreateReport {
            dlq_arn: dlq.as_ref().and_then(|d| d.arn.clone()),
            queue,
            dlq,
            findings: self.findings.clone(),
            refusal: None,
            changed,
        }
    }

    pub(crate) fn outcome_of(
        &self,
        step: &QueueStepPlan,
        outcome: Outcome,
        created: Option<(String, QueueArn)>,
    ) -> QueueOutcome {
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
}
