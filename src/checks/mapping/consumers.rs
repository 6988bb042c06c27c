//! Other functions' mappings reading the same queue: a note for `doctor`, and the reason
//! `probe` sends nothing.

use crate::model::facts::{MappingFacts, Unreadable};
use crate::model::{Finding, FindingCode, FunctionArn, QueueArn};

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
pub fn consumers_unknown(queue: &QueueArn, unreadable: &Unreadable) -> Finding {
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
