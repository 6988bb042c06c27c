//! The arguments of `doctor`: one trigger, or `--all` with its accounts and regions, and `--metrics`.

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The queue to diagnose: name, URL or ARN.
    #[arg(long, short = 'Q', value_name = "Q")]
    pub queue: Option<String>,

    /// The function to diagnose: name or ARN.
    #[arg(long, short = 'f', value_name = "F")]
    pub function: Option<String>,

    /// Audit every SQS mapping in the region.
    #[arg(long, conflicts_with_all = ["queue", "function"])]
    pub all: bool,

    /// With --all: how many mappings to diagnose at once (IAM gets at most 4 requests in flight).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,

    /// With --all: every region enabled in each account (`all`, from account:ListRegions), or
    /// these regions (comma-separated; --region may also be repeated).
    #[arg(long, value_name = "all|REGION,...", requires = "all")]
    pub regions: Option<String>,

    /// With --all: audit these accounts (comma-separated 12-digit ids) through --assume-role.
    #[arg(long, value_name = "ID,...", value_delimiter = ',', requires_all = ["all", "assume_role"])]
    pub accounts: Vec<String>,

    /// With --all: audit every active account of the organization through --assume-role.
    #[arg(long, value_enum, value_name = "SOURCE", requires_all = ["all", "assume_role"], conflicts_with = "accounts")]
    pub accounts_from: Option<AccountsFrom>,

    /// The role to assume in each account (arn:aws:iam::ID:role/NAME; STS session `sqs-trigger`).
    #[arg(long, value_name = "NAME")]
    pub assume_role: Option<String>,

    /// The external id the assumed role's trust policy asks for.
    #[arg(long, value_name = "ID", requires = "assume_role")]
    pub external_id: Option<String>,

    /// Also read what CloudWatch recorded (is the queue polled, backlog, throttles, errors,
    /// DLQ growth, filtered events), without sending anything.
    #[arg(long)]
    pub metrics: bool,

    /// With --metrics: how far back to look (5m to 7d).
    #[arg(long, value_name = "DURATION", requires = "metrics")]
    pub window: Option<String>,
}

/// Where `doctor --all` finds the accounts to audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccountsFrom {
    /// The organization's active accounts (organizations:ListAccounts, from the management or
    /// a delegated administrator account).
    Organizations,
}
