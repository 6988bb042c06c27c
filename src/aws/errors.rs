//! Named predicates over AWS errors, and the conversion of SDK errors into `AwsError`s
//! that say which call failed, on what, and what to do. No string matching elsewhere.

use std::error::Error as StdError;
use std::fmt::{Debug, Display};

use aws_sdk_sqs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::error::{AwsError, AwsErrorKind, Error, RawAnswer};

const NOT_FOUND: &[&str] = &[
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "NonExistentQueue",
    "ResourceNotFoundException",
    "ResourceNotFound",
    "NoSuchEntity",
    "NotFoundException",
    "NotFound",
];

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "UnauthorizedException",
    "KMS.AccessDeniedException",
];

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "SlowDown",
    "AWS.SimpleQueueService.RequestThrottled",
];

const CREDENTIALS: &[&str] = &[
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
];

pub fn is_not_found_code(code: Option<&str>) -> bool {
    code.is_some_and(|c| NOT_FOUND.contains(&c))
}

pub fn is_access_denied_code(code: Option<&str>) -> bool {
    code.is_some_and(|c| ACCESS_DENIED.contains(&c))
}

pub fn is_throttling_code(code: Option<&str>) -> bool {
    code.is_some_and(|c| THROTTLING.contains(&c))
}

/// Is this SDK error "the resource does not exist"?
pub fn is_not_found<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    is_not_found_code(err.code())
}

/// Is this SDK error "you may not do this"?
pub fn is_access_denied<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    is_access_denied_code(err.code())
}

pub fn code_of<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<String> {
    err.code().map(str::to_owned)
}

/// Converts an SDK error into an `AwsError` naming the action and resource.
/// What an answer that does not parse is called, instead of quoting it.
const UNREADABLE: &str = "unexpected answer: the response could not be read (run with -vv to see it)";

pub fn to_aws_error<E, R>(action: &'static str, resource: &dyn Display, err: &SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: Debug + 'static,
{
    let code = err.code().map(str::to_owned);
    let (kind, message) = match err {
        SdkError::TimeoutError(_) => (AwsErrorKind::Timeout, "no answer in time".to_owned()),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            (AwsErrorKind::Timeout, format!("no answer in time ({})", DisplayErrorContext(err)))
        }
        SdkError::DispatchFailure(failure) if failure.is_io() => {
            // One line: where, and why in a few words; the SDK's whole chain only at -v.
            tracing::info!("{action} on {resource}: {err:?}");
            (AwsErrorKind::Unreachable, cannot_connect(action, err))
        }
        SdkError::DispatchFailure(_) | SdkError::ConstructionFailure(_) => {
            let text = DisplayErrorContext(err).to_string();
            let kind = if text.to_ascii_lowercase().contains("credential") {
                AwsErrorKind::Credentials
            } else {
                AwsErrorKind::Unreachable
            };
            (kind, text)
        }
        // An answer that could not be read: one line naming the call; the raw response (it can
        // be several KB) only at -vv.
        SdkError::ResponseError(_) => {
            tracing::debug!("{action} on {resource}: unreadable answer: {}", DisplayErrorContext(err));
            (AwsErrorKind::Service, UNREADABLE.to_owned())
        }
        _ => {
            let c = code.as_deref();
            let kind = if is_not_found_code(c) {
                AwsErrorKind::NotFound
            } else if is_access_denied_code(c) {
                AwsErrorKind::AccessDenied
            } else if is_throttling_code(c) {
                AwsErrorKind::Throttling
            } else if c.is_some_and(|c| CREDENTIALS.contains(&c)) {
                AwsErrorKind::Credentials
            } else if c.is_some_and(|c| c.contains("Invalid") || c.contains("Validation")) {
                AwsErrorKind::InvalidRequest
            } else {
                AwsErrorKind::Service
            };
            let message = match (err.message(), &code) {
                (Some(message), _) => message.to_owned(),
                (None, Some(code)) => code.clone(),
                (None, None) => {
                    tracing::debug!("{action} on {resource}: unreadable answer: {}", DisplayErrorContext(err));
                    UNREADABLE.to_owned()
                }
            };
            (kind, message)
        }
    };
    let resource = resource.to_string();
    let hint = hint_for(kind, action, &resource);
    AwsError { action, resource, kind, code, message: one_line(&message), hint, answer: raw_answer(err) }
}

/// `cannot connect to URL (connection refused)`: the endpoint the run talks to (or AWS's, for
/// the call's service in the run's region) and the innermost cause the connector gave.
fn cannot_connect(action: &str, err: &dyn StdError) -> String {
    let connection = crate::connection::current();
    let to = connection.and_then(|c| c.endpoint_url.clone()).unwrap_or_else(|| {
        let service = action.split(':').next().unwrap_or("aws");
        match connection.and_then(|c| c.region.as_deref()) {
            Some(region) => format!("AWS ({service} in {region})"),
            None => format!("AWS ({service})"),
        }
    });
    format!("cannot connect to {to} ({})", connect_cause(err))
}

/// The cause of a failed connection in a few words: the I/O error's kind when the chain holds
/// one, else the innermost message without its `(os error N)`.
pub(crate) fn connect_cause(err: &dyn StdError) -> String {
    let mut innermost = err.to_string();
    let mut next = err.source();
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            let known = match io.kind() {
                K::ConnectionRefused => Some("connection refused"),
                K::ConnectionReset => Some("connection reset"),
                K::ConnectionAborted => Some("connection aborted"),
                K::TimedOut => Some("timed out"),
                K::HostUnreachable => Some("host unreachable"),
                K::NetworkUnreachable => Some("network unreachable"),
                K::AddrNotAvailable => Some("address not available"),
                _ => None,
            };
            if let Some(known) = known {
                return known.to_owned();
            }
        }
        innermost = e.to_string();
        next = e.source();
    }
    let text = match innermost.find(" (os error") {
        Some(at) => innermost[..at].to_owned(),
        None => innermost,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "no cause given".to_owned(),
    }
}

/// The status and the first 200 bytes of the body of the answer behind `err`, when one came.
fn raw_answer<E, R: 'static>(err: &SdkError<E, R>) -> Option<Box<RawAnswer>> {
    let raw = err.raw_response()?;
    let http = (raw as &dyn std::any::Any).downcast_ref::<aws_sdk_sqs::config::http::HttpResponse>()?;
    let body = http.body().bytes().unwrap_or_default();
    let head = &body[..body.len().min(200)];
    Some(Box::new(RawAnswer { status: http.status().as_u16(), body: String::from_utf8_lossy(head).into_owned() }))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hint_for(kind: AwsErrorKind, action: &str, resource: &str) -> Option<String> {
    Some(match kind {
        AwsErrorKind::AccessDenied => format!("the caller needs `{action}` on {resource}: add it to your IAM policy"),
        AwsErrorKind::NotFound => format!("check the name, the account and the region (--region) of {resource}"),
        AwsErrorKind::Throttling => {
            "AWS kept throttling after every retry: try again later or raise --max-attempts".to_owned()
        }
        AwsErrorKind::Timeout => {
            "the endpoint did not answer in time: check --endpoint-url and the network, or raise --operation-timeout"
                .to_owned()
        }
        AwsErrorKind::Unreachable => {
            "could not reach the AWS endpoint: check --endpoint-url / AWS_ENDPOINT_URL and the network".to_owned()
        }
        AwsErrorKind::Credentials => {
            "no valid AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`"
                .to_owned()
        }
        AwsErrorKind::InvalidRequest | AwsErrorKind::Service => return None,
    })
}

/// `.aws("sqs:CreateQueue", &name)?` at call sites: converts the SDK error into our `Error`.
pub trait AwsResultExt<T> {
    fn aws(self, action: &'static str, resource: &dyn Display) -> Result<T, Error>;
    /// Like `aws`, but keeps the `AwsError` so callers can inspect its kind.
    fn aws_err(self, action: &'static str, resource: &dyn Display) -> Result<T, AwsError>;
}

impl<T, E, R> AwsResultExt<T> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: Debug + 'static,
{
    fn aws(self, action: &'static str, resource: &dyn Display) -> Result<T, Error> {
        self.aws_err(action, resource).map_err(Error::Aws)
    }

    fn aws_err(self, action: &'static str, resource: &dyn Display) -> Result<T, AwsError> {
        self.map_err(|err| {
            tracing::debug!(action, %resource, error = %DisplayErrorContext(&err), "AWS call failed");
            to_aws_error(action, resource, &err)
        })
    }
}

/// Lambda is still creating, updating or deleting the resource (an event source mapping in
/// `Creating`/`Updating`): the call can be made again once it settles.
pub fn is_resource_in_use(err: &AwsError) -> bool {
    err.code.as_deref() == Some("ResourceInUseException")
}

/// Lambda's answer while a freshly granted execution role has not reached it yet ("The
/// function execution role does not have permissions to call ReceiveMessage on SQS"): IAM is
/// eventually consistent, so the same call succeeds a little later.
pub fn is_role_not_ready(err: &AwsError) -> bool {
    err.code.as_deref() == Some("InvalidParameterValueException")
        && err.message.to_ascii_lowercase().contains("execution role does not have permissions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_know_the_codes() {
        assert!(is_not_found_code(Some("AWS.SimpleQueueService.NonExistentQueue")));
        assert!(is_not_found_code(Some("ResourceNotFoundException")));
        assert!(is_not_found_code(Some("NoSuchEntity")));
        assert!(!is_not_found_code(Some("AccessDenied")));
        assert!(!is_not_found_code(None));
        assert!(is_access_denied_code(Some("AccessDeniedException")));
        assert!(is_throttling_code(Some("ThrottlingException")));
        assert!(!is_throttling_code(Some("InternalFailure")));
    }

    #[test]
    fn retryable_lambda_answers() {
        let err = |code: &str, message: &str| AwsError {
            action: "lambda:CreateEventSourceMapping",
            resource: "q".into(),
            kind: AwsErrorKind::InvalidRequest,
            code: Some(code.into()),
            message: message.into(),
            answer: None,
            hint: None,
        };
        let role = "The function execution role does not have permissions to call ReceiveMessage on SQS";
        assert!(is_role_not_ready(&err("InvalidParameterValueException", role)));
        assert!(!is_role_not_ready(&err("InvalidParameterValueException", "BatchSize too large")));
        assert!(!is_role_not_ready(&err("AccessDeniedException", role)));
        assert!(is_resource_in_use(&err("ResourceInUseException", "busy")));
        assert!(!is_resource_in_use(&err("ResourceConflictException", "exists")));
    }

    #[test]
    fn hints_name_the_action_and_resource() {
        let hint = hint_for(AwsErrorKind::AccessDenied, "sqs:CreateQueue", "orders").unwrap();
        assert!(hint.contains("sqs:CreateQueue") && hint.contains("orders"));
        assert!(hint_for(AwsErrorKind::Service, "x", "y").is_none());
    }
}
