//! Deciding what parsed policies allow.
//!
//! We cannot evaluate `Condition` blocks or policy variables: they depend on the request (source
//! ARN, calling service, tags…). The rule throughout is to never call something plainly allowed
//! when a condition might deny it, nor plainly denied when the deny is conditional. Conditional
//! outcomes carry the condition keys so that a report can tell the user what to look at.

use std::fmt;

use super::document::{
    Condition, Effect, MatchResult, PolicyDocument, PrincipalClause, Principals, Statement, push_unique,
};
use super::error::PolicyError;
use super::glob::{CaseRule, wildcard_match};

/// The action a trust policy must allow for a service to use the role.
const ASSUME_ROLE: &str = "sts:AssumeRole";

/// A policy and the name it is reported under, e.g. "inline policy foo" or
/// "managed policy arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedPolicy {
    pub name: String,
    pub document: PolicyDocument,
}

impl NamedPolicy {
    pub fn new(name: impl Into<String>, document: PolicyDocument) -> NamedPolicy {
        NamedPolicy { name: name.into(), document }
    }

    /// Parses `text` (plain or percent-encoded JSON) under `name`.
    pub fn parse(name: impl Into<String>, text: &str) -> Result<NamedPolicy, PolicyError> {
        let name = name.into();
        let document = PolicyDocument::parse(&name, text)?;
        Ok(NamedPolicy { name, document })
    }
}

/// The outcome of identity-based evaluation for one action on one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed {
        policy: String,
        sid: Option<String>,
    },
    /// Allowed only by statements with a Condition block (or policy variables), or allowed but
    /// subject to a conditional Deny; `condition_keys` lists the keys used (e.g.
    /// "aws:SourceArn", "kms:ViaService").
    AllowedUnderConditions {
        policy: String,
        sid: Option<String>,
        condition_keys: Vec<String>,
    },
    ExplicitDeny {
        policy: String,
        sid: Option<String>,
    },
    /// Nothing allows it.
    ImplicitDeny,
    /// Allowed by identity policies but not by the permissions boundary.
    DeniedByBoundary {
        boundary: String,
    },
}

impl Decision {
    /// True only for a plain `Allowed`: a conditional allow is not something we can promise.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }

    /// True for `Allowed` and `AllowedUnderConditions`: not certainly denied.
    pub fn may_be_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. } | Decision::AllowedUnderConditions { .. })
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Allowed { policy, sid } => {
                write!(f, "allowed by {policy}{}", statement_label(sid.as_deref()))
            }
            Decision::AllowedUnderConditions { policy, sid, condition_keys } => write!(
                f,
                "allowed by {policy}{} only if conditions on {} hold",
                statement_label(sid.as_deref()),
                condition_keys.join(", ")
            ),
            Decision::ExplicitDeny { policy, sid } => {
                write!(f, "explicitly denied by {policy}{}", statement_label(sid.as_deref()))
            }
            Decision::ImplicitDeny => f.write_str("not allowed by any policy"),
            Decision::DeniedByBoundary { boundary } => {
                write!(f, "allowed by identity policies but not by the permissions boundary {boundary}")
            }
        }
    }
}

/// How a resource policy (key policy, queue policy) treats a principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceGrant {
    /// A statement names this principal (its ARN exactly, or "*"/{"AWS":"*"}) and allows the
    /// action; `condition_keys` are those of that statement plus any conditional Deny.
    Direct { sid: Option<String>, condition_keys: Vec<String> },
    /// A statement allows the account root ("arn:aws:iam::ACCOUNT:root" or bare "ACCOUNT") the
    /// action: the resource policy delegates to IAM, so the identity policy decides.
    DelegatedToAccount { sid: Option<String>, condition_keys: Vec<String> },
    /// An unconditional Deny matching the principal and action.
    ExplicitDeny { sid: Option<String> },
    /// No statement grants the action to the principal or its account. For a KMS key this means
    /// no access at all; for an SQS queue a same-account principal may still be allowed by its
    /// identity policy alone — the caller knows which service it is asking about.
    NotGranted,
}

impl fmt::Display for ResourceGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceGrant::Direct { sid, condition_keys } => {
                write!(f, "granted to the principal{}", statement_label(sid.as_deref()))?;
                conditions_suffix(f, condition_keys)
            }
            ResourceGrant::DelegatedToAccount { sid, condition_keys } => {
                write!(
                    f,
                    "granted to the principal's account{}, so its IAM policies decide",
                    statement_label(sid.as_deref())
                )?;
                conditions_suffix(f, condition_keys)
            }
            ResourceGrant::ExplicitDeny { sid } => {
                write!(f, "explicitly denied{}", statement_label(sid.as_deref()))
            }
            ResourceGrant::NotGranted => f.write_str("not granted to the principal or its account"),
        }
    }
}

fn statement_label(sid: Option<&str>) -> String {
    sid.map(|sid| format!(" (statement {sid:?})")).unwrap_or_default()
}

fn conditions_suffix(f: &mut fmt::Formatter<'_>, keys: &[String]) -> fmt::Result {
    if keys.is_empty() {
        return Ok(());
    }
    write!(f, " only if conditions on {} hold", keys.join(", "))
}

/// A statement that applies to the request, where it is, and what gates it (empty: nothing).
struct Hit<'a> {
    policy: &'a str,
    sid: Option<&'a str>,
    keys: Vec<String>,
}

impl Hit<'_> {
    fn into_allow_decision(self) -> Decision {
        let policy = self.policy.to_owned();
        let sid = self.sid.map(str::to_owned);
        if self.keys.is_empty() {
            Decision::Allowed { policy, sid }
        } else {
            Decision::AllowedUnderConditions { policy, sid, condition_keys: self.keys }
        }
    }
}

/// If `statement` covers the action and resource, the keys that gate it: its condition keys
/// and any policy variables the resource match depended on. `None` if it does not apply.
fn gating_keys(statement: &Statement, action: &str, resource: &str) -> Option<Vec<String>> {
    if !statement.covers_action(action) {
        return None;
    }
    let mut keys = statement.condition_keys();
    match statement.covers_resource(resource) {
        MatchResult::No => return None,
        MatchResult::Yes => {}
        MatchResult::DependsOn(variables) => extend_unique(&mut keys, &variables),
    }
    Some(keys)
}

fn extend_unique(keys: &mut Vec<String>, more: &[String]) {
    for key in more {
        push_unique(keys, key);
    }
}

/// The statements of `policy` with `effect` that apply to the request.
fn hits<'a>(
    policy: &'a NamedPolicy,
    effect: Effect,
    action: &'a str,
    resource: &'a str,
) -> impl Iterator<Item = Hit<'a>> + 'a {
    policy.document.statements.iter().filter(move |statement| statement.effect == effect).filter_map(move |statement| {
        gating_keys(statement, action, resource).map(|keys| Hit {
            policy: &policy.name,
            sid: statement.sid.as_deref(),
            keys,
        })
    })
}

/// The first unconditional Allow, or failing that the first conditional one.
fn best_allow<'a>(
    policies: impl IntoIterator<Item = &'a NamedPolicy>,
    action: &'a str,
    resource: &'a str,
) -> Option<Hit<'a>> {
    let mut conditional = None;
    for hit in policies.into_iter().flat_map(|p| hits(p, Effect::Allow, action, resource)) {
        if hit.keys.is_empty() {
            return Some(hit);
        }
        conditional.get_or_insert(hit);
    }
    conditional
}

/// Identity-based evaluation of `action` on `resource`.
///
/// An unconditional Deny anywhere (identity policies first, then the boundary) wins. Otherwise
/// the action needs an Allow in the identity policies and, when there is a boundary, in the
/// boundary too. Conditional Denies cannot be evaluated: they turn `Allowed` into
/// `AllowedUnderConditions` carrying their keys rather than being ignored.
pub fn evaluate_identity(
    policies: &[NamedPolicy],
    boundary: Option<&NamedPolicy>,
    action: &str,
    resource: &str,
) -> Decision {
    let mut deny_keys = Vec::new();
    for deny in policies.iter().chain(boundary).flat_map(|p| hits(p, Effect::Deny, action, resource)) {
        if deny.keys.is_empty() {
            return Decision::ExplicitDeny { policy: deny.policy.to_owned(), sid: deny.sid.map(str::to_owned) };
        }
        extend_unique(&mut deny_keys, &deny.keys);
    }
    let Some(mut allow) = best_allow(policies, action, resource) else {
        return Decision::ImplicitDeny;
    };
    if let Some(boundary) = boundary {
        let Some(bounded) = best_allow([boundary], action, resource) else {
            return Decision::DeniedByBoundary { boundary: boundary.name.clone() };
        };
        extend_unique(&mut allow.keys, &bounded.keys);
    }
    extend_unique(&mut allow.keys, &deny_keys);
    allow.into_allow_decision()
}

/// How a statement's Principal/NotPrincipal relates to the principal we ask about. Ordered so
/// that `max` picks the most specific grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PrincipalMatch {
    Nobody,
    /// Through the account root or bare account id.
    Account,
    /// Through the exact ARN or a wildcard.
    Direct,
}

fn principal_match(clause: Option<&PrincipalClause>, principal_arn: &str, account_id: &str) -> PrincipalMatch {
    match clause {
        // A resource-policy statement without a principal applies to no one.
        None => PrincipalMatch::Nobody,
        Some(PrincipalClause::Only(principals)) => listed_match(principals, principal_arn, account_id),
        Some(PrincipalClause::AllExcept(principals)) => match listed_match(principals, principal_arn, account_id) {
            PrincipalMatch::Nobody => PrincipalMatch::Direct,
            _ => PrincipalMatch::Nobody,
        },
    }
}

fn listed_match(principals: &Principals, principal_arn: &str, account_id: &str) -> PrincipalMatch {
    match principals {
        Principals::Anyone => PrincipalMatch::Direct,
        Principals::Listed(_) => principals
            .values("AWS")
            .iter()
            .map(|value| aws_value_match(value, principal_arn, account_id))
            .max()
            .unwrap_or(PrincipalMatch::Nobody),
    }
}

fn aws_value_match(value: &str, principal_arn: &str, account_id: &str) -> PrincipalMatch {
    if value == "*" || value == principal_arn {
        PrincipalMatch::Direct
    } else if names_account(value, account_id) {
        PrincipalMatch::Account
    } else {
        PrincipalMatch::Nobody
    }
}

/// `ACCOUNT` or `arn:PARTITION:iam::ACCOUNT:root`.
fn names_account(value: &str, account_id: &str) -> bool {
    if account_id.is_empty() {
        return false;
    }
    if value == account_id {
        return true;
    }
    let parts: Vec<&str> = value.split(':').collect();
    matches!(parts.as_slice(), ["arn", _, "iam", "", account, "root"] if *account == account_id)
}

/// The grant kept so far for one kind of match: an unconditional one beats a conditional one.
fn keep_better<'a>(slot: &mut Option<(Option<&'a str>, Vec<String>)>, sid: Option<&'a str>, keys: Vec<String>) {
    let better = match slot {
        None => true,
        Some((_, kept)) => !kept.is_empty() && keys.is_empty(),
    };
    if better {
        *slot = Some((sid, keys));
    }
}

/// Resource-policy evaluation (key policy, queue policy) of `action` on `resource` for
/// `principal_arn` (a role ARN) in `account_id`.
///
/// Only the exact role ARN, the account (root ARN in any partition, or bare id) and `*` are
/// recognised; assumed-role session ARNs are not. An unconditional Deny matching the principal
/// (directly or through its account) wins; conditional Denies add their keys to the grant.
pub fn evaluate_resource_policy(
    doc: &PolicyDocument,
    principal_arn: &str,
    account_id: &str,
    action: &str,
    resource: &str,
) -> ResourceGrant {
    let mut deny_keys = Vec::new();
    let mut direct = None;
    let mut delegated = None;
    for statement in &doc.statements {
        let Some(keys) = gating_keys(statement, action, resource) else {
            continue;
        };
        let sid = statement.sid.as_deref();
        match (statement.effect, principal_match(statement.principal.as_ref(), principal_arn, account_id)) {
            (_, PrincipalMatch::Nobody) => {}
            (Effect::Deny, _) if keys.is_empty() => {
                return ResourceGrant::ExplicitDeny { sid: sid.map(str::to_owned) };
            }
            (Effect::Deny, _) => extend_unique(&mut deny_keys, &keys),
            (Effect::Allow, PrincipalMatch::Direct) => keep_better(&mut direct, sid, keys),
            (Effect::Allow, PrincipalMatch::Account) => keep_better(&mut delegated, sid, keys),
        }
    }
    let with_denies = |(sid, mut keys): (Option<&str>, Vec<String>)| {
        extend_unique(&mut keys, &deny_keys);
        // Sorted, so the report does not depend on the order of keys in the JSON object.
        keys.sort();
        (sid.map(str::to_owned), keys)
    };
    if let Some((sid, condition_keys)) = direct.map(with_denies) {
        return ResourceGrant::Direct { sid, condition_keys };
    }
    if let Some((sid, condition_keys)) = delegated.map(with_denies) {
        return ResourceGrant::DelegatedToAccount { sid, condition_keys };
    }
    ResourceGrant::NotGranted
}

/// Resource-policy evaluation (queue policy, key policy) of `action` on `resource` for an AWS
/// service principal (`sns.amazonaws.com`) making requests with `context` (its `aws:SourceArn`
/// and `aws:SourceAccount`).
///
/// A statement applies when its `Principal` names the service (`{"Service": ...}`) or anyone
/// (`"*"`, `{"AWS": "*"}`). Conditions are first decided against `context`: a statement whose
/// `aws:SourceArn` names another resource does not apply; one whose conditions cannot be told
/// (keys `context` does not know) is a grant that carries their keys. Accounts, roles and
/// delegation to IAM never serve a service principal.
pub fn evaluate_service_grant(
    doc: &PolicyDocument,
    service: &str,
    action: &str,
    resource: &str,
    context: &KnownContext,
) -> ResourceGrant {
    let doc = resolve_conditions(doc, context);
    let mut deny_keys = Vec::new();
    let mut direct = None;
    for statement in &doc.statements {
        let Some(keys) = gating_keys(statement, action, resource) else {
            continue;
        };
        if !names_service_or_anyone(statement.principal.as_ref(), service) {
            continue;
        }
        let sid = statement.sid.as_deref();
        match statement.effect {
            Effect::Deny if keys.is_empty() => return ResourceGrant::ExplicitDeny { sid: sid.map(str::to_owned) },
            Effect::Deny => extend_unique(&mut deny_keys, &keys),
            Effect::Allow => keep_better(&mut direct, sid, keys),
        }
    }
    match direct {
        Some((sid, mut keys)) => {
            extend_unique(&mut keys, &deny_keys);
            keys.sort();
            ResourceGrant::Direct { sid: sid.map(str::to_owned), condition_keys: keys }
        }
        None => ResourceGrant::NotGranted,
    }
}

/// Whether a `Principal` clause covers `service`: named under `Service`, or anyone.
fn names_service_or_anyone(clause: Option<&PrincipalClause>, service: &str) -> bool {
    let listed = |principals: &Principals| match principals {
        Principals::Anyone => true,
        Principals::Listed(_) => {
            principals.values("AWS").iter().any(|v| v == "*")
                || principals.values("Service").iter().any(|v| v == "*" || v.eq_ignore_ascii_case(service))
        }
    };
    match clause {
        None => false,
        Some(PrincipalClause::Only(principals)) => listed(principals),
        Some(PrincipalClause::AllExcept(principals)) => !listed(principals),
    }
}

/// What is known about the context of one kind of request: a key's value, or that the key is
/// absent. Keys not listed are unknown: conditions on them stay undecided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownContext {
    /// Lower-cased key → value (None: the key is absent from such requests).
    entries: Vec<(String, Option<String>)>,
}

impl KnownContext {
    /// The requests of Lambda's SQS poller: made by the Lambda service with the execution
    /// role's credentials, so the principal is the role, and never through a VPC endpoint of
    /// the customer (`aws:SourceVpce`, `aws:SourceVpc` and `aws:VpcSourceIp` are absent: they
    /// are present only for requests made through a VPC endpoint,
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
    pub fn lambda_poller(role_arn: &str, account: &str) -> KnownContext {
        let entries = [
            ("aws:principalarn", Some(role_arn)),
            ("aws:principalaccount", Some(account)),
            ("aws:sourcevpce", None),
            ("aws:sourcevpc", None),
            ("aws:vpcsourceip", None),
        ];
        KnownContext { entries: entries.iter().map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned))).collect() }
    }

    /// The requests a service makes on behalf of a resource (an SNS topic delivering, an
    /// EventBridge rule invoking its target, an S3 bucket notifying): `aws:SourceArn` is that
    /// resource and `aws:SourceAccount` its account, when known
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>).
    pub fn service_on_behalf_of(source_arn: &str, source_account: Option<&str>) -> KnownContext {
        let mut entries = vec![("aws:sourcearn".to_owned(), Some(source_arn.to_owned()))];
        if let Some(account) = source_account {
            entries.push(("aws:sourceaccount".to_owned(), Some(account.to_owned())));
        }
        KnownContext { entries }
    }

    /// Some(value or None if absent) for a known key; None for an unknown one.
    fn get(&self, key: &str) -> Option<Option<&str>> {
        let key = key.to_ascii_lowercase();
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_deref())
    }
}

/// Whether `condition` holds for requests with `context`; None when it cannot be told (an
/// unknown key, an operator not understood, a set operator, a policy variable).
///
/// "If the key that you specify in a policy condition is not present in the request context,
/// the values do not match and the condition is false. If the policy condition requires that
/// the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not
/// present, the condition might return true"
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
pub fn condition_holds(condition: &Condition, context: &KnownContext) -> Option<bool> {
    let actual = context.get(&condition.key)?;
    if condition.operator.contains(':') || condition.values.iter().any(|v| v.contains("${")) {
        return None;
    }
    let (operator, if_exists) = match condition.operator.strip_suffix("IfExists") {
        Some(op) => (op, true),
        None => (condition.operator.as_str(), false),
    };
    let values = &condition.values;
    let any = |f: &dyn Fn(&str) -> bool| values.iter().any(|v| f(v));
    let Some(actual) = actual else {
        return match operator {
            "Null" => Some(values.iter().any(|v| v.eq_ignore_ascii_case("true"))),
            "StringNotEquals" | "StringNotEqualsIgnoreCase" | "StringNotLike" | "ArnNotEquals" | "ArnNotLike" => {
                Some(true)
            }
            "StringEquals" | "StringEqualsIgnoreCase" | "StringLike" | "ArnEquals" | "ArnLike" => Some(if_exists),
            _ => None,
        };
    };
    let like = |v: &str| wildcard_match(v, actual, CaseRule::Sensitive);
    Some(match operator {
        "Null" => any(&|v| v.eq_ignore_ascii_case("false")),
        "StringEquals" => any(&|v| v == actual),
        "StringNotEquals" => !any(&|v| v == actual),
        "StringEqualsIgnoreCase" => any(&|v| v.eq_ignore_ascii_case(actual)),
        "StringNotEqualsIgnoreCase" => !any(&|v| v.eq_ignore_ascii_case(actual)),
        "StringLike" | "ArnEquals" | "ArnLike" => any(&like),
        "StringNotLike" | "ArnNotEquals" | "ArnNotLike" => !any(&like),
        _ => return None,
    })
}

/// The document as it applies to requests with `context`: a statement whose conditions cannot
/// all hold is dropped, one whose conditions all hold becomes unconditional, and one with a
/// condition that cannot be told stays as it is (so it is reported as conditional).
pub fn resolve_conditions(doc: &PolicyDocument, context: &KnownContext) -> PolicyDocument {
    let mut resolved = doc.clone();
    resolved.statements.retain_mut(|statement| {
        let decided: Vec<Option<bool>> = statement.conditions.iter().map(|c| condition_holds(c, context)).collect();
        if decided.contains(&Some(false)) {
            return false;
        }
        if decided.iter().all(|d| *d == Some(true)) {
            statement.conditions.clear();
        }
        true
    });
    resolved
}

/// Whether the trust policy lets `service` (e.g. "lambda.amazonaws.com") perform
/// `sts:AssumeRole`: some Allow statement names the service (or `"*"`) and covers the action,
/// and no unconditional Deny takes it back. Conditions on the Allow are not evaluated: services
/// assume roles without the request context most trust conditions test.
pub fn trusts_service(doc: &PolicyDocument, service: &str) -> bool {
    let applies = |statement: &&Statement| {
        statement.covers_action(ASSUME_ROLE) && names_service(statement.principal.as_ref(), service)
    };
    let mut applicable = doc.statements.iter().filter(applies);
    let denied = applicable.clone().any(|s| s.effect == Effect::Deny && !s.is_conditional());
    !denied && applicable.any(|s| s.effect == Effect::Allow)
}

fn names_service(clause: Option<&PrincipalClause>, service: &str) -> bool {
    let listed = |principals: &Principals| match principals {
        Principals::Anyone => true,
        Principals::Listed(_) => {
            principals.values("Service").iter().any(|value| value == "*" || value.eq_ignore_ascii_case(service))
        }
    };
    match clause {
        None => false,
        Some(PrincipalClause::Only(principals)) => listed(principals),
        Some(PrincipalClause::AllExcept(principals)) => !listed(principals),
    }
}

#[cfg(test)]
mod tests;
