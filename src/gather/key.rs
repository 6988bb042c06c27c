//! KMS key facts: DescribeKey and the `default` key policy.

use crate::aws::errors::is_not_found;
use crate::aws::traffic::limited;
use crate::aws::{AwsResultExt, Clients};
use crate::error::AwsError;
use crate::model::KeyArn;
use crate::model::facts::{KeyFacts, KeyLookup, KeyManager, Unreadable};
use crate::policy::PolicyDocument;

/// Describes a key (alias, id or ARN). Not found is a fact, not an error. Once per run and
/// key when the cache is on.
pub async fn describe(clients: &Clients, key_id: &str) -> Result<KeyLookup, AwsError> {
    let key = format!("{}|{key_id}", clients.region);
    clients.cache.read(&clients.cache.keys, &key, || describe_uncached(clients, key_id)).await
}

async fn describe_uncached(clients: &Clients, key_id: &str) -> Result<KeyLookup, AwsError> {
    let result = limited(&clients.limits.kms, clients.kms.describe_key().key_id(key_id).send()).await;
    let out = match result {
        Ok(out) => out,
        Err(err) if is_not_found(&err) => return Ok(KeyLookup::NotFound { key_id: key_id.to_owned() }),
        Err(err) => return Err(crate::aws::errors::to_aws_error("kms:DescribeKey", &key_id, &err)),
    };
    let Some(meta) = out.key_metadata() else {
        return Ok(KeyLookup::NotFound { key_id: key_id.to_owned() });
    };
    let arn: KeyArn = meta.arn().unwrap_or_default().parse().map_err(|e| AwsError {
        action: "kms:DescribeKey",
        resource: key_id.to_owned(),
        kind: crate::error::AwsErrorKind::Service,
        code: None,
        message: format!("unexpected key ARN: {e}"),
        answer: None,
        hint: None,
    })?;
    let manager = match meta.key_manager().map(|m| m.as_str()) {
        Some("AWS") => KeyManager::Aws,
        _ => KeyManager::Customer,
    };
    let state = meta
        .key_state()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|| if meta.enabled() { "Enabled".to_owned() } else { "Disabled".to_owned() });
    Ok(KeyLookup::Found(KeyFacts { arn, manager, state, policy: Err(not_read()) }))
}

/// Describes a key and reads its key policy (concurrently once the ARN is known).
pub async fn describe_with_policy(clients: &Clients, key_id: &str) -> Result<KeyLookup, AwsError> {
    let lookup = describe(clients, key_id).await?;
    let KeyLookup::Found(mut facts) = lookup else { return Ok(lookup) };
    facts.policy = key_policy(clients, &facts.arn).await?;
    Ok(KeyLookup::Found(facts))
}

/// The key's `default` policy (an advisory read: whatever stops it is an `Unreadable`). Once
/// per run and key when the cache is on.
pub async fn key_policy(clients: &Clients, key: &KeyArn) -> Result<Result<PolicyDocument, Unreadable>, AwsError> {
    clients.cache.read(&clients.cache.key_policies, &key.to_string(), || key_policy_uncached(clients, key)).await
}

async fn key_policy_uncached(clients: &Clients, key: &KeyArn) -> Result<Result<PolicyDocument, Unreadable>, AwsError> {
    let request = clients.kms.get_key_policy().key_id(key.to_string()).policy_name("default").send();
    let result = limited(&clients.limits.kms, request).await.aws_err("kms:GetKeyPolicy", key);
    let fact = format!("the key policy of {key}");
    match super::reads::KEY_POLICY.advisory(fact.clone(), result) {
        Ok(out) => {
            let text = out.policy().unwrap_or_default();
            Ok(PolicyDocument::parse(&format!("key policy of {key}"), text).map_err(|e| Unreadable {
                kind: Default::default(),
                cause: Default::default(),
                feeds: &[],
                fact,
                permission: "a valid policy document".into(),
                detail: e.to_string(),
            }))
        }
        Err(unreadable) => Ok(Err(unreadable)),
    }
}

fn not_read() -> Unreadable {
    Unreadable {
        kind: Default::default(),
        cause: Default::default(),
        feeds: &[],
        fact: "the key policy".into(),
        permission: "kms:GetKeyPolicy".into(),
        detail: "not read".into(),
    }
}

/// The key that encrypts a mapping's filter criteria (`--filter-kms-key` or the mapping's
/// `KMSKeyArn`), with its policy (an advisory read).
pub async fn read_filter_key(clients: &Clients, key_id: &str) -> crate::model::facts::Fact<KeyLookup> {
    super::reads::FILTER_KEY
        .advisory(format!("KMS key {key_id} (filter criteria)"), describe_with_policy(clients, key_id).await)
}
