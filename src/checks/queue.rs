//! Queue checks: the visibility timeout against the function timeout, and the dead-letter
//! queue (present, of the same type, and not reached too early).

use super::TriggerFacts;
use crate::model::facts::{FunctionFacts, QueueFacts, Redrive};
use crate::model::{Finding, FindingCode};

/// AWS recommends a visibility timeout of at least six times the function timeout (plus the
/// batching window), so a batch retried after throttling is not received twice.
pub const RECOMMENDED_VISIBILITY_FACTOR: u32 = 6;

/// AWS recommends a maxReceiveCount of at least 5, so messages survive a few throttled
/// receives before they are moved to the DLQ.
pub const MIN_MAX_RECEIVE_COUNT: u32 = crate::DEFAULT_MAX_RECEIVE_COUNT;

pub fn check(facts: &TriggerFacts) -> Vec<Finding> {
    let Some(queue) = &facts.queue else { return Vec::new() };
    let mut findings = Vec::new();
    if let Some(function) = &facts.function {
        let window = batch_window(facts);
        findings.extend(visibility(queue, function, window));
    }
    let dlq = facts.dlq.as_ref().and_then(|d| d.as_ref().ok());
    findings.extend(dead_letter_queue(queue, dlq));
    findings
}

/// The batching window the rule counts: the one asked for (`mapping create`), else the longest
/// of the existing mappings' (doctor), else 0. "If … (batch window) + (function timeout) >
/// (queue visibility timeout), then your effective queue visibility timeout is (batch window) +
/// (function timeout) + 30s" (<https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html>).
pub fn batch_window(facts: &TriggerFacts) -> u32 {
    let asked = facts.request.as_ref().and_then(|r| r.batch_window_secs);
    let existing = match &facts.mappings {
        Some(Ok(mappings)) => mappings.iter().filter_map(|m| m.batch_window_secs).max(),
        _ => None,
    };
    asked.or(existing).unwrap_or(0).max(0) as u32
}

/// `visibility-timeout-below-function-timeout` (AWS refuses the mapping) or
/// `visibility-timeout-below-recommended` (below 6× the timeout plus the batching window).
pub fn visibility(queue: &QueueFacts, function: &FunctionFacts, batch_window_secs: u32) -> Option<Finding> {
    let visibility = queue.visibility_timeout_secs;
    let timeout = function.timeout_secs;
    let recommended = timeout.saturating_mul(RECOMMENDED_VISIBILITY_FACTOR).saturating_add(batch_window_secs);
    let set_visibility = |secs: u32| {
        format!("aws sqs set-queue-attributes --queue-url {} --attributes VisibilityTimeout={secs}", queue.url)
    };
    if visibility < timeout {
        return Some(
            Finding::error(
                FindingCode::VisibilityTimeoutBelowFunctionTimeout,
                queue.arn.to_string(),
                format!(
                    "the queue's visibility timeout ({visibility}s) is shorter than the timeout of {} ({timeout}s): \
                     Lambda refuses the mapping (\"Queue visibility timeout: {visibility} seconds is less than \
                     Function timeout: {timeout} seconds\"), because a message could reappear while it is still \
                     being processed",
                    function.arn.name()
                ),
            )
            .fix(set_visibility(recommended)),
        );
    }
    if visibility < recommended {
        let window = if batch_window_secs > 0 {
            format!(" plus the {batch_window_secs}s batching window")
        } else {
            String::new()
        };
        return Some(
            Finding::warning(
                FindingCode::VisibilityTimeoutBelowRecommended,
                queue.arn.to_string(),
                format!(
                    "the queue's visibility timeout ({visibility}s) is below the {recommended}s AWS recommends \
                     ({RECOMMENDED_VISIBILITY_FACTOR}× the function timeout of {timeout}s{window}): when invocations \
                     are throttled, messages can be received again and processed twice"
                ),
            )
            .fix(set_visibility(recommended)),
        );
    }
    None
}

/// `dlq-missing`, `dlq-type-mismatch`, `max-receive-count-low`. The DLQ's type comes from its
/// facts when they were read, else from its name (FIFO names end in `.fifo`).
pub fn dead_letter_queue(queue: &QueueFacts, dlq: Option<&QueueFacts>) -> Vec<Finding> {
    let Some(redrive) = &queue.redrive else {
        return vec![
            Finding::warning(
                FindingCode::DlqMissing,
                queue.arn.to_string(),
                "the queue has no dead-letter queue: a message the function keeps failing on is retried until it \
                 expires, blocking a FIFO group or wasting invocations, and is then lost",
            )
            // Names the DLQ, so the update sets only the RedrivePolicy (and creates that queue).
            .fix(format!(
                "give it a DLQ (only the RedrivePolicy changes): sqs-trigger queue create {} --dlq {} --update",
                queue.name,
                queue.name.default_dlq().map(|d| d.to_string()).unwrap_or_else(|_| "NAME-dlq".into())
            )),
        ];
    };
    let mut findings = Vec::new();
    let dlq_fifo = dlq.map(|d| d.fifo).unwrap_or_else(|| redrive.dead_letter_target_arn.name().is_fifo());
    if dlq_fifo != queue.fifo {
        findings.push(type_mismatch(queue, redrive, dlq_fifo));
    }
    if redrive.max_receive_count < MIN_MAX_RECEIVE_COUNT {
        findings.push(
            Finding::warning(
                FindingCode::MaxReceiveCountLow,
                queue.arn.to_string(),
                format!(
                    "maxReceiveCount is {}: a message moves to the DLQ after {} receive(s), and a receive that ends \
                     in throttling counts too, so good messages can land in the DLQ; AWS recommends at least \
                     {MIN_MAX_RECEIVE_COUNT}",
                    redrive.max_receive_count, redrive.max_receive_count
                ),
            )
            .fix(format!(
                "aws sqs set-queue-attributes --queue-url {} --attributes '{{\"RedrivePolicy\":\"{{\\\"deadLetterTargetArn\\\":\\\"{}\\\",\\\"maxReceiveCount\\\":\\\"{MIN_MAX_RECEIVE_COUNT}\\\"}}\"}}'",
                queue.url, redrive.dead_letter_target_arn
            )),
        );
    }
    findings
}

fn type_mismatch(queue: &QueueFacts, redrive: &Redrive, dlq_fifo: bool) -> Finding {
    let kind = |fifo: bool| if fifo { "FIFO" } else { "standard" };
    Finding::error(
        FindingCode::DlqTypeMismatch,
        queue.arn.to_string(),
        format!(
            "the {} queue's dead-letter queue {} is a {} queue: SQS only moves messages to a DLQ of the same type, \
             so failed messages are never moved",
            kind(queue.fifo),
            redrive.dead_letter_target_arn,
            kind(dlq_fifo)
        ),
    )
    .fix(format!(
        "point the RedrivePolicy at a {} queue (e.g. {})",
        kind(queue.fifo),
        queue.name.default_dlq().map(|d| d.to_string()).unwrap_or_else(|_| "NAME-dlq".into())
    ))
}

/// The shared fixtures, where the check modules' tests have always found them.
#[cfg(test)]
pub(crate) use super::fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn codes(findings: &[Finding]) -> Vec<FindingCode> {
        findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn visibility_against_function_timeout() {
        use FindingCode::*;
        // (visibility, timeout, window, expected)
        let cases = [
            (29, 30, 0, Some(VisibilityTimeoutBelowFunctionTimeout)),
            (10, 30, 0, Some(VisibilityTimeoutBelowFunctionTimeout)),
            (30, 30, 0, Some(VisibilityTimeoutBelowRecommended)),
            (179, 30, 0, Some(VisibilityTimeoutBelowRecommended)),
            (180, 30, 0, None),
            (180, 30, 5, Some(VisibilityTimeoutBelowRecommended)),
            (185, 30, 5, None),
            (0, 0, 0, None),
            (900, 900, 0, Some(VisibilityTimeoutBelowRecommended)),
            (43_200, 900, 0, None),
        ];
        for (secs, timeout, window, expected) in cases {
            let mut q = queue("orders");
            q.visibility_timeout_secs = secs;
            let found = visibility(&q, &function(timeout), window);
            assert_eq!(found.as_ref().map(|f| f.code), expected, "visibility {secs}, timeout {timeout}");
            if let Some(f) = found {
                assert!(f.remediation.unwrap().contains("VisibilityTimeout="), "a fix names the attribute");
            }
        }
    }

    #[test]
    fn below_function_timeout_is_an_error_quoting_aws() {
        let mut q = queue("orders");
        q.visibility_timeout_secs = 10;
        let f = visibility(&q, &function(30), 0).unwrap();
        assert!(f.is_error());
        assert!(f.message.contains("Queue visibility timeout: 10 seconds is less than Function timeout: 30 seconds"));
        assert!(f.remediation.unwrap().contains("VisibilityTimeout=180"));
    }

    #[test]
    fn dead_letter_queues() {
        use FindingCode::*;
        let q = queue("orders");
        assert!(dead_letter_queue(&q, None).is_empty(), "healthy");

        let mut none = queue("orders");
        none.redrive = None;
        assert_eq!(codes(&dead_letter_queue(&none, None)), [DlqMissing]);
        assert_eq!(dead_letter_queue(&none, None)[0].severity, crate::model::Severity::Warning);

        let mut low = queue("orders");
        low.redrive.as_mut().unwrap().max_receive_count = 4;
        assert_eq!(codes(&dead_letter_queue(&low, None)), [MaxReceiveCountLow]);
        low.redrive.as_mut().unwrap().max_receive_count = 5;
        assert!(dead_letter_queue(&low, None).is_empty(), "5 is enough");
        low.redrive.as_mut().unwrap().max_receive_count = 1;
        assert_eq!(codes(&dead_letter_queue(&low, None)), [MaxReceiveCountLow]);
    }

    #[test]
    fn dlq_type_mismatch_from_facts_or_name() {
        use FindingCode::*;
        // A standard queue whose DLQ is FIFO, known from the DLQ's name.
        let mut q = queue("orders");
        q.redrive.as_mut().unwrap().dead_letter_target_arn =
            "arn:aws:sqs:us-east-1:123456789012:dead.fifo".parse().unwrap();
        assert_eq!(codes(&dead_letter_queue(&q, None)), [DlqTypeMismatch]);
        // A FIFO queue whose DLQ facts say standard.
        let fifo = queue("orders.fifo");
        let dlq = queue("orders-dlq");
        assert_eq!(codes(&dead_letter_queue(&fifo, Some(&dlq))), [DlqTypeMismatch]);
        assert!(dead_letter_queue(&fifo, Some(&queue("orders-dlq.fifo"))).is_empty());
        assert!(dead_letter_queue(&fifo, None).is_empty(), "the default FIFO DLQ name matches");
    }

    #[test]
    fn check_reads_the_gathered_facts() {
        let mut q = queue("orders");
        q.visibility_timeout_secs = 10;
        q.redrive = None;
        let facts = facts(q, function(30));
        let found = codes(&check(&facts));
        assert!(found.contains(&FindingCode::VisibilityTimeoutBelowFunctionTimeout));
        assert!(found.contains(&FindingCode::DlqMissing));
        assert!(check(&TriggerFacts::default()).is_empty(), "nothing gathered, nothing to say");
    }

    #[test]
    fn an_existing_mappings_batching_window_counts() {
        // 6 × 30 s = 180 s is enough without a window, not with the mapping's 60 s one.
        let q = queue("orders");
        let mut f = facts(q.clone(), function(30));
        assert!(check(&f).is_empty());
        let mut m = mapping(&q, "Enabled");
        m.batch_window_secs = Some(60);
        f.mappings = Some(Ok(vec![m]));
        let found = check(&f);
        assert_eq!(codes(&found), [FindingCode::VisibilityTimeoutBelowRecommended]);
        assert!(found[0].message.contains("240s") && found[0].message.contains("60s batching window"));
        // A window asked for wins over the existing one.
        f.request = Some(crate::model::facts::MappingRequest { batch_window_secs: Some(0), ..request() });
        assert!(check(&f).is_empty());
    }
}
