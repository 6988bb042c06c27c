use super::*;

const NAME: &str = "inline policy sqs-access of role r";

fn parse(text: &str) -> PolicyDocument {
    match PolicyDocument::parse(NAME, text) {
        Ok(doc) => doc,
        Err(e) => panic!("{text}: {e}"),
    }
}

fn error(text: &str) -> String {
    match PolicyDocument::parse(NAME, text) {
        Ok(doc) => panic!("{text} parsed: {doc:?}"),
        Err(e) => {
            assert_eq!(e.policy(), NAME);
            e.to_string()
        }
    }
}

fn texts(patterns: &[Pattern]) -> Vec<&str> {
    patterns.iter().map(Pattern::as_str).collect()
}

const SQS_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Q","Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage"],"Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}]}"#;

#[test]
fn plain_and_percent_encoded_documents_parse_the_same() {
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22Q%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22sqs%3AReceiveMessage%22%2C%22sqs%3ADeleteMessage%22%5D%2C%22Resource%22%3A%22arn%3Aaws%3Asqs%3Aus-east-1%3A123456789012%3Aorders%22%7D%5D%7D";
    let plain = parse(SQS_POLICY);
    assert_eq!(parse(encoded), plain);
    assert_eq!(parse(&format!("\n  {encoded}  \n")), plain);
    assert_eq!(parse(&format!("  {SQS_POLICY}\n")), plain);
    let statement = &plain.statements[0];
    assert_eq!(statement.sid.as_deref(), Some("Q"));
    assert_eq!(statement.effect, Effect::Allow);
    assert_eq!(statement.principal, None);
    assert!(!statement.is_conditional());
    assert!(matches!(&statement.action, Matcher::Only(p)
        if texts(p) == ["sqs:ReceiveMessage", "sqs:DeleteMessage"]));
    assert!(matches!(&statement.resource, Some(Matcher::Only(p))
        if texts(p) == ["arn:aws:sqs:us-east-1:123456789012:orders"]));
}

#[test]
fn encoded_spaces_and_newlines_decode() {
    let doc = parse(
        "%7B%0A%20%20%22Statement%22%3A%20%7B%22Effect%22%3A%20%22Deny%22%2C%20%22Action%22%3A%20%22*%22%7D%0A%7D",
    );
    assert_eq!(doc.statements.len(), 1);
    assert_eq!(doc.statements[0].effect, Effect::Deny);
}

#[test]
fn statement_may_be_an_object_or_an_array() {
    let single = parse(r#"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#);
    let array = parse(r#"{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#);
    assert_eq!(single, array);
    assert!(parse(r#"{"Statement":[]}"#).statements.is_empty());
    let two = parse(r#"{"Statement":[{"Effect":"Allow","Action":"a:b"},{"Effect":"Deny","NotAction":["c:d"]}]}"#);
    assert_eq!(two.statements.len(), 2);
}

#[test]
fn fields_may_be_strings_or_arrays() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"Statement":{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"arn:x"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":["sqs:ReceiveMessage"],"Resource":["arn:x"]}}"#,
        ),
        (
            r#"{"Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:y"}}"#,
            r#"{"Statement":{"Effect":"Deny","NotAction":["iam:*"],"NotResource":["arn:y"]}}"#,
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}}"#,
        ),
    ];
    for (string_form, array_form) in cases {
        assert_eq!(parse(string_form), parse(array_form), "{string_form}");
    }
}

#[test]
fn negated_fields_become_all_except() {
    let doc = parse(
        r#"{"Statement":{"Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::b/*","NotPrincipal":{"AWS":"arn:aws:iam::1:root"}}}"#,
    );
    let s = &doc.statements[0];
    assert!(matches!(&s.action, Matcher::AllExcept(p) if texts(p) == ["iam:*", "sts:*"]));
    assert!(matches!(&s.resource, Some(Matcher::AllExcept(p)) if texts(p) == ["arn:aws:s3:::b/*"]));
    let Some(PrincipalClause::AllExcept(principals)) = &s.principal else {
        panic!("expected NotPrincipal: {s:?}");
    };
    assert_eq!(principals.values("AWS"), ["arn:aws:iam::1:root"]);
}

#[test]
fn principals_parse_by_type() {
    let doc = parse(
        r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"sqs:*"},
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:*"},
            {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:role/a","222233334444"],"Service":"lambda.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df9"},"Action":"sqs:*"}
        ]}"#,
    );
    assert_eq!(doc.statements[0].principal, Some(PrincipalClause::Only(Principals::Anyone)));
    let Some(PrincipalClause::Only(aws_any)) = &doc.statements[1].principal else {
        panic!("expected Principal");
    };
    assert_eq!(aws_any.values("AWS"), ["*"]);
    let Some(PrincipalClause::Only(listed)) = &doc.statements[2].principal else {
        panic!("expected Principal");
    };
    assert_eq!(listed.values("AWS"), ["arn:aws:iam::1:role/a", "222233334444"]);
    assert_eq!(listed.values("Service"), ["lambda.amazonaws.com"]);
    assert_eq!(listed.values("Federated"), ["cognito-identity.amazonaws.com"]);
    assert_eq!(listed.values("CanonicalUser"), ["79a59df9"]);
    assert!(listed.values("Nope").is_empty());
    assert!(Principals::Anyone.values("AWS").is_empty());
}

#[test]
fn conditions_are_flattened_to_keys() {
    let doc = parse(
        r#"{"Statement":[
            {"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com","kms:CallerAccount":"1"},"ArnLike":{"aws:SourceArn":["arn:a","arn:b"]},"Bool":{"aws:SecureTransport":true},"StringLike":{"kms:ViaService":"x"}}},
            {"Effect":"Allow","Action":"kms:Decrypt","Condition":{}}
        ]}"#,
    );
    let mut keys = doc.statements[0].condition_keys();
    keys.sort();
    assert_eq!(keys, ["aws:SecureTransport", "aws:SourceArn", "kms:CallerAccount", "kms:ViaService"]);
    assert_eq!(doc.statements[0].conditions.len(), 5);
    assert!(doc.statements[0].conditions.iter().any(|c| c.operator == "ArnLike" && c.key == "aws:SourceArn"));
    assert!(!doc.statements[1].is_conditional());
    assert!(doc.statements[1].condition_keys().is_empty());
}

#[test]
fn policy_variables_only_from_version_2012() {
    let template = |version: &str| {
        format!(
            r#"{{{version}"Statement":{{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:*:${{aws:username}}-*"}}}}"#
        )
    };
    let with = parse(&template(r#""Version":"2012-10-17","#));
    let Some(Matcher::Only(patterns)) = &with.statements[0].resource else {
        panic!("expected Resource");
    };
    assert_eq!(patterns[0].variables(), ["aws:username"]);
    for version in [r#""Version":"2008-10-17","#, ""] {
        let without = parse(&template(version));
        let Some(Matcher::Only(patterns)) = &without.statements[0].resource else {
            panic!("expected Resource");
        };
        assert!(!patterns[0].has_variables(), "{version}");
    }
}

#[test]
fn malformed_documents_are_errors_naming_the_policy() {
    let cases: &[(&str, &str)] = &[
        ("", "the document is empty"),
        ("   \n\t", "the document is empty"),
        ("%20%0A", "the document is empty"),
        ("not json", "it is not valid JSON"),
        ("{", "it is not valid JSON"),
        ("{\"Statement\":", "it is not valid JSON"),
        ("%7B%22Statement", "it is not valid JSON"),
        ("%FF%FE", "not valid UTF-8"),
        ("[]", "the document must be a JSON object, found an array"),
        (r#"[{"Effect":"Allow","Action":"*"}]"#, "must be a JSON object, found an array"),
        ("\"text\"", "must be a JSON object, found \"text\""),
        ("42", "must be a JSON object, found number 42"),
        ("null", "must be a JSON object, found null"),
        ("{}", "Statement is missing"),
        (r#"{"Version":"2012-10-17"}"#, "Statement is missing"),
        (r#"{"Version":2012,"Statement":[]}"#, "Version must be a string, found number 2012"),
        (r#"{"Statement":"Allow"}"#, "Statement must be an object or an array of objects, found \"Allow\""),
        (r#"{"Statement":null}"#, "Statement must be an object or an array of objects, found null"),
        (r#"{"Statement":[1]}"#, "Statement[0] must be an object, found number 1"),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"*"},{"Effect":"Allow","Action":"*"},{"Effect":"Alow","Action":"*"}]}"#,
            r#"Statement[2]: Effect must be "Allow" or "Deny", found "Alow""#,
        ),
        (
            r#"{"Statement":{"Effect":"allow","Action":"*"}}"#,
            r#"Statement: Effect must be "Allow" or "Deny", found "allow""#,
        ),
        (r#"{"Statement":{"Effect":true,"Action":"*"}}"#, "Effect must be \"Allow\" or \"Deny\", found boolean true"),
        (r#"{"Statement":{"Action":"*"}}"#, "Statement: Effect is missing"),
        (r#"{"Statement":{"Effect":"Allow"}}"#, "Statement: it has neither Action nor NotAction"),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","NotAction":"iam:*"}}"#,
            "Statement: it has both Action and NotAction; use only one",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"x"}}"#,
            "it has both Resource and NotResource",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"}}"#,
            "it has both Principal and NotPrincipal",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":5}}"#,
            "Action must be a string or an array of strings, found number 5",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":["sqs:*",5]}}"#,
            "Statement: Action[1] must be a string, found number 5",
        ),
        (r#"{"Statement":{"Effect":"Allow","Action":[["sqs:*"]]}}"#, "Action[0] must be a string, found an array"),
        (
            r#"{"Statement":{"Effect":"Allow","NotAction":{}}}"#,
            "NotAction must be a string or an array of strings, found an object",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":123}}"#,
            "Resource must be a string or an array of strings, found number 123",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","NotResource":[null]}}"#,
            "NotResource[0] must be a string, found null",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Principal":"arn:aws:iam::1:root"}}"#,
            "Principal must be \"*\" or an object",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Principal":{"AWS":111122223333}}}"#,
            "Principal.AWS must be a string or an array of strings, found number 111122223333",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","NotPrincipal":{"Service":[1]}}}"#,
            "NotPrincipal.Service[0] must be a string, found number 1",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":"x"}}"#,
            "Condition must be an object, found \"x\"",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEquals":["k"]}}}"#,
            "Condition.StringEquals must be an object of condition keys, found an array",
        ),
        (r#"{"Statement":{"Sid":7,"Effect":"Allow","Action":"*"}}"#, "Sid must be a string, found number 7"),
    ];
    for (text, expected) in cases {
        let message = error(text);
        assert!(message.starts_with(&format!("policy `{NAME}` is not valid: ")), "{message}");
        assert!(message.contains(expected), "{text}: {message} does not contain {expected}");
    }
}

#[test]
fn error_display_matches_the_documented_format() {
    let e = PolicyDocument::parse(
        "p",
        r#"{"Statement":[{"Effect":"Allow","Action":"*"},{"Effect":"Deny","Action":"*"},{"Effect":"Alow","Action":"*"}]}"#,
    )
    .err();
    assert_eq!(
        e.map(|e| e.to_string()).as_deref(),
        Some(r#"policy `p` is not valid: Statement[2]: Effect must be "Allow" or "Deny", found "Alow""#)
    );
}

#[test]
fn long_wrong_values_are_shortened_in_errors() {
    let long = "x".repeat(500);
    let message = error(&format!(r#"{{"Statement":{{"Effect":"{long}","Action":"*"}}}}"#));
    assert!(message.len() < 200, "{message}");
    assert!(message.contains('…'));
}

/// Cuts valid documents at every character and corrupts every character: parse must return
/// (Ok or Err), never panic.
#[test]
fn no_input_makes_the_parser_panic() {
    let sources = [
        SQS_POLICY,
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root"]},"Action":"kms:*","Condition":{"StringEquals":{"k":"v"}},"Resource":"arn:${aws:username}"}}"#,
        "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D",
    ];
    let replacements = ['{', '}', '[', ']', '"', ',', ':', '%', '0', 'é', ' ', '\\', '$', '*'];
    for source in sources {
        let chars: Vec<char> = source.chars().collect();
        for cut in 0..=chars.len() {
            let prefix: String = chars[..cut].iter().collect();
            let _ = PolicyDocument::parse(NAME, &prefix);
            for (i, replacement) in replacements.iter().enumerate() {
                let mut mutated = chars.clone();
                if let Some(slot) = mutated.get_mut((cut + i) % chars.len()) {
                    *slot = *replacement;
                }
                let text: String = mutated.iter().collect();
                let _ = PolicyDocument::parse(NAME, &text);
            }
        }
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(PolicyDocument::parse(NAME, &deep).is_err());
    let deep_object = format!(r#"{{"Statement":{}"#, r#"{"a":"#.repeat(10_000));
    assert!(PolicyDocument::parse(NAME, &deep_object).is_err());
}
