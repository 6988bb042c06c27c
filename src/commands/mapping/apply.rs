//! Apply: create or update the mapping (retrying what AWS says to retry), then wait until it settles.

use super::*;

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
    /// The mapping as last read (None when it is gone): what comes next (setup's probe) needs
    /// not list it again.
    #[serde(skip)]
    pub mapping: Option<MappingFacts>,
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
            state: plan.existing.as_ref().map(|m| m.state.to_string()),
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
        if let Some(p) = s.provisioned_pollers {
            writeln!(out, "{:<16}provisioned, {} to {} pollers", "poller mode", p.minimum, p.maximum)?;
        }
        if s.metrics {
            writeln!(out, "{:<16}EventCount", "metrics")?;
        }
        if let Some(k) = &s.filter_kms_key {
            writeln!(out, "{:<16}{k}", "filter key")?;
        }
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
    // A mapping left as it is, listed a moment ago in the state asked for, has nothing to wait for.
    let listed_settled = match (&plan.action, &plan.existing) {
        (Action::Unchanged { .. }, Some(m)) => m.state.is_settled() && m.state.is_enabled() == plan.settings.enabled,
        _ => false,
    };
    if let Some(timeout) = wait.filter(|_| !listed_settled) {
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

pub(crate) fn not_settled_finding(queue: &str, uuid: &str, w: &WaitResult, timeout: Duration) -> Finding {
    let reasons: Vec<String> = [
        w.state_transition_reason.as_ref().map(|r| format!("StateTransitionReason: {r}")),
        w.last_processing_result.as_ref().map(|r| format!("LastProcessingResult: {r}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    checks::mapping::not_settled(queue, uuid, &w.state, &w.expected, &reasons, &HumanDuration(timeout).to_string())
}

/// The few fields of a mapping that the create/update answer carries.
pub(crate) struct Changed {
    uuid: String,
    arn: Option<String>,
    state: String,
}

/// How a change names a mapping: its ARN when Lambda gave one, else its UUID.
pub(crate) fn mapping_id(mapping: Option<&MappingFacts>, uuid: &str) -> String {
    mapping.and_then(|m| m.arn.clone()).unwrap_or_else(|| uuid.to_owned())
}

pub(crate) async fn create(ctx: &Ctx, plan: &MappingPlan) -> Result<Changed, AwsError> {
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
        .set_provisioned_poller_config(s.provisioned_pollers.map(poller_config))
        .set_metrics_config(s.metrics.then(|| metrics_config(true)))
        .set_kms_key_arn(s.filter_kms_key.clone())
        // Ownership is given at creation: teardown deletes only mappings carrying this tag.
        .tags(crate::MANAGED_BY_TAG, crate::MANAGED_BY_VALUE)
        .send();
    let out = ctx
        .journal
        .in_flight_while("created", format!("mapping {queue_arn} → {function}"), out)
        .await
        .aws_err("lambda:CreateEventSourceMapping", &queue_arn)?;
    Ok(Changed {
        uuid: out.uuid().unwrap_or_default().to_owned(),
        arn: out.event_source_mapping_arn().map(str::to_owned),
        state: out.state().unwrap_or("Creating").to_owned(),
    })
}

pub(crate) async fn update(ctx: &Ctx, uuid: &str, changes: &Changes, plan: &MappingPlan) -> Result<Changed, AwsError> {
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
        .set_provisioned_poller_config(changes.provisioned_pollers.map(poller_config))
        // An empty list turns the metrics off.
        .set_metrics_config(changes.metrics.map(metrics_config))
        .set_kms_key_arn(changes.filter_kms_key.clone())
        .send();
    let out = ctx
        .journal
        .in_flight_while("updated", format!("mapping {uuid}"), out)
        .await
        .aws_err("lambda:UpdateEventSourceMapping", &uuid)?;
    Ok(Changed {
        uuid: uuid.to_owned(),
        arn: out.event_source_mapping_arn().map(str::to_owned),
        state: out.state().unwrap_or("Updating").to_owned(),
    })
}

pub(crate) fn poller_config(p: ProvisionedPollers) -> ProvisionedPollerConfig {
    ProvisionedPollerConfig::builder().minimum_pollers(p.minimum).maximum_pollers(p.maximum).build()
}

/// `MetricsConfig`: `EventCount` on, or an empty list (off).
pub(crate) fn metrics_config(on: bool) -> EventSourceMappingMetricsConfig {
    EventSourceMappingMetricsConfig::builder()
        .set_metrics(Some(if on { vec![EventSourceMappingMetric::EventCount] } else { vec![] }))
        .build()
}

pub(crate) fn filter_criteria(patterns: &[String]) -> FilterCriteria {
    FilterCriteria::builder()
        .set_filters(Some(patterns.iter().map(|p| Filter::builder().pattern(p).build()).collect()))
        .build()
}

/// What Lambda is told the function is: the qualified ARN the user gave (an alias or
/// version), else the function's ARN.
pub(crate) fn function_id(plan: &MappingPlan) -> String {
    match &plan.target.function {
        FunctionRef::Arn(arn) if arn.qualifier().is_some() => arn.to_string(),
        _ => plan.function_arn().map(ToString::to_string).unwrap_or_else(|| plan.target.function.to_string()),
    }
}

/// Runs a mapping call again while Lambda answers that the mapping is busy (up to
/// `in_use_bound`) or that the execution role cannot read the queue yet (IAM propagation, up
/// to `ROLE_PROPAGATION_BOUND`, backing off). Throttling is retried by the SDK itself.
pub(crate) async fn retrying<T, F, Fut>(
    ctx: &Ctx,
    progress: &Progress,
    in_use_bound: Duration,
    mut call: F,
) -> Result<T, Error>
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
pub(crate) fn say(ctx: &Ctx, progress: &Progress, message: impl AsRef<str>) {
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
            mapping: m.cloned(),
        };
        let Some(m) = mapping else { return Ok(result("gone".into(), None, false)) };
        if m.state.is_settled() {
            return Ok(result(m.state.to_string(), Some(&m), m.state.as_str() == expected));
        }
        if started.elapsed() >= timeout {
            return Ok(result(m.state.to_string(), Some(&m), false));
        }
        progress.set_message(format!("waiting for the mapping {uuid}: {}", m.state));
        tokio::time::sleep(delay.min(timeout.saturating_sub(started.elapsed()))).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

impl MappingReport {
    /// Every mapping of the queue after `apply`, from the plan's listing and the wait's last
    /// read, without a request: None when either is unknown (the listing was unreadable, or a
    /// mapping was created or updated without a wait).
    pub fn queue_mappings_after(&self, plan: &MappingPlan) -> Option<Vec<MappingFacts>> {
        let (Some(Ok(pair)), Some(Ok(others))) = (&plan.facts.mappings, &plan.facts.other_mappings) else {
            return None;
        };
        let mut all = others.clone();
        match (&plan.action, &self.wait) {
            (Action::Refuse | Action::Unchanged { .. }, None) => all.extend(pair.iter().cloned()),
            (_, Some(WaitResult { mapping: Some(read), .. })) => {
                all.extend(pair.iter().filter(|m| m.uuid != read.uuid).cloned());
                all.push(read.clone());
            }
            (_, Some(WaitResult { mapping: None, .. })) => {
                all.extend(pair.iter().filter(|m| Some(&m.uuid) != self.uuid.as_ref()).cloned())
            }
            (Action::Create | Action::Update { .. }, None) => return None,
        }
        Some(all)
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
