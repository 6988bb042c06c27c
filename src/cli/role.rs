//! The arguments of `role check`: the trigger, an optional other role, and the policy flags.

use clap::{Args, Subcommand};

use super::TargetArgs;

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage,
    /// sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?
    #[command(after_help = "\
Examples:
  sqs-trigger role check --function worker --queue orders
  sqs-trigger role check --function worker --queue orders --print-policy > policy.json
  sqs-trigger role check --function worker --queue orders --fix --yes")]
    Check(RoleCheckArgs),
}

#[derive(Debug, Args)]
pub struct RoleCheckArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    /// Check this role instead of the function's execution role.
    #[arg(long, value_name = "ARN")]
    pub role: Option<String>,

    /// Print a least-privilege inline policy granting what is missing.
    #[arg(long, conflicts_with = "fix")]
    pub print_policy: bool,

    /// Attach that policy to the role as the inline policy sqs-trigger-QUEUE, then check again.
    #[arg(long)]
    pub fix: bool,

    /// Do not ask for confirmation (required with --fix when not on a terminal).
    #[arg(long, short)]
    pub yes: bool,
}
