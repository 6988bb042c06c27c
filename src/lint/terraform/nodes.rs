//! Builders of template tree nodes (maps, strings, `Ref`, `Fn::GetAtt`, unknowns) for the
//! translated plan, which has no positions.

use serde_json::Value as Json;

use crate::lint::resolve::UNKNOWN_PREFIX;
use crate::lint::tree::{Entry, Node, Pos, Value};

pub(super) fn node(value: Value) -> Node {
    Node { value, pos: Pos::default() }
}

pub(super) fn text(s: impl Into<String>) -> Node {
    node(Value::String(s.into()))
}

pub(super) fn map(entries: Vec<(&str, Node)>) -> Node {
    node(Value::Map(
        entries.into_iter().map(|(k, v)| Entry { key: k.to_owned(), key_pos: Pos::default(), value: v }).collect(),
    ))
}

fn intrinsic(name: &str, arg: Node) -> Node {
    map(vec![(name, arg)])
}

pub(super) fn get_att(address: &str, attribute: &str) -> Node {
    intrinsic("Fn::GetAtt", node(Value::Seq(vec![text(address), text(attribute)])))
}

pub(super) fn reference(address: &str) -> Node {
    intrinsic("Ref", text(address))
}

pub(super) fn unknown(what: &str) -> Node {
    text(format!("{UNKNOWN_PREFIX}{what}}}}}"))
}

/// A JSON value of the plan as a tree node (numbers kept as written).
pub(super) fn json_node(v: &Json) -> Node {
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
