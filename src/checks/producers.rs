//! producer checks: can each service that sends to the queue (an SNS topic's subscription, an
//! EventBridge rule's target, an S3 bucket's notification) still deliver?
//!
//! A service sending to an SSE-KMS queue calls `sqs:SendMessage` as its service principal, so
//! the queue policy must allow that principal for that resource (`aws:SourceArn`), and the
//! queue's key policy must let the principal use the key (`kms:GenerateDataKey*`,
//! `kms:Decrypt`). The AWS managed key `alias/aws/sqs` can never serve it: its policy allows only
//! callers through SQS in the account, and cannot be edited. When this is wrong, nothing is
//! delivered and the consumer sees nothing at all
//! (SQS developer guide, key management, "compatibility between AWS services and encrypted
//! queues": <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#compatibility-with-aws-services>).
//!
//! Pure: `ProducerFacts` in, findings out. sqs-trigger never edits a key or queue policy: each
//! finding prints the statement to add and the command to add it with.

use serde_json::json;

use crate::model::facts::{Encryption, KeyFacts, KeyLookup, KeyManager};
use crate::model::producers::{Destination, Producer, ProducerFacts, ProducerKind, ProducerMetrics};
use crate::model::{Finding, FindingCode, QueueArn};
use crate::policy::{self, KnownContext, ResourceGrant};

/// The key actions a service needs to send to an SSE-KMS queue.
pub const KEY_ACTIONS: [&str; 2] = ["kms:GenerateDataKey", "kms:Decrypt"];
/// How the key statement names them (the `*` covers `GenerateDataKeyWithoutPlaintext`).
const KEY_STATEMENT_ACTIONS: [&str; 2] = ["kms:GenerateDataKey*", "kms:Decrypt"];
const SEND_MESSAGE: &str = "sqs:SendMessage";

/// Every producer finding of the facts.
pub fn check(facts: &ProducerFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for producer in &facts.producers {
        findings.extend(send_grant(&facts.queue, producer, FindingCode::ProducerQueuePolicyMissingGrant));
        findings.extend(key_serves(&facts.queue, producer));
        if let Some(dlq) = &producer.dlq {
            findings.extend(dlq_serves(facts, producer, dlq));
        }
    }
    findings.extend(facts.skipped.iter().map(super::skipped_finding));
    findings
}

/// Whether the producer's sends are certain, impossible or depend on conditions, in one word
/// for the report.
pub fn verdict(facts: &ProducerFacts, producer: &Producer) -> &'static str {
    let findings: Vec<Finding> = send_grant(&facts.queue, producer, FindingCode::ProducerQueuePolicyMissingGrant)
        .into_iter()
        .chain(key_serves(&facts.queue, producer))
        .collect();
    if findings.iter().any(Finding::is_error) {
        "blocked"
    } else if findings.is_empty() {
        "delivers"
    } else {
        "conditional"
    }
}

fn context(producer: &Producer, queue: &QueueArn) -> KnownContext {
    // An S3 bucket's ARN names no account: the bucket was read with the caller's credentials
    // in the queue's account (docs/findings/producer-queue-policy-missing-grant.md).
    let account = producer.account.clone().unwrap_or_else(|| queue.account().to_owned());
    KnownContext::service_on_behalf_of(&producer.arn, Some(&account))
}

/// `producer-queue-policy-missing-grant`: the queue policy must let the service send for this
/// producer (`sqs:SendMessage`, with its `aws:SourceArn`).
fn send_grant(queue: &Destination, producer: &Producer, code: FindingCode) -> Option<Finding> {
    let service = producer.kind.service();
    let what = describe(producer);
    let statement = queue_statement_json(producer, &queue.arn);
    let how = queue_policy_command(queue);
    let finding = |severity_error: bool, why: String| {
        let message = format!("{what} cannot deliver to {}: {why}", queue.arn);
        let f = if severity_error {
            Finding::error(code, producer.arn.clone(), message)
        } else {
            Finding::warning(code, producer.arn.clone(), message)
        };
        f.fix(format!("add this statement to the queue policy of {}:\n{statement}\n({how})", queue.arn))
    };
    let Some(policy) = &queue.policy else {
        return Some(finding(true, format!("the queue has no policy, so {service} may not call {SEND_MESSAGE}")));
    };
    let grant = policy::evaluate_service_grant(
        policy,
        service,
        SEND_MESSAGE,
        &queue.arn.to_string(),
        &context(producer, &queue.arn),
    );
    match grant {
        ResourceGrant::Direct { condition_keys, .. } if condition_keys.is_empty() => None,
        ResourceGrant::Direct { sid, condition_keys } => Some(finding(
            false,
            format!(
                "the queue policy allows {service} {SEND_MESSAGE}{} only if conditions on {} hold, which sqs-trigger cannot tell",
                sid_label(sid.as_deref()),
                condition_keys.join(", ")
            ),
        )),
        ResourceGrant::ExplicitDeny { sid } => Some(finding(
            true,
            format!("the queue policy denies {service} {SEND_MESSAGE}{}", sid_label(sid.as_deref())),
        )),
        ResourceGrant::NotGranted | ResourceGrant::DelegatedToAccount { .. } => {
            let others = other_sources(policy, service, &producer.arn);
            let why = if others.is_empty() {
                format!("the queue policy does not allow {service} to call {SEND_MESSAGE}")
            } else {
                format!(
                    "the queue policy allows {service} {SEND_MESSAGE} only with aws:SourceArn {}, not {}",
                    others.join(", "),
                    producer.arn
                )
            };
            Some(finding(true, why))
        }
    }
}

/// The `aws:SourceArn` values the policy's statements for `service` name, other than `arn`.
fn other_sources(policy: &crate::policy::PolicyDocument, service: &str, arn: &str) -> Vec<String> {
    let statements = ProducerFacts::service_statements(Some(policy));
    let mut out: Vec<String> = Vec::new();
    for s in statements.iter().filter(|s| s.services.iter().any(|v| v.eq_ignore_ascii_case(service))) {
        for source in &s.source_arns {
            if source != arn && !out.contains(source) {
                out.push(source.clone());
            }
        }
    }
    out
}

/// The key findings of the queue (`ProducerDlqUnusable` for an EventBridge target's DLQ
/// otherwise).
fn key_serves(queue: &Destination, producer: &Producer) -> Option<Finding> {
    key_finding(queue, producer, false)
}

fn key_finding(queue: &Destination, producer: &Producer, dlq: bool) -> Option<Finding> {
    let Encryption::Kms { key_id } = &queue.encryption else { return None };
    let service = producer.kind.service();
    let what = describe(producer);
    let role = if dlq { format!("its dead-letter queue {}", queue.arn) } else { format!("queue {}", queue.arn) };
    let code = |normal: FindingCode| if dlq { FindingCode::ProducerDlqUnusable } else { normal };
    let alternative = sse_sqs_alternative(&queue.arn);
    let found = match &queue.key {
        Some(Ok(KeyLookup::Found(key))) => Some(key),
        _ => None,
    };
    if is_aws_managed_sqs_key(key_id) || found.is_some_and(|k| k.manager == KeyManager::Aws) {
        let f = Finding::error(
            code(FindingCode::ProducerAwsManagedKey),
            producer.arn.clone(),
            format!(
                "{what} cannot deliver to {role}: it is encrypted with the AWS managed key {key_id}, whose key policy \
                 allows only callers through SQS in the account and cannot be edited, so {service} can never use it"
            ),
        )
        .fix(format!(
            "{alternative}; or encrypt it with a customer managed key whose key policy has this statement \
             (sqs-trigger queue create {} --kms-key KEY --update):\n{}",
            queue.arn.name(),
            key_statement_json(producer.kind)
        ));
        return Some(soften(f, dlq));
    }
    let key: &KeyFacts = match &queue.key {
        Some(Ok(KeyLookup::Found(key))) => key,
        Some(Ok(KeyLookup::NotFound { key_id: missing })) => {
            return Some(
                Finding::error(
                    code(FindingCode::ProducerKeyNotEnabled),
                    producer.arn.clone(),
                    format!("{what} cannot deliver to {role}: its KMS key {missing} does not exist"),
                )
                .fix(format!("point the queue at an existing key (--kms-key KEY --update), or {alternative}")),
            );
        }
        // Not read (said by its own check-skipped).
        _ => return None,
    };
    if !key.is_enabled() {
        let f = Finding::error(
            code(FindingCode::ProducerKeyNotEnabled),
            producer.arn.clone(),
            format!(
                "{what} cannot deliver to {role}: its KMS key {} is {}, so {service} cannot encrypt messages for it",
                key.arn, key.state
            ),
        )
        .fix(match key.state.as_str() {
            "PendingDeletion" => format!(
                "cancel the deletion and enable the key: aws kms cancel-key-deletion --key-id {0} && aws kms enable-key --key-id {0}",
                key.arn
            ),
            _ => format!("enable the key: aws kms enable-key --key-id {}", key.arn),
        });
        return Some(soften(f, dlq));
    }
    let Ok(doc) = &key.policy else { return None };
    let context = context(producer, &queue.arn);
    let mut missing = Vec::new();
    let mut conditional = Vec::new();
    for action in KEY_ACTIONS {
        match policy::evaluate_service_grant(doc, service, action, &key.arn.to_string(), &context) {
            ResourceGrant::Direct { condition_keys, .. } if condition_keys.is_empty() => {}
            ResourceGrant::Direct { condition_keys, .. } => {
                conditional.push(format!("{action} ({})", condition_keys.join(", ")))
            }
            _ => missing.push(action),
        }
    }
    let fix = format!(
        "add this statement to the key policy of {} (sqs-trigger never edits key policies; {}):\n{}\nor {alternative}",
        key.arn,
        key_policy_command(&key.arn.to_string()),
        key_statement_json(producer.kind)
    );
    if !missing.is_empty() {
        let f = Finding::error(
            code(FindingCode::ProducerKeyPolicyMissingGrant),
            producer.arn.clone(),
            format!(
                "{what} cannot deliver to {role}: the key policy of {} does not allow {service} {}",
                key.arn,
                missing.join(" or ")
            ),
        )
        .fix(fix);
        return Some(soften(f, dlq));
    }
    if !conditional.is_empty() {
        return Some(
            Finding::warning(
                code(FindingCode::ProducerKeyPolicyMissingGrant),
                producer.arn.clone(),
                format!(
                    "{what} may not deliver to {role}: the key policy of {} allows {service} {} only if conditions hold, which sqs-trigger cannot tell",
                    key.arn,
                    conditional.join(" and ")
                ),
            )
            .fix(fix),
        );
    }
    None
}

/// `producer-dlq-unusable`: an EventBridge target's dead-letter queue must take what the rule
/// could not deliver: its policy must let EventBridge send, its key serve EventBridge.
fn dlq_serves(facts: &ProducerFacts, producer: &Producer, dlq: &QueueArn) -> Vec<Finding> {
    let Some(read) = facts.dlqs.iter().find(|d| d.as_ref().is_ok_and(|d| &d.arn == dlq)) else { return vec![] };
    let Ok(destination) = read else { return vec![] };
    let mut out = Vec::new();
    if let Some(f) = send_grant(destination, producer, FindingCode::ProducerDlqUnusable) {
        out.push(Finding { severity: crate::model::Severity::Warning, ..f });
    }
    out.extend(key_finding(destination, producer, true));
    out
}

/// The key findings of the producers the queue policy names (`aws:SourceArn` of an SNS topic,
/// EventBridge rule or S3 bucket), from a trigger's facts alone: what `role check` and `setup`
/// say (as warnings: the trigger itself works) when they look at an SSE-KMS queue. They never
/// edit the key policy: the finding prints the statement and the command.
pub fn named_in_policy(facts: &crate::model::facts::TriggerFacts) -> Vec<Finding> {
    let Some(queue) = &facts.queue else { return vec![] };
    if !matches!(queue.encryption, Encryption::Kms { .. }) {
        return vec![];
    }
    let destination = Destination {
        arn: queue.arn.clone(),
        url: Some(queue.url.clone()),
        encryption: queue.encryption.clone(),
        policy: queue.policy.clone(),
        key: facts.key.clone(),
    };
    let statements = ProducerFacts::service_statements(queue.policy.as_ref());
    let mut out = Vec::new();
    for kind in ProducerKind::ALL {
        for arn in ProducerFacts::named_sources(&statements, kind) {
            let producer = Producer {
                kind,
                name: arn.rsplit([':', '/']).next().unwrap_or_default().to_owned(),
                account: arn.split(':').nth(4).filter(|a| !a.is_empty()).map(str::to_owned),
                found_by: "the queue policy's aws:SourceArn".into(),
                arn,
                dlq: None,
                role: None,
            };
            if let Some(f) = key_serves(&destination, &producer) {
                out.push(Finding { severity: crate::model::Severity::Warning, ..f });
            }
        }
    }
    out
}

/// `producer-aws-managed-key` as a warning, before the fact (`queue create --kms-key
/// alias/aws/sqs`): the queue policy already lets a service (SNS, EventBridge, S3) send, and
/// that service could never use the AWS managed key.
pub fn aws_managed_key_for_named_services(queue: &crate::model::facts::QueueFacts) -> Vec<Finding> {
    let statements = ProducerFacts::service_statements(queue.policy.as_ref());
    let mut kinds: Vec<ProducerKind> = Vec::new();
    for s in statements.iter().filter(|s| s.effect == "Allow") {
        for kind in s.services.iter().filter_map(|v| ProducerKind::of_service(v)) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    kinds
        .into_iter()
        .map(|kind| {
            Finding::warning(
                FindingCode::ProducerAwsManagedKey,
                queue.arn.to_string(),
                format!(
                    "the queue policy of {} lets {1} send to it, and the AWS managed key alias/aws/sqs can never serve {1}: \
                     its key policy allows only callers through SQS in the account and cannot be edited",
                    queue.arn,
                    kind.service()
                ),
            )
            .fix(format!(
                "{}; or use a customer managed key whose key policy has this statement (--kms-key KEY):\n{}",
                sse_sqs_alternative(&queue.arn),
                key_statement_json(kind)
            ))
        })
        .collect()
}

/// `producer-deliveries-failing` (`doctor --metrics`): what CloudWatch counted for each
/// producer over the window, told as a chain with the cause the static checks found
/// ("topic T published N, delivered 0: key K does not allow sns.amazonaws.com").
pub fn metrics(facts: &ProducerFacts, metrics: &[ProducerMetrics], statics: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for m in metrics {
        let Some(producer) = facts.producers.iter().find(|p| p.arn == m.producer) else { continue };
        let sent = m.queue_sent.map(|n| format!("; queue {} counted {n} messages sent", facts.queue.arn.name()));
        let cause = statics
            .iter()
            .find(|f| f.resource == producer.arn && f.is_error())
            .map(|f| f.message.split_once(": ").map_or(f.message.as_str(), |(_, why)| why).to_owned());
        let chain = match producer.kind {
            ProducerKind::Sns => format!(
                "topic {} published {}, delivered {}, failed {}",
                producer.name,
                m.attempted.unwrap_or(0),
                m.delivered.map_or("?".to_owned(), |n| n.to_string()),
                m.failed
            ),
            ProducerKind::EventBridge => format!(
                "rule {} invoked its targets {} times, {} failed",
                producer.name,
                m.attempted.unwrap_or(0),
                m.failed
            ),
            ProducerKind::S3 => continue,
        };
        if m.failed == 0 {
            continue;
        }
        let message = match &cause {
            Some(cause) => format!("{chain}{}: {cause}", sent.unwrap_or_default()),
            None => format!("{chain}{} over the window", sent.unwrap_or_default()),
        };
        let fix = match cause {
            Some(_) => "fix the finding above for the same producer; deliveries resume once it is gone".to_owned(),
            None => format!(
                "see why {} fails: its delivery status logs (SNS) or the target's dead-letter queue (EventBridge)",
                producer.name
            ),
        };
        out.push(Finding::error(FindingCode::ProducerDeliveriesFailing, producer.arn.clone(), message).fix(fix));
    }
    out
}

fn describe(producer: &Producer) -> String {
    format!("{} {}", producer.kind.noun(), producer.name)
}

fn sid_label(sid: Option<&str>) -> String {
    sid.map(|s| format!(" (statement {s:?})")).unwrap_or_default()
}

/// `alias/aws/sqs`, by alias or alias ARN.
pub fn is_aws_managed_sqs_key(key_id: &str) -> bool {
    key_id == "alias/aws/sqs" || key_id.ends_with(":alias/aws/sqs")
}

fn sse_sqs_alternative(queue: &QueueArn) -> String {
    format!(
        "when no customer managed key is required, use SSE-SQS instead, which every service can send to: \
         sqs-trigger queue create {} --sse-sqs --update",
        queue.name()
    )
}

fn queue_policy_command(queue: &Destination) -> String {
    let url = queue.url.as_ref().map_or_else(|| "QUEUE_URL".to_owned(), |u| u.to_string());
    format!(
        "aws sqs get-queue-attributes --queue-url {url} --attribute-names Policy, add the statement, then aws sqs \
         set-queue-attributes --queue-url {url} --attributes file://attributes.json with {{\"Policy\": \"<the policy as a string>\"}}"
    )
}

fn key_policy_command(key: &str) -> String {
    format!(
        "aws kms get-key-policy --key-id {key} --policy-name default --query Policy --output text > policy.json, add \
         the statement, then aws kms put-key-policy --key-id {key} --policy-name default --policy file://policy.json"
    )
}

/// The queue policy statement that lets the producer's service send for it.
pub fn queue_statement_json(producer: &Producer, queue: &QueueArn) -> String {
    let statement = json!({
        "Sid": format!("Allow{}SendMessage", sid_word(producer.kind)),
        "Effect": "Allow",
        "Principal": {"Service": producer.kind.service()},
        "Action": SEND_MESSAGE,
        "Resource": queue.to_string(),
        "Condition": {"ArnEquals": {"aws:SourceArn": producer.arn}}
    });
    serde_json::to_string_pretty(&statement).unwrap_or_default()
}

/// The key policy statement that lets `kind`'s service use the key (in a key policy
/// `"Resource": "*"` means this key).
pub fn key_statement_json(kind: ProducerKind) -> String {
    let statement = json!({
        "Sid": format!("Allow{}UseOfTheKey", sid_word(kind)),
        "Effect": "Allow",
        "Principal": {"Service": kind.service()},
        "Action": KEY_STATEMENT_ACTIONS,
        "Resource": "*"
    });
    serde_json::to_string_pretty(&statement).unwrap_or_default()
}

fn sid_word(kind: ProducerKind) -> &'static str {
    match kind {
        ProducerKind::Sns => "SNS",
        ProducerKind::EventBridge => "EventBridge",
        ProducerKind::S3 => "S3",
    }
}

/// A dead-letter queue's problem is a warning: the rule still delivers to the queue, only what
/// it could not deliver is lost.
fn soften(finding: Finding, dlq: bool) -> Finding {
    if dlq { Finding { severity: crate::model::Severity::Warning, ..finding } } else { finding }
}

#[cfg(test)]
mod tests;
