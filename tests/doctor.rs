//! `doctor` on purpose-built broken triggers: each reports its finding, with the chain and a
//! verdict; limited permissions still give every other finding plus `check-skipped`.

use sqs_trigger_test_support as support;

use support::{Emulator, FULL_POLLER_POLICY, MappingRequest, emulator, handlers, unique};

struct Trigger {
    queue: String,
    function: String,
    role: String,
}

/// A queue (made by `queue create` with `queue_args`), a function with a role, and a mapping.
fn trigger(emu: &Emulator, queue_args: &[&str], policy: &str, timeout: i32, enabled: bool) -> Trigger {
    let t = unmapped(emu, queue_args, policy, timeout);
    map(emu, &t.queue, &t.function, enabled);
    t
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
    emu.reserve_concurrency(&t.function, 0);
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

/// A mapping made with the SDK, with the given settings (what `trigger` does not set).
fn map_with(
    emu: &Emulator,
    queue: &str,
    function: &str,
    tune: impl FnOnce(MappingRequest) -> MappingRequest,
) -> String {
    let arn = emu.queue_attributes(queue).unwrap()["QueueArn"].clone();
    emu.create_sqs_mapping_with(&arn, function, tune)
}

/// A queue and a function (role with `policy`), not mapped yet.
fn unmapped(emu: &Emulator, queue_args: &[&str], policy: &str, timeout: i32) -> Trigger {
    let queue = unique("dq");
    let mut args = vec!["queue", "create", queue.as_str()];
    args.extend_from_slice(queue_args);
    emu.run(&args).expect_code(0);
    let role = unique("dr");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(policy), &[]);
    let function = unique("df");
    emu.create_function(&function, &role_arn, handlers::SILENT, timeout);
    Trigger { queue, function, role }
}

fn codes_and_severities(run: &support::Run) -> Vec<(String, String)> {
    let json = run.json();
    json["triggers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_owned(), f["severity"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn an_existing_mappings_batching_window_counts_in_the_visibility_rule() {
    // 6 × 3 s = 18 s fits a 20 s visibility timeout; 18 s + the mapping's 10 s window does not.
    let emu = emulator();
    let t = unmapped(emu, &["--visibility-timeout", "20s"], FULL_POLLER_POLICY, 3);
    map_with(emu, &t.queue, &t.function, |r| r.maximum_batching_window_in_seconds(10));
    let run = doctor(emu, &["--queue", &t.queue]);
    let json = run.json();
    let found = json["triggers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "visibility-timeout-below-recommended")
        .unwrap_or_else(|| panic!("the window counts: {json}"))
        .clone();
    assert!(found["message"].as_str().unwrap().contains("10s batching window"), "{found}");
    assert_eq!(json["triggers"][0]["mappings"][0]["batch_window_secs"], 10);
}

#[test]
fn reserved_concurrency_below_the_mappings_maximum_is_a_warning() {
    let emu = emulator();
    let t = unmapped(emu, &["--visibility-timeout", "30s"], FULL_POLLER_POLICY, 3);
    map_with(emu, &t.queue, &t.function, |r| {
        r.scaling_config(aws_sdk_lambda::types::ScalingConfig::builder().maximum_concurrency(5).build())
    });
    emu.reserve_concurrency(&t.function, 2);
    let run = doctor(emu, &["--queue", &t.queue]);
    run.expect_code(0);
    let found = codes_and_severities(&run);
    assert!(found.contains(&("reserved-concurrency-below-maximum".into(), "warning".into())), "{}", run.stdout);
    let d = &run.json()["triggers"][0];
    assert_eq!(d["mappings"][0]["max_concurrency"], 5);
    assert_eq!(d["function"]["reserved_concurrency"], 2);
    assert!(d["account_concurrency"]["unreserved"].as_i64().unwrap() <= 998, "{d}");
    let text = emu.run(&["doctor", "--queue", &t.queue]);
    assert!(text.stdout.contains("max concurrency 5") && text.stdout.contains("reserved 2"), "{}", text.stdout);
    assert!(text.stdout.contains("unreserved of 1000"), "{}", text.stdout);
}

#[test]
fn unreserved_concurrency_below_the_mappings_maximum_is_a_warning() {
    // The account's quota is 1000 here; another function's reservation leaves less than the
    // 1000 this mapping may run.
    let emu = emulator();
    let t = unmapped(emu, &["--visibility-timeout", "30s"], FULL_POLLER_POLICY, 3);
    let other = unmapped(emu, &[], FULL_POLLER_POLICY, 3);
    emu.reserve_concurrency(&other.function, 1);
    map_with(emu, &t.queue, &t.function, |r| {
        r.scaling_config(aws_sdk_lambda::types::ScalingConfig::builder().maximum_concurrency(1000).build())
    });
    let run = doctor(emu, &["--queue", &t.queue]);
    assert!(
        codes_and_severities(&run).contains(&("unreserved-concurrency-low".into(), "warning".into())),
        "{}",
        run.stdout
    );
}

#[test]
fn a_role_that_may_send_to_its_own_queue_with_loops_allowed_is_a_warning() {
    let emu = emulator();
    let policy = support::poller_policy(&[
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:SendMessage",
    ]);
    let t = trigger(emu, &["--visibility-timeout", "30s"], &policy, 3, true);
    let run = doctor(emu, &["--queue", &t.queue]);
    assert!(codes_and_severities(&run).contains(&("recursive-loop-possible".into(), "info".into())), "{}", run.stdout);
    assert_eq!(run.json()["triggers"][0]["function"]["recursive_loop"], "Terminate");
    emu.block_on(async {
        emu.lambda()
            .put_function_recursion_config()
            .function_name(&t.function)
            .recursive_loop(aws_sdk_lambda::types::RecursiveLoop::Allow)
            .send()
            .await
    })
    .unwrap();
    let run = doctor(emu, &["--queue", &t.queue]);
    assert!(
        codes_and_severities(&run).contains(&("recursive-loop-allowed".into(), "warning".into())),
        "{}",
        run.stdout
    );
    assert_eq!(run.json()["triggers"][0]["function"]["recursive_loop"], "Allow");
    // A role that may not send there: nothing to say.
    let quiet = trigger(emu, &["--visibility-timeout", "30s"], FULL_POLLER_POLICY, 3, true);
    let run = doctor(emu, &["--queue", &quiet.queue]);
    assert!(run.finding_codes().iter().all(|c| !c.starts_with("recursive-loop")), "{}", run.stdout);
}

#[test]
fn other_consumers_of_the_queue_are_in_the_chain_and_a_note() {
    let emu = emulator();
    let t = trigger(emu, &["--visibility-timeout", "30s"], FULL_POLLER_POLICY, 3, true);
    let other = unmapped(emu, &[], FULL_POLLER_POLICY, 3);
    map(emu, &t.queue, &other.function, true);
    for args in [vec!["--queue", t.queue.as_str(), "--function", t.function.as_str()], vec!["--function", &t.function]]
    {
        let run = doctor(emu, &args);
        run.expect_code(0);
        assert!(
            codes_and_severities(&run).contains(&("queue-other-consumers".into(), "info".into())),
            "{args:?}: {}",
            run.stdout
        );
        let consumers = &run.json()["triggers"][0]["other_consumers"];
        assert_eq!(consumers[0]["function"], other.function.as_str(), "{args:?}: {consumers}");
        assert_eq!(consumers[0]["state"], "Enabled");
    }
    let text = emu.run(&["doctor", "--queue", &t.queue, "--function", &t.function]);
    assert!(
        text.stdout.contains(&format!("other consumers of the queue: {} [Enabled]", other.function)),
        "{}",
        text.stdout
    );
}

#[test]
fn a_filter_on_a_key_other_than_body_deletes_every_message() {
    let emu = emulator();
    let t = unmapped(emu, &["--visibility-timeout", "30s"], FULL_POLLER_POLICY, 3);
    let pattern = r#"{"messageAttributes":{"kind":{"stringValue":["order"]}}}"#;
    map_with(emu, &t.queue, &t.function, |r| {
        r.filter_criteria(
            aws_sdk_lambda::types::FilterCriteria::builder()
                .filters(aws_sdk_lambda::types::Filter::builder().pattern(pattern).build())
                .build(),
        )
    });
    let run = doctor(emu, &["--queue", &t.queue]);
    run.expect_code(1);
    assert!(codes_and_severities(&run).contains(&("filter-never-matches".into(), "error".into())), "{}", run.stdout);
    assert_eq!(run.json()["triggers"][0]["mappings"][0]["filters"][0], pattern);
}

#[test]
fn create_log_group_is_needed_only_while_the_group_is_missing() {
    let emu = emulator();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
    let t = trigger(emu, &["--visibility-timeout", "30s"], policy, 3, true);
    let run = doctor(emu, &["--queue", &t.queue]);
    run.expect_code(0);
    assert_eq!(
        codes_and_severities(&run),
        [("role-missing-permission".to_owned(), "warning".to_owned())],
        "{}",
        run.stdout
    );
    assert_eq!(run.json()["triggers"][0]["log_group_exists"], false);
    let group = format!("/aws/lambda/{}", t.function);
    emu.block_on(async { emu.logs().create_log_group().log_group_name(&group).send().await }).unwrap();
    let run = doctor(emu, &["--queue", &t.queue]);
    run.expect_code(0);
    assert!(run.finding_codes().is_empty(), "{}", run.stdout);
    assert_eq!(run.json()["triggers"][0]["log_group_exists"], true);
}

fn listings(emu: &Emulator) -> usize {
    emu.tool_requests().iter().filter(|r| r["operation"] == "ListEventSourceMappings").count()
}

/// What a user checks in doctor's answer for one trigger: the function, the mappings and the codes.
fn seen(run: &support::Run) -> (String, Vec<String>, Vec<String>) {
    let json = run.json();
    let d = &json["triggers"][0];
    let uuids = d["mappings"].as_array().unwrap().iter().map(|m| m["uuid"].as_str().unwrap().to_owned()).collect();
    (d["function"]["name"].as_str().unwrap_or_default().to_owned(), uuids, run.finding_codes())
}

/// `doctor --queue NAME` asks the region's first page of mappings beside GetQueueUrl: with at
/// most 100 mappings the queue's come from it (one listing); with more, they are listed by the
/// queue's ARN next (two listings). A queue named by ARN is listed by ARN at once. The answer
/// is the same each way.
#[test]
fn doctor_queue_finds_the_mappings_in_a_region_of_few_or_many() {
    let emu = Emulator::start();
    let t = trigger(&emu, &[], FULL_POLLER_POLICY, 3, true);
    let arn = emu.queue_attributes(&t.queue).unwrap()["QueueArn"].clone();
    let clear = || emu.http("DELETE", "/_emulator/requests", None).expect("clear the request log");

    clear();
    let few = doctor(&emu, &["--queue", &t.queue]);
    few.expect_code(0);
    assert_eq!(listings(&emu), 1, "one page holds every mapping");
    let expected = seen(&few);
    assert_eq!(expected.0, t.function);
    assert_eq!(expected.1.len(), 1);

    clear();
    let by_arn = doctor(&emu, &["--queue", &arn]);
    by_arn.expect_code(0);
    assert_eq!(listings(&emu), 1, "listed by ARN");
    assert_eq!(seen(&by_arn), expected);

    // 100 more mappings (disabled, to another function): the first page no longer holds them all.
    let other = unique("df-many");
    let role_arn = emu.create_role(&unique("dr-many"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&other, &role_arn, handlers::SILENT, 3);
    emu.block_on(async {
        for i in 0..100 {
            let url = emu.sqs().create_queue().queue_name(format!("{other}-{i}")).send().await.unwrap();
            let url = url.queue_url().unwrap().to_owned();
            let attrs = emu
                .sqs()
                .get_queue_attributes()
                .queue_url(&url)
                .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .send()
                .await
                .unwrap();
            let queue_arn = attrs.attributes().unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn].clone();
            emu.lambda()
                .create_event_source_mapping()
                .event_source_arn(queue_arn)
                .function_name(&other)
                .enabled(false)
                .send()
                .await
                .unwrap();
        }
    });
    clear();
    let many = doctor(&emu, &["--queue", &t.queue]);
    many.expect_code(0);
    assert_eq!(listings(&emu), 2, "the first page, then by ARN");
    assert_eq!(seen(&many), expected);
}

/// `doctor --queue` reads the queue's attributes beside the function's facts: when they are
/// denied, the queue's checks are skipped (naming the permission) and the function's still run,
/// as for every other fact.
#[test]
fn denied_queue_attributes_skip_only_the_queue_checks() {
    let emu = emulator();
    let t = trigger(emu, &["--no-dlq"], FULL_POLLER_POLICY, 3, true);
    emu.arm_fault("GetQueueAttributes", "access-denied", 10, Some(&t.queue));
    let run = emu.run(&["doctor", "--queue", &t.queue, "-o", "json", "--max-attempts", "1"]);
    assert_ne!(run.code, 3, "not an AWS error: the rest was checked\n{}\n{}", run.stdout, run.stderr);
    let json = run.json();
    let trigger = &json["triggers"][0];
    assert_eq!(trigger["function"]["name"], t.function.as_str(), "{trigger}");
    let skipped: Vec<&serde_json::Value> =
        trigger["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "check-skipped").collect();
    assert!(
        skipped.iter().any(|f| f["remediation"].as_str().unwrap_or("").contains("sqs:GetQueueAttributes")),
        "names the permission: {skipped:?}"
    );
}

/// `doctor --queue Q --function F` reads the queue and the function side by side; either one
/// missing is still an error naming it (exit 3).
#[test]
fn a_named_pair_with_a_missing_side_is_not_found() {
    let emu = emulator();
    let t = trigger(emu, &["--no-dlq"], FULL_POLLER_POLICY, 3, true);
    let missing_queue = doctor(emu, &["--queue", "dq-no-such-queue", "--function", &t.function]);
    missing_queue.expect_code(3);
    assert!(missing_queue.stderr.contains("no such queue"), "{}", missing_queue.stderr);
    let missing_function = doctor(emu, &["--queue", &t.queue, "--function", "df-no-such-function"]);
    missing_function.expect_code(3);
    assert!(missing_function.stderr.contains("no such function"), "{}", missing_function.stderr);
    let pair = doctor(emu, &["--queue", &t.queue, "--function", &t.function]);
    pair.expect_code(0);
    assert_eq!(pair.json()["triggers"][0]["function"]["name"], t.function.as_str());
}
