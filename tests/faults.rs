//! Fault injection for every AWS operation `setup` performs: throttling twice and a 500 twice
//! are retried to success; a non-retryable error ends with exit 3 naming the step (or, for a
//! read the checks can do without, a `check-skipped` warning), and a second run converges to
//! exactly one queue pair and one mapping. One private emulator per operation.

use sqs_trigger_test_support as support;

use support::{Emulator, handlers, unique};

/// Lacks sqs:DeleteMessage, so every setup also fixes the role (PutRolePolicy).
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:GetQueueAttributes"],"Resource":"*"}]}"#;
const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

fn setup(emu: &Emulator, function: &str, queue: &str, attempts: &str) -> support::Run {
    support::run_cmd(
        emu.cmd()
            .args([
                "setup",
                "--function",
                function,
                "--queue",
                queue,
                "--fix",
                "--yes",
                "--probe-timeout",
                "10s",
                "-o",
                "json",
            ])
            .env("AWS_MAX_ATTEMPTS", attempts),
    )
}

fn converged(emu: &Emulator, queue: &str) {
    let arn = emu.queue_attributes(queue).expect("the queue exists")["QueueArn"].clone();
    assert!(emu.queue_url(&format!("{queue}-dlq")).is_some(), "the DLQ exists");
    assert_eq!(emu.mappings_of(&arn).len(), 1, "exactly one mapping");
    let queues = emu.block_on(async { emu.sqs().list_queues().queue_name_prefix(queue).send().await.unwrap() });
    assert_eq!(queues.queue_urls().len(), 2, "exactly one queue pair: {:?}", queues.queue_urls());
}

/// Operations a fresh `setup` does not send (a queue it creates is not read back: its ARN and
/// attributes are what it asked for). They are faulted on a queue that `queue create` made just
/// before, which `setup` then reads.
const SENT_FOR_EXISTING_QUEUES: &[&str] = &["GetQueueAttributes", "ListQueueTags"];

/// The queue of one run: new, or made beforehand when `operation` is only sent for one that exists.
fn queue_for(emu: &Emulator, operation: &str) -> String {
    let queue = unique("fq");
    if SENT_FOR_EXISTING_QUEUES.contains(&operation) {
        emu.run(&["queue", "create", &queue]).expect_code(0);
    }
    queue
}

fn faults_for(operation: &str) {
    let emu = Emulator::start();
    let role = emu.create_role(&unique("fr"), "lambda.amazonaws.com", Some(POLICY), &[BASIC]);
    let function = unique("ff");
    emu.create_function(&function, &role, handlers::ECHO, 3);

    for error in ["throttling", "500"] {
        let queue = queue_for(&emu, operation);
        emu.arm_fault(operation, error, 2, None);
        let run = setup(&emu, &function, &queue, "3");
        assert_eq!(run.code, 0, "{operation} failing twice with {error} is retried\n{}\n{}", run.stdout, run.stderr);
        let faulted = emu.requests().iter().filter(|r| r["operation"] == operation && r["faulted"].is_string()).count();
        // A server error from the policy simulator is not retried: our own evaluator decides
        // at once (an endpoint without the simulator answers 500 too).
        let hits = if operation == "SimulatePrincipalPolicy" && error == "500" { 1 } else { 2 };
        assert!(faulted >= hits, "{operation}: the fault was hit ({faulted})");
        converged(&emu, &queue);
        emu.http("DELETE", "/_emulator/requests", None).unwrap();
    }

    let queue = queue_for(&emu, operation);
    emu.arm_fault(operation, "access-denied", 1, None);
    let run = setup(&emu, &function, &queue, "1");
    match run.code {
        3 => {
            let json = run.json();
            let failed = json["steps"].as_array().unwrap().iter().find(|s| s["outcome"] == "failed").cloned();
            let failed = failed.unwrap_or_else(|| panic!("{operation}: exit 3 names the failed step: {json}"));
            assert!(failed["error"].as_str().unwrap().contains("AccessDenied"), "{failed}");
        }
        0 => {
            // A read the checks can do without: said as check-skipped, or the simulator's
            // answer replaced by our own evaluator, or read again later (after a fix) and
            // answered then.
            let calls: Vec<bool> = emu
                .requests()
                .iter()
                .filter(|r| r["operation"] == operation)
                .map(|r| r["faulted"].is_string())
                .collect();
            let read_again = calls.iter().position(|f| *f).is_some_and(|at| calls[at + 1..].iter().any(|f| !f));
            assert!(
                run.finding_codes().contains(&"check-skipped".to_string())
                    || read_again
                    || operation == "SimulatePrincipalPolicy",
                "{operation}: a denied read is reported\n{}",
                run.stdout
            );
        }
        1 => {
            // The role could not be read, so the role step could not see (or fix) that the
            // role lacks sqs:DeleteMessage. Lambda's poller then runs the function but cannot
            // delete the message; the probe reads the role again after the run, says so, and
            // does not confirm.
            let json = run.json();
            assert!(run.finding_codes().contains(&"check-skipped".to_string()), "{operation}: {json:#}");
            let probe = json["steps"].as_array().unwrap().iter().find(|s| s["step"] == "probe").cloned();
            let probe = probe.unwrap_or_else(|| panic!("{operation}: a probe step: {json:#}"));
            assert_eq!(probe["outcome"], "invoked", "{operation}: {probe:#}");
            assert!(
                probe["findings"].as_array().unwrap().iter().any(|f| f["code"] == "role-missing-permission"
                    && f["message"].as_str().is_some_and(|m| m.contains("sqs:DeleteMessage"))),
                "{operation}: {probe:#}"
            );
        }
        other => panic!("{operation}: access denied gave exit {other}\n{}\n{}", run.stdout, run.stderr),
    }
    let again = setup(&emu, &function, &queue, "1");
    assert_eq!(again.code, 0, "{operation}: the second run converges\n{}\n{}", again.stdout, again.stderr);
    converged(&emu, &queue);
}

macro_rules! fault_tests {
    ($($name:ident => $op:literal,)*) => {$(
        #[test]
        fn $name() {
            faults_for($op);
        }
    )*};
}

fault_tests! {
    get_caller_identity => "GetCallerIdentity",
    get_queue_url => "GetQueueUrl",
    get_queue_attributes => "GetQueueAttributes",
    list_queue_tags => "ListQueueTags",
    create_queue => "CreateQueue",
    get_function => "GetFunction",
    get_role => "GetRole",
    list_role_policies => "ListRolePolicies",
    get_role_policy => "GetRolePolicy",
    list_attached_role_policies => "ListAttachedRolePolicies",
    get_policy => "GetPolicy",
    get_policy_version => "GetPolicyVersion",
    simulate_principal_policy => "SimulatePrincipalPolicy",
    put_role_policy => "PutRolePolicy",
    list_event_source_mappings => "ListEventSourceMappings",
    create_event_source_mapping => "CreateEventSourceMapping",
    get_event_source_mapping => "GetEventSourceMapping",
    send_message => "SendMessage",
    filter_log_events => "FilterLogEvents",
}
