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

use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::aws::{AwsResultExt, Clients};
use crate::checks;
use crate::checks::role::{self, Decider, PermissionCheck, PermissionVerdict, Required, RoleEvaluation, Target};
use crate::cli::RoleCheckArgs;
use crate::commands::{Ctx, Journal};
use crate::error::{AwsError, Error, ExitStatus};
use crate::gather;
use crate::model::arn::log_group_arn;
use crate::model::facts::TriggerFacts;
use crate::model::facts::{Encryption, FactKind, KeyLookup};
use crate::model::finding::has_errors;
use crate::model::{Finding, FindingCode, FunctionArn, FunctionRef, QueueArn, QueueName, QueueRef, RoleArn};
use crate::output::{Report, Style, count_summary, write_findings};
use crate::policy_gen::{self, Merged};
use crate::settings;

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

/// What `--fix` did to the role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAction {
    Created,
    Updated,
    /// The inline policy already grants everything an inline policy can grant.
    Unchanged,
    /// The user answered no.
    Declined,
}

/// What `--fix` would put on the role.
#[derive(Clone, Debug)]
pub struct FixPlan {
    pub role: RoleArn,
    pub policy_name: String,
    pub merged: Merged,
}

impl FixPlan {
    pub fn changes(&self) -> bool {
        !matches!(self.merged, Merged::Unchanged)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FixOutcome {
    pub role: RoleArn,
    pub policy_name: String,
    pub action: FixAction,
    /// The permissions the inline policy now grants that it did not before.
    pub added: Vec<Required>,
    /// The document put on the role (None when nothing was put).
    pub document: Option<Value>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RoleCheckReport {
    pub role: Option<RoleArn>,
    pub function: Option<FunctionArn>,
    pub queue: Option<QueueArn>,
    pub encryption: Option<String>,
    /// The queue's KMS key (its ARN once resolved), when the queue uses SSE-KMS.
    pub key: Option<String>,
    /// Who decided the role's own policies: `simulator` (iam:SimulatePrincipalPolicy) or
    /// `evaluator` (sqs-trigger's); null when neither could.
    pub decided_by: Option<Decider>,
    /// Why the simulator was not used, when it was not.
    pub simulator_unavailable: Option<String>,
    /// Whether the trust policy lets lambda.amazonaws.com assume the role (null: not read).
    pub trusts_lambda: Option<bool>,
    pub permissions: Vec<PermissionCheck>,
    pub findings: Vec<Finding>,
    /// With --print-policy: the least-privilege inline policy granting what is missing
    /// (null when nothing an inline policy can grant is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixOutcome>,
    /// Every write this command made (with --fix: the role's inline policy).
    pub changed: Vec<crate::commands::Change>,
    #[serde(skip)]
    pub print_policy: bool,
}

impl Report for RoleCheckReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if self.print_policy {
            // stdout is the document alone, so `> policy.json` works; notes went to stderr.
            if let Some(policy) = &self.policy {
                writeln!(out, "{}", serde_json::to_string_pretty(policy).unwrap_or_default())?;
            }
            return Ok(());
        }
        let or_unknown = |v: Option<String>| v.unwrap_or_else(|| "(unknown)".into());
        writeln!(out, "role      {}", style.bold(&or_unknown(self.role.as_ref().map(ToString::to_string))))?;
        if let Some(function) = &self.function {
            writeln!(out, "function  {function}")?;
        }
        let encryption = self.encryption.as_deref().map(|e| format!(" ({e})")).unwrap_or_default();
        writeln!(out, "queue     {}{encryption}", or_unknown(self.queue.as_ref().map(ToString::to_string)))?;
        if let Some(key) = &self.key {
            writeln!(out, "key       {key}")?;
        }
        match self.trusts_lambda {
            Some(true) => writeln!(out, "trust     {} lambda.amazonaws.com may assume the role", style.green("✓"))?,
            Some(false) => writeln!(out, "trust     {} lambda.amazonaws.com may not assume the role", style.red("✗"))?,
            None => {}
        }
        if let Some(fix) = &self.fix {
            write_fix(out, style, fix)?;
        }
        let decider = match (self.decided_by, &self.simulator_unavailable) {
            (Some(Decider::Simulator), _) => "iam:SimulatePrincipalPolicy".to_owned(),
            (Some(_), Some(why)) => format!("sqs-trigger's policy evaluator ({why})"),
            (Some(_), None) => "sqs-trigger's policy evaluator".to_owned(),
            (None, _) => "nothing: the role's policies could not be read".to_owned(),
        };
        writeln!(out, "\npermissions, decided by {decider}:")?;
        let width = self.permissions.iter().map(|p| p.action.len()).max().unwrap_or(0);
        for p in &self.permissions {
            let mark = match p.decision {
                PermissionVerdict::Allowed => style.green("✓"),
                PermissionVerdict::Missing | PermissionVerdict::Denied => style.red("✗"),
                PermissionVerdict::Conditional => style.yellow("?"),
                PermissionVerdict::Skipped => style.dim("-"),
            };
            writeln!(out, "  {mark} {:<width$}  {}", p.action, style.dim(&p.resource))?;
            let by = match p.decided_by {
                Some(Decider::KeyPolicy | Decider::QueuePolicy) | None => String::new(),
                Some(d) => format!(" [{}]", d.as_str()),
            };
            match p.decision {
                PermissionVerdict::Missing | PermissionVerdict::Skipped => {
                    writeln!(out, "      {}: {}{by}", p.decision.as_str(), p.reason)?
                }
                _ => writeln!(out, "      {}{by}", p.reason)?,
            }
        }
        if !self.findings.is_empty() {
            writeln!(out, "\nfindings:")?;
            write_findings(out, style, &self.findings)?;
        }
        let allowed = self.permissions.iter().filter(|p| p.decision == PermissionVerdict::Allowed).count();
        writeln!(
            out,
            "\n{}: {allowed} of {} permissions allowed; {}",
            if has_errors(&self.findings) { style.red("role check failed") } else { style.green("role check passed") },
            self.permissions.len(),
            count_summary(&self.findings)
        )
    }

    fn exit_status(&self) -> ExitStatus {
        if has_errors(&self.findings) { ExitStatus::CheckFailed } else { ExitStatus::Success }
    }
}

fn write_fix(out: &mut dyn Write, style: &Style, fix: &FixOutcome) -> io::Result<()> {
    let what = match fix.action {
        FixAction::Created => style.green("created"),
        FixAction::Updated => style.green("updated"),
        FixAction::Unchanged => "unchanged".to_owned(),
        FixAction::Declined => style.yellow("not changed (declined)"),
    };
    writeln!(out, "fix       inline policy {} {what}", style.bold(&fix.policy_name))?;
    for grant in &fix.added {
        writeln!(out, "          + {} on {}", grant.action, grant.resource)?;
    }
    Ok(())
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
        if checked.findings.iter().any(|f| f.code == FindingCode::KmsKeyPolicyMissingGrant) {
            ctx.output.note("the key policy was not changed (sqs-trigger never edits key policies): add the statement shown under kms-key-policy-missing-grant");
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
    let mut report = report(checked, policy, report_fix, settings.print_policy);
    report.changed = ctx.journal.changes();
    Ok(report)
}

/// `--fix` writes with IAM, which names a role by name in the caller's account: a role of
/// another account would be a different (same-named) role there, so it is refused (exit 2).
pub fn ensure_callers_account(role: &RoleArn, facts: &TriggerFacts) -> Result<(), Error> {
    match &facts.caller {
        Some(caller) if caller.account != role.account() => Err(Error::usage(format!(
            "--fix: the role {role} belongs to account {}, but the credentials are of account {}: nothing was \
             changed (run --fix with that account's credentials, or use --print-policy)",
            role.account(),
            caller.account
        ))),
        _ => Ok(()),
    }
}

fn action_word(action: FixAction) -> &'static str {
    match action {
        FixAction::Created => "created",
        FixAction::Updated => "updated",
        FixAction::Unchanged => "left unchanged",
        FixAction::Declined => "declined",
    }
}

fn confirm_question(plan: &FixPlan) -> String {
    let (verb, grants) = match &plan.merged {
        Merged::Create(_) => ("create", Vec::new()),
        Merged::Update { added, .. } => ("update", added.clone()),
        Merged::Unchanged => ("leave", Vec::new()),
    };
    let document = match &plan.merged {
        Merged::Create(doc) | Merged::Update { document: doc, .. } => {
            serde_json::to_string_pretty(doc).unwrap_or_default()
        }
        Merged::Unchanged => String::new(),
    };
    let added = grants.iter().map(|g| format!("\n  + {} on {}", g.action, g.resource)).collect::<String>();
    format!("{verb} inline policy {} on role {}{added}\n{document}\nProceed?", plan.policy_name, plan.role)
}

fn outcome(plan: &FixPlan, action: FixAction) -> FixOutcome {
    let (added, document) = match &plan.merged {
        Merged::Create(doc) => (policy_gen_grants(doc), Some(doc.clone())),
        Merged::Update { document, added } => (added.clone(), Some(document.clone())),
        Merged::Unchanged => (Vec::new(), None),
    };
    let changed = matches!(action, FixAction::Created | FixAction::Updated);
    FixOutcome {
        role: plan.role.clone(),
        policy_name: plan.policy_name.clone(),
        action,
        added: if changed { added } else { Vec::new() },
        document: if changed { document } else { None },
    }
}

/// The grants of a document generated by `policy_gen` (one resource per statement).
fn policy_gen_grants(doc: &Value) -> Vec<Required> {
    let known = role::QUEUE_ACTIONS.iter().chain([role::KMS_DECRYPT].iter()).chain(role::LOG_ACTIONS.iter());
    let known: Vec<&'static str> = known.copied().collect();
    let mut grants = Vec::new();
    for statement in doc["Statement"].as_array().into_iter().flatten() {
        let Some(resource) = statement["Resource"].as_str() else { continue };
        for action in statement["Action"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if let Some(action) = known.iter().find(|k| **k == action) {
                grants.push(Required { action, resource: resource.to_owned() });
            }
        }
    }
    grants
}

fn report(checked: Checked, policy: Option<Value>, fix: Option<FixOutcome>, print_policy: bool) -> RoleCheckReport {
    let facts = &checked.facts;
    let key = match (&facts.key, facts.queue.as_ref().map(|q| &q.encryption)) {
        (Some(Ok(KeyLookup::Found(k))), _) => Some(k.arn.to_string()),
        (_, Some(Encryption::Kms { key_id })) => Some(key_id.clone()),
        _ => None,
    };
    let trusts_lambda = match &facts.role {
        Some(Ok(r)) => r.trust_policy.as_ref().map(|t| crate::policy::trusts_service(t, role::LAMBDA_SERVICE)),
        _ => None,
    };
    RoleCheckReport {
        role: checked.target.role.clone(),
        function: facts.function.as_ref().map(|f| f.arn.clone()),
        queue: checked.target.queue.clone(),
        encryption: facts.queue.as_ref().map(|q| q.encryption.to_string()),
        key,
        decided_by: checked.evaluation.decided_by,
        simulator_unavailable: checked.simulator_unavailable,
        trusts_lambda,
        permissions: checked.evaluation.permissions,
        findings: checked.findings,
        policy,
        fix,
        changed: vec![],
        print_policy,
    }
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
    let findings = checks::role::role_check_findings(&facts, &target, &evaluation);
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

/// Reads the role's `sqs-trigger-QUEUE` inline policy and works out what `--fix` would put there.
/// `facts`: the trigger's facts, when they hold the role: a role whose policies were just
/// listed without this inline policy needs no read to know it has none.
pub async fn plan_fix(
    clients: &Clients,
    role: &RoleArn,
    queue: &QueueName,
    grants: &[Required],
    facts: Option<&TriggerFacts>,
) -> Result<FixPlan, Error> {
    let policy_name = policy_gen::inline_policy_name(queue);
    let listed_without_it = match facts.and_then(|f| f.role.as_ref()) {
        Some(Ok(r)) if &r.arn == role => !r.policy_names.contains(&gather::role::inline_policy_label(&policy_name)),
        _ => false,
    };
    let existing =
        if listed_without_it { None } else { gather::role::inline_policy_text(clients, role, &policy_name).await? };
    let merged = policy_gen::merge(&policy_name, existing.as_deref(), grants).map_err(|why| {
        Error::Refused(format!(
            "the role's inline policy {policy_name} cannot be merged ({why}): fix or delete it, then run --fix again"
        ))
    })?;
    Ok(FixPlan { role: role.clone(), policy_name, merged })
}

/// Puts the planned inline policy on the role (iam:PutRolePolicy) and records it in the journal.
pub async fn apply_fix(clients: &Clients, journal: &Journal, plan: &FixPlan) -> Result<FixAction, Error> {
    let (document, action) = match &plan.merged {
        Merged::Create(doc) => (doc, FixAction::Created),
        Merged::Update { document, .. } => (document, FixAction::Updated),
        Merged::Unchanged => return Ok(FixAction::Unchanged),
    };
    clients
        .iam
        .put_role_policy()
        .role_name(plan.role.name())
        .policy_name(&plan.policy_name)
        .policy_document(document.to_string())
        .send()
        .await
        .aws("iam:PutRolePolicy", &plan.role)?;
    journal.record(
        crate::commands::Change::new("put-role-policy", &plan.role).with([format!("policy:{}", plan.policy_name)]),
    );
    Ok(action)
}

/// Checks again after a fix. IAM is eventually consistent: while a permission just granted
/// still reads as missing, wait a little and look again (a few seconds at most).
/// The one role-fix flow of `role check --fix` and `setup --fix`: plan the inline policy,
/// confirm, put it, then check again with `again` until IAM shows the grant (it is eventually
/// consistent: a few attempts, 2 s apart). Returns the plan, what was done, and the facts read
/// last when the role was changed.
///
/// `again` checks the role once more after the policy is put; up to `attempts` times, 2 s apart,
/// while what was granted still shows as missing (the IAM simulator lags a change by seconds).
#[allow(clippy::too_many_arguments)]
pub async fn fix<F, Fut>(
    ctx: &Ctx,
    checked: &Checked,
    role: &RoleArn,
    queue: &QueueName,
    confirm: impl FnOnce(&FixPlan) -> bool,
    mut again: F,
    attempts: u32,
) -> Result<(FixPlan, FixAction, Option<Checked>), Error>
where
    F: FnMut(&FixPlan) -> Fut,
    Fut: std::future::Future<Output = Result<Checked, Error>>,
{
    ensure_callers_account(role, &checked.facts)?;
    let granted = checked.evaluation.fixable();
    let plan = plan_fix(&ctx.clients, role, queue, &granted, Some(&checked.facts)).await?;
    if !plan.changes() {
        return Ok((plan, FixAction::Unchanged, None));
    }
    if !confirm(&plan) {
        return Ok((plan, FixAction::Declined, None));
    }
    let action = apply_fix(&ctx.clients, &ctx.journal, &plan).await?;
    ctx.output.note(format!("{} inline policy {} on {role}; checking again", action_word(action), plan.policy_name));
    let mut attempt = 0;
    loop {
        let rechecked = again(&plan).await?;
        let still_missing = rechecked.evaluation.permissions.iter().any(|p| {
            p.decision == PermissionVerdict::Missing
                && granted.iter().any(|g| g.action == p.action && g.resource == p.resource)
        });
        attempt += 1;
        if !still_missing || attempt >= attempts {
            return Ok((plan, action, Some(rechecked)));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// The check again after `plan` was put on the role, from the facts already read: the role's
/// policies with the document just put in place of the old one (IAM returns exactly that
/// document), so nothing is read again. The simulator's answers for what the fix granted are
/// dropped, since IAM takes seconds to propagate a change to it: our evaluator decides those
/// over the new document. Its other answers (an organization's deny) stand.
pub async fn recheck_after_fix(
    clients: &Clients,
    checked: &Checked,
    plan: &FixPlan,
    function: &FunctionRef,
) -> Result<Checked, Error> {
    let document = match &plan.merged {
        Merged::Create(doc) | Merged::Update { document: doc, .. } => doc,
        Merged::Unchanged => return Ok(checked.clone()),
    };
    let label = gather::role::inline_policy_label(&plan.policy_name);
    let put = crate::policy::NamedPolicy::parse(label.clone(), &document.to_string())
        .map_err(|e| Error::Aws(AwsError::unexpected("iam:PutRolePolicy", &plan.role, e)))?;
    let mut facts = checked.facts.clone();
    if let Some(Ok(role)) = facts.role.as_mut().filter(|r| matches!(r, Ok(r) if r.arn == plan.role)) {
        role.policies.retain(|p| p.name != label);
        role.policies.push(put);
        if !role.policy_names.contains(&label) {
            role.policy_names.push(label);
        }
    }
    let granted = checked.evaluation.fixable();
    if let Some(simulation) = facts.simulation.as_mut() {
        simulation.results.retain(|r| !granted.iter().any(|g| g.action == r.action && g.resource == r.resource));
    } else if facts.simulation_unavailable.is_none() {
        facts.simulation_unavailable = Some("not asked again right after the fix".to_owned());
    }
    conclude(clients, facts, function).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(extra: &[&str]) -> RoleCheckArgs {
        let mut argv = vec!["sqs-trigger", "role", "check", "--function", "worker", "--queue", "orders"];
        argv.extend_from_slice(extra);
        let cli = crate::cli::Cli::try_parse_from(argv).unwrap();
        match cli.command {
            crate::cli::Command::Role(crate::cli::RoleCommand::Check(a)) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn settings_validate_before_any_request() {
        assert!(Settings::from_args(&args(&[]), false).is_ok());
        let s = Settings::from_args(&args(&["--role", "arn:aws:iam::123456789012:role/r"]), false).unwrap();
        assert_eq!(s.role.unwrap().name(), "r");
        for bad in [vec!["--role", "worker-role"], vec!["--role", "arn:aws:iam::123456789012:user/u"], vec!["--fix"]] {
            let err = Settings::from_args(&args(&bad), false).unwrap_err();
            assert_eq!(err.exit_status(), ExitStatus::Usage, "{bad:?}");
        }
        assert!(Settings::from_args(&args(&["--fix"]), true).is_ok());
        assert!(Settings::from_args(&args(&["--fix", "--yes"]), false).is_ok());
    }

    #[test]
    fn queue_policy_rows_become_cross_account_findings() {
        let row = |decision, decided_by| PermissionCheck {
            action: "sqs:DeleteMessage".into(),
            resource: "arn:aws:sqs:us-east-1:210987654321:orders".into(),
            decision,
            policy: Some("queue policy of arn:aws:sqs:us-east-1:210987654321:orders".into()),
            sid: None,
            condition_keys: vec![],
            decided_by: Some(decided_by),
            reason: "queue policy does not grant the role or its account".into(),
            fixable: false,
        };
        let evaluation = RoleEvaluation {
            role: Some("arn:aws:iam::123456789012:role/worker".parse().unwrap()),
            decided_by: Some(Decider::Evaluator),
            permissions: vec![
                row(PermissionVerdict::Missing, Decider::QueuePolicy),
                row(PermissionVerdict::Denied, Decider::QueuePolicy),
                row(PermissionVerdict::Allowed, Decider::QueuePolicy),
                row(PermissionVerdict::Missing, Decider::Evaluator),
            ],
        };
        let findings = checks::role::queue_policy_findings(&evaluation);
        assert_eq!(findings.len(), 2);
        for f in &findings {
            assert_eq!(f.code, FindingCode::CrossAccountQueuePolicy);
            assert!(f.remediation.as_deref().unwrap().contains("arn:aws:iam::123456789012:role/worker"));
        }
    }

    #[test]
    fn generated_grants_read_back() {
        let grants = vec![
            Required { action: "sqs:DeleteMessage", resource: "arn:aws:sqs:us-east-1:123456789012:q".into() },
            Required { action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:123456789012:key/k".into() },
        ];
        let doc = policy_gen::least_privilege(&grants).unwrap();
        assert_eq!(policy_gen_grants(&doc), grants);
    }
}
