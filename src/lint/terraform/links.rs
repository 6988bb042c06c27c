//! A planned attribute → a template property: its known value, or a `Ref`/`Fn::GetAtt` of the
//! planned resource it references, or an unknown naming it.

use serde_json::Value as Json;

use super::nodes::{get_att, json_node, reference, text, unknown};
use super::references::strip_indexes;
use super::translate::Translator;
use super::{Attr, Planned};
use crate::lint::tree::Node;

impl Translator<'_> {
    /// A planned attribute as a property: its value, a link to the planned resource it
    /// references (`Ref`, or `GetAtt` of the attribute CloudFormation names `cfn_attribute`),
    /// or an unknown naming it.
    pub(super) fn linked(&self, r: &Planned, name: &str, kinds: &[&str]) -> Option<Node> {
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
    pub(super) fn find(&self, config_address: &str) -> Option<&Planned> {
        self.resources.values().find(|p| strip_indexes(&p.address) == config_address)
    }

    pub(super) fn link_to(&self, t: &Planned, attribute: Option<&str>) -> Node {
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
            // A topic's Ref is its ARN.
            ("aws_sns_topic", _) => reference(a),
            _ => unknown(&format!("{a}.{}", attribute.unwrap_or("id"))),
        }
    }

    pub(super) fn known<'a>(&self, r: &'a Planned, name: &str) -> Option<&'a Json> {
        match r.attr(self.config, name) {
            Attr::Known(v) => Some(v),
            _ => None,
        }
    }

    /// A property from a plain attribute: its value, or an unknown naming it.
    pub(super) fn plain(&self, r: &Planned, name: &str) -> Option<Node> {
        match r.attr(self.config, name) {
            Attr::Known(v) => Some(json_node(v)),
            Attr::Absent => None,
            Attr::Unknown(_) => Some(unknown(&format!("{}.{name}", r.address))),
        }
    }
}
