//! What the logs say, what the verdict means, and why a trigger did not run.

use super::*;
use crate::logwatch::VerdictBasis;

/// The spinner's text: what the probe is waiting for.
pub(crate) fn waiting_for(seen: &Classification, group_missing: bool, group: &str, function: &str) -> String {
    if group_missing {
        format!("waiting for log group {group} (nothing logged yet)")
    } else if seen.marker_seen {
        "probe id found; waiting for the REPORT line".to_owned()
    } else if seen.after_send > 0 {
        format!("{function} ran {}× since the send; looking for the probe id", seen.after_send)
    } else {
        format!("waiting for {function}'s logs")
    }
}

/// Copies the classification into the report.
pub(crate) fn apply(report: &mut ProbeReport, seen: &Classification, sent_ms: i64) {
    report.verdict = seen.verdict;
    report.marker_seen = seen.marker_seen;
    report.verdict_basis = seen.basis;
    let Some(invocation) = &seen.invocation else { return };
    report.request_id = invocation.request_id.clone();
    if let Some(fields) = &invocation.report {
        report.duration_ms = fields.duration_ms;
        report.billed_duration_ms = fields.billed_duration_ms;
        report.memory_size_mb = fields.memory_size_mb;
        report.max_memory_used_mb = fields.max_memory_used_mb;
        report.init_duration_ms = fields.init_duration_ms;
    }
    let at = invocation.marker_ms.unwrap_or_else(|| invocation.begin_ms());
    report.latency_ms = Some((at - sent_ms).max(0) as u64);
    if seen.verdict == ProbeVerdict::InvokedWithError {
        report.error = invocation.error.clone();
    }
}

/// The notes that say what a verdict means and what happens next.
pub(crate) fn explain(
    report: &mut ProbeReport,
    seen: &Classification,
    queue: &QueueFacts,
    function: &FunctionFacts,
    group_missing: bool,
) {
    let name = function.arn.name();
    if seen.basis == VerdictBasis::FunctionOutput {
        let rests_on = if seen.marker_seen {
            "the probe id in the function's own log output"
        } else {
            "the function's own log lines after the send"
        };
        report.notes.push(if !function.logging.platform_lines() {
            format!(
                "{name} logs in JSON format with SystemLogLevel {}, which hides Lambda's START/END/REPORT lines: the \
                 verdict rests on {rests_on} only, so a failure that only Lambda reports (a timeout, a crash \
                 before the handler logs) is not seen, and duration and memory are unknown",
                function.logging.system_log_level.as_deref().unwrap_or("WARN")
            )
        } else {
            format!(
                "no REPORT line of the invocation arrived (waited {} after the probe id): the verdict rests on \
                 {rests_on} only, so duration and memory are unknown and a failure that only Lambda reports \
                 (a timeout) is not seen",
                HumanDuration(REPORT_GRACE)
            )
        });
    }
    match seen.verdict {
        ProbeVerdict::Invoked => {
            // What to do next depends on the flags this run was given.
            let next = if report.require_marker {
                "have the function log its event (or the body): --require-marker fails the probe until it does"
            } else {
                "have the function log its event (or the body), or pass --require-marker to demand it"
            };
            report.notes.push(format!(
                "{name} ran {} time(s) after the send, but no log line held the probe id, so the run cannot be \
                 tied to the probe message for sure: {next}",
                seen.after_send
            ));
            if seen.errored_after_send > 0 {
                report
                    .notes
                    .push(format!("{} of those {} invocations failed", seen.errored_after_send, seen.after_send));
            }
        }
        ProbeVerdict::InvokedWithError => {
            if !seen.marker_seen {
                report.notes.push(format!(
                    "the probe id never showed up in the logs; the failure is tied to the probe by time only \
                     ({} invocation(s) since the send, all failed)",
                    seen.after_send
                ));
            }
            if report.error.as_deref().is_some_and(|e| e.contains("timed out")) {
                report.notes.push(format!(
                    "{name} ran out of time (its timeout is {}s): raise the timeout or make it faster",
                    function.timeout_secs
                ));
            }
            report.notes.push(match &queue.redrive {
                Some(redrive) => format!(
                    "the message goes back on the queue when its visibility timeout ({}s) runs out and Lambda \
                     retries it; after {} receive(s) (maxReceiveCount) SQS moves it to the dead-letter queue {}",
                    queue.visibility_timeout_secs,
                    redrive.max_receive_count,
                    redrive.dead_letter_target_arn.name()
                ),
                None => format!(
                    "the message goes back on the queue when its visibility timeout ({}s) runs out and Lambda \
                     retries it; {} has no dead-letter queue, so it is retried until it expires \
                     (MessageRetentionPeriod), then lost",
                    queue.visibility_timeout_secs, queue.name
                ),
            });
        }
        ProbeVerdict::NotInvoked if group_missing => report.notes.push(format!(
            "the log group {} does not exist: {name} has never written a log line. If it did run, its execution \
             role lacks logs:CreateLogGroup, logs:CreateLogStream or logs:PutLogEvents (sqs-trigger role check)",
            report.log_group
        )),
        ProbeVerdict::NotInvoked if !function.logging.platform_lines() => report.notes.push(format!(
            "{name} logs in JSON format with SystemLogLevel {}: Lambda writes no START/END/REPORT line, so a run \
             that logs nothing of its own (at or above its ApplicationLogLevel) leaves no trace in {}",
            function.logging.system_log_level.as_deref().unwrap_or("WARN"),
            report.log_group
        )),
        _ => {}
    }
}

/// What `gather_pair` reads again of what the probe already read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reread {
    /// The queue too (its depth now, its mappings' state now).
    Queue,
    /// Only what the probe did not read: DLQ, key, role and policies.
    Nothing,
}

/// Every fact of the trigger (the DLQ and key, the mappings and the execution role with its
/// policies) through the same gatherer as `doctor`; the queue itself again with
/// `Reread::Queue`. Returns the facts and, when not everything could be read, a note saying so.
pub(crate) async fn gather_pair(
    ctx: &Ctx,
    queue: &QueueFacts,
    function: &FunctionFacts,
    mappings: Option<Vec<MappingFacts>>,
    caller: Result<CallerFacts, AwsError>,
    reread: Reread,
) -> (TriggerFacts, Option<String>) {
    let clients = &ctx.clients;
    let known = crate::gather::trigger::Known {
        function: Some(function.clone()),
        queue: (reread == Reread::Nothing).then(|| queue.clone()),
        mappings,
        caller: Some(caller),
        ..Default::default()
    };
    match crate::gather::trigger::gather(clients, Some(&QueueRef::Url(queue.url.clone())), None, known).await {
        Ok(mut facts) => {
            facts.queue.get_or_insert_with(|| queue.clone());
            (facts, None)
        }
        Err(err) => (
            TriggerFacts::of_pair(&clients.region, queue, function),
            Some(format!("the checks could not read everything: {err}")),
        ),
    }
}

/// The function ran; is the trigger sound? A run is not a working trigger when an error-level
/// finding says otherwise: a role without sqs:DeleteMessage runs the function, but the
/// message comes back after its visibility timeout and runs again. Then the verdict is
/// `invoked` (not `confirmed`) and the findings are shown.
pub(crate) fn confirm_with_checks(report: &mut ProbeReport, queue: &QueueFacts, facts: &TriggerFacts) {
    let findings = checks::run_all(facts);
    let errors = findings.iter().filter(|f| f.is_error()).count();
    if errors == 0 {
        return;
    }
    report.verdict = ProbeVerdict::Invoked;
    report.notes.push(format!(
        "not confirmed: the function ran, but {errors} error-level finding(s) below say the trigger is broken"
    ));
    let cannot_delete = |f: &Finding| {
        f.code == FindingCode::RoleMissingPermission
            && f.permission.as_ref().is_some_and(|p| p.action == crate::model::access::DELETE_MESSAGE)
    };
    if findings.iter().any(cannot_delete) {
        report.notes.push(format!(
            "without sqs:DeleteMessage the poller cannot delete the message after the run: it comes back when its \
             visibility timeout ({}s) ends and the function runs again",
            queue.visibility_timeout_secs
        ));
    }
    report.findings.extend(findings);
}

/// Why was the function not invoked? Reads every fact of the trigger again (the mappings may
/// now report a problem) and runs every check.
pub(crate) async fn diagnose(
    ctx: &Ctx,
    report: &mut ProbeReport,
    queue: &QueueFacts,
    function: &FunctionFacts,
    caller: Result<CallerFacts, AwsError>,
) {
    let (facts, note) = gather_pair(ctx, queue, function, None, caller, Reread::Queue).await;
    report.notes.extend(note);
    let depth = facts.queue.as_ref().map(|q| q.depth).unwrap_or(queue.depth);
    report.notes.push(if depth.total() == 0 {
        "the queue is empty: the probe message was received and deleted without a logged invocation (another \
         consumer of the queue, or a mapping filter that matched nothing)"
            .to_owned()
    } else if depth.in_flight > 0 {
        format!(
            "{} message(s) in flight: something received them (the Lambda poller, or another consumer); if the \
             function ran, its logs may be late — try a longer --timeout",
            depth.in_flight
        )
    } else {
        format!(
            "{} message(s) visible on the queue and none in flight: the probe message is most likely still \
             waiting for a poller",
            depth.visible + depth.delayed
        )
    });
    if report.timeout < Duration::from_secs(60) {
        report.notes.push(format!(
            "--timeout {} is short: on AWS the poller and log delivery can take tens of seconds (the default is 2m)",
            HumanDuration(report.timeout)
        ));
    }
    let findings = checks::run_all(&facts);
    if let Some(note) = logs_note(&findings, &function.log_group) {
        report.notes.push(note);
    }
    report.findings.extend(findings);
}

/// What the verdict rests on when the role may not write the function's logs: the function may
/// well have run, but the probe reads only its logs.
pub(crate) fn logs_note(findings: &[Finding], group: &str) -> Option<String> {
    let mut actions: Vec<&str> = findings
        .iter()
        .filter_map(|f| f.permission.as_ref())
        .filter(|p| p.is_logs())
        .map(|p| p.action.as_str())
        .collect();
    actions.dedup();
    (!actions.is_empty()).then(|| {
        format!(
            "the execution role may not {} on {group}: the function may have run without writing a log line, and \
             the probe can only see a run in its logs",
            actions.join(", ")
        )
    })
}
