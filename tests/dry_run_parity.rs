//! `setup --dry-run` decides as the real run does (DESIGN.md, "A dry run decides as the real
//! run does"): for each fixture, the dry run first, then the same command for real, on the
//! emulator. The dry run's steps, verdict and exit code must be the real run's: `would-create`
//! where the real run creates, `would-refuse` at the step where it stops, the same exit code.
//! The real run passes `--no-probe` (what only a sent message can tell is not a decision a dry
//! run can make; the dry run says it sends nothing), and so does the dry run.

use sqs_trigger_test_support as support;

use support::{Emulator, FULL_POLLER_POLICY, emulator, handlers, unique};

/// The logs actions only: the poller's three actions are missing, all fixable inline.
const LOGS_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;

/// Everything allowed, but sqs:DeleteMessage explicitly denied: no inline policy can grant it.
const DENIES_DELETE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},{"Effect":"Deny","Action":"sqs:DeleteMessage","Resource":"*"}]}"#;

/// sqs:ReceiveMessage missing (an inline policy could add it) and sqs:DeleteMessage denied
/// (none could): --fix would grant one and still leave the role unable to poll.
const PARTLY_FIXABLE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},{"Effect":"Deny","Action":"sqs:DeleteMessage","Resource":"*"}]}"#;

/// One fixture: a function (with a role of `policy`), maybe something done before, then the
/// flags both runs get, and where the real run ends (its verdict and exit code), so a fixture
/// that stopped testing its case shows.
struct Fixture {
    name: &'static str,
    policy: &'static str,
    /// Put the function in this state (moto keeps every function Active).
    function_state: Option<&'static str>,
    /// Create no function at all.
    no_function: bool,
    /// Encrypt the new queue with a customer managed key (that the role is not granted).
    kms: bool,
    /// Run `setup` for real once before (with these flags): the queue and mapping exist.
    before: Option<&'static [&'static str]>,
    flags: &'static [&'static str],
    ends: (&'static str, i32),
}

const BASE: Fixture = Fixture {
    name: "",
    policy: FULL_POLLER_POLICY,
    function_state: None,
    no_function: false,
    kms: false,
    before: None,
    flags: &[],
    ends: ("complete", 0),
};

const FIX: &[&str] = &["--fix", "--yes"];
const AT_ROLE: (&str, i32) = ("stopped at role", 1);
const AT_MAPPING: (&str, i32) = ("stopped at mapping", 1);

const FIXTURES: &[Fixture] = &[
    Fixture { name: "healthy", ..BASE },
    Fixture { name: "function-failed", function_state: Some("Failed"), ends: AT_MAPPING, ..BASE },
    Fixture { name: "function-pending", function_state: Some("Pending"), ..BASE },
    Fixture {
        name: "function-failed-role-fixed",
        function_state: Some("Failed"),
        policy: LOGS_ONLY,
        flags: FIX,
        ends: AT_MAPPING,
        ..BASE
    },
    Fixture { name: "function-missing", no_function: true, ends: ("stopped at role", 3), ..BASE },
    Fixture { name: "role-missing-poller-actions", policy: LOGS_ONLY, ends: AT_ROLE, ..BASE },
    Fixture { name: "role-missing-poller-actions-fix", policy: LOGS_ONLY, flags: FIX, ..BASE },
    Fixture { name: "role-explicit-deny", policy: DENIES_DELETE, ends: AT_ROLE, ..BASE },
    Fixture { name: "role-explicit-deny-fix", policy: DENIES_DELETE, flags: FIX, ends: AT_ROLE, ..BASE },
    Fixture { name: "role-partly-fixable", policy: PARTLY_FIXABLE, ends: AT_ROLE, ..BASE },
    Fixture { name: "role-partly-fixable-fix", policy: PARTLY_FIXABLE, flags: FIX, ends: AT_ROLE, ..BASE },
    Fixture { name: "kms-missing-decrypt", kms: true, ends: AT_ROLE, ..BASE },
    Fixture { name: "kms-missing-decrypt-fix", kms: true, flags: FIX, ..BASE },
    Fixture { name: "existing-mapping", before: Some(&[]), ..BASE },
    Fixture { name: "existing-mapping-updated", before: Some(&[]), flags: &["--batch-size", "5", "--update"], ..BASE },
];

/// What a run decided: each step's outcome (a dry run's words said as the real run's), the
/// verdict (likewise), the exit code.
#[derive(Debug, PartialEq, Eq)]
struct Decision {
    steps: Vec<(String, String)>,
    verdict: String,
    exit: i32,
}

fn decision(run: &support::Run, dry: bool) -> Decision {
    let doc = run.json();
    let as_real = |outcome: &str| -> String {
        if !dry {
            return outcome.to_owned();
        }
        match outcome {
            "would-create" => "created",
            "would-update" => "updated",
            "would-fix" => "fixed",
            "would-refuse" => "refused",
            other => other,
        }
        .to_owned()
    };
    let mut steps: Vec<(String, String)> = doc["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| (s["step"].as_str().unwrap().to_owned(), as_real(s["outcome"].as_str().unwrap())))
        .collect();
    let verdict = doc["verdict"].as_str().unwrap().to_owned();
    let verdict = match verdict.strip_prefix("planned; ").and_then(|v| v.strip_suffix(" would refuse")) {
        Some(step) => format!("stopped at {step}"),
        None if verdict == "planned" => "complete".to_owned(),
        None => verdict,
    };
    // A dry run goes past a step that would refuse, to show the whole plan; the real run stops
    // there. The decisions compared are the real run's: up to the step it stops at.
    if let Some(stop) = verdict.strip_prefix("stopped at ")
        && let Some(at) = steps.iter().position(|(name, _)| name == stop)
    {
        steps.truncate(at + 1);
    }
    Decision { steps, verdict, exit: run.code }
}

fn prepare(emu: &Emulator, fixture: &Fixture) -> (String, String) {
    let function = unique("par-fn");
    if !fixture.no_function {
        let role = unique("par-role");
        let role_arn = emu.create_role(&role, "lambda.amazonaws.com", Some(fixture.policy), &[]);
        emu.create_function(&function, &role_arn, handlers::ECHO, 3);
        if let Some(state) = fixture.function_state {
            let spec = serde_json::json!({
                "function": function, "state": state,
                "reason": "The subnet has no free IP addresses", "reason_code": "SubnetOutOfIPAddresses",
            });
            let (status, body) = emu.http("POST", "/_emulator/function-state", Some(&spec.to_string())).unwrap();
            assert_eq!(status, 200, "{body}");
        }
    }
    (function, unique("par-q"))
}

fn setup(emu: &Emulator, function: &str, queue: &str, extra: &[&str]) -> support::Run {
    let mut args = vec!["setup", "--function", function, "--queue", queue, "--no-probe", "-o", "json"];
    args.extend_from_slice(extra);
    emu.run(&args)
}

#[test]
fn the_dry_run_decides_as_the_real_run() {
    let emu = emulator();
    let key_arn = emu.block_on(async {
        let key = emu.kms().create_key().send().await.unwrap();
        key.key_metadata().unwrap().arn().unwrap().to_owned()
    });
    let mut mismatches = Vec::new();
    for fixture in FIXTURES {
        let (function, queue) = prepare(emu, fixture);
        let mut flags: Vec<&str> = fixture.flags.to_vec();
        if fixture.kms {
            flags.extend(["--kms-key", key_arn.as_str()]);
        }
        if let Some(before) = fixture.before {
            setup(emu, &function, &queue, before).expect_code(0);
        }
        let dry_flags: Vec<&str> = flags.iter().copied().chain(["--dry-run"]).collect();
        let dry_run = setup(emu, &function, &queue, &dry_flags);
        let real_run = setup(emu, &function, &queue, &flags);
        let (dry, real) = (decision(&dry_run, true), decision(&real_run, false));
        if dry != real {
            mismatches.push(format!(
                "{}:\n  dry run  {dry:?}\n  real run {real:?}\n  dry run said:\n{}",
                fixture.name, dry_run.stdout
            ));
        }
        if (real.verdict.as_str(), real.exit) != fixture.ends {
            mismatches.push(format!(
                "{}: the real run ended {real:?}, expected {:?}\n{}{}",
                fixture.name, fixture.ends, real_run.stdout, real_run.stderr
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// What the dry run tells the user to do is what works: where an inline policy cannot grant
/// what is missing, it does not send the user to --fix; where it can, it does.
#[test]
fn the_dry_run_sends_to_fix_only_what_fix_can_do() {
    let emu = emulator();
    let summary = |policy: &'static str| {
        let (function, queue) = prepare(emu, &Fixture { policy, ..BASE });
        let dry = setup(emu, &function, &queue, &["--dry-run"]);
        dry.expect_code(1);
        let role = dry.json()["steps"][1].clone();
        assert_eq!(role["outcome"], "would-refuse", "{}", dry.stdout);
        role["summary"].as_str().unwrap().to_owned()
    };
    let denied = summary(DENIES_DELETE);
    assert!(!denied.contains("re-run with --fix"), "{denied}");
    assert!(denied.contains("cannot be granted by an inline policy"), "{denied}");
    let partly = summary(PARTLY_FIXABLE);
    assert!(!partly.contains("re-run with --fix"), "{partly}");
    assert!(partly.contains("--fix would grant sqs:ReceiveMessage"), "{partly}");
    let fixable = summary(LOGS_ONLY);
    assert!(fixable.contains("re-run with --fix"), "{fixable}");
}
