//! lint agrees with doctor: every CloudFormation fixture is deployed on the emulator (moto's
//! CloudFormation, with the fidelity fixes of tests/emulator/aws_fidelity.py); where the stack
//! is created, `doctor` runs on each of its mappings and must report exactly the codes lint
//! reported before deploy, among the codes lint can decide (check-skipped aside: what a file
//! cannot tell differs from what an account cannot). Where the stack is refused, the refusal
//! must be one lint predicted (an error finding) unless it is a limit of the emulator, which the
//! test names. lint itself sends nothing: the emulator's request log proves it.

use sqs_trigger_test_support as support;

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;
use support::{emulator, repo_root, unique};

/// KEY=VALUE pairs.
type Pairs = &'static [(&'static str, &'static str)];

/// (fixture, CloudFormation parameters for lint and for the deploy, SSM values the template reads)
const FIXTURES: &[(&str, Pairs, Pairs)] = &[
    ("healthy.yaml", &[], &[]),
    ("visibility-batch.yaml", &[], &[]),
    ("fifo-standard-dlq.yaml", &[], &[]),
    ("throttled-filters.yaml", &[], &[]),
    ("trust-deny.yaml", &[], &[]),
    ("parameters-conditions.yaml", &[], &[]),
    ("parameters-conditions.yaml", &[("Env", "prod"), ("BatchSize", "10")], &[]),
    ("duplicate.yaml", &[], &[]),
    ("kms-disabled-key.yaml", &[], &[]),
    ("sam-globals-implicit-role.yaml", &[], &[]),
    ("sam-poller-template.yaml", &[], &[]),
    // `cdk bootstrap` writes the version parameter the synthesized template reads.
    ("cdk.out/OrdersStack.template.json", &[], &[("/cdk-bootstrap/hnb659fds/version", "21")]),
    ("unresolvable.yaml", &[], &[]),
    ("cross-region.yaml", &[], &[]),
    ("literal-role-arn.yaml", &[], &[]),
    ("queue-policy-deny.yaml", &[], &[]),
    ("conditions-both-ways.json", &[("Stage", "dev"), ("Names", "dev-events,dev-events-dlq")], &[]),
    ("conditions-both-ways.json", &[("Stage", "live"), ("Names", "live-events,live-events-dlq")], &[]),
];

fn codes(doc: &Value, key: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect(doc.get(key).unwrap_or(doc), &mut out);
    out.retain(|c| c != "check-skipped" && !LIVE_ONLY.contains(&c.as_str()));
    out
}

const LIVE_ONLY: [&str; 6] = [
    "kms-key-not-found",
    "mapping-missing",
    "mapping-disabled",
    "mapping-problem",
    "function-not-active",
    "probe-other-consumers",
];

fn collect(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let (Some(Value::String(code)), Some(Value::String(_))) = (map.get("code"), map.get("severity")) {
                out.insert(code.clone());
            }
            map.values().for_each(|v| collect(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// A refusal that says more about the emulator than about the template.
fn emulator_limit(reason: &str) -> bool {
    ["KeyError", "NotImplemented", "500 Internal Server Error", "AttributeError"].iter().any(|m| reason.contains(m))
}

#[test]
fn lint_reports_before_deploy_what_doctor_reports_after() {
    let emu = emulator();
    let python = repo_root().join(".venv/bin/python");
    let mut report = Vec::new();
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for (fixture, parameters, ssm) in FIXTURES {
        let path = repo_root().join("tests/fixtures/lint").join(fixture);
        let stack = unique("lint");
        // lint, with the emulator's endpoint and credentials at hand: it must use neither.
        let before = emu.tool_requests().len();
        let mut args: Vec<String> = vec!["lint".into(), path.display().to_string(), "-o".into(), "json".into()];
        // The account the stack is deployed into, as a CI job would say it.
        args.extend(["--stack-name".into(), stack.clone(), "--account".into(), support::ACCOUNT.into()]);
        for (k, v) in *parameters {
            args.extend(["--parameter".into(), format!("{k}={v}")]);
        }
        let lint = emu.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(emu.tool_requests().len(), before, "lint sent a request");
        let lint_doc = lint.json();
        let lint_codes = codes(&lint_doc, "findings");

        let mut deploy = Command::new(&python);
        deploy.arg(repo_root().join("tests/emulator/deploy_stack.py")).arg(&emu.endpoint).arg(&path).arg(&stack);
        for (k, v) in *parameters {
            deploy.args(["--parameter", &format!("{k}={v}")]);
        }
        for (k, v) in *ssm {
            deploy.args(["--ssm", &format!("{k}={v}")]);
        }
        let out = deploy.output().expect("run deploy_stack.py");
        let deployed: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("deploy_stack.py: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
        let status = deployed["status"].as_str().unwrap_or_default();
        let label = if parameters.is_empty() {
            fixture.to_string()
        } else {
            format!("{fixture} {}", parameters.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "))
        };
        if status != "CREATE_COMPLETE" {
            let reason = deployed["reason"].as_str().unwrap_or_default().to_owned();
            if emulator_limit(&reason) {
                report.push(format!("{label}: not deployable on the emulator ({})", first_line(&reason)));
            } else if reason.contains("Missing parameter") {
                // Values from outside the file: exactly what lint reported as check-skipped.
                report.push(format!("{label}: needs values from outside the file ({})", first_line(&reason)));
            } else {
                // AWS refuses it at deploy: lint must have said so before.
                if lint.code != 1 {
                    disagreements
                        .push(format!("{label}: the deploy was refused ({reason}) but lint exited {}", lint.code));
                }
                report.push(format!(
                    "{label}: refused at deploy ({}); lint had exited 1 with {lint_codes:?}",
                    first_line(&reason)
                ));
            }
            continue;
        }
        let mappings: Vec<&Value> = deployed["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "AWS::Lambda::EventSourceMapping")
            .collect();
        let mut doctor_codes = BTreeSet::new();
        for m in mappings {
            let uuid = m["physical"].as_str().unwrap().to_owned();
            let esm = emu
                .block_on(emu.lambda().get_event_source_mapping().uuid(&uuid).send())
                .unwrap_or_else(|e| panic!("{label}: mapping {uuid}: {e:?}"));
            let queue = esm.event_source_arn().unwrap().to_owned();
            let function = esm.function_arn().unwrap().to_owned();
            let doctor = emu.run(&["doctor", "--queue", &queue, "--function", &function, "-o", "json"]);
            doctor_codes.extend(codes(&doctor.json(), "triggers"));
        }
        compared += 1;
        if lint_codes != doctor_codes {
            disagreements.push(format!("{label}:\n  lint   {lint_codes:?}\n  doctor {doctor_codes:?}"));
        }
        report.push(format!("{label}: deployed; lint and doctor agree on {lint_codes:?}"));
    }
    println!("{}", report.join("\n"));
    assert!(disagreements.is_empty(), "{}\n\n{}", disagreements.join("\n"), report.join("\n"));
    assert!(compared >= 5, "at least five fixtures deploy and are compared:\n{}", report.join("\n"));
}

/// The error's own words: boto3 fails to parse the JSON errors of the Lambda API during a
/// CloudFormation call and quotes the body after `b'`.
fn first_line(text: &str) -> String {
    let text = text.split_once("b'").map_or(text, |(_, body)| body);
    text.lines().next().unwrap_or_default().chars().take(200).collect()
}
