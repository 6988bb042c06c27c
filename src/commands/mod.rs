//! One file per command, each shaped `async fn run(ctx, settings) -> Result<Report>`, and the
//! single dispatch `match` below.

pub mod completions;
pub mod doctor;
pub mod logs;
pub mod mapping;
pub mod outcome;
pub mod probe;
pub mod queue_create;
pub mod redrive;
pub mod role_check;
pub mod scopes;
pub mod setup;
pub mod teardown;

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use serde::Serialize;

use crate::aws::{self, Clients};
use crate::cli::{Cli, Command, MappingCommand, QueueCommand};
use crate::error::{Error, ExitStatus};
use crate::output::{Output, Report};
use crate::report::{self, CiEnv, Document, Reports, Support, ToValidation, Validation};
use crate::settings;

/// What every command that talks to AWS gets: the clients, the output, and the journal.
#[derive(Clone)]
pub struct Ctx {
    pub clients: Clients,
    pub output: Output,
    pub journal: Journal,
}

/// One write this run made to the account: every mutating command lists them all in its
/// report (`changed`), and nothing else changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What was done: `create-queue`, `set-queue-attributes`, `tag-queue`, `delete-queue`,
    /// `create-mapping`, `update-mapping`, `delete-mapping`, `put-role-policy`, `delete-role-policy`,
    /// `send-message`.
    pub action: &'static str,
    /// The resource written: its ARN (a queue's URL for a probe message).
    pub resource: String,
    /// What was written: attribute or field names, `tag:KEY`, `policy:NAME`, a message id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
}

impl Change {
    pub fn new(action: &'static str, resource: impl ToString) -> Self {
        Change { action, resource: resource.to_string(), attributes: vec![] }
    }
    pub fn with(mut self, attributes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.attributes.extend(attributes.into_iter().map(Into::into));
        self
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = self.attributes.join(", ");
        let name = self.resource.rsplit([':', '/']).next().unwrap_or(&self.resource);
        match self.action {
            "send-message" => {
                write!(
                    f,
                    "sent probe message {what} to {}; it stays there until the function handles it",
                    self.resource
                )
            }
            "create-queue" => write!(f, "created queue {name} ({})", self.resource),
            "delete-queue" => write!(f, "deleted queue {name} ({})", self.resource),
            "create-mapping" => write!(f, "created mapping {} ({what})", self.resource),
            "delete-mapping" => write!(f, "deleted mapping {}", self.resource),
            "delete-role-policy" => {
                write!(f, "deleted inline policy {} from role {}", what.trim_start_matches("policy:"), self.resource)
            }
            "put-role-policy" => {
                write!(f, "put inline policy {} on role {}", what.trim_start_matches("policy:"), self.resource)
            }
            _ => write!(f, "{} {} ({what})", self.action, self.resource),
        }
    }
}

/// Everything this run changed in the account, in order. On Ctrl-C it is printed so the
/// user knows what exists, and a re-run converges from there.
#[derive(Clone, Default, Debug)]
pub struct Journal {
    changes: Arc<Mutex<Vec<Change>>>,
    /// Writes sent and not yet answered, by a number of their own: a Ctrl-C meanwhile may
    /// leave them done (AWS got the request) or not.
    in_flight: Arc<Mutex<Vec<(u64, String)>>>,
}

impl Journal {
    pub fn record(&self, change: Change) {
        if let Ok(mut changes) = self.changes.lock() {
            changes.push(change);
        }
    }

    /// Sends one write, noted as in flight until it is answered: when the run is interrupted
    /// meanwhile, it is reported as `may have been VERB: WHAT` (e.g. `created`, `queue
    /// orders-dlq`). Its `Change` is recorded by the caller, from the answer.
    pub async fn in_flight_while<T>(
        &self,
        verb: &str,
        what: impl std::fmt::Display,
        write: impl std::future::Future<Output = T>,
    ) -> T {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut pending) = self.in_flight.lock() {
            pending.push((id, format!("may have been {verb}: {what}")));
        }
        let answer = write.await;
        // Not reached when the run is interrupted: the future is dropped while it waits.
        if let Ok(mut pending) = self.in_flight.lock() {
            pending.retain(|(i, _)| *i != id);
        }
        answer
    }

    /// The writes sent and not answered, as lines for people.
    pub fn in_flight(&self) -> Vec<String> {
        self.in_flight.lock().map(|p| p.iter().map(|(_, what)| what.clone()).collect()).unwrap_or_default()
    }
    /// The changes, as lines for people.
    pub fn entries(&self) -> Vec<String> {
        self.changes().iter().map(ToString::to_string).collect()
    }
    pub fn changes(&self) -> Vec<Change> {
        self.changes.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

/// Runs the parsed command line to completion and returns how the process should exit.
pub async fn dispatch(cli: Cli) -> ExitStatus {
    let output = Output::new(cli.global.output, cli.global.quiet, cli.global.no_color);
    let (command, support) = command_id(&cli.command);
    // Bad --report values are usage errors before anything else happens.
    let reports =
        match Reports::parse(&cli.global.reports, cli.global.fail_on, command, support, &CiEnv::from_process()) {
            Ok(reports) => reports,
            Err(error) => {
                output.print_error(&error);
                return error.exit_status();
            }
        };
    let emitter =
        Emitter { output: output.clone(), reports, command, started: SystemTime::now(), clock: Instant::now() };
    let journal = Journal::default();
    // redrive handles Ctrl-C itself (it offers to cancel its move task), and so does doctor --all
    // (it prints what it audited so far).
    let own_interrupt =
        matches!(&cli.command, Command::Redrive(_)) || matches!(&cli.command, Command::Doctor(d) if d.all);
    let work = run(cli, &emitter, journal.clone());
    let result = if own_interrupt {
        work.await
    } else {
        tokio::select! {
            result = work => result,
            _ = tokio::signal::ctrl_c() => {
                Err(Error::Interrupted { done: journal.entries(), in_flight: journal.in_flight() })
            }
        }
    };
    match result {
        Ok(status) => status,
        // The reader went away (`| head -1`): it has what it wanted. Quiet, and a success, as
        // ripgrep ends.
        Err(error) if error.is_broken_pipe() => ExitStatus::Success,
        Err(error) => {
            output.print_error(&error);
            emitter.report_error(&error);
            error.exit_status()
        }
    }
}

/// The command's name in its JSON schema id, and which CI reports it can write.
fn command_id(command: &Command) -> (&'static str, Support) {
    match command {
        Command::Queue(QueueCommand::Create(_)) => ("queue-create", Support::JsonOnly),
        Command::Role(crate::cli::RoleCommand::Check(_)) => ("role-check", Support::Validation),
        Command::Mapping(MappingCommand::Create(_)) => ("mapping-create", Support::Validation),
        Command::Mapping(MappingCommand::List(_)) => ("mapping-list", Support::JsonOnly),
        Command::Mapping(MappingCommand::Delete(_)) => ("mapping-delete", Support::JsonOnly),
        Command::Probe(_) => ("probe", Support::Validation),
        // JSON Lines, one document per event: redirect stdout to keep them.
        Command::Logs(_) => ("logs", Support::None),
        Command::Doctor(_) => ("doctor", Support::Validation),
        Command::Redrive(_) => ("redrive", Support::JsonOnly),
        Command::Setup(_) => ("setup", Support::Validation),
        Command::Teardown(_) => ("teardown", Support::JsonOnly),
        Command::Completions(_) => ("completions", Support::None),
        Command::Lint(_) => ("lint", Support::Validation),
    }
}

/// The one place a command's result leaves the process: the document on stdout (with its
/// schema id), then the CI reports, then the exit status (`--fail-on` applied).
struct Emitter {
    output: Output,
    reports: Reports,
    /// The schema's command name, e.g. `mapping-create`.
    command: &'static str,
    started: SystemTime,
    clock: Instant,
}

impl Emitter {
    fn emit<R: Report + ToValidation>(&self, report: R) -> Result<ExitStatus, Error> {
        let schema = report::schema_id(self.command);
        let document = Document { schema: &schema, report: &report };
        self.output.print(&document).map_err(|e| Error::io("the report to stdout", e))?;
        let validation = report.validation(self.started, self.clock.elapsed());
        let status = report::apply_fail_on(report.exit_status(), self.reports.fail_on, validation.as_ref());
        let json = match &self.reports.json {
            Some(_) => crate::output::rendered(&document)
                .and_then(|v| serde_json::to_vec_pretty(&v).map_err(Into::into))
                .map_err(|e| Error::io("the JSON report", e))?,
            None => Vec::new(),
        };
        let mut status = self.write_reports(status, &json, validation.as_ref());
        if let Some(path) = &self.reports.sarif {
            let sarif = report.sarif().map(|s| serde_json::to_vec_pretty(&s).unwrap_or_default()).unwrap_or_default();
            if let Err(e) = report::write_atomically(path, &sarif) {
                let _ = writeln!(
                    io::stderr(),
                    "sqs-trigger: error: cannot write the SARIF report to {}: {e}",
                    path.display()
                );
                if status == ExitStatus::Success {
                    status = ExitStatus::CheckFailed;
                }
            }
        }
        Ok(status)
    }

    /// The reports of a run that failed: the error document, an errored JUnit case and an
    /// `::error` annotation, so the pipeline shows why there are no results.
    fn report_error(&self, error: &Error) {
        if !self.reports.any() {
            return;
        }
        let json = serde_json::to_vec_pretty(&crate::output::error_document(error)).unwrap_or_default();
        let validation =
            report::junit::error_validation(&self.command.replace('-', " "), error, self.started, self.clock.elapsed());
        self.write_reports(error.exit_status(), &json, Some(&validation));
        if let Some(path) = &self.reports.sarif {
            let log = report::sarif::render_failure(&crate::redact::redact(&error.to_string()));
            let _ = report::write_atomically(path, &serde_json::to_vec_pretty(&log).unwrap_or_default());
        }
    }

    /// Writes every report asked for. A report that cannot be written is said on stderr and
    /// fails the run (exit 1 at least): a gate must not pass without its evidence.
    fn write_reports(&self, status: ExitStatus, json: &[u8], validation: Option<&Validation>) -> ExitStatus {
        let mut failed = false;
        let mut fail = |what: &str, path: &std::path::Path, e: io::Error| {
            let _ =
                writeln!(io::stderr(), "sqs-trigger: error: cannot write the {what} report to {}: {e}", path.display());
            failed = true;
        };
        if let Some(path) = &self.reports.json {
            let mut bytes = json.to_vec();
            bytes.push(b'\n');
            if let Err(e) = report::write_atomically(path, &bytes) {
                fail("JSON", path, e);
            }
        }
        if let (Some(path), Some(v)) = (&self.reports.junit, validation)
            && let Err(e) = report::write_atomically(path, report::junit::render(v).as_bytes())
        {
            fail("JUnit", path, e);
        }
        if let (true, Some(v)) = (self.reports.github, validation) {
            // stdout in text mode; stderr under --output json, so the document stays intact
            // (the runner reads workflow commands from both).
            let written = if self.output.is_json() {
                report::github::write_annotations(&mut io::stderr().lock(), v)
            } else {
                report::github::write_annotations(&mut io::stdout().lock(), v)
            };
            let _ = written;
            if let Some(path) = &self.reports.step_summary
                && let Err(e) = report::github::append_summary(path, v)
            {
                fail("GitHub step summary", path, e);
            }
        }
        if failed && status == ExitStatus::Success { ExitStatus::CheckFailed } else { status }
    }
}

async fn run(cli: Cli, emitter: &Emitter, journal: Journal) -> Result<ExitStatus, Error> {
    let output = emitter.output.clone();
    // Commands that need no AWS come first, so they work without credentials or a region.
    if let Command::Completions(args) = &cli.command {
        completions::run(args)?;
        return Ok(ExitStatus::Success);
    }
    // lint reads files only: no credentials, no configuration, no request.
    if let Command::Lint(args) = &cli.command {
        let settings = crate::lint::Settings::from_args(args, cli.global.region.first().map(String::as_str))?;
        return emitter.emit(crate::lint::run(&settings)?);
    }
    let mut aws_settings = settings::aws_settings(&cli.global)?;
    // An audit of every mapping makes many calls: adaptive retry slows down under
    // throttling instead of failing.
    aws_settings.adaptive_retry = matches!(&cli.command, Command::Doctor(d) if d.all);
    if let Some(warning) = aws_settings.endpoint().as_deref().and_then(aws::cleartext_warning) {
        output.warn(warning);
    }
    // Validate the command's own input before loading any configuration.
    let command = prepare(&cli.command, &cli.global.region, &output)?;
    if output.format == crate::cli::OutputFormat::Jsonl && !matches!(&command, Prepared::Doctor(_)) {
        return Err(Error::usage("--output jsonl: only doctor streams JSON Lines; use --output json"));
    }
    let config = aws::load_config(&aws_settings).await?;
    // Every `aws ...` command printed from here on runs as printed against this connection.
    crate::connection::set(crate::connection::Connection {
        endpoint_url: aws_settings.endpoint(),
        region: config.region().map(|r| r.to_string()),
        profile: aws_settings.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty())),
    });
    let clients = match &command {
        // doctor only reads: each distinct fact once per run, IAM bounded lower under --all.
        Prepared::Doctor(s) => Clients::with_shared(
            &config,
            crate::gather::cache::FactCache::on(),
            aws::Limits::new(s.service_limits()),
            std::sync::Arc::new(aws::RequestStats::default()),
        ),
        _ => Clients::new(&config),
    };
    let ctx = Ctx { clients, output: output.clone(), journal };
    let endpoint = aws_settings.describe_endpoint(&ctx.clients.region);
    let stats = ctx.clients.stats.clone();
    execute(&ctx, emitter, command)
        .await
        .map_err(|e| name_endpoint(e, &endpoint))
        .map_err(|e| after_requests(e, &stats))
}

/// Exit 2 promises that nothing was sent to AWS: a usage error found once requests were sent
/// (a refusal decided from AWS's answers) is a refusal, exit 1.
fn after_requests(error: Error, stats: &aws::RequestStats) -> Error {
    match error {
        Error::Usage(message) if stats.counts().requests > 0 => Error::Refused(message),
        Error::Parse(why) if stats.counts().requests > 0 => Error::Refused(why.to_string()),
        other => other,
    }
}

/// A timeout or an unreachable endpoint names the endpoint, so the user sees where the
/// requests went.
fn name_endpoint(error: Error, endpoint: &str) -> Error {
    match error {
        // A refused connection names its endpoint already (`cannot connect to URL (cause)`).
        Error::Aws(e)
            if e.kind == crate::error::AwsErrorKind::Unreachable && e.message.starts_with("cannot connect") =>
        {
            Error::Aws(e)
        }
        Error::Aws(mut e)
            if matches!(e.kind, crate::error::AwsErrorKind::Timeout | crate::error::AwsErrorKind::Unreachable) =>
        {
            e.message = format!("{} ({endpoint})", e.message);
            Error::Aws(e)
        }
        other => other,
    }
}

async fn execute(ctx: &Ctx, emitter: &Emitter, command: Prepared) -> Result<ExitStatus, Error> {
    let ctx = ctx.clone();
    match command {
        Prepared::QueueCreate(s) => emitter.emit(queue_create::run(&ctx, s).await?),
        Prepared::RoleCheck(s) => emitter.emit(role_check::run(&ctx, s).await?),
        Prepared::Probe(s) => emitter.emit(probe::run(&ctx, s).await?),
        // The lines were the output (JSON Lines under --output json); only the status is left.
        Prepared::Logs(s) => Ok(logs::run(&ctx, s).await?.exit_status()),
        Prepared::Teardown(s) => emitter.emit(teardown::run(&ctx, s).await?),
        Prepared::Doctor(s) => emitter.emit(doctor::run(&ctx, s).await?),
        Prepared::Redrive(s) => emitter.emit(redrive::run(&ctx, s).await?),
        Prepared::Setup(s) => emitter.emit(setup::run(&ctx, *s).await?),
        Prepared::MappingCreate(s) => emitter.emit(mapping::run_create(&ctx, s).await?),
        Prepared::MappingList(s) => emitter.emit(mapping::run_list(&ctx, s).await?),
        Prepared::MappingDelete(s) => emitter.emit(mapping::run_delete(&ctx, s).await?),
    }
}

/// A command whose input has been validated.
enum Prepared {
    MappingCreate(mapping::CreateSettings),
    MappingList(mapping::ListSettings),
    MappingDelete(mapping::DeleteSettings),
    QueueCreate(queue_create::Settings),
    RoleCheck(role_check::Settings),
    Probe(probe::Settings),
    Logs(logs::Settings),
    Teardown(teardown::Settings),
    Doctor(doctor::Settings),
    Redrive(redrive::Settings),
    // Boxed: the mapping flags make it several times the size of the others.
    Setup(Box<setup::Settings>),
}

fn prepare(command: &Command, regions: &[String], output: &Output) -> Result<Prepared, Error> {
    if regions.len() > 1 && !matches!(command, Command::Doctor(d) if d.all) {
        return Err(Error::usage("--region: more than one only with doctor --all"));
    }
    Ok(match command {
        Command::Queue(QueueCommand::Create(args)) => Prepared::QueueCreate(queue_create::Settings::from_args(args)?),
        Command::Role(crate::cli::RoleCommand::Check(args)) => {
            Prepared::RoleCheck(role_check::Settings::from_args(args, output.interactive)?)
        }
        Command::Teardown(args) => Prepared::Teardown(teardown::Settings::from_args(args, output.interactive)?),
        Command::Mapping(MappingCommand::Create(args)) => {
            Prepared::MappingCreate(mapping::CreateSettings::from_args(args)?)
        }
        Command::Mapping(MappingCommand::List(args)) => Prepared::MappingList(mapping::ListSettings::from_args(args)?),
        Command::Mapping(MappingCommand::Delete(args)) => {
            Prepared::MappingDelete(mapping::DeleteSettings::from_args(args, output.interactive)?)
        }
        Command::Probe(args) => Prepared::Probe(probe::Settings::from_args(args)?),
        Command::Doctor(args) => Prepared::Doctor(doctor::Settings::from_args(args, regions)?),
        Command::Redrive(args) => Prepared::Redrive(redrive::Settings::from_args(args, output.interactive)?),
        Command::Setup(args) => Prepared::Setup(Box::new(setup::Settings::from_args(args, output.interactive)?)),
        Command::Logs(args) => Prepared::Logs(logs::Settings::from_args(args)?),
        Command::Completions(_) | Command::Lint(_) => unreachable!("handled before"),
    })
}
