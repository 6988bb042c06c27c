//! Wildcard patterns as IAM uses them in `Action`, `NotAction`, `Resource` and `NotResource`.
//!
//! `*` matches any run of characters (including none) and `?` exactly one character. The matcher
//! is the classic greedy two-pointer algorithm that remembers only the most recent `*`: it runs in
//! O(pattern × text) time in the worst case, so inputs such as `a*a*a*a*…b` cannot trigger the
//! exponential backtracking a naive recursive matcher (or a regex translation) would.

/// Whether letters must match exactly (resource ARNs) or ignoring case (action names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseRule {
    Sensitive,
    Insensitive,
}

/// One element of a compiled pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Literal(char),
    /// `*`, or a policy variable whose value we cannot know.
    AnyRun,
    /// `?`
    AnyOne,
}

/// A compiled wildcard pattern, keeping the text it came from for reports.
///
/// Policy variables (`${aws:username}`, only in `"Version": "2012-10-17"` documents) depend on the
/// request, which we do not have. They are compiled as `*` and remembered, so that a caller can
/// treat a match through a variable like a match under a condition: possible, not certain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    tokens: Vec<Token>,
    variables: Vec<String>,
}

impl Pattern {
    /// A pattern where only `*` and `?` are special (actions, or pre-2012 documents).
    pub fn new(text: &str) -> Pattern {
        Pattern::compile(text, false)
    }

    /// A pattern where `${key}` is a policy variable and `${*}`, `${?}`, `${$}` are escapes.
    pub fn with_variables(text: &str) -> Pattern {
        Pattern::compile(text, true)
    }

    fn compile(text: &str, variables: bool) -> Pattern {
        let (tokens, variables) = tokenize(text, variables);
        Pattern { text: text.to_owned(), tokens, variables }
    }

    /// The pattern as written in the policy.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Condition-context keys of the policy variables in this pattern (e.g. `aws:username`).
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    pub fn has_variables(&self) -> bool {
        !self.variables.is_empty()
    }

    /// Whether `text` matches, with every policy variable standing for "anything".
    pub fn matches(&self, text: &str, case: CaseRule) -> bool {
        let text: Vec<char> = text.chars().collect();
        match_tokens(&self.tokens, &text, case)
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// One-shot match of a plain wildcard pattern (no policy variables).
pub fn wildcard_match(pattern: &str, text: &str, case: CaseRule) -> bool {
    Pattern::new(pattern).matches(text, case)
}

/// Splits pattern text into tokens, collecting policy-variable keys when `variables` is on.
fn tokenize(text: &str, variables: bool) -> (Vec<Token>, Vec<String>) {
    let mut tokens = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if variables && let Some((token, key, after)) = variable_at(rest) {
            tokens.push(token);
            if let Some(key) = key
                && !keys.contains(&key)
            {
                keys.push(key);
            }
            rest = after;
            continue;
        }
        tokens.push(match c {
            '*' => Token::AnyRun,
            '?' => Token::AnyOne,
            other => Token::Literal(other),
        });
        rest = &rest[c.len_utf8()..];
    }
    (tokens, keys)
}

/// If `rest` starts with `${…}`, returns its token, its variable key (none for the escapes) and
/// the text after the closing brace. An unterminated or empty `${` is ordinary text.
fn variable_at(rest: &str) -> Option<(Token, Option<String>, &str)> {
    let inner_and_after = rest.strip_prefix("${")?;
    let (inner, after) = inner_and_after.split_once('}')?;
    let escaped = match inner {
        "*" => Some('*'),
        "?" => Some('?'),
        "$" => Some('$'),
        _ => None,
    };
    if let Some(c) = escaped {
        return Some((Token::Literal(c), None, after));
    }
    // `${aws:username, 'default'}`: the key is before the comma.
    let key = inner.split(',').next().unwrap_or_default().trim();
    if key.is_empty() {
        return None;
    }
    Some((Token::AnyRun, Some(key.to_owned()), after))
}

/// Greedy wildcard match with single-star backtracking (see the module docs for why).
fn match_tokens(tokens: &[Token], text: &[char], case: CaseRule) -> bool {
    let (mut p, mut t) = (0, 0);
    // After the most recent `*`: the pattern index following it and the text index it ends at.
    let mut retry: Option<(usize, usize)> = None;
    while let Some(&c) = text.get(t) {
        match tokens.get(p) {
            Some(Token::AnyRun) => {
                retry = Some((p + 1, t));
                p += 1;
                continue;
            }
            Some(Token::AnyOne) => {
                p += 1;
                t += 1;
                continue;
            }
            Some(Token::Literal(l)) if chars_equal(*l, c, case) => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        // Mismatch: let the last `*` swallow one more character, or fail if there is none.
        let Some((star_p, star_t)) = retry else {
            return false;
        };
        p = star_p;
        t = star_t + 1;
        retry = Some((star_p, star_t + 1));
    }
    tokens.iter().skip(p).all(|token| *token == Token::AnyRun)
}

fn chars_equal(a: char, b: char, case: CaseRule) -> bool {
    match case {
        CaseRule::Sensitive => a == b,
        CaseRule::Insensitive => a == b || a.to_lowercase().eq(b.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_patterns_ignore_case() {
        let cases: &[(&str, &str, bool)] = &[
            ("sqs:*", "sqs:ReceiveMessage", true),
            ("sqs:*", "sqs:", true),
            ("sqs:*", "kms:Decrypt", false),
            ("sqs:Receive*", "sqs:ReceiveMessage", true),
            ("sqs:Receive*", "sqs:DeleteMessage", false),
            ("SQS:receivemessage", "sqs:ReceiveMessage", true),
            ("sqs:ReceiveMessage", "SQS:RECEIVEMESSAGE", true),
            ("s?s:*", "sqs:ReceiveMessage", true),
            ("s?s:*", "sns:Publish", true),
            ("s?s:*", "ss:Publish", false),
            ("s?s:*", "sxxs:Publish", false),
            ("*", "kms:Decrypt", true),
            ("*", "", true),
            ("*:*", "logs:PutLogEvents", true),
            ("logs:*Log*", "logs:CreateLogStream", true),
            ("logs:*Log*", "logs:PutLogEvents", true),
            ("logs:*Log*", "logs:DescribeMetricFilters", false),
            ("sqs:ReceiveMessage", "sqs:ReceiveMessages", false),
            ("sqs:ReceiveMessage", "sqs:ReceiveMessag", false),
            ("", "", true),
            ("", "sqs:ReceiveMessage", false),
            ("sqs:Get*Attributes", "sqs:GetQueueAttributes", true),
            ("sqs:Get*Attributes", "sqs:GetQueueAttributesX", false),
            ("**", "x", true),
            ("?", "é", true),
            ("É", "é", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(wildcard_match(pattern, text, CaseRule::Insensitive), *expected, "{pattern} vs {text}");
        }
    }

    #[test]
    fn resource_patterns_respect_case() {
        let cases: &[(&str, &str, bool)] = &[
            ("arn:aws:sqs:us-east-1:123456789012:*", "arn:aws:sqs:us-east-1:123456789012:orders", true),
            ("arn:aws:sqs:us-east-1:123456789012:*", "arn:aws:sqs:us-east-1:210987654321:orders", false),
            ("arn:aws:sqs:us-east-1:123456789012:*", "arn:aws:sqs:us-west-2:123456789012:orders", false),
            ("arn:aws:sqs:us-east-1:123456789012:orders", "arn:aws:sqs:us-east-1:123456789012:Orders", false),
            ("arn:aws:sqs:us-east-1:123456789012:Orders", "arn:aws:sqs:us-east-1:123456789012:Orders", true),
            ("arn:aws:sqs:us-east-?:123456789012:orders", "arn:aws:sqs:us-east-2:123456789012:orders", true),
            ("arn:aws:sqs:us-east-?:123456789012:orders", "arn:aws:sqs:us-east-12:123456789012:orders", false),
            ("arn:aws:sqs:*:*:orders-*", "arn:aws:sqs:eu-west-1:1:orders-dlq", true),
            ("arn:aws:sqs:*:*:orders-*", "arn:aws:sqs:eu-west-1:1:orders", false),
            (
                "arn:aws:logs:*:*:log-group:/aws/lambda/fn:*",
                "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:*",
                true,
            ),
            (
                "arn:aws:logs:*:*:log-group:/aws/lambda/fn:*",
                "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn2:*",
                false,
            ),
            ("*", "arn:aws:kms:us-east-1:1:key/abc", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(wildcard_match(pattern, text, CaseRule::Sensitive), *expected, "{pattern} vs {text}");
        }
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let pattern = format!("{}b", "a*".repeat(200));
        let text = "a".repeat(20_000);
        let started = std::time::Instant::now();
        assert!(!wildcard_match(&pattern, &text, CaseRule::Sensitive));
        assert!(wildcard_match(&pattern, &format!("{text}b"), CaseRule::Sensitive));
        assert!(!wildcard_match(&"*?".repeat(500), &"x".repeat(499), CaseRule::Insensitive));
        // Exponential backtracking would take longer than the age of the universe here.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn policy_variables_are_wildcards_and_recorded() {
        let cases: &[(&str, &str, bool, &[&str])] = &[
            ("arn:aws:sqs:*:*:${aws:username}-*", "arn:aws:sqs:r:1:bob-jobs", true, &["aws:username"]),
            ("arn:aws:sqs:*:*:${aws:username}-*", "arn:aws:sqs:r:1:bobjobs", false, &["aws:username"]),
            ("a${*}b", "a*b", true, &[]),
            ("a${*}b", "axb", false, &[]),
            ("a${?}b", "a?b", true, &[]),
            ("a${$}b", "a$b", true, &[]),
            ("a${aws:PrincipalTag/team, 'none'}", "anything", true, &["aws:PrincipalTag/team"]),
            ("a${}b", "a${}b", true, &[]),
            ("a${unterminated", "a${unterminated", true, &[]),
        ];
        for (pattern, text, expected, keys) in cases {
            let compiled = Pattern::with_variables(pattern);
            assert_eq!(compiled.matches(text, CaseRule::Sensitive), *expected, "{pattern} vs {text}");
            assert_eq!(compiled.variables(), *keys, "{pattern}");
            assert_eq!(compiled.as_str(), *pattern);
        }
    }

    #[test]
    fn without_variables_dollar_braces_are_literal() {
        let plain = Pattern::new("a${x}b");
        assert!(plain.matches("a${x}b", CaseRule::Sensitive));
        assert!(!plain.matches("aZZb", CaseRule::Sensitive));
        assert!(!plain.has_variables());
    }
}
