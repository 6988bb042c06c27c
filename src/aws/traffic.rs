//! How much this run asks of AWS, and how fast: a count of requests, attempts and throttled
//! answers taken in the SDK's own retry loop (an interceptor on every client), and per-service
//! bounds on requests in flight (IAM's rate limits are low and account-wide, Lambda's and
//! SQS's much higher).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_sts::config::interceptors::{BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef};
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::BoxError;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use serde::Serialize;
use tokio::sync::Semaphore;

/// What the run sent, counted by the interceptor.
#[derive(Debug, Default)]
pub struct RequestStats {
    requests: AtomicU64,
    retried: AtomicU64,
    throttled: AtomicU64,
}

/// A snapshot of `RequestStats`, for reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RequestCounts {
    /// API requests sent (each operation once, however many attempts it took; one dropped
    /// before it was sent is not counted).
    pub requests: u64,
    /// Attempts beyond the first (throttled or failed transiently, then sent again).
    pub retried: u64,
    /// Attempts AWS answered with a throttling error.
    pub throttled: u64,
}

impl RequestStats {
    pub fn counts(&self) -> RequestCounts {
        RequestCounts {
            requests: self.requests.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
        }
    }

    /// The interceptor to put on every client of the run.
    pub fn counter(self: &Arc<Self>) -> Counter {
        Counter(self.clone())
    }
}

/// Counts requests, retries and throttled answers.
#[derive(Clone, Debug)]
pub struct Counter(Arc<RequestStats>);

/// Marks an operation whose first attempt was sent (kept in its own config bag).
#[derive(Clone, Debug)]
struct Attempted;

impl Storable for Attempted {
    type Storer = StoreReplace<Self>;
}

impl Intercept for Counter {
    fn name(&self) -> &'static str {
        "sqs-trigger request counter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<Attempted>().is_some() {
            self.0.retried.fetch_add(1, Ordering::Relaxed);
        } else {
            cfg.interceptor_state().store_put(Attempted);
            self.0.requests.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(response) = context.response() {
            let body = response.body().bytes().unwrap_or_default();
            if is_throttling(response.status().as_u16(), body) {
                self.0.throttled.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}

/// Whether an answer is AWS saying "slow down": HTTP 429, or an error code of the throttling
/// family in the body (IAM `Throttling`, Lambda `TooManyRequestsException`, SQS
/// `RequestThrottled`, KMS `ThrottlingException`, ...).
pub fn is_throttling(status: u16, body: &[u8]) -> bool {
    if status == 429 {
        return true;
    }
    if status < 400 {
        return false;
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(2048)]);
    ["Throttling", "ThrottlingException", "TooManyRequests", "RequestThrottled", "RequestLimitExceeded", "SlowDown"]
        .iter()
        .any(|code| text.contains(code))
}

/// Requests in flight per service: a request waits for a permit of its service.
#[derive(Debug)]
pub struct Limits {
    pub iam: Semaphore,
    pub sts: Semaphore,
    pub kms: Semaphore,
    pub lambda: Semaphore,
    pub sqs: Semaphore,
}

/// The per-service bounds of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceLimits {
    pub iam: usize,
    pub sts: usize,
    pub kms: usize,
    pub lambda: usize,
    pub sqs: usize,
}

impl ServiceLimits {
    /// No bound beyond the command's own (single-trigger commands).
    pub const UNBOUNDED: ServiceLimits =
        ServiceLimits { iam: Semaphore::MAX_PERMITS, sts: 64, kms: 64, lambda: 64, sqs: 64 };

    /// The bounds for `concurrency` triggers at once: IAM (account-wide limits of a few
    /// requests per second for some calls) at most 4 in flight, STS and KMS 8, Lambda and SQS
    /// twice the triggers (a trigger reads its queue's attributes and tags together).
    pub fn for_concurrency(concurrency: usize) -> ServiceLimits {
        let c = concurrency.max(1);
        ServiceLimits { iam: c.min(4), sts: c.min(8), kms: c.min(8), lambda: 2 * c, sqs: 2 * c }
    }
}

impl Limits {
    pub fn new(limits: ServiceLimits) -> Arc<Limits> {
        let s = |n: usize| Semaphore::new(n.clamp(1, Semaphore::MAX_PERMITS));
        Arc::new(Limits {
            iam: s(limits.iam),
            sts: s(limits.sts),
            kms: s(limits.kms),
            lambda: s(limits.lambda),
            sqs: s(limits.sqs),
        })
    }

    pub fn unbounded() -> Arc<Limits> {
        Limits::new(ServiceLimits::UNBOUNDED)
    }
}

/// Runs `request` once a permit of `service` is free.
pub async fn limited<F: Future>(service: &Semaphore, request: F) -> F::Output {
    let _permit = service.acquire().await.ok();
    request.await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_throttling_answers() {
        assert!(is_throttling(429, b""));
        let iam =
            b"<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        assert!(is_throttling(400, iam));
        assert!(is_throttling(429, br#"{"__type":"TooManyRequestsException"}"#));
        assert!(!is_throttling(400, br#"{"__type":"AccessDeniedException"}"#));
        assert!(!is_throttling(200, b"Throttling"));
    }

    #[test]
    fn iam_is_bounded_lower_than_lambda_and_sqs() {
        let l = ServiceLimits::for_concurrency(32);
        assert_eq!((l.iam, l.lambda, l.sqs), (4, 64, 64));
        assert_eq!(ServiceLimits::for_concurrency(1).iam, 1);
    }
}
