//! The arguments of `setup`: the trigger, the queue and mapping settings, and the pipeline's own flags.

use clap::Args;

use super::{MappingOptions, QueueOptions, TargetArgs};

#[derive(Debug, Args)]
#[command(after_help = "\
Steps: queue (+DLQ) -> role check -> mapping -> probe. Re-running converges: what
exists and matches is reported unchanged. --dry-run prints the plan and changes nothing.")]
pub struct SetupArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub queue: QueueOptions,

    #[command(flatten)]
    pub mapping: MappingOptions,

    /// Attach the missing permissions to the role as an inline policy.
    #[arg(long)]
    pub fix: bool,

    /// Do not ask for confirmation (required with --fix when not on a terminal).
    #[arg(long, short)]
    pub yes: bool,

    /// Change an existing queue's attributes that the queue flags name and that differ,
    /// instead of refusing. Attributes whose flags are not given are kept.
    #[arg(long)]
    pub update: bool,

    /// Skip the probe.
    #[arg(long, conflicts_with = "probe")]
    pub no_probe: bool,

    /// Probe even a queue that existed before this run (by default only after asking on a
    /// terminal: a live queue's consumer would process the probe message).
    #[arg(long)]
    pub probe: bool,

    /// Probe even when another mapping reads the queue (it may take the probe message).
    #[arg(long)]
    pub allow_other_consumers: bool,

    /// How long the probe watches the logs.
    #[arg(long, value_name = "DURATION", default_value = "2m")]
    pub probe_timeout: String,

    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}
