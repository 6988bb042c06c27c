use super::*;

fn args(extra: &[&str]) -> ProbeArgs {
    use clap::Parser;
    let mut argv = vec!["sqs-trigger", "probe", "--function", "worker", "--queue", "orders"];
    argv.extend_from_slice(extra);
    match crate::cli::Cli::try_parse_from(argv).unwrap().command {
        crate::cli::Command::Probe(a) => a,
        _ => unreachable!(),
    }
}

#[test]
fn defaults() {
    let s = Settings::from_args(&args(&[])).unwrap();
    assert_eq!(s.timeout, Duration::from_secs(120));
    assert_eq!(s.body, Body::Default);
    let id = s.probe_ids.next_id();
    assert!(id.starts_with("sqstp-") && id.len() == 42, "{id}");
    assert_ne!(id, s.probe_ids.next_id());
}

#[test]
fn bad_input_is_usage() {
    for extra in [&["--timeout", "soon"][..], &["--timeout", "0s"], &["--body", ""]] {
        assert!(matches!(Settings::from_args(&args(extra)), Err(Error::Usage(_))), "{extra:?}");
    }
    let err = Settings::from_args(&args(&["--body-file", "/nonexistent/body.json"])).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/body.json"), "{err}");
}

#[test]
fn body_file_must_be_utf8() {
    let path = std::env::temp_dir().join(format!("sqstp-body-{}.bin", std::process::id()));
    std::fs::write(&path, [b'{', 0xff, b'}']).unwrap();
    let err = read_body_file(&path).unwrap_err().to_string();
    std::fs::remove_file(&path).ok();
    assert!(err.contains("not UTF-8") && err.contains("offset 1"), "{err}");
}

#[test]
fn default_body_carries_the_id() {
    let body = Body::Default.render("sqstp-x", SystemTime::UNIX_EPOCH);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["sqs_trigger_probe"], "sqstp-x");
    assert_eq!(doc["sent_at"], "1970-01-01T00:00:00.000Z");
    assert_eq!(Body::Template("id={probe_id};{probe_id}".into()).render("p", SystemTime::now()), "id=p;p");
}

#[test]
fn size_limit_counts_the_attribute() {
    let id = ProbeIds::fixed("sqstp-0123456789abcdef0123456789abcdef0123").next_id();
    let room = MAX_MESSAGE_BYTES - message_size("", &id);
    assert!(check_body(&"x".repeat(room), &id).is_ok());
    let err = check_body(&"x".repeat(room + 1), &id).unwrap_err();
    assert!(matches!(err, Error::Usage(_)) && err.to_string().contains("1048576"), "{err}");
    // {probe_id} grows the body: a template just under the limit can go over it.
    let template = format!("{}{{probe_id}}", "x".repeat(room - 5));
    let err = Settings::from_args(&args(&["--body", &template])).unwrap_err().to_string();
    assert!(err.starts_with("--body: the message is"), "the flag is named: {err}");
}

#[test]
fn characters_sqs_rejects() {
    assert!(check_body("tab\tnewline\nok ✓", "p").is_ok());
    let err = check_body("bell\u{7}", "p").unwrap_err().to_string();
    assert!(err.contains("U+0007"), "{err}");
}

#[test]
fn exit_codes_per_verdict() {
    let q = crate::checks::queue::fixtures::queue("q");
    let f = crate::checks::queue::fixtures::function(10);
    let settings = Settings::from_args(&args(&[])).unwrap();
    let mut report = ProbeReport::before_sending("p", &q, &f, &settings);
    report.verdict = ProbeVerdict::Confirmed;
    report.marker_seen = true;
    let code = |r: &ProbeReport| r.exit_status().code();
    assert_eq!(code(&report), 0);
    report.verdict = ProbeVerdict::Invoked;
    assert_eq!(code(&report), 0);
    report.require_marker = true;
    assert_eq!(code(&report), 1);
    for v in [ProbeVerdict::InvokedWithError, ProbeVerdict::NotInvoked, ProbeVerdict::NotSent] {
        report.verdict = v;
        assert_eq!(code(&report), 1, "{v:?}");
    }
    // An error-level finding fails the probe whatever the verdict.
    report.require_marker = false;
    report.verdict = ProbeVerdict::Invoked;
    report.findings.push(Finding::error(FindingCode::RoleMissingPermission, "role", "no sqs:DeleteMessage"));
    assert_eq!(code(&report), 1);
}

/// The notes say what a verdict rests on when no REPORT line backs it: the function's log
/// level (JSON, SystemLogLevel WARN) hides it, or it did not arrive.
#[test]
fn notes_say_what_the_verdict_rests_on() {
    use crate::logwatch::{LogEvent, LogShape, VerdictBasis, classify_with};
    use crate::model::facts::LoggingFacts;
    const ID: &str = "0e7c9a4c-1111-4a4a-8b8b-000000000001";
    let settings = Settings::from_args(&args(&[])).unwrap();
    let queue = crate::checks::queue::fixtures::queue("orders");
    let text = crate::checks::queue::fixtures::function(30);
    let mut warn = text.clone();
    warn.logging = LoggingFacts { json: true, system_log_level: Some("WARN".into()), custom_group: false };
    let record = LogEvent {
        timestamp_ms: 1_000,
        stream: "s".into(),
        message: format!(r#"{{"level":"INFO","message":"got probe-1","requestId":"{ID}"}}"#),
        event_id: None,
    };
    let notes = |function: &FunctionFacts, events: &[LogEvent]| {
        let seen = classify_with(events, "probe-1", 0, &LogShape::of(function));
        let mut report = ProbeReport::before_sending("probe-1", &queue, function, &settings);
        apply(&mut report, &seen, 0);
        explain(&mut report, &seen, &queue, function, false);
        (report.verdict, report.verdict_basis, report.notes.join("\n"))
    };
    let (verdict, basis, said) = notes(&warn, std::slice::from_ref(&record));
    assert_eq!((verdict, basis), (ProbeVerdict::Confirmed, VerdictBasis::FunctionOutput));
    assert!(said.contains("SystemLogLevel WARN") && said.contains("rests on the probe id"), "{said}");
    let (verdict, _, said) = notes(&warn, &[]);
    assert_eq!(verdict, ProbeVerdict::NotInvoked);
    assert!(said.contains("leaves no trace"), "{said}");
    // Text format: the REPORT line was expected and did not come.
    let (_, basis, said) = notes(&text, std::slice::from_ref(&record));
    assert_eq!(basis, VerdictBasis::FunctionOutput);
    assert!(said.contains("no REPORT line") && said.contains("rests on the probe id"), "{said}");
}

#[test]
fn a_role_without_logs_permissions_is_what_a_not_invoked_verdict_rests_on() {
    use crate::model::{Finding, FindingCode};
    let logs = Finding::warning(FindingCode::RoleMissingPermission, "r", "m").about("logs:PutLogEvents", None);
    let queue = Finding::error(FindingCode::RoleMissingPermission, "r", "m").about("sqs:ReceiveMessage", None);
    let note = super::verdict::logs_note(&[queue.clone(), logs], "/aws/lambda/worker").unwrap();
    assert!(note.contains("logs:PutLogEvents on /aws/lambda/worker"), "{note}");
    assert!(super::verdict::logs_note(&[queue], "/aws/lambda/worker").is_none());
}

/// The note after an `invoked` verdict reads the run's own flags: under --require-marker it
/// does not tell the user to pass --require-marker.
#[test]
fn the_invoked_note_reads_its_own_flags() {
    use crate::logwatch::{LogEvent, LogShape, classify_with};
    const ID: &str = "0e7c9a4c-1111-4a4a-8b8b-000000000002";
    let queue = crate::checks::queue::fixtures::queue("orders");
    let function = crate::checks::queue::fixtures::function(30);
    let line = |ms: i64, message: String| LogEvent { timestamp_ms: ms, stream: "s".into(), message, event_id: None };
    let events = [
        line(1_000, format!("START RequestId: {ID} Version: $LATEST")),
        line(1_001, "handled something\n".into()),
        line(1_002, format!("END RequestId: {ID}")),
        line(
            1_003,
            format!(
                "REPORT RequestId: {ID}\tDuration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"
            ),
        ),
    ];
    let note = |flags: &[&str]| {
        let settings = Settings::from_args(&args(flags)).unwrap();
        let seen = classify_with(&events, "probe-1", 0, &LogShape::of(&function));
        let mut report = ProbeReport::before_sending("probe-1", &queue, &function, &settings);
        apply(&mut report, &seen, 0);
        explain(&mut report, &seen, &queue, &function, false);
        (report.verdict, report.notes.join("\n"))
    };
    let (verdict, plain) = note(&[]);
    assert_eq!(verdict, ProbeVerdict::Invoked);
    assert!(plain.contains("or pass --require-marker to demand it"), "{plain}");
    let (verdict, demanded) = note(&["--require-marker"]);
    assert_eq!(verdict, ProbeVerdict::Invoked);
    assert!(!demanded.contains("pass --require-marker"), "{demanded}");
    assert!(demanded.contains("--require-marker fails the probe until it does"), "{demanded}");
}
