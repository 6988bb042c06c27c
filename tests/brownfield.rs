//! The state-diff suite: sqs-trigger on an account full of resources other tools made.
//!
//! Each row starts a private emulator, seeds it directly with boto3 (an SSE-KMS queue, a DLQ
//! shared by two queues, a filtered disabled mapping, two functions on one queue, a mapping to
//! an alias beside one to the unqualified function, a role with other teams' policies, tags
//! of other teams, a queue policy: tests/emulator/brownfield.py), snapshots the whole account,
//! runs one command, snapshots again, and asserts:
//! - the difference is exactly what the row expects (so a command that silently does nothing
//!   fails too), and
//! - every difference is a write the command reported in its JSON `changed` list, and every
//!   write it reported is a difference (nothing unreported, nothing claimed falsely).

use sqs_trigger_test_support as support;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;
use support::{Emulator, INSTALL_HINT, repo_root};

type Snapshot = BTreeMap<String, BTreeMap<String, Value>>;

struct Account {
    emu: Emulator,
    seed: BTreeMap<String, String>,
}

fn python(emu: &Emulator, verb: &str) -> Value {
    let python = repo_root().join(".venv/bin/python");
    assert!(python.exists(), "the local AWS emulator is not installed: {}; {INSTALL_HINT}", python.display());
    let out = Command::new(&python)
        .arg(repo_root().join("tests/emulator/brownfield.py"))
        .args([verb, &emu.endpoint])
        .output()
        .expect("run brownfield.py");
    assert!(out.status.success(), "brownfield.py {verb} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("brownfield.py prints JSON")
}

impl Account {
    fn new() -> Account {
        // AWS's ~1,000 managed policies are not needed here (the seed's roles use inline and
        // customer managed policies), and loading them is most of an emulator's start.
        let emu = Emulator::start_with(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")]);
        let seed = python(&emu, "seed")
            .as_object()
            .expect("seed object")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect();
        Account { emu, seed }
    }

    fn snapshot(&self) -> Snapshot {
        serde_json::from_value(python(&self.emu, "snapshot")).expect("snapshot shape")
    }

    /// `{key}` in an argument is replaced by the seed's value for `key`.
    fn args(&self, args: &[&str]) -> Vec<String> {
        args.iter()
            .map(|a| {
                let mut a = a.to_string();
                for (k, v) in &self.seed {
                    a = a.replace(&format!("{{{k}}}"), v);
                }
                a
            })
            .collect()
    }

    fn run(&self, args: &[&str]) -> support::Run {
        let args = self.args(args);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.emu.run(&refs)
    }
}

/// A resource as people name it: `queue:orders`, `mapping:aliasq->worker:live`, `role:orders-role`.
fn label(arn: &str, fields: Option<&BTreeMap<String, Value>>) -> String {
    let last = |s: &str| s.rsplit(':').next().unwrap_or(s).to_owned();
    if arn.contains(":sqs:") {
        format!("queue:{}", last(arn))
    } else if arn.contains(":event-source-mapping:") || !arn.starts_with("arn:") {
        let field = |k: &str| fields.and_then(|f| f.get(k)).and_then(Value::as_str).unwrap_or("?").to_owned();
        let function = field("FunctionArn");
        let function = function.split(":function:").nth(1).unwrap_or("?").to_owned();
        format!("mapping:{}->{function}", last(&field("EventSourceArn")))
    } else if arn.contains(":role/") {
        format!("role:{}", arn.rsplit('/').next().unwrap_or(arn))
    } else if arn.contains(":function:") {
        format!("function:{}", arn.split(":function:").nth(1).unwrap_or(arn))
    } else {
        format!("key:{}", arn.rsplit('/').next().unwrap_or(arn))
    }
}

/// What differs, as `LABEL ATTRIBUTE` lines (`LABEL *created`, `LABEL *deleted`).
fn diff(before: &Snapshot, after: &Snapshot) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (arn, fields) in after {
        match before.get(arn) {
            None => {
                out.insert(format!("{} *created", label(arn, Some(fields))));
            }
            Some(old) => {
                for key in fields.keys().chain(old.keys()) {
                    if fields.get(key) != old.get(key) {
                        out.insert(format!("{} {key}", label(arn, Some(fields))));
                    }
                }
            }
        }
    }
    for (arn, fields) in before {
        if !after.contains_key(arn) {
            out.insert(format!("{} *deleted", label(arn, Some(fields))));
        }
    }
    out
}

/// The writes the command reported, keyed by resource ARN: the attributes it wrote.
fn declared(run: &support::Run) -> Vec<(String, String, Vec<String>)> {
    let json = run.json();
    let changed = json.get("changed").and_then(Value::as_array).cloned().unwrap_or_default();
    changed
        .iter()
        .map(|c| {
            let attrs = c["attributes"].as_array().cloned().unwrap_or_default();
            (
                c["action"].as_str().unwrap_or_default().to_owned(),
                c["resource"].as_str().unwrap_or_default().to_owned(),
                attrs.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect(),
            )
        })
        .collect()
}

/// Every difference is reported, and every reported write is a difference.
fn assert_reported(run: &support::Run, before: &Snapshot, after: &Snapshot) {
    let writes = declared(run);
    let arn_of_label = |wanted: &str| -> Vec<String> {
        after.iter().chain(before.iter()).filter(|(a, f)| label(a, Some(f)) == wanted).map(|(a, _)| a.clone()).collect()
    };
    for line in diff(before, after) {
        let (lbl, attr) = line.split_once(' ').unwrap_or((&line, ""));
        let arns = arn_of_label(lbl);
        let covered = writes.iter().any(|(action, resource, attrs)| {
            arns.contains(resource)
                && match attr {
                    "*created" => action.starts_with("create-"),
                    "*deleted" => action.starts_with("delete-"),
                    _ => attrs.iter().any(|a| a == attr) || (action == "set-queue-attributes" && encryption(attr)),
                }
        });
        assert!(covered, "`{line}` changed but the command did not report it; it reported {writes:?}");
    }
    for (action, resource, attrs) in &writes {
        if action == "send-message" {
            continue;
        }
        let changed = before.get(resource) != after.get(resource);
        assert!(changed, "the command reported {action} {resource} {attrs:?}, but it did not change");
    }
}

/// SQS moves the encryption attributes together (a KMS key turns SSE-SQS off and back).
fn encryption(attr: &str) -> bool {
    matches!(attr, "KmsMasterKeyId" | "SqsManagedSseEnabled" | "KmsDataKeyReusePeriodSeconds")
}

struct Row {
    /// Commands run before the first snapshot (a trigger this tool made, for teardown).
    before: &'static [&'static [&'static str]],
    args: &'static [&'static str],
    code: i32,
    /// Exactly what changes, as `LABEL ATTRIBUTE` lines.
    changes: &'static [&'static str],
}

fn check(row: Row) -> (Account, support::Run) {
    let account = Account::new();
    for args in row.before {
        account.run(args).expect_code(0);
    }
    let before = account.snapshot();
    let mut args: Vec<&str> = row.args.to_vec();
    args.extend(["-o", "json"]);
    let run = account.run(&args);
    run.expect_code(row.code);
    let after = account.snapshot();
    let got = diff(&before, &after);
    let want: BTreeSet<String> = row.changes.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want, "what changed\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    if row.code != 2 {
        assert_reported(&run, &before, &after);
    }
    (account, run)
}

macro_rules! rows {
    ($($name:ident: $row:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check($row);
            }
        )*
    };
}

const NOTHING: &[&str] = &[];
const NO_BEFORE: &[&[&str]] = &[];

rows! {
    // --- queue create on existing queues: only what the flags name ---
    queue_create_existing_without_flags_changes_nothing: Row {
        before: NO_BEFORE, args: &["queue", "create", "orders"], code: 0, changes: NOTHING };
    queue_create_update_without_flags_changes_nothing: Row {
        before: NO_BEFORE, args: &["queue", "create", "orders", "--update"], code: 0, changes: NOTHING };
    doctor_dlq_fix_sets_only_the_redrive_policy: Row {
        before: NO_BEFORE,
        args: &["queue", "create", "orders", "--dlq", "orders-dlq", "--update"],
        code: 0,
        changes: &["queue:orders RedrivePolicy", "queue:orders-dlq *created"] };
    queue_create_differing_flag_without_update_is_refused: Row {
        before: NO_BEFORE, args: &["queue", "create", "orders", "--visibility-timeout", "2m"], code: 1,
        changes: NOTHING };
    queue_create_update_changes_only_the_visibility_timeout: Row {
        before: NO_BEFORE, args: &["queue", "create", "orders", "--visibility-timeout", "2m", "--update"], code: 0,
        changes: &["queue:orders VisibilityTimeout"] };
    queue_create_update_adds_only_the_given_tag: Row {
        before: NO_BEFORE, args: &["queue", "create", "orders", "--tag", "env=prod", "--update"], code: 0,
        changes: &["queue:orders tag:env"] };
    kms_to_sse_sqs_needs_yes_off_a_terminal: Row {
        before: NO_BEFORE, args: &["queue", "create", "orders", "--sse-sqs", "--update"], code: 1, changes: NOTHING };
    kms_to_sse_sqs_with_update_and_yes: Row {
        before: NO_BEFORE, args: &["queue", "create", "orders", "--sse-sqs", "--update", "--yes"], code: 0,
        changes: &["queue:orders KmsMasterKeyId", "queue:orders KmsDataKeyReusePeriodSeconds"] };
    dropping_the_dlq_needs_yes_off_a_terminal: Row {
        before: NO_BEFORE, args: &["queue", "create", "payments", "--no-dlq", "--update"], code: 1, changes: NOTHING };
    dropping_the_dlq_with_update_and_yes_touches_neither_dlq_nor_key: Row {
        before: NO_BEFORE, args: &["queue", "create", "payments", "--no-dlq", "--update", "--yes"], code: 0,
        changes: &["queue:payments RedrivePolicy"] };
    max_receive_count_changes_only_the_redrive_policy: Row {
        before: NO_BEFORE, args: &["queue", "create", "payments", "--max-receive-count", "6", "--update"], code: 0,
        changes: &["queue:payments RedrivePolicy"] };
    a_shared_dlq_named_by_the_user_is_never_changed: Row {
        before: NO_BEFORE,
        args: &["queue", "create", "queue-a", "--dlq", "shared-dlq", "--kms-key", "alias/orders", "--update"],
        code: 0,
        changes: &["queue:queue-a KmsMasterKeyId", "queue:queue-a SqsManagedSseEnabled",
                   "queue:queue-a KmsDataKeyReusePeriodSeconds"] };
    a_new_queue_may_use_an_existing_dlq_as_it_is: Row {
        before: NO_BEFORE, args: &["queue", "create", "fresh", "--dlq", "shared-dlq"], code: 0,
        changes: &["queue:fresh *created"] };
    a_new_queue_gets_its_own_dlq: Row {
        before: NO_BEFORE, args: &["queue", "create", "brandnew"], code: 0,
        changes: &["queue:brandnew *created", "queue:brandnew-dlq *created"] };

    // --- setup on existing triggers ---
    setup_reproduction_keeps_filter_state_and_dlq: Row {
        before: NO_BEFORE,
        args: &["setup", "--function", "payments-worker", "--queue", "payments", "--update",
                "--dlq", "orders-deadletter", "--max-receive-count", "3", "--kms-key", "alias/orders",
                "--batch-size", "50", "--batch-window", "5s", "--yes", "--no-probe"],
        code: 0, changes: NOTHING };
    setup_converged_trigger_changes_nothing: Row {
        before: NO_BEFORE, args: &["setup", "--function", "orders-worker", "--queue", "orders", "--no-probe"],
        code: 0, changes: NOTHING };
    setup_changes_only_the_mapping_settings_given: Row {
        before: NO_BEFORE,
        args: &["setup", "--function", "orders-worker", "--queue", "orders", "--batch-size", "20",
                "--batch-window", "2s", "--no-probe"],
        code: 0,
        changes: &["mapping:orders->orders-worker BatchSize",
                   "mapping:orders->orders-worker MaximumBatchingWindowInSeconds"] };
    setup_on_a_queue_of_another_account_is_refused: Row {
        before: NO_BEFORE,
        args: &["setup", "--function", "orders-worker", "--queue", "arn:aws:sqs:us-east-1:210987654321:orders",
                "--no-probe"],
        code: 1, changes: NOTHING };
    setup_on_a_queue_of_another_region_is_refused: Row {
        before: NO_BEFORE,
        args: &["setup", "--function", "orders-worker", "--queue",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/orders", "--no-probe"],
        code: 2, changes: NOTHING };

    // --- mapping create / delete on existing mappings ---
    mapping_create_without_flags_keeps_filter_and_disabled: Row {
        before: NO_BEFORE, args: &["mapping", "create", "-f", "payments-worker", "-Q", "payments"], code: 0,
        changes: NOTHING };
    mapping_enable_changes_only_enabled: Row {
        before: NO_BEFORE, args: &["mapping", "create", "-f", "payments-worker", "-Q", "payments", "--enable"],
        code: 0, changes: &["mapping:payments->payments-worker Enabled"] };
    mapping_clear_filters_changes_only_the_filters: Row {
        before: NO_BEFORE,
        args: &["mapping", "create", "-f", "payments-worker", "-Q", "payments", "--clear-filters"],
        code: 0, changes: &["mapping:payments->payments-worker FilterCriteria"] };
    mapping_batch_size_changes_only_the_batch_size: Row {
        before: NO_BEFORE,
        args: &["mapping", "create", "-f", "payments-worker", "-Q", "payments", "--batch-size", "60"],
        code: 0, changes: &["mapping:payments->payments-worker BatchSize"] };
    mapping_create_for_an_alias_updates_only_the_alias_mapping: Row {
        before: NO_BEFORE, args: &["mapping", "create", "-f", "{worker_live}", "-Q", "aliasq", "--batch-size", "3"],
        code: 0, changes: &["mapping:aliasq->worker:live BatchSize"] };
    mapping_create_for_the_function_updates_only_its_own_mapping: Row {
        before: NO_BEFORE, args: &["mapping", "create", "-f", "worker", "-Q", "aliasq", "--batch-size", "4"],
        code: 0, changes: &["mapping:aliasq->worker BatchSize"] };
    mapping_delete_of_an_alias_deletes_only_that_mapping: Row {
        before: NO_BEFORE, args: &["mapping", "delete", "-f", "{worker_live}", "-Q", "aliasq", "--yes"], code: 0,
        changes: &["mapping:aliasq->worker:live *deleted"] };
    mapping_delete_of_the_function_keeps_the_alias_mapping: Row {
        before: NO_BEFORE, args: &["mapping", "delete", "-f", "worker", "-Q", "aliasq", "--yes"], code: 0,
        changes: &["mapping:aliasq->worker *deleted"] };
    mapping_create_new_is_tagged_as_ours: Row {
        before: NO_BEFORE, args: &["mapping", "create", "-f", "fn1", "-Q", "plain"], code: 0,
        changes: &["mapping:plain->fn1 *created"] };

    // --- role check --fix ---
    role_fix_adds_only_its_inline_policy: Row {
        before: NO_BEFORE, args: &["role", "check", "-f", "partial-worker", "-Q", "orders", "--fix", "--yes"],
        code: 0, changes: &["role:partial-role policy:sqs-trigger-orders"] };
    role_fix_of_another_accounts_role_is_refused: Row {
        before: NO_BEFORE,
        args: &["role", "check", "-f", "partial-worker", "-Q", "orders",
                "--role", "arn:aws:iam::210987654321:role/partial-role", "--fix", "--yes"],
        code: 1, changes: NOTHING };

    // --- teardown ---
    teardown_of_an_untagged_trigger_deletes_nothing: Row {
        before: NO_BEFORE, args: &["teardown", "--queue", "payments", "--yes"], code: 0, changes: NOTHING };
    teardown_dry_run_deletes_nothing: Row {
        before: NO_BEFORE, args: &["teardown", "--queue", "orders", "--dry-run"], code: 0, changes: NOTHING };
    teardown_of_another_functions_untagged_mapping_deletes_nothing: Row {
        before: NO_BEFORE, args: &["teardown", "--queue", "twofn", "--function", "fn1", "--yes"], code: 0,
        changes: NOTHING };
    teardown_deletes_exactly_what_setup_made: Row {
        before: &[&["setup", "--function", "fn2", "--queue", "ours", "--no-probe", "--yes"]],
        args: &["teardown", "--queue", "ours", "--yes"],
        code: 0,
        changes: &["mapping:ours->fn2 *deleted", "queue:ours *deleted", "queue:ours-dlq *deleted"] };
    teardown_keeps_a_queue_that_also_has_a_mapping_of_another_tool: Row {
        before: &[&["mapping", "create", "-f", "fn1", "-Q", "plain"]],
        args: &["teardown", "--queue", "plain", "--yes"],
        code: 0,
        changes: &["mapping:plain->fn1 *deleted"] };
}

/// The probe never sends to a queue another mapping reads.
#[test]
fn probe_refuses_a_queue_another_function_reads() {
    let (_account, run) = check(Row {
        before: NO_BEFORE,
        args: &["probe", "-f", "fn1", "-Q", "twofn", "--timeout", "5s"],
        code: 1,
        changes: NOTHING,
    });
    let json = run.json();
    assert_eq!(json["verdict"], "not-sent");
    assert!(run.finding_codes().contains(&"probe-other-consumers".to_owned()), "{}", run.stdout);
    assert!(json["findings"][0]["message"].as_str().unwrap_or_default().contains("fn2"), "{}", run.stdout);
}

/// Reproduction 1 of the issue, end to end: doctor's DLQ advice, followed as printed, keeps
/// the key and the tags, and teardown then leaves the queue alone.
#[test]
fn doctor_advice_on_an_encrypted_queue_keeps_its_key_and_ownership() {
    let account = Account::new();
    let doctor = account.run(&["doctor", "--queue", "orders", "-o", "json"]);
    let fixes = fix_commands(&doctor.json());
    let dlq_fix = fixes.iter().find(|f| f.contains("--dlq")).expect("a DLQ fix").clone();
    assert_eq!(dlq_fix, "sqs-trigger queue create orders --dlq orders-dlq --update");
    let before = account.snapshot();
    let words: Vec<&str> = dlq_fix.split_whitespace().skip(1).collect();
    let mut args = words.clone();
    args.extend(["-o", "json"]);
    let run = account.run(&args);
    run.expect_code(0);
    let after = account.snapshot();
    assert_reported(&run, &before, &after);
    let orders = &after[&account.seed["orders"]];
    assert_eq!(orders["KmsMasterKeyId"], "alias/orders", "the key stays");
    assert!(orders.get("tag:managed-by").is_none(), "ownership is never taken");
    let teardown = account.run(&["teardown", "--queue", "orders", "--dry-run", "-o", "json"]);
    let items = teardown.json()["items"].as_array().cloned().unwrap_or_default();
    let queue = items.iter().find(|i| i["kind"] == "queue").expect("queue item");
    assert_eq!(queue["action"], "kept", "{}", teardown.stdout);
    let mapping = items.iter().find(|i| i["kind"] == "mapping").expect("mapping item");
    assert_eq!(mapping["action"], "kept", "an untagged mapping is kept: {}", teardown.stdout);
}

/// The `sqs-trigger ...` commands among a report's fixes, as printed.
fn fix_commands(json: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_fixes(json, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect_fixes(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(fix)) = map.get("remediation")
                && let Some(at) = fix.find("sqs-trigger ")
            {
                out.push(fix[at..].lines().next().unwrap_or_default().trim().to_owned());
            }
            map.values().for_each(|x| collect_fixes(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| collect_fixes(x, out)),
        _ => {}
    }
}

/// Every `sqs-trigger` fix doctor prints for the seeded account, run as printed, changes only
/// what it reports, and only the resources of the finding it fixes.
#[test]
fn every_doctor_fix_is_safe_to_run_as_printed() {
    let account = Account::new();
    let mut ran = 0;
    for queue in ["orders", "payments", "queue-a", "twofn", "aliasq", "policyq", "plain", "orders-deadletter"] {
        let doctor = account.run(&["doctor", "--queue", queue, "-o", "json"]);
        for fix in fix_commands(&doctor.json()) {
            // A fix with placeholders (`--function F`) is advice for a person, not a command.
            let words: Vec<&str> = fix.split_whitespace().skip(1).collect();
            if words.iter().any(|w| w.chars().all(|c| c.is_ascii_uppercase()) && w.len() <= 8) {
                continue;
            }
            let before = account.snapshot();
            let mut args = words.clone();
            args.extend(["-o", "json"]);
            let run = account.run(&args);
            assert_eq!(run.code, 0, "`{fix}` failed:\n{}\n{}", run.stdout, run.stderr);
            let after = account.snapshot();
            assert_reported(&run, &before, &after);
            for line in diff(&before, &after) {
                assert!(
                    line.contains(queue) || line.contains("-dlq *created"),
                    "`{fix}` (for {queue}) changed {line}, which is not what it is about"
                );
            }
            ran += 1;
        }
    }
    assert!(ran >= 2, "doctor printed {ran} runnable sqs-trigger fixes for the seeded account");
}
