//! CI reports on real triggers: JUnit files that a real XML Schema processor accepts
//! (tests/junit/junit-10.xsd, the schema Jenkins validates against) with counts that match the
//! findings; GitHub annotations (10 per kind, then one line) and the step summary; the JSON
//! document as a file; `--fail-on warning`; and the reports of a run that failed.

use sqs_trigger_test_support as support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{Emulator, FULL_POLLER_POLICY, emulator, handlers, repo_root, run_cmd, unique};

struct Trigger {
    queue: String,
    function: String,
    role: String,
}

/// A queue (by `queue create` with `queue_args`), a function whose role has `policy` inline
/// (none: the role may do nothing), and `mappings` mappings between them.
fn trigger(emu: &Emulator, queue_args: &[&str], policy: Option<&str>, enabled: bool, mappings: usize) -> Trigger {
    let queue = unique("ci-q");
    let mut args = vec!["queue", "create", queue.as_str(), "--visibility-timeout", "30s"];
    args.extend_from_slice(queue_args);
    emu.run(&args).expect_code(0);
    let role = unique("ci-r");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", policy, &[]);
    let function = unique("ci-f");
    emu.create_function(&function, &role_arn, handlers::SILENT, 3);
    let arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    for _ in 0..mappings {
        emu.create_sqs_mapping(&arn, &function, enabled);
    }
    Trigger { queue, function, role }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique(name));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Validates a JUnit file against the XSD with xmlschema (from .venv) and returns what a CI
/// test view reads from it.
fn check_junit(path: &Path) -> Value {
    let python = repo_root().join(".venv/bin/python");
    let out = Command::new(&python)
        .arg(repo_root().join("tests/junit/check_junit.py"))
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; run `make venv`", python.display()));
    let report = std::fs::read_to_string(path).unwrap_or_default();
    assert!(out.status.success(), "the JUnit report is not valid: {}\n{report}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("check_junit.py prints JSON")
}

fn findings(doc: &Value) -> Vec<Value> {
    doc["triggers"][0]["findings"].as_array().unwrap().clone()
}

fn count(findings: &[Value], pred: impl Fn(&Value) -> bool) -> usize {
    findings.iter().filter(|f| pred(f)).count()
}

fn cases<'a>(junit: &'a Value, result: &str) -> Vec<&'a Value> {
    junit["suites"][0]["cases"].as_array().unwrap().iter().filter(|c| c["result"] == result).collect()
}

fn attr(v: &Value, name: &str) -> usize {
    v["attributes"][name].as_str().unwrap_or_else(|| panic!("no {name} in {v}")).parse().unwrap()
}

#[test]
fn junit_of_a_broken_and_a_healthy_trigger_is_valid_and_counts_the_findings() {
    let emu = emulator();
    let dir = temp_dir("ci-junit");

    // Broken: the mapping is disabled, there is no DLQ, and the role cannot be read.
    let broken = trigger(emu, &["--no-dlq"], Some(FULL_POLLER_POLICY), false, 1);
    emu.arm_fault("GetRole", "access-denied", 10, Some(&broken.role));
    let path = dir.join("broken.xml");
    let run = run_cmd(
        emu.cmd()
            .args(["doctor", "--queue", &broken.queue, "-o", "json", "--report"])
            .arg(format!("junit={}", path.display()))
            .env("AWS_MAX_ATTEMPTS", "1"),
    );
    run.expect_code(1);
    let doc = run.json();
    let found = findings(&doc);
    let errors = count(&found, |f| f["severity"] == "error");
    let skipped = count(&found, |f| f["code"] == "check-skipped");
    let warnings = count(&found, |f| f["severity"] == "warning" && f["code"] != "check-skipped");
    assert!(errors >= 1 && skipped >= 1 && warnings >= 1, "the scenario has all three: {found:#?}");

    let junit = check_junit(&path);
    let suites = junit["suites"].as_array().unwrap();
    assert_eq!(suites.len(), 1, "one suite per trigger");
    let suite = &suites[0];
    assert_eq!(suite["attributes"]["name"], format!("{} → {}", broken.queue, broken.function));
    let all = suite["cases"].as_array().unwrap();
    assert_eq!(attr(suite, "tests"), all.len());
    assert_eq!(attr(suite, "failures"), errors, "a failure per error-level finding");
    assert_eq!(cases(&junit, "failure").len(), errors);
    assert_eq!(attr(suite, "skipped"), skipped, "a skipped case per check-skipped");
    assert_eq!(cases(&junit, "skipped").len(), skipped);
    assert_eq!(attr(suite, "errors"), 0);
    assert_eq!(attr(&junit, "tests"), all.len());
    assert_eq!(attr(&junit, "failures"), errors);
    // Every finding is a case, named by its code, about its resource; the failure carries the
    // message and the fix.
    for f in &found {
        let code = f["code"].as_str().unwrap();
        let case = all
            .iter()
            .find(|c| c["name"].as_str().unwrap().starts_with(code) && c["classname"] == f["resource"])
            .unwrap_or_else(|| panic!("no case for {f}: {all:#?}"));
        if f["severity"] == "error" {
            let text = case["text"].as_str().unwrap();
            assert!(text.contains(f["message"].as_str().unwrap()), "{text}");
            assert!(text.contains(&format!("fix: {}", f["remediation"].as_str().unwrap())), "{text}");
        } else if code != "check-skipped" {
            assert_eq!(case["result"], "passed", "a warning passes with its text: {case}");
            assert!(case["system_out"].as_str().unwrap().starts_with("warning: "), "{case}");
        }
    }
    let mapping_disabled = all.iter().find(|c| c["name"] == "mapping-disabled").expect("mapping-disabled case");
    assert_eq!(mapping_disabled["result"], "failure");
    for case in all {
        assert!(case["time"].as_f64().is_some_and(|t| t >= 0.0), "{case}");
    }
    assert_eq!(suite["properties"]["verdict"], "broken");

    // Healthy: every check passes.
    let healthy = trigger(emu, &[], Some(FULL_POLLER_POLICY), true, 1);
    let path = dir.join("healthy.xml");
    let run = emu.run(&["doctor", "--queue", &healthy.queue, "--report", &format!("junit={}", path.display())]);
    run.expect_code(0);
    assert!(run.stdout.starts_with(&healthy.queue), "text stays on the console: {}", run.stdout);
    let junit = check_junit(&path);
    let suite = &junit["suites"][0];
    assert_eq!(attr(suite, "failures"), 0);
    assert_eq!(attr(suite, "skipped"), 0);
    let passed = cases(&junit, "passed");
    assert_eq!(passed.len(), attr(suite, "tests"));
    // One case per area of checks: placement, queue, encryption, role, mapping, function.
    assert!(passed.len() >= 6, "{passed:#?}");
    assert!(passed.iter().any(|c| c["name"].as_str().unwrap().starts_with("execution role")), "{passed:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A trigger broken every way AWS lets a trigger break after it was made: a role trusting EC2
/// with no permissions, a function whose timeout grew past the queue's visibility timeout and
/// whose reserved concurrency is 0, a customer key disabled and without a grant for the role,
/// a disabled mapping whose three filters can never match an SQS message. Returns the trigger and
/// its number of errors (more than 10).
fn many_errors(emu: &Emulator) -> (Trigger, usize) {
    let key = emu.block_on(async {
        let kms = emu.kms();
        let key = kms.create_key().send().await.unwrap();
        key.key_metadata().unwrap().arn().unwrap().to_owned()
    });
    let queue = unique("ci-q");
    emu.run(&["queue", "create", queue.as_str(), "--visibility-timeout", "30s", "--kms-key", &key]).expect_code(0);
    let role = unique("ci-r");
    let role_arn = emu.create_role(&role, "ec2.amazonaws.com", None, &[]);
    let function = unique("ci-f");
    emu.create_function(&function, &role_arn, handlers::SILENT, 3);
    let arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    let filter = |p: &str| aws_sdk_lambda::types::Filter::builder().pattern(p).build();
    let never = aws_sdk_lambda::types::FilterCriteria::builder()
        .filters(filter(r#"{"messageAttributes":{"kind":{"stringValue":["a"]}}}"#))
        .filters(filter(r#"{"attributes":{"SenderId":["b"]}}"#))
        .filters(filter(r#"{"eventSource":["aws:sns"]}"#))
        .build();
    emu.create_sqs_mapping_with(&arn, &function, |r| r.enabled(false).filter_criteria(never));
    emu.block_on(async {
        let lambda = emu.lambda();
        lambda.update_function_configuration().function_name(&function).timeout(60).send().await.unwrap();
        lambda.put_function_concurrency().function_name(&function).reserved_concurrent_executions(0).send().await.unwrap();
        let kms = emu.kms();
        let only_admin = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/key-admin"},"Action":"kms:*","Resource":"*"}]}"#;
        // moto's DisableKey takes the key id only (AWS takes the ARN too).
        let id = key.rsplit('/').next().unwrap();
        kms.disable_key().key_id(id).send().await.unwrap();
        kms.put_key_policy().key_id(id).policy_name("default").policy(only_admin).send().await.unwrap();
    });
    let t = Trigger { queue, function, role };
    let doc = emu.run(&["doctor", "--queue", &t.queue, "-o", "json"]).json();
    let found = findings(&doc);
    let errors = count(&found, |f| f["severity"] == "error");
    assert!(errors > 10, "the premise, more errors than GitHub shows: {found:#?}");
    (t, errors)
}

fn lines_starting<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[test]
fn github_annotations_stop_at_ten_per_kind_and_the_summary_has_the_findings_table() {
    let emu = emulator();
    let (t, n) = many_errors(emu);
    let more = format!("{} more errors", n - 10);
    let dir = temp_dir("ci-github");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "").unwrap();

    let github = |args: &[&str]| {
        let mut cmd = emu.cmd();
        cmd.args(["doctor", "--queue", &t.queue]).args(args);
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_STEP_SUMMARY", &summary);
        run_cmd(&mut cmd)
    };

    // Text mode: the workflow commands follow the report on stdout.
    let run = github(&[]);
    run.expect_code(1);
    let errors = lines_starting(&run.stdout, "::error title=");
    assert_eq!(errors.len(), 10, "GitHub shows 10 per step:\n{}", run.stdout);
    assert!(errors.iter().all(|l| !l.contains('\n')));
    assert!(errors.iter().all(|l| l.contains("%0Afix: ")), "{errors:#?}");
    let more: Vec<&str> = run.stdout.lines().filter(|l| l.contains(&more)).collect();
    assert_eq!(more.len(), 1, "one line counts the rest:\n{}", run.stdout);
    assert!(!more[0].starts_with("::"), "{}", more[0]);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("### sqs-trigger doctor: ✗ 1 of 1 trigger(s) broken"), "{text}");
    assert!(text.contains("| | Check | Resource | Message | Fix |"), "{text}");
    assert_eq!(text.matches("| ❌ error | `").count(), n, "every error is in the table:\n{text}");
    assert!(text.contains(&format!("{} → {}", t.queue, t.function)), "{text}");
    assert!(text.contains("--enable"), "the fix is in the table:\n{text}");

    // Under --output json, stdout is the JSON document alone; the commands go to stderr.
    let run = github(&["-o", "json"]);
    run.expect_code(1);
    assert_eq!(run.json()["summary"]["broken"], 1);
    assert_eq!(lines_starting(&run.stderr, "::error title=").len(), 10, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{} more errors", n - 10)), "{}", run.stderr);

    // --report none turns the default off.
    let before = std::fs::read_to_string(&summary).unwrap();
    let run = github(&["--report", "none"]);
    run.expect_code(1);
    assert!(lines_starting(&run.stdout, "::").is_empty() && !run.stdout.contains("more errors"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), before, "no summary appended");

    // Outside GitHub Actions: nothing of it, even with GITHUB_STEP_SUMMARY set.
    let quiet = dir.join("untouched.md");
    let run = run_cmd(emu.cmd().args(["doctor", "--queue", &t.queue]).env("GITHUB_STEP_SUMMARY", &quiet));
    run.expect_code(1);
    assert!(lines_starting(&run.stdout, "::").is_empty(), "{}", run.stdout);
    assert!(lines_starting(&run.stderr, "::").is_empty(), "{}", run.stderr);
    assert!(!run.stdout.contains("more errors"), "{}", run.stdout);
    assert!(!quiet.exists(), "no summary written outside GitHub Actions");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_report_keeps_text_on_the_console_and_the_document_in_a_file() {
    let emu = emulator();
    let t = trigger(emu, &["--no-dlq"], Some(FULL_POLLER_POLICY), true, 1);
    let dir = temp_dir("ci-json");
    let path = dir.join("doctor.json");
    let run = emu.run(&["doctor", "--queue", &t.queue, "--report", &format!("json={}", path.display())]);
    run.expect_code(0);
    assert!(run.stdout.starts_with(&t.queue) && !run.stdout.contains("\"schema\""), "{}", run.stdout);
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    support::schema::validate(&doc);
    assert_eq!(doc["schema"], "sqs-trigger/doctor/v1");
    let stdout_doc = emu.run(&["doctor", "--queue", &t.queue, "-o", "json"]).json();
    assert_eq!(doc["triggers"][0]["findings"], stdout_doc["triggers"][0]["findings"]);
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind: {leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fail_on_warning_fails_doctor_and_setup_on_warnings() {
    let emu = emulator();
    let t = trigger(emu, &["--no-dlq"], Some(FULL_POLLER_POLICY), true, 1);
    let codes = emu.run(&["doctor", "--queue", &t.queue, "-o", "json"]).expect_code(0).finding_codes();
    assert_eq!(codes, ["dlq-missing"], "a working trigger with one warning");
    emu.run(&["doctor", "--queue", &t.queue, "--fail-on", "error"]).expect_code(0);
    emu.run(&["doctor", "--queue", &t.queue, "--fail-on", "warning"]).expect_code(1);

    // setup: the same gate, and its JUnit report has the probe as a case of its own.
    let role = unique("ci-sr");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    let function = unique("ci-sf");
    emu.create_function(&function, &role_arn, handlers::ECHO, 3);
    let queue = unique("ci-sq");
    let setup = ["setup", "--function", &function, "--queue", &queue, "--no-dlq", "--probe-timeout", "10s"];
    let first = emu.run(&[&setup[..], &["-o", "json"]].concat());
    first.expect_code(0);
    let dir = temp_dir("ci-setup");
    let path = dir.join("setup.xml");
    let junit_flag = format!("junit={}", path.display());
    let gated = emu.run(&[&setup[..], &["--fail-on", "warning", "--report", &junit_flag, "-o", "json"]].concat());
    gated.expect_code(1);
    assert_eq!(gated.json()["verdict"], "complete", "nothing failed but the gate");
    let junit = check_junit(&path);
    let all = junit["suites"][0]["cases"].as_array().unwrap();
    let probe = all.iter().find(|c| c["name"].as_str().unwrap().starts_with("probe: ")).expect("a probe case");
    assert_eq!(probe["result"], "passed", "{probe}");
    assert!(probe["system_out"].as_str().unwrap().contains("ms after the send"), "its latency: {probe}");
    assert!(all.iter().any(|c| c["name"] == "dlq-missing"), "{all:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_report_values_are_usage_errors_before_any_request() {
    // An endpoint nothing listens on: a request would be exit 3, not 2.
    let emu = emulator();
    for (value, expected) in [
        ("xml=out.xml", "unknown format `xml`"),
        ("junit", "junit needs a file: --report junit=PATH"),
        ("junit=/nonexistent-sqs-trigger-dir/r.xml", "does not exist"),
        ("github=out", "takes no path"),
    ] {
        let run = run_cmd(
            emu.cmd()
                .args(["doctor", "--queue", "q", "--report", value, "-o", "json"])
                .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        );
        run.expect_code(2);
        assert!(run.stderr.contains(expected), "{value}: {}", run.stderr);
        assert_eq!(run.json()["error"]["kind"], "usage");
    }
    let run = emu.run(&["queue", "create", "x", "--report", "github"]);
    run.expect_code(2);
    assert!(run.stderr.contains("validates no trigger"), "{}", run.stderr);
    let bad = emu.run(&["doctor", "--queue", "q", "--fail-on", "info"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("--fail-on"), "{}", bad.stderr);
}

#[test]
fn a_failed_run_reports_its_error_in_every_report() {
    let emu = emulator();
    let dir = temp_dir("ci-error");
    let junit = dir.join("r.xml");
    let json = dir.join("r.json");
    let missing = unique("ci-missing");
    let run = run_cmd(
        emu.cmd()
            .args(["doctor", "--queue", &missing, "-o", "json", "--report"])
            .arg(format!("junit={}", junit.display()))
            .arg("--report")
            .arg(format!("json={}", json.display()))
            .args(["--report", "github"]),
    );
    run.expect_code(3);
    let doc = run.json();
    assert_eq!(doc["schema"], "sqs-trigger/error/v1");
    assert_eq!(doc["error"]["exit_code"], 3);
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(file, doc, "the file holds the same error document");
    let report = check_junit(&junit);
    assert_eq!(attr(&report, "errors"), 1);
    let case = &report["suites"][0]["cases"][0];
    assert_eq!(case["result"], "error");
    assert!(case["text"].as_str().unwrap().contains(&missing), "{case}");
    assert_eq!(lines_starting(&run.stderr, "::error title=doctor::").len(), 1, "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_validating_command_writes_a_valid_junit_report() {
    let emu = emulator();
    let role = unique("ci-vr");
    let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    let function = unique("ci-vf");
    emu.create_function(&function, &role_arn, handlers::ECHO, 3);
    let queue = unique("ci-vq");
    emu.run(&["queue", "create", &queue, "--visibility-timeout", "30s"]).expect_code(0);
    let dir = temp_dir("ci-every");
    let pair = ["--function", function.as_str(), "--queue", queue.as_str()];
    for (name, command, extra) in [
        ("role-check", &["role", "check"][..], &[][..]),
        ("mapping-create", &["mapping", "create"][..], &[][..]),
        ("probe", &["probe"][..], &["--timeout", "20s"][..]),
    ] {
        let path = dir.join(format!("{name}.xml"));
        let flag = format!("junit={}", path.display());
        let run = emu.run(&[command, &pair, extra, &["--report", &flag]].concat());
        run.expect_code(0);
        let junit = check_junit(&path);
        let suite = &junit["suites"][0];
        assert_eq!(suite["attributes"]["name"], format!("{queue} → {function}"), "{name}: {junit}");
        assert_eq!(attr(suite, "failures"), 0, "{name}: {junit}");
        assert!(attr(suite, "tests") >= 1, "{name}: {junit}");
        if name == "probe" {
            let probe = &suite["cases"][0];
            assert_eq!(probe["name"], "probe: confirmed", "{junit}");
            assert!(probe["system_out"].as_str().unwrap().contains("ms after the send"), "{probe}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
