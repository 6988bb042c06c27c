//! A queue of the template → its facts: attributes, redrive and DLQ, queue policy.

use std::collections::BTreeMap;

use super::template::{Resource, Template};
use crate::lint::facts::{Spot, Spots, skipped};
use crate::lint::resolve::Val;
use crate::model::facts::{Encryption, QueueDepth, QueueFacts, Redrive};
use crate::model::{Finding, QueueArn, QueueName, QueueUrl};

impl Template<'_> {
    pub(super) fn queue_by_arn(&self, arn: &str) -> Option<&Resource> {
        self.of_kind("AWS::SQS::Queue").find(|q| self.attr(&q.id, "Arn") == Some(arn))
    }

    /// A queue's facts and its DLQ's (when the DLQ is in the file).
    pub(super) fn queue(
        &self,
        q: &Resource,
        spots: &mut Spots,
        notes: &mut Vec<(Finding, Spot)>,
    ) -> (QueueFacts, Option<QueueFacts>) {
        spots.queue = Some(q.spot());
        spots.visibility = q.prop_spot("VisibilityTimeout");
        spots.redrive = q.prop_spot("RedrivePolicy");
        spots.max_receive = q.prop_spot("RedrivePolicy.maxReceiveCount").or_else(|| spots.redrive.clone());
        spots.encryption = q.prop_spot("KmsMasterKeyId");
        let url = self.env.resources.get(&q.id).and_then(|p| p.reference.clone()).unwrap_or_default();
        spots.queue_policy = self
            .of_kind("AWS::SQS::QueuePolicy")
            .find(|p| p.prop("Queues").is_some_and(|qs| qs.items().iter().any(|u| u.as_str() == Some(url.as_str()))))
            .and_then(|p| p.prop_spot("PolicyDocument"));
        let mut queue = self.queue_facts(q, notes);
        let mut dlq = None;
        if let Some(redrive) = q.prop("RedrivePolicy") {
            let parsed = match redrive {
                Val::Str(json) => serde_json::from_str::<serde_json::Value>(json)
                    .map(|v| Val::from_json(&v))
                    .unwrap_or_else(|e| Val::Unknown(format!("RedrivePolicy is not JSON ({e})"))),
                other => other.clone(),
            };
            let target =
                parsed.get("deadLetterTargetArn").cloned().unwrap_or(Val::Unknown("no deadLetterTargetArn".into()));
            let count = parsed.get("maxReceiveCount").and_then(Val::as_i64);
            let target_arn = match &target {
                Val::Str(arn) => arn.parse::<QueueArn>().ok(),
                _ => None,
            };
            let target_arn = target_arn.unwrap_or_else(|| {
                let why = target.unknown().or(parsed.unknown()).unwrap_or("not an SQS ARN").to_owned();
                notes.push((
                    skipped(queue.arn.to_string(), format!("the dead-letter queue of {}: {why}", q.id)),
                    spots.redrive.clone().unwrap_or_else(|| q.spot()),
                ));
                // Same type as the queue, so no type finding is made up.
                let name = format!("{}-unresolved-dlq{}", queue.name.base(), if queue.fifo { ".fifo" } else { "" });
                QueueArn::new(
                    &self.env.partition,
                    &self.env.region,
                    &self.env.account,
                    &QueueName::new_unchecked(&name),
                )
            });
            if count.is_none() {
                let why = parsed.get("maxReceiveCount").and_then(Val::unknown).unwrap_or("not a number").to_owned();
                notes.push((
                    skipped(queue.arn.to_string(), format!("maxReceiveCount of {}: {why}", q.id)),
                    spots.redrive.clone().unwrap_or_else(|| q.spot()),
                ));
            }
            if let Some(d) = self.queue_by_arn(&target_arn.to_string()) {
                dlq = Some(self.queue_facts(d, &mut Vec::new()));
            }
            queue.redrive = Some(Redrive {
                dead_letter_target_arn: target_arn,
                max_receive_count: count
                    .and_then(|c| u32::try_from(c).ok())
                    .unwrap_or(crate::DEFAULT_MAX_RECEIVE_COUNT),
            });
        }
        (queue, dlq)
    }

    fn queue_facts(&self, q: &Resource, notes: &mut Vec<(Finding, Spot)>) -> QueueFacts {
        let arn_text = self.attr(&q.id, "Arn").unwrap_or_default().to_owned();
        let arn: QueueArn = arn_text.parse().unwrap_or_else(|_| {
            QueueArn::new(&self.env.partition, &self.env.region, &self.env.account, &QueueName::new_unchecked(&q.id))
        });
        let url = format!("https://sqs.{}.amazonaws.com/{}/{}", arn.region(), arn.account(), arn.name());
        let visibility = match q.prop("VisibilityTimeout") {
            None => 30,
            Some(v) => match v.as_i64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => n,
                None => {
                    let why = v.unknown().unwrap_or("not a number").to_owned();
                    notes.push((
                        skipped(arn.to_string(), format!("VisibilityTimeout of {}: {why}", q.id)),
                        q.prop_spot("VisibilityTimeout").unwrap_or_else(|| q.spot()),
                    ));
                    u32::MAX
                }
            },
        };
        let encryption = match (q.prop("KmsMasterKeyId"), q.prop("SqsManagedSseEnabled").and_then(Val::as_bool)) {
            (Some(Val::Str(key)), _) => Encryption::Kms { key_id: key.clone() },
            (Some(other), _) => {
                Encryption::Kms { key_id: format!("(unresolved: {})", other.unknown().unwrap_or("not a string")) }
            }
            (None, Some(false)) => Encryption::None,
            // New queues are encrypted with SSE-SQS unless told otherwise.
            (None, _) => Encryption::SseSqs,
        };
        let policy = self
            .of_kind("AWS::SQS::QueuePolicy")
            .find(|p| {
                p.prop("Queues").is_some_and(|qs| {
                    qs.items().iter().any(|u| u.as_str() == Some(url.as_str()) || u.as_str() == Some(&arn_text))
                })
            })
            .and_then(|p| {
                self.queue_policy_document(
                    &format!("queue policy {}", p.id),
                    p.prop("PolicyDocument"),
                    notes,
                    p.prop_spot("PolicyDocument"),
                )
            });
        QueueFacts {
            name: arn.name(),
            url: url.parse().unwrap_or_else(|_| {
                // A name no URL can carry (the file's own typo): a constant that always parses.
                "https://sqs.us-east-1.amazonaws.com/123456789012/unparseable-queue-name"
                    .parse::<QueueUrl>()
                    .expect("a constant URL")
            }),
            fifo: q.prop("FifoQueue").and_then(Val::as_bool).unwrap_or(false),
            visibility_timeout_secs: visibility,
            encryption,
            redrive: None,
            policy: policy.map(|p| p.document),
            depth: QueueDepth::default(),
            tags: BTreeMap::new(),
            arn,
        }
    }
}
