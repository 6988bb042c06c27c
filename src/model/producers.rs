//! The producers of a queue: the AWS services that send to it on behalf of a resource (an SNS
//! topic's subscription, an EventBridge rule's target, an S3 bucket's notification), as
//! `doctor` finds them upstream of the queue. Plain data: `checks::producers` judges them.

use serde::Serialize;

use super::facts::{Encryption, Fact, KeyLookup, Unreadable};
use super::{QueueArn, QueueUrl};
use crate::policy::PolicyDocument;

/// Which service sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProducerKind {
    Sns,
    #[serde(rename = "eventbridge")]
    EventBridge,
    S3,
}

impl ProducerKind {
    pub const ALL: [ProducerKind; 3] = [ProducerKind::Sns, ProducerKind::EventBridge, ProducerKind::S3];

    /// The service principal that calls `sqs:SendMessage` (and KMS) for it.
    pub fn service(self) -> &'static str {
        match self {
            ProducerKind::Sns => "sns.amazonaws.com",
            ProducerKind::EventBridge => "events.amazonaws.com",
            ProducerKind::S3 => "s3.amazonaws.com",
        }
    }

    /// The kind of resource on whose behalf it sends, for people.
    pub fn noun(self) -> &'static str {
        match self {
            ProducerKind::Sns => "SNS topic",
            ProducerKind::EventBridge => "EventBridge rule",
            ProducerKind::S3 => "S3 bucket",
        }
    }

    /// The kind whose service principal is `service` (case-insensitive).
    pub fn of_service(service: &str) -> Option<ProducerKind> {
        ProducerKind::ALL.into_iter().find(|k| k.service().eq_ignore_ascii_case(service))
    }

    /// The kind of resource an `aws:SourceArn` names (`arn:aws:sns:…`, `arn:aws:events:…:rule/…`,
    /// `arn:aws:s3:::bucket`).
    pub fn of_source_arn(arn: &str) -> Option<ProducerKind> {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(_), Some(service)) = (parts.next(), parts.next(), parts.next()) else { return None };
        match service {
            "sns" => Some(ProducerKind::Sns),
            "events" => Some(ProducerKind::EventBridge),
            "s3" => Some(ProducerKind::S3),
            _ => None,
        }
    }
}

impl std::fmt::Display for ProducerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.noun())
    }
}

/// A statement of the queue policy that names a service principal, with the sources it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceStatement {
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// The service principals it names (`sns.amazonaws.com`, ...).
    pub services: Vec<String>,
    /// The values of its `aws:SourceArn` conditions.
    pub source_arns: Vec<String>,
    /// The values of its `aws:SourceAccount` conditions.
    pub source_accounts: Vec<String>,
}

/// One resource that sends to the queue through a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Producer {
    pub kind: ProducerKind,
    /// The topic, rule or bucket ARN: what `aws:SourceArn` is when the service sends for it.
    pub arn: String,
    /// Its name (a rule on another bus than `default` is `BUS/RULE`).
    pub name: String,
    /// Its account, where the ARN says it (an S3 bucket ARN does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// How it was found: "subscription …", "target … of the rule", "notification configuration".
    pub found_by: String,
    /// An EventBridge target's dead-letter queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq: Option<QueueArn>,
    /// An EventBridge target's `RoleArn` (AWS advises none for SQS targets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// The queue a producer sends to, or an EventBridge target's DLQ: where it is, how it is
/// encrypted, its policy and its key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Destination {
    pub arn: QueueArn,
    #[serde(skip)]
    pub url: Option<QueueUrl>,
    pub encryption: Encryption,
    #[serde(skip)]
    pub policy: Option<PolicyDocument>,
    /// Its KMS key (SSE-KMS only; `None` when not read).
    #[serde(skip)]
    pub key: Option<Fact<KeyLookup>>,
}

/// What CloudWatch counted for one producer over doctor's window (`doctor --metrics`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProducerMetrics {
    /// The producer's ARN.
    pub producer: String,
    /// SNS `NumberOfMessagesPublished`; EventBridge `Invocations`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempted: Option<u64>,
    /// SNS `NumberOfNotificationsDelivered`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered: Option<u64>,
    /// SNS `NumberOfNotificationsFailed`; EventBridge `FailedInvocations` (0 when none was
    /// published: EventBridge publishes it only when non-zero).
    pub failed: u64,
    /// The queue's `NumberOfMessagesSent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_sent: Option<u64>,
}

/// What doctor found upstream of one queue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProducerFacts {
    pub queue: Destination,
    /// The queue policy's statements that name a service principal.
    pub statements: Vec<ServiceStatement>,
    pub producers: Vec<Producer>,
    /// The dead-letter queues of EventBridge targets, as read.
    #[serde(skip)]
    pub dlqs: Vec<Fact<Destination>>,
    /// What could not be read (each one `check-skipped`).
    #[serde(skip)]
    pub skipped: Vec<Unreadable>,
}

impl ProducerFacts {
    /// The statements of a queue policy that name a service principal.
    pub fn service_statements(policy: Option<&PolicyDocument>) -> Vec<ServiceStatement> {
        use crate::policy::{Effect, PrincipalClause};
        let Some(policy) = policy else { return vec![] };
        let mut out = Vec::new();
        for statement in &policy.statements {
            let Some(PrincipalClause::Only(principals)) = &statement.principal else { continue };
            // Anyone (`"*"`, `{"AWS": "*"}`) includes every service principal.
            let anyone = matches!(principals, crate::policy::Principals::Anyone)
                || principals.values("AWS").iter().any(|v| v == "*");
            let mut services = principals.values("Service").to_vec();
            if anyone {
                services.push("*".to_owned());
            }
            if services.is_empty() {
                continue;
            }
            let values = |key: &str| -> Vec<String> {
                statement
                    .conditions
                    .iter()
                    .filter(|c| c.key.eq_ignore_ascii_case(key))
                    .flat_map(|c| c.values.iter().cloned())
                    .collect()
            };
            out.push(ServiceStatement {
                sid: statement.sid.clone(),
                effect: if statement.effect == Effect::Allow { "Allow" } else { "Deny" }.to_owned(),
                services,
                source_arns: values("aws:SourceArn"),
                source_accounts: values("aws:SourceAccount"),
            });
        }
        out
    }

    /// The exact (wildcard-free) source ARNs of `kind` that the queue policy's statements for
    /// service principals name (whichever service: a statement copied for the wrong one still
    /// names its source): the topics to list subscriptions of, the buckets to read.
    pub fn named_sources(statements: &[ServiceStatement], kind: ProducerKind) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in statements {
            for arn in &s.source_arns {
                if !arn.contains(['*', '?']) && ProducerKind::of_source_arn(arn) == Some(kind) && !out.contains(arn) {
                    out.push(arn.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_statements_and_named_sources() {
        let policy = PolicyDocument::parse(
            "queue policy",
            r#"{"Statement":[
              {"Sid":"sns","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*",
               "Condition":{"ArnEquals":{"aws:SourceArn":["arn:aws:sns:us-east-1:123456789012:orders","arn:aws:sns:us-east-1:123456789012:*"]}}},
              {"Effect":"Allow","Principal":{"Service":["s3.amazonaws.com"]},"Action":"sqs:SendMessage","Resource":"*",
               "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"aws:SourceAccount":"123456789012"}}},
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sqs:*","Resource":"*"}
            ]}"#,
        )
        .unwrap();
        let statements = ProducerFacts::service_statements(Some(&policy));
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[1].source_accounts, ["123456789012"]);
        assert_eq!(
            ProducerFacts::named_sources(&statements, ProducerKind::Sns),
            ["arn:aws:sns:us-east-1:123456789012:orders"]
        );
        assert_eq!(ProducerFacts::named_sources(&statements, ProducerKind::S3), ["arn:aws:s3:::uploads"]);
        assert!(ProducerFacts::named_sources(&statements, ProducerKind::EventBridge).is_empty());
        assert_eq!(ProducerKind::of_service("SNS.amazonaws.com"), Some(ProducerKind::Sns));
    }
}
