//! The core flows against LocalStack community as shipped (`localstack-core`, pinned in
//! tests/localstack/requirements.txt; `make localstack-venv`), in host mode without Docker: the
//! emulator most users already run. Pointed at it with `--endpoint-url`, the tool must give the
//! findings AWS would give for the same resources, though LocalStack answers some things AWS never
//! does (docs/emulator.md, "LocalStack"):
//!
//! - its iam:SimulatePrincipalPolicy is a stub: `explicitDeny` naming no statement for whatever
//!   it cannot match exactly (`Resource: "*"` never matches), `allowed` naming none otherwise.
//!   Not AWS answers: our evaluator decides, so a healthy role passes and a missing kms:Decrypt
//!   is `role-missing-permission`, never `role-explicit-deny`;
//! - without Docker it cannot run a function: every function ends `Failed`, and
//!   `function-not-active` is the right finding.

use serde_json::Value;
use std::time::Duration;

use sqs_trigger_test_support::{Emulator, FULL_POLLER_POLICY, Run, poller_policy, wait_until};

const HANDLER: &str = "def handler(event, context):\n    return {}\n";
const SQS_EXECUTION_ROLE: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";

/// Runs the binary against LocalStack with `--endpoint-url` (as a user would) and JSON output.
fn run(emu: &Emulator, args: &[&str]) -> Run {
    let mut all = vec!["--endpoint-url", emu.endpoint.as_str()];
    all.extend(args);
    all.extend(["--output", "json", "--no-color"]);
    emu.run(&all)
}

fn codes(run: &Run) -> Vec<String> {
    run.finding_codes()
}

/// The findings of `code` whose message mentions `text`.
fn finding_about(run: &Run, code: &str, text: &str) -> Vec<Value> {
    run.findings()
        .into_iter()
        .filter(|f| f["code"] == code && f["message"].as_str().is_some_and(|m| m.contains(text)))
        .collect()
}

/// The decision `role check` gave a permission.
fn decision(run: &Run, action: &str) -> String {
    let json = run.json();
    let p = json["permissions"].as_array().unwrap().iter().find(|p| p["action"] == action);
    p.unwrap_or_else(|| panic!("no {action} in {json:#}"))["decision"].as_str().unwrap().to_owned()
}

/// Creates a customer managed key with `alias`; returns its ARN.
fn create_key(emu: &Emulator, alias: &str) -> String {
    emu.block_on(async {
        let kms = emu.kms();
        let key = kms.create_key().send().await.expect("create key");
        let meta = key.key_metadata().expect("key metadata");
        kms.create_alias().alias_name(alias).target_key_id(meta.key_id()).send().await.expect("create alias");
        meta.arn().expect("key arn").to_owned()
    })
}

/// The role's inline policy `name`, or None.
fn inline_policy(emu: &Emulator, role: &str, name: &str) -> Option<String> {
    emu.block_on(async { emu.iam().get_role_policy().role_name(role).policy_name(name).send().await.ok() })
        .map(|p| percent_encoding::percent_decode_str(p.policy_document()).decode_utf8_lossy().into_owned())
}

fn inline_policy_names(emu: &Emulator, role: &str) -> Vec<String> {
    emu.block_on(async { emu.iam().list_role_policies().role_name(role).send().await.expect("list role policies") })
        .policy_names()
        .to_vec()
}

#[test]
fn the_core_flows_on_localstack_give_the_findings_aws_would_give() {
    let emu = Emulator::start_localstack();

    // The account: a healthy role (only the managed AWSLambdaSQSQueueExecutionRole), one without
    // sqs:DeleteMessage, one without kms:Decrypt; a function on each.
    let healthy = emu.create_role("ls-role", "lambda.amazonaws.com", None, &[SQS_EXECUTION_ROLE]);
    let without_delete = poller_policy(&["sqs:ReceiveMessage", "sqs:GetQueueAttributes"]);
    let partial = emu.create_role("ls-role-partial", "lambda.amazonaws.com", Some(&without_delete), &[]);
    let no_kms = emu.create_role("ls-role-nokms", "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function("ls-worker", &healthy, HANDLER, 3);
    emu.create_function("ls-fixme", &partial, HANDLER, 3);
    emu.create_function("ls-secure-worker", &no_kms, HANDLER, 3);
    let key = create_key(&emu, "alias/ls-key");

    // queue create: SSE-SQS by default, a DLQ, the ownership tag, read back from LocalStack.
    run(&emu, &["queue", "create", "ls-orders"]).expect_code(0);
    let orders = emu.queue_attributes("ls-orders").expect("ls-orders exists");
    assert_eq!(orders.get("SqsManagedSseEnabled").map(String::as_str), Some("true"), "{orders:?}");
    assert!(orders.get("KmsMasterKeyId").is_none_or(|k| k.is_empty()), "{orders:?}");
    let redrive: Value = serde_json::from_str(&orders["RedrivePolicy"]).expect("a redrive policy");
    assert!(redrive["deadLetterTargetArn"].as_str().unwrap().ends_with(":ls-orders-dlq"), "{redrive}");
    assert_eq!(emu.queue_tags("ls-orders").get("managed-by").map(String::as_str), Some("sqs-trigger"));

    // queue create --kms-key alias/…: the alias resolved to its key, which the queue names
    // (LocalStack also says SqsManagedSseEnabled=true beside it, which AWS never does: the key
    // decides, as the kms:Decrypt requirement below shows).
    run(&emu, &["queue", "create", "ls-secure", "--kms-key", "alias/ls-key"]).expect_code(0);
    let secure = emu.queue_attributes("ls-secure").expect("ls-secure exists");
    assert_eq!(secure.get("KmsMasterKeyId"), Some(&key), "{secure:?}");

    // role check of the healthy role: passes. LocalStack's simulator says explicitDeny to all of
    // it (the managed policy's Resource "*" never matches its stub), naming no statement: not
    // believed, the evaluator decides, and the report says what the simulator answered.
    let check = run(&emu, &["role", "check", "--function", "ls-worker", "--queue", "ls-orders"]);
    check.expect_code(0);
    let json = check.json();
    assert_eq!(json["decided_by"], "evaluator", "{json:#}");
    for p in json["permissions"].as_array().unwrap() {
        assert_eq!(p["decision"], "allowed", "{p:#}");
        assert_eq!(p["decided_by"], "evaluator", "{p:#}");
        assert_eq!(p["simulator"]["believed"], false, "the stub's answer is named and set aside: {p:#}");
        assert_eq!(p["simulator"]["decision"], "explicitDeny", "{p:#}");
    }
    assert!(!codes(&check).contains(&"role-explicit-deny".to_owned()), "{:?}", codes(&check));

    // role check of a role without sqs:DeleteMessage: that one permission is missing.
    let check = run(&emu, &["role", "check", "--function", "ls-fixme", "--queue", "ls-orders"]);
    check.expect_code(1);
    assert_eq!(decision(&check, "sqs:DeleteMessage"), "missing");
    assert_eq!(finding_about(&check, "role-missing-permission", "sqs:DeleteMessage").len(), 1, "{}", check.stdout);
    assert!(!codes(&check).contains(&"role-explicit-deny".to_owned()), "{:?}", codes(&check));

    // role check on the KMS queue of a role without kms:Decrypt: role-missing-permission naming
    // kms:Decrypt on the key, and no role-explicit-deny.
    let check = run(&emu, &["role", "check", "--function", "ls-secure-worker", "--queue", "ls-secure"]);
    check.expect_code(1);
    assert_eq!(decision(&check, "kms:Decrypt"), "missing");
    let decrypt = finding_about(&check, "role-missing-permission", "kms:Decrypt");
    assert_eq!(decrypt.len(), 1, "{}", check.stdout);
    assert!(decrypt[0]["message"].as_str().unwrap().contains(&key), "names the key: {:#}", decrypt[0]);
    assert!(!codes(&check).contains(&"role-explicit-deny".to_owned()), "{:?}", codes(&check));

    // LocalStack cannot run a function without Docker: each ends Failed.
    for function in ["ls-worker", "ls-fixme", "ls-secure-worker"] {
        wait_until(&format!("{function} to leave Pending"), Duration::from_secs(60), || {
            function_state(&emu, function) != "Pending"
        });
        assert_eq!(function_state(&emu, function), "Failed", "{function}");
    }

    // mapping create refuses a Failed function: function-not-active, nothing created.
    let orders_arn = orders["QueueArn"].clone();
    let refused = run(&emu, &["mapping", "create", "--function", "ls-worker", "--queue", "ls-orders"]);
    refused.expect_code(1);
    assert!(codes(&refused).contains(&"function-not-active".to_owned()), "{:?}", codes(&refused));
    assert!(emu.mappings_of(&orders_arn).is_empty(), "no mapping was created");

    // setup --dry-run: the plan, nothing changed; the role step would refuse (exit 1) for the
    // missing sqs:DeleteMessage, not for a Deny.
    let policies_before = inline_policy_names(&emu, "ls-role-partial");
    let dry = run(&emu, &["setup", "--function", "ls-fixme", "--queue", "ls-jobs", "--dry-run"]);
    dry.expect_code(1);
    assert!(emu.queue_url("ls-jobs").is_none(), "a dry run creates no queue: {}", dry.stdout);
    assert!(!finding_about(&dry, "role-missing-permission", "sqs:DeleteMessage").is_empty(), "{}", dry.stdout);
    assert_eq!(inline_policy_names(&emu, "ls-role-partial"), policies_before, "a dry run changes no role");
    assert!(!codes(&dry).contains(&"role-explicit-deny".to_owned()), "{:?}", codes(&dry));

    // setup --fix --yes --no-probe: the queue, the role's missing sqs:DeleteMessage granted; the
    // function is Failed on LocalStack (it cannot run one without Docker): function-not-active.
    let setup = run(&emu, &["setup", "--function", "ls-fixme", "--queue", "ls-jobs", "--fix", "--yes", "--no-probe"]);
    assert!(emu.queue_url("ls-jobs").is_some(), "setup created ls-jobs: {}", setup.stdout);
    assert!(!codes(&setup).contains(&"role-explicit-deny".to_owned()), "{:?}", codes(&setup));
    let added: Vec<String> =
        inline_policy_names(&emu, "ls-role-partial").into_iter().filter(|n| !policies_before.contains(n)).collect();
    assert_eq!(added.len(), 1, "setup --fix added one inline policy: {added:?}\n{}", setup.stdout);
    let document = inline_policy(&emu, "ls-role-partial", &added[0]).expect("the added policy");
    assert!(document.contains("sqs:DeleteMessage"), "{document}");
    let after = run(&emu, &["role", "check", "--function", "ls-fixme", "--queue", "ls-jobs"]);
    after.expect_code(0);
    assert_eq!(decision(&after, "sqs:DeleteMessage"), "allowed");
    assert!(codes(&setup).contains(&"function-not-active".to_owned()), "{:?}\n{}", codes(&setup), setup.stdout);
    setup.expect_code(1);

    // doctor, on a mapping made directly (as another tool would; LocalStack enables it): the
    // Failed function is function-not-active, the healthy role is not misjudged, and LocalStack
    // answers every read doctor makes.
    emu.create_sqs_mapping(&orders_arn, "ls-worker", true);
    for args in
        [&["doctor", "--queue", "ls-orders"][..], &["doctor", "--function", "ls-worker"][..], &["doctor", "--all"][..]]
    {
        let doctor = run(&emu, args);
        doctor.expect_code(1);
        let found = codes(&doctor);
        assert!(found.contains(&"function-not-active".to_owned()), "{args:?}: {found:?}");
        for wrong in ["role-explicit-deny", "role-missing-permission", "role-simulator-disagrees", "check-skipped"] {
            assert!(!found.contains(&wrong.to_owned()), "{args:?}: {found:?}\n{}", doctor.stdout);
        }
    }

    // teardown: what setup made is gone, the role's inline policy included.
    let teardown = run(&emu, &["teardown", "--queue", "ls-jobs", "--function", "ls-fixme", "--yes"]);
    teardown.expect_code(0);
    assert!(emu.queue_url("ls-jobs").is_none() && emu.queue_url("ls-jobs-dlq").is_none(), "{}", teardown.stdout);
    assert_eq!(inline_policy_names(&emu, "ls-role-partial"), policies_before, "{}", teardown.stdout);
    assert!(emu.queue_url("ls-orders").is_some(), "teardown touched only what it was asked to");
}

fn function_state(emu: &Emulator, function: &str) -> String {
    emu.block_on(async { emu.lambda().get_function_configuration().function_name(function).send().await })
        .expect("GetFunctionConfiguration")
        .state()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default()
}
