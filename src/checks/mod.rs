//! Pure rules: facts in, findings out. No AWS calls here, so every rule is a table-driven
//! unit test. `mapping create`, `role check`, `doctor`, `setup` and `probe` all use `run_all`
//! (or one area of it), so a rule is written once.

pub mod filter;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod function;
pub mod kms;
pub mod mapping;
pub mod mapping_features;
pub mod metrics;
pub mod placement;
pub mod producers;
pub mod queue;
pub mod role;

use crate::model::facts::{Cause, TriggerFacts, Unreadable};
use crate::model::finding::sort_findings;
use crate::model::{Finding, FindingCode};

/// Runs every rule that applies to the facts, errors first.
pub fn run_all(facts: &TriggerFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(placement::check(facts));
    findings.extend(queue::check(facts));
    findings.extend(mapping::check(facts));
    findings.extend(function::check(facts));
    findings.extend(role::check(facts));
    findings.extend(kms::check(facts));
    findings.extend(skipped(facts));
    finish(findings)
}

pub use crate::model::finding::Area;

/// Runs the rules of `areas` (and `check-skipped` for what could not be read), errors first.
pub fn run(facts: &TriggerFacts, areas: &[Area]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for area in areas {
        findings.extend(match area {
            Area::Placement => placement::check(facts),
            Area::Queue => queue::check(facts),
            Area::Mapping => mapping::check(facts),
            Area::Function => function::check(facts),
            Area::Role => role::check(facts),
            Area::Encryption => kms::check(facts),
        });
    }
    findings.extend(skipped_in(facts, areas));
    finish(findings)
}

/// One finding per (code, resource, message), errors first: how every command presents them.
pub fn finish(mut findings: Vec<Finding>) -> Vec<Finding> {
    dedup(&mut findings);
    sort_findings(&mut findings);
    findings
}

/// One `check-skipped` per unreadable fact, wherever it was recorded.
pub fn skipped(facts: &TriggerFacts) -> Vec<Finding> {
    skipped_in(facts, &Area::ALL)
}

/// The `check-skipped` findings of the facts that the checks of `areas` need (a fact whose
/// checks are not known is said wherever checks run).
pub fn skipped_in(facts: &TriggerFacts, areas: &[Area]) -> Vec<Finding> {
    let mut unreadable: Vec<&Unreadable> = facts.skipped.iter().collect();
    for fact in [
        facts.dlq.as_ref().and_then(|f| f.as_ref().err()),
        facts.role.as_ref().and_then(|f| f.as_ref().err()),
        facts.key.as_ref().and_then(|f| f.as_ref().err()),
        facts.mappings.as_ref().and_then(|f| f.as_ref().err()),
        facts.other_mappings.as_ref().and_then(|f| f.as_ref().err()),
        facts.log_group_exists.as_ref().and_then(|f| f.as_ref().err()),
        facts.account_concurrency.as_ref().and_then(|f| f.as_ref().err()),
        facts.recursive_loop.as_ref().and_then(|f| f.as_ref().err()),
    ]
    .into_iter()
    .flatten()
    {
        unreadable.push(fact);
    }
    let needed =
        |u: &&Unreadable| u.feeds.is_empty() || u.feeds.iter().any(|c| c.area().is_some_and(|a| areas.contains(&a)));
    unreadable.into_iter().filter(needed).map(skipped_finding).collect()
}

/// One `check-skipped`: what could not be read, the operation and why, in one line; the fix
/// follows the cause (a permission to grant, or an endpoint that does not answer as AWS does).
pub fn skipped_finding(u: &Unreadable) -> Finding {
    let finding = |why: String| {
        Finding::warning(
            FindingCode::CheckSkipped,
            u.fact.clone(),
            format!("could not read {}: the checks that need it were skipped ({why})", u.fact),
        )
    };
    let op = &u.permission;
    match u.cause {
        Cause::Denied => finding(format!("{op}: {}", u.detail)).fix(format!("grant the caller `{op}` to check it")),
        Cause::NotOffered | Cause::BadAnswer => finding(format!("{op}: {}", u.detail)).fix(format!(
            "nothing to change in the trigger: this endpoint does not answer `{op}` as AWS does (an emulator, a proxy, \
             an older partition or region); on AWS the caller needs `{op}`"
        )),
        Cause::NoAnswer | Cause::Failed => finding(format!("{op}: {}", u.detail))
            .fix(format!("run again later to check it; on AWS the caller needs `{op}`")),
    }
}

fn dedup(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.code, f.resource.clone(), f.message.clone())));
}
