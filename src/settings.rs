//! Turns clap's raw arguments into validated, typed settings. Everything a user can get
//! wrong is caught here, before any AWS call, and reported as a usage error (exit 2).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::aws::AwsSettings;
use crate::cli::{self, GlobalArgs};
use crate::error::Error;
use crate::model::{FunctionRef, HumanDuration, KeyRef, QueueName, QueueRef, names::shorten};

/// Parses a duration flag, naming the flag in the error.
pub fn duration_flag(flag: &str, text: &str) -> Result<Duration, Error> {
    text.parse::<HumanDuration>().map(HumanDuration::as_duration).map_err(|e| Error::usage(format!("--{flag}: {e}")))
}

pub fn queue_flag(text: &str) -> Result<QueueRef, Error> {
    text.parse().map_err(|e| Error::usage(format!("--queue: {e}")))
}

pub fn function_flag(text: &str) -> Result<FunctionRef, Error> {
    text.parse().map_err(|e| Error::usage(format!("--function: {e}")))
}

/// A region name like us-east-1, or a usage error naming `flag`.
pub fn region_flag(flag: &str, region: &str) -> Result<String, Error> {
    if crate::model::arn::is_region(region) {
        Ok(region.to_owned())
    } else {
        Err(Error::usage(format!("{flag}: `{}` is not a region name like us-east-1", shorten(region))))
    }
}

/// The global AWS flags, validated.
pub fn aws_settings(global: &GlobalArgs) -> Result<AwsSettings, Error> {
    for region in &global.region {
        region_flag("--region", region)?;
    }
    if let Some(profile) = &global.profile
        && (profile.is_empty() || profile.chars().any(|c| c.is_control() || c.is_whitespace()))
    {
        return Err(Error::usage("--profile: a profile name is a non-empty word"));
    }
    let endpoint_url = match &global.endpoint_url {
        Some(url) => Some(validate_endpoint(url)?),
        None => None,
    };
    if let Some(n) = global.max_attempts
        && !(1..=20).contains(&n)
    {
        return Err(Error::usage("--max-attempts: between 1 and 20"));
    }
    let connect_timeout = duration_flag("connect-timeout", &global.connect_timeout)?;
    let operation_timeout = duration_flag("operation-timeout", &global.operation_timeout)?;
    for (flag, timeout) in [("connect-timeout", connect_timeout), ("operation-timeout", operation_timeout)] {
        if timeout.is_zero() {
            return Err(Error::usage(format!("--{flag}: must be longer than zero")));
        }
    }
    Ok(AwsSettings {
        // More than one is for doctor --all only (checked by the command line's dispatch).
        region: global.region.first().cloned(),
        profile: global.profile.clone(),
        endpoint_url,
        max_attempts: global.max_attempts,
        connect_timeout,
        operation_timeout,
        adaptive_retry: false,
    })
}

fn validate_endpoint(url: &str) -> Result<String, Error> {
    let bad = |why: &str| Error::usage(format!("--endpoint-url: `{}` {why}", shorten(url)));
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| bad("must start with http:// or https://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("has no valid host"));
    }
    if let Some((_, port)) = host.rsplit_once(':')
        && !host.ends_with(']')
        && port.parse::<u16>().is_err()
    {
        return Err(bad("has an invalid port"));
    }
    let host_name = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host_name = host_name.rsplit_once(':').filter(|_| !host_name.ends_with(']')).map_or(host_name, |(h, _)| h);
    if host_name.len() > 253 {
        return Err(bad("has a host name longer than 253 characters"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// How the user asked the queue to be encrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncryptionChoice {
    SseSqs,
    Kms(KeyRef),
    None,
}

/// What `queue create` (and `setup`) should make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueSpec {
    pub name: QueueName,
    /// The dead-letter queue, unless `--no-dlq`.
    pub dlq: Option<QueueName>,
    /// Whether `--dlq` was given (an existing queue gets a DLQ only when it was).
    pub dlq_given: bool,
    /// Whether `--no-dlq` was given (on an existing queue: drop its redrive policy).
    pub no_dlq: bool,
    pub max_receive_count: u32,
    /// Whether `--max-receive-count` was given (an existing queue is only compared on it then).
    pub max_receive_count_given: bool,
    pub visibility_timeout_secs: Option<u32>,
    pub encryption: EncryptionChoice,
    /// Whether an encryption flag was given (an existing queue is only compared on it then).
    pub encryption_given: bool,
    /// User tags plus managed-by=sqs-trigger: what a queue this tool creates gets.
    pub tags: BTreeMap<String, String>,
    /// The user's own tags, compared on existing queues.
    pub user_tags: BTreeMap<String, String>,
}

impl QueueSpec {
    pub fn fifo(&self) -> bool {
        self.name.is_fifo()
    }

    /// Builds the spec for queue `name` from the shared queue flags.
    pub fn from_args(name: &str, args: &cli::QueueOptions) -> Result<QueueSpec, Error> {
        let name: QueueName = name.parse()?;
        if args.fifo && !name.is_fifo() {
            return Err(Error::usage(format!(
                "--fifo: a FIFO queue name must end in `.fifo` (try `{}.fifo`)",
                name.base()
            )));
        }
        let dlq = if args.no_dlq {
            None
        } else {
            let dlq: QueueName = match &args.dlq {
                Some(text) => text.parse().map_err(|e| Error::usage(format!("--dlq: {e}")))?,
                None => name.default_dlq()?,
            };
            if dlq.is_fifo() != name.is_fifo() {
                return Err(Error::usage(format!(
                    "--dlq: the dead-letter queue of a {} queue must be {} too (`{}`)",
                    if name.is_fifo() { "FIFO" } else { "standard" },
                    if name.is_fifo() { "FIFO, its name ending in .fifo" } else { "standard, without .fifo" },
                    dlq
                )));
            }
            if dlq == name {
                return Err(Error::usage("--dlq: a queue cannot be its own dead-letter queue"));
            }
            Some(dlq)
        };
        let max_receive_count = args.max_receive_count.unwrap_or(crate::DEFAULT_MAX_RECEIVE_COUNT);
        if !(1..=1000).contains(&max_receive_count) {
            return Err(Error::usage("--max-receive-count: between 1 and 1000"));
        }
        let visibility_timeout_secs = match &args.visibility_timeout {
            Some(text) => {
                let d = duration_flag("visibility-timeout", text)?;
                if d.subsec_nanos() != 0 || d > Duration::from_secs(43_200) {
                    return Err(Error::usage("--visibility-timeout: whole seconds from 0s to 12h"));
                }
                Some(d.as_secs() as u32)
            }
            None => None,
        };
        let encryption = match (&args.kms_key, args.no_encryption) {
            (Some(key), _) => EncryptionChoice::Kms(key.parse().map_err(|e| Error::usage(format!("--kms-key: {e}")))?),
            (None, true) => EncryptionChoice::None,
            (None, false) => EncryptionChoice::SseSqs,
        };
        let encryption_given = args.sse_sqs || args.kms_key.is_some() || args.no_encryption;
        let user_tags = parse_tags(&args.tags)?;
        let mut tags = user_tags.clone();
        tags.insert(crate::MANAGED_BY_TAG.to_owned(), crate::MANAGED_BY_VALUE.to_owned());
        Ok(QueueSpec {
            name,
            dlq,
            dlq_given: args.dlq.is_some(),
            no_dlq: args.no_dlq,
            max_receive_count,
            max_receive_count_given: args.max_receive_count.is_some(),
            visibility_timeout_secs,
            encryption,
            encryption_given,
            tags,
            user_tags,
        })
    }
}

/// `--tag KEY=VALUE`, with SQS's tag rules (key 1-128, value 0-256, at most 50 tags).
pub fn parse_tags(raw: &[String]) -> Result<BTreeMap<String, String>, Error> {
    let mut tags = BTreeMap::new();
    for item in raw {
        let Some((key, value)) = item.split_once('=') else {
            return Err(Error::usage(format!("--tag: expected KEY=VALUE, got `{}`", shorten(item))));
        };
        if key.is_empty() || key.chars().count() > 128 {
            return Err(Error::usage(format!("--tag: a tag key is 1-128 characters (`{}`)", shorten(item))));
        }
        if value.chars().count() > 256 {
            return Err(Error::usage(format!("--tag: a tag value is at most 256 characters (`{}`)", shorten(key))));
        }
        if item.chars().any(char::is_control) {
            return Err(Error::usage(format!("--tag: control characters are not allowed (`{}`)", shorten(item))));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(Error::usage("--tag: keys starting with `aws:` are reserved by AWS"));
        }
        if key == crate::MANAGED_BY_TAG {
            return Err(Error::usage(format!("--tag: `{}` is set by sqs-trigger itself", crate::MANAGED_BY_TAG)));
        }
        if tags.insert(key.to_owned(), value.to_owned()).is_some() {
            return Err(Error::usage(format!("--tag: `{}` given twice", shorten(key))));
        }
    }
    if tags.len() > 49 {
        return Err(Error::usage("--tag: at most 49 tags (SQS allows 50, one is managed-by)"));
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> cli::QueueOptions {
        cli::QueueOptions::default()
    }

    #[test]
    fn queue_spec_defaults() {
        let spec = QueueSpec::from_args("orders", &opts()).unwrap();
        assert_eq!(spec.dlq.unwrap().as_str(), "orders-dlq");
        assert_eq!(spec.max_receive_count, 5);
        assert_eq!(spec.encryption, EncryptionChoice::SseSqs);
        assert!(!spec.encryption_given);
        assert_eq!(spec.tags.get("managed-by").map(String::as_str), Some("sqs-trigger"));
    }

    #[test]
    fn fifo_rules() {
        let mut o = opts();
        o.fifo = true;
        assert!(QueueSpec::from_args("orders", &o).unwrap_err().to_string().contains("orders.fifo"));
        let spec = QueueSpec::from_args("orders.fifo", &o).unwrap();
        assert_eq!(spec.dlq.unwrap().as_str(), "orders-dlq.fifo");
        let mut o = opts();
        o.dlq = Some("dead".into());
        assert!(QueueSpec::from_args("orders.fifo", &o).is_err());
    }

    #[test]
    fn bad_values_are_usage_errors() {
        let mut o = opts();
        o.max_receive_count = Some(0);
        assert!(matches!(QueueSpec::from_args("q", &o), Err(Error::Usage(_))));
        let mut o = opts();
        o.visibility_timeout = Some("13h".into());
        assert!(matches!(QueueSpec::from_args("q", &o), Err(Error::Usage(_))));
        let mut o = opts();
        o.kms_key = Some("not a key".into());
        assert!(matches!(QueueSpec::from_args("q", &o), Err(Error::Usage(_))));
        assert!(matches!(QueueSpec::from_args("bad name", &opts()), Err(Error::Parse(_))));
    }

    #[test]
    fn tags() {
        let tags = parse_tags(&["team=payments".into(), "empty=".into()]).unwrap();
        assert_eq!(tags.len(), 2);
        for bad in ["novalue", "=x", "aws:x=y", "managed-by=me"] {
            assert!(parse_tags(&[bad.into()]).is_err(), "{bad}");
        }
        assert!(parse_tags(&["a=1".into(), "a=2".into()]).is_err());
    }

    #[test]
    fn endpoints() {
        assert_eq!(validate_endpoint("http://127.0.0.1:4566/").unwrap(), "http://127.0.0.1:4566");
        let long_host = format!("http://{}:4566", "a".repeat(10_000));
        for bad in ["127.0.0.1:4566", "http://", "http://host:port", "http://a b", &long_host] {
            assert!(validate_endpoint(bad).is_err(), "{bad}");
        }
    }
}
