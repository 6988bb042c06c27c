//! Exit codes as documented (docs/exit-codes.md): exit 2 only before any request; a refusal
//! found in AWS's answers is exit 1. Every command's refusal paths, checked against the
//! emulator's request log.

use sqs_trigger_test_support as support;

use support::{Emulator, FULL_POLLER_POLICY, handlers, unique};

/// What sqs-trigger's run sent, as operation names.
fn sent(emu: &Emulator, before: usize) -> Vec<String> {
    emu.tool_requests().iter().skip(before).map(|r| r["operation"].as_str().unwrap_or("?").to_owned()).collect()
}

const WRITES: [&str; 12] = [
    "CreateQueue",
    "SetQueueAttributes",
    "TagQueue",
    "DeleteQueue",
    "CreateEventSourceMapping",
    "UpdateEventSourceMapping",
    "DeleteEventSourceMapping",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "SendMessage",
    "StartMessageMoveTask",
    "TagResource",
];

/// One private emulator, cases run one after the other so each one's requests are its own.
#[test]
fn exit_2_only_before_any_request_and_refusals_from_answers_are_exit_1() {
    let emu = Emulator::start();
    let function = unique("ex-fn");
    let role = emu.create_role(&unique("ex-role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handlers::SILENT, 3);
    let queue = unique("ex-q");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);
    let full = unique("ex-full");
    emu.run(&["queue", "create", &full, "--no-dlq"]).expect_code(0);
    let url = emu.queue_url(&full).unwrap();
    emu.block_on(async { emu.sqs().send_message().queue_url(&url).message_body("keep").send().await.unwrap() });

    // Bad usage or input: exit 2, and nothing was sent.
    let usage: Vec<Vec<&str>> = vec![
        vec!["queue", "create", "bad name"],
        vec!["role", "check", "--function", &function, "--queue", &queue, "--fix"],
        vec!["role", "check", "--function", &function, "--queue", &queue, "--role", "not-an-arn"],
        vec!["mapping", "create", "--function", &function, "--queue", &queue, "--batch-window", "5x"],
        vec!["mapping", "create", "--function", &function, "--queue", &queue, "--filter", "not json"],
        vec!["mapping", "delete", "--function", &function, "--queue", &queue],
        vec!["probe", "--function", &function, "--queue", &queue, "--timeout", "0s"],
        vec!["logs", "--function", &function, "--since", "5x"],
        vec!["doctor"],
        vec!["redrive", "--queue", &queue, "--function", &function],
        vec!["setup", "--function", &function, "--queue", &queue, "--fix"],
        vec!["teardown", "--queue", &queue],
        vec!["--region", "us-east-1", "--region", "eu-west-1", "doctor", "--queue", &queue],
    ];
    for args in &usage {
        let before = emu.tool_requests().len();
        let run = emu.run(args);
        assert_eq!(run.code, 2, "{args:?}: exit {}\n{}{}", run.code, run.stdout, run.stderr);
        assert_eq!(sent(&emu, before), Vec::<String>::new(), "{args:?}: exit 2 promises nothing was sent");
    }

    // Refusals decided from AWS's answers: exit 1 (requests were sent), and nothing written.
    let other_role = "arn:aws:iam::999999999999:role/elsewhere";
    let other_queue = format!("arn:aws:sqs:us-east-1:999999999999:{queue}");
    let refused: Vec<Vec<&str>> = vec![
        vec!["role", "check", "--function", &function, "--queue", &queue, "--role", other_role, "--fix", "--yes"],
        vec!["setup", "--function", &function, "--queue", &other_queue, "--no-probe"],
        vec!["redrive", "--queue", &queue],
        vec!["teardown", "--queue", &full, "--yes"],
    ];
    for args in &refused {
        let before = emu.tool_requests().len();
        let run = emu.run(args);
        assert_eq!(run.code, 1, "{args:?}: exit {}\n{}{}", run.code, run.stdout, run.stderr);
        let sent = sent(&emu, before);
        assert!(!sent.is_empty(), "{args:?}: decided from AWS's answers, so requests were sent");
        let written: Vec<&String> = sent.iter().filter(|op| WRITES.contains(&op.as_str())).collect();
        assert!(written.is_empty(), "{args:?}: a refusal writes nothing: {written:?}");
    }
    // The error document says it was a refusal, not bad usage.
    let args = ["role", "check", "--function", &function, "--queue", &queue, "--role", other_role, "--fix", "--yes"];
    let json = emu.run(&[&["-o", "json"], &args[..]].concat());
    json.expect_code(1);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("a JSON document");
    assert_eq!(doc["error"]["exit_code"], 1, "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains("999999999999"), "{doc}");
}
