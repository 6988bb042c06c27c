//! Pure rules: facts in, findings out. No AWS calls here, so every rule is a table-driven
//! unit test. `mapping create`, `role check`, `doctor`, `setup` and `probe` all use `run_all`
//! (or one area of it), so a rule is written once.

pub mod function;
pub mod kms;
pub mod mapping;
pub mod placement;
pub mod queue;
pub mod role;

use crate::model::facts::{
    CallerFacts, Fact, FunctionFacts, KeyLookup, MappingFacts, MappingRequest, QueueFacts, RoleFacts, Unreadable,
};
use crate::model::finding::sort_findings;
use crate::model::{Finding, FindingCode};

/// Everything the checks may read about one queue → function trigger. A field is `None`
/// when it was not gathered (or does not apply); a `Fact` is `Err` when it could not be read.
#[derive(Clone, Debug, Default)]
pub struct TriggerFacts {
    /// The region requests went to.
    pub region: String,
    pub caller: Option<CallerFacts>,
    pub queue: Option<QueueFacts>,
    /// The queue's dead-letter queue, when it has a redrive policy.
    pub dlq: Option<Fact<QueueFacts>>,
    pub function: Option<FunctionFacts>,
    pub role: Option<Fact<RoleFacts>>,
    /// The queue's KMS key, when the queue uses SSE-KMS.
    pub key: Option<Fact<KeyLookup>>,
    /// The existing mappings between this queue and this function.
    pub mappings: Option<Fact<Vec<MappingFacts>>>,
    /// What `mapping create`/`setup` is about to ask for.
    pub request: Option<MappingRequest>,
    /// What iam:SimulatePrincipalPolicy decided, when it could be used.
    pub simulation: Option<role::Simulation>,
    /// Why iam:SimulatePrincipalPolicy could not be used, when it was tried and failed (our
    /// own evaluator decides then).
    pub simulation_unavailable: Option<String>,
    /// Facts that could not be read; each becomes a `check-skipped` finding.
    pub skipped: Vec<Unreadable>,
}

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
    dedup(&mut findings);
    sort_findings(&mut findings);
    findings
}

/// One `check-skipped` per unreadable fact, wherever it was recorded.
pub fn skipped(facts: &TriggerFacts) -> Vec<Finding> {
    let mut unreadable: Vec<&Unreadable> = facts.skipped.iter().collect();
    for fact in [
        facts.dlq.as_ref().and_then(|f| f.as_ref().err()),
        facts.role.as_ref().and_then(|f| f.as_ref().err()),
        facts.key.as_ref().and_then(|f| f.as_ref().err()),
        facts.mappings.as_ref().and_then(|f| f.as_ref().err()),
    ]
    .into_iter()
    .flatten()
    {
        unreadable.push(fact);
    }
    unreadable.into_iter().map(skipped_finding).collect()
}

pub fn skipped_finding(u: &Unreadable) -> Finding {
    Finding::warning(
        FindingCode::CheckSkipped,
        u.fact.clone(),
        format!("could not read {}: the checks that need it were skipped ({})", u.fact, u.detail),
    )
    .fix(format!("grant the caller `{}` to check it", u.permission))
}

fn dedup(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.code, f.resource.clone(), f.message.clone())));
}
