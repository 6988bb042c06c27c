//! The template's resources, resolved: SAM Globals merged in, and each resource's stable
//! placeholder (the name, ARN and URL its Ref and GetAtt give).

use std::collections::BTreeMap;

use super::Options;
use super::sam::merge;
use crate::lint::facts::{Spot, skipped};
use crate::lint::resolve::{Env, Placeholder, Val};
use crate::lint::tree::{Node, Pos, Value};
use crate::model::Finding;
use crate::policy::NamedPolicy;

/// One resource of the template (SAM functions with their Globals merged in).
#[derive(Clone, Debug)]
pub(super) struct Resource {
    pub(super) id: String,
    pub(super) kind: String,
    key_pos: Pos,
    pub(super) props: Node,
    /// Resolved properties.
    pub(super) val: Val,
}

impl Resource {
    pub(super) fn spot(&self) -> Spot {
        Spot::at(self.key_pos, &self.id)
    }
    /// The spot of a property (a dotted path), or None when the property is not written.
    pub(super) fn prop_spot(&self, path: &str) -> Option<Spot> {
        let mut node = &self.props;
        for part in path.split('.') {
            node = node.get(part)?;
        }
        Some(Spot::at(node.pos, &self.id))
    }
    pub(super) fn prop(&self, path: &str) -> Option<&Val> {
        let mut val = &self.val;
        for part in path.split('.') {
            val = val.get(part)?;
        }
        Some(val)
    }
}

pub(super) struct Template<'a> {
    pub(super) env: Env,
    pub(super) options: &'a Options,
    pub(super) resources: BTreeMap<String, Resource>,
}

impl<'a> Template<'a> {
    pub(super) fn new(root: &Node, mut env: Env, options: &'a Options) -> Template<'a> {
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

    pub(super) fn of_kind<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Resource> + 's {
        self.resources.values().filter(move |r| r.kind == kind)
    }

    pub(super) fn attr(&self, id: &str, name: &str) -> Option<&str> {
        self.env.resources.get(id)?.attributes.get(name).map(String::as_str)
    }

    /// An execution role's permissions policy, parsed. A statement holding a value the file
    /// cannot tell (the `Ref` of an SNS topic, the `GetAtt` of a table) is left out when its
    /// actions, all known, can match none the checks decide (the poller's, kms:Decrypt, the
    /// logs', sqs:SendMessage): whatever the value is, no verdict changes, so nothing is
    /// skipped for it. Any other unknown makes the document unknown, as `document` says.
    pub(super) fn permissions_document(
        &self,
        name: &str,
        val: Option<&Val>,
        notes: &mut Vec<(Finding, Spot)>,
        spot: Option<Spot>,
    ) -> Option<NamedPolicy> {
        let relevant = val.map(|doc| without_irrelevant_unknowns(doc, may_decide));
        self.document(name, relevant.as_ref().or(val), notes, spot)
    }

    /// A queue policy, parsed, as `permissions_document` does; besides, a statement that can
    /// only apply to service principals (`"Principal": {"Service": "sns.amazonaws.com"}`, an
    /// SNS topic's subscription with its `aws:SourceArn` from a `Ref`) is left out when it holds
    /// an unknown: the poller's and the function's requests are made as the role, never as a
    /// service, so no verdict about them can depend on it.
    pub(super) fn queue_policy_document(
        &self,
        name: &str,
        val: Option<&Val>,
        notes: &mut Vec<(Finding, Spot)>,
        spot: Option<Spot>,
    ) -> Option<NamedPolicy> {
        let relevant = val.map(|doc| without_irrelevant_unknowns(doc, |st| may_decide(st) && may_apply_to_a_role(st)));
        self.document(name, relevant.as_ref().or(val), notes, spot)
    }

    /// A policy document property, parsed; unresolvable or invalid ones are noted and skipped.
    pub(super) fn document(
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
}

/// The actions whose verdicts come from an execution role's permissions.
fn decided_actions() -> impl Iterator<Item = &'static str> {
    use crate::model::access::{KMS_DECRYPT, LOG_ACTIONS, QUEUE_ACTIONS, SEND_MESSAGE};
    QUEUE_ACTIONS.into_iter().chain([KMS_DECRYPT, SEND_MESSAGE]).chain(LOG_ACTIONS)
}

/// Whether any of these action patterns matches an action the checks decide.
pub(super) fn decides_any(actions: &[&str]) -> bool {
    use crate::policy::{CaseRule, wildcard_match};
    actions.iter().any(|pattern| decided_actions().any(|action| wildcard_match(pattern, action, CaseRule::Insensitive)))
}

/// Whether a statement could grant or deny an action the checks decide: yes unless its
/// `Action` is known and matches none of them (a `NotAction`, or an unknown action, could).
fn may_decide(statement: &Val) -> bool {
    if statement.get("NotAction").is_some() {
        return true;
    }
    let actions = match statement.get("Action") {
        Some(Val::Str(a)) => vec![a.as_str()],
        Some(Val::List(items)) => match items.iter().map(Val::as_str).collect::<Option<Vec<&str>>>() {
            Some(actions) => actions,
            None => return true,
        },
        _ => return true,
    };
    decides_any(&actions)
}

/// Whether a resource policy statement could apply to a request made as a role: not when its
/// `Principal` is known and names services only.
fn may_apply_to_a_role(statement: &Val) -> bool {
    if statement.get("NotPrincipal").is_some() {
        return true;
    }
    match statement.get("Principal") {
        Some(Val::Map(entries)) => !entries.iter().all(|(key, value)| key == "Service" && value.unknown().is_none()),
        _ => true,
    }
}

/// The document without the statements whose unknown parts cannot change a verdict (those
/// `matters` says no to); the document as it is when it has no unknown part.
fn without_irrelevant_unknowns(doc: &Val, matters: impl Fn(&Val) -> bool) -> Val {
    let Val::Map(entries) = doc else { return doc.clone() };
    let keep = |statement: &Val| statement.unknown().is_none() || matters(statement);
    let entries = entries
        .iter()
        .map(|(key, value)| match (key.as_str(), value) {
            ("Statement", Val::List(statements)) => {
                (key.clone(), Val::List(statements.iter().filter(|s| keep(s)).cloned().collect()))
            }
            ("Statement", one @ Val::Map(_)) if !keep(one) => (key.clone(), Val::List(vec![])),
            _ => (key.clone(), value.clone()),
        })
        .collect();
    Val::Map(entries)
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
        // The producers of a queue (SNS, EventBridge, S3): what their deliveries' aws:SourceArn is.
        "AWS::SNS::Topic" => {
            let name = named("TopicName").unwrap_or(generated);
            let arn = format!("arn:{partition}:sns:{region}:{account}:{name}");
            attributes.insert("TopicArn".into(), arn.clone());
            attributes.insert("TopicName".into(), name);
            arn
        }
        "AWS::Events::Rule" => {
            let name = named("Name").unwrap_or(generated);
            let arn = match named("EventBusName").filter(|b| b != "default" && !b.contains(':')) {
                Some(bus) => format!("arn:{partition}:events:{region}:{account}:rule/{bus}/{name}"),
                None => format!("arn:{partition}:events:{region}:{account}:rule/{name}"),
            };
            attributes.insert("Arn".into(), arn);
            name
        }
        "AWS::S3::Bucket" => {
            let name = named("BucketName").unwrap_or_else(|| generated.to_lowercase());
            attributes.insert("Arn".into(), format!("arn:{partition}:s3:::{name}"));
            name
        }
        _ => return Some(Placeholder { reference: None, attributes }),
    };
    Some(Placeholder { reference: Some(reference), attributes })
}

/// A stable hash for placeholder ids (FNV-1a).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}
