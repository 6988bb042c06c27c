//! Credentials never reach stdout or stderr, even at the highest verbosity and on errors.

use sqs_trigger_test_support as support;

use support::{emulator, run_cmd, unique};

const KEY_ID: &str = "AKIAFAKELEAKCHECK7777";
const SECRET: &str = "SecretFakeLeakCheckValue7777xyz";
const TOKEN: &str = "TokenFakeLeakCheckValue7777FQoGZXIvYXdz";

fn assert_no_leak(args: &[&str]) -> support::Run {
    let emu = emulator();
    let run = run_cmd(
        emu.cmd()
            .args(args)
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_SESSION_TOKEN", TOKEN)
            .env("AWS_MAX_ATTEMPTS", "1"),
    );
    assert!(run.stderr.lines().count() > 20, "-vvv produced trace output to check: {}", run.stderr);
    for secret in [KEY_ID, SECRET, TOKEN] {
        assert!(!run.stdout.contains(secret), "{secret} leaked on stdout");
        assert!(!run.stderr.contains(secret), "{secret} leaked on stderr");
    }
    run
}

#[test]
fn no_credentials_in_trace_output_of_a_successful_run() {
    let name = unique("leak");
    assert_no_leak(&["-vvv", "queue", "create", &name, "-o", "json"]).expect_code(0);
}

#[test]
fn no_credentials_in_trace_output_of_a_failed_run() {
    let emu = emulator();
    let name = unique("leakfail");
    emu.arm_fault("CreateQueue", "access-denied", 1, Some(&name));
    assert_no_leak(&["-vvv", "queue", "create", &name, "--no-dlq"]).expect_code(3);
}

#[test]
fn no_credentials_at_debug_verbosity() {
    let name = unique("leakdbg");
    let emu = emulator();
    let run = run_cmd(
        emu.cmd()
            .args(["-vv", "queue", "create", &name])
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_SESSION_TOKEN", TOKEN),
    );
    run.expect_code(0);
    for secret in [KEY_ID, SECRET, TOKEN] {
        assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret), "{secret} leaked");
    }
}
