//! The plan's `configuration`: what each attribute's expression references, followed across
//! module calls, module outputs and `var.*` to the planned resources.

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// The plan's `configuration`: each resource's expressions, by module path.
pub(super) struct Config {
    /// Config address (indexes stripped, `module.a.` prefixes kept) → expressions.
    resources: BTreeMap<String, Json>,
    /// Module path (`module.a.module.b`) → the call's expressions (the module's input variables).
    calls: BTreeMap<String, Json>,
    /// Module path → its outputs.
    outputs: BTreeMap<String, Json>,
}

const MAX_REFERENCE_DEPTH: usize = 16;

impl Config {
    pub(super) fn new(configuration: Option<&Json>) -> Config {
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
    pub(super) fn sets(&self, address: &str, attribute: &str) -> bool {
        self.resources.get(&strip_indexes(address)).is_some_and(|e| e.get(attribute).is_some())
    }

    /// The planned resources (address, attribute) an attribute's expression references.
    pub(super) fn references(&self, address: &str, attribute: &str) -> Vec<(String, Option<String>)> {
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
pub(super) fn strip_indexes(address: &str) -> String {
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
pub(super) fn parent_prefix(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.len() <= 2 {
        return String::new();
    }
    format!("{}.", parts[..parts.len() - 2].join("."))
}

/// The module prefix of a config address: `module.a.module.b.aws_x.y` → `module.a.module.b.`.
pub(super) fn module_prefix(address: &str) -> String {
    let parts: Vec<&str> = address.split('.').collect();
    let mut prefix = String::new();
    let mut i = 0;
    while i + 1 < parts.len() && parts[i] == "module" {
        prefix.push_str(&format!("module.{}.", parts[i + 1]));
        i += 2;
    }
    prefix
}
