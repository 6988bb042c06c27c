//! Which verdict wins, over recorded simulator answers (tests/fixtures/simulator/: LocalStack's
//! stub as recorded, AWS's shapes as the API reference shows them), each read by the real IAM
//! client (the SDK's XML deserializer) through `gather::role::simulate`.

use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

use super::{Identity, identity};
use crate::aws::Clients;
use crate::model::access::{Access, Decider, Required, SimulatorAnswer, SimulatorDecision};
use crate::policy::Decision;

const ROLE: &str = "arn:aws:iam::123456789012:role/worker";
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:orders";

/// The answer the simulator gave in `body` for `action`, as `gather::role::simulate` reads it.
fn recorded(body: &'static str, action: &'static str) -> SimulatorAnswer {
    let rule = mock!(aws_sdk_iam::Client::simulate_principal_policy)
        .then_http_response(move || HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body)));
    let clients = Clients { iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&rule]), ..Clients::offline() };
    let required = [Required { action, resource: QUEUE.to_owned() }];
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let simulation = runtime
        .block_on(crate::gather::role::simulate(&clients, &ROLE.parse().unwrap(), &required))
        .expect("the recorded answer parses");
    simulation.results.into_iter().find(|r| r.action == action).expect("an answer for the action").answer
}

const LS_EXPLICIT_DENY: &str = include_str!("../../../../tests/fixtures/simulator/localstack-explicit-deny.xml");
const LS_ALLOWED: &str = include_str!("../../../../tests/fixtures/simulator/localstack-allowed.xml");
const AWS_ALLOWED: &str = include_str!("../../../../tests/fixtures/simulator/aws-allowed.xml");
const AWS_IMPLICIT: &str = include_str!("../../../../tests/fixtures/simulator/aws-implicit-deny.xml");
const AWS_EXPLICIT: &str = include_str!("../../../../tests/fixtures/simulator/aws-explicit-deny.xml");
const AWS_BOUNDARY: &str = include_str!("../../../../tests/fixtures/simulator/aws-boundary-deny.xml");
const AWS_SCP: &str = include_str!("../../../../tests/fixtures/simulator/aws-scp-deny.xml");

fn allowed() -> Option<Access> {
    Some(Access::Decided(Decision::Allowed {
        policy: "managed policy AWSLambdaSQSQueueExecutionRole".into(),
        sid: None,
    }))
}
fn implicit() -> Option<Access> {
    Some(Access::Decided(Decision::ImplicitDeny))
}
fn denied() -> Option<Access> {
    Some(Access::Decided(Decision::ExplicitDeny { policy: "inline policy deny-deletes".into(), sid: None }))
}
fn conditional() -> Option<Access> {
    Some(Access::Decided(Decision::AllowedUnderConditions {
        policy: "inline policy p".into(),
        sid: None,
        condition_keys: vec!["aws:SourceVpce".into()],
    }))
}

/// Who wins: the simulator, the evaluator (simulator not believed), both kept (disputed), or
/// neither (undecided).
#[derive(Debug, PartialEq)]
enum Winner {
    Simulator,
    EvaluatorNotBelieving,
    Evaluator,
    Disputed,
    Undecided,
}

fn winner(outcome: &Option<Identity>) -> Winner {
    match outcome {
        Some(Identity::Decided { by: Decider::Simulator, note: None, .. }) => Winner::Simulator,
        Some(Identity::Decided { by: Decider::Evaluator, note: Some(n), .. }) if !n.believed => {
            Winner::EvaluatorNotBelieving
        }
        Some(Identity::Decided { by: Decider::Evaluator, note: None, .. }) => Winner::Evaluator,
        Some(Identity::Disputed { .. }) => Winner::Disputed,
        Some(Identity::Undecided(_)) => Winner::Undecided,
        other => panic!("unexpected outcome {other:?}"),
    }
}

#[test]
fn which_verdict_wins_over_recorded_answers() {
    use Winner::*;
    // (recorded answer, action, evaluator's verdict, who wins, why)
    let cases: [(&str, &str, Option<Access>, Winner, &str); 16] = [
        (
            LS_EXPLICIT_DENY,
            "sqs:DeleteMessage",
            allowed(),
            EvaluatorNotBelieving,
            "LocalStack's stub: explicitDeny naming no Deny statement and no SCP/boundary detail is no AWS answer",
        ),
        (
            LS_EXPLICIT_DENY,
            "sqs:ReceiveMessage",
            implicit(),
            EvaluatorNotBelieving,
            "the evaluator's 'missing' stands, so the finding is role-missing-permission, not role-explicit-deny",
        ),
        (
            LS_EXPLICIT_DENY,
            "sqs:DeleteMessage",
            None,
            Undecided,
            "not believed, and no policies read to decide from: the permission is skipped",
        ),
        (
            LS_ALLOWED,
            "kms:Decrypt",
            implicit(),
            EvaluatorNotBelieving,
            "LocalStack's stub: allowed naming no statement is no AWS answer",
        ),
        (
            LS_ALLOWED,
            "kms:Decrypt",
            allowed(),
            EvaluatorNotBelieving,
            "not believed even when it happens to agree: the evaluator decided",
        ),
        (AWS_ALLOWED, "sqs:DeleteMessage", allowed(), Simulator, "an AWS answer that agrees: the simulator decides"),
        (AWS_ALLOWED, "sqs:DeleteMessage", None, Simulator, "the policies were not read: the simulator decides"),
        (
            AWS_ALLOWED,
            "sqs:DeleteMessage",
            implicit(),
            Disputed,
            "AWS names an Allow the evaluator does not see: both verdicts are reported",
        ),
        (
            AWS_ALLOWED,
            "sqs:DeleteMessage",
            conditional(),
            Simulator,
            "the evaluator could not decide a condition; the simulator did",
        ),
        (AWS_IMPLICIT, "sqs:DeleteMessage", implicit(), Simulator, "both say nothing allows it"),
        (
            AWS_IMPLICIT,
            "sqs:DeleteMessage",
            allowed(),
            Disputed,
            "AWS says nothing allows it, the evaluator found an Allow, and no SCP or boundary detail explains it",
        ),
        (AWS_EXPLICIT, "sqs:DeleteMessage", denied(), Simulator, "both name a Deny"),
        (
            AWS_EXPLICIT,
            "sqs:DeleteMessage",
            allowed(),
            Disputed,
            "AWS names a Deny statement the evaluator does not apply",
        ),
        (
            AWS_BOUNDARY,
            "sqs:DeleteMessage",
            allowed(),
            Simulator,
            "the simulator says the permissions boundary withholds it: explained, not a dispute",
        ),
        (
            AWS_SCP,
            "sqs:DeleteMessage",
            allowed(),
            Simulator,
            "an SCP's explicit Deny names no statement of the role's but gives the Organizations detail: believed",
        ),
        (AWS_SCP, "sqs:DeleteMessage", None, Simulator, "and it decides without the policies too"),
    ];
    for (i, (body, action, evaluated, expected, why)) in cases.into_iter().enumerate() {
        let answer = recorded(body, action);
        let outcome = identity(Some(&answer), evaluated);
        assert_eq!(winner(&outcome), expected, "case {i} ({why}): {answer:?} -> {outcome:?}");
    }
}

#[test]
fn the_recorded_answers_read_as_they_were_given() {
    let stub = recorded(LS_EXPLICIT_DENY, "sqs:DeleteMessage");
    assert_eq!((stub.decision, stub.statements.len()), (SimulatorDecision::ExplicitDeny, 0));
    assert!(stub.not_an_aws_answer().unwrap().contains("explicitDeny"));
    let stub = recorded(LS_ALLOWED, "kms:Decrypt");
    assert_eq!((stub.decision, stub.statements.len()), (SimulatorDecision::Allowed, 0));
    assert!(stub.not_an_aws_answer().unwrap().contains("allowed"));

    let aws = recorded(AWS_EXPLICIT, "sqs:DeleteMessage");
    assert_eq!(aws.statements, ["role_worker_deny-deletes"]);
    assert_eq!(aws.not_an_aws_answer(), None);
    assert_eq!(
        aws.access(),
        Access::Decided(Decision::ExplicitDeny { policy: "role_worker_deny-deletes".into(), sid: None })
    );
    assert_eq!(recorded(AWS_BOUNDARY, "sqs:DeleteMessage").boundary_allows, Some(false));
    let scp = recorded(AWS_SCP, "sqs:DeleteMessage");
    assert_eq!((scp.organizations_allow, scp.not_an_aws_answer()), (Some(false), None));
    assert_eq!(recorded(AWS_IMPLICIT, "sqs:DeleteMessage").access(), Access::Decided(Decision::ImplicitDeny));
}

#[test]
fn a_disputed_verdict_keeps_both_and_an_undecided_one_says_why() {
    let outcome = identity(Some(&recorded(AWS_IMPLICIT, "sqs:DeleteMessage")), allowed());
    let Some(Identity::Disputed { simulator, evaluator, note }) = outcome else { panic!("{outcome:?}") };
    assert_eq!(simulator, Access::Decided(Decision::ImplicitDeny));
    assert_eq!(Some(evaluator), allowed());
    assert!(note.believed && note.sentence().contains("implicitDeny"), "{note:?}");

    let outcome = identity(Some(&recorded(LS_EXPLICIT_DENY, "sqs:DeleteMessage")), None);
    let Some(Identity::Undecided(why)) = outcome else { panic!("{outcome:?}") };
    assert!(why.contains("explicitDeny") && why.contains("not believed") && why.contains("could not be read"), "{why}");
    // No simulator: the evaluator decides, no note.
    assert_eq!(winner(&identity(None, implicit())), Winner::Evaluator);
    assert!(identity(None, None).is_none());
}
