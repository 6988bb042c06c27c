//! Placement checks: where the queue, the function and the key live. A queue and a function
//! in different regions can never be connected; across accounts, the queue policy must let
//! the function's role in, and an AWS managed key cannot be used at all.

use super::TriggerFacts;
use crate::model::access::QUEUE_ACTIONS;
use crate::model::facts::{Encryption, KeyLookup, KeyManager};
use crate::model::{Finding, FindingCode};
use crate::policy::{ResourceGrant, evaluate_resource_policy};

pub fn check(facts: &TriggerFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    let queue = facts.queue.as_ref().map(|q| Placed { resource: q.arn.to_string(), region: q.arn.region() });
    let function = facts.function.as_ref().map(|f| Placed { resource: f.arn.to_string(), region: f.arn.region() });
    findings.extend(region_mismatch(&facts.region, queue.as_ref(), function.as_ref()));
    findings.extend(cross_account_queue_policy(facts));
    findings.extend(cross_account_aws_managed_key(facts));
    findings
}

/// A resource and the region it lives in (from its ARN or URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed<'a> {
    pub resource: String,
    pub region: &'a str,
}

/// `region-mismatch`: Lambda polls only queues in the function's own region, and requests
/// go to one region. A queue or function given by name is in the region requests go to, so
/// this works on the ARNs and URLs as typed, before anything is sent, and again on the facts.
pub fn region_mismatch(client_region: &str, queue: Option<&Placed>, function: Option<&Placed>) -> Option<Finding> {
    let queue_region = queue.map(|q| q.region).filter(|r| !r.is_empty()).unwrap_or(client_region);
    let function_region = function.map(|f| f.region).filter(|r| !r.is_empty()).unwrap_or(client_region);
    let resource = queue.or(function).map(|p| p.resource.clone()).unwrap_or_default();
    if queue_region != function_region {
        return Some(
            Finding::error(
                FindingCode::RegionMismatch,
                resource,
                format!(
                    "the queue is in {queue_region} but the function is in {function_region}: Lambda only polls \
                     queues in the function's own region, so this mapping is impossible"
                ),
            )
            .fix(format!(
                "create the queue in {function_region} (sqs-trigger queue create NAME --region {function_region}), \
                 or deploy the function to {queue_region}"
            )),
        );
    }
    if !client_region.is_empty() && queue_region != client_region {
        return Some(
            Finding::error(
                FindingCode::RegionMismatch,
                resource,
                format!(
                    "the queue and the function are in {queue_region} but requests go to {client_region} \
                     (--region / AWS_REGION / the profile's region)"
                ),
            )
            .fix(format!("pass --region {queue_region}")),
        );
    }
    None
}

/// `cross-account-queue-policy`: a queue in another account than the function's execution role
/// is only readable when its queue policy allows the role (or the role's account) the
/// poller's actions; the role's own policy cannot grant access to another account's queue.
pub fn cross_account_queue_policy(facts: &TriggerFacts) -> Option<Finding> {
    let queue = facts.queue.as_ref()?;
    let role = &facts.function.as_ref()?.role;
    if queue.arn.account() == role.account() {
        return None;
    }
    let queue_arn = queue.arn.to_string();
    let (mut missing, mut denied) = (Vec::new(), Vec::new());
    // As the poller's requests see it (checks::role::resource_access does the same).
    let poller = crate::policy::KnownContext::lambda_poller(&role.to_string(), role.account());
    let resolved = queue.policy.as_ref().map(|doc| crate::policy::resolve_conditions(doc, &poller));
    for action in QUEUE_ACTIONS {
        let grant = match &resolved {
            Some(doc) => evaluate_resource_policy(doc, &role.to_string(), role.account(), action, &queue_arn),
            None => ResourceGrant::NotGranted,
        };
        match grant {
            ResourceGrant::Direct { .. } | ResourceGrant::DelegatedToAccount { .. } => {}
            ResourceGrant::ExplicitDeny { .. } => denied.push(action),
            ResourceGrant::NotGranted => missing.push(action),
        }
    }
    if missing.is_empty() && denied.is_empty() {
        return None;
    }
    let mut why = Vec::new();
    if queue.policy.is_none() {
        why.push("the queue has no queue policy".to_owned());
    } else if !missing.is_empty() {
        why.push(format!("its queue policy does not allow {}", missing.join(", ")));
    }
    if !denied.is_empty() {
        why.push(format!("its queue policy denies {}", denied.join(", ")));
    }
    let statement = serde_json::json!({
        "Effect": "Allow",
        "Principal": {"AWS": role.to_string()},
        "Action": QUEUE_ACTIONS,
        "Resource": queue_arn,
    });
    Some(
        Finding::error(
            FindingCode::CrossAccountQueuePolicy,
            queue.arn.to_string(),
            format!(
                "the queue is in account {} and the function's role {role} in account {}: {}, so Lambda cannot \
                 poll it with that role",
                queue.arn.account(),
                role.account(),
                why.join("; ")
            ),
        )
        .fix(format!(
            "add this statement to the queue policy (in account {}){}:\n{statement}",
            queue.arn.account(),
            if denied.is_empty() { "" } else { " and remove the Deny" }
        )),
    )
}

/// `cross-account-aws-managed-key`: the AWS managed key `alias/aws/sqs` has a key policy no one
/// can change, which only trusts its own account, so a role in another account can never
/// decrypt the queue's messages.
pub fn cross_account_aws_managed_key(facts: &TriggerFacts) -> Option<Finding> {
    let queue = facts.queue.as_ref()?;
    let function = facts.function.as_ref()?;
    let Encryption::Kms { key_id } = &queue.encryption else { return None };
    let aws_managed = match facts.key.as_ref().and_then(|k| k.as_ref().ok()) {
        Some(KeyLookup::Found(key)) => key.manager == KeyManager::Aws,
        _ => crate::model::access::is_aws_sqs_alias(key_id),
    };
    let role_account = function.role.account();
    if !aws_managed || queue.arn.account() == role_account {
        return None;
    }
    Some(
        Finding::error(
            FindingCode::CrossAccountAwsManagedKey,
            queue.arn.to_string(),
            format!(
                "the queue (account {}) is encrypted with the AWS managed key {key_id}, whose key policy cannot \
                 be changed to let the role {} (account {role_account}) decrypt: Lambda can never read this queue",
                queue.arn.account(),
                function.role
            ),
        )
        .fix(
            "re-encrypt the queue with a customer managed key whose key policy grants the role kms:Decrypt \
             (sqs-trigger queue create NAME --kms-key KEY --update), or use SSE-SQS",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::queue::fixtures::{facts, function, function_in, queue, queue_in};
    use crate::model::facts::{KeyFacts, Unreadable};

    fn placed(region: &str) -> Placed<'_> {
        Placed { resource: format!("arn:aws:sqs:{region}:123456789012:q"), region }
    }

    #[test]
    fn regions() {
        // (client, queue, function, mismatch?)
        let cases = [
            ("us-east-1", None, None, false),
            ("us-east-1", Some("us-east-1"), Some("us-east-1"), false),
            ("us-east-1", Some("eu-west-1"), None, true),
            ("us-east-1", None, Some("eu-west-1"), true),
            ("us-east-1", Some("eu-west-1"), Some("us-east-1"), true),
            ("us-east-1", Some("eu-west-1"), Some("eu-west-1"), true),
            ("eu-west-1", Some("eu-west-1"), Some("eu-west-1"), false),
            ("", Some("eu-west-1"), Some("eu-west-1"), false),
        ];
        for (client, q, f, expected) in cases {
            let q = q.map(placed);
            let f = f.map(placed);
            let found = region_mismatch(client, q.as_ref(), f.as_ref());
            assert_eq!(found.is_some(), expected, "{client} {q:?} {f:?}");
            if let Some(found) = found {
                assert!(found.is_error());
                assert_eq!(found.code, FindingCode::RegionMismatch);
            }
        }
        let both = region_mismatch("eu-west-1", Some(&placed("eu-west-1")), Some(&placed("us-east-1"))).unwrap();
        assert!(both.message.contains("function's own region"), "{}", both.message);
        let client = region_mismatch("us-east-1", Some(&placed("eu-west-1")), Some(&placed("eu-west-1"))).unwrap();
        assert_eq!(client.remediation.as_deref(), Some("pass --region eu-west-1"));
    }

    #[test]
    fn region_from_facts() {
        let f = facts(queue_in("orders", "eu-west-1", "123456789012"), function(30));
        assert_eq!(check(&f).iter().map(|f| f.code).collect::<Vec<_>>(), [FindingCode::RegionMismatch]);
        assert!(check(&facts(queue("orders"), function(30))).is_empty());
    }

    fn policy(text: &str) -> crate::policy::PolicyDocument {
        crate::policy::PolicyDocument::parse("queue policy", text).unwrap()
    }

    #[test]
    fn queue_policy_across_accounts() {
        let other = "210987654321";
        let role = "arn:aws:iam::123456789012:role/worker-role";
        let queue_arn = format!("arn:aws:sqs:us-east-1:{other}:orders");
        let allow = |principal: &str, actions: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":{actions},"Resource":"{queue_arn}"}}]}}"#
            )
        };
        let deny_delete = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{role}"}},"Action":"sqs:*","Resource":"{queue_arn}"}},{{"Effect":"Deny","Principal":"*","Action":"sqs:DeleteMessage","Resource":"{queue_arn}"}}]}}"#
        );
        // (queue account, policy, expected finding, text in the message)
        let cases: Vec<(&str, Option<String>, bool, &str)> = vec![
            ("123456789012", None, false, ""),
            (other, None, true, "no queue policy"),
            (other, Some(allow(role, r#""sqs:*""#)), false, ""),
            (other, Some(allow("arn:aws:iam::123456789012:root", r#""sqs:*""#)), false, ""),
            (other, Some(allow(role, r#"["sqs:ReceiveMessage"]"#)), true, "sqs:DeleteMessage, sqs:GetQueueAttributes"),
            (other, Some(allow("arn:aws:iam::999999999999:role/x", r#""sqs:*""#)), true, "does not allow"),
            (other, Some(deny_delete), true, "denies sqs:DeleteMessage"),
        ];
        for (account, doc, expected, text) in cases {
            let mut q = queue_in("orders", "us-east-1", account);
            q.policy = doc.as_deref().map(policy);
            let f = facts(q, function(30));
            let found = cross_account_queue_policy(&f);
            assert_eq!(found.is_some(), expected, "{account} {doc:?}");
            if let Some(found) = found {
                assert!(found.is_error());
                assert!(found.message.contains(text), "{}", found.message);
                assert!(found.remediation.unwrap().contains(role), "the fix names the role");
            }
        }
    }

    fn key(manager: KeyManager) -> KeyLookup {
        KeyLookup::Found(KeyFacts {
            arn: "arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab".parse().unwrap(),
            manager,
            state: "Enabled".into(),
            policy: Err(Unreadable {
                kind: Default::default(),
                cause: Default::default(),
                feeds: &[],
                fact: "p".into(),
                permission: "kms:GetKeyPolicy".into(),
                detail: "x".into(),
            }),
        })
    }

    #[test]
    fn aws_managed_key_across_accounts() {
        let other = "210987654321";
        let encrypted = |account: &str, key_id: &str| {
            let mut q = queue_in("orders", "us-east-1", account);
            q.encryption = Encryption::Kms { key_id: key_id.into() };
            q
        };
        // (queue account, key id, key facts, expected)
        let cases = [
            (other, "alias/aws/sqs", Some(key(KeyManager::Aws)), true),
            (other, "alias/aws/sqs", None, true),
            (other, "alias/orders", Some(key(KeyManager::Customer)), false),
            (other, "alias/orders", Some(key(KeyManager::Aws)), true),
            ("123456789012", "alias/aws/sqs", Some(key(KeyManager::Aws)), false),
        ];
        for (account, key_id, lookup, expected) in cases {
            let mut f = facts(encrypted(account, key_id), function_in("us-east-1", "123456789012", 30));
            f.key = lookup.map(Ok);
            let found = cross_account_aws_managed_key(&f);
            assert_eq!(found.is_some(), expected, "{account} {key_id}");
        }
        let mut sse = facts(queue_in("orders", "us-east-1", other), function(30));
        sse.key = None;
        assert!(cross_account_aws_managed_key(&sse).is_none(), "SSE-SQS has no key to worry about");
    }
}
