//! Amazon Resource Names, parsed once at the edge.
//!
//! `Arn` is the generic `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` form; the typed
//! wrappers (`QueueArn`, `FunctionArn`, `RoleArn`, `KeyArn`) add what each service
//! guarantees, so code that holds a `QueueArn` never re-checks the service.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::ParseError;
use super::names::{FunctionName, QueueName};

/// A generic ARN. Fields are kept verbatim so `Display` round-trips.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

impl FromStr for Arn {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ParseError::new("ARN", s, why);
        let mut parts = s.splitn(6, ':');
        let (Some(prefix), Some(partition), Some(service), Some(region), Some(account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"));
        };
        if prefix != "arn" {
            return Err(bad("an ARN starts with `arn:`"));
        }
        if !matches!(
            partition,
            "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b" | "aws-iso-e" | "aws-iso-f" | "aws-eusc"
        ) {
            return Err(bad("unknown partition (expected aws, aws-cn, aws-us-gov, ...)"));
        }
        if service.is_empty() || !service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(bad("the service part must be lowercase letters, digits and `-`"));
        }
        if !region.is_empty() && !is_region(region) {
            return Err(bad("the region part is not a region name like us-east-1"));
        }
        if !account.is_empty() && !is_account_id(account) && account != "aws" {
            return Err(bad("the account part must be 12 digits"));
        }
        if resource.is_empty() || resource.chars().any(char::is_control) {
            return Err(bad("the resource part is empty or holds control characters"));
        }
        Ok(Arn {
            partition: partition.to_owned(),
            service: service.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource: resource.to_owned(),
        })
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "arn:{}:{}:{}:{}:{}", self.partition, self.service, self.region, self.account, self.resource)
    }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`: lowercase words and a number.
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.len() <= 4
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
        && s.len() <= 32
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())
}

macro_rules! arn_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl $t {
            pub fn arn(&self) -> &Arn {
                &self.0
            }
            pub fn region(&self) -> &str {
                &self.0.region
            }
            pub fn account(&self) -> &str {
                &self.0.account
            }
            pub fn partition(&self) -> &str {
                &self.0.partition
            }
        }
    };
}

/// `arn:aws:sqs:REGION:ACCOUNT:QUEUE_NAME`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QueueArn(Arn);
arn_serde!(QueueArn);

impl QueueArn {
    pub fn new(partition: &str, region: &str, account: &str, name: &QueueName) -> Self {
        QueueArn(Arn {
            partition: partition.to_owned(),
            service: "sqs".into(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource: name.to_string(),
        })
    }

    pub fn name(&self) -> QueueName {
        // Validated in `from_str`/`new`, so this cannot fail; fall back to the raw text regardless.
        self.0.resource.parse().unwrap_or_else(|_| QueueName::new_unchecked(&self.0.resource))
    }
}

impl FromStr for QueueArn {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let arn: Arn = s.parse()?;
        if arn.service != "sqs" {
            return Err(ParseError::new("queue ARN", s, "the service must be `sqs`"));
        }
        if arn.region.is_empty() || arn.account.is_empty() {
            return Err(ParseError::new("queue ARN", s, "a queue ARN names its region and account"));
        }
        arn.resource.parse::<QueueName>().map_err(|e| ParseError::new("queue ARN", s, &e.why))?;
        Ok(QueueArn(arn))
    }
}

/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionArn(Arn);
arn_serde!(FunctionArn);

impl FunctionArn {
    /// The function name, without a qualifier.
    pub fn name(&self) -> FunctionName {
        let rest = self.0.resource.trim_start_matches("function:");
        let name = rest.split(':').next().unwrap_or(rest);
        name.parse().unwrap_or_else(|_| FunctionName::new_unchecked(name))
    }

    /// The version or alias after the name, if any.
    pub fn qualifier(&self) -> Option<&str> {
        self.0.resource.trim_start_matches("function:").split_once(':').map(|(_, q)| q)
    }

    /// The same function without its qualifier.
    pub fn unqualified(&self) -> FunctionArn {
        self.with_qualifier(None)
    }

    /// The same function with this qualifier (a version or alias), or none. Identity is exact:
    /// `worker:live` and `worker` are different targets for a mapping.
    pub fn with_qualifier(&self, qualifier: Option<&str>) -> FunctionArn {
        let mut arn = self.0.clone();
        arn.resource = match qualifier {
            Some(q) => format!("function:{}:{q}", self.name()),
            None => format!("function:{}", self.name()),
        };
        FunctionArn(arn)
    }
}

impl FromStr for FunctionArn {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let arn: Arn = s.parse()?;
        let bad = |why: &str| ParseError::new("function ARN", s, why);
        if arn.service != "lambda" {
            return Err(bad("the service must be `lambda`"));
        }
        let Some(rest) = arn.resource.strip_prefix("function:") else {
            return Err(bad("the resource must be `function:NAME`"));
        };
        let mut parts = rest.split(':');
        let name = parts.next().unwrap_or_default();
        name.parse::<FunctionName>().map_err(|e| bad(&e.why))?;
        if let Some(q) = parts.next()
            && (q.is_empty()
                || q.len() > 128
                || !q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '$'))
        {
            return Err(bad("the qualifier must be a version number, an alias or $LATEST"));
        }
        if parts.next().is_some() {
            return Err(bad("too many `:` after the function name"));
        }
        if arn.region.is_empty() || arn.account.is_empty() {
            return Err(bad("a function ARN names its region and account"));
        }
        Ok(FunctionArn(arn))
    }
}

/// `arn:aws:iam::ACCOUNT:role/PATH/NAME`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RoleArn(Arn);
arn_serde!(RoleArn);

impl RoleArn {
    /// The role name: the last path segment.
    pub fn name(&self) -> &str {
        self.0.resource.rsplit('/').next().unwrap_or(&self.0.resource)
    }
}

impl FromStr for RoleArn {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let arn: Arn = s.parse()?;
        let bad = |why: &str| ParseError::new("role ARN", s, why);
        if arn.service != "iam" {
            return Err(bad("the service must be `iam`"));
        }
        let Some(path_and_name) = arn.resource.strip_prefix("role/") else {
            return Err(bad("the resource must be `role/NAME`"));
        };
        let name = path_and_name.rsplit('/').next().unwrap_or_default();
        if name.is_empty()
            || name.len() > 64
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        {
            return Err(bad("a role name is 1-64 characters of letters, digits and +=,.@_-"));
        }
        if arn.account.is_empty() {
            return Err(bad("a role ARN names its account"));
        }
        Ok(RoleArn(arn))
    }
}

/// `arn:aws:kms:REGION:ACCOUNT:key/ID`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyArn(Arn);
arn_serde!(KeyArn);

impl KeyArn {
    pub fn key_id(&self) -> &str {
        self.0.resource.trim_start_matches("key/")
    }
}

impl FromStr for KeyArn {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let arn: Arn = s.parse()?;
        if arn.service != "kms" || !arn.resource.starts_with("key/") || arn.resource.len() == 4 {
            return Err(ParseError::new("KMS key ARN", s, "expected arn:aws:kms:REGION:ACCOUNT:key/KEY_ID"));
        }
        Ok(KeyArn(arn))
    }
}

/// The ARN of a CloudWatch Logs group, as IAM policies name it.
pub fn log_group_arn(partition: &str, region: &str, account: &str, group: &str) -> String {
    format!("arn:{partition}:logs:{region}:{account}:log-group:{group}:*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_round_trip() {
        for s in [
            "arn:aws:sqs:us-east-1:123456789012:orders",
            "arn:aws:sqs:eu-west-1:123456789012:orders.fifo",
            "arn:aws:lambda:us-east-1:123456789012:function:worker",
            "arn:aws:lambda:us-east-1:123456789012:function:worker:live",
            "arn:aws:iam::123456789012:role/service-role/worker-role",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q",
        ] {
            let arn: Arn = s.parse().unwrap();
            assert_eq!(arn.to_string(), s);
        }
    }

    #[test]
    fn typed_arns_check_their_service() {
        assert!("arn:aws:sqs:us-east-1:123456789012:orders".parse::<QueueArn>().is_ok());
        assert!("arn:aws:sns:us-east-1:123456789012:orders".parse::<QueueArn>().is_err());
        assert!("arn:aws:sqs:us-east-1:123456789012:bad name".parse::<QueueArn>().is_err());
        assert!("arn:aws:lambda:us-east-1:123456789012:layer:x".parse::<FunctionArn>().is_err());
        assert!("arn:aws:iam::123456789012:user/bob".parse::<RoleArn>().is_err());
        assert!("arn:aws:kms:us-east-1:123456789012:alias/x".parse::<KeyArn>().is_err());
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "arn",
            "arn:aws",
            "arn:aws:sqs:us-east-1:123:q",
            "arn:nope:sqs:us-east-1:123456789012:q",
            "xarn:aws:sqs:us-east-1:123456789012:q",
            "arn:aws:sqs:US-EAST-1:123456789012:q",
            "arn:aws:sqs:us-east-1:123456789012:",
        ] {
            assert!(s.parse::<Arn>().is_err() || s.parse::<QueueArn>().is_err(), "{s}");
        }
    }

    #[test]
    fn function_arn_parts() {
        let f: FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:worker:live".parse().unwrap();
        assert_eq!(f.name().as_str(), "worker");
        assert_eq!(f.qualifier(), Some("live"));
        assert_eq!(f.unqualified().to_string(), "arn:aws:lambda:us-east-1:123456789012:function:worker");
        assert_eq!(f.unqualified().with_qualifier(Some("blue")).qualifier(), Some("blue"));
        assert_ne!(f, f.unqualified());
        let r: RoleArn = "arn:aws:iam::123456789012:role/service-role/worker-role".parse().unwrap();
        assert_eq!(r.name(), "worker-role");
    }

    #[test]
    fn regions() {
        for ok in ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-4"] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in ["", "us", "us-east", "US-EAST-1", "us-east-x", "us--1", "us-east-1-a-b"] {
            assert!(!is_region(bad), "{bad}");
        }
    }
}
