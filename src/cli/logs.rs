//! The arguments of `logs`: which lines of the function's log group, and when to stop.

use clap::Args;

#[derive(Debug, Args)]
#[command(after_help = "\
Each line is `<RFC 3339 time> <log stream> <message>`. With --output json, each event is one
JSON object per line ({\"timestamp\", \"stream\", \"message\"}: JSON Lines), the one exception to
\"one JSON document on stdout\", since a follower prints as lines arrive.

Exit codes: 0 lines printed, --until matched, or --follow reached --timeout; 1 --until did not
match within --timeout, or the log group does not exist (without --follow, which waits for it).

Examples:
  sqs-trigger logs --function worker --since 1h
  sqs-trigger logs --function worker --follow --filter ERROR
  sqs-trigger logs --function worker --until 'order 42 done' --timeout 2m   # CI: exit 0 on match")]
pub struct LogsArgs {
    /// The Lambda function: name or ARN.
    #[arg(long, short = 'f', value_name = "F")]
    pub function: String,

    /// Start this far back, e.g. 10m, 1h.
    #[arg(long, value_name = "DURATION", default_value = "10m")]
    pub since: String,

    /// Keep printing new lines as they arrive.
    #[arg(long)]
    pub follow: bool,

    /// CloudWatch Logs filter pattern, e.g. ERROR or '"order 42"'.
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,

    /// Exit 0 as soon as a line contains this text (implies --follow).
    #[arg(long, value_name = "TEXT")]
    pub until: Option<String>,

    /// With --until or --follow: give up after this long (exit 1 if --until never matched).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
}
