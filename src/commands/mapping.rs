//! `mapping create | list | delete`: the SQS → Lambda event source mapping.
//!
//! `create` is a preflight, then a converging change: it gathers every fact concurrently,
//! runs every check, and refuses on an error-level finding (nothing is created). An existing
//! mapping of the same pair is updated with only what differs (or reported unchanged), never
//! duplicated. Then it waits until the mapping settles. `plan` (read-only, for `--dry-run`)
//! and `apply` are separate so `setup` can run them as steps of its pipeline.

use std::future::Future;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use aws_sdk_lambda::types::{Filter, FilterCriteria, FunctionResponseType, ScalingConfig};
use serde::Serialize;

use crate::aws::AwsResultExt;
use crate::aws::errors::{is_resource_in_use, is_role_not_ready};
use crate::checks::{self, mapping::DEFAULT_BATCH_SIZE, placement};
use crate::cli::{MappingCreateArgs, MappingDeleteArgs, MappingListArgs, MappingOptions, TargetArgs};
use crate::commands::queue_create::{Difference, Outcome};
use crate::commands::{Change, Ctx};
use crate::error::{AwsError, AwsErrorKind, Error, ExitStatus};
use crate::gather;
use crate::model::facts::TriggerFacts;
use crate::model::facts::{MappingFacts, MappingFlags, MappingRequest};
use crate::model::finding::has_errors;
use crate::model::names::shorten;
use crate::model::{Finding, FindingCode, FunctionArn, FunctionRef, HumanDuration, QueueArn, QueueRef, Severity};
use crate::output::{Progress, Report, Style, count_summary, write_findings};
use crate::settings::{duration_flag, function_flag, queue_flag};

/// How long a freshly granted execution role may take to reach Lambda before we give up.
pub const ROLE_PROPAGATION_BOUND: Duration = Duration::from_secs(120);
/// How long to keep retrying while a mapping is busy (`ResourceInUseException`) under `--no-wait`.
const IN_USE_BOUND: Duration = Duration::from_secs(120);
/// Filter patterns are at most 4096 characters (Lambda's FilterCriteria limit).
const MAX_FILTER_LEN: usize = 4096;

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

/// The queue and function a mapping connects, as the user named them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub queue: QueueRef,
    pub function: FunctionRef,
}

impl Target {
    pub fn from_args(args: &TargetArgs) -> Result<Self, Error> {
        Ok(Target { queue: queue_flag(&args.queue)?, function: function_flag(&args.function)? })
    }
}

/// Turns the mapping flags (shared with `setup`) into a request. Limits that depend on the
/// queue (batch size on FIFO, ...) are checks, reported as findings once the queue is read;
/// what cannot mean anything (a window of `5x`, a filter that is not a JSON object) is a
/// usage error here, before anything is sent.
pub fn request_from_options(options: &MappingOptions) -> Result<MappingFlags, Error> {
    let batch_window_secs = match &options.batch_window {
        Some(text) => {
            let d = duration_flag("batch-window", text)?;
            if d.subsec_nanos() != 0 {
                return Err(Error::usage(format!(
                    "--batch-window: `{}` is not a whole number of seconds (Lambda counts the window in seconds)",
                    shorten(text)
                )));
            }
            Some(i32::try_from(d.as_secs()).unwrap_or(i32::MAX))
        }
        None => None,
    };
    let mut filters = Vec::new();
    for (i, text) in options.filters.iter().enumerate() {
        filters.push(validate_filter(i + 1, options.filters.len(), text)?);
    }
    // Each switch has an on and an off flag; neither means "keep what the mapping has".
    let switch = |on: bool, off: bool| match (on, off) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    Ok(MappingFlags {
        batch_size: options.batch_size,
        batch_window_secs,
        max_concurrency: options.max_concurrency,
        report_batch_item_failures: switch(options.report_batch_item_failures, options.no_report_batch_item_failures),
        filters: if options.clear_filters { Some(vec![]) } else { (!filters.is_empty()).then_some(filters) },
        enabled: switch(options.enable, options.disabled),
    })
}

fn validate_filter(n: usize, total: usize, text: &str) -> Result<String, Error> {
    let which = if total == 1 { "--filter".to_owned() } else { format!("--filter #{n}") };
    let text = text.trim();
    if text.chars().count() > MAX_FILTER_LEN {
        return Err(Error::usage(format!("{which}: a filter pattern is at most {MAX_FILTER_LEN} characters")));
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) if !map.is_empty() => match non_array_leaf(&map, "") {
            // Lambda (like EventBridge) matches a field against a list of values: `"type":
            // "order"` is refused by CreateEventSourceMapping, so refuse it before sending.
            Some((path, value)) => Err(Error::usage(format!(
                "{which}: `{}` is {}; the values to match are a JSON array, e.g. {{\"body\":{{\"type\":[\"order\"]}}}}",
                shorten(&path),
                json_kind(value)
            ))),
            None => Ok(text.to_owned()),
        },
        Ok(serde_json::Value::Object(_)) => Err(Error::usage(format!(
            "{which}: `{{}}` is an empty pattern; name a field, e.g. {{\"body\":{{\"type\":[\"order\"]}}}}"
        ))),
        Ok(other) => Err(Error::usage(format!(
            "{which}: a filter pattern is a JSON object such as {{\"body\":{{\"type\":[\"order\"]}}}}, not {}",
            json_kind(&other)
        ))),
        Err(e) => Err(Error::usage(format!(
            "{which}: not valid JSON ({e}); quote the pattern for your shell, e.g. --filter '{{\"body\":{{\"type\":[\"order\"]}}}}'"
        ))),
    }
}

/// The first field (as a dotted path) whose value is neither an object nor an array.
fn non_array_leaf<'a>(
    map: &'a serde_json::Map<String, serde_json::Value>,
    prefix: &str,
) -> Option<(String, &'a serde_json::Value)> {
    map.iter().find_map(|(key, value)| {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            serde_json::Value::Object(inner) => non_array_leaf(inner, &path),
            serde_json::Value::Array(_) => None,
            other => Some((path, other)),
        }
    })
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// `mapping create`, validated.
#[derive(Clone, Debug)]
pub struct CreateSettings {
    pub target: Target,
    pub request: MappingFlags,
    /// How long to wait for the mapping to settle; None with `--no-wait`.
    pub wait: Option<Duration>,
}

impl CreateSettings {
    pub fn from_args(args: &MappingCreateArgs) -> Result<Self, Error> {
        let target = Target::from_args(&args.target)?;
        let request = request_from_options(&args.mapping)?;
        let timeout = duration_flag("wait-timeout", &args.wait_timeout)?;
        if timeout.is_zero() {
            return Err(Error::usage("--wait-timeout: must be longer than zero (use --no-wait not to wait)"));
        }
        Ok(CreateSettings { target, request, wait: (!args.no_wait).then_some(timeout) })
    }
}

/// `mapping list`, validated.
#[derive(Clone, Debug)]
pub struct ListSettings {
    pub queue: Option<QueueRef>,
    pub function: Option<FunctionRef>,
}

impl ListSettings {
    pub fn from_args(args: &MappingListArgs) -> Result<Self, Error> {
        Ok(ListSettings {
            queue: args.queue.as_deref().map(queue_flag).transpose()?,
            function: args.function.as_deref().map(function_flag).transpose()?,
        })
    }
}

/// `mapping delete`, validated.
#[derive(Clone, Debug)]
pub struct DeleteSettings {
    pub target: Target,
    pub yes: bool,
}

impl DeleteSettings {
    /// Without a terminal to confirm on, `--yes` is required (exit 2, nothing sent).
    pub fn from_args(args: &MappingDeleteArgs, interactive: bool) -> Result<Self, Error> {
        let target = Target::from_args(&args.target)?;
        if !args.yes && !interactive {
            return Err(Error::usage(
                "mapping delete deletes the mapping: pass --yes to confirm when not on a terminal",
            ));
        }
        Ok(DeleteSettings { target, yes: args.yes })
    }
}

// ---------------------------------------------------------------------------------------
// Plan: gather facts, run the checks, decide create / update / unchanged / refuse
// ---------------------------------------------------------------------------------------

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

/// The settings of an existing mapping that differ from the request; None = leave as is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub batch_size: Option<i32>,
    pub batch_window_secs: Option<i32>,
    pub max_concurrency: Option<i32>,
    pub report_batch_item_failures: Option<bool>,
    pub filters: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

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
            out.push(diff("Enabled", existing.state.clone(), if e { "Enabled" } else { "Disabled" }.into()));
        }
        out
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn filters_text(filters: &[String]) -> String {
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
fn canonical_json(value: &serde_json::Value) -> String {
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
async fn gather_facts(ctx: &Ctx, target: &Target) -> Result<TriggerFacts, Error> {
    let facts =
        gather::trigger::gather(&ctx.clients, Some(&target.queue), Some(&target.function), Default::default()).await?;
    required_facts(ctx, target, facts)
}

/// The queue, the function and the existing mappings must be known to decide safely.
fn required_facts(ctx: &Ctx, target: &Target, facts: TriggerFacts) -> Result<TriggerFacts, Error> {
    let clients = &ctx.clients;
    let unreadable = |what: &str| facts.skipped.iter().find(|u| u.fact.starts_with(what)).cloned();
    if facts.queue.is_none() {
        return Err(match unreadable("queue ") {
            Some(u) => unreadable_error(u),
            None => not_found("sqs:GetQueueUrl", &target.queue, "the queue", &clients.region).into(),
        });
    }
    if facts.function.is_none() {
        return Err(match unreadable("function ") {
            Some(u) => unreadable_error(u),
            None => not_found("lambda:GetFunction", &target.function, "the function", &clients.region).into(),
        });
    }
    if let Some(Err(u)) = &facts.mappings {
        return Err(unreadable_error(u.clone()));
    }
    Ok(facts)
}

fn unreadable_error(u: crate::model::facts::Unreadable) -> Error {
    Error::Aws(AwsError {
        action: "read",
        resource: u.fact,
        kind: crate::error::AwsErrorKind::AccessDenied,
        code: Some("AccessDenied".into()),
        message: u.detail,
        hint: Some(format!("the caller needs `{}`: mapping create cannot decide safely without it", u.permission)),
    })
}

fn not_found(action: &'static str, resource: &dyn std::fmt::Display, what: &str, region: &str) -> AwsError {
    AwsError {
        action,
        resource: resource.to_string(),
        kind: AwsErrorKind::NotFound,
        code: None,
        message: format!("{what} does not exist in {region}"),
        hint: Some(format!("check the name, the account and the region (--region) of {resource}")),
    }
}

// ---------------------------------------------------------------------------------------
// Apply: create or update, then wait
// ---------------------------------------------------------------------------------------

/// How the wait for the mapping ended.
#[derive(Clone, Debug, Serialize)]
pub struct WaitResult {
    /// Whether the mapping reached the state asked for.
    pub settled: bool,
    pub expected: String,
    /// The last state seen (`gone` when the mapping disappeared).
    pub state: String,
    pub waited: HumanDuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_transition_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_processing_result: Option<String>,
}

/// What `mapping create` did.
#[derive(Clone, Debug, Serialize)]
pub struct MappingReport {
    pub outcome: Outcome,
    pub uuid: Option<String>,
    /// The mapping's state when the command ended.
    pub state: Option<String>,
    /// The queue ARN (or the queue as given, when refused before reading it).
    pub queue: String,
    pub function: String,
    /// The settings the mapping has (or would have).
    pub settings: MappingRequest,
    pub differences: Vec<Difference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait: Option<WaitResult>,
    pub findings: Vec<Finding>,
    pub warnings: usize,
    /// Every write this command made.
    pub changed: Vec<Change>,
}

impl MappingReport {
    pub fn from_plan(plan: &MappingPlan, outcome: Outcome) -> Self {
        let mut report = MappingReport {
            outcome,
            uuid: plan.existing.as_ref().map(|m| m.uuid.clone()),
            state: plan.existing.as_ref().map(|m| m.state.clone()),
            queue: plan.queue_arn().map(ToString::to_string).unwrap_or_else(|| plan.target.queue.to_string()),
            function: plan.function_arn().map(ToString::to_string).unwrap_or_else(|| plan.target.function.to_string()),
            settings: plan.settings.clone(),
            differences: plan.differences.clone(),
            wait: None,
            findings: plan.findings.clone(),
            warnings: 0,
            changed: vec![],
        };
        report.count_warnings();
        report
    }

    fn count_warnings(&mut self) {
        self.warnings = self.findings.iter().filter(|f| f.severity == Severity::Warning).count();
    }

    pub fn failed(&self) -> bool {
        self.outcome == Outcome::Refused || has_errors(&self.findings) || self.wait.as_ref().is_some_and(|w| !w.settled)
    }
}

impl Report for MappingReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        let outcome = match self.outcome {
            Outcome::Created | Outcome::Updated => style.green(self.outcome.as_str()),
            Outcome::Refused => style.red(self.outcome.as_str()),
            _ => self.outcome.as_str().to_owned(),
        };
        writeln!(out, "{:<16}{outcome}", "mapping")?;
        if let Some(uuid) = &self.uuid {
            writeln!(out, "{:<16}{}", "uuid", style.bold(uuid))?;
        }
        if let Some(state) = &self.state {
            writeln!(out, "{:<16}{state}", "state")?;
        }
        writeln!(out, "{:<16}{}", "queue", self.queue)?;
        writeln!(out, "{:<16}{}", "function", self.function)?;
        let s = &self.settings;
        writeln!(out, "{:<16}{}", "batch size", s.batch_size.unwrap_or(DEFAULT_BATCH_SIZE))?;
        writeln!(out, "{:<16}{}s", "batch window", s.batch_window_secs.unwrap_or(0))?;
        let concurrency = s.max_concurrency.map(|n| n.to_string()).unwrap_or_else(|| "no limit".into());
        writeln!(out, "{:<16}{concurrency}", "max concurrency")?;
        writeln!(
            out,
            "{:<16}{}",
            "batch failures",
            if s.report_batch_item_failures { "reported (ReportBatchItemFailures)" } else { "not reported" }
        )?;
        if s.filters.is_empty() {
            writeln!(out, "{:<16}none", "filters")?;
        }
        for f in &s.filters {
            writeln!(out, "{:<16}{f}", "filter")?;
        }
        writeln!(out, "{:<16}{}", "enabled", if s.enabled { "yes" } else { "no (--disabled)" })?;
        for d in &self.differences {
            let verb = if self.outcome == Outcome::Updated { "changed" } else { "differs" };
            writeln!(out, "{:<16}{}: {} -> {}", verb, d.attribute, d.current, d.requested)?;
        }
        if let Some(w) = &self.wait {
            if w.settled {
                writeln!(out, "{:<16}{} after {}", "settled", w.state, w.waited)?;
            } else {
                writeln!(
                    out,
                    "{:<16}{} after {} (expected {})",
                    style.red("not settled"),
                    w.state,
                    w.waited,
                    w.expected
                )?;
                if let Some(r) = &w.state_transition_reason {
                    writeln!(out, "{:<16}{r}", "reason")?;
                }
                if let Some(r) = &w.last_processing_result {
                    writeln!(out, "{:<16}{r}", "last result")?;
                }
            }
        }
        if !self.findings.is_empty() {
            writeln!(out, "findings ({}):", count_summary(&self.findings))?;
            write_findings(out, style, &self.findings)?;
        }
        if self.outcome == Outcome::Refused {
            writeln!(out, "refused: nothing was created or changed; fix the errors above and run again")?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        if self.failed() { ExitStatus::CheckFailed } else { ExitStatus::Success }
    }
}

/// Creates or updates the mapping as planned, then waits (when `wait` is given) until it is
/// `Enabled` (or `Disabled` when asked for). Changes are recorded in the journal.
pub async fn apply(
    ctx: &Ctx,
    plan: &MappingPlan,
    wait: Option<Duration>,
    progress: &Progress,
) -> Result<MappingReport, Error> {
    let mut report = MappingReport::from_plan(plan, plan.outcome(false));
    let in_use_bound = wait.unwrap_or(IN_USE_BOUND).max(IN_USE_BOUND);
    let pair = format!("{} -> {}", report.queue, report.function);
    let uuid = match &plan.action {
        Action::Refuse => return Ok(report),
        Action::Create => {
            progress.set_message(format!("creating the mapping {pair}"));
            let created = retrying(ctx, progress, in_use_bound, || create(ctx, plan)).await?;
            ctx.journal.record(
                Change::new("create-mapping", created.arn.as_deref().unwrap_or(&created.uuid))
                    .with(["uuid:".to_owned() + &created.uuid]),
            );
            report.state = Some(created.state.clone());
            created.uuid
        }
        Action::Update { uuid, changes } => {
            progress.set_message(format!("updating the mapping {uuid}"));
            let updated = retrying(ctx, progress, in_use_bound, || update(ctx, uuid, changes, plan)).await?;
            ctx.journal
                .record(Change::new("update-mapping", mapping_id(plan.existing.as_ref(), uuid)).with(changes.fields()));
            report.state = Some(updated.state);
            uuid.clone()
        }
        Action::Unchanged { uuid } => uuid.clone(),
    };
    report.uuid = Some(uuid.clone());
    if let Some(timeout) = wait {
        let expected = if plan.settings.enabled { "Enabled" } else { "Disabled" };
        progress.set_message(format!("waiting for the mapping {uuid} to be {expected}"));
        let result = wait_until_settled(ctx, &uuid, expected, timeout, progress).await?;
        report.state = Some(result.state.clone());
        if !result.settled {
            report.findings.push(not_settled_finding(&report.queue, &uuid, &result, timeout));
        }
        report.wait = Some(result);
    }
    report.count_warnings();
    report.changed = ctx.journal.changes();
    Ok(report)
}

fn not_settled_finding(queue: &str, uuid: &str, w: &WaitResult, timeout: Duration) -> Finding {
    let mut why = Vec::new();
    if let Some(r) = &w.state_transition_reason {
        why.push(format!("StateTransitionReason: {r}"));
    }
    if let Some(r) = &w.last_processing_result {
        why.push(format!("LastProcessingResult: {r}"));
    }
    let why = if why.is_empty() { String::new() } else { format!(" ({})", why.join("; ")) };
    let (code, message) = if w.state == "gone" {
        (FindingCode::MappingMissing, format!("mapping {uuid} disappeared while waiting for it to be {}", w.expected))
    } else if matches!(w.state.as_str(), "Enabled" | "Disabled") {
        (FindingCode::MappingProblem, format!("mapping {uuid} settled as {}, not {}{why}", w.state, w.expected))
    } else {
        (
            FindingCode::MappingProblem,
            format!(
                "mapping {uuid} is still {} after {} (expected {}){why}",
                w.state,
                HumanDuration(timeout),
                w.expected
            ),
        )
    };
    Finding::error(code, queue, message)
        .fix(format!("look at it with `aws lambda get-event-source-mapping --uuid {uuid}` and `sqs-trigger doctor`"))
}

/// The few fields of a mapping that the create/update answer carries.
struct Changed {
    uuid: String,
    arn: Option<String>,
    state: String,
}

/// How a change names a mapping: its ARN when Lambda gave one, else its UUID.
fn mapping_id(mapping: Option<&MappingFacts>, uuid: &str) -> String {
    mapping.and_then(|m| m.arn.clone()).unwrap_or_else(|| uuid.to_owned())
}

async fn create(ctx: &Ctx, plan: &MappingPlan) -> Result<Changed, AwsError> {
    let queue_arn = plan.queue_arn().map(ToString::to_string).unwrap_or_default();
    let function = function_id(plan);
    let s = &plan.settings;
    let fifo = plan.facts.queue.as_ref().is_some_and(|q| q.fifo);
    let out = ctx
        .clients
        .lambda
        .create_event_source_mapping()
        .event_source_arn(&queue_arn)
        .function_name(&function)
        .enabled(s.enabled)
        .set_batch_size(s.batch_size)
        // FIFO queues take no batching window; a 0 s one is the same as none.
        .set_maximum_batching_window_in_seconds(s.batch_window_secs.filter(|w| !(fifo && *w == 0)))
        .set_scaling_config(s.max_concurrency.map(|n| ScalingConfig::builder().maximum_concurrency(n).build()))
        .set_function_response_types(
            s.report_batch_item_failures.then(|| vec![FunctionResponseType::ReportBatchItemFailures]),
        )
        .set_filter_criteria((!s.filters.is_empty()).then(|| filter_criteria(&s.filters)))
        // Ownership is given at creation: teardown deletes only mappings carrying this tag.
        .tags(crate::MANAGED_BY_TAG, crate::MANAGED_BY_VALUE)
        .send()
        .await
        .aws_err("lambda:CreateEventSourceMapping", &queue_arn)?;
    Ok(Changed {
        uuid: out.uuid().unwrap_or_default().to_owned(),
        arn: out.event_source_mapping_arn().map(str::to_owned),
        state: out.state().unwrap_or("Creating").to_owned(),
    })
}

async fn update(ctx: &Ctx, uuid: &str, changes: &Changes, plan: &MappingPlan) -> Result<Changed, AwsError> {
    let fifo = plan.facts.queue.as_ref().is_some_and(|q| q.fifo);
    let out = ctx
        .clients
        .lambda
        .update_event_source_mapping()
        .uuid(uuid)
        .set_batch_size(changes.batch_size)
        .set_maximum_batching_window_in_seconds(changes.batch_window_secs.filter(|w| !(fifo && *w == 0)))
        .set_scaling_config(changes.max_concurrency.map(|n| ScalingConfig::builder().maximum_concurrency(n).build()))
        // An empty list turns ReportBatchItemFailures off; an empty filter list removes the filters.
        .set_function_response_types(
            changes
                .report_batch_item_failures
                .map(|on| if on { vec![FunctionResponseType::ReportBatchItemFailures] } else { vec![] }),
        )
        .set_filter_criteria(changes.filters.as_ref().map(|f| filter_criteria(f)))
        .set_enabled(changes.enabled)
        .send()
        .await
        .aws_err("lambda:UpdateEventSourceMapping", &uuid)?;
    Ok(Changed {
        uuid: uuid.to_owned(),
        arn: out.event_source_mapping_arn().map(str::to_owned),
        state: out.state().unwrap_or("Updating").to_owned(),
    })
}

fn filter_criteria(patterns: &[String]) -> FilterCriteria {
    FilterCriteria::builder()
        .set_filters(Some(patterns.iter().map(|p| Filter::builder().pattern(p).build()).collect()))
        .build()
}

/// What Lambda is told the function is: the qualified ARN the user gave (an alias or
/// version), else the function's ARN.
fn function_id(plan: &MappingPlan) -> String {
    match &plan.target.function {
        FunctionRef::Arn(arn) if arn.qualifier().is_some() => arn.to_string(),
        _ => plan.function_arn().map(ToString::to_string).unwrap_or_else(|| plan.target.function.to_string()),
    }
}

/// Runs a mapping call again while Lambda answers that the mapping is busy (up to
/// `in_use_bound`) or that the execution role cannot read the queue yet (IAM propagation, up
/// to `ROLE_PROPAGATION_BOUND`, backing off). Throttling is retried by the SDK itself.
async fn retrying<T, F, Fut>(ctx: &Ctx, progress: &Progress, in_use_bound: Duration, mut call: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let started = Instant::now();
    let mut role_delay = Duration::from_secs(1);
    loop {
        let err = match call().await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        let elapsed = started.elapsed();
        let delay = if is_role_not_ready(&err) && elapsed + role_delay <= ROLE_PROPAGATION_BOUND {
            let d = role_delay;
            role_delay = (role_delay * 2).min(Duration::from_secs(20));
            say(
                ctx,
                progress,
                format!(
                    "note: Lambda says the execution role cannot read the queue yet ({}); a role changed moments ago \
                     takes a while to reach Lambda: retrying in {} ({} of at most {} spent)",
                    err.message,
                    HumanDuration(d),
                    HumanDuration::from_secs(elapsed.as_secs()),
                    HumanDuration(ROLE_PROPAGATION_BOUND)
                ),
            );
            d
        } else if is_resource_in_use(&err) && elapsed < in_use_bound {
            say(ctx, progress, "note: the mapping is still being created or updated (ResourceInUseException): waiting");
            Duration::from_secs(2)
        } else {
            return Err(Error::Aws(err));
        };
        tokio::time::sleep(delay).await;
    }
}

/// A note on stderr, above the spinner when there is one.
fn say(ctx: &Ctx, progress: &Progress, message: impl AsRef<str>) {
    if ctx.output.progress {
        progress.println(message);
    } else {
        ctx.output.note(message);
    }
}

/// Polls GetEventSourceMapping until the state is `Enabled` or `Disabled` (or the mapping is
/// gone, or `timeout` passes).
pub async fn wait_until_settled(
    ctx: &Ctx,
    uuid: &str,
    expected: &str,
    timeout: Duration,
    progress: &Progress,
) -> Result<WaitResult, Error> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(250);
    loop {
        let mapping = gather::mapping::get(&ctx.clients, uuid).await?;
        let waited = HumanDuration(Duration::from_millis(started.elapsed().as_millis() as u64 / 100 * 100));
        let result = |state: String, m: Option<&MappingFacts>, settled: bool| WaitResult {
            settled,
            expected: expected.to_owned(),
            state,
            waited,
            state_transition_reason: m.and_then(|m| m.state_transition_reason.clone()),
            last_processing_result: m.and_then(|m| m.last_processing_result.clone()),
        };
        let Some(m) = mapping else { return Ok(result("gone".into(), None, false)) };
        if matches!(m.state.as_str(), "Enabled" | "Disabled") {
            return Ok(result(m.state.clone(), Some(&m), m.state == expected));
        }
        if started.elapsed() >= timeout {
            return Ok(result(m.state.clone(), Some(&m), false));
        }
        progress.set_message(format!("waiting for the mapping {uuid}: {}", m.state));
        tokio::time::sleep(delay.min(timeout.saturating_sub(started.elapsed()))).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// `mapping create`.
pub async fn run_create(ctx: &Ctx, settings: CreateSettings) -> Result<MappingReport, Error> {
    let spinner = ctx.output.spinner(format!("checking {} -> {}", settings.target.queue, settings.target.function));
    let plan = plan(ctx, &settings.target, &settings.request).await?;
    let report = apply(ctx, &plan, settings.wait, &spinner).await?;
    spinner.finish();
    Ok(report)
}

// ---------------------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------------------

/// `mapping list`: the SQS mappings, as a JSON array or a table.
#[derive(Clone, Debug, Serialize)]
pub struct MappingListReport {
    pub mappings: Vec<MappingFacts>,
}

impl Report for MappingListReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if self.mappings.is_empty() {
            return writeln!(out, "no SQS event source mappings");
        }
        let rows: Vec<[String; 5]> = self
            .mappings
            .iter()
            .map(|m| {
                [
                    m.uuid.clone(),
                    m.state.clone(),
                    m.queue_arn.name().to_string(),
                    m.function_arn.name().to_string(),
                    m.batch_size.map(|b| b.to_string()).unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        let header = ["UUID", "STATE", "QUEUE", "FUNCTION", "BATCH"];
        let mut widths = header.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: [&str; 5]| {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    text.push_str(cell);
                } else {
                    text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
                }
            }
            text
        };
        writeln!(out, "{}", style.bold(&line(header)))?;
        for row in &rows {
            writeln!(out, "{}", line([&row[0], &row[1], &row[2], &row[3], &row[4]]))?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        ExitStatus::Success
    }
}

/// A queue's ARN: as given, or read from SQS (an error naming it when it does not exist).
async fn queue_arn(ctx: &Ctx, queue: &QueueRef) -> Result<QueueArn, Error> {
    if let QueueRef::Arn(arn) = queue {
        return Ok(arn.clone());
    }
    let facts = gather::queue::find(&ctx.clients, queue).await?;
    Ok(facts.ok_or_else(|| not_found("sqs:GetQueueUrl", queue, "the queue", &ctx.clients.region))?.arn)
}

/// A function's ARN, its qualifier kept: from the ARN given, or read from Lambda.
async fn function_arn(ctx: &Ctx, function: &FunctionRef) -> Result<FunctionArn, Error> {
    if let FunctionRef::Arn(arn) = function {
        return Ok(arn.clone());
    }
    let facts = gather::function::read(&ctx.clients, function).await?;
    Ok(facts.ok_or_else(|| not_found("lambda:GetFunction", function, "the function", &ctx.clients.region))?.arn)
}

pub async fn run_list(ctx: &Ctx, settings: ListSettings) -> Result<MappingListReport, Error> {
    let spinner = ctx.output.spinner("listing mappings");
    let (queue, function) = tokio::try_join!(
        async {
            match &settings.queue {
                Some(q) => queue_arn(ctx, q).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match &settings.function {
                Some(f) => function_arn(ctx, f).await.map(Some),
                None => Ok(None),
            }
        },
    )?;
    // With a queue, Lambda filters by it; the function is then matched here, by ARN, so a
    // mapping created with the function's name or ARN is found either way.
    let server_function = if queue.is_none() { function.as_ref().map(ToString::to_string) } else { None };
    let mut mappings = gather::mapping::list(&ctx.clients, queue.as_ref(), server_function.as_deref()).await?;
    // A qualified ARN lists that alias's or version's mappings only; a name lists them all.
    if let Some(f) = &function {
        mappings
            .retain(|m| if f.qualifier().is_some() { &m.function_arn == f } else { m.function_arn.name() == f.name() });
    }
    spinner.finish();
    Ok(MappingListReport { mappings })
}

// ---------------------------------------------------------------------------------------
// delete
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize)]
pub struct DeletedMapping {
    pub uuid: String,
    /// The state Lambda answered with (normally `Deleting`).
    pub state: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MappingDeleteReport {
    pub queue: String,
    pub function: String,
    pub deleted: Vec<DeletedMapping>,
    /// Set when the user declined the confirmation.
    pub cancelled: bool,
    pub findings: Vec<Finding>,
    /// Every write this command made (the deletions).
    pub changed: Vec<Change>,
}

impl Report for MappingDeleteReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        for d in &self.deleted {
            writeln!(out, "{:<10}{} ({})", style.green("deleted"), style.bold(&d.uuid), d.state)?;
        }
        if !self.deleted.is_empty() {
            writeln!(out, "{:<10}{}", "queue", self.queue)?;
            writeln!(out, "{:<10}{}", "function", self.function)?;
        }
        if self.cancelled {
            writeln!(out, "cancelled: nothing was deleted")?;
        }
        if !self.findings.is_empty() {
            writeln!(out, "findings ({}):", count_summary(&self.findings))?;
            write_findings(out, style, &self.findings)?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        if self.cancelled || has_errors(&self.findings) { ExitStatus::CheckFailed } else { ExitStatus::Success }
    }
}

pub async fn run_delete(ctx: &Ctx, settings: DeleteSettings) -> Result<MappingDeleteReport, Error> {
    let spinner = ctx.output.spinner("finding the mappings");
    let (queue, function) =
        tokio::try_join!(queue_arn(ctx, &settings.target.queue), function_arn(ctx, &settings.target.function))?;
    // Exactly this pair: deleting `worker:live` never touches the mapping of `worker:blue`.
    let all = gather::mapping::list(&ctx.clients, Some(&queue), None).await?;
    let mappings = gather::mapping::of_pair(&all, &queue, &function);
    let mut report = MappingDeleteReport {
        queue: queue.to_string(),
        function: function.to_string(),
        deleted: vec![],
        cancelled: false,
        findings: vec![],
        changed: vec![],
    };
    if mappings.is_empty() {
        report.findings.push(
            Finding::error(
                FindingCode::MappingMissing,
                queue.to_string(),
                format!("no mapping connects this queue to {function}: nothing to delete"),
            )
            .fix(format!("see what exists: sqs-trigger mapping list --queue {queue}")),
        );
        return Ok(report);
    }
    spinner.finish();
    if !settings.yes {
        let uuids: Vec<&str> = mappings.iter().map(|m| m.uuid.as_str()).collect();
        let question = format!(
            "Delete {} mapping{} {} ({} -> {})?",
            uuids.len(),
            if uuids.len() == 1 { "" } else { "s" },
            uuids.join(", "),
            queue.name(),
            function.name()
        );
        if !ctx.output.confirm(&question) {
            report.cancelled = true;
            return Ok(report);
        }
    }
    let spinner = ctx.output.spinner("deleting");
    for m in &mappings {
        spinner.set_message(format!("deleting mapping {}", m.uuid));
        let state = delete_mapping(ctx, m, &spinner).await?;
        report.deleted.push(DeletedMapping { uuid: m.uuid.clone(), state });
    }
    spinner.finish();
    report.changed = ctx.journal.changes();
    Ok(report)
}

/// Deletes one mapping, waiting while it is busy; one already gone counts as deleted.
/// Returns the state Lambda answers with.
pub async fn delete_mapping(ctx: &Ctx, mapping: &MappingFacts, progress: &Progress) -> Result<String, Error> {
    let uuid = mapping.uuid.as_str();
    let call = || async {
        let result = ctx.clients.lambda.delete_event_source_mapping().uuid(uuid).send().await;
        match result {
            Ok(out) => Ok(out.state().unwrap_or("Deleting").to_owned()),
            Err(err) if crate::aws::is_not_found(&err) => Ok("Deleted".to_owned()),
            Err(err) => Err(crate::aws::errors::to_aws_error("lambda:DeleteEventSourceMapping", &uuid, &err)),
        }
    };
    let state = retrying(ctx, progress, IN_USE_BOUND, call).await?;
    ctx.journal.record(Change::new("delete-mapping", mapping_id(Some(mapping), uuid)));
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::queue::fixtures::{mapping, queue};

    fn request() -> MappingFlags {
        MappingFlags::default()
    }

    fn options() -> MappingOptions {
        MappingOptions::default()
    }

    #[test]
    fn request_defaults() {
        let r = request_from_options(&options()).unwrap();
        assert_eq!(r, MappingFlags::default(), "nothing given: everything kept");
        assert_eq!(r.settle(None), MappingRequest { enabled: true, ..MappingRequest::default() }, "creating: defaults");
        let mut o = options();
        o.disabled = true;
        o.batch_window = Some("1m".into());
        o.report_batch_item_failures = true;
        let r = request_from_options(&o).unwrap();
        assert_eq!((r.enabled, r.report_batch_item_failures), (Some(false), Some(true)));
        assert_eq!(r.batch_window_secs, Some(60));
        let mut o = options();
        o.enable = true;
        o.clear_filters = true;
        o.no_report_batch_item_failures = true;
        let r = request_from_options(&o).unwrap();
        assert_eq!((r.enabled, r.filters, r.report_batch_item_failures), (Some(true), Some(vec![]), Some(false)));
    }

    #[test]
    fn bad_input_is_usage() {
        for (window, filters) in [
            (Some("5x"), vec![]),
            (Some("1500ms"), vec![]),
            (None, vec!["not json"]),
            (None, vec!["[1,2]"]),
            (None, vec!["\"body\""]),
            (None, vec!["{}"]),
        ] {
            let mut o = options();
            o.batch_window = window.map(str::to_owned);
            o.filters = filters.iter().map(|s| s.to_string()).collect();
            assert!(matches!(request_from_options(&o), Err(Error::Usage(_))), "{window:?} {filters:?}");
        }
    }

    #[test]
    fn bad_filter_is_named() {
        let mut o = options();
        o.filters = vec![r#"{"body":{"a":[1]}}"#.into(), "[]".into()];
        let err = request_from_options(&o).unwrap_err().to_string();
        assert!(err.contains("--filter #2") && err.contains("an array"), "{err}");
        o.filters = vec![r#"{"body":{"type":"order"}}"#.into()];
        let err = request_from_options(&o).unwrap_err().to_string();
        assert!(err.contains("`body.type` is a string") && err.contains("JSON array"), "{err}");
        o.filters = vec![r#"{"body":{"type":["order"],"n":[{"numeric":[">",1]}]},"attributes":{}}"#.into()];
        assert!(request_from_options(&o).is_ok());
        o.batch_window = Some(format!("{}1500ms", "0s".repeat(5000)));
        let err = request_from_options(&o).unwrap_err().to_string();
        assert!(err.len() < 300, "a long window is shortened: {} bytes", err.len());
        o.batch_window = None;
        o.filters = vec!["{oops".into()];
        let err = request_from_options(&o).unwrap_err().to_string();
        assert!(err.starts_with("--filter: not valid JSON"), "{err}");
    }

    #[test]
    fn settings_validate_target_and_wait() {
        let args = |queue: &str, wait: &str| MappingCreateArgs {
            target: TargetArgs { function: "worker".into(), queue: queue.into() },
            mapping: options(),
            no_wait: false,
            wait_timeout: wait.into(),
        };
        assert!(CreateSettings::from_args(&args("orders", "5m")).unwrap().wait.is_some());
        assert!(matches!(CreateSettings::from_args(&args("bad name", "5m")), Err(Error::Usage(_) | Error::Parse(_))));
        assert!(matches!(CreateSettings::from_args(&args("orders", "0s")), Err(Error::Usage(_))));
        assert!(matches!(CreateSettings::from_args(&args("orders", "soon")), Err(Error::Usage(_))));
    }

    #[test]
    fn delete_needs_yes_without_terminal() {
        let args = |yes| MappingDeleteArgs { target: TargetArgs { function: "w".into(), queue: "q".into() }, yes };
        assert!(matches!(DeleteSettings::from_args(&args(false), false), Err(Error::Usage(_))));
        assert!(DeleteSettings::from_args(&args(false), true).is_ok());
        assert!(DeleteSettings::from_args(&args(true), false).is_ok());
    }

    #[test]
    fn changes_only_what_differs() {
        let q = queue("orders");
        let existing = mapping(&q, "Enabled");
        // Nothing asked beyond the defaults: unchanged.
        assert!(Changes::between(&existing, &request()).is_empty());
        // Settings not given are kept.
        let mut m = existing.clone();
        m.batch_size = Some(100);
        m.batch_window_secs = Some(5);
        m.max_concurrency = Some(5);
        assert!(Changes::between(&m, &request()).is_empty());

        let mut r = request();
        r.batch_size = Some(10);
        r.batch_window_secs = Some(0);
        assert!(Changes::between(&existing, &r).is_empty(), "the same values: unchanged");

        r.batch_size = Some(50);
        r.batch_window_secs = Some(2);
        r.max_concurrency = Some(4);
        r.report_batch_item_failures = Some(true);
        r.filters = Some(vec![r#"{"body":{"a":[1]}}"#.into()]);
        r.enabled = Some(false);
        let c = Changes::between(&existing, &r);
        assert_eq!(
            c,
            Changes {
                batch_size: Some(50),
                batch_window_secs: Some(2),
                max_concurrency: Some(4),
                report_batch_item_failures: Some(true),
                filters: r.filters.clone(),
                enabled: Some(false),
            }
        );
        let attrs: Vec<String> = c.differences(&existing).into_iter().map(|d| d.attribute).collect();
        assert_eq!(
            attrs,
            [
                "BatchSize",
                "MaximumBatchingWindowInSeconds",
                "MaximumConcurrency",
                "ReportBatchItemFailures",
                "FilterCriteria",
                "Enabled"
            ]
        );
    }

    /// (existing mapping, flags given) → (fields written): unspecified means keep; filters go
    /// only with --clear-filters, enabling only with --enable.
    #[test]
    fn writes_planned_for_flags_given() {
        let q = queue("orders");
        let mut filtered = mapping(&q, "Disabled");
        filtered.report_batch_item_failures = true;
        filtered.filters = vec![r#"{"body":{"type":["payment"]}}"#.into()];
        filtered.batch_size = Some(50);
        filtered.batch_window_secs = Some(5);
        let flags = |f: &dyn Fn(&mut MappingFlags)| {
            let mut r = request();
            f(&mut r);
            r
        };
        let cases: Vec<(MappingFlags, Vec<&str>)> = vec![
            (request(), vec![]),
            (flags(&|r| r.batch_size = Some(50)), vec![]),
            (flags(&|r| r.batch_size = Some(100)), vec!["BatchSize"]),
            (flags(&|r| r.batch_window_secs = Some(5)), vec![]),
            (flags(&|r| r.enabled = Some(false)), vec![]),
            (flags(&|r| r.enabled = Some(true)), vec!["Enabled"]),
            (flags(&|r| r.filters = Some(vec![])), vec!["FilterCriteria"]),
            (flags(&|r| r.filters = Some(vec![r#"{"body":{"type":["payment"]}}"#.into()])), vec![]),
            (flags(&|r| r.filters = Some(vec![r#"{"body":{"type":["refund"]}}"#.into()])), vec!["FilterCriteria"]),
            (flags(&|r| r.report_batch_item_failures = Some(false)), vec!["FunctionResponseTypes"]),
            (flags(&|r| r.max_concurrency = Some(5)), vec!["ScalingConfig"]),
        ];
        for (given, fields) in cases {
            assert_eq!(Changes::between(&filtered, &given).fields(), fields, "{given:?}");
        }
        // What the mapping then has: the kept settings, not the defaults.
        let settled = flags(&|r| r.batch_size = Some(60)).settle(Some(&filtered));
        assert_eq!(settled.filters, filtered.filters);
        assert!(!settled.enabled && settled.report_batch_item_failures);
        assert_eq!((settled.batch_size, settled.batch_window_secs), (Some(60), Some(5)));
    }

    #[test]
    fn filters_compare_as_json() {
        let a = vec![r#"{"body": {"a": [1], "b": ["x"]}}"#.to_owned(), r#"{"attributes":{}}"#.to_owned()];
        let b = vec![r#"{"attributes":{}}"#.to_owned(), r#"{"body":{"b":["x"],"a":[1]}}"#.to_owned()];
        assert!(same_filters(&a, &b));
        assert!(!same_filters(&a, &b[..1]));
        assert!(same_filters(&[], &[]));
    }

    #[test]
    fn effective_request_keeps_existing_settings() {
        let q = queue("orders");
        let mut m = mapping(&q, "Enabled");
        m.batch_size = Some(100);
        m.batch_window_secs = Some(5);
        let mut r = request();
        r.batch_window_secs = Some(0);
        let e = r.settle(Some(&m));
        assert_eq!(
            (e.batch_size, e.batch_window_secs),
            (Some(100), Some(0)),
            "the checks see batch 100 without window"
        );
        assert_eq!(r.settle(None).batch_size, None);
    }

    /// A context whose Lambda client answers from `rules` (others are never called).
    fn mocked_ctx(lambda: aws_sdk_lambda::Client) -> Ctx {
        // Unmocked services answer nothing: a closed loopback port, never the network.
        let config = aws_config::SdkConfig::builder()
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        let mut clients = crate::aws::Clients::new(&config);
        clients.lambda = lambda;
        Ctx {
            clients,
            output: crate::output::Output::new(crate::cli::OutputFormat::Json, true, true),
            journal: crate::commands::Journal::default(),
        }
    }

    fn esm(
        state: &str,
        reason: Option<&str>,
        result: Option<&str>,
    ) -> aws_sdk_lambda::operation::get_event_source_mapping::GetEventSourceMappingOutput {
        aws_sdk_lambda::operation::get_event_source_mapping::GetEventSourceMappingOutput::builder()
            .uuid("u-1")
            .event_source_arn("arn:aws:sqs:us-east-1:123456789012:orders")
            .function_arn("arn:aws:lambda:us-east-1:123456789012:function:worker")
            .state(state)
            .set_state_transition_reason(reason.map(str::to_owned))
            .set_last_processing_result(result.map(str::to_owned))
            .build()
    }

    #[tokio::test]
    async fn waits_through_transitional_states() {
        use aws_smithy_mocks::{RuleMode, mock, mock_client};
        let rule = mock!(aws_sdk_lambda::Client::get_event_source_mapping)
            .sequence()
            .output(|| esm("Creating", None, None))
            .output(|| esm("Enabling", None, None))
            .output(|| esm("Enabled", Some("USER_INITIATED"), None))
            .build();
        let ctx = mocked_ctx(mock_client!(aws_sdk_lambda, RuleMode::Sequential, [&rule]));
        let w = wait_until_settled(&ctx, "u-1", "Enabled", Duration::from_secs(30), &Progress::none()).await.unwrap();
        assert!(w.settled, "{w:?}");
        assert_eq!(w.state, "Enabled");
        assert_eq!(rule.num_calls(), 3);
    }

    #[tokio::test]
    async fn settling_elsewhere_reports_why() {
        use aws_smithy_mocks::{RuleMode, mock, mock_client};
        let reason = "The function execution role does not have permissions to call ReceiveMessage on SQS";
        let rule = mock!(aws_sdk_lambda::Client::get_event_source_mapping)
            .then_output(move || esm("Disabled", Some(reason), Some("PROBLEM: Lambda could not poll")));
        let ctx = mocked_ctx(mock_client!(aws_sdk_lambda, RuleMode::Sequential, [&rule]));
        let w = wait_until_settled(&ctx, "u-1", "Enabled", Duration::from_secs(30), &Progress::none()).await.unwrap();
        assert!(!w.settled);
        assert_eq!(w.state_transition_reason.as_deref(), Some(reason));
        let f = not_settled_finding("q", "u-1", &w, Duration::from_secs(30));
        assert_eq!(f.code, FindingCode::MappingProblem);
        assert!(
            f.message.contains("settled as Disabled, not Enabled") && f.message.contains("PROBLEM"),
            "{}",
            f.message
        );
    }

    #[tokio::test]
    async fn a_mapping_stuck_in_creating_times_out() {
        use aws_smithy_mocks::{RuleMode, mock, mock_client};
        let rule = mock!(aws_sdk_lambda::Client::get_event_source_mapping).then_output(|| esm("Creating", None, None));
        let ctx = mocked_ctx(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&rule]));
        let w =
            wait_until_settled(&ctx, "u-1", "Enabled", Duration::from_millis(600), &Progress::none()).await.unwrap();
        assert!(!w.settled);
        assert_eq!(w.state, "Creating");
        let f = not_settled_finding("q", "u-1", &w, Duration::from_millis(600));
        assert!(f.message.contains("still Creating"), "{}", f.message);
    }

    #[tokio::test]
    async fn a_mapping_that_disappears_is_missing() {
        use aws_smithy_mocks::{RuleMode, mock, mock_client};
        let rule = mock!(aws_sdk_lambda::Client::get_event_source_mapping).then_error(|| {
            aws_sdk_lambda::operation::get_event_source_mapping::GetEventSourceMappingError::ResourceNotFoundException(
                aws_sdk_lambda::types::error::ResourceNotFoundException::builder()
                    .message("gone")
                    .meta(aws_sdk_lambda::error::ErrorMetadata::builder().code("ResourceNotFoundException").build())
                    .build(),
            )
        });
        let ctx = mocked_ctx(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&rule]));
        let w = wait_until_settled(&ctx, "u-1", "Enabled", Duration::from_secs(5), &Progress::none()).await.unwrap();
        assert_eq!((w.settled, w.state.as_str()), (false, "gone"));
        assert_eq!(not_settled_finding("q", "u-1", &w, Duration::from_secs(5)).code, FindingCode::MappingMissing);
    }

    fn aws_error(code: &str, message: &str) -> AwsError {
        AwsError {
            action: "lambda:UpdateEventSourceMapping",
            resource: "u-1".into(),
            kind: AwsErrorKind::InvalidRequest,
            code: Some(code.into()),
            message: message.into(),
            hint: None,
        }
    }

    #[tokio::test]
    async fn retries_busy_mappings_and_fresh_roles_but_nothing_else() {
        let ctx = mocked_ctx(aws_sdk_lambda::Client::new(
            &aws_config::SdkConfig::builder().behavior_version(aws_config::BehaviorVersion::latest()).build(),
        ));
        let answers = std::sync::Mutex::new(vec![
            Err(aws_error(
                "InvalidParameterValueException",
                "The function execution role does not have permissions to call ReceiveMessage on SQS",
            )),
            Err(aws_error("ResourceInUseException", "busy")),
            Ok(7),
        ]);
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let call = || {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let next = answers.lock().unwrap().remove(0);
            async move { next }
        };
        assert_eq!(retrying(&ctx, &Progress::none(), IN_USE_BOUND, call).await.unwrap(), 7);
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);

        let other = || async { Err::<(), _>(aws_error("InvalidParameterValueException", "BatchSize too large")) };
        let err = retrying(&ctx, &Progress::none(), IN_USE_BOUND, other).await.unwrap_err();
        assert_eq!(err.exit_status(), ExitStatus::Aws);
        // A busy mapping is waited for only as long as the bound allows.
        let busy = || async { Err::<(), _>(aws_error("ResourceInUseException", "busy")) };
        assert!(retrying(&ctx, &Progress::none(), Duration::ZERO, busy).await.is_err());
    }

    #[test]
    fn report_text_is_one_line_per_fact() {
        let q = queue("orders");
        let existing = mapping(&q, "Enabled");
        let mut r = request();
        r.batch_size = Some(50);
        r.batch_window_secs = Some(2);
        let changes = Changes::between(&existing, &r);
        let report = MappingReport {
            outcome: Outcome::Updated,
            uuid: Some(existing.uuid.clone()),
            state: Some("Enabled".into()),
            queue: q.arn.to_string(),
            function: existing.function_arn.to_string(),
            settings: r.settle(Some(&existing)),
            differences: changes.differences(&existing),
            wait: None,
            findings: vec![Finding::warning(FindingCode::DlqMissing, q.arn.to_string(), "no DLQ").fix("add one")],
            warnings: 1,
            changed: vec![],
        };
        let mut out = Vec::new();
        report.render_text(&mut out, &Style::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("mapping         updated"), "{text}");
        assert!(text.contains("changed         BatchSize: 10 -> 50"), "{text}");
        assert!(text.contains("fix: add one"), "{text}");
        assert_eq!(report.exit_status(), ExitStatus::Success);
    }
}
