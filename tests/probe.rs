//! `probe` end to end: a real Python function behind a real mapping on the emulator, one
//! probe message, and the verdict read back from the function's logs.
//!
//! The mappings are created directly with the SDK, so these tests do not depend on
//! `mapping create`. The emulator's Lambda poller polls each enabled mapping in the
//! background as the execution role, as Lambda does, so the probe watches the logs for it.

use sqs_trigger_test_support as support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::{FULL_POLLER_POLICY, Run, emulator, handlers, poller_policy, unique, wait_until};

/// A function and a queue, mapped (unless `mapped` is false).
struct Trigger {
    function: String,
    queue: String,
    queue_arn: String,
}

fn trigger(prefix: &str, handler: &str, function_timeout: i32, queue_args: &[&str], mapped: bool) -> Trigger {
    let emu = emulator();
    let function = unique(prefix);
    let role = emu.create_role(&unique("role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handler, function_timeout);
    let queue = if queue_args.contains(&"--fifo") { format!("{}.fifo", unique("pq")) } else { unique("pq") };
    let mut args = vec!["queue", "create", queue.as_str()];
    args.extend_from_slice(queue_args);
    emu.run(&args).expect_code(0);
    let queue_arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    if mapped {
        emu.create_sqs_mapping(&queue_arn, &function, true);
    }
    Trigger { function, queue, queue_arn }
}

fn probe(t: &Trigger, extra: &[&str]) -> Run {
    let mut args = vec!["probe", "--function", &t.function, "--queue", &t.queue, "--output", "json"];
    if !extra.contains(&"--timeout") {
        args.extend(["--timeout", "5s"]);
    }
    args.extend_from_slice(extra);
    emulator().run(&args)
}

fn notes(json: &Value) -> String {
    json["notes"]
        .as_array()
        .map(|n| n.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

/// SendMessage requests the binary made to this queue.
fn sends_to(queue: &str) -> usize {
    emulator()
        .tool_requests()
        .iter()
        .filter(|r| {
            r["operation"] == "SendMessage" && r["target"].as_str().is_some_and(|t| t.ends_with(&format!("/{queue}")))
        })
        .count()
}

#[test]
fn a_function_that_logs_its_event_confirms_the_probe() {
    let emu = emulator();
    let t = trigger("echo", handlers::ECHO, 3, &["--no-dlq"], true);
    let started = Instant::now();
    let run = probe(&t, &[]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["verdict"], "confirmed", "{json:#}");
    assert_eq!(json["marker_seen"], true);
    let probe_id = json["probe_id"].as_str().unwrap();
    assert!(probe_id.starts_with("sqstp-"), "{probe_id}");
    assert!(json["message_id"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(json["log_group"], format!("/aws/lambda/{}", t.function));
    assert!(json["duration_ms"].as_f64().is_some_and(|d| d > 0.0), "{json:#}");
    assert!(json["billed_duration_ms"].as_u64().is_some());
    assert_eq!(json["memory_size_mb"], 128);
    assert!(json["latency_ms"].is_u64());
    // The request id is that of the invocation whose output holds the probe id.
    let request_id = json["request_id"].as_str().unwrap();
    let lines = emu.log_lines(&t.function);
    assert!(lines.contains(&format!("START RequestId: {request_id} Version: $LATEST")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains(probe_id)), "{lines:?}");
    // One message, handled and deleted by the poller: nothing left on the queue, and the
    // probe itself never received or deleted anything.
    assert_eq!(sends_to(&t.queue), 1);
    let consumed = emu.tool_requests().into_iter().filter(|r| {
        matches!(r["operation"].as_str(), Some("ReceiveMessage" | "DeleteMessage" | "DeleteMessageBatch"))
            && r["target"].as_str().is_some_and(|q| q.ends_with(&format!("/{}", t.queue)))
    });
    assert_eq!(consumed.count(), 0);
    assert_eq!(emu.queue_depth(&t.queue), (0, 0));
    assert!(started.elapsed() < Duration::from_secs(5), "confirmation does not wait for the timeout");
}

#[test]
fn text_output_says_the_verdict_in_one_line() {
    let t = trigger("echot", handlers::ECHO, 3, &["--no-dlq"], true);
    let run = emulator().run(&["probe", "-f", &t.function, "-Q", &t.queue, "--timeout", "5s"]);
    run.expect_code(0);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("confirmed: ") && first.contains(&t.function), "{}", run.stdout);
    assert!(run.stdout.contains("request id") && run.stdout.contains("duration"), "{}", run.stdout);
    assert!(!run.stderr.contains("waiting for"), "no spinner off a terminal: {}", run.stderr);
}

#[test]
fn a_failing_function_is_invoked_with_error_and_the_message_ends_in_the_dlq() {
    let emu = emulator();
    // A short visibility timeout (above the 1 s function timeout), so the retry comes soon.
    let t = trigger("fail", handlers::FAIL, 1, &["--max-receive-count", "1", "--visibility-timeout", "2s"], true);
    let dlq = format!("{}-dlq", t.queue);
    let first = probe(&t, &[]);
    first.expect_code(1);
    let json = first.json();
    assert_eq!(json["verdict"], "invoked-with-error", "{json:#}");
    assert!(json["error"].as_str().is_some_and(|e| e.contains("RuntimeError: boom")), "{json:#}");
    assert!(json["request_id"].is_string());
    let notes = notes(&json);
    assert!(notes.contains("retries") && notes.contains(&dlq) && notes.contains("after 1 receive"), "{notes}");
    // The poller did not delete the failed message: when its visibility timeout ends it is
    // visible again, the poller's next receive finds it at maxReceiveCount, and SQS moves it
    // to the DLQ instead of handing it out.
    wait_until("the probe message in the DLQ", Duration::from_secs(30), || emu.queue_depth(&dlq) == (1, 0));
    assert_eq!(emu.queue_depth(&t.queue), (0, 0));
    let attempts = emu.log_lines(&t.function).iter().filter(|l| l.starts_with("START RequestId: ")).count();
    assert_eq!(attempts, 1, "one receive, one invocation");
}

#[test]
fn a_function_that_logs_nothing_about_its_input_is_invoked() {
    let t = trigger("silent", handlers::SILENT, 3, &["--no-dlq"], true);
    let run = probe(&t, &[]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["verdict"], "invoked", "{json:#}");
    assert_eq!(json["marker_seen"], false);
    assert!(json["request_id"].is_string() && json["duration_ms"].is_number(), "{json:#}");
    assert!(notes(&json).contains("--require-marker"), "{json:#}");

    let strict = probe(&t, &["--require-marker", "--timeout", "2s"]);
    strict.expect_code(1);
    assert_eq!(strict.json()["verdict"], "invoked");
}

#[test]
fn without_a_mapping_nothing_is_sent() {
    let emu = emulator();
    let t = trigger("nomap", handlers::ECHO, 3, &["--no-dlq"], false);
    let run = probe(&t, &[]);
    run.expect_code(1);
    let json = run.json();
    assert_eq!(json["verdict"], "not-sent", "{json:#}");
    assert!(json["message_id"].is_null());
    assert!(run.finding_codes().contains(&"mapping-missing".to_owned()), "{json:#}");
    assert_eq!(emu.queue_depth(&t.queue), (0, 0), "the queue is still empty");
    assert_eq!(sends_to(&t.queue), 0, "no SendMessage");
    assert!(emu.log_lines(&t.function).is_empty());
}

#[test]
fn a_disabled_mapping_is_reported_and_nothing_is_sent() {
    let emu = emulator();
    let t = trigger("dismap", handlers::ECHO, 3, &["--no-dlq"], false);
    let uuid = emu.create_sqs_mapping(&t.queue_arn, &t.function, false);
    let run = probe(&t, &[]);
    run.expect_code(1);
    let json = run.json();
    assert_eq!(json["verdict"], "not-sent");
    assert!(run.finding_codes().contains(&"mapping-disabled".to_owned()), "{json:#}");
    assert!(json.to_string().contains(&uuid), "the finding names the mapping");
    assert_eq!(sends_to(&t.queue), 0);
}

#[test]
fn a_body_no_filter_matches_is_never_sent() {
    // Lambda deletes a message no filter matches without a run: the probe evaluates the
    // mapping's filters on its body first, and sends only a body that one matches.
    let emu = emulator();
    let t = trigger("filt", handlers::ECHO, 3, &["--no-dlq"], false);
    let filter = aws_sdk_lambda::types::Filter::builder().pattern(r#"{"body":{"kind":["order"]}}"#).build();
    emu.create_sqs_mapping_with(&t.queue_arn, &t.function, |r| {
        r.filter_criteria(aws_sdk_lambda::types::FilterCriteria::builder().filters(filter).build())
    });
    let run = probe(&t, &[]);
    run.expect_code(1);
    let json = run.json();
    assert_eq!(json["verdict"], "not-sent", "{json:#}");
    assert!(run.finding_codes().contains(&"probe-filtered-out".to_owned()), "{json:#}");
    assert!(json.to_string().contains(r#"--body '{\"kind\":\"order\"}'"#), "the fix gives a matching body: {json:#}");
    assert_eq!(sends_to(&t.queue), 0, "no SendMessage");
    // A body the filter matches is sent.
    let run = probe(&t, &["--body", r#"{"kind":"order","id":"{probe_id}"}"#]);
    assert_ne!(run.json()["verdict"], "not-sent", "{}", run.stdout);
    assert_eq!(sends_to(&t.queue), 1);
}

#[test]
fn a_function_past_its_timeout_is_invoked_with_error() {
    let t = trigger("slow", handlers::SLOW, 1, &["--no-dlq"], true);
    let run = probe(&t, &[]);
    run.expect_code(1);
    let json = run.json();
    assert_eq!(json["verdict"], "invoked-with-error", "{json:#}");
    assert!(json["error"].as_str().is_some_and(|e| e.contains("Task timed out after 1.00 seconds")), "{json:#}");
    let notes = notes(&json);
    assert!(notes.contains("ran out of time") && notes.contains("no dead-letter queue"), "{notes}");
}

#[test]
fn a_fifo_queue_probe_is_confirmed() {
    let emu = emulator();
    let t = trigger("fifo", handlers::ECHO, 3, &["--fifo", "--no-dlq"], true);
    let run = probe(&t, &[]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["verdict"], "confirmed", "{json:#}");
    let probe_id = json["probe_id"].as_str().unwrap();
    let lines = emu.log_lines(&t.function).join("\n");
    // The event the function printed carries the probe's group and deduplication id.
    assert!(lines.contains("\"MessageGroupId\": \"sqs-trigger-probe\""), "{lines}");
    assert!(lines.contains(&format!("\"MessageDeduplicationId\": \"{probe_id}\"")), "{lines}");
}

#[test]
fn body_file_gets_the_probe_id_substituted() {
    let emu = emulator();
    let t = trigger("bodyf", handlers::ECHO, 3, &["--no-dlq"], true);
    let path = std::env::temp_dir().join(format!("{}.json", unique("probe-body")));
    std::fs::write(&path, "{\"order\": 42, \"probe\": \"{probe_id}\"}").unwrap();
    let run = probe(&t, &["--body-file", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["verdict"], "confirmed", "{json:#}");
    let probe_id = json["probe_id"].as_str().unwrap();
    let lines = emu.log_lines(&t.function).join("\n");
    // The handler printed the event; the body is a JSON string inside it.
    assert!(lines.contains(&format!(r#"{{\"order\": 42, \"probe\": \"{probe_id}\"}}"#)), "{lines}");
    assert!(!lines.contains("{probe_id}"), "{lines}");
}

#[test]
fn live_tail_falls_back_to_polling_on_the_emulator() {
    let t = trigger("live", handlers::ECHO, 3, &["--no-dlq"], true);
    let run = probe(&t, &["--live-tail"]);
    run.expect_code(0);
    assert_eq!(run.json()["verdict"], "confirmed");
    assert!(run.stderr.contains("Live Tail is not available") && run.stderr.contains("polling"), "{}", run.stderr);
}

/// A trigger whose execution role may not receive from the queue: the mapping lists as
/// Enabled, but Lambda's poller cannot read the queue, so nothing happens.
fn unreadable_trigger(prefix: &str) -> Trigger {
    let emu = emulator();
    let t = trigger(prefix, handlers::ECHO, 3, &["--no-dlq"], false);
    let role =
        emu.create_role(&unique("role"), "lambda.amazonaws.com", Some(&poller_policy(&["sqs:SendMessage"])), &[]);
    emu.block_on(async {
        emu.lambda().update_function_configuration().function_name(&t.function).role(&role).send().await.unwrap();
    });
    emu.create_sqs_mapping(&t.queue_arn, &t.function, true);
    t
}

#[test]
fn a_mapping_that_does_not_reach_the_function_is_not_invoked_and_diagnosed() {
    let emu = emulator();
    let t = unreadable_trigger("never");
    let started = Instant::now();
    let run = probe(&t, &["--timeout", "2s"]);
    run.expect_code(1);
    assert!(started.elapsed() >= Duration::from_secs(2), "waits the whole --timeout");
    let json = run.json();
    assert_eq!(json["verdict"], "not-invoked", "{json:#}");
    assert!(json["message_id"].is_string());
    assert!(json["findings"].is_array());
    assert!(run.finding_codes().contains(&"role-missing-permission".to_owned()), "{json:#}");
    let notes = notes(&json);
    assert!(notes.contains("does not exist") && notes.contains("logs:CreateLogGroup"), "{notes}");
    assert!(notes.contains("visible on the queue and none in flight"), "nothing received it: {notes}");
    assert!(notes.contains("--timeout 2s is short"), "{notes}");
    assert_eq!(emu.queue_depth(&t.queue), (1, 0), "the probe message waits on the queue");
}

#[test]
fn ctrl_c_while_watching_says_the_probe_message_id() {
    let emu = emulator();
    let t = unreadable_trigger("intr");
    let child = emu
        .cmd()
        .args(["probe", "--function", &t.function, "--queue", &t.queue, "--timeout", "60s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while sends_to(&t.queue) == 0 {
        assert!(Instant::now() < deadline, "the probe never sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("sent probe message ") && stderr.contains("probe id sqstp-"), "{stderr}");
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let emu = emulator();
    // An endpoint nothing listens on: any request would fail with exit 3, not 2.
    let offline = |args: &[&str]| {
        let mut cmd = emu.cmd();
        cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").args(args);
        support::run_cmd(&mut cmd)
    };
    let base = ["probe", "--function", "worker", "--queue", "orders"];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [base, extra].concat()
    }

    let run = offline(&with(&base, &["--body-file", "/nonexistent/probe-body.json"]));
    run.expect_code(2);
    assert!(run.stderr.contains("/nonexistent/probe-body.json"), "{}", run.stderr);

    let binary = std::env::temp_dir().join(format!("{}.bin", unique("probe-body")));
    std::fs::write(&binary, [0x7b, 0xc3, 0x28, 0x7d]).unwrap();
    let run = offline(&with(&base, &["--body-file", binary.to_str().unwrap()]));
    std::fs::remove_file(&binary).ok();
    run.expect_code(2);
    assert!(run.stderr.contains("not UTF-8"), "{}", run.stderr);

    // Under the 1 MiB limit as a file, over it once {probe_id} is replaced and the
    // probe attribute is counted.
    let big = std::env::temp_dir().join(format!("{}.txt", unique("probe-body")));
    std::fs::write(&big, format!("{}{{probe_id}}", "x".repeat(1_048_530))).unwrap();
    let run = offline(&with(&base, &["--body-file", big.to_str().unwrap()]));
    std::fs::remove_file(&big).ok();
    run.expect_code(2);
    assert!(run.stderr.contains("1048576") && run.stderr.contains("{probe_id}"), "{}", run.stderr);

    offline(&with(&base, &["--timeout", "forever"])).expect_code(2);
    offline(&["probe", "--function", "bad name", "--queue", "orders"]).expect_code(2);
}

#[test]
fn a_missing_queue_is_a_not_found_error() {
    let t = trigger("noq", handlers::ECHO, 3, &["--no-dlq"], false);
    let missing = unique("missing");
    let run = emulator().run(&["probe", "-f", &t.function, "-Q", &missing, "--output", "json"]);
    run.expect_code(3);
    let json = run.json();
    assert_eq!(json["error"]["aws"]["kind"], "not-found", "{json:#}");
    assert!(json["error"]["message"].as_str().unwrap().contains(&missing));
}

#[test]
fn throttled_log_reads_slow_down_instead_of_failing() {
    let emu = emulator();
    let t = trigger("throt", handlers::ECHO, 3, &["--no-dlq"], true);
    // The first four reads of this function's log group are throttled (no SDK retries).
    emu.arm_fault("FilterLogEvents", "throttling", 4, Some(&t.function));
    let mut cmd = emu.cmd();
    cmd.env("AWS_MAX_ATTEMPTS", "1").args([
        "probe",
        "-f",
        &t.function,
        "-Q",
        &t.queue,
        "--timeout",
        "10s",
        "-o",
        "json",
    ]);
    let run = support::run_cmd(&mut cmd);
    run.expect_code(0);
    assert_eq!(run.json()["verdict"], "confirmed");
    let throttled = emu
        .requests()
        .iter()
        .filter(|r| r["operation"] == "FilterLogEvents" && r["faulted"] == "ThrottlingException")
        .count();
    assert!(throttled >= 4, "{throttled}");
}

/// A function logging in JSON with SystemLogLevel WARN (no START/END/REPORT) into a custom log
/// group it shares with another function: the probe confirms from the function's own JSON
/// record, says what the verdict rests on, and neither the probe nor `logs` takes the other
/// function's lines for its own.
#[test]
fn json_logs_at_warn_in_a_shared_group() {
    use aws_sdk_lambda::types::{LogFormat, LoggingConfig, SystemLogLevel};
    let emu = emulator();
    let group = format!("/shared/{}", unique("app"));
    let logged =
        "import json, logging\n\ndef handler(event, context):\n    logging.getLogger().info(json.dumps(event))\n";
    let quiet = trigger("quiet", logged, 3, &["--no-dlq"], false);
    let neighbour = trigger("neighbour", handlers::ECHO, 3, &["--no-dlq"], true);
    for (function, json) in [(&quiet.function, true), (&neighbour.function, false)] {
        let config = LoggingConfig::builder().log_group(&group);
        let config = if json {
            config.log_format(LogFormat::Json).system_log_level(SystemLogLevel::Warn)
        } else {
            config.log_format(LogFormat::Text)
        };
        emu.block_on(async {
            emu.lambda()
                .update_function_configuration()
                .function_name(function)
                .logging_config(config.build())
                .send()
                .await
        })
        .expect("logging config");
    }
    emu.create_sqs_mapping(&quiet.queue_arn, &quiet.function, true);
    // The neighbour writes to the group first (START/REPORT lines in its own streams).
    let neighbour_marker = unique("neighbour-line");
    let url = emu.queue_url(&neighbour.queue).unwrap();
    emu.block_on(async { emu.sqs().send_message().queue_url(&url).message_body(&neighbour_marker).send().await })
        .expect("send");
    wait_until("the neighbour to run", Duration::from_secs(30), || emu.queue_depth(&neighbour.queue) == (0, 0));

    let started = Instant::now();
    let run = probe(&quiet, &["--timeout", "20s"]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["verdict"], "confirmed", "{json:#}");
    assert_eq!(json["log_group"], group.as_str());
    assert_eq!(json["verdict_basis"], "function-output", "{json:#}");
    assert!(json["request_id"].as_str().is_some_and(|id| id.len() == 36), "the JSON record's requestId: {json:#}");
    assert!(json["duration_ms"].is_null(), "no REPORT line: no duration");
    let notes = notes(&json);
    assert!(notes.contains("SystemLogLevel WARN") && notes.contains("rests on"), "{notes}");
    assert!(started.elapsed() < Duration::from_secs(15), "no wait for a REPORT line that never comes");

    // `logs` of the neighbour reads only its own streams of the shared group.
    let logs = emu.run(&["logs", "--function", &neighbour.function, "--since", "10m", "--output", "json"]);
    logs.expect_code(0);
    assert!(logs.stdout.contains(&neighbour_marker), "{}", logs.stdout);
    let probe_id = json["probe_id"].as_str().unwrap();
    assert!(!logs.stdout.contains(probe_id), "the other function's lines are not shown:\n{}", logs.stdout);
    for line in logs.stdout.lines().filter(|l| l.contains("\"stream\"")) {
        assert!(line.contains(&format!("/{}[", neighbour.function)), "{line}");
    }
}
