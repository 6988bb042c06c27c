//! Names and references as users type them: a queue by name, URL or ARN; a function by
//! name or ARN; a KMS key by alias, id or ARN. Each is validated by the rules AWS applies,
//! so a bad input is refused before any request is sent.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::ParseError;
use super::arn::{FunctionArn, KeyArn, QueueArn, is_account_id};

const MAX_SHOWN: usize = 60;

/// An SQS queue name: 1–80 characters of letters, digits, `-` and `_`, plus `.fifo` for FIFO
/// queues (the suffix counts towards the 80).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueueName(String);

impl QueueName {
    pub(crate) fn new_unchecked(s: &str) -> Self {
        QueueName(s.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_fifo(&self) -> bool {
        self.0.ends_with(".fifo")
    }
    /// The name without `.fifo`.
    pub fn base(&self) -> &str {
        self.0.strip_suffix(".fifo").unwrap_or(&self.0)
    }
    /// The default dead-letter queue name: `NAME-dlq`, or `BASE-dlq.fifo` for `BASE.fifo`.
    pub fn default_dlq(&self) -> Result<QueueName, ParseError> {
        let candidate = if self.is_fifo() { format!("{}-dlq.fifo", self.base()) } else { format!("{}-dlq", self.0) };
        candidate.parse().map_err(|e: ParseError| {
            ParseError::new(
                "dead-letter queue name",
                &candidate,
                &format!("{} (pass --dlq NAME to choose a shorter one)", e.why),
            )
        })
    }
}

impl FromStr for QueueName {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ParseError::new("queue name", s, why);
        if s.is_empty() {
            return Err(bad("a queue name cannot be empty"));
        }
        if s.chars().count() > 80 {
            return Err(bad(&format!("a queue name is at most 80 characters, this one has {}", s.chars().count())));
        }
        let base = s.strip_suffix(".fifo").unwrap_or(s);
        if base.is_empty() {
            return Err(bad("a FIFO queue name needs characters before `.fifo`"));
        }
        if let Some(c) = base.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
            return Err(bad(&format!(
                "{} is not allowed: use letters, digits, `-` and `_` (and the `.fifo` suffix for FIFO queues)",
                describe_char(c)
            )));
        }
        Ok(QueueName(s.to_owned()))
    }
}

/// A Lambda function name: 1–64 characters of letters, digits, `-` and `_`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionName(String);

impl FunctionName {
    pub(crate) fn new_unchecked(s: &str) -> Self {
        FunctionName(s.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The log group Lambda writes to unless the function's `LoggingConfig` names another.
    pub fn default_log_group(&self) -> String {
        format!("/aws/lambda/{}", self.0)
    }
}

impl FromStr for FunctionName {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ParseError::new("function name", s, why);
        if s.is_empty() {
            return Err(bad("a function name cannot be empty"));
        }
        if s.chars().count() > 64 {
            return Err(bad(&format!("a function name is at most 64 characters, this one has {}", s.chars().count())));
        }
        if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
            return Err(bad(&format!("{} is not allowed: use letters, digits, `-` and `_`", describe_char(c))));
        }
        Ok(FunctionName(s.to_owned()))
    }
}

/// A queue URL: `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` (any host, for endpoints
/// such as a local emulator).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QueueUrl {
    url: String,
    account: String,
    name: QueueName,
}

impl QueueUrl {
    pub fn as_str(&self) -> &str {
        &self.url
    }
    pub fn account(&self) -> &str {
        &self.account
    }
    pub fn name(&self) -> &QueueName {
        &self.name
    }
    /// The URL of the queue `name` in the same account, on the same host: another queue of the
    /// account and region needs no `GetQueueUrl` once one of its URLs is known.
    pub fn sibling(&self, name: &QueueName) -> QueueUrl {
        let base = self.url.trim_end_matches('/');
        let prefix = base.rsplit_once('/').map_or(base, |(prefix, _)| prefix);
        QueueUrl { url: format!("{prefix}/{name}"), account: self.account.clone(), name: name.clone() }
    }
    /// The region, when the host is an AWS one (`sqs.REGION.amazonaws.com` or the legacy
    /// `REGION.queue.amazonaws.com`).
    pub fn region(&self) -> Option<&str> {
        let host = self.url.split("://").nth(1)?.split('/').next()?;
        let mut labels = host.split('.');
        match (labels.next(), labels.next()) {
            (Some("sqs"), Some(region)) if super::arn::is_region(region) => Some(region),
            (Some(region), Some("queue")) if super::arn::is_region(region) => Some(region),
            _ => None,
        }
    }
}

impl FromStr for QueueUrl {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ParseError::new("queue URL", s, why);
        let Some(rest) = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")) else {
            return Err(bad("a queue URL starts with https://"));
        };
        let mut parts = rest.splitn(2, '/');
        let host = parts.next().unwrap_or_default();
        let path = parts.next().unwrap_or_default();
        if host.is_empty() || host.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(bad("the URL has no valid host"));
        }
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let [account, name] = segments.as_slice() else {
            return Err(bad("expected https://HOST/ACCOUNT_ID/QUEUE_NAME"));
        };
        if !is_account_id(account) {
            return Err(bad("the path must start with the 12-digit account id"));
        }
        let name: QueueName = name.parse().map_err(|e: ParseError| bad(&e.why))?;
        Ok(QueueUrl { url: s.trim_end_matches('/').to_owned(), account: (*account).to_owned(), name })
    }
}

/// A queue as the user named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueRef {
    Name(QueueName),
    Url(QueueUrl),
    Arn(QueueArn),
}

impl QueueRef {
    pub fn name(&self) -> QueueName {
        match self {
            QueueRef::Name(n) => n.clone(),
            QueueRef::Url(u) => u.name().clone(),
            QueueRef::Arn(a) => a.name(),
        }
    }
    /// The account the reference pins, if it pins one.
    pub fn account(&self) -> Option<&str> {
        match self {
            QueueRef::Name(_) => None,
            QueueRef::Url(u) => Some(u.account()),
            QueueRef::Arn(a) => Some(a.account()),
        }
    }
    /// The region the reference pins, if it pins one.
    pub fn region(&self) -> Option<&str> {
        match self {
            QueueRef::Name(_) => None,
            QueueRef::Url(u) => u.region(),
            QueueRef::Arn(a) => Some(a.region()),
        }
    }
}

impl FromStr for QueueRef {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("arn:") {
            s.parse().map(QueueRef::Arn)
        } else if s.starts_with("http://") || s.starts_with("https://") {
            s.parse().map(QueueRef::Url)
        } else {
            s.parse().map(QueueRef::Name).map_err(|e: ParseError| {
                ParseError::new("queue", s, &format!("{} (or give the queue's URL or ARN)", e.why))
            })
        }
    }
}

impl fmt::Display for QueueRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueRef::Name(n) => n.fmt(f),
            QueueRef::Url(u) => u.fmt(f),
            QueueRef::Arn(a) => a.fmt(f),
        }
    }
}

/// A function as the user named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FunctionRef {
    Name(FunctionName),
    Arn(FunctionArn),
}

impl FunctionRef {
    pub fn name(&self) -> FunctionName {
        match self {
            FunctionRef::Name(n) => n.clone(),
            FunctionRef::Arn(a) => a.name(),
        }
    }
    /// What the Lambda API accepts as `FunctionName`: the name or the full ARN.
    pub fn api_id(&self) -> String {
        self.to_string()
    }
    pub fn region(&self) -> Option<&str> {
        match self {
            FunctionRef::Name(_) => None,
            FunctionRef::Arn(a) => Some(a.region()),
        }
    }
    /// The account the reference pins, if it pins one.
    pub fn account(&self) -> Option<&str> {
        match self {
            FunctionRef::Name(_) => None,
            FunctionRef::Arn(a) => Some(a.account()),
        }
    }
    /// The alias or version the reference names, kept and compared exactly.
    pub fn qualifier(&self) -> Option<&str> {
        match self {
            FunctionRef::Name(_) => None,
            FunctionRef::Arn(a) => a.qualifier(),
        }
    }
}

impl FromStr for FunctionRef {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("arn:") {
            s.parse().map(FunctionRef::Arn)
        } else {
            s.parse().map(FunctionRef::Name).map_err(|e: ParseError| {
                ParseError::new("function", s, &format!("{} (or give the function's ARN)", e.why))
            })
        }
    }
}

impl fmt::Display for FunctionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FunctionRef::Name(n) => n.fmt(f),
            FunctionRef::Arn(a) => a.fmt(f),
        }
    }
}

/// A KMS key as the user named it: `alias/NAME`, a key id, a key ARN or an alias ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRef {
    Alias(String),
    Id(String),
    Arn(KeyArn),
    AliasArn(String),
}

impl KeyRef {
    /// The AWS managed key for SQS; it cannot be used by a function in another account.
    pub fn is_aws_managed_sqs_alias(&self) -> bool {
        match self {
            KeyRef::Alias(a) => a == "alias/aws/sqs",
            KeyRef::AliasArn(a) => a.ends_with(":alias/aws/sqs"),
            _ => false,
        }
    }
}

impl FromStr for KeyRef {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ParseError::new("KMS key", s, why);
        if s.starts_with("arn:") {
            if s.contains(":alias/") {
                let arn: super::arn::Arn = s.parse()?;
                if arn.service != "kms" {
                    return Err(bad("the service must be `kms`"));
                }
                if arn.region.is_empty() || arn.account.is_empty() {
                    return Err(bad(
                        "an alias ARN names its region and account: arn:aws:kms:REGION:ACCOUNT:alias/NAME",
                    ));
                }
                if !arn.resource.strip_prefix("alias/").is_some_and(is_alias_name) {
                    return Err(bad("an alias is `alias/` followed by letters, digits, `/`, `_` and `-`"));
                }
                return Ok(KeyRef::AliasArn(s.to_owned()));
            }
            return s.parse().map(KeyRef::Arn);
        }
        if let Some(alias) = s.strip_prefix("alias/") {
            if !is_alias_name(alias) {
                return Err(bad("an alias is `alias/` followed by letters, digits, `/`, `_` and `-`"));
            }
            return Ok(KeyRef::Alias(s.to_owned()));
        }
        if is_key_id(s) {
            return Ok(KeyRef::Id(s.to_owned()));
        }
        Err(bad(
            "expected alias/NAME, a key id (1234abcd-12ab-34cd-56ef-1234567890ab, or mrk- and 32 hex digits), or a key ARN",
        ))
    }
}

/// The part of an alias after `alias/`: 1-250 letters, digits, `/`, `_` and `-`.
fn is_alias_name(alias: &str) -> bool {
    !alias.is_empty() && alias.len() <= 250 && alias.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c))
}

/// A KMS key id: a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`), or `mrk-` and 32 hex digits
/// for a multi-Region key.
fn is_key_id(s: &str) -> bool {
    let hex = |p: &str, len: usize| p.len() == len && p.chars().all(|c| c.is_ascii_hexdigit());
    if let Some(rest) = s.strip_prefix("mrk-") {
        return hex(rest, 32);
    }
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, len)| hex(p, len))
}

impl fmt::Display for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyRef::Alias(s) | KeyRef::Id(s) | KeyRef::AliasArn(s) => f.write_str(s),
            KeyRef::Arn(a) => a.fmt(f),
        }
    }
}

macro_rules! display_serialize {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    )*};
}
display_serialize!(QueueName, FunctionName, QueueUrl);

macro_rules! serialize_display {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    )*};
}
serialize_display!(QueueRef, FunctionRef, KeyRef);

/// How a character is shown in an error: printable ones quoted, others by code point.
fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() { format!("the character U+{:04X}", c as u32) } else { format!("`{c}`") }
}

/// Shortens long user input for error messages so a 10 000-character name does not flood
/// the terminal.
pub fn shorten(s: &str) -> String {
    let cleaned: String = s.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect();
    if cleaned.chars().count() > MAX_SHOWN {
        let head: String = cleaned.chars().take(MAX_SHOWN).collect();
        format!("{head}… ({} characters)", s.chars().count())
    } else {
        cleaned
    }
}

/// `shorten` applied to each over-long word of a line (for messages that quote user input).
pub fn shorten_words(line: &str) -> String {
    line.split(' ')
        .map(|w| if w.chars().count() > MAX_SHOWN { shorten(w) } else { w.to_owned() })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sibling_queue_url_keeps_the_host_and_account() {
        let name = |n: &str| n.parse::<QueueName>().unwrap();
        for (url, sibling) in [
            (
                "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq",
            ),
            (
                "https://eu-west-1.queue.amazonaws.com/123456789012/orders/",
                "https://eu-west-1.queue.amazonaws.com/123456789012/orders-dlq",
            ),
            ("http://127.0.0.1:4566/000000000000/orders", "http://127.0.0.1:4566/000000000000/orders-dlq"),
        ] {
            let url: QueueUrl = url.parse().unwrap();
            let got = url.sibling(&name("orders-dlq"));
            assert_eq!(got.as_str(), sibling);
            assert_eq!((got.account(), got.name().as_str()), (url.account(), "orders-dlq"));
            assert_eq!(got, sibling.parse::<QueueUrl>().unwrap());
        }
    }

    #[test]
    fn queue_names() {
        for ok in [
            "a",
            "orders",
            "orders-dlq",
            "Orders_1",
            "orders.fifo",
            &"q".repeat(80),
            &format!("{}.fifo", "q".repeat(75)),
        ] {
            assert!(ok.parse::<QueueName>().is_ok(), "{ok}");
        }
        for bad in [
            "",
            ".fifo",
            "has space",
            "dot.name",
            "slash/name",
            &"q".repeat(81),
            &format!("{}.fifo", "q".repeat(76)),
            "tab\tname",
            "ünicode",
        ] {
            assert!(bad.parse::<QueueName>().is_err(), "{bad}");
        }
    }

    #[test]
    fn default_dlq_names() {
        let q: QueueName = "orders".parse().unwrap();
        assert_eq!(q.default_dlq().unwrap().as_str(), "orders-dlq");
        let f: QueueName = "orders.fifo".parse().unwrap();
        assert_eq!(f.default_dlq().unwrap().as_str(), "orders-dlq.fifo");
        let long: QueueName = "q".repeat(78).parse().unwrap();
        let err = long.default_dlq().unwrap_err();
        assert!(err.to_string().contains("--dlq"), "{err}");
    }

    #[test]
    fn queue_urls() {
        let u: QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/orders".parse().unwrap();
        assert_eq!(u.account(), "123456789012");
        assert_eq!(u.name().as_str(), "orders");
        assert_eq!(u.region(), Some("us-east-1"));
        let local: QueueUrl = "http://127.0.0.1:4566/123456789012/orders.fifo".parse().unwrap();
        assert_eq!(local.region(), None);
        assert_eq!(local.to_string(), "http://127.0.0.1:4566/123456789012/orders.fifo");
        for bad in [
            "ftp://x/123456789012/q",
            "https:///123456789012/q",
            "https://h/12/q",
            "https://h/123456789012",
            "https://h/123456789012/q/extra",
            "https://h/123456789012/bad name",
        ] {
            assert!(bad.parse::<QueueUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn queue_refs() {
        assert!(matches!("orders".parse::<QueueRef>(), Ok(QueueRef::Name(_))));
        assert!(matches!(
            "https://sqs.us-east-1.amazonaws.com/123456789012/orders".parse::<QueueRef>(),
            Ok(QueueRef::Url(_))
        ));
        let arn: QueueRef = "arn:aws:sqs:eu-west-1:123456789012:orders".parse().unwrap();
        assert_eq!(arn.region(), Some("eu-west-1"));
        assert_eq!(arn.name().as_str(), "orders");
    }

    #[test]
    fn function_refs() {
        assert!(matches!("worker".parse::<FunctionRef>(), Ok(FunctionRef::Name(_))));
        let f: FunctionRef = "arn:aws:lambda:us-east-1:123456789012:function:worker".parse().unwrap();
        assert_eq!(f.name().as_str(), "worker");
        assert!("bad name".parse::<FunctionRef>().is_err());
        assert!("x".repeat(65).parse::<FunctionRef>().is_err());
        assert_eq!(FunctionName::new_unchecked("w").default_log_group(), "/aws/lambda/w");
    }

    #[test]
    fn key_refs() {
        assert!(matches!("alias/orders".parse::<KeyRef>(), Ok(KeyRef::Alias(_))));
        assert!(matches!("1234abcd-12ab-34cd-56ef-1234567890ab".parse::<KeyRef>(), Ok(KeyRef::Id(_))));
        assert!(matches!("mrk-1234abcd12ab34cd56ef1234567890ab".parse::<KeyRef>(), Ok(KeyRef::Id(_))));
        assert!(matches!("arn:aws:kms:us-east-1:123456789012:key/1234abcd".parse::<KeyRef>(), Ok(KeyRef::Arn(_))));
        assert!(matches!("arn:aws:kms:us-east-1:123456789012:alias/x".parse::<KeyRef>(), Ok(KeyRef::AliasArn(_))));
        assert!("alias/aws/sqs".parse::<KeyRef>().unwrap().is_aws_managed_sqs_alias());
        for bad in [
            "",
            "alias/",
            "not a key",
            "alias/has space",
            "deadbeef",
            "mrk-1234",
            "1234abcd-12ab-34cd-56ef",
            "arn:aws:kms:us-east-1:123456789012:alias/",
            "arn:aws:kms:us-east-1:123456789012:alias/has space",
            "arn:aws:kms::123456789012:alias/x",
        ] {
            assert!(bad.parse::<KeyRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shortens_long_words_in_a_line() {
        let line = format!("invalid value '{}' for '--n'", "9".repeat(10_000));
        let short = shorten_words(&line);
        assert!(short.len() < 150 && short.ends_with("for '--n'"), "{short}");
    }

    #[test]
    fn shortens_hostile_input() {
        let long = "x".repeat(10_000);
        let s = shorten(&long);
        assert!(s.len() < 100 && s.contains("10000 characters"));
        assert_eq!(shorten("a\u{1b}b"), "a\u{FFFD}b");
    }
}
