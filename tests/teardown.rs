//! `teardown` removes exactly what sqs-trigger made and nothing untagged.

use sqs_trigger_test_support as support;

use support::{FULL_POLLER_POLICY, emulator, handlers, unique};

/// A function mapped to `queue`: by sqs-trigger (tagged as its own), or by another tool.
fn function_with_mapping(emu: &support::Emulator, queue: &str, by_sqs_trigger: bool) -> String {
    let function = unique("td-fn");
    let role = emu.create_role(&unique("td-role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handlers::SILENT, 3);
    if by_sqs_trigger {
        emu.run(&["mapping", "create", "--function", &function, "--queue", queue]).expect_code(0);
        return function;
    }
    let arn = emu.queue_attributes(queue).unwrap()["QueueArn"].clone();
    emu.block_on(async {
        emu.lambda().create_event_source_mapping().event_source_arn(arn).function_name(&function).send().await.unwrap();
    });
    function
}

#[test]
fn removes_mapping_queue_and_dlq_it_created() {
    let emu = emulator();
    let queue = unique("td");
    emu.run(&["queue", "create", &queue]).expect_code(0);
    let function = function_with_mapping(emu, &queue, true);
    let queue_arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();

    let dry = emu.run(&["teardown", "--queue", &queue, "--function", &function, "--dry-run", "-o", "json"]);
    dry.expect_code(0);
    let actions: Vec<String> =
        dry.json()["items"].as_array().unwrap().iter().map(|i| i["action"].as_str().unwrap().to_owned()).collect();
    assert_eq!(actions, ["would-delete", "would-delete", "would-delete"]);
    assert!(emu.queue_url(&queue).is_some(), "--dry-run deletes nothing");
    assert_eq!(emu.mappings_of(&queue_arn).len(), 1);

    let run = emu.run(&["teardown", "--queue", &queue, "--function", &function, "--yes", "-o", "json"]);
    run.expect_code(0);
    let kinds: Vec<(String, String)> = run.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_owned(), i["action"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        kinds,
        [("mapping".into(), "deleted".into()), ("queue".into(), "deleted".into()), ("dlq".into(), "deleted".into())]
    );
    assert!(emu.queue_url(&queue).is_none());
    assert!(emu.queue_url(&format!("{queue}-dlq")).is_none());
    assert!(emu.mappings_of(&queue_arn).is_empty());

    // Again: nothing left, still exit 0.
    emu.run(&["teardown", "--queue", &queue, "--yes"]).expect_code(0);
}

#[test]
fn never_deletes_an_untagged_queue() {
    let emu = emulator();
    let queue = unique("td-foreign");
    emu.block_on(async { emu.sqs().create_queue().queue_name(&queue).send().await.unwrap() });
    let theirs = function_with_mapping(emu, &queue, false);
    let ours = function_with_mapping(emu, &queue, true);
    let queue_arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    let run = emu.run(&["teardown", "--queue", &queue, "--yes"]);
    run.expect_code(0);
    assert!(run.stdout.contains("not created by sqs-trigger"), "{}", run.stdout);
    assert!(emu.queue_url(&queue).is_some(), "the untagged queue is still there");
    let left: Vec<String> =
        emu.mappings_of(&queue_arn).iter().filter_map(|m| m.function_arn().map(str::to_owned)).collect();
    assert_eq!(left.len(), 1, "only sqs-trigger's mapping is gone: {left:?}");
    assert!(left[0].ends_with(&format!(":{theirs}")) && !left[0].ends_with(&format!(":{ours}")), "{left:?}");
}

#[test]
fn refuses_a_queue_with_messages_unless_forced() {
    let emu = emulator();
    let queue = unique("td-full");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);
    let url = emu.queue_url(&queue).unwrap();
    emu.block_on(async { emu.sqs().send_message().queue_url(&url).message_body("keep me").send().await.unwrap() });
    let run = emu.run(&["teardown", "--queue", &queue, "--yes"]);
    run.expect_code(1);
    assert!(run.stdout.contains("holds 1 message"), "{}", run.stdout);
    assert!(emu.queue_url(&queue).is_some());
    emu.run(&["teardown", "--queue", &queue, "--yes", "--force"]).expect_code(0);
    assert!(emu.queue_url(&queue).is_none());
}

#[test]
fn needs_yes_when_not_on_a_terminal_and_sends_nothing() {
    let emu = support::Emulator::start();
    let run = emu.run(&["teardown", "--queue", "anything"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert!(emu.requests().is_empty());
}

/// Runs the binary on a pseudo-terminal (util-linux `script`), typing `answer` at its prompt.
fn on_a_terminal(emu: &support::Emulator, args: &[&str], answer: &str) -> support::Run {
    on_a_terminal_with(emu, args, answer, &[])
}

fn on_a_terminal_with(emu: &support::Emulator, args: &[&str], answer: &str, env: &[(&str, &str)]) -> support::Run {
    let command = std::iter::once(env!("CARGO_BIN_EXE_sqs-trigger").to_owned())
        .chain(args.iter().map(|a| format!("'{a}'")))
        .collect::<Vec<_>>()
        .join(" ");
    // The emulator's environment for the binary, applied to `script` (which passes it on).
    let configured = emu.cmd();
    let envs: Vec<(std::ffi::OsString, Option<std::ffi::OsString>)> =
        configured.get_envs().map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned()))).collect();
    let mut script = std::process::Command::new("script");
    script.args(["-qec", &command, "/dev/null"]);
    for (k, v) in envs {
        match v {
            Some(v) => script.env(k, v),
            None => script.env_remove(k),
        };
    }
    for (k, v) in env {
        script.env(k, v);
    }
    use std::io::Write;
    let mut child = script
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the command on a pseudo-terminal");
    child.stdin.take().unwrap().write_all(format!("{answer}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn asks_on_a_terminal_and_respects_the_answer() {
    let emu = emulator();
    let queue = unique("td-ask");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);

    let declined = on_a_terminal(emu, &["teardown", "--queue", &queue], "n");
    assert_eq!(declined.code, 1, "{}{}", declined.stdout, declined.stderr);
    assert!(declined.stdout.contains("[y/N]"), "the question is asked: {}", declined.stdout);
    assert!(declined.stdout.contains("cancelled"), "{}", declined.stdout);
    assert!(emu.queue_url(&queue).is_some(), "declined: nothing deleted");

    let accepted = on_a_terminal(emu, &["teardown", "--queue", &queue], "y");
    assert_eq!(accepted.code, 0, "{}{}", accepted.stdout, accepted.stderr);
    assert!(emu.queue_url(&queue).is_none(), "accepted: the queue is gone");
}

/// Under CI nobody answers: even on a terminal, the question is not asked and --yes is needed.
#[test]
fn ci_never_prompts_even_on_a_terminal() {
    let emu = emulator();
    let queue = unique("td-ci");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);
    let run = on_a_terminal_with(emu, &["teardown", "--queue", &queue], "y", &[("CI", "true")]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("[y/N]"), "no question under CI: {}", run.stdout);
    assert!(emu.queue_url(&queue).is_some(), "nothing deleted");
}

/// The confirmation names each queue's message count and each mapping's function.
#[test]
fn the_question_names_message_counts() {
    let emu = emulator();
    let queue = unique("td-count");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);
    let run = on_a_terminal(emu, &["teardown", "--queue", &queue], "n");
    assert!(run.stdout.contains(&format!("queue {queue} (0 messages)")), "{}", run.stdout);
}

/// A security change (SSE-SQS to none) is asked about on a terminal; a no changes nothing.
#[test]
fn a_security_change_is_asked_on_a_terminal() {
    let emu = emulator();
    let queue = unique("td-sec");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);
    let args = ["queue", "create", queue.as_str(), "--no-encryption", "--update"];
    let declined = on_a_terminal(emu, &args, "n");
    assert_eq!(declined.code, 1, "{}{}", declined.stdout, declined.stderr);
    assert!(declined.stdout.contains("Security change") && declined.stdout.contains("[y/N]"), "{}", declined.stdout);
    assert_eq!(emu.queue_attributes(&queue).unwrap()["SqsManagedSseEnabled"], "true", "declined: unchanged");
    let accepted = on_a_terminal(emu, &args, "y");
    assert_eq!(accepted.code, 0, "{}{}", accepted.stdout, accepted.stderr);
    assert_eq!(emu.queue_attributes(&queue).unwrap()["SqsManagedSseEnabled"], "false");
}

/// Plain http to another machine is warned about (here before a usage error: nothing is sent).
#[test]
fn plain_http_off_this_machine_is_warned_about() {
    let emu = emulator();
    let run = emu.run(&["--endpoint-url", "http://sqs-trigger-test.invalid:4566", "queue", "create", "bad name"]);
    run.expect_code(2);
    assert!(run.stderr.contains("unencrypted"), "{}", run.stderr);
    let quiet = emu.run(&["queue", "create", "bad name"]);
    assert!(!quiet.stderr.contains("unencrypted"), "loopback: no warning: {}", quiet.stderr);
}

/// A function whose role lacks sqs:DeleteMessage, wired by `setup --fix` (which puts the inline
/// policy `sqs-trigger-QUEUE` on the role); returns (function, role name).
fn set_up_with_fix(emu: &support::Emulator, queue: &str) -> (String, String) {
    let function = unique("td-fix-fn");
    let role = unique("td-fix-role");
    let policy = support::poller_policy(&["sqs:ReceiveMessage", "sqs:GetQueueAttributes"]);
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(&policy), &[]);
    emu.create_function(&function, &role_arn, handlers::SILENT, 3);
    emu.run(&["setup", "--function", &function, "--queue", queue, "--fix", "--yes", "--no-probe"]).expect_code(0);
    assert!(inline_policy(emu, &role, queue).is_some(), "setup --fix put the inline policy");
    (function, role)
}

fn inline_policy(emu: &support::Emulator, role: &str, queue: &str) -> Option<String> {
    emu.block_on(async {
        let out = emu
            .iam()
            .get_role_policy()
            .role_name(role)
            .policy_name(format!("sqs-trigger-{queue}"))
            .send()
            .await
            .ok()?;
        Some(out.policy_document().to_owned())
    })
}

fn item<'a>(json: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    json["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).unwrap_or_else(|| panic!("no {kind}: {json}"))
}

#[test]
fn removes_the_inline_policy_setup_fix_wrote() {
    let emu = emulator();
    let queue = unique("td-pol");
    let (function, role) = set_up_with_fix(emu, &queue);

    let dry = emu.run(&["teardown", "--queue", &queue, "--function", &function, "--dry-run", "-o", "json"]);
    dry.expect_code(0);
    let planned = dry.json();
    let policy = item(&planned, "role-policy");
    assert_eq!(policy["action"], "would-delete", "{planned}");
    assert_eq!(policy["id"], format!("sqs-trigger-{queue}"));
    assert!(policy["detail"].as_str().unwrap().ends_with(&format!(":role/{role}")), "{policy}");
    assert!(inline_policy(emu, &role, &queue).is_some(), "--dry-run deletes nothing");

    // Without --function: the role of the mapped function.
    let run = emu.run(&["teardown", "--queue", &queue, "--yes", "-o", "json"]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(item(&json, "role-policy")["action"], "deleted", "{json}");
    assert!(
        json["changed"].as_array().unwrap().iter().any(|c| c["action"] == "delete-role-policy"
            && c["attributes"][0] == format!("policy:sqs-trigger-{queue}")),
        "{json}"
    );
    assert!(inline_policy(emu, &role, &queue).is_none(), "the inline policy is gone");
    assert!(emu.queue_url(&queue).is_none());
    // The role and its own policy stay.
    let left = emu.block_on(async { emu.iam().list_role_policies().role_name(&role).send().await.unwrap() });
    assert_eq!(left.policy_names(), ["inline"]);
}

#[test]
fn keeps_an_inline_policy_changed_since_setup_wrote_it() {
    let emu = emulator();
    let queue = unique("td-pol-edit");
    let (function, role) = set_up_with_fix(emu, &queue);
    let edited = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Mine", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]
    });
    emu.block_on(async {
        emu.iam()
            .put_role_policy()
            .role_name(&role)
            .policy_name(format!("sqs-trigger-{queue}"))
            .policy_document(edited.to_string())
            .send()
            .await
            .unwrap()
    });
    let run = emu.run(&["teardown", "--queue", &queue, "--function", &function, "--yes", "-o", "json"]);
    run.expect_code(0);
    let json = run.json();
    let policy = item(&json, "role-policy");
    assert_eq!(policy["action"], "kept", "{json}");
    assert!(policy["reason"].as_str().unwrap().contains("changed since sqs-trigger wrote it"), "{policy}");
    assert!(inline_policy(emu, &role, &queue).is_some(), "an edited policy is never deleted");
    assert!(!json["changed"].as_array().unwrap().iter().any(|c| c["action"] == "delete-role-policy"), "{json}");
}
