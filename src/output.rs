//! Rendering: one place decides text or JSON. Results go to stdout; progress, notes and
//! logs go to stderr, and spinners only when stderr is a terminal (never under JSON,
//! `--quiet`, `CI` or a pipe), so `--output json` stays machine-readable.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::{Error, ExitStatus};
use crate::model::{Finding, Severity};

/// A command's result: serializable for JSON, renderable for people.
pub trait Report: Serialize {
    /// Writes the human-readable form.
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()>;
    /// The exit status this result implies.
    fn exit_status(&self) -> ExitStatus;
}

/// ANSI styling, or none.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }
    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }
    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    pub fn severity(&self, severity: Severity) -> String {
        match severity {
            Severity::Error => self.red("error"),
            Severity::Warning => self.yellow("warning"),
            Severity::Info => self.dim("info"),
        }
    }
}

/// How this run prints.
#[derive(Clone, Debug)]
pub struct Output {
    pub format: OutputFormat,
    pub quiet: bool,
    pub style: Style,
    /// Spinners allowed: stderr is a terminal, text output, not quiet, not CI.
    pub progress: bool,
    /// Whether a person can answer a question on this terminal (never under `CI`).
    pub interactive: bool,
    /// The spinners and bars shown on stderr, so a question clears them first.
    shown: std::sync::Arc<std::sync::Mutex<Vec<ProgressBar>>>,
}

impl Output {
    pub fn new(format: OutputFormat, quiet: bool, no_color: bool) -> Self {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        let no_color = no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let text = format == OutputFormat::Text;
        Output {
            format,
            quiet,
            style: Style { color: text && !no_color && io::stdout().is_terminal() },
            progress: text && !quiet && !ci && io::stderr().is_terminal(),
            // Under CI nobody answers, even when a pseudo-terminal is attached: `--yes` is
            // then required, as without a terminal.
            interactive: !ci && io::stdin().is_terminal() && io::stderr().is_terminal(),
            shown: Default::default(),
        }
    }

    /// JSON (one document) or JSON Lines: machine-readable stdout.
    pub fn is_json(&self) -> bool {
        matches!(self.format, OutputFormat::Json | OutputFormat::Jsonl)
    }

    /// Prints a report on stdout in the chosen format.
    pub fn print<R: Report>(&self, report: &R) -> io::Result<()> {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        self.write(report, &mut out)
    }

    pub fn write<R: Report>(&self, report: &R, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, &rendered(report)?)?;
                writeln!(out)?;
            }
            // The last line of a stream: one compact document.
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut *out, &rendered(report)?)?;
                writeln!(out)?;
            }
            OutputFormat::Text => report.render_text(out, &self.style)?,
        }
        out.flush()
    }

    /// Prints an error: always a message on stderr; under JSON also a document on stdout,
    /// so a CI step parsing stdout still gets something to parse.
    pub fn print_error(&self, error: &Error) {
        // `println!` would panic on a closed stdout; the message on stderr is what matters.
        if self.format == OutputFormat::Jsonl {
            let _ =
                writeln!(io::stdout().lock(), "{}", serde_json::to_string(&error_document(error)).unwrap_or_default());
        } else if self.is_json() {
            let _ = writeln!(
                io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&error_document(error)).unwrap_or_default()
            );
        }
        let mut err = io::stderr().lock();
        let _ = match error {
            Error::Interrupted { done, in_flight } if !done.is_empty() || !in_flight.is_empty() => {
                let mut lines: Vec<String> = done.clone();
                // Sent, not answered: AWS may have done it (a re-run finds out and converges).
                lines.extend(in_flight.iter().cloned());
                let what = if done.is_empty() { "interrupted" } else { "interrupted; already done" };
                writeln!(err, "{}: {what} (a re-run converges):\n  {}", crate::APP_NAME, lines.join("\n  "))
            }
            _ => writeln!(err, "{}: {}", self.style_stderr().red("error"), crate::redact::redact(&error.to_string())),
        };
    }

    fn style_stderr(&self) -> Style {
        Style { color: self.style.color && io::stderr().is_terminal() }
    }

    /// A warning on stderr: shown even under --quiet (it is about safety, not progress).
    pub fn warn(&self, message: impl AsRef<str>) {
        let _ = writeln!(io::stderr().lock(), "{}", crate::connection::render(message.as_ref(), None));
    }

    /// A note for people, on stderr; silent under --quiet.
    pub fn note(&self, message: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(io::stderr().lock(), "{}", crate::connection::render(message.as_ref(), None));
        }
    }

    /// Asks a yes/no question on stderr and reads the answer from stdin; anything but
    /// y/yes is no. Only call when `interactive`; `--yes` skips the question.
    pub fn confirm(&self, question: &str) -> bool {
        // A spinner still on the terminal is cleared while the question waits for its answer
        // (and drawn again after), so the prompt is not left under a stale progress line.
        let live: Vec<ProgressBar> = match self.shown.lock() {
            Ok(mut shown) => {
                shown.retain(|b| !b.is_finished());
                shown.clone()
            }
            Err(_) => Vec::new(),
        };
        match live.last() {
            Some(bar) => bar.suspend(|| self.ask(question)),
            None => self.ask(question),
        }
    }

    fn ask(&self, question: &str) -> bool {
        let mut err = io::stderr().lock();
        let _ = write!(err, "{question} [y/N] ");
        let _ = err.flush();
        let mut answer = String::new();
        if io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }

    fn remember(&self, bar: &ProgressBar) {
        if let Ok(mut shown) = self.shown.lock() {
            shown.retain(|b| !b.is_finished());
            shown.push(bar.clone());
        }
    }

    /// A spinner on stderr, or nothing when spinners are not allowed.
    pub fn spinner(&self, message: impl Into<String>) -> Progress {
        if !self.progress {
            return Progress(None);
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed:.dim}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(100));
        self.remember(&bar);
        Progress(Some(bar))
    }

    /// A progress bar of `len` steps on stderr, or nothing.
    pub fn bar(&self, len: u64, message: impl Into<String>) -> Progress {
        if !self.progress {
            return Progress(None);
        }
        let bar = ProgressBar::new(len);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed:.dim} (ETA {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(message.into());
        self.remember(&bar);
        Progress(Some(bar))
    }
}

/// The JSON of a report as printed: every `aws ...` command in it carries the run's
/// connection (endpoint, region, profile).
pub fn rendered<R: Serialize + ?Sized>(report: &R) -> io::Result<serde_json::Value> {
    let mut value = serde_json::to_value(report)?;
    crate::connection::render_json(&mut value);
    Ok(value)
}

/// Every JSON document names its schema: `sqs-trigger/<command>/v1`.
pub fn schema_id(command: &str) -> String {
    format!("{}/{command}/v1", crate::APP_NAME)
}

/// The JSON document of a failed run (schema `sqs-trigger/error/v1`): what stdout carries
/// under `--output json`, and what `--report json=PATH` writes.
pub fn error_document(error: &Error) -> serde_json::Value {
    let status = error.exit_status();
    let mut doc = serde_json::json!({
        "schema": schema_id("error"),
        "error": { "kind": error.kind(), "message": crate::redact::redact(&error.to_string()), "exit_code": status.code() }
    });
    if let Error::Aws(aws) = error {
        // The AWS error's own fields (message, resource) can quote a request: redacted too.
        doc["error"]["aws"] = crate::redact::redact_json(serde_json::to_value(aws).unwrap_or_default());
    }
    if let Error::Interrupted { done, in_flight } = error {
        doc["error"]["done"] = serde_json::to_value(done).unwrap_or_default();
        doc["error"]["in_flight"] = serde_json::to_value(in_flight).unwrap_or_default();
    }
    doc
}

/// A spinner or bar that may not exist; every method is a no-op then.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn none() -> Self {
        Progress(None)
    }
    pub fn set_message(&self, message: impl Into<String>) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.into());
        }
    }
    pub fn set_length(&self, len: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(len);
        }
    }
    pub fn set_position(&self, pos: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(pos);
        }
    }
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }
    /// Prints a line above the spinner (or nothing when there is no spinner).
    pub fn println(&self, line: impl AsRef<str>) {
        if let Some(bar) = &self.0 {
            bar.println(line.as_ref());
        }
    }
    /// Runs `f` with the spinner hidden, so lines written to the terminal do not tangle
    /// with it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Writes findings as an indented list: severity, code, resource, message, remediation.
pub fn write_findings(out: &mut dyn Write, style: &Style, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        writeln!(
            out,
            "  {} {} {}",
            style.severity(finding.severity),
            style.bold(finding.code.as_str()),
            style.dim(&finding.resource)
        )?;
        for line in finding.message.lines() {
            writeln!(out, "      {line}")?;
        }
        if let Some(fix) = &finding.remediation {
            let fix = crate::connection::render(fix, Some(&finding.resource));
            let mut lines = fix.lines();
            if let Some(first) = lines.next() {
                writeln!(out, "      fix: {first}")?;
            }
            for line in lines {
                writeln!(out, "           {line}")?;
            }
        }
    }
    Ok(())
}

/// "2 errors, 1 warning" style summary.
pub fn count_summary(findings: &[Finding]) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") };
    format!(
        "{}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "note")
    )
}
