//! The command line, as clap types only: what the user typed, unvalidated. `settings`
//! turns these into typed, checked values before anything talks to AWS.
//!
//! Here: the top-level `Cli`, the `Command` enum and the `TargetArgs` several commands
//! flatten; the global flags in `global`, each command's arguments in a file of its own.

use clap::{Args, Parser, Subcommand};

mod doctor;
mod global;
mod lint;
mod logs;
mod mapping;
mod probe;
mod queue;
mod redrive;
mod role;
mod setup;
mod teardown;

pub use doctor::{AccountsFrom, DoctorArgs};
pub use global::{FailOn, GlobalArgs, OutputFormat};
pub use lint::{LintArgs, LintFormat};
pub use logs::LogsArgs;
pub use mapping::{MappingCommand, MappingCreateArgs, MappingDeleteArgs, MappingListArgs, MappingOptions};
pub use probe::ProbeArgs;
pub use queue::{QueueCommand, QueueCreateArgs, QueueOptions};
pub use redrive::RedriveArgs;
pub use role::{RoleCheckArgs, RoleCommand};
pub use setup::SetupArgs;
pub use teardown::TeardownArgs;

const AFTER_HELP: &str = "\
Exit codes: 0 done (warnings allowed), 1 a check failed or a probe was not confirmed,
2 bad usage or input (nothing was sent), 3 an AWS call failed, 130 interrupted.

Queues (Q) are a name, URL or ARN; functions (F) a name or ARN.
Credentials and region come from the standard AWS chain (environment, profile, SSO, ...).
Try it with no AWS account: `make demo` runs everything against a local emulator.";

/// Provision and verify Amazon SQS -> AWS Lambda triggers end to end, and explain why a
/// queue is not polled.
#[derive(Debug, Parser)]
#[command(name = "sqs-trigger", version, about, long_about = None, after_help = AFTER_HELP)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create queues with a dead-letter queue, encryption and tags.
    #[command(subcommand)]
    Queue(QueueCommand),

    /// Check that a function's execution role may do what the SQS poller needs.
    #[command(subcommand)]
    Role(RoleCommand),

    /// Create, list and delete SQS event source mappings.
    #[command(subcommand)]
    Mapping(MappingCommand),

    /// Send one marked message and confirm from the function's logs that it ran.
    Probe(ProbeArgs),

    /// Show a function's log lines; with --until, wait for a line and exit 0.
    Logs(LogsArgs),

    /// Explain why a queue is not polled: gather every fact, run every check.
    Doctor(DoctorArgs),

    /// Move a queue's dead-letter messages back with SQS's own move task (server-side).
    Redrive(RedriveArgs),

    /// Queue, DLQ, role check, mapping and probe, as one converging pipeline.
    Setup(SetupArgs),

    /// Remove the mapping and the queues that sqs-trigger created.
    Teardown(TeardownArgs),

    /// Check CloudFormation/SAM templates, cdk.out and Terraform plans before deploy (offline).
    Lint(LintArgs),

    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
}

/// The function and queue a command works on.
#[derive(Debug, Args, Clone)]
pub struct TargetArgs {
    /// The Lambda function: name or ARN.
    #[arg(long, short = 'f', value_name = "F")]
    pub function: String,

    /// The SQS queue: name, URL or ARN.
    #[arg(long, short = 'Q', value_name = "Q")]
    pub queue: String,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
