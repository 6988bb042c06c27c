//! `doctor --metrics` and `redrive` against the emulator: the poller twin records the metrics
//! AWS publishes (moments ago, inside the window), the emulator answers GetMetricData over
//! CBOR, and moves DLQ messages server-side with message move tasks.

use sqs_trigger_test_support as support;

use std::time::Duration;

use serde_json::Value;
use support::{Emulator, FULL_POLLER_POLICY, emulator, handlers, unique, wait_until};

struct Trigger {
    queue: String,
    dlq: String,
    function: String,
}

/// A queue (maxReceiveCount 1, so a failed message reaches the DLQ after one try) and a
/// function with a 1 s timeout, mapped or not.
fn trigger(emu: &Emulator, source: &str, mapped: Option<bool>) -> Trigger {
    let queue = unique("mx-q");
    emu.run(&["queue", "create", &queue, "--visibility-timeout", "2s", "--max-receive-count", "1"]).expect_code(0);
    let role = unique("mx-r");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    let function = unique("mx-f");
    emu.create_function(&function, &role_arn, source, 1);
    if let Some(enabled) = mapped {
        let arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
        emu.create_sqs_mapping(&arn, &function, enabled);
    }
    Trigger { dlq: format!("{queue}-dlq"), queue, function }
}

fn send(emu: &Emulator, queue: &str, n: usize) {
    let url = emu.queue_url(queue).unwrap();
    emu.block_on(async {
        for i in 0..n {
            emu.sqs().send_message().queue_url(&url).message_body(format!("m{i}")).send().await.unwrap();
        }
    });
}

fn doctor_metrics(emu: &Emulator, queue: &str) -> Value {
    let run = emu.run(&["doctor", "--queue", queue, "--metrics", "--window", "10m", "-o", "json"]);
    assert!(matches!(run.code, 0 | 1), "exit {}: {}", run.code, run.stderr);
    run.json()
}

fn codes(doc: &Value) -> Vec<String> {
    doc["triggers"][0]["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

fn total(doc: &Value, metric: &str) -> f64 {
    doc["triggers"][0]["metrics"]["series"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["metric"] == metric)
        .flat_map(|s| s["datapoints"].as_array().unwrap().iter().map(|d| d["v"].as_f64().unwrap()))
        .sum()
}

/// Moves every datapoint recorded so far `secs` into the past (the emulator's control API).
fn backdate(emu: &Emulator, secs: u32) {
    let (status, body) =
        emu.http("POST", "/_emulator/metrics/backdate", Some(&format!(r#"{{"seconds": {secs}}}"#))).unwrap();
    assert_eq!(status, 200, "{body}");
}

fn poller_stat(emu: &Emulator, stat: &str) -> u64 {
    let (_, body) = emu.http("GET", "/_emulator/pollers", None).unwrap();
    let pollers: Value = serde_json::from_str(&body).unwrap();
    pollers.as_object().unwrap().values().map(|p| p[stat].as_u64().unwrap_or(0)).sum()
}

#[test]
fn a_healthy_trigger_has_no_metric_finding_and_shows_its_series() {
    let emu = emulator();
    let t = trigger(emu, handlers::ECHO, Some(true));
    send(emu, &t.queue, 2);
    wait_until("both messages handled", Duration::from_secs(30), || emu.queue_depth(&t.queue) == (0, 0));
    let doc = doctor_metrics(emu, &t.queue);
    let m = &doc["triggers"][0]["metrics"];
    assert_eq!(m["polled"], "yes", "{m}");
    assert_eq!(m["window"], "10m");
    assert!(total(&doc, "messages-received") >= 2.0, "{m}");
    assert!(total(&doc, "invocations") >= 1.0, "{m}");
    let metric_codes = ["queue-not-polled", "invocations-throttled", "invocations-failing", "messages-to-dlq"];
    assert!(codes(&doc).iter().all(|c| !metric_codes.contains(&c.as_str())), "{:?}", codes(&doc));
    // Text: one line per metric (sparklines need a terminal; piped, the summary alone).
    let text = emu.run(&["doctor", "--queue", &t.queue, "--metrics"]);
    assert!(text.stdout.contains("polled yes") && text.stdout.contains("invocations"), "{}", text.stdout);
}

#[test]
fn a_disabled_mapping_shows_as_a_queue_not_polled() {
    let emu = emulator();
    let t = trigger(emu, handlers::ECHO, Some(false));
    send(emu, &t.queue, 1);
    // The emulator samples the queue's gauges (and zero counters) every second. Metrics of a
    // queue active for under 5 minutes say nothing yet (unknown): move them 6 minutes back.
    std::thread::sleep(Duration::from_millis(1500));
    let young = doctor_metrics(emu, &t.queue);
    assert_eq!(young["triggers"][0]["metrics"]["polled"], "unknown", "{young}");
    backdate(emu, 360);
    let doc = doctor_metrics(emu, &t.queue);
    assert_eq!(doc["triggers"][0]["metrics"]["polled"], "no", "{doc}");
    let found = codes(&doc);
    assert!(
        found.contains(&"queue-not-polled".to_owned()) && found.contains(&"mapping-disabled".to_owned()),
        "{found:?}"
    );
}

#[test]
fn reserved_concurrency_0_shows_as_throttled_invocations() {
    let emu = emulator();
    let t = trigger(emu, handlers::ECHO, None);
    emu.reserve_concurrency(&t.function, 0);
    let arn = emu.queue_attributes(&t.queue).unwrap()["QueueArn"].clone();
    emu.create_sqs_mapping(&arn, &t.function, true);
    let before = poller_stat(emu, "throttles");
    send(emu, &t.queue, 1);
    wait_until("a throttled batch", Duration::from_secs(30), || poller_stat(emu, "throttles") > before);
    let doc = doctor_metrics(emu, &t.queue);
    let throttled =
        doc["triggers"][0]["findings"].as_array().unwrap().iter().find(|f| f["code"] == "invocations-throttled");
    assert_eq!(throttled.expect("invocations-throttled")["severity"], "error", "{doc}");
}

#[test]
fn a_failing_handler_shows_failing_invocations_then_messages_to_the_dlq() {
    let emu = emulator();
    let t = trigger(emu, handlers::FAIL, Some(true));
    // The empty DLQ is sampled within a second; moved two minutes back, its depth of 0 is a
    // period of its own before the failures (metrics are per minute: no waiting real minutes).
    std::thread::sleep(Duration::from_millis(1500));
    backdate(emu, 120);
    send(emu, &t.queue, 2);
    wait_until("an error", Duration::from_secs(30), || {
        codes(&doctor_metrics(emu, &t.queue)).contains(&"invocations-failing".to_owned())
    });
    wait_until("both messages in the DLQ", Duration::from_secs(40), || emu.queue_depth(&t.dlq).0 == 2);
    wait_until("the DLQ's growth published", Duration::from_secs(10), || {
        codes(&doctor_metrics(emu, &t.queue)).contains(&"messages-to-dlq".to_owned())
    });
}

/// A queue with N messages in its DLQ and no mapping (nothing consumes them: every message
/// can be counted). Doctor reports `mapping-missing` for it, an error.
fn dlq_with(emu: &Emulator, n: usize) -> Trigger {
    let t = trigger(emu, handlers::ECHO, None);
    send(emu, &t.dlq, n);
    t
}

#[test]
fn redrive_refuses_while_broken_then_moves_every_message() {
    let emu = emulator();
    let t = dlq_with(emu, 3);
    let refused = emu.run(&["redrive", "--queue", &t.queue, "-o", "json"]);
    refused.expect_code(1);
    assert!(refused.stderr.contains("mapping-missing") && refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(emu.queue_depth(&t.dlq), (3, 0), "nothing moved");

    let moved = emu.run(&["redrive", "--queue", &t.queue, "--force", "--max-per-second", "50", "-o", "json"]);
    moved.expect_code(0);
    let doc = moved.json();
    assert_eq!(doc["task"]["status"], "COMPLETED", "{doc}");
    assert_eq!(doc["task"]["moved"], 3);
    assert_eq!(doc["after"]["dlq"]["visible"], 0);
    assert_eq!(doc["after"]["queue"]["visible"], 3);
    assert_eq!((emu.queue_depth(&t.queue), emu.queue_depth(&t.dlq)), ((3, 0), (0, 0)));
    assert_eq!(doc["changed"][0]["action"], "start-message-move-task");

    // Again, later: the report is of the new task, not the finished one before it.
    send(emu, &t.dlq, 2);
    let again = emu.run(&["redrive", "--queue", &t.queue, "--force", "--max-per-second", "50", "-o", "json"]).json();
    assert_eq!((again["task"]["moved"].as_i64(), again["after"]["queue"]["visible"].as_i64()), (Some(2), Some(5)));
}

#[test]
fn a_failed_move_task_exits_3_and_loses_no_message() {
    let emu = emulator();
    let t = dlq_with(emu, 4);
    // The task fails before the third message: two moved, two left.
    emu.arm_fault("MoveMessage", "AWS.SimpleQueueService.NonExistentQueue", 1, Some(&format!("{}#3", t.dlq)));
    let run = emu.run(&["redrive", "--queue", &t.queue, "--force", "--max-per-second", "50"]);
    run.expect_code(3);
    assert!(
        run.stderr.contains("sqs:StartMessageMoveTask") && run.stderr.contains("sqs:SendMessage"),
        "{}",
        run.stderr
    );
    let (queue, dlq) = (emu.queue_depth(&t.queue).0, emu.queue_depth(&t.dlq).0);
    assert_eq!((queue, dlq), (2, 2), "every message is in one of the two queues");
}

#[test]
fn filtered_out_events_come_from_the_mapping_metrics_and_all_shares_calls() {
    let emu = emulator();
    let t = trigger(emu, handlers::ECHO, None);
    let arn = emu.queue_attributes(&t.queue).unwrap()["QueueArn"].clone();
    use aws_sdk_lambda::types::{EventSourceMappingMetric, EventSourceMappingMetricsConfig, Filter, FilterCriteria};
    let filter = Filter::builder().pattern(r#"{"body": {"keep": [true]}}"#).build();
    let uuid = emu.create_sqs_mapping_with(&arn, &t.function, |r| {
        r.filter_criteria(FilterCriteria::builder().filters(filter).build()).metrics_config(
            EventSourceMappingMetricsConfig::builder().metrics(EventSourceMappingMetric::EventCount).build(),
        )
    });
    send(emu, &t.queue, 2);
    wait_until("both messages filtered out", Duration::from_secs(30), || emu.queue_depth(&t.queue) == (0, 0));
    let doc = doctor_metrics(emu, &t.queue);
    let filtered =
        doc["triggers"][0]["findings"].as_array().unwrap().iter().find(|f| f["code"] == "events-filtered-out");
    assert_eq!(filtered.expect("events-filtered-out")["severity"], "warning", "every polled event was dropped: {doc}");
    assert!(total(&doc, "polled-events") >= 2.0);

    // --all: every trigger gets its metrics, the queries of all of them in shared calls.
    let all = emu.run(&["doctor", "--all", "--metrics", "-o", "json"]).json();
    let triggers = all["triggers"].as_array().unwrap();
    assert!(triggers.iter().any(|d| d["mappings"][0]["uuid"] == uuid.as_str()));
    assert!(triggers.iter().all(|d| d["metrics"]["series"].is_array()), "{all}");
}

#[test]
fn get_metric_data_denied_is_check_skipped_and_failing_is_exit_3() {
    // A private emulator: another test's `doctor --all --metrics` would name this queue too
    // and could take the armed fault.
    let private = Emulator::start();
    let emu = &private;
    let t = trigger(emu, handlers::ECHO, Some(true));
    // The CBOR body names the queue: only this test's call fails.
    emu.arm_fault("GetMetricData", "access-denied", 1, Some(&t.queue));
    let doc = doctor_metrics(emu, &t.queue);
    let skipped = doc["triggers"][0]["findings"].as_array().unwrap().iter().find(|f| {
        f["code"] == "check-skipped" && f["remediation"].as_str().is_some_and(|r| r.contains("GetMetricData"))
    });
    let skipped = skipped.expect("check-skipped");
    assert!(skipped["remediation"].as_str().unwrap().contains("cloudwatch:GetMetricData"), "{skipped}");
    assert_eq!(doc["triggers"][0]["metrics"]["polled"], "unknown");
    // Any other failure, past the retries, is the same: an advisory read costs its checks only.
    emu.arm_fault("GetMetricData", "500", 10, Some(&t.queue));
    let failed = emu.run(&["doctor", "--queue", &t.queue, "--metrics", "--output", "json"]);
    assert_ne!(failed.code, 3, "{}", failed.stderr);
    assert!(failed.stdout.contains("cloudwatch:GetMetricData"), "{}", failed.stdout);
}

#[test]
fn ctrl_c_during_a_redrive_cancels_the_move_task() {
    let emu = emulator();
    let t = dlq_with(emu, 6);
    let child = emu
        .cmd()
        .args(["redrive", "--queue", &t.queue, "--force", "--max-per-second", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the move to start", Duration::from_secs(20), || emu.queue_depth(&t.queue).0 >= 1);
    let interrupted = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("cancelled the move task"), "{stderr}");
    // Without a terminal it cancels: the task stops, every message in one of the two queues.
    std::thread::sleep(Duration::from_millis(1200));
    let (queue, dlq) = (emu.queue_depth(&t.queue).0, emu.queue_depth(&t.dlq).0);
    assert_eq!(queue + dlq, 6);
    assert!(dlq > 0, "cancelled before the end");
}

#[test]
fn bad_metrics_and_redrive_input_is_exit_2() {
    let emu = emulator();
    for args in [
        &["doctor", "--queue", "q", "--metrics", "--window", "1m"][..],
        &["doctor", "--queue", "q", "--window", "15m"],
        &["redrive", "--queue", "q", "--max-per-second", "501"],
        &["redrive", "--queue", "q", "--function", "f"],
    ] {
        emu.run(args).expect_code(2);
    }
}
