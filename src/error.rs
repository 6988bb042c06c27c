//! The library's errors and the one exit-code enum.

use std::fmt;
use std::process::ExitCode;

use serde::Serialize;

use crate::model::ParseError;

/// How the process ends. The numbers are part of the contract (DESIGN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ExitStatus {
    /// Done; every check passed (warnings allowed); probe confirmed.
    Success,
    /// A check failed: an error-level finding, a probe not confirmed, a refused preflight.
    CheckFailed,
    /// Bad usage or bad input: nothing was sent to AWS.
    Usage,
    /// An AWS call failed after retries.
    Aws,
    /// Interrupted (SIGINT).
    Interrupted,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::CheckFailed => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Aws => 3,
            ExitStatus::Interrupted => 130,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}

/// What kind of AWS failure this was: decides the hint the user sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AwsErrorKind {
    NotFound,
    AccessDenied,
    Throttling,
    Timeout,
    Unreachable,
    Credentials,
    InvalidRequest,
    Service,
}

/// A failed AWS call, with what was being done and to what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwsError {
    /// The IAM action of the call, e.g. `sqs:CreateQueue`.
    pub action: &'static str,
    /// The resource the call was about (name, URL or ARN).
    pub resource: String,
    pub kind: AwsErrorKind,
    /// The AWS error code, when AWS answered.
    pub code: Option<String>,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The HTTP status and the start of the body, when an answer came (shown at `-v` for a
    /// skipped read; never part of the JSON).
    #[serde(skip)]
    pub answer: Option<Box<RawAnswer>>,
}

/// What an endpoint answered, as far as a person needs it to see why a read failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawAnswer {
    pub status: u16,
    /// The first 200 bytes of the body (lossy UTF-8).
    pub body: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `cannot connect to URL (cause)` says it all, on one line: no request was answered.
        if self.kind == AwsErrorKind::Unreachable && self.message.starts_with("cannot connect to ") {
            return f.write_str(&self.message);
        }
        write!(f, "{} on {} failed: ", self.action, self.resource)?;
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message)?,
            None => f.write_str(&self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AwsError {}

impl AwsError {
    /// The resource does not exist: the one builder every command uses for it.
    pub fn not_found(action: &'static str, resource: &dyn fmt::Display, message: impl Into<String>) -> AwsError {
        AwsError {
            action,
            resource: resource.to_string(),
            kind: AwsErrorKind::NotFound,
            code: None,
            message: message.into(),
            answer: None,
            hint: Some(format!("check the name, the account and the region (--region) of {resource}")),
        }
    }

    /// AWS answered, but not in the shape its API documents (exit 3, like any failed call).
    pub fn unexpected(action: &'static str, resource: &dyn fmt::Display, why: impl fmt::Display) -> AwsError {
        AwsError {
            action,
            resource: resource.to_string(),
            kind: AwsErrorKind::Service,
            code: None,
            message: format!("unexpected answer: {why}"),
            answer: None,
            hint: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad usage or input, found before anything was sent.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// SIGINT. `done` lists what had already been changed, so a re-run can converge;
    /// `in_flight` the writes sent but not answered (they may have happened).
    #[error("interrupted")]
    Interrupted { done: Vec<String>, in_flight: Vec<String> },
    /// Something was refused for a reason the user can act on (exit 1, like a failed check).
    #[error("{0}")]
    Refused(String),
    /// Writing the output failed (a closed pipe, a full disk).
    #[error("cannot write {what}: {source}")]
    Io { what: String, source: std::io::Error },
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { what: what.into(), source }
    }

    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Error::Usage(_) | Error::Parse(_) => ExitStatus::Usage,
            Error::Aws(_) => ExitStatus::Aws,
            Error::Interrupted { .. } => ExitStatus::Interrupted,
            Error::Refused(_) | Error::Io { .. } => ExitStatus::CheckFailed,
        }
    }

    /// Stdout was closed by its reader (a pipe into `head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Error::Usage(_) | Error::Parse(_) => "usage",
            Error::Aws(_) => "aws",
            Error::Interrupted { .. } => "interrupted",
            // docs/json.md and docs/schema/error.v1.json.
            Error::Refused(_) => "refused",
            Error::Io { .. } => "io",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
