//! Function checks: can the function be invoked at all?

use super::TriggerFacts;
use crate::model::facts::{AccountConcurrency, FunctionFacts, RecursiveLoop};
use crate::model::{Finding, FindingCode};

/// The poller starts with five concurrent batches on a standard queue ("Lambda starts
/// processing five batches at a time with five concurrent invocations",
/// <https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html>).
pub const INITIAL_POLLER_CONCURRENCY: i32 = 5;

/// What Lambda keeps unreserved for the functions without a reservation: "You can reserve
/// concurrency for as many functions as you like, as long as you leave at least 100
/// simultaneous executions unreserved for functions that aren't configured with a per-function
/// limit" (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html>). An
/// account with less unreserved than this has a quota below Lambda's default.
pub const MIN_UNRESERVED_CONCURRENCY: i32 = 100;

/// "Lambda will stop recursive invocations between Amazon SQS, AWS Lambda, and Amazon SNS
/// after 16 recursive calls" (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html>).
pub const RECURSION_LIMIT: u32 = 16;

pub fn check(facts: &TriggerFacts) -> Vec<Finding> {
    let Some(function) = &facts.function else { return Vec::new() };
    let mut findings: Vec<Finding> = state(function).into_iter().chain(throttled(function)).collect();
    if has_mapping(facts) {
        let account = facts.account_concurrency.as_ref().and_then(|a| a.as_ref().ok());
        let queue = facts.queue.as_ref().map(|q| q.arn.to_string());
        findings.extend(concurrency(function, queue.as_deref(), max_concurrency(facts), account));
    }
    findings.extend(recursion(facts));
    findings
}

/// A mapping exists (enabled) or is about to be created: the concurrency rules apply.
fn has_mapping(facts: &TriggerFacts) -> bool {
    facts.request.as_ref().is_some_and(|r| r.enabled)
        || matches!(&facts.mappings, Some(Ok(m)) if m.iter().any(|m| m.is_enabled()))
}

/// The mapping's `MaximumConcurrency`: the one asked for (`mapping create`), else the highest
/// of the pair's enabled mappings (doctor).
pub fn max_concurrency(facts: &TriggerFacts) -> Option<i32> {
    if let Some(request) = &facts.request {
        return request.max_concurrency;
    }
    match &facts.mappings {
        Some(Ok(mappings)) => mappings.iter().filter(|m| m.is_enabled()).filter_map(|m| m.max_concurrency).max(),
        _ => None,
    }
}

/// `reserved-concurrency-below-maximum` and `unreserved-concurrency-low`: the poller invokes
/// up to the mapping's MaximumConcurrency (or, without one, starts with five batches and scales
/// up); what the function's reservation (or the account's unreserved pool) cannot run is
/// throttled. A throttled batch goes back to the queue when its visibility timeout ends, and
/// each such receive counts toward maxReceiveCount: good messages land in the DLQ
/// (<https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html>). "Don't set
/// maximum concurrency higher than the function's reserved concurrency"
/// (<https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html>).
pub fn concurrency(
    function: &FunctionFacts,
    queue: Option<&str>,
    max_concurrency: Option<i32>,
    account: Option<&AccountConcurrency>,
) -> Option<Finding> {
    let name = function.arn.name();
    // Changes only MaximumConcurrency of the existing mapping (or creates it so).
    let cap = |n: i32| {
        format!(
            "sqs-trigger mapping create --function {} --queue {} --max-concurrency {n}",
            function.arn,
            queue.unwrap_or("QUEUE")
        )
    };
    let dlq = "throttled batches go back to the queue and each receive counts toward maxReceiveCount, so good \
               messages can land in the dead-letter queue";
    match (function.reserved_concurrency, max_concurrency) {
        // 0 is function-throttled.
        (Some(0), _) => None,
        (Some(reserved), Some(maximum)) if maximum > reserved => Some(
            Finding::warning(
                FindingCode::ReservedConcurrencyBelowMaximum,
                function.arn.to_string(),
                format!(
                    "{name}'s reserved concurrency ({reserved}) is below the mapping's MaximumConcurrency \
                     ({maximum}): the poller starts up to {maximum} invocations and those beyond {reserved} are \
                     throttled; {dlq}"
                ),
            )
            .fix(if reserved >= 2 {
                format!(
                    "raise the reservation (aws lambda put-function-concurrency --function-name {name} \
                     --reserved-concurrent-executions {maximum}) or cap the mapping at it: {}",
                    cap(reserved)
                )
            } else {
                format!(
                    "raise the reservation to at least the mapping's maximum: aws lambda put-function-concurrency \
                     --function-name {name} --reserved-concurrent-executions {maximum}"
                )
            }),
        ),
        (Some(reserved), None) if reserved < INITIAL_POLLER_CONCURRENCY => Some(
            Finding::warning(
                FindingCode::ReservedConcurrencyBelowMaximum,
                function.arn.to_string(),
                format!(
                    "{name}'s reserved concurrency ({reserved}) is below the {INITIAL_POLLER_CONCURRENCY} \
                     concurrent batches the poller starts with, and the mapping has no MaximumConcurrency: \
                     invocations beyond {reserved} are throttled; {dlq}"
                ),
            )
            .fix(if reserved >= 2 {
                format!("cap the mapping at the reservation: {}", cap(reserved))
            } else {
                format!(
                    "raise the reservation to at least 2 and cap the mapping with --max-concurrency: aws lambda \
                     put-function-concurrency --function-name {name} --reserved-concurrent-executions \
                     {INITIAL_POLLER_CONCURRENCY}"
                )
            }),
        ),
        (Some(_), _) => None,
        (None, maximum) => {
            let account = account?;
            let needed = maximum.unwrap_or(MIN_UNRESERVED_CONCURRENCY);
            (account.unreserved < needed).then(|| {
                let why = match maximum {
                    Some(m) => format!("below the mapping's MaximumConcurrency ({m})"),
                    None => format!(
                        "below the {MIN_UNRESERVED_CONCURRENCY} Lambda keeps unreserved by default (the account's \
                         quota is {})",
                        account.limit
                    ),
                };
                Finding::warning(
                    FindingCode::UnreservedConcurrencyLow,
                    function.arn.to_string(),
                    format!(
                        "{name} has no reserved concurrency and the account's unreserved concurrency in this region \
                         is {} ({why}): every function without a reservation shares it, and invocations beyond it \
                         are throttled; {dlq}",
                        account.unreserved
                    ),
                )
                .fix(format!(
                    "cap the mapping below what is free (--max-concurrency), reserve concurrency for {name} (aws \
                     lambda put-function-concurrency), or ask for a higher quota (Service Quotas: Lambda \
                     \"Concurrent executions\")"
                ))
            })
        }
    }
}

/// `recursive-loop-allowed` / `recursive-loop-possible`: the execution role may send to the
/// very queue that triggers the function, so a function that does loops. Lambda stops such a
/// loop after about 16 rounds unless the function's `RecursiveLoop` is `Allow`
/// (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html>).
pub fn recursion(facts: &TriggerFacts) -> Option<Finding> {
    let function = facts.function.as_ref()?;
    let queue = facts.queue.as_ref()?;
    let setting = facts.recursive_loop.as_ref()?.as_ref().ok()?;
    if !super::role::may_send_to_queue(facts)? {
        return None;
    }
    let name = function.arn.name();
    let sends = format!(
        "the execution role may sqs:SendMessage to {}, the queue that triggers {name}: if {name} sends there, \
         each message it sends triggers it again",
        queue.name
    );
    Some(match setting {
        RecursiveLoop::Allow => Finding::warning(
            FindingCode::RecursiveLoopAllowed,
            function.arn.to_string(),
            format!(
                "{sends}, and its recursive loop detection is off (RecursiveLoop: Allow): Lambda lets such a loop run \
                 (and bill) without end"
            ),
        )
        .fix(format!(
            "unless the loop is intended and bounded by the code, turn detection back on: aws lambda \
             put-function-recursion-config --function-name {name} --recursive-loop Terminate"
        )),
        _ => Finding::info(
            FindingCode::RecursiveLoopPossible,
            function.arn.to_string(),
            format!(
                "{sends}; with RecursiveLoop: {} Lambda stops a loop after about {RECURSION_LIMIT} rounds and sends \
                 the message to the dead-letter queue",
                setting.as_str()
            ),
        )
        .fix(format!(
            "if {name} is not meant to send to its own source queue, remove sqs:SendMessage on {} from its role",
            queue.arn
        )),
    })
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
    fn reservations_against_the_mappings_concurrency() {
        use FindingCode::*;
        let account = |unreserved| AccountConcurrency { limit: 1000, unreserved };
        // (reserved, MaximumConcurrency, unreserved, expected)
        type Case = (Option<i32>, Option<i32>, Option<i32>, Option<FindingCode>);
        let cases: &[Case] = &[
            (None, None, Some(900), None),
            (Some(0), Some(10), None, None),
            (Some(10), Some(10), None, None),
            (Some(10), Some(5), None, None),
            (Some(3), Some(10), None, Some(ReservedConcurrencyBelowMaximum)),
            (Some(1), Some(2), None, Some(ReservedConcurrencyBelowMaximum)),
            (Some(4), None, None, Some(ReservedConcurrencyBelowMaximum)),
            (Some(5), None, None, None),
            (None, Some(50), Some(40), Some(UnreservedConcurrencyLow)),
            (None, Some(50), Some(50), None),
            (None, None, Some(10), Some(UnreservedConcurrencyLow)),
            (None, None, Some(100), None),
            (None, Some(50), None, None),
        ];
        for (reserved, maximum, unreserved, expected) in cases {
            let mut f = function(30);
            f.reserved_concurrency = *reserved;
            let found = concurrency(
                &f,
                Some("arn:aws:sqs:us-east-1:123456789012:orders"),
                *maximum,
                unreserved.map(account).as_ref(),
            );
            assert_eq!(found.as_ref().map(|f| f.code), *expected, "{reserved:?} {maximum:?} {unreserved:?}");
            if let Some(found) = found {
                assert_eq!(found.severity, Severity::Warning);
                assert!(found.message.contains("maxReceiveCount"), "{}", found.message);
            }
        }
    }

    #[test]
    fn concurrency_rules_read_the_mapping_or_the_request() {
        let q = queue("orders");
        let mut f = facts(q.clone(), function(30));
        f.function.as_mut().unwrap().reserved_concurrency = Some(3);
        assert!(check(&f).is_empty(), "no mapping: nothing polls");
        let mut m = crate::checks::queue::fixtures::mapping(&q, "Enabled");
        m.max_concurrency = Some(10);
        f.mappings = Some(Ok(vec![m]));
        assert_eq!(
            check(&f).iter().map(|f| f.code).collect::<Vec<_>>(),
            [FindingCode::ReservedConcurrencyBelowMaximum]
        );
        f.request = Some(crate::model::facts::MappingRequest {
            max_concurrency: Some(3),
            ..crate::checks::queue::fixtures::request()
        });
        assert!(check(&f).is_empty(), "the request caps it at the reservation");
    }

    #[test]
    fn recursion_when_the_role_may_feed_its_own_queue() {
        use crate::checks::role::tests::role_facts;
        let send =
            r#"{"Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"*"}]}"#;
        let receive = r#"{"Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]}"#;
        // (policy, setting, expected)
        let cases = [
            (send, Some(RecursiveLoop::Allow), Some(FindingCode::RecursiveLoopAllowed)),
            (send, Some(RecursiveLoop::Terminate), Some(FindingCode::RecursiveLoopPossible)),
            (send, None, None),
            (receive, Some(RecursiveLoop::Allow), None),
        ];
        for (policy, setting, expected) in cases {
            let mut f = facts(queue("orders"), function(30));
            let mut role = role_facts(&[("inline policy p", policy)], None, crate::checks::role::LAMBDA_SERVICE);
            role.arn = f.function.as_ref().unwrap().role.clone();
            f.role = Some(Ok(role));
            f.recursive_loop = setting.clone().map(Ok);
            let found = recursion(&f);
            assert_eq!(found.as_ref().map(|f| f.code), expected, "{policy} {setting:?}");
            if let Some(found) = found {
                assert!(found.message.contains("sqs:SendMessage"), "{}", found.message);
            }
        }
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
