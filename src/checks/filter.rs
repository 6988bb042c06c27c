//! SQS filter patterns, read without AWS: which can never match an SQS message, and whether a
//! given message body matches (so the probe never sends a message a filter would delete).
//!
//! "Amazon SQS event source mappings only support filtering on the `body` key"
//! (<https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html>); the body is
//! matched as JSON when it is JSON, else as a plain string. Patterns are ORed, the keys of one
//! pattern ANDed, the values listed for a key ORed
//! (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html>).

use serde_json::{Map, Value};

/// Why `pattern` can never match an SQS message, if it cannot: it names keys other than
/// `body`. None when it may match (or is not JSON: Lambda refuses those at create).
pub fn never_matches(pattern: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(pattern).ok()?;
    let fields = doc.as_object()?;
    let others: Vec<&str> = fields.keys().map(String::as_str).filter(|k| *k != "body").collect();
    if others.is_empty() {
        return None;
    }
    Some(format!(
        "it filters on {} (SQS mappings filter on `body` only, so no message has {})",
        others.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
        if others.len() == 1 { "it" } else { "them" }
    ))
}

/// Whether a message with `body` matches `pattern`: Some(true/false), or None when the pattern
/// uses a rule this matcher does not know (then nothing is claimed).
pub fn body_matches(pattern: &str, body: &str) -> Option<bool> {
    let doc: Value = serde_json::from_str(pattern).ok()?;
    let pattern = doc.as_object()?;
    let body = serde_json::from_str::<Value>(body).unwrap_or_else(|_| Value::String(body.to_owned()));
    let mut record = Map::new();
    record.insert("body".to_owned(), body);
    object_matches(pattern, Some(&Value::Object(record)))
}

/// Whether any of `patterns` matches `body`: Some(false) only when every pattern was decided
/// and none matched.
pub fn any_matches(patterns: &[String], body: &str) -> Option<bool> {
    let mut unknown = false;
    for p in patterns {
        match body_matches(p, body) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(false) }
}

fn object_matches(pattern: &Map<String, Value>, event: Option<&Value>) -> Option<bool> {
    let fields = event.and_then(Value::as_object);
    let mut all = Some(true);
    for (key, rule) in pattern {
        let value = fields.and_then(|f| f.get(key));
        let matched = match rule {
            Value::Object(nested) => match value {
                Some(v @ Value::Object(_)) => object_matches(nested, Some(v)),
                _ => Some(false),
            },
            Value::Array(alternatives) => list_matches(alternatives, value),
            _ => None,
        };
        all = and(all, matched);
        if all == Some(false) {
            return all;
        }
    }
    all
}

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// One key's alternatives (ORed) against the event's value (an array matches when any element does).
fn list_matches(alternatives: &[Value], value: Option<&Value>) -> Option<bool> {
    let values: Vec<&Value> = match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
        None => vec![],
    };
    let mut result = Some(false);
    for rule in alternatives {
        let one = match rule {
            Value::Object(op) => operator_matches(op, value.is_some(), &values),
            literal => Some(values.contains(&literal)),
        };
        match one {
            Some(true) => return Some(true),
            None => result = None,
            Some(false) => {}
        }
    }
    result
}

fn operator_matches(op: &Map<String, Value>, present: bool, values: &[&Value]) -> Option<bool> {
    let (name, arg) = op.iter().next()?;
    if op.len() != 1 {
        return None;
    }
    let strings = || values.iter().filter_map(|v| v.as_str());
    Some(match (name.as_str(), arg) {
        ("exists", Value::Bool(want)) => present == *want,
        ("prefix", Value::String(p)) => strings().any(|s| s.starts_with(p.as_str())),
        ("suffix", Value::String(p)) => strings().any(|s| s.ends_with(p.as_str())),
        ("equals-ignore-case", Value::String(p)) => strings().any(|s| s.eq_ignore_ascii_case(p)),
        ("anything-but", Value::Array(not)) => present && values.iter().any(|v| !not.contains(v)),
        ("anything-but", Value::Object(_)) => return None,
        ("anything-but", literal) => present && values.iter().any(|v| *v != literal),
        ("numeric", Value::Array(terms)) => values.iter().filter_map(|v| v.as_f64()).any(|n| numeric(terms, n)),
        _ => return None,
    })
}

fn numeric(terms: &[Value], n: f64) -> bool {
    terms.chunks(2).all(|pair| match (pair.first().and_then(Value::as_str), pair.get(1).and_then(Value::as_f64)) {
        (Some("="), Some(x)) => n == x,
        (Some("<"), Some(x)) => n < x,
        (Some("<="), Some(x)) => n <= x,
        (Some(">"), Some(x)) => n > x,
        (Some(">="), Some(x)) => n >= x,
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_other_than_body_never_match() {
        assert_eq!(never_matches(r#"{"body":{"kind":["order"]}}"#), None);
        let attrs = never_matches(r#"{"messageAttributes":{"kind":{"stringValue":["order"]}}}"#).unwrap();
        assert!(attrs.contains("`messageAttributes`"), "{attrs}");
        assert!(never_matches(r#"{"body":{"a":[1]},"data":{"x":[1]}}"#).unwrap().contains("`data`"));
        assert_eq!(never_matches("not json"), None);
    }

    #[test]
    fn bodies_against_patterns() {
        // (pattern, body, expected)
        let cases: &[(&str, &str, Option<bool>)] = &[
            (r#"{"body":{"kind":["order"]}}"#, r#"{"kind":"order"}"#, Some(true)),
            (r#"{"body":{"kind":["order"]}}"#, r#"{"kind":"refund"}"#, Some(false)),
            // A plain-text body has no fields: a pattern on fields never matches it.
            (r#"{"body":{"kind":["order"]}}"#, "sqs-trigger probe 1234", Some(false)),
            (r#"{"body":["hello"]}"#, "hello", Some(true)),
            (r#"{"body":[{"prefix":"sqs-trigger"}]}"#, "sqs-trigger probe", Some(true)),
            (r#"{"body":{"n":[{"numeric":[">",10,"<=",20]}]}}"#, r#"{"n":15}"#, Some(true)),
            (r#"{"body":{"n":[{"numeric":[">",10]}]}}"#, r#"{"n":5}"#, Some(false)),
            (r#"{"body":{"kind":[{"exists":false}]}}"#, r#"{"other":1}"#, Some(true)),
            (r#"{"body":{"kind":[{"anything-but":["a"]}]}}"#, r#"{"kind":"b"}"#, Some(true)),
            (r#"{"body":{"tags":["x"]}}"#, r#"{"tags":["y","x"]}"#, Some(true)),
            (r#"{"body":{"a":{"b":["c"]}}}"#, r#"{"a":{"b":"c"}}"#, Some(true)),
            (r#"{"body":{"ip":[{"cidr":"10.0.0.0/8"}]}}"#, r#"{"ip":"10.1.1.1"}"#, None),
            (r#"{"attributes":{"x":["y"]}}"#, r#"{"x":"y"}"#, Some(false)),
        ];
        for (pattern, body, expected) in cases {
            assert_eq!(body_matches(pattern, body), *expected, "{pattern} on {body}");
        }
        let patterns = vec![r#"{"body":{"kind":["a"]}}"#.to_owned(), r#"{"body":{"kind":["b"]}}"#.to_owned()];
        assert_eq!(any_matches(&patterns, r#"{"kind":"b"}"#), Some(true));
        assert_eq!(any_matches(&patterns, r#"{"kind":"c"}"#), Some(false));
    }
}
