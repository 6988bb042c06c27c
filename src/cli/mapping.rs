//! The arguments of `mapping create`, `list` and `delete`, and the mapping settings `create`
//! shares with `setup`.

use clap::{Args, Subcommand};

use super::TargetArgs;

#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Check everything first, then create (or update) the mapping and wait until it is Enabled.
    #[command(after_help = "\
Examples:
  sqs-trigger mapping create --function worker --queue orders
  sqs-trigger mapping create -f worker -Q orders --batch-size 100 --batch-window 5s
  sqs-trigger mapping create -f worker -Q orders --filter '{\"body\":{\"type\":[\"order\"]}}'")]
    Create(MappingCreateArgs),
    /// List SQS mappings, optionally for one queue or function.
    List(MappingListArgs),
    /// Delete the mapping between a queue and a function.
    Delete(MappingDeleteArgs),
}

#[derive(Debug, Args)]
pub struct MappingCreateArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub mapping: MappingOptions,

    /// Return once the create or update call is accepted, without waiting for Enabled.
    #[arg(long)]
    pub no_wait: bool,

    /// How long to wait for the mapping to settle.
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub wait_timeout: String,
}

/// Mapping settings shared by `mapping create` and `setup`.
#[derive(Debug, Args, Clone, Default)]
pub struct MappingOptions {
    /// Records per invocation: 1-10000 (standard), 1-10 (FIFO) [default: 10].
    #[arg(long, value_name = "N", help_heading = "Mapping")]
    pub batch_size: Option<i32>,

    /// How long to gather records before invoking (0s-300s); needed above 10 records.
    #[arg(long, value_name = "DURATION", help_heading = "Mapping")]
    pub batch_window: Option<String>,

    /// Most concurrent invocations this mapping starts (2-1000).
    #[arg(long, value_name = "N", help_heading = "Mapping")]
    pub max_concurrency: Option<i32>,

    /// Let the function report partial batch failures (ReportBatchItemFailures).
    #[arg(long, help_heading = "Mapping")]
    pub report_batch_item_failures: bool,

    /// Turn ReportBatchItemFailures off on an existing mapping.
    #[arg(long, conflicts_with = "report_batch_item_failures", help_heading = "Mapping")]
    pub no_report_batch_item_failures: bool,

    /// Event filter pattern as JSON (repeatable); replaces the mapping's filters. Messages no
    /// filter matches are DELETED.
    #[arg(long = "filter", value_name = "JSON", help_heading = "Mapping")]
    pub filters: Vec<String>,

    /// Remove every filter of an existing mapping (it then processes every message).
    #[arg(long, conflicts_with = "filters", help_heading = "Mapping")]
    pub clear_filters: bool,

    /// Create the mapping disabled, or disable an existing one.
    #[arg(long, help_heading = "Mapping")]
    pub disabled: bool,

    /// Enable an existing disabled mapping (it is never enabled as a side effect).
    #[arg(long, conflicts_with = "disabled", help_heading = "Mapping")]
    pub enable: bool,

    /// Provisioned mode: the minimum (2-200) and maximum (2-10000) number of event pollers
    /// (ProvisionedPollerConfig); not with --max-concurrency.
    #[arg(long, value_name = "MIN:MAX", conflicts_with = "max_concurrency", help_heading = "Mapping")]
    pub provisioned_pollers: Option<String>,

    /// Turn on the mapping's event-count metrics (MetricsConfig EventCount).
    #[arg(long, help_heading = "Mapping")]
    pub metrics: bool,

    /// Turn the mapping's event-count metrics off on an existing mapping.
    #[arg(long, conflicts_with = "metrics", help_heading = "Mapping")]
    pub no_metrics: bool,

    /// Encrypt the filter criteria with this customer managed KMS key (ARN, id or alias).
    #[arg(long, value_name = "KEY", help_heading = "Mapping")]
    pub filter_kms_key: Option<String>,
}

#[derive(Debug, Args)]
pub struct MappingListArgs {
    /// Only mappings of this queue.
    #[arg(long, short = 'Q', value_name = "Q")]
    pub queue: Option<String>,
    /// Only mappings of this function.
    #[arg(long, short = 'f', value_name = "F")]
    pub function: Option<String>,
}

#[derive(Debug, Args)]
pub struct MappingDeleteArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(long, short)]
    pub yes: bool,
}
