//! Property tests: the parsers at the edge never panic on any input, and what they accept
//! displays back to the same text.

use proptest::prelude::*;
use sqs_trigger::model::{Arn, FunctionRef, HumanDuration, KeyRef, QueueName, QueueRef, QueueUrl};
use sqs_trigger::policy::{NamedPolicy, PolicyDocument, evaluate_identity, evaluate_resource_policy, trusts_service};

fn name_chars() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,75}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(s in "\\PC*") {
        let _ = s.parse::<QueueName>();
        let _ = s.parse::<QueueRef>();
        let _ = s.parse::<QueueUrl>();
        let _ = s.parse::<FunctionRef>();
        let _ = s.parse::<KeyRef>();
        let _ = s.parse::<Arn>();
        let _ = s.parse::<HumanDuration>();
    }

    #[test]
    fn parsers_never_panic_on_arn_like_input(s in "arn:[a-z-]{0,8}:[a-z0-9:/._*-]{0,60}") {
        let _ = s.parse::<QueueRef>();
        let _ = s.parse::<FunctionRef>();
        let _ = s.parse::<KeyRef>();
        if let Ok(arn) = s.parse::<Arn>() {
            prop_assert_eq!(arn.to_string(), s);
        }
    }

    #[test]
    fn queue_names_round_trip(base in name_chars(), fifo in any::<bool>()) {
        let text = if fifo { format!("{base}.fifo") } else { base };
        let name: QueueName = text.parse().unwrap();
        prop_assert_eq!(name.to_string(), text.clone());
        prop_assert_eq!(name.is_fifo(), fifo);
        let arn = format!("arn:aws:sqs:us-east-1:123456789012:{text}");
        let queue: QueueRef = arn.parse().unwrap();
        prop_assert_eq!(queue.to_string(), arn);
        let url = format!("https://sqs.eu-west-1.amazonaws.com/123456789012/{text}");
        let parsed: QueueUrl = url.parse().unwrap();
        prop_assert_eq!(parsed.to_string(), url);
        prop_assert_eq!(parsed.name().as_str(), text.as_str());
    }

    #[test]
    fn function_refs_round_trip(name in "[A-Za-z0-9_-]{1,64}", region in "(us|eu|ap)-(east|west|central)-[1-9]") {
        let arn = format!("arn:aws:lambda:{region}:123456789012:function:{name}");
        let f: FunctionRef = arn.parse().unwrap();
        prop_assert_eq!(f.to_string(), arn);
        prop_assert_eq!(f.name().to_string(), name.clone());
        let by_name: FunctionRef = name.parse().unwrap();
        prop_assert_eq!(by_name.to_string(), name);
    }

    #[test]
    fn durations_round_trip(ms in 0u64..(7 * 24 * 3600 * 1000)) {
        let d = HumanDuration(std::time::Duration::from_millis(ms));
        let back: HumanDuration = d.to_string().parse().unwrap();
        prop_assert_eq!(back, d);
    }

    #[test]
    fn policy_parser_never_panics(s in "\\PC*") {
        let _ = PolicyDocument::parse("fuzz", &s);
    }

    #[test]
    fn policy_evaluation_never_panics(
        effect in prop::sample::select(vec!["Allow", "Deny", "allow", ""]),
        action in prop::sample::select(vec!["sqs:*", "*", "SQS:Receive*", "s?s:DeleteMessage", "kms:Decrypt", ""]),
        resource in "[a-z0-9:*?/_-]{0,40}",
        not_action in any::<bool>(),
        cond in any::<bool>(),
        req_action in "[a-zA-Z]{0,5}:[A-Za-z*?]{0,12}",
        req_resource in "[a-z0-9:*?/_-]{0,40}",
    ) {
        let key = if not_action { "NotAction" } else { "Action" };
        let mut stmt = serde_json::json!({"Effect": effect, key: action, "Resource": resource, "Principal": {"AWS": "arn:aws:iam::123456789012:root"}});
        if cond {
            stmt["Condition"] = serde_json::json!({"StringEquals": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}});
        }
        let text = serde_json::json!({"Version": "2012-10-17", "Statement": [stmt]}).to_string();
        if let Ok(doc) = PolicyDocument::parse("p", &text) {
            let named = [NamedPolicy { name: "p".into(), document: doc.clone() }];
            let _ = evaluate_identity(&named, Some(&named[0]), &req_action, &req_resource);
            let _ = evaluate_resource_policy(&doc, "arn:aws:iam::123456789012:role/r", "123456789012", &req_action, &req_resource);
            let _ = trusts_service(&doc, "lambda.amazonaws.com");
        }
        let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
        let _ = PolicyDocument::parse("p", &encoded);
    }
}
