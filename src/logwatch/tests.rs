use super::*;

const A: &str = "0e7c9a4c-1111-4a4a-8b8b-000000000001";
const B: &str = "0e7c9a4c-2222-4a4a-8b8b-000000000002";
const PROBE: &str = "sqstp-7d3f0c3e-5d0e-4c8e-9f43-3a6c7b9b2f10";
const SENT: i64 = 1_700_000_000_000;

/// Events from (stream, milliseconds after the send, message).
fn events(lines: &[(&str, i64, &str)]) -> Vec<LogEvent> {
    lines
        .iter()
        .enumerate()
        .map(|(i, (stream, at, message))| LogEvent {
            timestamp_ms: SENT + at,
            stream: (*stream).to_owned(),
            message: (*message).to_owned(),
            event_id: Some(i.to_string()),
        })
        .collect()
}

fn start(id: &str) -> String {
    format!("START RequestId: {id} Version: $LATEST")
}
fn end(id: &str) -> String {
    format!("END RequestId: {id}")
}
fn report(id: &str) -> String {
    format!(
        "REPORT RequestId: {id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t\
         Max Memory Used: 40 MB\tInit Duration: 101.50 ms\t"
    )
}
fn echo(id: &str) -> String {
    format!("{{\"Records\": [{{\"body\": \"{{\\\"sqs_trigger_probe\\\":\\\"{id}\\\"}}\"}}]}}")
}

fn verdict_of(lines: &[(&str, i64, String)]) -> Classification {
    let borrowed: Vec<(&str, i64, &str)> = lines.iter().map(|(s, t, m)| (*s, *t, m.as_str())).collect();
    classify(&events(&borrowed), PROBE, SENT - 5_000)
}

#[test]
fn poll_schedule_starts_fast_and_backs_off() {
    let ms: Vec<u128> = (0..12).map(|n| poll_schedule(n).as_millis()).collect();
    assert_eq!(ms, [200, 300, 450, 675, 1012, 1518, 2278, 3417, 5000, 5000, 5000, 5000]);
    assert_eq!(poll_schedule(u32::MAX), POLL_MAX);
}

#[test]
fn adaptive_schedule_comes_back_on_activity() {
    let mut s = PollSchedule::default();
    let mut waits = Vec::new();
    for new in [false, false, false, false, false, false, false, true, false, true, true] {
        waits.push(s.next_delay(new).as_millis());
    }
    // quiet: grows; new lines: back to about a second, never faster than where it was.
    assert_eq!(waits, [200, 300, 450, 675, 1012, 1518, 2278, 1012, 1518, 1012, 1012]);
    let mut fresh = PollSchedule::default();
    assert_eq!(fresh.next_delay(true).as_millis(), 200);
    assert_eq!(fresh.next_delay(true).as_millis(), 200);
}

#[test]
fn log_group_choice() {
    let name: FunctionName = "worker".parse().unwrap();
    let table = [
        (None, "/aws/lambda/worker"),
        (Some(""), "/aws/lambda/worker"),
        (Some("  "), "/aws/lambda/worker"),
        (Some("/shared/app-logs"), "/shared/app-logs"),
    ];
    for (configured, expected) in table {
        assert_eq!(log_group_for(&name, configured), expected, "{configured:?}");
    }
    assert_eq!(
        live_tail_group_arn("aws", "us-east-1", "123456789012", "/aws/lambda/worker"),
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker"
    );
}

fn clients_with_lambda(lambda: aws_sdk_lambda::Client) -> Clients {
    let mut clients = Clients::offline();
    clients.lambda = lambda;
    clients
}

fn function_output(group: Option<&str>) -> aws_sdk_lambda::operation::get_function::GetFunctionOutput {
    use aws_sdk_lambda::types::{FunctionConfiguration, LoggingConfig};
    let mut config = FunctionConfiguration::builder()
        .function_arn("arn:aws:lambda:us-east-1:123456789012:function:worker")
        .role("arn:aws:iam::123456789012:role/worker-role");
    if let Some(group) = group {
        config = config.logging_config(LoggingConfig::builder().log_group(group).build());
    }
    aws_sdk_lambda::operation::get_function::GetFunctionOutput::builder().configuration(config.build()).build()
}

#[tokio::test]
async fn discovery_reads_the_functions_logging_config() {
    use aws_sdk_lambda::operation::get_function_concurrency::GetFunctionConcurrencyOutput;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    let worker: FunctionRef = "worker".parse().unwrap();
    // Gathering may also ask for the reserved concurrency; none is reserved.
    let concurrency = mock!(aws_sdk_lambda::Client::get_function_concurrency)
        .then_output(|| GetFunctionConcurrencyOutput::builder().build());
    let custom = mock!(aws_sdk_lambda::Client::get_function).then_output(|| function_output(Some("/shared/app")));
    let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&custom, &concurrency]));
    assert_eq!(discover(&clients, &worker).await.unwrap().name, "/shared/app");

    let default = mock!(aws_sdk_lambda::Client::get_function).then_output(|| function_output(None));
    let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&default, &concurrency]));
    let group = discover(&clients, &worker).await.unwrap();
    assert_eq!((group.name.as_str(), group.note.is_none()), ("/aws/lambda/worker", true));
}

#[tokio::test]
async fn discovery_without_lambda_permission_guesses_the_default_group() {
    use aws_smithy_mocks::{mock, mock_client};
    let denied = mock!(aws_sdk_lambda::Client::get_function).then_error(|| {
        aws_sdk_lambda::operation::get_function::GetFunctionError::generic(
            aws_sdk_lambda::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
        )
    });
    let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, [&denied]));
    let group = discover(&clients, &"worker".parse().unwrap()).await.unwrap();
    assert_eq!(group.name, "/aws/lambda/worker");
    assert!(group.note.unwrap().contains("lambda:GetFunction"));

    let missing = mock!(aws_sdk_lambda::Client::get_function).then_error(|| {
        aws_sdk_lambda::operation::get_function::GetFunctionError::ResourceNotFoundException(
            aws_sdk_lambda::types::error::ResourceNotFoundException::builder().message("nope").build(),
        )
    });
    let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, [&missing]));
    let err = discover(&clients, &"worker".parse().unwrap()).await.unwrap_err();
    assert_eq!(err.exit_status().code(), 3, "{err}");
}

#[test]
fn platform_lines() {
    assert_eq!(parse_line(&start(A)).kind, LineKind::Start { request_id: A.into() });
    assert_eq!(parse_line(&end(A)).kind, LineKind::End { request_id: A.into() });
    let LineKind::Report { request_id, fields } = parse_line(&report(A)).kind else { panic!() };
    assert_eq!(request_id, A);
    assert_eq!(
        fields,
        ReportFields {
            duration_ms: Some(12.34),
            billed_duration_ms: Some(13),
            memory_size_mb: Some(128),
            max_memory_used_mb: Some(40),
            init_duration_ms: Some(101.5),
            status: None,
        }
    );
    // Without Init Duration (warm), with XRAY and a Status (newer runtimes).
    let warm = format!(
        "REPORT RequestId: {A}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\t\
         Max Memory Used: 41 MB\tXRAY TraceId: 1-abc\tStatus: timeout"
    );
    let parsed = parse_line(&warm);
    let LineKind::Report { fields, .. } = &parsed.kind else { panic!() };
    assert_eq!(fields.init_duration_ms, None);
    assert_eq!(fields.duration_ms, Some(3000.0));
    assert_eq!(fields.status.as_deref(), Some("timeout"));
    assert!(parsed.is_error);
    // Tabs turned into spaces (copied from a console) still parse.
    let spaced = report(A).replace('\t', " ");
    let LineKind::Report { fields, .. } = parse_line(&spaced).kind else { panic!() };
    assert_eq!(
        (fields.duration_ms, fields.billed_duration_ms, fields.init_duration_ms),
        (Some(12.34), Some(13), Some(101.5))
    );
}

#[test]
fn json_log_format() {
    let start = format!(
        r#"{{"time":"2024-01-01T00:00:00.000Z","type":"platform.start","record":{{"requestId":"{A}","version":"$LATEST"}}}}"#
    );
    assert_eq!(parse_line(&start).kind, LineKind::Start { request_id: A.into() });
    let report = format!(
        r#"{{"type":"platform.report","record":{{"requestId":"{A}","metrics":{{"durationMs":2.5,"billedDurationMs":3,"memorySizeMB":256,"maxMemoryUsedMB":70,"initDurationMs":150.2}},"status":"success"}}}}"#
    );
    let parsed = parse_line(&report);
    let LineKind::Report { fields, .. } = &parsed.kind else { panic!("{parsed:?}") };
    assert_eq!(
        (fields.duration_ms, fields.memory_size_mb, fields.init_duration_ms),
        (Some(2.5), Some(256), Some(150.2))
    );
    assert!(!parsed.is_error);
    let app_error = format!(r#"{{"timestamp":"t","level":"ERROR","message":"boom","requestId":"{A}"}}"#);
    let parsed = parse_line(&app_error);
    assert_eq!(parsed.kind, LineKind::Other { request_id: Some(A.into()) });
    assert!(parsed.is_error);
    // A function printing its own JSON is just a line.
    assert_eq!(parse_line(&echo(PROBE)), ParsedLine { kind: LineKind::Other { request_id: None }, is_error: false });
}

#[test]
fn error_lines() {
    let errors = [
        "[ERROR] RuntimeError: boom: cannot process",
        "[ERROR]\t2024-01-01T00:00:00.000Z\t0e7c9a4c-1111-4a4a-8b8b-000000000001\tsomething failed",
        "Traceback (most recent call last):",
        "2024-01-01T00:00:03.000Z 0e7c9a4c-1111-4a4a-8b8b-000000000001 Task timed out after 3.00 seconds",
        "RequestId: 0e7c9a4c-1111-4a4a-8b8b-000000000001 Error: Runtime exited with code: 1",
        "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'x'",
        "Runtime.ExitError",
        "2024-01-01T00:00:00.000Z\t0e7c9a4c-1111-4a4a-8b8b-000000000001\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"boom\"}",
        "{\"errorMessage\": \"boom\", \"errorType\": \"ValueError\"}",
        "TypeError: cannot read properties of undefined",
        "java.lang.IllegalStateException: bad state",
    ];
    for line in errors {
        assert!(parse_line(line).is_error, "should be an error: {line}");
    }
    let fine = [
        "processing order 42",
        "[INFO]\t2024-01-01T00:00:00.000Z\t0e7c9a4c-1111-4a4a-8b8b-000000000001\tall good",
        "no errors: 0",
        "{\"body\": \"Error: this is the user's text\"}",
        "retrying after a RuntimeWarning",
        &echo(PROBE),
        &start(A),
        &end(A),
        &report(A),
    ];
    for line in fine {
        assert!(!parse_line(line).is_error, "should not be an error: {line}");
    }
}

#[test]
fn request_ids_on_runtime_lines() {
    let tab = format!("[ERROR]\t2024-01-01T00:00:00.000Z\t{A}\tboom");
    assert_eq!(parse_line(&tab).kind, LineKind::Other { request_id: Some(A.into()) });
    let node = format!("2024-01-01T00:00:00.000Z\t{B}\tINFO\thello");
    assert_eq!(parse_line(&node).kind, LineKind::Other { request_id: Some(B.into()) });
    assert!(!looks_like_request_id("sqstp-0e7c9a4c-1111-4a4a-8b8b-00000000000"));
    assert!(!looks_like_request_id("0e7c9a4c-1111-4a4a-8b8b-00000000000g"));
}

#[test]
fn lines_group_into_invocations_by_stream_and_request_id() {
    // Two streams, interleaved in time; a stamped line of A arrives while B is current
    // in another stream; stray lines before any START.
    let lines = [
        ("s1", 0, "INIT_START Runtime Version: python:3.12".to_owned()),
        ("s1", 10, start(A)),
        ("s2", 11, start(B)),
        ("s1", 12, echo(PROBE)),
        ("s2", 13, "working on something else".to_owned()),
        ("s1", 14, format!("[INFO]\t2024-01-01T00:00:00.000Z\t{A}\tdone")),
        ("s2", 15, end(B)),
        ("s2", 15, report(B)),
        ("s1", 16, end(A)),
        ("s1", 16, report(A)),
    ];
    let borrowed: Vec<(&str, i64, &str)> = lines.iter().map(|(s, t, m)| (*s, *t, m.as_str())).collect();
    let all = invocations(&events(&borrowed), Some(PROBE));
    let ids: Vec<Option<&str>> = all.iter().map(|i| i.request_id.as_deref()).collect();
    assert_eq!(ids, [None, Some(A), Some(B)]);
    let a = &all[1];
    assert_eq!((a.lines, a.marker_ms, a.ended, a.complete()), (5, Some(SENT + 12), true, true));
    assert_eq!(a.report.as_ref().unwrap().duration_ms, Some(12.34));
    let b = &all[2];
    assert_eq!((b.lines, b.marker_ms), (4, None));
    assert_eq!(all[0].lines, 1);
}

/// (name, lines, verdict, request id of the chosen invocation, complete)
type Case<'a> = (&'a str, Vec<(String, i64, String)>, ProbeVerdict, Option<&'a str>, bool);

#[test]
fn verdicts() {
    let e = |s: &str, t: i64, m: String| (s.to_owned(), t, m);
    let table: Vec<Case> = vec![
        ("nothing", vec![], ProbeVerdict::NotInvoked, None, true),
        (
            "an invocation before the send does not count",
            vec![e("s", -60_000, start(A)), e("s", -59_000, end(A)), e("s", -59_000, report(A))],
            ProbeVerdict::NotInvoked,
            None,
            true,
        ),
        (
            "echo: confirmed",
            vec![e("s", 100, start(A)), e("s", 100, echo(PROBE)), e("s", 101, end(A)), e("s", 101, report(A))],
            ProbeVerdict::Confirmed,
            Some(A),
            true,
        ),
        (
            "marker but no REPORT yet: confirmed, incomplete",
            vec![e("s", 100, start(A)), e("s", 100, echo(PROBE))],
            ProbeVerdict::Confirmed,
            Some(A),
            false,
        ),
        (
            "the marked invocation failed",
            vec![
                e("s", 100, start(A)),
                e("s", 100, echo(PROBE)),
                e("s", 100, "[ERROR] RuntimeError: boom".to_owned()),
                e("s", 101, end(A)),
                e("s", 101, report(A)),
            ],
            ProbeVerdict::InvokedWithError,
            Some(A),
            true,
        ),
        (
            "silent: invoked",
            vec![e("s", 100, start(A)), e("s", 101, end(A)), e("s", 101, report(A))],
            ProbeVerdict::Invoked,
            Some(A),
            true,
        ),
        (
            "silent, only START so far: invoked, incomplete",
            vec![e("s", 100, start(A))],
            ProbeVerdict::Invoked,
            Some(A),
            false,
        ),
        (
            "the only invocation timed out",
            vec![
                e("s", 100, start(A)),
                e("s", 1100, format!("2024-01-01T00:00:01.000Z {A} Task timed out after 1.00 seconds")),
                e("s", 1100, end(A)),
                e("s", 1100, report(A)),
            ],
            ProbeVerdict::InvokedWithError,
            Some(A),
            true,
        ),
        (
            "a failing and a healthy invocation, no marker: invoked (the healthy one)",
            vec![
                e("s1", 100, start(A)),
                e("s1", 100, "[ERROR] ValueError: x".to_owned()),
                e("s1", 101, report(A)),
                e("s2", 200, start(B)),
                e("s2", 201, report(B)),
            ],
            ProbeVerdict::Invoked,
            Some(B),
            true,
        ),
        (
            "the marker wins over other invocations",
            vec![
                e("s1", 100, start(A)),
                e("s1", 101, report(A)),
                e("s2", 200, start(B)),
                e("s2", 200, format!("got {PROBE}")),
                e("s2", 201, report(B)),
            ],
            ProbeVerdict::Confirmed,
            Some(B),
            true,
        ),
        (
            "a retry: the first marked invocation counts",
            vec![
                e("s1", 100, start(A)),
                e("s1", 100, echo(PROBE)),
                e("s1", 100, "Traceback (most recent call last):".to_owned()),
                e("s1", 101, report(A)),
                e("s2", 31_000, start(B)),
                e("s2", 31_000, echo(PROBE)),
                e("s2", 31_001, report(B)),
            ],
            ProbeVerdict::InvokedWithError,
            Some(A),
            true,
        ),
    ];
    for (name, lines, verdict, request_id, complete) in table {
        let c = verdict_of(&lines.iter().map(|(s, t, m)| (s.as_str(), *t, m.clone())).collect::<Vec<_>>());
        assert_eq!(c.verdict, verdict, "{name}");
        assert_eq!(c.invocation.as_ref().and_then(|i| i.request_id.as_deref()), request_id, "{name}");
        assert_eq!(c.complete, complete, "{name}");
    }
}

#[test]
fn the_error_text_is_the_first_error_line() {
    let lines = vec![
        ("s", 100, start(A)),
        ("s", 100, "[ERROR] RuntimeError: boom: cannot process".to_owned()),
        ("s", 100, "Traceback (most recent call last):".to_owned()),
        ("s", 101, report(A)),
    ];
    let c = verdict_of(&lines);
    assert_eq!(c.invocation.unwrap().error.as_deref(), Some("[ERROR] RuntimeError: boom: cannot process"));
}

#[test]
fn timestamps_are_rfc3339_millis() {
    assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(format_millis(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
}

/// An answer that does not parse is one line naming the call, never the raw response.
#[tokio::test]
async fn an_unreadable_answer_is_one_line_without_the_body() {
    use aws_smithy_mocks::{mock, mock_client};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    let body = format!("<html>{}</html>", "proxy error page ".repeat(500));
    let garbage = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .then_http_response(move || HttpResponse::new(200.try_into().unwrap(), SdkBody::from(body.clone())));
    let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, [&garbage]));
    let err = crate::gather::mapping::list(&clients, None, None).await.unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("lambda:ListEventSourceMappings on every mapping failed"), "{text}");
    assert!(text.contains("could not be read") && !text.contains("proxy error page"), "{text}");
    assert!(text.len() < 300, "{} bytes", text.len());
    assert_eq!(crate::error::Error::Aws(err).exit_status(), crate::error::ExitStatus::Aws);
}

fn app_json(id: &str, level: &str, message: &str) -> String {
    format!(
        r#"{{"timestamp":"2024-01-01T00:00:00Z","level":"{level}","message":"{message}","logger":"root","requestId":"{id}"}}"#
    )
}

/// A function logging in JSON with SystemLogLevel WARN writes no START/END/REPORT: its own
/// JSON records (with `requestId`) and prints are all there is. Each case: (what, lines,
/// verdict, request id, basis, complete).
#[test]
fn verdicts_without_platform_lines() {
    let warn = LogShape { platform_lines: false, function_streams: None };
    let e = |t: i64, m: String| ("s".to_owned(), t, m);
    type Row = (&'static str, Vec<(String, i64, String)>, ProbeVerdict, Option<&'static str>, VerdictBasis, bool);
    let table: Vec<Row> = vec![
        ("nothing", vec![], ProbeVerdict::NotInvoked, None, VerdictBasis::Nothing, true),
        (
            "the probe id in a JSON record: confirmed at once, on the function's output",
            vec![e(100, app_json(A, "INFO", "got")), e(100, app_json(A, "INFO", PROBE))],
            ProbeVerdict::Confirmed,
            Some(A),
            VerdictBasis::FunctionOutput,
            true,
        ),
        (
            "the probe id in a print after a JSON record: the same request",
            vec![e(100, app_json(A, "INFO", "got")), e(101, echo(PROBE))],
            ProbeVerdict::Confirmed,
            Some(A),
            VerdictBasis::FunctionOutput,
            true,
        ),
        (
            "the probe id in a print alone: tied to no request, still confirmed",
            vec![e(100, echo(PROBE))],
            ProbeVerdict::Confirmed,
            None,
            VerdictBasis::FunctionOutput,
            true,
        ),
        (
            "an ERROR record with the probe id: invoked-with-error",
            vec![e(100, app_json(A, "INFO", PROBE)), e(101, app_json(A, "ERROR", "boom"))],
            ProbeVerdict::InvokedWithError,
            Some(A),
            VerdictBasis::FunctionOutput,
            true,
        ),
        (
            "records after the send without the probe id: invoked, nothing to wait for",
            vec![e(100, app_json(A, "WARNING", "slow"))],
            ProbeVerdict::Invoked,
            Some(A),
            VerdictBasis::FunctionOutput,
            true,
        ),
        (
            "a failure Lambda reports at WARN (platform.report with a status) is still read",
            vec![
                e(100, app_json(A, "INFO", PROBE)),
                e(
                    102,
                    format!(
                        r#"{{"type":"platform.report","record":{{"requestId":"{A}","status":"timeout","metrics":{{"durationMs":3000.0}}}}}}"#
                    ),
                ),
            ],
            ProbeVerdict::InvokedWithError,
            Some(A),
            VerdictBasis::Report,
            true,
        ),
    ];
    for (what, lines, verdict, id, basis, complete) in table {
        let borrowed: Vec<(&str, i64, &str)> = lines.iter().map(|(s, t, m)| (s.as_str(), *t, m.as_str())).collect();
        let seen = classify_with(&events(&borrowed), PROBE, SENT - 5_000, &warn);
        assert_eq!(seen.verdict, verdict, "{what}");
        assert_eq!(seen.invocation.as_ref().and_then(|i| i.request_id.as_deref()), id, "{what}");
        assert_eq!(seen.basis, basis, "{what}");
        assert_eq!(seen.complete, complete, "{what}");
    }
    // The same JSON lines for a function that does write platform lines: the REPORT line is
    // still to come, so the watch waits for it.
    let lines = [("s", 100, app_json(A, "INFO", PROBE))];
    let borrowed: Vec<(&str, i64, &str)> = lines.iter().map(|(s, t, m)| (*s, *t, m.as_str())).collect();
    let seen = classify(&events(&borrowed), PROBE, SENT - 5_000);
    assert_eq!(
        (seen.verdict, seen.complete, seen.basis),
        (ProbeVerdict::Confirmed, false, VerdictBasis::FunctionOutput)
    );
    // Text format with the REPORT line: the verdict rests on it.
    let lines = [("s", 100, start(A)), ("s", 100, echo(PROBE)), ("s", 101, report(A))];
    let borrowed: Vec<(&str, i64, &str)> = lines.iter().map(|(s, t, m)| (*s, *t, m.as_str())).collect();
    assert_eq!(classify(&events(&borrowed), PROBE, SENT - 5_000).basis, VerdictBasis::Report);
}

/// A custom log group shared by several functions: only `YYYY/MM/DD/<name>[...]` streams are
/// this function's.
#[test]
fn shared_log_group_keeps_the_functions_streams() {
    let own = LogShape { platform_lines: true, function_streams: Some("worker".into()) };
    for (stream, kept) in [
        ("2026/12/02/worker[$LATEST]0123abcd", true),
        ("2026/12/02/worker[7]0123abcd", true),
        ("2026/12/02/worker2[$LATEST]0123abcd", false),
        ("2026/12/02/other[$LATEST]0123abcd", false),
        ("2026/12/02/[$LATEST]0123abcd", false),
        ("worker[$LATEST]0123abcd", false),
        ("x/y/z/worker[$LATEST]", false),
    ] {
        assert_eq!(own.keeps(stream), kept, "{stream}");
    }
    assert!(LogShape::default().keeps("2026/12/02/[$LATEST]0123abcd"), "its own group: every stream");
    // Another function of the group logged the probe id (it echoes the same queue's body):
    // not this function's run.
    let lines = [
        ("2026/12/02/other[$LATEST]aa", 100, start(B)),
        ("2026/12/02/other[$LATEST]aa", 100, echo(PROBE)),
        ("2026/12/02/other[$LATEST]aa", 101, report(B)),
    ];
    let others: Vec<(&str, i64, &str)> = lines.iter().map(|(s, t, m)| (*s, *t, m.as_str())).collect();
    let seen = classify_with(&events(&others), PROBE, SENT - 5_000, &own);
    assert_eq!(seen.verdict, ProbeVerdict::NotInvoked);
    let mine = [
        ("2026/12/02/worker[$LATEST]bb", 100, start(A)),
        ("2026/12/02/worker[$LATEST]bb", 100, echo(PROBE)),
        ("2026/12/02/worker[$LATEST]bb", 101, report(A)),
    ];
    let all: Vec<(&str, i64, &str)> = lines.iter().chain(mine.iter()).map(|(s, t, m)| (*s, *t, m.as_str())).collect();
    let seen = classify_with(&events(&all), PROBE, SENT - 5_000, &own);
    assert_eq!((seen.verdict, seen.invocation.and_then(|i| i.request_id)), (ProbeVerdict::Confirmed, Some(A.into())));
}

#[test]
fn log_shape_from_logging_config() {
    use crate::model::facts::LoggingFacts;
    let mut f = crate::checks::queue::fixtures::function(30);
    assert_eq!(LogShape::of(&f), LogShape::default());
    let table = [
        (false, Some("WARN"), true),
        (true, Some("INFO"), true),
        (true, Some("DEBUG"), true),
        (true, None, true),
        (true, Some("WARN"), false),
    ];
    for (json, level, platform_lines) in table {
        f.logging = LoggingFacts { json, system_log_level: level.map(str::to_owned), custom_group: true };
        let shape = LogShape::of(&f);
        assert_eq!(shape.platform_lines, platform_lines, "{json} {level:?}");
        assert_eq!(shape.function_streams.as_deref(), Some("worker"));
    }
}
