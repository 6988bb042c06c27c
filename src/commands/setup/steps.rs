//! The steps of `setup`, each made of the single command's parts, and what they hand on.

use super::*;

/// The queue step; with the queue's and the DLQ's facts as they now are (or, in a dry run, as
/// they would be) when the pipeline goes on.
pub(super) async fn queue_step(
    ctx: &Ctx,
    s: &Settings,
    plan: &queue_create::QueuePlan,
) -> (Step, Option<(QueueFacts, Option<QueueFacts>)>) {
    let declined = if s.update && !s.dry_run {
        // The question clears the spinner itself (Output::confirm).
        queue_create::confirm_security_changes(ctx, plan, s.yes)
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
pub(super) async fn role_step(
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
    // The real run's decision, made from reads alone in both runs: can an inline policy grant
    // what is missing, and would the role then poll the queue? (Only IAM's propagation after
    // the write is left to the write.)
    let refuse = |outcome: StepOutcome, hint: String, findings: Vec<Finding>| {
        Step::ok(StepName::Role, outcome, format!("{role_name}: {hint}"))
            .with_findings(findings)
            .with_status(ExitStatus::CheckFailed)
    };
    let would_refuse = if s.dry_run { StepOutcome::WouldRefuse } else { StepOutcome::Refused };
    let Some(role) = role.filter(|_| !grants.is_empty()) else {
        let hint = "what is missing cannot be granted by an inline policy, so --fix cannot help (see the findings)";
        return Ok(refuse(would_refuse, hint.into(), checked.findings));
    };
    if s.dry_run || !s.fix {
        // What --fix would put, and the role checked again with it in place. Where --fix
        // would refuse (a role of another account, an inline policy it cannot merge), that is
        // the step's error with --fix, and its hint without.
        let plan = match role_check::ensure_callers_account(&role, &checked.facts) {
            Ok(()) => role_check::plan_fix(clients, &role, &s.spec.name, &grants, Some(&checked.facts)).await,
            Err(refused) => Err(refused),
        };
        let plan = match plan {
            Ok(plan) => plan,
            Err(Error::Refused(why)) if !s.fix => {
                let hint = format!("--fix cannot attach the missing permissions: {why}");
                return Ok(refuse(would_refuse, hint, checked.findings));
            }
            Err(e) => return Err(e),
        };
        let after = role_check::recheck_after_fix(clients, &checked, &plan, &s.target.function).await?;
        let added: Vec<String> = grants.iter().map(|g| format!("{} on {}", g.action, g.resource)).collect();
        let added = added.join(", ");
        let still_fails = has_errors(&after.findings);
        if !s.fix {
            let hint = if still_fails {
                format!(
                    "--fix would grant {added}, but the role still could not poll the queue: the rest cannot be \
                     granted by an inline policy (see the findings)"
                )
            } else {
                "re-run with --fix to attach the missing permissions as an inline policy".to_owned()
            };
            return Ok(refuse(would_refuse, hint, checked.findings));
        }
        if still_fails {
            let hint = format!(
                "would put inline policy {} granting {added}, but the role still could not poll the queue (see the \
                 findings)",
                plan.policy_name
            );
            return Ok(refuse(StepOutcome::WouldRefuse, hint, after.findings));
        }
        // The next steps decide over the role as the fix would leave it, as the real run does.
        *last = Some(after.facts.clone());
        return Ok(Step::ok(
            StepName::Role,
            StepOutcome::WouldFix,
            format!("would put inline policy {} on {role} granting {added}", plan.policy_name),
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

pub(super) fn role_check_not_found(function: &crate::model::FunctionRef) -> Error {
    Error::Aws(crate::error::AwsError::not_found("lambda:GetFunction", function, "it does not exist"))
}

pub(super) async fn mapping_step(
    ctx: &Ctx,
    s: &Settings,
    target: &mapping::Target,
    known: Option<TriggerFacts>,
    progress: &Progress,
) -> Result<MappingStep, Error> {
    // A new queue has no mapping yet, but the function, the role and the settings decide as
    // they will when the queue exists: the dry run plans over the queue as it would be made.
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
    Ok(MappingStep {
        step: Step::ok(StepName::Mapping, mapping_outcome(report.outcome, s.dry_run), summary)
            .with_findings(report.findings.clone())
            .with_detail(&report)
            .with_status(if failed { ExitStatus::CheckFailed } else { ExitStatus::Success }),
        enabled: report.settings.enabled,
        queue_mappings: report.queue_mappings_after(&plan),
    })
}

/// A refusal the dry run foresees is said as such (`would-refuse`), like the role step's.
fn mapping_outcome(outcome: outcome::Outcome, dry_run: bool) -> StepOutcome {
    match (outcome, dry_run) {
        (outcome::Outcome::Refused, true) => StepOutcome::WouldRefuse,
        (other, _) => StepOutcome::from(other),
    }
}

/// What the mapping step did, and what the probe after it needs to know.
pub(super) struct MappingStep {
    pub step: Step,
    /// Whether the mapping was asked to be enabled.
    pub enabled: bool,
    /// Every mapping of the queue now, when known without a request.
    pub queue_mappings: Option<Vec<crate::model::facts::MappingFacts>>,
}

pub(super) fn describe_request(r: &MappingRequest) -> String {
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

pub(super) async fn probe_step(
    ctx: &Ctx,
    s: &Settings,
    target: &mapping::Target,
    known: probe::Known,
) -> Result<Step, Error> {
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

/// The function's execution role, read while the queue is planned when it is surely of the
/// caller's account: a function named by name is the caller's, and so is a role of its
/// account. (A role of another account is never read: IAM would answer for a same-named role
/// of the caller's.) A failed read is left to the role step, which reads again and says why.
pub(super) async fn read_role(
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
pub(super) async fn alongside<T>(main: impl Future<Output = T>, beside: impl Future) -> T {
    let beside = beside.fuse();
    tokio::pin!(main, beside);
    loop {
        tokio::select! {
            out = &mut main => return out,
            _ = &mut beside => {}
        }
    }
}
