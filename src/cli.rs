//! The command line, as clap types only: what the user typed, unvalidated. `settings`
//! turns these into typed, checked values before anything talks to AWS.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

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

/// Flags every command takes: where to talk to AWS and how to print.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// AWS region (default: AWS_REGION, then the profile's region); repeatable with doctor --all.
    #[arg(long, global = true, value_name = "REGION", help_heading = "AWS", action = ArgAction::Append)]
    pub region: Vec<String>,

    /// Named profile from ~/.aws/config (default: AWS_PROFILE).
    #[arg(long, global = true, value_name = "NAME", help_heading = "AWS")]
    pub profile: Option<String>,

    /// Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL).
    #[arg(long, global = true, value_name = "URL", help_heading = "AWS")]
    pub endpoint_url: Option<String>,

    /// Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3).
    #[arg(long, global = true, value_name = "N", help_heading = "AWS")]
    pub max_attempts: Option<u32>,

    /// How long to wait for a connection to the endpoint.
    #[arg(long, global = true, value_name = "DURATION", default_value = "5s", help_heading = "AWS")]
    pub connect_timeout: String,

    /// How long one attempt of one request may take before it is abandoned.
    #[arg(long, global = true, value_name = "DURATION", default_value = "30s", help_heading = "AWS")]
    pub operation_timeout: String,

    /// Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Text, help_heading = "Output")]
    pub output: OutputFormat,

    /// Print only results and errors: no progress, no notes.
    #[arg(long, short, global = true, help_heading = "Output")]
    pub quiet: bool,

    /// More detail on stderr: -v steps, -vv AWS requests, -vvv everything.
    #[arg(long, short, global = true, action = ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,

    /// No colors (also NO_COLOR=1).
    #[arg(long, global = true, help_heading = "Output")]
    pub no_color: bool,

    /// Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none.
    #[arg(
        long = "report",
        global = true,
        value_name = "FORMAT[=PATH]",
        help_heading = "CI reports",
        long_help = REPORT_HELP
    )]
    pub reports: Vec<String>,

    /// Exit 1 on error-level findings (default), or on warnings too.
    #[arg(long, global = true, value_enum, default_value_t = FailOn::Error, help_heading = "CI reports")]
    pub fail_on: FailOn,
}

const REPORT_HELP: &str = "\
Also write a CI report; repeat the flag for several. For doctor, probe, setup,
role check and mapping create (json=PATH: every command with a JSON result).
  junit=PATH  JUnit XML (GitLab, Jenkins, GitHub test-report actions): a test
              suite per trigger (queue -> function), a test case per check;
              error findings fail with their fix, check-skipped is skipped
  github      GitHub Actions annotations (::error/::warning/::notice, at most
              10 of each) and a Markdown job summary in GITHUB_STEP_SUMMARY;
              on by default when GITHUB_ACTIONS=true
  json=PATH   the --output json document, to a file (text stays on the console)
  sarif=PATH  SARIF 2.1.0 for code scanning (lint only): findings on the lines
              of the template
  none        no report, not even the GitHub default
Files are written atomically (a temporary file, then a rename). See docs/ci.md.";

/// Which findings fail the run (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// Error-level findings fail the run; warnings are reported and pass.
    #[default]
    Error,
    /// Warnings fail the run too (check-skipped included: what could not be read).
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
    /// doctor: one JSON object per trigger as soon as it is judged, then the summary.
    Jsonl,
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

#[derive(Debug, Args)]
#[command(after_help = "\
Runs doctor's checks on the file: no credentials, no request. Findings name file:line:column
(plans: the resource address). Exit 1 on error findings (--fail-on applies), 2 when a file
does not parse. Examples:
  sqs-trigger lint template.yaml --parameter Env=prod
  sqs-trigger lint cdk.out/*.template.json --report sarif=lint.sarif
  terraform show -json plan.out > plan.json && sqs-trigger lint plan.json")]
pub struct LintArgs {
    /// Templates (YAML or JSON), cdk.out directories or `terraform show -json` plans.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// What the files are (auto: a plan has `terraform_version`, a template `Resources`).
    #[arg(long, value_enum, default_value_t = LintFormat::Auto)]
    pub format: LintFormat,

    /// A CloudFormation parameter's value (repeatable); others take their Default.
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,

    /// The account id for AWS::AccountId and placeholder ARNs (default: the account of the
    /// file's literal ARNs, else 123456789012).
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,

    /// The stack name for AWS::StackName and generated resource names.
    #[arg(long, value_name = "NAME", default_value = "stack")]
    pub stack_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LintFormat {
    #[default]
    Auto,
    Cloudformation,
    TerraformPlan,
}

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

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
