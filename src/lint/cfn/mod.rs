//! CloudFormation, SAM and `cdk synth` templates → one [`LintTrigger`] per SQS mapping.
//!
//! Mappings are `AWS::Lambda::EventSourceMapping` resources and the `Type: SQS` events of SAM
//! functions. Each is linked to its queue and function through what its properties resolve to
//! (GetAtt, Ref, literal names, aliases); the function to its role (in the file, or SAM's
//! implicit role); the role to its policies (inline, `AWS::IAM::Policy` through `Roles`,
//! managed ones in the file or known as data); the queue to its DLQ, its queue policy and its
//! key (`KmsMasterKeyId`).

mod function;
mod key;
mod mappings;
mod producers;
mod queue;
mod role;
mod sam;
mod template;
mod trigger;

use std::collections::BTreeMap;

use super::facts::LintTrigger;
use super::resolve::{Env, Val};
use super::tree::{Node, Value};
use template::Template;

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
        let template = Template::new(root, env, options);
        let mut triggers = template.triggers();
        triggers.extend(template.producer_triggers());
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
