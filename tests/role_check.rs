//! `role check` against the local emulator (managed policies loaded; SimulatePrincipalPolicy
//! not implemented, so our evaluator decides). Every case is checked in text and in JSON.

use sqs_trigger_test_support as support;

use serde_json::Value;
use support::{Emulator, FULL_POLLER_POLICY, Run, emulator, handlers, unique};

const LAMBDA: &str = "lambda.amazonaws.com";
const SQS_EXECUTION_ROLE: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";
const NO_DELETE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:GetQueueAttributes"],"Resource":"*"},{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;

/// A queue (SSE-SQS unless `queue_args` say otherwise), a role and a function using it.
struct Setup {
    queue: String,
    function: String,
    role_name: String,
    role_arn: String,
}

fn setup(prefix: &str, trust: &str, inline: Option<&str>, managed: &[&str], queue_args: &[&str]) -> Setup {
    let emu = emulator();
    let queue = unique(prefix);
    let mut args = vec!["queue", "create", queue.as_str(), "--no-dlq"];
    args.extend_from_slice(queue_args);
    emu.run(&args).expect_code(0);
    let role_name = unique(&format!("{prefix}-role"));
    let role_arn = emu.create_role(&role_name, trust, inline, managed);
    let function = unique(&format!("{prefix}-fn"));
    emu.create_function(&function, &role_arn, handlers::SILENT, 10);
    Setup { queue, function, role_name, role_arn }
}

impl Setup {
    fn check(&self, extra: &[&str]) -> Run {
        let mut args = vec!["role", "check", "--function", self.function.as_str(), "--queue", self.queue.as_str()];
        args.extend_from_slice(extra);
        emulator().run(&args)
    }

    /// Runs in text and in JSON; both exit with `code`; returns the JSON document.
    fn check_both(&self, extra: &[&str], code: i32) -> (Run, Value) {
        let text = self.check(extra);
        text.expect_code(code);
        let mut json_args = extra.to_vec();
        json_args.extend(["--output", "json"]);
        let json_run = self.check(&json_args);
        json_run.expect_code(code);
        let json = json_run.json();
        (text, json)
    }
}

fn permission<'a>(json: &'a Value, action: &str) -> &'a Value {
    json["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in {json:#}"))
}

fn codes(json: &Value) -> Vec<String> {
    json["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect()
}

fn create_key(emu: &Emulator) -> (String, String) {
    emu.block_on(async {
        let key = emu.kms().create_key().send().await.unwrap();
        let meta = key.key_metadata().unwrap();
        (meta.arn().unwrap().to_owned(), meta.key_id().to_owned())
    })
}

fn full_policy_with_decrypt() -> String {
    let mut doc: Value = serde_json::from_str(FULL_POLLER_POLICY).unwrap();
    doc["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}));
    doc.to_string()
}

#[test]
fn a_role_with_every_permission_passes() {
    for (prefix, inline, managed) in
        [("full", Some(FULL_POLLER_POLICY), vec![]), ("managed", None, vec![SQS_EXECUTION_ROLE])]
    {
        let s = setup(prefix, LAMBDA, inline, &managed, &[]);
        let (text, json) = s.check_both(&[], 0);
        assert!(text.stdout.contains("role check passed: 6 of 6 permissions allowed"), "{}", text.stdout);
        assert_eq!(json["role"], s.role_arn.as_str());
        assert_eq!(json["decided_by"], "evaluator", "the emulator has no simulator");
        assert!(json["simulator_unavailable"].is_string());
        assert_eq!(json["trusts_lambda"], true);
        assert_eq!(json["key"], Value::Null);
        assert!(codes(&json).is_empty(), "{json:#}");
        let permissions = json["permissions"].as_array().unwrap();
        assert_eq!(permissions.len(), 6, "SSE-SQS needs no kms:Decrypt");
        for p in permissions {
            assert_eq!(p["decision"], "allowed", "{p}");
            assert_eq!(p["decided_by"], "evaluator");
        }
        let queue_arn = json["queue"].as_str().unwrap();
        assert_eq!(permission(&json, "sqs:DeleteMessage")["resource"], queue_arn);
        assert_eq!(
            permission(&json, "logs:PutLogEvents")["resource"],
            format!("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/{}:*", s.function).as_str()
        );
        if !managed.is_empty() {
            assert!(
                permission(&json, "sqs:ReceiveMessage")["policy"]
                    .as_str()
                    .unwrap()
                    .contains("AWSLambdaSQSQueueExecutionRole")
            );
        }
    }
}

#[test]
fn a_role_missing_delete_message_fails_with_that_finding() {
    let s = setup("nodelete", LAMBDA, Some(NO_DELETE_POLICY), &[], &[]);
    let (text, json) = s.check_both(&[], 1);
    assert!(text.stdout.contains("✗ sqs:DeleteMessage"), "{}", text.stdout);
    assert!(text.stdout.contains("error role-missing-permission"), "{}", text.stdout);
    assert_eq!(codes(&json), ["role-missing-permission"]);
    let finding = &json["findings"][0];
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["resource"], s.role_arn.as_str());
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("sqs:DeleteMessage") && message.contains(json["queue"].as_str().unwrap()), "{message}");
    assert_eq!(permission(&json, "sqs:DeleteMessage")["decision"], "missing");
    assert_eq!(permission(&json, "sqs:ReceiveMessage")["decision"], "allowed");

    // --print-policy: exactly the missing action on the queue's ARN, nothing else, no `*`.
    let printed = s.check(&["--print-policy"]);
    printed.expect_code(1);
    let policy: Value = serde_json::from_str(&printed.stdout).expect("stdout is the policy document alone");
    assert_eq!(policy["Version"], "2012-10-17");
    assert_eq!(
        policy["Statement"],
        serde_json::json!([{"Sid":"SqsTriggerQueue","Effect":"Allow","Action":["sqs:DeleteMessage"],"Resource":json["queue"]}])
    );
    let in_json = s.check(&["--print-policy", "-o", "json"]);
    assert_eq!(in_json.json()["policy"], policy);
}

#[test]
fn an_sse_kms_queue_needs_kms_decrypt() {
    let emu = emulator();
    let (key_arn, _) = create_key(emu);
    let s = setup("kmsq", LAMBDA, None, &[SQS_EXECUTION_ROLE], &["--kms-key", &key_arn]);
    let (text, json) = s.check_both(&[], 1);
    assert!(text.stdout.contains("✗ kms:Decrypt"), "{}", text.stdout);
    assert_eq!(json["key"], key_arn.as_str());
    assert_eq!(codes(&json), ["role-missing-permission"]);
    let decrypt = permission(&json, "kms:Decrypt");
    assert_eq!(decrypt["resource"], key_arn.as_str());
    assert_eq!(decrypt["decision"], "missing");
    assert_eq!(decrypt["decided_by"], "evaluator", "the default key policy delegates to IAM");
    assert!(json["findings"][0]["message"].as_str().unwrap().contains("kms:Decrypt"));

    let printed = s.check(&["--print-policy"]);
    let policy: Value = serde_json::from_str(&printed.stdout).unwrap();
    assert_eq!(policy["Statement"][0]["Action"], serde_json::json!(["kms:Decrypt"]));
    assert_eq!(policy["Statement"][0]["Resource"], key_arn.as_str());
}

#[test]
fn a_disabled_key_is_reported() {
    let emu = emulator();
    let (key_arn, key_id) = create_key(emu);
    let s = setup("disabled", LAMBDA, Some(&full_policy_with_decrypt()), &[], &["--kms-key", &key_arn]);
    s.check_both(&[], 0);
    // moto's DisableKey wants the key id, not the ARN.
    emu.block_on(async { emu.kms().disable_key().key_id(&key_id).send().await.unwrap() });
    let (text, json) = s.check_both(&[], 1);
    assert!(text.stdout.contains("error kms-key-not-enabled"), "{}", text.stdout);
    assert_eq!(codes(&json), ["kms-key-not-enabled"]);
    let finding = &json["findings"][0];
    assert_eq!(finding["resource"], key_arn.as_str());
    assert!(finding["message"].as_str().unwrap().contains("Disabled"));
    assert!(finding["remediation"].as_str().unwrap().contains("enable-key"));
}

#[test]
fn a_key_policy_without_a_grant_is_reported_and_never_edited() {
    let emu = emulator();
    let (key_arn, key_id) = create_key(emu);
    let s = setup("keypol", LAMBDA, Some(&full_policy_with_decrypt()), &[], &["--kms-key", &key_arn]);
    let other = serde_json::json!({"Version":"2012-10-17","Statement":[{"Sid":"AdminOnly","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/key-admin"},"Action":"kms:*","Resource":"*"}]}).to_string();
    emu.block_on(async {
        emu.kms().put_key_policy().key_id(&key_id).policy_name("default").policy(&other).send().await.unwrap()
    });
    let (text, json) = s.check_both(&[], 1);
    assert!(text.stdout.contains("error kms-key-policy-missing-grant"), "{}", text.stdout);
    assert_eq!(codes(&json), ["kms-key-policy-missing-grant"], "the IAM policy is fine: only the key policy is named");
    let decrypt = permission(&json, "kms:Decrypt");
    assert_eq!(decrypt["decision"], "missing");
    assert_eq!(decrypt["decided_by"], "key-policy");
    let remediation = json["findings"][0]["remediation"].as_str().unwrap();
    assert!(remediation.contains(&s.role_arn) && remediation.contains("kms:Decrypt"), "{remediation}");

    // --fix adds nothing an inline policy cannot give, and leaves the key policy alone.
    let fixed = s.check(&["--fix", "--yes", "-o", "json"]);
    fixed.expect_code(1);
    assert_eq!(fixed.json()["fix"]["action"], "unchanged");
    let policy = emu.block_on(async {
        emu.kms()
            .get_key_policy()
            .key_id(&key_id)
            .policy_name("default")
            .send()
            .await
            .unwrap()
            .policy()
            .unwrap()
            .to_owned()
    });
    assert_eq!(serde_json::from_str::<Value>(&policy).unwrap(), serde_json::from_str::<Value>(&other).unwrap());
}

#[test]
fn a_role_trusting_ec2_is_reported() {
    let s = setup("ec2trust", "ec2.amazonaws.com", Some(FULL_POLLER_POLICY), &[], &[]);
    let (text, json) = s.check_both(&[], 1);
    assert!(text.stdout.contains("✗ lambda.amazonaws.com may not assume the role"), "{}", text.stdout);
    assert_eq!(codes(&json), ["role-trust-missing-lambda"]);
    assert_eq!(json["trusts_lambda"], false);
    assert_eq!(json["findings"][0]["resource"], s.role_arn.as_str());
}

#[test]
fn fix_makes_a_failing_role_pass_and_is_idempotent() {
    let emu = emulator();
    let (key_arn, _) = create_key(emu);
    let s = setup("fixme", LAMBDA, Some(NO_DELETE_POLICY), &[], &["--kms-key", &key_arn]);
    let (_, before) = s.check_both(&[], 1);
    assert_eq!(codes(&before), ["role-missing-permission", "role-missing-permission"]);

    // Not on a terminal, --fix needs --yes: refused before anything is sent.
    let refused = s.check(&["--fix"]);
    refused.expect_code(2);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);

    let fixed = s.check(&["--fix", "--yes"]);
    fixed.expect_code(0);
    let policy_name = format!("sqs-trigger-{}", s.queue);
    assert!(fixed.stdout.contains(&format!("inline policy {policy_name} created")), "{}", fixed.stdout);
    assert!(fixed.stdout.contains("role check passed"), "{}", fixed.stdout);

    // The inline policy exists, read back from IAM, and grants exactly what was missing.
    let document = emu.block_on(async {
        let out = emu.iam().get_role_policy().role_name(&s.role_name).policy_name(&policy_name).send().await.unwrap();
        out.policy_document().to_owned()
    });
    let decoded = percent_encoding::percent_decode_str(&document).decode_utf8_lossy().into_owned();
    let doc: Value = serde_json::from_str(&decoded).unwrap_or_else(|e| panic!("{e}: {decoded}"));
    let queue_arn = before["queue"].as_str().unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2, "{doc:#}");
    let granted: Vec<(String, String)> = statements
        .iter()
        .flat_map(|s| {
            let resource = s["Resource"].as_str().unwrap().to_owned();
            s["Action"].as_array().unwrap().iter().map(move |a| (a.as_str().unwrap().to_owned(), resource.clone()))
        })
        .collect();
    assert_eq!(
        granted,
        [("sqs:DeleteMessage".to_owned(), queue_arn.to_owned()), ("kms:Decrypt".to_owned(), key_arn.clone())]
    );

    // The next run passes; --fix again changes nothing.
    let (_, after) = s.check_both(&[], 0);
    assert!(codes(&after).is_empty(), "{after:#}");
    assert_eq!(permission(&after, "sqs:DeleteMessage")["policy"], format!("inline policy {policy_name}").as_str());
    let again = s.check(&["--fix", "--yes", "-o", "json"]);
    again.expect_code(0);
    assert_eq!(again.json()["fix"]["action"], "unchanged");
}

#[test]
fn fix_merges_into_an_existing_sqs_trigger_policy() {
    let emu = emulator();
    let s = setup("merge", LAMBDA, Some(NO_DELETE_POLICY), &[], &[]);
    let policy_name = format!("sqs-trigger-{}", s.queue);
    let existing = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Mine","Effect":"Allow","Action":"sqs:ChangeMessageVisibility","Resource":"arn:aws:sqs:us-east-1:123456789012:other"}]}"#;
    emu.block_on(async {
        emu.iam()
            .put_role_policy()
            .role_name(&s.role_name)
            .policy_name(&policy_name)
            .policy_document(existing)
            .send()
            .await
            .unwrap()
    });
    let fixed = s.check(&["--fix", "--yes", "-o", "json"]);
    fixed.expect_code(0);
    let json = fixed.json();
    assert_eq!(json["fix"]["action"], "updated");
    assert_eq!(json["fix"]["added"], serde_json::json!([{"action":"sqs:DeleteMessage","resource":json["queue"]}]));
    let statements = json["fix"]["document"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[0]["Sid"], "Mine", "the existing statement is kept");
}

#[test]
fn role_flag_checks_another_role() {
    let emu = emulator();
    let s = setup("roleflag", LAMBDA, Some(NO_DELETE_POLICY), &[], &[]);
    let good = emu.create_role(&unique("good-role"), LAMBDA, Some(FULL_POLLER_POLICY), &[]);
    let (_, json) = s.check_both(&["--role", &good], 0);
    assert_eq!(json["role"], good.as_str());
    // A function that does not exist: its default log group is checked.
    let run = emulator().run(&["role", "check", "-f", "no-such-fn", "-Q", &s.queue, "--role", &good, "-o", "json"]);
    run.expect_code(0);
    assert_eq!(
        permission(&run.json(), "logs:CreateLogGroup")["resource"],
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/no-such-fn:*"
    );
}

#[test]
fn missing_queue_or_function_exit_3_and_bad_input_exits_2() {
    let s = setup("missing", LAMBDA, Some(FULL_POLLER_POLICY), &[], &[]);
    let emu = emulator();
    let no_queue = emu
        .cmd()
        .env("AWS_MAX_ATTEMPTS", "1")
        .args(["role", "check", "-f", &s.function, "-Q", "no-such-queue-xyz"])
        .output()
        .unwrap();
    assert_eq!(no_queue.status.code(), Some(3));
    let no_fn = emu.run(&["role", "check", "-f", "no-such-fn-xyz", "-Q", &s.queue]);
    no_fn.expect_code(3);
    assert!(no_fn.stderr.contains("no-such-fn-xyz"), "{}", no_fn.stderr);
    let bad_role = emu.run(&["role", "check", "-f", &s.function, "-Q", &s.queue, "--role", "not-an-arn"]);
    bad_role.expect_code(2);
    assert!(bad_role.stderr.contains("--role"), "{}", bad_role.stderr);
}

#[test]
fn an_unreadable_key_policy_is_skipped_and_the_rest_is_checked() {
    let emu = emulator();
    let (key_arn, key_id) = create_key(emu);
    let s = setup("denied", LAMBDA, None, &[SQS_EXECUTION_ROLE], &["--kms-key", &key_arn]);
    emu.arm_fault("GetKeyPolicy", "access-denied", 1, Some(&key_id));
    let run = emu
        .cmd()
        .env("AWS_MAX_ATTEMPTS", "1")
        .args(["role", "check", "-f", &s.function, "-Q", &s.queue, "-o", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let mut found = codes(&json);
    found.sort();
    assert_eq!(found, ["check-skipped", "role-missing-permission"], "{json:#}");
    let skipped = json["findings"].as_array().unwrap().iter().find(|f| f["code"] == "check-skipped").unwrap();
    assert!(skipped["remediation"].as_str().unwrap().contains("kms:GetKeyPolicy"), "{skipped}");
    assert_eq!(permission(&json, "kms:Decrypt")["decision"], "missing", "the role's own policy still decides");
}

#[test]
fn the_simulator_is_tried_once_per_resource_without_retries() {
    // A private emulator, so the request log holds only this test's requests.
    let emu = Emulator::start();
    let queue = unique("simq");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);
    let role = emu.create_role(&unique("sim-role"), LAMBDA, Some(FULL_POLLER_POLICY), &[]);
    let function = unique("sim-fn");
    emu.create_function(&function, &role, handlers::SILENT, 10);
    let run = emu.run(&["role", "check", "-f", &function, "-Q", &queue, "-o", "json"]);
    run.expect_code(0);
    assert_eq!(run.json()["decided_by"], "evaluator");
    let simulations = emu.tool_requests().into_iter().filter(|r| r["operation"] == "SimulatePrincipalPolicy").count();
    // One call per resource (the queue, the log group), sent concurrently; the first failure
    // ends the step, so the other may not have left yet. Never a retry of the HTTP 500.
    assert!((1..=2).contains(&simulations), "{simulations} SimulatePrincipalPolicy calls: at most one per resource");
}
