use super::*;
use crate::checks::queue::fixtures::queue;
use crate::cli::QueueOptions;

fn kms() -> Desired {
    Desired::Kms { key_id: "arn:aws:kms:us-east-1:123456789012:key/k2".into(), aliases: vec!["alias/other".into()] }
}

/// An existing queue encrypted with key k1, redriving to `orders-deadletter` (count 3),
/// tagged by another team.
fn existing() -> QueueFacts {
    let mut q = queue("orders");
    q.encryption = Encryption::Kms { key_id: "alias/orders".into() };
    q.visibility_timeout_secs = 60;
    q.redrive = Some(Redrive {
        dead_letter_target_arn: "arn:aws:sqs:us-east-1:123456789012:orders-deadletter".parse().unwrap(),
        max_receive_count: 3,
    });
    q.tags = BTreeMap::from([("team".to_owned(), "orders".to_owned())]);
    q
}

fn planned(flags: &[&str], desired: Desired) -> QueuePlan {
    let mut options = QueueOptions::default();
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        match *flag {
            "--dlq" => options.dlq = it.next().map(|s| s.to_string()),
            "--no-dlq" => options.no_dlq = true,
            "--max-receive-count" => options.max_receive_count = it.next().and_then(|s| s.parse().ok()),
            "--visibility-timeout" => options.visibility_timeout = it.next().map(|s| s.to_string()),
            "--sse-sqs" => options.sse_sqs = true,
            "--no-encryption" => options.no_encryption = true,
            "--kms-key" => options.kms_key = it.next().map(|s| s.to_string()),
            "--tag" => options.tags.push(it.next().unwrap().to_string()),
            other => panic!("unknown flag {other}"),
        }
    }
    let spec = QueueSpec::from_args("orders", &options).unwrap();
    let caller = CallerFacts { account: "123456789012".into(), arn: "arn:aws:iam::123456789012:user/u".into() };
    let label = desired.label();
    plan_steps(&spec, Some(existing()), None, &desired, caller, "us-east-1".into(), vec![], label)
}

/// (flags given, encryption they resolve to) → (attributes written, tags written, security
/// change, DLQ step): only what the flags name is written; defaults never apply here.
#[test]
fn writes_planned_on_an_existing_queue() {
    type Case = (&'static [&'static str], Desired, &'static [&'static str], &'static [&'static str], bool);
    let cases: Vec<Case> = vec![
        (&[], Desired::SseSqs, &[], &[], false),
        (&["--visibility-timeout", "60s"], Desired::SseSqs, &[], &[], false),
        (&["--visibility-timeout", "2m"], Desired::SseSqs, &["VisibilityTimeout"], &[], false),
        (&["--max-receive-count", "3"], Desired::SseSqs, &[], &[], false),
        (&["--max-receive-count", "6"], Desired::SseSqs, &["RedrivePolicy"], &[], false),
        (&["--dlq", "orders-deadletter"], Desired::SseSqs, &[], &[], false),
        (&["--dlq", "elsewhere"], Desired::SseSqs, &["RedrivePolicy"], &[], false),
        (&["--no-dlq"], Desired::SseSqs, &["RedrivePolicy"], &[], true),
        (&["--sse-sqs"], Desired::SseSqs, &["KmsMasterKeyId", "SqsManagedSseEnabled"], &[], true),
        (&["--no-encryption"], Desired::None, &["KmsMasterKeyId", "SqsManagedSseEnabled"], &[], true),
        (&["--kms-key", "alias/other"], kms(), &["KmsMasterKeyId", "SqsManagedSseEnabled"], &[], true),
        (&["--tag", "team=orders"], Desired::SseSqs, &[], &[], false),
        (&["--tag", "env=prod"], Desired::SseSqs, &[], &["env"], false),
    ];
    for (flags, desired, attributes, tags, security) in cases {
        let plan = planned(flags, desired);
        let step = &plan.queue;
        assert_eq!(step.update_attributes.keys().collect::<Vec<_>>(), attributes.to_vec(), "{flags:?}");
        assert_eq!(step.update_tags.keys().collect::<Vec<_>>(), tags.to_vec(), "{flags:?}");
        assert!(!step.update_tags.contains_key(crate::MANAGED_BY_TAG), "{flags:?}: ownership is never taken");
        assert_eq!(!plan.security_changes().is_empty(), security, "{flags:?}");
        // A DLQ step only when --dlq names one: an existing queue gets no default DLQ.
        assert_eq!(plan.dlq.is_some(), flags.contains(&"--dlq"), "{flags:?}");
    }
}

#[test]
fn a_named_existing_dlq_is_used_as_it_is() {
    let mut options =
        QueueOptions { dlq: Some("shared".into()), kms_key: Some("alias/other".into()), ..Default::default() };
    options.tags.push("env=prod".into());
    let spec = QueueSpec::from_args("orders", &options).unwrap();
    let mut shared = queue("shared");
    shared.tags.clear();
    let caller = CallerFacts { account: "123456789012".into(), arn: "arn:aws:iam::123456789012:user/u".into() };
    let plan = plan_steps(&spec, None, Some(shared), &kms(), caller, "us-east-1".into(), vec![], String::new());
    let dlq = plan.dlq.expect("dlq step");
    assert!(dlq.differences.is_empty() && dlq.update_attributes.is_empty() && dlq.update_tags.is_empty());
    assert_eq!(dlq.outcome(true, false), Outcome::Unchanged);
    // The new queue is created with everything, and owned.
    assert_eq!(plan.queue.tags.get(crate::MANAGED_BY_TAG).map(String::as_str), Some("sqs-trigger"));
    assert!(plan.queue.attributes.contains_key("RedrivePolicy"));
}

#[test]
fn recommended_visibility_for_a_function() {
    use super::plan::recommended_visibility_secs;
    // (function timeout, batching window, expected): never below SQS's 30 s, never above 12 h.
    for (timeout, window, expected) in [(3, 0, 30), (10, 0, 60), (10, 5, 65), (900, 300, 5_700), (900, 43_000, 43_200)]
    {
        assert_eq!(recommended_visibility_secs(timeout, window), expected, "{timeout} {window}");
    }
}
