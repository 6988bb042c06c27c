//! Terraform plans (`terraform show -json plan.out`) → the same triggers as a template.
//!
//! Each planned resource (`resource_changes[].change.after`) of the AWS types a trigger is made
//! of is translated into the CloudFormation resource it corresponds to, under its address as the
//! logical id, and the template front end ([`super::cfn`]) links and checks them: one linking
//! code for both. Values the plan does not know yet (`after_unknown`, typical of a first apply:
//! every ARN) are linked through the configuration's references
//! (`configuration…expressions.<attr>.references`, across module calls and `var.*`); what cannot
//! be linked stays unknown and the check that needs it is `check-skipped`, naming the attribute.
//! A plan has no positions: findings name the resource address.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::cfn::Options;
use super::facts::LintTrigger;
use super::resolve::UNKNOWN_PREFIX;
use super::tree::{Entry, Node, Pos, Value};

/// `terraform show -json` output names its versions first.
pub fn looks_like_plan(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.trim_start().starts_with('{')
        && (head.contains("\"terraform_version\"") || head.contains("\"resource_changes\""))
}

/// The triggers of a plan.
pub fn triggers(text: &str, options: &Options) -> Result<Vec<LintTrigger>, String> {
    let plan: Json = serde_json::from_str(text).map_err(|e| format!("{}:{}: {e}", e.line(), e.column()))?;
    let Some(changes) = plan.get("resource_changes").and_then(Json::as_array) else {
        return Err("1:1: not a Terraform plan (no resource_changes): run `terraform show -json plan.out`".into());
    };
    let config = Config::new(plan.get("configuration"));
    let mut plan_resources: BTreeMap<String, Planned> = BTreeMap::new();
    for change in changes {
        if change.get("mode").and_then(Json::as_str) != Some("managed") {
            continue;
        }
        let actions: Vec<&str> = change
            .pointer("/change/actions")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        if actions == ["delete"] {
            continue;
        }
        let (Some(address), Some(kind)) =
            (change.get("address").and_then(Json::as_str), change.get("type").and_then(Json::as_str))
        else {
            continue;
        };
        let after = change.pointer("/change/after").cloned().unwrap_or(Json::Null);
        let unknown = change.pointer("/change/after_unknown").cloned().unwrap_or(Json::Null);
        plan_resources
            .insert(address.to_owned(), Planned { address: address.to_owned(), kind: kind.to_owned(), after, unknown });
    }
    let translator = Translator { resources: &plan_resources, config: &config };
    let template = translator.template();
    Ok(super::cfn::triggers(&template, options))
}

/// One planned resource.
struct Planned {
    address: String,
    kind: String,
    after: Json,
    unknown: Json,
}

/// What an attribute of a planned resource is.
enum Attr<'a> {
    Known(&'a Json),
    /// Known only after apply; what it references (addresses of planned resources).
    Unknown(Vec<(String, Option<String>)>),
    Absent,
}

impl Planned {
    fn attr<'a>(&'a self, config: &Config, name: &str) -> Attr<'a> {
        if self.unknown.get(name).is_some_and(|u| u == &Json::Bool(true)) {
            return Attr::Unknown(config.references(&self.address, name));
        }
        match self.after.get(name) {
            Some(Json::Null) | None => {
                let refs = config.references(&self.address, name);
                if refs.is_empty() { Attr::Absent } else { Attr::Unknown(refs) }
            }
            Some(v) => Attr::Known(v),
        }
    }
}

/// The plan's `configuration`: each resource's expressions, by module path.
struct Config {
    /// Config address (indexes stripped, `module.a.` prefixes kept) → expressions.
    resources: BTreeMap<String, Json>,
    /// Module path (`module.a.module.b`) → the call's expressions (the module's input variables).
    calls: BTreeMap<String, Json>,
    /// Module path → its outputs.
    outputs: BTreeMap<String, Json>,
}

const MAX_REFERENCE_DEPTH: usize = 16;

impl Config {
    fn new(configuration: Option<&Json>) -> Config {
        let mut config = Config { resources: BTreeMap::new(), calls: BTreeMap::new(), outputs: BTreeMap::new() };
        if let Some(root) = configuration.and_then(|c| c.get("root_module")) {
            config.walk(root, "", 0);
        }
        config
    }

    fn walk(&mut self, module: &Json, prefix: &str, depth: usize) {
        if depth > MAX_REFERENCE_DEPTH {
            return;
        }
        for r in module.get("resources").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default() {
            if let Some(address) = r.get("address").and_then(Json::as_str) {
                let expressions = r.get("expressions").cloned().unwrap_or(Json::Null);
                self.resources.insert(format!("{prefix}{address}"), expressions);
            }
        }
        if let Some(outputs) = module.get("outputs") {
            self.outputs.insert(prefix.trim_end_matches('.').to_owned(), outputs.clone());
        }
        for (name, call) in module.get("module_calls").and_then(Json::as_object).into_iter().flatten() {
            let path = format!("{prefix}module.{name}");
            self.calls.insert(path.clone(), call.get("expressions").cloned().unwrap_or(Json::Null));
            if let Some(inner) = call.get("module") {
                self.walk(inner, &format!("{path}."), depth + 1);
            }
        }
    }

    /// Whether the configuration gives the attribute an expression.
    fn sets(&self, address: &str, attribute: &str) -> bool {
        self.resources.get(&strip_indexes(address)).is_some_and(|e| e.get(attribute).is_some())
    }

    /// The planned resources (address, attribute) an attribute's expression references.
    fn references(&self, address: &str, attribute: &str) -> Vec<(String, Option<String>)> {
        let config_address = strip_indexes(address);
        let prefix = module_prefix(&config_address);
        let Some(expression) = self.resources.get(&config_address).and_then(|e| e.get(attribute)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        self.follow(expression, &prefix, &mut out, 0);
        out
    }

    fn follow(&self, expression: &Json, prefix: &str, out: &mut Vec<(String, Option<String>)>, depth: usize) {
        if depth > MAX_REFERENCE_DEPTH {
            return;
        }
        let references: Vec<&str> = match expression {
            Json::Object(map) => {
                let mut refs: Vec<&str> = map
                    .get("references")
                    .and_then(Json::as_array)
                    .map(|r| r.iter().filter_map(Json::as_str).collect())
                    .unwrap_or_default();
                // Blocks (scaling_config, filter_criteria) nest their expressions.
                for (k, v) in map {
                    if k != "references" && k != "constant_value" {
                        self.follow(v, prefix, out, depth + 1);
                    }
                }
                refs.dedup();
                refs
            }
            Json::Array(items) => {
                for item in items {
                    self.follow(item, prefix, out, depth + 1);
                }
                return;
            }
            _ => return,
        };
        for reference in references {
            let parts: Vec<&str> = reference.split('.').collect();
            match parts.as_slice() {
                ["var", name, ..] => {
                    let path = prefix.trim_end_matches('.');
                    if let Some(expr) = self.calls.get(path).and_then(|c| c.get(*name)) {
                        self.follow(expr, &parent_prefix(path), out, depth + 1);
                    }
                }
                ["module", name, output, ..] => {
                    let path = format!("{prefix}module.{name}");
                    if let Some(expr) =
                        self.outputs.get(&path).and_then(|o| o.get(*output)).and_then(|o| o.get("expression"))
                    {
                        self.follow(expr, &format!("{path}."), out, depth + 1);
                    }
                }
                ["data", ..] | ["local", ..] | ["each", ..] | ["count", ..] | ["path", ..] | ["self", ..] => {}
                [kind, name, rest @ ..] if kind.starts_with("aws_") => {
                    let target = format!("{prefix}{kind}.{}", strip_indexes(name));
                    let attribute = rest.first().map(|a| strip_indexes(a));
                    if !out.iter().any(|(t, a)| *t == target && *a == attribute) {
                        out.push((target, attribute));
                    }
                }
                _ => {}
            }
        }
    }
}

/// `module.a["x"].aws_sqs_queue.q[0]` → `module.a.aws_sqs_queue.q`.
fn strip_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The prefix of the module that calls `path`: `module.a.module.b` → `module.a.`, `module.a` → ``.
fn parent_prefix(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.len() <= 2 {
        return String::new();
    }
    format!("{}.", parts[..parts.len() - 2].join("."))
}

/// The module prefix of a config address: `module.a.module.b.aws_x.y` → `module.a.module.b.`.
fn module_prefix(address: &str) -> String {
    let parts: Vec<&str> = address.split('.').collect();
    let mut prefix = String::new();
    let mut i = 0;
    while i + 1 < parts.len() && parts[i] == "module" {
        prefix.push_str(&format!("module.{}.", parts[i + 1]));
        i += 2;
    }
    prefix
}

struct Translator<'a> {
    resources: &'a BTreeMap<String, Planned>,
    config: &'a Config,
}

fn node(value: Value) -> Node {
    Node { value, pos: Pos::default() }
}

fn text(s: impl Into<String>) -> Node {
    node(Value::String(s.into()))
}

fn map(entries: Vec<(&str, Node)>) -> Node {
    node(Value::Map(
        entries.into_iter().map(|(k, v)| Entry { key: k.to_owned(), key_pos: Pos::default(), value: v }).collect(),
    ))
}

fn intrinsic(name: &str, arg: Node) -> Node {
    map(vec![(name, arg)])
}

fn get_att(address: &str, attribute: &str) -> Node {
    intrinsic("Fn::GetAtt", node(Value::Seq(vec![text(address), text(attribute)])))
}

fn reference(address: &str) -> Node {
    intrinsic("Ref", text(address))
}

fn unknown(what: &str) -> Node {
    text(format!("{UNKNOWN_PREFIX}{what}}}}}"))
}

/// A JSON value of the plan as a tree node (numbers kept as written).
fn json_node(v: &Json) -> Node {
    match v {
        Json::Null => node(Value::Null),
        Json::Bool(b) => node(Value::Bool(*b)),
        Json::Number(n) => node(Value::Number(n.to_string())),
        Json::String(s) => text(s.clone()),
        Json::Array(items) => node(Value::Seq(items.iter().map(json_node).collect())),
        Json::Object(m) => node(Value::Map(
            m.iter().map(|(k, v)| Entry { key: k.clone(), key_pos: Pos::default(), value: json_node(v) }).collect(),
        )),
    }
}

impl Translator<'_> {
    fn template(&self) -> Node {
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

    /// A planned attribute as a property: its value, a link to the planned resource it
    /// references (`Ref`, or `GetAtt` of the attribute CloudFormation names `cfn_attribute`),
    /// or an unknown naming it.
    fn linked(&self, r: &Planned, name: &str, kinds: &[&str]) -> Option<Node> {
        match r.attr(self.config, name) {
            Attr::Known(Json::String(v)) => Some(self.by_value(v, kinds).unwrap_or_else(|| text(v.clone()))),
            Attr::Known(v) => Some(json_node(v)),
            Attr::Absent => None,
            Attr::Unknown(refs) => {
                for (target, attribute) in &refs {
                    let Some(t) = self.find(target) else { continue };
                    if !kinds.contains(&t.kind.as_str()) {
                        continue;
                    }
                    return Some(self.link_to(t, attribute.as_deref()));
                }
                Some(unknown(&format!("{}.{name}", r.address)))
            }
        }
    }

    /// A planned resource whose known ARN, URL, id or name is `value` (a plan that updates
    /// resources which exist already), as a link.
    fn by_value(&self, value: &str, kinds: &[&str]) -> Option<Node> {
        for p in self.resources.values().filter(|p| kinds.contains(&p.kind.as_str())) {
            for attribute in ["arn", "url", "id", "function_name", "name", "key_id"] {
                if p.after.get(attribute).and_then(Json::as_str) == Some(value) {
                    return Some(self.link_to(p, Some(attribute)));
                }
            }
        }
        None
    }

    /// The planned resource a config address stands for (the first instance of a count or
    /// for_each).
    fn find(&self, config_address: &str) -> Option<&Planned> {
        self.resources.values().find(|p| strip_indexes(&p.address) == config_address)
    }

    fn link_to(&self, t: &Planned, attribute: Option<&str>) -> Node {
        let a = &t.address;
        match (t.kind.as_str(), attribute) {
            ("aws_sqs_queue", Some("arn")) => get_att(a, "Arn"),
            ("aws_sqs_queue", Some("name")) => get_att(a, "QueueName"),
            ("aws_sqs_queue", _) => reference(a), // id and url: the URL
            ("aws_lambda_function", Some("arn" | "qualified_arn" | "invoke_arn")) => get_att(a, "Arn"),
            ("aws_lambda_function", _) => reference(a),
            ("aws_lambda_alias", _) => reference(a),
            ("aws_iam_role", Some("arn")) => get_att(a, "Arn"),
            ("aws_iam_role", _) => reference(a),
            ("aws_kms_key", Some("arn")) => get_att(a, "Arn"),
            ("aws_kms_key", _) => reference(a),
            ("aws_kms_alias", _) => reference(a),
            ("aws_iam_policy", _) => reference(a),
            _ => unknown(&format!("{a}.{}", attribute.unwrap_or("id"))),
        }
    }

    fn known<'a>(&self, r: &'a Planned, name: &str) -> Option<&'a Json> {
        match r.attr(self.config, name) {
            Attr::Known(v) => Some(v),
            _ => None,
        }
    }

    /// A property from a plain attribute: its value, or an unknown naming it.
    fn plain(&self, r: &Planned, name: &str) -> Option<Node> {
        match r.attr(self.config, name) {
            Attr::Known(v) => Some(json_node(v)),
            Attr::Absent => None,
            Attr::Unknown(_) => Some(unknown(&format!("{}.{name}", r.address))),
        }
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

fn refs_role(config: &Config, attachment: &Planned, role: &str) -> bool {
    config.references(&attachment.address, "role").iter().any(|(t, _)| t == role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_lose_their_indexes_and_name_their_modules() {
        assert_eq!(strip_indexes("module.a[\"x\"].aws_sqs_queue.q[0]"), "module.a.aws_sqs_queue.q");
        assert_eq!(module_prefix("module.a.module.b.aws_sqs_queue.q"), "module.a.module.b.");
        assert_eq!(module_prefix("aws_sqs_queue.q"), "");
        assert_eq!(parent_prefix("module.a.module.b"), "module.a.");
        assert_eq!(parent_prefix("module.a"), "");
    }

    #[test]
    fn references_follow_variables_into_the_calling_module() {
        let configuration = serde_json::json!({"root_module": {
            "resources": [{"address": "aws_sqs_queue.q", "expressions": {}}],
            "module_calls": {"w": {
                "expressions": {"queue_arn": {"references": ["aws_sqs_queue.q.arn", "aws_sqs_queue.q"]}},
                "module": {"resources": [{"address": "aws_lambda_event_source_mapping.m", "expressions": {
                    "event_source_arn": {"references": ["var.queue_arn"]}
                }}]}
            }}
        }});
        let config = Config::new(Some(&configuration));
        let refs = config.references("module.w.aws_lambda_event_source_mapping.m", "event_source_arn");
        assert_eq!(refs[0], ("aws_sqs_queue.q".to_owned(), Some("arn".to_owned())));
        assert!(looks_like_plan("{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\"}"));
        assert!(!looks_like_plan("Resources: {}"));
    }
}
