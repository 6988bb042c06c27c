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
use crate::model::facts::{
    AccountConcurrency, Encryption, Fact, FunctionFacts, MappingFacts, ProvisionedPollers, QueueDepth, QueueFacts,
};
use crate::model::facts::{FactKind, TriggerFacts};
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
    /// `--metrics [--window D]`: also what CloudWatch says (doctor::metrics).
    pub metrics: Option<metrics::MetricsSettings>,
    /// With --all: which accounts and regions.
    pub scopes: ScopeSettings,
    /// `--queue`: also upstream of the queue (its producers). Off for redrive, which moves
    /// messages within SQS only.
    pub upstream: bool,
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
                (true, window) => Some(metrics::MetricsSettings::from_flag(window.as_deref())?),
                (false, Some(_)) => return Err(Error::usage("--window needs --metrics")),
                (false, None) => None,
            },
            scopes: scope_settings(args, regions)?,
            upstream: true,
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
        upstream: None,
        elapsed: Duration::ZERO,
        account: None,
        region: None,
    }
}

/// Upstream of the queue of `facts`: its producers, read once for all of the queue's triggers.
async fn upstream_of(ctx: &Ctx, facts: &TriggerFacts) -> Option<(Vec<Finding>, UpstreamView)> {
    let queue = facts.queue.as_ref()?;
    let producers = gather::producers::gather(&ctx.clients, queue, facts.key.clone()).await;
    let findings = checks::producers::check(&producers);
    Some((findings, UpstreamView::of(producers)))
}

/// Diagnoses the triggers of one queue, each with the findings upstream of the queue.
async fn diagnose_with_upstream(ctx: &Ctx, all: Vec<(TriggerFacts, Vec<Finding>)>, upstream: bool) -> Vec<Diagnosis> {
    let read = match (upstream, all.first()) {
        (true, Some((facts, _))) => upstream_of(ctx, facts).await,
        _ => None,
    };
    all.into_iter()
        .map(|(facts, mut extra)| match &read {
            Some((findings, view)) => {
                extra.extend(findings.iter().cloned());
                Diagnosis { upstream: Some(view.clone()), ..diagnose(&facts, extra) }
            }
            None => diagnose(&facts, extra),
        })
        .collect()
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

fn not_found(what: &str, resource: &dyn std::fmt::Display, action: &'static str) -> Error {
    Error::Aws(AwsError::not_found(action, resource, format!("no such {what} in this account and region")))
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
            (Some(q), f) => diagnose_queue(ctx, q, f.as_ref(), s.upstream).await?,
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
        metrics::attach(ctx, &mut diagnoses, m).await?;
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

async fn diagnose_queue(
    ctx: &Ctx,
    queue_ref: &QueueRef,
    function: Option<&FunctionRef>,
    upstream: bool,
) -> Result<Vec<Diagnosis>, Error> {
    let clients = &ctx.clients;
    let not_found_queue = || not_found("queue", queue_ref, "sqs:GetQueueUrl");
    if let Some(f) = function {
        // The pair is named: the queue, the function and the caller are read side by side.
        let facts =
            gather::trigger::gather_with_mapping_tags(clients, Some(queue_ref), Some(f), Known::default()).await?;
        if facts.queue.is_none() && !facts.skipped.iter().any(|u| u.kind == FactKind::Queue) {
            return Err(not_found_queue());
        }
        if facts.function.is_none() && facts.skipped.is_empty() {
            return Err(not_found("function", f, "lambda:GetFunction"));
        }
        return Ok(diagnose_with_upstream(ctx, vec![(facts, vec![])], upstream).await);
    }
    // The queue's mappings first (they name the functions), and the account's concurrency,
    // which needs nothing; the queue's attributes are read beside each function's facts.
    let (located, account) =
        tokio::join!(gather::queue::locate_with_mappings(clients, queue_ref), account_concurrency(clients));
    let located = located?.ok_or_else(not_found_queue)?;
    let mappings = located.mappings?;
    let by_url = QueueRef::Url(located.url.clone());
    let queue_ref = located.queue.is_none().then_some(&by_url);
    let caller = located.caller;
    let known = || Known { queue: located.queue.clone(), caller: Some(caller.clone()), ..Known::default() };
    if mappings.is_empty() {
        let facts = gather::trigger::gather_with_mapping_tags(clients, queue_ref, None, known()).await?;
        let missing = checks::mapping::missing(Some(&located.arn), None);
        return Ok(diagnose_with_upstream(ctx, vec![(facts, vec![missing])], upstream).await);
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
        let known = Known {
            mappings: Some(maps),
            queue_mappings: Some(all.clone()),
            account_concurrency: Some(None),
            ..known()
        };
        async move { gather::trigger::gather_with_mapping_tags(clients, queue_ref, Some(&f), known).await }
    });
    // The account's concurrency is one fact for every trigger: read once, beside them.
    let account = account?;
    let facts = futures::future::try_join_all(futures).await;
    let all = facts?
        .into_iter()
        .map(|mut facts| {
            facts.account_concurrency = account.clone();
            (facts, vec![])
        })
        .collect();
    Ok(diagnose_with_upstream(ctx, all, upstream).await)
}

/// The account's Lambda concurrency, read once for many triggers (an advisory read: an
/// `Unreadable` when it cannot be read, for whatever reason).
async fn account_concurrency(clients: &crate::aws::Clients) -> Result<Option<Fact<AccountConcurrency>>, AwsError> {
    let read = gather::function::account_concurrency(clients).await;
    Ok(Some(gather::reads::ACCOUNT_CONCURRENCY.advisory("the account's Lambda concurrency", read)))
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
    let mut mappings = mappings?;
    let account = account?;
    // AWS finds a function's mappings by its name as by its ARN; an endpoint that matches the
    // ARN only (moto) answers none for the name: asked again by the ARN before "no mapping".
    if mappings.is_empty() && !matches!(function_ref, FunctionRef::Arn(_)) {
        mappings = gather::mapping::list(clients, None, Some(&function.arn.to_string())).await?;
    }
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

mod audit;
pub mod metrics;
mod render;
mod report;

pub use report::*;
#[cfg(test)]
mod tests;

use audit::*;
pub use render::chain;
