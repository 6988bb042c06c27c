//! `doctor`: why is this queue not polled? Gathers every fact of each trigger concurrently,
//! runs every check, and shows the chain queue → mapping → function → log group with the
//! broken link marked, then the findings with their remediation, then a one-line verdict.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::Serialize;

use crate::checks;
use crate::cli::DoctorArgs;
use crate::commands::Ctx;
use crate::error::{AwsError, Error, ExitStatus};
use crate::gather::{self, trigger::Known};
use crate::model::facts::TriggerFacts;
use crate::model::facts::{
    AccountConcurrency, Encryption, Fact, FunctionFacts, MappingFacts, ProvisionedPollers, QueueDepth, QueueFacts,
};
use crate::model::finding::has_errors;
use crate::model::{Finding, FunctionRef, QueueRef, Severity};
use crate::output::{Report, Style, count_summary, write_findings};
use crate::settings;

#[derive(Clone, Debug)]
pub struct Settings {
    pub queue: Option<QueueRef>,
    pub function: Option<FunctionRef>,
    pub all: bool,
    pub concurrency: usize,
    /// `--metrics [--window D]`: also what CloudWatch says (commands::metrics).
    pub metrics: Option<crate::commands::metrics::MetricsSettings>,
}

impl Settings {
    pub fn from_args(args: &DoctorArgs) -> Result<Self, Error> {
        if !args.all && args.queue.is_none() && args.function.is_none() {
            return Err(Error::usage("doctor needs --queue Q, --function F (or both), or --all"));
        }
        if !(1..=64).contains(&args.concurrency) {
            return Err(Error::usage("--concurrency: between 1 and 64"));
        }
        Ok(Settings {
            queue: args.queue.as_deref().map(settings::queue_flag).transpose()?,
            function: args.function.as_deref().map(settings::function_flag).transpose()?,
            all: args.all,
            concurrency: args.concurrency,
            metrics: match (args.metrics, &args.window) {
                (true, window) => Some(crate::commands::metrics::MetricsSettings::from_flag(window.as_deref())?),
                (false, Some(_)) => return Err(Error::usage("--window needs --metrics")),
                (false, None) => None,
            },
        })
    }
}

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
    pub metrics: Option<crate::commands::metrics::MetricsView>,
    /// How long gathering this trigger's facts took (CI reports show it).
    #[serde(skip)]
    pub elapsed: Duration,
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub triggers: usize,
    pub broken: usize,
    pub with_warnings: usize,
    pub healthy: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct DoctorReport {
    pub summary: Summary,
    pub triggers: Vec<Diagnosis>,
    #[serde(skip)]
    pub table: bool,
}

impl Report for DoctorReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if self.table {
            write_table(out, style, &self.triggers)?;
        } else {
            for (i, d) in self.triggers.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_diagnosis(out, style, d)?;
            }
        }
        let s = &self.summary;
        writeln!(out)?;
        let line = if s.triggers == 0 {
            "no SQS triggers found".to_owned()
        } else if s.broken > 0 {
            style.red(&format!(
                "✗ {} of {} trigger(s) broken: Lambda will not process those queues",
                s.broken, s.triggers
            ))
        } else if s.with_warnings > 0 {
            style.yellow(&format!("! {} trigger(s) work, {} with warnings", s.triggers, s.with_warnings))
        } else {
            style.green(&format!("✓ {} trigger(s) healthy", s.triggers))
        };
        writeln!(out, "{line}")
    }

    fn exit_status(&self) -> ExitStatus {
        if self.triggers.iter().any(|d| has_errors(&d.findings)) {
            ExitStatus::CheckFailed
        } else {
            ExitStatus::Success
        }
    }
}

fn mark(style: &Style, text: String, broken: bool) -> String {
    if broken { style.red(&format!("✗ {text}")) } else { text }
}

/// The trigger as one line, in the order messages travel, with the broken link marked.
pub fn chain(style: &Style, d: &Diagnosis) -> String {
    let broken = |link| d.broken_link == Some(link);
    let queue = match &d.queue {
        Some(q) => format!("{} [{}, {} waiting]", q.name, q.encryption, q.depth.visible),
        None => "queue ?".to_owned(),
    };
    let mapping = match d.mappings.as_slice() {
        [] => "no mapping".to_owned(),
        [m] => {
            let mut settings = vec![m.state.clone(), format!("batch {}", m.batch_size.unwrap_or(10))];
            if let Some(window) = m.batch_window_secs.filter(|w| *w > 0) {
                settings.push(format!("window {window}s"));
            }
            if let Some(max) = m.max_concurrency {
                settings.push(format!("max concurrency {max}"));
            }
            if !m.filters.is_empty() {
                settings.push(format!("{} filter(s)", m.filters.len()));
            }
            format!("mapping {} [{}]", short_uuid(&m.uuid), settings.join(", "))
        }
        many => format!("{} mappings", many.len()),
    };
    let function = match &d.function {
        Some(f) => {
            let concurrency = match f.reserved_concurrency {
                Some(n) => format!("reserved {n}"),
                None => "unreserved".to_owned(),
            };
            let recursion = match f.recursive_loop.as_deref() {
                Some("Allow") => ", recursive loops allowed",
                _ => "",
            };
            format!("{} [{}, {concurrency}{recursion}]", f.name, f.state.as_deref().unwrap_or("?"))
        }
        None => "function ?".to_owned(),
    };
    let logs = match (&d.log_group, d.log_group_exists) {
        (Some(group), Some(false)) => format!("{group} [not created yet]"),
        (Some(group), _) => group.clone(),
        (None, _) => "log group ?".to_owned(),
    };
    format!(
        "{} → {} → {} → {}",
        mark(style, queue, broken(Link::Queue)),
        mark(style, mapping, broken(Link::Mapping)),
        mark(style, function, broken(Link::Function)),
        mark(style, logs, broken(Link::LogGroup))
    )
}

fn write_diagnosis(out: &mut dyn Write, style: &Style, d: &Diagnosis) -> io::Result<()> {
    writeln!(out, "{}", chain(style, d))?;
    if let Some(dlq) = &d.dlq {
        writeln!(out, "  └ DLQ {} [{} message(s)]", dlq.name, dlq.depth.total())?;
    } else if d.queue.is_some() {
        writeln!(out, "  └ no DLQ")?;
    }
    for m in &d.mappings {
        let details = mapping_details(m);
        if !details.is_empty() {
            writeln!(out, "  mapping {}: {}", short_uuid(&m.uuid), details.join("; "))?;
        }
    }
    if !d.other_consumers.is_empty() {
        let others: Vec<String> = d.other_consumers.iter().map(|c| format!("{} [{}]", c.function, c.state)).collect();
        writeln!(out, "  └ other consumers of the queue: {}", others.join(", "))?;
    }
    if let Some(account) = &d.account_concurrency {
        writeln!(out, "  account concurrency: {} unreserved of {} in this region", account.unreserved, account.limit)?;
    }
    if let Some(q) = &d.queue
        && q.depth.total() > 0
    {
        writeln!(
            out,
            "  queue depth: {} visible, {} in flight, {} delayed",
            q.depth.visible, q.depth.in_flight, q.depth.delayed
        )?;
    }
    if let Some(m) = &d.metrics {
        crate::commands::metrics::write(out, style, m)?;
    }
    if !d.findings.is_empty() {
        // Grouped by resource, errors first within each group (findings are sorted so).
        let mut resources: Vec<&str> = Vec::new();
        for f in &d.findings {
            if !resources.contains(&f.resource.as_str()) {
                resources.push(&f.resource);
            }
        }
        for resource in resources {
            writeln!(out, "{}", style.bold(resource))?;
            let group: Vec<Finding> = d.findings.iter().filter(|f| f.resource == resource).cloned().collect();
            write_findings(out, style, &group)?;
        }
    }
    let verdict = match d.verdict {
        TriggerVerdict::Healthy => style.green("✓ healthy"),
        TriggerVerdict::Warnings => style.yellow(&format!("! works, with {}", count_summary(&d.findings))),
        TriggerVerdict::Broken => {
            style.red(&format!("✗ broken at the {}: {}", link_name(d.broken_link), count_summary(&d.findings)))
        }
    };
    writeln!(out, "{verdict}")
}

fn link_name(link: Option<Link>) -> &'static str {
    match link {
        Some(Link::Queue) => "queue",
        Some(Link::Mapping) => "mapping",
        Some(Link::Function) => "function",
        Some(Link::LogGroup) => "log group",
        None => "trigger",
    }
}

fn write_table(out: &mut dyn Write, style: &Style, triggers: &[Diagnosis]) -> io::Result<()> {
    writeln!(
        out,
        "{:<40} {:<32} {:<9} {:>6} {:>8}  FIRST PROBLEM",
        "QUEUE", "FUNCTION", "STATE", "ERRORS", "WARNINGS"
    )?;
    for d in triggers {
        let errors = d.findings.iter().filter(|f| f.severity == Severity::Error).count();
        let warnings = d.findings.iter().filter(|f| f.severity == Severity::Warning).count();
        let first = d.findings.first().map(|f| f.code.as_str()).unwrap_or("-");
        let state = d.mappings.first().map(|m| m.state.as_str()).unwrap_or("-");
        let queue = d.queue.as_ref().map(|q| q.name.as_str()).unwrap_or("?");
        let function = d.function.as_ref().map(|f| f.name.as_str()).unwrap_or("?");
        let row = format!("{queue:<40} {function:<32} {state:<9} {errors:>6} {warnings:>8}  {first}");
        writeln!(out, "{}", if errors > 0 { style.red(&row) } else { row })?;
    }
    Ok(())
}

fn short_uuid(uuid: &str) -> &str {
    uuid.get(..8).unwrap_or(uuid)
}

/// Which link a finding breaks.
pub fn link_of(finding: &Finding) -> Link {
    use crate::model::finding::Area;
    match finding.code.area() {
        // The log group is a link of its own: without its permissions the function runs, but
        // its output is not seen.
        Some(Area::Role) if finding.permission.as_ref().is_some_and(|p| p.is_logs()) => Link::LogGroup,
        Some(Area::Placement | Area::Encryption | Area::Queue) => Link::Queue,
        Some(Area::Mapping) => Link::Mapping,
        Some(Area::Role | Area::Function) | None => Link::Function,
    }
}

/// Runs the checks over gathered facts and shapes the diagnosis.
pub fn diagnose(facts: &TriggerFacts, extra: Vec<Finding>) -> Diagnosis {
    let mut findings = checks::run_all(facts);
    findings.extend(extra);
    let (findings, broken_link, verdict) = verdict_of(findings);
    let mappings = match &facts.mappings {
        Some(Ok(m)) => m.iter().map(mapping_view).collect(),
        _ => vec![],
    };
    Diagnosis {
        queue: facts.queue.as_ref().map(queue_view),
        dlq: facts.dlq.as_ref().and_then(|d| d.as_ref().ok()).map(queue_view),
        mappings,
        function: facts.function.as_ref().map(|f| FunctionView {
            name: f.arn.name().to_string(),
            arn: f.arn.to_string(),
            state: f.state.clone(),
            reserved_concurrency: f.reserved_concurrency,
            timeout_secs: f.timeout_secs,
            role: f.role.to_string(),
            recursive_loop: facts.recursive_loop.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.as_str().to_owned()),
        }),
        log_group: facts.function.as_ref().map(|f| f.log_group.clone()),
        log_group_exists: facts.log_group_exists.as_ref().and_then(|r| r.as_ref().ok()).copied(),
        other_consumers: match &facts.other_mappings {
            Some(Ok(others)) => others
                .iter()
                .map(|m| ConsumerView {
                    uuid: m.uuid.clone(),
                    function: checks::mapping::consumer_name(&m.function_arn),
                    state: m.state.to_string(),
                })
                .collect(),
            _ => vec![],
        },
        account_concurrency: facts.account_concurrency.as_ref().and_then(|r| r.as_ref().ok()).copied(),
        broken_link,
        verdict,
        findings,
        metrics: None,
        elapsed: Duration::ZERO,
    }
}

/// Sorts the findings and judges the trigger by them: the first broken link and the verdict.
fn verdict_of(mut findings: Vec<Finding>) -> (Vec<Finding>, Option<Link>, TriggerVerdict) {
    crate::model::finding::sort_findings(&mut findings);
    let broken_link = findings.iter().filter(|f| f.is_error()).map(link_of).min_by_key(|l| *l as u8);
    let verdict = if has_errors(&findings) {
        TriggerVerdict::Broken
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        TriggerVerdict::Warnings
    } else {
        TriggerVerdict::Healthy
    };
    (findings, broken_link, verdict)
}

/// Judges a diagnosis again after findings were added to it (`--metrics`).
pub fn judge(d: &mut Diagnosis) {
    let (findings, broken_link, verdict) = verdict_of(std::mem::take(&mut d.findings));
    d.findings = findings;
    d.broken_link = broken_link;
    d.verdict = verdict;
}

fn queue_view(q: &QueueFacts) -> QueueView {
    let encryption = match &q.encryption {
        Encryption::Kms { key_id } => format!("SSE-KMS {key_id}"),
        other => other.to_string(),
    };
    QueueView { name: q.name.to_string(), arn: q.arn.to_string(), encryption, depth: q.depth }
}

fn mapping_view(m: &MappingFacts) -> MappingView {
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

/// The mapping's settings beyond the chain line: provisioned mode, metrics, filter key, tags.
fn mapping_details(m: &MappingView) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = m.provisioned_pollers {
        out.push(format!("provisioned mode: {} to {} pollers", p.minimum, p.maximum));
    }
    if !m.metrics.is_empty() {
        out.push(format!("mapping metrics: {}", m.metrics.join(", ")));
    }
    if let Some(k) = &m.filter_kms_key {
        out.push(format!("filters encrypted with {k}"));
    }
    match &m.tags {
        Some(tags) if !tags.is_empty() => {
            let list: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push(format!("tags: {}", list.join(", ")));
        }
        Some(_) => out.push("tags: none".to_owned()),
        None => {}
    }
    out
}

fn not_found(what: &str, resource: &dyn std::fmt::Display, action: &'static str) -> Error {
    Error::Aws(AwsError::not_found(action, resource, format!("no such {what} in this account and region")))
}

/// A trigger with no function mapped to the queue: nothing polls it.
fn unpolled_queue(queue: &QueueFacts) -> Finding {
    checks::mapping::missing(Some(&queue.arn), None)
}

fn function_without_sqs(function: &FunctionFacts) -> Finding {
    checks::mapping::missing(None, Some(&function.arn))
}

pub async fn run(ctx: &Ctx, s: Settings) -> Result<DoctorReport, Error> {
    let clients = &ctx.clients;
    let diagnoses = if s.all {
        let all = gather::mapping::list(clients, None, None).await?;
        diagnose_mappings(ctx, all, s.concurrency, None).await?
    } else {
        let spinner = ctx.output.spinner("gathering facts");
        let started = Instant::now();
        let mut result = match (&s.queue, &s.function) {
            (Some(q), f) => diagnose_queue(ctx, q, f.as_ref()).await?,
            (None, Some(f)) => diagnose_function(ctx, f, s.concurrency).await?,
            (None, None) => vec![],
        };
        spinner.finish();
        // Triggers of one queue are gathered together: each took the whole phase.
        for d in result.iter_mut().filter(|d| d.elapsed.is_zero()) {
            d.elapsed = started.elapsed();
        }
        result
    };
    let mut diagnoses = diagnoses;
    if let Some(m) = &s.metrics {
        crate::commands::metrics::attach(ctx, &mut diagnoses, m).await?;
    }
    let broken = diagnoses.iter().filter(|d| d.verdict == TriggerVerdict::Broken).count();
    let with_warnings = diagnoses.iter().filter(|d| d.verdict == TriggerVerdict::Warnings).count();
    Ok(DoctorReport {
        summary: Summary {
            triggers: diagnoses.len(),
            broken,
            with_warnings,
            healthy: diagnoses.len() - broken - with_warnings,
        },
        triggers: diagnoses,
        table: s.all,
    })
}

async fn diagnose_queue(
    ctx: &Ctx,
    queue_ref: &QueueRef,
    function: Option<&FunctionRef>,
) -> Result<Vec<Diagnosis>, Error> {
    let clients = &ctx.clients;
    let not_found_queue = || not_found("queue", queue_ref, "sqs:GetQueueUrl");
    if let Some(f) = function {
        let (queue, caller) = tokio::join!(gather::queue::find(clients, queue_ref), gather::caller(clients));
        let queue = queue?.ok_or_else(not_found_queue)?;
        let known = Known { queue: Some(queue), caller: Some(caller), ..Known::default() };
        let facts = gather::trigger::gather_with_mapping_tags(clients, None, Some(f), known).await?;
        if facts.function.is_none() && facts.skipped.is_empty() {
            return Err(not_found("function", f, "lambda:GetFunction"));
        }
        return Ok(vec![diagnose(&facts, vec![])]);
    }
    let found = gather::queue::find_with_mappings(clients, queue_ref).await?;
    let queue = found.queue.ok_or_else(not_found_queue)?;
    let mappings = found.mappings?;
    let caller = found.caller;
    let known = |queue: QueueFacts| Known { queue: Some(queue), caller: Some(caller.clone()), ..Known::default() };
    if mappings.is_empty() {
        let facts = gather::trigger::gather_with_mapping_tags(clients, None, None, known(queue.clone())).await?;
        return Ok(vec![diagnose(&facts, vec![unpolled_queue(&queue)])]);
    }
    let all_mappings = mappings.clone();
    let mut by_function: Vec<(FunctionRef, Vec<MappingFacts>)> = Vec::new();
    for m in mappings {
        let f = FunctionRef::Arn(m.function_arn.clone());
        match by_function.iter_mut().find(|(existing, _)| existing == &f) {
            Some((_, list)) => list.push(m),
            None => by_function.push((f, vec![m])),
        }
    }
    let all = &all_mappings;
    let futures = by_function.into_iter().map(|(f, maps)| {
        let queue = queue.clone();
        async move {
            let known = Known {
                mappings: Some(maps),
                queue_mappings: Some(all.clone()),
                account_concurrency: Some(None),
                ..known(queue)
            };
            gather::trigger::gather_with_mapping_tags(clients, None, Some(&f), known).await
        }
    });
    // The account's concurrency is one fact for every trigger: read once, beside them.
    let (facts, account) = tokio::join!(futures::future::try_join_all(futures), account_concurrency(clients));
    let account = account?;
    Ok(facts?
        .into_iter()
        .map(|mut facts| {
            facts.account_concurrency = account.clone();
            diagnose(&facts, vec![])
        })
        .collect())
}

/// The account's Lambda concurrency, read once for many triggers (None when no function is
/// involved; an `Unreadable` when access is denied).
async fn account_concurrency(clients: &crate::aws::Clients) -> Result<Option<Fact<AccountConcurrency>>, AwsError> {
    let read = gather::function::account_concurrency(clients).await;
    Ok(Some(gather::unreadable_if_denied_or_missing("the account's Lambda concurrency (GetAccountSettings)", read)?))
}

async fn diagnose_function(ctx: &Ctx, function_ref: &FunctionRef, concurrency: usize) -> Result<Vec<Diagnosis>, Error> {
    let clients = &ctx.clients;
    // Lambda takes the function as it was named (name, ARN, alias): its mappings are listed
    // beside GetFunction.
    let name = function_ref.to_string();
    let (function, mappings) =
        tokio::join!(gather::function::read(clients, function_ref), gather::mapping::list(clients, None, Some(&name)));
    let function = function?.ok_or_else(|| not_found("function", function_ref, "lambda:GetFunction"))?;
    let mappings = mappings?;
    if mappings.is_empty() {
        let facts = gather::trigger::gather_with_mapping_tags(
            clients,
            None,
            None,
            Known { function: Some(function.clone()), ..Known::default() },
        )
        .await?;
        return Ok(vec![diagnose(&facts, vec![function_without_sqs(&function)])]);
    }
    diagnose_mappings(ctx, mappings, concurrency, Some(&function)).await
}

/// Diagnoses each queue/function pair of `mappings`, `concurrency` at a time, with a
/// progress bar on a terminal. Results keep the input order. `read_function`, when already read,
/// is not read again for the pairs of exactly that function.
async fn diagnose_mappings(
    ctx: &Ctx,
    mappings: Vec<MappingFacts>,
    concurrency: usize,
    read_function: Option<&FunctionFacts>,
) -> Result<Vec<Diagnosis>, Error> {
    // `--all` lists every mapping of the region: the other consumers of each queue are in it.
    let every_mapping = read_function.is_none().then(|| mappings.clone());
    let mut pairs: Vec<Vec<MappingFacts>> = Vec::new();
    for m in mappings {
        match pairs.iter_mut().find(|p| p[0].queue_arn == m.queue_arn && p[0].function_arn == m.function_arn) {
            Some(pair) => pair.push(m),
            None => pairs.push(vec![m]),
        }
    }
    let bar = ctx.output.bar(pairs.len() as u64, "diagnosing triggers");
    let clients = &ctx.clients;
    let every_mapping = &every_mapping;
    let gathered = futures::stream::iter(pairs.into_iter().enumerate())
        .map(|(i, pair)| {
            let bar = &bar;
            async move {
                let queue = QueueRef::Arn(pair[0].queue_arn.clone());
                let function = FunctionRef::Arn(pair[0].function_arn.clone());
                let read = read_function.filter(|f| f.arn == pair[0].function_arn).cloned();
                let queue_mappings = every_mapping
                    .as_ref()
                    .map(|all| all.iter().filter(|m| m.queue_arn == pair[0].queue_arn).cloned().collect());
                let known = Known {
                    mappings: Some(pair),
                    function: read,
                    queue_mappings,
                    account_concurrency: Some(None),
                    ..Known::default()
                };
                let started = Instant::now();
                let facts =
                    gather::trigger::gather_with_mapping_tags(clients, Some(&queue), Some(&function), known).await?;
                bar.inc(1);
                Ok::<_, Error>((i, facts, started.elapsed()))
            }
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<_>>();
    // The account's concurrency is one fact for every trigger: read once, beside them.
    let (gathered, account) = tokio::join!(gathered, account_concurrency(clients));
    let account = account?;
    let mut results: Vec<(usize, Diagnosis)> = gathered
        .into_iter()
        .map(|r| {
            r.map(|(i, mut facts, elapsed)| {
                facts.account_concurrency = account.clone();
                (i, Diagnosis { elapsed, ..diagnose(&facts, vec![]) })
            })
        })
        .collect::<Result<_, _>>()?;
    bar.finish();
    results.sort_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, d)| d).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FindingCode;

    #[test]
    fn findings_map_to_links() {
        let f = |code, msg: &str| Finding::error(code, "r", msg);
        assert_eq!(link_of(&f(FindingCode::KmsKeyNotEnabled, "")), Link::Queue);
        assert_eq!(link_of(&f(FindingCode::MappingDisabled, "")), Link::Mapping);
        assert_eq!(link_of(&f(FindingCode::FunctionThrottled, "")), Link::Function);
        let role = |action: &str| f(FindingCode::RoleMissingPermission, "").about(action, None);
        assert_eq!(link_of(&role("sqs:DeleteMessage")), Link::Function);
        assert_eq!(link_of(&role("logs:PutLogEvents")), Link::LogGroup);
        // Decided by the permission, never by the wording of the message.
        assert_eq!(link_of(&f(FindingCode::RoleMissingPermission, "mentions logs:PutLogEvents")), Link::Function);
    }

    #[test]
    fn the_first_broken_link_is_marked() {
        let facts = TriggerFacts::default();
        let d = diagnose(
            &facts,
            vec![
                Finding::error(FindingCode::FunctionThrottled, "f", "x"),
                Finding::error(FindingCode::MappingDisabled, "m", "y"),
            ],
        );
        assert_eq!(d.broken_link, Some(Link::Mapping));
        assert_eq!(d.verdict, TriggerVerdict::Broken);
        let healthy = diagnose(&facts, vec![Finding::info(FindingCode::FilterDeletesUnmatched, "m", "z")]);
        assert_eq!(healthy.verdict, TriggerVerdict::Healthy);
    }
}
