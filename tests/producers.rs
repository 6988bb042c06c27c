//! `doctor --queue` follows the queue upstream: each producer (an SNS topic's subscription, an
//! EventBridge rule's target, an S3 bucket's notification) against each way its queue can
//! refuse it, on the emulator; a denied `sns:ListSubscriptions` is one `check-skipped`.

use sqs_trigger_test_support as support;

use serde_json::Value;
use support::{Emulator, emulator, unique};

const ACCOUNT: &str = "123456789012";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Sns,
    EventBridge,
    S3,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Setup {
    AwsManagedKey,
    CustomerKeyWithoutService,
    CustomerKeyWithService,
    PolicyWithoutService,
    WrongSourceArn,
    SseSqs,
}

impl Kind {
    fn service(self) -> &'static str {
        match self {
            Kind::Sns => "sns.amazonaws.com",
            Kind::EventBridge => "events.amazonaws.com",
            Kind::S3 => "s3.amazonaws.com",
        }
    }
}

fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{name}")
}

fn send_policy(service: &str, queue: &str, source: &str) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sqs:SendMessage",
        "Resource": queue_arn(queue), "Condition": {"ArnEquals": {"aws:SourceArn": source}}}]})
    .to_string()
}

/// A customer managed key; its policy lets `service` use it when given.
fn customer_key(emu: &Emulator, service: Option<&str>) -> String {
    let mut statements = vec![serde_json::json!({"Sid": "root", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "kms:*", "Resource": "*"})];
    if let Some(s) = service {
        statements.push(serde_json::json!({"Sid": "producer", "Effect": "Allow", "Principal": {"Service": s},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}));
    }
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    emu.block_on(async { emu.kms().create_key().policy(policy).send().await })
        .expect("CreateKey")
        .key_metadata()
        .and_then(|m| m.arn())
        .expect("key ARN")
        .to_owned()
}

/// The queue's attributes for `setup`, whose policy names `source` (the producer's ARN).
fn attributes(emu: &Emulator, kind: Kind, setup: Setup, queue: &str, source: &str) -> Vec<(&'static str, String)> {
    let right = send_policy(kind.service(), queue, source);
    let other_service = if kind == Kind::Sns { "events.amazonaws.com" } else { "sns.amazonaws.com" };
    match setup {
        Setup::AwsManagedKey => vec![("KmsMasterKeyId", "alias/aws/sqs".into()), ("Policy", right)],
        Setup::CustomerKeyWithoutService => vec![("KmsMasterKeyId", customer_key(emu, None)), ("Policy", right)],
        Setup::CustomerKeyWithService => {
            vec![("KmsMasterKeyId", customer_key(emu, Some(kind.service()))), ("Policy", right)]
        }
        Setup::PolicyWithoutService => {
            vec![("SqsManagedSseEnabled", "true".into()), ("Policy", send_policy(other_service, queue, source))]
        }
        Setup::WrongSourceArn => vec![
            ("SqsManagedSseEnabled", "true".into()),
            ("Policy", send_policy(kind.service(), queue, &format!("{source}-other"))),
        ],
        Setup::SseSqs => vec![("SqsManagedSseEnabled", "true".into()), ("Policy", right)],
    }
}

/// A queue fed by a producer of `kind`, set up as `setup`; the producer's ARN. The queue is made
/// healthy first (S3 refuses a notification to a queue it cannot send to, as AWS does), then
/// given the setup's attributes: what changes later fails silently.
fn fed_queue(emu: &Emulator, kind: Kind, setup: Setup) -> (String, String) {
    let queue = unique("upq");
    let sqs = emu.sqs();
    let url = emu
        .block_on(async {
            sqs.create_queue().queue_name(&queue).attributes("SqsManagedSseEnabled".into(), "true").send().await
        })
        .expect("CreateQueue")
        .queue_url()
        .unwrap()
        .to_owned();
    let name = unique("src");
    let source = match kind {
        Kind::Sns => {
            let sns = emu.sns();
            let topic = emu
                .block_on(async { sns.create_topic().name(&name).send().await })
                .expect("CreateTopic")
                .topic_arn()
                .unwrap()
                .to_owned();
            emu.block_on(async {
                sns.subscribe().topic_arn(&topic).protocol("sqs").endpoint(queue_arn(&queue)).send().await
            })
            .expect("Subscribe");
            topic
        }
        Kind::EventBridge => {
            let events = emu.events();
            let rule = emu
                .block_on(async {
                    events.put_rule().name(&name).event_pattern(r#"{"source":["shop.orders"]}"#).send().await
                })
                .expect("PutRule")
                .rule_arn()
                .unwrap()
                .to_owned();
            let target =
                aws_sdk_eventbridge::types::Target::builder().id("queue").arn(queue_arn(&queue)).build().unwrap();
            emu.block_on(async { events.put_targets().rule(&name).targets(target).send().await }).expect("PutTargets");
            rule
        }
        Kind::S3 => {
            let bucket = name.to_lowercase();
            let source = format!("arn:aws:s3:::{bucket}");
            let policy = send_policy(Kind::S3.service(), &queue, &source);
            emu.block_on(async {
                sqs.set_queue_attributes().queue_url(&url).attributes("Policy".into(), policy).send().await
            })
            .expect("SetQueueAttributes");
            let s3 = emu.s3();
            emu.block_on(async { s3.create_bucket().bucket(&bucket).send().await }).expect("CreateBucket");
            let config = aws_sdk_s3::types::NotificationConfiguration::builder()
                .queue_configurations(
                    aws_sdk_s3::types::QueueConfiguration::builder()
                        .id("uploads")
                        .queue_arn(queue_arn(&queue))
                        .events(aws_sdk_s3::types::Event::S3ObjectCreated)
                        .build()
                        .unwrap(),
                )
                .build();
            emu.block_on(async {
                s3.put_bucket_notification_configuration()
                    .bucket(&bucket)
                    .notification_configuration(config)
                    .send()
                    .await
            })
            .expect("PutBucketNotificationConfiguration");
            source
        }
    };
    let attrs = attributes(emu, kind, setup, &queue, &source);
    emu.block_on(async {
        let mut req = sqs.set_queue_attributes().queue_url(&url);
        for (k, v) in attrs {
            req = req.attributes(k.into(), v);
        }
        req.send().await
    })
    .expect("SetQueueAttributes");
    (queue, source)
}

fn doctor(emu: &Emulator, queue: &str) -> (support::Run, Value) {
    let run = emu.run(&["doctor", "--queue", queue, "-o", "json"]);
    let json = run.json();
    (run, json)
}

fn producer_codes(json: &Value) -> Vec<String> {
    json["triggers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .filter(|c| c.starts_with("producer-"))
        .map(str::to_owned)
        .collect()
}

/// What doctor says about the one producer: its verdict ("delivers", "blocked") or "not found",
/// and the producer finding codes.
fn verdict(json: &Value, source: &str) -> (String, Vec<String>) {
    let producers = json["triggers"][0]["upstream"]["producers"].as_array().cloned().unwrap_or_default();
    let verdict = match producers.iter().find(|p| p["arn"] == source) {
        Some(p) => p["verdict"].as_str().unwrap_or_default().to_owned(),
        None => "not found".to_owned(),
    };
    (verdict, producer_codes(json))
}

#[test]
fn each_producer_against_each_queue_setup() {
    use Setup::*;
    let emu = emulator();
    let table: [(Setup, &str, Option<&str>); 6] = [
        (AwsManagedKey, "blocked", Some("producer-aws-managed-key")),
        (CustomerKeyWithoutService, "blocked", Some("producer-key-policy-missing-grant")),
        (CustomerKeyWithService, "delivers", None),
        (PolicyWithoutService, "blocked", Some("producer-queue-policy-missing-grant")),
        (WrongSourceArn, "blocked", Some("producer-queue-policy-missing-grant")),
        (SseSqs, "delivers", None),
    ];
    let mut failures = Vec::new();
    for kind in [Kind::Sns, Kind::EventBridge, Kind::S3] {
        for (setup, expected_verdict, expected_code) in table {
            let (queue, source) = fed_queue(emu, kind, setup);
            let (run, json) = doctor(emu, &queue);
            let (got_verdict, codes) = verdict(&json, &source);
            // S3 buckets are found through the queue policy's aws:SourceArn only
            // (docs/commands/doctor.md): a policy naming another bucket hides this one.
            let (expected_verdict, expected_codes): (&str, Vec<String>) = if kind == Kind::S3 && setup == WrongSourceArn
            {
                ("not found", vec![])
            } else {
                (expected_verdict, expected_code.map(str::to_owned).into_iter().collect())
            };
            if got_verdict != expected_verdict || codes != expected_codes {
                failures.push(format!(
                    "{kind:?} × {setup:?}: verdict {got_verdict} (expected {expected_verdict}), codes {codes:?} \
                     (expected {expected_codes:?})\n{}{}",
                    run.stdout, run.stderr
                ));
            }
            // The queue has no mapping (mapping-missing): exit 1 whatever the producer.
            assert_eq!(run.code, 1, "{}", run.stderr);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_finding_names_the_producer_the_key_and_the_statement_to_add() {
    let emu = emulator();
    let (queue, topic) = fed_queue(emu, Kind::Sns, Setup::CustomerKeyWithoutService);
    let (run, json) = doctor(emu, &queue);
    run.expect_code(1);
    let finding = json["triggers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "producer-key-policy-missing-grant")
        .cloned()
        .expect("producer-key-policy-missing-grant");
    assert_eq!(finding["resource"], topic.as_str());
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("does not allow sns.amazonaws.com"), "{message}");
    assert!(message.contains("arn:aws:kms:"), "names the key: {message}");
    let fix = finding["remediation"].as_str().unwrap();
    let json_start = fix.find("\n{").expect("a statement") + 1;
    let json_end = json_start + fix[json_start..].find("\n}").expect("its end") + 2;
    let statement: Value = serde_json::from_str(&fix[json_start..json_end]).expect("exact JSON");
    assert_eq!(statement["Principal"]["Service"], "sns.amazonaws.com");
    assert_eq!(statement["Action"], serde_json::json!(["kms:GenerateDataKey*", "kms:Decrypt"]));
    assert!(fix.contains("put-key-policy") && fix.contains("--sse-sqs"), "{fix}");
    // The key policy was not changed by doctor.
    let text = emu.run(&["doctor", "--queue", &queue]);
    assert!(text.stdout.contains("SNS topic") && text.stdout.contains("blocked"), "{}", text.stdout);
}

#[test]
fn a_denied_list_subscriptions_is_one_check_skipped_and_doctor_goes_on() {
    // An emulator of its own: the fault matches any ListSubscriptions, and the table's run too.
    let own = Emulator::start();
    let emu = &own;
    let (queue, _) = fed_queue(emu, Kind::EventBridge, Setup::AwsManagedKey);
    emu.arm_fault("ListSubscriptions", "access-denied", 5, None);
    let (run, json) = doctor(emu, &queue);
    run.expect_code(1);
    let findings = json["triggers"][0]["findings"].as_array().unwrap();
    let skipped: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "check-skipped" && f["message"].as_str().unwrap_or_default().contains("SNS"))
        .collect();
    assert_eq!(skipped.len(), 1, "{findings:#?}");
    assert!(skipped[0]["remediation"].as_str().unwrap().contains("sns:ListSubscriptions"));
    // Everything else was still checked: the EventBridge rule and its finding.
    assert!(producer_codes(&json).contains(&"producer-aws-managed-key".to_owned()), "{findings:#?}");
}

/// End to end: a topic feeds an SSE-KMS queue mapped to a function. While doctor says the
/// topic is blocked, a published message is refused (never in the queue, the function never
/// sees it); once the key policy lets sns.amazonaws.com use the key, doctor says it delivers
/// and the next message runs the function.
#[test]
fn a_published_message_arrives_exactly_when_doctor_says_the_topic_delivers() {
    let emu = emulator();
    let key = customer_key(emu, None);
    let queue = unique("e2e-sns");
    let topic_name = unique("e2e-topic");
    let sns = emu.sns();
    let topic = emu
        .block_on(async { sns.create_topic().name(&topic_name).send().await })
        .expect("CreateTopic")
        .topic_arn()
        .unwrap()
        .to_owned();
    let sqs = emu.sqs();
    emu.block_on(async {
        sqs.create_queue()
            .queue_name(&queue)
            .attributes("KmsMasterKeyId".into(), key.clone())
            .attributes("Policy".into(), send_policy("sns.amazonaws.com", &queue, &topic))
            .send()
            .await
    })
    .expect("CreateQueue");
    emu.block_on(async { sns.subscribe().topic_arn(&topic).protocol("sqs").endpoint(queue_arn(&queue)).send().await })
        .expect("Subscribe");
    let role_policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"*"}},{{"Effect":"Allow","Action":"kms:Decrypt","Resource":"{key}"}},{{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}}]}}"#
    );
    let role = emu.create_role(&unique("e2e-role"), "lambda.amazonaws.com", Some(&role_policy), &[]);
    let function = unique("e2e-fn");
    emu.create_function(&function, &role, support::handlers::ECHO, 3);
    emu.create_sqs_mapping(&queue_arn(&queue), &function, true);

    // Blocked: doctor names the topic and the key; a publish is refused and never queued.
    let (run, json) = doctor(emu, &queue);
    assert_eq!(verdict(&json, &topic).0, "blocked", "{}", run.stdout);
    assert!(producer_codes(&json).contains(&"producer-key-policy-missing-grant".to_owned()));
    let first = unique("marker-refused");
    emu.block_on(async { sns.publish().topic_arn(&topic).message(&first).send().await }).expect("Publish");
    let refused: Vec<Value> = emu
        .deliveries()
        .into_iter()
        .filter(|d| d["source"] == topic.as_str() && d["queue"] == queue_arn(&queue).as_str())
        .collect();
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_eq!(refused[0]["delivered"], false, "{refused:#?}");
    let attrs = emu.queue_attributes(&queue).unwrap();
    assert_eq!(attrs["ApproximateNumberOfMessages"], "0");
    assert_eq!(attrs["ApproximateNumberOfMessagesNotVisible"], "0");

    // The fix doctor printed: the key statement for sns.amazonaws.com (the test adds it; the
    // tool never does).
    let policy = emu
        .block_on(async { emu.kms().get_key_policy().key_id(&key).policy_name("default").send().await })
        .expect("GetKeyPolicy")
        .policy()
        .unwrap()
        .to_owned();
    let mut doc: Value = serde_json::from_str(&policy).unwrap();
    doc["Statement"].as_array_mut().unwrap().push(serde_json::json!({"Sid": "AllowSNSUseOfTheKey", "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}));
    emu.block_on(async {
        emu.kms().put_key_policy().key_id(&key).policy_name("default").policy(doc.to_string()).send().await
    })
    .expect("PutKeyPolicy");

    // Delivers: doctor says so, and the next message runs the function.
    let (run, json) = doctor(emu, &queue);
    assert_eq!(verdict(&json, &topic), ("delivers".to_owned(), vec![]), "{}", run.stdout);
    let second = unique("marker-delivered");
    emu.block_on(async { sns.publish().topic_arn(&topic).message(&second).send().await }).expect("Publish");
    support::wait_until("the function logs the published message", std::time::Duration::from_secs(90), || {
        emu.log_lines(&function).iter().any(|l| l.contains(&second))
    });
    let lines = emu.log_lines(&function);
    assert!(!lines.iter().any(|l| l.contains(&first)), "the refused message never ran the function");
}

/// `doctor --metrics`: what SNS counted for the topic and the queue's NumberOfMessagesSent, told
/// as one chain with the cause ("published N, delivered 0 …: the key policy … does not allow
/// sns.amazonaws.com").
#[test]
fn metrics_tell_the_chain_from_the_topic_to_the_key() {
    let emu = emulator();
    let (queue, topic) = fed_queue(emu, Kind::Sns, Setup::CustomerKeyWithoutService);
    let sns = emu.sns();
    for i in 0..2 {
        emu.block_on(async { sns.publish().topic_arn(&topic).message(format!("m{i}")).send().await }).expect("Publish");
    }
    let run = emu.run(&["doctor", "--queue", &queue, "--metrics", "--window", "10m", "-o", "json"]);
    run.expect_code(1);
    let json = run.json();
    let metrics = &json["triggers"][0]["upstream"]["metrics"][0];
    assert_eq!(metrics["producer"], topic.as_str(), "{json:#}");
    assert_eq!(metrics["attempted"], 2);
    assert_eq!(metrics["failed"], 2);
    let failing = json["triggers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "producer-deliveries-failing")
        .cloned()
        .expect("producer-deliveries-failing");
    let message = failing["message"].as_str().unwrap();
    let name = topic.rsplit(':').next().unwrap();
    assert!(message.starts_with(&format!("topic {name} published 2, ")), "{message}");
    assert!(message.contains("failed 2") && message.contains("does not allow sns.amazonaws.com"), "{message}");
    // Healthy producer: nothing failed, no finding.
    let (queue, topic) = fed_queue(emu, Kind::Sns, Setup::SseSqs);
    emu.block_on(async { sns.publish().topic_arn(&topic).message("ok").send().await }).expect("Publish");
    let run = emu.run(&["doctor", "--queue", &queue, "--metrics", "--window", "10m", "-o", "json"]);
    let json = run.json();
    assert!(!producer_codes(&json).iter().any(|c| c == "producer-deliveries-failing"), "{json:#}");
    assert_eq!(json["triggers"][0]["upstream"]["metrics"][0]["failed"], 0, "{json:#}");
}

/// `queue create --kms-key alias/aws/sqs` on a queue whose policy already lets a service send:
/// a warning naming the service; `role check --fix` prints the key statement of the producers
/// the policy names and leaves the key policy as it was.
#[test]
fn queue_create_warns_and_role_check_fix_never_writes_the_key_policy() {
    let emu = emulator();
    let (queue, _) = fed_queue(emu, Kind::Sns, Setup::SseSqs);
    let run = emu.run(&["queue", "create", &queue, "--kms-key", "alias/aws/sqs", "--update", "--yes", "-o", "json"]);
    let warned: Vec<Value> = run.json()["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f["code"] == "producer-aws-managed-key")
        .collect();
    assert_eq!(warned.len(), 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(warned[0]["severity"], "warning");
    assert!(warned[0]["message"].as_str().unwrap().contains("sns.amazonaws.com"));

    let (queue, _) = fed_queue(emu, Kind::Sns, Setup::CustomerKeyWithoutService);
    let key = emu.queue_attributes(&queue).unwrap()["KmsMasterKeyId"].clone();
    let before = emu
        .block_on(async { emu.kms().get_key_policy().key_id(&key).policy_name("default").send().await })
        .expect("GetKeyPolicy")
        .policy()
        .unwrap()
        .to_owned();
    let role = emu.create_role(&unique("rc-role"), "lambda.amazonaws.com", None, &[]);
    let function = unique("rc-fn");
    emu.create_function(&function, &role, support::handlers::SILENT, 3);
    let run = emu.run(&["role", "check", "--function", &function, "--queue", &queue, "--fix", "--yes", "-o", "json"]);
    let json = run.json();
    let producer = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "producer-key-policy-missing-grant")
        .cloned()
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(producer["remediation"].as_str().unwrap().contains("\"sns.amazonaws.com\""));
    let after = emu
        .block_on(async { emu.kms().get_key_policy().key_id(&key).policy_name("default").send().await })
        .expect("GetKeyPolicy")
        .policy()
        .unwrap()
        .to_owned();
    assert_eq!(after, before, "the key policy is never written");
}
