//! The front end: YAML (CloudFormation's short-form tags included) and JSON, read into one
//! tree whose every node keeps its line and column.
//!
//! JSON is read by the same YAML 1.2 parser (JSON is YAML's flow style), so both formats share
//! one tree, one set of positions and one set of limits. `saphyr-parser` is used because its
//! events carry both spans and tags; the short tags (`!Ref x`, `!GetAtt a.b`, `!Sub`, ...) are
//! turned into their long form (`{"Ref": "x"}`) here, so the resolver sees one shape.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde::Serialize;

/// Limits that keep a hostile file bounded in time and memory.
pub const MAX_DEPTH: usize = 128;
/// Nodes in one file, aliases expanded (a "billion laughs" file stops here).
pub const MAX_NODES: usize = 1_000_000;

/// A position in a file: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A plain number, kept as written (CloudFormation reads numbers and strings alike).
    Number(String),
    String(String),
    Seq(Vec<Node>),
    /// Entries in file order, each key with its own position.
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

/// A file that does not parse: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The text of a scalar (strings, numbers, booleans).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(s),
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// Where a key's value is, else where the key is, else this node.
    pub fn pos_of(&self, key: &str) -> Pos {
        self.get(key).map_or(self.pos, |n| n.pos)
    }
}

fn pos(span: &Span) -> Pos {
    Pos { line: span.start.line() as u32, column: span.start.col() as u32 + 1 }
}

/// The intrinsic function a short tag stands for.
fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "FindInMap" => "Fn::FindInMap",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "Not" => "Fn::Not",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "ImportValue" => "Fn::ImportValue",
        "Base64" => "Fn::Base64",
        "GetAZs" => "Fn::GetAZs",
        "Cidr" => "Fn::Cidr",
        "Transform" => "Fn::Transform",
        "ToJsonString" => "Fn::ToJsonString",
        "Length" => "Fn::Length",
        _ => return None,
    })
}

/// Wraps `node` in the long form of a short tag: `!GetAtt a.b` becomes
/// `{"Fn::GetAtt": ["a", "b"]}`, the others `{"Fn::X": node}`.
fn apply_tag(tag: &str, node: Node) -> Node {
    let Some(name) = long_form(tag) else { return node };
    let at = node.pos;
    let value = match (&node.value, name) {
        (Value::String(s), "Fn::GetAtt") => {
            let (resource, attribute) = s.split_once('.').unwrap_or((s.as_str(), ""));
            Node {
                value: Value::Seq(vec![
                    Node { value: Value::String(resource.to_owned()), pos: at },
                    Node { value: Value::String(attribute.to_owned()), pos: at },
                ]),
                pos: at,
            }
        }
        _ => node,
    };
    Node { value: Value::Map(vec![Entry { key: name.to_owned(), key_pos: at, value }]), pos: at }
}

fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if looks_numeric(text) => Value::Number(text.to_owned()),
        _ => Value::String(text.to_owned()),
    }
}

fn looks_numeric(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && (digits.parse::<f64>().is_ok() && digits.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

enum Frame {
    Seq { pos: Pos, tag: Option<String>, anchor: usize, items: Vec<Node> },
    Map { pos: Pos, tag: Option<String>, anchor: usize, entries: Vec<Entry>, key: Option<(String, Pos)> },
}

/// Parses a YAML or JSON document into a tree. The first document of a stream is read; an
/// empty file is a parse error (a template is a mapping).
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    let mut root: Option<Node> = None;
    let mut last = Pos { line: 1, column: 1 };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ParseError {
            pos: Pos { line: e.marker().line() as u32, column: e.marker().col() as u32 + 1 },
            message: e.info().to_owned(),
        })?;
        let at = pos(&span);
        last = at;
        let finished: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => None,
            Event::DocumentEnd | Event::StreamEnd => {
                if root.is_some() {
                    break;
                }
                None
            }
            Event::Alias(id) => {
                let target = anchors
                    .get(&id)
                    .ok_or_else(|| ParseError { pos: at, message: "alias to an unknown anchor".into() })?;
                // Counted before it is copied: an alias of an alias of ... stops here, small.
                nodes = nodes.saturating_add(count(target));
                if nodes > MAX_NODES {
                    return Err(too_many(at));
                }
                Some((target.clone(), 0))
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = match style {
                    ScalarStyle::Plain if tag.is_none() => plain_scalar(&text),
                    _ => Value::String(text.into_owned()),
                };
                let mut node = Node { value, pos: at };
                if let Some(tag) = tag.as_ref().filter(|t| t.handle == "!") {
                    if matches!(node.value, Value::Null) {
                        node.value = Value::String(String::new());
                    }
                    node = apply_tag(&tag.suffix, node);
                }
                Some((node, anchor))
            }
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep(at));
                }
                let tag = tag.filter(|t| t.handle == "!").map(|t| t.suffix.clone());
                stack.push(Frame::Seq { pos: at, tag, anchor, items: Vec::new() });
                None
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep(at));
                }
                let tag = tag.filter(|t| t.handle == "!").map(|t| t.suffix.clone());
                stack.push(Frame::Map { pos: at, tag, anchor, entries: Vec::new(), key: None });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { pos, tag, anchor, items }) => {
                    let node = Node { value: Value::Seq(items), pos };
                    Some((tag.map_or(node.clone(), |t| apply_tag(&t, node)), anchor))
                }
                _ => return Err(ParseError { pos: at, message: "unbalanced sequence".into() }),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map { pos, tag, anchor, entries, .. }) => {
                    let node = Node { value: Value::Map(entries), pos };
                    Some((tag.map_or(node.clone(), |t| apply_tag(&t, node)), anchor))
                }
                _ => return Err(ParseError { pos: at, message: "unbalanced mapping".into() }),
            },
        };
        let Some((node, anchor)) = finished else { continue };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(too_many(at));
        }
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some((key, key_pos)) => entries.push(Entry { key, key_pos, value: node }),
                None => {
                    let text = match node.value {
                        Value::String(s) | Value::Number(s) => s,
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        _ => {
                            return Err(ParseError { pos: node.pos, message: "a mapping key must be a scalar".into() });
                        }
                    };
                    *key = Some((text, node.pos));
                }
            },
        }
    }
    root.ok_or(ParseError { pos: last, message: "the file is empty: expected a template (a mapping)".into() })
}

fn too_many(pos: Pos) -> ParseError {
    ParseError {
        pos,
        message: format!("more than {MAX_NODES} nodes (aliases expanded): not a template this tool reads"),
    }
}

fn too_deep(pos: Pos) -> ParseError {
    ParseError { pos, message: format!("nested deeper than {MAX_DEPTH} levels") }
}

/// Nodes in a subtree (iteratively, for the alias budget).
fn count(node: &Node) -> usize {
    let mut n = 0usize;
    let mut todo = vec![node];
    while let Some(node) = todo.pop() {
        n += 1;
        if n > MAX_NODES {
            return n;
        }
        match &node.value {
            Value::Seq(items) => todo.extend(items.iter()),
            Value::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_tags_become_long_form_with_positions() {
        let text = "Resources:\n  M:\n    Properties:\n      A: !GetAtt Q.Arn\n      B: !Ref P\n      C: !Sub\n        - x\n        - {}\n";
        let root = parse(text).unwrap();
        let props = root.get("Resources").unwrap().get("M").unwrap().get("Properties").unwrap();
        let a = props.get("A").unwrap();
        assert_eq!(a.pos, Pos { line: 4, column: 10 });
        let getatt = a.get("Fn::GetAtt").unwrap();
        assert_eq!(getatt.items().iter().map(|n| n.as_str().unwrap()).collect::<Vec<_>>(), ["Q", "Arn"]);
        assert_eq!(props.get("B").unwrap().get("Ref").unwrap().as_str(), Some("P"));
        assert_eq!(props.get("C").unwrap().get("Fn::Sub").unwrap().items().len(), 2);
        assert_eq!(props.entry("B").unwrap().key_pos, Pos { line: 5, column: 7 });
    }

    #[test]
    fn json_parses_with_positions() {
        let root = parse("{\n \"a\": {\"b\": 10,\n  \"c\": \"x\"}\n}").unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(a.get("b").unwrap().value, Value::Number("10".into()));
        assert_eq!(a.get("c").unwrap().pos, Pos { line: 3, column: 8 });
    }

    #[test]
    fn errors_name_the_position() {
        let err = parse("a: [1, 2\nb: c").unwrap_err();
        assert!(err.pos.line >= 1, "{err:?}");
        // The parser stops at its own limit (256 levels); ours is lower.
        let deep = "[".repeat(500) + &"]".repeat(500);
        assert!(parse(&deep).is_err());
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&deep).unwrap_err().message.contains("deeper"));
        assert!(parse("").is_err());
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", [prev.as_str(); 10].join(", ")));
        }
        assert!(parse(&text).unwrap_err().message.contains("nodes"));
    }
}
