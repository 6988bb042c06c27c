//! Typed values: ARNs, names, references and durations parsed at the edge; the fact structs
//! that checks read; and findings.

pub mod access;
pub mod arn;
pub mod duration;
pub mod facts;
pub mod finding;
pub mod metrics;
pub mod names;
pub mod producers;

pub use arn::{Arn, FunctionArn, KeyArn, QueueArn, RoleArn};
pub use duration::HumanDuration;
pub use finding::{Finding, FindingCode, Severity};
pub use names::{FunctionName, FunctionRef, KeyRef, QueueName, QueueRef, QueueUrl};

use std::fmt;

/// A user input that does not parse. Its message names what was expected, so the user can
/// fix the command line without reading the docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub what: &'static str,
    pub input: String,
    pub why: String,
}

impl ParseError {
    pub fn new(what: &'static str, input: &str, why: &str) -> Self {
        ParseError { what, input: names::shorten(input), why: why.to_owned() }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} `{}`: {}", self.what, self.input, self.why)
    }
}

impl std::error::Error for ParseError {}
