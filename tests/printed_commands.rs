//! Every `aws ...` command sqs-trigger prints runs as printed against the endpoint, region and
//! profile the tool was run with: each doctor fixture's printed fix is run with the AWS CLI
//! (the venv's `aws`, given no endpoint or region but the flags in the command), then doctor
//! runs again and the finding is gone.

use sqs_trigger_test_support as support;

use std::process::Command;

use serde_json::Value;
use support::{Emulator, FULL_POLLER_POLICY, Run, emulator, handlers, unique};

/// The `aws ...` commands in `text`, as a shell would read them from the printed line: from
/// `aws ` to the end of the line, a closing backtick, a parenthesised remark ` (...` or an
/// unmatched `)`, outside single quotes.
fn aws_commands(text: &str) -> Vec<String> {
    let mut commands = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("aws --") {
            let mut quoted = false;
            let mut end = rest.len();
            let tail = &rest[at..];
            for (i, c) in tail.char_indices() {
                match c {
                    '\'' => quoted = !quoted,
                    '`' | ')' if !quoted => {
                        end = at + i;
                        break;
                    }
                    ' ' if !quoted && tail[i..].starts_with(" (") => {
                        end = at + i;
                        break;
                    }
                    _ => {}
                }
            }
            commands.push(rest[at..end].trim().to_owned());
            rest = &rest[end..];
        }
    }
    commands
}

/// Runs a printed command with the venv's AWS CLI: credentials from the environment, but no
/// endpoint and no region other than what the command itself says.
fn run_aws(command: &str) -> Run {
    let venv_bin = support::repo_root().join(".venv/bin");
    assert!(venv_bin.join("aws").exists(), "the AWS CLI is not installed in .venv: {}", support::INSTALL_HINT);
    let path = format!("{}:{}", venv_bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = Command::new("sh");
    cmd.args(["-c", command]);
    for var in ["AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        cmd.env_remove(var);
    }
    cmd.env("PATH", path)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent/sqs-trigger-test-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/sqs-trigger-test-credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "");
    support::run_cmd(&mut cmd)
}

fn findings_of(json: &Value, code: &str) -> Vec<Value> {
    let mut out = Vec::new();
    fn walk(v: &Value, code: &str, out: &mut Vec<Value>) {
        match v {
            Value::Object(map) => {
                if map.get("code").and_then(Value::as_str) == Some(code) && map.contains_key("severity") {
                    out.push(v.clone());
                }
                map.values().for_each(|c| walk(c, code, out));
            }
            Value::Array(items) => items.iter().for_each(|c| walk(c, code, out)),
            _ => {}
        }
    }
    walk(json, code, &mut out);
    out
}

/// Doctor finds `code`; every `aws` command of its fix, run as printed, succeeds; then doctor
/// no longer finds it.
#[track_caller]
fn printed_fix_clears(emu: &Emulator, doctor: &[&str], code: &str) {
    let json_args: Vec<&str> = doctor.iter().copied().chain(["-o", "json"]).collect();
    let before = emu.run(&json_args);
    let json = before.json();
    let found = findings_of(&json, code);
    assert!(!found.is_empty(), "doctor finds no {code}:\n{json:#}");
    let text = emu.run(doctor);
    let mut ran = 0;
    for finding in &found {
        let fix = finding["remediation"].as_str().unwrap_or_default();
        let commands = aws_commands(fix);
        assert!(!commands.is_empty(), "{code}: no runnable aws command in {fix:?}");
        for command in commands {
            assert!(command.contains(&format!("--endpoint-url {}", emu.endpoint)), "{command}");
            assert!(text.stdout.contains(&command), "the text report prints the same command:\n{}", text.stdout);
            let run = run_aws(&command);
            assert_eq!(run.code, 0, "{command}\n{}{}", run.stdout, run.stderr);
            ran += 1;
        }
    }
    assert!(ran > 0);
    let after = emu.run(&json_args).json();
    assert!(findings_of(&after, code).is_empty(), "{code} is still found after its printed fix:\n{after:#}");
}

fn function(emu: &Emulator, timeout: i32) -> String {
    let name = unique("pc-fn");
    let role = emu.create_role(&unique("pc-role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&name, &role, handlers::SILENT, timeout);
    name
}

#[test]
fn visibility_timeout_below_the_function_timeout() {
    let emu = emulator();
    let f = function(emu, 60);
    let q = unique("pc-vt");
    emu.run(&["queue", "create", &q, "--no-dlq", "--visibility-timeout", "30s"]).expect_code(0);
    printed_fix_clears(emu, &["doctor", "--queue", &q, "--function", &f], "visibility-timeout-below-function-timeout");
}

#[test]
fn max_receive_count_low() {
    let emu = emulator();
    let f = function(emu, 3);
    let q = unique("pc-mrc");
    emu.run(&["queue", "create", &q, "--max-receive-count", "2"]).expect_code(0);
    printed_fix_clears(emu, &["doctor", "--queue", &q, "--function", &f], "max-receive-count-low");
}

#[test]
fn function_throttled() {
    let emu = emulator();
    let f = function(emu, 3);
    let q = unique("pc-thr");
    emu.run(&["queue", "create", &q, "--no-dlq"]).expect_code(0);
    emu.reserve_concurrency(&f, 0);
    printed_fix_clears(emu, &["doctor", "--queue", &q, "--function", &f], "function-throttled");
}

#[test]
fn kms_key_not_enabled() {
    let emu = emulator();
    let f = function(emu, 3);
    let key = emu.block_on(async {
        let key = emu.kms().create_key().send().await.unwrap();
        key.key_metadata().unwrap().arn().unwrap().to_owned()
    });
    let q = unique("pc-kms");
    emu.run(&["queue", "create", &q, "--no-dlq", "--kms-key", &key]).expect_code(0);
    emu.block_on(async { emu.kms().disable_key().key_id(&key).send().await.unwrap() });
    printed_fix_clears(emu, &["doctor", "--queue", &q, "--function", &f], "kms-key-not-enabled");
}

#[test]
fn role_trust_missing_lambda() {
    let emu = emulator();
    let name = unique("pc-trust-fn");
    let role = emu.create_role(&unique("pc-trust"), "ec2.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&name, &role, handlers::SILENT, 3);
    let q = unique("pc-trust-q");
    emu.run(&["queue", "create", &q, "--no-dlq"]).expect_code(0);
    printed_fix_clears(emu, &["doctor", "--queue", &q, "--function", &name], "role-trust-missing-lambda");
}

/// A unit check of the extraction itself, so a failing run points at the right place.
#[test]
fn commands_are_read_as_printed() {
    let fix = "keep one: aws --region r lambda delete-event-source-mapping --uuid U (for each extra one)";
    assert_eq!(aws_commands(fix), ["aws --region r lambda delete-event-source-mapping --uuid U"]);
    let quoted = "x: aws --region r iam update-assume-role-policy --role-name n --policy-document '{\"a\": \"(b)\"}'";
    assert_eq!(aws_commands(quoted), [quoted[3..].to_owned()]);
    assert_eq!(aws_commands("see `aws --region r sqs list-queues` now"), ["aws --region r sqs list-queues"]);
}
