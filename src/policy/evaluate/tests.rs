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
        assert_eq!(evaluate_identity(&policies, None, "kms:Decrypt", KEY), allowed("inline policy p", Some("Plain")));
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
    let plain_deny =
        named("inline policy hard", r#"{"Statement":{"Effect":"Deny","Action":"sqs:ReceiveMessage","Resource":"*"}}"#);
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
    let sqs_only =
        named("permissions boundary sqs-only", r#"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#);
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
        (&conditional_boundary, "sqs:ReceiveMessage", QUEUE, conditional(MANAGED_NAME, None, &["aws:RequestedRegion"])),
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
        (cross, cross_role, "444455556666", "sqs:GetQueueAttributes", QUEUE, direct(Some("CrossAccountConsume"), &[])),
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
        (r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:*"}}"#, true),
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

#[test]
fn conditions_are_decided_for_the_lambda_poller() {
    let role = "arn:aws:iam::123456789012:role/worker";
    let poller = KnownContext::lambda_poller(role, "123456789012");
    let c = |operator: &str, key: &str, values: &[&str]| Condition {
        operator: operator.into(),
        key: key.into(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    };
    // (condition, expected)
    let cases = [
        // The poller never calls through a VPC endpoint.
        (c("StringNotEquals", "aws:SourceVpce", &["vpce-1"]), Some(true)),
        (c("StringEquals", "aws:SourceVpce", &["vpce-1"]), Some(false)),
        (c("StringEqualsIfExists", "aws:SourceVpce", &["vpce-1"]), Some(true)),
        (c("StringNotLike", "aws:sourcevpc", &["vpc-*"]), Some(true)),
        (c("Null", "aws:SourceVpce", &["true"]), Some(true)),
        (c("Null", "aws:SourceVpce", &["false"]), Some(false)),
        // The principal is the role.
        (c("ArnEquals", "aws:PrincipalArn", &[role]), Some(true)),
        (c("ArnNotLike", "aws:PrincipalArn", &["arn:aws:iam::123456789012:role/admin-*"]), Some(true)),
        (c("StringNotEquals", "aws:PrincipalAccount", &["123456789012"]), Some(false)),
        // Unknown keys, set operators and policy variables stay undecided.
        (c("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]), None),
        (c("ForAnyValue:StringEquals", "aws:PrincipalArn", &[role]), None),
        (c("StringEquals", "aws:PrincipalArn", &["${aws:username}"]), None),
    ];
    for (condition, expected) in cases {
        assert_eq!(condition_holds(&condition, &poller), expected, "{condition:?}");
    }
}

#[test]
fn a_vpc_endpoint_deny_in_a_queue_policy_denies_the_poller() {
    let role = "arn:aws:iam::123456789012:role/worker";
    let queue = "arn:aws:sqs:us-east-1:123456789012:orders";
    let doc = |condition: &str| {
        PolicyDocument::parse(
            "queue policy",
            &format!(
                r#"{{"Statement":[{{"Sid":"OnlyVpce","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"{queue}","Condition":{condition}}}]}}"#
            ),
        )
        .unwrap()
    };
    let poller = KnownContext::lambda_poller(role, "123456789012");
    let grant = |d: &PolicyDocument| evaluate_resource_policy(d, role, "123456789012", "sqs:ReceiveMessage", queue);
    let vpce = doc(r#"{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#);
    // Undecided, the Deny is only conditional; decided for the poller, it denies.
    assert_eq!(grant(&vpce), ResourceGrant::NotGranted);
    assert_eq!(
        grant(&resolve_conditions(&vpce, &poller)),
        ResourceGrant::ExplicitDeny { sid: Some("OnlyVpce".into()) }
    );
    // A Deny that spares the role does not apply to it.
    let spares = doc(&format!(r#"{{"StringNotEquals":{{"aws:PrincipalArn":"{role}"}}}}"#));
    assert!(resolve_conditions(&spares, &poller).statements.is_empty());
    // One on a key nobody knows stays conditional.
    let ip = doc(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#);
    assert_eq!(resolve_conditions(&ip, &poller), ip);
}

#[test]
fn a_service_principal_is_served_by_its_own_statements_with_its_source() {
    let doc = PolicyDocument::parse(
        "queue policy",
        r#"{"Statement":[
          {"Sid":"topic","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*",
           "Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:orders"}}},
          {"Sid":"account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sqs:*","Resource":"*"}
        ]}"#,
    )
    .unwrap();
    let grant = |service: &str, source: &str| {
        evaluate_service_grant(
            &doc,
            service,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:123456789012:q",
            &KnownContext::service_on_behalf_of(source, Some("123456789012")),
        )
    };
    let topic = "arn:aws:sns:us-east-1:123456789012:orders";
    assert_eq!(
        grant("sns.amazonaws.com", topic),
        ResourceGrant::Direct { sid: Some("topic".into()), condition_keys: vec![] }
    );
    // Another topic: the condition is false, the statement does not apply; the account's
    // statement never serves a service principal.
    assert_eq!(grant("sns.amazonaws.com", "arn:aws:sns:us-east-1:123456789012:other"), ResourceGrant::NotGranted);
    assert_eq!(grant("events.amazonaws.com", topic), ResourceGrant::NotGranted);
}
