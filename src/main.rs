//! The `sqs-trigger` binary: parse, set up logging, run, exit with the documented code.

use std::process::ExitCode;

use clap::Parser;
use sqs_trigger::cli::Cli;
use sqs_trigger::commands;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => err.exit(), // --help, --version
        Err(err) => {
            // clap echoes the offending value; a 10 000-character one must not flood stderr.
            let text = err.render().to_string();
            let short: Vec<String> = text.lines().map(sqs_trigger::model::names::shorten_words).collect();
            eprintln!("{}", short.join("\n"));
            return ExitCode::from(2);
        }
    };
    init_tracing(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("sqs-trigger: error: cannot start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(commands::dispatch(cli)).into()
}

/// Tracing goes to stderr: -v our steps, -vv AWS requests, -vvv everything.
fn init_tracing(verbose: u8) {
    let filter = match verbose {
        0 => "warn,aws_config=error,aws_smithy_runtime=error",
        1 => "sqs_trigger=info,warn,aws_config=error",
        2 => "sqs_trigger=debug,aws_smithy_runtime::client::orchestrator=debug,info",
        // Everything of ours and the SDK's logic at trace, but the wire (request and response
        // bodies, headers: tokens live there) no further than debug.
        _ => {
            "trace,aws_smithy_runtime=debug,aws_smithy_runtime_api=debug,aws_smithy_http=debug,\
              aws_smithy_http_client=debug,aws_sigv4=debug,hyper=debug,hyper_util=debug,h2=debug,rustls=debug"
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(sqs_trigger::redact::RedactingStderr)
        .with_target(verbose >= 2)
        .with_ansi(false)
        .init();
}
