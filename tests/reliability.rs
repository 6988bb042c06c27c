//! Endpoints that are down or hung fail in bounded time with a message naming the endpoint
//! and the call, exit 3.

use sqs_trigger_test_support as support;

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn tool(endpoint: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sqs-trigger"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `cmd`, killing it if it outlives `limit` (a hang guard, not a speed assertion).
fn run_bounded(cmd: &mut Command, limit: Duration) -> (Option<i32>, String) {
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return (status.code(), String::from_utf8_lossy(&out.stderr).into_owned());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("the command hung past {limit:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn nothing_listening_exits_3_with_a_clear_message() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let (code, stderr) = run_bounded(
        tool(&endpoint).args(["queue", "create", "orders", "--max-attempts", "2"]),
        Duration::from_secs(120),
    );
    assert_eq!(code, Some(3), "{stderr}");
    // One line naming the endpoint and the cause; not the SDK's error chain.
    // (The SDK warns about the missing config files this test points it at: not the error.)
    let lines: Vec<&str> =
        stderr.lines().filter(|l| !l.starts_with("warning:") && !l.contains(" WARN config file")).collect();
    assert_eq!(lines, [format!("error: cannot connect to {endpoint} (connection refused)")], "{stderr}");
    assert!(!stderr.contains("DispatchFailure") && !stderr.contains("ConnectorError"), "{stderr}");
}

/// At -v the SDK's whole chain is there too, for whoever needs to dig.
#[test]
fn nothing_listening_shows_the_sdk_chain_at_verbose() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let (code, stderr) = run_bounded(
        tool(&endpoint).args(["queue", "create", "orders", "--max-attempts", "1", "-v"]),
        Duration::from_secs(120),
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains(&format!("cannot connect to {endpoint} (connection refused)")), "{stderr}");
    assert!(stderr.contains("DispatchFailure"), "the chain at -v: {stderr}");
}

#[test]
fn a_hung_endpoint_times_out_with_exit_3() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    // Accept connections and never answer.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let (code, stderr) = run_bounded(
        tool(&endpoint).args(["queue", "create", "orders", "--operation-timeout", "1s", "--max-attempts", "2"]),
        Duration::from_secs(120),
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("no answer in time"), "{stderr}");
    assert!(stderr.contains(&endpoint), "the endpoint is named: {stderr}");
    assert!(stderr.contains("sts:GetCallerIdentity") || stderr.contains("sqs:"), "the call is named: {stderr}");
}

#[test]
fn no_region_is_a_usage_error_before_any_request() {
    let emu = support::Emulator::start();
    let run = support::run_cmd(emu.cmd().env_remove("AWS_REGION").args(["queue", "create", "orders"]));
    run.expect_code(2);
    assert!(run.stderr.contains("--region"), "{}", run.stderr);
    assert!(emu.requests().is_empty());
}
