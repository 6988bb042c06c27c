//! `setup`: queue (+ DLQ) → role check (and `--fix`) → mapping → probe, as one converging
//! pipeline made of the same steps as the single commands (no second copy of any check).
//!
//! Each step reads first and changes only what differs, so a re-run reports every step
//! `unchanged`. A failure stops the pipeline with that step's exit code and lists what was
//! already changed; running the same command again continues from there. `--dry-run` plans
//! every step and sends no mutating request.

use std::future::Future;
use std::io::{self, Write};
use std::time::Duration;

use futures::FutureExt;

use serde::Serialize;
use serde_json::Value;

use crate::cli::SetupArgs;
use crate::commands::{Change, Ctx, mapping, outcome, probe, queue_create, role_check};
use crate::error::{Error, ExitStatus};
use crate::gather::{self, trigger::Known};
use crate::model::facts::TriggerFacts;
use crate::model::facts::{Fact, FunctionFacts, MappingFlags, MappingRequest, QueueFacts, RoleFacts};
use crate::model::finding::has_errors;
use crate::model::{Finding, FunctionRef, QueueRef};
use crate::output::{Progress, Report, Style, write_findings};
use crate::settings::{self, QueueSpec};

/// How long `setup` waits for the mapping to settle.
const MAPPING_WAIT: Duration = Duration::from_secs(300);

#[derive(Clone, Debug)]
pub struct Settings {
    pub target: mapping::Target,
    pub spec: QueueSpec,
    pub request: MappingFlags,
    pub fix: bool,
    pub yes: bool,
    pub update: bool,
    pub no_probe: bool,
    /// Probe a queue that existed before this run without asking.
    pub probe: bool,
    pub allow_other_consumers: bool,
    pub probe_timeout: Duration,
    pub dry_run: bool,
}

impl Settings {
    pub fn from_args(args: &SetupArgs, interactive: bool) -> Result<Self, Error> {
        let target = mapping::Target::from_args(&args.target)?;
        let spec = QueueSpec::from_args(target.queue.name().as_str(), &args.queue)?;
        let request = mapping::request_from_options(&args.mapping)?;
        let probe_timeout = settings::duration_flag("probe-timeout", &args.probe_timeout)?;
        if probe_timeout.is_zero() {
            return Err(Error::usage("--probe-timeout: must be longer than zero"));
        }
        if args.fix && !args.yes && !interactive && !args.dry_run {
            return Err(Error::usage(
                "--fix changes the execution role: pass --yes to confirm when not on a terminal (or --dry-run to see the plan)",
            ));
        }
        Ok(Settings {
            target,
            spec,
            request,
            fix: args.fix,
            yes: args.yes,
            update: args.update,
            no_probe: args.no_probe,
            probe: args.probe,
            allow_other_consumers: args.allow_other_consumers,
            probe_timeout,
            dry_run: args.dry_run,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepName {
    Queue,
    Role,
    Mapping,
    Probe,
}

impl StepName {
    fn as_str(self) -> &'static str {
        match self {
            StepName::Queue => "queue",
            StepName::Role => "role",
            StepName::Mapping => "mapping",
            StepName::Probe => "probe",
        }
    }
}

/// What one step did, in the step's own word (the JSON carries the word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    Created,
    Updated,
    Unchanged,
    Refused,
    WouldCreate,
    WouldUpdate,
    WouldRefuse,
    WouldFix,
    Passed,
    Fixed,
    Failed,
    Skipped,
    /// The probe's verdict.
    Probe(crate::logwatch::ProbeVerdict),
}

impl StepOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            StepOutcome::Created => "created",
            StepOutcome::Updated => "updated",
            StepOutcome::Unchanged => "unchanged",
            StepOutcome::Refused => "refused",
            StepOutcome::WouldCreate => "would-create",
            StepOutcome::WouldUpdate => "would-update",
            StepOutcome::WouldRefuse => "would-refuse",
            StepOutcome::WouldFix => "would-fix",
            StepOutcome::Passed => "passed",
            StepOutcome::Fixed => "fixed",
            StepOutcome::Failed => "failed",
            StepOutcome::Skipped => "skipped",
            StepOutcome::Probe(verdict) => verdict.as_str(),
        }
    }

    /// What a dry run says a step would do.
    pub fn is_planned(self) -> bool {
        matches!(
            self,
            StepOutcome::WouldCreate | StepOutcome::WouldUpdate | StepOutcome::WouldRefuse | StepOutcome::WouldFix
        )
    }
}

impl From<outcome::Outcome> for StepOutcome {
    fn from(o: outcome::Outcome) -> StepOutcome {
        match o {
            outcome::Outcome::Created => StepOutcome::Created,
            outcome::Outcome::Updated => StepOutcome::Updated,
            outcome::Outcome::Unchanged => StepOutcome::Unchanged,
            outcome::Outcome::Refused => StepOutcome::Refused,
            outcome::Outcome::WouldCreate => StepOutcome::WouldCreate,
            outcome::Outcome::WouldUpdate => StepOutcome::WouldUpdate,
            outcome::Outcome::Skipped => StepOutcome::Skipped,
        }
    }
}

impl std::fmt::Display for StepOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for StepOutcome {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for StepOutcome {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One step's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub step: StepName,
    pub outcome: StepOutcome,
    /// One line for people.
    pub summary: String,
    pub findings: Vec<Finding>,
    /// The step's full report (the same document the single command prints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Value>,
    /// The error that stopped the pipeline at this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    pub status: ExitStatus,
}

impl Step {
    fn ok(step: StepName, outcome: StepOutcome, summary: impl Into<String>) -> Self {
        Step {
            step,
            outcome,
            summary: summary.into(),
            findings: vec![],
            detail: None,
            error: None,
            status: ExitStatus::Success,
        }
    }

    fn failed(step: StepName, error: &Error) -> Self {
        Step {
            step,
            outcome: StepOutcome::Failed,
            summary: crate::redact::redact(&error.to_string()),
            findings: vec![],
            detail: None,
            error: Some(crate::redact::redact(&error.to_string())),
            status: error.exit_status(),
        }
    }

    fn with_detail<T: Serialize>(mut self, detail: &T) -> Self {
        self.detail = serde_json::to_value(detail).ok();
        self
    }

    fn with_findings(mut self, findings: Vec<Finding>) -> Self {
        self.findings = findings;
        self
    }

    fn with_status(mut self, status: ExitStatus) -> Self {
        self.status = status;
        self
    }

    fn stops(&self) -> bool {
        self.status != ExitStatus::Success
    }

    /// Whether the pipeline ends here: a dry run goes on past a step that would refuse, so
    /// the whole plan is shown.
    fn halts(&self, dry_run: bool) -> bool {
        self.stops() && !(dry_run && self.outcome.is_planned())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SetupReport {
    pub dry_run: bool,
    pub queue: String,
    pub function: String,
    pub steps: Vec<Step>,
    /// Everything this run changed in the account, in order.
    pub changed: Vec<Change>,
    /// `complete`, `planned`, or `stopped at STEP`.
    pub verdict: String,
    /// The steps were already printed as they completed (text mode).
    #[serde(skip)]
    pub streamed: bool,
}

impl Report for SetupReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if !self.streamed {
            for step in &self.steps {
                write_step(out, style, step)?;
            }
        }
        if self.dry_run {
            let refusing: Vec<&str> = self.steps.iter().filter(|s| s.stops()).map(|s| s.step.as_str()).collect();
            let tail = if refusing.is_empty() {
                "the plan would go through".to_owned()
            } else {
                format!("the {} step would refuse (see above)", refusing.join(" and "))
            };
            writeln!(out, "{}", style.bold(&format!("dry run: nothing was changed; {tail}")))?;
            return Ok(());
        }
        let stopped = self.steps.iter().find(|s| s.stops());
        if stopped.is_some() && !self.changed.is_empty() {
            writeln!(out, "changed before stopping:")?;
            for change in &self.changed {
                writeln!(out, "  {change}")?;
            }
        }
        match stopped {
            Some(step) => writeln!(
                out,
                "{}",
                style.red(&format!(
                    "✗ setup stopped at the {} step; fix what it says and run the same command again: it continues from there",
                    step.step.as_str()
                ))
            ),
            None => writeln!(out, "{}", style.green(&format!("✓ setup complete: {} → {}", self.queue, self.function))),
        }
    }

    fn exit_status(&self) -> ExitStatus {
        self.steps.iter().find(|s| s.stops()).map(|s| s.status).unwrap_or(ExitStatus::Success)
    }
}

fn write_step(out: &mut dyn Write, style: &Style, step: &Step) -> io::Result<()> {
    // Padded before it is colored: escape codes would otherwise count as width.
    let padded = format!("{:<14}", step.outcome.as_str());
    use crate::logwatch::ProbeVerdict as V;
    let outcome = match step.outcome {
        StepOutcome::Created
        | StepOutcome::Updated
        | StepOutcome::Fixed
        | StepOutcome::Passed
        | StepOutcome::Probe(V::Confirmed) => style.green(&padded),
        StepOutcome::Failed | StepOutcome::Refused | StepOutcome::Probe(V::NotInvoked | V::InvokedWithError) => {
            style.red(&padded)
        }
        StepOutcome::Skipped => style.dim(&padded),
        other if other.is_planned() => style.yellow(&padded),
        _ => padded,
    };
    writeln!(out, "{:<8} {outcome} {}", step.step.as_str(), step.summary)?;
    let shown: Vec<Finding> =
        step.findings.iter().filter(|f| step.stops() || f.severity != crate::model::Severity::Info).cloned().collect();
    write_findings(out, style, &shown)
}

/// Shows a finished step as it completes: in text mode the step's lines go to stdout right
/// away (the spinner on stderr is paused meanwhile), so a long probe never hides what the
/// earlier steps did. JSON output waits for the one document at the end.
fn announce(ctx: &Ctx, progress: &Progress, step: &Step) {
    if ctx.output.is_json() {
        return;
    }
    progress.suspend(|| {
        let mut out = io::stdout().lock();
        let _ = write_step(&mut out, &ctx.output.style, step);
        let _ = out.flush();
    });
}

pub async fn run(ctx: &Ctx, s: Settings) -> Result<SetupReport, Error> {
    let progress = ctx.output.spinner("setup: queue");
    let mut steps: Vec<Step> = Vec::new();
    let push = |step: Step, steps: &mut Vec<Step>| {
        announce(ctx, &progress, &step);
        let halts = step.halts(s.dry_run);
        steps.push(step);
        halts
    };

    // A queue named by ARN or URL of another region is never created in this one.
    if let Some(region) = s.target.queue.region()
        && region != ctx.clients.region
    {
        return Err(Error::usage(format!(
            "--queue {} is in {region}, but this run is in {}: pass --region {region}",
            s.target.queue, ctx.clients.region
        )));
    }
    // 1. The queue and its DLQ, planned beside the read of the function (which the role step
    // needs: a failed read is left to that step, which reads it again and says why). Without
    // --visibility-timeout a new queue gets AWS's recommendation for the function's timeout.
    let function_read =
        gather::function::read(&ctx.clients, &s.target.function).map(|read| read.ok().flatten()).shared();
    let role_read = read_role(ctx, &s.target.function, function_read.clone()).shared();
    let plan = alongside(queue_create::plan(ctx, &s.spec), role_read.clone()).await;
    let plan = match plan {
        Ok(mut plan) => {
            if let Some(function) = function_read.clone().await {
                let window = s.request.batch_window_secs.unwrap_or(0).max(0) as u32;
                plan.default_visibility_for(function.timeout_secs, window);
            }
            plan
        }
        Err(e) => {
            push(Step::failed(StepName::Queue, &e), &mut steps);
            return Ok(finish(ctx, &s, steps));
        }
    };
    // ...nor one of another account in the caller's (where a same-named queue would be made).
    if let Some(account) = s.target.queue.account()
        && account != plan.caller_account()
    {
        return Err(Error::usage(format!(
            "--queue {} belongs to account {account}, but the credentials are of account {}: setup creates and \
             changes queues only in the caller's account (use that account's credentials)",
            s.target.queue,
            plan.caller_account()
        )));
    }
    // What the role step reads depends on the queue only through its ARN, key and DLQ. When
    // the plan changes nothing on an existing queue (or creates it), those are known now: the
    // role is read while the queues are made. An update (a new key) waits for the queue.
    let known = |queue: QueueFacts, dlq: Option<QueueFacts>, function: Option<FunctionFacts>| Known {
        queue: Some(queue),
        dlq,
        caller: Some(Ok(plan.caller().clone())),
        function,
        ..Known::default()
    };
    let early = async {
        if !plan.updates_existing() {
            let known = known(plan.planned_facts(), plan.planned_dlq_facts(), function_read.clone().await);
            let function = Some(&s.target.function);
            Some(gather::trigger::gather_with_role(&ctx.clients, None, function, known, role_read.clone()).await)
        } else {
            None
        }
    };
    let ((queue_step, queue_facts), early) = tokio::join!(queue_step(ctx, &s, &plan, &progress), early);
    if push(queue_step, &mut steps) {
        return Ok(finish(ctx, &s, steps));
    }
    let Some((queue_facts, dlq_facts)) = queue_facts else {
        return Ok(finish(ctx, &s, steps));
    };
    let queue_is_new = plan.creates_queue();

    // 2. The execution role.
    progress.set_message("setup: role check");
    let mut role_facts = None;
    let early = early.map(|read| {
        // The queue as made (its real URL), not as planned.
        read.map(|mut facts| {
            facts.queue = Some(queue_facts.clone());
            facts
        })
    });
    let known = known(queue_facts.clone(), dlq_facts, function_read.await);
    let role = role_step(ctx, &s, known, role_read.await, early, &mut role_facts).await;
    let role = role.unwrap_or_else(|e| Step::failed(StepName::Role, &e));
    if push(role, &mut steps) {
        return Ok(finish(ctx, &s, steps));
    }

    // 3. The mapping.
    progress.set_message("setup: mapping");
    let target = mapping::Target { queue: QueueRef::Arn(queue_facts.arn.clone()), function: s.target.function.clone() };
    let checked_facts = role_facts.clone();
    let mapping = mapping_step(ctx, &s, &target, queue_is_new, role_facts, &progress).await;
    let (mapping, mapping_enabled) = match mapping {
        Ok((step, enabled)) => (step, enabled),
        Err(e) => (Step::failed(StepName::Mapping, &e), false),
    };
    if push(mapping, &mut steps) {
        return Ok(finish(ctx, &s, steps));
    }

    // 4. The probe. A queue that existed before this run, and that sqs-trigger did not create,
    // may be a live one: its consumer would process the probe message, so it is probed only
    // when asked (--probe, or a yes on a terminal). A re-run on a queue this tool made (a
    // setup finishing what an earlier one started) probes as the first run would have.
    let skip = if s.dry_run {
        Some("a dry run sends nothing".to_owned())
    } else if s.no_probe {
        Some("--no-probe".to_owned())
    } else if !mapping_enabled {
        Some("the mapping is disabled: nothing would poll the probe (enable it with --enable)".to_owned())
    } else if !queue_is_new && !queue_facts.is_managed() && !s.probe && !s.yes_to_probe(ctx, &progress) {
        Some(format!(
            "{} existed before this run: its consumers would process a probe message (pass --probe to send one)",
            s.spec.name
        ))
    } else {
        None
    };
    if let Some(why) = skip {
        push(Step::ok(StepName::Probe, StepOutcome::Skipped, why), &mut steps);
    } else {
        // The probe shows its own spinner (what it waits for, elapsed time).
        progress.finish();
        let known = probe::Known {
            queue: Some(queue_facts.clone()),
            function: checked_facts.as_ref().and_then(|f| f.function.clone()),
            caller: Some(Ok(plan.caller().clone())),
            facts: checked_facts,
        };
        let probe = probe_step(ctx, &s, &target, known).await.unwrap_or_else(|e| Step::failed(StepName::Probe, &e));
        push(probe, &mut steps);
    }
    progress.finish();
    Ok(finish(ctx, &s, steps))
}

/// The function's execution role, read while the queue is planned when it is surely of the
/// caller's account: a function named by name is the caller's, and so is a role of its
/// account. (A role of another account is never read: IAM would answer for a same-named role
/// of the caller's.) A failed read is left to the role step, which reads again and says why.
async fn read_role(
    ctx: &Ctx,
    function: &FunctionRef,
    read: impl Future<Output = Option<FunctionFacts>>,
) -> Option<Fact<RoleFacts>> {
    let read = read.await?;
    if !matches!(function, FunctionRef::Name(_)) || read.role.account() != read.arn.account() {
        return None;
    }
    gather::role::read(&ctx.clients, &read.role).await.ok()
}

/// Awaits `main` while driving `beside` too (which goes on, if not done, wherever it is awaited
/// next: a shared future keeps its progress).
async fn alongside<T>(main: impl Future<Output = T>, beside: impl Future) -> T {
    let beside = beside.fuse();
    tokio::pin!(main, beside);
    loop {
        tokio::select! {
            out = &mut main => return out,
            _ = &mut beside => {}
        }
    }
}

fn finish(ctx: &Ctx, s: &Settings, steps: Vec<Step>) -> SetupReport {
    let verdict = match steps.iter().find(|st| st.stops()) {
        Some(step) if s.dry_run => format!("planned; {} would refuse", step.step.as_str()),
        Some(step) => format!("stopped at {}", step.step.as_str()),
        None if s.dry_run => "planned".to_owned(),
        None => "complete".to_owned(),
    };
    SetupReport {
        dry_run: s.dry_run,
        queue: s.target.queue.to_string(),
        function: s.target.function.to_string(),
        steps,
        changed: ctx.journal.changes(),
        verdict,
        streamed: !ctx.output.is_json(),
    }
}

impl Settings {
    /// On a terminal, asks whether to probe a queue that existed before this run.
    fn yes_to_probe(&self, ctx: &Ctx, progress: &Progress) -> bool {
        ctx.output.interactive
            && progress.suspend(|| {
                ctx.output.confirm(&format!(
                    "{} existed before this run; its consumers will process the probe message. Send a probe?",
                    self.spec.name
                ))
            })
    }
}

/// The queue step; with the queue's and the DLQ's facts as they now are (or, in a dry run, as
/// they would be) when the pipeline goes on.
async fn queue_step(
    ctx: &Ctx,
    s: &Settings,
    plan: &queue_create::QueuePlan,
    progress: &Progress,
) -> (Step, Option<(QueueFacts, Option<QueueFacts>)>) {
    let declined = if s.update && !s.dry_run {
        progress.suspend(|| queue_create::confirm_security_changes(ctx, plan, s.yes))
    } else {
        None
    };
    let report = match declined {
        Some(why) => Ok(plan.declined_report(s.update, why)),
        None if s.dry_run => Ok(plan.dry_run_report(s.update)),
        None => plan.apply(ctx, s.update).await,
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => return (Step::failed(StepName::Queue, &e), None),
    };
    let outcome = StepOutcome::from(report.queue.outcome);
    let said = |o: outcome::Outcome| match o {
        outcome::Outcome::WouldCreate => "would be created",
        outcome::Outcome::WouldUpdate => "would be updated",
        other => other.as_str(),
    };
    let mut summary = format!("{} {}", report.queue.name, said(report.queue.outcome));
    if let Some(dlq) = &report.dlq {
        summary.push_str(&format!(", DLQ {} {}", dlq.name, said(dlq.outcome)));
    }
    for d in report.queue.differences.iter().chain(report.dlq.iter().flat_map(|d| d.differences.iter())) {
        summary.push_str(&format!(
            "\n                        {} differs: current {}, requested {}",
            d.attribute, d.current, d.requested
        ));
    }
    let refused = report.exit_status() != ExitStatus::Success;
    if let Some(why) = &report.refusal {
        summary.push_str(&format!("\n                        {why}"));
    } else if refused && report.findings.is_empty() {
        summary.push_str("\n                        re-run with --update to change the existing queue");
    }
    let step = Step::ok(StepName::Queue, if refused { StepOutcome::Refused } else { outcome }, summary)
        .with_findings(report.findings.clone())
        .with_detail(&report)
        .with_status(report.exit_status());
    if refused {
        return (step, None);
    }
    // What the next steps check: the queues as they now are. Made or left as planned, they are
    // what the plan says (a new queue's URL is CreateQueue's answer); an updated one is read.
    let with_url = |mut facts: QueueFacts, url: Option<&String>| {
        if let Some(url) = url.and_then(|u| u.parse().ok()) {
            facts.url = url;
        }
        facts
    };
    let dlq = plan.planned_dlq_facts().map(|d| with_url(d, report.dlq.as_ref().and_then(|o| o.url.as_ref())));
    if s.dry_run || !plan.updates_existing() {
        return (step, Some((with_url(plan.planned_facts(), report.queue.url.as_ref()), dlq)));
    }
    let queue_ref = QueueRef::Name(s.spec.name.clone());
    let read = tokio::try_join!(gather::queue::find(&ctx.clients, &queue_ref), async {
        match &plan.dlq {
            Some(d) => gather::queue::find(&ctx.clients, &QueueRef::Name(d.name.clone())).await,
            None => Ok(None),
        }
    });
    match read {
        Ok((queue, dlq)) => (step, Some((queue.unwrap_or_else(|| plan.planned_facts()), dlq))),
        Err(e) => (Step::failed(StepName::Queue, &Error::Aws(e)), None),
    }
}

/// The role step, over the facts read while the queue was made (`early`) or read now from
/// `known`. `last` receives the facts it checked last (after a fix, with the fix in place),
/// which the mapping step and the probe reuse instead of reading everything again.
async fn role_step(
    ctx: &Ctx,
    s: &Settings,
    known: Known,
    role_read: Option<Fact<RoleFacts>>,
    early: Option<Result<TriggerFacts, crate::error::AwsError>>,
    last: &mut Option<TriggerFacts>,
) -> Result<Step, Error> {
    let clients = &ctx.clients;
    let function = Some(&s.target.function);
    let facts = match early {
        Some(read) => read?,
        None => gather::trigger::gather_with_role(clients, None, function, known, async { role_read }).await?,
    };
    if facts.function.is_none() && facts.skipped.is_empty() {
        return Err(role_check_not_found(&s.target.function));
    }
    let mut checked = role_check::conclude(clients, facts, &s.target.function).await?;
    *last = Some(checked.facts.clone());
    let role_name =
        checked.target.role.as_ref().map(ToString::to_string).unwrap_or_else(|| "the execution role".into());
    if !has_errors(&checked.findings) {
        return Ok(Step::ok(
            StepName::Role,
            StepOutcome::Passed,
            format!("{role_name} may poll the queue and write logs"),
        )
        .with_findings(checked.findings));
    }
    let grants = checked.evaluation.fixable();
    let role = checked.target.role.clone();
    let (Some(role), true, false) = (role, s.fix, grants.is_empty()) else {
        let hint = if s.fix {
            "what is missing cannot be granted by an inline policy (see the findings)"
        } else {
            "re-run with --fix to attach the missing permissions as an inline policy"
        };
        let outcome = if s.dry_run { StepOutcome::WouldRefuse } else { StepOutcome::Refused };
        return Ok(Step::ok(StepName::Role, outcome, format!("{role_name}: {hint}"))
            .with_findings(checked.findings)
            .with_status(ExitStatus::CheckFailed));
    };
    if s.dry_run {
        role_check::ensure_callers_account(&role, &checked.facts)?;
        let fix = role_check::plan_fix(clients, &role, &s.spec.name, &grants, Some(&checked.facts)).await?;
        let added: Vec<String> = grants.iter().map(|g| format!("{} on {}", g.action, g.resource)).collect();
        return Ok(Step::ok(
            StepName::Role,
            StepOutcome::WouldFix,
            format!("would put inline policy {} on {role} granting {}", fix.policy_name, added.join(", ")),
        )
        .with_findings(checked.findings));
    }
    let confirm = |plan: &role_check::FixPlan| {
        s.yes || ctx.output.confirm(&format!("Put inline policy {} on {role}?", plan.policy_name))
    };
    // Checked again from the facts in hand with the new document in place: the mapping's
    // creation, next, is where AWS itself checks the role (and is retried while a fresh
    // change propagates).
    let before = checked.clone();
    let again = |plan: &role_check::FixPlan| {
        let plan = plan.clone();
        let before = &before;
        async move { role_check::recheck_after_fix(clients, before, &plan, &s.target.function).await }
    };
    let (fix, action, rechecked) = role_check::fix(ctx, &checked, &role, &s.spec.name, confirm, again, 1).await?;
    if action == role_check::FixAction::Declined {
        return Ok(Step::ok(StepName::Role, StepOutcome::Refused, "the fix was declined: nothing was changed")
            .with_findings(checked.findings)
            .with_status(ExitStatus::CheckFailed));
    }
    if let Some(rechecked) = rechecked {
        checked = rechecked;
        *last = Some(checked.facts.clone());
    }
    let word = match action {
        role_check::FixAction::Created => "created",
        role_check::FixAction::Updated => "updated",
        _ => "kept",
    };
    if has_errors(&checked.findings) {
        return Ok(Step::ok(
            StepName::Role,
            StepOutcome::Refused,
            format!("inline policy {} {word} on {role}, but the role still cannot poll the queue", fix.policy_name),
        )
        .with_findings(checked.findings)
        .with_status(ExitStatus::CheckFailed));
    }
    Ok(Step::ok(StepName::Role, StepOutcome::Fixed, format!("inline policy {} {word} on {role}", fix.policy_name))
        .with_findings(checked.findings))
}

fn role_check_not_found(function: &crate::model::FunctionRef) -> Error {
    Error::Aws(crate::error::AwsError::not_found("lambda:GetFunction", function, "it does not exist"))
}

async fn mapping_step(
    ctx: &Ctx,
    s: &Settings,
    target: &mapping::Target,
    queue_is_new: bool,
    known: Option<TriggerFacts>,
    progress: &Progress,
) -> Result<(Step, bool), Error> {
    if s.dry_run && queue_is_new {
        // No queue yet, so no mapping either: the mapping would be created with these settings.
        let settings = s.request.settle(None);
        return Ok((
            Step::ok(
                StepName::Mapping,
                StepOutcome::WouldCreate,
                format!("{} → {} ({})", s.spec.name, s.target.function, describe_request(&settings)),
            ),
            settings.enabled,
        ));
    }
    let plan = mapping::plan_with(ctx, target, &s.request, known).await?;
    let report = if s.dry_run {
        mapping::MappingReport::from_plan(&plan, plan.outcome(true))
    } else {
        mapping::apply(ctx, &plan, Some(MAPPING_WAIT), progress).await?
    };
    let failed = report.failed();
    let mut summary = match (&report.uuid, &report.state) {
        (Some(uuid), Some(state)) => format!("{uuid} [{state}] ({})", describe_request(&report.settings)),
        (Some(uuid), None) => format!("{uuid} ({})", describe_request(&report.settings)),
        _ => format!("{} → {} ({})", s.spec.name, s.target.function, describe_request(&report.settings)),
    };
    for d in &report.differences {
        summary.push_str(&format!("; {} {} → {}", d.attribute, d.current, d.requested));
    }
    let enabled = report.settings.enabled;
    Ok((
        Step::ok(StepName::Mapping, StepOutcome::from(report.outcome), summary)
            .with_findings(report.findings.clone())
            .with_detail(&report)
            .with_status(if failed { ExitStatus::CheckFailed } else { ExitStatus::Success }),
        enabled,
    ))
}

fn describe_request(r: &MappingRequest) -> String {
    let mut parts = vec![format!("batch {}", r.batch_size.unwrap_or(10))];
    if let Some(w) = r.batch_window_secs {
        parts.push(format!("window {w}s"));
    }
    if let Some(c) = r.max_concurrency {
        parts.push(format!("max concurrency {c}"));
    }
    if r.report_batch_item_failures {
        parts.push("partial batch failures".into());
    }
    if !r.filters.is_empty() {
        parts.push(format!("{} filter(s)", r.filters.len()));
    }
    if let Some(p) = r.provisioned_pollers {
        parts.push(format!("provisioned pollers {}-{}", p.minimum, p.maximum));
    }
    if r.metrics {
        parts.push("EventCount metrics".into());
    }
    if r.filter_kms_key.is_some() {
        parts.push("encrypted filters".into());
    }
    if !r.enabled {
        parts.push("disabled".into());
    }
    parts.join(", ")
}

async fn probe_step(ctx: &Ctx, s: &Settings, target: &mapping::Target, known: probe::Known) -> Result<Step, Error> {
    let settings = probe::Settings {
        function: target.function.clone(),
        queue: target.queue.clone(),
        timeout: s.probe_timeout,
        body: probe::Body::Default,
        require_marker: false,
        live_tail: false,
        allow_other_consumers: s.allow_other_consumers,
        probe_ids: probe::ProbeIds::default(),
    };
    let report = probe::run_with(ctx, settings, known).await?;
    let status = report.exit_status();
    let verdict = StepOutcome::Probe(report.verdict);
    let mut summary = match (&report.request_id, report.latency_ms) {
        (Some(id), Some(ms)) => format!("invocation {id} logged the probe {ms} ms after the send"),
        (Some(id), None) => format!("invocation {id}"),
        _ => format!("no invocation seen in {}", crate::model::HumanDuration(s.probe_timeout)),
    };
    if let Some(error) = &report.error {
        summary.push_str(&format!(": {error}"));
    }
    Ok(Step::ok(StepName::Probe, verdict, summary)
        .with_findings(report.findings.clone())
        .with_detail(&report)
        .with_status(status))
}

#[cfg(test)]
mod tests;
