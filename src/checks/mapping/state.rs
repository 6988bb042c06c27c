//! The state of the mappings that exist: missing, duplicate, disabled, reporting a problem,
//! or not settled as asked after a write.

use std::collections::BTreeMap;

use super::filters::{existing_filters, never_matching_filters};
use crate::model::facts::{MappingFacts, MappingState};
use crate::model::{Finding, FindingCode, FunctionArn, QueueArn, Severity};

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
