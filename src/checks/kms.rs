//! kms checks: the key of an SSE-KMS queue must exist, be enabled, and let the execution role
//! decrypt.
//!
//! The poller calls kms:Decrypt through SQS on every receive; AWS reports nothing when it
//! cannot, the function is simply never invoked
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html>).
//! A key policy is the primary access control of a KMS key: without a statement granting the
//! role, or one delegating to the account's IAM policies, no IAM policy helps
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html>).
//! `cross-account-aws-managed-key` belongs to `checks::placement`.

use crate::model::access::{Decider, KMS_DECRYPT, ResourceAccess, Target};
use crate::model::facts::TriggerFacts;
use crate::model::facts::{Encryption, KeyFacts, KeyLookup};
use crate::model::{Finding, FindingCode, RoleArn};
use crate::policy::{self, ResourceGrant};
use crate::policy_gen;

pub fn check(facts: &TriggerFacts) -> Vec<Finding> {
    check_for(facts, &Target::from_facts(facts))
}

/// The kms findings, for the role of `target`.
pub fn check_for(facts: &TriggerFacts, target: &Target) -> Vec<Finding> {
    let Some(queue) = &facts.queue else { return Vec::new() };
    let Encryption::Kms { key_id } = &queue.encryption else { return Vec::new() };
    let Some(Ok(lookup)) = &facts.key else { return Vec::new() };
    let key = match lookup {
        KeyLookup::NotFound { key_id: missing } => {
            return vec![
                Finding::error(
                    FindingCode::KmsKeyNotFound,
                    missing.clone(),
                    format!(
                        "the queue {} is encrypted with KMS key {key_id}, which does not exist or is not visible in this account and region: SQS cannot decrypt its messages, so Lambda never receives them",
                        queue.arn
                    ),
                )
                .fix(format!(
                    "point the queue at an existing key: aws sqs set-queue-attributes --queue-url {} --attributes KmsMasterKeyId=KEY_ARN (or switch it to SSE-SQS with SqsManagedSseEnabled=true)",
                    queue.url
                )),
            ];
        }
        KeyLookup::Found(key) => key,
    };
    let mut findings = Vec::new();
    if let Some(finding) = not_enabled(key) {
        findings.push(finding);
    }
    match (&key.policy, &target.role) {
        (Err(unreadable), _) => findings.push(super::skipped_finding(unreadable)),
        (Ok(_), Some(role)) => findings.extend(missing_grant(key, role)),
        (Ok(_), None) => {}
    }
    findings
}

/// `kms-key-not-enabled`: only an Enabled key decrypts.
/// `kms-key-not-found` for a key named to encrypt a queue with (`--kms-key`).
pub fn not_found_for_new_queue(key: &str, region: &str) -> Finding {
    Finding::error(
        FindingCode::KmsKeyNotFound,
        key,
        format!("no KMS key `{key}` in {region}: a queue encrypted with it could never be read"),
    )
    .fix("create the key (aws kms create-key) or pass an existing one with --kms-key")
}

pub fn not_enabled(key: &KeyFacts) -> Option<Finding> {
    if key.is_enabled() {
        return None;
    }
    let fix = match key.state.as_str() {
        "Disabled" => format!("enable it: aws kms enable-key --key-id {}", key.arn),
        "PendingDeletion" => format!(
            "cancel the deletion, then enable it: aws kms cancel-key-deletion --key-id {0} && aws kms enable-key --key-id {0}",
            key.arn
        ),
        "PendingImport" => format!("import its key material: aws kms import-key-material --key-id {} ...", key.arn),
        _ => format!("wait for the key to become Enabled, or point the queue at another key ({})", key.arn),
    };
    Some(
        Finding::error(
            FindingCode::KmsKeyNotEnabled,
            key.arn.to_string(),
            format!(
                "the queue's KMS key {} is {}, not Enabled: every kms:Decrypt fails, so Lambda receives nothing from the queue",
                key.arn, key.state
            ),
        )
        .fix(fix),
    )
}

/// How the key policy treats `kms:Decrypt` by `role`. A direct grant is enough on its own
/// when the key and the role are in the same account.
pub fn key_policy_access(key: &KeyFacts, role: &RoleArn) -> Option<ResourceAccess> {
    let doc = key.policy.as_ref().ok()?;
    let grant =
        policy::evaluate_resource_policy(doc, &role.to_string(), role.account(), KMS_DECRYPT, &key.arn.to_string());
    Some(ResourceAccess {
        policy: format!("key policy of {}", key.arn),
        grant,
        direct_suffices: key.arn.account() == role.account(),
        decider: Decider::KeyPolicy,
    })
}

/// `kms-key-policy-missing-grant`: the key policy neither names the role nor delegates to the
/// role's account. The remediation is the statement to add: this tool never edits a key policy.
pub fn missing_grant(key: &KeyFacts, role: &RoleArn) -> Option<Finding> {
    let access = key_policy_access(key, role)?;
    if access.grant != ResourceGrant::NotGranted {
        return None;
    }
    Some(
        Finding::error(
            FindingCode::KmsKeyPolicyMissingGrant,
            key.arn.to_string(),
            format!(
                "the key policy of {} neither grants {role} kms:Decrypt nor delegates to the IAM policies of account {} (a statement allowing arn:{}:iam::{}:root kms:Decrypt or kms:*): no IAM policy can give the role access",
                key.arn,
                role.account(),
                role.partition(),
                role.account()
            ),
        )
        .fix(format!(
            "add this statement to the key policy (sqs-trigger never edits key policies; in a key policy \"Resource\": \"*\" means this key), e.g. with aws kms put-key-policy --key-id {} --policy-name default:\n{}",
            key.arn,
            policy_gen::key_policy_statement_json(role)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{
        DELEGATING_KEY_POLICY, key, policy_queue as queue, role_facts, role_function as function,
    };
    use crate::checks::role::LAMBDA_SERVICE;
    use crate::model::facts::Unreadable;

    const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:orders";

    fn facts(key_lookup: Option<Result<KeyLookup, Unreadable>>) -> TriggerFacts {
        TriggerFacts {
            region: "us-east-1".into(),
            queue: Some(queue(Encryption::Kms { key_id: "alias/orders".into() }, QUEUE, None)),
            function: Some(function()),
            role: Some(Ok(role_facts(&[], None, LAMBDA_SERVICE))),
            key: key_lookup,
            ..Default::default()
        }
    }

    #[test]
    fn key_findings() {
        let other = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}]}"#;
        let direct = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/worker"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
        let denied = Unreadable {
            kind: Default::default(),
            cause: Default::default(),
            feeds: &[],
            fact: "the key policy".into(),
            permission: "kms:GetKeyPolicy".into(),
            detail: "no".into(),
        };
        let mut unreadable_policy = key("Enabled", DELEGATING_KEY_POLICY);
        unreadable_policy.policy = Err(denied.clone());
        type Case = (Option<Result<KeyLookup, Unreadable>>, Vec<FindingCode>);
        let cases: Vec<Case> = vec![
            (Some(Ok(KeyLookup::Found(key("Enabled", DELEGATING_KEY_POLICY)))), vec![]),
            (Some(Ok(KeyLookup::Found(key("Enabled", direct)))), vec![]),
            (Some(Ok(KeyLookup::Found(key("Disabled", DELEGATING_KEY_POLICY)))), vec![FindingCode::KmsKeyNotEnabled]),
            (
                Some(Ok(KeyLookup::Found(key("PendingDeletion", other)))),
                vec![FindingCode::KmsKeyNotEnabled, FindingCode::KmsKeyPolicyMissingGrant],
            ),
            (Some(Ok(KeyLookup::Found(key("Enabled", other)))), vec![FindingCode::KmsKeyPolicyMissingGrant]),
            (Some(Ok(KeyLookup::NotFound { key_id: "alias/orders".into() })), vec![FindingCode::KmsKeyNotFound]),
            (Some(Ok(KeyLookup::Found(unreadable_policy))), vec![FindingCode::CheckSkipped]),
            // DescribeKey itself unreadable: checks::skipped reports it.
            (Some(Err(denied)), vec![]),
            (None, vec![]),
        ];
        for (i, (lookup, expected)) in cases.into_iter().enumerate() {
            let findings = check(&facts(lookup));
            assert_eq!(findings.iter().map(|f| f.code).collect::<Vec<_>>(), expected, "case {i}: {findings:#?}");
            assert!(findings.iter().all(|f| f.remediation.is_some()));
        }
    }

    #[test]
    fn not_for_sse_sqs() {
        let mut f = facts(Some(Ok(KeyLookup::NotFound { key_id: "x".into() })));
        f.queue = Some(queue(Encryption::SseSqs, QUEUE, None));
        assert!(check(&f).is_empty());
    }

    #[test]
    fn not_enabled_remediation_by_state() {
        for (state, command) in [
            ("Disabled", "enable-key"),
            ("PendingDeletion", "cancel-key-deletion"),
            ("PendingImport", "import-key-material"),
            ("Unavailable", "wait"),
        ] {
            let finding = not_enabled(&key(state, DELEGATING_KEY_POLICY)).unwrap();
            assert!(finding.message.contains(state));
            assert!(finding.remediation.unwrap().contains(command), "{state}");
        }
        assert!(not_enabled(&key("Enabled", DELEGATING_KEY_POLICY)).is_none());
    }

    #[test]
    fn missing_grant_prints_the_statement_for_the_role() {
        let other = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}]}"#;
        let role: RoleArn = "arn:aws:iam::123456789012:role/worker".parse().unwrap();
        let finding = missing_grant(&key("Enabled", other), &role).unwrap();
        let fix = finding.remediation.unwrap();
        let json = &fix[fix.find('{').unwrap()..];
        let statement: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(statement["Principal"]["AWS"], role.to_string());
        assert_eq!(statement["Action"], "kms:Decrypt");
        assert_eq!(statement["Effect"], "Allow");
    }
}
