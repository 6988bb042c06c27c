//! Every advisory read (src/gather/reads.rs) × every way an endpoint can fail to answer it:
//! AccessDenied, an unknown operation (404 / InvalidAction), an HTML page, a truncated answer,
//! no answer in time. Each case is one `check-skipped` naming the operation; the job is still
//! done (the report is whole; the exit code is the healthy run's unless an error the lost read
//! fed is what is missing) and the other findings are the healthy run's: only those whose codes
//! the lost read feeds (gather/reads.rs) may be missing, and nothing is added. A read that no
//! check needs (the simulator, a mapping's tags) skips nothing and says nothing.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;
use sqs_trigger::gather::reads::{self, Need, READS, Read};
use sqs_trigger_test_support::{ACCOUNT, Emulator, poller_policy, unique};

/// One advisory read made to fail: the emulator operation, and a substring of the request
/// that picks this read's request out of the others of the same operation.
struct Case {
    read: &'static Read,
    operation: &'static str,
    matching: Option<String>,
    /// The operation as the check-skipped names it (`service:Operation`).
    named: &'static str,
}

/// The ways an endpoint fails to answer: the fault injector's error names, and for the
/// timeout a delay longer than `--operation-timeout`.
const FAILURES: [&str; 5] = ["access-denied", "unknown-operation", "html", "truncated", "timeout"];

/// The account: an encrypted queue with a DLQ, its mapping with filters encrypted by a
/// second key, a function whose role lacks kms:Decrypt and may send to the queue, its log
/// group, and the queue's producers (SNS, EventBridge, S3).
struct Account {
    queue: String,
    dlq: String,
    function: String,
    role: String,
    queue_key: String,
    filter_key: String,
    /// The dead-letter queue of the EventBridge target (on the queue's key).
    target_dlq: String,
}

fn account(emu: &Emulator) -> Account {
    let queue = unique("adv-orders");
    let dlq = format!("{queue}-dlq");
    let function = unique("adv-worker");
    let role_name = unique("adv-role");
    let key = |description: &str| {
        emu.block_on(async { emu.kms().create_key().description(description).send().await })
            .expect("CreateKey")
            .key_metadata
            .expect("key metadata")
            .key_id
    };
    let queue_key = key("queue key");
    let filter_key = key("filter key");
    let actions = [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:SendMessage",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ];
    let full = poller_policy(&[&actions[..], &["kms:Decrypt"]].concat());
    let role = emu.create_role(&role_name, "lambda.amazonaws.com", Some(&full), &[]);
    emu.create_function(&function, &role, "def handler(event, context):\n    return {}\n", 3);
    emu.run(&["queue", "create", &queue, "--dlq", &dlq, "--kms-key", &queue_key]).expect_code(0);
    emu.run(&[
        "mapping",
        "create",
        "--function",
        &function,
        "--queue",
        &queue,
        "--filter",
        r#"{"body":{"kind":["order"]}}"#,
        "--filter-kms-key",
        &filter_key,
    ])
    .expect_code(0);
    // Findings for the lost reads to take away: the role loses kms:Decrypt on the keys
    // (role-missing-permission, an error: exit 1); it may send to its own queue
    // (recursive-loop-possible).
    emu.block_on(async {
        emu.iam()
            .put_role_policy()
            .role_name(&role_name)
            .policy_name("inline")
            .policy_document(poller_policy(&actions))
            .send()
            .await
    })
    .expect("PutRolePolicy");
    emu.block_on(async {
        emu.logs().create_log_group().log_group_name(format!("/aws/lambda/{function}")).send().await
    })
    .expect("CreateLogGroup");
    let target_dlq = producers(emu, &queue, &queue_key);
    Account { queue, dlq, function, role: role_name, queue_key, filter_key, target_dlq }
}

/// The queue's producers, whose reads doctor makes upstream of it: an SNS topic, an
/// EventBridge rule (its target with a dead-letter queue on the same key) and an S3 bucket,
/// each allowed by the queue policy; the key's policy serves none of them (producer-* errors
/// for the lost reads to take away). S3 refuses a notification to a queue it cannot use, so
/// the queue is on SSE-SQS while it is set up, then back on its key. Returns the target's DLQ.
fn producers(emu: &Emulator, queue: &str, key: &str) -> String {
    let arn = |name: &str| format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{name}");
    let name = unique("adv-src");
    let topic = format!("arn:aws:sns:us-east-1:{ACCOUNT}:{name}");
    let rule = format!("arn:aws:events:us-east-1:{ACCOUNT}:rule/{name}");
    let bucket = name.to_lowercase();
    let statement = |service: &str, source: &str| {
        serde_json::json!({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sqs:SendMessage",
            "Resource": arn(queue), "Condition": {"ArnEquals": {"aws:SourceArn": source}}})
    };
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        statement("sns.amazonaws.com", &topic),
        statement("events.amazonaws.com", &rule),
        statement("s3.amazonaws.com", &format!("arn:aws:s3:::{bucket}")),
    ]});
    let url = emu.queue_url(queue).expect("the queue");
    let set = |attributes: &[(&str, &str)]| {
        emu.block_on(async {
            let mut req = emu.sqs().set_queue_attributes().queue_url(&url);
            for (k, v) in attributes {
                req = req.attributes((*k).into(), *v);
            }
            req.send().await
        })
        .expect("SetQueueAttributes")
    };
    set(&[("Policy", &policy.to_string()), ("KmsMasterKeyId", ""), ("SqsManagedSseEnabled", "true")]);
    emu.block_on(async {
        let sns = emu.sns();
        sns.create_topic().name(&name).send().await.expect("CreateTopic");
        sns.subscribe().topic_arn(&topic).protocol("sqs").endpoint(arn(queue)).send().await.expect("Subscribe");
        let s3 = emu.s3();
        s3.create_bucket().bucket(&bucket).send().await.expect("CreateBucket");
        let config = aws_sdk_s3::types::NotificationConfiguration::builder()
            .queue_configurations(
                aws_sdk_s3::types::QueueConfiguration::builder()
                    .queue_arn(arn(queue))
                    .events(aws_sdk_s3::types::Event::S3ObjectCreated)
                    .build()
                    .unwrap(),
            )
            .build();
        s3.put_bucket_notification_configuration()
            .bucket(&bucket)
            .notification_configuration(config)
            .send()
            .await
            .expect("PutBucketNotificationConfiguration");
    });
    set(&[("KmsMasterKeyId", key), ("SqsManagedSseEnabled", "false")]);
    // The target's DLQ on a key of its own, so that a fault on the queue's key is one fact.
    let target_dlq = format!("{queue}-ebdlq");
    emu.block_on(async {
        let dlq_key = emu.kms().create_key().description("target dlq key").send().await.expect("CreateKey");
        let dlq_key = dlq_key.key_metadata.expect("key metadata").key_id;
        emu.sqs()
            .create_queue()
            .queue_name(&target_dlq)
            .attributes("KmsMasterKeyId".into(), dlq_key)
            .send()
            .await
            .expect("CreateQueue");
        let events = emu.events();
        events.put_rule().name(&name).event_pattern(r#"{"source":["shop.orders"]}"#).send().await.expect("PutRule");
        let target = aws_sdk_eventbridge::types::Target::builder()
            .id("queue")
            .arn(arn(queue))
            .dead_letter_config(aws_sdk_eventbridge::types::DeadLetterConfig::builder().arn(arn(&target_dlq)).build())
            .build()
            .unwrap();
        events.put_targets().rule(&name).targets(target).send().await.expect("PutTargets");
    });
    target_dlq
}

fn cases(a: &Account) -> Vec<Case> {
    let case = |read, operation, matching: Option<&str>, named| Case {
        read,
        operation,
        matching: matching.map(str::to_owned),
        named,
    };
    vec![
        case(&reads::DLQ, "GetQueueAttributes", Some(&a.dlq), "sqs:GetQueueAttributes"),
        case(&reads::KEY, "DescribeKey", Some(&a.queue_key), "kms:DescribeKey"),
        case(&reads::KEY_POLICY, "GetKeyPolicy", Some(&a.queue_key), "kms:GetKeyPolicy"),
        case(&reads::FILTER_KEY, "DescribeKey", Some(&a.filter_key), "kms:DescribeKey"),
        case(&reads::ROLE, "GetRole", Some(&a.role), "iam:GetRole"),
        case(&reads::SIMULATION, "SimulatePrincipalPolicy", None, "iam:SimulatePrincipalPolicy"),
        case(&reads::LOG_GROUP, "DescribeLogGroups", None, "logs:DescribeLogGroups"),
        case(&reads::RECURSION, "GetFunctionRecursionConfig", None, "lambda:GetFunctionRecursionConfig"),
        case(&reads::ACCOUNT_CONCURRENCY, "GetAccountSettings", None, "lambda:GetAccountSettings"),
        // The trigger's metrics, not the producers' (a request of its own).
        case(&reads::METRICS, "GetMetricData", Some("AWS/Lambda"), "cloudwatch:GetMetricData"),
        case(&reads::MAPPING_TAGS, "ListTags", None, "lambda:ListTags"),
        case(&reads::SNS_SUBSCRIPTIONS, "ListSubscriptionsByTopic", None, "sns:ListSubscriptionsByTopic"),
        case(&reads::EVENTBRIDGE_TARGETS, "ListRuleNamesByTarget", None, "events:ListRuleNamesByTarget"),
        case(&reads::S3_NOTIFICATIONS, "GetBucketNotificationConfiguration", None, "s3:GetBucketNotification"),
        case(&reads::PRODUCER_DLQ, "GetQueueAttributes", Some(&a.target_dlq), "sqs:GetQueueAttributes"),
        case(&reads::PRODUCER_METRICS, "GetMetricData", Some("AWS/SNS"), "cloudwatch:GetMetricData"),
    ]
}

/// A doctor run's outcome: exit code, findings as (code, severity, resource), the messages of
/// its check-skipped findings, and whether the report is whole (queue, function, mapping).
struct Outcome {
    code: i32,
    findings: BTreeSet<(String, String, String)>,
    skipped: Vec<String>,
    whole: bool,
    stderr: String,
}

fn doctor(emu: &Emulator, a: &Account, extra: &[&str]) -> Outcome {
    let mut args = vec!["doctor", "--queue", &a.queue, "--function", &a.function, "--output", "json"];
    args.extend(extra);
    let run = emu.run(&args);
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("doctor printed no JSON report ({e}), exit {}\n{}", run.code, run.stderr));
    let findings = run.findings();
    let text = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_owned();
    let mapped = report.to_string().contains(&a.function) && report.to_string().contains(&a.queue);
    Outcome {
        code: run.code,
        findings: findings.iter().map(|f| (text(f, "code"), text(f, "severity"), text(f, "resource"))).collect(),
        skipped: findings.iter().filter(|f| f["code"] == "check-skipped").map(|f| text(f, "message")).collect(),
        whole: mapped,
        stderr: run.stderr,
    }
}

/// doctor's exit code for these findings: 1 when one is an error (docs/exit-codes.md).
fn exit_of(findings: &BTreeSet<(String, String, String)>) -> i32 {
    i32::from(findings.iter().any(|(_, severity, _)| severity == "error"))
}

#[test]
fn each_advisory_read_that_cannot_be_answered_is_one_check_skipped_and_the_job_is_done() {
    let emu = Emulator::start();
    let a = account(&emu);
    let all = cases(&a);

    // Every advisory read doctor makes is in the table.
    let covered: HashSet<&str> = all.iter().map(|c| c.read.fact).collect();
    let advisory: HashSet<&str> = READS.iter().filter(|r| r.need == Need::Advisory).map(|r| r.fact).collect();
    assert_eq!(covered, advisory, "the table covers every advisory read of gather/reads.rs");

    let healthy = doctor(&emu, &a, &[]);
    assert!(healthy.skipped.is_empty(), "the healthy run reads everything: {:?}\n{}", healthy.skipped, healthy.stderr);
    assert!(healthy.whole, "the healthy report names the queue and the function");
    let codes: BTreeSet<&str> = healthy.findings.iter().map(|(code, _, _)| code.as_str()).collect();
    for code in [
        "role-missing-permission",
        "recursive-loop-possible",
        "filter-deletes-unmatched",
        "producer-key-policy-missing-grant",
    ] {
        assert!(codes.contains(code), "the healthy run finds {code}: {:?}", healthy.findings);
    }
    assert_eq!(healthy.code, exit_of(&healthy.findings), "{:?}", healthy.findings);

    let mut failures = Vec::new();
    for case in &all {
        assert!(case.read.operations.contains(&case.named), "{} is one of {:?}", case.named, case.read.operations);
        let lost: HashSet<&str> = case.read.feeds.iter().map(|c| c.as_str()).collect();
        for failure in FAILURES {
            emu.http("DELETE", "/_emulator/faults", None).expect("clear faults");
            let spec = match failure {
                // Longer than the run's --operation-timeout, on every attempt.
                "timeout" => serde_json::json!({
                    "operation": case.operation, "error": "throttling", "count": 10, "delay": 3,
                    "match": case.matching,
                }),
                error => serde_json::json!({
                    "operation": case.operation, "error": error, "count": 10, "match": case.matching,
                }),
            };
            let (status, body) = emu.http("POST", "/_emulator/faults", Some(&spec.to_string())).expect("arm fault");
            assert_eq!(status, 201, "{body}");
            let mut flags = vec!["--operation-timeout", "1s", "--max-attempts", "2"];
            // Only --metrics reads the metrics (their verdict moves with the clock, so the
            // healthy run is without them: every finding they feed is skipped here anyway).
            if std::ptr::eq(case.read, &reads::METRICS) || std::ptr::eq(case.read, &reads::PRODUCER_METRICS) {
                flags.push("--metrics");
            }
            let got = doctor(&emu, &a, &flags);

            let label = format!("{} ({}) × {failure}", case.read.fact, case.named);
            let mut wrong = Vec::new();
            // What the lost read feeds may be gone (a check may still decide some of it from
            // other facts); everything else is as in the healthy run, and nothing is new.
            let kept: BTreeSet<_> =
                healthy.findings.iter().filter(|(code, _, _)| !lost.contains(code.as_str())).cloned().collect();
            let remaining: BTreeSet<_> =
                got.findings.iter().filter(|(code, _, _)| code != "check-skipped").cloned().collect();
            let missing: Vec<_> = kept.difference(&remaining).collect();
            let added: Vec<_> = remaining.difference(&healthy.findings).collect();
            if !missing.is_empty() || !added.is_empty() {
                wrong.push(format!("findings: missing {missing:?}, added {added:?}"));
            }
            // The healthy run's exit code, unless a skipped check was what made it fail.
            if got.code != exit_of(&remaining) {
                wrong.push(format!("exit {} for findings {remaining:?} (healthy: {})", got.code, healthy.code));
            }
            if got.code != healthy.code && exit_of(&kept) == healthy.code {
                wrong.push(format!("exit {} (healthy: {}), but no error was skipped", got.code, healthy.code));
            }
            let naming: Vec<&String> = got.skipped.iter().filter(|m| m.contains(&format!("{}:", case.named))).collect();
            if case.read.feeds.is_empty() {
                // A read no check needs (the simulator: our evaluator decides; a mapping's
                // tags: shown only) skips nothing, so it says nothing.
                if !got.skipped.is_empty() {
                    wrong.push(format!("check-skipped: {:?} (it feeds no check)", got.skipped));
                }
            } else if got.skipped.len() != 1 || naming.len() != 1 {
                wrong.push(format!("check-skipped: {:?} (want one naming {})", got.skipped, case.named));
            }
            if !wrong.is_empty() {
                failures.push(format!("{label}: {}\nstderr: {}", wrong.join("; "), got.stderr.trim()));
            }
        }
    }
    emu.http("DELETE", "/_emulator/faults", None).expect("clear faults");
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        all.len() * FAILURES.len(),
        failures.join("\n")
    );
}

#[test]
fn a_required_read_that_cannot_be_answered_keeps_todays_behaviour() {
    // The queue is required. An answer that is not AWS's (or none) ends the command: exit 3,
    // naming the operation. AccessDenied is, as before, doctor's own verdict on a queue it may
    // not read: one check-skipped naming the permission, and the rest of the report.
    let emu = Emulator::start();
    let a = account(&emu);
    for failure in ["unknown-operation", "html", "truncated"] {
        emu.http("DELETE", "/_emulator/faults", None).expect("clear faults");
        emu.arm_fault("GetQueueAttributes", failure, 10, Some(&a.queue));
        let run = emu.run(&["doctor", "--queue", &a.queue, "--function", &a.function, "--output", "json"]);
        run.expect_code(3);
        let error = &run.json()["error"];
        assert_eq!(error["kind"], "aws", "{failure}: {error}");
        assert!(error["message"].as_str().unwrap_or_default().contains("GetQueueAttributes"), "{failure}: {error}");
    }
    emu.http("DELETE", "/_emulator/faults", None).expect("clear faults");
    emu.arm_fault("GetQueueAttributes", "access-denied", 10, Some(&a.queue));
    let run = emu.run(&["doctor", "--queue", &a.queue, "--function", &a.function, "--output", "json"]);
    let skipped: Vec<Value> = run.findings().into_iter().filter(|f| f["code"] == "check-skipped").collect();
    assert_eq!(skipped.len(), 1, "{}", run.stdout);
    assert!(skipped[0]["remediation"].as_str().unwrap_or_default().contains("sqs:GetQueueAttributes"), "{skipped:?}");
    assert_ne!(run.code, 3, "{}", run.stderr);
    emu.http("DELETE", "/_emulator/faults", None).expect("clear faults");
}
