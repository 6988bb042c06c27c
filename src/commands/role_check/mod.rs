//! `role check --function F --queue Q [--role ARN] [--print-policy | --fix [--yes]]`: does the
//! execution role let the Lambda poller read the queue, decrypt it and write logs?
//!
//! Facts are gathered concurrently (function → role, queue → key); then
//! `iam:SimulatePrincipalPolicy` decides the role's own policies when it can be used, our
//! evaluator when not; resource policies (key policy, cross-account queue policy) are always
//! ours. `--fix` puts what is missing into the inline policy `sqs-trigger-QUEUE` and checks
//! again. Key policies are never edited: the statement to add is printed instead.
//!
//! `gather`, `findings`, `plan_fix` and `apply_fix` are public so `setup` can run the same
//! check and fix.
//!
//! Here: the settings and `run` (gather, conclude, then `--fix` or `--print-policy`); the
//! `--fix` flow in `fix`, the report and its text in `report`.

use crate::aws::Clients;
use crate::checks;
use crate::checks::role::{self, Decider, RoleEvaluation, Target};
use crate::cli::RoleCheckArgs;
use crate::commands::Ctx;
use crate::error::{AwsError, Error};
use crate::gather;
use crate::model::arn::log_group_arn;
use crate::model::facts::FactKind;
use crate::model::facts::TriggerFacts;
use crate::model::{Finding, FindingCode, FunctionRef, QueueRef, RoleArn};
use crate::policy_gen;
use crate::settings;

mod fix;
mod report;
#[cfg(test)]
mod tests;

pub use fix::{FixAction, FixOutcome, FixPlan, apply_fix, ensure_callers_account, fix, plan_fix, recheck_after_fix};
use fix::{confirm_question, outcome};
pub use report::RoleCheckReport;

#[derive(Clone, Debug)]
pub struct Settings {
    pub function: FunctionRef,
    pub queue: QueueRef,
    /// Check this role instead of the function's execution role.
    pub role: Option<RoleArn>,
    pub print_policy: bool,
    pub fix: bool,
    pub yes: bool,
}

impl Settings {
    pub fn from_args(args: &RoleCheckArgs, interactive: bool) -> Result<Self, Error> {
        let role = match &args.role {
            Some(text) => Some(text.parse::<RoleArn>().map_err(|e| Error::usage(format!("--role: {e}")))?),
            None => None,
        };
        if args.fix && !args.yes && !interactive {
            return Err(Error::usage(
                "--fix changes the role's inline policy: pass --yes to confirm when not on a terminal (or --print-policy to see the policy)",
            ));
        }
        Ok(Settings {
            function: settings::function_flag(&args.target.function)?,
            queue: settings::queue_flag(&args.target.queue)?,
            role,
            print_policy: args.print_policy,
            fix: args.fix,
            yes: args.yes,
        })
    }
}

/// Everything one role check read and concluded.
#[derive(Clone, Debug)]
pub struct Checked {
    pub facts: TriggerFacts,
    pub target: Target,
    pub evaluation: RoleEvaluation,
    /// Why iam:SimulatePrincipalPolicy was not used, when it was not.
    pub simulator_unavailable: Option<String>,
    pub findings: Vec<Finding>,
}

pub async fn run(ctx: &Ctx, settings: Settings) -> Result<RoleCheckReport, Error> {
    let spinner = ctx.output.spinner("reading the role, the queue and the key");
    let mut checked = check(&ctx.clients, &settings.function, &settings.queue, settings.role.as_ref()).await?;
    spinner.finish();
    let queue_name = settings.queue.name();
    let grants = checked.evaluation.fixable();
    let mut report_fix = None;
    if settings.fix {
        if let Some(role) = &checked.target.role {
            ensure_callers_account(role, &checked.facts)?;
        }
        let confirm = |plan: &FixPlan| settings.yes || ctx.output.confirm(&confirm_question(plan));
        let again = || check(&ctx.clients, &settings.function, &settings.queue, settings.role.as_ref());
        match checked.target.role.clone() {
            Some(role) if !grants.is_empty() => {
                let (plan, action, rechecked) =
                    fix(ctx, &checked, &role, &queue_name, confirm, |_: &FixPlan| again(), 5).await?;
                if let Some(rechecked) = rechecked {
                    checked = rechecked;
                }
                report_fix = Some(outcome(&plan, action));
            }
            Some(role) => {
                ctx.output.note("nothing an inline policy can grant is missing: the role was not changed");
                report_fix = Some(FixOutcome {
                    role,
                    policy_name: policy_gen::inline_policy_name(&queue_name),
                    action: FixAction::Unchanged,
                    added: Vec::new(),
                    document: None,
                });
            }
            None => ctx.output.note("the role is unknown: nothing to fix"),
        }
        if checked.findings.iter().any(|f| {
            matches!(
                f.code,
                FindingCode::KmsKeyPolicyMissingGrant
                    | FindingCode::ProducerKeyPolicyMissingGrant
                    | FindingCode::ProducerAwsManagedKey
            )
        }) {
            ctx.output.note("the key policy was not changed (sqs-trigger never edits key policies): add the statement shown under kms-key-policy-missing-grant or producer-*");
        }
    }
    let policy = if settings.print_policy { policy_gen::least_privilege(&grants) } else { None };
    if settings.print_policy && !ctx.output.is_json() {
        if policy.is_none() {
            ctx.output.note("nothing an inline policy can grant is missing: no policy to print");
        }
        for finding in checked.findings.iter().filter(|f| f.is_error()) {
            let by_queue_policy =
                finding.permission.as_ref().is_some_and(|p| p.decided_by == Some(Decider::QueuePolicy));
            if !matches!(finding.code, FindingCode::RoleMissingPermission) || by_queue_policy {
                ctx.output.note(format!("also: {} {}: {}", finding.code, finding.resource, finding.message));
            }
        }
    }
    let mut report = report::report(checked, policy, report_fix, settings.print_policy);
    report.changed = ctx.journal.changes();
    Ok(report)
}

/// Gathers the facts, asks the simulator, evaluates, and lists the findings.
pub async fn check(
    clients: &Clients,
    function: &FunctionRef,
    queue: &QueueRef,
    role: Option<&RoleArn>,
) -> Result<Checked, Error> {
    let facts = gather_facts(clients, function, queue, role).await?;
    conclude(clients, facts, function).await
}

/// Runs the role checks over gathered facts (asking iam:SimulatePrincipalPolicy first, when
/// the facts do not hold its answer yet). `setup --dry-run` calls this with a queue that is
/// only planned.
pub async fn conclude(clients: &Clients, mut facts: TriggerFacts, function: &FunctionRef) -> Result<Checked, Error> {
    let mut target = Target::from_facts(&facts);
    if target.log_group_arn.is_none() {
        // `--role` with a function that could not be read: its default log group.
        if let Some(role) = &target.role {
            let region = function.region().unwrap_or(&clients.region);
            target.log_group_arn =
                Some(log_group_arn(role.partition(), region, role.account(), &function.name().default_log_group()));
        }
    }
    // The same simulator step as the gatherer's (for a target it may not have seen: `--role`).
    gather::trigger::simulate(clients, &mut facts, &target).await;
    let simulator_unavailable = facts.simulation_unavailable.clone();
    let evaluation = role::evaluate(&facts, &target);
    let mut findings = checks::role::role_check_findings(&facts, &target, &evaluation);
    // Upstream of an SSE-KMS queue: the producers its policy names, whose key statement is
    // printed, never written.
    findings.extend(checks::producers::named_in_policy(&facts));
    Ok(Checked { facts, target, evaluation, simulator_unavailable, findings })
}

/// Every fact of the trigger, from the gatherer `doctor`, `mapping create` and `setup` use
/// (with `role`, as if the function ran with it). Access denied on any of them is recorded as
/// unreadable; a function (without `role`) or a queue that does not exist is an error.
pub async fn gather_facts(
    clients: &Clients,
    function: &FunctionRef,
    queue: &QueueRef,
    role: Option<&RoleArn>,
) -> Result<TriggerFacts, Error> {
    // The account's concurrency and the function's recursive loop setting decide no role finding.
    let known = gather::trigger::Known {
        role: role.cloned(),
        account_concurrency: Some(None),
        recursive_loop: Some(None),
        ..Default::default()
    };
    let facts = gather::trigger::gather(clients, Some(queue), Some(function), known).await?;
    let unreadable = |kind: FactKind| facts.skipped.iter().any(|u| u.kind == kind);
    if facts.function.is_none() && role.is_none() && !unreadable(FactKind::Function) {
        return Err(not_found("lambda:GetFunction", function));
    }
    if facts.queue.is_none() && !unreadable(FactKind::Queue) {
        return Err(not_found("sqs:GetQueueUrl", queue));
    }
    Ok(facts)
}

fn not_found(action: &'static str, what: &dyn std::fmt::Display) -> Error {
    Error::Aws(AwsError::not_found(action, what, "it does not exist"))
}
