//! role check's settings, its queue-policy findings and the grants `--fix` reads back: no AWS.

use clap::Parser;

use super::fix::policy_gen_grants;
use super::*;
use crate::checks::role::{PermissionCheck, PermissionVerdict, Required};
use crate::error::ExitStatus;

fn args(extra: &[&str]) -> RoleCheckArgs {
    let mut argv = vec!["sqs-trigger", "role", "check", "--function", "worker", "--queue", "orders"];
    argv.extend_from_slice(extra);
    let cli = crate::cli::Cli::try_parse_from(argv).unwrap();
    match cli.command {
        crate::cli::Command::Role(crate::cli::RoleCommand::Check(a)) => a,
        other => panic!("{other:?}"),
    }
}

#[test]
fn settings_validate_before_any_request() {
    assert!(Settings::from_args(&args(&[]), false).is_ok());
    let s = Settings::from_args(&args(&["--role", "arn:aws:iam::123456789012:role/r"]), false).unwrap();
    assert_eq!(s.role.unwrap().name(), "r");
    for bad in [vec!["--role", "worker-role"], vec!["--role", "arn:aws:iam::123456789012:user/u"], vec!["--fix"]] {
        let err = Settings::from_args(&args(&bad), false).unwrap_err();
        assert_eq!(err.exit_status(), ExitStatus::Usage, "{bad:?}");
    }
    assert!(Settings::from_args(&args(&["--fix"]), true).is_ok());
    assert!(Settings::from_args(&args(&["--fix", "--yes"]), false).is_ok());
}

#[test]
fn queue_policy_rows_become_cross_account_findings() {
    let row = |decision, decided_by| PermissionCheck {
        action: "sqs:DeleteMessage".into(),
        resource: "arn:aws:sqs:us-east-1:210987654321:orders".into(),
        decision,
        policy: Some("queue policy of arn:aws:sqs:us-east-1:210987654321:orders".into()),
        sid: None,
        condition_keys: vec![],
        decided_by: Some(decided_by),
        reason: "queue policy does not grant the role or its account".into(),
        fixable: false,
        simulator: None,
        disagreement: None,
    };
    let evaluation = RoleEvaluation {
        role: Some("arn:aws:iam::123456789012:role/worker".parse().unwrap()),
        decided_by: Some(Decider::Evaluator),
        permissions: vec![
            row(PermissionVerdict::Missing, Decider::QueuePolicy),
            row(PermissionVerdict::Denied, Decider::QueuePolicy),
            row(PermissionVerdict::Allowed, Decider::QueuePolicy),
            row(PermissionVerdict::Missing, Decider::Evaluator),
        ],
    };
    let findings = checks::role::queue_policy_findings(&evaluation);
    assert_eq!(findings.len(), 2);
    for f in &findings {
        assert_eq!(f.code, FindingCode::CrossAccountQueuePolicy);
        assert!(f.remediation.as_deref().unwrap().contains("arn:aws:iam::123456789012:role/worker"));
    }
}

#[test]
fn generated_grants_read_back() {
    let grants = vec![
        Required { action: "sqs:DeleteMessage", resource: "arn:aws:sqs:us-east-1:123456789012:q".into() },
        Required { action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:123456789012:key/k".into() },
    ];
    let doc = policy_gen::least_privilege(&grants).unwrap();
    assert_eq!(policy_gen_grants(&doc), grants);
}
