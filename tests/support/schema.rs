//! The JSON contract, enforced: every document a test parses is validated against its
//! schema in `docs/schema/` (named by the document's own `schema` field), so a field cannot
//! change without the schema (and docs/json.md's promise) changing with it.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::repo_root;

fn validators() -> &'static HashMap<String, jsonschema::Validator> {
    static VALIDATORS: OnceLock<HashMap<String, jsonschema::Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let dir = repo_root().join("docs/schema");
        let mut schemas: Vec<(String, Value)> = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("docs/schema") {
            let path = entry.expect("entry").path();
            let Some(file) = path.file_name().and_then(|n| n.to_str()) else { continue };
            let Some(name) = file.strip_suffix(".v1.json") else { continue };
            let text = std::fs::read_to_string(&path).expect("schema file");
            let schema: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            schemas.push((name.to_owned(), schema));
        }
        let mut registry = jsonschema::Registry::new();
        for (_, schema) in &schemas {
            let id = schema["$id"].as_str().expect("every schema has an $id").to_owned();
            registry = registry.add(id, schema.clone()).expect("add schema");
        }
        let registry = registry.prepare().expect("schemas resolve");
        schemas
            .iter()
            .filter(|(name, _)| name != "common")
            .map(|(name, schema)| {
                let validator = jsonschema::options()
                    .with_registry(&registry)
                    .build(schema)
                    .unwrap_or_else(|e| panic!("docs/schema/{name}.v1.json is not a valid schema: {e}"));
                (name.clone(), validator)
            })
            .collect()
    })
}

/// The schema names `docs/schema/` publishes (without `common`).
pub fn published() -> Vec<String> {
    let mut names: Vec<String> = validators().keys().cloned().collect();
    names.sort();
    names
}

/// Validates a document against the schema its `schema` field names; panics with every
/// violation otherwise.
#[track_caller]
pub fn validate(doc: &Value) {
    let id = doc["schema"].as_str().unwrap_or_else(|| panic!("the document names no schema:\n{doc:#}"));
    let name = id
        .strip_prefix("sqs-trigger/")
        .and_then(|rest| rest.strip_suffix("/v1"))
        .unwrap_or_else(|| panic!("`{id}` is not sqs-trigger/<command>/v1"));
    let validator =
        validators().get(name).unwrap_or_else(|| panic!("no schema for `{id}`: docs/schema/{name}.v1.json is missing"));
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("  at {}: {e}", e.instance_path())).collect();
    assert!(
        errors.is_empty(),
        "the document does not match docs/schema/{name}.v1.json:\n{}\n{doc:#}",
        errors.join("\n")
    );
}
