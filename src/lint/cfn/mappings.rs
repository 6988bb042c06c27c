//! The template's SQS mappings: `AWS::Lambda::EventSourceMapping` resources and SAM `SQS`
//! events, with the function each names and the settings they request.

use std::collections::BTreeMap;

use super::template::Template;
use crate::lint::facts::Spot;
use crate::lint::resolve::Val;
use crate::lint::tree::Node;
use crate::model::facts::{MappingRequest, ProvisionedPollers};

/// One SQS mapping, before linking.
pub(super) struct MappingSpec {
    pub(super) id: String,
    pub(super) spot: Spot,
    pub(super) props: Val,
    /// Spots of its settings.
    pub(super) spots: BTreeMap<&'static str, Spot>,
    pub(super) source: Val,
    pub(super) source_spot: Spot,
    pub(super) function: FunctionSel,
}

pub(super) enum FunctionSel {
    /// A function of the file, by logical id, with an alias or version qualifier.
    Resource(String, Option<String>),
    /// What `FunctionName` resolved to, when it is no function of the file.
    Value(Val),
}

impl Template<'_> {
    pub(super) fn specs(&self) -> Vec<MappingSpec> {
        let mut specs = Vec::new();
        for r in self.of_kind("AWS::Lambda::EventSourceMapping") {
            // A `Ref`/`GetAtt` of a resource of the file that is no queue (a Kinesis stream, a
            // DynamoDB table): not an SQS trigger, so nothing lint checks is unknown.
            let source_resource = r.props.get("EventSourceArn").and_then(named_resource);
            if source_resource
                .and_then(|id| self.resources.get(id))
                .is_some_and(|source| source.kind != "AWS::SQS::Queue")
            {
                continue;
            }
            let function = match r.prop("FunctionName") {
                Some(Val::Str(name)) => match self.function_by_name(name) {
                    Some((id, qualifier)) => FunctionSel::Resource(id, qualifier),
                    None => FunctionSel::Value(Val::Str(name.clone())),
                },
                Some(other) => FunctionSel::Value(other.clone()),
                None => FunctionSel::Value(Val::Unknown("the mapping has no FunctionName".into())),
            };
            let mut spots = BTreeMap::new();
            for (key, path) in SETTING_PATHS {
                if let Some(s) = r.prop_spot(path) {
                    spots.insert(*key, s);
                }
            }
            specs.push(MappingSpec {
                id: r.id.clone(),
                spot: r.spot(),
                props: r.val.clone(),
                spots,
                source: r.prop("EventSourceArn").cloned().unwrap_or(Val::Unknown("no EventSourceArn".into())),
                source_spot: r.prop_spot("EventSourceArn").unwrap_or_else(|| r.spot()),
                function,
            });
        }
        for r in self.of_kind("AWS::Serverless::Function") {
            let Some(events) = r.props.get("Events") else { continue };
            for e in events.entries() {
                if e.value.get("Type").and_then(Node::as_str) != Some("SQS") {
                    continue;
                }
                let props_node = e.value.get("Properties");
                let props = props_node.map(|n| self.env.resolve(n)).unwrap_or(Val::Map(vec![]));
                let address = format!("{}.Events.{}", r.id, e.key);
                let mut spots = BTreeMap::new();
                for (key, path) in SETTING_PATHS {
                    let mut node = props_node;
                    for part in path.split('.') {
                        node = node.and_then(|n| n.get(part));
                    }
                    if let Some(n) = node {
                        spots.insert(*key, Spot::at(n.pos, &address));
                    }
                }
                specs.push(MappingSpec {
                    id: address.clone(),
                    spot: Spot::at(e.key_pos, &address),
                    source: props.get("Queue").cloned().unwrap_or(Val::Unknown("the SQS event has no Queue".into())),
                    source_spot: props_node
                        .and_then(|n| n.get("Queue"))
                        .map_or_else(|| Spot::at(e.key_pos, &address), |n| Spot::at(n.pos, &address)),
                    props,
                    spots,
                    function: FunctionSel::Resource(r.id.clone(), None),
                });
            }
        }
        specs
    }

    /// A function of the file by name, ARN, alias or version ARN.
    fn function_by_name(&self, name: &str) -> Option<(String, Option<String>)> {
        for r in self.resources.values() {
            let Some(p) = self.env.resources.get(&r.id) else { continue };
            match r.kind.as_str() {
                "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
                    let arn = p.attributes.get("Arn").map(String::as_str).unwrap_or("");
                    if p.reference.as_deref() == Some(name) || arn == name {
                        return Some((r.id.clone(), None));
                    }
                    if let Some(q) = name.strip_prefix(arn).and_then(|rest| rest.strip_prefix(':'))
                        && !arn.is_empty()
                    {
                        return Some((r.id.clone(), Some(q.to_owned())));
                    }
                    let fname = p.reference.as_deref().unwrap_or("");
                    if let Some(q) = name.strip_prefix(fname).and_then(|rest| rest.strip_prefix(':'))
                        && !fname.is_empty()
                    {
                        return Some((r.id.clone(), Some(q.to_owned())));
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Where each mapping setting is written (CloudFormation and SAM share the names).
const SETTING_PATHS: &[(&str, &str)] = &[
    ("batch_size", "BatchSize"),
    ("batch_window", "MaximumBatchingWindowInSeconds"),
    ("max_concurrency", "ScalingConfig.MaximumConcurrency"),
    ("filters", "FilterCriteria"),
];

pub(super) fn request(props: &Val) -> MappingRequest {
    let int = |v: Option<&Val>| v.and_then(Val::as_i64).and_then(|n| i32::try_from(n).ok());
    let filters = props
        .get("FilterCriteria")
        .and_then(|f| f.get("Filters"))
        .map(|f| {
            f.items()
                .iter()
                .filter_map(|filter| match filter.get("Pattern") {
                    Some(Val::Str(s)) => Some(s.clone()),
                    Some(v) => v.to_json().ok().map(|j| j.to_string()),
                    None => None,
                })
                .collect()
        })
        .unwrap_or_default();
    MappingRequest {
        batch_size: int(props.get("BatchSize")),
        batch_window_secs: int(props.get("MaximumBatchingWindowInSeconds")),
        max_concurrency: int(props.get("ScalingConfig").and_then(|s| s.get("MaximumConcurrency"))),
        report_batch_item_failures: props
            .get("FunctionResponseTypes")
            .is_some_and(|t| t.items().iter().any(|v| v.as_str() == Some("ReportBatchItemFailures"))),
        filters,
        enabled: props.get("Enabled").and_then(Val::as_bool).unwrap_or(true),
        provisioned_pollers: props.get("ProvisionedPollerConfig").and_then(|p| {
            let (minimum, maximum) = (int(p.get("MinimumPollers"))?, int(p.get("MaximumPollers"))?);
            Some(ProvisionedPollers { minimum, maximum })
        }),
        metrics: props
            .get("MetricsConfig")
            .and_then(|m| m.get("Metrics"))
            .is_some_and(|m| m.items().iter().any(|v| v.as_str() == Some("EventCount"))),
        filter_kms_key: props.get("KMSKeyArn").and_then(Val::as_str).map(str::to_owned),
    }
}

/// The resource a `Ref` or `Fn::GetAtt` node names (`{"Fn::GetAtt": ["Stream", "Arn"]}`,
/// `{"Fn::GetAtt": "Stream.Arn"}`, `{"Ref": "Stream"}`).
fn named_resource(node: &crate::lint::tree::Node) -> Option<&str> {
    let [entry] = node.entries() else { return None };
    match entry.key.as_str() {
        "Ref" => entry.value.as_str(),
        "Fn::GetAtt" => match entry.value.items() {
            [resource, ..] => resource.as_str(),
            [] => entry.value.as_str().and_then(|s| s.split('.').next()),
        },
        _ => None,
    }
}
