//! The mapping features of 2024-2025: provisioned mode, encrypted filter criteria. Checked
//! beside the other mapping rules (`checks::mapping::check` runs these).
//!
//! - Provisioned mode and maximum concurrency "are mutually exclusive options"
//!   (<https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html>).
//! - A mapping's filter criteria encrypted with a customer managed key (`KMSKeyArn`): Lambda
//!   calls kms:Decrypt "when you try to access it in plaintext"
//!   (<https://docs.aws.amazon.com/lambda/latest/dg/security-encryption-at-rest.html>), and
//!   reports a failure in `FilterCriteriaError`
//!   (<https://docs.aws.amazon.com/lambda/latest/api/API_FilterCriteriaError.html>). The key is
//!   checked like the queue's: it exists, it is enabled, its key policy lets the role use it.

use super::TriggerFacts;
use crate::model::access::{Decider, KMS_DECRYPT, Target};
use crate::model::facts::{KeyLookup, MappingFacts};
use crate::model::{Finding, FindingCode, Severity};
use crate::policy::{self, Decision, ResourceGrant};

pub fn check(facts: &TriggerFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let (Some(request), Some(queue)) = (&facts.request, &facts.queue)
        && let (Some(pollers), Some(concurrency)) = (request.provisioned_pollers, request.max_concurrency)
    {
        findings.push(
            Finding::error(
                FindingCode::ScalingModeConflict,
                queue.arn.to_string(),
                format!(
                    "provisioned mode ({pollers} pollers) and maximum concurrency ({concurrency}) are mutually \
                     exclusive for SQS mappings: Lambda accepts one or the other"
                ),
            )
            .fix(
                "choose one: drop --provisioned-pollers, or remove the mapping's maximum concurrency first \
                 (aws lambda update-event-source-mapping --uuid UUID --scaling-config '{}')",
            ),
        );
    }
    if let Some(Ok(mappings)) = &facts.mappings {
        for m in mappings {
            if let Some(f) = filter_criteria_error(m, facts.request.is_some()) {
                findings.push(f);
            }
        }
    }
    findings.extend(filter_key(facts));
    findings
}

/// `filter-criteria-error`: Lambda reports that it could not encrypt or decrypt the mapping's
/// filter criteria. An error in doctor; a warning when `mapping create` is about to change the
/// mapping (the change may be the fix).
pub fn filter_criteria_error(m: &MappingFacts, changing: bool) -> Option<Finding> {
    let error = m.filter_criteria_error.as_ref()?;
    let code = error.error_code.as_deref().unwrap_or("an unnamed KMS error");
    let message = error.message.as_deref().map(|t| format!(": \"{t}\"")).unwrap_or_default();
    let key = m.filter_kms_key.as_deref().unwrap_or("its KMS key");
    let severity = if changing { Severity::Warning } else { Severity::Error };
    Some(
        Finding::new(
            FindingCode::FilterCriteriaError,
            severity,
            m.queue_arn.to_string(),
            format!(
                "mapping {} to {} has filter criteria encrypted with {key}, and Lambda reports FilterCriteriaError \
                 {code}{message}: its filters cannot be read",
                m.uuid,
                m.function_arn.name()
            ),
        )
        .fix(format!(
            "make the key usable (enabled, and its key policy allowing kms:Decrypt to the callers and the \
             function's role), or give the mapping another key: sqs-trigger mapping create --queue {} --function {} \
             --filter-kms-key KEY",
            m.queue_arn, m.function_arn
        )),
    )
}

/// The filter criteria key: exists, enabled, key policy grants the role.
fn filter_key(facts: &TriggerFacts) -> Vec<Finding> {
    let Some(Ok(lookup)) = &facts.filter_key else {
        return facts.filter_key.iter().filter_map(|f| f.as_ref().err()).map(super::skipped_finding).collect();
    };
    let key = match lookup {
        KeyLookup::NotFound { key_id } => {
            return vec![
                Finding::error(
                    FindingCode::KmsKeyNotFound,
                    key_id.clone(),
                    format!(
                        "the filter criteria key {key_id} does not exist or is not visible in this account and \
                         region: Lambda cannot encrypt or decrypt the mapping's filters"
                    ),
                )
                .fix("pass an existing customer managed key with --filter-kms-key (aws kms list-keys)"),
            ];
        }
        KeyLookup::Found(key) => key,
    };
    let mut findings = Vec::new();
    if key.manager == crate::model::facts::KeyManager::Aws {
        findings.push(
            Finding::error(
                FindingCode::KmsKeyPolicyMissingGrant,
                key.arn.to_string(),
                format!(
                    "{} is an AWS managed key: Lambda encrypts filter criteria only with a customer managed key \
                     (KMSKeyArn)",
                    key.arn
                ),
            )
            .fix("create a customer managed key (aws kms create-key) and pass it with --filter-kms-key"),
        );
    }
    if !key.is_enabled() {
        findings.push(
            Finding::error(
                FindingCode::KmsKeyNotEnabled,
                key.arn.to_string(),
                format!(
                    "the filter criteria key {} is {}, not Enabled: Lambda cannot encrypt or decrypt the mapping's \
                     filters",
                    key.arn, key.state
                ),
            )
            .fix(format!("enable it: aws kms enable-key --key-id {}", key.arn)),
        );
    }
    let target = Target::from_facts(facts);
    match (&key.policy, &target.role) {
        (Err(unreadable), _) => findings.push(super::skipped_finding(unreadable)),
        (Ok(_), Some(role)) => findings.extend(super::kms::missing_grant(key, role)),
        (Ok(_), None) => {}
    }
    findings.extend(role_decrypt(facts, key));
    findings
}

/// The role's own policies and kms:Decrypt on the filter key, when the key policy leaves it to
/// them (it delegates to the account rather than naming the role). A warning: AWS documents
/// that reading the filters in plaintext takes kms:Decrypt on the key, not which principal
/// Lambda's poller decrypts them as.
fn role_decrypt(facts: &TriggerFacts, key: &crate::model::facts::KeyFacts) -> Option<Finding> {
    let Some(Ok(role)) = &facts.role else { return None };
    let access = super::kms::key_policy_access(key, &role.arn)?;
    // A key policy that names the role suffices on its own; one that grants nothing is
    // kms-key-policy-missing-grant already.
    match &access.grant {
        ResourceGrant::DelegatedToAccount { .. } => {}
        ResourceGrant::Direct { .. } if !access.direct_suffices => {}
        _ => return None,
    }
    let decision = policy::evaluate_identity(&role.policies, role.boundary.as_ref(), KMS_DECRYPT, &key.arn.to_string());
    if matches!(decision, Decision::Allowed { .. } | Decision::AllowedUnderConditions { .. }) {
        return None;
    }
    Some(
        Finding::warning(
            FindingCode::RoleMissingPermission,
            key.arn.to_string(),
            format!(
                "the execution role {} may not kms:Decrypt the filter criteria key {}: Lambda calls kms:Decrypt to \
                 read encrypted filter criteria, and whose permissions the poller uses is not documented",
                role.arn, key.arn
            ),
        )
        .about(KMS_DECRYPT, Some(Decider::Evaluator))
        .fix(format!(
            "allow it in the role's policy: {{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"{}\"}}",
            key.arn
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::queue::fixtures::{mapping, queue, request};
    use crate::checks::role::tests::{DELEGATING_KEY_POLICY, key};
    use crate::model::facts::{FilterCriteriaError, ProvisionedPollers};

    fn facts() -> TriggerFacts {
        let q = queue("orders");
        TriggerFacts {
            region: "us-east-1".into(),
            mappings: Some(Ok(vec![mapping(&q, "Enabled")])),
            queue: Some(q),
            ..Default::default()
        }
    }

    fn codes(f: &TriggerFacts) -> Vec<(FindingCode, Severity)> {
        check(f).iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn provisioned_mode_excludes_max_concurrency() {
        let pollers = Some(ProvisionedPollers { minimum: 2, maximum: 20 });
        type Case = (Option<ProvisionedPollers>, Option<i32>, Vec<(FindingCode, Severity)>);
        let cases: Vec<Case> = vec![
            (pollers, None, vec![]),
            (None, Some(5), vec![]),
            (pollers, Some(5), vec![(FindingCode::ScalingModeConflict, Severity::Error)]),
        ];
        for (p, c, expected) in cases {
            let mut f = facts();
            f.request =
                Some(crate::model::facts::MappingRequest { provisioned_pollers: p, max_concurrency: c, ..request() });
            assert_eq!(codes(&f), expected, "{p:?} {c:?}");
        }
    }

    #[test]
    fn filter_criteria_error_is_reported() {
        let mut f = facts();
        let Some(Ok(m)) = &mut f.mappings else { unreachable!() };
        m[0].filter_kms_key = Some("arn:aws:kms:us-east-1:123456789012:key/k".into());
        m[0].filter_criteria_error = Some(FilterCriteriaError {
            error_code: Some("DisabledException".into()),
            message: Some("key is disabled".into()),
        });
        let found = check(&f);
        assert_eq!(codes(&f), [(FindingCode::FilterCriteriaError, Severity::Error)]);
        assert!(found[0].message.contains("DisabledException"), "{}", found[0].message);
        f.request = Some(request());
        assert_eq!(codes(&f), [(FindingCode::FilterCriteriaError, Severity::Warning)]);
    }

    #[test]
    fn filter_key_is_checked_like_the_queue_key() {
        let other = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}]}"#;
        let mut aws_managed = key("Enabled", DELEGATING_KEY_POLICY);
        aws_managed.manager = crate::model::facts::KeyManager::Aws;
        let cases: Vec<(KeyLookup, Vec<FindingCode>)> = vec![
            (KeyLookup::Found(key("Enabled", DELEGATING_KEY_POLICY)), vec![]),
            (KeyLookup::Found(key("Disabled", DELEGATING_KEY_POLICY)), vec![FindingCode::KmsKeyNotEnabled]),
            (KeyLookup::Found(key("Enabled", other)), vec![FindingCode::KmsKeyPolicyMissingGrant]),
            (KeyLookup::NotFound { key_id: "alias/nope".into() }, vec![FindingCode::KmsKeyNotFound]),
            (KeyLookup::Found(aws_managed), vec![FindingCode::KmsKeyPolicyMissingGrant]),
        ];
        for (lookup, expected) in cases {
            let mut f = facts();
            f.function = Some(crate::checks::role::tests::function());
            f.filter_key = Some(Ok(lookup.clone()));
            let got: Vec<FindingCode> = check(&f).iter().map(|f| f.code).collect();
            assert_eq!(got, expected, "{lookup:?}");
        }
    }

    /// With a key policy that delegates to the account, the role's own policies decide: no
    /// kms:Decrypt there is a warning (which principal Lambda decrypts filters as is not
    /// documented).
    #[test]
    fn the_roles_policies_decide_when_the_key_policy_delegates() {
        use crate::checks::role::LAMBDA_SERVICE;
        use crate::checks::role::tests::role_facts;
        let decrypt = r#"{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}"#;
        for (policies, expected) in [
            (vec![], vec![(FindingCode::RoleMissingPermission, Severity::Warning)]),
            (vec![("decrypt", decrypt)], vec![]),
        ] {
            let mut f = facts();
            f.function = Some(crate::checks::role::tests::function());
            f.role = Some(Ok(role_facts(&policies, None, LAMBDA_SERVICE)));
            f.filter_key = Some(Ok(KeyLookup::Found(key("Enabled", DELEGATING_KEY_POLICY))));
            assert_eq!(codes(&f), expected, "{policies:?}");
        }
    }
}
