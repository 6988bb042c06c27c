//! The flags every command takes: where to talk to AWS, how to print, which CI reports to write.

use clap::{ArgAction, Args, ValueEnum};

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
