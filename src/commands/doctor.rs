//! `doctor`: why is this queue not polled? Gathers every fact of each trigger concurrently,
//! runs every check, and shows the chain queue → mapping → function → log group with the
//! broken link marked, then the findings with their remediation, then a one-line verdict.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::Serialize;

use crate::aws::ServiceLimits;
use crate::aws::traffic::RequestCounts;
use crate::checks;
use crate::cli::DoctorArgs;
use crate::commands::Ctx;
use crate::commands::scopes::{self, AccountChoice, RegionChoice, ScopeSettings};
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
    /// With --all: which accounts and regions.
    pub scopes: ScopeSettings,
}

impl Settings {
    /// `regions` are the global `--region` flags (repeatable with --all only).
    pub fn from_args(args: &DoctorArgs, regions: &[String]) -> Result<Self, Error> {
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
            scopes: scope_settings(args, regions)?,
        })
    }

    /// The per-service bounds of this run.
    pub fn service_limits(&self) -> ServiceLimits {
        if self.all { ServiceLimits::for_concurrency(self.concurrency) } else { ServiceLimits::UNBOUNDED }
    }
}

fn scope_settings(args: &DoctorArgs, regions: &[String]) -> Result<ScopeSettings, Error> {
    if regions.len() > 1 && !args.all {
        return Err(Error::usage("--region: more than one only with doctor --all"));
    }
    let regions = match (&args.regions, regions) {
        (Some(_), [_, ..]) => return Err(Error::usage("--regions and --region: give one or the other")),
        (Some(all), []) if all == "all" => RegionChoice::All,
        (Some(list), []) => {
            let mut names = Vec::new();
            for name in list.split(',').map(str::trim) {
                let name = settings::region_flag("--regions", name)?;
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            RegionChoice::Listed(names)
        }
        (None, [_, _, ..]) => {
            let mut names: Vec<String> = Vec::new();
            for name in regions {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
            RegionChoice::Listed(names)
        }
        (None, _) => RegionChoice::Configured,
    };
    let accounts = match (&args.accounts[..], args.accounts_from) {
        ([], None) => AccountChoice::Caller,
        ([], Some(crate::cli::AccountsFrom::Organizations)) => AccountChoice::Organization,
        (ids, _) => {
            let mut accounts: Vec<String> = Vec::new();
            for id in ids.iter().map(|id| id.trim()) {
                if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::usage(format!(
                        "--accounts: `{}` is not a 12-digit account id",
                        crate::model::names::shorten_words(id)
                    )));
                }
                if !accounts.iter().any(|a| a == id) {
                    accounts.push(id.to_owned());
                }
            }
            AccountChoice::Listed(accounts)
        }
    };
    if let Some(role) = &args.assume_role {
        if accounts == AccountChoice::Caller {
            return Err(Error::usage("--assume-role: needs --accounts ID,... or --accounts-from organizations"));
        }
        let valid = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
        if role.is_empty() || role.len() > 64 || !role.chars().all(valid) {
            return Err(Error::usage("--assume-role: a role name (1-64 of letters, digits and +=,.@_-), not an ARN"));
        }
    }
    if let Some(id) = &args.external_id {
        let valid = |c: char| c.is_ascii_alphanumeric() || "+=,.@:/_-".contains(c);
        if id.len() < 2 || id.len() > 1224 || !id.chars().all(valid) {
            return Err(Error::usage("--external-id: 2-1224 of letters, digits and +=,.@:/_-"));
        }
    }
    Ok(ScopeSettings { regions, accounts, role: args.assume_role.clone(), external_id: args.external_id.clone() })
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
    fn scope_skipped(account: Option<String>, region: Option<String>, why: &crate::model::facts::Unreadable) -> Self {
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
    fn counted_later(account: Option<String>, region: Option<String>, skipped: Option<String>) -> Self {
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

impl Report for DoctorReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if self.table && self.groups.len() > 1 {
            write_grouped_table(out, style, &self.triggers, &self.groups)?;
        } else if self.table {
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
        writeln!(out, "{line}")?;
        let skipped: Vec<&Group> = self.groups.iter().filter(|g| g.skipped.is_some()).collect();
        if !skipped.is_empty() {
            writeln!(out, "{}", style.yellow(&format!("! {} account/region(s) skipped", skipped.len())))?;
        }
        if self.groups.len() > 1 {
            writeln!(out)?;
            write_groups(out, style, &self.groups)?;
        }
        if let Some(r) = &self.requests {
            writeln!(out, "{} request(s) sent, {} retried, {} throttled", r.requests, r.retried, r.throttled)?;
        }
        if self.interrupted {
            writeln!(out, "{}", style.yellow("interrupted: only the triggers above were audited"))?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        if self.interrupted {
            ExitStatus::Interrupted
        } else if self.triggers.iter().any(|d| has_errors(&d.findings)) {
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

/// The table with a heading per account and region, in the order of `groups`.
fn write_grouped_table(out: &mut dyn Write, style: &Style, triggers: &[Diagnosis], groups: &[Group]) -> io::Result<()> {
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", style.bold(&format!("== {} ==", group_label(&g.account, &g.region))))?;
        let rows: Vec<Diagnosis> =
            triggers.iter().filter(|d| d.account == g.account && d.region == g.region).cloned().collect();
        match &g.skipped {
            Some(why) => writeln!(out, "{}", style.yellow(&format!("check-skipped: {why}")))?,
            None if rows.is_empty() => writeln!(out, "no SQS triggers")?,
            None => write_table(out, style, &rows)?,
        }
    }
    Ok(())
}

fn group_label(account: &Option<String>, region: &Option<String>) -> String {
    format!("account {} · {}", account.as_deref().unwrap_or("?"), region.as_deref().unwrap_or("every region"))
}

/// The summary per account and region.
fn write_groups(out: &mut dyn Write, style: &Style, groups: &[Group]) -> io::Result<()> {
    writeln!(
        out,
        "{:<14} {:<16} {:>8} {:>6} {:>8} {:>7}  NOTE",
        "ACCOUNT", "REGION", "TRIGGERS", "BROKEN", "WARNINGS", "HEALTHY"
    )?;
    for g in groups {
        let row = format!(
            "{:<14} {:<16} {:>8} {:>6} {:>8} {:>7}  {}",
            g.account.as_deref().unwrap_or("?"),
            g.region.as_deref().unwrap_or("*"),
            g.triggers,
            g.broken,
            g.with_warnings,
            g.healthy,
            g.skipped.as_deref().map(|_| "check-skipped").unwrap_or("-")
        );
        writeln!(out, "{}", if g.broken > 0 { style.red(&row) } else { row })?;
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
        account: None,
        region: None,
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
    if s.all {
        return audit(ctx, &s).await;
    }
    let diagnoses = {
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
    Ok(DoctorReport {
        summary: summarize(&diagnoses),
        triggers: Triggers { list: diagnoses, streamed: false },
        groups: vec![],
        requests: None,
        streamed: false,
        interrupted: false,
        table: false,
    })
}

/// Counts of the triggers (rows of skipped accounts or regions are not triggers).
fn summarize(diagnoses: &[Diagnosis]) -> Summary {
    let triggers: Vec<&Diagnosis> = diagnoses.iter().filter(|d| !d.is_skipped_scope()).collect();
    let broken = triggers.iter().filter(|d| d.verdict == TriggerVerdict::Broken).count();
    let with_warnings = triggers.iter().filter(|d| d.verdict == TriggerVerdict::Warnings).count();
    Summary { triggers: triggers.len(), broken, with_warnings, healthy: triggers.len() - broken - with_warnings }
}

/// `doctor --all`: every SQS mapping of every account and region asked for, `concurrency`
/// triggers at once over all of them, with one progress bar; each distinct fact is read once
/// per account (the cache of its clients).
async fn audit(ctx: &Ctx, s: &Settings) -> Result<DoctorReport, Error> {
    // One account in one region, as before accounts and regions: a listing that fails is the
    // run's error (exit 3), never a row that would let a CI gate pass without evidence.
    let single = s.scopes == ScopeSettings::default();
    let stream = ctx.output.format == crate::cli::OutputFormat::Jsonl;
    if s.metrics.is_some() && (!single || stream) {
        return Err(Error::usage(
            "--metrics: with --all it reads one account in one region, as one document (not with --accounts, \
             --regions, several --region or -o jsonl)",
        ));
    }
    let listing = async {
        let scopes = scopes::resolve(&ctx.clients, &s.scopes).await?;
        let lists = scopes.into_iter().map(|scope| async move {
            let clients = match scope.reach {
                Ok(clients) => clients,
                Err(why) => return (scope.account, scope.region, Err(Ok((why, None)))),
            };
            // The account's concurrency is one fact for every trigger of the region: read once,
            // beside the listing.
            let (listed, concurrency) =
                tokio::join!(gather::mapping::list(&clients, None, None), account_concurrency(&clients));
            let concurrency = match concurrency {
                Ok(read) => read,
                Err(err) if single => return (scope.account, scope.region, Err(Err(err))),
                Err(_) => None,
            };
            match listed {
                Ok(mappings) => (scope.account, scope.region, Ok((clients, mappings, concurrency))),
                Err(err) if single => (scope.account, scope.region, Err(Err(err))),
                Err(err) => {
                    let fact = format!(
                        "the mappings of account {} in {}",
                        scope.account.as_deref().unwrap_or("?"),
                        scope.region.as_deref().unwrap_or("?")
                    );
                    (scope.account, scope.region, Err(Ok((scopes::unreadable(fact, err.clone()), Some(err)))))
                }
            }
        });
        Ok::<_, Error>(futures::future::join_all(lists).await)
    };
    let listed = tokio::select! {
        listed = listing => listed?,
        _ = tokio::signal::ctrl_c() => return Err(Error::Interrupted { done: vec![] }),
    };
    let mut groups = Vec::new();
    let mut jobs = Vec::new();
    let mut skipped_rows = Vec::new();
    let mut listing_error = None;
    for (account, region, reach) in listed {
        match reach {
            Ok((clients, mappings, concurrency)) => {
                for pair in pairs_of(mappings.clone()) {
                    let queue_mappings =
                        mappings.iter().filter(|m| m.queue_arn == pair[0].queue_arn).cloned().collect();
                    jobs.push(Job {
                        clients: clients.clone(),
                        pair,
                        account: account.clone(),
                        region: region.clone(),
                        queue_mappings: Some(queue_mappings),
                        account_concurrency: concurrency.clone(),
                    });
                }
                groups.push(Group::counted_later(account, region, None));
            }
            Err(Err(err)) => return Err(err.into()),
            Err(Ok((why, err))) => {
                listing_error = listing_error.or(err);
                skipped_rows.push(Diagnosis::scope_skipped(account.clone(), region.clone(), &why));
                let reason = format!("could not read {}: {}", why.fact, why.detail);
                groups.push(Group::counted_later(account, region, Some(reason)));
            }
        }
    }
    // Not one region of one account could be listed: nothing was audited, which is an error.
    if let Some(err) = listing_error
        && groups.iter().all(|g| g.skipped.is_some())
    {
        return Err(err.into());
    }
    if stream {
        // What cannot be audited is known first: said first.
        for row in &skipped_rows {
            print_line(row)?;
        }
    }
    let (mut diagnoses, interrupted) = diagnose_jobs(ctx, jobs, s.concurrency, None, stream, !single).await?;
    if let Some(m) = &s.metrics {
        crate::commands::metrics::attach(ctx, &mut diagnoses, m).await?;
    }
    diagnoses.extend(skipped_rows);
    // Grouped by account and region, in the order they were asked for.
    let rank = |d: &Diagnosis| groups.iter().position(|g| g.account == d.account && g.region == d.region);
    diagnoses.sort_by_key(|d| rank(d));
    for g in &mut groups {
        let mine: Vec<Diagnosis> = diagnoses
            .iter()
            .filter(|d| d.account == g.account && d.region == g.region && !d.is_skipped_scope())
            .cloned()
            .collect();
        let counts = summarize(&mine);
        (g.triggers, g.broken, g.with_warnings, g.healthy) =
            (counts.triggers, counts.broken, counts.with_warnings, counts.healthy);
    }
    if single {
        // One account, one region: the triggers need no label.
        for d in &mut diagnoses {
            (d.account, d.region) = (None, None);
        }
    }
    Ok(DoctorReport {
        summary: summarize(&diagnoses),
        triggers: Triggers { list: diagnoses, streamed: stream },
        groups,
        requests: Some(ctx.clients.stats.counts()),
        streamed: stream,
        interrupted,
        table: true,
    })
}

/// One trigger to diagnose, with the clients of its account and region.
struct Job {
    clients: crate::aws::Clients,
    pair: Vec<MappingFacts>,
    account: Option<String>,
    region: Option<String>,
    /// Every mapping of the pair's queue, when the region's were all listed (`--all`): the
    /// other consumers of the queue are among them.
    queue_mappings: Option<Vec<MappingFacts>>,
    /// The account's Lambda concurrency in this region, read once for all its triggers.
    account_concurrency: Option<Fact<AccountConcurrency>>,
}

/// The mappings by queue/function pair, in the order listed.
fn pairs_of(mappings: Vec<MappingFacts>) -> Vec<Vec<MappingFacts>> {
    let mut pairs: Vec<Vec<MappingFacts>> = Vec::new();
    for m in mappings {
        match pairs.iter_mut().find(|p| p[0].queue_arn == m.queue_arn && p[0].function_arn == m.function_arn) {
            Some(pair) => pair.push(m),
            None => pairs.push(vec![m]),
        }
    }
    pairs
}

/// One trigger as one JSON line on stdout (`--output jsonl`).
fn print_line(d: &Diagnosis) -> Result<(), Error> {
    let schema = crate::report::schema_id("doctor-trigger");
    let line = serde_json::json!({ "schema": schema, "trigger": d });
    let mut out = io::stdout().lock();
    writeln!(out, "{line}").and_then(|_| out.flush()).map_err(|e| Error::io("a trigger to stdout", e))
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
    let (function, mappings, account) = tokio::join!(
        gather::function::read(clients, function_ref),
        gather::mapping::list(clients, None, Some(&name)),
        account_concurrency(clients)
    );
    let function = function?.ok_or_else(|| not_found("function", function_ref, "lambda:GetFunction"))?;
    let mappings = mappings?;
    let account = account?;
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
    let jobs = pairs_of(mappings)
        .into_iter()
        .map(|pair| Job {
            clients: ctx.clients.clone(),
            pair,
            account: None,
            region: None,
            queue_mappings: None,
            account_concurrency: account.clone(),
        })
        .collect();
    Ok(diagnose_jobs(ctx, jobs, concurrency, Some(&function), false, false).await?.0)
}

/// Diagnoses each job, `concurrency` at a time, with a progress bar (and its ETA) on a
/// terminal. Results keep the input order. `read_function`, when already read, is not read
/// again for the pairs of exactly that function. With `stream`, each diagnosis is printed as a
/// JSON line as soon as it is made. Ctrl-C stops the run: what was diagnosed is returned, with
/// `true`.
async fn diagnose_jobs(
    ctx: &Ctx,
    jobs: Vec<Job>,
    concurrency: usize,
    read_function: Option<&FunctionFacts>,
    stream: bool,
    tolerate: bool,
) -> Result<(Vec<Diagnosis>, bool), Error> {
    let bar = ctx.output.bar(jobs.len() as u64, "diagnosing triggers");
    let mut running = futures::stream::iter(jobs.into_iter().enumerate())
        .map(|(i, job)| {
            let bar = &bar;
            async move {
                let Job { clients, pair, account, region, queue_mappings, account_concurrency } = job;
                let queue = QueueRef::Arn(pair[0].queue_arn.clone());
                let function = FunctionRef::Arn(pair[0].function_arn.clone());
                let read = read_function.filter(|f| f.arn == pair[0].function_arn).cloned();
                let views: Vec<MappingView> = pair.iter().map(mapping_view).collect();
                let known = Known {
                    mappings: Some(pair),
                    function: read,
                    queue_mappings,
                    account_concurrency: Some(account_concurrency),
                    ..Known::default()
                };
                let started = Instant::now();
                let gathered =
                    gather::trigger::gather_with_mapping_tags(&clients, Some(&queue), Some(&function), known);
                let facts = match gathered.await {
                    Ok(facts) => facts,
                    // Across accounts and regions, a trigger that cannot be read (throttled past
                    // retries, unreachable) is a row of its own, not the end of the audit.
                    Err(err) if tolerate => {
                        bar.inc(1);
                        let why = scopes::unreadable(format!("the trigger {queue} → {function}"), err);
                        let diagnosis = Diagnosis {
                            mappings: views,
                            account,
                            region,
                            ..Diagnosis::scope_skipped(None, None, &why)
                        };
                        return Ok((i, diagnosis));
                    }
                    Err(err) => return Err(err.into()),
                };
                bar.inc(1);
                let diagnosis = Diagnosis { elapsed: started.elapsed(), account, region, ..diagnose(&facts, vec![]) };
                Ok::<_, Error>((i, diagnosis))
            }
        })
        .buffer_unordered(concurrency);
    let mut results: Vec<(usize, Diagnosis)> = Vec::new();
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    let mut interrupted = false;
    loop {
        tokio::select! {
            next = running.next() => match next {
                Some(result) => {
                    let (i, diagnosis) = result?;
                    if stream {
                        print_line(&diagnosis)?;
                    }
                    results.push((i, diagnosis));
                }
                None => break,
            },
            _ = &mut interrupt => {
                interrupted = true;
                break;
            }
        }
    }
    bar.finish();
    results.sort_by_key(|(i, _)| *i);
    Ok((results.into_iter().map(|(_, d)| d).collect(), interrupted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FindingCode;

    fn scopes(args: &[&str]) -> Result<ScopeSettings, Error> {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([&["sqs-trigger", "doctor"][..], args].concat()).unwrap();
        let crate::cli::Command::Doctor(d) = &cli.command else { unreachable!() };
        Settings::from_args(d, &cli.global.region).map(|s| s.scopes)
    }

    #[test]
    fn scope_flags_become_accounts_and_regions() {
        assert_eq!(scopes(&["--all"]).unwrap(), ScopeSettings::default());
        assert_eq!(scopes(&["--all", "--regions", "all"]).unwrap().regions, RegionChoice::All);
        let listed = scopes(&["--all", "--region", "eu-west-1", "--region", "us-east-1", "--region", "eu-west-1"]);
        assert_eq!(listed.unwrap().regions, RegionChoice::Listed(vec!["eu-west-1".into(), "us-east-1".into()]));
        let s = scopes(&["--all", "--accounts", "111111111111,222222222222,111111111111", "--assume-role", "Audit"]);
        let s = s.unwrap();
        assert_eq!(s.accounts, AccountChoice::Listed(vec!["111111111111".into(), "222222222222".into()]));
        assert_eq!(s.role.as_deref(), Some("Audit"));
        let org = scopes(&["--all", "--accounts-from", "organizations", "--assume-role", "Audit"]).unwrap();
        assert_eq!(org.accounts, AccountChoice::Organization);
        for bad in [
            &["--all", "--regions", "us-east-1,nowhere"][..],
            &["--all", "--regions", "all", "--region", "us-east-1"],
            &["--queue", "q", "--region", "us-east-1", "--region", "eu-west-1"],
            &["--all", "--assume-role", "Audit"],
            &["--all", "--accounts", "1234", "--assume-role", "Audit"],
            &["--all", "--accounts", "111111111111", "--assume-role", "role/Audit"],
            &["--all", "--accounts", "111111111111", "--assume-role", "Audit", "--external-id", "x"],
        ] {
            assert!(matches!(scopes(bad), Err(Error::Usage(_))), "{bad:?}");
        }
    }

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
