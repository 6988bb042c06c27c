//! Queue facts: URL resolution, attributes and tags.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_sqs::types::QueueAttributeName;

use crate::aws::errors::is_not_found;
use crate::aws::{AwsResultExt, Clients};
use crate::error::AwsError;
use crate::model::facts::{CallerFacts, Encryption, MappingFacts, QueueDepth, QueueFacts, Redrive};
use crate::model::{QueueArn, QueueRef, QueueUrl};
use crate::policy::PolicyDocument;

/// The queue's URL, or None when it does not exist.
pub async fn resolve_url(clients: &Clients, queue: &QueueRef) -> Result<Option<QueueUrl>, AwsError> {
    let (name, owner) = match queue {
        QueueRef::Url(url) => return Ok(Some(url.clone())),
        QueueRef::Name(name) => (name.clone(), None),
        QueueRef::Arn(arn) => (arn.name(), Some(arn.account().to_owned())),
    };
    let result =
        clients.sqs.get_queue_url().queue_name(name.as_str()).set_queue_owner_aws_account_id(owner).send().await;
    match result {
        Ok(out) => {
            let url = out.queue_url().unwrap_or_default();
            url.parse::<QueueUrl>().map(Some).map_err(|e| unexpected("sqs:GetQueueUrl", queue, &e.to_string()))
        }
        Err(err) if is_not_found(&err) => Ok(None),
        Err(err) => Err(crate::aws::errors::to_aws_error("sqs:GetQueueUrl", queue, &err)),
    }
}

/// Reads the queue's attributes and tags (concurrently).
pub async fn read(clients: &Clients, url: &QueueUrl) -> Result<QueueFacts, AwsError> {
    let attributes = async {
        clients
            .sqs
            .get_queue_attributes()
            .queue_url(url.as_str())
            .attribute_names(QueueAttributeName::All)
            .send()
            .await
            .aws_err("sqs:GetQueueAttributes", url)
    };
    let tags =
        async { clients.sqs.list_queue_tags().queue_url(url.as_str()).send().await.aws_err("sqs:ListQueueTags", url) };
    let (attributes, tags) = tokio::try_join!(attributes, tags)?;
    let attrs: HashMap<String, String> = attributes
        .attributes()
        .map(|m| m.iter().map(|(k, v)| (k.as_str().to_owned(), v.clone())).collect())
        .unwrap_or_default();
    let tags: BTreeMap<String, String> =
        tags.tags().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    facts_from_attributes(url, &attrs, tags).map_err(|why| unexpected("sqs:GetQueueAttributes", url, &why))
}

/// Finds and reads a queue; None when it does not exist. Once per run and reference when the
/// cache is on (a queue that is the DLQ of many is read once).
pub async fn find(clients: &Clients, queue: &QueueRef) -> Result<Option<QueueFacts>, AwsError> {
    let key = format!("{}|{queue}", clients.region);
    clients.cache.read(&clients.cache.queues, &key, || find_uncached(clients, queue)).await
}

async fn find_uncached(clients: &Clients, queue: &QueueRef) -> Result<Option<QueueFacts>, AwsError> {
    let _permit = clients.limits.sqs.acquire().await.ok();
    match resolve_url(clients, queue).await? {
        Some(url) => read_existing(clients, &url).await,
        None => Ok(None),
    }
}

/// Finds and reads the queue `arn` as `find` does, without a `GetQueueUrl` when it shares its
/// account and region with `sibling`: its URL is then the sibling's with its own name (a
/// dead-letter queue beside its source queue).
pub async fn find_beside(
    clients: &Clients,
    arn: &QueueArn,
    sibling: &QueueFacts,
) -> Result<Option<QueueFacts>, AwsError> {
    let queue = QueueRef::Arn(arn.clone());
    let (own, theirs) = (arn.arn(), sibling.arn.arn());
    if own.account != theirs.account || own.region != theirs.region || own.partition != theirs.partition {
        return find(clients, &queue).await;
    }
    let url = sibling.url.sibling(&arn.name());
    let key = format!("{}|{queue}", clients.region);
    clients
        .cache
        .read(&clients.cache.queues, &key, || async {
            let _permit = clients.limits.sqs.acquire().await.ok();
            read_existing(clients, &url).await
        })
        .await
}

/// Reads a queue whose URL is known; None when it is gone.
pub async fn read_existing(clients: &Clients, url: &QueueUrl) -> Result<Option<QueueFacts>, AwsError> {
    match read(clients, url).await {
        Ok(facts) => Ok(Some(facts)),
        Err(err) if err.kind == crate::error::AwsErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// A queue, every mapping that reads it (of any function) and the caller.
pub struct QueueWithMappings {
    /// None when the queue does not exist.
    pub queue: Option<QueueFacts>,
    /// Every mapping of the queue; whether a failed listing stops the command is the
    /// command's to decide.
    pub mappings: Result<Vec<MappingFacts>, AwsError>,
    pub caller: Result<CallerFacts, AwsError>,
}

/// Finds a queue and lists its mappings in two round trips: the URL beside the caller, then the
/// attributes beside the mappings. The ARN of a queue named by name is the caller's account in
/// this region, so its mappings need not wait for its attributes; a queue named by URL or ARN
/// (or a URL of another account) lists them once its attributes give the ARN.
pub async fn find_with_mappings(clients: &Clients, queue: &QueueRef) -> Result<QueueWithMappings, AwsError> {
    let (url, caller) = tokio::join!(resolve_url(clients, queue), super::caller(clients));
    let list = |arn: QueueArn| async move { super::mapping::list(clients, Some(&arn), None).await };
    let Some(url) = url? else { return Ok(QueueWithMappings { queue: None, mappings: Ok(vec![]), caller }) };
    let (found, mappings) = match arn_of_name(queue, &url, caller.as_ref().ok(), &clients.region) {
        Some(arn) => {
            let (found, mappings) = tokio::join!(read_existing(clients, &url), list(arn.clone()));
            let found = found?;
            // Never the case for a queue named by name; were it, the listing was of another ARN.
            let mappings = match &found {
                Some(q) if q.arn != arn => list(q.arn.clone()).await,
                _ => mappings,
            };
            (found, mappings)
        }
        None => {
            let found = read_existing(clients, &url).await?;
            let mappings = match &found {
                Some(q) => list(q.arn.clone()).await,
                None => Ok(vec![]),
            };
            (found, mappings)
        }
    };
    Ok(QueueWithMappings { queue: found, mappings, caller })
}

/// A queue found: its URL and ARN, every mapping that reads it and the caller.
pub struct Located {
    pub url: QueueUrl,
    pub arn: QueueArn,
    /// The queue's facts when its attributes were read to learn its ARN (a queue named by URL,
    /// or when the caller is unknown); else the caller reads them beside what the mappings
    /// lead to.
    pub queue: Option<QueueFacts>,
    pub mappings: Result<Vec<MappingFacts>, AwsError>,
    pub caller: Result<CallerFacts, AwsError>,
}

/// Finds a queue and its mappings, reading its attributes only when its ARN needs them (a queue
/// named by URL). A queue named by ARN is listed by ARN beside `GetQueueUrl`; one named by name
/// beside the first page of the region's mappings, which gives the queue's when it holds them
/// all (its ARN then follows from the URL and the caller), and else they are listed by ARN next.
/// None when the queue does not exist.
pub async fn locate_with_mappings(clients: &Clients, queue: &QueueRef) -> Result<Option<Located>, AwsError> {
    let page = async {
        match queue {
            QueueRef::Name(_) => Some(super::mapping::first_page(clients).await),
            _ => None,
        }
    };
    let by_arn = async {
        match queue {
            QueueRef::Arn(arn) => Some(super::mapping::list(clients, Some(arn), None).await),
            _ => None,
        }
    };
    let (url, caller, page, by_arn) = tokio::join!(resolve_url(clients, queue), super::caller(clients), page, by_arn);
    let Some(url) = url? else { return Ok(None) };
    let (arn, read) = match queue {
        QueueRef::Arn(arn) => (arn.clone(), None),
        _ => match arn_of_name(queue, &url, caller.as_ref().ok(), &clients.region) {
            Some(arn) => (arn, None),
            // A URL (or a name without the caller): the ARN is the attributes'.
            None => match read_existing(clients, &url).await? {
                Some(q) => (q.arn.clone(), Some(q)),
                None => return Ok(None),
            },
        },
    };
    let mappings = match (by_arn, page) {
        (Some(listed), _) => listed,
        (None, Some(Ok((all, true)))) => {
            let of_queue = all.into_iter().filter(|m| m.queue_arn == arn).collect();
            super::mapping::with_encrypted_filters(clients, of_queue).await
        }
        (None, _) => super::mapping::list(clients, Some(&arn), None).await,
    };
    Ok(Some(Located { url, arn, queue: read, mappings, caller }))
}

/// The ARN of a queue named by name, from its URL and the caller, without a request: GetQueueUrl
/// answers for the caller's account in this region, so the ARN is exactly
/// `arn:PARTITION:sqs:REGION:ACCOUNT:NAME`. None for a queue named by URL (its region is the
/// URL's) or ARN, or when the caller is unknown or the URL names another account.
pub fn arn_of_name(queue: &QueueRef, url: &QueueUrl, caller: Option<&CallerFacts>, region: &str) -> Option<QueueArn> {
    let (QueueRef::Name(name), Some(caller)) = (queue, caller) else { return None };
    if url.account() != caller.account || url.name() != name {
        return None;
    }
    Some(QueueArn::new(super::partition_of(&caller.arn), region, &caller.account, name))
}

/// Builds `QueueFacts` from the attribute map SQS returns.
pub fn facts_from_attributes(
    url: &QueueUrl,
    attrs: &HashMap<String, String>,
    tags: BTreeMap<String, String>,
) -> Result<QueueFacts, String> {
    let get = |k: &str| attrs.get(k).map(String::as_str);
    let arn: QueueArn = get("QueueArn").ok_or("no QueueArn attribute")?.parse().map_err(|e| format!("{e}"))?;
    let number = |k: &str| get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let encryption = match (get("KmsMasterKeyId").filter(|k| !k.is_empty()), get("SqsManagedSseEnabled")) {
        (Some(key), _) => Encryption::Kms { key_id: key.to_owned() },
        (None, Some("true")) => Encryption::SseSqs,
        _ => Encryption::None,
    };
    let redrive = match get("RedrivePolicy").filter(|p| !p.is_empty()) {
        Some(text) => Some(parse_redrive(text)?),
        None => None,
    };
    let policy = match get("Policy").filter(|p| !p.is_empty()) {
        Some(text) => Some(PolicyDocument::parse(&format!("queue policy of {arn}"), text).map_err(|e| e.to_string())?),
        None => None,
    };
    Ok(QueueFacts {
        name: url.name().clone(),
        url: url.clone(),
        fifo: get("FifoQueue") == Some("true") || arn.name().is_fifo(),
        visibility_timeout_secs: number("VisibilityTimeout") as u32,
        encryption,
        redrive,
        policy,
        depth: QueueDepth {
            visible: number("ApproximateNumberOfMessages"),
            in_flight: number("ApproximateNumberOfMessagesNotVisible"),
            delayed: number("ApproximateNumberOfMessagesDelayed"),
        },
        tags,
        arn,
    })
}

/// `{"deadLetterTargetArn": "...", "maxReceiveCount": 5}`; the count may be a string.
pub fn parse_redrive(text: &str) -> Result<Redrive, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("RedrivePolicy is not JSON: {e}"))?;
    let target = doc
        .get("deadLetterTargetArn")
        .and_then(|v| v.as_str())
        .ok_or("RedrivePolicy has no deadLetterTargetArn")?
        .parse()
        .map_err(|e| format!("RedrivePolicy: {e}"))?;
    let count = match doc.get("maxReceiveCount") {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.parse().ok(),
        _ => None,
    }
    .ok_or("RedrivePolicy has no maxReceiveCount")?;
    Ok(Redrive { dead_letter_target_arn: target, max_receive_count: count as u32 })
}

pub fn redrive_json(redrive: &Redrive) -> String {
    serde_json::json!({
        "deadLetterTargetArn": redrive.dead_letter_target_arn.to_string(),
        "maxReceiveCount": redrive.max_receive_count,
    })
    .to_string()
}

fn unexpected(action: &'static str, resource: &dyn std::fmt::Display, why: &str) -> AwsError {
    AwsError::unexpected(action, resource, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> QueueUrl {
        "http://127.0.0.1:1/123456789012/orders".parse().unwrap()
    }

    #[test]
    fn reads_attributes() {
        let attrs: HashMap<String, String> = [
            ("QueueArn", "arn:aws:sqs:us-east-1:123456789012:orders"),
            ("VisibilityTimeout", "60"),
            ("KmsMasterKeyId", "alias/orders"),
            (
                "RedrivePolicy",
                r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq","maxReceiveCount":"3"}"#,
            ),
            ("ApproximateNumberOfMessages", "10000"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let f = facts_from_attributes(&url(), &attrs, BTreeMap::new()).unwrap();
        assert_eq!(f.visibility_timeout_secs, 60);
        assert_eq!(f.encryption, Encryption::Kms { key_id: "alias/orders".into() });
        assert_eq!(f.redrive.unwrap().max_receive_count, 3);
        assert_eq!(f.depth.visible, 10_000);
        assert!(!f.fifo);
    }

    #[test]
    fn sse_sqs_and_none() {
        let base = [("QueueArn", "arn:aws:sqs:us-east-1:123456789012:orders")];
        let mut attrs: HashMap<String, String> = base.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(facts_from_attributes(&url(), &attrs, BTreeMap::new()).unwrap().encryption, Encryption::None);
        attrs.insert("SqsManagedSseEnabled".into(), "true".into());
        assert_eq!(facts_from_attributes(&url(), &attrs, BTreeMap::new()).unwrap().encryption, Encryption::SseSqs);
    }

    #[test]
    fn redrive_round_trip() {
        let r = parse_redrive(r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:d","maxReceiveCount":5}"#)
            .unwrap();
        assert_eq!(parse_redrive(&redrive_json(&r)).unwrap(), r);
        assert!(parse_redrive("{}").is_err());
        assert!(parse_redrive("nope").is_err());
    }
}
