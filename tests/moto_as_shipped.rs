//! The core flows against moto's own server as shipped (`moto.server`, none of
//! tests/emulator's patches) and against the project's emulator, side by side: the same
//! resources, the same commands. On plain moto every fact it cannot answer (GetAccountSettings,
//! GetFunctionRecursionConfig, ...) is one `check-skipped` naming its operation; everything else
//! is as on the project's emulator: the exit codes, and the findings minus the skipped checks'.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;
use sqs_trigger::gather::reads::{Need, READS};
use sqs_trigger_test_support::{ACCOUNT, Emulator, FULL_POLLER_POLICY, poller_policy};

/// The role policy of a function whose role lacks sqs:DeleteMessage (setup --fix adds it).
fn without_delete() -> String {
    poller_policy(&["sqs:ReceiveMessage", "sqs:GetQueueAttributes"])
}

const HANDLER: &str = "def handler(event, context):\n    return {}\n";

/// One command's outcome: its exit code and its findings as (code, severity, resource).
#[derive(Debug)]
struct Outcome {
    flow: &'static str,
    code: i32,
    findings: BTreeSet<(String, String, String)>,
    /// The messages of its `check-skipped` findings.
    skipped: Vec<String>,
}

/// The same account, built on `emu`, and the core flows run on it.
fn flows(emu: &Emulator) -> Vec<Outcome> {
    let healthy = emu.create_role("ms-role", "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    let partial = emu.create_role("ms-role-partial", "lambda.amazonaws.com", Some(&without_delete()), &[]);
    emu.create_function("ms-worker", &healthy, HANDLER, 3);
    emu.create_function("ms-fixme", &partial, HANDLER, 3);
    let run = |flow: &'static str, args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--output", "json", "--no-color"]);
        let run = emu.run(&all);
        let findings: Vec<Value> = if run.stdout.trim().is_empty() { vec![] } else { run.findings() };
        let text = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_owned();
        Outcome {
            flow,
            code: run.code,
            findings: findings.iter().map(|f| (text(f, "code"), text(f, "severity"), text(f, "resource"))).collect(),
            skipped: findings.iter().filter(|f| f["code"] == "check-skipped").map(|f| text(f, "message")).collect(),
        }
    };
    vec![
        run("queue create", &["queue", "create", "ms-orders"]),
        run("role check", &["role", "check", "--function", "ms-worker", "--queue", "ms-orders"]),
        run("mapping create", &["mapping", "create", "--function", "ms-worker", "--queue", "ms-orders"]),
        run("setup --dry-run", &["setup", "--function", "ms-fixme", "--queue", "ms-jobs", "--dry-run"]),
        run("setup --fix", &["setup", "--function", "ms-fixme", "--queue", "ms-jobs", "--fix", "--yes", "--no-probe"]),
        run("role check after the fix", &["role", "check", "--function", "ms-fixme", "--queue", "ms-jobs"]),
        run("doctor --queue", &["doctor", "--queue", "ms-orders"]),
        run("doctor --function", &["doctor", "--function", "ms-worker"]),
        run("doctor --all", &["doctor", "--all"]),
        run("teardown", &["teardown", "--queue", "ms-jobs", "--function", "ms-fixme", "--yes"]),
    ]
}

/// The advisory operation a `check-skipped` names, if any.
fn advisory_operation(message: &str) -> Option<&'static str> {
    READS
        .iter()
        .filter(|r| r.need == Need::Advisory)
        .flat_map(|r| r.operations.iter().copied())
        .find(|op| message.contains(&format!("{op}:")))
}

/// The finding codes a skipped advisory operation feeds.
fn fed_by(operation: &str) -> HashSet<String> {
    READS
        .iter()
        .filter(|r| r.need == Need::Advisory && r.operations.contains(&operation))
        .flat_map(|r| r.feeds.iter().map(|c| c.as_str().to_owned()))
        .collect()
}

#[test]
fn the_core_flows_work_on_moto_as_shipped_as_on_the_project_emulator() {
    let plain = Emulator::start_plain_moto();
    let ours = Emulator::start();
    let on_plain = flows(&plain);
    let on_ours = flows(&ours);

    let mut skipped_operations = BTreeSet::new();
    for (p, o) in on_plain.iter().zip(&on_ours) {
        assert_eq!(p.code, o.code, "{}: exit code on plain moto {p:#?}\non the project's emulator {o:#?}", p.flow);
        assert!(o.skipped.is_empty(), "{}: the project's emulator answers every read: {:?}", p.flow, o.skipped);
        // Each unreadable fact is one check-skipped naming an advisory read's operation.
        let mut lost = HashSet::new();
        for message in &p.skipped {
            let op = advisory_operation(message)
                .unwrap_or_else(|| panic!("{}: a check-skipped that names no advisory read: {message}", p.flow));
            skipped_operations.insert(op);
            lost.extend(fed_by(op));
        }
        // One check-skipped per fact (a setup step's JSON also embeds the sub-report it ran,
        // so the same finding may stand twice in one document, never as two findings).
        let distinct: HashSet<_> = p.skipped.iter().collect();
        let facts: HashSet<_> = p.findings.iter().filter(|(code, _, _)| code == "check-skipped").collect();
        assert_eq!(distinct.len(), facts.len(), "{}: one check-skipped per fact: {:?}", p.flow, p.skipped);
        // The rest is what the project's emulator finds, less what the skipped reads feed.
        let expected: BTreeSet<_> = o.findings.iter().filter(|(code, _, _)| !lost.contains(code)).cloned().collect();
        let remaining: BTreeSet<_> =
            p.findings.iter().filter(|(code, _, _)| code != "check-skipped").cloned().collect();
        assert_eq!(
            remaining, expected,
            "{}: findings on plain moto (less check-skipped) vs the project's emulator",
            p.flow
        );
    }
    // The two reads moto does not offer at all, named as such.
    assert!(skipped_operations.contains("lambda:GetAccountSettings"), "{skipped_operations:?}");
    assert!(skipped_operations.contains("lambda:GetFunctionRecursionConfig"), "{skipped_operations:?}");

    // The job was done on plain moto, read back from it: the queues and the mapping exist, the
    // missing permission was granted, and teardown removed what setup made.
    let orders = plain.queue_attributes("ms-orders").expect("ms-orders exists on plain moto");
    assert!(plain.queue_url("ms-orders-dlq").is_some(), "its DLQ exists");
    assert_eq!(plain.mappings_of(&orders["QueueArn"]).len(), 1, "one mapping ms-orders -> ms-worker");
    assert!(plain.queue_url("ms-jobs").is_none() && plain.queue_url("ms-jobs-dlq").is_none(), "teardown removed them");
    let fixed = on_plain.iter().find(|o| o.flow == "role check after the fix").unwrap();
    assert_eq!(fixed.code, 0, "setup --fix granted sqs:DeleteMessage on plain moto: {fixed:#?}");
    let jobs_arn = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:ms-jobs");
    assert!(plain.mappings_of(&jobs_arn).is_empty(), "teardown removed the ms-jobs mapping");
}
