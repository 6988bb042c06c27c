//! The mapping rules, table-driven over fixture facts: no AWS.

use super::*;
use crate::checks::queue::fixtures::{facts, function, mapping, queue, request};
use crate::model::facts::{Fact, MappingFacts, MappingRequest};
use crate::model::{Finding, FindingCode, Severity};

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
            assert!(text.contains(&format!("\"{}\"", result.filter(|r| r.starts_with("PROBLEM")).or(reason).unwrap())));
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
