//! `doctor` on purpose-built broken triggers: each reports its finding, with the chain and a
//! verdict; limited permissions still give every other finding plus `check-skipped`.

mod support;

use support::{Emulator, FULL_POLLER_POLICY, emulator, handlers, unique};

struct Trigger {
    queue: String,
    function: String,
    role: String,
}

/// A queue (made by `queue create` with `queue_args`), a function with a role, and a mapping.
fn trigger(emu: &Emulator, queue_args: &[&str], policy: &str, timeout: i32, enabled: bool) -> Trigger {
    let queue = unique("dq");
    let mut args = vec!["queue", "create", queue.as_str()];
    args.extend_from_slice(queue_args);
    emu.run(&args).expect_code(0);
    let role = unique("dr");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(policy), &[]);
    let function = unique("df");
    emu.create_function(&function, &role_arn, handlers::SILENT, timeout);
    map(emu, &queue, &function, enabled);
    Trigger { queue, function, role }
}

fn map(emu: &Emulator, queue: &str, function: &str, enabled: bool) {
    let arn = emu.queue_attributes(queue).unwrap()["QueueArn"].clone();
    emu.create_sqs_mapping(&arn, function, enabled);
}

fn doctor(emu: &Emulator, args: &[&str]) -> support::Run {
    let mut all = vec!["doctor"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "json"]);
    emu.run(&all)
}

#[test]
fn a_healthy_trigger_exits_0_with_the_chain() {
    let emu = emulator();
    let t = trigger(emu, &["--visibility-timeout", "30s"], FULL_POLLER_POLICY, 3, true);
    let run = doctor(emu, &["--queue", &t.queue]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["summary"]["triggers"], 1);
    let d = &json["triggers"][0];
    assert_eq!(d["function"]["name"], t.function.as_str());
    assert_eq!(d["mappings"][0]["state"], "Enabled");
    assert_ne!(d["verdict"], "broken", "{d}");
    let text = emu.run(&["doctor", "--queue", &t.queue]);
    text.expect_code(0);
    let first = text.stdout.lines().next().unwrap();
    assert!(first.contains(&t.queue) && first.contains("→") && first.contains(&t.function), "{first}");
    assert!(text.stdout.contains(&format!("DLQ {}-dlq", t.queue)), "{}", text.stdout);
}

#[test]
fn reports_mapping_missing() {
    let emu = emulator();
    let queue = unique("dq-nomap");
    emu.run(&["queue", "create", &queue]).expect_code(0);
    let run = doctor(emu, &["--queue", &queue]);
    run.expect_code(1);
    assert!(run.finding_codes().contains(&"mapping-missing".to_string()), "{}", run.stdout);
    assert_eq!(run.json()["triggers"][0]["broken_link"], "mapping");
}

#[test]
fn reports_mapping_disabled() {
    let emu = emulator();
    let t = trigger(emu, &[], FULL_POLLER_POLICY, 3, false);
    let run = doctor(emu, &["--queue", &t.queue, "--function", &t.function]);
    run.expect_code(1);
    assert!(run.finding_codes().contains(&"mapping-disabled".to_string()), "{}", run.stdout);
}

#[test]
fn reports_function_throttled() {
    let emu = emulator();
    let t = trigger(emu, &[], FULL_POLLER_POLICY, 3, true);
    emu.block_on(async {
        emu.lambda()
            .put_function_concurrency()
            .function_name(&t.function)
            .reserved_concurrent_executions(0)
            .send()
            .await
            .unwrap();
    });
    let run = doctor(emu, &["--function", &t.function]);
    run.expect_code(1);
    assert!(run.finding_codes().contains(&"function-throttled".to_string()), "{}", run.stdout);
    assert_eq!(run.json()["triggers"][0]["broken_link"], "function", "{}", run.stdout);
}

#[test]
fn reports_dlq_missing() {
    let emu = emulator();
    let t = trigger(emu, &["--no-dlq"], FULL_POLLER_POLICY, 3, true);
    let run = doctor(emu, &["--queue", &t.queue]);
    assert!(run.finding_codes().contains(&"dlq-missing".to_string()), "{}", run.stdout);
}

#[test]
fn reports_dlq_type_mismatch() {
    let emu = emulator();
    let base = unique("dq-mix");
    let (queue, dlq) = (base.clone(), format!("{base}-dlq.fifo"));
    emu.block_on(async {
        let sqs = emu.sqs();
        let dlq_url = sqs
            .create_queue()
            .queue_name(&dlq)
            .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
            .send()
            .await
            .unwrap()
            .queue_url()
            .unwrap()
            .to_owned();
        let dlq_arn = sqs
            .get_queue_attributes()
            .queue_url(&dlq_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .unwrap()
            .attributes()
            .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
            .clone();
        let redrive = serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}).to_string();
        sqs.create_queue()
            .queue_name(&queue)
            .attributes(aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy, redrive)
            .send()
            .await
            .unwrap();
    });
    let run = doctor(emu, &["--queue", &queue]);
    run.expect_code(1);
    assert!(run.finding_codes().contains(&"dlq-type-mismatch".to_string()), "{}", run.stdout);
}

#[test]
fn reports_visibility_timeout_below_function_timeout() {
    let emu = emulator();
    // Lambda refuses to create the mapping while the function's timeout is longer than the
    // queue's visibility timeout, but does not look again when the timeout is raised later.
    let t = trigger(emu, &["--visibility-timeout", "5s"], FULL_POLLER_POLICY, 3, true);
    emu.block_on(async {
        emu.lambda().update_function_configuration().function_name(&t.function).timeout(30).send().await.unwrap();
    });
    let run = doctor(emu, &["--queue", &t.queue]);
    run.expect_code(1);
    assert!(run.finding_codes().contains(&"visibility-timeout-below-function-timeout".to_string()), "{}", run.stdout);
    assert_eq!(run.json()["triggers"][0]["broken_link"], "queue");
}

fn kms_key(emu: &Emulator) -> (String, String) {
    emu.block_on(async {
        let key = emu.kms().create_key().send().await.unwrap();
        let meta = key.key_metadata().unwrap();
        (meta.key_id().to_owned(), meta.arn().unwrap().to_owned())
    })
}

#[test]
fn reports_missing_kms_decrypt_on_an_encrypted_queue() {
    let emu = emulator();
    let (_, key_arn) = kms_key(emu);
    let t = trigger(emu, &["--kms-key", &key_arn], FULL_POLLER_POLICY, 3, true);
    let run = doctor(emu, &["--queue", &t.queue]);
    run.expect_code(1);
    let json = run.json();
    let findings = json["triggers"][0]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "role-missing-permission" && f["message"].as_str().unwrap().contains("kms:Decrypt")),
        "{json}"
    );
    let text = emu.run(&["doctor", "--queue", &t.queue]);
    assert!(text.stdout.contains("SSE-KMS"), "{}", text.stdout);
}

#[test]
fn reports_a_disabled_key() {
    let emu = emulator();
    let (key_id, key_arn) = kms_key(emu);
    let t = trigger(emu, &["--kms-key", &key_arn], FULL_POLLER_POLICY, 3, true);
    emu.block_on(async { emu.kms().disable_key().key_id(&key_id).send().await.unwrap() });
    let run = doctor(emu, &["--queue", &t.queue]);
    run.expect_code(1);
    assert!(run.finding_codes().contains(&"kms-key-not-enabled".to_string()), "{}", run.stdout);
}

#[test]
fn access_denied_on_one_fact_skips_only_its_checks() {
    let emu = emulator();
    let t = trigger(emu, &["--no-dlq"], FULL_POLLER_POLICY, 3, true);
    emu.arm_fault("GetRole", "access-denied", 10, Some(&t.role));
    let run =
        emu.cmd().args(["doctor", "--queue", &t.queue, "-o", "json"]).env("AWS_MAX_ATTEMPTS", "1").output().unwrap();
    let run = support::Run {
        code: run.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&run.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&run.stderr).into_owned(),
    };
    let codes = run.finding_codes();
    assert!(codes.contains(&"check-skipped".to_string()), "{}", run.stdout);
    assert!(codes.contains(&"dlq-missing".to_string()), "the other checks still ran: {}", run.stdout);
    let json = run.json();
    let skipped = json["triggers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "check-skipped")
        .unwrap()
        .clone();
    assert!(skipped["remediation"].as_str().unwrap().contains("iam:GetRole"), "names the permission: {skipped}");
}

#[test]
fn all_audits_every_mapping_with_a_table() {
    let emu = Emulator::start();
    let healthy = trigger(&emu, &[], FULL_POLLER_POLICY, 3, true);
    let broken = trigger(&emu, &[], FULL_POLLER_POLICY, 3, false);
    let run = doctor(&emu, &["--all", "--concurrency", "2"]);
    run.expect_code(1);
    let json = run.json();
    assert_eq!(json["summary"]["triggers"], 2);
    assert_eq!(json["summary"]["broken"], 1);
    let text = emu.run(&["doctor", "--all"]);
    assert!(
        text.stdout.contains("QUEUE") && text.stdout.contains(&healthy.queue) && text.stdout.contains(&broken.queue),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("mapping-disabled"), "{}", text.stdout);
}

#[test]
fn needs_a_target() {
    let emu = Emulator::start();
    emu.run(&["doctor"]).expect_code(2);
    emu.run(&["doctor", "--queue", "bad name"]).expect_code(2);
    assert!(emu.requests().is_empty());
}

#[test]
fn the_aws_managed_key_needs_no_kms_decrypt_in_its_own_account() {
    // Its key policy lets every principal of the account use it through SQS; the poller twin
    // decrypts without kms:Decrypt in the role, and so must doctor's rules.
    let emu = emulator();
    let t = trigger(emu, &["--kms-key", "alias/aws/sqs", "--visibility-timeout", "30s"], FULL_POLLER_POLICY, 3, true);
    let run = doctor(emu, &["--queue", &t.queue]);
    let json = run.json();
    let findings = json["triggers"][0]["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| !f["message"].as_str().unwrap().contains("kms:Decrypt")),
        "no kms:Decrypt finding for aws/sqs: {json}"
    );
    run.expect_code(0);
}
