//! The arguments of `queue create`, and the queue settings it shares with `setup`.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged.
    #[command(after_help = "\
Examples:
  sqs-trigger queue create orders                      # orders + orders-dlq, SSE-SQS
  sqs-trigger queue create orders.fifo --fifo          # orders.fifo + orders-dlq.fifo
  sqs-trigger queue create orders --kms-key alias/orders --visibility-timeout 5m
  sqs-trigger queue create orders --no-dlq --tag team=payments")]
    Create(QueueCreateArgs),
}

#[derive(Debug, Args)]
pub struct QueueCreateArgs {
    /// Queue name: 1-80 letters, digits, `-`, `_`; FIFO names end in `.fifo`.
    #[arg(value_name = "NAME")]
    pub name: String,

    #[command(flatten)]
    pub queue: QueueOptions,

    /// Change an existing queue's attributes that the flags name and that differ, instead
    /// of refusing. Attributes whose flags are not given are kept.
    #[arg(long)]
    pub update: bool,

    /// Do not ask before a security change (replacing or removing encryption, dropping the
    /// DLQ); required for one when not on a terminal.
    #[arg(long, short)]
    pub yes: bool,
}

/// Queue settings shared by `queue create` and `setup`.
#[derive(Debug, Args, Clone, Default)]
pub struct QueueOptions {
    /// Create a FIFO queue (the name must end in `.fifo`).
    #[arg(long, help_heading = "Queue")]
    pub fifo: bool,

    /// Dead-letter queue name (default NAME-dlq, or BASE-dlq.fifo for BASE.fifo).
    #[arg(long, value_name = "NAME", conflicts_with = "no_dlq", help_heading = "Queue")]
    pub dlq: Option<String>,

    /// Do not create or attach a dead-letter queue.
    #[arg(long, help_heading = "Queue")]
    pub no_dlq: bool,

    /// Receives before a message moves to the DLQ (1-1000) [default: 5].
    #[arg(long, value_name = "N", conflicts_with = "no_dlq", help_heading = "Queue")]
    pub max_receive_count: Option<u32>,

    /// How long a received message stays hidden (0s-12h), e.g. 30s, 5m [default: 30s].
    #[arg(long, value_name = "DURATION", help_heading = "Queue")]
    pub visibility_timeout: Option<String>,

    /// Encrypt with SQS-managed keys (the default).
    #[arg(long, conflicts_with_all = ["kms_key", "no_encryption"], help_heading = "Queue")]
    pub sse_sqs: bool,

    /// Encrypt with this KMS key (alias/NAME, key id or ARN); it must exist and be enabled.
    #[arg(long, value_name = "KEY", conflicts_with = "no_encryption", help_heading = "Queue")]
    pub kms_key: Option<String>,

    /// Do not encrypt the queue at rest.
    #[arg(long, help_heading = "Queue")]
    pub no_encryption: bool,

    /// Tag the queues (repeatable); managed-by=sqs-trigger is added to the queues this command creates.
    #[arg(long = "tag", value_name = "KEY=VALUE", help_heading = "Queue")]
    pub tags: Vec<String>,
}
