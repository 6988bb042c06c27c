//! What CloudWatch says happened in the window (`doctor --metrics`): is the queue polled, is
//! its backlog growing, are invocations throttled or failing, are messages reaching the DLQ,
//! are events filtered out. Pure rules over `MetricsFacts`; nothing here sends anything.
//!
//! A metric AWS did not publish is never read as zero: SQS publishes only for an active
//! queue ("CloudWatch considers a queue to be active for up to six hours if it contains any
//! messages or if any action accesses it"), Lambda publishes `Invocations`/`Errors`/`Throttles`
//! only when non-zero, and mapping metrics only with `MetricsConfig`.

use crate::model::metrics::{MetricKind, MetricsFacts, Polled, Series};
use crate::model::{Finding, FindingCode};

/// Whether the queue was polled in the window.
pub fn polled(m: &MetricsFacts) -> Polled {
    let receives =
        [MetricKind::EmptyReceives, MetricKind::MessagesReceived].into_iter().filter_map(|k| m.total(k)).sum::<f64>();
    // An empty poll still emits PolledEventCount 0: any datapoint means the mapping polled.
    let mapping_polled = m.of(MetricKind::PolledEvents).any(Series::published);
    if receives > 0.0 || mapping_polled {
        return Polled::Yes;
    }
    match published_for(m) {
        Some(secs) if secs >= MIN_SPAN_SECS => Polled::No,
        _ => Polled::Unknown,
    }
}

/// How long before the window's end SQS published the queue's first datapoint in it.
fn published_for(m: &MetricsFacts) -> Option<i64> {
    let first = MetricKind::QUEUE.iter().flat_map(|k| m.of(*k)).filter_map(Series::first).map(|d| d.t).min()?;
    Some(m.end - first)
}

/// Lambda long-polls (20 s) and SQS publishes per minute: a queue whose metrics cover less
/// than this says nothing yet about polling (a trigger created a moment ago).
const MIN_SPAN_SECS: i64 = 5 * 60;

/// Runs every metrics rule.
pub fn check(m: &MetricsFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(not_polled(m));
    findings.extend(backlog(m));
    findings.extend(throttled(m));
    findings.extend(failing(m));
    findings.extend(to_dlq(m));
    findings.extend(filtered_out(m));
    findings
}

fn count(n: f64) -> String {
    format!("{}", n.round() as i64)
}

fn not_polled(m: &MetricsFacts) -> Option<Finding> {
    if m.mappings == 0 {
        // mapping-missing says it: nothing polls the queue for this function.
        return None;
    }
    let window = &m.window;
    match polled(m) {
        Polled::Yes => None,
        Polled::No => {
            let why = if m.mapping_enabled {
                "its mapping is enabled, so the poller cannot receive: see the other findings (role, key, function)"
            } else {
                "its mapping is disabled"
            };
            Some(
                Finding::error(
                    FindingCode::QueueNotPolled,
                    &m.queue,
                    format!(
                        "SQS reports no ReceiveMessage on {} in the last {window} (NumberOfEmptyReceives and \
                         NumberOfMessagesReceived are 0): Lambda is not polling it; {why}",
                        m.queue
                    ),
                )
                .fix("fix the error findings above, then run `sqs-trigger doctor --metrics` again after a few minutes"),
            )
        }
        Polled::Unknown if published_for(m).is_some() => Some(
            Finding::warning(
                FindingCode::CheckSkipped,
                &m.queue,
                format!(
                    "SQS published metrics for {} only in the last {}s of the window, too short to tell whether \
                     Lambda polls it (Lambda long-polls for up to 20 s; SQS publishes each minute)",
                    m.queue,
                    published_for(m).unwrap_or(0)
                ),
            )
            .fix("run `sqs-trigger doctor --metrics` again in a few minutes"),
        ),
        Polled::Unknown => Some(
            Finding::warning(
                FindingCode::CheckSkipped,
                &m.queue,
                format!(
                    "AWS published no AWS/SQS metric for {} in the last {window}: whether Lambda polls it is unknown \
                     (SQS publishes only for an active queue, stops about 6 hours after the last activity, and \
                     resumes up to 15 minutes after the queue is used again)",
                    m.queue
                ),
            )
            .fix("look again later, or check by sending one message: `sqs-trigger probe`"),
        ),
    }
}

/// The oldest message's age rose steadily across the window: messages wait longer and longer.
fn backlog(m: &MetricsFacts) -> Option<Finding> {
    let series = m.one(MetricKind::OldestMessageAge)?;
    let points = &series.datapoints;
    if points.len() < 3 {
        return None;
    }
    let (first, last) = (points[0], points[points.len() - 1]);
    let steady = points.windows(2).all(|w| w[1].v >= w[0].v);
    // Unprocessed messages age at one second per second; half of that is "rising".
    let rising = last.v - first.v >= 0.5 * (last.t - first.t) as f64;
    if !(steady && rising && last.v >= 60.0) {
        return None;
    }
    Some(
        Finding::warning(
            FindingCode::BacklogGrowing,
            &m.queue,
            format!(
                "the oldest message in {} aged from {} to {} over the last {}: messages are not processed as fast \
                 as they arrive",
                m.queue,
                age(first.v),
                age(last.v),
                m.window
            ),
        )
        .fix(
            "check the other findings; if the function keeps up but slowly, raise the mapping's --max-concurrency \
              or the function's reserved concurrency",
        ),
    )
}

fn throttled(m: &MetricsFacts) -> Option<Finding> {
    let throttles = m.total(MetricKind::Throttles).filter(|n| *n > 0.0)?;
    let invocations = m.total(MetricKind::Invocations).unwrap_or(0.0);
    let function = m.function.as_deref().unwrap_or("the function");
    let finding = if invocations == 0.0 {
        Finding::error(
            FindingCode::InvocationsThrottled,
            function,
            format!(
                "every invocation of {function} in the last {} was throttled ({} throttle(s), no invocation): \
                 messages return to the queue and count toward maxReceiveCount",
                m.window,
                count(throttles)
            ),
        )
    } else {
        Finding::warning(
            FindingCode::InvocationsThrottled,
            function,
            format!(
                "{} invocation attempt(s) of {function} were throttled in the last {} (beside {} invocation(s))",
                count(throttles),
                m.window,
                count(invocations)
            ),
        )
    };
    Some(finding.fix(format!(
        "raise or remove the reserved concurrency: `aws lambda delete-function-concurrency --function-name \
         {function}`, or cap the mapping below it with --max-concurrency"
    )))
}

fn failing(m: &MetricsFacts) -> Option<Finding> {
    let errors = m.total(MetricKind::Errors).filter(|n| *n > 0.0)?;
    let invocations = m.total(MetricKind::Invocations).unwrap_or(0.0);
    let function = m.function.as_deref().unwrap_or("the function");
    let finding = if errors >= invocations {
        Finding::error(
            FindingCode::InvocationsFailing,
            function,
            format!(
                "every invocation of {function} in the last {} failed ({} error(s)): its messages go back to the \
                 queue and, after maxReceiveCount receives, to the DLQ",
                m.window,
                count(errors)
            ),
        )
    } else {
        let share = 100.0 * errors / invocations;
        Finding::warning(
            FindingCode::InvocationsFailing,
            function,
            format!(
                "{} of {} invocation(s) of {function} failed in the last {} ({share:.0}%)",
                count(errors),
                count(invocations),
                m.window
            ),
        )
    };
    Some(finding.fix(format!("read the errors: `sqs-trigger logs --function {function} --since {}`", m.window)))
}

fn to_dlq(m: &MetricsFacts) -> Option<Finding> {
    let dlq = m.dlq.as_deref()?;
    let series = m.one(MetricKind::DlqMessagesVisible)?;
    let (first, last) = (series.first()?, series.last()?);
    // The lowest depth before the last datapoint: the DLQ grew from there.
    let low = series.datapoints.iter().map(|d| d.v).fold(first.v, f64::min);
    if last.v <= low {
        return None;
    }
    Some(
        Finding::warning(
            FindingCode::MessagesToDlq,
            dlq,
            format!(
                "the dead-letter queue {dlq} grew from {} to {} message(s) in the last {}: messages of {} failed \
                 maxReceiveCount times",
                count(low),
                count(last.v),
                m.window,
                m.queue
            ),
        )
        .fix(format!("fix the cause, then move them back: `sqs-trigger redrive --queue {}`", m.queue)),
    )
}

fn filtered_out(m: &MetricsFacts) -> Option<Finding> {
    let filtered = m.total(MetricKind::FilteredOutEvents).filter(|n| *n > 0.0)?;
    let polled = m.total(MetricKind::PolledEvents).unwrap_or(0.0);
    let message = format!(
        "the mapping's filters dropped {} of {} polled message(s) of {} in the last {}: Lambda deletes a message \
         that no filter matches",
        count(filtered),
        count(polled),
        m.queue,
        m.window
    );
    let finding = if polled > 0.0 && filtered >= polled {
        Finding::warning(FindingCode::EventsFilteredOut, &m.queue, format!("{message} (all of them)"))
    } else {
        Finding::info(FindingCode::EventsFilteredOut, &m.queue, message)
    };
    Some(finding.fix(format!("check the filters: `sqs-trigger mapping list --queue {}` shows them", m.queue)))
}

/// An age in seconds, as people read it: `45s`, `14m`, `3h`.
pub fn age(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s < 120 {
        format!("{s}s")
    } else if s < 2 * 3600 {
        format!("{}m", s / 60)
    } else if s < 2 * 86400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use crate::model::metrics::Datapoint;

    fn series(metric: MetricKind, points: &[(i64, f64)]) -> Series {
        Series::new(metric, vec![], points.iter().map(|&(t, v)| Datapoint { t, v }).collect())
    }

    fn facts(series: Vec<Series>) -> MetricsFacts {
        MetricsFacts {
            start: 0,
            end: 900,
            period_secs: 60,
            window: "15m".into(),
            queue: "orders".into(),
            dlq: Some("orders-dlq".into()),
            function: Some("worker".into()),
            mappings: 1,
            mapping_enabled: true,
            series,
        }
    }

    fn codes(findings: &[Finding]) -> Vec<(FindingCode, Severity)> {
        findings.iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn a_polled_healthy_trigger_has_no_finding() {
        let m = facts(vec![
            series(MetricKind::EmptyReceives, &[(0, 3.0), (60, 3.0)]),
            series(MetricKind::OldestMessageAge, &[(0, 0.0), (60, 1.0), (120, 0.0)]),
            series(MetricKind::Invocations, &[(60, 2.0)]),
            series(MetricKind::DlqMessagesVisible, &[(0, 0.0), (60, 0.0)]),
        ]);
        assert_eq!(polled(&m), Polled::Yes);
        assert!(check(&m).is_empty(), "{:?}", check(&m));
    }

    #[test]
    fn published_queue_metrics_without_receives_mean_not_polled() {
        let m = facts(vec![
            series(MetricKind::EmptyReceives, &[(0, 0.0), (60, 0.0)]),
            series(MetricKind::MessagesVisible, &[(0, 4.0)]),
        ]);
        assert_eq!(polled(&m), Polled::No);
        assert_eq!(codes(&check(&m)), [(FindingCode::QueueNotPolled, Severity::Error)]);
        let disabled = MetricsFacts { mapping_enabled: false, ..m.clone() };
        assert!(check(&disabled)[0].message.contains("disabled"));
        // No mapping at all: mapping-missing says it already.
        assert!(check(&MetricsFacts { mappings: 0, ..m }).is_empty());
    }

    #[test]
    fn a_queue_published_for_a_moment_is_unknown() {
        let m = facts(vec![series(MetricKind::EmptyReceives, &[(840, 0.0)])]);
        assert_eq!(polled(&m), Polled::Unknown);
        let findings = check(&m);
        assert_eq!(codes(&findings), [(FindingCode::CheckSkipped, Severity::Warning)]);
        assert!(findings[0].message.contains("too short"), "{}", findings[0].message);
    }

    #[test]
    fn nothing_published_is_unknown_not_healthy() {
        let m = facts(vec![series(MetricKind::EmptyReceives, &[]), series(MetricKind::Invocations, &[])]);
        assert_eq!(polled(&m), Polled::Unknown);
        let findings = check(&m);
        assert_eq!(codes(&findings), [(FindingCode::CheckSkipped, Severity::Warning)]);
        assert!(findings[0].message.contains("unknown"));
    }

    #[test]
    fn mapping_polled_events_count_as_polling() {
        let m =
            facts(vec![series(MetricKind::EmptyReceives, &[(0, 0.0)]), series(MetricKind::PolledEvents, &[(0, 0.0)])]);
        assert_eq!(polled(&m), Polled::Yes);
    }

    #[test]
    fn a_steadily_ageing_oldest_message_is_a_growing_backlog() {
        let rising: Vec<(i64, f64)> = (0..8).map(|i| (i * 60, 30.0 + i as f64 * 60.0)).collect();
        let m =
            facts(vec![series(MetricKind::EmptyReceives, &[(0, 1.0)]), series(MetricKind::OldestMessageAge, &rising)]);
        let findings = check(&m);
        assert_eq!(codes(&findings), [(FindingCode::BacklogGrowing, Severity::Warning)]);
        assert!(findings[0].message.contains("from 30s to 7m"), "{}", findings[0].message);
        // Ups and downs are a queue being worked.
        let busy = [(0, 100.0), (60, 160.0), (120, 20.0), (180, 90.0)];
        let m =
            facts(vec![series(MetricKind::EmptyReceives, &[(0, 1.0)]), series(MetricKind::OldestMessageAge, &busy)]);
        assert!(check(&m).is_empty());
        // Two points say nothing about a trend.
        let m = facts(vec![
            series(MetricKind::EmptyReceives, &[(0, 1.0)]),
            series(MetricKind::OldestMessageAge, &[(0, 10.0), (600, 700.0)]),
        ]);
        assert!(check(&m).is_empty());
    }

    #[test]
    fn throttles_and_errors_by_share() {
        let polled = series(MetricKind::MessagesReceived, &[(0, 5.0)]);
        let all = facts(vec![polled.clone(), series(MetricKind::Throttles, &[(0, 4.0)])]);
        assert_eq!(codes(&check(&all)), [(FindingCode::InvocationsThrottled, Severity::Error)]);
        let some = facts(vec![
            polled.clone(),
            series(MetricKind::Throttles, &[(0, 1.0)]),
            series(MetricKind::Invocations, &[(0, 9.0)]),
        ]);
        assert_eq!(codes(&check(&some)), [(FindingCode::InvocationsThrottled, Severity::Warning)]);
        let failing = facts(vec![
            polled.clone(),
            series(MetricKind::Invocations, &[(0, 3.0)]),
            series(MetricKind::Errors, &[(0, 3.0)]),
        ]);
        assert_eq!(codes(&check(&failing)), [(FindingCode::InvocationsFailing, Severity::Error)]);
        let flaky =
            facts(vec![polled, series(MetricKind::Invocations, &[(0, 4.0)]), series(MetricKind::Errors, &[(0, 1.0)])]);
        let findings = check(&flaky);
        assert_eq!(codes(&findings), [(FindingCode::InvocationsFailing, Severity::Warning)]);
        assert!(findings[0].message.contains("(25%)"));
    }

    #[test]
    fn a_growing_dlq_is_reported_with_the_redrive_command() {
        let polled = series(MetricKind::MessagesReceived, &[(0, 5.0)]);
        let m = facts(vec![polled.clone(), series(MetricKind::DlqMessagesVisible, &[(0, 0.0), (60, 2.0), (120, 3.0)])]);
        let findings = check(&m);
        assert_eq!(codes(&findings), [(FindingCode::MessagesToDlq, Severity::Warning)]);
        assert!(findings[0].remediation.as_deref().unwrap().contains("redrive --queue orders"));
        // A DLQ that holds old messages but did not grow is not news.
        let m = facts(vec![polled.clone(), series(MetricKind::DlqMessagesVisible, &[(0, 7.0), (60, 7.0)])]);
        assert!(check(&m).is_empty());
        let m = facts(vec![polled, series(MetricKind::DlqMessagesVisible, &[(0, 7.0), (60, 3.0)])]);
        assert!(check(&m).is_empty());
    }

    #[test]
    fn filtered_out_events_come_from_the_mapping_metrics() {
        let m = facts(vec![
            series(MetricKind::PolledEvents, &[(0, 10.0)]),
            series(MetricKind::FilteredOutEvents, &[(0, 4.0)]),
        ]);
        assert_eq!(codes(&check(&m)), [(FindingCode::EventsFilteredOut, Severity::Info)]);
        let all = facts(vec![
            series(MetricKind::PolledEvents, &[(0, 4.0)]),
            series(MetricKind::FilteredOutEvents, &[(0, 4.0)]),
        ]);
        assert_eq!(codes(&check(&all)), [(FindingCode::EventsFilteredOut, Severity::Warning)]);
    }

    #[test]
    fn ages_read_as_people_say_them() {
        assert_eq!(age(45.0), "45s");
        assert_eq!(age(840.0), "14m");
        assert_eq!(age(3.0 * 3600.0), "3h");
    }
}
