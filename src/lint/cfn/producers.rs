//! The producers of the template's queues → `LintTrigger`s of their own: an SNS subscription
//! (`AWS::SNS::Subscription`, or a topic's `Subscription` list), an EventBridge rule target
//! (`AWS::Events::Rule` `Targets`) or an S3 notification (`AWS::S3::Bucket`
//! `NotificationConfiguration.QueueConfigurations`) pointing at a queue of the file. The queue's
//! `KmsMasterKeyId`, its `AWS::SQS::QueuePolicy` and its key's `KeyPolicy` in the same file are
//! judged by `checks::producers`, as doctor judges them in the account.

use super::template::{Resource, Template};
use crate::checks;
use crate::lint::facts::{LintTrigger, Spot, Spots};
use crate::lint::resolve::Val;
use crate::model::facts::{Encryption, TriggerFacts};
use crate::model::producers::{Destination, Producer, ProducerFacts, ProducerKind};
use crate::model::{Finding, FindingCode};

/// One producer of the file: who sends, to which queue (its ARN), and where it says so.
struct Found {
    producer: Producer,
    queue_arn: String,
    spot: Spot,
    dlq_arn: Option<String>,
}

impl Template<'_> {
    pub(super) fn producer_triggers(&self) -> Vec<LintTrigger> {
        let mut found = Vec::new();
        for s in self.of_kind("AWS::SNS::Subscription") {
            if !is_sqs(s.prop("Protocol")) {
                continue;
            }
            let (Some(Val::Str(topic)), Some(Val::Str(endpoint))) = (s.prop("TopicArn"), s.prop("Endpoint")) else {
                continue;
            };
            found.push(self.sns(topic, endpoint, s, s.prop_spot("Endpoint")));
        }
        for t in self.of_kind("AWS::SNS::Topic") {
            let Some(topic) = self.env.resources.get(&t.id).and_then(|p| p.reference.clone()) else { continue };
            for (i, sub) in t.prop("Subscription").map(Val::items).unwrap_or_default().iter().enumerate() {
                if let (true, Some(Val::Str(endpoint))) = (is_sqs(sub.get("Protocol")), sub.get("Endpoint")) {
                    found.push(self.sns(&topic, endpoint, t, t.prop_spot(&format!("Subscription.{i}"))));
                }
            }
        }
        for rule in self.of_kind("AWS::Events::Rule") {
            let Some(arn) = self.attr(&rule.id, "Arn") else { continue };
            let name = self.env.resources.get(&rule.id).and_then(|p| p.reference.clone()).unwrap_or_default();
            for target in rule.prop("Targets").map(Val::items).unwrap_or_default() {
                let Some(Val::Str(queue)) = target.get("Arn") else { continue };
                let dlq = target.get("DeadLetterConfig").and_then(|d| d.get("Arn")).and_then(Val::as_str);
                found.push(Found {
                    producer: Producer {
                        kind: ProducerKind::EventBridge,
                        arn: arn.to_owned(),
                        name: name.clone(),
                        account: Some(self.env.account.clone()),
                        found_by: format!("target of {}", rule.id),
                        dlq: None,
                        role: None,
                    },
                    queue_arn: queue.clone(),
                    spot: rule.prop_spot("Targets").unwrap_or_else(|| rule.spot()),
                    dlq_arn: dlq.map(str::to_owned),
                });
            }
        }
        for bucket in self.of_kind("AWS::S3::Bucket") {
            let Some(arn) = self.attr(&bucket.id, "Arn") else { continue };
            let configs = bucket.prop("NotificationConfiguration.QueueConfigurations");
            for c in configs.map(Val::items).unwrap_or_default() {
                let Some(Val::Str(queue)) = c.get("Queue") else { continue };
                found.push(Found {
                    producer: Producer {
                        kind: ProducerKind::S3,
                        arn: arn.to_owned(),
                        name: arn.rsplit(':').next().unwrap_or_default().to_owned(),
                        account: None,
                        found_by: format!("notification configuration of {}", bucket.id),
                        dlq: None,
                        role: None,
                    },
                    queue_arn: queue.clone(),
                    spot: bucket.prop_spot("NotificationConfiguration").unwrap_or_else(|| bucket.spot()),
                    dlq_arn: None,
                });
            }
        }
        found.into_iter().filter_map(|f| self.producer_trigger(f)).collect()
    }

    fn sns(&self, topic: &str, endpoint: &str, r: &Resource, spot: Option<Spot>) -> Found {
        Found {
            producer: Producer {
                kind: ProducerKind::Sns,
                arn: topic.to_owned(),
                name: topic.rsplit(':').next().unwrap_or_default().to_owned(),
                account: topic.split(':').nth(4).map(str::to_owned),
                found_by: format!("subscription {}", r.id),
                dlq: None,
                role: None,
            },
            queue_arn: endpoint.to_owned(),
            spot: spot.unwrap_or_else(|| r.spot()),
            dlq_arn: None,
        }
    }

    /// The producer's findings, when the queue it sends to is in the file.
    fn producer_trigger(&self, found: Found) -> Option<LintTrigger> {
        let queue = self.queue_by_arn(&found.queue_arn)?;
        let destination = self.destination(queue);
        let mut producer = found.producer;
        let mut dlqs = Vec::new();
        if let Some(dlq) = found.dlq_arn.as_deref().and_then(|a| self.queue_by_arn(a)) {
            let d = self.destination(dlq);
            producer.dlq = Some(d.arn.clone());
            dlqs.push(Ok(d));
        }
        let label = format!("{} {} → {}", producer.kind.noun(), producer.name, queue.id);
        let facts =
            ProducerFacts { queue: destination, statements: vec![], producers: vec![producer], dlqs, skipped: vec![] };
        let service = facts.producers[0].kind.service();
        let unresolved = self.unresolved_service_statement(queue, service);
        let findings: Vec<(Finding, Spot)> = checks::producers::check(&facts)
            .into_iter()
            .filter(|f| f.code != FindingCode::CheckSkipped && crate::lint::facts::lint_capable(f.code))
            .map(|f| match (&unresolved, f.code) {
                // The queue policy has a statement for this service that lint cannot resolve
                // (it was left out of the poller's checks, which it cannot change): whether it
                // lets the producer send is unknown, not "no".
                (Some((policy, why)), FindingCode::ProducerQueuePolicyMissingGrant) => {
                    crate::lint::facts::skipped(f.resource, format!("the statement for {service} in {policy} ({why})"))
                }
                _ => template_fix(f),
            })
            .map(|f| (f, found.spot.clone()))
            .collect();
        Some(LintTrigger {
            label,
            facts: TriggerFacts::default(),
            spots: Spots { mapping: found.spot, ..Spots::default() },
            findings,
            assumes: vec![],
        })
    }

    /// The queue policy of `queue` (its id) and what is unknown in its first statement for
    /// `service` that holds an unknown value, if any.
    fn unresolved_service_statement(&self, queue: &Resource, service: &str) -> Option<(String, String)> {
        let arn = self.attr(&queue.id, "Arn").unwrap_or_default().to_owned();
        let reference = self.env.resources.get(&queue.id).and_then(|p| p.reference.clone()).unwrap_or_default();
        let names =
            |qs: &Val| qs.items().iter().any(|u| u.as_str() == Some(arn.as_str()) || u.as_str() == Some(&reference));
        let policy = self.of_kind("AWS::SQS::QueuePolicy").find(|p| p.prop("Queues").is_some_and(names))?;
        let statements = policy.prop("PolicyDocument")?.get("Statement")?;
        let statements = match statements {
            Val::List(items) => items.clone(),
            one => vec![one.clone()],
        };
        statements.iter().find_map(|st| {
            let why = st.unknown()?;
            let services = st.get("Principal")?.get("Service")?;
            let named = match services {
                Val::Str(s) => s == service,
                other => other.items().iter().any(|s| s.as_str() == Some(service)),
            };
            named.then(|| (format!("queue policy {}", policy.id), why.to_owned()))
        })
    }

    /// A queue of the file as a producer's destination: encryption, policy, and its key when
    /// the key is in the file too.
    fn destination(&self, q: &Resource) -> Destination {
        let (facts, _) = self.queue(q, &mut Spots::default(), &mut Vec::new());
        let key = match &facts.encryption {
            Encryption::Kms { .. } => self.key(&facts, &mut Spots::default(), &mut Vec::new()).map(Ok),
            _ => None,
        };
        Destination {
            arn: facts.arn.clone(),
            url: None,
            encryption: facts.encryption.clone(),
            policy: facts.policy.clone(),
            key,
        }
    }
}

fn is_sqs(protocol: Option<&Val>) -> bool {
    protocol.and_then(Val::as_str).is_some_and(|p| p.eq_ignore_ascii_case("sqs"))
}

/// The fix said for the file: which property to change.
fn template_fix(f: Finding) -> Finding {
    // The statement: from its first line to its closing brace (what follows is doctor's
    // commands, which do not apply before deploy).
    let statement = f
        .remediation
        .as_deref()
        .and_then(|r| {
            let start = r.find("\n{")? + 1;
            let end = start + r[start..].find("\n}")? + 2;
            Some(r[start..end].to_owned())
        })
        .unwrap_or_default();
    let fix = match f.code {
        FindingCode::ProducerAwsManagedKey => format!(
            "drop KmsMasterKeyId (SSE-SQS, SqsManagedSseEnabled: true) when no customer managed key is required; else \
             set KmsMasterKeyId to a customer managed key (AWS::KMS::Key) whose KeyPolicy has this statement:\n{statement}"
        ),
        FindingCode::ProducerKeyPolicyMissingGrant => format!(
            "add this statement to the key's KeyPolicy (or drop KmsMasterKeyId for SSE-SQS when no customer managed key \
             is required):\n{statement}"
        ),
        FindingCode::ProducerQueuePolicyMissingGrant => {
            format!(
                "add this statement to the queue's policy (AWS::SQS::QueuePolicy, aws_sqs_queue_policy):\n{statement}"
            )
        }
        _ => return f,
    };
    f.fix(fix)
}
