//! Hostile input (issue 7): a table of bad values for every flag of every command, each run
//! through the real binary against one private emulator. Every row must exit 2 with a short,
//! clear message on stderr that names the flag (or the value) and what is expected; no panic,
//! no backtrace hint, no control character echoed, nothing on stdout, and NOTHING sent to AWS:
//! the emulator's request log stays empty for the whole table.
//!
//! NUL cannot travel in argv (the OS refuses it), so it is tried through `--body-file`.

use sqs_trigger_test_support as support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use support::{Emulator, run_cmd};

/// One hostile command line and the texts its message must contain.
struct Row {
    args: Vec<OsString>,
    expect: Vec<String>,
}

impl Row {
    fn shown(&self) -> String {
        let shown: Vec<String> = self
            .args
            .iter()
            .map(|a| {
                let a = a.to_string_lossy();
                if a.chars().count() > 60 {
                    format!("{}…({} chars)", a.chars().take(40).collect::<String>(), a.chars().count())
                } else {
                    format!("{a:?}")
                }
            })
            .collect();
        shown.join(" ")
    }
}

fn row(args: &[&str], expect: &[&str]) -> Row {
    Row { args: args.iter().map(OsString::from).collect(), expect: expect.iter().map(|s| s.to_string()).collect() }
}

/// `base` + `--flag value`, expecting the flag's name and `why` in the message.
fn flag_row(base: &[&str], flag: &str, value: &str, why: &str) -> Row {
    let mut args: Vec<&str> = base.to_vec();
    // A value starting with `-` would be taken for a flag by clap: attach it with `=`.
    let joined = format!("{flag}={value}");
    if value.starts_with('-') {
        args.push(&joined);
    } else {
        args.extend([flag, value]);
    }
    row(&args, &[flag, why])
}

fn long(c: char) -> String {
    c.to_string().repeat(10_000)
}

/// Queue names, URLs and ARNs that can never name a queue, and what the message says.
fn hostile_queues() -> Vec<(String, &'static str)> {
    vec![
        (String::new(), "cannot be empty"),
        (long('q'), "at most 80 characters"),
        ("q\u{1b}[31m".into(), "U+001B"),
        ("a\nb".into(), "U+000A"),
        ("\u{1}".into(), "U+0001"),
        ("my queue".into(), "U+0020"),
        ("очередь".into(), "not allowed"),
        ("orders.fifo.fifo".into(), "not allowed"),
        ("arn:aws:sns:us-east-1:123456789012:topic".into(), "`sqs`"),
        ("arn:aws:sqs".into(), "arn:PARTITION:SERVICE"),
        ("arn:aws-moon:sqs:us-east-1:123456789012:q".into(), "partition"),
        ("arn:aws:sqs:us-east-1:12345:q".into(), "12 digits"),
        ("arn:aws:sqs::123456789012:q".into(), "region and account"),
        ("arn:aws:sqs:us-east-1:123456789012:bad name".into(), "U+0020"),
        (format!("arn:aws:sqs:us-east-1:123456789012:{}", long('q')), "at most 80 characters"),
        ("https://sqs.us-east-1.amazonaws.com/orders".into(), "ACCOUNT_ID"),
        ("https://sqs.us-east-1.amazonaws.com/abc/orders".into(), "12-digit account"),
        ("https:///123456789012/orders".into(), "no valid host"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/orders/extra".into(), "ACCOUNT_ID"),
        (format!("https://sqs.us-east-1.amazonaws.com/123456789012/{}", long('q')), "at most 80 characters"),
    ]
}

/// Function names and ARNs that can never name a function.
fn hostile_functions() -> Vec<(String, &'static str)> {
    vec![
        (String::new(), "cannot be empty"),
        (long('f'), "at most 64 characters"),
        ("f\u{1b}[31m".into(), "U+001B"),
        ("a\nb".into(), "U+000A"),
        ("\u{7f}".into(), "U+007F"),
        ("my function".into(), "U+0020"),
        ("函数".into(), "not allowed"),
        ("arn:aws:sqs:us-east-1:123456789012:q".into(), "`lambda`"),
        ("arn:aws:lambda:us-east-1:123456789012:layer:x".into(), "function:NAME"),
        ("arn:aws-moon:lambda:us-east-1:123456789012:function:w".into(), "partition"),
        ("arn:aws:lambda:us-east-1:123456789012:function:".into(), "cannot be empty"),
        ("arn:aws:lambda:us-east-1:123456789012:function:w:bad qualifier".into(), "qualifier"),
        ("arn:aws:lambda:us-east-1:123456789012:function:w:1:2".into(), "too many"),
        ("arn:aws:lambda".into(), "arn:PARTITION:SERVICE"),
        ("arn:aws:lambda::123456789012:function:w".into(), "region and account"),
        (format!("arn:aws:lambda:us-east-1:123456789012:function:{}", long('f')), "at most 64 characters"),
    ]
}

/// Durations that do not parse, whatever the flag.
fn hostile_durations() -> Vec<(String, &'static str)> {
    vec![
        (String::new(), "expected a duration"),
        ("5x".into(), "units are"),
        ("-1s".into(), "expected a number"),
        ("1.5s".into(), "units are"),
        ("999999999999999999999s".into(), "too large"),
        ("8d".into(), "at most one week"),
        ("5".repeat(3) + "m5", "unit is missing"),
        ("5\u{1b}[31ms".into(), "units are"),
        (long('x'), "expected a number"),
    ]
}

/// Commands taking `--queue`, with every other flag valid (and `--yes` where it is needed,
/// so the queue is what is refused).
const QUEUE_COMMANDS: &[&[&str]] = &[
    &["role", "check", "--function", "worker"],
    &["mapping", "create", "--function", "worker"],
    &["mapping", "list"],
    &["mapping", "delete", "--yes", "--function", "worker"],
    &["probe", "--function", "worker"],
    &["doctor"],
    &["doctor", "--function", "worker"],
    &["setup", "--function", "worker"],
    &["setup", "--function", "worker", "--dry-run"],
    &["teardown", "--yes"],
    &["redrive"],
];

/// Commands taking `--function`.
const FUNCTION_COMMANDS: &[&[&str]] = &[
    &["role", "check", "--queue", "orders"],
    &["mapping", "create", "--queue", "orders"],
    &["mapping", "list"],
    &["mapping", "delete", "--yes", "--queue", "orders"],
    &["probe", "--queue", "orders"],
    &["logs"],
    &["doctor"],
    &["doctor", "--queue", "orders"],
    &["setup", "--queue", "orders"],
    &["teardown", "--yes", "--queue", "orders"],
];

/// Every command that talks to AWS, complete and valid, for the global flags.
const ALL_COMMANDS: &[&[&str]] = &[
    &["queue", "create", "orders"],
    &["role", "check", "-f", "worker", "-Q", "orders"],
    &["mapping", "create", "-f", "worker", "-Q", "orders"],
    &["mapping", "list"],
    &["mapping", "delete", "--yes", "-f", "worker", "-Q", "orders"],
    &["probe", "-f", "worker", "-Q", "orders"],
    &["logs", "-f", "worker"],
    &["doctor", "-Q", "orders"],
    &["setup", "-f", "worker", "-Q", "orders"],
    &["teardown", "--yes", "-Q", "orders"],
    &["doctor", "-Q", "orders", "--metrics"],
    &["redrive", "-Q", "orders"],
];

/// (command, duration flag) pairs.
const DURATION_FLAGS: &[(&[&str], &str)] = &[
    (&["queue", "create", "orders"], "--visibility-timeout"),
    (&["probe", "-f", "worker", "-Q", "orders"], "--timeout"),
    (&["logs", "-f", "worker"], "--since"),
    (&["logs", "-f", "worker", "--follow"], "--timeout"),
    (&["logs", "-f", "worker", "--until", "done"], "--timeout"),
    (&["mapping", "create", "-f", "worker", "-Q", "orders"], "--batch-window"),
    (&["mapping", "create", "-f", "worker", "-Q", "orders"], "--wait-timeout"),
    (&["setup", "-f", "worker", "-Q", "orders"], "--batch-window"),
    (&["setup", "-f", "worker", "-Q", "orders"], "--visibility-timeout"),
    (&["setup", "-f", "worker", "-Q", "orders"], "--probe-timeout"),
    (&["doctor", "-Q", "orders"], "--operation-timeout"),
    (&["doctor", "-Q", "orders"], "--connect-timeout"),
    (&["queue", "create", "orders"], "--operation-timeout"),
    (&["doctor", "-Q", "orders", "--metrics"], "--window"),
    (&["redrive", "-Q", "orders", "--confirm"], "--probe-timeout"),
];

const QUEUE_OPTION_COMMANDS: &[&[&str]] = &[&["queue", "create", "orders"], &["setup", "-f", "worker", "-Q", "orders"]];
const MAPPING_OPTION_COMMANDS: &[&[&str]] =
    &[&["mapping", "create", "-f", "worker", "-Q", "orders"], &["setup", "-f", "worker", "-Q", "orders"]];

/// Files for `--body-file`.
struct BodyFiles {
    dir: PathBuf,
}

impl BodyFiles {
    fn new() -> BodyFiles {
        let dir = std::env::temp_dir().join(support::unique("sqs-trigger-hostile"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("latin1.txt"), b"caf\xe9 {probe_id}").expect("write");
        std::fs::write(dir.join("empty.txt"), b"").expect("write");
        std::fs::write(dir.join("nul.txt"), b"a\0b {probe_id}").expect("write");
        std::fs::write(dir.join("escape.txt"), b"\x1b[31mred {probe_id}").expect("write");
        std::fs::write(dir.join("big.txt"), vec![b'x'; 1_048_577]).expect("write");
        // lint's hostile files: each must be exit 2 naming file:line:column, quickly.
        std::fs::write(dir.join("malformed.yaml"), "Resources:\n  Q: {Type: [AWS::SQS::Queue\n").expect("write");
        std::fs::write(dir.join("tabs.yaml"), "Resources:\n\tQ: x\n").expect("write");
        std::fs::write(dir.join("empty.yaml"), "").expect("write");
        std::fs::write(dir.join("not-a-template.yaml"), "- just\n- a list\n").expect("write");
        std::fs::write(dir.join("latin1.yaml"), b"Resources:\n  Q: {Type: caf\xe9}\n").expect("write");
        let deep_block: String = (0..300).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect();
        std::fs::write(dir.join("deep-block.yaml"), deep_block).expect("write");
        std::fs::write(dir.join("deep-flow.json"), "[".repeat(100_000) + &"]".repeat(100_000)).expect("write");
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..15 {
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
        }
        std::fs::write(dir.join("bomb.yaml"), bomb).expect("write");
        std::fs::write(dir.join("huge.yaml"), "# filler\n".repeat(600_000)).expect("write");
        std::fs::write(dir.join("huge.json"), vec![b' '; 33 * 1024 * 1024]).expect("write");
        std::fs::write(dir.join("bad-plan.json"), "{\"terraform_version\": \"1.9\", \"resource_changes\": [")
            .expect("write");
        BodyFiles { dir }
    }
    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for BodyFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn table(files: &BodyFiles) -> Vec<Row> {
    let mut rows = Vec::new();

    // Names, URLs and ARNs of queues and functions, for every command taking them.
    for base in QUEUE_COMMANDS {
        for (value, why) in hostile_queues() {
            rows.push(flag_row(base, "--queue", &value, why));
        }
    }
    for base in FUNCTION_COMMANDS {
        for (value, why) in hostile_functions() {
            rows.push(flag_row(base, "--function", &value, why));
        }
    }
    // `queue create NAME` and `--dlq NAME` take plain queue names.
    for (value, why) in hostile_queues().into_iter().take(8) {
        rows.push(row(&["queue", "create", &value], &["queue name", why]));
        rows.push(flag_row(&["queue", "create", "orders"], "--dlq", &value, why));
        rows.push(flag_row(&["setup", "-f", "worker", "-Q", "orders"], "--dlq", &value, why));
    }
    rows.push(row(&["queue", "create", "arn:aws:sqs:us-east-1:123456789012:orders"], &["queue name", "`:`"]));
    rows.push(row(&["queue", "create", "orders", "--fifo"], &["--fifo", "orders.fifo"]));
    rows.push(row(&["queue", "create", "orders.fifo", "--dlq", "dead"], &["--dlq", "FIFO"]));
    rows.push(row(&["queue", "create", "orders", "--dlq", "orders"], &["--dlq", "its own"]));
    rows.push(row(&["queue", "create", &"q".repeat(78)], &["dead-letter queue name", "--dlq"]));
    rows.push(row(&["setup", "-f", "worker", "-Q", "orders", "--fifo"], &["--fifo", ".fifo"]));

    // The role to check.
    for (value, why) in [
        ("", "arn:PARTITION:SERVICE"),
        ("worker-role", "arn:PARTITION:SERVICE"),
        ("arn:aws:lambda:us-east-1:123456789012:function:x", "`iam`"),
        ("arn:aws:iam::123456789012:user/bob", "role/NAME"),
        ("arn:aws-moon:iam::123456789012:role/r", "partition"),
        ("arn:aws:iam::123456789012:role/", "role name"),
        ("arn:aws:iam::123456789012:role/has space", "role name"),
        ("arn:aws:iam:::role/r", "account"),
        ("arn:aws:iam::123456789012:role/r\u{1b}[31m", "control characters"),
    ] {
        rows.push(flag_row(&["role", "check", "-f", "worker", "-Q", "orders"], "--role", value, why));
    }
    let long_role = format!("arn:aws:iam::123456789012:role/{}", long('r'));
    rows.push(flag_row(&["role", "check", "-f", "worker", "-Q", "orders"], "--role", &long_role, "role name"));

    // Durations, for every duration flag.
    for (base, flag) in DURATION_FLAGS {
        for (value, why) in hostile_durations() {
            rows.push(flag_row(base, flag, &value, why));
        }
    }
    // Durations that parse but mean nothing for the flag.
    let probe = ["probe", "-f", "worker", "-Q", "orders"];
    let create = ["mapping", "create", "-f", "worker", "-Q", "orders"];
    let setup = ["setup", "-f", "worker", "-Q", "orders"];
    rows.push(flag_row(&probe, "--timeout", "0s", "longer than zero"));
    rows.push(flag_row(&["logs", "-f", "worker", "--follow"], "--timeout", "0s", "longer than zero"));
    rows.push(flag_row(&["logs", "-f", "worker"], "--timeout", "1m", "only with --follow"));
    rows.push(flag_row(&create, "--wait-timeout", "0s", "longer than zero"));
    rows.push(flag_row(&create, "--batch-window", "1500ms", "whole number of seconds"));
    let long_window = format!("{}1500ms", "0s".repeat(4_997));
    rows.push(flag_row(&create, "--batch-window", &long_window, "whole number of seconds"));
    rows.push(flag_row(&setup, "--batch-window", &long_window, "whole number of seconds"));
    rows.push(flag_row(&setup, "--probe-timeout", "0s", "longer than zero"));
    for base in QUEUE_OPTION_COMMANDS {
        rows.push(flag_row(base, "--visibility-timeout", "13h", "0s to 12h"));
        rows.push(flag_row(base, "--visibility-timeout", "1500ms", "whole seconds"));
    }
    rows.push(flag_row(&["doctor", "-Q", "orders"], "--operation-timeout", "0s", "longer than zero"));
    rows.push(flag_row(&["doctor", "-Q", "orders"], "--connect-timeout", "0ms", "longer than zero"));

    // Numbers out of range.
    for base in QUEUE_OPTION_COMMANDS {
        rows.push(flag_row(base, "--max-receive-count", "0", "between 1 and 1000"));
        rows.push(flag_row(base, "--max-receive-count", "1001", "between 1 and 1000"));
        rows.push(flag_row(base, "--max-receive-count", "-1", "invalid value"));
        rows.push(flag_row(base, "--max-receive-count", "five", "invalid value"));
    }
    for base in ALL_COMMANDS {
        rows.push(flag_row(base, "--max-attempts", "0", "between 1 and 20"));
    }
    rows.push(flag_row(&["doctor", "-Q", "orders"], "--max-attempts", "21", "between 1 and 20"));
    rows.push(flag_row(&["doctor", "--all"], "--concurrency", "0", "between 1 and 64"));
    rows.push(flag_row(&["doctor", "--all"], "--concurrency", "65", "between 1 and 64"));
    rows.push(flag_row(&["doctor", "--all"], "--concurrency", "-1", "invalid value"));
    rows.push(flag_row(&create, "--batch-size", "ten", "invalid value"));

    // Global AWS flags, for every command.
    let long_host = format!("http://{}:4566", long('h'));
    let global: Vec<(&str, String, &str)> = vec![
        ("--region", String::new(), "region name like us-east-1"),
        ("--region", "US-EAST-1".into(), "region name like us-east-1"),
        ("--region", "us-east-1\n".into(), "region name like us-east-1"),
        ("--region", "üs-east-1".into(), "region name like us-east-1"),
        ("--region", "us east 1".into(), "region name like us-east-1"),
        ("--region", long('r'), "region name like us-east-1"),
        ("--endpoint-url", String::new(), "http://"),
        ("--endpoint-url", "localhost:4566".into(), "http://"),
        ("--endpoint-url", "http://".into(), "no valid host"),
        ("--endpoint-url", "http://a b".into(), "no valid host"),
        ("--endpoint-url", "http://127.0.0.1\u{1b}[31m:4566".into(), "no valid host"),
        ("--endpoint-url", "http://127.0.0.1:99999".into(), "invalid port"),
        ("--endpoint-url", long('e'), "http://"),
        ("--endpoint-url", long_host, "longer than 253"),
        ("--profile", String::new(), "non-empty word"),
        ("--profile", "my profile".into(), "non-empty word"),
        ("--profile", "a\nb".into(), "non-empty word"),
    ];
    for base in ALL_COMMANDS {
        for (flag, value, why) in &global {
            rows.push(flag_row(base, flag, value, why));
        }
    }

    // Event filter patterns.
    for base in MAPPING_OPTION_COMMANDS {
        for (value, why) in [
            ("not json".to_owned(), "not valid JSON"),
            ("".into(), "not valid JSON"),
            ("[1,2]".into(), "not an array"),
            ("\"body\"".into(), "not a string"),
            ("42".into(), "not a number"),
            ("null".into(), "not null"),
            ("true".into(), "not a boolean"),
            ("{}".into(), "empty pattern"),
            ("{\"body\":\"order\"}".into(), "`body` is a string"),
            ("{\"body\":{\"type\":\"order\"}}".into(), "`body.type` is a string"),
            ("{\"body\":{\"n\":1}}".into(), "`body.n` is a number"),
            ("{\"body\":{\"n\":null}}".into(), "`body.n` is null"),
            ("[".repeat(3_000), "not valid JSON"),
            (long('{'), "at most 4096"),
            (long('g'), "at most 4096"),
        ] {
            rows.push(flag_row(base, "--filter", &value, why));
        }
        let mut two: Vec<&str> = base.to_vec();
        two.extend(["--filter", "{\"body\":{\"type\":[\"order\"]}}", "--filter", "[1]"]);
        rows.push(row(&two, &["--filter #2", "JSON object"]));
    }

    // Message bodies.
    for (flag, value, why) in [
        ("--body-file", files.path("missing.json"), "cannot read"),
        ("--body-file", files.dir.to_string_lossy().into_owned(), "cannot read"),
        ("--body-file", files.path("latin1.txt"), "not UTF-8"),
        ("--body-file", files.path("empty.txt"), "message body is empty"),
        ("--body-file", files.path("nul.txt"), "U+0000"),
        ("--body-file", files.path("escape.txt"), "U+001B"),
        ("--body-file", files.path("big.txt"), "1 MiB"),
        ("--body-file", String::new(), "a value is required"),
        ("--body", String::new(), "message body is empty"),
        ("--body", "a\u{1}b".into(), "U+0001"),
        ("--body", "\u{1b}[2J".into(), "U+001B"),
    ] {
        rows.push(flag_row(&probe, flag, &value, why));
    }

    // Tags and KMS keys, for queue create and setup.
    for base in QUEUE_OPTION_COMMANDS {
        for (value, why) in [
            ("novalue".to_owned(), "KEY=VALUE"),
            ("".into(), "KEY=VALUE"),
            ("=x".into(), "1-128"),
            ("aws:team=x".into(), "reserved"),
            ("AWS:team=x".into(), "reserved"),
            ("managed-by=me".into(), "set by sqs-trigger"),
            ("k\u{1b}[31m=v".into(), "control characters"),
            ("k=a\nb".into(), "control characters"),
            (format!("{}=v", long('k')), "1-128"),
            (format!("k={}", long('v')), "at most 256"),
            (long('t'), "KEY=VALUE"),
        ] {
            rows.push(flag_row(base, "--tag", &value, why));
        }
        let mut twice: Vec<&str> = base.to_vec();
        twice.extend(["--tag", "team=a", "--tag", "team=b"]);
        rows.push(row(&twice, &["--tag", "given twice"]));
        for (value, why) in [
            ("".to_owned(), "expected alias/NAME"),
            ("not a key".into(), "expected alias/NAME"),
            ("deadbeef".into(), "key id"),
            ("mrk-1234".into(), "key id"),
            ("alias/".into(), "alias"),
            ("alias/has space".into(), "alias"),
            ("alias/a\u{1b}[31m".into(), "alias"),
            (format!("alias/{}", long('a')), "alias"),
            (long('k'), "expected alias/NAME"),
            ("arn:aws:sqs:us-east-1:123456789012:key/1234abcd".into(), "arn:aws:kms"),
            ("arn:aws:kms:us-east-1:123456789012:key/".into(), "arn:aws:kms"),
            ("arn:aws-moon:kms:us-east-1:123456789012:key/1234abcd".into(), "partition"),
            ("arn:aws:kms:us-east-1:123456789012:alias/".into(), "alias"),
            ("arn:aws:kms:us-east-1:123456789012:alias/has space".into(), "alias"),
            ("arn:aws:kms::123456789012:alias/orders".into(), "region and account"),
            ("arn:aws:sqs:us-east-1:123456789012:alias/orders".into(), "`kms`"),
        ] {
            rows.push(flag_row(base, "--kms-key", &value, why));
        }
    }

    // Logs' own text flags.
    rows.push(flag_row(&["logs", "-f", "worker"], "--filter", "", "empty"));
    rows.push(flag_row(&["logs", "-f", "worker"], "--filter", "   ", "empty"));
    rows.push(flag_row(&["logs", "-f", "worker"], "--filter", &long('x'), "at most"));
    rows.push(flag_row(&["logs", "-f", "worker"], "--until", "", "text to wait for"));

    // Destructive commands off a terminal without --yes.
    rows.push(row(&["teardown", "-Q", "orders"], &["teardown", "--yes"]));
    rows.push(row(&["teardown", "-Q", "orders", "-f", "worker", "--force"], &["teardown", "--yes"]));
    rows.push(row(&["mapping", "delete", "-f", "worker", "-Q", "orders"], &["mapping delete", "--yes"]));
    rows.push(row(&["setup", "-f", "worker", "-Q", "orders", "--fix"], &["--fix", "--yes"]));
    rows.push(row(&["role", "check", "-f", "worker", "-Q", "orders", "--fix"], &["--fix", "--yes"]));
    rows.push(row(&["doctor"], &["doctor needs", "--queue"]));

    // Conflicts and shapes clap refuses itself (exit 2 too).
    let body = files.path("empty.txt");
    for (args, expect) in [
        (vec!["queue", "create", "orders", "--dlq", "d", "--no-dlq"], vec!["--no-dlq", "cannot be used with"]),
        (vec!["queue", "create", "orders", "--max-receive-count", "3", "--no-dlq"], vec!["--no-dlq"]),
        (vec!["queue", "create", "orders", "--sse-sqs", "--no-encryption"], vec!["--no-encryption"]),
        (vec!["queue", "create", "orders", "--kms-key", "alias/k", "--no-encryption"], vec!["--no-encryption"]),
        (vec!["setup", "-f", "w", "-Q", "q", "--sse-sqs", "--kms-key", "alias/k"], vec!["--kms-key"]),
        (vec!["role", "check", "-f", "w", "-Q", "q", "--print-policy", "--fix"], vec!["--fix"]),
        (vec!["doctor", "--all", "-Q", "orders"], vec!["--queue", "cannot be used with"]),
        (vec!["probe", "-f", "w", "-Q", "q", "--body", "x", "--body-file", &body], vec!["--body-file"]),
        (vec!["probe", "-f", "w"], vec!["--queue", "required"]),
        (vec!["mapping", "create", "-Q", "q"], vec!["--function", "required"]),
        (vec!["queue", "create"], vec!["<NAME>", "required"]),
        (vec!["doctor", "-Q", "q", "--bogus"], vec!["--bogus"]),
        (vec!["-o", "yaml", "doctor", "-Q", "q"], vec!["--output", "possible values"]),
        (vec!["completions", "tcsh"], vec!["tcsh", "possible values"]),
    ] {
        rows.push(row(&args, &expect));
    }
    // lint: files that do not parse, nest too deep, expand too far or are too large, and
    // lint's own flags.
    for (file, expect) in [
        ("malformed.yaml", "malformed.yaml:3:1:"),
        ("tabs.yaml", "tabs.yaml:2:"),
        ("empty.yaml", "the file is empty"),
        ("not-a-template.yaml", "not a CloudFormation template"),
        ("latin1.yaml", "latin1.yaml:2:16: not UTF-8"),
        ("deep-block.yaml", "nested deeper than 128"),
        ("deep-flow.json", "deep-flow.json:1:"),
        ("bomb.yaml", "more than 1000000 nodes"),
        ("huge.yaml", "larger than the 4194304 bytes"),
        ("huge.json", "larger than the 33554432 bytes"),
        ("bad-plan.json", "bad-plan.json:1:"),
        ("missing.yaml", "missing.yaml: No such file"),
    ] {
        rows.push(row(&["lint", &files.path(file)], &[expect]));
    }
    let template = files.path("malformed.yaml");
    for (args, expect) in [
        (vec!["lint"], vec!["<PATH>", "required"]),
        (vec!["lint", &template, "--parameter", "novalue"], vec!["--parameter", "KEY=VALUE"]),
        (vec!["lint", &template, "--parameter", "=v"], vec!["--parameter", "KEY=VALUE"]),
        (vec!["lint", &template, "--account", "12"], vec!["--account", "12-digit"]),
        (vec!["lint", &template, "--region", "moon"], vec!["--region", "not a region"]),
        (vec!["lint", &template, "--format", "hcl"], vec!["--format", "possible values"]),
        (vec!["lint", &template, "--report", "sarif"], vec!["sarif needs a file"]),
        (vec!["doctor", "-Q", "q", "--report", "sarif=x.sarif"], vec!["sarif applies to lint only"]),
    ] {
        rows.push(row(&args, &expect));
    }
    // Not UTF-8 at all.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let mut r = row(&["doctor", "--queue"], &["UTF-8"]);
        r.args.push(OsString::from_vec(b"caf\xe9".to_vec()));
        rows.push(r);
    }
    rows
}

/// What is wrong with one run of a row, if anything.
fn problems(row: &Row, run: &support::Run) -> Vec<String> {
    let mut out = Vec::new();
    if run.code != 2 {
        out.push(format!("exit code {} (expected 2)", run.code));
    }
    if !run.stdout.is_empty() {
        out.push(format!("stdout is not empty: {:?}", run.stdout.chars().take(200).collect::<String>()));
    }
    let stderr = &run.stderr;
    if stderr.trim().is_empty() {
        out.push("stderr is empty".into());
    }
    if stderr.lines().count() > 20 {
        out.push(format!("stderr has {} lines (at most 20)", stderr.lines().count()));
    }
    if stderr.chars().count() > 1_500 {
        out.push(format!("stderr is flooded: {} characters", stderr.chars().count()));
    }
    if !stderr.contains("error") {
        out.push("stderr does not say `error`".into());
    }
    for banned in ["panicked", "RUST_BACKTRACE", "backtrace", "\u{1b}"] {
        if stderr.contains(banned) {
            out.push(format!("stderr contains {banned:?}"));
        }
    }
    for needle in &row.expect {
        if !stderr.contains(needle.as_str()) {
            out.push(format!("stderr does not mention {needle:?}"));
        }
    }
    if !out.is_empty() {
        out.push(format!("stderr was: {}", stderr.chars().take(600).collect::<String>()));
    }
    out
}

fn check_table(emu: &Emulator, rows: &[Row]) {
    let mut failures = Vec::new();
    let mut sent = 0;
    for row in rows {
        let run = run_cmd(emu.cmd().args(&row.args));
        let mut found = problems(row, &run);
        let now = emu.requests().len();
        if now > sent {
            found.push(format!("{} request(s) reached the emulator", now - sent));
            sent = now;
        }
        if !found.is_empty() {
            failures.push(format!("{}\n    {}", row.shown(), found.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

#[test]
fn every_hostile_input_exits_2_with_a_clear_message_and_sends_nothing() {
    let emu = Emulator::start();
    let files = BodyFiles::new();
    let rows = table(&files);
    assert!(rows.len() > 500, "the table has {} rows", rows.len());
    check_table(&emu, &rows);
    let requests = emu.requests();
    assert!(requests.is_empty(), "no request may be sent: {requests:?}");
}

#[test]
fn json_output_reports_usage_errors_as_one_document() {
    let emu = Emulator::start();
    let long_queue = long('q');
    let cases: [&[&str]; 8] = [
        &["queue", "create", "", "-o", "json"],
        &["-o", "json", "doctor", "--queue", &long_queue],
        &["-o", "json", "probe", "-f", "worker", "-Q", "orders", "--timeout", "5x"],
        &["-o", "json", "mapping", "create", "-f", "worker", "-Q", "orders", "--filter", "[1]"],
        &["-o", "json", "--region", "", "mapping", "list"],
        &["-o", "json", "teardown", "-Q", "orders"],
        &["-o", "json", "queue", "create", "orders", "--kms-key", "deadbeef"],
        &["--output", "json", "setup", "-f", "worker", "-Q", "orders", "--fix"],
    ];
    for args in cases {
        let run = emu.run(args);
        run.expect_code(2);
        let doc = run.json();
        let error = doc["error"].as_object().unwrap_or_else(|| panic!("{args:?}: no `error` object: {doc}"));
        assert_eq!(error["kind"], "usage", "{args:?}: {doc}");
        assert_eq!(error["exit_code"], 2, "{args:?}: {doc}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty() && message.chars().count() < 400, "{args:?}: {message}");
        let keys: Vec<&str> = doc.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["schema", "error"], "the schema id and the error, nothing else: {doc}");
        // People still see the message on stderr.
        assert!(run.stderr.contains("error") && !run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    }
    let requests = emu.requests();
    assert!(requests.is_empty(), "no request may be sent: {requests:?}");
}

#[test]
fn body_files_are_where_the_table_says() {
    // Guards the table itself: the files the rows rely on exist with the sizes they need.
    let files = BodyFiles::new();
    let size = |name: &str| std::fs::metadata(Path::new(&files.path(name))).map(|m| m.len()).unwrap_or(0);
    assert_eq!(size("empty.txt"), 0);
    assert!(size("big.txt") > 1_048_576);
    assert!(!Path::new(&files.path("missing.json")).exists());
}
