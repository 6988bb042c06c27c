//! `sqs-trigger lint`: the fixture table (tests/fixtures/lint/), each file with the exact codes
//! and lines (plans: resource addresses) it must report, its exit code, the JSON schema, and
//! the SARIF log validated against the SARIF 2.1.0 schema. No emulator: lint sends nothing.

use sqs_trigger_test_support as support;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use support::{Run, repo_root, run_cmd, schema};

fn fixture(name: &str) -> String {
    format!("tests/fixtures/lint/{name}")
}

/// The binary with no credentials, no config and an endpoint nobody listens on: lint must
/// not need any of them.
fn lint(args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sqs-trigger"));
    cmd.current_dir(repo_root())
        .arg("lint")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    run_cmd(&mut cmd)
}

/// (code, line) for templates, (code, address) for plans: what a finding is and where.
fn places(doc: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let at = match f["location"]["line"].as_u64() {
                Some(line) => line.to_string(),
                None => f["location"]["address"].as_str().unwrap_or_default().to_owned(),
            };
            (f["code"].as_str().unwrap_or_default().to_owned(), at)
        })
        .collect();
    out.sort();
    out
}

struct Row {
    args: &'static [&'static str],
    exit: i32,
    expected: &'static [(&'static str, &'static str)],
}

const TABLE: &[Row] = &[
    Row { args: &["healthy.yaml"], exit: 0, expected: &[] },
    Row {
        args: &["visibility-batch.yaml"],
        exit: 1,
        expected: &[
            ("batch-window-required", "30"),
            ("dlq-missing", "3"),
            ("visibility-timeout-below-function-timeout", "6"),
        ],
    },
    Row {
        args: &["fifo-standard-dlq.yaml"],
        exit: 1,
        expected: &[
            ("batch-size-out-of-range", "41"),
            ("batch-window-out-of-range", "42"),
            ("dlq-type-mismatch", "15"),
        ],
    },
    Row {
        args: &["throttled-filters.yaml"],
        exit: 1,
        expected: &[
            ("filter-deletes-unmatched", "37"),
            ("function-throttled", "26"),
            ("max-concurrency-out-of-range", "35"),
        ],
    },
    Row {
        args: &["trust-deny.yaml"],
        exit: 1,
        expected: &[("role-explicit-deny", "23"), ("role-trust-missing-lambda", "16")],
    },
    Row { args: &["parameters-conditions.yaml"], exit: 0, expected: &[] },
    Row {
        args: &["parameters-conditions.yaml", "--parameter", "Env=prod", "--parameter", "BatchSize=50"],
        exit: 1,
        expected: &[("batch-window-required", "50"), ("visibility-timeout-below-function-timeout", "21")],
    },
    Row { args: &["duplicate.yaml"], exit: 1, expected: &[("mapping-duplicate", "37")] },
    Row {
        args: &["unresolvable.yaml"],
        exit: 0,
        expected: &[("check-skipped", "13"), ("check-skipped", "20"), ("check-skipped", "26"), ("check-skipped", "31")],
    },
    Row {
        args: &["kms-disabled-key.yaml"],
        exit: 1,
        expected: &[("kms-key-not-enabled", "6"), ("max-receive-count-low", "25"), ("role-missing-permission", "35")],
    },
    Row {
        args: &["sam-globals-implicit-role.yaml"],
        exit: 1,
        expected: &[
            ("max-receive-count-low", "29"),
            ("role-missing-permission", "32"),
            ("visibility-timeout-below-recommended", "25"),
        ],
    },
    Row { args: &["sam-poller-template.yaml"], exit: 1, expected: &[("role-missing-permission", "44")] },
    Row { args: &["cdk.out"], exit: 1, expected: &[("dlq-missing", "25"), ("kms-key-policy-missing-grant", "6")] },
    Row { args: &["cross-region.yaml"], exit: 1, expected: &[("check-skipped", "22"), ("region-mismatch", "22")] },
    Row { args: &["literal-role-arn.yaml"], exit: 0, expected: &[("check-skipped", "17")] },
    Row { args: &["unknown-irrelevant.yaml"], exit: 0, expected: &[] },
    Row { args: &["unknown-relevance.yaml"], exit: 0, expected: &[("check-skipped", "29"), ("check-skipped", "29")] },
    Row {
        args: &["literal-role-arn.yaml", "--account", "123456789012"],
        exit: 1,
        expected: &[("check-skipped", "17"), ("cross-account-queue-policy", "22")],
    },
    Row { args: &["queue-policy-deny.yaml"], exit: 1, expected: &[("role-explicit-deny", "16")] },
    // Producers: SNS onto alias/aws/sqs, EventBridge onto a key without events.amazonaws.com, S3
    // onto a queue without a policy; the fourth (SNS, its key and policy right) delivers.
    Row {
        args: &["producers.yaml"],
        exit: 1,
        expected: &[
            ("producer-aws-managed-key", "17"),
            ("producer-key-policy-missing-grant", "60"),
            ("producer-queue-policy-missing-grant", "69"),
        ],
    },
    Row {
        args: &["conditions-both-ways.json"],
        exit: 1,
        expected: &[("visibility-timeout-below-function-timeout", "16")],
    },
    Row { args: &["conditions-both-ways.json", "--parameter", "Stage=dev"], exit: 0, expected: &[] },
    Row {
        args: &["terraform/update-known.plan.json"],
        exit: 0,
        expected: &[
            ("filter-deletes-unmatched", "aws_lambda_event_source_mapping.events"),
            ("max-receive-count-low", "aws_sqs_queue.events"),
            ("visibility-timeout-below-recommended", "aws_sqs_queue.events"),
        ],
    },
    Row {
        args: &["terraform/producers.plan.json"],
        exit: 1,
        expected: &[
            ("producer-aws-managed-key", "aws_sns_topic_subscription.alerts"),
            ("producer-queue-policy-missing-grant", "aws_s3_bucket_notification.uploads"),
        ],
    },
    Row {
        args: &["terraform/first-apply.plan.json"],
        exit: 1,
        expected: &[
            ("batch-window-required", "aws_lambda_event_source_mapping.jobs"),
            ("check-skipped", "aws_iam_role.worker"),
            ("check-skipped", "aws_iam_role_policy.consume"),
            ("check-skipped", "aws_sqs_queue.jobs"),
            ("visibility-timeout-below-function-timeout", "aws_sqs_queue.jobs"),
        ],
    },
    Row {
        args: &["terraform/module.plan.json"],
        exit: 1,
        expected: &[
            ("check-skipped", "aws_sqs_queue.orders"),
            ("dlq-type-mismatch", "aws_sqs_queue.orders"),
            ("function-throttled", "module.worker.aws_lambda_function.this[0]"),
            ("max-concurrency-out-of-range", "module.worker.aws_lambda_event_source_mapping.this"),
            ("role-missing-permission", "module.worker.aws_iam_role.this"),
        ],
    },
];

#[test]
fn the_fixture_table_reports_exact_codes_and_lines() {
    let mut failures = Vec::new();
    for row in TABLE {
        let mut args: Vec<String> = row.args.iter().map(|a| a.to_string()).collect();
        args[0] = fixture(&args[0]);
        args.extend(["-o".to_owned(), "json".to_owned()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = lint(&args);
        if run.code != row.exit {
            failures.push(format!(
                "{:?}: exit {} (expected {})\n{}{}",
                row.args, run.code, row.exit, run.stdout, run.stderr
            ));
            continue;
        }
        let doc = run.json();
        let mut expected: Vec<(String, String)> =
            row.expected.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
        expected.sort();
        let got = places(&doc);
        if got != expected {
            failures.push(format!("{:?}:\n  got      {got:?}\n  expected {expected:?}", row.args));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn text_output_names_file_line_and_column() {
    let run = lint(&[&fixture("visibility-batch.yaml")]);
    run.expect_code(1);
    assert!(
        run.stdout.contains(
            "tests/fixtures/lint/visibility-batch.yaml:6:26: error visibility-timeout-below-function-timeout"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("fix: set the queue's VisibilityTimeout to 720 or more"), "{}", run.stdout);
    assert!(run.stdout.contains("1 file, 1 trigger: 2 errors, 1 warning, 0 notes"), "{}", run.stdout);
}

#[test]
fn plans_name_the_resource_address_and_formats_can_be_forced() {
    let run = lint(&[&fixture("terraform/module.plan.json"), "--format", "terraform-plan"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains(
            "tests/fixtures/lint/terraform/module.plan.json (module.worker.aws_lambda_function.this[0]): error function-throttled"
        ),
        "{}",
        run.stdout
    );
    // A template read as a plan, and a plan read as a template: exit 2, naming the file.
    let run = lint(&[&fixture("healthy.yaml"), "--format", "terraform-plan"]);
    run.expect_code(2);
    assert!(run.stderr.contains("tests/fixtures/lint/healthy.yaml:1:1:"), "{}", run.stderr);
    let run = lint(&[&fixture("terraform/module.plan.json"), "--format", "cloudformation"]);
    run.expect_code(2);
    assert!(run.stderr.contains("not a CloudFormation template"), "{}", run.stderr);
}

#[test]
fn a_finding_of_one_branch_of_an_undecidable_condition_says_which() {
    let run = lint(&[&fixture("conditions-both-ways.json"), "-o", "json"]);
    run.expect_code(1);
    let doc = run.json();
    let message = doc["findings"][0]["message"].as_str().unwrap();
    assert!(message.ends_with("(when condition IsLive is true)"), "{message}");
    assert_eq!(doc["files"][0]["triggers"].as_array().unwrap().len(), 1, "one mapping, checked both ways");
}

#[test]
fn hostile_files_stop_early() {
    // An alias bomb (10^15 nodes if expanded) and nesting far past the limit: exit 2 within
    // seconds, not after exhausting memory. (Measured on a debug build: the bomb stops after
    // about a second at under 100 MB.)
    let dir = std::env::temp_dir().join(support::unique("sqs-trigger-lint-hostile"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..16 {
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
    }
    let deep: String = (0..120).map(|i| format!("{}- k{i}:\n", "  ".repeat(i))).collect();
    for (name, text) in [("bomb.yaml", bomb), ("deep.yaml", deep)] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let started = std::time::Instant::now();
        let run = lint(&[path.to_str().unwrap()]);
        run.expect_code(2);
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{name}: {:?}", started.elapsed());
        assert!(run.stderr.contains(&format!("{name}:")), "{}", run.stderr);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn github_annotations_land_on_the_template_lines() {
    let run = lint(&[&fixture("visibility-batch.yaml"), "--report", "github"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains(
            "::error file=tests/fixtures/lint/visibility-batch.yaml,line=6,col=26,title=visibility-timeout-below-function-timeout::"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn fail_on_warning_fails_a_file_with_warnings_only() {
    lint(&[&fixture("unresolvable.yaml")]).expect_code(0);
    lint(&[&fixture("unresolvable.yaml"), "--fail-on", "warning"]).expect_code(1);
}

#[test]
fn a_file_that_does_not_parse_is_exit_2_naming_file_line_and_column() {
    let run = lint(&[&fixture("malformed.yaml")]);
    run.expect_code(2);
    assert!(run.stderr.contains("tests/fixtures/lint/malformed.yaml:5:1:"), "{}", run.stderr);
    let run = lint(&[&fixture("malformed.yaml"), "-o", "json"]);
    run.expect_code(2);
    let doc = run.json();
    assert_eq!(doc["error"]["kind"], "usage");
    lint(&["tests/fixtures/lint/no-such-file.yaml"]).expect_code(2);
    lint(&[&fixture("healthy.yaml"), "--parameter", "novalue"]).expect_code(2);
    lint(&[&fixture("healthy.yaml"), "--account", "12"]).expect_code(2);
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("tests/schema/sarif-schema-2.1.0.json")).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let dir = std::env::temp_dir().join(format!("sqs-trigger-lint-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("lint.sarif");
    let report = format!("sarif={}", path.display());
    let run = lint(&[
        &fixture("visibility-batch.yaml"),
        &fixture("sam-globals-implicit-role.yaml"),
        &fixture("unresolvable.yaml"),
        &fixture("terraform/module.plan.json"),
        "--report",
        &report,
    ]);
    run.expect_code(1);
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = sarif_validator();
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{}\n{sarif:#}", errors.join("\n"));
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(rule["helpUri"].as_str().unwrap().ends_with(&format!("docs/findings/{id}.md")), "{rule}");
        assert!(repo_root().join(format!("docs/findings/{id}.md")).exists(), "{id} has a docs page");
    }
    let first = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "visibility-timeout-below-function-timeout")
        .expect("the visibility finding");
    let physical = &first["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "tests/fixtures/lint/visibility-batch.yaml");
    assert_eq!(physical["region"]["startLine"], 6);
    assert_eq!(physical["region"]["startColumn"], 26);
    assert_eq!(first["level"], "error");
    // Every result's ruleIndex points at its rule.
    for r in run0["results"].as_array().unwrap() {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    // A file that does not parse: exit 2, and still a valid SARIF log saying why.
    let run = lint(&[&fixture("malformed.yaml"), "--report", &report]);
    run.expect_code(2);
    let failed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let errors: Vec<String> = validator.iter_errors(&failed).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{}\n{failed:#}", errors.join("\n"));
    assert_eq!(failed["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert!(failed["runs"][0]["results"].as_array().unwrap().is_empty());
    // The other reports still refuse sarif.
    let dir_report = format!("sarif={}", dir.join("x.sarif").display());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sqs-trigger"));
    cmd.args(["doctor", "--queue", "q", "--report", &dir_report]);
    assert_eq!(run_cmd(&mut cmd).code, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_lint_document_matches_its_schema_and_lists_triggers() {
    let run = lint(&[&fixture("duplicate.yaml"), &fixture("cdk.out"), "-o", "json"]);
    run.expect_code(1);
    let doc = run.json();
    schema::validate(&doc);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[1]["path"], "tests/fixtures/lint/cdk.out/OrdersStack.template.json");
    let triggers: Vec<&str> = files[0]["triggers"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(triggers.contains(&"ToAlias: Queue → Worker:live"), "{triggers:?}");
}

/// `sqs-trigger lint … | head -1`: the reader went away before the report was written. As
/// ripgrep does, that ends quietly with exit 0 (the pipe's read end is closed before the
/// binary starts, so the write surely fails).
#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    for format in ["text", "json"] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_sqs-trigger"))
            .current_dir(repo_root())
            .args(["lint", &fixture("visibility-batch.yaml"), "-o", format])
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("run lint");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}: nothing on stderr");
    }
}
