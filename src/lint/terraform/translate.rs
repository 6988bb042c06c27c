//! Planned resources → the CloudFormation resources they correspond to, one template the
//! CloudFormation front end links and checks.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::nodes::{json_node, map, node, text, unknown};
use super::references::{Config, strip_indexes};
use super::{Attr, Planned};
use crate::lint::tree::{Entry, Node, Pos, Value};

pub(super) struct Translator<'a> {
    pub(super) resources: &'a BTreeMap<String, Planned>,
    pub(super) config: &'a Config,
}

impl Translator<'_> {
    pub(super) fn template(&self) -> Node {
        let mut resources = Vec::new();
        for r in self.resources.values() {
            if let Some((kind, props)) = self.translate(r) {
                resources.push((r.address.clone(), map(vec![("Type", text(kind)), ("Properties", props)])));
            }
        }
        node(Value::Map(vec![Entry {
            key: "Resources".into(),
            key_pos: Pos::default(),
            value: node(Value::Map(
                resources.into_iter().map(|(k, v)| Entry { key: k, key_pos: Pos::default(), value: v }).collect(),
            )),
        }]))
    }

    fn translate(&self, r: &Planned) -> Option<(&'static str, Node)> {
        let mut props: Vec<(&str, Node)> = Vec::new();
        let mut put = |k: &'static str, v: Option<Node>| {
            if let Some(v) = v {
                props.push((k, v));
            }
        };
        let kind = match r.kind.as_str() {
            "aws_sqs_queue" => {
                put("QueueName", self.known(r, "name").map(json_node));
                put("FifoQueue", self.plain(r, "fifo_queue"));
                put("VisibilityTimeout", self.plain(r, "visibility_timeout_seconds"));
                put("KmsMasterKeyId", self.linked(r, "kms_master_key_id", &["aws_kms_key", "aws_kms_alias"]));
                put("SqsManagedSseEnabled", self.plain(r, "sqs_managed_sse_enabled"));
                put("RedrivePolicy", self.redrive(r, "redrive_policy").or_else(|| self.separate_redrive(r)));
                "AWS::SQS::Queue"
            }
            "aws_lambda_function" => {
                put("FunctionName", self.known(r, "function_name").map(json_node));
                put("Timeout", self.plain(r, "timeout").or_else(|| Some(text("3"))));
                put("Role", self.linked(r, "role", &["aws_iam_role"]));
                let reserved = self.known(r, "reserved_concurrent_executions").and_then(Json::as_i64);
                if let Some(n) = reserved.filter(|n| *n >= 0) {
                    put("ReservedConcurrentExecutions", Some(text(n.to_string())));
                }
                let group = self.known(r, "logging_config").and_then(|l| l.get(0)).and_then(|l| l.get("log_group"));
                if let Some(Json::String(g)) = group {
                    put("LoggingConfig", Some(map(vec![("LogGroup", text(g.clone()))])));
                }
                "AWS::Lambda::Function"
            }
            "aws_lambda_alias" => {
                put("FunctionName", self.linked(r, "function_name", &["aws_lambda_function"]));
                put("Name", self.known(r, "name").map(json_node));
                "AWS::Lambda::Alias"
            }
            "aws_lambda_event_source_mapping" => {
                put("EventSourceArn", self.linked(r, "event_source_arn", &["aws_sqs_queue"]));
                put("FunctionName", self.linked(r, "function_name", &["aws_lambda_function", "aws_lambda_alias"]));
                put("BatchSize", self.plain(r, "batch_size"));
                put("MaximumBatchingWindowInSeconds", self.plain(r, "maximum_batching_window_in_seconds"));
                put("Enabled", self.plain(r, "enabled"));
                if let Some(n) =
                    self.known(r, "scaling_config").and_then(|s| s.get(0)).and_then(|s| s.get("maximum_concurrency"))
                {
                    put("ScalingConfig", Some(map(vec![("MaximumConcurrency", json_node(n))])));
                }
                let patterns: Vec<Node> = self
                    .known(r, "filter_criteria")
                    .and_then(|f| f.get(0))
                    .and_then(|f| f.get("filter"))
                    .and_then(Json::as_array)
                    .map(|f| {
                        f.iter()
                            .filter_map(|p| p.get("pattern"))
                            .map(|p| map(vec![("Pattern", json_node(p))]))
                            .collect()
                    })
                    .unwrap_or_default();
                if !patterns.is_empty() {
                    put("FilterCriteria", Some(map(vec![("Filters", node(Value::Seq(patterns)))])));
                }
                put("FunctionResponseTypes", self.known(r, "function_response_types").map(json_node));
                "AWS::Lambda::EventSourceMapping"
            }
            "aws_iam_role" => {
                put("RoleName", self.known(r, "name").map(json_node));
                put("Path", self.known(r, "path").map(json_node));
                put("AssumeRolePolicyDocument", self.plain(r, "assume_role_policy"));
                let inline: Vec<Node> = self
                    .known(r, "inline_policy")
                    .and_then(Json::as_array)
                    .map(|p| {
                        p.iter()
                            .filter(|p| p.get("policy").is_some_and(|d| d.as_str().is_some_and(|s| !s.is_empty())))
                            .map(|p| {
                                map(vec![
                                    ("PolicyName", json_node(p.get("name").unwrap_or(&Json::Null))),
                                    ("PolicyDocument", json_node(p.get("policy").unwrap_or(&Json::Null))),
                                ])
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if !inline.is_empty() {
                    put("Policies", Some(node(Value::Seq(inline))));
                }
                let mut managed: Vec<Node> = match r.attr(self.config, "managed_policy_arns") {
                    Attr::Known(Json::Array(arns)) => arns.iter().map(json_node).collect(),
                    // Computed from the attachments unless the configuration sets it.
                    Attr::Unknown(refs) if !refs.is_empty() || self.config.sets(&r.address, "managed_policy_arns") => {
                        vec![unknown(&format!("{}.managed_policy_arns", r.address))]
                    }
                    _ => vec![],
                };
                managed.extend(self.attachments(r));
                if !managed.is_empty() {
                    put("ManagedPolicyArns", Some(node(Value::Seq(managed))));
                }
                put("PermissionsBoundary", self.linked(r, "permissions_boundary", &["aws_iam_policy"]));
                "AWS::IAM::Role"
            }
            "aws_iam_role_policy" => {
                put("PolicyName", self.known(r, "name").map(json_node).or_else(|| Some(text(r.address.clone()))));
                put("PolicyDocument", self.plain(r, "policy"));
                put("Roles", self.linked(r, "role", &["aws_iam_role"]).map(|role| node(Value::Seq(vec![role]))));
                "AWS::IAM::Policy"
            }
            "aws_iam_policy" => {
                put("ManagedPolicyName", self.known(r, "name").map(json_node));
                put("PolicyDocument", self.plain(r, "policy"));
                "AWS::IAM::ManagedPolicy"
            }
            "aws_kms_key" => {
                put("KeyPolicy", self.plain(r, "policy"));
                put("Enabled", self.plain(r, "is_enabled"));
                "AWS::KMS::Key"
            }
            "aws_kms_alias" => {
                put("AliasName", self.known(r, "name").map(json_node));
                put("TargetKeyId", self.linked(r, "target_key_id", &["aws_kms_key"]));
                "AWS::KMS::Alias"
            }
            "aws_sqs_queue_policy" => {
                put("Queues", self.linked(r, "queue_url", &["aws_sqs_queue"]).map(|q| node(Value::Seq(vec![q]))));
                put("PolicyDocument", self.plain(r, "policy"));
                "AWS::SQS::QueuePolicy"
            }
            // The producers of a queue: SNS subscriptions, EventBridge targets, S3 notifications.
            "aws_sns_topic" => {
                put("TopicName", self.known(r, "name").map(json_node));
                "AWS::SNS::Topic"
            }
            "aws_sns_topic_subscription" => {
                put("Protocol", self.plain(r, "protocol"));
                put("TopicArn", self.linked(r, "topic_arn", &["aws_sns_topic"]));
                put("Endpoint", self.linked(r, "endpoint", &["aws_sqs_queue"]));
                "AWS::SNS::Subscription"
            }
            // A target is a rule of its own here: the rule's name and bus make its ARN.
            "aws_cloudwatch_event_target" => {
                put("Name", self.known(r, "rule").map(json_node));
                put("EventBusName", self.known(r, "event_bus_name").map(json_node));
                let mut target = vec![("Id", text(r.address.clone()))];
                if let Some(arn) = self.linked(r, "arn", &["aws_sqs_queue"]) {
                    target.push(("Arn", arn));
                }
                let dlq = self.known(r, "dead_letter_config").and_then(|d| d.get(0)).and_then(|d| d.get("arn"));
                if let Some(Json::String(dlq)) = dlq {
                    let link = self.queue_by_arn(dlq).unwrap_or_else(|| text(dlq.clone()));
                    target.push(("DeadLetterConfig", map(vec![("Arn", link)])));
                }
                put("Targets", Some(node(Value::Seq(vec![map(target)]))));
                "AWS::Events::Rule"
            }
            // The notification is the bucket's NotificationConfiguration here.
            "aws_s3_bucket_notification" => {
                put("BucketName", self.known(r, "bucket").map(json_node));
                let configs: Vec<Node> = match r.attr(self.config, "queue") {
                    Attr::Known(Json::Array(queues)) => queues
                        .iter()
                        .filter_map(|q| q.get("queue_arn").and_then(Json::as_str))
                        .map(|arn| map(vec![("Queue", self.queue_by_arn(arn).unwrap_or_else(|| text(arn.to_owned())))]))
                        .collect(),
                    Attr::Unknown(refs) => refs
                        .iter()
                        .filter_map(|(t, a)| {
                            self.find(t).filter(|p| p.kind == "aws_sqs_queue").map(|p| self.link_to(p, a.as_deref()))
                        })
                        .map(|link| map(vec![("Queue", link)]))
                        .collect(),
                    _ => vec![],
                };
                if !configs.is_empty() {
                    put(
                        "NotificationConfiguration",
                        Some(map(vec![("QueueConfigurations", node(Value::Seq(configs)))])),
                    );
                }
                "AWS::S3::Bucket"
            }
            _ => return None,
        };
        Some((
            kind,
            node(Value::Map(
                props
                    .into_iter()
                    .map(|(k, v)| Entry { key: k.to_owned(), key_pos: Pos::default(), value: v })
                    .collect(),
            )),
        ))
    }

    /// `redrive_policy` (a JSON string): parsed when known; when unknown (a DLQ created by the
    /// same plan), the DLQ through the references and an unknown maxReceiveCount.
    fn redrive(&self, r: &Planned, name: &str) -> Option<Node> {
        match r.attr(self.config, name) {
            Attr::Known(Json::String(s)) if s.is_empty() => None,
            Attr::Known(v) => Some(json_node(v)),
            Attr::Absent => None,
            Attr::Unknown(refs) => {
                let dlq = refs.iter().find_map(|(t, a)| {
                    self.find(t).filter(|p| p.kind == "aws_sqs_queue").map(|p| self.link_to(p, a.as_deref()))
                });
                Some(map(vec![
                    ("deadLetterTargetArn", dlq.unwrap_or_else(|| unknown(&format!("{}.{name} (its DLQ)", r.address)))),
                    ("maxReceiveCount", unknown(&format!("{}.{name} (maxReceiveCount)", r.address))),
                ]))
            }
        }
    }

    /// An `aws_sqs_queue_redrive_policy` naming this queue.
    fn separate_redrive(&self, queue: &Planned) -> Option<Node> {
        let config_address = strip_indexes(&queue.address);
        self.resources.values().filter(|p| p.kind == "aws_sqs_queue_redrive_policy").find_map(|p| {
            let names_queue = match p.attr(self.config, "queue_url") {
                Attr::Unknown(refs) => refs.iter().any(|(t, _)| *t == config_address),
                Attr::Known(Json::String(url)) => {
                    queue.after.get("url").and_then(Json::as_str) == Some(url.as_str())
                        || queue
                            .after
                            .get("name")
                            .and_then(Json::as_str)
                            .is_some_and(|n| url.ends_with(&format!("/{n}")))
                }
                _ => false,
            };
            if names_queue { self.redrive(p, "redrive_policy") } else { None }
        })
    }

    /// `aws_iam_role_policy_attachment`s of a role: their policy ARNs (or links to policies of
    /// the plan).
    fn attachments(&self, role: &Planned) -> Vec<Node> {
        let config_address = strip_indexes(&role.address);
        let role_name = role.after.get("name").and_then(Json::as_str);
        self.resources
            .values()
            .filter(|p| p.kind == "aws_iam_role_policy_attachment")
            .filter(|p| match p.attr(self.config, "role") {
                Attr::Unknown(refs) => refs.iter().any(|(t, _)| *t == config_address),
                Attr::Known(Json::String(name)) => {
                    Some(name.as_str()) == role_name || refs_role(self.config, p, &config_address)
                }
                _ => false,
            })
            .filter_map(|p| self.linked(p, "policy_arn", &["aws_iam_policy"]))
            .collect()
    }
}

impl Translator<'_> {
    /// A planned queue whose known ARN is `arn`, as a link.
    fn queue_by_arn(&self, arn: &str) -> Option<Node> {
        let q = self
            .resources
            .values()
            .find(|p| p.kind == "aws_sqs_queue" && p.after.get("arn").and_then(Json::as_str) == Some(arn))?;
        Some(self.link_to(q, Some("arn")))
    }
}

fn refs_role(config: &Config, attachment: &Planned, role: &str) -> bool {
    config.references(&attachment.address, "role").iter().any(|(t, _)| t == role)
}
