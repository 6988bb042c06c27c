//! Plan: gather facts, run the checks, decide create / update / unchanged / refuse. Read-only.

use super::*;

/// What `apply` will do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Create,
    Update {
        uuid: String,
        changes: Changes,
    },
    Unchanged {
        uuid: String,
    },
    /// An error-level finding: nothing is changed.
    Refuse,
}

/// The settings of an existing mapping that differ from the request, in the shape of the
/// flags themselves: `None` = leave as is.
pub type Changes = MappingFlags;

impl Changes {
    /// What the flags change on `existing`: only settings whose flag was given and whose value
    /// differs. A flag not given keeps the mapping's setting, whatever it is (unspecified
    /// means keep); filters go only with `--clear-filters`, enabling only with `--enable`.
    pub fn between(existing: &MappingFacts, flags: &MappingFlags) -> Changes {
        let differs = |current: Option<i32>, default: Option<i32>, wanted: Option<i32>| {
            wanted.filter(|w| current.or(default) != Some(*w))
        };
        Changes {
            batch_size: differs(existing.batch_size, Some(DEFAULT_BATCH_SIZE), flags.batch_size),
            batch_window_secs: differs(existing.batch_window_secs, Some(0), flags.batch_window_secs),
            max_concurrency: differs(existing.max_concurrency, None, flags.max_concurrency),
            report_batch_item_failures: flags
                .report_batch_item_failures
                .filter(|wanted| *wanted != existing.report_batch_item_failures),
            filters: flags.filters.clone().filter(|wanted| !same_filters(&existing.filters, wanted)),
            enabled: flags.enabled.filter(|wanted| *wanted != existing.is_enabled()),
            provisioned_pollers: flags
                .provisioned_pollers
                .filter(|wanted| existing.provisioned_pollers != Some(*wanted)),
            metrics: flags.metrics.filter(|wanted| *wanted != existing.has_event_count_metrics()),
            filter_kms_key: flags
                .filter_kms_key
                .clone()
                .filter(|wanted| existing.filter_kms_key.as_deref() != Some(wanted.as_str())),
        }
    }

    /// The names of the mapping fields these changes write (as the change report and
    /// `UpdateEventSourceMapping` name them).
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut add = |set: bool, name: &str| {
            if set {
                out.push(name.to_owned());
            }
        };
        add(self.batch_size.is_some(), "BatchSize");
        add(self.batch_window_secs.is_some(), "MaximumBatchingWindowInSeconds");
        add(self.max_concurrency.is_some(), "ScalingConfig");
        add(self.report_batch_item_failures.is_some(), "FunctionResponseTypes");
        add(self.filters.is_some(), "FilterCriteria");
        add(self.enabled.is_some(), "Enabled");
        add(self.provisioned_pollers.is_some(), "ProvisionedPollerConfig");
        add(self.metrics.is_some(), "MetricsConfig");
        add(self.filter_kms_key.is_some(), "KMSKeyArn");
        out
    }

    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// The changes as `current → requested` lines for the report.
    pub fn differences(&self, existing: &MappingFacts) -> Vec<Difference> {
        let diff = Difference::new;
        let mut out = Vec::new();
        if let Some(b) = self.batch_size {
            out.push(diff("BatchSize", existing.batch_size.unwrap_or(DEFAULT_BATCH_SIZE).to_string(), b.to_string()));
        }
        if let Some(w) = self.batch_window_secs {
            out.push(diff(
                "MaximumBatchingWindowInSeconds",
                format!("{}s", existing.batch_window_secs.unwrap_or(0)),
                format!("{w}s"),
            ));
        }
        if let Some(n) = self.max_concurrency {
            let current = existing.max_concurrency.map(|c| c.to_string()).unwrap_or_else(|| "none".into());
            out.push(diff("MaximumConcurrency", current, n.to_string()));
        }
        if let Some(r) = self.report_batch_item_failures {
            out.push(diff("ReportBatchItemFailures", on_off(!r).into(), on_off(r).into()));
        }
        if let Some(f) = &self.filters {
            out.push(diff("FilterCriteria", filters_text(&existing.filters), filters_text(f)));
        }
        if let Some(e) = self.enabled {
            out.push(diff("Enabled", existing.state.to_string(), if e { "Enabled" } else { "Disabled" }.into()));
        }
        if let Some(p) = self.provisioned_pollers {
            let current = existing.provisioned_pollers.map(|c| c.to_string()).unwrap_or_else(|| "none".into());
            out.push(diff("ProvisionedPollerConfig", current, p.to_string()));
        }
        if let Some(m) = self.metrics {
            out.push(diff("MetricsConfig", on_off(!m).into(), on_off(m).into()));
        }
        if let Some(k) = &self.filter_kms_key {
            let current = existing.filter_kms_key.clone().unwrap_or_else(|| "none".into());
            out.push(diff("KMSKeyArn", current, k.clone()));
        }
        out
    }
}

pub(crate) fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

pub(crate) fn filters_text(filters: &[String]) -> String {
    if filters.is_empty() { "none".into() } else { filters.join(" | ") }
}

/// Filter patterns compared as JSON documents, in any order.
pub fn same_filters(a: &[String], b: &[String]) -> bool {
    let canon = |list: &[String]| {
        let mut v: Vec<String> = list
            .iter()
            .map(|p| {
                serde_json::from_str::<serde_json::Value>(p).map(|v| canonical_json(&v)).unwrap_or_else(|_| p.clone())
            })
            .collect();
        v.sort();
        v
    };
    canon(a) == canon(b)
}

/// JSON text with object keys sorted, whatever order the map keeps them in.
pub(crate) fn canonical_json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
            entries.sort_by(|x, y| x.0.cmp(y.0));
            let body: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", serde_json::Value::String(k.clone()), canonical_json(v)))
                .collect();
            format!("{{{}}}", body.join(","))
        }
        serde_json::Value::Array(items) => {
            format!("[{}]", items.iter().map(canonical_json).collect::<Vec<_>>().join(","))
        }
        other => other.to_string(),
    }
}

/// Everything `apply` needs, and what `setup --dry-run` prints.
#[derive(Clone, Debug)]
pub struct MappingPlan {
    pub target: Target,
    /// The flags as given.
    pub request: MappingFlags,
    /// The settings the mapping will have (the request, completed from an existing mapping).
    pub settings: MappingRequest,
    pub action: Action,
    /// The existing mapping of the pair (when exactly one exists).
    pub existing: Option<MappingFacts>,
    pub differences: Vec<Difference>,
    pub findings: Vec<Finding>,
    /// The facts the checks ran on (queue and function are set unless refused before reading).
    pub facts: TriggerFacts,
}

impl MappingPlan {
    pub fn outcome(&self, dry_run: bool) -> Outcome {
        match (&self.action, dry_run) {
            (Action::Refuse, _) => Outcome::Refused,
            (Action::Unchanged { .. }, _) => Outcome::Unchanged,
            (Action::Create, false) => Outcome::Created,
            (Action::Create, true) => Outcome::WouldCreate,
            (Action::Update { .. }, false) => Outcome::Updated,
            (Action::Update { .. }, true) => Outcome::WouldUpdate,
        }
    }

    pub fn queue_arn(&self) -> Option<&QueueArn> {
        self.facts.queue.as_ref().map(|q| &q.arn)
    }

    pub fn function_arn(&self) -> Option<&FunctionArn> {
        self.facts.function.as_ref().map(|f| &f.arn)
    }

    fn refused(target: &Target, request: &MappingFlags, findings: Vec<Finding>, facts: TriggerFacts) -> Self {
        MappingPlan {
            target: target.clone(),
            request: request.clone(),
            settings: request.settle(None),
            action: Action::Refuse,
            existing: None,
            differences: vec![],
            findings,
            facts,
        }
    }
}

/// Reads everything (concurrently), runs every check, and decides. Read-only.
pub async fn plan(ctx: &Ctx, target: &Target, request: &MappingFlags) -> Result<MappingPlan, Error> {
    plan_with(ctx, target, request, None).await
}

/// Like `plan`, with facts the caller has just gathered for the same pair (`setup` hands over
/// the role step's), so nothing is read twice.
pub async fn plan_with(
    ctx: &Ctx,
    target: &Target,
    request: &MappingFlags,
    known: Option<TriggerFacts>,
) -> Result<MappingPlan, Error> {
    let region = ctx.clients.region.as_str();
    // A region named in an ARN or URL is checked before anything is sent: no call can help.
    let queue_placed =
        target.queue.region().map(|r| placement::Placed { resource: target.queue.to_string(), region: r });
    let function_placed =
        target.function.region().map(|r| placement::Placed { resource: target.function.to_string(), region: r });
    if let Some(finding) = placement::region_mismatch(region, queue_placed.as_ref(), function_placed.as_ref()) {
        let facts =
            TriggerFacts { region: region.to_owned(), request: Some(request.settle(None)), ..TriggerFacts::default() };
        return Ok(MappingPlan::refused(target, request, vec![finding], facts));
    }

    let mut facts = match known {
        Some(facts) => required_facts(ctx, target, facts)?,
        None => gather_facts(ctx, target).await?,
    };
    let mappings = match &facts.mappings {
        Some(Ok(m)) => m.clone(),
        _ => Vec::new(),
    };
    let existing = match mappings.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    // `--filter-kms-key` names a key by ARN, id or alias; KMSKeyArn takes its ARN, and the
    // key is checked like the queue's (exists, enabled, key policy).
    let mut request = request.clone();
    if let Some(key) = request.filter_kms_key.clone() {
        let lookup = gather::key::read_filter_key(&ctx.clients, &key).await;
        if let Ok(crate::model::facts::KeyLookup::Found(k)) = &lookup {
            request.filter_kms_key = Some(k.arn.to_string());
        }
        facts.filter_key = Some(lookup);
    }
    let request = &request;
    // The checks see the settings the mapping will actually have (batch 100 kept from before
    // and a window of 0 asked for now still needs a window).
    let settings = request.settle(existing.as_ref());
    facts.request = Some(settings.clone());
    let findings = checks::run_all(&facts);
    let (action, differences) = if has_errors(&findings) {
        (Action::Refuse, vec![])
    } else {
        match &existing {
            None if mappings.is_empty() => (Action::Create, vec![]),
            None => (Action::Refuse, vec![]),
            Some(m) => {
                let changes = Changes::between(m, request);
                let differences = changes.differences(m);
                if changes.is_empty() {
                    (Action::Unchanged { uuid: m.uuid.clone() }, differences)
                } else {
                    (Action::Update { uuid: m.uuid.clone(), changes }, differences)
                }
            }
        }
    };
    Ok(MappingPlan {
        target: target.clone(),
        request: request.clone(),
        settings,
        action,
        existing,
        differences,
        findings,
        facts,
    })
}

/// Every fact of the pair, from the gatherer `doctor` and `setup` use. `mapping create`
/// cannot go on without the queue, the function or the existing mappings (a re-run could
/// otherwise duplicate a mapping), so those are errors here rather than skipped checks.
pub(crate) async fn gather_facts(ctx: &Ctx, target: &Target) -> Result<TriggerFacts, Error> {
    let facts =
        gather::trigger::gather(&ctx.clients, Some(&target.queue), Some(&target.function), Default::default()).await?;
    required_facts(ctx, target, facts)
}

/// The queue, the function and the existing mappings must be known to decide safely.
pub(crate) fn required_facts(ctx: &Ctx, target: &Target, facts: TriggerFacts) -> Result<TriggerFacts, Error> {
    let clients = &ctx.clients;
    let unreadable = |kind: FactKind| facts.skipped.iter().find(|u| u.kind == kind).cloned();
    if facts.queue.is_none() {
        return Err(match unreadable(FactKind::Queue) {
            Some(u) => unreadable_error(u),
            None => not_found("sqs:GetQueueUrl", &target.queue, "the queue", &clients.region).into(),
        });
    }
    if facts.function.is_none() {
        return Err(match unreadable(FactKind::Function) {
            Some(u) => unreadable_error(u),
            None => not_found("lambda:GetFunction", &target.function, "the function", &clients.region).into(),
        });
    }
    if let Some(Err(u)) = &facts.mappings {
        return Err(unreadable_error(u.clone()));
    }
    Ok(facts)
}

pub(crate) fn unreadable_error(u: crate::model::facts::Unreadable) -> Error {
    Error::Aws(AwsError {
        action: "read",
        resource: u.fact,
        kind: crate::error::AwsErrorKind::AccessDenied,
        code: Some("AccessDenied".into()),
        message: u.detail,
        answer: None,
        hint: Some(format!("the caller needs `{}`: mapping create cannot decide safely without it", u.permission)),
    })
}

pub(crate) fn not_found(action: &'static str, resource: &dyn std::fmt::Display, what: &str, region: &str) -> AwsError {
    AwsError::not_found(action, resource, format!("{what} does not exist in {region}"))
}
