//! Every published schema is used: one scenario runs every command with `--output json` (and
//! fails two of them, exit 2 and exit 3) and validates each document against the schema it
//! names. (Every other integration test validates the documents it parses, too: see
//! `support::Run::json`.)

use sqs_trigger_test_support as support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{FULL_POLLER_POLICY, emulator, handlers, schema, unique};

#[test]
fn every_command_prints_a_document_its_schema_accepts() {
    let emu = emulator();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut check = |doc: Value| {
        schema::validate(&doc);
        let id = doc["schema"].as_str().unwrap();
        seen.insert(id.trim_start_matches("sqs-trigger/").trim_end_matches("/v1").to_owned());
        doc
    };

    let role = unique("sc-r");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    let function = unique("sc-f");
    emu.create_function(&function, &role_arn, handlers::ECHO, 3);
    let queue = unique("sc-q");
    let pair = ["--function", function.as_str(), "--queue", queue.as_str()];
    let json = ["-o", "json"];

    check(emu.run(&["queue", "create", &queue, "--visibility-timeout", "30s", "-o", "json"]).expect_code(0).json());
    check(emu.run(&[&["role", "check"][..], &pair, &json].concat()).expect_code(0).json());
    check(emu.run(&[&["mapping", "create"][..], &pair, &json].concat()).expect_code(0).json());
    check(emu.run(&["mapping", "list", "--queue", &queue, "-o", "json"]).expect_code(0).json());
    check(emu.run(&[&["doctor"][..], &pair, &json].concat()).expect_code(0).json());
    let metrics = check(emu.run(&[&["doctor", "--metrics"][..], &pair, &json].concat()).json());
    assert!(metrics["triggers"][0]["metrics"]["series"].is_array(), "{metrics}");
    check(emu.run(&["redrive", "--queue", &queue, "-o", "json"]).expect_code(0).json());
    // doctor --all: one document with its groups and request counts; as JSON Lines, a line
    // per trigger as soon as it is judged, then the summary.
    let whole = emu.run(&["doctor", "--all", "-o", "json"]);
    check(whole.json());
    let stream = emu.run(&["doctor", "--all", "-o", "jsonl"]);
    assert_eq!(stream.code, whole.code, "streaming changes nothing but the shape: {}", stream.stderr);
    let lines: Vec<Value> = stream.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert!(lines.len() >= 2, "{}", stream.stdout);
    assert_eq!(lines.last().unwrap()["streamed"], true);
    lines.into_iter().for_each(|l| {
        check(l);
    });
    check(emu.run(&[&["probe"][..], &pair, &["--timeout", "20s"], &json].concat()).expect_code(0).json());
    check(emu.run(&[&["setup"][..], &pair, &["--probe-timeout", "20s"], &json].concat()).expect_code(0).json());

    // logs: JSON Lines, each line a document.
    let logs = emu.run(&["logs", "--function", &function, "--since", "1h", "-o", "json"]);
    logs.expect_code(0);
    let lines: Vec<Value> = logs.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert!(!lines.is_empty(), "the probes left log lines");
    lines.into_iter().for_each(|l| {
        check(l);
    });

    check(emu.run(&[&["mapping", "delete"][..], &pair, &["--yes"], &json].concat()).expect_code(0).json());
    check(emu.run(&["teardown", "--queue", &queue, "--yes", "-o", "json"]).expect_code(0).json());

    let template = support::repo_root().join("tests/fixtures/lint/healthy.yaml");
    check(emu.run(&["lint", template.to_str().unwrap(), "-o", "json"]).expect_code(0).json());

    // Errors: bad input (exit 2, nothing sent) and a failed AWS call (exit 3).
    let usage = check(emu.run(&["doctor", "-o", "json"]).expect_code(2).json());
    assert_eq!(usage["error"]["kind"], "usage");
    let missing = unique("sc-missing");
    let aws = check(emu.run(&["doctor", "--queue", &missing, "-o", "json"]).expect_code(3).json());
    assert_eq!(aws["error"]["aws"]["kind"], "not-found");

    let published: BTreeSet<String> = schema::published().into_iter().collect();
    assert_eq!(seen, published, "every schema in docs/schema/ is exercised, and every document has one");
}

#[test]
fn a_renamed_or_added_field_is_caught() {
    let doc = serde_json::json!({
        "schema": "sqs-trigger/mapping-list/v1",
        "mappings": [],
    });
    schema::validate(&doc);
    for changed in [
        serde_json::json!({"schema": "sqs-trigger/mapping-list/v1", "items": []}),
        serde_json::json!({"schema": "sqs-trigger/mapping-list/v1", "mappings": [], "extra": 1}),
        serde_json::json!({"schema": "sqs-trigger/mapping-list/v2", "mappings": []}),
    ] {
        let caught = std::panic::catch_unwind(|| schema::validate(&changed));
        assert!(caught.is_err(), "accepted: {changed}");
    }
}
