//! Upstream of a queue: who sends to it. The queue policy's statements for service principals,
//! the SNS subscriptions whose endpoint is the queue, the EventBridge rules that target it (and
//! their targets' dead-letter queues), the S3 buckets the policy names whose notifications go
//! to it. Every read here is advisory (`reads::SNS_SUBSCRIPTIONS`, ...): whatever stops one is
//! one `check-skipped`, and doctor goes on.

use aws_sdk_sqs::error::ProvideErrorMetadata;

use super::reads;
use crate::aws::{AwsResultExt, Clients};
use crate::error::AwsError;
use crate::model::facts::{Encryption, Fact, KeyLookup, QueueFacts, Unreadable};
use crate::model::producers::{Destination, Producer, ProducerFacts, ProducerKind};
use crate::model::{QueueArn, QueueRef};

/// At most this many pages of `ListSubscriptions` (100 subscriptions a page) when the queue
/// policy names no topic: an account with more is not searched further (said in -v).
pub const MAX_SUBSCRIPTION_PAGES: usize = 20;
/// At most this many pages of every other listing (buses, rule names, targets).
const MAX_PAGES: usize = 10;

/// Everything upstream of `queue`. `key` is the queue's key as the trigger's facts read it
/// (SSE-KMS only), so it is not read twice.
pub async fn gather(clients: &Clients, queue: &QueueFacts, key: Option<Fact<KeyLookup>>) -> ProducerFacts {
    let statements = ProducerFacts::service_statements(queue.policy.as_ref());
    let topics = ProducerFacts::named_sources(&statements, ProducerKind::Sns);
    let buckets = ProducerFacts::named_sources(&statements, ProducerKind::S3);
    let (sns, events, s3) = tokio::join!(
        sns_producers(clients, &queue.arn, &topics),
        eventbridge_producers(clients, &queue.arn),
        s3_producers(clients, &queue.arn, &buckets),
    );
    let mut facts = ProducerFacts {
        queue: Destination {
            arn: queue.arn.clone(),
            url: Some(queue.url.clone()),
            encryption: queue.encryption.clone(),
            policy: queue.policy.clone(),
            key,
        },
        statements,
        producers: vec![],
        dlqs: vec![],
        skipped: vec![],
    };
    for read in [sns, events, s3] {
        let (found, skipped) = read;
        facts.producers.extend(found);
        facts.skipped.extend(skipped);
    }
    let mut dlq_arns: Vec<QueueArn> = Vec::new();
    for dlq in facts.producers.iter().filter_map(|p| p.dlq.clone()) {
        if !dlq_arns.contains(&dlq) {
            dlq_arns.push(dlq);
        }
    }
    let dlqs = futures::future::join_all(dlq_arns.iter().map(|arn| destination(clients, arn))).await;
    // A dead-letter queue (or its key) that could not be read is said once, as the others are.
    for dlq in &dlqs {
        match dlq {
            Err(unreadable) => facts.skipped.push(unreadable.clone()),
            Ok(Destination { key: Some(Err(unreadable)), .. }) => facts.skipped.push(unreadable.clone()),
            Ok(_) => {}
        }
    }
    facts.dlqs = dlqs;
    facts
}

/// One listing: what it found and what it could not read.
type Found = (Vec<Producer>, Vec<Unreadable>);

/// SNS subscriptions whose endpoint is the queue: by the topics the queue policy names, else
/// (or when none of them sends to the queue: a policy naming the wrong topic) the account's
/// subscriptions (paginated, bounded).
async fn sns_producers(clients: &Clients, queue: &QueueArn, topics: &[String]) -> Found {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    if !topics.is_empty() {
        let reads = futures::future::join_all(topics.iter().map(|t| list_topic_subscriptions(clients, t))).await;
        for (topic, read) in topics.iter().zip(reads) {
            let fact = format!("the subscriptions of SNS topic {topic}");
            match reads::SNS_SUBSCRIPTIONS.advisory(fact, read) {
                Ok(subs) => add_subscriptions(&mut found, subs, queue),
                Err(u) => skipped.push(u),
            }
        }
    }
    if found.is_empty() {
        let read = list_all_subscriptions(clients, queue).await;
        match reads::SNS_SUBSCRIPTIONS
            .advisory(format!("the account's SNS subscriptions (to find those of {queue})"), read)
        {
            Ok(subs) => add_subscriptions(&mut found, subs, queue),
            Err(u) => skipped.push(u),
        }
    }
    (found, skipped)
}

fn add_subscriptions(found: &mut Vec<Producer>, subs: Vec<Subscription>, queue: &QueueArn) {
    for sub in subs.into_iter().filter(|s| is_queue_endpoint(s, queue)) {
        if found.iter().any(|p| p.arn == sub.topic) {
            continue;
        }
        found.push(Producer {
            kind: ProducerKind::Sns,
            name: sub.topic.rsplit(':').next().unwrap_or_default().to_owned(),
            account: account_of(&sub.topic),
            arn: sub.topic,
            found_by: format!("subscription {}", sub.arn),
            dlq: None,
            role: None,
        });
    }
}

/// One SNS subscription, as listed.
#[derive(Debug)]
struct Subscription {
    arn: String,
    topic: String,
    protocol: String,
    endpoint: String,
}

fn is_queue_endpoint(sub: &Subscription, queue: &QueueArn) -> bool {
    sub.protocol.eq_ignore_ascii_case("sqs") && sub.endpoint == queue.to_string()
}

fn subscription_of(s: &aws_sdk_sns::types::Subscription) -> Subscription {
    Subscription {
        arn: s.subscription_arn().unwrap_or_default().to_owned(),
        topic: s.topic_arn().unwrap_or_default().to_owned(),
        protocol: s.protocol().unwrap_or_default().to_owned(),
        endpoint: s.endpoint().unwrap_or_default().to_owned(),
    }
}

async fn list_all_subscriptions(clients: &Clients, queue: &QueueArn) -> Result<Vec<Subscription>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for page in 0..MAX_SUBSCRIPTION_PAGES {
        let answer = clients
            .sns
            .list_subscriptions()
            .set_next_token(token.take())
            .send()
            .await
            .aws_err("sns:ListSubscriptions", &"the account's subscriptions")?;
        out.extend(answer.subscriptions().iter().map(subscription_of));
        match answer.next_token().filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next.to_owned()),
            None => return Ok(out),
        }
        if page + 1 == MAX_SUBSCRIPTION_PAGES {
            tracing::info!(
                "stopped listing SNS subscriptions after {MAX_SUBSCRIPTION_PAGES} pages: a subscription of {queue} \
                 beyond them is not checked (name the topic in the queue policy's aws:SourceArn to check it)"
            );
        }
    }
    Ok(out)
}

async fn list_topic_subscriptions(clients: &Clients, topic: &str) -> Result<Vec<Subscription>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let answer =
            clients.sns.list_subscriptions_by_topic().topic_arn(topic).set_next_token(token.take()).send().await;
        let answer = match answer {
            Ok(a) => a,
            // A topic the policy names that no longer exists sends nothing.
            Err(e) if e.code() == Some("NotFound") => return Ok(out),
            Err(e) => return Err(e).aws_err("sns:ListSubscriptionsByTopic", &topic),
        };
        out.extend(answer.subscriptions().iter().map(subscription_of));
        match answer.next_token().filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    Ok(out)
}

/// The rules of every event bus of the region that target the queue, with the target's
/// dead-letter queue and role.
async fn eventbridge_producers(clients: &Clients, queue: &QueueArn) -> Found {
    let fact = format!("the EventBridge rules that target {queue}");
    match reads::EVENTBRIDGE_TARGETS.advisory(fact, list_rule_targets(clients, queue).await) {
        Ok(found) => (found, vec![]),
        Err(u) => (vec![], vec![u]),
    }
}

async fn list_rule_targets(clients: &Clients, queue: &QueueArn) -> Result<Vec<Producer>, AwsError> {
    let buses = list_buses(clients).await?;
    let per_bus = futures::future::join_all(buses.iter().map(|bus| rules_of_bus(clients, queue, bus))).await;
    let mut out = Vec::new();
    for rules in per_bus {
        out.extend(rules?);
    }
    Ok(out)
}

/// A bus, by name and ARN.
struct Bus {
    name: String,
    arn: String,
}

async fn list_buses(clients: &Clients) -> Result<Vec<Bus>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let answer = clients
            .events
            .list_event_buses()
            .set_next_token(token.take())
            .send()
            .await
            .aws_err("events:ListEventBuses", &"the region's event buses")?;
        for bus in answer.event_buses() {
            let (Some(name), Some(arn)) = (bus.name(), bus.arn()) else { continue };
            out.push(Bus { name: name.to_owned(), arn: arn.to_owned() });
        }
        match answer.next_token().filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    Ok(out)
}

async fn rules_of_bus(clients: &Clients, queue: &QueueArn, bus: &Bus) -> Result<Vec<Producer>, AwsError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let answer = clients
            .events
            .list_rule_names_by_target()
            .target_arn(queue.to_string())
            .event_bus_name(&bus.name)
            .set_next_token(token.take())
            .send()
            .await
            .aws_err("events:ListRuleNamesByTarget", &bus.arn)?;
        names.extend(answer.rule_names().iter().cloned());
        match answer.next_token().filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    let mut out = Vec::new();
    for rule in names {
        let answer = clients
            .events
            .list_targets_by_rule()
            .rule(&rule)
            .event_bus_name(&bus.name)
            .send()
            .await
            .aws_err("events:ListTargetsByRule", &rule)?;
        for target in answer.targets().iter().filter(|t| t.arn() == queue.to_string()) {
            let dlq = target.dead_letter_config().and_then(|d| d.arn()).and_then(|a| a.parse::<QueueArn>().ok());
            out.push(Producer {
                kind: ProducerKind::EventBridge,
                arn: rule_arn(&bus.arn, &bus.name, &rule),
                name: if bus.name == "default" { rule.clone() } else { format!("{}/{rule}", bus.name) },
                account: account_of(&bus.arn),
                found_by: format!("target {} of the rule on event bus {}", target.id(), bus.name),
                dlq,
                role: target.role_arn().map(str::to_owned),
            });
        }
    }
    Ok(out)
}

/// A rule's ARN from its bus's: `…:rule/NAME` on the default bus, `…:rule/BUS/NAME` on others
/// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html>).
pub fn rule_arn(bus_arn: &str, bus_name: &str, rule: &str) -> String {
    let prefix = bus_arn.split_once(":event-bus/").map_or(bus_arn, |(p, _)| p);
    if bus_name == "default" { format!("{prefix}:rule/{rule}") } else { format!("{prefix}:rule/{bus_name}/{rule}") }
}

/// The buckets the queue policy names whose notification configuration sends to the queue.
async fn s3_producers(clients: &Clients, queue: &QueueArn, buckets: &[String]) -> Found {
    let reads = futures::future::join_all(buckets.iter().map(|b| bucket_notifies(clients, queue, b))).await;
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for (bucket_arn, read) in buckets.iter().zip(reads) {
        let fact = format!("the notification configuration of S3 bucket {bucket_arn}");
        match reads::S3_NOTIFICATIONS.advisory(fact, read) {
            Ok(Some(ids)) => found.push(Producer {
                kind: ProducerKind::S3,
                name: bucket_name(bucket_arn).to_owned(),
                arn: bucket_arn.clone(),
                account: None,
                found_by: format!("notification configuration {}", ids.join(", ")),
                dlq: None,
                role: None,
            }),
            Ok(None) => {}
            Err(u) => skipped.push(u),
        }
    }
    (found, skipped)
}

fn bucket_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or_default().split('/').next().unwrap_or_default()
}

/// The ids of the bucket's queue configurations that send to the queue (None: none does, or
/// the bucket is gone).
async fn bucket_notifies(
    clients: &Clients,
    queue: &QueueArn,
    bucket_arn: &str,
) -> Result<Option<Vec<String>>, AwsError> {
    let bucket = bucket_name(bucket_arn);
    let answer = clients.s3.get_bucket_notification_configuration().bucket(bucket).send().await;
    let answer = match answer {
        Ok(a) => a,
        Err(e) if e.code() == Some("NoSuchBucket") => return Ok(None),
        Err(e) => return Err(e).aws_err("s3:GetBucketNotification", &bucket_arn),
    };
    let ids: Vec<String> = answer
        .queue_configurations()
        .iter()
        .filter(|c| c.queue_arn() == queue.to_string())
        .map(|c| c.id().unwrap_or("(no id)").to_owned())
        .collect();
    Ok((!ids.is_empty()).then_some(ids))
}

/// An EventBridge target's dead-letter queue: its encryption, policy and key.
async fn destination(clients: &Clients, arn: &QueueArn) -> Fact<Destination> {
    let fact = format!("dead-letter queue {arn} of an EventBridge target");
    let queue =
        reads::PRODUCER_DLQ.advisory(fact.clone(), super::queue::find(clients, &QueueRef::Arn(arn.clone())).await)?;
    let Some(queue) = queue else {
        return Err(Unreadable {
            kind: Default::default(),
            cause: Default::default(),
            feeds: reads::PRODUCER_DLQ.feeds,
            fact,
            permission: "the queue to exist".into(),
            detail: "the target's DeadLetterConfig names a queue that does not exist".into(),
        });
    };
    let key = match &queue.encryption {
        Encryption::Kms { key_id } => {
            let id = if key_id.starts_with("arn:") {
                key_id.clone()
            } else {
                let a = queue.arn.arn();
                let path = if key_id.starts_with("alias/") { key_id.clone() } else { format!("key/{key_id}") };
                format!("arn:{}:kms:{}:{}:{path}", a.partition, a.region, a.account)
            };
            let read = super::key::describe_with_policy(clients, &id).await;
            Some(reads::PRODUCER_DLQ.advisory(format!("KMS key {key_id} of dead-letter queue {arn}"), read))
        }
        _ => None,
    };
    Ok(Destination { arn: queue.arn, url: Some(queue.url), encryption: queue.encryption, policy: queue.policy, key })
}

fn account_of(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (!account.is_empty()).then(|| account.to_owned())
}

/// What CloudWatch counted for each SNS topic and EventBridge rule of `facts` over `window`,
/// and the queue's `NumberOfMessagesSent`, in one `GetMetricData` call of sums over the whole
/// window. S3 publishes no delivery failure metric.
pub async fn metrics(
    clients: &Clients,
    facts: &ProducerFacts,
    window: super::metrics::Window,
) -> Fact<Vec<crate::model::producers::ProducerMetrics>> {
    use crate::model::producers::ProducerMetrics;
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};

    // (query id, producer index or None for the queue, metric)
    let mut queries = Vec::new();
    let mut ids: Vec<(Option<usize>, &'static str)> = Vec::new();
    let period = ((window.end - window.start).max(60) / 60 * 60) as i32;
    let mut push = |who: Option<usize>, namespace: &str, name: &'static str, dims: Vec<(&str, String)>| {
        let dimensions = dims.into_iter().map(|(n, v)| Dimension::builder().name(n).value(v).build()).collect();
        let metric = Metric::builder().namespace(namespace).metric_name(name).set_dimensions(Some(dimensions)).build();
        let stat = MetricStat::builder().metric(metric).period(period).stat("Sum").build();
        queries
            .push(MetricDataQuery::builder().id(format!("p{}", ids.len())).metric_stat(stat).return_data(true).build());
        ids.push((who, name));
    };
    push(None, "AWS/SQS", "NumberOfMessagesSent", vec![("QueueName", facts.queue.arn.name().to_string())]);
    for (i, p) in facts.producers.iter().enumerate() {
        match p.kind {
            ProducerKind::Sns => {
                for name in
                    ["NumberOfMessagesPublished", "NumberOfNotificationsDelivered", "NumberOfNotificationsFailed"]
                {
                    push(Some(i), "AWS/SNS", name, vec![("TopicName", p.name.clone())]);
                }
            }
            ProducerKind::EventBridge => {
                let dims = match p.name.split_once('/') {
                    Some((bus, rule)) => vec![("EventBusName", bus.to_owned()), ("RuleName", rule.to_owned())],
                    None => vec![("RuleName", p.name.clone())],
                };
                for name in ["Invocations", "FailedInvocations"] {
                    push(Some(i), "AWS/Events", name, dims.clone());
                }
            }
            ProducerKind::S3 => {}
        }
    }
    if ids.len() == 1 {
        return Ok(vec![]);
    }
    let read = clients
        .cloudwatch
        .get_metric_data()
        .set_metric_data_queries(Some(queries))
        .start_time(DateTime::from_secs(window.start))
        .end_time(DateTime::from_secs(window.end))
        .send()
        .await
        .aws_err("cloudwatch:GetMetricData", &format!("the metrics of the producers of {}", facts.queue.arn));
    let answer = reads::PRODUCER_METRICS.advisory("the producers' CloudWatch metrics", read)?;
    let mut sums: Vec<Option<u64>> = vec![None; ids.len()];
    for result in answer.metric_data_results() {
        let Some(i) = result.id().and_then(|id| id.strip_prefix('p')).and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        if i < sums.len() && !result.values().is_empty() {
            sums[i] = Some(result.values().iter().sum::<f64>().max(0.0) as u64);
        }
    }
    let queue_sent = sums[0];
    let mut out: Vec<ProducerMetrics> = Vec::new();
    for (i, p) in facts.producers.iter().enumerate() {
        if p.kind == ProducerKind::S3 {
            continue;
        }
        let of = |name: &str| ids.iter().position(|(who, n)| *who == Some(i) && *n == name).and_then(|k| sums[k]);
        let (attempted, delivered, failed) = match p.kind {
            ProducerKind::Sns => (
                of("NumberOfMessagesPublished"),
                of("NumberOfNotificationsDelivered"),
                of("NumberOfNotificationsFailed").unwrap_or(0),
            ),
            _ => (of("Invocations"), None, of("FailedInvocations").unwrap_or(0)),
        };
        out.push(ProducerMetrics { producer: p.arn.clone(), attempted, delivered, failed, queue_sent });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_arns_name_their_bus_unless_default() {
        assert_eq!(
            rule_arn("arn:aws:events:us-east-1:123456789012:event-bus/default", "default", "orders"),
            "arn:aws:events:us-east-1:123456789012:rule/orders"
        );
        assert_eq!(
            rule_arn("arn:aws:events:us-east-1:123456789012:event-bus/shop", "shop", "orders"),
            "arn:aws:events:us-east-1:123456789012:rule/shop/orders"
        );
        assert_eq!(bucket_name("arn:aws:s3:::uploads"), "uploads");
        assert_eq!(account_of("arn:aws:sns:us-east-1:123456789012:t").as_deref(), Some("123456789012"));
        assert_eq!(account_of("arn:aws:s3:::b"), None);
    }
}
