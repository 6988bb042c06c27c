//! `queue create` against the local emulator: what it creates is read back from the emulator.

use sqs_trigger_test_support as support;

use support::{emulator, unique};

#[test]
fn creates_standard_queue_with_dlq_redrive_encryption_and_tags() {
    let emu = emulator();
    let name = unique("orders");
    let run =
        emu.run(&["queue", "create", &name, "--tag", "team=payments", "--visibility-timeout", "2m", "-o", "json"]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["queue"]["outcome"], "created");
    assert_eq!(json["dlq"]["outcome"], "created");
    let dlq_name = format!("{name}-dlq");
    assert_eq!(json["dlq"]["name"], dlq_name.as_str());

    let attrs = emu.queue_attributes(&name).expect("queue exists");
    let dlq_attrs = emu.queue_attributes(&dlq_name).expect("dlq exists");
    assert_eq!(json["queue"]["arn"], attrs["QueueArn"].as_str());
    assert_eq!(json["dlq_arn"], dlq_attrs["QueueArn"].as_str());
    assert_eq!(json["queue"]["url"], emu.queue_url(&name).unwrap().as_str());
    let redrive: serde_json::Value = serde_json::from_str(&attrs["RedrivePolicy"]).unwrap();
    assert_eq!(redrive["deadLetterTargetArn"], dlq_attrs["QueueArn"].as_str());
    assert_eq!(redrive["maxReceiveCount"].to_string().trim_matches('"'), "5");
    assert_eq!(attrs["VisibilityTimeout"], "120");
    assert_eq!(attrs["SqsManagedSseEnabled"], "true");
    assert_eq!(dlq_attrs["MessageRetentionPeriod"], "1209600");
    for queue in [&name, &dlq_name] {
        let tags = emu.queue_tags(queue);
        assert_eq!(tags.get("managed-by").map(String::as_str), Some("sqs-trigger"), "{queue}");
        assert_eq!(tags.get("team").map(String::as_str), Some("payments"), "{queue}");
    }
}

#[test]
fn creates_fifo_pair() {
    let emu = emulator();
    let base = unique("fifo");
    let name = format!("{base}.fifo");
    let run = emu.run(&["queue", "create", &name, "--fifo", "--max-receive-count", "7", "-o", "json"]);
    run.expect_code(0);
    let dlq_name = format!("{base}-dlq.fifo");
    assert_eq!(run.json()["dlq"]["name"], dlq_name.as_str());
    let attrs = emu.queue_attributes(&name).expect("queue exists");
    assert_eq!(attrs["FifoQueue"], "true");
    assert_eq!(emu.queue_attributes(&dlq_name).expect("dlq exists")["FifoQueue"], "true");
    let redrive: serde_json::Value = serde_json::from_str(&attrs["RedrivePolicy"]).unwrap();
    assert_eq!(redrive["maxReceiveCount"].to_string().trim_matches('"'), "7");
}

#[test]
fn second_run_is_unchanged_and_conflict_is_refused() {
    let emu = emulator();
    let name = unique("idem");
    emu.run(&["queue", "create", &name]).expect_code(0);
    let again = emu.run(&["queue", "create", &name, "-o", "json"]);
    again.expect_code(0);
    assert_eq!(again.json()["queue"]["outcome"], "unchanged");
    assert_eq!(again.json()["dlq"]["outcome"], "unchanged");

    let conflict = emu.run(&["queue", "create", &name, "--visibility-timeout", "90s", "--no-encryption"]);
    conflict.expect_code(1);
    assert!(conflict.stdout.contains("VisibilityTimeout differs: current 30s, requested 90s"), "{}", conflict.stdout);
    assert!(conflict.stdout.contains("encryption differs"), "{}", conflict.stdout);
    assert_eq!(emu.queue_attributes(&name).unwrap()["VisibilityTimeout"], "30", "a refused run changes nothing");

    let update = emu.run(&["queue", "create", &name, "--visibility-timeout", "90s", "--update", "-o", "json"]);
    update.expect_code(0);
    assert_eq!(update.json()["queue"]["outcome"], "updated");
    assert_eq!(emu.queue_attributes(&name).unwrap()["VisibilityTimeout"], "90");
}

#[test]
fn bad_names_exit_2_with_nothing_sent() {
    let emu = support::Emulator::start();
    for args in [
        vec!["queue", "create", "bad name"],
        vec!["queue", "create", "orders", "--fifo"],
        vec!["queue", "create", &"x".repeat(81)],
        vec!["queue", "create", "orders", "--kms-key", "not a key"],
        vec!["queue", "create", "orders", "--tag", "novalue"],
    ] {
        let run = emu.run(&args);
        run.expect_code(2);
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
    }
    let fifo = emu.run(&["queue", "create", "orders", "--fifo"]);
    assert!(fifo.stderr.contains("orders.fifo"), "the message suggests the fix: {}", fifo.stderr);
    assert!(emu.requests().is_empty(), "no request may be sent: {:?}", emu.requests());
}

#[test]
fn missing_kms_key_is_refused_before_any_queue_exists() {
    let emu = emulator();
    let name = unique("kmsq");
    let run = emu.run(&["queue", "create", &name, "--kms-key", "alias/does-not-exist", "-o", "json"]);
    run.expect_code(1);
    assert_eq!(run.finding_codes(), ["kms-key-not-found"]);
    assert!(emu.queue_url(&name).is_none());
    assert!(emu.queue_url(&format!("{name}-dlq")).is_none());
}

#[test]
fn kms_key_is_resolved_and_set() {
    let emu = emulator();
    let name = unique("kmsok");
    let key_arn = emu.block_on(async {
        let kms = emu.kms();
        let key = kms.create_key().send().await.unwrap();
        let arn = key.key_metadata().unwrap().arn().unwrap().to_owned();
        kms.create_alias().alias_name(format!("alias/{name}")).target_key_id(&arn).send().await.unwrap();
        arn
    });
    let run = emu.run(&["queue", "create", &name, "--kms-key", &format!("alias/{name}")]);
    run.expect_code(0);
    assert_eq!(emu.queue_attributes(&name).unwrap()["KmsMasterKeyId"], key_arn);
    // Naming the same key by ARN is the same request: unchanged.
    let again = emu.run(&["queue", "create", &name, "--kms-key", &key_arn, "-o", "json"]);
    again.expect_code(0);
    assert_eq!(again.json()["queue"]["outcome"], "unchanged");
}

#[test]
fn disabled_kms_key_is_refused() {
    let emu = emulator();
    let name = unique("kmsoff");
    let key_id = emu.block_on(async {
        let kms = emu.kms();
        let key = kms.create_key().send().await.unwrap();
        let id = key.key_metadata().unwrap().key_id().to_owned();
        kms.disable_key().key_id(&id).send().await.unwrap();
        id
    });
    let run = emu.run(&["queue", "create", &name, "--kms-key", &key_id, "-o", "json"]);
    run.expect_code(1);
    assert_eq!(run.finding_codes(), ["kms-key-not-enabled"]);
    assert!(emu.queue_url(&name).is_none());
}

#[test]
fn throttling_is_retried_to_success() {
    let emu = emulator();
    let name = unique("throttled");
    emu.arm_fault("CreateQueue", "throttling", 2, Some(&name));
    let run = emu.run(&["queue", "create", &name, "--no-dlq"]);
    run.expect_code(0);
    assert!(emu.queue_url(&name).is_some());
    let faulted = emu
        .requests()
        .into_iter()
        .filter(|r| r["operation"] == "CreateQueue" && r["faulted"] == "ThrottlingException")
        .count();
    assert!(faulted >= 2, "the throttled attempts were made: {faulted}");
}

#[test]
fn access_denied_exits_3_naming_action_and_resource() {
    let emu = emulator();
    let name = unique("denied");
    emu.arm_fault("CreateQueue", "access-denied", 1, Some(&name));
    let run = emu.cmd().args(["queue", "create", &name, "--no-dlq"]).env("AWS_MAX_ATTEMPTS", "1").output().unwrap();
    assert_eq!(run.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("sqs:CreateQueue") && stderr.contains(&name), "{stderr}");
    assert!(stderr.contains("hint"), "{stderr}");
}
