use super::*;

#[test]
fn requests_read_well() {
    let r = MappingRequest { batch_size: Some(100), batch_window_secs: Some(5), enabled: true, ..Default::default() };
    assert_eq!(describe_request(&r), "batch 100, window 5s");
    let d = MappingRequest { enabled: false, filters: vec!["{}".into()], ..Default::default() };
    assert_eq!(describe_request(&d), "batch 10, 1 filter(s), disabled");
}

#[test]
fn the_first_stopping_step_sets_the_exit_code() {
    let report = SetupReport {
        dry_run: false,
        queue: "q".into(),
        function: "f".into(),
        steps: vec![
            Step::ok(StepName::Queue, StepOutcome::Created, ""),
            Step::ok(StepName::Role, StepOutcome::Refused, "").with_status(ExitStatus::CheckFailed),
        ],
        changed: vec![],
        verdict: String::new(),
        streamed: false,
    };
    assert_eq!(report.exit_status(), ExitStatus::CheckFailed);
    let failed = Step::failed(StepName::Mapping, &Error::usage("x"));
    assert_eq!(failed.status, ExitStatus::Usage);
}
