//! `mapping create | list | delete` against the local emulator: what they create is read back
//! from the emulator, refusals leave nothing behind, and the mapping really delivers messages.

use sqs_trigger_test_support as support;

use serde::Deserialize;
use sqs_trigger::model::Finding;
use support::{Emulator, FULL_POLLER_POLICY, emulator, handlers, unique};

/// `mapping create --output json`, parsed back.
#[derive(Debug, Deserialize)]
struct CreateReport {
    outcome: String,
    uuid: Option<String>,
    state: Option<String>,
    queue: String,
    function: String,
    settings: Settings,
    differences: Vec<Difference>,
    findings: Vec<Finding>,
    warnings: usize,
}

#[derive(Debug, Deserialize)]
struct Settings {
    batch_size: Option<i32>,
    batch_window_secs: Option<i32>,
    max_concurrency: Option<i32>,
    report_batch_item_failures: bool,
    filters: Vec<String>,
    enabled: bool,
}

#[derive(Debug, Deserialize)]
struct Difference {
    attribute: String,
    current: String,
    requested: String,
}

/// One row of `mapping list --output json`.
#[derive(Debug, Deserialize)]
struct Listed {
    uuid: String,
    queue_arn: String,
    function_arn: String,
    state: String,
    batch_size: Option<i32>,
}

#[derive(Debug, Deserialize)]
struct DeleteReport {
    deleted: Vec<Deleted>,
    cancelled: bool,
    findings: Vec<Finding>,
}

#[derive(Debug, Deserialize)]
struct Deleted {
    uuid: String,
}

fn parse<T: for<'de> Deserialize<'de>>(run: &support::Run) -> T {
    serde_json::from_value(run.json()).unwrap_or_else(|e| panic!("unexpected JSON ({e}):\n{}", run.stdout))
}

/// A queue made by `queue create` (with `queue_flags`) and a Python function (ECHO handler)
/// whose role may poll any queue.
struct Pair {
    queue: String,
    function: String,
    queue_arn: String,
}

fn pair(emu: &Emulator, prefix: &str, fifo: bool, queue_flags: &[&str], timeout_secs: i32) -> Pair {
    let base = unique(&format!("{prefix}-q"));
    let queue = if fifo { format!("{base}.fifo") } else { base };
    let mut args = vec!["queue", "create", queue.as_str()];
    if fifo {
        args.push("--fifo");
    }
    args.extend_from_slice(queue_flags);
    emu.run(&args).expect_code(0);
    let role =
        emu.create_role(&unique(&format!("{prefix}-role")), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    let function = unique(&format!("{prefix}-fn"));
    emu.create_function(&function, &role, handlers::ECHO, timeout_secs);
    let queue_arn = emu.queue_attributes(&queue).expect("queue exists")["QueueArn"].clone();
    Pair { queue, function, queue_arn }
}

fn create(emu: &Emulator, p: &Pair, extra: &[&str]) -> support::Run {
    let mut args =
        vec!["mapping", "create", "--function", p.function.as_str(), "--queue", p.queue.as_str(), "-o", "json"];
    args.extend_from_slice(extra);
    emu.run(&args)
}

#[test]
fn creates_with_requested_settings_then_unchanged_then_updated() {
    let emu = emulator();
    // 6 x 30 s + the 2 s window is AWS's recommendation: 4 minutes is above it.
    let p = pair(emu, "create", false, &["--visibility-timeout", "4m"], 30);
    let filter = r#"{"body":{"type":["order"]}}"#;
    let settings = [
        "--batch-size",
        "50",
        "--batch-window",
        "2s",
        "--max-concurrency",
        "5",
        "--report-batch-item-failures",
        "--filter",
        filter,
    ];
    let run = create(emu, &p, &settings);
    run.expect_code(0);
    let report: CreateReport = parse(&run);
    assert_eq!(report.outcome, "created");
    assert_eq!(report.state.as_deref(), Some("Enabled"));
    assert_eq!(report.queue, p.queue_arn);
    assert!(report.function.ends_with(&format!(":function:{}", p.function)), "{}", report.function);
    assert_eq!(
        (report.settings.batch_size, report.settings.batch_window_secs, report.settings.max_concurrency),
        (Some(50), Some(2), Some(5))
    );
    assert!(report.settings.report_batch_item_failures && report.settings.enabled);
    assert_eq!(report.settings.filters, [filter]);
    // The only finding is the filter's note: messages no filter matches are deleted.
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["filter-deletes-unmatched"]);
    assert_eq!(report.warnings, 0);

    let mappings = emu.mappings_of(&p.queue_arn);
    assert_eq!(mappings.len(), 1, "exactly one mapping");
    let m = &mappings[0];
    assert_eq!(m.uuid(), report.uuid.as_deref());
    assert_eq!(m.batch_size(), Some(50));
    assert_eq!(m.maximum_batching_window_in_seconds(), Some(2));
    assert_eq!(m.scaling_config().and_then(|s| s.maximum_concurrency()), Some(5));
    assert_eq!(m.function_response_types(), [aws_sdk_lambda::types::FunctionResponseType::ReportBatchItemFailures]);
    let patterns: Vec<&str> =
        m.filter_criteria().map(|f| f.filters().iter().filter_map(|f| f.pattern()).collect()).unwrap_or_default();
    assert_eq!(patterns, [filter]);

    // The same command again converges: unchanged, still one mapping.
    let again = create(emu, &p, &settings);
    again.expect_code(0);
    let again: CreateReport = parse(&again);
    assert_eq!(again.outcome, "unchanged");
    assert_eq!(again.uuid, report.uuid);
    assert!(again.differences.is_empty());
    assert_eq!(emu.mappings_of(&p.queue_arn).len(), 1, "never duplicated");

    // A different batch size (the rest as before) updates just that.
    let mut changed = settings.to_vec();
    changed[1] = "20";
    let updated = create(emu, &p, &changed);
    updated.expect_code(0);
    let updated: CreateReport = parse(&updated);
    assert_eq!(updated.outcome, "updated");
    assert_eq!(updated.uuid, report.uuid);
    let diffs: Vec<(&str, &str, &str)> =
        updated.differences.iter().map(|d| (d.attribute.as_str(), d.current.as_str(), d.requested.as_str())).collect();
    assert_eq!(diffs, [("BatchSize", "50", "20")]);
    let mappings = emu.mappings_of(&p.queue_arn);
    assert_eq!(mappings.len(), 1);
    assert_eq!(mappings[0].batch_size(), Some(20));
    assert_eq!(mappings[0].maximum_batching_window_in_seconds(), Some(2), "what was not asked to change stays");
}

#[test]
fn text_output_is_one_fact_per_line_with_remediation() {
    let emu = emulator();
    // Visibility 30 s = the function timeout: allowed, but below AWS's 6x recommendation.
    let p = pair(emu, "text", false, &["--no-dlq"], 30);
    let run = emu.run(&["mapping", "create", "-f", &p.function, "-Q", &p.queue]);
    run.expect_code(0);
    for line in [
        "mapping         created",
        "state           Enabled",
        "batch size      10",
        &format!("queue           {}", p.queue_arn),
    ] {
        assert!(run.stdout.contains(line), "missing `{line}` in:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("warning visibility-timeout-below-recommended"), "{}", run.stdout);
    assert!(run.stdout.contains("warning dlq-missing"), "{}", run.stdout);
    assert!(
        run.stdout.contains("fix: aws --endpoint-url ") && run.stdout.contains(" sqs set-queue-attributes"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("0 errors, 2 warnings"), "{}", run.stdout);
    assert!(
        !run.stderr.contains("checking") && !run.stderr.contains("waiting"),
        "no spinner off a terminal: {}",
        run.stderr
    );
}

/// Each refusal exits 1 with its finding, and no mapping exists afterwards.
#[test]
fn refusals_create_nothing() {
    let emu = emulator();
    let short = pair(emu, "vis", false, &["--visibility-timeout", "10s"], 30);
    let standard = pair(emu, "batch", false, &["--visibility-timeout", "3m"], 30);
    let fifo = pair(emu, "fifo", true, &["--visibility-timeout", "3m"], 30);
    let attributes_filter = r#"{"messageAttributes":{"kind":{"stringValue":["order"]}}}"#;
    let cases: [(&Pair, &[&str], &str); 6] = [
        (&short, &[], "visibility-timeout-below-function-timeout"),
        // SQS mappings filter on `body` only: this filter would delete every message.
        (&standard, &["--filter", attributes_filter], "filter-never-matches"),
        (&standard, &["--batch-size", "100"], "batch-window-required"),
        (&fifo, &["--batch-size", "20"], "batch-size-out-of-range"),
        (&fifo, &["--batch-window", "5s"], "batch-window-out-of-range"),
        (&standard, &["--max-concurrency", "1"], "max-concurrency-out-of-range"),
    ];
    for (p, extra, code) in cases {
        let run = create(emu, p, extra);
        run.expect_code(1);
        let report: CreateReport = parse(&run);
        assert_eq!(report.outcome, "refused", "{extra:?}");
        assert!(report.uuid.is_none());
        let errors: Vec<&str> = report.findings.iter().filter(|f| f.is_error()).map(|f| f.code.as_str()).collect();
        assert_eq!(errors, [code], "{extra:?}");
        assert!(emu.mappings_of(&p.queue_arn).is_empty(), "{extra:?}: nothing may be created");
    }
    let text = emu.run(&["mapping", "create", "-f", &short.function, "-Q", &short.queue]);
    text.expect_code(1);
    assert!(
        text.stdout.contains("Queue visibility timeout: 10 seconds is less than Function timeout: 30 seconds"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("refused: nothing was created"), "{}", text.stdout);
}

#[test]
fn a_role_without_logs_permissions_is_not_refused() {
    // The poller needs only the queue actions; the logs actions decide whether the function's
    // output is seen: warnings, and the mapping is created.
    let emu = emulator();
    let base = unique("nolog-q");
    emu.run(&["queue", "create", &base, "--visibility-timeout", "3m"]).expect_code(0);
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"*"}]}"#;
    let role = emu.create_role(&unique("nolog-role"), "lambda.amazonaws.com", Some(policy), &[]);
    let function = unique("nolog-fn");
    emu.create_function(&function, &role, handlers::ECHO, 30);
    let p = Pair { queue_arn: emu.queue_attributes(&base).unwrap()["QueueArn"].clone(), queue: base, function };
    let run = create(emu, &p, &[]);
    run.expect_code(0);
    let report: CreateReport = parse(&run);
    assert_eq!(report.outcome, "created", "{}", run.stdout);
    let logs: Vec<&Finding> = report.findings.iter().filter(|f| f.message.contains("logs:")).collect();
    assert_eq!(logs.len(), 3, "{}", run.stdout);
    assert!(logs.iter().all(|f| f.severity == sqs_trigger::model::Severity::Warning), "{}", run.stdout);
    assert_eq!(emu.mappings_of(&p.queue_arn).len(), 1);
}

#[test]
fn throttled_function_is_refused() {
    let emu = emulator();
    let p = pair(emu, "thr", false, &["--visibility-timeout", "3m"], 30);
    emu.reserve_concurrency(&p.function, 0);
    let run = create(emu, &p, &[]);
    run.expect_code(1);
    assert!(run.finding_codes().contains(&"function-throttled".to_owned()), "{}", run.stdout);
    assert!(emu.mappings_of(&p.queue_arn).is_empty());
}

/// Bad input exits 2 and a queue in another region exits 1 with `region-mismatch`; in both
/// cases nothing at all is sent.
#[test]
fn bad_input_and_other_regions_send_nothing() {
    let emu = Emulator::start();
    let usage: [&[&str]; 11] = [
        &["mapping", "create", "-f", "worker", "-Q", "bad name"],
        &["mapping", "create", "-f", "worker", "-Q", "q", "--batch-window", "5x"],
        &["mapping", "create", "-f", "worker", "-Q", "q", "--batch-window", "1500ms"],
        &["mapping", "create", "-f", "worker", "-Q", "q", "--filter", "{\"body\":{}}", "--filter", "[1]"],
        &["mapping", "create", "-f", "worker", "-Q", "q", "--wait-timeout", "later"],
        &["mapping", "delete", "-f", "worker", "-Q", "q"],
        // Provisioned mode for SQS: minimum 2-200, maximum 2-10000, minimum <= maximum, and
        // not with maximum concurrency (API_ProvisionedPollerConfig; services-sqs-scaling.html).
        &["mapping", "create", "-f", "worker", "-Q", "q", "--provisioned-pollers", "1:10"],
        &["mapping", "create", "-f", "worker", "-Q", "q", "--provisioned-pollers", "20:10"],
        &["mapping", "create", "-f", "worker", "-Q", "q", "--provisioned-pollers", "2:10001"],
        &["mapping", "create", "-f", "worker", "-Q", "q", "--provisioned-pollers", "2:20", "--max-concurrency", "5"],
        &["mapping", "create", "-f", "worker", "-Q", "q", "--filter-kms-key", "alias/aws/sqs"],
    ];
    for args in usage {
        let run = emu.run(args);
        run.expect_code(2);
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
    }
    let filter = emu.run(usage[3]);
    assert!(filter.stderr.contains("--filter #2") && filter.stderr.contains("JSON object"), "{}", filter.stderr);
    let delete = emu.run(usage[5]);
    assert!(delete.stderr.contains("--yes"), "{}", delete.stderr);

    for (queue, function) in [
        ("arn:aws:sqs:eu-west-1:123456789012:x", "worker"),
        ("https://sqs.eu-west-1.amazonaws.com/123456789012/x", "worker"),
        ("x", "arn:aws:lambda:eu-west-1:123456789012:function:worker"),
        ("arn:aws:sqs:us-east-1:123456789012:x", "arn:aws:lambda:eu-west-1:123456789012:function:worker"),
    ] {
        let run = emu.run(&["mapping", "create", "-f", function, "-Q", queue, "-o", "json"]);
        run.expect_code(1);
        assert_eq!(run.finding_codes(), ["region-mismatch"], "{queue} {function}");
        let report: CreateReport = parse(&run);
        assert_eq!(report.outcome, "refused");
    }
    let text = emu.run(&["mapping", "create", "-f", "worker", "-Q", "arn:aws:sqs:eu-west-1:123456789012:x"]);
    assert!(text.stdout.contains("eu-west-1") && text.stdout.contains("fix:"), "{}", text.stdout);
    assert!(emu.requests().is_empty(), "no request may be sent: {:?}", emu.requests());
}

/// Provisioned mode, mapping metrics and encrypted filters: set, read back, kept when not
/// given, changed one at a time, and shown by doctor (with the mapping's tags); a filter key
/// that stops working is reported with Lambda's FilterCriteriaError.
#[test]
fn mapping_features_are_set_kept_and_shown() {
    let emu = emulator();
    let p = pair(emu, "feat", false, &["--visibility-timeout", "3m"], 30);
    let key = emu.block_on(async { emu.kms().create_key().send().await }).expect("create key");
    let key_id = key.key_metadata().map(|k| k.key_id().to_owned()).expect("key id");
    let key_arn = key.key_metadata().and_then(|k| k.arn()).expect("key arn").to_owned();
    let filter = r#"{"body":{"kind":["order"]}}"#;
    let run = create(
        emu,
        &p,
        &["--provisioned-pollers", "3:30", "--metrics", "--filter", filter, "--filter-kms-key", &key_id],
    );
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["outcome"], "created", "{}", run.stdout);
    assert_eq!(report["settings"]["provisioned_pollers"], serde_json::json!({"minimum": 3, "maximum": 30}));
    assert_eq!(report["settings"]["metrics"], true);
    assert_eq!(report["settings"]["filter_kms_key"], key_arn.as_str(), "the key id is sent as its ARN");
    let read = |p: &Pair| emu.mappings_of(&p.queue_arn).remove(0);
    let m = read(&p);
    let pollers = m.provisioned_poller_config().expect("provisioned mode");
    assert_eq!((pollers.minimum_pollers(), pollers.maximum_pollers()), (Some(3), Some(30)));
    assert_eq!(m.metrics_config().map(|c| c.metrics().to_vec()), Some(vec!["EventCount".into()]));
    assert_eq!(m.kms_key_arn(), Some(key_arn.as_str()));

    // Not given means keep: a batch size change leaves every feature as it was.
    let batch = create(emu, &p, &["--batch-size", "5"]);
    batch.expect_code(0);
    let batch = batch.json();
    assert_eq!(batch["outcome"], "updated");
    assert_eq!(batch["differences"].as_array().map(Vec::len), Some(1), "{batch}");
    let m = read(&p);
    assert!(m.provisioned_poller_config().is_some() && m.metrics_config().is_some());
    assert_eq!(m.kms_key_arn(), Some(key_arn.as_str()));
    // The list hides encrypted filters (FilterCriteria null); they are read again by UUID.
    let listed = emu.run(&["mapping", "list", "--queue", &p.queue, "-o", "json"]);
    listed.expect_code(0);
    assert_eq!(listed.json()["mappings"][0]["filters"], serde_json::json!([filter]), "{}", listed.stdout);

    let off = create(emu, &p, &["--no-metrics", "--provisioned-pollers", "4:40"]);
    off.expect_code(0);
    let diffs: Vec<(String, String, String)> = off.json()["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["attribute"].to_string(), d["current"].to_string(), d["requested"].to_string()))
        .collect();
    assert_eq!(
        diffs,
        [
            (r#""ProvisionedPollerConfig""#.into(), r#""3:30""#.into(), r#""4:40""#.into()),
            (r#""MetricsConfig""#.into(), r#""on""#.into(), r#""off""#.into())
        ]
    );
    assert!(read(&p).metrics_config().is_none_or(|c| c.metrics().is_empty()));

    // Maximum concurrency on a mapping in provisioned mode is refused before anything is sent.
    let conflict = create(emu, &p, &["--max-concurrency", "5"]);
    conflict.expect_code(1);
    assert!(conflict.finding_codes().contains(&"scaling-mode-conflict".to_owned()), "{}", conflict.stdout);

    // doctor shows the features and the tags; a disabled filter key is Lambda's FilterCriteriaError.
    let doctor = emu.run(&["doctor", "--queue", &p.queue, "--function", &p.function]);
    doctor.expect_code(0);
    assert!(doctor.stdout.contains("provisioned mode: 4 to 40 pollers"), "{}", doctor.stdout);
    assert!(doctor.stdout.contains(&format!("filters encrypted with {key_arn}")), "{}", doctor.stdout);
    assert!(doctor.stdout.contains("tags: managed-by=sqs-trigger"), "{}", doctor.stdout);
    emu.block_on(async { emu.kms().disable_key().key_id(&key_id).send().await }).expect("disable key");
    let broken = emu.run(&["doctor", "--queue", &p.queue, "--function", &p.function, "-o", "json"]);
    broken.expect_code(1);
    let codes = broken.finding_codes();
    for code in ["filter-criteria-error", "kms-key-not-enabled"] {
        assert!(codes.contains(&code.to_owned()), "{code}: {}", broken.stdout);
    }
    let view = &broken.json()["triggers"][0]["mappings"][0];
    assert_eq!(view["provisioned_pollers"], serde_json::json!({"minimum": 4, "maximum": 40}));
    assert_eq!(view["tags"]["managed-by"], "sqs-trigger");
}

#[test]
fn missing_queue_or_function_exits_3_naming_it() {
    let emu = emulator();
    let p = pair(emu, "miss", false, &["--visibility-timeout", "3m"], 30);
    let ghost_queue = unique("ghost-q");
    let run = emu.run(&["mapping", "create", "-f", &p.function, "-Q", &ghost_queue]);
    run.expect_code(3);
    assert!(run.stderr.contains(&ghost_queue) && run.stderr.contains("does not exist"), "{}", run.stderr);
    assert!(run.stderr.contains("hint"), "{}", run.stderr);
    let ghost_fn = unique("ghost-fn");
    let run = emu.run(&["mapping", "create", "-f", &ghost_fn, "-Q", &p.queue]);
    run.expect_code(3);
    assert!(run.stderr.contains(&ghost_fn) && run.stderr.contains("lambda:GetFunction"), "{}", run.stderr);
    assert!(emu.mappings_of(&p.queue_arn).is_empty());
}

#[test]
fn throttling_on_create_is_retried_to_success() {
    let emu = emulator();
    let p = pair(emu, "retry", false, &["--visibility-timeout", "3m"], 30);
    emu.arm_fault("CreateEventSourceMapping", "throttling", 2, Some(&p.queue));
    let run = create(emu, &p, &[]);
    run.expect_code(0);
    assert_eq!(emu.mappings_of(&p.queue_arn).len(), 1);
    let throttled = emu
        .requests()
        .into_iter()
        .filter(|r| r["operation"] == "CreateEventSourceMapping" && r["faulted"] == "ThrottlingException")
        .count();
    assert!(throttled >= 2, "the throttled attempts were made: {throttled}");
}

#[test]
fn fresh_role_permission_error_is_retried_with_a_note() {
    let emu = emulator();
    let p = pair(emu, "iam", false, &["--visibility-timeout", "3m"], 30);
    emu.arm_fault_with_message(
        "CreateEventSourceMapping",
        "InvalidParameterValueException",
        "The function execution role does not have permissions to call ReceiveMessage on SQS",
        1,
        Some(&p.queue),
    );
    let run = emu
        .cmd()
        .args(["mapping", "create", "-f", &p.function, "-Q", &p.queue])
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("execution role") && stderr.contains("retrying"), "a note says why it waits: {stderr}");
    assert_eq!(emu.mappings_of(&p.queue_arn).len(), 1);
}

#[test]
fn other_invalid_parameter_is_not_retried() {
    let emu = emulator();
    let p = pair(emu, "inval", false, &["--visibility-timeout", "3m"], 30);
    emu.arm_fault_with_message(
        "CreateEventSourceMapping",
        "InvalidParameterValueException",
        "something else",
        1,
        Some(&p.queue),
    );
    let run = emu
        .cmd()
        .args(["mapping", "create", "-f", &p.function, "-Q", &p.queue])
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("lambda:CreateEventSourceMapping") && stderr.contains("something else"), "{stderr}");
}

#[test]
fn a_message_sent_after_the_mapping_exists_invokes_the_function() {
    let emu = emulator();
    let p = pair(emu, "deliver", false, &["--visibility-timeout", "3m"], 30);
    create(emu, &p, &[]).expect_code(0);
    let marker = unique("order-marker");
    let url = emu.queue_url(&p.queue).unwrap();
    emu.block_on(async {
        emu.sqs().send_message().queue_url(url).message_body(format!("{{\"id\":\"{marker}\"}}")).send().await
    })
    .expect("send");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let lines = emu.log_lines(&p.function);
        if lines.iter().any(|l| l.contains(&marker)) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the function never logged {marker}: {lines:?}");
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

#[test]
fn disabled_mapping_waits_for_disabled_and_only_enable_enables_it() {
    let emu = emulator();
    let p = pair(emu, "off", false, &["--visibility-timeout", "3m"], 30);
    let run = create(emu, &p, &["--disabled"]);
    run.expect_code(0);
    let report: CreateReport = parse(&run);
    assert_eq!(report.state.as_deref(), Some("Disabled"));
    assert!(!report.settings.enabled);
    assert_eq!(emu.mappings_of(&p.queue_arn)[0].state(), Some("Disabled"));
    // Re-running without --enable keeps it disabled: a mapping is never enabled as a side effect.
    let again: CreateReport = parse(create(emu, &p, &[]).expect_code(0));
    assert_eq!(again.outcome, "unchanged");
    assert_eq!(emu.mappings_of(&p.queue_arn)[0].state(), Some("Disabled"));
    let enabled = create(emu, &p, &["--enable"]);
    enabled.expect_code(0);
    let enabled: CreateReport = parse(&enabled);
    assert_eq!(enabled.outcome, "updated");
    assert_eq!(enabled.differences[0].attribute, "Enabled");
    assert_eq!(emu.mappings_of(&p.queue_arn)[0].state(), Some("Enabled"));
}

#[test]
fn list_and_delete() {
    let emu = emulator();
    let p = pair(emu, "list", false, &["--visibility-timeout", "3m"], 30);
    let created: CreateReport = parse(create(emu, &p, &["--batch-size", "7"]).expect_code(0));
    let uuid = created.uuid.expect("uuid");

    for filter in
        [["--queue", p.queue.as_str()], ["--function", p.function.as_str()], ["--queue", p.queue_arn.as_str()]]
    {
        let run = emu.run(&["mapping", "list", filter[0], filter[1], "-o", "json"]);
        run.expect_code(0);
        let listed: Vec<Listed> = serde_json::from_value(run.json()["mappings"].clone()).unwrap();
        assert_eq!(listed.len(), 1, "{filter:?}: {listed:?}");
        assert_eq!(listed[0].uuid, uuid);
        assert_eq!(listed[0].queue_arn, p.queue_arn);
        assert!(listed[0].function_arn.ends_with(&p.function));
        assert_eq!((listed[0].state.as_str(), listed[0].batch_size), ("Enabled", Some(7)));
    }
    let table = emu.run(&["mapping", "list", "--queue", &p.queue]);
    table.expect_code(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].starts_with("UUID") && lines[0].contains("FUNCTION") && lines[0].contains("BATCH"),
        "{}",
        table.stdout
    );
    assert!(
        lines[1].contains(&uuid) && lines[1].contains(&p.queue) && lines[1].contains(&p.function),
        "{}",
        table.stdout
    );

    let deleted =
        emu.run(&["mapping", "delete", "--queue", &p.queue, "--function", &p.function, "--yes", "-o", "json"]);
    deleted.expect_code(0);
    let deleted: DeleteReport = parse(&deleted);
    assert!(!deleted.cancelled);
    assert_eq!(deleted.deleted.iter().map(|d| d.uuid.as_str()).collect::<Vec<_>>(), [uuid.as_str()]);
    assert!(emu.mappings_of(&p.queue_arn).is_empty(), "deleted");

    let again = emu.run(&["mapping", "delete", "--queue", &p.queue, "--function", &p.function, "--yes", "-o", "json"]);
    again.expect_code(1);
    let again: DeleteReport = parse(&again);
    assert!(again.deleted.is_empty());
    assert_eq!(again.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(), ["mapping-missing"]);

    let empty = emu.run(&["mapping", "list", "--queue", &p.queue, "-o", "json"]);
    empty.expect_code(0);
    assert_eq!(empty.json()["mappings"], serde_json::json!([]));
}

#[test]
fn busy_mapping_is_waited_for_on_update_and_delete() {
    let emu = emulator();
    let p = pair(emu, "busy", false, &["--visibility-timeout", "3m"], 30);
    let created: CreateReport = parse(create(emu, &p, &[]).expect_code(0));
    let uuid = created.uuid.expect("uuid");
    emu.arm_fault("UpdateEventSourceMapping", "ResourceInUseException", 1, Some(&uuid));
    let run = emu
        .cmd()
        .args(["mapping", "create", "-f", &p.function, "-Q", &p.queue, "--batch-size", "5", "-o", "json"])
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("ResourceInUseException"), "a note says it waits: {stderr}");
    assert_eq!(emu.mappings_of(&p.queue_arn)[0].batch_size(), Some(5));

    emu.arm_fault("DeleteEventSourceMapping", "ResourceInUseException", 1, Some(&uuid));
    let run = emu
        .cmd()
        .args(["mapping", "delete", "-f", &p.function, "-Q", &p.queue, "--yes"])
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(emu.mappings_of(&p.queue_arn).is_empty());
}
