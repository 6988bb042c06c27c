//! The arguments of `probe`: what to send, and how long to watch the logs for it.

use std::path::PathBuf;

use clap::Args;

use super::TargetArgs;

#[derive(Debug, Args)]
#[command(after_help = "\
The probe only sends: it never receives or deletes messages. Confirmation comes from
the function's CloudWatch Logs. Verdicts: confirmed (exit 0), invoked (exit 0, or 1 with
--require-marker), invoked-with-error (exit 1), not-invoked (exit 1, with a diagnosis),
not-sent (exit 1: the queue has no enabled mapping to the function, so nothing was sent).

Examples:
  sqs-trigger probe --function worker --queue orders
  sqs-trigger probe -f worker -Q orders --body-file order.json   # {probe_id} is replaced
  sqs-trigger probe -f worker -Q orders --require-marker -o json # CI")]
pub struct ProbeArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    /// How long to watch the logs before giving up (real log delivery can take tens of seconds).
    #[arg(long, value_name = "DURATION", default_value = "2m")]
    pub timeout: String,

    /// Message body to send instead of the default JSON; `{probe_id}` is replaced.
    #[arg(long, value_name = "TEXT", conflicts_with = "body_file")]
    pub body: Option<String>,

    /// Read the message body from a file; `{probe_id}` is replaced.
    #[arg(long, value_name = "PATH")]
    pub body_file: Option<PathBuf>,

    /// Fail (exit 1) unless the probe id itself shows up in the logs.
    #[arg(long)]
    pub require_marker: bool,

    /// Use CloudWatch Logs Live Tail where the endpoint supports it (falls back to polling).
    #[arg(long)]
    pub live_tail: bool,

    /// Send even when another enabled mapping reads the queue: its function may take the
    /// probe message, and the verdict then says nothing about this one.
    #[arg(long)]
    pub allow_other_consumers: bool,
}
