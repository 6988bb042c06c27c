//! `role check` over mocked SDK clients (aws-smithy-mocks), for what the emulator cannot do:
//! iam:SimulatePrincipalPolicy deciding (allowed, explicitDeny, implicitDeny, boundary, SCP)
//! and AccessDenied on the facts (→ `check-skipped`, the rest still checked).

use std::sync::Arc;

use aws_sdk_iam::error::ErrorMetadata;
use aws_sdk_iam::operation::get_role::{GetRoleError, GetRoleOutput};
use aws_sdk_iam::operation::get_role_policy::GetRolePolicyOutput;
use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
use aws_sdk_iam::operation::simulate_principal_policy::{SimulatePrincipalPolicyError, SimulatePrincipalPolicyOutput};
use aws_sdk_iam::types::{
    EvaluationResult, OrganizationsDecisionDetail, PermissionsBoundaryDecisionDetail, PolicyEvaluationDecisionType,
    ResourceSpecificResult, Role, Statement,
};
use aws_sdk_kms::operation::describe_key::{DescribeKeyError, DescribeKeyOutput};
use aws_sdk_kms::operation::get_key_policy::GetKeyPolicyOutput;
use aws_sdk_kms::types::{KeyManagerType, KeyMetadata, KeyState};
use aws_sdk_lambda::operation::get_function::{GetFunctionError, GetFunctionOutput};
use aws_sdk_lambda::operation::get_function_concurrency::GetFunctionConcurrencyOutput;
use aws_sdk_lambda::types::FunctionConfiguration;
use aws_sdk_sqs::operation::get_queue_attributes::GetQueueAttributesOutput;
use aws_sdk_sqs::operation::get_queue_url::GetQueueUrlOutput;
use aws_sdk_sqs::operation::list_queue_tags::ListQueueTagsOutput;
use aws_sdk_sqs::types::QueueAttributeName;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use sqs_trigger::aws::Clients;
use sqs_trigger::checks::role::{Decider, PermissionVerdict};
use sqs_trigger::commands::role_check::{self, Checked};
use sqs_trigger::model::{FindingCode, FunctionRef, QueueRef, RoleArn, Severity};

const ROLE: &str = "arn:aws:iam::123456789012:role/worker-role";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:worker";
const QUEUE_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
const QUEUE_URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";
const KEY_ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
/// What the role's own policy says: everything the poller needs (so a simulator "no" is
/// visibly the simulator's decision, not our evaluator's).
const EVERYTHING: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*","logs:*","kms:Decrypt"],"Resource":"*"}]}"#;
const DELEGATING_KEY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#;

/// Where `iam_rules` puts the SimulatePrincipalPolicy rule.
const SIMULATE_RULE: usize = 4;

type Decide = Arc<dyn Fn(&str) -> Sim + Send + Sync>;

/// What the mocked simulator answers for one action.
#[derive(Clone, Debug)]
enum Sim {
    Allowed,
    ExplicitDeny(&'static str),
    ImplicitDeny,
    Boundary,
    Scp,
}

/// The mocked account.
#[derive(Clone)]
struct World {
    kms_key: Option<&'static str>,
    key_state: KeyState,
    /// None: the caller may not call iam:SimulatePrincipalPolicy.
    simulator: Option<Decide>,
    deny_get_role: bool,
    deny_describe_key: bool,
    deny_get_function: bool,
    /// The inline policy's document does not parse.
    malformed_inline: bool,
}

impl Default for World {
    fn default() -> Self {
        World {
            kms_key: None,
            key_state: KeyState::Enabled,
            simulator: None,
            deny_get_role: false,
            deny_describe_key: false,
            deny_get_function: false,
            malformed_inline: false,
        }
    }
}

fn denied(what: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code("AccessDenied").message(format!("not authorized to perform {what}")).build()
}

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn decision(sim: &Sim) -> PolicyEvaluationDecisionType {
    match sim {
        Sim::Allowed => PolicyEvaluationDecisionType::Allowed,
        Sim::ExplicitDeny(_) => PolicyEvaluationDecisionType::ExplicitDeny,
        _ => PolicyEvaluationDecisionType::ImplicitDeny,
    }
}

impl World {
    fn iam_rules(&self) -> Vec<Rule> {
        let (deny_get_role, malformed) = (self.deny_get_role, self.malformed_inline);
        let mut rules = vec![
            mock!(aws_sdk_iam::Client::get_role).then_compute_response(move |_| {
                if deny_get_role {
                    return aws_smithy_mocks::MockResponse::Error(GetRoleError::generic(denied("iam:GetRole")));
                }
                let role = Role::builder()
                    .path("/")
                    .role_name("worker-role")
                    .role_id("AROAEXAMPLE")
                    .arn(ROLE)
                    .create_date(aws_sdk_iam::primitives::DateTime::from_secs(0))
                    .assume_role_policy_document(encode(TRUST))
                    .build()
                    .unwrap();
                aws_smithy_mocks::MockResponse::Output(GetRoleOutput::builder().role(role).build())
            }),
            mock!(aws_sdk_iam::Client::list_role_policies).then_output(|| {
                ListRolePoliciesOutput::builder().policy_names("everything").is_truncated(false).build().unwrap()
            }),
            mock!(aws_sdk_iam::Client::get_role_policy).then_output(move || {
                let document = if malformed { r#"{"Statement":[{"Effect":"Alow","Action":"*"}]}"# } else { EVERYTHING };
                GetRolePolicyOutput::builder()
                    .role_name("worker-role")
                    .policy_name("everything")
                    .policy_document(encode(document))
                    .build()
                    .unwrap()
            }),
            mock!(aws_sdk_iam::Client::list_attached_role_policies)
                .then_output(|| ListAttachedRolePoliciesOutput::builder().is_truncated(false).build()),
        ];
        rules.push(match self.simulator.clone() {
            None => mock!(aws_sdk_iam::Client::simulate_principal_policy)
                .then_error(|| SimulatePrincipalPolicyError::generic(denied("iam:SimulatePrincipalPolicy"))),
            Some(decide) => mock!(aws_sdk_iam::Client::simulate_principal_policy).then_compute_output(move |input| {
                let resource = input.resource_arns().first().cloned().unwrap_or_default();
                // The poller decrypts through SQS: the key's simulation says so, the others do not.
                let via_sqs = input.context_entries().iter().any(|c| {
                    c.context_key_name() == Some("kms:ViaService")
                        && c.context_key_values() == ["sqs.us-east-1.amazonaws.com"]
                });
                assert_eq!(via_sqs, input.action_names().iter().any(|a| a.starts_with("kms:")), "{input:?}");
                assert_eq!(input.policy_source_arn(), Some(ROLE));
                let results = input
                    .action_names()
                    .iter()
                    .map(|action| {
                        let sim = decide(action);
                        let statements: Vec<Statement> = match &sim {
                            Sim::Allowed => vec![Statement::builder().source_policy_id("everything").build()],
                            Sim::ExplicitDeny(id) => vec![Statement::builder().source_policy_id(*id).build()],
                            _ => vec![],
                        };
                        let mut result = EvaluationResult::builder()
                            .eval_action_name(action)
                            .eval_resource_name("*")
                            .eval_decision(decision(&sim))
                            .resource_specific_results(
                                ResourceSpecificResult::builder()
                                    .eval_resource_name(&resource)
                                    .eval_resource_decision(decision(&sim))
                                    .set_matched_statements(Some(statements.clone()))
                                    .set_permissions_boundary_decision_detail(matches!(sim, Sim::Boundary).then(|| {
                                        PermissionsBoundaryDecisionDetail::builder()
                                            .allowed_by_permissions_boundary(false)
                                            .build()
                                    }))
                                    .build()
                                    .unwrap(),
                            );
                        if matches!(sim, Sim::Scp) {
                            result = result.organizations_decision_detail(
                                OrganizationsDecisionDetail::builder().allowed_by_organizations(false).build(),
                            );
                        }
                        result.build().unwrap()
                    })
                    .collect();
                SimulatePrincipalPolicyOutput::builder()
                    .set_evaluation_results(Some(results))
                    .is_truncated(false)
                    .build()
            }),
        });
        rules
    }

    fn clients(&self) -> (Clients, Vec<Rule>) {
        let iam_rules = self.iam_rules();
        let deny_get_function = self.deny_get_function;
        let lambda_rules = vec![mock!(aws_sdk_lambda::Client::get_function).then_compute_response(move |_| {
            if deny_get_function {
                return aws_smithy_mocks::MockResponse::Error(GetFunctionError::generic(denied("lambda:GetFunction")));
            }
            aws_smithy_mocks::MockResponse::Output(
                GetFunctionOutput::builder()
                    .configuration(
                        FunctionConfiguration::builder().function_arn(FUNCTION).role(ROLE).timeout(10).build(),
                    )
                    .build(),
            )
        })];
        let mut lambda_rules = lambda_rules;
        lambda_rules.push(
            mock!(aws_sdk_lambda::Client::get_function_concurrency)
                .then_output(|| GetFunctionConcurrencyOutput::builder().build()),
        );
        lambda_rules.push(mock!(aws_sdk_lambda::Client::list_event_source_mappings).then_output(|| {
            aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput::builder().build()
        }));
        let kms_key = self.kms_key;
        let sqs_rules = vec![
            mock!(aws_sdk_sqs::Client::get_queue_url)
                .then_output(|| GetQueueUrlOutput::builder().queue_url(QUEUE_URL).build()),
            mock!(aws_sdk_sqs::Client::get_queue_attributes).then_output(move || {
                let out = GetQueueAttributesOutput::builder()
                    .attributes(QueueAttributeName::QueueArn, QUEUE_ARN)
                    .attributes(QueueAttributeName::VisibilityTimeout, "60");
                match kms_key {
                    Some(key) => out.attributes(QueueAttributeName::KmsMasterKeyId, key).build(),
                    None => out.attributes(QueueAttributeName::SqsManagedSseEnabled, "true").build(),
                }
            }),
            mock!(aws_sdk_sqs::Client::list_queue_tags).then_output(|| ListQueueTagsOutput::builder().build()),
        ];
        let (deny_describe_key, state) = (self.deny_describe_key, self.key_state.clone());
        let kms_rules = vec![
            mock!(aws_sdk_kms::Client::describe_key).then_compute_response(move |_| {
                if deny_describe_key {
                    return aws_smithy_mocks::MockResponse::Error(DescribeKeyError::generic(
                        aws_sdk_kms::error::ErrorMetadata::builder()
                            .code("AccessDeniedException")
                            .message("no")
                            .build(),
                    ));
                }
                let meta = KeyMetadata::builder()
                    .key_id("1234abcd-12ab-34cd-56ef-1234567890ab")
                    .arn(KEY_ARN)
                    .key_manager(KeyManagerType::Customer)
                    .key_state(state.clone())
                    .enabled(state == KeyState::Enabled)
                    .build()
                    .unwrap();
                aws_smithy_mocks::MockResponse::Output(DescribeKeyOutput::builder().key_metadata(meta).build())
            }),
            mock!(aws_sdk_kms::Client::get_key_policy)
                .then_output(|| GetKeyPolicyOutput::builder().policy(DELEGATING_KEY_POLICY).build()),
        ];
        // The log group exists: logs:CreateLogGroup is not required.
        let logs_rules = vec![mock!(aws_sdk_cloudwatchlogs::Client::describe_log_groups).then_output(|| {
            aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput::builder()
                .log_groups(
                    aws_sdk_cloudwatchlogs::types::LogGroup::builder().log_group_name("/aws/lambda/worker").build(),
                )
                .build()
        })];
        // Services these tests do not mock answer nothing (Clients::offline).
        let clients = Clients {
            logs: mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, &logs_rules),
            sqs: mock_client!(aws_sdk_sqs, RuleMode::MatchAny, &sqs_rules),
            lambda: mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &lambda_rules),
            iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, &iam_rules),
            kms: mock_client!(aws_sdk_kms, RuleMode::MatchAny, &kms_rules),
            ..Clients::offline()
        };
        let mut all = iam_rules;
        all.extend(lambda_rules);
        all.extend(sqs_rules);
        all.extend(kms_rules);
        all.extend(logs_rules);
        (clients, all)
    }

    fn check(&self, role: Option<&str>) -> (Checked, Vec<Rule>) {
        let (clients, rules) = self.clients();
        let function: FunctionRef = "worker".parse().unwrap();
        let queue: QueueRef = "orders".parse().unwrap();
        let role: Option<RoleArn> = role.map(|r| r.parse().unwrap());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let checked = runtime.block_on(role_check::check(&clients, &function, &queue, role.as_ref())).expect("checked");
        (checked, rules)
    }
}

fn simulator(f: impl Fn(&str) -> Sim + Send + Sync + 'static) -> Option<Decide> {
    Some(Arc::new(f))
}

fn codes(checked: &Checked) -> Vec<(FindingCode, Severity)> {
    checked.findings.iter().map(|f| (f.code, f.severity)).collect()
}

fn verdict(checked: &Checked, action: &str) -> PermissionVerdict {
    checked.evaluation.permissions.iter().find(|p| p.action == action).unwrap().decision
}

#[test]
fn simulator_allowed_decides() {
    let world = World { simulator: simulator(|_| Sim::Allowed), ..World::default() };
    let (checked, _) = world.check(None);
    assert_eq!(checked.evaluation.decided_by, Some(Decider::Simulator));
    assert!(checked.simulator_unavailable.is_none());
    // The log group exists: no logs:CreateLogGroup.
    assert_eq!(checked.evaluation.permissions.len(), 5);
    for p in &checked.evaluation.permissions {
        assert_eq!((p.decision, p.decided_by), (PermissionVerdict::Allowed, Some(Decider::Simulator)), "{p:?}");
    }
    assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
}

#[test]
fn simulator_explicit_deny_the_policies_do_not_hold_is_a_disagreement_naming_the_statement() {
    let world = World {
        simulator: simulator(
            |a| if a == "sqs:DeleteMessage" { Sim::ExplicitDeny("deny-deletes") } else { Sim::Allowed },
        ),
        ..World::default()
    };
    let (checked, _) = world.check(None);
    // The simulator names a Deny statement the role's policies (as read) do not hold: the
    // simulator's verdict is kept, and the disagreement is one finding with both verdicts.
    assert_eq!(verdict(&checked, "sqs:DeleteMessage"), PermissionVerdict::Denied);
    assert_eq!(codes(&checked), [(FindingCode::RoleSimulatorDisagrees, Severity::Error)]);
    let message = &checked.findings[0].message;
    assert!(message.contains("deny-deletes") && message.contains("sqs:DeleteMessage"), "{message}");
    assert!(message.contains("SimulatePrincipalPolicy") && message.contains("inline policy everything"), "{message}");
}

#[test]
fn simulator_implicit_deny_wins_over_what_the_policies_seem_to_allow() {
    // The role's inline policy allows everything; the simulator (which sees SCPs and the
    // boundary) says no for three actions, each for its own reason.
    let world = World {
        kms_key: Some("alias/orders"),
        simulator: simulator(|a| match a {
            "kms:Decrypt" => Sim::ImplicitDeny,
            "logs:PutLogEvents" => Sim::Boundary,
            "sqs:ReceiveMessage" => Sim::Scp,
            _ => Sim::Allowed,
        }),
        ..World::default()
    };
    let (checked, rules) = world.check(None);
    assert_eq!(checked.evaluation.decided_by, Some(Decider::Simulator));
    assert_eq!(checked.evaluation.permissions.len(), 6);
    for action in ["kms:Decrypt", "logs:PutLogEvents", "sqs:ReceiveMessage"] {
        assert_eq!(verdict(&checked, action), PermissionVerdict::Missing, "{action}");
    }
    // The poller needs the queue and the key; the logs action only decides whether the
    // function's output is seen: a warning.
    // The SCP and the boundary explain the simulator's "no"; for kms:Decrypt nothing does (the
    // evaluator sees an Allow): that one is a disagreement, reported with both verdicts.
    let mut found = codes(&checked);
    found.sort();
    assert_eq!(
        found,
        [
            (FindingCode::RoleMissingPermission, Severity::Error),
            (FindingCode::RoleMissingPermission, Severity::Warning),
            (FindingCode::RoleSimulatorDisagrees, Severity::Error),
        ]
    );
    let text: Vec<&str> = checked.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        text.iter().any(|m| m.contains("kms:Decrypt") && m.contains(KEY_ARN) && m.contains("evaluator")),
        "{text:#?}"
    );
    assert!(text.iter().any(|m| m.contains("logs:PutLogEvents") && m.contains("permissions boundary")), "{text:#?}");
    assert!(text.iter().any(|m| m.contains("sqs:ReceiveMessage") && m.contains("service control policy")), "{text:#?}");
    // None is something an inline policy can fix: the role's policies already allow all three.
    assert_eq!(checked.evaluation.fixable().len(), 0);
    // One simulation per resource (queue, key, log group); kms:ViaService only for the key.
    let simulate_rule = &rules[SIMULATE_RULE];
    assert_eq!(simulate_rule.num_calls(), 3);
}

#[test]
fn simulator_denied_falls_back_to_the_evaluator() {
    let (checked, _) = World::default().check(None);
    assert_eq!(checked.evaluation.decided_by, Some(Decider::Evaluator));
    assert!(checked.simulator_unavailable.as_deref().unwrap().contains("iam:SimulatePrincipalPolicy"));
    assert!(checked.evaluation.permissions.iter().all(|p| p.decision == PermissionVerdict::Allowed));
    assert!(checked.findings.is_empty());
}

#[test]
fn access_denied_on_the_role_skips_its_checks_and_the_rest_goes_on() {
    let world =
        World { kms_key: Some("alias/orders"), key_state: KeyState::Disabled, deny_get_role: true, ..World::default() };
    let (checked, _) = world.check(None);
    assert_eq!(checked.evaluation.decided_by, None);
    assert!(checked.evaluation.permissions.iter().all(|p| p.decision == PermissionVerdict::Skipped));
    let mut found = codes(&checked);
    found.sort();
    assert_eq!(
        found,
        [(FindingCode::KmsKeyNotEnabled, Severity::Error), (FindingCode::CheckSkipped, Severity::Warning)]
    );
    let skipped = checked.findings.iter().find(|f| f.code == FindingCode::CheckSkipped).unwrap();
    assert!(skipped.resource.contains(ROLE), "{skipped:?}");
    assert!(skipped.remediation.as_deref().unwrap().contains("iam:GetRole"), "{skipped:?}");
}

#[test]
fn access_denied_on_the_role_with_a_simulator_still_decides() {
    let world = World { deny_get_role: true, simulator: simulator(|_| Sim::Allowed), ..World::default() };
    let (checked, _) = world.check(None);
    assert_eq!(checked.evaluation.decided_by, Some(Decider::Simulator));
    assert!(checked.evaluation.permissions.iter().all(|p| p.decision == PermissionVerdict::Allowed));
    assert_eq!(codes(&checked), [(FindingCode::CheckSkipped, Severity::Warning)]);
}

#[test]
fn access_denied_on_the_key_skips_decrypt_only() {
    let world = World { kms_key: Some("alias/orders"), deny_describe_key: true, ..World::default() };
    let (checked, _) = world.check(None);
    let decrypt = checked.evaluation.permissions.iter().find(|p| p.action == "kms:Decrypt").unwrap();
    assert_eq!((decrypt.decision, decrypt.resource.as_str()), (PermissionVerdict::Skipped, "alias/orders"));
    assert_eq!(checked.evaluation.count(PermissionVerdict::Allowed), 5);
    assert_eq!(codes(&checked), [(FindingCode::CheckSkipped, Severity::Warning)]);
    assert!(checked.findings[0].remediation.as_deref().unwrap().contains("kms:DescribeKey"));
}

#[test]
fn access_denied_on_the_function_with_role_flag() {
    let world = World { deny_get_function: true, simulator: simulator(|_| Sim::Allowed), ..World::default() };
    let (checked, _) = world.check(Some(ROLE));
    assert_eq!(checked.target.role.as_ref().map(ToString::to_string).as_deref(), Some(ROLE));
    assert_eq!(
        checked.target.log_group_arn.as_deref(),
        Some("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker:*"),
        "the default log group of the function"
    );
    assert_eq!(checked.evaluation.count(PermissionVerdict::Allowed), 6);
    assert_eq!(codes(&checked), [(FindingCode::CheckSkipped, Severity::Warning)]);
    assert!(checked.findings[0].remediation.as_deref().unwrap().contains("lambda:GetFunction"));
}

#[test]
fn a_malformed_policy_document_is_skipped_with_its_name() {
    let world = World { malformed_inline: true, ..World::default() };
    let (checked, _) = world.check(None);
    assert_eq!(checked.evaluation.decided_by, None);
    assert_eq!(codes(&checked), [(FindingCode::CheckSkipped, Severity::Warning)]);
    let message = &checked.findings[0].message;
    assert!(message.contains("inline policy everything") && message.contains("Alow"), "{message}");
}
