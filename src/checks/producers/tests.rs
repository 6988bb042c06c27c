use super::*;
use crate::checks::fixtures::{DELEGATING_KEY_POLICY, KEY, doc, key};
use crate::model::facts::Unreadable;
use crate::model::producers::ProducerMetrics;

const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:orders-topic";
const RULE: &str = "arn:aws:events:us-east-1:123456789012:rule/orders-rule";
const BUCKET: &str = "arn:aws:s3:::orders-uploads";

fn producer(kind: ProducerKind) -> Producer {
    let (arn, name, account) = match kind {
        ProducerKind::Sns => (TOPIC, "orders-topic", Some("123456789012")),
        ProducerKind::EventBridge => (RULE, "orders-rule", Some("123456789012")),
        ProducerKind::S3 => (BUCKET, "orders-uploads", None),
    };
    Producer {
        kind,
        arn: arn.into(),
        name: name.into(),
        account: account.map(str::to_owned),
        found_by: "test".into(),
        dlq: None,
        role: None,
    }
}

/// A queue policy statement letting `service` send for `source`.
fn send_policy(service: &str, source: &str) -> String {
    format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sqs:SendMessage","Resource":"{QUEUE}","Condition":{{"ArnEquals":{{"aws:SourceArn":"{source}"}}}}}}]}}"#
    )
}

fn key_policy_with(service: Option<&str>) -> String {
    let extra = service.map_or(String::new(), |s| {
        format!(
            r#",{{"Effect":"Allow","Principal":{{"Service":"{s}"}},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*"}}"#
        )
    });
    format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::123456789012:root"}},"Action":"kms:*","Resource":"*"}}{extra}]}}"#
    )
}

#[derive(Clone, Copy, Debug)]
enum Setup {
    AwsManagedKey,
    CustomerKeyWithoutService,
    CustomerKeyWithService,
    PolicyWithoutService,
    WrongSourceArn,
    SseSqs,
}

fn facts_for(kind: ProducerKind, setup: Setup) -> ProducerFacts {
    let p = producer(kind);
    let service = kind.service();
    let right_policy = send_policy(service, &p.arn);
    let (encryption, key_lookup, policy) = match setup {
        Setup::AwsManagedKey => (Encryption::Kms { key_id: "alias/aws/sqs".into() }, None, right_policy),
        Setup::CustomerKeyWithoutService => (
            Encryption::Kms { key_id: KEY.into() },
            Some(Ok(KeyLookup::Found(key("Enabled", &key_policy_with(None))))),
            right_policy,
        ),
        Setup::CustomerKeyWithService => (
            Encryption::Kms { key_id: KEY.into() },
            Some(Ok(KeyLookup::Found(key("Enabled", &key_policy_with(Some(service)))))),
            right_policy,
        ),
        Setup::PolicyWithoutService => (
            Encryption::SseSqs,
            None,
            send_policy(if kind == ProducerKind::Sns { "events.amazonaws.com" } else { "sns.amazonaws.com" }, &p.arn),
        ),
        Setup::WrongSourceArn => (Encryption::SseSqs, None, send_policy(service, &format!("{}-other", p.arn))),
        Setup::SseSqs => (Encryption::SseSqs, None, right_policy),
    };
    ProducerFacts {
        queue: Destination {
            arn: QUEUE.parse().unwrap(),
            url: None,
            encryption,
            policy: Some(doc(&policy)),
            key: key_lookup,
        },
        statements: vec![],
        producers: vec![p],
        dlqs: vec![],
        skipped: vec![],
    }
}

#[test]
fn each_producer_against_each_setup() {
    use FindingCode as C;
    let expected: [(Setup, Option<FindingCode>); 6] = [
        (Setup::AwsManagedKey, Some(C::ProducerAwsManagedKey)),
        (Setup::CustomerKeyWithoutService, Some(C::ProducerKeyPolicyMissingGrant)),
        (Setup::CustomerKeyWithService, None),
        (Setup::PolicyWithoutService, Some(C::ProducerQueuePolicyMissingGrant)),
        (Setup::WrongSourceArn, Some(C::ProducerQueuePolicyMissingGrant)),
        (Setup::SseSqs, None),
    ];
    for kind in ProducerKind::ALL {
        for (setup, code) in expected {
            let facts = facts_for(kind, setup);
            let findings = check(&facts);
            let codes: Vec<FindingCode> = findings.iter().map(|f| f.code).collect();
            assert_eq!(codes, code.into_iter().collect::<Vec<_>>(), "{kind:?} × {setup:?}: {findings:#?}");
            for f in &findings {
                assert!(f.is_error(), "{kind:?} × {setup:?}");
                assert_eq!(f.resource, facts.producers[0].arn, "the finding names the producer");
                assert!(f.message.contains(&facts.producers[0].name));
                let fix = f.remediation.as_deref().unwrap();
                if f.code != FindingCode::ProducerQueuePolicyMissingGrant {
                    assert!(fix.contains("--sse-sqs"), "the alternative is named: {fix}");
                }
                // The statement to add is exact JSON naming the service.
                let start = fix.find("\n{").unwrap() + 1;
                let json = &fix[start..start + fix[start..].find("\n}").unwrap() + 2];
                let statement: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
                assert_eq!(statement["Principal"]["Service"], kind.service());
            }
            let healthy = code.is_none();
            assert_eq!(verdict(&facts, &facts.producers[0]) == "delivers", healthy, "{kind:?} × {setup:?}");
        }
    }
}

#[test]
fn wrong_source_arn_names_the_one_allowed() {
    let facts = facts_for(ProducerKind::Sns, Setup::WrongSourceArn);
    let f = &check(&facts)[0];
    assert!(f.message.contains(&format!("only with aws:SourceArn {TOPIC}-other")), "{}", f.message);
    assert!(f.remediation.as_deref().unwrap().contains(&format!("\"aws:SourceArn\": \"{TOPIC}\"")));
}

#[test]
fn a_key_policy_statement_bound_to_another_source_does_not_serve() {
    let mut facts = facts_for(ProducerKind::Sns, Setup::CustomerKeyWithService);
    let bound = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"Service":"sns.amazonaws.com"}},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*","Condition":{{"ArnEquals":{{"aws:SourceArn":"{TOPIC}-other"}}}}}}]}}"#
    );
    facts.queue.key = Some(Ok(KeyLookup::Found(key("Enabled", &bound))));
    assert_eq!(check(&facts).iter().map(|f| f.code).collect::<Vec<_>>(), [FindingCode::ProducerKeyPolicyMissingGrant]);
    // Bound to the topic itself: it serves.
    let own = bound.replace("-other", "");
    facts.queue.key = Some(Ok(KeyLookup::Found(key("Enabled", &own))));
    assert!(check(&facts).is_empty());
    // A condition sqs-trigger cannot tell: a warning, not a verdict.
    let unknown = own.replace("ArnEquals\":{\"aws:SourceArn", "StringEquals\":{\"kms:EncryptionContext:x");
    facts.queue.key = Some(Ok(KeyLookup::Found(key("Enabled", &unknown))));
    let findings = check(&facts);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, crate::model::Severity::Warning);
}

#[test]
fn a_disabled_or_deleted_key_or_an_aws_managed_one_by_arn() {
    for (state, fix) in [("Disabled", "enable-key"), ("PendingDeletion", "cancel-key-deletion")] {
        let mut facts = facts_for(ProducerKind::EventBridge, Setup::CustomerKeyWithService);
        facts.queue.key = Some(Ok(KeyLookup::Found(key(state, &key_policy_with(Some("events.amazonaws.com"))))));
        let findings = check(&facts);
        assert_eq!(findings.iter().map(|f| f.code).collect::<Vec<_>>(), [FindingCode::ProducerKeyNotEnabled]);
        assert!(findings[0].remediation.as_deref().unwrap().contains(fix));
    }
    let mut facts = facts_for(ProducerKind::S3, Setup::CustomerKeyWithService);
    let mut managed = key("Enabled", DELEGATING_KEY_POLICY);
    managed.manager = KeyManager::Aws;
    facts.queue.encryption = Encryption::Kms { key_id: "arn:aws:kms:us-east-1:123456789012:alias/aws/sqs".into() };
    facts.queue.key = Some(Ok(KeyLookup::Found(managed)));
    assert_eq!(check(&facts).iter().map(|f| f.code).collect::<Vec<_>>(), [FindingCode::ProducerAwsManagedKey]);
}

#[test]
fn an_eventbridge_targets_dlq_on_the_aws_managed_key_is_a_warning() {
    let mut facts = facts_for(ProducerKind::EventBridge, Setup::SseSqs);
    let dlq: QueueArn = "arn:aws:sqs:us-east-1:123456789012:orders-rule-dlq".parse().unwrap();
    facts.producers[0].dlq = Some(dlq.clone());
    facts.dlqs = vec![Ok(Destination {
        arn: dlq.clone(),
        url: None,
        encryption: Encryption::Kms { key_id: "alias/aws/sqs".into() },
        policy: Some(doc(&send_policy("events.amazonaws.com", RULE).replace(QUEUE, &dlq.to_string()))),
        key: None,
    })];
    let findings = check(&facts);
    assert_eq!(findings.iter().map(|f| f.code).collect::<Vec<_>>(), [FindingCode::ProducerDlqUnusable]);
    assert_eq!(findings[0].severity, crate::model::Severity::Warning);
    assert!(findings[0].message.contains("dead-letter queue"));
    // Its policy without EventBridge: said too.
    if let Ok(d) = &mut facts.dlqs[0] {
        d.encryption = Encryption::SseSqs;
        d.policy = None;
    }
    assert_eq!(check(&facts).iter().map(|f| f.code).collect::<Vec<_>>(), [FindingCode::ProducerDlqUnusable]);
}

#[test]
fn what_could_not_be_read_is_one_check_skipped_each() {
    let mut facts = facts_for(ProducerKind::Sns, Setup::SseSqs);
    facts.producers.clear();
    facts.skipped.push(Unreadable {
        kind: Default::default(),
        cause: Default::default(),
        feeds: &[],
        fact: "the SNS subscriptions".into(),
        permission: "sns:ListSubscriptions".into(),
        detail: "denied".into(),
    });
    let findings = check(&facts);
    assert_eq!(findings.iter().map(|f| f.code).collect::<Vec<_>>(), [FindingCode::CheckSkipped]);
    assert!(findings[0].remediation.as_deref().unwrap().contains("sns:ListSubscriptions"));
}

#[test]
fn metrics_tell_the_chain_with_the_cause() {
    let facts = facts_for(ProducerKind::Sns, Setup::CustomerKeyWithoutService);
    let statics = check(&facts);
    let m = ProducerMetrics {
        producer: TOPIC.into(),
        attempted: Some(3),
        delivered: Some(0),
        failed: 3,
        queue_sent: Some(0),
    };
    let findings = metrics(&facts, std::slice::from_ref(&m), &statics);
    assert_eq!(findings.len(), 1);
    let msg = &findings[0].message;
    assert!(msg.starts_with("topic orders-topic published 3, delivered 0, failed 3; queue orders counted 0 messages sent: the key policy of"), "{msg}");
    assert!(msg.contains("does not allow sns.amazonaws.com"), "{msg}");
    // Nothing failed: nothing to say.
    assert!(metrics(&facts, &[ProducerMetrics { failed: 0, ..m }], &statics).is_empty());
}
