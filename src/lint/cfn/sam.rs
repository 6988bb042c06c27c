//! What SAM adds to a template: `Globals.Function`, and the implicit role of a function
//! without `Role` (its managed policies, inline statements and policy templates).

use super::template::{Resource, Template};
use crate::lint::data;
use crate::lint::facts::{Spot, skipped};
use crate::lint::resolve::Val;
use crate::lint::tree::{Entry, Node, Value};
use crate::model::facts::RoleFacts;
use crate::model::{Finding, RoleArn};
use crate::policy::{NamedPolicy, PolicyDocument};

impl Template<'_> {
    pub(super) fn implicit_role(
        &self,
        f: &Resource,
        arn: &RoleArn,
        notes: &mut Vec<(Finding, Spot)>,
    ) -> Option<RoleFacts> {
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
                    match self.permissions_document(
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
                        // A template whose every action is one the checks never decide grants
                        // or denies nothing they need, whatever its parameter: left out.
                        None if data::sam_template_actions(template)
                            .is_some_and(|actions| !super::template::decides_any(&actions)) => {}
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
}

/// SAM `Globals.Function` under a function's own properties (its own win; maps merge one level).
pub(super) fn merge(globals: &Node, own: &Node) -> Node {
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
