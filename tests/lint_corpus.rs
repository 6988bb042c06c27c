//! `lint` on a corpus of public, real-world SAM/CloudFormation templates with SQS triggers
//! (tests/fixtures/lint-corpus/, each recorded unchanged under a header naming its source and
//! licence). A check is skipped only when an unknown value could change its verdict: on these
//! templates nothing the checks need is unknown (the `Ref`s and `GetAtt`s they cannot resolve
//! are of SNS topics, S3 buckets, DynamoDB tables and Kinesis streams, in statements that grant
//! nothing the poller needs), so no `check-skipped`; every other finding is pinned below, each
//! list read against its template.

use sqs_trigger_test_support as support;

use std::process::Command;

use support::{repo_root, run_cmd};

const CORPUS: &str = "tests/fixtures/lint-corpus";

/// Each template's findings as (code, line), sorted.
const EXPECTED: &[(&str, &[(&str, u64)])] = &[
    ("apigw-http-api-fifo-sqs-lambda-sns-sam", &[]),
    ("apigw-sqs-lambda", &[("dlq-missing", 14)]),
    ("fifo-sqs-redrive", &[("max-receive-count-low", 20), ("max-receive-count-low", 42)]),
    ("lambda-durable-esm-and-chaining", &[("max-receive-count-low", 30), ("visibility-timeout-below-recommended", 26)]),
    (
        "lambda-esm-sqs-filters-sam",
        &[
            ("dlq-missing", 23),
            ("dlq-missing", 37),
            ("dlq-missing", 55),
            ("dlq-missing", 72),
            ("dlq-missing", 97),
            ("dlq-missing", 114),
            ("filter-deletes-unmatched", 50),
            ("filter-deletes-unmatched", 68),
            ("filter-deletes-unmatched", 85),
            ("filter-deletes-unmatched", 110),
            ("filter-deletes-unmatched", 127),
        ],
    ),
    ("lambda-sns-sqs-lambda-sam-java", &[("dlq-missing", 54), ("visibility-timeout-below-recommended", 54)]),
    ("qldb-kinesis-lambda-dynamodb", &[]),
    ("s3-sqs-lambda", &[("dlq-missing", 40)]),
    (
        "serverless-message-processing",
        &[
            ("dlq-missing", 127),
            ("max-receive-count-low", 122),
            ("visibility-timeout-below-recommended", 123),
            ("visibility-timeout-below-recommended", 127),
        ],
    ),
    ("sns-sqs-lambda-rust-sam", &[("dlq-missing", 24), ("visibility-timeout-below-recommended", 24)]),
    ("sns-sqs-lambda-xray", &[("dlq-missing", 68)]),
    ("sqs-lambda-ddb-sam-ts", &[("visibility-timeout-below-recommended", 17)]),
    (
        "sqs-lambda-partial-batch-rust-sam",
        &[("max-receive-count-low", 32), ("visibility-timeout-below-recommended", 27)],
    ),
    ("sqs-lambda-python-sam", &[("max-receive-count-low", 15)]),
    ("sqs-lambda", &[("dlq-missing", 10)]),
];

/// The parameters a template's checks need and the file leaves without a `Default`: given, as
/// a user would give them (`--parameter`), so that nothing needed is unknown.
const PARAMETERS: &[(&str, &[&str])] = &[
    // The queue policy lets S3 send for `arn:aws:s3:::${SourceBucketName}`: the S3 producer's
    // check needs the bucket's name (without it: one check-skipped, tested below).
    ("s3-sqs-lambda", &["SourceBucketName=photos-in"]),
];

fn parameters(name: &str) -> Vec<&'static str> {
    PARAMETERS
        .iter()
        .filter(|(n, _)| *n == name)
        .flat_map(|(_, p)| p.iter().flat_map(|kv| ["--parameter", kv]))
        .collect()
}

fn lint(path: &str) -> support::Run {
    let name = std::path::Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    lint_with(path, &parameters(name))
}

fn lint_with(path: &str, extra: &[&str]) -> support::Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sqs-trigger"));
    cmd.current_dir(repo_root())
        .args(["lint", path, "-o", "json"])
        .args(extra)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    run_cmd(&mut cmd)
}

#[test]
fn every_template_names_its_source_and_licence_and_is_pinned() {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join(CORPUS))
        .expect("the corpus")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let pinned: Vec<String> = EXPECTED.iter().map(|(name, _)| format!("{name}.yaml")).collect();
    assert_eq!(names, pinned, "each template of the corpus has its expected findings here");
    for name in &names {
        let text = std::fs::read_to_string(repo_root().join(CORPUS).join(name)).unwrap();
        let header: Vec<&str> = text.lines().take(3).collect();
        assert!(header.iter().any(|l| l.starts_with("# Source: https://github.com/")), "{name}: {header:?}");
        assert!(header.iter().any(|l| l.starts_with("# Licence: ")), "{name}: {header:?}");
    }
}

#[test]
fn the_corpus_skips_no_check_and_reports_exactly_the_pinned_findings() {
    let mut failures = Vec::new();
    for (name, expected) in EXPECTED {
        let run = lint(&format!("{CORPUS}/{name}.yaml"));
        // Every pinned finding of this corpus is a warning or a note: exit 0.
        if run.code != 0 {
            failures.push(format!("{name}: exit {}\n{}{}", run.code, run.stdout, run.stderr));
            continue;
        }
        let doc = run.json();
        let mut got: Vec<(String, u64)> = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| (f["code"].as_str().unwrap().to_owned(), f["location"]["line"].as_u64().unwrap_or(0)))
            .collect();
        got.sort();
        let skipped: Vec<&(String, u64)> = got.iter().filter(|(code, _)| code == "check-skipped").collect();
        if !skipped.is_empty() {
            failures.push(format!("{name}: check-skipped where nothing needed is unknown: {skipped:?}"));
        }
        let want: Vec<(String, u64)> = expected.iter().map(|(c, l)| ((*c).to_owned(), *l)).collect();
        if got != want {
            failures.push(format!("{name}:\n  got      {got:?}\n  expected {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_unknown_the_producer_check_needs_is_one_check_skipped() {
    // Without the bucket's name, whether the queue policy lets the bucket send is unknown: the
    // producer's check is skipped (naming the statement and the parameter), not failed.
    let run = lint_with(&format!("{CORPUS}/s3-sqs-lambda.yaml"), &[]);
    run.expect_code(0);
    let findings = run.findings();
    let skipped: Vec<&serde_json::Value> = findings.iter().filter(|f| f["code"] == "check-skipped").collect();
    assert_eq!(skipped.len(), 1, "{}", run.stdout);
    let message = skipped[0]["message"].as_str().unwrap();
    assert!(message.contains("s3.amazonaws.com") && message.contains("SourceBucketName"), "{message}");
    assert!(!findings.iter().any(|f| f["code"] == "producer-queue-policy-missing-grant"), "{}", run.stdout);
}
