use super::*;
use crate::checks::queue::fixtures::{mapping, queue};
use crate::error::AwsErrorKind;
use crate::model::FindingCode;

fn request() -> MappingFlags {
    MappingFlags::default()
}

fn options() -> MappingOptions {
    MappingOptions::default()
}

#[test]
fn request_defaults() {
    let r = request_from_options(&options()).unwrap();
    assert_eq!(r, MappingFlags::default(), "nothing given: everything kept");
    assert_eq!(r.settle(None), MappingRequest { enabled: true, ..MappingRequest::default() }, "creating: defaults");
    let mut o = options();
    o.disabled = true;
    o.batch_window = Some("1m".into());
    o.report_batch_item_failures = true;
    let r = request_from_options(&o).unwrap();
    assert_eq!((r.enabled, r.report_batch_item_failures), (Some(false), Some(true)));
    assert_eq!(r.batch_window_secs, Some(60));
    let mut o = options();
    o.enable = true;
    o.clear_filters = true;
    o.no_report_batch_item_failures = true;
    let r = request_from_options(&o).unwrap();
    assert_eq!((r.enabled, r.filters, r.report_batch_item_failures), (Some(true), Some(vec![]), Some(false)));
}

#[test]
fn bad_input_is_usage() {
    for (window, filters) in [
        (Some("5x"), vec![]),
        (Some("1500ms"), vec![]),
        (None, vec!["not json"]),
        (None, vec!["[1,2]"]),
        (None, vec!["\"body\""]),
        (None, vec!["{}"]),
    ] {
        let mut o = options();
        o.batch_window = window.map(str::to_owned);
        o.filters = filters.iter().map(|s| s.to_string()).collect();
        assert!(matches!(request_from_options(&o), Err(Error::Usage(_))), "{window:?} {filters:?}");
    }
}

#[test]
fn bad_filter_is_named() {
    let mut o = options();
    o.filters = vec![r#"{"body":{"a":[1]}}"#.into(), "[]".into()];
    let err = request_from_options(&o).unwrap_err().to_string();
    assert!(err.contains("--filter #2") && err.contains("an array"), "{err}");
    o.filters = vec![r#"{"body":{"type":"order"}}"#.into()];
    let err = request_from_options(&o).unwrap_err().to_string();
    assert!(err.contains("`body.type` is a string") && err.contains("JSON array"), "{err}");
    o.filters = vec![r#"{"body":{"type":["order"],"n":[{"numeric":[">",1]}]},"attributes":{}}"#.into()];
    assert!(request_from_options(&o).is_ok());
    o.batch_window = Some(format!("{}1500ms", "0s".repeat(5000)));
    let err = request_from_options(&o).unwrap_err().to_string();
    assert!(err.len() < 300, "a long window is shortened: {} bytes", err.len());
    o.batch_window = None;
    o.filters = vec!["{oops".into()];
    let err = request_from_options(&o).unwrap_err().to_string();
    assert!(err.starts_with("--filter: not valid JSON"), "{err}");
}

#[test]
fn settings_validate_target_and_wait() {
    let args = |queue: &str, wait: &str| MappingCreateArgs {
        target: TargetArgs { function: "worker".into(), queue: queue.into() },
        mapping: options(),
        no_wait: false,
        wait_timeout: wait.into(),
    };
    assert!(CreateSettings::from_args(&args("orders", "5m")).unwrap().wait.is_some());
    assert!(matches!(CreateSettings::from_args(&args("bad name", "5m")), Err(Error::Usage(_) | Error::Parse(_))));
    assert!(matches!(CreateSettings::from_args(&args("orders", "0s")), Err(Error::Usage(_))));
    assert!(matches!(CreateSettings::from_args(&args("orders", "soon")), Err(Error::Usage(_))));
}

#[test]
fn delete_needs_yes_without_terminal() {
    let args = |yes| MappingDeleteArgs { target: TargetArgs { function: "w".into(), queue: "q".into() }, yes };
    assert!(matches!(DeleteSettings::from_args(&args(false), false), Err(Error::Usage(_))));
    assert!(DeleteSettings::from_args(&args(false), true).is_ok());
    assert!(DeleteSettings::from_args(&args(true), false).is_ok());
}

#[test]
fn changes_only_what_differs() {
    let q = queue("orders");
    let existing = mapping(&q, "Enabled");
    // Nothing asked beyond the defaults: unchanged.
    assert!(Changes::between(&existing, &request()).is_empty());
    // Settings not given are kept.
    let mut m = existing.clone();
    m.batch_size = Some(100);
    m.batch_window_secs = Some(5);
    m.max_concurrency = Some(5);
    assert!(Changes::between(&m, &request()).is_empty());

    let mut r = request();
    r.batch_size = Some(10);
    r.batch_window_secs = Some(0);
    assert!(Changes::between(&existing, &r).is_empty(), "the same values: unchanged");

    r.batch_size = Some(50);
    r.batch_window_secs = Some(2);
    r.max_concurrency = Some(4);
    r.report_batch_item_failures = Some(true);
    r.filters = Some(vec![r#"{"body":{"a":[1]}}"#.into()]);
    r.enabled = Some(false);
    let c = Changes::between(&existing, &r);
    assert_eq!(
        c,
        Changes {
            batch_size: Some(50),
            batch_window_secs: Some(2),
            max_concurrency: Some(4),
            report_batch_item_failures: Some(true),
            filters: r.filters.clone(),
            enabled: Some(false),
            ..Changes::default()
        }
    );
    let attrs: Vec<String> = c.differences(&existing).into_iter().map(|d| d.attribute).collect();
    assert_eq!(
        attrs,
        [
            "BatchSize",
            "MaximumBatchingWindowInSeconds",
            "MaximumConcurrency",
            "ReportBatchItemFailures",
            "FilterCriteria",
            "Enabled"
        ]
    );
}

/// (existing mapping, flags given) → (fields written): unspecified means keep; filters go
/// only with --clear-filters, enabling only with --enable.
#[test]
fn writes_planned_for_flags_given() {
    let q = queue("orders");
    let mut filtered = mapping(&q, "Disabled");
    filtered.report_batch_item_failures = true;
    filtered.filters = vec![r#"{"body":{"type":["payment"]}}"#.into()];
    filtered.batch_size = Some(50);
    filtered.batch_window_secs = Some(5);
    let flags = |f: &dyn Fn(&mut MappingFlags)| {
        let mut r = request();
        f(&mut r);
        r
    };
    let cases: Vec<(MappingFlags, Vec<&str>)> = vec![
        (request(), vec![]),
        (flags(&|r| r.batch_size = Some(50)), vec![]),
        (flags(&|r| r.batch_size = Some(100)), vec!["BatchSize"]),
        (flags(&|r| r.batch_window_secs = Some(5)), vec![]),
        (flags(&|r| r.enabled = Some(false)), vec![]),
        (flags(&|r| r.enabled = Some(true)), vec!["Enabled"]),
        (flags(&|r| r.filters = Some(vec![])), vec!["FilterCriteria"]),
        (flags(&|r| r.filters = Some(vec![r#"{"body":{"type":["payment"]}}"#.into()])), vec![]),
        (flags(&|r| r.filters = Some(vec![r#"{"body":{"type":["refund"]}}"#.into()])), vec!["FilterCriteria"]),
        (flags(&|r| r.report_batch_item_failures = Some(false)), vec!["FunctionResponseTypes"]),
        (flags(&|r| r.max_concurrency = Some(5)), vec!["ScalingConfig"]),
    ];
    for (given, fields) in cases {
        assert_eq!(Changes::between(&filtered, &given).fields(), fields, "{given:?}");
    }
    // What the mapping then has: the kept settings, not the defaults.
    let settled = flags(&|r| r.batch_size = Some(60)).settle(Some(&filtered));
    assert_eq!(settled.filters, filtered.filters);
    assert!(!settled.enabled && settled.report_batch_item_failures);
    assert_eq!((settled.batch_size, settled.batch_window_secs), (Some(60), Some(5)));
}

#[test]
fn filters_compare_as_json() {
    let a = vec![r#"{"body": {"a": [1], "b": ["x"]}}"#.to_owned(), r#"{"attributes":{}}"#.to_owned()];
    let b = vec![r#"{"attributes":{}}"#.to_owned(), r#"{"body":{"b":["x"],"a":[1]}}"#.to_owned()];
    assert!(same_filters(&a, &b));
    assert!(!same_filters(&a, &b[..1]));
    assert!(same_filters(&[], &[]));
}

#[test]
fn effective_request_keeps_existing_settings() {
    let q = queue("orders");
    let mut m = mapping(&q, "Enabled");
    m.batch_size = Some(100);
    m.batch_window_secs = Some(5);
    let mut r = request();
    r.batch_window_secs = Some(0);
    let e = r.settle(Some(&m));
    assert_eq!((e.batch_size, e.batch_window_secs), (Some(100), Some(0)), "the checks see batch 100 without window");
    assert_eq!(r.settle(None).batch_size, None);
}

/// A context whose Lambda client answers from `rules` (others are never called).
fn mocked_ctx(lambda: aws_sdk_lambda::Client) -> Ctx {
    let mut clients = crate::aws::Clients::offline();
    clients.lambda = lambda;
    Ctx {
        clients,
        output: crate::output::Output::new(crate::cli::OutputFormat::Json, true, true),
        journal: crate::commands::Journal::default(),
    }
}

fn esm(
    state: &str,
    reason: Option<&str>,
    result: Option<&str>,
) -> aws_sdk_lambda::operation::get_event_source_mapping::GetEventSourceMappingOutput {
    aws_sdk_lambda::operation::get_event_source_mapping::GetEventSourceMappingOutput::builder()
        .uuid("u-1")
        .event_source_arn("arn:aws:sqs:us-east-1:123456789012:orders")
        .function_arn("arn:aws:lambda:us-east-1:123456789012:function:worker")
        .state(state)
        .set_state_transition_reason(reason.map(str::to_owned))
        .set_last_processing_result(result.map(str::to_owned))
        .build()
}

#[tokio::test]
async fn waits_through_transitional_states() {
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    let rule = mock!(aws_sdk_lambda::Client::get_event_source_mapping)
        .sequence()
        .output(|| esm("Creating", None, None))
        .output(|| esm("Enabling", None, None))
        .output(|| esm("Enabled", Some("USER_INITIATED"), None))
        .build();
    let ctx = mocked_ctx(mock_client!(aws_sdk_lambda, RuleMode::Sequential, [&rule]));
    let w = wait_until_settled(&ctx, "u-1", "Enabled", Duration::from_secs(30), &Progress::none()).await.unwrap();
    assert!(w.settled, "{w:?}");
    assert_eq!(w.state, "Enabled");
    assert_eq!(rule.num_calls(), 3);
}

#[tokio::test]
async fn settling_elsewhere_reports_why() {
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    let reason = "The function execution role does not have permissions to call ReceiveMessage on SQS";
    let rule = mock!(aws_sdk_lambda::Client::get_event_source_mapping)
        .then_output(move || esm("Disabled", Some(reason), Some("PROBLEM: Lambda could not poll")));
    let ctx = mocked_ctx(mock_client!(aws_sdk_lambda, RuleMode::Sequential, [&rule]));
    let w = wait_until_settled(&ctx, "u-1", "Enabled", Duration::from_secs(30), &Progress::none()).await.unwrap();
    assert!(!w.settled);
    assert_eq!(w.state_transition_reason.as_deref(), Some(reason));
    let f = not_settled_finding("q", "u-1", &w, Duration::from_secs(30));
    assert_eq!(f.code, FindingCode::MappingProblem);
    assert!(f.message.contains("settled as Disabled, not Enabled") && f.message.contains("PROBLEM"), "{}", f.message);
}

#[tokio::test]
async fn a_mapping_stuck_in_creating_times_out() {
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    let rule = mock!(aws_sdk_lambda::Client::get_event_source_mapping).then_output(|| esm("Creating", None, None));
    let ctx = mocked_ctx(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&rule]));
    let w = wait_until_settled(&ctx, "u-1", "Enabled", Duration::from_millis(600), &Progress::none()).await.unwrap();
    assert!(!w.settled);
    assert_eq!(w.state, "Creating");
    let f = not_settled_finding("q", "u-1", &w, Duration::from_millis(600));
    assert!(f.message.contains("still Creating"), "{}", f.message);
}

#[tokio::test]
async fn a_mapping_that_disappears_is_missing() {
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    let rule = mock!(aws_sdk_lambda::Client::get_event_source_mapping).then_error(|| {
        aws_sdk_lambda::operation::get_event_source_mapping::GetEventSourceMappingError::ResourceNotFoundException(
            aws_sdk_lambda::types::error::ResourceNotFoundException::builder()
                .message("gone")
                .meta(aws_sdk_lambda::error::ErrorMetadata::builder().code("ResourceNotFoundException").build())
                .build(),
        )
    });
    let ctx = mocked_ctx(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&rule]));
    let w = wait_until_settled(&ctx, "u-1", "Enabled", Duration::from_secs(5), &Progress::none()).await.unwrap();
    assert_eq!((w.settled, w.state.as_str()), (false, "gone"));
    assert_eq!(not_settled_finding("q", "u-1", &w, Duration::from_secs(5)).code, FindingCode::MappingMissing);
}

fn aws_error(code: &str, message: &str) -> AwsError {
    AwsError {
        action: "lambda:UpdateEventSourceMapping",
        resource: "u-1".into(),
        kind: AwsErrorKind::InvalidRequest,
        code: Some(code.into()),
        message: message.into(),
        answer: None,
        hint: None,
    }
}

#[tokio::test]
async fn retries_busy_mappings_and_fresh_roles_but_nothing_else() {
    let ctx = mocked_ctx(aws_sdk_lambda::Client::new(
        &aws_config::SdkConfig::builder().behavior_version(aws_config::BehaviorVersion::latest()).build(),
    ));
    let answers = std::sync::Mutex::new(vec![
        Err(aws_error(
            "InvalidParameterValueException",
            "The function execution role does not have permissions to call ReceiveMessage on SQS",
        )),
        Err(aws_error("ResourceInUseException", "busy")),
        Ok(7),
    ]);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let call = || {
        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let next = answers.lock().unwrap().remove(0);
        async move { next }
    };
    assert_eq!(retrying(&ctx, &Progress::none(), IN_USE_BOUND, call).await.unwrap(), 7);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);

    let other = || async { Err::<(), _>(aws_error("InvalidParameterValueException", "BatchSize too large")) };
    let err = retrying(&ctx, &Progress::none(), IN_USE_BOUND, other).await.unwrap_err();
    assert_eq!(err.exit_status(), ExitStatus::Aws);
    // A busy mapping is waited for only as long as the bound allows.
    let busy = || async { Err::<(), _>(aws_error("ResourceInUseException", "busy")) };
    assert!(retrying(&ctx, &Progress::none(), Duration::ZERO, busy).await.is_err());
}

#[test]
fn report_text_is_one_line_per_fact() {
    let q = queue("orders");
    let existing = mapping(&q, "Enabled");
    let mut r = request();
    r.batch_size = Some(50);
    r.batch_window_secs = Some(2);
    let changes = Changes::between(&existing, &r);
    let report = MappingReport {
        outcome: Outcome::Updated,
        uuid: Some(existing.uuid.clone()),
        state: Some("Enabled".into()),
        queue: q.arn.to_string(),
        function: existing.function_arn.to_string(),
        settings: r.settle(Some(&existing)),
        differences: changes.differences(&existing),
        wait: None,
        findings: vec![Finding::warning(FindingCode::DlqMissing, q.arn.to_string(), "no DLQ").fix("add one")],
        warnings: 1,
        changed: vec![],
    };
    let mut out = Vec::new();
    report.render_text(&mut out, &Style::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("mapping         updated"), "{text}");
    assert!(text.contains("changed         BatchSize: 10 -> 50"), "{text}");
    assert!(text.contains("fix: add one"), "{text}");
    assert_eq!(report.exit_status(), ExitStatus::Success);
}

/// The 2024-2025 features: each flag writes its own field, only when it differs; what is not
/// given is kept (settle) and defaults apply only when creating.
#[test]
fn mapping_features_change_only_when_given_and_different() {
    let q = queue("orders");
    let mut existing = mapping(&q, "Enabled");
    let pollers = ProvisionedPollers { minimum: 2, maximum: 20 };
    existing.provisioned_pollers = Some(pollers);
    existing.metrics = vec!["EventCount".into()];
    existing.filter_kms_key = Some("arn:aws:kms:us-east-1:123456789012:key/k".into());
    assert!(Changes::between(&existing, &request()).is_empty(), "not given: kept");
    let kept = request().settle(Some(&existing));
    assert_eq!((kept.provisioned_pollers, kept.metrics), (Some(pollers), true));
    assert_eq!(kept.filter_kms_key, existing.filter_kms_key);
    let created = request().settle(None);
    assert_eq!((created.provisioned_pollers, created.metrics, created.filter_kms_key), (None, false, None));

    let mut same = request();
    same.provisioned_pollers = Some(pollers);
    same.metrics = Some(true);
    same.filter_kms_key = existing.filter_kms_key.clone();
    assert!(Changes::between(&existing, &same).is_empty(), "the same values: unchanged");

    let mut r = request();
    r.provisioned_pollers = Some(ProvisionedPollers { minimum: 5, maximum: 50 });
    r.metrics = Some(false);
    r.filter_kms_key = Some("arn:aws:kms:us-east-1:123456789012:key/other".into());
    let c = Changes::between(&existing, &r);
    assert_eq!(c.fields(), ["ProvisionedPollerConfig", "MetricsConfig", "KMSKeyArn"]);
    let d: Vec<(String, String)> = c.differences(&existing).into_iter().map(|d| (d.current, d.requested)).collect();
    assert_eq!(d[0], ("2:20".into(), "5:50".into()));
    assert_eq!(d[1], ("on".into(), "off".into()));
}

#[test]
fn provisioned_pollers_flag() {
    let parse = |text: &str| {
        let mut o = options();
        o.provisioned_pollers = Some(text.into());
        request_from_options(&o).map(|r| r.provisioned_pollers)
    };
    assert_eq!(parse("2:200").unwrap(), Some(ProvisionedPollers { minimum: 2, maximum: 200 }));
    assert_eq!(parse("200:10000").unwrap(), Some(ProvisionedPollers { minimum: 200, maximum: 10_000 }));
    assert_eq!(parse(" 5 : 5 ").unwrap(), Some(ProvisionedPollers { minimum: 5, maximum: 5 }));
    for bad in ["", "5", "1:10", "201:300", "2:10001", "2:1", "10:5", "a:b", "-2:5", "2:20:30"] {
        assert!(matches!(parse(bad), Err(Error::Usage(_))), "{bad:?}");
    }
    let mut o = options();
    o.metrics = true;
    o.filter_kms_key = Some("alias/orders-filters".into());
    let r = request_from_options(&o).unwrap();
    assert_eq!((r.metrics, r.filter_kms_key.as_deref()), (Some(true), Some("alias/orders-filters")));
    o.filter_kms_key = Some("alias/aws/lambda".into());
    assert!(matches!(request_from_options(&o), Err(Error::Usage(_))), "AWS managed keys cannot encrypt filters");
}
