//! The arguments of `redrive`: the queue whose DLQ is moved back, and the probe after it.

use clap::Args;

#[derive(Debug, Args)]
#[command(after_help = "\
SQS moves the messages itself (StartMessageMoveTask): sqs-trigger never receives or deletes
one. Refused (exit 1) while doctor reports an error for the trigger, unless --force.
Ctrl-C offers to cancel the move task; messages already moved stay moved.")]
pub struct RedriveArgs {
    /// The source queue whose dead-letter queue is emptied: name, URL or ARN.
    #[arg(long, short = 'Q', value_name = "Q")]
    pub queue: String,

    /// Move at most this many messages a second (1-500; default: SQS optimizes the rate).
    #[arg(long, value_name = "N")]
    pub max_per_second: Option<u32>,

    /// Move the messages even while doctor reports an error for the trigger.
    #[arg(long)]
    pub force: bool,

    /// After the move, probe once to show the trigger works.
    #[arg(long)]
    pub confirm: bool,

    /// With --confirm: the function to probe (default: the one mapped to the queue).
    #[arg(long, short = 'f', value_name = "F")]
    pub function: Option<String>,

    /// With --confirm: how long the probe watches the logs.
    #[arg(long, value_name = "DURATION", default_value = "2m")]
    pub probe_timeout: String,
}
