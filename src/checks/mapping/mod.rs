//! Mapping checks: the settings asked for (batch size, window, concurrency, filters) against
//! the limits Lambda enforces, and the state of the mappings that exist.
//!
//! Here: `check`, which runs them over a trigger's facts. The rules are by job: `request` (what
//! a create or update asks for), `state` (the mappings that exist), `filters` (their event
//! filters) and `consumers` (other functions reading the same queue).

use super::TriggerFacts;
use crate::model::Finding;

mod consumers;
mod filters;
mod request;
mod state;
#[cfg(test)]
mod tests;

pub use consumers::{consumer_name, consumers_unknown, other_consumers, other_consumers_note};
pub use filters::{never_matching_filters, probe_filtered_out, sample_body};
pub use request::{
    BATCH_SIZE_WITHOUT_WINDOW, BATCH_WINDOW_SECS, DEFAULT_BATCH_SIZE, FIFO_BATCH_SIZE, MAX_CONCURRENCY,
    STANDARD_BATCH_SIZE, request_rules,
};
pub use state::{LAMBDA_REASONS, PROBLEM_PREFIX, USER_REASONS, disabled, existing, missing, not_settled, problem};

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
