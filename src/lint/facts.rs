//! What a file's front end hands the checks: one [`TriggerFacts`] per mapping, plus where in
//! the file each fact came from, so a finding can point at the property it is about.

use crate::model::facts::TriggerFacts;
use crate::model::{Finding, FindingCode};

use super::tree::Pos;

/// A place in a file: a line and column (templates), or only a resource address (plans).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Spot {
    pub pos: Option<Pos>,
    /// The logical id (template) or the resource address (plan).
    pub address: String,
}

impl Spot {
    pub fn at(pos: Pos, address: impl Into<String>) -> Spot {
        Spot { pos: Some(pos), address: address.into() }
    }
    pub fn address(address: impl Into<String>) -> Spot {
        Spot { pos: None, address: address.into() }
    }
}

/// Where each fact of one trigger was read. Unset spots fall back to the mapping's.
#[derive(Clone, Debug, Default)]
pub struct Spots {
    pub mapping: Spot,
    pub event_source: Option<Spot>,
    pub batch_size: Option<Spot>,
    pub batch_window: Option<Spot>,
    pub max_concurrency: Option<Spot>,
    pub filters: Option<Spot>,
    pub queue: Option<Spot>,
    pub visibility: Option<Spot>,
    pub redrive: Option<Spot>,
    pub max_receive: Option<Spot>,
    pub encryption: Option<Spot>,
    pub function: Option<Spot>,
    pub timeout: Option<Spot>,
    pub reserved: Option<Spot>,
    pub role: Option<Spot>,
    pub trust: Option<Spot>,
    pub key_policy: Option<Spot>,
    pub key_enabled: Option<Spot>,
    pub queue_policy: Option<Spot>,
}

impl Spots {
    /// The property a finding is about.
    pub fn locate(&self, finding: &Finding) -> Spot {
        use FindingCode::*;
        let code = finding.code;
        let by_queue_policy = finding
            .permission
            .as_ref()
            .is_some_and(|p| p.decided_by == Some(crate::model::access::Decider::QueuePolicy));
        let pick = |candidates: &[&Option<Spot>]| {
            candidates.iter().find_map(|s| (*s).clone()).unwrap_or_else(|| self.mapping.clone())
        };
        match code {
            VisibilityTimeoutBelowFunctionTimeout | VisibilityTimeoutBelowRecommended => {
                pick(&[&self.visibility, &self.queue])
            }
            DlqMissing => pick(&[&self.queue]),
            DlqTypeMismatch => pick(&[&self.redrive, &self.queue]),
            MaxReceiveCountLow => pick(&[&self.max_receive, &self.redrive, &self.queue]),
            BatchSizeOutOfRange | BatchWindowRequired => pick(&[&self.batch_size]),
            BatchWindowOutOfRange => pick(&[&self.batch_window, &self.batch_size]),
            MaxConcurrencyOutOfRange => pick(&[&self.max_concurrency]),
            FilterDeletesUnmatched => pick(&[&self.filters]),
            FunctionThrottled => pick(&[&self.reserved, &self.function]),
            RoleMissingPermission | RoleExplicitDeny if by_queue_policy => {
                pick(&[&self.queue_policy, &self.role, &self.function])
            }
            RoleMissingPermission | RoleExplicitDeny => pick(&[&self.role, &self.function]),
            RoleTrustMissingLambda => pick(&[&self.trust, &self.role]),
            KmsKeyNotEnabled => pick(&[&self.key_enabled, &self.encryption]),
            KmsKeyPolicyMissingGrant => pick(&[&self.key_policy, &self.encryption]),
            CrossAccountAwsManagedKey => pick(&[&self.encryption, &self.queue]),
            RegionMismatch | CrossAccountQueuePolicy => pick(&[&self.event_source]),
            _ => self.mapping.clone(),
        }
    }
}

/// One mapping of a file, as facts the checks read.
#[derive(Clone, Debug)]
pub struct LintTrigger {
    /// `queue → function`, by logical id or address.
    pub label: String,
    pub facts: TriggerFacts,
    pub spots: Spots,
    /// Findings the front end made itself (`check-skipped` for what it could not resolve,
    /// `mapping-duplicate`), already located.
    pub findings: Vec<(Finding, Spot)>,
    /// The undecidable conditions this variant assumes (`IsLive is true`), empty when the
    /// file has none: a finding of only some variants says under which.
    pub assumes: Vec<String>,
}

/// The codes that only a live account can decide: lint never reports them.
pub const LIVE_ONLY: [FindingCode; 23] = [
    FindingCode::KmsKeyNotFound,
    // Needs iam:SimulatePrincipalPolicy's answer.
    FindingCode::RoleSimulatorDisagrees,
    FindingCode::MappingMissing,
    FindingCode::MappingDisabled,
    FindingCode::MappingProblem,
    FindingCode::FunctionNotActive,
    FindingCode::ProbeOtherConsumers,
    // What Lambda reports about a mapping, or refuses while changing one.
    FindingCode::FilterCriteriaError,
    FindingCode::ScalingModeConflict,
    // The account's other mappings, the probe's refusal, the account's concurrency, the
    // function's recursion setting as Lambda holds it.
    FindingCode::QueueOtherConsumers,
    FindingCode::ProbeFilteredOut,
    FindingCode::UnreservedConcurrencyLow,
    FindingCode::RecursiveLoopAllowed,
    FindingCode::RecursiveLoopPossible,
    // What CloudWatch recorded (`doctor --metrics`).
    FindingCode::QueueNotPolled,
    FindingCode::BacklogGrowing,
    FindingCode::InvocationsThrottled,
    FindingCode::InvocationsFailing,
    FindingCode::MessagesToDlq,
    FindingCode::EventsFilteredOut,
    FindingCode::ProducerKeyNotEnabled,
    FindingCode::ProducerDlqUnusable,
    FindingCode::ProducerDeliveriesFailing,
];

/// Whether lint can report `code` (what docs/findings/README.md marks).
pub fn lint_capable(code: FindingCode) -> bool {
    !LIVE_ONLY.contains(&code)
}

/// A `check-skipped` finding of lint: what could not be resolved from the file.
pub fn skipped(resource: impl Into<String>, what: impl Into<String>) -> Finding {
    let what = what.into();
    Finding::warning(
        FindingCode::CheckSkipped,
        resource,
        format!("not resolvable from the file: {what}; the checks that need it were skipped"),
    )
    .fix(
        "give the value in the file (a CloudFormation parameter: --parameter KEY=VALUE), or check the deployed \
         trigger with `sqs-trigger doctor`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_findings_readme_marks_exactly_the_lint_capable_codes() {
        let readme = include_str!("../../docs/findings/README.md");
        for code in FindingCode::ALL {
            let row = readme
                .lines()
                .find(|l| l.contains(&format!("[{}]", code.as_str())))
                .unwrap_or_else(|| panic!("{code} has a row"));
            let marked = row.trim_end().ends_with("| yes |");
            assert_eq!(marked, lint_capable(code), "{code}: {row}");
        }
    }
}
