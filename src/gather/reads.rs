//! Which reads a command cannot do without, and which it merely consults: the one rule for a
//! read that fails, and the one list of reads (`docs/findings/check-skipped.md` lists the same).
//!
//! A *required* read is the subject of the command: the queue, the function, the mappings being
//! written, the caller, what `probe` and `logs` watch, the scope of `doctor --all`, what teardown
//! must know before it deletes. Without it the job cannot be done, so a failure is the command's
//! error (exit 3); only "access denied" on a read that doctor can do without is a `check-skipped`,
//! as it always was.
//!
//! An *advisory* read feeds one or a few checks. Whatever stops it (denied, an operation the
//! endpoint does not offer, an answer not in AWS's shape, no answer in time, throttled past every
//! retry, a server error) costs exactly those checks: it becomes one `check-skipped` naming the
//! operation and why, and the command goes on. Writes are never advisory.

use crate::error::{AwsError, AwsErrorKind};
use crate::model::facts::{Cause, Fact, Unreadable};
use crate::model::finding::FindingCode;

/// Whether a command can do its job without a read's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Required,
    Advisory,
}

/// One kind of read: what it reads, with which operations, and what is lost without it.
#[derive(Debug)]
pub struct Read {
    /// What is read, for people ("the dead-letter queue").
    pub fact: &'static str,
    /// The API operations (IAM action names) that read it.
    pub operations: &'static [&'static str],
    pub need: Need,
    /// The checks that need it: skipped when an advisory read fails.
    pub feeds: &'static [FindingCode],
}

use FindingCode as C;
use Need::{Advisory, Required};

pub static QUEUE: Read = Read {
    fact: "the queue",
    operations: &["sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ListQueueTags"],
    need: Required,
    feeds: &[],
};
pub static FUNCTION: Read =
    Read { fact: "the function", operations: &["lambda:GetFunction"], need: Required, feeds: &[] };
pub static MAPPINGS: Read = Read {
    fact: "the event source mappings of the queue or function",
    operations: &["lambda:ListEventSourceMappings", "lambda:GetEventSourceMapping"],
    need: Required,
    feeds: &[],
};
pub static CALLER: Read =
    Read { fact: "the caller's account", operations: &["sts:GetCallerIdentity"], need: Required, feeds: &[] };
pub static LOG_EVENTS: Read = Read {
    fact: "the function's log events (probe, logs)",
    operations: &["logs:FilterLogEvents", "logs:StartLiveTail"],
    need: Required,
    feeds: &[],
};
pub static SCOPE: Read = Read {
    fact: "the accounts and regions of doctor --all",
    operations: &["sts:AssumeRole", "account:ListRegions", "organizations:ListAccounts"],
    need: Required,
    feeds: &[],
};
pub static TEARDOWN_OWNERSHIP: Read = Read {
    fact: "what teardown must know before it deletes (a mapping's tags, a DLQ's source queues)",
    operations: &["lambda:ListTags", "sqs:ListDeadLetterSourceQueues"],
    need: Required,
    feeds: &[],
};

pub static DLQ: Read = Read {
    fact: "the dead-letter queue",
    operations: &["sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
    need: Advisory,
    feeds: &[C::DlqTypeMismatch, C::MessagesToDlq],
};
pub static KEY: Read = Read {
    fact: "the queue's KMS key",
    operations: &["kms:DescribeKey"],
    need: Advisory,
    feeds: &[
        C::KmsKeyNotFound,
        C::KmsKeyNotEnabled,
        C::KmsKeyPolicyMissingGrant,
        C::CrossAccountAwsManagedKey,
        C::RoleMissingPermission,
        C::ProducerAwsManagedKey,
        C::ProducerKeyNotEnabled,
        C::ProducerKeyPolicyMissingGrant,
    ],
};
pub static KEY_POLICY: Read = Read {
    fact: "the KMS key's policy",
    operations: &["kms:GetKeyPolicy"],
    need: Advisory,
    feeds: &[C::KmsKeyPolicyMissingGrant, C::ProducerKeyPolicyMissingGrant],
};
pub static FILTER_KEY: Read = Read {
    fact: "the KMS key of a mapping's filter criteria",
    operations: &["kms:DescribeKey", "kms:GetKeyPolicy"],
    need: Advisory,
    feeds: &[C::FilterCriteriaError, C::RoleMissingPermission],
};
pub static ROLE: Read = Read {
    fact: "the execution role and its policies",
    operations: &[
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
    ],
    need: Advisory,
    // The recursion checks ask the role whether it may send to its own queue.
    feeds: &[
        C::RoleMissingPermission,
        C::RoleExplicitDeny,
        C::RoleTrustMissingLambda,
        C::RecursiveLoopAllowed,
        C::RecursiveLoopPossible,
    ],
};
pub static SIMULATION: Read = Read {
    fact: "the IAM policy simulator's decision (our own evaluator decides without it)",
    operations: &["iam:SimulatePrincipalPolicy"],
    need: Advisory,
    feeds: &[],
};
pub static LOG_GROUP: Read = Read {
    fact: "whether the function's log group exists (logs:CreateLogGroup is needed only when not)",
    operations: &["logs:DescribeLogGroups"],
    need: Advisory,
    feeds: &[C::RoleMissingPermission],
};
pub static RECURSION: Read = Read {
    fact: "the function's recursive loop setting",
    operations: &["lambda:GetFunctionRecursionConfig"],
    need: Advisory,
    feeds: &[C::RecursiveLoopAllowed, C::RecursiveLoopPossible],
};
pub static ACCOUNT_CONCURRENCY: Read = Read {
    fact: "the account's Lambda concurrency",
    operations: &["lambda:GetAccountSettings"],
    need: Advisory,
    feeds: &[C::UnreservedConcurrencyLow],
};
pub static METRICS: Read = Read {
    fact: "the CloudWatch metrics (doctor --metrics)",
    operations: &["cloudwatch:GetMetricData"],
    need: Advisory,
    feeds: &[
        C::QueueNotPolled,
        C::BacklogGrowing,
        C::InvocationsThrottled,
        C::InvocationsFailing,
        C::MessagesToDlq,
        C::EventsFilteredOut,
    ],
};
pub static MAPPING_TAGS: Read = Read {
    fact: "a mapping's tags (doctor shows who owns it; no check needs them)",
    operations: &["lambda:ListTags"],
    need: Advisory,
    feeds: &[],
};

/// The checks of a queue's producers (doctor, upstream of the queue).
const PRODUCER_CHECKS: &[FindingCode] = &[
    C::ProducerQueuePolicyMissingGrant,
    C::ProducerAwsManagedKey,
    C::ProducerKeyPolicyMissingGrant,
    C::ProducerKeyNotEnabled,
    C::ProducerDlqUnusable,
];
pub static SNS_SUBSCRIPTIONS: Read = Read {
    fact: "the SNS subscriptions whose endpoint is the queue",
    operations: &["sns:ListSubscriptionsByTopic", "sns:ListSubscriptions"],
    need: Advisory,
    feeds: PRODUCER_CHECKS,
};
pub static EVENTBRIDGE_TARGETS: Read = Read {
    fact: "the EventBridge rules that target the queue",
    operations: &["events:ListEventBuses", "events:ListRuleNamesByTarget", "events:ListTargetsByRule"],
    need: Advisory,
    feeds: PRODUCER_CHECKS,
};
/// `GetBucketNotificationConfiguration`, whose IAM action is `s3:GetBucketNotification`.
pub static S3_NOTIFICATIONS: Read = Read {
    fact: "the notification configuration of a bucket the queue policy names",
    operations: &["s3:GetBucketNotification"],
    need: Advisory,
    feeds: PRODUCER_CHECKS,
};
pub static PRODUCER_DLQ: Read = Read {
    fact: "the dead-letter queue of an EventBridge target, and its key",
    operations: &[
        "sqs:GetQueueUrl",
        "sqs:GetQueueAttributes",
        "sqs:ListQueueTags",
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
    ],
    need: Advisory,
    feeds: &[C::ProducerDlqUnusable],
};
pub static PRODUCER_METRICS: Read = Read {
    fact: "the producers' CloudWatch metrics (doctor --metrics)",
    operations: &["cloudwatch:GetMetricData"],
    need: Advisory,
    feeds: &[C::ProducerDeliveriesFailing],
};

/// Every read, required and advisory.
pub static READS: &[&Read] = &[
    &QUEUE,
    &FUNCTION,
    &MAPPINGS,
    &CALLER,
    &LOG_EVENTS,
    &SCOPE,
    &TEARDOWN_OWNERSHIP,
    &DLQ,
    &KEY,
    &KEY_POLICY,
    &FILTER_KEY,
    &ROLE,
    &SIMULATION,
    &LOG_GROUP,
    &RECURSION,
    &ACCOUNT_CONCURRENCY,
    &METRICS,
    &MAPPING_TAGS,
    &SNS_SUBSCRIPTIONS,
    &EVENTBRIDGE_TARGETS,
    &S3_NOTIFICATIONS,
    &PRODUCER_DLQ,
    &PRODUCER_METRICS,
];

impl Read {
    /// The advisory rule: whatever stopped the read, the fact is `Unreadable` (one
    /// `check-skipped` naming the operation and why) and the command goes on. `-v` shows the
    /// endpoint's status and the start of its answer.
    pub fn advisory<T>(&'static self, fact: impl Into<String>, result: Result<T, AwsError>) -> Fact<T> {
        debug_assert_eq!(self.need, Advisory, "{} is a required read", self.fact);
        let err = match result {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        debug_assert!(self.operations.contains(&err.action), "{} does not read {}", err.action, self.fact);
        let fact = fact.into();
        let cause = cause_of(&err);
        match &err.answer {
            Some(answer) => tracing::info!(
                "skipped the checks that need {fact}: {} answered HTTP {}: {}",
                err.action,
                answer.status,
                answer.body
            ),
            None => {
                tracing::info!("skipped the checks that need {fact}: {} got no answer: {}", err.action, err.message)
            }
        }
        Err(Unreadable {
            kind: Default::default(),
            cause,
            feeds: self.feeds,
            fact,
            permission: err.action.to_owned(),
            detail: reason(cause, &err),
        })
    }

    /// The required rule: access denied on a read the command can report without is
    /// `Unreadable` (a `check-skipped`); every other failure is the command's error.
    pub fn required<T>(
        &'static self,
        fact: impl Into<String>,
        result: Result<T, AwsError>,
    ) -> Result<Fact<T>, AwsError> {
        debug_assert_eq!(self.need, Required, "{} is an advisory read", self.fact);
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(err) if err.kind == AwsErrorKind::AccessDenied => Ok(Err(Unreadable {
                kind: Default::default(),
                cause: Cause::Denied,
                feeds: &[],
                fact: fact.into(),
                permission: err.action.to_owned(),
                detail: err.message,
            })),
            Err(err) => Err(err),
        }
    }
}

/// Codes with which endpoints say "no such operation" (AWS query and JSON protocols, Smithy
/// servers, emulators).
const NOT_OFFERED: &[&str] = &[
    "UnknownOperationException",
    "UnknownOperation",
    "InvalidAction",
    "NotImplemented",
    "NotImplementedException",
    "UnsupportedOperation",
    "UnsupportedOperationException",
    "InternalFailure.NotImplemented",
];

/// Why an advisory read failed, from what the endpoint answered.
fn cause_of(err: &AwsError) -> Cause {
    let status = err.answer.as_ref().map(|a| a.status);
    let code = err.code.as_deref();
    match err.kind {
        AwsErrorKind::AccessDenied => Cause::Denied,
        AwsErrorKind::Timeout | AwsErrorKind::Throttling | AwsErrorKind::Unreachable => Cause::NoAnswer,
        _ if code.is_some_and(|c| NOT_OFFERED.contains(&c)) || matches!(status, Some(501)) => Cause::NotOffered,
        // A 404 that is not one of the service's own "no such resource" codes: no such route.
        _ if status == Some(404) && err.kind != AwsErrorKind::NotFound => Cause::NotOffered,
        _ if code.is_none() && err.kind == AwsErrorKind::Service => Cause::BadAnswer,
        _ => Cause::Failed,
    }
}

/// The one-line reason a `check-skipped` gives.
fn reason(cause: Cause, err: &AwsError) -> String {
    let status = err.answer.as_ref().map(|a| format!("HTTP {}", a.status));
    let answered = |what: &str| match (&status, &err.code) {
        (Some(s), Some(c)) => format!("{what} ({s}, {c})"),
        (Some(s), None) => format!("{what} ({s})"),
        (None, Some(c)) => format!("{what} ({c})"),
        (None, None) => what.to_owned(),
    };
    match cause {
        Cause::Denied => format!("access denied: {}", err.message),
        Cause::NotOffered => answered("the endpoint does not offer this operation"),
        Cause::BadAnswer => answered("the answer is not in AWS's shape"),
        Cause::NoAnswer => match err.kind {
            AwsErrorKind::Throttling => "throttled past every retry".to_owned(),
            AwsErrorKind::Unreachable => "the endpoint could not be reached".to_owned(),
            _ => "no answer in time".to_owned(),
        },
        Cause::Failed => match &err.code {
            Some(code) => format!("{code}: {}", err.message),
            None => answered(&err.message),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RawAnswer;

    fn failed(kind: AwsErrorKind, code: Option<&str>, status: Option<u16>, message: &str) -> AwsError {
        AwsError {
            action: "lambda:GetAccountSettings",
            resource: "the account".into(),
            kind,
            code: code.map(str::to_owned),
            message: message.into(),
            hint: None,
            answer: status.map(|status| Box::new(RawAnswer { status, body: "<html>".into() })),
        }
    }

    #[test]
    fn every_failure_of_an_advisory_read_is_one_unreadable_naming_the_operation() {
        let cases = [
            (failed(AwsErrorKind::AccessDenied, Some("AccessDeniedException"), Some(403), "no"), Cause::Denied),
            (failed(AwsErrorKind::Service, Some("UnknownOperationException"), Some(400), "x"), Cause::NotOffered),
            (failed(AwsErrorKind::InvalidRequest, Some("InvalidAction"), Some(400), "x"), Cause::NotOffered),
            (failed(AwsErrorKind::Service, Some("NoSuchBucket"), Some(404), "x"), Cause::NotOffered),
            (failed(AwsErrorKind::Service, None, Some(404), "unreadable"), Cause::NotOffered),
            (failed(AwsErrorKind::Service, None, Some(200), "unreadable"), Cause::BadAnswer),
            (failed(AwsErrorKind::Timeout, None, None, "no answer in time"), Cause::NoAnswer),
            (failed(AwsErrorKind::Throttling, Some("ThrottlingException"), Some(400), "slow"), Cause::NoAnswer),
            (failed(AwsErrorKind::Service, Some("ServiceException"), Some(500), "boom"), Cause::Failed),
        ];
        for (err, cause) in cases {
            let why = format!("{err:?}");
            let u = ACCOUNT_CONCURRENCY.advisory("the account's Lambda concurrency", Err::<(), _>(err)).unwrap_err();
            assert_eq!(u.cause, cause, "{why}");
            assert_eq!(u.permission, "lambda:GetAccountSettings", "{why}");
            assert!(!u.detail.contains('\n'), "one line: {}", u.detail);
        }
        assert_eq!(ACCOUNT_CONCURRENCY.advisory("x", Ok::<_, AwsError>(7)), Ok(7));
    }

    #[test]
    fn a_required_read_stops_on_anything_but_access_denied() {
        let denied = failed(AwsErrorKind::AccessDenied, Some("AccessDenied"), Some(403), "no");
        assert!(matches!(QUEUE.required("queue q", Err::<(), _>(denied)), Ok(Err(u)) if u.cause == Cause::Denied));
        let gone = failed(AwsErrorKind::Service, None, Some(404), "unreadable");
        assert!(QUEUE.required("queue q", Err::<(), _>(gone)).is_err());
    }

    #[test]
    fn each_read_is_listed_once_and_advisory_reads_name_their_operations() {
        let mut seen = std::collections::HashSet::new();
        for read in READS {
            assert!(seen.insert(read.fact), "{} is listed twice", read.fact);
            assert!(!read.operations.is_empty(), "{}", read.fact);
            assert!(read.operations.iter().all(|op| op.contains(':')), "{}", read.fact);
        }
    }

    #[test]
    fn the_check_skipped_page_lists_every_advisory_read() {
        let page = include_str!("../../docs/findings/check-skipped.md");
        for read in READS.iter().filter(|r| r.need == Advisory) {
            for op in read.operations {
                assert!(page.contains(&format!("`{op}`")), "docs/findings/check-skipped.md does not list {op}");
            }
        }
    }
}
