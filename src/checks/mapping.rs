//! Mapping checks: the settings asked for (batch size, window, concurrency, filters) against
//! the limits Lambda enforces, and the state of the mappings that exist.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use super::TriggerFacts;
use crate::model::facts::{MappingFacts, MappingRequest, MappingState, QueueFacts};
use crate::model::{Finding, FindingCode, FunctionArn, QueueArn, Severity};

/// Lambda's default batch size for SQS.
pub const DEFAULT_BATCH_SIZE: i32 = 10;
/// Standard queues: 1-10000 records per batch.
pub const STANDARD_BATCH_SIZE: RangeInclusive<i32> = 1..=10_000;
/// FIFO queues: 1-10 records per batch.
pub const FIFO_BATCH_SIZE: RangeInclusive<i32> = 1..=10;
/// Above this batch size Lambda requires a batching window of at least 1 s.
pub const BATCH_SIZE_WITHOUT_WINDOW: i32 = 10;
/// MaximumBatchingWindowInSeconds: 0-300.
pub const BATCH_WINDOW_SECS: RangeInclusive<i32> = 0..=300;
/// ScalingConfig.MaximumConcurrency: 2-1000.
pub const MAX_CONCURRENCY: RangeInclusive<i32> = 2..=1000;

pub fn check(facts: &TriggerFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let (Some(request), Some(queue)) = (&facts.request, &facts.queue) {
        findings.extend(request_rules(queue, request));
    }
    if let Some(Ok(mappings)) = &facts.mappings {
        let queue = facts.queue.as_ref().map(|q| &q.arn);
        let function = facts.function.as_ref().map(|f| &f.arn);
        findings.extend(existing(mappings, facts.request.is_some(), queue, function));
    }
    findings.extend(super::mapping_features::check(facts));
    if let (Some(Ok(others)), Some(queue)) = (&facts.other_mappings, &facts.queue) {
        findings.extend(other_consumers_note(&queue.arn, facts.function.as_ref().map(|f| &f.arn), others));
    }
    findings
}

/// `filter-never-matches`: patterns no SQS message can match. When every pattern of the
/// mapping is one, Lambda deletes every message without invoking the function (error);
/// otherwise the pattern is dead weight (warning).
pub fn never_matching_filters(resource: &str, what: &str, filters: &[String]) -> Vec<Finding> {
    let dead: Vec<(&String, String)> =
        filters.iter().filter_map(|p| super::filter::never_matches(p).map(|why| (p, why))).collect();
    let every = !dead.is_empty() && dead.len() == filters.len();
    dead.into_iter()
        .map(|(pattern, why)| {
            let (severity, consequence) = if every {
                (
                    Severity::Error,
                    "no pattern of it can match, so Lambda DELETES every message without invoking the function",
                )
            } else {
                (Severity::Warning, "this pattern can never match; only the others let messages through")
            };
            Finding::new(
                FindingCode::FilterNeverMatches,
                severity,
                resource.to_owned(),
                format!("{what} has the filter {pattern}: {why}; {consequence}"),
            )
            .fix(
                "filter on the message body only, e.g. {\"body\":{\"kind\":[\"order\"]}} (for a plain-text body: \
                 {\"body\":[{\"prefix\":\"...\"}]}); replace the filters with --filter, or drop them with \
                 --clear-filters",
            )
        })
        .collect()
}

/// `queue-other-consumers` (info): other functions' enabled mappings read the same queue, so
/// each message goes to one of them: this function sees only part of the traffic.
pub fn other_consumers_note(
    queue: &QueueArn,
    function: Option<&FunctionArn>,
    others: &[MappingFacts],
) -> Option<Finding> {
    let mut names: Vec<String> =
        others.iter().filter(|m| m.is_enabled()).map(|m| consumer_name(&m.function_arn)).collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return None;
    }
    let this = function.map(consumer_name).unwrap_or_else(|| "this function".to_owned());
    let (verb, count) = if names.len() == 1 {
        ("reads", "1 other function".to_owned())
    } else {
        ("read", format!("{} other functions", names.len()))
    };
    Some(
        Finding::info(
            FindingCode::QueueOtherConsumers,
            queue.to_string(),
            format!(
                "{count} also {verb} this queue through enabled mappings ({}): each message goes to one consumer, \
                 so {this} gets only part of the messages, and a probe message may be taken by another",
                names.join(", ")
            ),
        )
        .fix("if they should not compete for the same messages, give each function its own queue (fan out with SNS or EventBridge)"),
    )
}

/// A function as the consumer list names it: its name, with the qualifier when it has one.
pub fn consumer_name(f: &FunctionArn) -> String {
    match f.qualifier() {
        Some(q) => format!("{}:{q}", f.name()),
        None => f.name().to_string(),
    }
}

/// The limits Lambda applies to `CreateEventSourceMapping`/`UpdateEventSourceMapping` for SQS,
/// checked before the call so the user gets every problem at once, with the fix.
pub fn request_rules(queue: &QueueFacts, request: &MappingRequest) -> Vec<Finding> {
    let resource = queue.arn.to_string();
    let mut findings = Vec::new();
    let batch = request.batch_size.unwrap_or(DEFAULT_BATCH_SIZE);
    let window = request.batch_window_secs.unwrap_or(0);
    let (kind, batch_range) = if queue.fifo { ("FIFO", FIFO_BATCH_SIZE) } else { ("standard", STANDARD_BATCH_SIZE) };
    if !batch_range.contains(&batch) {
        findings.push(
            Finding::error(
                FindingCode::BatchSizeOutOfRange,
                resource.clone(),
                format!(
                    "batch size {batch} is out of range: a {kind} queue takes {}-{} records per batch",
                    batch_range.start(),
                    batch_range.end()
                ),
            )
            .fix(format!("pass --batch-size between {} and {}", batch_range.start(), batch_range.end())),
        );
    }
    if queue.fifo && window > 0 {
        findings.push(
            Finding::error(
                FindingCode::BatchWindowOutOfRange,
                resource.clone(),
                format!("a batching window ({window}s) is not supported for FIFO queues"),
            )
            .fix("drop --batch-window"),
        );
    } else if !BATCH_WINDOW_SECS.contains(&window) {
        findings.push(
            Finding::error(
                FindingCode::BatchWindowOutOfRange,
                resource.clone(),
                format!(
                    "batching window {window}s is out of range: Lambda waits {}-{} seconds at most",
                    BATCH_WINDOW_SECS.start(),
                    BATCH_WINDOW_SECS.end()
                ),
            )
            .fix("pass --batch-window between 0s and 5m"),
        );
    }
    if !queue.fifo && batch > BATCH_SIZE_WITHOUT_WINDOW && batch_range.contains(&batch) && window < 1 {
        findings.push(
            Finding::error(
                FindingCode::BatchWindowRequired,
                resource.clone(),
                format!(
                    "batch size {batch} needs a batching window: above {BATCH_SIZE_WITHOUT_WINDOW} records Lambda \
                     requires MaximumBatchingWindowInSeconds of at least 1 s"
                ),
            )
            .fix("add --batch-window 1s or more (e.g. --batch-window 5s)"),
        );
    }
    if let Some(n) = request.max_concurrency
        && !MAX_CONCURRENCY.contains(&n)
    {
        findings.push(
            Finding::error(
                FindingCode::MaxConcurrencyOutOfRange,
                resource.clone(),
                format!(
                    "maximum concurrency {n} is out of range: Lambda accepts {}-{} concurrent invocations per \
                     SQS mapping",
                    MAX_CONCURRENCY.start(),
                    MAX_CONCURRENCY.end()
                ),
            )
            .fix(format!(
                "pass --max-concurrency between {} and {} (or leave it out: no limit but the function's)",
                MAX_CONCURRENCY.start(),
                MAX_CONCURRENCY.end()
            )),
        );
    }
    findings.extend(never_matching_filters(&resource, "the mapping asked for", &request.filters));
    if !request.filters.is_empty() {
        let n = request.filters.len();
        findings.push(
            Finding::info(
                FindingCode::FilterDeletesUnmatched,
                resource,
                format!(
                    "{} filter pattern{}: Lambda DELETES every message that matches no pattern, without invoking \
                     the function",
                    n,
                    if n == 1 { "" } else { "s" }
                ),
            )
            .fix("make sure other consumers do not need those messages, or drop --filter"),
        );
    }
    findings
}

/// `mapping-missing`, as every command says it: for the pair when both are known, for a queue
/// nothing polls, or for a function no queue triggers. The fix names what is known exactly
/// and leaves the rest for the user to fill in.
pub fn missing(queue: Option<&QueueArn>, function: Option<&FunctionArn>) -> Finding {
    let (resource, message, fix) = match (queue, function) {
        (Some(q), Some(f)) => (
            q.to_string(),
            format!(
                "no event source mapping connects {} to {}: Lambda does not poll the queue for this function",
                q.name(),
                f.name()
            ),
            format!("sqs-trigger mapping create --function {f} --queue {q}"),
        ),
        (Some(q), None) => (
            q.to_string(),
            format!("no Lambda function is mapped to {}: nothing polls it, messages wait until they expire", q.name()),
            format!("sqs-trigger mapping create --function FUNCTION --queue {q}"),
        ),
        (None, Some(f)) => (
            f.to_string(),
            format!("{} has no SQS event source mapping: no queue triggers it", f.name()),
            format!("sqs-trigger mapping create --function {f} --queue QUEUE"),
        ),
        (None, None) => (
            "the mapping".to_owned(),
            "no event source mapping: Lambda does not poll this queue for this function".to_owned(),
            "sqs-trigger mapping create --function FUNCTION --queue QUEUE".to_owned(),
        ),
    };
    Finding::error(FindingCode::MappingMissing, resource, message).fix(fix)
}

/// `mapping-disabled` for one mapping; its fix changes only `Enabled` (every other setting of
/// the mapping is kept).
pub fn disabled(m: &MappingFacts) -> Finding {
    Finding::error(
        FindingCode::MappingDisabled,
        m.queue_arn.to_string(),
        format!(
            "mapping {} to {} is {}: Lambda does not poll the queue{}",
            m.uuid,
            m.function_arn.name(),
            m.state,
            m.state_transition_reason.as_deref().map(|r| format!(" (reason: {r})")).unwrap_or_default()
        ),
    )
    .fix(format!("sqs-trigger mapping create --function {} --queue {} --enable", m.function_arn, m.queue_arn))
}

/// `probe-other-consumers`: other enabled mappings read the queue, so a probe message could
/// be taken (and deleted) by another function.
pub fn other_consumers(queue: &QueueArn, others: &[String]) -> Finding {
    let (verb, pronoun) = if others.len() == 1 { ("reads", "it") } else { ("read", "they") };
    Finding::error(
        FindingCode::ProbeOtherConsumers,
        queue.to_string(),
        format!(
            "{} also {verb} this queue: {pronoun} could take the probe message (and delete it), so nothing was sent",
            others.join(", ")
        ),
    )
    .fix(
        "probe a queue only this function reads, or pass --allow-other-consumers knowing the other consumer will \
         receive the probe message",
    )
}

/// `probe-other-consumers` when the queue's mappings cannot be read: another consumer cannot
/// be ruled out.
pub fn consumers_unknown(queue: &QueueArn, unreadable: &crate::model::facts::Unreadable) -> Finding {
    Finding::error(
        FindingCode::ProbeOtherConsumers,
        queue.to_string(),
        format!(
            "the mappings of the queue could not be read ({}): another consumer could take the probe message, so \
             nothing was sent",
            unreadable.detail
        ),
    )
    .fix(format!("grant the caller `{}`, then probe again", unreadable.permission))
}

/// `mapping-problem` (or `mapping-missing` when it disappeared) for a mapping that did not
/// settle as asked after a create or update.
pub fn not_settled(queue: &str, uuid: &str, state: &str, expected: &str, reasons: &[String], waited: &str) -> Finding {
    let why = if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join("; ")) };
    let (code, message) = if state == "gone" {
        (FindingCode::MappingMissing, format!("mapping {uuid} disappeared while waiting for it to be {expected}"))
    } else if MappingState::parse(state).is_settled() {
        (FindingCode::MappingProblem, format!("mapping {uuid} settled as {state}, not {expected}{why}"))
    } else {
        (
            FindingCode::MappingProblem,
            format!("mapping {uuid} is still {state} after {waited} (expected {expected}){why}"),
        )
    };
    Finding::error(code, queue, message)
        .fix(format!("look at it with `aws lambda get-event-source-mapping --uuid {uuid}` and `sqs-trigger doctor`"))
}

/// The mappings that exist: none (`mapping-missing`, only when not about to create one),
/// more than one for the same pair (`mapping-duplicate`), disabled (`mapping-disabled`, only
/// when not about to update it), or reporting a problem (`mapping-problem`).
pub fn existing(
    mappings: &[MappingFacts],
    creating: bool,
    queue: Option<&QueueArn>,
    function: Option<&FunctionArn>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if mappings.is_empty() && !creating {
        findings.push(missing(queue, function));
    }
    let mut pairs: BTreeMap<(String, String), Vec<&MappingFacts>> = BTreeMap::new();
    for m in mappings {
        pairs.entry((m.queue_arn.to_string(), m.function_arn.to_string())).or_default().push(m);
    }
    for ((queue, function), group) in &pairs {
        if group.len() > 1 {
            let uuids: Vec<&str> = group.iter().map(|m| m.uuid.as_str()).collect();
            findings.push(
                Finding::error(
                    FindingCode::MappingDuplicate,
                    queue.clone(),
                    format!(
                        "{} mappings connect this queue to {function} ({}): each polls on its own, so the settings \
                         that apply to a message depend on which one received it",
                        group.len(),
                        uuids.join(", ")
                    ),
                )
                .fix(format!(
                    "keep one: aws lambda delete-event-source-mapping --uuid {} (for each extra one)",
                    uuids.last().copied().unwrap_or_default()
                )),
            );
        }
    }
    for m in mappings {
        if !creating && m.state.is_disabled() {
            findings.push(disabled(m));
        }
        if !creating && !m.filters.is_empty() {
            findings.push(existing_filters(m));
            let what = format!("mapping {} to {}", m.uuid, m.function_arn.name());
            findings.extend(never_matching_filters(&m.queue_arn.to_string(), &what, &m.filters));
        }
        if let Some(problem) = problem(m) {
            let severity = if creating { Severity::Warning } else { Severity::Error };
            findings.push(
                Finding::new(
                    FindingCode::MappingProblem,
                    severity,
                    m.queue_arn.to_string(),
                    format!("mapping {} to {} reports a problem: {problem}", m.uuid, m.function_arn.name()),
                )
                .fix("fix what it names (often the role's permissions or the KMS key), then check with `sqs-trigger doctor`"),
            );
        }
    }
    findings
}

/// `filter-deletes-unmatched` on an existing mapping: "If an Amazon SQS message doesn't satisfy
/// your filter criteria, Lambda automatically removes the message from the queue"
/// (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html>), so a probe
/// (or any message) no pattern matches disappears without a run. The fix gives a probe body
/// that matches the first pattern, when one can be built from it.
fn existing_filters(m: &MappingFacts) -> Finding {
    let patterns = m.filters.join(" OR ");
    // Advice, not a command to run as printed: a probe sends a message.
    let probe = match m.filters.iter().find_map(|p| sample_body(p)) {
        Some(body) => format!("; to probe this trigger, give the probe a body a pattern matches: --body '{body}'"),
        None => "; to probe this trigger, give the probe a body a pattern matches (--body or --body-file)".to_owned(),
    };
    Finding::info(
        FindingCode::FilterDeletesUnmatched,
        m.queue_arn.to_string(),
        format!(
            "mapping {} to {} filters events ({patterns}): Lambda DELETES every message that matches no pattern, \
             without invoking the function",
            m.uuid,
            m.function_arn.name()
        ),
    )
    .fix(format!("make sure only messages a pattern matches are meant for {}{probe}", m.function_arn.name()))
}

/// A message body that `pattern` (an SQS filter pattern) matches, when the pattern only lists
/// exact values under `body` (e.g. `{"body":{"kind":["order"]}}` gives `{"kind":"order"}`).
pub fn sample_body(pattern: &str) -> Option<String> {
    fn sample(node: &serde_json::Value) -> Option<serde_json::Value> {
        match node {
            serde_json::Value::Object(fields) => fields
                .iter()
                .map(|(k, v)| Some((k.clone(), sample(v)?)))
                .collect::<Option<serde_json::Map<_, _>>>()
                .map(serde_json::Value::Object),
            serde_json::Value::Array(values) => values.iter().find(|v| !v.is_object() && !v.is_array()).cloned(),
            _ => None,
        }
    }
    let doc: serde_json::Value = serde_json::from_str(pattern).ok()?;
    let body = doc.as_object()?.get("body")?;
    if !body.is_object() || doc.as_object()?.len() != 1 {
        return None;
    }
    sample(body).map(|b| b.to_string()).filter(|b| !b.contains('\''))
}

/// The `StateTransitionReason` values that say a user made the last change: "The cause of the
/// last state change, either User initiated or Lambda initiated"
/// ([EventSourceMappingConfiguration](https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html));
/// SQS mappings report `USER_INITIATED`, stream mappings `User action` (AWS-FACTS.md §2).
pub const USER_REASONS: [&str; 3] = ["USER_INITIATED", "User initiated", "User action"];
/// The values that say Lambda made it (it disables a mapping whose source or permissions it lost).
pub const LAMBDA_REASONS: [&str; 2] = ["LAMBDA_INITIATED", "Lambda initiated"];
/// How `LastProcessingResult` reports a failure ("PROBLEM: Function call failed" in AWS's
/// examples; "OK" and "No records processed" are not problems).
pub const PROBLEM_PREFIX: &str = "PROBLEM:";

/// What `LastProcessingResult` or `StateTransitionReason` says is wrong, if anything, quoting
/// AWS's text. Matched on the documented values, never on keywords: a `PROBLEM:` result; a
/// change Lambda made; or a reason that is none of the documented values (Lambda explaining a
/// change it made, e.g. a permission it lost), quoted as it is.
pub fn problem(m: &MappingFacts) -> Option<String> {
    if let Some(result) = m.last_processing_result.as_deref()
        && result.trim_start().starts_with(PROBLEM_PREFIX)
    {
        return Some(format!("LastProcessingResult \"{result}\""));
    }
    let reason = m.state_transition_reason.as_deref()?.trim();
    if reason.is_empty() || USER_REASONS.iter().any(|u| reason.eq_ignore_ascii_case(u)) {
        return None;
    }
    if LAMBDA_REASONS.iter().any(|l| reason.eq_ignore_ascii_case(l)) {
        return Some(format!(
            "StateTransitionReason \"{reason}\": Lambda, not a user, made its last change of state (now {}), as it \
             does when it loses the queue or the permissions to read it",
            m.state
        ));
    }
    Some(format!("StateTransitionReason \"{reason}\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::queue::fixtures::{facts, function, mapping, queue, request};
    use crate::model::facts::Fact;

    fn codes(findings: &[Finding]) -> Vec<FindingCode> {
        findings.iter().map(|f| f.code).collect()
    }

    fn req(batch: Option<i32>, window: Option<i32>, concurrency: Option<i32>) -> MappingRequest {
        MappingRequest { batch_size: batch, batch_window_secs: window, max_concurrency: concurrency, ..request() }
    }

    #[test]
    fn batch_size_limits() {
        use FindingCode::*;
        let standard = queue("orders");
        let fifo = queue("orders.fifo");
        // (fifo?, batch, window, expected)
        type Case = (bool, Option<i32>, Option<i32>, &'static [FindingCode]);
        let cases: &[Case] = &[
            (false, None, None, &[]),
            (false, Some(0), None, &[BatchSizeOutOfRange]),
            (false, Some(1), None, &[]),
            (false, Some(10), None, &[]),
            (false, Some(11), None, &[BatchWindowRequired]),
            (false, Some(11), Some(1), &[]),
            (false, Some(100), Some(0), &[BatchWindowRequired]),
            (false, Some(10_000), Some(5), &[]),
            (false, Some(10_001), Some(5), &[BatchSizeOutOfRange]),
            (false, Some(-1), None, &[BatchSizeOutOfRange]),
            (true, None, None, &[]),
            (true, Some(1), None, &[]),
            (true, Some(10), None, &[]),
            (true, Some(11), None, &[BatchSizeOutOfRange]),
            (true, Some(20), None, &[BatchSizeOutOfRange]),
        ];
        for (is_fifo, batch, window, expected) in cases {
            let q = if *is_fifo { &fifo } else { &standard };
            let found = request_rules(q, &req(*batch, *window, None));
            assert_eq!(codes(&found), *expected, "fifo {is_fifo}, batch {batch:?}, window {window:?}");
            assert!(found.iter().all(|f| f.is_error() && f.remediation.is_some()));
        }
    }

    #[test]
    fn batch_window_limits() {
        use FindingCode::*;
        let standard = queue("orders");
        let fifo = queue("orders.fifo");
        let cases: &[(bool, i32, &[FindingCode])] = &[
            (false, 0, &[]),
            (false, 1, &[]),
            (false, 300, &[]),
            (false, 301, &[BatchWindowOutOfRange]),
            (false, -1, &[BatchWindowOutOfRange]),
            (true, 0, &[]),
            (true, 1, &[BatchWindowOutOfRange]),
            (true, 300, &[BatchWindowOutOfRange]),
        ];
        for (is_fifo, window, expected) in cases {
            let q = if *is_fifo { &fifo } else { &standard };
            assert_eq!(codes(&request_rules(q, &req(None, Some(*window), None))), *expected, "fifo {is_fifo} {window}");
        }
        let fifo_window = request_rules(&fifo, &req(None, Some(5), None));
        assert!(fifo_window[0].message.contains("FIFO"), "{}", fifo_window[0].message);
    }

    #[test]
    fn max_concurrency_limits() {
        let q = queue("orders");
        for (n, bad) in [(1, true), (2, false), (1000, false), (1001, true), (0, true), (-5, true)] {
            let found = codes(&request_rules(&q, &req(None, None, Some(n))));
            assert_eq!(found.contains(&FindingCode::MaxConcurrencyOutOfRange), bad, "{n}");
        }
        assert!(request_rules(&q, &req(None, None, None)).is_empty(), "no limit asked, nothing to say");
    }

    #[test]
    fn existing_filters_are_an_info_with_a_matching_probe_body() {
        let q = queue("orders");
        let mut m = mapping(&q, "Enabled");
        m.filters = vec![r#"{"body":{"kind":["order"],"meta":{"v":[2]}}}"#.into()];
        let found = existing(std::slice::from_ref(&m), false, None, None);
        let filter = found.iter().find(|f| f.code == FindingCode::FilterDeletesUnmatched).expect("a filter finding");
        assert_eq!(filter.severity, Severity::Info);
        let fix = filter.remediation.as_deref().unwrap();
        assert!(fix.contains(r#"--body '{"kind":"order","meta":{"v":2}}'"#), "{fix}");
        assert!(existing(&[m], true, None, None).iter().all(|f| f.code != FindingCode::FilterDeletesUnmatched));
        // Content filters (prefix, numeric, ...) give no sample.
        assert_eq!(sample_body(r#"{"body":{"kind":[{"prefix":"ord"}]}}"#), None);
        assert_eq!(sample_body(r#"{"attributes":{"x":["y"]}}"#), None);
        assert_eq!(sample_body("not json"), None);
    }

    #[test]
    fn filters_are_an_info() {
        let q = queue("orders");
        let mut r = request();
        r.filters = vec![r#"{"body":{"type":["order"]}}"#.into()];
        let found = request_rules(&q, &r);
        assert_eq!(codes(&found), [FindingCode::FilterDeletesUnmatched]);
        assert_eq!(found[0].severity, Severity::Info);
        assert!(found[0].message.contains("DELETES"));
    }

    #[test]
    fn existing_mappings_when_diagnosing() {
        use FindingCode::*;
        let q = queue("orders");
        assert_eq!(codes(&existing(&[], false, Some(&q.arn), None)), [MappingMissing]);
        assert!(existing(&[], true, Some(&q.arn), None).is_empty(), "about to create one: nothing missing");
        assert!(existing(&[mapping(&q, "Enabled")], false, Some(&q.arn), None).is_empty());

        let disabled = mapping(&q, "Disabled");
        assert_eq!(codes(&existing(std::slice::from_ref(&disabled), false, Some(&q.arn), None)), [MappingDisabled]);
        assert!(existing(&[disabled], true, Some(&q.arn), None).is_empty(), "create re-enables it");

        let mut a = mapping(&q, "Enabled");
        let mut b = mapping(&q, "Enabled");
        a.uuid = "a".into();
        b.uuid = "b".into();
        let dup = existing(&[a.clone(), b], true, Some(&q.arn), None);
        assert_eq!(codes(&dup), [MappingDuplicate]);
        assert!(dup[0].message.contains("a, b"));
        // Two mappings of one queue to different functions are not duplicates.
        let mut other = a.clone();
        other.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:other".parse().unwrap();
        assert!(existing(&[a, other], true, Some(&q.arn), None).is_empty());
    }

    #[test]
    fn filters_no_sqs_message_can_match() {
        let body = r#"{"body":{"kind":["order"]}}"#.to_owned();
        let attrs = r#"{"messageAttributes":{"kind":{"stringValue":["order"]}}}"#.to_owned();
        let all_dead = never_matching_filters("q", "the mapping", std::slice::from_ref(&attrs));
        assert_eq!(codes(&all_dead), [FindingCode::FilterNeverMatches]);
        assert!(all_dead[0].is_error() && all_dead[0].message.contains("DELETES every message"));
        let some_dead = never_matching_filters("q", "the mapping", &[body.clone(), attrs.clone()]);
        assert_eq!(some_dead.iter().map(|f| f.severity).collect::<Vec<_>>(), [Severity::Warning]);
        assert!(never_matching_filters("q", "the mapping", &[body]).is_empty());
        // At mapping create (the request) and in doctor (an existing mapping).
        let q = queue("orders");
        let mut r = request();
        r.filters = vec![attrs.clone()];
        assert!(codes(&request_rules(&q, &r)).contains(&FindingCode::FilterNeverMatches));
        let mut m = mapping(&q, "Enabled");
        m.filters = vec![attrs];
        assert!(codes(&existing(&[m], false, None, None)).contains(&FindingCode::FilterNeverMatches));
    }

    #[test]
    fn other_consumers_are_a_note() {
        let q = queue("orders");
        let mut other = mapping(&q, "Enabled");
        other.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:audit:live".parse().unwrap();
        let mut disabled = mapping(&q, "Disabled");
        disabled.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:old".parse().unwrap();
        let f = function(30);
        let note = other_consumers_note(&q.arn, Some(&f.arn), &[other, disabled.clone()]).unwrap();
        assert_eq!((note.code, note.severity), (FindingCode::QueueOtherConsumers, Severity::Info));
        assert!(note.message.contains("audit:live") && !note.message.contains("old"), "{}", note.message);
        assert!(other_consumers_note(&q.arn, Some(&f.arn), &[disabled]).is_none(), "a disabled one reads nothing");
        let mut facts = facts(q.clone(), f);
        facts.other_mappings = Some(Ok(vec![]));
        assert!(check(&facts).is_empty());
    }

    #[test]
    fn problems_reported_by_lambda() {
        let q = queue("orders");
        let cases = [
            (Some("PROBLEM: Function call failed"), Some("USER_INITIATED"), true),
            (Some("OK"), Some("User action"), false),
            (Some("No records processed"), Some("User initiated"), false),
            (None, Some("The function execution role does not have permissions to call ReceiveMessage on SQS"), true),
            (None, Some("Lambda was unable to decrypt with the KMS key"), true),
            (None, Some("LAMBDA_INITIATED"), true),
            (None, Some("Lambda initiated"), true),
            (None, None, false),
            // Keywords alone decide nothing: a documented user value is never a problem, and a
            // result is one only when it starts with "PROBLEM:".
            (Some("OK: no problem, no error"), Some("USER_INITIATED"), false),
            (Some("Problems ahead"), Some("user_initiated"), false),
        ];
        for (result, reason, expected) in cases {
            let mut m = mapping(&q, "Enabled");
            m.last_processing_result = result.map(str::to_owned);
            m.state_transition_reason = reason.map(str::to_owned);
            assert_eq!(problem(&m).is_some(), expected, "{result:?} {reason:?}");
            if let Some(text) = problem(&m) {
                // AWS's text is quoted as it is.
                assert!(
                    text.contains(&format!("\"{}\"", result.filter(|r| r.starts_with("PROBLEM")).or(reason).unwrap()))
                );
            }
            let found = existing(std::slice::from_ref(&m), false, None, None);
            assert_eq!(found.iter().any(|f| f.code == FindingCode::MappingProblem && f.is_error()), expected);
            let creating = existing(&[m], true, None, None);
            assert!(creating.iter().all(|f| !f.is_error()), "a problem is a warning while updating");
        }
    }

    #[test]
    fn check_uses_request_and_mappings() {
        let mut f = facts(queue("orders.fifo"), function(30));
        f.request = Some(req(Some(20), None, None));
        let mappings: Fact<Vec<MappingFacts>> = Ok(vec![]);
        f.mappings = Some(mappings);
        assert_eq!(codes(&check(&f)), [FindingCode::BatchSizeOutOfRange]);
        f.request = None;
        assert_eq!(codes(&check(&f)), [FindingCode::MappingMissing]);
    }
}
