//! The policy document model and its parser.
//!
//! Parsing walks a `serde_json::Value` by hand instead of deriving `Deserialize`: IAM allows a
//! string or an array in most places, and a hand walk lets every error say exactly where the
//! document is wrong (`Statement[2]: Action[1] must be a string, found number 5`).

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::error::PolicyError;
use super::glob::{CaseRule, Pattern};

/// The only policy language version in which `${…}` in a Resource is a policy variable.
const VARIABLES_VERSION: &str = "2012-10-17";

/// Longest piece of a wrong value quoted back in an error message.
const QUOTE_LIMIT: usize = 60;

/// A parsed IAM policy document (identity policy, permissions boundary, trust policy, key policy
/// or queue policy: they share one grammar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// One statement. `Action`/`NotAction` is mandatory; the rest is optional because trust and
/// resource policies omit `Resource` and identity policies omit `Principal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Principal` (`Only`) or `NotPrincipal` (`AllExcept`); `None` when neither is present.
    pub principal: Option<PrincipalClause>,
    /// `Action` (`Only`) or `NotAction` (`AllExcept`).
    pub action: Matcher,
    /// `Resource` (`Only`) or `NotResource` (`AllExcept`); `None` matches every resource.
    pub resource: Option<Matcher>,
    /// The `Condition` block flattened to (operator, key) pairs; empty means unconditional.
    pub conditions: Vec<Condition>,
}

/// A list of wildcard patterns, or its complement (`NotAction`, `NotResource`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Matcher {
    Only(Vec<Pattern>),
    AllExcept(Vec<Pattern>),
}

/// The outcome of matching a name against a [`Matcher`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatchResult {
    No,
    Yes,
    /// Decided by policy variables whose values we do not know; carries their keys.
    DependsOn(Vec<String>),
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalClause {
    Only(Principals),
    AllExcept(Principals),
}

/// `"*"`, or principals by type: `{"AWS": [...], "Service": [...], "Federated": ..., "CanonicalUser": ...}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principals {
    Anyone,
    /// Principal type (exactly as written, e.g. `AWS`) to its values.
    Listed(BTreeMap<String, Vec<String>>),
}

/// One condition key under one operator, e.g. `StringEquals` / `kms:ViaService`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
}

impl PolicyDocument {
    /// Parses a policy document.
    ///
    /// `name` names the policy in errors ("inline policy sqs-access of role r"). IAM returns
    /// documents percent-encoded (`%7B%22Version%22…`), other services return plain JSON: text
    /// that does not start with `{` once trimmed is percent-decoded first. Statement indexes in
    /// errors count from 0, like JSON paths; a lone statement object is called `Statement`.
    pub fn parse(name: &str, text: &str) -> Result<PolicyDocument, PolicyError> {
        parse_document(text).map_err(|reason| PolicyError::invalid(name, reason))
    }
}

impl Statement {
    /// The distinct condition keys, in document order.
    pub fn condition_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for condition in &self.conditions {
            push_unique(&mut keys, &condition.key);
        }
        keys
    }

    pub fn is_conditional(&self) -> bool {
        !self.conditions.is_empty()
    }

    /// Whether the statement covers `action` (`service:Action`, case-insensitive).
    pub fn covers_action(&self, action: &str) -> bool {
        self.action.check(action, CaseRule::Insensitive) == MatchResult::Yes
    }

    /// Whether the statement covers `resource` (an ARN, case-sensitive). No Resource element
    /// means every resource: that is how trust, key and queue policies are usually written.
    pub fn covers_resource(&self, resource: &str) -> MatchResult {
        match &self.resource {
            None => MatchResult::Yes,
            Some(matcher) => matcher.check(resource, CaseRule::Sensitive),
        }
    }
}

impl Matcher {
    pub fn patterns(&self) -> &[Pattern] {
        match self {
            Matcher::Only(patterns) | Matcher::AllExcept(patterns) => patterns,
        }
    }

    /// Matches `text`. A pattern that matches only through a policy variable is uncertain: it
    /// yields `DependsOn` unless a variable-free pattern settles the answer.
    pub fn check(&self, text: &str, case: CaseRule) -> MatchResult {
        let mut certain = false;
        let mut variables = Vec::new();
        for pattern in self.patterns().iter().filter(|p| p.matches(text, case)) {
            if pattern.has_variables() {
                for key in pattern.variables() {
                    push_unique(&mut variables, key);
                }
            } else {
                certain = true;
            }
        }
        if certain {
            return self.listed_result(true);
        }
        if !variables.is_empty() {
            return MatchResult::DependsOn(variables);
        }
        self.listed_result(false)
    }

    /// Turns "the text is in the list" into a match, inverting for `AllExcept`.
    fn listed_result(&self, listed: bool) -> MatchResult {
        let matched = match self {
            Matcher::Only(_) => listed,
            Matcher::AllExcept(_) => !listed,
        };
        if matched { MatchResult::Yes } else { MatchResult::No }
    }
}

impl Principals {
    /// The values listed under a principal type (`AWS`, `Service`, …); empty for `Anyone`.
    pub fn values(&self, kind: &str) -> &[String] {
        match self {
            Principals::Anyone => &[],
            Principals::Listed(map) => map.get(kind).map(Vec::as_slice).unwrap_or_default(),
        }
    }
}

pub(crate) fn push_unique(keys: &mut Vec<String>, key: &str) {
    if !keys.iter().any(|k| k == key) {
        keys.push(key.to_owned());
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing. Every function returns the reason as a String; `PolicyDocument::parse` adds the name.

fn parse_document(text: &str) -> Result<PolicyDocument, String> {
    let json = decoded_text(text)?;
    let value: Value = serde_json::from_str(&json).map_err(|e| format!("it is not valid JSON: {e}"))?;
    let Value::Object(top) = value else {
        return Err(format!("the document must be a JSON object, found {}", describe(&value)));
    };
    let variables = policy_variables_enabled(&top)?;
    let statements = match top.get("Statement") {
        None => return Err("Statement is missing".to_owned()),
        Some(Value::Object(statement)) => {
            vec![parse_statement(statement, variables).map_err(|e| format!("Statement: {e}"))?]
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| parse_statement_item(index, item, variables))
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(format!("Statement must be an object or an array of objects, found {}", describe(other)));
        }
    };
    Ok(PolicyDocument { statements })
}

/// The JSON text: trimmed, and percent-decoded when it is not already JSON.
fn decoded_text(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let json = if trimmed.starts_with('{') {
        trimmed.to_owned()
    } else {
        percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|_| "the percent-decoded document is not valid UTF-8".to_owned())?
            .trim()
            .to_owned()
    };
    if json.is_empty() {
        return Err("the document is empty".to_owned());
    }
    Ok(json)
}

/// Policy variables exist only from version 2012-10-17; before (or without Version) `${` is text.
fn policy_variables_enabled(top: &Map<String, Value>) -> Result<bool, String> {
    match top.get("Version") {
        None => Ok(false),
        Some(Value::String(version)) => Ok(version == VARIABLES_VERSION),
        Some(other) => Err(format!("Version must be a string, found {}", describe(other))),
    }
}

fn parse_statement_item(index: usize, item: &Value, variables: bool) -> Result<Statement, String> {
    let Value::Object(statement) = item else {
        return Err(format!("Statement[{index}] must be an object, found {}", describe(item)));
    };
    parse_statement(statement, variables).map_err(|e| format!("Statement[{index}]: {e}"))
}

fn parse_statement(obj: &Map<String, Value>, variables: bool) -> Result<Statement, String> {
    let sid = parse_sid(obj.get("Sid"))?;
    let effect = parse_effect(obj.get("Effect"))?;
    let action = parse_matcher(obj, "Action", "NotAction", Pattern::new)?
        .ok_or_else(|| "it has neither Action nor NotAction".to_owned())?;
    let resource_pattern = if variables { Pattern::with_variables } else { Pattern::new };
    let resource = parse_matcher(obj, "Resource", "NotResource", resource_pattern)?;
    let principal = parse_principal_clause(obj)?;
    let conditions = parse_conditions(obj.get("Condition"))?;
    Ok(Statement { sid, effect, principal, action, resource, conditions })
}

fn parse_sid(value: Option<&Value>) -> Result<Option<String>, String> {
    match value {
        None => Ok(None),
        Some(Value::String(sid)) => Ok(Some(sid.clone())),
        Some(other) => Err(format!("Sid must be a string, found {}", describe(other))),
    }
}

fn parse_effect(value: Option<&Value>) -> Result<Effect, String> {
    match value {
        Some(Value::String(s)) if s == "Allow" => Ok(Effect::Allow),
        Some(Value::String(s)) if s == "Deny" => Ok(Effect::Deny),
        Some(other) => Err(format!("Effect must be \"Allow\" or \"Deny\", found {}", describe(other))),
        None => Err("Effect is missing".to_owned()),
    }
}

/// Reads a field that comes in a positive and a negated spelling (Action/NotAction, …).
fn parse_matcher(
    obj: &Map<String, Value>,
    field: &str,
    not_field: &str,
    compile: fn(&str) -> Pattern,
) -> Result<Option<Matcher>, String> {
    let compile_all = |name: &str, value: &Value| -> Result<Vec<Pattern>, String> {
        Ok(string_list(name, value)?.iter().map(|s| compile(s)).collect())
    };
    match (obj.get(field), obj.get(not_field)) {
        (Some(_), Some(_)) => Err(format!("it has both {field} and {not_field}; use only one")),
        (Some(value), None) => Ok(Some(Matcher::Only(compile_all(field, value)?))),
        (None, Some(value)) => Ok(Some(Matcher::AllExcept(compile_all(not_field, value)?))),
        (None, None) => Ok(None),
    }
}

fn parse_principal_clause(obj: &Map<String, Value>) -> Result<Option<PrincipalClause>, String> {
    match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(_), Some(_)) => Err("it has both Principal and NotPrincipal; use only one".to_owned()),
        (Some(value), None) => Ok(Some(PrincipalClause::Only(parse_principals("Principal", value)?))),
        (None, Some(value)) => Ok(Some(PrincipalClause::AllExcept(parse_principals("NotPrincipal", value)?))),
        (None, None) => Ok(None),
    }
}

fn parse_principals(field: &str, value: &Value) -> Result<Principals, String> {
    match value {
        Value::String(s) if s == "*" => Ok(Principals::Anyone),
        Value::Object(map) => {
            let mut listed = BTreeMap::new();
            for (kind, values) in map {
                listed.insert(kind.clone(), string_list(&format!("{field}.{kind}"), values)?);
            }
            Ok(Principals::Listed(listed))
        }
        other => {
            Err(format!("{field} must be \"*\" or an object such as {{\"AWS\": \"arn:…\"}}, found {}", describe(other)))
        }
    }
}

/// `{operator: {key: value, …}, …}` flattened; values are not checked because we never evaluate them.
fn parse_conditions(value: Option<&Value>) -> Result<Vec<Condition>, String> {
    let operators = match value {
        None => return Ok(Vec::new()),
        Some(Value::Object(operators)) => operators,
        Some(other) => {
            return Err(format!("Condition must be an object, found {}", describe(other)));
        }
    };
    let mut conditions = Vec::new();
    for (operator, keys) in operators {
        let Value::Object(keys) = keys else {
            return Err(format!("Condition.{operator} must be an object of condition keys, found {}", describe(keys)));
        };
        for key in keys.keys() {
            conditions.push(Condition { operator: operator.clone(), key: key.clone() });
        }
    }
    Ok(conditions)
}

/// A string, or an array of strings.
fn string_list(field: &str, value: &Value) -> Result<Vec<String>, String> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("{field}[{index}] must be a string, found {}", describe(other))),
            })
            .collect(),
        other => Err(format!("{field} must be a string or an array of strings, found {}", describe(other))),
    }
}

/// A short description of a JSON value for error messages: strings quoted (and shortened),
/// other values by kind.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("{:?}", shorten(s)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= QUOTE_LIMIT {
        return s.to_owned();
    }
    let head: String = s.chars().take(QUOTE_LIMIT).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
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
        assert!(
            doc.statements[0]
                .conditions
                .contains(&Condition { operator: "ArnLike".to_owned(), key: "aws:SourceArn".to_owned() })
        );
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
            (
                r#"{"Statement":{"Effect":true,"Action":"*"}}"#,
                "Effect must be \"Allow\" or \"Deny\", found boolean true",
            ),
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
}
