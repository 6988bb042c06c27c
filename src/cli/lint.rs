//! The arguments of `lint`, and the kinds of file it reads.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
#[command(after_help = "\
Runs doctor's checks on the file: no credentials, no request. Findings name file:line:column
(plans: the resource address). Exit 1 on error findings (--fail-on applies), 2 when a file
does not parse. Examples:
  sqs-trigger lint template.yaml --parameter Env=prod
  sqs-trigger lint cdk.out/*.template.json --report sarif=lint.sarif
  terraform show -json plan.out > plan.json && sqs-trigger lint plan.json")]
pub struct LintArgs {
    /// Templates (YAML or JSON), cdk.out directories or `terraform show -json` plans.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// What the files are (auto: a plan has `terraform_version`, a template `Resources`).
    #[arg(long, value_enum, default_value_t = LintFormat::Auto)]
    pub format: LintFormat,

    /// A CloudFormation parameter's value (repeatable); others take their Default.
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,

    /// The account id for AWS::AccountId and placeholder ARNs (default: the account of the
    /// file's literal ARNs, else 123456789012).
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,

    /// The stack name for AWS::StackName and generated resource names.
    #[arg(long, value_name = "NAME", default_value = "stack")]
    pub stack_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LintFormat {
    #[default]
    Auto,
    Cloudformation,
    TerraformPlan,
}
