//! The AWS managed policies and SAM policy templates lint must know, kept as data with their
//! source, so a role that attaches them is evaluated like one whose policies were read.
//!
//! Managed policies: the AWS Managed Policy Reference,
//! <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html>
//! and <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaSQSQueueExecutionRole.html>
//! (default versions v1: the logs actions, and the three SQS actions the poller needs, on `*`).
//!
//! SAM policy templates: `samtranslator/policy_templates_data/policy_templates.json` in
//! github.com/aws/serverless-application-model (`SQSPollerPolicy` with parameter `QueueName`,
//! `KMSDecryptPolicy` with parameter `KeyId`), and the implicit role SAM gives a function
//! without `Role`: trusting lambda.amazonaws.com, with `AWSLambdaBasicExecutionRole`, plus
//! `AWSLambdaSQSQueueExecutionRole` when the function has an `SQS` event
//! (`samtranslator/model/eventsources/pull.py`).

/// An AWS managed policy: its name (the ARN's last part) and its document.
pub struct ManagedPolicy {
    pub name: &'static str,
    pub arn_suffix: &'static str,
    pub document: &'static str,
}

pub const BASIC_EXECUTION_ROLE: ManagedPolicy = ManagedPolicy {
    name: "AWSLambdaBasicExecutionRole",
    arn_suffix: ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
};

pub const SQS_QUEUE_EXECUTION_ROLE: ManagedPolicy = ManagedPolicy {
    name: "AWSLambdaSQSQueueExecutionRole",
    arn_suffix: ":iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
};

pub const MANAGED: [&ManagedPolicy; 2] = [&BASIC_EXECUTION_ROLE, &SQS_QUEUE_EXECUTION_ROLE];

/// The managed policy an ARN (any partition) or a bare name (SAM `Policies: [Name]`) names.
pub fn managed(arn_or_name: &str) -> Option<&'static ManagedPolicy> {
    MANAGED.into_iter().find(|p| {
        arn_or_name == p.name
            || (arn_or_name.starts_with("arn:")
                && arn_or_name.split_once(':').is_some_and(|(_, rest)| {
                    rest.split_once(':').is_some_and(|(_partition, tail)| format!(":{tail}") == p.arn_suffix)
                }))
    })
}

/// A SAM policy template as a policy document, with its parameters substituted; None for a
/// template lint does not know.
pub fn sam_template(name: &str, parameter: &str, partition: &str, region: &str, account: &str) -> Option<String> {
    let statement = match name {
        "SQSPollerPolicy" => serde_json::json!({
            "Effect": "Allow",
            "Action": ["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage",
                       "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
            "Resource": format!("arn:{partition}:sqs:{region}:{account}:{parameter}"),
        }),
        "KMSDecryptPolicy" => serde_json::json!({
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": format!("arn:{partition}:kms:{region}:{account}:key/{parameter}"),
        }),
        _ => return None,
    };
    Some(serde_json::json!({"Version": "2012-10-17", "Statement": [statement]}).to_string())
}

/// The parameter each known template takes.
pub fn sam_template_parameter(name: &str) -> Option<&'static str> {
    match name {
        "SQSPollerPolicy" => Some("QueueName"),
        "KMSDecryptPolicy" => Some("KeyId"),
        _ => None,
    }
}

/// The trust policy of SAM's implicit role.
pub const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_policies_are_found_by_arn_in_any_partition_and_by_name() {
        assert!(managed("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole").is_some());
        assert!(managed("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").is_some());
        assert!(managed("AWSLambdaBasicExecutionRole").is_some());
        assert!(managed("arn:aws:iam::aws:policy/AdministratorAccess").is_none());
        for p in MANAGED {
            crate::policy::PolicyDocument::parse(p.name, p.document).unwrap();
        }
        let doc = sam_template("SQSPollerPolicy", "q", "aws", "us-east-1", "1").unwrap();
        crate::policy::PolicyDocument::parse("t", &doc).unwrap();
    }
}
