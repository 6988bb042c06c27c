//! `doctor --all` at account and organization scale: each distinct fact read once (counted
//! from the emulator's request log), many accounts through an assumed role, many regions, and
//! an account or region that cannot be audited reported as `check-skipped`, not an abort.

use sqs_trigger_test_support as support;

use std::collections::HashMap;
use std::process::Command;

use serde_json::Value;
use support::Emulator;

/// Seeds triggers with tests/emulator/fleet.py (see its --help); returns what it made.
fn seed(emu: &Emulator, args: &[&str]) -> Value {
    let python = support::repo_root().join(".venv/bin/python");
    let out = Command::new(python)
        .arg(support::repo_root().join("tests/emulator/fleet.py"))
        .args(["--endpoint-url", &emu.endpoint])
        .args(args)
        .output()
        .expect("run fleet.py");
    assert!(out.status.success(), "fleet.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("fleet.py prints JSON")
}

trait Delay {
    fn arm_fault_with_delay(&self, operation: &str, seconds: f64);
}

impl Delay for Emulator {
    /// The next request of `operation` is answered (throttled) only after `seconds`.
    fn arm_fault_with_delay(&self, operation: &str, seconds: f64) {
        let spec = serde_json::json!({"operation": operation, "error": "throttling", "count": 1, "delay": seconds});
        let (status, body) = self.http("POST", "/_emulator/faults", Some(&spec.to_string())).expect("arm");
        assert_eq!(status, 201, "{body}");
    }
}

/// Requests the tool made that the emulator answered (throttled attempts left out), by
/// operation.
fn answered(emu: &Emulator) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in emu.tool_requests().iter().filter(|r| r["faulted"].is_null()) {
        *counts.entry(r["operation"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    counts
}

#[test]
fn forty_triggers_sharing_one_role_read_each_role_fact_once() {
    // IAM limited to 10 requests a second: the audit stays within it by reading less, and
    // retries what is throttled.
    let emu = Emulator::start_with(&[("SQS_TRIGGER_EMULATOR_RATE_LIMIT", "iam=10")]);
    seed(&emu, &["--triggers", "40", "--roles", "1", "--managed", "1", "--prefix", "shared"]);
    // Whether the rate limit is reached depends on timing: one throttle is certain.
    emu.arm_fault("GetRole", "Throttling", 1, None);
    let run = emu.run(&["doctor", "--all", "--concurrency", "16", "-o", "json"]);
    let json = run.json();
    assert_eq!(json["summary"]["triggers"], 40, "{}", run.stderr);
    let counts = answered(&emu);
    let one = |op: &str| assert_eq!(counts.get(op).copied().unwrap_or(0), 1, "{op} answered once: {counts:?}");
    for op in [
        "GetCallerIdentity",
        "GetRole",
        "ListRolePolicies",
        "ListAttachedRolePolicies",
        "GetRolePolicy",
        "GetPolicy",
        "GetPolicyVersion",
        "ListEventSourceMappings",
    ] {
        one(op);
    }
    // Each queue and function is read once, by the one trigger that has it.
    for op in ["GetFunction", "GetQueueAttributes"] {
        assert_eq!(counts.get(op).copied(), Some(40), "{op}: {counts:?}");
    }
    // The summary counts the requests the tool sent, what was retried and what was throttled
    // (a simulation dropped in flight, when its sibling failed, may never reach the log).
    let attempts = emu.tool_requests().len() as u64;
    let requests = &json["requests"];
    let (sent, retried) = (requests["requests"].as_u64().unwrap(), requests["retried"].as_u64().unwrap());
    assert!(sent + retried >= attempts && sent + retried <= attempts + 10, "{requests} vs {attempts} in the log");
    let throttled = emu.tool_requests().iter().filter(|r| r["faulted"] == "Throttling").count() as u64;
    // (A request dropped in flight, beside a simulation that failed, is in the log only.)
    let counted = requests["throttled"].as_u64().unwrap();
    assert!(counted > 0 && counted <= throttled, "{requests} vs {throttled} throttled in the log");
}

#[test]
fn three_accounts_in_two_regions_with_one_role_not_assumable() {
    let emu = Emulator::start();
    let accounts = "111111111111,222222222222,333333333333";
    seed(
        &emu,
        &[
            "--accounts",
            accounts,
            "--regions",
            "us-east-1,eu-west-1",
            "--triggers",
            "2",
            "--prefix",
            "org",
            "--no-audit-role",
            "333333333333",
        ],
    );
    let run = emu.run(&[
        "doctor",
        "--all",
        "--accounts",
        accounts,
        "--assume-role",
        "auditor",
        "--regions",
        "us-east-1,eu-west-1",
        "-o",
        "json",
    ]);
    let json = run.json();
    assert_eq!(json["summary"]["triggers"], 8, "two accounts × two regions × two triggers: {}", run.stdout);
    let groups = json["groups"].as_array().unwrap();
    let group = |account: &str, region: Option<&str>| {
        groups
            .iter()
            .find(|g| g["account"] == account && g["region"].as_str() == region)
            .unwrap_or_else(|| panic!("no group {account} {region:?}: {groups:?}"))
    };
    for account in ["111111111111", "222222222222"] {
        for region in ["us-east-1", "eu-west-1"] {
            assert_eq!(group(account, Some(region))["triggers"], 2);
        }
    }
    let skipped = group("333333333333", None);
    assert!(skipped["skipped"].as_str().unwrap().contains("sts:AssumeRole"), "{skipped}");
    let rows = json["triggers"].as_array().unwrap();
    let row = rows.iter().find(|d| d["account"] == "333333333333").expect("a row for the skipped account");
    assert_eq!(row["findings"][0]["code"], "check-skipped");
    assert!(row["findings"][0]["resource"].as_str().unwrap().contains("role/auditor"), "{row}");
    // Every trigger is labelled with its own account, and read with that account's credentials.
    for d in rows.iter().filter(|d| !d["queue"].is_null()) {
        let account = d["account"].as_str().unwrap();
        assert!(d["queue"]["arn"].as_str().unwrap().contains(account), "{d}");
    }
    let requests = emu.tool_requests();
    for r in requests.iter().filter(|r| r["service"] == "lambda" || r["service"] == "sqs" || r["service"] == "iam") {
        assert_ne!(r["account"], "123456789012", "the caller's credentials audit no other account: {r}");
        assert_ne!(r["account"], "333333333333", "nothing is read in the skipped account: {r}");
    }
    let assumed: Vec<&Value> = requests.iter().filter(|r| r["operation"] == "AssumeRole").collect();
    assert_eq!(assumed.len(), 3, "one AssumeRole per account");
    // A role is read once per account, whatever the number of regions.
    let role_reads = requests.iter().filter(|r| r["operation"] == "GetRole").count();
    assert_eq!(role_reads, 2, "one GetRole per audited account");
    let text = emu.run(&[
        "doctor",
        "--all",
        "--accounts",
        accounts,
        "--assume-role",
        "auditor",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
    ]);
    assert!(text.stdout.contains("== account 111111111111 · eu-west-1 =="), "{}", text.stdout);
    assert!(text.stdout.contains("check-skipped"), "{}", text.stdout);

    // --accounts-from organizations: the organization's active accounts, each through the role
    // (the new members have none: skipped, named).
    let members =
        seed(&emu, &["--organization", "2", "--triggers", "0", "--accounts", "444444444444", "--prefix", "o"]);
    let run =
        emu.run(&["doctor", "--all", "--accounts-from", "organizations", "--assume-role", "auditor", "-o", "json"]);
    let json = run.json();
    let groups = json["groups"].as_array().unwrap();
    for member in members["members"].as_array().unwrap() {
        let g = groups.iter().find(|g| &g["account"] == member).unwrap_or_else(|| panic!("{member}: {groups:?}"));
        assert!(g["skipped"].as_str().unwrap().contains("sts:AssumeRole"), "{g}");
    }
    assert!(groups.iter().any(|g| g["account"] == "123456789012"), "the management account is listed: {groups:?}");
}

#[test]
fn a_region_that_throttles_everything_is_skipped_with_the_reason() {
    let emu = Emulator::start();
    seed(&emu, &["--regions", "us-east-1,eu-west-1", "--triggers", "2", "--prefix", "thr"]);
    let fault = r#"{"operation": "*", "region": "eu-west-1", "error": "throttling", "count": 1000000}"#;
    let (status, body) = emu.http("POST", "/_emulator/faults", Some(fault)).expect("arm");
    assert_eq!(status, 201, "{body}");
    let run = emu.run(&["doctor", "--all", "--regions", "us-east-1,eu-west-1", "--max-attempts", "2", "-o", "json"]);
    let json = run.json();
    assert_eq!(json["summary"]["triggers"], 2, "{}", run.stdout);
    let groups = json["groups"].as_array().unwrap();
    let east = groups.iter().find(|g| g["region"] == "us-east-1").unwrap();
    assert_eq!(east["triggers"], 2);
    let west = groups.iter().find(|g| g["region"] == "eu-west-1").unwrap();
    assert!(west["skipped"].as_str().unwrap().contains("ThrottlingException"), "{west}");
    assert!(json["requests"]["throttled"].as_u64().unwrap() >= 2, "{}", json["requests"]);
    assert!(json["requests"]["retried"].as_u64().unwrap() >= 1, "{}", json["requests"]);

    // A trigger that cannot be read once its region was listed is a row of its own.
    emu.arm_fault("GetFunction", "500", 100, Some("thr-1"));
    let run = emu.run(&["doctor", "--all", "--regions", "us-east-1,eu-west-1", "--max-attempts", "1", "-o", "json"]);
    let json = run.json();
    let rows = json["triggers"].as_array().unwrap();
    let unread = rows
        .iter()
        .find(|d| d["findings"][0]["resource"].as_str().is_some_and(|r| r.contains("function:thr-1")))
        .unwrap_or_else(|| panic!("a row for the unreadable trigger: {}", run.stdout));
    assert_eq!(unread["findings"][0]["code"], "check-skipped");
    assert_eq!(unread["region"], "us-east-1");
    assert_eq!(json["summary"]["triggers"], 2, "{}", run.stdout);

    // Ctrl-C during a long audit: what was audited so far is printed, exit 130.
    let (status, _) = emu.http("DELETE", "/_emulator/faults", None).expect("clear faults");
    assert_eq!(status, 200);
    emu.arm_fault_with_delay("GetFunction", 10.0);
    let child = emu
        .cmd()
        .args(["doctor", "--all", "--concurrency", "1", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn doctor");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill -INT");
    assert!(interrupted.success());
    let out = child.wait_with_output().expect("doctor ends");
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("the partial report is JSON");
    support::schema::validate(&doc);
    assert_eq!(doc["interrupted"], true, "{doc}");
}

#[test]
fn bad_scope_flags_exit_2_before_any_request() {
    for args in [
        &["doctor", "--all", "--accounts", "12345", "--assume-role", "r"][..],
        &["doctor", "--all", "--accounts", "111111111111"],
        &["doctor", "--all", "--accounts", "111111111111", "--assume-role", "arn:aws:iam::1:role/r"],
        &["doctor", "--queue", "q", "--region", "us-east-1", "--region", "eu-west-1"],
        &["doctor", "--all", "--regions", "all", "--region", "us-east-1"],
        &["doctor", "--all", "--regions", "mars-1"],
        &["doctor", "--all", "--assume-role", "r"],
        &["mapping", "list", "--queue", "q", "-o", "jsonl"],
    ] {
        // A closed port: a request would fail with 3, not 2.
        let out = Command::new(env!("CARGO_BIN_EXE_sqs-trigger"))
            .args(args)
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
