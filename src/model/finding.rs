//! Findings: what a check concludes, with a stable code, a severity and a remediation.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered so that sorting puts errors first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// The stable finding codes of DESIGN.md. Other tools match on these strings, so a code is
/// never renamed; each one has a page in `docs/findings/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingCode {
    // placement
    RegionMismatch,
    CrossAccountQueuePolicy,
    CrossAccountAwsManagedKey,
    // role
    RoleMissingPermission,
    RoleExplicitDeny,
    RoleTrustMissingLambda,
    RoleSimulatorDisagrees,
    // encryption
    KmsKeyNotEnabled,
    KmsKeyPolicyMissingGrant,
    KmsKeyNotFound,
    // queue
    VisibilityTimeoutBelowFunctionTimeout,
    VisibilityTimeoutBelowRecommended,
    DlqMissing,
    DlqTypeMismatch,
    MaxReceiveCountLow,
    // mapping
    BatchSizeOutOfRange,
    BatchWindowRequired,
    BatchWindowOutOfRange,
    MaxConcurrencyOutOfRange,
    MappingMissing,
    MappingDisabled,
    MappingDuplicate,
    MappingProblem,
    FilterDeletesUnmatched,
    FilterCriteriaError,
    ScalingModeConflict,
    FilterNeverMatches,
    QueueOtherConsumers,
    // probe
    ProbeOtherConsumers,
    ProbeFilteredOut,
    // function
    FunctionNotActive,
    FunctionThrottled,
    // metrics (`doctor --metrics`): what CloudWatch says happened in the window
    QueueNotPolled,
    BacklogGrowing,
    InvocationsThrottled,
    InvocationsFailing,
    MessagesToDlq,
    EventsFilteredOut,
    ReservedConcurrencyBelowMaximum,
    UnreservedConcurrencyLow,
    RecursiveLoopAllowed,
    RecursiveLoopPossible,
    // producers: the services that send to the queue (SNS, EventBridge, S3)
    ProducerQueuePolicyMissingGrant,
    ProducerAwsManagedKey,
    ProducerKeyPolicyMissingGrant,
    ProducerKeyNotEnabled,
    ProducerDlqUnusable,
    ProducerDeliveriesFailing,
    // reach
    CheckSkipped,
}

/// The areas the checks cover (`checks/`): what `checks::run` runs a subset of, what a CI
/// report shows as one passing case when the area found nothing, and what doctor's chain
/// marks as broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Placement,
    Queue,
    Encryption,
    Role,
    Mapping,
    Function,
}

impl Area {
    pub const ALL: [Area; 6] =
        [Area::Placement, Area::Queue, Area::Encryption, Area::Role, Area::Mapping, Area::Function];
}

impl FindingCode {
    /// The area of checks a code belongs to (`check-skipped` belongs to none: it is about reach).
    pub fn area(self) -> Option<Area> {
        use FindingCode::*;
        Some(match self {
            RegionMismatch | CrossAccountQueuePolicy | CrossAccountAwsManagedKey => Area::Placement,
            VisibilityTimeoutBelowFunctionTimeout
            | VisibilityTimeoutBelowRecommended
            | DlqMissing
            | DlqTypeMismatch
            | MaxReceiveCountLow
            | BacklogGrowing
            | ProducerQueuePolicyMissingGrant
            | ProducerAwsManagedKey
            | ProducerKeyPolicyMissingGrant
            | ProducerKeyNotEnabled
            | ProducerDlqUnusable
            | ProducerDeliveriesFailing => Area::Queue,
            KmsKeyNotEnabled | KmsKeyPolicyMissingGrant | KmsKeyNotFound => Area::Encryption,
            RoleMissingPermission | RoleExplicitDeny | RoleTrustMissingLambda | RoleSimulatorDisagrees => Area::Role,
            BatchSizeOutOfRange
            | BatchWindowRequired
            | BatchWindowOutOfRange
            | MaxConcurrencyOutOfRange
            | MappingMissing
            | MappingDisabled
            | MappingDuplicate
            | MappingProblem
            | FilterDeletesUnmatched
            | FilterCriteriaError
            | ScalingModeConflict
            | FilterNeverMatches
            | QueueOtherConsumers
            | ProbeOtherConsumers
            | ProbeFilteredOut
            | QueueNotPolled
            | EventsFilteredOut => Area::Mapping,
            FunctionNotActive
            | FunctionThrottled
            | ReservedConcurrencyBelowMaximum
            | UnreservedConcurrencyLow
            | RecursiveLoopAllowed
            | RecursiveLoopPossible
            | InvocationsThrottled
            | InvocationsFailing
            | MessagesToDlq => Area::Function,
            CheckSkipped => return None,
        })
    }

    pub const ALL: [FindingCode; 49] = [
        FindingCode::RegionMismatch,
        FindingCode::CrossAccountQueuePolicy,
        FindingCode::CrossAccountAwsManagedKey,
        FindingCode::RoleMissingPermission,
        FindingCode::RoleExplicitDeny,
        FindingCode::RoleTrustMissingLambda,
        FindingCode::RoleSimulatorDisagrees,
        FindingCode::KmsKeyNotEnabled,
        FindingCode::KmsKeyPolicyMissingGrant,
        FindingCode::KmsKeyNotFound,
        FindingCode::VisibilityTimeoutBelowFunctionTimeout,
        FindingCode::VisibilityTimeoutBelowRecommended,
        FindingCode::DlqMissing,
        FindingCode::DlqTypeMismatch,
        FindingCode::MaxReceiveCountLow,
        FindingCode::BatchSizeOutOfRange,
        FindingCode::BatchWindowRequired,
        FindingCode::BatchWindowOutOfRange,
        FindingCode::MaxConcurrencyOutOfRange,
        FindingCode::MappingMissing,
        FindingCode::MappingDisabled,
        FindingCode::MappingDuplicate,
        FindingCode::MappingProblem,
        FindingCode::FilterDeletesUnmatched,
        FindingCode::FilterCriteriaError,
        FindingCode::ScalingModeConflict,
        FindingCode::FilterNeverMatches,
        FindingCode::QueueOtherConsumers,
        FindingCode::ProbeOtherConsumers,
        FindingCode::ProbeFilteredOut,
        FindingCode::FunctionNotActive,
        FindingCode::FunctionThrottled,
        FindingCode::QueueNotPolled,
        FindingCode::BacklogGrowing,
        FindingCode::InvocationsThrottled,
        FindingCode::InvocationsFailing,
        FindingCode::MessagesToDlq,
        FindingCode::EventsFilteredOut,
        FindingCode::ReservedConcurrencyBelowMaximum,
        FindingCode::UnreservedConcurrencyLow,
        FindingCode::RecursiveLoopAllowed,
        FindingCode::RecursiveLoopPossible,
        FindingCode::ProducerQueuePolicyMissingGrant,
        FindingCode::ProducerAwsManagedKey,
        FindingCode::ProducerKeyPolicyMissingGrant,
        FindingCode::ProducerKeyNotEnabled,
        FindingCode::ProducerDlqUnusable,
        FindingCode::ProducerDeliveriesFailing,
        FindingCode::CheckSkipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::RegionMismatch => "region-mismatch",
            FindingCode::CrossAccountQueuePolicy => "cross-account-queue-policy",
            FindingCode::CrossAccountAwsManagedKey => "cross-account-aws-managed-key",
            FindingCode::RoleMissingPermission => "role-missing-permission",
            FindingCode::RoleExplicitDeny => "role-explicit-deny",
            FindingCode::RoleTrustMissingLambda => "role-trust-missing-lambda",
            FindingCode::RoleSimulatorDisagrees => "role-simulator-disagrees",
            FindingCode::KmsKeyNotEnabled => "kms-key-not-enabled",
            FindingCode::KmsKeyPolicyMissingGrant => "kms-key-policy-missing-grant",
            FindingCode::KmsKeyNotFound => "kms-key-not-found",
            FindingCode::VisibilityTimeoutBelowFunctionTimeout => "visibility-timeout-below-function-timeout",
            FindingCode::VisibilityTimeoutBelowRecommended => "visibility-timeout-below-recommended",
            FindingCode::DlqMissing => "dlq-missing",
            FindingCode::DlqTypeMismatch => "dlq-type-mismatch",
            FindingCode::MaxReceiveCountLow => "max-receive-count-low",
            FindingCode::BatchSizeOutOfRange => "batch-size-out-of-range",
            FindingCode::BatchWindowRequired => "batch-window-required",
            FindingCode::BatchWindowOutOfRange => "batch-window-out-of-range",
            FindingCode::MaxConcurrencyOutOfRange => "max-concurrency-out-of-range",
            FindingCode::MappingMissing => "mapping-missing",
            FindingCode::MappingDisabled => "mapping-disabled",
            FindingCode::MappingDuplicate => "mapping-duplicate",
            FindingCode::MappingProblem => "mapping-problem",
            FindingCode::FilterDeletesUnmatched => "filter-deletes-unmatched",
            FindingCode::FilterCriteriaError => "filter-criteria-error",
            FindingCode::ScalingModeConflict => "scaling-mode-conflict",
            FindingCode::FilterNeverMatches => "filter-never-matches",
            FindingCode::QueueOtherConsumers => "queue-other-consumers",
            FindingCode::ProbeOtherConsumers => "probe-other-consumers",
            FindingCode::ProbeFilteredOut => "probe-filtered-out",
            FindingCode::FunctionNotActive => "function-not-active",
            FindingCode::FunctionThrottled => "function-throttled",
            FindingCode::QueueNotPolled => "queue-not-polled",
            FindingCode::BacklogGrowing => "backlog-growing",
            FindingCode::InvocationsThrottled => "invocations-throttled",
            FindingCode::InvocationsFailing => "invocations-failing",
            FindingCode::MessagesToDlq => "messages-to-dlq",
            FindingCode::EventsFilteredOut => "events-filtered-out",
            FindingCode::ReservedConcurrencyBelowMaximum => "reserved-concurrency-below-maximum",
            FindingCode::UnreservedConcurrencyLow => "unreserved-concurrency-low",
            FindingCode::RecursiveLoopAllowed => "recursive-loop-allowed",
            FindingCode::RecursiveLoopPossible => "recursive-loop-possible",
            FindingCode::ProducerQueuePolicyMissingGrant => "producer-queue-policy-missing-grant",
            FindingCode::ProducerAwsManagedKey => "producer-aws-managed-key",
            FindingCode::ProducerKeyPolicyMissingGrant => "producer-key-policy-missing-grant",
            FindingCode::ProducerKeyNotEnabled => "producer-key-not-enabled",
            FindingCode::ProducerDlqUnusable => "producer-dlq-unusable",
            FindingCode::ProducerDeliveriesFailing => "producer-deliveries-failing",
            FindingCode::CheckSkipped => "check-skipped",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One conclusion of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    /// The ARN or name of the resource the finding is about.
    pub resource: String,
    pub message: String,
    /// What to do about it: a command, a policy statement, a setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// The permission a role finding is about, for code that decides by it (never by the
    /// message's wording). Not part of the JSON: `message` says it for people.
    #[serde(skip)]
    pub permission: Option<PermissionRef>,
}

/// One permission of the execution role, and what decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionRef {
    pub action: String,
    pub decided_by: Option<crate::model::access::Decider>,
}

impl PermissionRef {
    /// A CloudWatch Logs permission: it decides whether the function's output is visible, not
    /// whether the queue is polled.
    pub fn is_logs(&self) -> bool {
        self.action.starts_with("logs:")
    }
}

impl Finding {
    pub fn new(code: FindingCode, severity: Severity, resource: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            resource: resource.into(),
            message: message.into(),
            remediation: None,
            permission: None,
        }
    }
    pub fn error(code: FindingCode, resource: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, resource, message)
    }
    pub fn warning(code: FindingCode, resource: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, resource, message)
    }
    pub fn info(code: FindingCode, resource: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, resource, message)
    }
    /// Marks a role finding with the permission it is about.
    pub fn about(mut self, action: &str, decided_by: Option<crate::model::access::Decider>) -> Self {
        self.permission = Some(PermissionRef { action: action.to_owned(), decided_by });
        self
    }
    pub fn fix(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = Some(remediation.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts findings errors first, then by resource and code, so output is stable.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.severity, &a.resource, a.code).cmp(&(b.severity, &b.resource, b.code)));
}

pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_error)
}

/// One finding with where it is in a template or plan (`lint`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LintFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub location: Location,
}

/// A place in a template or plan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The logical id (template) or resource address (plan) the finding is about.
    pub address: String,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}", self.file),
            _ => write!(f, "{} ({})", self.file, self.address),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_documented_names() {
        for code in FindingCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: FindingCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn errors_sort_first() {
        let mut f = vec![
            Finding::info(FindingCode::FilterDeletesUnmatched, "b", "i"),
            Finding::warning(FindingCode::DlqMissing, "a", "w"),
            Finding::error(FindingCode::MappingMissing, "c", "e"),
        ];
        sort_findings(&mut f);
        assert_eq!(
            f.iter().map(|f| f.severity).collect::<Vec<_>>(),
            [Severity::Error, Severity::Warning, Severity::Info]
        );
        assert!(has_errors(&f));
    }
}
