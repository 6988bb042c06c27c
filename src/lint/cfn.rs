//! CloudFormation, SAM and `cdk synth` templates → one [`LintTrigger`] per SQS mapping.
//!
//! Mappings are `AWS::Lambda::EventSourceMapping` resources and the `Type: SQS` events of SAM
//! functions. Each is linked to its queue and function through what its properties resolve to
//! (GetAtt, Ref, literal names, aliases); the function to its role (in the file, or SAM's
//! implicit role); the role to its policies (inline, `AWS::IAM::Policy` through `Roles`,
//! managed ones in the file or known as data); the queue to its DLQ, its queue policy and its
//! key (`KmsMasterKeyId`).

use std::collections::BTreeMap;

use super::data;
use super::facts::{LintTrigger, Spot, Spots, skipped};
use super::resolve::{Env, Placeholder, Val};
use super::tree::{Entry, Node, Pos, Value};
use crate::model::facts::{
    Encryption, FunctionFacts, KeyFacts, KeyLookup, KeyManager, MappingFacts, MappingRequest, MappingState,
    ProvisionedPollers, QueueDepth, QueueFacts, Redrive, RoleFacts, TriggerFacts,
};
use crate::model::{Finding, FunctionArn, KeyArn, QueueArn, QueueName, QueueUrl, RoleArn};
use crate::policy::{NamedPolicy, PolicyDocument};

/// Where the template's pseudo parameters and parameters come from.
#[derive(Clone, Debug)]
pub struct Options {
    pub region: String,
    pub account: String,
    pub partition: String,
    pub stack_name: String,
    pub parameters: BTreeMap<String, String>,
    /// Whether `--account` was given; if not, the account of the file's literal ARNs is used.
    pub account_given: bool,
}

/// The account of placeholder ARNs when neither `--account` nor a literal ARN says one.
pub const DEFAULT_ACCOUNT: &str = "123456789012";

/// The account most literal ARNs of the file name (managed policies' `aws` aside): the file's
/// own account, so a literal role ARN of it is not taken for another account's.
pub fn literal_account(root: &Node) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut todo = vec![root];
    while let Some(node) = todo.pop() {
        match &node.value {
            Value::String(s) if s.starts_with("arn:") => {
                if let Some(account) = s.split(':').nth(4).filter(|a| crate::model::arn::is_account_id(a)) {
                    *counts.entry(account.to_owned()).or_default() += 1;
                }
            }
            Value::Seq(items) => todo.extend(items.iter()),
            Value::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(a, _)| a)
}

/// The role name a function's unresolvable `Role` is given (its role checks are skipped).
const UNRESOLVED_ROLE: &str = "unresolved-role";

/// Undecidable conditions are tried both ways; more than this many are assumed true.
const MAX_FORKED_CONDITIONS: usize = 4;

/// Whether a parsed file looks like a CloudFormation template.
pub fn is_template(root: &Node) -> bool {
    root.get("Resources").is_some_and(|r| matches!(r.value, Value::Map(_)))
}

/// The triggers of a template, for every combination of its undecidable conditions.
pub fn triggers(root: &Node, options: &Options) -> Vec<LintTrigger> {
    let mut options = options.clone();
    if !options.account_given
        && let Some(account) = literal_account(root)
    {
        options.account = account;
    }
    let options = &options;
    let base = base_env(root, options);
    let undecided: Vec<String> =
        base.condition_defs.keys().filter(|name| base.condition(name, 0).is_none()).cloned().collect();
    let forked: Vec<&String> = undecided.iter().take(MAX_FORKED_CONDITIONS).collect();
    let mut out = Vec::new();
    for bits in 0..(1u32 << forked.len()) {
        let mut env = base.clone();
        for name in &undecided {
            env.assumed.insert(name.clone(), true);
        }
        for (i, name) in forked.iter().enumerate() {
            env.assumed.insert((*name).clone(), bits & (1 << i) != 0);
        }
        let mut triggers = Template::new(root, env, options).triggers();
        let assumes: Vec<String> = forked
            .iter()
            .enumerate()
            .map(|(i, name)| format!("condition {name} is {}", bits & (1 << i) != 0))
            .collect();
        for t in &mut triggers {
            t.assumes = assumes.clone();
        }
        out.append(&mut triggers);
    }
    out
}

fn base_env(root: &Node, options: &Options) -> Env {
    let mut env = Env {
        region: options.region.clone(),
        account: options.account.clone(),
        partition: options.partition.clone(),
        stack_name: options.stack_name.clone(),
        mappings: root.get("Mappings").cloned(),
        ..Env::default()
    };
    for e in root.get("Conditions").map(Node::entries).unwrap_or_default() {
        env.condition_defs.insert(e.key.clone(), e.value.clone());
    }
    for e in root.get("Parameters").map(Node::entries).unwrap_or_default() {
        let kind = e.value.get("Type").and_then(Node::as_str).unwrap_or("String");
        let text = match options.parameters.get(&e.key) {
            Some(v) => Some(v.clone()),
            None => e.value.get("Default").and_then(|d| match &d.value {
                Value::Seq(items) => Some(items.iter().filter_map(Node::as_str).collect::<Vec<_>>().join(",")),
                _ => d.as_str().map(str::to_owned),
            }),
        };
        let value = match text {
            None if kind.starts_with("AWS::SSM::Parameter::Value") => {
                Val::Unknown(format!("parameter {} (an SSM parameter, read at deploy time)", e.key))
            }
            None => Val::Unknown(format!("parameter {} has no Default: pass --parameter {}=VALUE", e.key, e.key)),
            Some(text)
                if kind.starts_with("AWS::SSM::Parameter::Value") && !options.parameters.contains_key(&e.key) =>
            {
                Val::Unknown(format!("parameter {} (SSM parameter {text}, read at deploy time)", e.key))
            }
            Some(text) if kind == "CommaDelimitedList" || kind.starts_with("List<") => {
                Val::List(text.split(',').map(|s| Val::Str(s.trim().to_owned())).collect())
            }
            Some(text) => Val::Str(text),
        };
        env.parameters.insert(e.key.clone(), value);
    }
    env
}

/// One resource of the template (SAM functions with their Globals merged in).
#[derive(Clone, Debug)]
struct Resource {
    id: String,
    kind: String,
    key_pos: Pos,
    props: Node,
    /// Resolved properties.
    val: Val,
}

impl Resource {
    fn spot(&self) -> Spot {
        Spot::at(self.key_pos, &self.id)
    }
    /// The spot of a property (a dotted path), or None when the property is not written.
    fn prop_spot(&self, path: &str) -> Option<Spot> {
        let mut node = &self.props;
        for part in path.split('.') {
            node = node.get(part)?;
        }
        Some(Spot::at(node.pos, &self.id))
    }
    fn prop(&self, path: &str) -> Option<&Val> {
        let mut val = &self.val;
        for part in path.split('.') {
            val = val.get(part)?;
        }
        Some(val)
    }
}

struct Template<'a> {
    env: Env,
    options: &'a Options,
    resources: BTreeMap<String, Resource>,
}

/// One SQS mapping, before linking.
struct MappingSpec {
    id: String,
    spot: Spot,
    props: Val,
    /// Spots of its settings.
    spots: BTreeMap<&'static str, Spot>,
    source: Val,
    source_spot: Spot,
    function: FunctionSel,
}

enum FunctionSel {
    /// A function of the file, by logical id, with an alias or version qualifier.
    Resource(String, Option<String>),
    /// What `FunctionName` resolved to, when it is no function of the file.
    Value(Val),
}

impl<'a> Template<'a> {
    fn new(root: &Node, mut env: Env, options: &'a Options) -> Template<'a> {
        let globals = root.get("Globals").and_then(|g| g.get("Function"));
        let mut raw: Vec<(String, String, Pos, Node)> = Vec::new();
        for e in root.get("Resources").map(Node::entries).unwrap_or_default() {
            let kind = e.value.get("Type").and_then(Node::as_str).unwrap_or("").to_owned();
            if let Some(condition) = e.value.get("Condition").and_then(Node::as_str)
                && env.condition(condition, 0) == Some(false)
            {
                continue;
            }
            let empty = Node { value: Value::Map(vec![]), pos: e.value.pos };
            let mut props = e.value.get("Properties").cloned().unwrap_or(empty);
            if kind == "AWS::Serverless::Function"
                && let Some(globals) = globals
            {
                props = merge(globals, &props);
            }
            raw.push((e.key.clone(), kind, e.key_pos, props));
        }
        // Placeholders: names come from properties that resolve without other resources
        // (parameters, pseudo parameters), else a stable generated name.
        for (id, kind, _, props) in &raw {
            if let Some(p) = placeholder(&env, id, kind, props) {
                env.resources.insert(id.clone(), p);
            }
            if kind == "AWS::Serverless::Function" && props.get("Role").is_none() {
                let role = format!("{id}Role");
                let p = placeholder(&env, &role, "AWS::IAM::Role", &Node { value: Value::Map(vec![]), pos: props.pos });
                env.resources.insert(role, p.unwrap_or_default());
            }
        }
        // Lambda aliases and versions name their function: a second pass, with functions known.
        for (id, kind, _, props) in &raw {
            if kind == "AWS::Lambda::Alias" || kind == "AWS::Lambda::Version" {
                let function = props.get("FunctionName").map(|n| env.resolve(n));
                let qualifier = match kind.as_str() {
                    "AWS::Lambda::Alias" => props.get("Name").map(|n| env.resolve(n)),
                    _ => Some(Val::Str("1".into())),
                };
                if let (Some(Val::Str(f)), Some(Val::Str(q))) = (function, qualifier) {
                    let arn = if f.starts_with("arn:") {
                        format!("{f}:{q}")
                    } else {
                        format!("arn:{}:lambda:{}:{}:function:{f}:{q}", env.partition, env.region, env.account)
                    };
                    let attributes = [("Arn".to_owned(), arn.clone())].into();
                    env.resources.insert(id.clone(), Placeholder { reference: Some(arn), attributes });
                }
            }
        }
        let resources = raw
            .into_iter()
            .map(|(id, kind, key_pos, props)| {
                let val = env.resolve(&props);
                (id.clone(), Resource { id, kind, key_pos, props, val })
            })
            .collect();
        Template { env, options, resources }
    }

    fn of_kind<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Resource> + 's {
        self.resources.values().filter(move |r| r.kind == kind)
    }

    fn attr(&self, id: &str, name: &str) -> Option<&str> {
        self.env.resources.get(id)?.attributes.get(name).map(String::as_str)
    }

    fn specs(&self) -> Vec<MappingSpec> {
        let mut specs = Vec::new();
        for r in self.of_kind("AWS::Lambda::EventSourceMapping") {
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

    fn queue_by_arn(&self, arn: &str) -> Option<&Resource> {
        self.of_kind("AWS::SQS::Queue").find(|q| self.attr(&q.id, "Arn") == Some(arn))
    }

    fn triggers(&self) -> Vec<LintTrigger> {
        let specs = self.specs();
        let mut triggers = Vec::new();
        for spec in &specs {
            if let Some(t) = self.trigger(spec) {
                triggers.push(t);
            }
        }
        duplicates(&mut triggers);
        triggers
    }

    fn trigger(&self, spec: &MappingSpec) -> Option<LintTrigger> {
        let mut notes: Vec<(Finding, Spot)> = Vec::new();
        let mut spots = Spots {
            mapping: spec.spot.clone(),
            event_source: Some(spec.source_spot.clone()),
            batch_size: spec.spots.get("batch_size").cloned(),
            batch_window: spec.spots.get("batch_window").cloned(),
            max_concurrency: spec.spots.get("max_concurrency").cloned(),
            filters: spec.spots.get("filters").cloned(),
            ..Spots::default()
        };
        let mut facts = TriggerFacts { region: self.options.region.clone(), ..TriggerFacts::default() };
        // The queue.
        let mut queue_label = "?".to_owned();
        let mut external_queue: Option<QueueArn> = None;
        match &spec.source {
            Val::Str(arn) => {
                if let Some(q) = self.queue_by_arn(arn) {
                    queue_label = q.id.clone();
                    let (queue, dlq) = self.queue(q, &mut spots, &mut notes);
                    facts.queue = Some(queue);
                    facts.dlq = dlq.map(Ok);
                } else if let Ok(parsed) = arn.parse::<QueueArn>() {
                    queue_label = parsed.name().to_string();
                    notes.push((
                        skipped(arn.clone(), format!("queue {arn} is not defined in this file (its attributes)")),
                        spec.source_spot.clone(),
                    ));
                    external_queue = Some(parsed);
                } else {
                    // Not an SQS source (Kinesis, DynamoDB, Kafka...): not a trigger lint checks.
                    return None;
                }
            }
            other => notes.push((
                skipped(spec.id.clone(), format!("the mapping's queue: {}", other.unknown().unwrap_or("not a string"))),
                spec.source_spot.clone(),
            )),
        }
        // The function, its role.
        let mut function_label = "?".to_owned();
        match &spec.function {
            FunctionSel::Resource(id, qualifier) => {
                if let Some(f) = self.resources.get(id) {
                    function_label = id.clone();
                    facts.function = self.function(f, qualifier.as_deref(), &mut spots, &mut notes);
                    if let Some(function) = &facts.function {
                        facts.role = self.role_of(f, &function.role, &mut spots, &mut notes).map(Ok);
                    }
                }
            }
            FunctionSel::Value(v) => {
                let what = match v {
                    Val::Str(name) => {
                        function_label = name.clone();
                        format!("function {name} is not defined in this file (its timeout, concurrency and role)")
                    }
                    other => format!("the mapping's function: {}", other.unknown().unwrap_or("not a string")),
                };
                notes.push((skipped(spec.id.clone(), what), spec.spot.clone()));
            }
        }
        // The key.
        if let Some(queue) = &facts.queue {
            facts.key = self.key(queue, &mut spots, &mut notes).map(Ok);
        }
        // Placement with literal ARNs: a queue outside the file in another region.
        if let (Some(q), Some(f)) = (&external_queue, &facts.function) {
            let placed_q = crate::checks::placement::Placed { resource: q.to_string(), region: q.region() };
            let placed_f = crate::checks::placement::Placed { resource: f.arn.to_string(), region: f.arn.region() };
            if let Some(finding) =
                crate::checks::placement::region_mismatch(&facts.region, Some(&placed_q), Some(&placed_f))
            {
                notes.push((finding, spec.source_spot.clone()));
            }
        }
        // The mapping itself.
        let request = request(&spec.props);
        if let (Some(q), Some(f)) = (&facts.queue, &facts.function) {
            facts.mappings = Some(Ok(vec![MappingFacts {
                uuid: spec.id.clone(),
                arn: None,
                queue_arn: q.arn.clone(),
                function_arn: f.arn.clone(),
                state: if request.enabled { MappingState::Enabled } else { MappingState::Disabled },
                batch_size: request.batch_size,
                batch_window_secs: request.batch_window_secs,
                max_concurrency: request.max_concurrency,
                report_batch_item_failures: request.report_batch_item_failures,
                filters: request.filters.clone(),
                last_processing_result: None,
                state_transition_reason: None,
                provisioned_pollers: request.provisioned_pollers,
                metrics: if request.metrics { vec!["EventCount".to_owned()] } else { vec![] },
                filter_kms_key: request.filter_kms_key.clone(),
                filter_criteria_error: None,
                tags: None,
            }]));
        }
        for (what, val) in [
            ("BatchSize", spec.props.get("BatchSize")),
            ("MaximumBatchingWindowInSeconds", spec.props.get("MaximumBatchingWindowInSeconds")),
        ] {
            if let Some(why) = val.and_then(Val::unknown) {
                notes.push((skipped(spec.id.clone(), format!("{what}: {why}")), spec.spot.clone()));
            }
        }
        facts.request = Some(request);
        let function_label = match &spec.function {
            FunctionSel::Resource(_, Some(q)) => format!("{function_label}:{q}"),
            _ => function_label,
        };
        Some(LintTrigger {
            label: format!("{}: {queue_label} → {function_label}", spec.id),
            facts,
            spots,
            findings: notes,
            assumes: Vec::new(),
        })
    }

    /// A queue's facts and its DLQ's (when the DLQ is in the file).
    fn queue(
        &self,
        q: &Resource,
        spots: &mut Spots,
        notes: &mut Vec<(Finding, Spot)>,
    ) -> (QueueFacts, Option<QueueFacts>) {
        spots.queue = Some(q.spot());
        spots.visibility = q.prop_spot("VisibilityTimeout");
        spots.redrive = q.prop_spot("RedrivePolicy");
        spots.max_receive = q.prop_spot("RedrivePolicy.maxReceiveCount").or_else(|| spots.redrive.clone());
        spots.encryption = q.prop_spot("KmsMasterKeyId");
        let url = self.env.resources.get(&q.id).and_then(|p| p.reference.clone()).unwrap_or_default();
        spots.queue_policy = self
            .of_kind("AWS::SQS::QueuePolicy")
            .find(|p| p.prop("Queues").is_some_and(|qs| qs.items().iter().any(|u| u.as_str() == Some(url.as_str()))))
            .and_then(|p| p.prop_spot("PolicyDocument"));
        let mut queue = self.queue_facts(q, notes);
        let mut dlq = None;
        if let Some(redrive) = q.prop("RedrivePolicy") {
            let parsed = match redrive {
                Val::Str(json) => serde_json::from_str::<serde_json::Value>(json)
                    .map(|v| Val::from_json(&v))
                    .unwrap_or_else(|e| Val::Unknown(format!("RedrivePolicy is not JSON ({e})"))),
                other => other.clone(),
            };
            let target =
                parsed.get("deadLetterTargetArn").cloned().unwrap_or(Val::Unknown("no deadLetterTargetArn".into()));
            let count = parsed.get("maxReceiveCount").and_then(Val::as_i64);
            let target_arn = match &target {
                Val::Str(arn) => arn.parse::<QueueArn>().ok(),
                _ => None,
            };
            let target_arn = target_arn.unwrap_or_else(|| {
                let why = target.unknown().or(parsed.unknown()).unwrap_or("not an SQS ARN").to_owned();
                notes.push((
                    skipped(queue.arn.to_string(), format!("the dead-letter queue of {}: {why}", q.id)),
                    spots.redrive.clone().unwrap_or_else(|| q.spot()),
                ));
                // Same type as the queue, so no type finding is made up.
                let name = format!("{}-unresolved-dlq{}", queue.name.base(), if queue.fifo { ".fifo" } else { "" });
                QueueArn::new(
                    &self.env.partition,
                    &self.env.region,
                    &self.env.account,
                    &QueueName::new_unchecked(&name),
                )
            });
            if count.is_none() {
                let why = parsed.get("maxReceiveCount").and_then(Val::unknown).unwrap_or("not a number").to_owned();
                notes.push((
                    skipped(queue.arn.to_string(), format!("maxReceiveCount of {}: {why}", q.id)),
                    spots.redrive.clone().unwrap_or_else(|| q.spot()),
                ));
            }
            if let Some(d) = self.queue_by_arn(&target_arn.to_string()) {
                dlq = Some(self.queue_facts(d, &mut Vec::new()));
            }
            queue.redrive = Some(Redrive {
                dead_letter_target_arn: target_arn,
                max_receive_count: count
                    .and_then(|c| u32::try_from(c).ok())
                    .unwrap_or(crate::DEFAULT_MAX_RECEIVE_COUNT),
            });
        }
        (queue, dlq)
    }

    fn queue_facts(&self, q: &Resource, notes: &mut Vec<(Finding, Spot)>) -> QueueFacts {
        let arn_text = self.attr(&q.id, "Arn").unwrap_or_default().to_owned();
        let arn: QueueArn = arn_text.parse().unwrap_or_else(|_| {
            QueueArn::new(&self.env.partition, &self.env.region, &self.env.account, &QueueName::new_unchecked(&q.id))
        });
        let url = format!("https://sqs.{}.amazonaws.com/{}/{}", arn.region(), arn.account(), arn.name());
        let visibility = match q.prop("VisibilityTimeout") {
            None => 30,
            Some(v) => match v.as_i64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => n,
                None => {
                    let why = v.unknown().unwrap_or("not a number").to_owned();
                    notes.push((
                        skipped(arn.to_string(), format!("VisibilityTimeout of {}: {why}", q.id)),
                        q.prop_spot("VisibilityTimeout").unwrap_or_else(|| q.spot()),
                    ));
                    u32::MAX
                }
            },
        };
        let encryption = match (q.prop("KmsMasterKeyId"), q.prop("SqsManagedSseEnabled").and_then(Val::as_bool)) {
            (Some(Val::Str(key)), _) => Encryption::Kms { key_id: key.clone() },
            (Some(other), _) => {
                Encryption::Kms { key_id: format!("(unresolved: {})", other.unknown().unwrap_or("not a string")) }
            }
            (None, Some(false)) => Encryption::None,
            // New queues are encrypted with SSE-SQS unless told otherwise.
            (None, _) => Encryption::SseSqs,
        };
        let policy = self
            .of_kind("AWS::SQS::QueuePolicy")
            .find(|p| {
                p.prop("Queues").is_some_and(|qs| {
                    qs.items().iter().any(|u| u.as_str() == Some(url.as_str()) || u.as_str() == Some(&arn_text))
                })
            })
            .and_then(|p| {
                self.document(
                    &format!("queue policy {}", p.id),
                    p.prop("PolicyDocument"),
                    notes,
                    p.prop_spot("PolicyDocument"),
                )
            });
        QueueFacts {
            name: arn.name(),
            url: url.parse().unwrap_or_else(|_| {
                // A name no URL can carry (the file's own typo): a constant that always parses.
                "https://sqs.us-east-1.amazonaws.com/123456789012/unparseable-queue-name"
                    .parse::<QueueUrl>()
                    .expect("a constant URL")
            }),
            fifo: q.prop("FifoQueue").and_then(Val::as_bool).unwrap_or(false),
            visibility_timeout_secs: visibility,
            encryption,
            redrive: None,
            policy: policy.map(|p| p.document),
            depth: QueueDepth::default(),
            tags: BTreeMap::new(),
            arn,
        }
    }

    /// A policy document property, parsed; unresolvable or invalid ones are noted and skipped.
    fn document(
        &self,
        name: &str,
        val: Option<&Val>,
        notes: &mut Vec<(Finding, Spot)>,
        spot: Option<Spot>,
    ) -> Option<NamedPolicy> {
        let val = val?;
        let doc = match val {
            Val::Str(text) => text.clone(),
            other => match other.to_json() {
                Ok(json) => json.to_string(),
                Err(why) => {
                    notes.push((skipped(name, format!("{name}: {why}")), spot.unwrap_or_default()));
                    return None;
                }
            },
        };
        match NamedPolicy::parse(name, &doc) {
            Ok(p) => Some(p),
            Err(e) => {
                notes.push((skipped(name, format!("{name} does not parse: {e}")), spot.unwrap_or_default()));
                None
            }
        }
    }

    fn function(
        &self,
        f: &Resource,
        qualifier: Option<&str>,
        spots: &mut Spots,
        notes: &mut Vec<(Finding, Spot)>,
    ) -> Option<FunctionFacts> {
        spots.function = Some(f.spot());
        spots.timeout = f.prop_spot("Timeout");
        spots.reserved = f.prop_spot("ReservedConcurrentExecutions");
        let arn: FunctionArn = self.attr(&f.id, "Arn")?.parse().ok()?;
        let arn = arn.with_qualifier(qualifier);
        let timeout = match f.prop("Timeout") {
            None => 3,
            Some(v) => v.as_i64().and_then(|n| u32::try_from(n).ok()).unwrap_or_else(|| {
                notes.push((
                    skipped(arn.to_string(), format!("Timeout of {}: {}", f.id, v.unknown().unwrap_or("not a number"))),
                    spots.timeout.clone().unwrap_or_else(|| f.spot()),
                ));
                0
            }),
        };
        let reserved = f.prop("ReservedConcurrentExecutions").and_then(Val::as_i64).and_then(|n| i32::try_from(n).ok());
        let role = match f.prop("Role") {
            Some(Val::Str(role)) => role.parse::<RoleArn>().ok().or_else(|| {
                // A role name (SAM accepts ARNs only; be lenient with names of roles in the file).
                self.of_kind("AWS::IAM::Role")
                    .find(|r| self.env.resources.get(&r.id).and_then(|p| p.reference.as_deref()) == Some(role))
                    .and_then(|r| self.attr(&r.id, "Arn")?.parse().ok())
            }),
            Some(other) => {
                notes.push((
                    skipped(
                        arn.to_string(),
                        format!("the role of {}: {}", f.id, other.unknown().unwrap_or("not an ARN")),
                    ),
                    f.prop_spot("Role").unwrap_or_else(|| f.spot()),
                ));
                None
            }
            None if f.kind == "AWS::Serverless::Function" => self.attr(&format!("{}Role", f.id), "Arn")?.parse().ok(),
            None => None,
        };
        let role = match role {
            Some(role) => role,
            None => {
                format!("arn:{}:iam::{}:role/{UNRESOLVED_ROLE}", self.env.partition, self.env.account).parse().ok()?
            }
        };
        let name = arn.name();
        let log_group = match f.prop("LoggingConfig.LogGroup") {
            Some(Val::Str(g)) => g.clone(),
            _ => name.default_log_group(),
        };
        Some(FunctionFacts {
            arn,
            timeout_secs: timeout,
            state: None,
            state_reason: None,
            state_reason_code: None,
            last_update_status: None,
            role,
            runtime: f.prop("Runtime").and_then(Val::as_str).map(str::to_owned),
            reserved_concurrency: reserved,
            log_group,
            logging: Default::default(),
        })
    }

    /// The role's facts when it is in the file (or SAM's implicit role); None otherwise, with
    /// a note saying why its permissions were not checked.
    fn role_of(
        &self,
        f: &Resource,
        role_arn: &RoleArn,
        spots: &mut Spots,
        notes: &mut Vec<(Finding, Spot)>,
    ) -> Option<RoleFacts> {
        let arn_text = role_arn.to_string();
        if arn_text.ends_with(UNRESOLVED_ROLE) {
            return None;
        }
        let implicit = f.kind == "AWS::Serverless::Function" && f.props.get("Role").is_none();
        if implicit {
            spots.role = f.prop_spot("Policies").or_else(|| Some(f.spot()));
            spots.trust = Some(f.spot());
            return self.implicit_role(f, role_arn, notes);
        }
        let Some(r) = self.of_kind("AWS::IAM::Role").find(|r| self.attr(&r.id, "Arn") == Some(arn_text.as_str()))
        else {
            notes.push((
                skipped(arn_text.clone(), format!("role {arn_text} is not defined in this file (its policies)")),
                f.prop_spot("Role").unwrap_or_else(|| f.spot()),
            ));
            return None;
        };
        spots.role = r.prop_spot("Policies").or_else(|| r.prop_spot("ManagedPolicyArns")).or_else(|| Some(r.spot()));
        spots.trust = r.prop_spot("AssumeRolePolicyDocument").or_else(|| Some(r.spot()));
        let role_name = self.env.resources.get(&r.id).and_then(|p| p.reference.clone()).unwrap_or_default();
        let mut policies = Vec::new();
        let mut unknown = Vec::new();
        for p in r.prop("Policies").map(Val::items).unwrap_or_default() {
            let name = p.get("PolicyName").and_then(Val::as_str).unwrap_or("inline").to_owned();
            match self.document(&format!("inline policy {name}"), p.get("PolicyDocument"), notes, spots.role.clone()) {
                Some(doc) => policies.push(doc),
                None => unknown.push(format!("inline policy {name}")),
            }
        }
        for arn in r.prop("ManagedPolicyArns").map(Val::items).unwrap_or_default() {
            match self.managed_policy(arn, notes) {
                Ok(p) => policies.push(p),
                Err(why) => unknown.push(why),
            }
        }
        // AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources that name the role.
        for kind in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"] {
            for p in self.of_kind(kind) {
                let names_role = p.prop("Roles").is_some_and(|roles| {
                    roles
                        .items()
                        .iter()
                        .any(|v| v.as_str() == Some(role_name.as_str()) || v.as_str() == Some(&arn_text))
                });
                if !names_role {
                    continue;
                }
                let label =
                    format!("{} {}", if kind == "AWS::IAM::Policy" { "policy" } else { "managed policy" }, p.id);
                match self.document(&label, p.prop("PolicyDocument"), notes, p.prop_spot("PolicyDocument")) {
                    Some(doc) => policies.push(doc),
                    None => unknown.push(label),
                }
            }
        }
        let boundary = match r.prop("PermissionsBoundary") {
            Some(arn) => match self.managed_policy(arn, notes) {
                Ok(p) => Some(p),
                Err(why) => {
                    unknown.push(format!("permissions boundary: {why}"));
                    None
                }
            },
            None => None,
        };
        let trust = self
            .document(
                &format!("trust policy of {}", r.id),
                r.prop("AssumeRolePolicyDocument"),
                notes,
                spots.trust.clone(),
            )
            .map(|p| p.document);
        if !unknown.is_empty() {
            let spot = if unknown.iter().any(|u| u.starts_with("managed policy")) {
                r.prop_spot("ManagedPolicyArns")
            } else {
                None
            };
            notes.push((
                skipped(arn_text, format!("the permissions of role {}: {}", r.id, unknown.join("; "))),
                spot.or_else(|| spots.role.clone()).unwrap_or_else(|| r.spot()),
            ));
            // Trust can still be checked; permissions cannot.
            return trust.map(|t| RoleFacts {
                arn: role_arn.clone(),
                trust_policy: Some(t),
                policies: vec![NamedPolicy::new("(unresolved)", allow_all())],
                boundary: None,
                policy_names: vec![],
            });
        }
        Some(RoleFacts {
            arn: role_arn.clone(),
            trust_policy: trust,
            policy_names: policies.iter().map(|p| p.name.clone()).collect(),
            policies,
            boundary,
        })
    }

    fn implicit_role(&self, f: &Resource, arn: &RoleArn, notes: &mut Vec<(Finding, Spot)>) -> Option<RoleFacts> {
        let mut policies = vec![
            NamedPolicy::parse(
                format!("managed policy {}", data::BASIC_EXECUTION_ROLE.name),
                data::BASIC_EXECUTION_ROLE.document,
            )
            .ok()?,
        ];
        let has_sqs_event = f
            .props
            .get("Events")
            .is_some_and(|e| e.entries().iter().any(|e| e.value.get("Type").and_then(Node::as_str) == Some("SQS")));
        if has_sqs_event {
            policies.push(
                NamedPolicy::parse(
                    format!("managed policy {}", data::SQS_QUEUE_EXECUTION_ROLE.name),
                    data::SQS_QUEUE_EXECUTION_ROLE.document,
                )
                .ok()?,
            );
        }
        let mut unknown = Vec::new();
        let list = match f.prop("Policies") {
            Some(Val::List(items)) => items.clone(),
            Some(Val::Str(s)) => vec![Val::Str(s.clone())],
            Some(v @ Val::Map(_)) => vec![v.clone()],
            Some(other) => {
                unknown.push(other.unknown().unwrap_or("Policies").to_owned());
                vec![]
            }
            None => vec![],
        };
        for (i, p) in list.iter().enumerate() {
            match p {
                Val::Str(_) => match self.managed_policy(p, notes) {
                    Ok(doc) => policies.push(doc),
                    Err(why) => unknown.push(why),
                },
                Val::Map(_) if p.get("Statement").is_some() => {
                    match self.document(
                        &format!("policy #{} of {}", i + 1, f.id),
                        Some(p),
                        notes,
                        f.prop_spot("Policies"),
                    ) {
                        Some(doc) => policies.push(doc),
                        None => unknown.push(format!("policy #{} of {}", i + 1, f.id)),
                    }
                }
                Val::Map(entries) if entries.len() == 1 => {
                    let (template, args) = &entries[0];
                    let parameter =
                        data::sam_template_parameter(template).and_then(|k| args.get(k)).and_then(Val::as_str);
                    match parameter.and_then(|v| {
                        data::sam_template(template, v, &self.env.partition, &self.env.region, &self.env.account)
                    }) {
                        Some(doc) => match NamedPolicy::parse(format!("SAM policy template {template}"), &doc) {
                            Ok(p) => policies.push(p),
                            Err(e) => unknown.push(e.to_string()),
                        },
                        None => {
                            unknown.push(format!("SAM policy template {template} (not known to lint, or unresolved)"))
                        }
                    }
                }
                other => unknown.push(other.unknown().unwrap_or("a policy entry").to_owned()),
            }
        }
        if !unknown.is_empty() {
            notes.push((
                skipped(arn.to_string(), format!("the permissions of {}: {}", f.id, unknown.join("; "))),
                f.prop_spot("Policies").unwrap_or_else(|| f.spot()),
            ));
            return None;
        }
        Some(RoleFacts {
            arn: arn.clone(),
            trust_policy: PolicyDocument::parse("trust policy", data::LAMBDA_TRUST).ok(),
            policy_names: policies.iter().map(|p| p.name.clone()).collect(),
            policies,
            boundary: None,
        })
    }

    /// A managed policy by ARN (or SAM's bare name): known as data, or defined in the file.
    fn managed_policy(&self, arn: &Val, notes: &mut Vec<(Finding, Spot)>) -> Result<NamedPolicy, String> {
        let Val::Str(arn) = arn else {
            return Err(format!("managed policy: {}", arn.unknown().unwrap_or("not an ARN")));
        };
        if let Some(known) = data::managed(arn) {
            return NamedPolicy::parse(format!("managed policy {}", known.name), known.document)
                .map_err(|e| e.to_string());
        }
        if let Some(p) = self
            .of_kind("AWS::IAM::ManagedPolicy")
            .find(|p| self.env.resources.get(&p.id).and_then(|x| x.reference.as_deref()) == Some(arn.as_str()))
        {
            return self
                .document(
                    &format!("managed policy {}", p.id),
                    p.prop("PolicyDocument"),
                    notes,
                    p.prop_spot("PolicyDocument"),
                )
                .ok_or_else(|| format!("managed policy {}", p.id));
        }
        Err(format!("managed policy {arn} (not in this file, not known to lint)"))
    }

    fn key(&self, queue: &QueueFacts, spots: &mut Spots, notes: &mut Vec<(Finding, Spot)>) -> Option<KeyLookup> {
        let Encryption::Kms { key_id } = &queue.encryption else { return None };
        let spot = spots.encryption.clone().unwrap_or_default();
        if key_id.starts_with("(unresolved") {
            notes.push((skipped(queue.arn.to_string(), format!("the KMS key of the queue {key_id}")), spot));
            return None;
        }
        // The key: by id, ARN, or an alias of the file.
        let key_res = self.of_kind("AWS::KMS::Key").find(|k| {
            let p = self.env.resources.get(&k.id);
            p.and_then(|p| p.reference.as_deref()) == Some(key_id.as_str())
                || p.and_then(|p| p.attributes.get("Arn")).map(String::as_str) == Some(key_id.as_str())
        });
        let key_res = key_res.or_else(|| {
            let alias =
                self.of_kind("AWS::KMS::Alias").find(|a| a.prop("AliasName").and_then(Val::as_str) == Some(key_id))?;
            let target = alias.prop("TargetKeyId").and_then(Val::as_str)?;
            self.of_kind("AWS::KMS::Key").find(|k| {
                let p = self.env.resources.get(&k.id);
                p.and_then(|p| p.reference.as_deref()) == Some(target)
                    || p.and_then(|p| p.attributes.get("Arn")).map(String::as_str) == Some(target)
            })
        });
        let Some(k) = key_res else {
            let what = if key_id == "alias/aws/sqs" {
                "the AWS managed key alias/aws/sqs (its ARN and policy exist only in the account)".to_owned()
            } else {
                format!("KMS key {key_id} is not defined in this file (its state and key policy)")
            };
            notes.push((skipped(key_id.clone(), what), spot));
            return None;
        };
        spots.key_policy = k.prop_spot("KeyPolicy").or_else(|| Some(k.spot()));
        spots.key_enabled = k.prop_spot("Enabled").or_else(|| Some(k.spot()));
        let arn: KeyArn = self.attr(&k.id, "Arn")?.parse().ok()?;
        let policy = match k.prop("KeyPolicy") {
            Some(v) => match self.document(&format!("key policy of {}", k.id), Some(v), notes, spots.key_policy.clone()) {
                Some(p) => Ok(p.document),
                None => return None,
            },
            // CloudFormation gives a key without KeyPolicy the default policy: the account
            // root, which delegates to IAM.
            None => PolicyDocument::parse(
                "default key policy",
                &format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:{}:iam::{}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#,
                    self.env.partition, self.env.account
                ),
            )
            .map_err(|e| crate::model::facts::Unreadable {
                kind: crate::model::facts::FactKind::Other,
                fact: "default key policy".into(),
                permission: String::new(),
                detail: e.to_string(),
            }),
        };
        let enabled = k.prop("Enabled").and_then(Val::as_bool).unwrap_or(true);
        Some(KeyLookup::Found(KeyFacts {
            arn,
            manager: KeyManager::Customer,
            state: if enabled { "Enabled" } else { "Disabled" }.to_owned(),
            policy,
        }))
    }
}

/// A policy that allows everything: stands in for a role whose policies could not all be
/// resolved, so only its trust is checked (its permissions are `check-skipped`).
fn allow_all() -> PolicyDocument {
    PolicyDocument::parse("(unresolved)", r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        .expect("a valid policy")
}

/// Where each mapping setting is written (CloudFormation and SAM share the names).
const SETTING_PATHS: &[(&str, &str)] = &[
    ("batch_size", "BatchSize"),
    ("batch_window", "MaximumBatchingWindowInSeconds"),
    ("max_concurrency", "ScalingConfig.MaximumConcurrency"),
    ("filters", "FilterCriteria"),
];

fn request(props: &Val) -> MappingRequest {
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

/// `mapping-duplicate` for mappings of the file that connect the same queue and function,
/// located at every one after the first.
fn duplicates(triggers: &mut [LintTrigger]) {
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, t) in triggers.iter().enumerate() {
        if let (Some(q), Some(f)) = (&t.facts.queue, &t.facts.function) {
            groups.entry((q.arn.to_string(), f.arn.to_string())).or_default().push(i);
        }
    }
    for indices in groups.values().filter(|g| g.len() > 1) {
        let mappings: Vec<MappingFacts> = indices
            .iter()
            .filter_map(|i| triggers[*i].facts.mappings.as_ref()?.as_ref().ok()?.first().cloned())
            .collect();
        let found = crate::checks::mapping::existing(&mappings, true, None, None);
        for f in found.into_iter().filter(|f| f.code == crate::model::FindingCode::MappingDuplicate) {
            for i in &indices[1..] {
                let spot = triggers[*i].spots.mapping.clone();
                triggers[*i].findings.push((f.clone(), spot));
            }
        }
    }
}

/// The stable placeholder a resource's Ref and GetAtt give.
fn placeholder(env: &Env, id: &str, kind: &str, props: &Node) -> Option<Placeholder> {
    let (partition, region, account) = (&env.partition, &env.region, &env.account);
    let named = |key: &str| props.get(key).map(|n| env.resolve(n)).and_then(|v| v.as_str().map(str::to_owned));
    let safe: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let generated = format!("{}-{safe}-LINT", env.stack_name);
    let mut attributes = BTreeMap::new();
    let reference = match kind {
        "AWS::SQS::Queue" => {
            let fifo = props.get("FifoQueue").map(|n| env.resolve(n)).and_then(|v| v.as_bool()).unwrap_or(false);
            let name = named("QueueName").unwrap_or_else(|| if fifo { format!("{generated}.fifo") } else { generated });
            let url = format!("https://sqs.{region}.amazonaws.com/{account}/{name}");
            attributes.insert("Arn".into(), format!("arn:{partition}:sqs:{region}:{account}:{name}"));
            attributes.insert("QueueName".into(), name);
            attributes.insert("QueueUrl".into(), url.clone());
            url
        }
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
            let name = named("FunctionName").unwrap_or(generated);
            attributes.insert("Arn".into(), format!("arn:{partition}:lambda:{region}:{account}:function:{name}"));
            name
        }
        "AWS::IAM::Role" => {
            let name = named("RoleName").unwrap_or(generated);
            let path = named("Path").unwrap_or_else(|| "/".into());
            attributes.insert("Arn".into(), format!("arn:{partition}:iam::{account}:role{path}{name}"));
            attributes.insert("RoleId".into(), format!("AROA{}", id.to_uppercase()));
            name
        }
        "AWS::KMS::Key" => {
            let key_id = format!("00000000-0000-4000-8000-{:012x}", fnv(id) & 0xffff_ffff_ffff);
            attributes.insert("Arn".into(), format!("arn:{partition}:kms:{region}:{account}:key/{key_id}"));
            attributes.insert("KeyId".into(), key_id.clone());
            key_id
        }
        "AWS::KMS::Alias" => named("AliasName")?,
        "AWS::IAM::ManagedPolicy" => {
            let name = named("ManagedPolicyName").unwrap_or(generated);
            let arn = format!("arn:{partition}:iam::{account}:policy/{name}");
            attributes.insert("PolicyArn".into(), arn.clone());
            arn
        }
        "AWS::IAM::Policy" => named("PolicyName").unwrap_or(generated),
        "AWS::Lambda::EventSourceMapping" => format!("lint-{id}"),
        _ => return Some(Placeholder { reference: None, attributes }),
    };
    Some(Placeholder { reference: Some(reference), attributes })
}

/// A stable hash for placeholder ids (FNV-1a).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// SAM `Globals.Function` under a function's own properties (its own win; maps merge one level).
fn merge(globals: &Node, own: &Node) -> Node {
    let mut entries: Vec<Entry> = globals.entries().to_vec();
    for e in own.entries() {
        match entries.iter_mut().find(|g| g.key == e.key) {
            Some(g) => match (&g.value.value, &e.value.value) {
                (Value::Map(_), Value::Map(_)) => g.value = merge(&g.value, &e.value),
                _ => *g = e.clone(),
            },
            None => entries.push(e.clone()),
        }
    }
    Node { value: Value::Map(entries), pos: own.pos }
}
