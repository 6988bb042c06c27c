//! Terraform plans (`terraform show -json plan.out`) → one [`LintTrigger`] per
//! `aws_lambda_event_source_mapping` on an SQS queue.

use super::cfn::Options;
use super::facts::LintTrigger;

/// `terraform show -json` output names its versions first.
pub fn looks_like_plan(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.trim_start().starts_with('{')
        && (head.contains("\"terraform_version\"") || head.contains("\"resource_changes\""))
}

pub fn triggers(_text: &str, _options: &Options) -> Result<Vec<LintTrigger>, String> {
    Err("Terraform plans are not supported yet".into())
}
