//! `probe --function F --queue Q`: send one marked message and prove from the function's
//! own logs that Lambda picked it up, ran the function, and how that went.
//!
//! Flow: validate the input (exit 2) → read the queue, the function and their mappings →
//! refuse to send without an enabled mapping (`not-sent`) → send ONE message carrying a
//! unique probe id (attribute and default body) → watch the function's log group from the
//! send time → classify (`logwatch::classify`) → on `not-invoked`, run the checks so the
//! report says why. The probe never receives or deletes messages.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_sdk_sqs::types::MessageAttributeValue;
use serde::Serialize;

use crate::aws::AwsResultExt;
use crate::checks;
use crate::cli::ProbeArgs;
use crate::commands::Ctx;
use crate::error::{AwsError, Error, ExitStatus};
use crate::gather;
use crate::logwatch::{self, Classification, LiveTail, ProbeVerdict};
use crate::model::facts::TriggerFacts;
use crate::model::facts::{CallerFacts, FunctionFacts, MappingFacts, QueueFacts};
use crate::model::{Finding, FindingCode, FunctionRef, HumanDuration, QueueRef};
use crate::output::{Report, Style, write_findings};
use crate::settings::{duration_flag, function_flag, queue_flag};

/// The message attribute that carries the probe id.
pub const PROBE_ATTRIBUTE: &str = "sqs-trigger-probe";
/// The message group of FIFO probes.
pub const PROBE_GROUP: &str = "sqs-trigger-probe";
/// SQS's largest message: body plus message attributes (name, type and value).
/// The SQS maximum message size (1 MiB since 2025; a queue may set a lower MaximumMessageSize,
/// which SQS then enforces with a clear error).
pub const MAX_MESSAGE_BYTES: usize = 1_048_576;
/// Log lines are searched from this long before the send, so a clock that runs a little
/// ahead of AWS's does not hide the invocation.
pub const CLOCK_SKEW_MARGIN: Duration = Duration::from_secs(5);
pub use crate::logwatch::{REPORT_GRACE, SETTLE};

/// Where probe ids come from: a uuid v4 prefixed `sqstp-` by default; tests pass their own.
#[derive(Clone)]
pub struct ProbeIds(Arc<dyn Fn() -> String + Send + Sync>);

impl ProbeIds {
    pub fn new(generate: impl Fn() -> String + Send + Sync + 'static) -> Self {
        ProbeIds(Arc::new(generate))
    }
    /// Always the same id (tests).
    pub fn fixed(id: impl Into<String>) -> Self {
        let id = id.into();
        ProbeIds::new(move || id.clone())
    }
    pub fn next_id(&self) -> String {
        (self.0)()
    }
}

impl Default for ProbeIds {
    fn default() -> Self {
        ProbeIds::new(|| format!("sqstp-{}", uuid::Uuid::new_v4()))
    }
}

impl fmt::Debug for ProbeIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProbeIds(..)")
    }
}

/// The body to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// `{"sqs_trigger_probe":"<id>","sent_at":"<RFC 3339>"}`.
    Default,
    /// The user's text, `{probe_id}` replaced.
    Template(String),
}

impl Body {
    pub fn render(&self, probe_id: &str, sent_at: SystemTime) -> String {
        match self {
            Body::Default => serde_json::json!({
                "sqs_trigger_probe": probe_id,
                "sent_at": humantime::format_rfc3339_millis(sent_at).to_string(),
            })
            .to_string(),
            Body::Template(text) => text.replace("{probe_id}", probe_id),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub function: FunctionRef,
    pub queue: QueueRef,
    pub timeout: Duration,
    pub body: Body,
    pub require_marker: bool,
    pub live_tail: bool,
    /// Send even when another enabled mapping reads the queue.
    pub allow_other_consumers: bool,
    pub probe_ids: ProbeIds,
}

impl Settings {
    pub fn from_args(args: &ProbeArgs) -> Result<Self, Error> {
        let function = function_flag(&args.target.function)?;
        let queue = queue_flag(&args.target.queue)?;
        let timeout = duration_flag("timeout", &args.timeout)?;
        if timeout.is_zero() {
            return Err(Error::usage("--timeout: must be longer than zero (the default is 2m)"));
        }
        let body = match (&args.body, &args.body_file) {
            (Some(_), Some(_)) => return Err(Error::usage("--body and --body-file: give one of them")),
            (Some(text), None) => Body::Template(text.clone()),
            (None, Some(path)) => Body::Template(read_body_file(path)?),
            (None, None) => Body::Default,
        };
        let probe_ids = ProbeIds::default();
        // The size depends on the id only through its length; check with a real one now, so a
        // too-large body is a usage error before any request.
        let flag = if args.body_file.is_some() { "--body-file" } else { "--body" };
        check_body(&body.render(&probe_ids.next_id(), SystemTime::now()), &probe_ids.next_id())
            .map_err(|e| Error::usage(format!("{flag}: {e}")))?;
        Ok(Settings {
            function,
            queue,
            timeout,
            body,
            require_marker: args.require_marker,
            live_tail: args.live_tail,
            allow_other_consumers: args.allow_other_consumers,
            probe_ids,
        })
    }
}

/// Reads `--body-file`, saying which path and why when it cannot.
pub fn read_body_file(path: &Path) -> Result<String, Error> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| Error::usage(format!("--body-file: cannot read `{shown}`: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::usage(format!(
            "--body-file: `{shown}` is not UTF-8 text (invalid byte at offset {}); SQS message bodies are text",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The size SQS counts for the probe: the body plus the probe attribute's name, type and value.
pub fn message_size(body: &str, probe_id: &str) -> usize {
    body.len() + PROBE_ATTRIBUTE.len() + "String".len() + probe_id.len()
}

/// A body SQS accepts: not empty, at most 1 MiB with the attribute, and only the
/// characters SQS allows (#x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF).
pub fn check_body(body: &str, probe_id: &str) -> Result<(), Error> {
    if body.is_empty() {
        return Err(Error::usage("the message body is empty; SQS needs at least one character"));
    }
    let size = message_size(body, probe_id);
    if size > MAX_MESSAGE_BYTES {
        return Err(Error::usage(format!(
            "the message is {size} bytes after {{probe_id}} substitution (body {} bytes plus the {PROBE_ATTRIBUTE} \
             attribute); SQS accepts at most {MAX_MESSAGE_BYTES} bytes (1 MiB)",
            body.len()
        )));
    }
    if let Some((at, c)) = body.char_indices().find(
        |(_, c)| matches!(*c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'),
    ) {
        return Err(Error::usage(format!(
            "the message body holds U+{:04X} at byte {at}, a character SQS rejects (allowed: tab, newline, \
             carriage return and printable Unicode)",
            c as u32
        )));
    }
    Ok(())
}

/// The probe's result. JSON field names are part of the contract.
#[derive(Clone, Debug, Serialize)]
pub struct ProbeReport {
    pub verdict: ProbeVerdict,
    pub probe_id: String,
    /// SQS's id of the probe message (None when nothing was sent).
    pub message_id: Option<String>,
    pub queue: String,
    pub queue_url: String,
    pub function: String,
    pub log_group: String,
    /// The invocation the verdict is about.
    pub request_id: Option<String>,
    pub duration_ms: Option<f64>,
    pub billed_duration_ms: Option<u64>,
    pub memory_size_mb: Option<u64>,
    pub max_memory_used_mb: Option<u64>,
    pub init_duration_ms: Option<f64>,
    /// From the send to the log line with the probe id (or to the invocation's START line).
    pub latency_ms: Option<u64>,
    /// The text of the error line, for invoked-with-error.
    pub error: Option<String>,
    /// The probe id itself appeared in the logs.
    pub marker_seen: bool,
    /// What the verdict rests on: the invocation's REPORT line, or the function's own output
    /// only (no REPORT line: late, or hidden by the function's log level).
    pub verdict_basis: logwatch::VerdictBasis,
    pub require_marker: bool,
    /// How long the logs were watched.
    pub waited_ms: u64,
    #[serde(skip)]
    pub timeout: Duration,
    pub notes: Vec<String>,
    pub findings: Vec<Finding>,
}

impl ProbeReport {
    /// The report before anything is sent: nothing sent, nothing seen.
    pub fn before_sending(probe_id: &str, queue: &QueueFacts, function: &FunctionFacts, settings: &Settings) -> Self {
        ProbeReport {
            verdict: ProbeVerdict::NotSent,
            probe_id: probe_id.to_owned(),
            message_id: None,
            queue: queue.name.to_string(),
            queue_url: queue.url.to_string(),
            function: function.arn.name().to_string(),
            log_group: function.log_group.clone(),
            request_id: None,
            duration_ms: None,
            billed_duration_ms: None,
            memory_size_mb: None,
            max_memory_used_mb: None,
            init_duration_ms: None,
            latency_ms: None,
            error: None,
            marker_seen: false,
            verdict_basis: logwatch::VerdictBasis::Nothing,
            require_marker: settings.require_marker,
            waited_ms: 0,
            timeout: settings.timeout,
            notes: Vec::new(),
            findings: Vec::new(),
        }
    }
}

impl Report for ProbeReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        let function = style.bold(&self.function);
        let verdict = match self.verdict {
            ProbeVerdict::Confirmed => style.green(self.verdict.as_str()),
            ProbeVerdict::Invoked if !self.require_marker => style.yellow(self.verdict.as_str()),
            _ => style.red(self.verdict.as_str()),
        };
        let latency = self.latency_ms.map(|ms| format!(" {} after the send", human_ms(ms))).unwrap_or_default();
        let headline = match self.verdict {
            ProbeVerdict::Confirmed => format!("{function} handled the probe message{latency}"),
            ProbeVerdict::Invoked if self.marker_seen => {
                format!("{function} handled the probe message{latency}, but the trigger has error-level findings")
            }
            ProbeVerdict::Invoked => format!("{function} ran{latency}, but its logs never showed the probe id"),
            ProbeVerdict::InvokedWithError if self.marker_seen => {
                format!("{function} received the probe message{latency} and failed")
            }
            ProbeVerdict::InvokedWithError => format!("{function} ran{latency} and failed"),
            ProbeVerdict::NotInvoked => format!(
                "no invocation of {function} showed up in {} within {}",
                self.log_group,
                HumanDuration(self.timeout)
            ),
            ProbeVerdict::NotSent => {
                format!("no enabled mapping from {} to {function}, so nothing was sent", self.queue)
            }
        };
        writeln!(out, "{verdict}: {headline}")?;
        let row = |out: &mut dyn Write, label: &str, value: &str| writeln!(out, "  {label:<11} {value}");
        row(out, "probe id", &self.probe_id)?;
        if let Some(id) = &self.message_id {
            row(out, "message id", id)?;
        }
        row(out, "queue", &self.queue_url)?;
        row(out, "function", &self.function)?;
        row(out, "log group", &self.log_group)?;
        if let Some(id) = &self.request_id {
            row(out, "request id", id)?;
        }
        if let Some(d) = self.duration_ms {
            let mut text = format!("{d:.2} ms");
            let mut extra = Vec::new();
            if let Some(b) = self.billed_duration_ms {
                extra.push(format!("billed {b} ms"));
            }
            if let Some(i) = self.init_duration_ms {
                extra.push(format!("init {i:.2} ms, a cold start"));
            }
            if !extra.is_empty() {
                text.push_str(&format!(" ({})", extra.join(", ")));
            }
            row(out, "duration", &text)?;
        }
        if let (Some(used), Some(size)) = (self.max_memory_used_mb, self.memory_size_mb) {
            row(out, "memory", &format!("{used} MB used of {size} MB"))?;
        }
        if let Some(error) = &self.error {
            row(out, "error", &style.red(error))?;
        }
        for note in &self.notes {
            writeln!(out, "  note: {note}")?;
        }
        if !self.findings.is_empty() {
            writeln!(out, "findings:")?;
            write_findings(out, style, &self.findings)?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        if self.findings.iter().any(Finding::is_error) {
            return ExitStatus::CheckFailed;
        }
        match self.verdict {
            ProbeVerdict::Confirmed => ExitStatus::Success,
            ProbeVerdict::Invoked if !self.require_marker => ExitStatus::Success,
            _ => ExitStatus::CheckFailed,
        }
    }
}

pub(crate) fn human_ms(ms: u64) -> String {
    if ms < 1000 { format!("{ms} ms") } else { format!("{:.1} s", ms as f64 / 1000.0) }
}

mod run;
#[cfg(test)]
mod tests;
mod verdict;

pub use run::*;
pub(crate) use verdict::*;
