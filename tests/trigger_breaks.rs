//! Every way a trigger breaks, reproduced end to end against the emulator's Lambda poller
//! twin (which polls as the execution role and fails as AWS fails, saying nothing on the
//! mapping). Each row starts from a working SSE-KMS trigger (the probe confirms it), breaks
//! it one way, checks what the probe and doctor say, applies the fix doctor prints, and the
//! probe confirms again.
//!
//! | break                                 | probe verdict                       | finding (doctor and probe)   |
//! |---------------------------------------|-------------------------------------|------------------------------|
//! | role lacks sqs:ReceiveMessage         | not-invoked                         | role-missing-permission      |
//! | role lacks kms:Decrypt (customer key) | not-invoked                         | role-missing-permission      |
//! | key policy does not allow the role    | not-invoked                         | kms-key-policy-missing-grant |
//! | key disabled                          | not-invoked                         | kms-key-not-enabled          |
//! | mapping disabled                      | not-sent                            | mapping-disabled             |
//! | reserved concurrency 0                | not-invoked                         | function-throttled           |
//! | filter excludes the probe             | not-sent (its body matches no filter) | probe-filtered-out         |
//! | queue policy denies the role          | not-invoked                         | role-explicit-deny           |
//! | queue policy denies outside a VPC endpoint | not-invoked                    | role-explicit-deny           |
//! | handler raises                        | invoked-with-error                  | —                            |
//! | handler times out                     | invoked-with-error                  | —                            |
//! | role lacks sqs:DeleteMessage          | invoked, then the same message again | role-missing-permission     |

use sqs_trigger_test_support as support;

use std::time::Duration;

use serde_json::Value;
use support::{ACCOUNT, Emulator, Run, emulator, unique, wait_until};

/// Behaves as its MODE environment variable says: echo (prints the event), raise, or sleep
/// past its timeout. Breaking and fixing the handler is a configuration change.
const HANDLER: &str = r#"import json
import os
import time


def handler(event, context):
    mode = os.environ.get('MODE', 'echo')
    if mode == 'raise':
        raise RuntimeError('boom: cannot process')
    if mode == 'sleep':
        time.sleep(30)
    print(json.dumps(event))
"#;

const LOG_ACTIONS: [&str; 3] = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

/// A queue encrypted with a customer managed key, its function and execution role, and an
/// enabled mapping.
struct Trigger {
    function: String,
    role: String,
    queue: String,
    queue_url: String,
    queue_arn: String,
    key_id: String,
    key_arn: String,
    uuid: String,
}

impl Trigger {
    /// The role's inline policy "poller", with these SQS actions (and kms:Decrypt when asked).
    fn put_role_policy(&self, emu: &Emulator, sqs_actions: &[&str], decrypt: bool) {
        let mut statements = vec![
            serde_json::json!({"Effect": "Allow", "Action": sqs_actions, "Resource": self.queue_arn}),
            serde_json::json!({"Effect": "Allow", "Action": LOG_ACTIONS, "Resource": "*"}),
        ];
        if decrypt {
            statements.push(serde_json::json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": self.key_arn}));
        }
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        emu.block_on(async {
            emu.iam().put_role_policy().role_name(&self.role).policy_name("poller").policy_document(doc).send().await
        })
        .expect("put role policy");
    }

    fn set_mode(&self, emu: &Emulator, mode: &str) {
        let env = aws_sdk_lambda::types::Environment::builder().variables("MODE", mode).build();
        emu.block_on(async {
            emu.lambda().update_function_configuration().function_name(&self.function).environment(env).send().await
        })
        .expect("update function configuration");
    }
}

const ALL_SQS: [&str; 3] = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];

/// A working trigger: the probe confirms it before the row breaks it.
fn working(prefix: &str, visibility_timeout: &str) -> Trigger {
    let emu = emulator();
    let (key_id, key_arn) = emu.block_on(async {
        let key = emu.kms().create_key().send().await.expect("create key");
        let meta = key.key_metadata().expect("key metadata");
        (meta.key_id().to_owned(), meta.arn().expect("key arn").to_owned())
    });
    let queue = unique(prefix);
    emu.run(&["queue", "create", &queue, "--kms-key", &key_arn, "--visibility-timeout", visibility_timeout])
        .expect_code(0);
    let queue_url = emu.queue_url(&queue).expect("queue url");
    let queue_arn = emu.queue_attributes(&queue).expect("queue")["QueueArn"].clone();
    let role = unique("tb-role");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", None, &[]);
    let function = unique(&format!("{prefix}-fn"));
    let mut t = Trigger { function, role, queue, queue_url, queue_arn, key_id, key_arn, uuid: String::new() };
    t.put_role_policy(emu, &ALL_SQS, true);
    emu.create_function(&t.function, &role_arn, HANDLER, 3);
    t.uuid = emu.create_sqs_mapping(&t.queue_arn, &t.function, true);
    let baseline = probe(&t, &[]);
    baseline.expect_code(0);
    assert_eq!(baseline.json()["verdict"], "confirmed", "the trigger works before the break: {}", baseline.stdout);
    // The probe reads the logs from 5 s before its send (a margin for clock skew), so an
    // invocation of the baseline probe would count as one after the next probe's send: let
    // that margin pass first.
    std::thread::sleep(sqs_trigger::commands::probe::CLOCK_SKEW_MARGIN + Duration::from_millis(500));
    t
}

/// The probe, as a user runs it: a short timeout when nothing is expected to happen.
fn probe(t: &Trigger, extra: &[&str]) -> Run {
    let mut args = vec!["probe", "--function", &t.function, "--queue", &t.queue, "-o", "json"];
    if !extra.contains(&"--timeout") {
        args.extend(["--timeout", "60s"]);
    }
    args.extend_from_slice(extra);
    emulator().run(&args)
}

fn doctor(t: &Trigger) -> Run {
    emulator().run(&["doctor", "--queue", &t.queue, "--function", &t.function, "-o", "json"])
}

/// Every finding of a JSON report, wherever it sits.
fn findings(json: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Object(map) => {
                if map.get("code").is_some_and(Value::is_string) && map.get("severity").is_some_and(Value::is_string) {
                    out.push(v.clone());
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(json, &mut out);
    out
}

/// The finding with `code` whose message contains `needle`; panics showing the report otherwise.
#[track_caller]
fn finding(run: &Run, code: &str, needle: &str) -> Value {
    let json = run.json();
    findings(&json)
        .into_iter()
        .find(|f| f["code"] == code && f["message"].as_str().is_some_and(|m| m.contains(needle)))
        .unwrap_or_else(|| panic!("no {code} finding about {needle:?}:\n{json:#}"))
}

fn remediation(f: &Value) -> String {
    f["remediation"].as_str().unwrap_or_default().to_owned()
}

/// The probe of a broken trigger: `verdict`, exit 1, and (unless None) the finding.
#[track_caller]
fn probe_fails(t: &Trigger, verdict: &str, code: Option<(&str, &str)>) -> Run {
    let run = probe(t, &["--timeout", "4s"]);
    run.expect_code(1);
    assert_eq!(run.json()["verdict"], verdict, "{}", run.stdout);
    if let Some((code, needle)) = code {
        finding(&run, code, needle);
    }
    assert_ne!(run.json()["verdict"], "confirmed");
    run
}

#[track_caller]
fn probe_confirms(t: &Trigger, extra: &[&str]) {
    let run = probe(t, extra);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["verdict"], "confirmed", "{json:#}");
    assert!(findings(&json).iter().all(|f| f["severity"] != "error"), "{json:#}");
}

/// `role check --fix`, which the role-missing-permission remediation names.
fn role_check_fix(t: &Trigger, f: &Value) {
    assert!(remediation(f).contains("role check --fix"), "{f:#}");
    emulator().run(&["role", "check", "--function", &t.function, "--queue", &t.queue, "--fix", "--yes"]).expect_code(0);
}

/// Runs a printed `sqs-trigger ...` command (no quoting in it) with the binary.
fn run_printed(command: &str) -> Run {
    let line = command.lines().find(|l| l.contains("sqs-trigger ")).expect("a sqs-trigger command");
    let start = line.find("sqs-trigger ").unwrap() + "sqs-trigger ".len();
    let args: Vec<&str> = line[start..].split_whitespace().collect();
    emulator().run(&args)
}

#[test]
fn role_lacks_receive_message() {
    let emu = emulator();
    let t = working("tb-recv", "30s");
    t.put_role_policy(emu, &["sqs:DeleteMessage", "sqs:GetQueueAttributes"], true);
    probe_fails(&t, "not-invoked", Some(("role-missing-permission", "sqs:ReceiveMessage")));
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "role-missing-permission", "sqs:ReceiveMessage");
    assert_eq!(emu.queue_depth(&t.queue), (1, 0), "the probe message waits, unread");
    role_check_fix(&t, &f);
    probe_confirms(&t, &[]);
}

#[test]
fn role_lacks_kms_decrypt() {
    let emu = emulator();
    let t = working("tb-decrypt", "30s");
    t.put_role_policy(emu, &ALL_SQS, false);
    probe_fails(&t, "not-invoked", Some(("role-missing-permission", "kms:Decrypt")));
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "role-missing-permission", "kms:Decrypt");
    assert_eq!(emu.queue_depth(&t.queue), (1, 0));
    role_check_fix(&t, &f);
    probe_confirms(&t, &[]);
}

#[test]
fn key_policy_does_not_allow_the_role() {
    let emu = emulator();
    let t = working("tb-keypol", "30s");
    // Only an administrator may use the key: no delegation to the account's IAM policies.
    let admin = format!("arn:aws:iam::{ACCOUNT}:user/key-admin");
    let closed = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": admin}, "Action": "kms:*", "Resource": "*"}
    ]});
    let put = |policy: &Value| {
        emu.block_on(async {
            emu.kms()
                .put_key_policy()
                .key_id(&t.key_id)
                .policy_name("default")
                .policy(policy.to_string())
                .bypass_policy_lockout_safety_check(true)
                .send()
                .await
        })
        .expect("put key policy");
    };
    put(&closed);
    probe_fails(&t, "not-invoked", Some(("kms-key-policy-missing-grant", &t.key_arn)));
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "kms-key-policy-missing-grant", &t.key_arn);
    // The fix: add the printed statement to the key policy.
    let fix = remediation(&f);
    assert!(fix.contains("put-key-policy") && fix.contains(&t.key_arn), "{fix}");
    let statement: Value = serde_json::from_str(&fix[fix.find('{').expect("a statement")..]).expect("statement JSON");
    let mut opened = closed.clone();
    opened["Statement"].as_array_mut().unwrap().push(statement);
    put(&opened);
    probe_confirms(&t, &[]);
}

#[test]
fn key_disabled() {
    let emu = emulator();
    let t = working("tb-keyoff", "30s");
    emu.block_on(async { emu.kms().disable_key().key_id(&t.key_id).send().await }).expect("disable key");
    probe_fails(&t, "not-invoked", Some(("kms-key-not-enabled", &t.key_arn)));
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "kms-key-not-enabled", &t.key_arn);
    assert_eq!(
        remediation(&f),
        format!(
            "enable it: aws --endpoint-url {} --region us-east-1 kms enable-key --key-id {}",
            emu.endpoint, t.key_arn
        )
    );
    emu.block_on(async { emu.kms().enable_key().key_id(&t.key_arn).send().await }).expect("enable key");
    probe_confirms(&t, &[]);
}

#[test]
fn mapping_disabled() {
    let emu = emulator();
    let t = working("tb-off", "30s");
    emu.block_on(async { emu.lambda().update_event_source_mapping().uuid(&t.uuid).enabled(false).send().await })
        .expect("disable mapping");
    assert_eq!(emu.wait_mapping_settled(&t.uuid), "Disabled");
    let run = probe_fails(&t, "not-sent", Some(("mapping-disabled", "")));
    assert!(run.json()["message_id"].is_null(), "nothing sent");
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "mapping-disabled", &t.uuid);
    run_printed(&remediation(&f)).expect_code(0);
    assert_eq!(emu.wait_mapping_settled(&t.uuid), "Enabled");
    probe_confirms(&t, &[]);
}

#[test]
fn reserved_concurrency_zero() {
    let emu = emulator();
    let t = working("tb-thr", "30s");
    emu.reserve_concurrency(&t.function, 0);
    probe_fails(&t, "not-invoked", Some(("function-throttled", "")));
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "function-throttled", "");
    assert!(remediation(&f).starts_with(&format!(
        "aws --endpoint-url {} --region us-east-1 lambda delete-function-concurrency --function-name {}",
        emu.endpoint, t.function
    )));
    // Throttled, the probe message was received and stays in flight (its receive count grew).
    assert_eq!(emu.queue_depth(&t.queue), (0, 1));
    emu.block_on(async { emu.lambda().delete_function_concurrency().function_name(&t.function).send().await })
        .expect("delete concurrency");
    probe_confirms(&t, &[]);
}

#[test]
fn filter_excludes_the_probe() {
    let emu = emulator();
    let t = working("tb-filter", "30s");
    let filter = aws_sdk_lambda::types::FilterCriteria::builder()
        .filters(aws_sdk_lambda::types::Filter::builder().pattern(r#"{"body":{"kind":["order"]}}"#).build())
        .build();
    emu.block_on(async {
        emu.lambda().update_event_source_mapping().uuid(&t.uuid).filter_criteria(filter).send().await
    })
    .expect("add a filter");
    assert_eq!(emu.wait_mapping_settled(&t.uuid), "Enabled");
    // Lambda would delete a message no filter matches: the probe never sends one.
    let run = probe_fails(&t, "not-sent", Some(("probe-filtered-out", "")));
    assert!(remediation(&finding(&run, "probe-filtered-out", "")).contains(r#"--body '{"kind":"order"}'"#));
    assert_eq!(emu.queue_depth(&t.queue), (0, 0), "nothing was sent");
    let d = doctor(&t);
    let f = finding(&d, "filter-deletes-unmatched", &t.uuid);
    // The fix is a probe whose body the filter matches.
    let fix = remediation(&f);
    assert!(fix.contains(r#"--body '{"kind":"order"}'"#), "{fix}");
    probe_confirms(&t, &["--body", r#"{"kind":"order"}"#]);
}

#[test]
fn queue_policy_denies_outside_a_vpc_endpoint() {
    // "Only through our VPC endpoint": the poller never calls through one, so aws:SourceVpce is
    // absent, StringNotEquals holds, and the Deny applies to it.
    let emu = emulator();
    let t = working("tb-vpce", "30s");
    let deny = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "OnlyThroughVpce", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": t.queue_arn,
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    ]});
    emu.block_on(async {
        emu.sqs()
            .set_queue_attributes()
            .queue_url(&t.queue_url)
            .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, deny.to_string())
            .send()
            .await
    })
    .expect("set queue policy");
    probe_fails(&t, "not-invoked", Some(("role-explicit-deny", "queue policy")));
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "role-explicit-deny", "sqs:ReceiveMessage");
    assert!(f["message"].as_str().unwrap().contains("OnlyThroughVpce"), "{f:#}");
}

#[test]
fn queue_policy_denies_the_role() {
    let emu = emulator();
    let t = working("tb-qpol", "30s");
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/{}", t.role);
    let deny = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "NoLambda", "Effect": "Deny", "Principal": {"AWS": role_arn}, "Action": "sqs:ReceiveMessage",
         "Resource": t.queue_arn}
    ]});
    let set_policy = |policy: String| {
        emu.block_on(async {
            emu.sqs()
                .set_queue_attributes()
                .queue_url(&t.queue_url)
                .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, policy)
                .send()
                .await
        })
        .expect("set queue policy");
    };
    set_policy(deny.to_string());
    probe_fails(&t, "not-invoked", Some(("role-explicit-deny", "queue policy")));
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "role-explicit-deny", "sqs:ReceiveMessage");
    assert!(remediation(&f).contains(&format!("Deny statement in queue policy of {}", t.queue_arn)), "{f:#}");
    // The fix: remove that Deny (the policy had nothing else).
    set_policy(String::new());
    probe_confirms(&t, &[]);
}

#[test]
fn handler_raises() {
    let emu = emulator();
    let t = working("tb-raise", "30s");
    t.set_mode(emu, "raise");
    let run = probe_fails(&t, "invoked-with-error", None);
    assert!(run.json()["error"].as_str().is_some_and(|e| e.contains("RuntimeError: boom")), "{}", run.stdout);
    let d = doctor(&t);
    d.expect_code(0);
    assert!(findings(&d.json()).iter().all(|f| f["severity"] != "error"), "no finding explains it: {}", d.stdout);
    t.set_mode(emu, "echo");
    probe_confirms(&t, &[]);
}

#[test]
fn handler_times_out() {
    let emu = emulator();
    let t = working("tb-slow", "30s");
    t.set_mode(emu, "sleep");
    let run = probe(&t, &["--timeout", "20s"]);
    run.expect_code(1);
    let json = run.json();
    assert_eq!(json["verdict"], "invoked-with-error", "{json:#}");
    assert!(json["error"].as_str().is_some_and(|e| e.contains("Task timed out after 3.00 seconds")), "{json:#}");
    doctor(&t).expect_code(0);
    t.set_mode(emu, "echo");
    probe_confirms(&t, &[]);
}

#[test]
fn role_lacks_delete_message() {
    let emu = emulator();
    // A short visibility timeout (above the 3 s function timeout), so the message comes back soon.
    let t = working("tb-del", "5s");
    t.put_role_policy(emu, &["sqs:ReceiveMessage", "sqs:GetQueueAttributes"], true);
    let run = probe(&t, &[]);
    run.expect_code(1);
    let json = run.json();
    assert_eq!(json["verdict"], "invoked", "ran, but not confirmed: {json:#}");
    assert_eq!(json["marker_seen"], true);
    finding(&run, "role-missing-permission", "sqs:DeleteMessage");
    assert!(run.stdout.contains("comes back"), "{}", run.stdout);
    // The same message runs again once its visibility timeout ends.
    let probe_id = json["probe_id"].as_str().unwrap().to_owned();
    wait_until("the probe message to run a second time", Duration::from_secs(30), || {
        emu.log_lines(&t.function).iter().filter(|l| l.contains(&probe_id) && l.contains("Records")).count() >= 2
    });
    let d = doctor(&t);
    d.expect_code(1);
    let f = finding(&d, "role-missing-permission", "sqs:DeleteMessage");
    role_check_fix(&t, &f);
    probe_confirms(&t, &[]);
}

/// The issue's reproduction: an SSE-KMS queue, a mapping, and a role with the AWS managed
/// policy AWSLambdaSQSQueueExecutionRole but no kms:Decrypt. On AWS this trigger never runs.
#[test]
fn the_kms_reproduction_is_not_invoked_with_the_decrypt_finding() {
    let emu = emulator();
    let (_, key_arn) = emu.block_on(async {
        let key = emu.kms().create_key().send().await.expect("create key");
        let meta = key.key_metadata().expect("key metadata");
        (meta.key_id().to_owned(), meta.arn().expect("key arn").to_owned())
    });
    let queue = unique("orders");
    emu.run(&["queue", "create", &queue, "--kms-key", &key_arn]).expect_code(0);
    let queue_arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    let role = emu.create_role(
        &unique("orders-role"),
        "lambda.amazonaws.com",
        None,
        &["arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"],
    );
    let function = unique("orders-worker");
    emu.create_function(&function, &role, HANDLER, 3);
    emu.create_sqs_mapping(&queue_arn, &function, true);

    let d = emu.run(&["doctor", "--queue", &queue, "-o", "json"]);
    d.expect_code(1);
    finding(&d, "role-missing-permission", "kms:Decrypt");
    let run = emu.run(&["probe", "--queue", &queue, "--function", &function, "--timeout", "4s", "-o", "json"]);
    run.expect_code(1);
    assert_eq!(run.json()["verdict"], "not-invoked", "{}", run.stdout);
    finding(&run, "role-missing-permission", "kms:Decrypt");
    let text = emu.run(&["probe", "--queue", &queue, "--function", &function, "--timeout", "2s"]);
    assert!(!text.stdout.contains("confirmed"), "{}", text.stdout);
    assert!(text.stdout.starts_with("not-invoked: "), "{}", text.stdout);
    assert!(emu.log_lines(&function).is_empty(), "the function never ran");
}
