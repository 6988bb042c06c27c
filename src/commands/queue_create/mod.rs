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
use crate::commands::outcome::{Difference, Outcome};
use crate::commands::{Change, Ctx};
use crate::error::{Error, ExitStatus};
use crate::gather;
use crate::model::facts::{CallerFacts, Encryption, KeyLookup, QueueFacts, Redrive};
use crate::model::finding::has_errors;
use crate::model::{Finding, QueueArn, QueueName, QueueRef};
use crate::output::{Report, Style, write_findings};
use crate::settings::{EncryptionChoice, QueueSpec};

/// A DLQ keeps messages for the SQS maximum, 14 days, so nothing redriven is lost before
/// someone looks.
pub(crate) const DLQ_RETENTION_SECS: &str = "1209600";

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

mod apply;
mod plan;

pub use plan::*;

pub async fn run(ctx: &Ctx, settings: Settings) -> Result<QueueCreateReport, Error> {
    let spinner = ctx.output.spinner(format!("checking queue {}", settings.spec.name));
    let plan = plan(ctx, &settings.spec).await?;
    if settings.update
        && let Some(why) = confirm_security_changes(ctx, &plan, settings.yes)
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
mod tests;
