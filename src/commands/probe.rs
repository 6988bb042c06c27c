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
use crate::error::{AwsError, AwsErrorKind, Error, ExitStatus};
use crate::gather;
use crate::logwatch::{self, Classification, LiveTail, ProbeVerdict};
use crate::model::facts::TriggerFacts;
use crate::model::facts::{FunctionFacts, MappingFacts, QueueFacts};
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
    pub require_marker: bool,
    /// How long the logs were watched.
    pub waited_ms: u64,
    #[serde(skip)]
    pub timeout: Duration,
    pub notes: Vec<String>,
    pub findings: Vec<Finding>,
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

fn human_ms(ms: u64) -> String {
    if ms < 1000 { format!("{ms} ms") } else { format!("{:.1} s", ms as f64 / 1000.0) }
}

fn not_found(action: &'static str, resource: String, message: String, what: &str) -> Error {
    Error::Aws(AwsError {
        action,
        hint: Some(format!("check the name, the account and the region (--region) of the {what}")),
        resource,
        kind: AwsErrorKind::NotFound,
        code: None,
        message,
    })
}

/// The functions (qualifier included) of the enabled mappings on the queue other than this
/// function's own.
fn other_consumers(all: &[MappingFacts], function: &FunctionFacts) -> Vec<String> {
    let mut out: Vec<String> = all
        .iter()
        .filter(|m| m.function_arn != function.arn && m.is_enabled())
        .map(|m| match m.function_arn.qualifier() {
            Some(q) => format!("{}:{q}", m.function_arn.name()),
            None => m.function_arn.name().to_string(),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

pub async fn run(ctx: &Ctx, settings: Settings) -> Result<ProbeReport, Error> {
    let clients = &ctx.clients;
    let spinner = ctx.output.spinner(format!("reading {} and {}", settings.queue, settings.function));
    let (queue, function) = tokio::join!(
        gather::queue::find(clients, &settings.queue),
        gather::function::read(clients, &settings.function)
    );
    let queue = queue?.ok_or_else(|| {
        not_found(
            "sqs:GetQueueUrl",
            settings.queue.to_string(),
            format!("no queue `{}` in {}", settings.queue, clients.region),
            "queue",
        )
    })?;
    let function = function?.ok_or_else(|| {
        not_found(
            "lambda:GetFunction",
            settings.function.to_string(),
            format!("no function `{}` in {}", settings.function, clients.region),
            "function",
        )
    })?;
    let all_mappings = gather::unreadable_if_denied(
        format!("the event source mappings of {}", queue.arn),
        gather::mapping::list(clients, Some(&queue.arn), None).await,
    )?;
    let mappings = all_mappings.clone().map(|all| gather::mapping::of_pair(&all, &queue.arn, &function.arn));

    let probe_id = settings.probe_ids.next_id();
    let mut report = ProbeReport {
        verdict: ProbeVerdict::NotSent,
        probe_id: probe_id.clone(),
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
        require_marker: settings.require_marker,
        waited_ms: 0,
        timeout: settings.timeout,
        notes: Vec::new(),
        findings: Vec::new(),
    };

    // Another consumer could take the probe message (and delete it): never send then, unless
    // told to; and not when the mappings cannot be read, since that cannot be ruled out.
    let others = match &all_mappings {
        Ok(all) => other_consumers(all, &function),
        Err(_) => Vec::new(),
    };
    let consumer_refusal = match &all_mappings {
        Err(unreadable) => Some(
            Finding::error(
                FindingCode::ProbeOtherConsumers,
                queue.arn.to_string(),
                format!(
                    "the mappings of the queue could not be read ({}): another consumer could take the probe \
                     message, so nothing was sent",
                    unreadable.detail
                ),
            )
            .fix(format!("grant the caller `{}`, then probe again", unreadable.permission)),
        ),
        Ok(_) if !others.is_empty() && !settings.allow_other_consumers => Some(
            Finding::error(
                FindingCode::ProbeOtherConsumers,
                queue.arn.to_string(),
                format!(
                    "{} also read{} this queue: {} could take the probe message (and delete it), so nothing was sent",
                    others.join(", "),
                    if others.len() == 1 { "s" } else { "" },
                    if others.len() == 1 { "it" } else { "they" }
                ),
            )
            .fix(
                "probe a queue only this function reads, or pass --allow-other-consumers knowing the other \
                  consumer will receive the probe message",
            ),
        ),
        Ok(_) => None,
    };
    if let Some(finding) = consumer_refusal {
        report.findings.push(finding);
        return Ok(report);
    }
    if !others.is_empty() {
        report.notes.push(format!(
            "{} also read{} this queue (--allow-other-consumers): a not-invoked verdict may only mean another \
             consumer took the probe",
            others.join(", "),
            if others.len() == 1 { "s" } else { "" }
        ));
    }
    // No enabled mapping: the message would sit on the queue (or be read by someone else).
    let refusal = match &mappings {
        Ok(list) => refusal(&queue, &function, list),
        Err(_) => None,
    };
    if let Some(finding) = refusal {
        let facts = trigger_facts(ctx, &queue, None, &function, &mappings);
        // The probe's own finding names this queue, function and mapping: it replaces the
        // generic one of the checks.
        let mut findings = checks::run_all(&facts);
        findings.retain(|f| f.code != finding.code);
        findings.insert(0, finding);
        report.findings.extend(findings);
        return Ok(report);
    }
    if let Ok(list) = &mappings
        && list.iter().any(|m| !m.filters.is_empty())
    {
        report.notes.push(
            "the mapping filters events: Lambda deletes a message no filter matches without invoking the \
             function, so give a body that matches (--body or --body-file)"
                .to_owned(),
        );
    }

    let sent_at = SystemTime::now();
    let body = settings.body.render(&probe_id, sent_at);
    check_body(&body, &probe_id)?;

    // Live Tail only shows events ingested after it starts: start it before sending.
    let mut live = None;
    if settings.live_tail {
        spinner.set_message(format!("starting a Live Tail session on {}", function.log_group));
        let arn = logwatch::live_tail_group_arn(
            function.arn.partition(),
            function.arn.region(),
            function.arn.account(),
            &function.log_group,
        );
        match LiveTail::start(clients, &function.log_group, &arn).await {
            Ok(tail) => live = Some(tail),
            Err(err) => ctx.output.note(format!(
                "note: Live Tail is not available here ({}); polling FilterLogEvents instead",
                err.code.as_deref().unwrap_or(&err.message)
            )),
        }
    }

    spinner.set_message(format!("sending the probe message to {}", queue.name));
    let sent_at = SystemTime::now();
    let message_id = send(ctx, &queue, &body, &probe_id).await?;
    ctx.journal.record(
        crate::commands::Change::new("send-message", &queue.arn).with([format!("{message_id} (probe id {probe_id})")]),
    );
    report.message_id = Some(message_id.clone());
    report.verdict = ProbeVerdict::NotInvoked;
    let sent_error = |mut err: AwsError| {
        err.hint = Some(format!(
            "{}the probe message {message_id} (probe id {probe_id}) was sent to {}",
            err.hint.map(|h| format!("{h}; ")).unwrap_or_default(),
            queue.name
        ));
        Error::Aws(err)
    };

    // Watch the logs.
    let since_ms = logwatch::epoch_millis(sent_at) - CLOCK_SKEW_MARGIN.as_millis() as i64;
    let watch = logwatch::ProbeWatch {
        group: &function.log_group,
        probe_id: &probe_id,
        since_ms,
        timeout: settings.timeout,
        require_marker: settings.require_marker,
    };
    let function_name = report.function.clone();
    let on_progress = |seen: &Classification, group_missing: bool| {
        spinner.set_message(waiting_for(seen, group_missing, &function.log_group, &function_name));
    };
    let watched =
        watch.run(clients, live, on_progress, |note: &str| ctx.output.note(note)).await.map_err(sent_error)?;
    let (seen, group_missing) = (watched.seen, watched.group_missing);
    spinner.finish();
    report.waited_ms = watched.waited.as_millis() as u64;
    apply(&mut report, &seen, logwatch::epoch_millis(sent_at));
    explain(&mut report, &seen, &queue, &function, group_missing);
    if report.verdict == ProbeVerdict::NotInvoked {
        diagnose(ctx, &mut report, &queue, &function).await;
    } else if matches!(report.verdict, ProbeVerdict::Confirmed | ProbeVerdict::Invoked) {
        confirm_with_checks(ctx, &mut report, &queue, &function).await;
    }
    Ok(report)
}

/// `mapping-missing` or `mapping-disabled` when the probe must not be sent.
fn refusal(queue: &QueueFacts, function: &FunctionFacts, mappings: &[MappingFacts]) -> Option<Finding> {
    let name = function.arn.name();
    if mappings.is_empty() {
        return Some(
            Finding::error(
                FindingCode::MappingMissing,
                queue.arn.to_string(),
                format!(
                    "no event source mapping connects {} to {name}: Lambda does not poll the queue for this \
                     function, so a probe message would never reach it (nothing was sent)",
                    queue.name
                ),
            )
            .fix(format!("sqs-trigger mapping create --function {} --queue {}", function.arn, queue.arn)),
        );
    }
    if mappings.iter().any(MappingFacts::is_enabled) {
        return None;
    }
    let mapping = &mappings[0];
    Some(
        Finding::error(
            FindingCode::MappingDisabled,
            mapping.uuid.clone(),
            format!(
                "the mapping from {} to {name} is {}: Lambda does not poll the queue, so a probe message would \
                 wait there (nothing was sent)",
                queue.name, mapping.state
            ),
        )
        .fix(format!("sqs-trigger mapping create --function {} --queue {} --enable", mapping.function_arn, queue.arn)),
    )
}

fn trigger_facts(
    ctx: &Ctx,
    queue: &QueueFacts,
    dlq: Option<crate::model::facts::Fact<QueueFacts>>,
    function: &FunctionFacts,
    mappings: &crate::model::facts::Fact<Vec<MappingFacts>>,
) -> TriggerFacts {
    TriggerFacts {
        region: ctx.clients.region.clone(),
        queue: Some(queue.clone()),
        dlq,
        function: Some(function.clone()),
        mappings: Some(mappings.clone()),
        ..TriggerFacts::default()
    }
}

/// Sends the one probe message; returns SQS's message id.
async fn send(ctx: &Ctx, queue: &QueueFacts, body: &str, probe_id: &str) -> Result<String, Error> {
    let attribute = MessageAttributeValue::builder()
        .data_type("String")
        .string_value(probe_id)
        .build()
        .map_err(|e| Error::Aws(AwsError::unexpected("sqs:SendMessage", &queue.url, e)))?;
    let mut request = ctx
        .clients
        .sqs
        .send_message()
        .queue_url(queue.url.as_str())
        .message_body(body)
        .message_attributes(PROBE_ATTRIBUTE, attribute);
    if queue.fifo {
        request = request.message_group_id(PROBE_GROUP).message_deduplication_id(probe_id);
    }
    let out = request.send().await.aws("sqs:SendMessage", &queue.url)?;
    Ok(out.message_id().unwrap_or("(no message id)").to_owned())
}

/// The spinner's text: what the probe is waiting for.
fn waiting_for(seen: &Classification, group_missing: bool, group: &str, function: &str) -> String {
    if group_missing {
        format!("waiting for log group {group} (nothing logged yet)")
    } else if seen.marker_seen {
        "probe id found; waiting for the REPORT line".to_owned()
    } else if seen.after_send > 0 {
        format!("{function} ran {}× since the send; looking for the probe id", seen.after_send)
    } else {
        format!("waiting for {function}'s logs")
    }
}

/// Copies the classification into the report.
fn apply(report: &mut ProbeReport, seen: &Classification, sent_ms: i64) {
    report.verdict = seen.verdict;
    report.marker_seen = seen.marker_seen;
    let Some(invocation) = &seen.invocation else { return };
    report.request_id = invocation.request_id.clone();
    if let Some(fields) = &invocation.report {
        report.duration_ms = fields.duration_ms;
        report.billed_duration_ms = fields.billed_duration_ms;
        report.memory_size_mb = fields.memory_size_mb;
        report.max_memory_used_mb = fields.max_memory_used_mb;
        report.init_duration_ms = fields.init_duration_ms;
    }
    let at = invocation.marker_ms.unwrap_or_else(|| invocation.begin_ms());
    report.latency_ms = Some((at - sent_ms).max(0) as u64);
    if seen.verdict == ProbeVerdict::InvokedWithError {
        report.error = invocation.error.clone();
    }
}

/// The notes that say what a verdict means and what happens next.
fn explain(
    report: &mut ProbeReport,
    seen: &Classification,
    queue: &QueueFacts,
    function: &FunctionFacts,
    group_missing: bool,
) {
    let name = function.arn.name();
    match seen.verdict {
        ProbeVerdict::Confirmed | ProbeVerdict::InvokedWithError
            if seen.invocation.as_ref().is_some_and(|i| !i.complete()) =>
        {
            report.notes.push(format!(
                "the invocation's REPORT line did not arrive within {} of the probe id, so duration and memory \
                 are unknown",
                HumanDuration(REPORT_GRACE)
            ));
        }
        _ => {}
    }
    match seen.verdict {
        ProbeVerdict::Invoked => {
            report.notes.push(format!(
                "{name} ran {} time(s) after the send, but no log line held the probe id, so the run cannot be \
                 tied to the probe message for sure: have the function log its event (or the body), or pass \
                 --require-marker to demand it",
                seen.after_send
            ));
            if seen.errored_after_send > 0 {
                report
                    .notes
                    .push(format!("{} of those {} invocations failed", seen.errored_after_send, seen.after_send));
            }
        }
        ProbeVerdict::InvokedWithError => {
            if !seen.marker_seen {
                report.notes.push(format!(
                    "the probe id never showed up in the logs; the failure is tied to the probe by time only \
                     ({} invocation(s) since the send, all failed)",
                    seen.after_send
                ));
            }
            if report.error.as_deref().is_some_and(|e| e.contains("timed out")) {
                report.notes.push(format!(
                    "{name} ran out of time (its timeout is {}s): raise the timeout or make it faster",
                    function.timeout_secs
                ));
            }
            report.notes.push(match &queue.redrive {
                Some(redrive) => format!(
                    "the message goes back on the queue when its visibility timeout ({}s) runs out and Lambda \
                     retries it; after {} receive(s) (maxReceiveCount) SQS moves it to the dead-letter queue {}",
                    queue.visibility_timeout_secs,
                    redrive.max_receive_count,
                    redrive.dead_letter_target_arn.name()
                ),
                None => format!(
                    "the message goes back on the queue when its visibility timeout ({}s) runs out and Lambda \
                     retries it; {} has no dead-letter queue, so it is retried until it expires \
                     (MessageRetentionPeriod), then lost",
                    queue.visibility_timeout_secs, queue.name
                ),
            });
        }
        ProbeVerdict::NotInvoked if group_missing => report.notes.push(format!(
            "the log group {} does not exist: {name} has never written a log line. If it did run, its execution \
             role lacks logs:CreateLogGroup, logs:CreateLogStream or logs:PutLogEvents (sqs-trigger role check)",
            report.log_group
        )),
        _ => {}
    }
}

/// Every fact of the trigger, read again (the queue's depth, its DLQ and key, the mappings and
/// the execution role with its policies) through the same gatherer as `doctor`.
async fn gather_pair(
    ctx: &Ctx,
    report: &mut ProbeReport,
    queue: &QueueFacts,
    function: &FunctionFacts,
) -> TriggerFacts {
    let clients = &ctx.clients;
    let known = crate::gather::trigger::Known { function: Some(function.clone()), ..Default::default() };
    match crate::gather::trigger::gather(clients, Some(&QueueRef::Url(queue.url.clone())), None, known).await {
        Ok(mut facts) => {
            facts.queue.get_or_insert_with(|| queue.clone());
            facts
        }
        Err(err) => {
            report.notes.push(format!("the checks could not read everything: {err}"));
            trigger_facts(ctx, queue, None, function, &Ok(Vec::new()))
        }
    }
}

/// The function ran; is the trigger sound? A run is not a working trigger when an error-level
/// finding says otherwise: a role without sqs:DeleteMessage runs the function, but the
/// message comes back after its visibility timeout and runs again. Then the verdict is
/// `invoked` (not `confirmed`) and the findings are shown.
async fn confirm_with_checks(ctx: &Ctx, report: &mut ProbeReport, queue: &QueueFacts, function: &FunctionFacts) {
    let facts = gather_pair(ctx, report, queue, function).await;
    let findings = checks::run_all(&facts);
    let errors = findings.iter().filter(|f| f.is_error()).count();
    if errors == 0 {
        return;
    }
    report.verdict = ProbeVerdict::Invoked;
    report.notes.push(format!(
        "not confirmed: the function ran, but {errors} error-level finding(s) below say the trigger is broken"
    ));
    if findings.iter().any(|f| f.code == FindingCode::RoleMissingPermission && f.message.contains("sqs:DeleteMessage"))
    {
        report.notes.push(format!(
            "without sqs:DeleteMessage the poller cannot delete the message after the run: it comes back when its \
             visibility timeout ({}s) ends and the function runs again",
            queue.visibility_timeout_secs
        ));
    }
    report.findings.extend(findings);
}

/// Why was the function not invoked? Reads every fact of the trigger again (the mappings may
/// now report a problem) and runs every check.
async fn diagnose(ctx: &Ctx, report: &mut ProbeReport, queue: &QueueFacts, function: &FunctionFacts) {
    let facts = gather_pair(ctx, report, queue, function).await;
    let depth = facts.queue.as_ref().map(|q| q.depth).unwrap_or(queue.depth);
    report.notes.push(if depth.total() == 0 {
        "the queue is empty: the probe message was received and deleted without a logged invocation (another \
         consumer of the queue, or a mapping filter that matched nothing)"
            .to_owned()
    } else if depth.in_flight > 0 {
        format!(
            "{} message(s) in flight: something received them (the Lambda poller, or another consumer); if the \
             function ran, its logs may be late — try a longer --timeout",
            depth.in_flight
        )
    } else {
        format!(
            "{} message(s) visible on the queue and none in flight: the probe message is most likely still \
             waiting for a poller",
            depth.visible + depth.delayed
        )
    });
    if report.timeout < Duration::from_secs(60) {
        report.notes.push(format!(
            "--timeout {} is short: on AWS the poller and log delivery can take tens of seconds (the default is 2m)",
            HumanDuration(report.timeout)
        ));
    }
    report.findings.extend(checks::run_all(&facts));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> ProbeArgs {
        use clap::Parser;
        let mut argv = vec!["sqs-trigger", "probe", "--function", "worker", "--queue", "orders"];
        argv.extend_from_slice(extra);
        match crate::cli::Cli::try_parse_from(argv).unwrap().command {
            crate::cli::Command::Probe(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn defaults() {
        let s = Settings::from_args(&args(&[])).unwrap();
        assert_eq!(s.timeout, Duration::from_secs(120));
        assert_eq!(s.body, Body::Default);
        let id = s.probe_ids.next_id();
        assert!(id.starts_with("sqstp-") && id.len() == 42, "{id}");
        assert_ne!(id, s.probe_ids.next_id());
    }

    #[test]
    fn bad_input_is_usage() {
        for extra in [&["--timeout", "soon"][..], &["--timeout", "0s"], &["--body", ""]] {
            assert!(matches!(Settings::from_args(&args(extra)), Err(Error::Usage(_))), "{extra:?}");
        }
        let err = Settings::from_args(&args(&["--body-file", "/nonexistent/body.json"])).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/body.json"), "{err}");
    }

    #[test]
    fn body_file_must_be_utf8() {
        let path = std::env::temp_dir().join(format!("sqstp-body-{}.bin", std::process::id()));
        std::fs::write(&path, [b'{', 0xff, b'}']).unwrap();
        let err = read_body_file(&path).unwrap_err().to_string();
        std::fs::remove_file(&path).ok();
        assert!(err.contains("not UTF-8") && err.contains("offset 1"), "{err}");
    }

    #[test]
    fn default_body_carries_the_id() {
        let body = Body::Default.render("sqstp-x", SystemTime::UNIX_EPOCH);
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(doc["sqs_trigger_probe"], "sqstp-x");
        assert_eq!(doc["sent_at"], "1970-01-01T00:00:00.000Z");
        assert_eq!(Body::Template("id={probe_id};{probe_id}".into()).render("p", SystemTime::now()), "id=p;p");
    }

    #[test]
    fn size_limit_counts_the_attribute() {
        let id = ProbeIds::fixed("sqstp-0123456789abcdef0123456789abcdef0123").next_id();
        let room = MAX_MESSAGE_BYTES - message_size("", &id);
        assert!(check_body(&"x".repeat(room), &id).is_ok());
        let err = check_body(&"x".repeat(room + 1), &id).unwrap_err();
        assert!(matches!(err, Error::Usage(_)) && err.to_string().contains("1048576"), "{err}");
        // {probe_id} grows the body: a template just under the limit can go over it.
        let template = format!("{}{{probe_id}}", "x".repeat(room - 5));
        let err = Settings::from_args(&args(&["--body", &template])).unwrap_err().to_string();
        assert!(err.starts_with("--body: the message is"), "the flag is named: {err}");
    }

    #[test]
    fn characters_sqs_rejects() {
        assert!(check_body("tab\tnewline\nok ✓", "p").is_ok());
        let err = check_body("bell\u{7}", "p").unwrap_err().to_string();
        assert!(err.contains("U+0007"), "{err}");
    }

    #[test]
    fn exit_codes_per_verdict() {
        let mut report = ProbeReport {
            verdict: ProbeVerdict::Confirmed,
            probe_id: "p".into(),
            message_id: None,
            queue: "q".into(),
            queue_url: "u".into(),
            function: "f".into(),
            log_group: "/aws/lambda/f".into(),
            request_id: None,
            duration_ms: None,
            billed_duration_ms: None,
            memory_size_mb: None,
            max_memory_used_mb: None,
            init_duration_ms: None,
            latency_ms: None,
            error: None,
            marker_seen: true,
            require_marker: false,
            waited_ms: 0,
            timeout: Duration::from_secs(1),
            notes: vec![],
            findings: vec![],
        };
        let code = |r: &ProbeReport| r.exit_status().code();
        assert_eq!(code(&report), 0);
        report.verdict = ProbeVerdict::Invoked;
        assert_eq!(code(&report), 0);
        report.require_marker = true;
        assert_eq!(code(&report), 1);
        for v in [ProbeVerdict::InvokedWithError, ProbeVerdict::NotInvoked, ProbeVerdict::NotSent] {
            report.verdict = v;
            assert_eq!(code(&report), 1, "{v:?}");
        }
        // An error-level finding fails the probe whatever the verdict.
        report.require_marker = false;
        report.verdict = ProbeVerdict::Invoked;
        report.findings.push(Finding::error(FindingCode::RoleMissingPermission, "role", "no sqs:DeleteMessage"));
        assert_eq!(code(&report), 1);
    }
}
