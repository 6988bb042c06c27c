//! Deciding what parsed policies allow.
//!
//! We cannot evaluate `Condition` blocks or policy variables: they depend on the request (source
//! ARN, calling service, tags…). The rule throughout is to never call something plainly allowed
//! when a condition might deny it, nor plainly denied when the deny is conditional. Conditional
//! outcomes carry the condition keys so that a report can tell the user what to look at.

use std::fmt;

use super::document::{Effect, MatchResult, PolicyDocument, PrincipalClause, Principals, Statement, push_unique};
use super::error::PolicyError;

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
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:iam::111122223333:role/service-role/poller";
    const ACCOUNT: &str = "111122223333";
    const QUEUE: &str = "arn:aws:sqs:us-east-1:111122223333:orders";
    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const LOG_GROUP: &str = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/poller:*";
    const MANAGED_NAME: &str = "managed policy arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";
    const MANAGED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;

    fn doc(json: &str) -> PolicyDocument {
        match PolicyDocument::parse("test", json) {
            Ok(doc) => doc,
            Err(e) => panic!("{json}: {e}"),
        }
    }

    fn named(name: &str, json: &str) -> NamedPolicy {
        NamedPolicy::new(name, doc(json))
    }

    /// One Allow statement with the given Action/Resource fragments.
    fn allow(fields: &str) -> NamedPolicy {
        named("inline policy p", &format!(r#"{{"Statement":{{"Effect":"Allow",{fields}}}}}"#))
    }

    fn allowed(policy: &str, sid: Option<&str>) -> Decision {
        Decision::Allowed { policy: policy.to_owned(), sid: sid.map(str::to_owned) }
    }

    fn conditional(policy: &str, sid: Option<&str>, keys: &[&str]) -> Decision {
        Decision::AllowedUnderConditions {
            policy: policy.to_owned(),
            sid: sid.map(str::to_owned),
            condition_keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    fn denied(policy: &str, sid: Option<&str>) -> Decision {
        Decision::ExplicitDeny { policy: policy.to_owned(), sid: sid.map(str::to_owned) }
    }

    fn strings(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn managed_sqs_execution_role_policy() {
        let policies = [named(MANAGED_NAME, MANAGED)];
        let cases: &[(&str, &str)] = &[
            ("sqs:ReceiveMessage", QUEUE),
            ("sqs:DeleteMessage", QUEUE),
            ("sqs:GetQueueAttributes", QUEUE),
            ("sqs:ReceiveMessage", "arn:aws:sqs:eu-west-1:999999999999:other"),
            ("logs:CreateLogGroup", LOG_GROUP),
            ("logs:CreateLogStream", LOG_GROUP),
            ("logs:PutLogEvents", LOG_GROUP),
        ];
        for (action, resource) in cases {
            let decision = evaluate_identity(&policies, None, action, resource);
            assert_eq!(decision, allowed(MANAGED_NAME, None), "{action} on {resource}");
            assert!(decision.is_allowed());
        }
        for (action, resource) in [("kms:Decrypt", KEY), ("sqs:SendMessage", QUEUE), ("sqs:PurgeQueue", QUEUE)] {
            assert_eq!(evaluate_identity(&policies, None, action, resource), Decision::ImplicitDeny, "{action}");
        }
    }

    #[test]
    fn action_wildcards_and_case() {
        let cases: &[(&str, &str, bool)] = &[
            (r#""sqs:*""#, "sqs:ReceiveMessage", true),
            (r#""sqs:*""#, "kms:Decrypt", false),
            (r#""sqs:Receive*""#, "sqs:ReceiveMessage", true),
            (r#""sqs:Receive*""#, "sqs:DeleteMessage", false),
            (r#""SQS:receivemessage""#, "sqs:ReceiveMessage", true),
            (r#""sqs:ReceiveMessage""#, "SQS:RECEIVEMESSAGE", true),
            (r#""s?s:*""#, "sqs:DeleteMessage", true),
            (r#""s?s:*""#, "logs:PutLogEvents", false),
            (r#""*""#, "kms:Decrypt", true),
            (r#"["kms:Decrypt","kms:GenerateDataKey*"]"#, "kms:Decrypt", true),
            (r#"["kms:Encrypt","kms:GenerateDataKey*"]"#, "kms:Decrypt", false),
            (r#"[]"#, "kms:Decrypt", false),
        ];
        for (action, requested, expected) in cases {
            let policy = allow(&format!(r#""Action":{action},"Resource":"*""#));
            let decision = evaluate_identity(&[policy], None, requested, QUEUE);
            assert_eq!(decision.is_allowed(), *expected, "{action} vs {requested}: {decision:?}");
        }
    }

    #[test]
    fn resource_wildcards_and_case() {
        let cases: &[(&str, &str, bool)] = &[
            (r#""arn:aws:sqs:us-east-1:111122223333:*""#, QUEUE, true),
            (r#""arn:aws:sqs:us-east-1:111122223333:*""#, "arn:aws:sqs:us-east-1:444455556666:orders", false),
            (r#""arn:aws:sqs:us-east-?:111122223333:orders""#, QUEUE, true),
            (r#""arn:aws:sqs:us-?-1:111122223333:orders""#, QUEUE, false),
            (r#""arn:aws:sqs:us-east-1:111122223333:Orders""#, QUEUE, false),
            (r#""arn:aws:sqs:us-east-1:111122223333:orders""#, QUEUE, true),
            (r#""arn:aws:sqs:*:*:ord*""#, QUEUE, true),
            (r#"["arn:aws:sqs:*:*:a","arn:aws:sqs:*:*:orders"]"#, QUEUE, true),
            (r#""*""#, QUEUE, true),
        ];
        for (resource, requested, expected) in cases {
            let policy = allow(&format!(r#""Action":"sqs:*","Resource":{resource}"#));
            let decision = evaluate_identity(&[policy], None, "sqs:ReceiveMessage", requested);
            assert_eq!(decision.is_allowed(), *expected, "{resource} vs {requested}: {decision:?}");
        }
    }

    #[test]
    fn not_action_and_not_resource_invert() {
        let cases: &[(&str, &str, &str, bool)] = &[
            (r#""NotAction":"iam:*","Resource":"*""#, "sqs:ReceiveMessage", QUEUE, true),
            (r#""NotAction":"iam:*","Resource":"*""#, "iam:PassRole", QUEUE, false),
            (r#""NotAction":["sqs:Delete*","kms:*"],"Resource":"*""#, "sqs:DeleteMessage", QUEUE, false),
            (r#""NotAction":["sqs:Delete*","kms:*"],"Resource":"*""#, "KMS:Decrypt", KEY, false),
            (r#""NotAction":["sqs:Delete*","kms:*"],"Resource":"*""#, "sqs:ReceiveMessage", QUEUE, true),
            (r#""Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:secret-*""#, "sqs:ReceiveMessage", QUEUE, true),
            (r#""Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:ord*""#, "sqs:ReceiveMessage", QUEUE, false),
            (r#""Action":"sqs:*","NotResource":["x","arn:aws:sqs:*:*:orders"]"#, "sqs:ReceiveMessage", QUEUE, false),
            (r#""NotAction":"sqs:*","NotResource":"arn:aws:kms:*""#, "logs:PutLogEvents", LOG_GROUP, true),
            (r#""Action":"sqs:*""#, "sqs:ReceiveMessage", QUEUE, true),
        ];
        for (fields, action, resource, expected) in cases {
            let decision = evaluate_identity(&[allow(fields)], None, action, resource);
            assert_eq!(decision.is_allowed(), *expected, "{fields} / {action}: {decision:?}");
        }
    }

    /// Identity policies, boundary, action, resource, expected decision.
    type DenyCase<'a> = (&'a [NamedPolicy], Option<&'a NamedPolicy>, &'a str, &'a str, Decision);

    #[test]
    fn explicit_deny_wins_wherever_it_is() {
        let managed = named(MANAGED_NAME, MANAGED);
        let deny = named(
            "inline policy no-delete",
            r#"{"Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"sqs:Delete*","Resource":"arn:aws:sqs:*:*:orders"}]}"#,
        );
        let boundary_deny = named(
            "boundary b",
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoLogs","Effect":"Deny","Action":"logs:*","Resource":"*"}]}"#,
        );
        let policies = [managed.clone(), deny.clone()];
        let reversed = [deny, managed];
        let cases: &[DenyCase] = &[
            (&policies, None, "sqs:DeleteMessage", QUEUE, denied("inline policy no-delete", Some("NoDelete"))),
            (&reversed, None, "sqs:DeleteMessage", QUEUE, denied("inline policy no-delete", Some("NoDelete"))),
            (&policies, None, "sqs:DeleteMessage", "arn:aws:sqs:us-east-1:1:other", allowed(MANAGED_NAME, None)),
            (&policies, None, "sqs:ReceiveMessage", QUEUE, allowed(MANAGED_NAME, None)),
            (&policies, Some(&boundary_deny), "logs:PutLogEvents", LOG_GROUP, denied("boundary b", Some("NoLogs"))),
            (&policies, Some(&boundary_deny), "sqs:ReceiveMessage", QUEUE, allowed(MANAGED_NAME, None)),
            (
                &policies,
                Some(&boundary_deny),
                "sqs:DeleteMessage",
                QUEUE,
                denied("inline policy no-delete", Some("NoDelete")),
            ),
            (&[], Some(&boundary_deny), "logs:PutLogEvents", LOG_GROUP, denied("boundary b", Some("NoLogs"))),
        ];
        for (policies, boundary, action, resource, expected) in cases {
            assert_eq!(&evaluate_identity(policies, *boundary, action, resource), expected, "{action} on {resource}");
        }
    }

    #[test]
    fn conditional_allow_is_reported_with_its_keys() {
        let via_sqs = named(
            "inline policy kms",
            r#"{"Statement":[{"Sid":"ViaSqs","Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com"},"ArnLike":{"aws:SourceArn":"arn:aws:sqs:*"}}}]}"#,
        );
        let plain = allow(r#""Sid":"Plain","Action":"kms:Decrypt","Resource":"*""#);
        let empty_condition = allow(r#""Sid":"Empty","Action":"kms:Decrypt","Resource":"*","Condition":{}"#);
        let Decision::AllowedUnderConditions { policy, sid, mut condition_keys } =
            evaluate_identity(std::slice::from_ref(&via_sqs), None, "kms:Decrypt", KEY)
        else {
            panic!("expected a conditional allow");
        };
        condition_keys.sort();
        assert_eq!((policy.as_str(), sid.as_deref()), ("inline policy kms", Some("ViaSqs")));
        assert_eq!(condition_keys, ["aws:SourceArn", "kms:ViaService"]);
        // An unconditional Allow elsewhere is the better answer, in either order.
        for policies in [[via_sqs.clone(), plain.clone()], [plain.clone(), via_sqs.clone()]] {
            assert_eq!(
                evaluate_identity(&policies, None, "kms:Decrypt", KEY),
                allowed("inline policy p", Some("Plain"))
            );
        }
        assert_eq!(
            evaluate_identity(&[empty_condition], None, "kms:Decrypt", KEY),
            allowed("inline policy p", Some("Empty"))
        );
        assert!(!conditional("p", None, &["k"]).is_allowed());
        assert!(conditional("p", None, &["k"]).may_be_allowed());
    }

    #[test]
    fn conditional_deny_downgrades_but_does_not_deny() {
        let managed = named(MANAGED_NAME, MANAGED);
        let conditional_deny = named(
            "inline policy guard",
            r#"{"Statement":{"Sid":"OnlyFromVpc","Effect":"Deny","Action":"sqs:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}}"#,
        );
        let plain_deny = named(
            "inline policy hard",
            r#"{"Statement":{"Effect":"Deny","Action":"sqs:ReceiveMessage","Resource":"*"}}"#,
        );
        let cond_allow = named(
            "inline policy cond",
            r#"{"Statement":{"Sid":"Tagged","Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}}}"#,
        );
        let cases: Vec<(Vec<NamedPolicy>, &str, Decision)> = vec![
            (
                vec![managed.clone(), conditional_deny.clone()],
                "sqs:ReceiveMessage",
                conditional(MANAGED_NAME, None, &["aws:SourceVpce"]),
            ),
            (
                vec![conditional_deny.clone(), managed.clone()],
                "sqs:ReceiveMessage",
                conditional(MANAGED_NAME, None, &["aws:SourceVpce"]),
            ),
            (vec![managed.clone(), conditional_deny.clone()], "logs:PutLogEvents", allowed(MANAGED_NAME, None)),
            (vec![conditional_deny.clone()], "sqs:ReceiveMessage", Decision::ImplicitDeny),
            (
                vec![managed.clone(), conditional_deny.clone(), plain_deny],
                "sqs:ReceiveMessage",
                denied("inline policy hard", None),
            ),
            (
                vec![cond_allow, conditional_deny],
                "sqs:ReceiveMessage",
                conditional("inline policy cond", Some("Tagged"), &["aws:ResourceTag/team", "aws:SourceVpce"]),
            ),
        ];
        for (policies, action, expected) in cases {
            assert_eq!(evaluate_identity(&policies, None, action, QUEUE), expected, "{action}");
        }
    }

    #[test]
    fn permissions_boundary_intersects() {
        let managed = named(MANAGED_NAME, MANAGED);
        let sqs_only = named(
            "permissions boundary sqs-only",
            r#"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#,
        );
        let conditional_boundary = named(
            "permissions boundary regional",
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}}"#,
        );
        let deny_only_boundary =
            named("permissions boundary deny", r#"{"Statement":{"Effect":"Deny","Action":"iam:*","Resource":"*"}}"#);
        let denied_by = |name: &str| Decision::DeniedByBoundary { boundary: name.to_owned() };
        let cases: &[(&NamedPolicy, &str, &str, Decision)] = &[
            (&sqs_only, "sqs:ReceiveMessage", QUEUE, allowed(MANAGED_NAME, None)),
            (&sqs_only, "sqs:DeleteMessage", QUEUE, allowed(MANAGED_NAME, None)),
            (&sqs_only, "logs:CreateLogGroup", LOG_GROUP, denied_by("permissions boundary sqs-only")),
            (&sqs_only, "logs:PutLogEvents", LOG_GROUP, denied_by("permissions boundary sqs-only")),
            // The boundary allows it but no identity policy does.
            (&sqs_only, "sqs:SendMessage", QUEUE, Decision::ImplicitDeny),
            (
                &conditional_boundary,
                "sqs:ReceiveMessage",
                QUEUE,
                conditional(MANAGED_NAME, None, &["aws:RequestedRegion"]),
            ),
            (&deny_only_boundary, "sqs:ReceiveMessage", QUEUE, denied_by("permissions boundary deny")),
        ];
        for (boundary, action, resource, expected) in cases {
            let decision = evaluate_identity(std::slice::from_ref(&managed), Some(boundary), action, resource);
            assert_eq!(&decision, expected, "{} / {action}", boundary.name);
        }
    }

    #[test]
    fn policy_variables_in_resources_are_conditions() {
        let per_user = named(
            "inline policy per-user",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:*:${aws:PrincipalTag/team}-*"}]}"#,
        );
        let plain_too = allow(r#""Action":"sqs:*","Resource":"arn:aws:sqs:*:*:orders""#);
        let cases: Vec<(Vec<NamedPolicy>, &str, Decision)> = vec![
            (
                vec![per_user.clone()],
                "arn:aws:sqs:us-east-1:1:blue-orders",
                conditional("inline policy per-user", None, &["aws:PrincipalTag/team"]),
            ),
            (vec![per_user.clone()], QUEUE, Decision::ImplicitDeny),
            (vec![per_user, plain_too], QUEUE, allowed("inline policy p", None)),
        ];
        for (policies, resource, expected) in cases {
            assert_eq!(evaluate_identity(&policies, None, "sqs:ReceiveMessage", resource), expected, "{resource}");
        }
    }

    const DEFAULT_KEY_POLICY: &str = r#"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}"#;

    fn direct(sid: Option<&str>, keys: &[&str]) -> ResourceGrant {
        ResourceGrant::Direct { sid: sid.map(str::to_owned), condition_keys: strings(keys) }
    }

    fn delegated(sid: Option<&str>, keys: &[&str]) -> ResourceGrant {
        ResourceGrant::DelegatedToAccount { sid: sid.map(str::to_owned), condition_keys: strings(keys) }
    }

    #[test]
    fn key_policies() {
        let other_role = "arn:aws:iam::444455556666:role/poller";
        let names_role = r#"{"Statement":[{"Sid":"Decrypt","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/service-role/poller"]},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}]}"#;
        let names_other = r#"{"Statement":[{"Sid":"Other","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/someone-else"},"Action":"kms:*","Resource":"*"}]}"#;
        let both = r#"{"Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"},{"Sid":"Role","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/service-role/poller"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
        let via_service = r#"{"Statement":[{"Sid":"Via","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com","kms:CallerAccount":"111122223333"}}}]}"#;
        let gov_root = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws-us-gov:iam::111122223333:root"},"Action":"kms:*"}}"#;
        let cases: &[(&str, &str, &str, &str, ResourceGrant)] = &[
            (DEFAULT_KEY_POLICY, ROLE, ACCOUNT, "kms:Decrypt", delegated(Some("Enable IAM User Permissions"), &[])),
            (DEFAULT_KEY_POLICY, other_role, "444455556666", "kms:Decrypt", ResourceGrant::NotGranted),
            (names_role, ROLE, ACCOUNT, "kms:Decrypt", direct(Some("Decrypt"), &[])),
            (names_role, ROLE, ACCOUNT, "kms:Encrypt", ResourceGrant::NotGranted),
            (names_role, "arn:aws:iam::111122223333:role/poller", ACCOUNT, "kms:Decrypt", ResourceGrant::NotGranted),
            (names_other, ROLE, ACCOUNT, "kms:Decrypt", ResourceGrant::NotGranted),
            (both, ROLE, ACCOUNT, "kms:Decrypt", direct(Some("Role"), &[])),
            (both, ROLE, ACCOUNT, "kms:Encrypt", delegated(Some("Root"), &[])),
            (via_service, ROLE, ACCOUNT, "kms:Decrypt", direct(Some("Via"), &["kms:CallerAccount", "kms:ViaService"])),
            (gov_root, ROLE, ACCOUNT, "kms:Decrypt", delegated(None, &[])),
            (DEFAULT_KEY_POLICY, ROLE, "", "kms:Decrypt", ResourceGrant::NotGranted),
        ];
        for (policy, principal, account, action, expected) in cases {
            assert_eq!(
                &evaluate_resource_policy(&doc(policy), principal, account, action, KEY),
                expected,
                "{policy} / {principal} / {action}"
            );
        }
    }

    #[test]
    fn queue_policies() {
        let cross_role = "arn:aws:iam::444455556666:role/consumer";
        let cross = r#"{"Version":"2012-10-17","Statement":[{"Sid":"CrossAccountConsume","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/consumer"},"Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"arn:aws:sqs:us-east-1:111122223333:orders"}]}"#;
        let sns = r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}}"#;
        let anyone = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:*"}}"#;
        let no_principal = r#"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#;
        let cases: &[(&str, &str, &str, &str, &str, ResourceGrant)] = &[
            (cross, cross_role, "444455556666", "sqs:ReceiveMessage", QUEUE, direct(Some("CrossAccountConsume"), &[])),
            (cross, cross_role, "444455556666", "sqs:DeleteMessage", QUEUE, direct(Some("CrossAccountConsume"), &[])),
            (
                cross,
                cross_role,
                "444455556666",
                "sqs:GetQueueAttributes",
                QUEUE,
                direct(Some("CrossAccountConsume"), &[]),
            ),
            (cross, cross_role, "444455556666", "sqs:PurgeQueue", QUEUE, ResourceGrant::NotGranted),
            (
                cross,
                cross_role,
                "444455556666",
                "sqs:ReceiveMessage",
                "arn:aws:sqs:us-east-1:111122223333:other",
                ResourceGrant::NotGranted,
            ),
            (cross, ROLE, ACCOUNT, "sqs:ReceiveMessage", QUEUE, ResourceGrant::NotGranted),
            (sns, ROLE, ACCOUNT, "sqs:SendMessage", QUEUE, ResourceGrant::NotGranted),
            (anyone, ROLE, ACCOUNT, "sqs:ReceiveMessage", QUEUE, direct(None, &[])),
            (no_principal, ROLE, ACCOUNT, "sqs:ReceiveMessage", QUEUE, ResourceGrant::NotGranted),
        ];
        for (policy, principal, account, action, resource, expected) in cases {
            assert_eq!(
                &evaluate_resource_policy(&doc(policy), principal, account, action, resource),
                expected,
                "{policy} / {action} / {resource}"
            );
        }
    }

    #[test]
    fn resource_policy_denies() {
        let cases: &[(&str, ResourceGrant)] = &[
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/service-role/poller"},"Action":"sqs:*"},{"Sid":"NoOne","Effect":"Deny","Principal":"*","Action":"sqs:ReceiveMessage"}]}"#,
                ResourceGrant::ExplicitDeny { sid: Some("NoOne".to_owned()) },
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*"},{"Sid":"Acct","Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"sqs:*"}]}"#,
                ResourceGrant::ExplicitDeny { sid: Some("Acct".to_owned()) },
            ),
            (
                r#"{"Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sqs:*"},{"Effect":"Deny","Principal":"*","Action":"sqs:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
                direct(Some("A"), &["aws:SecureTransport"]),
            ),
            (
                r#"{"Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sqs:*"},{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/service-role/poller"]},"Action":"sqs:*"}]}"#,
                direct(Some("A"), &[]),
            ),
            (
                r#"{"Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sqs:*"},{"Sid":"Others","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"sqs:*"}]}"#,
                ResourceGrant::ExplicitDeny { sid: Some("Others".to_owned()) },
            ),
            (
                r#"{"Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sqs:*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sqs:*"}]}"#,
                direct(Some("A"), &[]),
            ),
            (
                r#"{"Statement":[{"Sid":"C","Effect":"Allow","Principal":"*","Action":"sqs:*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}},{"Sid":"U","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:ReceiveMessage"}]}"#,
                direct(Some("U"), &[]),
            ),
        ];
        for (policy, expected) in cases {
            assert_eq!(
                &evaluate_resource_policy(&doc(policy), ROLE, ACCOUNT, "sqs:ReceiveMessage", QUEUE),
                expected,
                "{policy}"
            );
        }
    }

    #[test]
    fn trust_policies() {
        let cases: &[(&str, bool)] = &[
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
                true,
            ),
            (
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":["edgelambda.amazonaws.com","lambda.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}}"#,
                true,
            ),
            (
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:*"}}"#,
                true,
            ),
            (
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:assumerole"}}"#,
                true,
            ),
            (r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#, true),
            (
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"1"}}}}"#,
                true,
            ),
            (
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
                false,
            ),
            (r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}"#, false),
            (
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}"#,
                false,
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
                false,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:*"}]}"#,
                false,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
                true,
            ),
            (r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#, false),
            (r#"{"Statement":[]}"#, false),
        ];
        for (policy, expected) in cases {
            assert_eq!(trusts_service(&doc(policy), "lambda.amazonaws.com"), *expected, "{policy}");
        }
    }

    #[test]
    fn decisions_and_grants_explain_themselves() {
        let cases: &[(String, &str)] = &[
            (allowed("inline policy a", Some("S")).to_string(), "allowed by inline policy a (statement \"S\")"),
            (
                conditional("inline policy a", None, &["kms:ViaService", "aws:SourceArn"]).to_string(),
                "allowed by inline policy a only if conditions on kms:ViaService, aws:SourceArn hold",
            ),
            (denied("boundary b", None).to_string(), "explicitly denied by boundary b"),
            (Decision::ImplicitDeny.to_string(), "not allowed by any policy"),
            (
                Decision::DeniedByBoundary { boundary: "managed policy x".to_owned() }.to_string(),
                "allowed by identity policies but not by the permissions boundary managed policy x",
            ),
            (
                direct(Some("D"), &["k"]).to_string(),
                "granted to the principal (statement \"D\") only if conditions on k hold",
            ),
            (delegated(None, &[]).to_string(), "granted to the principal's account, so its IAM policies decide"),
            (ResourceGrant::ExplicitDeny { sid: None }.to_string(), "explicitly denied"),
            (ResourceGrant::NotGranted.to_string(), "not granted to the principal or its account"),
        ];
        for (shown, expected) in cases {
            assert_eq!(shown, expected);
        }
    }

    #[test]
    fn only_plain_allowed_is_allowed() {
        let cases = [
            (allowed("p", None), true, true),
            (conditional("p", None, &["k"]), false, true),
            (denied("p", None), false, false),
            (Decision::ImplicitDeny, false, false),
            (Decision::DeniedByBoundary { boundary: "b".to_owned() }, false, false),
        ];
        for (decision, is_allowed, may_be) in cases {
            assert_eq!(decision.is_allowed(), is_allowed, "{decision:?}");
            assert_eq!(decision.may_be_allowed(), may_be, "{decision:?}");
        }
    }

    #[test]
    fn named_policy_parse_names_errors() {
        let ok = NamedPolicy::parse("inline policy a", MANAGED);
        assert!(matches!(&ok, Ok(p) if p.name == "inline policy a" && p.document.statements.len() == 1));
        let err = NamedPolicy::parse("inline policy a", "{}").err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("policy `inline policy a` is not valid: Statement is missing"));
    }
}
