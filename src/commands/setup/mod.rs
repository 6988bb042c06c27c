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
            // Every decision made from reads was made above; these only a write can tell.
            writeln!(
                out,
                "{}",
                style.dim(
                    "not foreseen (only the real run can tell): AWS's own checks when the mapping is created or \
                     the role policy is put, and whether the function handles the probe"
                )
            )?;
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
    let push = |mut step: Step, steps: &mut Vec<Step>| {
        // A fact that could not be read is said once, by the first step that needed it.
        let said: Vec<(String, String)> = steps
            .iter()
            .flat_map(|s: &Step| s.findings.iter())
            .filter(|f| f.code == crate::model::FindingCode::CheckSkipped)
            .map(|f| (f.resource.clone(), f.message.clone()))
            .collect();
        step.findings.retain(|f| {
            f.code != crate::model::FindingCode::CheckSkipped
                || !said.contains(&(f.resource.clone(), f.message.clone()))
        });
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
        // Known from AWS's answer (the caller's account): a refusal (exit 1), not a usage error.
        return Err(Error::Refused(format!(
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
    let ((queue_step, queue_facts), early) = tokio::join!(queue_step(ctx, &s, &plan), early);
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
    let mapping = mapping_step(ctx, &s, &target, role_facts, &progress).await;
    let (mapping, mapping_enabled, queue_mappings) = match mapping {
        Ok(done) => (done.step, done.enabled, done.queue_mappings),
        Err(e) => (Step::failed(StepName::Mapping, &e), false, None),
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
    } else if !queue_is_new && !queue_facts.is_managed() && !s.probe && !s.yes_to_probe(ctx) {
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
            queue_mappings,
            facts: checked_facts,
        };
        let probe = probe_step(ctx, &s, &target, known).await.unwrap_or_else(|e| Step::failed(StepName::Probe, &e));
        push(probe, &mut steps);
    }
    progress.finish();
    Ok(finish(ctx, &s, steps))
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
    /// On a terminal, asks whether to probe a queue that existed before this run (the
    /// question clears the spinner itself).
    fn yes_to_probe(&self, ctx: &Ctx) -> bool {
        ctx.output.interactive
            && ctx.output.confirm(&format!(
                "{} existed before this run; its consumers will process the probe message. Send a probe?",
                self.spec.name
            ))
    }
}

mod steps;
#[cfg(test)]
mod tests;

use steps::*;
