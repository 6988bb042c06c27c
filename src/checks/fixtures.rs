//! Hand-built facts shared by the unit tests of every check module (and of the commands
//! that run checks): one set, so a new field of a fact is added in one place.

use std::collections::BTreeMap;

use crate::model::facts::TriggerFacts;
use crate::model::facts::{
    CallerFacts, Encryption, FunctionFacts, KeyFacts, KeyManager, MappingFacts, MappingRequest, QueueDepth, QueueFacts,
    Redrive, RoleFacts,
};
use crate::model::{FunctionArn, QueueArn, QueueUrl};
use crate::policy::{NamedPolicy, PolicyDocument};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// A queue in us-east-1 with a DLQ of the same type (maxReceiveCount 5), visibility 180s.
pub fn queue(name: &str) -> QueueFacts {
    queue_in(name, REGION, ACCOUNT)
}

pub fn queue_in(name: &str, region: &str, account: &str) -> QueueFacts {
    let dlq_name =
        if let Some(base) = name.strip_suffix(".fifo") { format!("{base}-dlq.fifo") } else { format!("{name}-dlq") };
    QueueFacts {
        name: name.parse().unwrap(),
        url: format!("https://sqs.{region}.amazonaws.com/{account}/{name}").parse().unwrap(),
        arn: format!("arn:aws:sqs:{region}:{account}:{name}").parse().unwrap(),
        fifo: name.ends_with(".fifo"),
        visibility_timeout_secs: 180,
        encryption: Encryption::SseSqs,
        redrive: Some(Redrive {
            dead_letter_target_arn: format!("arn:aws:sqs:{region}:{account}:{dlq_name}").parse().unwrap(),
            max_receive_count: 5,
        }),
        policy: None,
        depth: QueueDepth::default(),
        tags: BTreeMap::new(),
    }
}

/// An Active function `worker` in us-east-1 with a 30 s timeout.
pub fn function(timeout_secs: u32) -> FunctionFacts {
    function_in(REGION, ACCOUNT, timeout_secs)
}

pub fn function_in(region: &str, account: &str, timeout_secs: u32) -> FunctionFacts {
    FunctionFacts {
        arn: format!("arn:aws:lambda:{region}:{account}:function:worker").parse().unwrap(),
        timeout_secs,
        state: Some("Active".into()),
        state_reason: None,
        state_reason_code: None,
        last_update_status: Some("Successful".into()),
        role: format!("arn:aws:iam::{account}:role/worker-role").parse().unwrap(),
        runtime: Some("python3.12".into()),
        reserved_concurrency: None,
        log_group: "/aws/lambda/worker".into(),
        logging: Default::default(),
    }
}

pub fn mapping(queue: &QueueFacts, state: &str) -> MappingFacts {
    MappingFacts {
        uuid: "11111111-2222-3333-4444-555555555555".into(),
        arn: None,
        queue_arn: queue.arn.clone(),
        function_arn: format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker").parse().unwrap(),
        state: crate::model::facts::MappingState::parse(state),
        batch_size: Some(10),
        batch_window_secs: Some(0),
        max_concurrency: None,
        report_batch_item_failures: false,
        filters: vec![],
        last_processing_result: Some("No records processed".into()),
        state_transition_reason: Some("USER_INITIATED".into()),
        provisioned_pollers: None,
        metrics: vec![],
        filter_kms_key: None,
        filter_criteria_error: None,
        tags: None,
    }
}

pub fn request() -> MappingRequest {
    MappingRequest { enabled: true, ..MappingRequest::default() }
}

/// A healthy queue `orders` → function `worker` (timeout 30 s), nothing to report.
pub fn facts(queue: QueueFacts, function: FunctionFacts) -> TriggerFacts {
    TriggerFacts {
        region: REGION.into(),
        caller: Some(CallerFacts { account: ACCOUNT.into(), arn: format!("arn:aws:iam::{ACCOUNT}:user/me") }),
        queue: Some(queue),
        function: Some(function),
        ..TriggerFacts::default()
    }
}

/// The role of the policy fixtures (`role_facts`, `role_function`).
pub const ROLE: &str = "arn:aws:iam::123456789012:role/worker";
pub const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

pub fn doc(text: &str) -> PolicyDocument {
    PolicyDocument::parse("test", text).unwrap()
}

pub fn allow(actions: &[&str], resource: &str) -> String {
    serde_json::json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":actions,"Resource":resource}]})
        .to_string()
}

pub fn role_facts(policies: &[(&str, &str)], boundary: Option<&str>, trust_service: &str) -> RoleFacts {
    let trust = serde_json::json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":trust_service},"Action":"sts:AssumeRole"}]});
    RoleFacts {
        arn: ROLE.parse().unwrap(),
        trust_policy: Some(doc(&trust.to_string())),
        policies: policies.iter().map(|(n, t)| NamedPolicy::new(*n, doc(t))).collect(),
        boundary: boundary.map(|t| NamedPolicy::new("permissions boundary b", doc(t))),
        policy_names: policies.iter().map(|(n, _)| (*n).to_owned()).collect(),
    }
}

/// A queue of `arn` with this encryption and queue policy (visibility 60 s, no DLQ).
pub fn policy_queue(encryption: Encryption, arn: &str, policy: Option<&str>) -> QueueFacts {
    let arn: QueueArn = arn.parse().unwrap();
    let url: QueueUrl =
        format!("https://sqs.us-east-1.amazonaws.com/{}/{}", arn.account(), arn.name()).parse().unwrap();
    QueueFacts {
        name: arn.name(),
        url,
        arn,
        fifo: false,
        visibility_timeout_secs: 60,
        encryption,
        redrive: None,
        policy: policy.map(doc),
        depth: QueueDepth::default(),
        tags: Default::default(),
    }
}

/// The function `worker` (timeout 3 s) running with `ROLE`.
pub fn role_function() -> FunctionFacts {
    FunctionFacts {
        arn: "arn:aws:lambda:us-east-1:123456789012:function:worker".parse::<FunctionArn>().unwrap(),
        timeout_secs: 3,
        state: Some("Active".into()),
        state_reason: None,
        state_reason_code: None,
        last_update_status: None,
        role: ROLE.parse().unwrap(),
        runtime: None,
        reserved_concurrency: None,
        log_group: "/aws/lambda/worker".into(),
        logging: Default::default(),
    }
}

pub fn key(state: &str, policy: &str) -> KeyFacts {
    KeyFacts { arn: KEY.parse().unwrap(), manager: KeyManager::Customer, state: state.into(), policy: Ok(doc(policy)) }
}

pub const DELEGATING_KEY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#;
