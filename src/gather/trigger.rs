//! Every fact about one queue → function trigger, gathered concurrently, for the checks.
//!
//! Used by `doctor`, `setup`, `mapping create` and `probe` so they all see the same facts.
//! Which reads are required and which advisory is written down in `reads`: an advisory read
//! that fails for any reason becomes an `Unreadable` (→ `check-skipped`) and the rest goes on;
//! a required read that fails aborts (access denied on it is a `check-skipped` too).

use futures::FutureExt;

use crate::aws::Clients;
use crate::error::AwsError;
use crate::model::access::{self, Target};
use crate::model::facts::{
    AccountConcurrency, CallerFacts, Encryption, Fact, FactKind, FunctionFacts, KeyLookup, MappingFacts, QueueFacts,
    RecursiveLoop, RoleFacts, TriggerFacts, Unreadable,
};
use crate::model::{FunctionRef, QueueRef, RoleArn};

use super::reads;

/// What the caller already knows: each part that is `Some` is not read again.
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub queue: Option<QueueFacts>,
    pub function: Option<FunctionFacts>,
    /// The mappings of this queue/function pair.
    pub mappings: Option<Vec<MappingFacts>>,
    /// Check as if the function ran with this role (`role check --role`).
    pub role: Option<RoleArn>,
    /// The caller, when already asked (its answer, failed or not, is not asked again).
    pub caller: Option<Result<CallerFacts, AwsError>>,
    /// The dead-letter queue, when already read (or just created): used when the queue's
    /// redrive policy names it.
    pub dlq: Option<QueueFacts>,
    /// Every mapping of the queue (to any function), when already listed: the pair's and the
    /// other consumers are taken from it.
    pub queue_mappings: Option<Vec<MappingFacts>>,
    /// The account's concurrency: `None` reads it here; `Some(None)` leaves it to the caller
    /// (who reads it once for many triggers).
    pub account_concurrency: Option<Option<Fact<AccountConcurrency>>>,
    /// The function's recursive loop setting: `None` reads it here; `Some(None)` does not read
    /// it (`role check` has no use for it).
    pub recursive_loop: Option<Option<Fact<RecursiveLoop>>>,
}

/// Reads the queue and function (when not known), then everything that depends on them —
/// DLQ, KMS key and key policy, the execution role and its policies, the mappings of the
/// pair, the caller, and what the IAM simulator decides.
///
/// Each read starts as soon as its own inputs are known, not when a whole "hop" is done: the
/// DLQ and the key as soon as the queue is read, the role as soon as the function and the
/// caller are, the simulator (role, queue and key ARNs) beside the role's policy reads.
pub async fn gather(
    clients: &Clients,
    queue_ref: Option<&QueueRef>,
    function_ref: Option<&FunctionRef>,
    known: Known,
) -> Result<TriggerFacts, AwsError> {
    gather_with_role(clients, queue_ref, function_ref, known, std::future::ready(None)).await
}

/// `gather`, with the execution role's facts from `role_read` when it yields them for the role
/// the function runs with (a caller that started reading the role earlier): the reads that
/// need only the role's ARN (the simulator) go on meanwhile.
pub async fn gather_with_role(
    clients: &Clients,
    queue_ref: Option<&QueueRef>,
    function_ref: Option<&FunctionRef>,
    known: Known,
    role_read: impl std::future::Future<Output = Option<Fact<RoleFacts>>>,
) -> Result<TriggerFacts, AwsError> {
    let mut facts = TriggerFacts { region: clients.region.clone(), ..TriggerFacts::default() };

    // The queue and the function themselves, and the caller: each read once, awaited by every
    // read that needs it.
    let queue_read = async {
        match (known.queue, queue_ref) {
            (Some(q), _) => Ok(Ok(Some(q))),
            (None, Some(r)) => reads::QUEUE.required(format!("queue {r}"), super::queue::find(clients, r).await),
            (None, None) => Ok(Ok(None)),
        }
    }
    .shared();
    let known_role = known.role.clone();
    let function_known = known.function.as_ref().map(|f| f.arn.clone());
    let function_read = async {
        let read = match (known.function, function_ref) {
            (Some(f), _) => Ok(Ok(Some(f))),
            (None, Some(r)) => {
                reads::FUNCTION.required(format!("function {r}"), super::function::read(clients, r).await)
            }
            (None, None) => Ok(Ok(None)),
        };
        // `role check --role`: check as if the function ran with that role.
        read.map(|fact| {
            fact.map(|f| {
                f.map(|mut f| {
                    if let Some(role) = &known_role {
                        f.role = role.clone();
                    }
                    f
                })
            })
        })
    }
    .shared();
    let known_caller = known.caller;
    let caller_read = async move {
        match known_caller {
            Some(caller) => caller,
            None => super::caller(clients).await,
        }
    }
    .shared();
    // What a dependent read sees: the fact when it was read, None when it is unknown or
    // unreadable, and the error (which stops the gathering) when the read failed.
    let queue_fact = || {
        let read = queue_read.clone();
        async move { read.await.map(|fact| fact.ok().flatten()) }
    };
    let function_fact = || {
        let read = function_read.clone();
        async move { read.await.map(|fact| fact.ok().flatten()) }
    };

    let known_dlq = known.dlq;
    let dlq = async {
        let queue = queue_fact().await?;
        let Some(redrive) = queue.as_ref().and_then(|q| q.redrive.clone()) else { return Ok(None) };
        if let Some(dlq) = known_dlq.filter(|d| d.arn == redrive.dead_letter_target_arn) {
            return Ok(Some(Ok(dlq)));
        }
        let read = match &queue {
            Some(q) => super::queue::find_beside(clients, &redrive.dead_letter_target_arn, q).await,
            None => super::queue::find(clients, &QueueRef::Arn(redrive.dead_letter_target_arn.clone())).await,
        };
        let fact = format!("dead-letter queue {}", redrive.dead_letter_target_arn);
        Ok::<_, AwsError>(Some(match reads::DLQ.advisory(fact.clone(), read) {
            Ok(Some(q)) => Ok(q),
            Ok(None) => Err(crate::model::facts::Unreadable {
                kind: Default::default(),
                cause: Default::default(),
                feeds: &[],
                fact,
                permission: "the queue to exist".into(),
                detail: "the redrive policy names a queue that does not exist".into(),
            }),
            Err(u) => Err(u),
        }))
    };
    // The key (DescribeKey), then its policy beside the simulator, which needs the key's ARN.
    let key_and_simulation = async {
        let queue = queue_fact().await?;
        let key = match queue.as_ref().map(|q| q.encryption.clone()) {
            Some(Encryption::Kms { key_id }) => {
                // A queue naming its key by alias or id: KMS resolves it in the queue's account.
                let id = qualify_key(&key_id, queue.as_ref());
                let read = super::key::describe(clients, &id).await;
                Some(reads::KEY.advisory(format!("KMS key {key_id}"), read))
            }
            _ => None,
        };
        let policy = async {
            match &key {
                Some(Ok(KeyLookup::Found(k))) => super::key::key_policy(clients, &k.arn).await.map(Some),
                _ => Ok(None),
            }
        };
        let simulation = async {
            let Some(function) = function_fact().await? else { return Ok(None) };
            let mut seen =
                TriggerFacts { queue, function: Some(function), key: key.clone(), ..TriggerFacts::default() };
            let target = Target::from_facts(&seen);
            simulate(clients, &mut seen, &target).await;
            Ok::<_, AwsError>(Some((seen.simulation, seen.simulation_unavailable)))
        };
        let (policy, simulation) = tokio::try_join!(policy, simulation)?;
        let key = match (key, policy) {
            (Some(Ok(KeyLookup::Found(mut k))), Some(policy)) => {
                k.policy = policy;
                Some(Ok(KeyLookup::Found(k)))
            }
            (key, _) => key,
        };
        Ok::<_, AwsError>((key, simulation))
    };
    let known_mappings = known.mappings;
    let known_queue_mappings = known.queue_mappings;
    // The pair's mappings and the queue's other consumers, from one listing of the queue's
    // mappings (or what the caller already listed).
    let mappings = async {
        if let (Some(pair), Some(all)) = (&known_mappings, &known_queue_mappings) {
            let others = others_of(all, pair.first().map(|m| &m.function_arn));
            return Ok((Some(Ok(pair.clone())), Some(Ok(others))));
        }
        let (queue, function) = tokio::try_join!(queue_fact(), function_fact())?;
        let Some(q) = queue.as_ref() else { return Ok((known_mappings.map(Ok), None)) };
        let function_arn = function.as_ref().map(|f| f.arn.clone());
        let function_arn = function_arn.or_else(|| known_mappings.as_ref()?.first().map(|m| m.function_arn.clone()));
        let all = match known_queue_mappings {
            Some(all) => Ok(all),
            None => reads::MAPPINGS.required(
                format!("the mappings of {}", q.arn),
                super::mapping::list(clients, Some(&q.arn), None).await,
            )?,
        };
        let pair = match (known_mappings, &all, &function_arn) {
            (Some(pair), _, _) => Some(Ok(pair)),
            (None, Ok(all), Some(f)) => Some(Ok(super::mapping::of_pair(all, &q.arn, f))),
            (None, Err(u), Some(_)) => Some(Err(u.clone())),
            (None, _, None) => None,
        };
        let others = match (&all, &function_arn) {
            (Ok(all), f) => Some(Ok(others_of(all, f.as_ref()))),
            // Said once, by the pair's mappings, when they are unreadable too.
            (Err(u), _) if pair.as_ref().is_none_or(|p| p.is_ok()) => Some(Err(u.clone())),
            (Err(_), _) => None,
        };
        Ok::<_, AwsError>((pair, others))
    };
    // Whether the log group exists: logs:CreateLogGroup is needed only when it does not.
    let log_group = async {
        let Some(function) = function_fact().await? else { return Ok(None) };
        let read = super::function::log_group_exists(clients, &function.log_group).await;
        Ok::<_, AwsError>(Some(reads::LOG_GROUP.advisory(format!("log group {}", function.log_group), read)))
    };
    // The function's recursive loop setting, as soon as the function is known.
    let known_recursion = known.recursive_loop;
    let recursion = async {
        if let Some(setting) = known_recursion {
            return Ok(setting);
        }
        // Its one input is the function's ARN: a function named by ARN (a mapping's) is asked
        // beside GetFunction, not after it. What it says counts only when the function exists.
        let (function, early) = match function_ref {
            Some(FunctionRef::Arn(arn)) if function_known.is_none() => {
                let (function, read) = tokio::join!(function_fact(), super::function::recursive_loop(clients, arn));
                (function?, Some(read))
            }
            _ => (function_fact().await?, None),
        };
        let Some(function) = function else { return Ok(None) };
        let read = match early {
            Some(read) => read,
            None => super::function::recursive_loop(clients, &function.arn).await,
        };
        let fact = format!("the recursive loop setting of {}", function.arn.unqualified());
        Ok::<_, AwsError>(Some(reads::RECURSION.advisory(fact, read)))
    };
    // The account's concurrency: needs nothing but the function to be worth reading.
    let known_account = known.account_concurrency;
    let account = async {
        if let Some(account) = known_account {
            return Ok(account);
        }
        if function_fact().await?.is_none() {
            return Ok(None);
        }
        let read = super::function::account_concurrency(clients).await;
        Ok::<_, AwsError>(Some(reads::ACCOUNT_CONCURRENCY.advisory("the account's Lambda concurrency", read)))
    };
    let known_role_arn = known.role;
    let role = async {
        let (function, caller) = tokio::join!(function_fact(), caller_read.clone());
        let function = function?;
        let Some(arn) = known_role_arn.or_else(|| function.map(|f| f.role)) else { return Ok(None) };
        // IAM answers for the caller's account only: a role of another account is never read
        // (a same-named role of the caller's would be read instead), so its checks are skipped.
        if let Ok(caller) = &caller
            && arn.account() != caller.account
        {
            return Ok(Some(Err(crate::model::facts::Unreadable {
                kind: Default::default(),
                cause: Default::default(),
                feeds: &[],
                fact: format!("the execution role {arn}"),
                permission: format!("credentials of account {}", arn.account()),
                detail: format!(
                    "the role belongs to account {}, the credentials to account {}: IAM reads roles of the \
                     caller's account only",
                    arn.account(),
                    caller.account
                ),
            })));
        }
        if let Some(read) = role_read.await.filter(|r| r.as_ref().is_ok_and(|r| r.arn == arn)) {
            return Ok(Some(read));
        }
        super::role::read(clients, &arn).await.map(Some)
    };
    let extra = async { tokio::try_join!(log_group, recursion, account) };
    // The role first: its reads are the longest chain left once the function is known (the
    // order in which the requests go out).
    let joined = tokio::try_join!(role, dlq, key_and_simulation, mappings, extra);
    // A failed read of the queue, then of the function, is the error to report, as when they
    // were read before everything else.
    let first_error = queue_read.peek().and_then(|r| r.as_ref().err()).cloned();
    let first_error = first_error.or_else(|| function_read.peek().and_then(|r| r.as_ref().err()).cloned());
    let (role, dlq, (key, simulation), (mappings, other_mappings), (log_group, recursion, account)) =
        match (joined, first_error) {
            (Err(_), Some(err)) => return Err(err),
            (joined, _) => joined?,
        };
    match queue_read.await? {
        Ok(q) => facts.queue = q,
        Err(u) => facts.skipped.push(Unreadable { kind: FactKind::Queue, ..u }),
    }
    match function_read.await? {
        Ok(f) => facts.function = f,
        Err(u) => facts.skipped.push(Unreadable { kind: FactKind::Function, ..u }),
    }
    facts.caller = caller_read.await.ok();
    facts.dlq = dlq;
    facts.key = key;
    facts.mappings = mappings;
    facts.other_mappings = other_mappings;
    facts.log_group_exists = log_group;
    facts.recursive_loop = recursion;
    facts.account_concurrency = account;
    facts.role = role;
    // A mapping whose filter criteria are encrypted: its key is checked like the queue's.
    let filter_key = match &facts.mappings {
        Some(Ok(pair)) => pair.iter().find_map(|m| m.filter_kms_key.clone()),
        _ => None,
    };
    if let Some(key) = filter_key {
        facts.filter_key = Some(super::key::read_filter_key(clients, &key).await);
    }
    if let Some((simulation, unavailable)) = simulation {
        facts.simulation = simulation;
        facts.simulation_unavailable = unavailable;
    }
    Ok(facts)
}

/// `gather`, and the tags of the pair's mappings (doctor shows who owns a mapping): read beside
/// the other facts when the mappings are already known, else once they are listed.
pub async fn gather_with_mapping_tags(
    clients: &Clients,
    queue: Option<&QueueRef>,
    function: Option<&FunctionRef>,
    known: Known,
) -> Result<TriggerFacts, AwsError> {
    let read_tags = |mappings: Vec<MappingFacts>| async move {
        let tags = futures::future::join_all(mappings.iter().map(|m| super::mapping::tags(clients, m))).await;
        mappings.iter().map(|m| m.uuid.clone()).zip(tags).collect::<Vec<_>>()
    };
    // Mappings already listed: their tags are read beside the other facts, not after them.
    let (facts, early) = match known.mappings.clone() {
        Some(listed) => {
            let (facts, tags) = tokio::join!(gather(clients, queue, function, known), read_tags(listed));
            (facts?, Some(tags))
        }
        None => (gather(clients, queue, function, known).await?, None),
    };
    let mut facts = facts;
    let tags = match (early, &facts.mappings) {
        (Some(tags), _) => tags,
        (None, Some(Ok(mappings))) => read_tags(mappings.clone()).await,
        (None, _) => vec![],
    };
    if let Some(Ok(mappings)) = &mut facts.mappings {
        for (uuid, tags) in tags {
            let Some(m) = mappings.iter_mut().find(|m| m.uuid == uuid) else { continue };
            // Tags only say who owns the mapping: one that cannot be read is not shown.
            m.tags = reads::MAPPING_TAGS.advisory(format!("the tags of mapping {}", m.uuid), tags).unwrap_or_default();
        }
    }
    Ok(facts)
}

/// The mappings of `all` to another function than `function` (another alias or version counts).
fn others_of(all: &[MappingFacts], function: Option<&crate::model::FunctionArn>) -> Vec<MappingFacts> {
    all.iter().filter(|m| Some(&m.function_arn) != function).cloned().collect()
}

/// What `iam:SimulatePrincipalPolicy` decides for the permissions `target`'s role needs, once
/// per facts. An endpoint without it (or a caller denied it) leaves the decision to our
/// evaluator, and says why in `simulation_unavailable`.
pub async fn simulate(clients: &Clients, facts: &mut TriggerFacts, target: &Target) {
    if facts.simulation.is_some() || facts.simulation_unavailable.is_some() {
        return;
    }
    let Some(role) = &target.role else { return };
    let key = access::key_target(facts, Some(role));
    // Asked whether the log group exists or not (that is read beside this): the simulator's
    // answer for logs:CreateLogGroup is simply not looked up when the group exists.
    let mut required =
        access::required_permissions(target.queue.as_ref(), key.as_ref(), target.log_group_arn.as_deref(), false);
    // Not needed by the poller, asked in the same call: may the function feed its own queue
    // (a recursive loop)?
    if let Some(queue) = &target.queue {
        required.push(access::Required { action: access::SEND_MESSAGE, resource: queue.to_string() });
    }
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
