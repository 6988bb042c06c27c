//! Unit tests of the plan front end: addresses, references across modules, plan detection.

use super::looks_like_plan;
use super::references::{Config, module_prefix, parent_prefix, strip_indexes};

#[test]
fn addresses_lose_their_indexes_and_name_their_modules() {
    assert_eq!(strip_indexes("module.a[\"x\"].aws_sqs_queue.q[0]"), "module.a.aws_sqs_queue.q");
    assert_eq!(module_prefix("module.a.module.b.aws_sqs_queue.q"), "module.a.module.b.");
    assert_eq!(module_prefix("aws_sqs_queue.q"), "");
    assert_eq!(parent_prefix("module.a.module.b"), "module.a.");
    assert_eq!(parent_prefix("module.a"), "");
}

#[test]
fn references_follow_variables_into_the_calling_module() {
    let configuration = serde_json::json!({"root_module": {
        "resources": [{"address": "aws_sqs_queue.q", "expressions": {}}],
        "module_calls": {"w": {
            "expressions": {"queue_arn": {"references": ["aws_sqs_queue.q.arn", "aws_sqs_queue.q"]}},
            "module": {"resources": [{"address": "aws_lambda_event_source_mapping.m", "expressions": {
                "event_source_arn": {"references": ["var.queue_arn"]}
            }}]}
        }}
    }});
    let config = Config::new(Some(&configuration));
    let refs = config.references("module.w.aws_lambda_event_source_mapping.m", "event_source_arn");
    assert_eq!(refs[0], ("aws_sqs_queue.q".to_owned(), Some("arn".to_owned())));
    assert!(looks_like_plan("{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\"}"));
    assert!(!looks_like_plan("Resources: {}"));
}
