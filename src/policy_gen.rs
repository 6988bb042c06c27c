//! Least-privilege policy documents: what `role check --print-policy` prints and `--fix`
//! attaches, and the statements findings suggest.
//!
//! Every resource is an exact ARN (the queue, the key, the function's log group): never `*`,
//! never a wildcard account, region or service. The only `*` is the log group ARN's own
//! `:*` suffix, the form IAM uses for "this log group and its streams".

use serde_json::{Value, json};

use crate::model::access::{LAMBDA_SERVICE, Required};
use crate::model::{QueueName, RoleArn};
use crate::policy::{NamedPolicy, PolicyDocument, evaluate_identity};

pub const POLICY_VERSION: &str = "2012-10-17";

/// The inline policy `--fix` manages on the role: one per queue.
pub fn inline_policy_name(queue: &QueueName) -> String {
    format!("sqs-trigger-{queue}")
}

/// Whether `resource` names exact resources: a full ARN with literal partition, service,
/// region and account, and no wildcard except a log group ARN's trailing `:*`.
pub fn is_exact_resource(resource: &str) -> bool {
    let Ok(arn) = resource.parse::<crate::model::Arn>() else { return false };
    let body = if arn.service == "logs" && arn.resource.starts_with("log-group:") {
        resource.strip_suffix(":*").unwrap_or(resource)
    } else {
        resource
    };
    !body.contains('*') && !body.contains('?') && !arn.region.is_empty() && !arn.account.is_empty()
}

/// The Sid of the statement granting actions of `action`'s service.
fn sid_for(action: &str) -> &'static str {
    match action.split(':').next().unwrap_or_default() {
        "sqs" => "SqsTriggerQueue",
        "kms" => "SqsTriggerKmsDecrypt",
        "logs" => "SqsTriggerLogs",
        _ => "SqsTrigger",
    }
}

/// Statements granting exactly `grants`: one per resource, actions sorted and deduplicated.
/// Grants on anything but an exact resource are dropped.
pub fn statements(grants: &[Required]) -> Vec<Value> {
    let mut resources: Vec<&str> = Vec::new();
    for grant in grants.iter().filter(|g| is_exact_resource(&g.resource)) {
        if !resources.contains(&grant.resource.as_str()) {
            resources.push(&grant.resource);
        }
    }
    resources
        .into_iter()
        .map(|resource| {
            let mut actions: Vec<&str> = grants.iter().filter(|g| g.resource == resource).map(|g| g.action).collect();
            actions.sort_unstable();
            actions.dedup();
            let sid = sid_for(actions[0]);
            json!({"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource})
        })
        .collect()
}

/// A policy document granting exactly `grants`, or None when there is nothing to grant.
pub fn least_privilege(grants: &[Required]) -> Option<Value> {
    let statements = statements(grants);
    if statements.is_empty() {
        return None;
    }
    Some(json!({"Version": POLICY_VERSION, "Statement": statements}))
}

/// One Allow statement for an identity policy, as compact JSON.
pub fn statement_json(action: &str, resource: &str) -> String {
    json!({"Effect": "Allow", "Action": action, "Resource": resource}).to_string()
}

/// The key-policy statement that lets the role decrypt. In a key policy `"Resource": "*"`
/// means "this key" (the key policy is attached to exactly one key).
pub fn key_policy_statement_json(role: &RoleArn) -> String {
    let statement = json!({
        "Sid": "AllowLambdaPollerDecrypt",
        "Effect": "Allow",
        "Principal": {"AWS": role.to_string()},
        "Action": "kms:Decrypt",
        "Resource": "*"
    });
    serde_json::to_string_pretty(&statement).unwrap_or_default()
}

/// A trust policy letting Lambda assume the role.
pub fn lambda_trust_policy_json() -> String {
    json!({
        "Version": POLICY_VERSION,
        "Statement": [{"Effect": "Allow", "Principal": {"Service": LAMBDA_SERVICE}, "Action": "sts:AssumeRole"}]
    })
    .to_string()
}

/// IAM returns documents percent-encoded; this gives the JSON text back.
pub fn decode_document(text: &str) -> String {
    if text.trim_start().starts_with('{') {
        return text.to_owned();
    }
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Whether the inline policy `text` is still only what `--fix` writes for `queue`: statements
/// with our Sids (`SqsTriggerQueue`, `SqsTriggerKmsDecrypt`, `SqsTriggerLogs`, numbered when
/// merged), each an unconditional Allow of poller actions on one exact resource, the queue's
/// actions on this queue only. Err says what differs (teardown keeps such a policy).
pub fn written_by_sqs_trigger(text: &str, queue: &crate::model::QueueArn) -> Result<(), String> {
    use crate::model::access::{KMS_DECRYPT, LOG_ACTIONS, QUEUE_ACTIONS};
    let document: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let object = document.as_object().ok_or("not a JSON object")?;
    if let Some(key) = object.keys().find(|k| !matches!(k.as_str(), "Version" | "Statement")) {
        return Err(format!("it has `{key}`, which sqs-trigger never writes"));
    }
    let statements = match object.get("Statement") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => return Err("it has no statement list".into()),
    };
    for (n, statement) in statements.iter().enumerate() {
        let sid = statement.get("Sid").and_then(Value::as_str).unwrap_or_default();
        let which = if sid.is_empty() { format!("statement {}", n + 1) } else { format!("statement {sid}") };
        let differs = |why: &str| Err(format!("{which} {why}"));
        let base = sid.trim_end_matches(|c: char| c.is_ascii_digit());
        if !matches!(base, "SqsTriggerQueue" | "SqsTriggerKmsDecrypt" | "SqsTriggerLogs" | "SqsTrigger") {
            return differs("is not one sqs-trigger writes (its Sid)");
        }
        let Some(fields) = statement.as_object() else { return differs("is not an object") };
        if let Some(key) = fields.keys().find(|k| !matches!(k.as_str(), "Sid" | "Effect" | "Action" | "Resource")) {
            return differs(&format!("has `{key}`"));
        }
        if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
            return differs("is not an Allow");
        }
        let actions: Vec<&str> = match statement.get("Action") {
            Some(Value::String(a)) => vec![a.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => return differs("has no action list"),
        };
        let Some(resource) = statement.get("Resource").and_then(Value::as_str) else {
            return differs("does not name exactly one resource");
        };
        if actions.is_empty() || !is_exact_resource(resource) {
            return differs("does not grant on one exact resource");
        }
        for action in actions {
            let fits = if QUEUE_ACTIONS.contains(&action) {
                resource == queue.to_string()
            } else if action == KMS_DECRYPT {
                resource.contains(":kms:")
            } else if LOG_ACTIONS.contains(&action) {
                resource.contains(":logs:")
            } else {
                false
            };
            if !fits {
                return differs(&format!("grants {action} on {resource}"));
            }
        }
    }
    Ok(())
}

/// What to do with the managed inline policy.
#[derive(Clone, Debug, PartialEq)]
pub enum Merged {
    /// The role has no such policy: create it with this document.
    Create(Value),
    /// The policy exists and lacks `added`: replace it with `document` (its statements kept).
    Update { document: Value, added: Vec<Required> },
    /// The policy already grants everything.
    Unchanged,
}

/// Merges `grants` into the existing inline policy (decoded JSON text), keeping every
/// statement it has and adding statements only for what it does not already allow
/// unconditionally. Re-running with the same grants gives `Unchanged`.
pub fn merge(name: &str, existing: Option<&str>, grants: &[Required]) -> Result<Merged, String> {
    let grants: Vec<Required> = grants.iter().filter(|g| is_exact_resource(&g.resource)).cloned().collect();
    let Some(text) = existing else {
        return Ok(least_privilege(&grants).map(Merged::Create).unwrap_or(Merged::Unchanged));
    };
    let parsed = PolicyDocument::parse(name, text).map_err(|e| e.to_string())?;
    let current = [NamedPolicy::new(name, parsed)];
    let added: Vec<Required> =
        grants.into_iter().filter(|g| !evaluate_identity(&current, None, g.action, &g.resource).is_allowed()).collect();
    if added.is_empty() {
        return Ok(Merged::Unchanged);
    }
    let mut document: Value = serde_json::from_str(text).map_err(|e| format!("policy `{name}` is not JSON: {e}"))?;
    let Some(object) = document.as_object_mut() else {
        return Err(format!("policy `{name}` is not a JSON object"));
    };
    let mut existing_statements = match object.remove("Statement") {
        Some(Value::Array(items)) => items,
        Some(single) => vec![single],
        None => Vec::new(),
    };
    let mut taken: Vec<String> =
        existing_statements.iter().filter_map(|s| s.get("Sid").and_then(Value::as_str)).map(str::to_owned).collect();
    for mut statement in statements(&added) {
        let base = statement["Sid"].as_str().unwrap_or("SqsTrigger").to_owned();
        let mut sid = base.clone();
        let mut n = 2;
        while taken.contains(&sid) {
            sid = format!("{base}{n}");
            n += 1;
        }
        statement["Sid"] = Value::String(sid.clone());
        taken.push(sid);
        existing_statements.push(statement);
    }
    object.entry("Version").or_insert_with(|| Value::String(POLICY_VERSION.into()));
    object.insert("Statement".into(), Value::Array(existing_statements));
    Ok(Merged::Update { document, added })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::access::{KMS_DECRYPT, KeyTarget, LOG_ACTIONS, QUEUE_ACTIONS, required_permissions};
    use crate::model::arn::log_group_arn;
    use crate::model::{KeyArn, QueueArn};

    fn all_resources(doc: &Value) -> Vec<String> {
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| match &s["Resource"] {
                Value::String(r) => vec![r.clone()],
                Value::Array(rs) => rs.iter().map(|r| r.as_str().unwrap().to_owned()).collect(),
                _ => vec![],
            })
            .collect()
    }

    /// Property-ish: over many queues, keys, regions, partitions and log groups, and every
    /// subset of the required permissions, the generated policy grants exactly the subset,
    /// on exact resources, and round-trips through our evaluator.
    #[test]
    fn grants_exactly_what_is_missing_on_exact_resources() {
        let partitions = [("aws", "us-east-1"), ("aws-cn", "cn-north-1"), ("aws-us-gov", "us-gov-west-1")];
        let queues = ["orders", "orders.fifo", "a_b-c"];
        let groups = ["/aws/lambda/worker", "custom/group-1"];
        let mut checked = 0;
        for (partition, region) in partitions {
            for queue in queues {
                for group in groups {
                    for with_key in [false, true] {
                        let q: QueueArn = format!("arn:{partition}:sqs:{region}:123456789012:{queue}").parse().unwrap();
                        let key: KeyArn =
                            format!("arn:{partition}:kms:{region}:123456789012:key/0123-abcd").parse().unwrap();
                        let key = with_key.then_some(KeyTarget::Arn(key));
                        let logs = log_group_arn(partition, region, "123456789012", group);
                        let required = required_permissions(Some(&q), key.as_ref(), Some(&logs), false);
                        for mask in 1u32..(1 << required.len()) {
                            let subset: Vec<Required> = required
                                .iter()
                                .enumerate()
                                .filter(|(i, _)| mask & (1 << i) != 0)
                                .map(|(_, r)| r.clone())
                                .collect();
                            let doc = least_privilege(&subset).unwrap();
                            for resource in all_resources(&doc) {
                                assert_ne!(resource, "*");
                                assert!(is_exact_resource(&resource), "{resource}");
                            }
                            let parsed = PolicyDocument::parse("generated", &doc.to_string()).unwrap();
                            let policies = [NamedPolicy::new("generated", parsed)];
                            for r in &required {
                                let allowed = evaluate_identity(&policies, None, r.action, &r.resource).is_allowed();
                                assert_eq!(allowed, subset.contains(r), "{} on {} in {doc}", r.action, r.resource);
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn wildcards_are_never_generated() {
        for resource in [
            "*",
            "arn:aws:sqs:*:123456789012:q",
            "arn:aws:sqs:us-east-1:*:q",
            "arn:aws:sqs:us-east-1:123456789012:q*",
            "alias/x",
            "arn:aws:kms:us-east-1::key/1",
        ] {
            assert!(!is_exact_resource(resource), "{resource}");
            assert!(least_privilege(&[Required { action: "sqs:DeleteMessage", resource: resource.into() }]).is_none());
        }
        assert!(is_exact_resource("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*"));
        assert!(!is_exact_resource("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*:*"));
    }

    #[test]
    fn one_statement_per_resource_with_sorted_actions() {
        let q = "arn:aws:sqs:us-east-1:123456789012:orders".to_owned();
        let grants: Vec<Required> =
            QUEUE_ACTIONS.iter().rev().map(|&action| Required { action, resource: q.clone() }).collect();
        let doc = least_privilege(&grants).unwrap();
        assert_eq!(doc["Version"], POLICY_VERSION);
        let statements = doc["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 1);
        assert_eq!(
            statements[0]["Action"],
            json!(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"])
        );
        assert_eq!(statements[0]["Sid"], "SqsTriggerQueue");
        assert!(least_privilege(&[]).is_none());
    }

    #[test]
    fn merge_is_idempotent_and_keeps_existing_statements() {
        let q = "arn:aws:sqs:us-east-1:123456789012:orders";
        let k = "arn:aws:kms:us-east-1:123456789012:key/0123";
        let delete = Required { action: "sqs:DeleteMessage", resource: q.into() };
        let decrypt = Required { action: KMS_DECRYPT, resource: k.into() };
        let Merged::Create(first) = merge("p", None, std::slice::from_ref(&delete)).unwrap() else { panic!() };
        let text = first.to_string();
        assert_eq!(merge("p", Some(&text), std::slice::from_ref(&delete)).unwrap(), Merged::Unchanged);
        // Percent-encoded, as IAM returns it.
        let encoded = percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC).to_string();
        assert_eq!(
            merge("p", Some(&decode_document(&encoded)), std::slice::from_ref(&delete)).unwrap(),
            Merged::Unchanged
        );
        let Merged::Update { document, added } = merge("p", Some(&text), &[delete.clone(), decrypt.clone()]).unwrap()
        else {
            panic!()
        };
        assert_eq!(added, vec![decrypt.clone()]);
        let statements = document["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[0], first["Statement"][0]);
        assert_eq!(merge("p", Some(&document.to_string()), &[delete, decrypt]).unwrap(), Merged::Unchanged);
    }

    #[test]
    fn merge_gives_unique_sids_and_accepts_a_single_statement_object() {
        let existing = r#"{"Version":"2012-10-17","Statement":{"Sid":"SqsTriggerLogs","Effect":"Allow","Action":"logs:CreateLogGroup","Resource":"arn:aws:logs:us-east-1:123456789012:log-group:g:*"}}"#;
        let grants: Vec<Required> = LOG_ACTIONS
            .iter()
            .map(|&action| Required { action, resource: "arn:aws:logs:us-east-1:123456789012:log-group:g:*".into() })
            .collect();
        let Merged::Update { document, added } = merge("p", Some(existing), &grants).unwrap() else { panic!() };
        assert_eq!(added.len(), 2);
        let sids: Vec<&str> =
            document["Statement"].as_array().unwrap().iter().map(|s| s["Sid"].as_str().unwrap()).collect();
        assert_eq!(sids, ["SqsTriggerLogs", "SqsTriggerLogs2"]);
        assert!(merge("p", Some("not json"), &grants).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(inline_policy_name(&"orders.fifo".parse().unwrap()), "sqs-trigger-orders.fifo");
        let trust: Value = serde_json::from_str(&lambda_trust_policy_json()).unwrap();
        assert_eq!(trust["Statement"][0]["Principal"]["Service"], LAMBDA_SERVICE);
    }

    #[test]
    fn recognises_only_what_fix_wrote_for_the_queue() {
        let queue: QueueArn = "arn:aws:sqs:us-east-1:123456789012:orders".parse().unwrap();
        let logs = log_group_arn("aws", "us-east-1", "123456789012", "/aws/lambda/worker");
        let key: KeyArn = "arn:aws:kms:us-east-1:123456789012:key/0123-abcd".parse().unwrap();
        let grants = required_permissions(Some(&queue), Some(&KeyTarget::Arn(key)), Some(&logs), false);
        let written = least_privilege(&grants).unwrap().to_string();
        assert_eq!(written_by_sqs_trigger(&written, &queue), Ok(()));
        // Merged twice (numbered Sids) is still ours.
        let merged = merge("p", Some(&written), &grants).unwrap();
        assert_eq!(merged, Merged::Unchanged);
        let other: QueueArn = "arn:aws:sqs:us-east-1:123456789012:other".parse().unwrap();
        assert!(written_by_sqs_trigger(&written, &other).unwrap_err().contains("sqs:"), "another queue's policy");
        let mut edited: Value = serde_json::from_str(&written).unwrap();
        edited["Statement"]
            .as_array_mut()
            .unwrap()
            .push(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}));
        assert!(written_by_sqs_trigger(&edited.to_string(), &queue).is_err(), "a statement added by hand");
        let mut conditioned: Value = serde_json::from_str(&written).unwrap();
        conditioned["Statement"][0]["Condition"] = json!({"Bool": {"aws:SecureTransport": "true"}});
        assert!(written_by_sqs_trigger(&conditioned.to_string(), &queue).unwrap_err().contains("Condition"));
        assert!(written_by_sqs_trigger("not json", &queue).is_err());
    }
}
