//! Reading the pair, refusing what must not be sent, sending the one message, watching.

use super::*;

pub(crate) fn not_found(action: &'static str, resource: String, message: String) -> Error {
    Error::Aws(AwsError::not_found(action, &resource, message))
}

/// The functions (qualifier included) of the enabled mappings on the queue other than this
/// function's own.
pub(crate) fn other_consumers(all: &[MappingFacts], function: &FunctionFacts) -> Vec<String> {
    let mut out: Vec<String> = all
        .iter()
        .filter(|m| m.function_arn != function.arn && m.is_enabled())
        .map(|m| match m.function_arn.qualifier() {
            Some(q) => format!("{}:{q}", m.function_arn.name()),
            None => m.function_arn.name().to_string(),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What the caller of the probe already read (`setup`): each part that is given is not read
/// again before sending.
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub queue: Option<QueueFacts>,
    pub function: Option<FunctionFacts>,
    pub caller: Option<Result<CallerFacts, AwsError>>,
    /// Every mapping of the known queue (to any function), when the caller just listed or
    /// made them: the probe does not list them again.
    pub queue_mappings: Option<Vec<MappingFacts>>,
    /// The trigger's facts as last read: the check after a confirmation runs on them (with the
    /// mappings the probe lists) instead of reading them all again.
    pub facts: Option<TriggerFacts>,
}

pub async fn run(ctx: &Ctx, settings: Settings) -> Result<ProbeReport, Error> {
    run_with(ctx, settings, Known::default()).await
}

/// The probe, reading only what `known` does not hold. The queue, its mappings, the function
/// and the caller take two round trips (one when the queue is known), then the send; the
/// trigger's other facts are read while the logs are watched, off the critical path.
pub async fn run_with(ctx: &Ctx, settings: Settings, known: Known) -> Result<ProbeReport, Error> {
    let clients = &ctx.clients;
    let spinner = ctx.output.spinner(format!("reading {} and {}", settings.queue, settings.function));
    let function_read = async {
        match known.function {
            Some(f) => Ok(Some(f)),
            None => gather::function::read(clients, &settings.function).await,
        }
    };
    let queue_read = async {
        match known.queue {
            Some(queue) => {
                let mappings = match known.queue_mappings {
                    Some(all) => Ok(all),
                    None => gather::mapping::list(clients, Some(&queue.arn), None).await,
                };
                let caller = match known.caller {
                    Some(caller) => caller,
                    None => gather::caller(clients).await,
                };
                Ok(gather::queue::QueueWithMappings { queue: Some(queue), mappings, caller })
            }
            None => gather::queue::find_with_mappings(clients, &settings.queue).await,
        }
    };
    let (found, function) = tokio::join!(queue_read, function_read);
    let found = found?;
    let queue = found.queue.ok_or_else(|| {
        not_found(
            "sqs:GetQueueUrl",
            settings.queue.to_string(),
            format!("no queue `{}` in {}", settings.queue, clients.region),
        )
    })?;
    let function = function?.ok_or_else(|| {
        not_found(
            "lambda:GetFunction",
            settings.function.to_string(),
            format!("no function `{}` in {}", settings.function, clients.region),
        )
    })?;
    let caller = found.caller;
    let all_mappings =
        gather::reads::MAPPINGS.required(format!("the event source mappings of {}", queue.arn), found.mappings)?;
    let mappings = all_mappings.clone().map(|all| gather::mapping::of_pair(&all, &queue.arn, &function.arn));

    let probe_id = settings.probe_ids.next_id();
    let mut report = ProbeReport::before_sending(&probe_id, &queue, &function, &settings);

    // Another consumer could take the probe message (and delete it): never send then, unless
    // told to; and not when the mappings cannot be read, since that cannot be ruled out.
    let others = match &all_mappings {
        Ok(all) => other_consumers(all, &function),
        Err(_) => Vec::new(),
    };
    let consumer_refusal = match &all_mappings {
        Err(unreadable) => Some(checks::mapping::consumers_unknown(&queue.arn, unreadable)),
        Ok(_) if !others.is_empty() && !settings.allow_other_consumers => {
            Some(checks::mapping::other_consumers(&queue.arn, &others))
        }
        Ok(_) => None,
    };
    if let Some(finding) = consumer_refusal {
        report.findings.push(finding);
        return Ok(report);
    }
    if !others.is_empty() {
        report.notes.push(format!(
            "{} also read{} this queue (--allow-other-consumers): a not-invoked verdict may only mean another \
             consumer took the probe",
            others.join(", "),
            if others.len() == 1 { "s" } else { "" }
        ));
    }
    // No enabled mapping: the message would sit on the queue (or be read by someone else).
    let refusal = match &mappings {
        Ok(list) => refusal(&queue, &function, list),
        Err(_) => None,
    };
    if let Some(finding) = refusal {
        // Everything else about the pair, through the same gatherer as doctor.
        let (facts, note) =
            gather_pair(ctx, &queue, &function, mappings.clone().ok(), caller.clone(), Reread::Queue).await;
        report.notes.extend(note);
        // The probe's own finding names this queue, function and mapping: it replaces the
        // generic one of the checks.
        let mut findings = checks::run_all(&facts);
        findings.retain(|f| f.code != finding.code);
        findings.insert(0, finding);
        report.findings.extend(findings);
        return Ok(report);
    }
    if let Ok(list) = &mappings
        && list.iter().any(|m| !m.filters.is_empty())
    {
        report.notes.push(
            "the mapping filters events: Lambda deletes a message no filter matches without invoking the \
             function, so give a body that matches (--body or --body-file)"
                .to_owned(),
        );
    }

    let sent_at = SystemTime::now();
    let body = settings.body.render(&probe_id, sent_at);
    check_body(&body, &probe_id)?;
    // A body no filter matches would be deleted by Lambda without a run: never send it.
    if let Ok(list) = &mappings
        && let Some(finding) = checks::mapping::probe_filtered_out(&queue.arn.to_string(), list, &body)
    {
        report.findings.push(finding);
        return Ok(report);
    }

    // Live Tail only shows events ingested after it starts: start it before sending.
    let mut live = None;
    if settings.live_tail {
        spinner.set_message(format!("starting a Live Tail session on {}", function.log_group));
        let arn = logwatch::live_tail_group_arn(
            function.arn.partition(),
            function.arn.region(),
            function.arn.account(),
            &function.log_group,
        );
        match LiveTail::start(clients, &function.log_group, &arn).await {
            Ok(tail) => live = Some(tail),
            Err(err) => ctx.output.note(format!(
                "note: Live Tail is not available here ({}); polling FilterLogEvents instead",
                err.code.as_deref().unwrap_or(&err.message)
            )),
        }
    }

    spinner.set_message(format!("sending the probe message to {}", queue.name));
    let sent_at = SystemTime::now();
    let message_id = send(ctx, &queue, &body, &probe_id).await?;
    ctx.journal.record(
        crate::commands::Change::new("send-message", &queue.arn).with([format!("{message_id} (probe id {probe_id})")]),
    );
    report.message_id = Some(message_id.clone());
    report.verdict = ProbeVerdict::NotInvoked;
    let sent_error = |mut err: AwsError| {
        err.hint = Some(format!(
            "{}the probe message {message_id} (probe id {probe_id}) was sent to {}",
            err.hint.map(|h| format!("{h}; ")).unwrap_or_default(),
            queue.name
        ));
        Error::Aws(err)
    };

    // Watch the logs.
    let since_ms = logwatch::epoch_millis(sent_at) - CLOCK_SKEW_MARGIN.as_millis() as i64;
    let watch = logwatch::ProbeWatch {
        group: &function.log_group,
        probe_id: &probe_id,
        since_ms,
        timeout: settings.timeout,
        require_marker: settings.require_marker,
        shape: logwatch::LogShape::of(&function),
    };
    let function_name = report.function.clone();
    let on_progress = |seen: &Classification, group_missing: bool| {
        spinner.set_message(waiting_for(seen, group_missing, &function.log_group, &function_name));
    };
    // The trigger's other facts, for the check after a confirmation, read while the logs are
    // watched (or taken from the caller, with the mappings just listed).
    let pair = mappings.clone().ok();
    let facts_after_send = async {
        match known.facts {
            Some(mut facts) => {
                if let Some(pair) = pair {
                    facts.mappings = Some(Ok(pair));
                }
                (facts, None)
            }
            None => gather_pair(ctx, &queue, &function, pair, caller.clone(), Reread::Nothing).await,
        }
    };
    let (watched, checked) =
        tokio::join!(watch.run(clients, live, on_progress, |note: &str| ctx.output.note(note)), facts_after_send);
    let watched = watched.map_err(sent_error)?;
    let (seen, group_missing) = (watched.seen, watched.group_missing);
    spinner.finish();
    report.waited_ms = watched.waited.as_millis() as u64;
    apply(&mut report, &seen, logwatch::epoch_millis(sent_at));
    explain(&mut report, &seen, &queue, &function, group_missing);
    if report.verdict == ProbeVerdict::NotInvoked {
        diagnose(ctx, &mut report, &queue, &function, caller).await;
    } else if matches!(report.verdict, ProbeVerdict::Confirmed | ProbeVerdict::Invoked) {
        let (facts, note) = checked;
        report.notes.extend(note);
        confirm_with_checks(&mut report, &queue, &facts);
    }
    Ok(report)
}

/// `mapping-missing` or `mapping-disabled` when the probe must not be sent.
pub(crate) fn refusal(queue: &QueueFacts, function: &FunctionFacts, mappings: &[MappingFacts]) -> Option<Finding> {
    let nothing_sent = |mut f: Finding, why: &str| {
        f.message = format!("{}: {why} (nothing was sent)", f.message);
        f
    };
    if mappings.is_empty() {
        let finding = checks::mapping::missing(Some(&queue.arn), Some(&function.arn));
        return Some(nothing_sent(finding, "a probe message would never reach the function"));
    }
    if mappings.iter().any(MappingFacts::is_enabled) {
        return None;
    }
    Some(nothing_sent(checks::mapping::disabled(&mappings[0]), "a probe message would wait there"))
}

/// Sends the one probe message; returns SQS's message id.
pub(crate) async fn send(ctx: &Ctx, queue: &QueueFacts, body: &str, probe_id: &str) -> Result<String, Error> {
    let attribute = MessageAttributeValue::builder()
        .data_type("String")
        .string_value(probe_id)
        .build()
        .map_err(|e| Error::Aws(AwsError::unexpected("sqs:SendMessage", &queue.url, e)))?;
    let mut request = ctx
        .clients
        .sqs
        .send_message()
        .queue_url(queue.url.as_str())
        .message_body(body)
        .message_attributes(PROBE_ATTRIBUTE, attribute);
    if queue.fifo {
        request = request.message_group_id(PROBE_GROUP).message_deduplication_id(probe_id);
    }
    let sent = ctx.journal.in_flight_while("sent", format!("a probe message to {}", queue.url), request.send());
    let out = sent.await.aws("sqs:SendMessage", &queue.url)?;
    Ok(out.message_id().unwrap_or("(no message id)").to_owned())
}
