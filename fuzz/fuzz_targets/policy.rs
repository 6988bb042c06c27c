//! The IAM policy parser and evaluator: no document, however malformed, may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sqs_trigger::policy::{NamedPolicy, PolicyDocument, evaluate_identity, evaluate_resource_policy, trusts_service};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(doc) = PolicyDocument::parse("fuzz", text) {
        let named = [NamedPolicy { name: "fuzz".into(), document: doc.clone() }];
        for action in ["sqs:ReceiveMessage", "kms:Decrypt", "logs:PutLogEvents"] {
            let _ = evaluate_identity(&named, Some(&named[0]), action, "arn:aws:sqs:us-east-1:123456789012:q");
            let _ = evaluate_resource_policy(&doc, "arn:aws:iam::123456789012:role/r", "123456789012", action, "*");
        }
        let _ = trusts_service(&doc, "lambda.amazonaws.com");
    }
});
