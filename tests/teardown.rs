//! `teardown` removes exactly what sqs-trigger made and nothing untagged.

mod support;

use support::{FULL_POLLER_POLICY, emulator, handlers, unique};

fn function_with_mapping(emu: &support::Emulator, queue: &str) -> String {
    let function = unique("td-fn");
    let role = emu.create_role(&unique("td-role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handlers::SILENT, 3);
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
    let function = function_with_mapping(emu, &queue);
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
    let function = function_with_mapping(emu, &queue);
    let queue_arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    let run = emu.run(&["teardown", "--queue", &queue, "--function", &function, "--yes"]);
    run.expect_code(0);
    assert!(run.stdout.contains("not created by sqs-trigger"), "{}", run.stdout);
    assert!(emu.queue_url(&queue).is_some(), "the untagged queue is still there");
    assert!(emu.mappings_of(&queue_arn).is_empty(), "the mapping of the pair is gone");
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
