//! Event source mapping facts: every SQS mapping of a queue and/or a function.

use aws_sdk_lambda::types::{EventSourceMappingConfiguration, FunctionResponseType};

use crate::aws::{AwsResultExt, Clients};
use crate::error::AwsError;
use crate::model::facts::{FilterCriteriaError, MappingFacts, MappingState, ProvisionedPollers};
use crate::model::{FunctionArn, QueueArn};

/// Lists SQS mappings, filtered by queue ARN and/or function (name or ARN), all pages.
pub async fn list(
    clients: &Clients,
    queue: Option<&QueueArn>,
    function: Option<&str>,
) -> Result<Vec<MappingFacts>, AwsError> {
    let found = list_once(clients, queue, function).await?;
    // Lambda accepts a function's name or ARN here; some endpoints match only the form the
    // mapping was created with, so an empty answer for an ARN is asked again by name.
    match function.map(function_filter) {
        Some(name) if found.is_empty() && Some(name.as_str()) != function => {
            list_once(clients, queue, Some(&name)).await
        }
        _ => Ok(found),
    }
}

async fn list_once(
    clients: &Clients,
    queue: Option<&QueueArn>,
    function: Option<&str>,
) -> Result<Vec<MappingFacts>, AwsError> {
    let resource = match (queue, function) {
        (Some(q), _) => q.to_string(),
        (None, Some(f)) => f.to_owned(),
        (None, None) => "every mapping".to_owned(),
    };
    let mut pages = clients
        .lambda
        .list_event_source_mappings()
        .set_event_source_arn(queue.map(ToString::to_string))
        .set_function_name(function.map(str::to_owned))
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.aws_err("lambda:ListEventSourceMappings", &resource)?;
        out.extend(page.event_source_mappings().iter().filter_map(from_sdk));
    }
    with_encrypted_filters(clients, out).await
}

/// The first page of every SQS mapping in the region (Lambda answers at most 100 a page), and
/// whether it holds them all. A command that needs one queue's mappings asks it beside the
/// queue's URL, before the queue's ARN is known, and lists them by ARN only when there are more.
pub async fn first_page(clients: &Clients) -> Result<(Vec<MappingFacts>, bool), AwsError> {
    let out = clients
        .lambda
        .list_event_source_mappings()
        .max_items(100)
        .send()
        .await
        .aws_err("lambda:ListEventSourceMappings", &"every mapping")?;
    let complete = out.next_marker().is_none_or(str::is_empty);
    Ok((out.event_source_mappings().iter().filter_map(from_sdk).collect(), complete))
}

/// The mappings as listed, those with encrypted filters read again for their filters.
pub async fn with_encrypted_filters(
    clients: &Clients,
    mut out: Vec<MappingFacts>,
) -> Result<Vec<MappingFacts>, AwsError> {
    // "If filter criteria is encrypted, this field shows up as null in the response of
    // ListEventSourceMapping API calls. You can view this field in plaintext in the response of
    // GetEventSourceMapping" (API_EventSourceMappingConfiguration, FilterCriteria): a mapping
    // with a KMSKeyArn is read again, so its filters (or its FilterCriteriaError) are known.
    for mapping in out.iter_mut().filter(|m| m.filter_kms_key.is_some() && m.filters.is_empty()) {
        if let Some(read) = get(clients, &mapping.uuid).await? {
            mapping.filters = read.filters;
            mapping.filter_criteria_error = read.filter_criteria_error;
        }
    }
    Ok(out)
}

/// The mappings that connect exactly this queue and this function (qualifier included): the
/// one definition of "the mappings of this pair" that every command uses.
pub fn of_pair<'a>(
    mappings: impl IntoIterator<Item = &'a MappingFacts>,
    queue: &QueueArn,
    function: &FunctionArn,
) -> Vec<MappingFacts> {
    mappings.into_iter().filter(|m| &m.queue_arn == queue && &m.function_arn == function).cloned().collect()
}

/// The tags of a mapping (Lambda's ListTags on the mapping's ARN). None when the mapping has
/// no ARN in the answer (an endpoint without mapping tags).
pub async fn tags(
    clients: &Clients,
    mapping: &MappingFacts,
) -> Result<Option<std::collections::BTreeMap<String, String>>, AwsError> {
    let Some(arn) = &mapping.arn else { return Ok(None) };
    let out = clients.lambda.list_tags().resource(arn).send().await;
    match out {
        Ok(out) => {
            Ok(Some(out.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()))
        }
        Err(err) if crate::aws::is_not_found(&err) => Ok(Some(Default::default())),
        Err(err) => Err(crate::aws::errors::to_aws_error("lambda:ListTags", arn, &err)),
    }
}

/// A function's plain name: its mappings live in its own account and region, so the name
/// selects them too.
fn function_filter(function: &str) -> String {
    match function.parse::<FunctionArn>() {
        Ok(arn) if arn.qualifier().is_none() => arn.name().to_string(),
        _ => function.to_owned(),
    }
}

/// `MappingFacts` from any SDK shape of a mapping (the list's and GetEventSourceMapping's
/// share their accessors but not a type).
macro_rules! mapping_facts {
    ($m:expr) => {
        from_parts(
            $m.uuid(),
            $m.event_source_mapping_arn(),
            $m.event_source_arn(),
            $m.function_arn(),
            $m.state(),
            $m.batch_size(),
            $m.maximum_batching_window_in_seconds(),
            $m.scaling_config().and_then(|s| s.maximum_concurrency()),
            $m.function_response_types(),
            $m.filter_criteria()
                .map(|f| f.filters().iter().filter_map(|f| f.pattern().map(str::to_owned)).collect())
                .unwrap_or_default(),
            $m.last_processing_result(),
            $m.state_transition_reason(),
            Extra {
                provisioned_pollers: $m.provisioned_poller_config().map(|p| ProvisionedPollers {
                    minimum: p.minimum_pollers().unwrap_or(ProvisionedPollers::SQS_DEFAULT_MINIMUM),
                    maximum: p.maximum_pollers().unwrap_or(ProvisionedPollers::SQS_DEFAULT_MAXIMUM),
                }),
                metrics: $m
                    .metrics_config()
                    .map(|c| c.metrics().iter().map(|m| m.as_str().to_owned()).collect())
                    .unwrap_or_default(),
                filter_kms_key: $m.kms_key_arn().filter(|k| !k.is_empty()).map(str::to_owned),
                filter_criteria_error: $m.filter_criteria_error().map(|e| FilterCriteriaError {
                    error_code: e.error_code().map(str::to_owned),
                    message: e.message().map(str::to_owned),
                }),
            },
        )
    };
}

/// The 2024-2025 mapping features, read beside the older fields.
struct Extra {
    provisioned_pollers: Option<ProvisionedPollers>,
    metrics: Vec<String>,
    filter_kms_key: Option<String>,
    filter_criteria_error: Option<FilterCriteriaError>,
}

/// Reads one mapping by UUID.
pub async fn get(clients: &Clients, uuid: &str) -> Result<Option<MappingFacts>, AwsError> {
    let out = clients.lambda.get_event_source_mapping().uuid(uuid).send().await;
    match out {
        Ok(m) => Ok(mapping_facts!(m)),
        Err(err) if crate::aws::is_not_found(&err) => Ok(None),
        Err(err) => Err(crate::aws::errors::to_aws_error("lambda:GetEventSourceMapping", &uuid, &err)),
    }
}

/// An SQS mapping as facts; None for other event sources.
pub fn from_sdk(m: &EventSourceMappingConfiguration) -> Option<MappingFacts> {
    mapping_facts!(m)
}

#[allow(clippy::too_many_arguments)]
fn from_parts(
    uuid: Option<&str>,
    mapping_arn: Option<&str>,
    source: Option<&str>,
    function: Option<&str>,
    state: Option<&str>,
    batch_size: Option<i32>,
    window: Option<i32>,
    max_concurrency: Option<i32>,
    response_types: &[FunctionResponseType],
    filters: Vec<String>,
    last_processing_result: Option<&str>,
    reason: Option<&str>,
    extra: Extra,
) -> Option<MappingFacts> {
    let queue_arn: QueueArn = source?.parse().ok()?;
    let function_arn: FunctionArn = function?.parse().ok()?;
    Some(MappingFacts {
        uuid: uuid?.to_owned(),
        arn: mapping_arn.map(str::to_owned),
        queue_arn,
        // Kept as Lambda reports it: a mapping to `worker:live` is not a mapping to `worker`.
        function_arn,
        state: MappingState::parse(state.unwrap_or("Unknown")),
        batch_size,
        batch_window_secs: window,
        max_concurrency,
        report_batch_item_failures: response_types.contains(&FunctionResponseType::ReportBatchItemFailures),
        filters,
        last_processing_result: last_processing_result.map(str::to_owned),
        state_transition_reason: reason.map(str::to_owned),
        provisioned_pollers: extra.provisioned_pollers,
        metrics: extra.metrics,
        filter_kms_key: extra.filter_kms_key,
        filter_criteria_error: extra.filter_criteria_error,
        tags: None,
    })
}
