//! One `SdkConfig`, built from the global flags and the standard AWS chain, and the service
//! clients built from it once and passed to every command.

pub mod answer;
pub mod errors;
pub mod traffic;

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, Region, SdkConfig};

pub use errors::{AwsResultExt, is_access_denied, is_not_found};
pub use traffic::{Limits, RequestStats, ServiceLimits};

use crate::gather::cache::FactCache;
use answer::WholeAnswer;

use crate::error::Error;

/// Where and how to talk to AWS: the validated global flags.
#[derive(Clone, Debug, Default)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub max_attempts: Option<u32>,
    pub connect_timeout: Duration,
    pub operation_timeout: Duration,
    /// Adaptive retry (client-side rate limiting) with more attempts, for many-call audits.
    pub adaptive_retry: bool,
}

impl AwsSettings {
    /// Where requests go, for error messages: the endpoint URL, or AWS in the region.
    pub fn describe_endpoint(&self, region: &str) -> String {
        let env = std::env::var("AWS_ENDPOINT_URL").ok().filter(|v| !v.is_empty());
        match self.endpoint_url.clone().or(env) {
            Some(url) => format!("endpoint {url}"),
            None => format!("AWS in {region}"),
        }
    }
}

impl AwsSettings {
    /// The endpoint requests go to when one is set (flag, else `AWS_ENDPOINT_URL`).
    pub fn endpoint(&self) -> Option<String> {
        let env = std::env::var("AWS_ENDPOINT_URL").ok().filter(|v| !v.is_empty());
        self.endpoint_url.clone().or(env)
    }
}

/// A warning when requests would cross a network unencrypted: `http://` to a host that is not
/// this machine (request bodies carry queue messages and policy documents).
pub fn cleartext_warning(endpoint: &str) -> Option<String> {
    let rest = endpoint.strip_prefix("http://")?;
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']').next().unwrap_or_default().trim_start_matches('[')
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| {
        format!(
            "warning: {endpoint} is plain http to another machine: request contents (messages, policies) cross the \
             network unencrypted; use https://"
        )
    })
}

/// Loads the one `SdkConfig` of this run. Fails with a usage error when no region is
/// configured anywhere, before any request.
pub async fn load_config(settings: &AwsSettings) -> Result<SdkConfig, Error> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Ok(name) = AppName::new(crate::APP_NAME) {
        loader = loader.app_name(name);
    }
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if settings.adaptive_retry {
        let attempts = settings.max_attempts.unwrap_or(8);
        // A short first backoff: a throttled read of a role holds every trigger that shares it.
        loader = loader.retry_config(
            RetryConfig::adaptive().with_max_attempts(attempts).with_initial_backoff(Duration::from_millis(100)),
        );
    } else if let Some(attempts) = settings.max_attempts {
        loader = loader.retry_config(RetryConfig::standard().with_max_attempts(attempts));
    }
    // The per-attempt bound makes a hung endpoint fail; the whole-operation bound covers
    // every retry of it, so one call can never take longer than attempts × attempt timeout.
    let attempts = settings.max_attempts.unwrap_or(3).max(1);
    loader = loader.timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(settings.connect_timeout)
            .operation_attempt_timeout(settings.operation_timeout)
            .operation_timeout(settings.operation_timeout * attempts + Duration::from_secs(20))
            .build(),
    );
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(Error::usage(
            "no AWS region configured: pass --region, set AWS_REGION, or set a region in your profile",
        ));
    }
    Ok(config)
}

/// Every service client this tool uses, built once from one `SdkConfig` (one account's
/// credentials, one region), with what the run shares: the fact cache of that account, the
/// per-service bounds and the request counter.
#[derive(Clone, Debug)]
pub struct Clients {
    pub sqs: aws_sdk_sqs::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub iam: aws_sdk_iam::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// CloudWatch metrics: read only (`cloudwatch:GetMetricData`, `doctor --metrics`).
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sts: aws_sdk_sts::Client,
    pub kms: aws_sdk_kms::Client,
    /// Upstream of a queue (doctor): SNS subscriptions, EventBridge rules, S3 notifications;
    /// read only.
    pub sns: aws_sdk_sns::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub s3: aws_sdk_s3::Client,
    /// The region requests go to.
    pub region: String,
    /// Facts already read with these credentials (off unless the command turns it on).
    pub cache: Arc<FactCache>,
    /// Requests in flight per service.
    pub limits: Arc<Limits>,
    /// What every client of the run sent, throttled and retried.
    pub stats: Arc<RequestStats>,
    /// The configuration the clients were built from (others are derived from it: another
    /// region, another account's credentials).
    pub config: SdkConfig,
}

impl Clients {
    pub fn new(config: &SdkConfig) -> Self {
        Clients::with_shared(config, FactCache::off(), Limits::unbounded(), Arc::new(RequestStats::default()))
    }

    /// Clients sharing a cache (one account's), bounds and a counter with others of the run.
    pub fn with_shared(
        config: &SdkConfig,
        cache: Arc<FactCache>,
        limits: Arc<Limits>,
        stats: Arc<RequestStats>,
    ) -> Self {
        let counter = stats.counter();
        Clients {
            sqs: aws_sdk_sqs::Client::from_conf(
                aws_sdk_sqs::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            lambda: aws_sdk_lambda::Client::from_conf(
                aws_sdk_lambda::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                aws_sdk_cloudwatchlogs::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                aws_sdk_cloudwatch::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            kms: aws_sdk_kms::Client::from_conf(
                aws_sdk_kms::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            sns: aws_sdk_sns::Client::from_conf(
                aws_sdk_sns::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            events: aws_sdk_eventbridge::Client::from_conf(
                aws_sdk_eventbridge::config::Builder::from(config)
                    .interceptor(counter.clone())
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            // A custom endpoint (an emulator, a proxy) names no bucket host: path-style requests.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(config)
                    .force_path_style(config.endpoint_url().is_some())
                    .interceptor(counter)
                    .interceptor(WholeAnswer)
                    .build(),
            ),
            region: config.region().map(|r| r.to_string()).unwrap_or_default(),
            cache,
            limits,
            stats,
            config: config.clone(),
        }
    }

    /// Clients for tests that mock some services at the SDK boundary (`aws-smithy-mocks`):
    /// every service starts out pointed at a closed loopback port, so one a test does not mock
    /// answers nothing and no request can leave the machine. Replace the fields to mock.
    pub fn offline() -> Self {
        let config = SdkConfig::builder()
            .region(Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .behavior_version(BehaviorVersion::latest())
            .build();
        Clients::new(&config)
    }
}

#[cfg(test)]
mod cleartext_tests {
    use super::cleartext_warning;

    #[test]
    fn warns_only_for_http_off_this_machine() {
        for quiet in ["http://127.0.0.1:4566", "http://localhost:4566/", "http://[::1]:80", "https://sqs.example.com"] {
            assert!(cleartext_warning(quiet).is_none(), "{quiet}");
        }
        for loud in ["http://10.0.0.5:4566", "http://emulator.internal", "http://user@192.168.1.2:80/x"] {
            assert!(cleartext_warning(loud).is_some_and(|w| w.contains("unencrypted")), "{loud}");
        }
    }
}
