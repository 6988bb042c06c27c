//! A small resolver, not a CloudFormation engine: intrinsic functions over parameters
//! (`--parameter`, else `Default`), pseudo parameters (`--region`, `--account`) and the
//! resources of the same file (each gets a stable placeholder name, ARN and URL, so the
//! policy evaluator can match a statement's `Resource` against the queue it names).
//!
//! Whatever cannot be known from the file (`Fn::ImportValue`, dynamic references, a parameter
//! without a value) resolves to [`Val::Unknown`] saying what, and the checks that need it are
//! skipped with that reason.

use std::collections::BTreeMap;

use super::tree::{Node, Value};

/// A resolved value. CloudFormation reads numbers as strings, so scalars are strings.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Str(String),
    List(Vec<Val>),
    Map(Vec<(String, Val)>),
    /// `AWS::NoValue`: the property is removed.
    NoValue,
    /// Could not be resolved from the file; says what.
    Unknown(String),
}

impl Val {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Bool(true) => Some("true"),
            Val::Bool(false) => Some("false"),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn items(&self) -> &[Val] {
        match self {
            Val::List(items) => items,
            _ => &[],
        }
    }

    /// The first unknown part of this value, if any: why it cannot be used whole.
    pub fn unknown(&self) -> Option<&str> {
        match self {
            Val::Unknown(why) => Some(why),
            Val::List(items) => items.iter().find_map(Val::unknown),
            Val::Map(entries) => entries.iter().find_map(|(_, v)| v.unknown()),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_str().and_then(|s| s.trim().parse::<f64>().ok()).filter(|f| f.fract() == 0.0).map(|f| f as i64)
    }

    /// JSON for the policy parser and for `RedrivePolicy` strings. Unknown parts are an error.
    pub fn to_json(&self) -> Result<serde_json::Value, String> {
        Ok(match self {
            Val::Null | Val::NoValue => serde_json::Value::Null,
            Val::Bool(b) => serde_json::Value::Bool(*b),
            Val::Str(s) => serde_json::Value::String(s.clone()),
            Val::List(items) => serde_json::Value::Array(items.iter().map(Val::to_json).collect::<Result<_, _>>()?),
            Val::Map(entries) => {
                serde_json::Value::Object(entries.iter().map(|(k, v)| Ok((k.clone(), v.to_json()?))).collect::<Result<
                    _,
                    String,
                >>(
                )?)
            }
            Val::Unknown(why) => return Err(why.clone()),
        })
    }

    /// A JSON value as a `Val` (a `RedrivePolicy` given as a JSON string).
    pub fn from_json(value: &serde_json::Value) -> Val {
        match value {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(*b),
            serde_json::Value::Number(n) => Val::Str(n.to_string()),
            serde_json::Value::String(s) => Val::Str(s.clone()),
            serde_json::Value::Array(items) => Val::List(items.iter().map(Val::from_json).collect()),
            serde_json::Value::Object(map) => {
                Val::Map(map.iter().map(|(k, v)| (k.clone(), Val::from_json(v))).collect())
            }
        }
    }
}

/// What `Ref` and `Fn::GetAtt` give for a resource of the file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placeholder {
    pub reference: Option<String>,
    pub attributes: BTreeMap<String, String>,
}

/// Everything a value may refer to.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub region: String,
    pub account: String,
    pub partition: String,
    pub stack_name: String,
    pub parameters: BTreeMap<String, Val>,
    /// The template's `Mappings` section.
    pub mappings: Option<Node>,
    /// The template's `Conditions` section.
    pub condition_defs: BTreeMap<String, Node>,
    /// Conditions this variant assumes (the undecidable ones get both values, one per variant).
    pub assumed: BTreeMap<String, bool>,
    pub resources: BTreeMap<String, Placeholder>,
    /// How deep the resolution is right now: conditions and mappings refer to other nodes,
    /// so a file can make a cycle (a condition whose `Fn::If` names itself); past
    /// [`MAX_RESOLVE_DEPTH`] the value is unknown instead of the stack overflowing.
    pub depth: std::cell::Cell<usize>,
}

const MAX_CONDITION_DEPTH: usize = 32;
/// Deeper than any file's own nesting (128) plus its conditions' chains.
pub const MAX_RESOLVE_DEPTH: usize = 256;

impl Env {
    pub fn resolve(&self, node: &Node) -> Val {
        let depth = self.depth.get();
        if depth >= MAX_RESOLVE_DEPTH {
            return Val::Unknown("nested too deeply, or a condition or mapping that refers to itself".into());
        }
        self.depth.set(depth + 1);
        let value = self.resolve_node(node);
        self.depth.set(depth);
        value
    }

    fn resolve_node(&self, node: &Node) -> Val {
        match &node.value {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(s) => Val::Str(s.clone()),
            Value::String(s) => string(s),
            Value::Seq(items) => {
                Val::List(items.iter().map(|n| self.resolve(n)).filter(|v| *v != Val::NoValue).collect())
            }
            Value::Map(entries) => {
                if let [entry] = entries.as_slice()
                    && (entry.key == "Ref" || entry.key == "Condition" || entry.key.starts_with("Fn::"))
                {
                    return self.intrinsic(&entry.key, &entry.value);
                }
                Val::Map(
                    entries
                        .iter()
                        .map(|e| (e.key.clone(), self.resolve(&e.value)))
                        .filter(|(_, v)| *v != Val::NoValue)
                        .collect(),
                )
            }
        }
    }

    fn intrinsic(&self, name: &str, arg: &Node) -> Val {
        match name {
            "Ref" => match self.resolve(arg) {
                Val::Str(target) => self.reference(&target),
                other => unknown_or(other, "Ref to something that is not a name"),
            },
            "Fn::GetAtt" => self.get_att(arg),
            "Fn::Sub" => self.sub(arg),
            "Fn::Join" => self.join(arg),
            "Fn::Select" => {
                let [index, list] = arg.items() else { return Val::Unknown("Fn::Select needs [index, list]".into()) };
                let index = self.resolve(index);
                let list = self.resolve(list);
                if let Some(why) = index.unknown().or(list.unknown()) {
                    return Val::Unknown(why.to_owned());
                }
                match index.as_i64().and_then(|i| usize::try_from(i).ok()).and_then(|i| list.items().get(i)) {
                    Some(v) => v.clone(),
                    None => Val::Unknown("Fn::Select: the index is outside the list".into()),
                }
            }
            "Fn::Split" => {
                let [delimiter, text] = arg.items() else {
                    return Val::Unknown("Fn::Split needs [delimiter, string]".into());
                };
                match (self.resolve(delimiter), self.resolve(text)) {
                    (Val::Str(d), Val::Str(t)) if !d.is_empty() => {
                        Val::List(t.split(d.as_str()).map(|s| Val::Str(s.to_owned())).collect())
                    }
                    (a, b) => unknown_or(if a.unknown().is_some() { a } else { b }, "Fn::Split of a non-string"),
                }
            }
            "Fn::FindInMap" => self.find_in_map(arg),
            "Fn::If" => {
                let [condition, yes, no] = arg.items() else { return Val::Unknown("Fn::If needs 3 arguments".into()) };
                let Some(name) = condition.as_str() else { return Val::Unknown("Fn::If: a condition name".into()) };
                match self.condition(name, 0) {
                    Some(true) => self.resolve(yes),
                    Some(false) => self.resolve(no),
                    None => Val::Unknown(format!("condition {name} cannot be decided from the file")),
                }
            }
            "Condition" => match arg.as_str().and_then(|name| self.condition(name, 0)) {
                Some(b) => Val::Bool(b),
                None => Val::Unknown("a condition that cannot be decided from the file".into()),
            },
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" => {
                let node = Node {
                    value: Value::Map(vec![super::tree::Entry {
                        key: name.to_owned(),
                        key_pos: arg.pos,
                        value: arg.clone(),
                    }]),
                    pos: arg.pos,
                };
                match self.condition_value(&node, 0) {
                    Some(b) => Val::Bool(b),
                    None => Val::Unknown(format!("{name} cannot be decided from the file")),
                }
            }
            "Fn::Base64" => self.resolve(arg),
            "Fn::ToJsonString" => match self.resolve(arg).to_json() {
                Ok(json) => Val::Str(json.to_string()),
                Err(why) => Val::Unknown(why),
            },
            "Fn::ImportValue" => {
                let what = self.resolve(arg).as_str().map(str::to_owned).unwrap_or_else(|| "a value".into());
                Val::Unknown(format!("Fn::ImportValue {what} (exported by another stack)"))
            }
            other => Val::Unknown(format!("{other} is not resolved by lint")),
        }
    }

    /// `Ref`: a parameter, a pseudo parameter, or a resource of the file.
    pub fn reference(&self, target: &str) -> Val {
        match target {
            "AWS::Region" => return Val::Str(self.region.clone()),
            "AWS::AccountId" => return Val::Str(self.account.clone()),
            "AWS::Partition" => return Val::Str(self.partition.clone()),
            "AWS::StackName" => return Val::Str(self.stack_name.clone()),
            "AWS::URLSuffix" => return Val::Str("amazonaws.com".into()),
            "AWS::NoValue" => return Val::NoValue,
            "AWS::StackId" => {
                return Val::Str(format!(
                    "arn:{}:cloudformation:{}:{}:stack/{}/lint",
                    self.partition, self.region, self.account, self.stack_name
                ));
            }
            _ => {}
        }
        if let Some(value) = self.parameters.get(target) {
            return value.clone();
        }
        match self.resources.get(target) {
            Some(Placeholder { reference: Some(r), .. }) => Val::Str(r.clone()),
            Some(_) => Val::Unknown(format!("Ref {target}: lint does not model what it returns")),
            None => Val::Unknown(format!("Ref {target}: no parameter or resource of that name in the file")),
        }
    }

    fn get_att(&self, arg: &Node) -> Val {
        let parts: Vec<Val> = match &arg.value {
            Value::Seq(items) => items.iter().map(|n| self.resolve(n)).collect(),
            Value::String(s) => {
                s.split_once('.').map(|(a, b)| vec![Val::Str(a.into()), Val::Str(b.into())]).unwrap_or_default()
            }
            _ => vec![],
        };
        let [Val::Str(resource), Val::Str(attribute)] = parts.as_slice() else {
            return Val::Unknown("Fn::GetAtt needs [resource, attribute]".into());
        };
        self.attribute(resource, attribute)
    }

    pub fn attribute(&self, resource: &str, attribute: &str) -> Val {
        match self.resources.get(resource).and_then(|p| p.attributes.get(attribute)) {
            Some(v) => Val::Str(v.clone()),
            None if self.resources.contains_key(resource) => {
                Val::Unknown(format!("Fn::GetAtt {resource}.{attribute}: lint does not model this attribute"))
            }
            None => Val::Unknown(format!("Fn::GetAtt {resource}.{attribute}: no resource {resource} in the file")),
        }
    }

    fn sub(&self, arg: &Node) -> Val {
        let (template, vars) = match &arg.value {
            Value::Seq(items) if items.len() == 2 => (self.resolve(&items[0]), Some(&items[1])),
            _ => (self.resolve(arg), None),
        };
        let Val::Str(template) = template else { return unknown_or(template, "Fn::Sub of a non-string") };
        let mut local: BTreeMap<String, Val> = BTreeMap::new();
        if let Some(vars) = vars {
            for e in vars.entries() {
                local.insert(e.key.clone(), self.resolve(&e.value));
            }
        }
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = match local.get(name) {
                Some(v) => v.clone(),
                None => match name.split_once('.') {
                    Some((resource, attribute)) => self.attribute(resource, attribute),
                    None => self.reference(name),
                },
            };
            match value {
                Val::Str(s) => out.push_str(&s),
                other => return unknown_or(other, &format!("Fn::Sub: ${{{name}}} is not a string")),
            }
        }
        out.push_str(rest);
        string(&out)
    }

    fn join(&self, arg: &Node) -> Val {
        let [delimiter, list] = arg.items() else { return Val::Unknown("Fn::Join needs [delimiter, list]".into()) };
        let delimiter = self.resolve(delimiter);
        let list = self.resolve(list);
        let Val::Str(delimiter) = delimiter else { return unknown_or(delimiter, "Fn::Join: delimiter") };
        let mut parts = Vec::new();
        for item in list.items() {
            match item {
                Val::Str(s) => parts.push(s.clone()),
                other => return unknown_or(other.clone(), "Fn::Join of a non-string"),
            }
        }
        if !matches!(list, Val::List(_)) {
            return unknown_or(list, "Fn::Join of a non-list");
        }
        Val::Str(parts.join(&delimiter))
    }

    fn find_in_map(&self, arg: &Node) -> Val {
        let [map, first, second] = arg.items() else { return Val::Unknown("Fn::FindInMap needs 3 arguments".into()) };
        let keys = [self.resolve(map), self.resolve(first), self.resolve(second)];
        if let Some(why) = keys.iter().find_map(Val::unknown) {
            return Val::Unknown(why.to_owned());
        }
        let found = self
            .mappings
            .as_ref()
            .and_then(|m| m.get(keys[0].as_str()?))
            .and_then(|m| m.get(keys[1].as_str()?))
            .and_then(|m| m.get(keys[2].as_str()?));
        match found {
            Some(node) => self.resolve(node),
            None => Val::Unknown(format!(
                "Fn::FindInMap {}/{}/{}: not in Mappings",
                keys[0].as_str().unwrap_or("?"),
                keys[1].as_str().unwrap_or("?"),
                keys[2].as_str().unwrap_or("?")
            )),
        }
    }

    /// A named condition: assumed for this variant, else evaluated; None when undecidable.
    pub fn condition(&self, name: &str, depth: usize) -> Option<bool> {
        if let Some(b) = self.assumed.get(name) {
            return Some(*b);
        }
        let nesting = self.depth.get();
        if depth > MAX_CONDITION_DEPTH || nesting >= MAX_RESOLVE_DEPTH {
            return None;
        }
        let definition = self.condition_defs.get(name)?;
        self.depth.set(nesting + 1);
        let value = self.condition_value(definition, depth + 1);
        self.depth.set(nesting);
        value
    }

    fn condition_value(&self, node: &Node, depth: usize) -> Option<bool> {
        if depth > MAX_CONDITION_DEPTH {
            return None;
        }
        let [entry] = node.entries() else { return self.resolve(node).as_bool() };
        let args = entry.value.items();
        match entry.key.as_str() {
            "Fn::Equals" => {
                let [a, b] = args else { return None };
                let (a, b) = (self.resolve(a), self.resolve(b));
                if a.unknown().is_some() || b.unknown().is_some() {
                    return None;
                }
                Some(a == b)
            }
            "Fn::Not" => Some(!self.condition_value(args.first()?, depth + 1)?),
            "Fn::And" => {
                let values: Vec<Option<bool>> = args.iter().map(|a| self.condition_value(a, depth + 1)).collect();
                if values.contains(&Some(false)) {
                    return Some(false);
                }
                values.iter().all(Option::is_some).then_some(true)
            }
            "Fn::Or" => {
                let values: Vec<Option<bool>> = args.iter().map(|a| self.condition_value(a, depth + 1)).collect();
                if values.contains(&Some(true)) {
                    return Some(true);
                }
                values.iter().all(Option::is_some).then_some(false)
            }
            "Condition" => self.condition(entry.value.as_str()?, depth + 1),
            _ => self.resolve(node).as_bool(),
        }
    }
}

/// How the Terraform front end writes a value the plan does not know (`after_unknown`).
pub const UNKNOWN_PREFIX: &str = "{{sqs-trigger-unknown:";

/// A string scalar: a dynamic reference (`{{resolve:ssm:...}}`) is known only at deploy time.
fn string(s: &str) -> Val {
    if let Some(what) = s.strip_prefix(UNKNOWN_PREFIX).and_then(|r| r.strip_suffix("}}")) {
        return Val::Unknown(format!("{what} (known only after apply)"));
    }
    if let Some(start) = s.find("{{resolve:") {
        let end = s[start..].find("}}").map_or(s.len(), |e| start + e + 2);
        return Val::Unknown(format!("dynamic reference {} (resolved at deploy time)", &s[start..end]));
    }
    Val::Str(s.to_owned())
}

fn unknown_or(value: Val, what: &str) -> Val {
    match value.unknown() {
        Some(why) => Val::Unknown(why.to_owned()),
        None => Val::Unknown(what.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::tree::parse;

    fn env() -> Env {
        let mut env = Env {
            region: "eu-west-1".into(),
            account: "111122223333".into(),
            partition: "aws".into(),
            stack_name: "s".into(),
            ..Env::default()
        };
        env.parameters.insert("Env".into(), Val::Str("prod".into()));
        env.resources.insert(
            "Q".into(),
            Placeholder {
                reference: Some("https://sqs.eu-west-1.amazonaws.com/111122223333/q".into()),
                attributes: [("Arn".to_owned(), "arn:aws:sqs:eu-west-1:111122223333:q".to_owned())].into(),
            },
        );
        env.condition_defs.insert("IsProd".into(), parse("!Equals [!Ref Env, prod]").unwrap());
        env.mappings = Some(parse("M: {prod: {size: 50}}").unwrap());
        env
    }

    fn eval(text: &str) -> Val {
        env().resolve(&parse(text).unwrap())
    }

    #[test]
    fn intrinsics_resolve() {
        assert_eq!(
            eval("!Sub 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:x-${Env}'"),
            Val::Str("arn:aws:sqs:eu-west-1:111122223333:x-prod".into())
        );
        assert_eq!(eval("!GetAtt Q.Arn"), Val::Str("arn:aws:sqs:eu-west-1:111122223333:q".into()));
        assert_eq!(
            eval("{'Fn::Join': ['', ['arn:', {Ref: 'AWS::Partition'}, ':iam::aws:policy/X']]}"),
            Val::Str("arn:aws:iam::aws:policy/X".into())
        );
        assert_eq!(eval("!Select [1, [a, b]]"), Val::Str("b".into()));
        assert_eq!(eval("!FindInMap [M, !Ref Env, size]"), Val::Str("50".into()));
        assert_eq!(eval("!If [IsProd, 10, 1]"), Val::Str("10".into()));
        assert_eq!(eval("[a, !Ref AWS::NoValue]"), Val::List(vec![Val::Str("a".into())]));
        assert_eq!(eval("!Sub ['${A}-${!B}', {A: !Ref Env}]"), Val::Str("prod-${B}".into()));
        assert!(matches!(eval("!ImportValue shared-queue"), Val::Unknown(w) if w.contains("shared-queue")));
        assert!(matches!(eval("'{{resolve:ssm:/x}}'"), Val::Unknown(w) if w.contains("dynamic reference")));
        assert!(matches!(eval("!Ref Nope"), Val::Unknown(_)));
    }

    #[test]
    fn cycles_through_conditions_and_mappings_end_unknown() {
        // Found by the fuzz target: a condition whose Fn::If names itself overflowed the stack.
        let mut env = env();
        env.condition_defs.insert("Loop".into(), parse("!Equals [!If [Loop, a, b], a]").unwrap());
        assert!(matches!(env.resolve(&parse("!If [Loop, 1, 2]").unwrap()), Val::Unknown(_)));
        env.mappings = Some(parse("M: {a: {b: !FindInMap [M, a, b]}}").unwrap());
        assert!(matches!(env.resolve(&parse("!FindInMap [M, a, b]").unwrap()), Val::Unknown(_)));
        assert_eq!(env.depth.get(), 0);
    }
}
