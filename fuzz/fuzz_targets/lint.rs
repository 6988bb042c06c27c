//! lint's front end and resolver: no input may panic, whatever the file holds. Half the inputs
//! are whole files (YAML, JSON, plans); the other half are spliced into a template that
//! already links a mapping, a queue, a function, a role and a key, so the fuzzer reaches the
//! resolver, the linking and the checks without first having to invent a template.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sqs_trigger::cli::LintFormat;
use sqs_trigger::lint::{cfn, file_triggers, located_findings};

const TEMPLATE: &str = "Parameters:\n  P: {Type: String, Default: x}\nConditions:\n  C: !Equals [!Ref P, x]\nResources:\n  K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: 'kms:*', Resource: '*'}]}}}\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {KmsMasterKeyId: !Ref K, VisibilityTimeout: FUZZ, RedrivePolicy: FUZZ}\n  R: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: FUZZ, Policies: [{PolicyName: p, PolicyDocument: FUZZ}]}}\n  F: {Type: AWS::Lambda::Function, Properties: {Role: !GetAtt R.Arn, Timeout: FUZZ}}\n  M: {Type: AWS::Lambda::EventSourceMapping, Properties: {EventSourceArn: !GetAtt Q.Arn, FunctionName: FUZZ, BatchSize: FUZZ}}\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = cfn::Options {
        region: "us-east-1".into(),
        account: "123456789012".into(),
        partition: "aws".into(),
        stack_name: "fuzz".into(),
        parameters: Default::default(),
        account_given: false,
    };
    let input = match text.strip_prefix('!') {
        // A flow-style value (one line) in every FUZZ slot.
        Some(value) if !value.contains('\n') => TEMPLATE.replace("FUZZ", value),
        _ => text.to_owned(),
    };
    for format in [LintFormat::Auto, LintFormat::Cloudformation, LintFormat::TerraformPlan] {
        if let Ok((_, triggers)) = file_triggers(&input, format, &options) {
            let _ = located_findings("fuzz.yaml", &triggers);
        }
    }
});
