use super::*;
use crate::checks::fixtures::{KEY, ROLE};
use crate::model::QueueArn;
use crate::model::facts::Encryption;
use crate::model::facts::{KeyFacts, KeyManager, Unreadable};

const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
const LOGS: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker:*";

pub(crate) use crate::checks::fixtures::{DELEGATING_KEY_POLICY, key, role_facts};
pub(crate) use crate::checks::fixtures::{policy_queue as queue, role_function as function};

fn allow(actions: &[&str], resource: &str) -> String {
    crate::checks::fixtures::allow(actions, resource)
}

fn facts(role: RoleFacts) -> TriggerFacts {
    TriggerFacts {
        region: "us-east-1".into(),
        queue: Some(queue(Encryption::SseSqs, QUEUE, None)),
        function: Some(function()),
        role: Some(Ok(role)),
        ..Default::default()
    }
}

fn verdicts(facts: &TriggerFacts) -> Vec<(String, PermissionVerdict)> {
    evaluate(facts, &Target::from_facts(facts)).permissions.into_iter().map(|p| (p.action, p.decision)).collect()
}

fn codes(findings: &[Finding]) -> Vec<(FindingCode, crate::model::Severity)> {
    findings.iter().map(|f| (f.code, f.severity)).collect()
}

#[test]
fn required_permissions_by_encryption() {
    let q: QueueArn = QUEUE.parse().unwrap();
    let k = KeyTarget::Arn(KEY.parse().unwrap());
    let cases: [(Option<&KeyTarget>, usize); 2] = [(None, 6), (Some(&k), 7)];
    for (key, n) in cases {
        let required = required_permissions(Some(&q), key, Some(LOGS), false);
        assert_eq!(required.len(), n);
        assert_eq!(required.iter().filter(|r| r.action == KMS_DECRYPT).count(), n - 6);
        for r in &required {
            let expected = match r.action.split(':').next().unwrap() {
                "sqs" => QUEUE,
                "kms" => KEY,
                _ => LOGS,
            };
            assert_eq!(r.resource, expected, "{}", r.action);
        }
    }
}

#[test]
fn sse_sqs_needs_no_decrypt_and_sse_kms_does() {
    let cases = [
        (Encryption::SseSqs, None, false),
        (Encryption::None, None, false),
        (
            Encryption::Kms { key_id: "alias/orders".into() },
            Some(Ok(KeyLookup::Found(key("Enabled", DELEGATING_KEY_POLICY)))),
            true,
        ),
        (
            Encryption::Kms { key_id: "alias/orders".into() },
            Some(Ok(KeyLookup::NotFound { key_id: "alias/orders".into() })),
            false,
        ),
    ];
    for (encryption, key, needs_decrypt) in cases {
        let mut f = facts(role_facts(&[], None, LAMBDA_SERVICE));
        f.queue = Some(queue(encryption.clone(), QUEUE, None));
        f.key = key;
        let has = verdicts(&f).iter().any(|(a, _)| a == KMS_DECRYPT);
        assert_eq!(has, needs_decrypt, "{encryption:?}");
    }
}

#[test]
fn logs_actions_are_warnings_and_create_log_group_only_while_the_group_is_missing() {
    let sqs_only = allow(&["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "*");
    let stream_and_put = allow(&["sqs:*", "logs:CreateLogStream", "logs:PutLogEvents"], "*");
    // (policy, log group exists, expected logs actions in findings)
    type Case<'a> = (&'a str, Option<Result<bool, Unreadable>>, &'a [&'a str]);
    let cases: [Case; 5] = [
        (&sqs_only, None, &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]),
        (&sqs_only, Some(Ok(false)), &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]),
        (&sqs_only, Some(Ok(true)), &["logs:CreateLogStream", "logs:PutLogEvents"]),
        (&stream_and_put, Some(Ok(true)), &[]),
        (&stream_and_put, Some(Ok(false)), &["logs:CreateLogGroup"]),
    ];
    for (i, (policy, exists, expected)) in cases.into_iter().enumerate() {
        let mut f = facts(role_facts(&[("inline policy p", policy)], None, LAMBDA_SERVICE));
        f.log_group_exists = exists;
        let findings = check(&f);
        let actions: Vec<&str> =
            findings.iter().filter_map(|x| x.permission.as_ref()).map(|p| p.action.as_str()).collect();
        assert_eq!(actions, expected, "case {i}");
        assert!(findings.iter().all(|x| x.severity == crate::model::Severity::Warning), "case {i}: {findings:#?}");
        assert!(findings.iter().all(|x| x.message.contains("output is never seen")), "case {i}");
    }
}

#[test]
fn the_aws_managed_key_needs_no_decrypt_in_its_own_account() {
    // Its key policy lets every principal of the account use it through SQS (sqs-key-management.html).
    let aws_managed = || KeyFacts { manager: KeyManager::Aws, ..key("Enabled", DELEGATING_KEY_POLICY) };
    let unreadable = Unreadable {
        kind: Default::default(),
        cause: Default::default(),
        feeds: &[],
        fact: "KMS key alias/aws/sqs".into(),
        permission: "kms:DescribeKey".into(),
        detail: "denied".into(),
    };
    let other = "arn:aws:sqs:us-east-1:210987654321:orders";
    // (queue, key id, key lookup, needs kms:Decrypt)
    let cases = [
        (QUEUE, "alias/aws/sqs", Some(Ok(KeyLookup::Found(aws_managed()))), false),
        (QUEUE, "alias/aws/sqs", Some(Err(unreadable.clone())), false),
        (QUEUE, "arn:aws:kms:us-east-1:123456789012:alias/aws/sqs", None, false),
        (QUEUE, "alias/orders", Some(Ok(KeyLookup::Found(key("Enabled", DELEGATING_KEY_POLICY)))), true),
        // Across accounts it can never work: cross-account-aws-managed-key says so, and the
        // permission stays required.
        (other, "alias/aws/sqs", Some(Ok(KeyLookup::Found(aws_managed()))), true),
    ];
    for (queue_arn, key_id, lookup, needs_decrypt) in cases {
        let mut f = facts(role_facts(&[], None, LAMBDA_SERVICE));
        f.queue = Some(queue(Encryption::Kms { key_id: key_id.into() }, queue_arn, None));
        f.key = lookup;
        let has = verdicts(&f).iter().any(|(a, _)| a == KMS_DECRYPT);
        assert_eq!(has, needs_decrypt, "{queue_arn} {key_id}");
        if queue_arn == QUEUE && !needs_decrypt {
            assert!(check(&f).iter().all(|x| !x.message.contains(KMS_DECRYPT)), "no kms:Decrypt finding");
        }
    }
}

#[test]
fn identity_decisions_become_verdicts_and_findings() {
    let full = allow(&["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "logs:*"], "*");
    let no_delete = allow(
        &[
            "sqs:ReceiveMessage",
            "sqs:GetQueueAttributes",
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
        "*",
    );
    let deny_delete =
        r#"{"Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"sqs:DeleteMessage","Resource":"*"}]}"#;
    let conditional = r#"{"Statement":[{"Effect":"Allow","Action":"sqs:DeleteMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}"#;
    let boundary_sqs_only = allow(&["sqs:*"], "*");
    use crate::model::Severity::{Error, Warning};
    // (policies, boundary, expected DeleteMessage verdict, expected findings)
    type Case<'a> =
        (Vec<(&'a str, &'a str)>, Option<&'a str>, PermissionVerdict, Vec<(FindingCode, crate::model::Severity)>);
    let cases: Vec<Case> = vec![
        (vec![("inline policy full", full.as_str())], None, PermissionVerdict::Allowed, vec![]),
        (
            vec![("inline policy p", no_delete.as_str())],
            None,
            PermissionVerdict::Missing,
            vec![(FindingCode::RoleMissingPermission, Error)],
        ),
        (
            vec![("inline policy full", full.as_str()), ("inline policy d", deny_delete)],
            None,
            PermissionVerdict::Denied,
            vec![(FindingCode::RoleExplicitDeny, Error)],
        ),
        (
            vec![("inline policy p", no_delete.as_str()), ("inline policy c", conditional)],
            None,
            PermissionVerdict::Conditional,
            vec![(FindingCode::RoleMissingPermission, Warning)],
        ),
        // The boundary allows only SQS: the three logs actions are withheld. The poller does
        // not need them, only the function's output does: warnings, not a refusal.
        (
            vec![("inline policy full", full.as_str())],
            Some(boundary_sqs_only.as_str()),
            PermissionVerdict::Allowed,
            vec![(FindingCode::RoleMissingPermission, Warning); 3],
        ),
    ];
    for (i, (policies, boundary, delete, expected)) in cases.into_iter().enumerate() {
        let f = facts(role_facts(&policies, boundary, LAMBDA_SERVICE));
        let v = verdicts(&f);
        assert_eq!(v.iter().find(|(a, _)| a == "sqs:DeleteMessage").unwrap().1, delete, "case {i}");
        let findings = check(&f);
        assert_eq!(codes(&findings), expected, "case {i}: {findings:#?}");
        for finding in &findings {
            assert_eq!(finding.resource, ROLE);
            assert!(finding.remediation.is_some(), "case {i}");
        }
    }
}

#[test]
fn missing_permission_names_action_resource_and_decider() {
    let f = facts(role_facts(&[("inline policy p", &allow(&["logs:*"], "*"))], None, LAMBDA_SERVICE));
    let findings = check(&f);
    assert_eq!(findings.len(), 3);
    for (finding, action) in findings.iter().zip(QUEUE_ACTIONS) {
        assert!(finding.message.contains(action), "{}", finding.message);
        assert!(finding.message.contains(QUEUE), "{}", finding.message);
        assert!(finding.message.contains("evaluator"), "{}", finding.message);
        let fix = finding.remediation.as_deref().unwrap();
        assert!(fix.contains(action) && fix.contains(QUEUE) && !fix.contains("\"*\""), "{fix}");
    }
}

#[test]
fn explicit_deny_names_policy_and_sid() {
    let deny = r#"{"Statement":[{"Sid":"NoLogs","Effect":"Deny","Action":"logs:PutLogEvents","Resource":"*"}]}"#;
    let full = allow(&["sqs:*", "logs:*"], "*");
    let f = facts(role_facts(&[("inline policy full", &full), ("inline policy guard", deny)], None, LAMBDA_SERVICE));
    let findings = check(&f);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, FindingCode::RoleExplicitDeny);
    assert!(findings[0].message.contains("inline policy guard") && findings[0].message.contains("NoLogs"));
}

/// Simulator answers in AWS's shape (each names its statement) or in LocalStack's stub's (none).
fn simulated(f: &TriggerFacts, named: bool, decide: impl Fn(&str) -> SimulatorDecision) -> Simulation {
    let results = Target::from_facts(f)
        .required(None)
        .iter()
        .map(|r| SimulatedAccess {
            action: r.action.to_owned(),
            resource: r.resource.clone(),
            answer: SimulatorAnswer {
                decision: decide(r.action),
                statements: if named { vec!["role_worker_policy".into()] } else { vec![] },
                boundary_allows: None,
                organizations_allow: None,
                missing_context: vec![],
            },
        })
        .collect();
    Simulation { role: ROLE.parse().unwrap(), results }
}

#[test]
fn simulation_decides_before_the_evaluator() {
    use SimulatorDecision::{Allowed, ExplicitDeny};
    // The role's own policies grant everything and deny sqs:DeleteMessage; the simulator, in
    // AWS's shape, agrees: it decides.
    let grant = allow(&["sqs:*", "logs:*"], "*");
    let deny = r#"{"Statement":[{"Effect":"Deny","Action":"sqs:DeleteMessage","Resource":"*"}]}"#;
    let mut f = facts(role_facts(&[("inline policy p", &grant), ("inline policy d", deny)], None, LAMBDA_SERVICE));
    let deny_deletes = |a: &str| if a == "sqs:DeleteMessage" { ExplicitDeny } else { Allowed };
    f.simulation = Some(simulated(&f, true, deny_deletes));
    let evaluation = evaluate(&f, &Target::from_facts(&f));
    assert_eq!(evaluation.decided_by, Some(Decider::Simulator));
    assert!(evaluation.permissions.iter().all(|p| p.decided_by == Some(Decider::Simulator)));
    assert!(evaluation.permissions.iter().all(|p| p.simulator.is_none() && p.disagreement.is_none()));
    assert_eq!(codes(&check(&f)), vec![(FindingCode::RoleExplicitDeny, crate::model::Severity::Error)]);
    // A simulation of another role is ignored.
    f.simulation.as_mut().unwrap().role = "arn:aws:iam::123456789012:role/other".parse().unwrap();
    assert_eq!(evaluate(&f, &Target::from_facts(&f)).decided_by, Some(Decider::Evaluator));
}

#[test]
fn a_simulator_naming_no_statement_is_not_believed() {
    // LocalStack's stub: explicitDeny for all it cannot match, no statement named. The role
    // grants everything but sqs:DeleteMessage: the evaluator decides, with a note.
    let grant = allow(&["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "logs:*"], "*");
    let mut f = facts(role_facts(&[("inline policy p", &grant)], None, LAMBDA_SERVICE));
    f.simulation = Some(simulated(&f, false, |_| SimulatorDecision::ExplicitDeny));
    let evaluation = evaluate(&f, &Target::from_facts(&f));
    assert_eq!(evaluation.decided_by, Some(Decider::Evaluator));
    for p in &evaluation.permissions {
        assert_eq!(p.decided_by, Some(Decider::Evaluator), "{p:?}");
        let note = p.simulator.as_ref().expect("the simulator's answer is noted");
        assert!(!note.believed && p.reason.contains("explicitDeny") && p.reason.contains("not believed"), "{p:?}");
    }
    let findings = check(&f);
    assert_eq!(codes(&findings), vec![(FindingCode::RoleMissingPermission, crate::model::Severity::Error)]);
    assert!(findings[0].message.contains("sqs:DeleteMessage") && findings[0].message.contains("not believed"));
}

#[test]
fn a_disagreement_between_two_aws_answers_is_one_finding_with_both_verdicts() {
    // The role's policies grant everything; the simulator, naming a Deny statement, says no
    // for sqs:DeleteMessage.
    let grant = allow(&["sqs:*", "logs:*"], "*");
    let mut f = facts(role_facts(&[("inline policy p", &grant)], None, LAMBDA_SERVICE));
    f.simulation = Some(simulated(&f, true, |a| {
        if a == "sqs:DeleteMessage" { SimulatorDecision::ExplicitDeny } else { SimulatorDecision::Allowed }
    }));
    let evaluation = evaluate(&f, &Target::from_facts(&f));
    let delete = evaluation.permissions.iter().find(|p| p.action == "sqs:DeleteMessage").unwrap();
    assert_eq!((delete.decision, delete.decided_by), (PermissionVerdict::Denied, Some(Decider::Simulator)));
    let d = delete.disagreement.as_ref().expect("the evaluator's verdict is kept");
    assert_eq!(d.evaluator, PermissionVerdict::Allowed);
    assert!(!delete.fixable);
    let findings = check(&f);
    assert_eq!(codes(&findings), vec![(FindingCode::RoleSimulatorDisagrees, crate::model::Severity::Error)]);
    let m = &findings[0].message;
    for part in ["sqs:DeleteMessage", "denied", "allowed", "role_worker_policy", "inline policy p", "service control"] {
        assert!(m.contains(part), "{part}: {m}");
    }
}

#[test]
fn unreadable_role_skips_every_permission() {
    let mut f = facts(role_facts(&[], None, LAMBDA_SERVICE));
    f.role = Some(Err(Unreadable {
        kind: Default::default(),
        cause: Default::default(),
        feeds: &[],
        fact: "the role".into(),
        permission: "iam:GetRole".into(),
        detail: "denied".into(),
    }));
    let evaluation = evaluate(&f, &Target::from_facts(&f));
    assert_eq!(evaluation.decided_by, None);
    assert_eq!(evaluation.count(PermissionVerdict::Skipped), 6);
    assert!(check(&f).is_empty(), "check-skipped comes from checks::skipped");
}

#[test]
fn key_policy_decides_with_the_identity_policy() {
    let other_principal = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/someone-else"},"Action":"kms:*","Resource":"*"}]}"#;
    let direct = r#"{"Statement":[{"Sid":"Poller","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
    let deny = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"NoDecrypt","Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#;
    let with_decrypt = allow(&["sqs:*", "logs:*", "kms:Decrypt"], "*");
    let without = allow(&["sqs:*", "logs:*"], "*");
    // (key policy, identity policy, decrypt verdict, decided by)
    let cases = [
        (DELEGATING_KEY_POLICY, with_decrypt.as_str(), PermissionVerdict::Allowed, Decider::Evaluator),
        (DELEGATING_KEY_POLICY, without.as_str(), PermissionVerdict::Missing, Decider::Evaluator),
        (other_principal, with_decrypt.as_str(), PermissionVerdict::Missing, Decider::KeyPolicy),
        (direct, without.as_str(), PermissionVerdict::Allowed, Decider::KeyPolicy),
        (deny, with_decrypt.as_str(), PermissionVerdict::Denied, Decider::KeyPolicy),
    ];
    for (i, (key_policy, identity, verdict, by)) in cases.into_iter().enumerate() {
        let mut f = facts(role_facts(&[("inline policy p", identity)], None, LAMBDA_SERVICE));
        f.queue = Some(queue(Encryption::Kms { key_id: "alias/orders".into() }, QUEUE, None));
        f.key = Some(Ok(KeyLookup::Found(key("Enabled", key_policy))));
        let evaluation = evaluate(&f, &Target::from_facts(&f));
        let decrypt = evaluation.permissions.iter().find(|p| p.action == KMS_DECRYPT).unwrap();
        assert_eq!((decrypt.decision, decrypt.decided_by), (verdict, Some(by)), "case {i}: {decrypt:?}");
        assert_eq!(decrypt.resource, KEY);
        assert_eq!(decrypt.fixable, i == 1, "case {i}");
    }
}

#[test]
fn unresolved_key_is_skipped() {
    let mut f = facts(role_facts(&[], None, LAMBDA_SERVICE));
    f.queue = Some(queue(Encryption::Kms { key_id: "alias/orders".into() }, QUEUE, None));
    f.key = Some(Err(Unreadable {
        kind: Default::default(),
        cause: Default::default(),
        feeds: &[],
        fact: "key".into(),
        permission: "kms:DescribeKey".into(),
        detail: "x".into(),
    }));
    let evaluation = evaluate(&f, &Target::from_facts(&f));
    let decrypt = evaluation.permissions.iter().find(|p| p.action == KMS_DECRYPT).unwrap();
    assert_eq!(decrypt.decision, PermissionVerdict::Skipped);
    assert_eq!(decrypt.resource, "alias/orders");
}

#[test]
fn cross_account_queue_needs_the_queue_policy() {
    let other = "arn:aws:sqs:us-east-1:210987654321:orders";
    let grants_role = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"sqs:*","Resource":"*"}]}"#;
    let full = allow(&["sqs:*", "logs:*"], "*");
    // (queue policy, expected verdict for each sqs action)
    let cases = [(None, PermissionVerdict::Missing), (Some(grants_role), PermissionVerdict::Allowed)];
    for (policy, verdict) in cases {
        let mut f = facts(role_facts(&[("inline policy full", &full)], None, LAMBDA_SERVICE));
        f.queue = Some(queue(Encryption::SseSqs, other, policy));
        let evaluation = evaluate(&f, &Target::from_facts(&f));
        for p in evaluation.permissions.iter().filter(|p| p.action.starts_with("sqs:")) {
            assert_eq!(p.decision, verdict, "{policy:?}");
            assert!(!p.fixable);
        }
        // checks::placement says it (cross-account-queue-policy), once: not repeated here.
        assert!(check(&f).is_empty());
    }
    // The same queue policy in the same account is not consulted.
    let mut f = facts(role_facts(&[("inline policy full", &full)], None, LAMBDA_SERVICE));
    f.queue = Some(queue(Encryption::SseSqs, QUEUE, None));
    assert!(check(&f).is_empty());
}

#[test]
fn a_same_account_queue_policy_deny_wins() {
    let full = allow(&["sqs:*", "logs:*"], "*");
    let denies = r#"{"Statement":[{"Sid":"NoWorker","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"sqs:ReceiveMessage","Resource":"*"}]}"#;
    let mut f = facts(role_facts(&[("inline policy full", &full)], None, LAMBDA_SERVICE));
    f.queue = Some(queue(Encryption::SseSqs, QUEUE, Some(denies)));
    let findings = check(&f);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, FindingCode::RoleExplicitDeny);
    assert!(findings[0].message.contains("sqs:ReceiveMessage") && findings[0].message.contains("queue policy"));
    assert!(findings[0].remediation.as_deref().unwrap().contains(&format!("queue policy of {QUEUE}")));
    // A queue policy granting the role itself suffices in the same account.
    let grants = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"sqs:*","Resource":"*"}]}"#;
    let logs_only = allow(&["logs:*"], "*");
    let mut f = facts(role_facts(&[("inline policy logs", &logs_only)], None, LAMBDA_SERVICE));
    f.queue = Some(queue(Encryption::SseSqs, QUEUE, Some(grants)));
    assert!(check(&f).is_empty(), "{:#?}", check(&f));
}

#[test]
fn trust_policy_must_name_lambda() {
    let full = allow(&["sqs:*", "logs:*"], "*");
    for (service, expected) in [(LAMBDA_SERVICE, 0), ("ec2.amazonaws.com", 1)] {
        let f = facts(role_facts(&[("inline policy full", &full)], None, service));
        let findings = check(&f);
        assert_eq!(findings.len(), expected, "{service}");
        if expected == 1 {
            assert_eq!(findings[0].code, FindingCode::RoleTrustMissingLambda);
            assert!(findings[0].remediation.as_deref().unwrap().contains(LAMBDA_SERVICE));
        }
    }
}

#[test]
fn the_managed_sqs_execution_policy_lacks_decrypt() {
    // AWSLambdaSQSQueueExecutionRole: the SQS and logs actions on *, no kms:Decrypt.
    let managed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
    let mut f = facts(role_facts(&[("managed policy AWSLambdaSQSQueueExecutionRole", managed)], None, LAMBDA_SERVICE));
    assert!(check(&f).is_empty());
    f.queue = Some(queue(Encryption::Kms { key_id: KEY.into() }, QUEUE, None));
    f.key = Some(Ok(KeyLookup::Found(key("Enabled", DELEGATING_KEY_POLICY))));
    let findings = check(&f);
    assert_eq!(findings.len(), 1);
    assert!(findings[0].message.contains(KMS_DECRYPT));
    let evaluation = evaluate(&f, &Target::from_facts(&f));
    assert_eq!(evaluation.fixable(), vec![Required { action: KMS_DECRYPT, resource: KEY.into() }]);
}
