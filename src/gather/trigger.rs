//! Every fact about one queue → function trigger, gathered concurrently, for the checks.
//!
//! Used by `doctor`, `setup`, `mapping create` and `probe` so they all see the same facts.
//! What cannot be read for lack of permission becomes an `Unreadable` (→ `check-skipped`)
//! and the rest goes on; other failures (throttled past retries, unreachable) abort.

use crate::aws::Clients;
use crate::error::AwsError;
use crate::model::access::{self, Target};
use crate::model::facts::{Encryption, FactKind, FunctionFacts, MappingFacts, QueueFacts, TriggerFacts, Unreadable};
use crate::model::{FunctionRef, QueueRef, RoleArn};

use super::unreadable_if_denied;

/// What the caller already knows: each part that is `Some` is not read again.
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub queue: Option<QueueFacts>,
    pub function: Option<FunctionFacts>,
    /// The mappings of this queue/function pair.
    pub mappings: Option<Vec<MappingFacts>>,
    /// Check as if the function ran with this role (`role check --role`).
    pub role: Option<RoleArn>,
}

/// Reads the queue and function (when not known), then everything that depends on them —
/// DLQ, KMS key and key policy, the execution role and its policies, the mappings of the
/// pair, the caller — all at once.
pub async fn gather(
    clients: &Clients,
    queue_ref: Option<&QueueRef>,
    function_ref: Option<&FunctionRef>,
    known: Known,
) -> Result<TriggerFacts, AwsError> {
    let mut facts = TriggerFacts { region: clients.region.clone(), ..TriggerFacts::default() };

    // First hop: the queue and the function themselves, and the caller.
    let queue_read = async {
        match (known.queue, queue_ref) {
            (Some(q), _) => Ok(Ok(Some(q))),
            (None, Some(r)) => unreadable_if_denied(format!("queue {r}"), super::queue::find(clients, r).await),
            (None, None) => Ok(Ok(None)),
        }
    };
    let function_read = async {
        match (known.function, function_ref) {
            (Some(f), _) => Ok(Ok(Some(f))),
            (None, Some(r)) => unreadable_if_denied(format!("function {r}"), super::function::read(clients, r).await),
            (None, None) => Ok(Ok(None)),
        }
    };
    let (queue, function, caller) = tokio::join!(queue_read, function_read, super::caller(clients));
    match queue? {
        Ok(q) => facts.queue = q,
        Err(u) => facts.skipped.push(Unreadable { kind: FactKind::Queue, ..u }),
    }
    match function? {
        Ok(f) => facts.function = f,
        Err(u) => facts.skipped.push(Unreadable { kind: FactKind::Function, ..u }),
    }
    if let (Some(role), Some(f)) = (&known.role, facts.function.as_mut()) {
        f.role = role.clone();
    }
    facts.caller = caller.ok();

    // Second hop: what the queue and function point at.
    let queue = facts.queue.clone();
    let function = facts.function.clone();
    let dlq = async {
        let Some(redrive) = queue.as_ref().and_then(|q| q.redrive.clone()) else { return Ok(None) };
        let target = QueueRef::Arn(redrive.dead_letter_target_arn.clone());
        let read = super::queue::find(clients, &target).await;
        let fact = format!("dead-letter queue {}", redrive.dead_letter_target_arn);
        Ok::<_, AwsError>(Some(match unreadable_if_denied(fact.clone(), read)? {
            Ok(Some(q)) => Ok(q),
            Ok(None) => Err(crate::model::facts::Unreadable {
                kind: Default::default(),
                fact,
                permission: "the queue to exist".into(),
                detail: "the redrive policy names a queue that does not exist".into(),
            }),
            Err(u) => Err(u),
        }))
    };
    let key = async {
        let Some(Encryption::Kms { key_id }) = queue.as_ref().map(|q| q.encryption.clone()) else { return Ok(None) };
        // A queue naming its key by alias or id: KMS resolves it in the queue's account.
        let id = qualify_key(&key_id, queue.as_ref());
        let read = super::key::describe_with_policy(clients, &id).await;
        Ok::<_, AwsError>(Some(unreadable_if_denied(format!("KMS key {key_id}"), read)?))
    };
    let mappings = async {
        if let Some(m) = known.mappings {
            return Ok(Some(Ok(m)));
        }
        let (Some(q), Some(f)) = (queue.as_ref(), function.as_ref()) else { return Ok(None) };
        let read = super::mapping::list(clients, Some(&q.arn), None)
            .await
            .map(|all| super::mapping::of_pair(&all, &q.arn, &f.arn));
        Ok::<_, AwsError>(Some(unreadable_if_denied(format!("the mappings of {}", q.arn), read)?))
    };
    let role_arn = known.role.clone().or_else(|| function.as_ref().map(|f| f.role.clone()));
    let caller_account = facts.caller.as_ref().map(|c| c.account.clone());
    let role = async {
        let Some(arn) = role_arn.as_ref() else { return Ok(None) };
        // IAM answers for the caller's account only: a role of another account is never read
        // (a same-named role of the caller's would be read instead), so its checks are skipped.
        if let Some(account) = caller_account.as_deref()
            && arn.account() != account
        {
            return Ok(Some(Err(crate::model::facts::Unreadable {
                kind: Default::default(),
                fact: format!("the execution role {arn}"),
                permission: format!("credentials of account {}", arn.account()),
                detail: format!(
                    "the role belongs to account {}, the credentials to account {account}: IAM reads roles of the \
                     caller's account only",
                    arn.account()
                ),
            })));
        }
        super::role::read(clients, arn).await.map(Some)
    };
    let (dlq, key, mappings, role) = tokio::try_join!(dlq, key, mappings, role)?;
    facts.dlq = dlq;
    facts.key = key;
    facts.mappings = mappings;
    facts.role = role;
    // Third hop: what iam:SimulatePrincipalPolicy decides for the required permissions.
    if facts.function.is_some() {
        let target = Target::from_facts(&facts);
        simulate(clients, &mut facts, &target).await;
    }
    Ok(facts)
}

/// What `iam:SimulatePrincipalPolicy` decides for the permissions `target`'s role needs, once
/// per facts. An endpoint without it (or a caller denied it) leaves the decision to our
/// evaluator, and says why in `simulation_unavailable`.
pub async fn simulate(clients: &Clients, facts: &mut TriggerFacts, target: &Target) {
    if facts.simulation.is_some() || facts.simulation_unavailable.is_some() {
        return;
    }
    let Some(role) = &target.role else { return };
    let key = access::key_target(facts);
    let required = access::required_permissions(target.queue.as_ref(), key.as_ref(), target.log_group_arn.as_deref());
    if required.is_empty() {
        return;
    }
    match super::role::simulate(clients, role, &required).await {
        Ok(simulation) => facts.simulation = Some(simulation),
        Err(why) => facts.simulation_unavailable = Some(why),
    }
}

/// Turns a key id or alias into an ARN in the queue's account, so DescribeKey finds a key
/// that lives in another account than the caller.
fn qualify_key(key_id: &str, queue: Option<&QueueFacts>) -> String {
    match queue {
        Some(q) if !key_id.starts_with("arn:") => {
            let arn = q.arn.arn();
            if key_id.starts_with("alias/") {
                format!("arn:{}:kms:{}:{}:{key_id}", arn.partition, arn.region, arn.account)
            } else {
                format!("arn:{}:kms:{}:{}:key/{key_id}", arn.partition, arn.region, arn.account)
            }
        }
        _ => key_id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifies_key_ids_in_the_queue_account() {
        let q = crate::checks::queue::fixtures::queue("orders");
        assert_eq!(qualify_key("alias/orders", Some(&q)), "arn:aws:kms:us-east-1:123456789012:alias/orders");
        assert_eq!(qualify_key("1234abcd", Some(&q)), "arn:aws:kms:us-east-1:123456789012:key/1234abcd");
        assert_eq!(qualify_key("arn:aws:kms:eu-west-1:1:key/x", Some(&q)), "arn:aws:kms:eu-west-1:1:key/x");
        assert_eq!(qualify_key("alias/x", None), "alias/x");
    }
}
