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
