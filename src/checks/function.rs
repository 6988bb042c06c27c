//! Function checks: can the function be invoked at all?

use super::TriggerFacts;
use crate::model::facts::FunctionFacts;
use crate::model::{Finding, FindingCode};

pub fn check(facts: &TriggerFacts) -> Vec<Finding> {
    let Some(function) = &facts.function else { return Vec::new() };
    state(function).into_iter().chain(throttled(function)).collect()
}

/// `function-not-active`: Lambda only invokes an `Active` function. `Failed` never recovers
/// by itself (error); `Pending` is still being created and `Inactive` is woken by the next
/// invocation, whose first attempts fail (warnings).
pub fn state(function: &FunctionFacts) -> Option<Finding> {
    let state = function.state.as_deref()?;
    let name = function.arn.name();
    let reason = function.state_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    let get = format!("aws lambda get-function --function-name {name} --query Configuration.[State,StateReason]");
    match state {
        "Active" => None,
        "Failed" => {
            let code = function.state_reason_code.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default();
            Some(
                Finding::error(
                    FindingCode::FunctionNotActive,
                    function.arn.to_string(),
                    format!(
                        "the function is in state Failed{reason}{code}: its resource configuration or provisioning \
                         failed, so Lambda cannot invoke it and no message is processed"
                    ),
                )
                .fix(format!(
                    "a Failed function does not recover by itself: fix the cause its StateReasonCode names (e.g. a \
                     subnet, security group, image, KMS key or role permission), then deploy it again, or delete \
                     the function and create it again; check with: aws lambda get-function --function-name {name} \
                     --query Configuration.[State,StateReason,StateReasonCode]"
                )),
            )
        }
        "Pending" => Some(
            Finding::warning(
                FindingCode::FunctionNotActive,
                function.arn.to_string(),
                format!(
                    "the function is still being created (state Pending{reason}): invocations fail until it is Active"
                ),
            )
            .fix(format!("wait until it is Active: aws lambda wait function-active-v2 --function-name {name}")),
        ),
        other => Some(
            Finding::warning(
                FindingCode::FunctionNotActive,
                function.arn.to_string(),
                format!(
                    "the function is in state {other}{reason}: the first invocations fail while Lambda makes it \
                     Active again"
                ),
            )
            .fix(format!("invoke it once or wait; check with: {get}")),
        ),
    }
}

/// `function-throttled`: reserved concurrency 0 means Lambda invokes it never; every batch is
/// throttled, returned to the queue, and after maxReceiveCount receives moved to the DLQ.
pub fn throttled(function: &FunctionFacts) -> Option<Finding> {
    (function.reserved_concurrency == Some(0)).then(|| {
        Finding::error(
            FindingCode::FunctionThrottled,
            function.arn.to_string(),
            "the function's reserved concurrency is 0: every invocation is throttled, so messages are received, \
             returned, and after maxReceiveCount receives moved to the dead-letter queue (or lost without one)",
        )
        .fix(format!(
            "aws lambda delete-function-concurrency --function-name {} (or put a reserved concurrency above 0)",
            function.arn.name()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::queue::fixtures::{facts, function, queue};
    use crate::model::Severity;

    #[test]
    fn states() {
        let cases = [
            (None, None),
            (Some("Active"), None),
            (Some("Pending"), Some(Severity::Warning)),
            (Some("Inactive"), Some(Severity::Warning)),
            (Some("Failed"), Some(Severity::Error)),
        ];
        for (s, expected) in cases {
            let mut f = function(30);
            f.state = s.map(str::to_owned);
            f.state_reason = Some("because".into());
            f.state_reason_code = Some("InvalidSubnet".into());
            let found = state(&f);
            assert_eq!(found.as_ref().map(|f| f.severity), expected, "{s:?}");
            if let Some(found) = found {
                assert_eq!(found.code, FindingCode::FunctionNotActive);
                assert!(found.message.contains("because"), "the state reason is shown");
            }
        }
    }

    #[test]
    fn failed_is_fixed_at_its_cause_then_redeployed_or_recreated() {
        // https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html: Failed means
        // "resource configuration or provisioning encountered an error"; an update alone does not
        // fix the cause.
        let mut f = function(30);
        f.state = Some("Failed".into());
        f.state_reason = Some("The provided subnet does not exist".into());
        f.state_reason_code = Some("InvalidSubnet".into());
        let found = state(&f).unwrap();
        assert!(found.message.contains("[InvalidSubnet]"), "{}", found.message);
        let fix = found.remediation.unwrap();
        assert!(fix.contains("StateReasonCode") && fix.contains("delete the function and create it again"), "{fix}");
        assert!(!fix.contains("update the function"), "{fix}");
    }

    #[test]
    fn reserved_concurrency() {
        for (reserved, throttled_expected) in [(None, false), (Some(0), true), (Some(1), false), (Some(100), false)] {
            let mut f = function(30);
            f.reserved_concurrency = reserved;
            assert_eq!(throttled(&f).is_some(), throttled_expected, "{reserved:?}");
        }
    }

    #[test]
    fn check_combines() {
        let mut f = function(30);
        f.state = Some("Failed".into());
        f.reserved_concurrency = Some(0);
        let codes: Vec<_> = check(&facts(queue("orders"), f)).iter().map(|f| f.code).collect();
        assert_eq!(codes, [FindingCode::FunctionNotActive, FindingCode::FunctionThrottled]);
        assert!(check(&facts(queue("orders"), function(30))).is_empty());
    }
}
