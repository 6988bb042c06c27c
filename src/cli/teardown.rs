//! The arguments of `teardown`: what to remove, and how carefully.

use clap::Args;

#[derive(Debug, Args)]
pub struct TeardownArgs {
    /// The queue: name, URL or ARN.
    #[arg(long, short = 'Q', value_name = "Q")]
    pub queue: String,

    /// Only mappings of this function (default: every mapping of the queue).
    #[arg(long, short = 'f', value_name = "F")]
    pub function: Option<String>,

    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(long, short)]
    pub yes: bool,

    /// Delete queues even if they still hold messages.
    #[arg(long)]
    pub force: bool,

    /// List what would be deleted and delete nothing.
    #[arg(long)]
    pub dry_run: bool,
}
