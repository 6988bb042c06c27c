//! `setup` end to end on the emulator: from nothing, converging, dry run, refusal and --fix,
//! a failure midway that the next run finishes, and Ctrl-C at each step.

use sqs_trigger_test_support as support;

use std::time::{Duration, Instant};

use support::{Emulator, FULL_POLLER_POLICY, emulator, handlers, unique};

const LOGS_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;

fn function(emu: &Emulator, policy: &str) -> (String, String) {
    let role = unique("su-role");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(policy), &[]);
    let name = unique("su-fn");
    emu.create_function(&name, &role_arn, handlers::ECHO, 3);
    (name, role)
}

fn outcomes(run: &support::Run) -> Vec<(String, String)> {
    run.json()["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_str().unwrap().to_owned(), s["outcome"].as_str().unwrap().to_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

fn setup(emu: &Emulator, function: &str, queue: &str, extra: &[&str]) -> support::Run {
    let mut args = vec!["setup", "--function", function, "--queue", queue, "--probe-timeout", "10s", "-o", "json"];
    args.extend_from_slice(extra);
    emu.run(&args)
}

#[test]
fn from_nothing_then_converges() {
    let emu = emulator();
    let (function, _) = function(emu, FULL_POLLER_POLICY);
    let queue = unique("su-q");
    let first = setup(emu, &function, &queue, &[]);
    first.expect_code(0);
    assert_eq!(
        outcomes(&first),
        pairs(&[("queue", "created"), ("role", "passed"), ("mapping", "created"), ("probe", "confirmed")])
    );
    assert_eq!(first.json()["verdict"], "complete");
    let arn = emu.queue_attributes(&queue).expect("queue exists")["QueueArn"].clone();
    assert!(emu.queue_url(&format!("{queue}-dlq")).is_some(), "DLQ exists");
    assert_eq!(emu.mappings_of(&arn).len(), 1);
    let probe = &first.json()["steps"][3]["detail"];
    assert!(probe["request_id"].is_string(), "{probe}");

    let second = setup(emu, &function, &queue, &[]);
    second.expect_code(0);
    assert_eq!(
        outcomes(&second),
        pairs(&[("queue", "unchanged"), ("role", "passed"), ("mapping", "unchanged"), ("probe", "confirmed")])
    );
    let changed: Vec<String> =
        second.json()["changed"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap().to_owned()).collect();
    assert_eq!(changed, ["send-message"], "a converged run changes nothing but sending its probe");
    assert_eq!(emu.mappings_of(&arn).len(), 1, "still exactly one mapping");
}

/// A queue created for a known function without --visibility-timeout gets AWS's recommendation
/// (6 × its timeout + the batching window), not SQS's 30 s that the checks would warn about.
#[test]
fn a_new_queue_gets_the_recommended_visibility_timeout_for_the_function() {
    let emu = emulator();
    let role_arn = emu.create_role(&unique("su-role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    let function = unique("su-fn");
    emu.create_function(&function, &role_arn, handlers::ECHO, 10);
    let queue = unique("su-vis");
    let run = setup(emu, &function, &queue, &["--no-probe", "--batch-window", "5s"]);
    run.expect_code(0);
    assert_eq!(emu.queue_attributes(&queue).unwrap()["VisibilityTimeout"], "65", "6 × 10 s + 5 s");
    assert!(!run.stdout.contains("visibility-timeout-below-recommended"), "{}", run.stdout);
    // Given explicitly, the flag wins.
    let chosen = unique("su-vis");
    setup(emu, &function, &chosen, &["--no-probe", "--visibility-timeout", "45s"]).expect_code(0);
    assert_eq!(emu.queue_attributes(&chosen).unwrap()["VisibilityTimeout"], "45");
}

/// A queue another tool made may be live: setup probes it only when asked.
#[test]
fn a_queue_that_existed_before_is_probed_only_with_probe() {
    let emu = emulator();
    let (function, _) = function(emu, FULL_POLLER_POLICY);
    let queue = unique("su-live");
    emu.block_on(async {
        emu.sqs()
            .create_queue()
            .queue_name(&queue)
            .attributes(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout, "60")
            .send()
            .await
            .unwrap()
    });
    let first = setup(emu, &function, &queue, &[]);
    first.expect_code(0);
    assert_eq!(
        outcomes(&first),
        pairs(&[("queue", "unchanged"), ("role", "passed"), ("mapping", "created"), ("probe", "skipped")])
    );
    assert!(first.json()["steps"][3]["summary"].as_str().unwrap().contains("--probe"), "{}", first.stdout);
    assert_eq!(emu.queue_depth(&queue), (0, 0), "nothing was sent");
    let probed = setup(emu, &function, &queue, &["--probe"]);
    probed.expect_code(0);
    assert_eq!(outcomes(&probed)[3], ("probe".to_owned(), "confirmed".to_owned()));
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let emu = Emulator::start();
    let (function, _) = function(&emu, LOGS_ONLY);
    let queue = unique("su-dry");
    let before = emu.requests().len();
    let run = setup(&emu, &function, &queue, &["--dry-run", "--fix", "--provisioned-pollers", "2:20", "--metrics"]);
    run.expect_code(0);
    assert_eq!(
        outcomes(&run),
        pairs(&[("queue", "would-create"), ("role", "would-fix"), ("mapping", "would-create"), ("probe", "skipped")])
    );
    // The mapping features are part of the plan.
    assert!(run.stdout.contains("provisioned pollers 2-20, EventCount metrics"), "{}", run.stdout);
    assert!(emu.queue_url(&queue).is_none());
    assert!(emu.queue_url(&format!("{queue}-dlq")).is_none());
    let mutating: Vec<String> = emu
        .tool_requests()
        .iter()
        .map(|r| r["operation"].as_str().unwrap_or("").to_owned())
        .filter(|op| {
            ["Create", "Put", "Update", "Delete", "Send", "Tag", "Set", "Attach"].iter().any(|p| op.starts_with(p))
        })
        .collect();
    assert!(mutating.is_empty(), "no mutating request: {mutating:?}");
    assert!(emu.requests().len() > before, "it did read");
    let text = emu.run(&["setup", "--function", &function, "--queue", &queue, "--dry-run"]);
    text.expect_code(1);
    assert!(text.stdout.contains("would refuse") && text.stdout.contains("--fix"), "{}", text.stdout);
}

#[test]
fn a_role_missing_permissions_is_refused_then_fixed() {
    let emu = emulator();
    let (function, role) = function(emu, LOGS_ONLY);
    let queue = unique("su-fix");
    let refused = setup(emu, &function, &queue, &[]);
    refused.expect_code(1);
    assert_eq!(outcomes(&refused), pairs(&[("queue", "created"), ("role", "refused")]));
    assert!(refused.finding_codes().contains(&"role-missing-permission".to_string()));
    let arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    assert!(emu.mappings_of(&arn).is_empty(), "no mapping after a refusal");

    let fixed = setup(emu, &function, &queue, &["--fix", "--yes"]);
    fixed.expect_code(0);
    assert_eq!(
        outcomes(&fixed),
        pairs(&[("queue", "unchanged"), ("role", "fixed"), ("mapping", "created"), ("probe", "confirmed")])
    );
    let policy = emu.block_on(async {
        emu.iam().get_role_policy().role_name(&role).policy_name(format!("sqs-trigger-{queue}")).send().await
    });
    assert!(policy.is_ok(), "the inline policy exists");
    assert_eq!(emu.mappings_of(&arn).len(), 1);
}

#[test]
fn fix_needs_yes_when_not_on_a_terminal() {
    let emu = Emulator::start();
    let run = emu.run(&["setup", "--function", "f", "--queue", "q", "--fix"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert!(emu.requests().is_empty());
}

#[test]
fn a_failure_at_the_mapping_step_is_finished_by_the_next_run() {
    let emu = emulator();
    let (function, _) = function(emu, FULL_POLLER_POLICY);
    let queue = unique("su-fail");
    emu.arm_fault("CreateEventSourceMapping", "access-denied", 1, Some(&queue));
    let run = support::run_cmd(
        emu.cmd()
            .args(["setup", "--function", &function, "--queue", &queue, "--probe-timeout", "10s", "-o", "json"])
            .env("AWS_MAX_ATTEMPTS", "1"),
    );
    run.expect_code(3);
    assert_eq!(outcomes(&run), pairs(&[("queue", "created"), ("role", "passed"), ("mapping", "failed")]));
    let changed = run.json()["changed"].clone();
    let created: Vec<&str> = changed
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] == "create-queue")
        .filter_map(|c| c["resource"].as_str())
        .collect();
    assert!(created.iter().any(|r| r.ends_with(&format!(":{queue}"))), "{changed}");
    assert!(run.json()["steps"][2]["error"].as_str().unwrap().contains("lambda:CreateEventSourceMapping"));

    let again = setup(emu, &function, &queue, &[]);
    again.expect_code(0);
    assert_eq!(
        outcomes(&again),
        pairs(&[("queue", "unchanged"), ("role", "passed"), ("mapping", "created"), ("probe", "confirmed")])
    );
    let arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    assert_eq!(emu.mappings_of(&arn).len(), 1);
}

/// Holds `operation` (for this queue) for a while, sends SIGINT while it is held, and checks
/// exit 130 with the changes listed; then a plain re-run converges.
fn interrupt_at(operation: &str, expect_listed: &[&str]) {
    let emu = emulator();
    let (function, _) = function(emu, LOGS_ONLY);
    let queue = unique("su-int");
    let spec =
        serde_json::json!({"operation": operation, "error": "throttling", "count": 1, "delay": 20, "match": null});
    let mut spec = spec;
    spec["match"] = match operation {
        // The DLQ is created first; hold the queue itself.
        "CreateQueue" => format!("\"QueueName\":\"{queue}\""),
        "PutRolePolicy" => format!("sqs-trigger-{queue}"),
        _ => queue.clone(),
    }
    .into();
    let (status, body) = emu.http("POST", "/_emulator/faults", Some(&spec.to_string())).unwrap();
    assert_eq!(status, 201, "{body}");
    let mut child = emu
        .cmd()
        .args(["setup", "--function", &function, "--queue", &queue, "--fix", "--yes", "--probe-timeout", "30s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let held = emu
            .requests()
            .iter()
            .any(|r| r["operation"] == operation && r["faulted"].is_string() && r["end"].is_null());
        if held {
            break;
        }
        if let Ok(Some(_)) = child.try_wait() {
            let out = child.wait_with_output().unwrap();
            panic!(
                "setup ended before {operation} was reached:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(Instant::now() < deadline, "{operation} was never reached");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    for listed in expect_listed {
        assert!(stderr.contains(&listed.replace("QUEUE", &queue)), "{listed} listed: {stderr}");
    }
    let again = setup(emu, &function, &queue, &["--fix", "--yes"]);
    again.expect_code(0);
    let arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    assert_eq!(emu.mappings_of(&arn).len(), 1, "converged: one mapping");
}

#[test]
fn interrupted_at_the_queue_step() {
    interrupt_at("CreateQueue", &["created queue QUEUE-dlq"]);
}

#[test]
fn interrupted_at_the_role_step() {
    interrupt_at("PutRolePolicy", &["created queue QUEUE-dlq", "created queue QUEUE "]);
}

#[test]
fn interrupted_at_the_mapping_step() {
    interrupt_at("CreateEventSourceMapping", &["created queue QUEUE", "inline policy"]);
}

#[test]
fn interrupted_at_the_probe_step() {
    interrupt_at("SendMessage", &["created queue QUEUE", "mapping"]);
}

/// Ctrl-C while the DLQ's CreateQueue is in flight: the emulator holds the request, then
/// creates the queue anyway (as AWS may, once the request has left). The run cannot know
/// whether it happened, so it says the DLQ may have been created; a re-run converges.
#[test]
fn interrupted_while_a_create_is_in_flight() {
    let emu = emulator();
    let (function, _) = function(emu, LOGS_ONLY);
    let queue = unique("su-fly");
    let dlq = format!("{queue}-dlq");
    let spec = serde_json::json!({
        "operation": "CreateQueue", "error": "delay", "delay": 5, "count": 1,
        "match": format!("\"QueueName\":\"{dlq}\""),
    });
    let (status, body) = emu.http("POST", "/_emulator/faults", Some(&spec.to_string())).unwrap();
    assert_eq!(status, 201, "{body}");
    let mut child = emu
        .cmd()
        .args(["setup", "--function", &function, "--queue", &queue, "--fix", "--yes", "--no-probe"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let held = |emu: &Emulator| {
        emu.requests().iter().any(|r| r["operation"] == "CreateQueue" && r["faulted"] == "delay" && r["end"].is_null())
    };
    support::wait_until("the DLQ's CreateQueue is held", Duration::from_secs(60), || {
        held(emu) || child.try_wait().ok().flatten().is_some()
    });
    assert!(held(emu), "setup ended before the DLQ was created");
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains(&format!("may have been created: queue {dlq}")), "{stderr}");
    assert!(!stderr.contains(&format!("created queue {queue} ")), "the queue itself was never sent: {stderr}");
    // It was: the held request is served after the client went away.
    support::wait_until("the held CreateQueue is served", Duration::from_secs(60), || !held(emu));
    assert!(emu.queue_url(&dlq).is_some(), "the DLQ exists after all");
    let again = setup(emu, &function, &queue, &["--fix", "--yes", "--no-probe"]);
    again.expect_code(0);
    assert_eq!(outcomes(&again)[0], ("queue".to_owned(), "created".to_owned()), "{}", again.stdout);
}

/// How many times each operation was sent by the binary since the log was last cleared.
fn operation_counts(emu: &Emulator) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for r in emu.tool_requests() {
        *counts.entry(r["operation"].as_str().unwrap_or("?").to_owned()).or_insert(0) += 1;
    }
    counts
}

/// One fact graph: a fresh `setup --fix` reads each fact once and hands it on. The queue and
/// its DLQ are looked up once each (the DLQ's URL is then its source queue's, with its name),
/// the queue's mappings listed once (the probe gets the list and the mapping just made), the
/// caller and the function read once. A `doctor --queue` after it looks the DLQ up without a
/// `GetQueueUrl` too.
#[test]
fn a_fresh_setup_reads_each_fact_once() {
    let emu = Emulator::start();
    let (function, _) = function(&emu, LOGS_ONLY);
    let queue = unique("su-once");
    let run = setup(&emu, &function, &queue, &["--fix", "--yes"]);
    run.expect_code(0);
    assert_eq!(
        outcomes(&run),
        pairs(&[("queue", "created"), ("role", "fixed"), ("mapping", "created"), ("probe", "confirmed")])
    );
    let counts = operation_counts(&emu);
    for (operation, times) in [
        ("GetQueueUrl", 2),
        ("GetCallerIdentity", 1),
        ("GetFunction", 1),
        ("ListEventSourceMappings", 1),
        ("CreateEventSourceMapping", 1),
        ("SendMessage", 1),
        ("GetRole", 1),
        ("ListRolePolicies", 1),
    ] {
        assert_eq!(counts.get(operation).copied().unwrap_or(0), times, "{operation}: {counts:?}");
    }

    emu.http("DELETE", "/_emulator/requests", None).expect("clear the request log");
    let doctor = emu.run(&["doctor", "--queue", &queue, "-o", "json"]);
    doctor.expect_code(0);
    let counts = operation_counts(&emu);
    assert_eq!(counts.get("GetQueueUrl").copied(), Some(1), "the DLQ needs no lookup: {counts:?}");
    assert_eq!(counts.get("GetQueueAttributes").copied(), Some(2), "the queue and its DLQ: {counts:?}");
}

/// On a terminal (a pseudo-terminal from `script`), the --fix question is asked with the
/// spinner cleared: the spinner's line is erased before the question, and not drawn again
/// while the question waits for its answer (typed here a moment later), as a ticking spinner
/// would.
#[test]
fn the_fix_question_on_a_terminal_clears_the_spinner_first() {
    use std::io::{Read, Write};
    let emu = emulator();
    let (function, _) = function(emu, LOGS_ONLY);
    let queue = unique("su-tty");
    let template = emu.cmd();
    let mut cmd = std::process::Command::new("script");
    for (key, value) in template.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    let line = format!(
        "{} setup --function {function} --queue {queue} --fix --no-probe",
        template.get_program().to_string_lossy()
    );
    let mut child = cmd
        .args(["-qefc", &line, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("script(1) runs the binary on a pseudo-terminal");
    let transcript = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let mut stdout = child.stdout.take().unwrap();
    let sink = transcript.clone();
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    const QUESTION: &str = "Put inline policy";
    let text = || String::from_utf8_lossy(&transcript.lock().unwrap()).into_owned();
    support::wait_until("the --fix question", Duration::from_secs(120), || text().contains(QUESTION));
    // Time for a ticking spinner (every 100 ms) to draw over the question, were it still on.
    std::thread::sleep(Duration::from_millis(1500));
    child.stdin.as_mut().unwrap().write_all(b"n\n").unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let all = text();
    let asked = all.find(QUESTION).unwrap();
    let answered = asked + all[asked..].find("[y/N] n").map(|at| at + "[y/N] ".len()).expect("the answer echoed");
    let before = &all[..asked];
    let spinner_at = before.rfind("setup: role check").expect("the spinner was on before the question");
    assert!(before[spinner_at..].contains("\u{1b}[2K"), "the spinner's line is erased first: {:?}", &all[spinner_at..]);
    assert!(
        !all[asked..answered].contains("setup: role check"),
        "no spinner while the question waits: {:?}",
        &all[asked..answered]
    );
    assert!(all.contains("the fix was declined"), "{all}");
    assert_eq!(status.code(), Some(1), "{all}");
}
