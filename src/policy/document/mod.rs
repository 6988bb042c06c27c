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

/// One condition key under one operator, e.g. `StringEquals` / `kms:ViaService`, with the
/// values it is compared to (strings, numbers and booleans as written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
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

/// `{operator: {key: value, …}, …}` flattened; values are kept as text (a value that is neither
/// a scalar nor a list of scalars is kept empty: such a condition is never decided).
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
        for (key, value) in keys {
            let scalar = |v: &Value| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            let values = match value {
                Value::Array(items) => items.iter().filter_map(scalar).collect(),
                other => scalar(other).into_iter().collect(),
            };
            conditions.push(Condition { operator: operator.clone(), key: key.clone(), values });
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
mod tests;
