//! `logs` end to end: a real Python function's log group on the emulator, read back as text
//! lines or JSON Lines, and `--until` as a CI wait that exits 0 on a match, 1 at its timeout.

use sqs_trigger_test_support as support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{FULL_POLLER_POLICY, emulator, handlers, unique, wait_until};

/// An ECHO function behind a mapped queue; returns (function, queue URL).
fn echo_trigger(prefix: &str) -> (String, String) {
    let emu = emulator();
    let function = unique(prefix);
    let role = emu.create_role(&unique("role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handlers::ECHO, 3);
    let queue = unique("lq");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);
    let queue_arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    emu.create_sqs_mapping(&queue_arn, &function, true);
    (function, emu.queue_url(&queue).unwrap())
}

/// Sends a message and waits until the emulator's Lambda poller has run the function on it
/// (which prints it) and deleted it.
fn send(queue_url: &str, body: &str) {
    let emu = emulator();
    let queue = queue_url.rsplit('/').next().unwrap();
    emu.block_on(async { emu.sqs().send_message().queue_url(queue_url).message_body(body).send().await.unwrap() });
    wait_until("the poller to handle the message", Duration::from_secs(30), || emu.queue_depth(queue) == (0, 0));
}

#[test]
fn until_exits_0_when_a_matching_line_is_written_after_it_started() {
    let emu = emulator();
    let (function, queue_url) = echo_trigger("until");
    let marker = unique("order-done");
    let child = emu
        .cmd()
        .args(["logs", "--function", &function, "--until", &marker, "--timeout", "30s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it start polling (the log group does not even exist yet), then make the line.
    std::thread::sleep(Duration::from_millis(1500));
    let written = Instant::now();
    send(&queue_url, &format!("{{\"status\": \"{marker}\"}}"));
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(written.elapsed() < Duration::from_secs(10), "exits soon after the line, not at the timeout");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains(&marker), "the matching line is the last printed:\n{stdout}");
    assert!(stderr.contains("waiting for the log group"), "{stderr}");
}

#[test]
fn until_exits_1_at_its_timeout() {
    let (function, queue_url) = echo_trigger("untilno");
    send(&queue_url, "{\"status\": \"something else\"}");
    let started = Instant::now();
    let run = emulator().run(&["logs", "--function", &function, "--until", &unique("never"), "--timeout", "2s"]);
    run.expect_code(1);
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(run.stderr.contains("no line contained"), "{}", run.stderr);
    assert!(run.stdout.contains("something else"), "lines are printed while waiting:\n{}", run.stdout);
}

#[test]
fn follow_with_timeout_exits_0() {
    let (function, queue_url) = echo_trigger("follow");
    send(&queue_url, "{\"n\": 1}");
    let run = emulator().run(&["logs", "--function", &function, "--follow", "--timeout", "1s"]);
    run.expect_code(0);
    assert!(run.stdout.contains("START RequestId: "), "{}", run.stdout);
}

#[test]
fn text_lines_carry_timestamp_stream_and_message() {
    let emu = emulator();
    let (function, queue_url) = echo_trigger("text");
    let marker = unique("hello");
    send(&queue_url, &marker);
    let run = emu.run(&["logs", "--function", &function]);
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), emu.log_lines(&function).len(), "{}", run.stdout);
    for line in &lines {
        let mut parts = line.splitn(3, ' ');
        let (timestamp, stream) = (parts.next().unwrap(), parts.next().unwrap());
        assert!(
            timestamp.len() == 24 && timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T',
            "RFC 3339 with milliseconds: {line}"
        );
        assert!(stream.contains("[$LATEST]"), "{line}");
    }
    assert!(lines.iter().any(|l| l.contains(&marker)), "{}", run.stdout);
}

#[test]
fn json_output_is_one_object_per_line() {
    let (function, queue_url) = echo_trigger("jsonl");
    send(&queue_url, "x");
    let run = emulator().run(&["logs", "--function", &function, "--output", "json"]);
    run.expect_code(0);
    let events: Vec<Value> =
        run.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    assert!(events.len() >= 4, "{}", run.stdout);
    for event in &events {
        assert!(event["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')), "{event}");
        assert!(event["stream"].is_string() && event["message"].is_string(), "{event}");
    }
    assert!(events[0]["message"].as_str().unwrap().starts_with("START RequestId: "));
}

#[test]
fn filter_pattern_is_passed_to_cloudwatch() {
    let (function, queue_url) = echo_trigger("filter");
    send(&queue_url, "x");
    send(&queue_url, "y");
    let run = emulator().run(&["logs", "--function", &function, "--filter", "REPORT"]);
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines.iter().all(|l| l.contains("REPORT RequestId: ")), "{}", run.stdout);
}

#[test]
fn since_limits_how_far_back() {
    let (function, queue_url) = echo_trigger("since");
    send(&queue_url, "old");
    std::thread::sleep(Duration::from_millis(1500));
    let run = emulator().run(&["logs", "--function", &function, "--since", "1s"]);
    run.expect_code(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_function_that_never_logged_is_a_clear_failure() {
    let emu = emulator();
    let function = unique("quiet");
    let role = emu.create_role(&unique("role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handlers::ECHO, 3);
    let run = emu.run(&["logs", "--function", &function]);
    run.expect_code(1);
    assert!(run.stderr.contains(&format!("/aws/lambda/{function} does not exist")), "{}", run.stderr);
}

#[test]
fn a_missing_function_is_not_found() {
    let missing = unique("nofn");
    let run = emulator().run(&["logs", "--function", &missing, "--output", "json"]);
    run.expect_code(3);
    assert_eq!(run.json()["error"]["aws"]["kind"], "not-found");
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let emu = emulator();
    for args in [
        &["logs", "--function", "worker", "--timeout", "5s"][..],
        &["logs", "--function", "worker", "--since", "yesterday"],
        &["logs", "--function", "worker", "--until", ""],
        &["logs", "--function", "not a name"],
    ] {
        let mut cmd = emu.cmd();
        cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").args(args);
        support::run_cmd(&mut cmd).expect_code(2);
    }
}
