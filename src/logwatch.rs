//! Watching a function's CloudWatch Logs: where they are, how to read them as they arrive,
//! and what they say about an invocation. `probe` and `logs` both use this module.
//!
//! - **Discovery**: a function writes to its `LoggingConfig.LogGroup` when set, else to
//!   `/aws/lambda/NAME` ([`log_group_for`], [`discover`]).
//! - **Polling**: `FilterLogEvents` from a start time, every page, deduplicated by event id,
//!   on an adaptive schedule that starts fast and backs off ([`PollSchedule`], [`Watcher`]).
//!   A missing log group is a state ("not yet"), not an error: a function creates its group
//!   on its first log line.
//! - **Live Tail**: `StartLiveTail` where the endpoint supports it ([`LiveTail`]).
//! - **Classification**: pure functions that group log lines into invocations by request id
//!   and decide the probe's verdict ([`invocations`], [`classify`]).

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::aws::errors::to_aws_error;
use crate::aws::{AwsResultExt, Clients, is_not_found};
use crate::error::{AwsError, AwsErrorKind, Error};
use crate::model::facts::FunctionFacts;
use crate::model::{FunctionName, FunctionRef};

/// One log event, however it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    /// Milliseconds since the Unix epoch, as CloudWatch stamps the event.
    pub timestamp_ms: i64,
    pub stream: String,
    pub message: String,
    /// CloudWatch's event id (FilterLogEvents has one; Live Tail does not).
    pub event_id: Option<String>,
}

impl LogEvent {
    /// The timestamp as RFC 3339 with milliseconds, UTC.
    pub fn rfc3339(&self) -> String {
        format_millis(self.timestamp_ms)
    }
}

/// Milliseconds since the epoch as RFC 3339 (`2024-05-01T12:00:00.123Z`).
pub fn format_millis(ms: i64) -> String {
    let time = if ms >= 0 {
        UNIX_EPOCH + Duration::from_millis(ms as u64)
    } else {
        UNIX_EPOCH - Duration::from_millis(ms.unsigned_abs())
    };
    humantime::format_rfc3339_millis(time).to_string()
}

/// Milliseconds since the epoch of a `SystemTime` (0 before the epoch).
pub fn epoch_millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------

/// The log group a function writes to: its `LoggingConfig.LogGroup` when set (and not
/// empty), else Lambda's default `/aws/lambda/NAME`.
pub fn log_group_for(name: &FunctionName, configured: Option<&str>) -> String {
    configured.map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).unwrap_or_else(|| name.default_log_group())
}

/// Where a function's logs are, and how that was decided.
#[derive(Clone, Debug)]
pub struct LogGroup {
    pub name: String,
    /// The function's configuration, when it could be read.
    pub function: Option<FunctionFacts>,
    /// Said on stderr when the group is a guess (GetFunction was denied).
    pub note: Option<String>,
}

/// Finds the function's log group from its configuration. A missing function is an AWS
/// not-found error (exit 3); when `lambda:GetFunction` is denied the default group is used,
/// with a note, because reading logs needs only the logs permissions.
pub async fn discover(clients: &Clients, function: &FunctionRef) -> Result<LogGroup, Error> {
    match crate::gather::function::read(clients, function).await {
        Ok(Some(facts)) => Ok(LogGroup { name: facts.log_group.clone(), function: Some(facts), note: None }),
        Ok(None) => Err(Error::Aws(AwsError {
            action: "lambda:GetFunction",
            resource: function.to_string(),
            kind: AwsErrorKind::NotFound,
            code: Some("ResourceNotFoundException".to_owned()),
            message: format!("no function `{function}` in {}", clients.region),
            hint: Some("check the name, the account and the region (--region) of the function".to_owned()),
        })),
        Err(err) if err.kind == AwsErrorKind::AccessDenied => {
            let name = log_group_for(&function.name(), None);
            Ok(LogGroup {
                note: Some(format!(
                    "note: cannot read the function's configuration ({}): assuming its default log group {name}",
                    err.action
                )),
                name,
                function: None,
            })
        }
        Err(err) => Err(Error::Aws(err)),
    }
}

// ---------------------------------------------------------------------------------------
// Polling
// ---------------------------------------------------------------------------------------

/// The first wait between polls: an emulator or a warm function logs within a second.
pub const POLL_INITIAL: Duration = Duration::from_millis(200);
/// Each quiet poll waits this much longer than the one before.
pub const POLL_FACTOR: f64 = 1.5;
/// The longest wait: CloudWatch Logs often needs several seconds to deliver, and a long
/// wait must stay well under the FilterLogEvents request quota.
pub const POLL_MAX: Duration = Duration::from_secs(5);
/// Where the schedule goes back to when new lines arrive (about 1 s): more lines of the same
/// invocation (its REPORT line) usually follow shortly.
const ACTIVE_STEP: u32 = 4;

/// The wait before poll number `step` (0-based) when nothing new arrived: 200 ms, growing
/// ×1.5 per step, capped at 5 s.
pub fn poll_schedule(step: u32) -> Duration {
    POLL_INITIAL.mul_f64(POLL_FACTOR.powi(step.min(32) as i32)).min(POLL_MAX)
}

/// The adaptive schedule: [`poll_schedule`] step by step, pulled back to about a second
/// whenever a poll brings new events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PollSchedule {
    step: Option<u32>,
}

impl PollSchedule {
    /// The wait before the next poll, given whether the last poll brought new events.
    pub fn next_delay(&mut self, saw_new_events: bool) -> Duration {
        let step = match self.step {
            None => 0,
            Some(step) if saw_new_events => step.min(ACTIVE_STEP),
            Some(step) => (step + 1).min(64),
        };
        self.step = Some(step);
        poll_schedule(step)
    }
}

/// What one poll found.
#[derive(Clone, Debug, Default)]
pub struct Poll {
    /// Events not seen before, oldest first.
    pub events: Vec<LogEvent>,
    /// The log group does not exist (yet).
    pub group_missing: bool,
    /// CloudWatch Logs throttled the reads even after the SDK's retries: the poll is cut
    /// short, and the caller slows down instead of failing (the quota is per account).
    pub throttled: bool,
}

/// Reads a log group with FilterLogEvents, again and again, returning only new events.
///
/// Each poll asks from `start_ms` (or, with a `lookback`, from that long before the newest
/// event seen, so a long `--follow` does not re-read hours of logs); CloudWatch can deliver
/// an event after newer ones, so re-reading a window and dropping what was seen by event id
/// catches late arrivals that a strictly advancing start time would miss.
#[derive(Debug)]
pub struct Watcher {
    logs: aws_sdk_cloudwatchlogs::Client,
    group: String,
    start_ms: i64,
    filter: Option<String>,
    lookback: Option<Duration>,
    newest_ms: Option<i64>,
    /// Event ids already returned, with their timestamps (for pruning).
    seen: HashMap<String, i64>,
}

impl Watcher {
    pub fn new(
        clients: &Clients,
        group: impl Into<String>,
        start_ms: i64,
        filter: Option<String>,
        lookback: Option<Duration>,
    ) -> Self {
        Watcher {
            logs: clients.logs.clone(),
            group: group.into(),
            start_ms,
            filter,
            lookback,
            newest_ms: None,
            seen: HashMap::new(),
        }
    }

    pub fn group(&self) -> &str {
        &self.group
    }

    /// The start of the window the next poll reads.
    fn window_start(&self) -> i64 {
        match (self.lookback, self.newest_ms) {
            (Some(lookback), Some(newest)) => self.start_ms.max(newest - lookback.as_millis() as i64),
            _ => self.start_ms,
        }
    }

    /// One poll: every page of FilterLogEvents from the window start, new events only.
    pub async fn poll(&mut self) -> Result<Poll, AwsError> {
        let start = self.window_start();
        let mut token: Option<String> = None;
        let mut fresh = Vec::new();
        let mut throttled = false;
        loop {
            let result = self
                .logs
                .filter_log_events()
                .log_group_name(&self.group)
                .start_time(start)
                .set_filter_pattern(self.filter.clone())
                .set_next_token(token.take())
                .send()
                .await;
            let page = match result {
                Ok(page) => page,
                Err(err) if is_not_found(&err) => {
                    return Ok(Poll { events: Vec::new(), group_missing: true, throttled: false });
                }
                Err(err) => {
                    let err = to_aws_error("logs:FilterLogEvents", &self.group, &err);
                    if err.kind != AwsErrorKind::Throttling {
                        return Err(err);
                    }
                    tracing::debug!(group = %self.group, "FilterLogEvents throttled; slowing down");
                    throttled = true;
                    break;
                }
            };
            for event in page.events() {
                let timestamp_ms = event.timestamp().unwrap_or_default();
                let stream = event.log_stream_name().unwrap_or_default().to_owned();
                let message = event.message().unwrap_or_default().trim_end_matches(['\n', '\r']).to_owned();
                let key = match event.event_id() {
                    Some(id) => id.to_owned(),
                    None => format!("{stream}\u{0}{timestamp_ms}\u{0}{message}"),
                };
                if self.seen.insert(key.clone(), timestamp_ms).is_some() {
                    continue;
                }
                fresh.push(LogEvent { timestamp_ms, stream, message, event_id: Some(key) });
            }
            token = page.next_token().filter(|t| !t.is_empty()).map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        fresh.sort_by_key(|e| e.timestamp_ms);
        if let Some(newest) = fresh.iter().map(|e| e.timestamp_ms).max() {
            self.newest_ms = Some(self.newest_ms.map_or(newest, |n| n.max(newest)));
        }
        let floor = self.window_start();
        self.seen.retain(|_, ts| *ts >= floor);
        Ok(Poll { events: fresh, group_missing: false, throttled })
    }
}

// ---------------------------------------------------------------------------------------
// Live Tail
// ---------------------------------------------------------------------------------------

/// A CloudWatch Logs Live Tail session: events pushed as they are ingested.
#[derive(Debug)]
pub struct LiveTail {
    /// The session; its `response_stream` delivers the events.
    session: aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailOutput,
    group: String,
}

/// The log group's ARN in the form Live Tail takes (no trailing `:*`).
pub fn live_tail_group_arn(partition: &str, region: &str, account: &str, group: &str) -> String {
    format!("arn:{partition}:logs:{region}:{account}:log-group:{group}")
}

impl LiveTail {
    /// Starts a session. Fails when the endpoint has no Live Tail (emulators), the caller
    /// lacks `logs:StartLiveTail`, or the group does not exist; the caller falls back to polling.
    pub async fn start(clients: &Clients, group: &str, group_arn: &str) -> Result<LiveTail, AwsError> {
        let out = clients
            .logs
            .start_live_tail()
            .log_group_identifiers(group_arn)
            .send()
            .await
            .aws_err("logs:StartLiveTail", &group)?;
        let mut session = out;
        // The first frame says whether the session really started.
        match session.response_stream.recv().await {
            Ok(Some(_)) => Ok(LiveTail { session, group: group.to_owned() }),
            Ok(None) => Err(AwsError {
                action: "logs:StartLiveTail",
                resource: group.to_owned(),
                kind: AwsErrorKind::Service,
                code: None,
                message: "the session ended before it started".to_owned(),
                hint: None,
            }),
            Err(err) => Err(to_aws_error("logs:StartLiveTail", &group, &err)),
        }
    }

    /// The next batch of events; `Ok(None)` when the session has ended (Live Tail sessions
    /// last at most three hours).
    pub async fn next(&mut self) -> Result<Option<Vec<LogEvent>>, AwsError> {
        loop {
            let frame = self
                .session
                .response_stream
                .recv()
                .await
                .map_err(|err| to_aws_error("logs:StartLiveTail", &self.group, &err))?;
            let Some(frame) = frame else { return Ok(None) };
            let Ok(update) = frame.as_session_update() else { continue };
            let events = update
                .session_results()
                .iter()
                .map(|e| LogEvent {
                    timestamp_ms: e.timestamp().unwrap_or_default(),
                    stream: e.log_stream_name().unwrap_or_default().to_owned(),
                    message: e.message().unwrap_or_default().trim_end_matches(['\n', '\r']).to_owned(),
                    event_id: None,
                })
                .collect();
            return Ok(Some(events));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading log lines
// ---------------------------------------------------------------------------------------

/// The fields of a Lambda `REPORT` line (or a `platform.report` record).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReportFields {
    pub duration_ms: Option<f64>,
    pub billed_duration_ms: Option<u64>,
    pub memory_size_mb: Option<u64>,
    pub max_memory_used_mb: Option<u64>,
    /// Only on a cold start.
    pub init_duration_ms: Option<f64>,
    /// `timeout` or `error` when the platform reports a failed invocation (newer runtimes).
    pub status: Option<String>,
}

/// What kind of line this is, for grouping lines into invocations.
#[derive(Clone, Debug, PartialEq)]
pub enum LineKind {
    Start {
        request_id: String,
    },
    End {
        request_id: String,
    },
    Report {
        request_id: String,
        fields: ReportFields,
    },
    /// Anything else; `request_id` when the runtime stamped one on it.
    Other {
        request_id: Option<String>,
    },
}

/// A log line, understood.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedLine {
    pub kind: LineKind,
    /// The line reports a failure of the invocation.
    pub is_error: bool,
}

/// Understands one log message: the platform's START/END/REPORT lines (text or the JSON log
/// format), lines the runtime stamps with a request id, and error lines.
pub fn parse_line(message: &str) -> ParsedLine {
    let text = message.trim_start();
    if let Some(rest) = text.strip_prefix("START RequestId: ") {
        return ParsedLine { kind: LineKind::Start { request_id: first_token(rest) }, is_error: false };
    }
    if let Some(rest) = text.strip_prefix("END RequestId: ") {
        return ParsedLine { kind: LineKind::End { request_id: first_token(rest) }, is_error: false };
    }
    if let Some(rest) = text.strip_prefix("REPORT RequestId: ") {
        let fields = parse_report(rest);
        let is_error = fields.status.as_deref().is_some_and(|s| s != "success");
        return ParsedLine { kind: LineKind::Report { request_id: first_token(rest), fields }, is_error };
    }
    if text.starts_with('{')
        && let Some(parsed) = parse_json_line(text)
    {
        return parsed;
    }
    ParsedLine { kind: LineKind::Other { request_id: stamped_request_id(text) }, is_error: is_error_text(text) }
}

fn first_token(s: &str) -> String {
    s.split_whitespace().next().unwrap_or_default().to_owned()
}

/// A Lambda request id: a UUID, `8-4-4-4-12` hex digits.
pub fn looks_like_request_id(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// The request id the runtime puts near the start of its lines:
/// `[ERROR]\t<time>\t<id>\t...` (Python), `<time>\t<id>\tINFO\t...` (Node.js),
/// `<time> <id> Task timed out ...`, `RequestId: <id> Error: ...`.
fn stamped_request_id(text: &str) -> Option<String> {
    text.split_whitespace().take(4).find(|t| looks_like_request_id(t)).map(str::to_owned)
}

/// Reads `Duration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t...`.
pub fn parse_report(rest: &str) -> ReportFields {
    let number = |key: &str| field(rest, key).and_then(|v| v.split_whitespace().next().map(str::to_owned));
    ReportFields {
        duration_ms: number("Duration").and_then(|v| v.parse().ok()),
        billed_duration_ms: number("Billed Duration").and_then(|v| v.parse().ok()),
        memory_size_mb: number("Memory Size").and_then(|v| v.parse().ok()),
        max_memory_used_mb: number("Max Memory Used").and_then(|v| v.parse().ok()),
        init_duration_ms: number("Init Duration").and_then(|v| v.parse().ok()),
        status: number("Status"),
    }
}

/// The text after `KEY: ` up to the next tab, where KEY is a whole field name (so
/// `Duration` does not match inside `Billed Duration` or `Init Duration`).
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let needle = format!("{key}: ");
    line.match_indices(&needle)
        .find(|(at, _)| {
            let before = &line[..*at];
            let previous_word = before.split_whitespace().last().unwrap_or_default();
            (before.is_empty() || before.ends_with(char::is_whitespace))
                && !(key == "Duration" && matches!(previous_word, "Billed" | "Init"))
        })
        .map(|(at, _)| {
            let value = &line[at + needle.len()..];
            value.split('\t').next().unwrap_or(value).trim()
        })
}

/// Lines from Lambda's JSON log format (`platform.start`, `platform.report`, application
/// records with `level` and `requestId`). None for any other JSON (a function printing its
/// event, say).
fn parse_json_line(text: &str) -> Option<ParsedLine> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let record = doc.get("record");
    fn request_id(v: Option<&serde_json::Value>) -> Option<&str> {
        v.and_then(|r| r.get("requestId")).and_then(|i| i.as_str())
    }
    let failed_status = |v: Option<&serde_json::Value>| {
        v.and_then(|r| r.get("status")).and_then(|s| s.as_str()).filter(|s| *s != "success").map(str::to_owned)
    };
    match doc.get("type").and_then(|t| t.as_str()) {
        Some("platform.start") => {
            Some(ParsedLine { kind: LineKind::Start { request_id: request_id(record)?.to_owned() }, is_error: false })
        }
        Some("platform.runtimeDone") => Some(ParsedLine {
            kind: LineKind::End { request_id: request_id(record)?.to_owned() },
            is_error: failed_status(record).is_some(),
        }),
        Some("platform.report") => {
            let metrics = record.and_then(|r| r.get("metrics"));
            let f = |k: &str| metrics.and_then(|m| m.get(k)).and_then(|v| v.as_f64());
            let status = failed_status(record)
                .or_else(|| record.and_then(|r| r.get("status")).and_then(|s| s.as_str()).map(str::to_owned));
            let fields = ReportFields {
                duration_ms: f("durationMs"),
                billed_duration_ms: f("billedDurationMs").map(|v| v as u64),
                memory_size_mb: f("memorySizeMB").map(|v| v as u64),
                max_memory_used_mb: f("maxMemoryUsedMB").map(|v| v as u64),
                init_duration_ms: f("initDurationMs"),
                status,
            };
            let is_error = fields.status.as_deref().is_some_and(|s| s != "success");
            Some(ParsedLine { kind: LineKind::Report { request_id: request_id(record)?.to_owned(), fields }, is_error })
        }
        Some(t) if t.starts_with("platform.") => Some(ParsedLine {
            kind: LineKind::Other { request_id: request_id(record).map(str::to_owned) },
            is_error: false,
        }),
        _ => {
            let id = doc.get("requestId").and_then(|i| i.as_str())?;
            let level = doc.get("level").and_then(|l| l.as_str()).unwrap_or_default().to_ascii_uppercase();
            let is_error = matches!(level.as_str(), "ERROR" | "FATAL" | "CRITICAL")
                || doc.get("errorMessage").is_some()
                || doc.get("message").and_then(|m| m.get("errorMessage")).is_some();
            Some(ParsedLine { kind: LineKind::Other { request_id: Some(id.to_owned()) }, is_error })
        }
    }
}

/// Does this (non-platform) line say the invocation failed? The runtimes' own shapes:
/// `Task timed out after`, `[ERROR] ...`, a Python traceback, `Runtime.*Error`, Node's
/// `\tERROR\t`, an `"errorMessage"` document, or an `XxxError:` / `XxxException:` word.
pub fn is_error_text(text: &str) -> bool {
    let t = text.trim_start();
    t.contains("Task timed out after")
        || t.starts_with("[ERROR]")
        || t.starts_with("[CRITICAL]")
        || t.starts_with("[FATAL]")
        || t.contains("Traceback (most recent call last)")
        || t.contains("\tERROR\t")
        || t.contains("\"errorMessage\"")
        || runtime_error_code(t)
        || t.split_whitespace().take(6).any(error_word)
}

/// `Runtime.ExitError`, `Runtime.ImportModuleError`, ...: Lambda's runtime error types.
fn runtime_error_code(t: &str) -> bool {
    t.match_indices("Runtime.").any(|(at, m)| {
        let before_ok = at == 0 || !t[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        before_ok && t[at + m.len()..].starts_with(|c: char| c.is_ascii_uppercase())
    })
}

/// A word like `Error:`, `RuntimeError:`, `java.lang.IllegalStateException:`.
fn error_word(word: &str) -> bool {
    let Some(name) = word.strip_suffix(':') else { return false };
    (name.ends_with("Error") || name.ends_with("Exception"))
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// The error line as shown to people: its first line, at most 300 characters.
fn error_summary(message: &str) -> String {
    let first = message.trim().lines().next().unwrap_or_default().trim();
    match first.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &first[..cut]),
        None => first.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// Invocations and the probe verdict
// ---------------------------------------------------------------------------------------

/// The lines of one invocation, as far as they have arrived.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Invocation {
    /// None for lines that could not be tied to a request (their START was not read).
    pub request_id: Option<String>,
    pub stream: String,
    /// When its START line was stamped.
    pub started_ms: Option<i64>,
    pub first_ms: i64,
    pub last_ms: i64,
    pub ended: bool,
    pub report: Option<ReportFields>,
    /// The first line that says it failed.
    pub error: Option<String>,
    /// When the first line holding the marker (the probe id) was stamped.
    pub marker_ms: Option<i64>,
    pub lines: usize,
}

impl Invocation {
    /// When it began: its START line, else its first line read.
    pub fn begin_ms(&self) -> i64 {
        self.started_ms.unwrap_or(self.first_ms)
    }

    /// Its REPORT line has arrived: no more lines will come.
    pub fn complete(&self) -> bool {
        self.report.is_some()
    }

    fn add(&mut self, event: &LogEvent, is_error: bool, marker: Option<&str>) {
        if self.lines == 0 {
            self.first_ms = event.timestamp_ms;
            self.last_ms = event.timestamp_ms;
        }
        self.first_ms = self.first_ms.min(event.timestamp_ms);
        self.last_ms = self.last_ms.max(event.timestamp_ms);
        self.lines += 1;
        if is_error && self.error.is_none() {
            self.error = Some(error_summary(&event.message));
        }
        if marker.is_some_and(|m| !m.is_empty() && event.message.contains(m)) {
            self.marker_ms = Some(self.marker_ms.map_or(event.timestamp_ms, |t| t.min(event.timestamp_ms)));
        }
    }
}

/// Groups log events into invocations: `START RequestId: X` opens X in its stream, the lines
/// after it belong to X (or to the request id the runtime stamped on them), `REPORT
/// RequestId: X` closes it. Lines outside any invocation form one id-less group per stream.
/// Duplicated events (read twice) do no harm. Ordered by when each invocation began.
pub fn invocations(events: &[LogEvent], marker: Option<&str>) -> Vec<Invocation> {
    let mut order: Vec<&LogEvent> = events.iter().collect();
    // Stable: events of one stream with the same timestamp keep the order they were read in.
    order.sort_by(|a, b| a.stream.cmp(&b.stream).then(a.timestamp_ms.cmp(&b.timestamp_ms)));
    let mut all: Vec<Invocation> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut stray: HashMap<String, usize> = HashMap::new();
    let mut current: Option<usize> = None;
    let mut current_stream: Option<&str> = None;
    for event in order {
        if current_stream != Some(event.stream.as_str()) {
            current = None;
            current_stream = Some(event.stream.as_str());
        }
        let mut by_request = |id: &str, all: &mut Vec<Invocation>| -> usize {
            *by_id.entry(id.to_owned()).or_insert_with(|| {
                all.push(Invocation {
                    request_id: Some(id.to_owned()),
                    stream: event.stream.clone(),
                    ..Invocation::default()
                });
                all.len() - 1
            })
        };
        let parsed = parse_line(&event.message);
        let index = match &parsed.kind {
            LineKind::Start { request_id } => {
                let i = by_request(request_id, &mut all);
                let started = all[i].started_ms.map_or(event.timestamp_ms, |t| t.min(event.timestamp_ms));
                all[i].started_ms = Some(started);
                current = Some(i);
                i
            }
            LineKind::End { request_id } => {
                let i = by_request(request_id, &mut all);
                all[i].ended = true;
                i
            }
            LineKind::Report { request_id, fields } => {
                let i = by_request(request_id, &mut all);
                all[i].report = Some(fields.clone());
                if current == Some(i) {
                    current = None;
                }
                i
            }
            LineKind::Other { request_id: Some(id) } if by_id.contains_key(id) => by_id[id],
            LineKind::Other { .. } => match current {
                Some(i) => i,
                None => *stray.entry(event.stream.clone()).or_insert_with(|| {
                    all.push(Invocation { stream: event.stream.clone(), ..Invocation::default() });
                    all.len() - 1
                }),
            },
        };
        all[index].add(event, parsed.is_error, marker);
    }
    all.sort_by_key(|i| (i.begin_ms(), i.request_id.is_none()));
    all
}

/// The outcome of a probe, as its logs tell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The probe id appeared in a log line of an invocation that did not fail.
    Confirmed,
    /// The function ran after the send, but never logged the probe id.
    Invoked,
    /// The invocation that logged the probe id (or every invocation after the send) failed.
    InvokedWithError,
    /// No invocation by the timeout.
    NotInvoked,
    /// Nothing was sent: the queue has no enabled mapping to the function.
    NotSent,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Confirmed => "confirmed",
            Verdict::Invoked => "invoked",
            Verdict::InvokedWithError => "invoked-with-error",
            Verdict::NotInvoked => "not-invoked",
            Verdict::NotSent => "not-sent",
        }
    }
}

/// What the logs say so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    pub verdict: Verdict,
    /// The invocation the verdict is about.
    pub invocation: Option<Invocation>,
    /// The probe id was seen: the invocation is certainly the probe's.
    pub marker_seen: bool,
    /// Invocations that began at or after the send (minus the clock margin).
    pub after_send: usize,
    /// How many of those failed.
    pub errored_after_send: usize,
    /// Every invocation the verdict rests on has its REPORT line: waiting longer adds nothing
    /// to them.
    pub complete: bool,
}

/// Decides the verdict from the events read since the send (`since_ms`, already including a
/// clock-skew margin):
/// - the first invocation whose lines hold `probe_id` → `confirmed`, or `invoked-with-error`
///   when it also logged an error;
/// - else the invocations that began after the send → `invoked-with-error` when every one
///   failed, else `invoked` (none of them can be tied to the probe for sure);
/// - else `not-invoked`.
pub fn classify(events: &[LogEvent], probe_id: &str, since_ms: i64) -> Classification {
    let all = invocations(events, Some(probe_id));
    let after: Vec<&Invocation> = all.iter().filter(|i| i.request_id.is_some() && i.begin_ms() >= since_ms).collect();
    let after_send = after.len();
    let errored_after_send = after.iter().filter(|i| i.error.is_some()).count();
    if let Some(marked) = all.iter().filter(|i| i.marker_ms.is_some()).min_by_key(|i| i.marker_ms) {
        return Classification {
            verdict: if marked.error.is_some() { Verdict::InvokedWithError } else { Verdict::Confirmed },
            // Lines tied to no request never get a REPORT line.
            complete: marked.complete() || marked.request_id.is_none(),
            invocation: Some(marked.clone()),
            marker_seen: true,
            after_send,
            errored_after_send,
        };
    }
    let complete = after.iter().all(|i| i.complete());
    if after.is_empty() {
        return Classification {
            verdict: Verdict::NotInvoked,
            invocation: None,
            marker_seen: false,
            after_send,
            errored_after_send,
            complete,
        };
    }
    let (verdict, chosen) = if errored_after_send == after_send {
        (Verdict::InvokedWithError, after[0])
    } else {
        (Verdict::Invoked, after.iter().find(|i| i.error.is_none()).copied().unwrap_or(after[0]))
    };
    Classification {
        verdict,
        invocation: Some(chosen.clone()),
        marker_seen: false,
        after_send,
        errored_after_send,
        complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0e7c9a4c-1111-4a4a-8b8b-000000000001";
    const B: &str = "0e7c9a4c-2222-4a4a-8b8b-000000000002";
    const PROBE: &str = "sqstp-7d3f0c3e-5d0e-4c8e-9f43-3a6c7b9b2f10";
    const SENT: i64 = 1_700_000_000_000;

    /// Events from (stream, milliseconds after the send, message).
    fn events(lines: &[(&str, i64, &str)]) -> Vec<LogEvent> {
        lines
            .iter()
            .enumerate()
            .map(|(i, (stream, at, message))| LogEvent {
                timestamp_ms: SENT + at,
                stream: (*stream).to_owned(),
                message: (*message).to_owned(),
                event_id: Some(i.to_string()),
            })
            .collect()
    }

    fn start(id: &str) -> String {
        format!("START RequestId: {id} Version: $LATEST")
    }
    fn end(id: &str) -> String {
        format!("END RequestId: {id}")
    }
    fn report(id: &str) -> String {
        format!(
            "REPORT RequestId: {id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t\
             Max Memory Used: 40 MB\tInit Duration: 101.50 ms\t"
        )
    }
    fn echo(id: &str) -> String {
        format!("{{\"Records\": [{{\"body\": \"{{\\\"sqs_trigger_probe\\\":\\\"{id}\\\"}}\"}}]}}")
    }

    fn verdict_of(lines: &[(&str, i64, String)]) -> Classification {
        let borrowed: Vec<(&str, i64, &str)> = lines.iter().map(|(s, t, m)| (*s, *t, m.as_str())).collect();
        classify(&events(&borrowed), PROBE, SENT - 5_000)
    }

    #[test]
    fn poll_schedule_starts_fast_and_backs_off() {
        let ms: Vec<u128> = (0..12).map(|n| poll_schedule(n).as_millis()).collect();
        assert_eq!(ms, [200, 300, 450, 675, 1012, 1518, 2278, 3417, 5000, 5000, 5000, 5000]);
        assert_eq!(poll_schedule(u32::MAX), POLL_MAX);
    }

    #[test]
    fn adaptive_schedule_comes_back_on_activity() {
        let mut s = PollSchedule::default();
        let mut waits = Vec::new();
        for new in [false, false, false, false, false, false, false, true, false, true, true] {
            waits.push(s.next_delay(new).as_millis());
        }
        // quiet: grows; new lines: back to about a second, never faster than where it was.
        assert_eq!(waits, [200, 300, 450, 675, 1012, 1518, 2278, 1012, 1518, 1012, 1012]);
        let mut fresh = PollSchedule::default();
        assert_eq!(fresh.next_delay(true).as_millis(), 200);
        assert_eq!(fresh.next_delay(true).as_millis(), 200);
    }

    #[test]
    fn log_group_choice() {
        let name: FunctionName = "worker".parse().unwrap();
        let table = [
            (None, "/aws/lambda/worker"),
            (Some(""), "/aws/lambda/worker"),
            (Some("  "), "/aws/lambda/worker"),
            (Some("/shared/app-logs"), "/shared/app-logs"),
        ];
        for (configured, expected) in table {
            assert_eq!(log_group_for(&name, configured), expected, "{configured:?}");
        }
        assert_eq!(
            live_tail_group_arn("aws", "us-east-1", "123456789012", "/aws/lambda/worker"),
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker"
        );
    }

    fn clients_with_lambda(lambda: aws_sdk_lambda::Client) -> Clients {
        // Unmocked services answer nothing: a closed loopback port, never the network.
        let config = aws_config::SdkConfig::builder()
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        let mut clients = Clients::new(&config);
        clients.lambda = lambda;
        clients
    }

    fn function_output(group: Option<&str>) -> aws_sdk_lambda::operation::get_function::GetFunctionOutput {
        use aws_sdk_lambda::types::{FunctionConfiguration, LoggingConfig};
        let mut config = FunctionConfiguration::builder()
            .function_arn("arn:aws:lambda:us-east-1:123456789012:function:worker")
            .role("arn:aws:iam::123456789012:role/worker-role");
        if let Some(group) = group {
            config = config.logging_config(LoggingConfig::builder().log_group(group).build());
        }
        aws_sdk_lambda::operation::get_function::GetFunctionOutput::builder().configuration(config.build()).build()
    }

    #[tokio::test]
    async fn discovery_reads_the_functions_logging_config() {
        use aws_sdk_lambda::operation::get_function_concurrency::GetFunctionConcurrencyOutput;
        use aws_smithy_mocks::{RuleMode, mock, mock_client};
        let worker: FunctionRef = "worker".parse().unwrap();
        // Gathering may also ask for the reserved concurrency; none is reserved.
        let concurrency = mock!(aws_sdk_lambda::Client::get_function_concurrency)
            .then_output(|| GetFunctionConcurrencyOutput::builder().build());
        let custom = mock!(aws_sdk_lambda::Client::get_function).then_output(|| function_output(Some("/shared/app")));
        let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&custom, &concurrency]));
        assert_eq!(discover(&clients, &worker).await.unwrap().name, "/shared/app");

        let default = mock!(aws_sdk_lambda::Client::get_function).then_output(|| function_output(None));
        let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&default, &concurrency]));
        let group = discover(&clients, &worker).await.unwrap();
        assert_eq!((group.name.as_str(), group.note.is_none()), ("/aws/lambda/worker", true));
    }

    #[tokio::test]
    async fn discovery_without_lambda_permission_guesses_the_default_group() {
        use aws_smithy_mocks::{mock, mock_client};
        let denied = mock!(aws_sdk_lambda::Client::get_function).then_error(|| {
            aws_sdk_lambda::operation::get_function::GetFunctionError::generic(
                aws_sdk_lambda::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, [&denied]));
        let group = discover(&clients, &"worker".parse().unwrap()).await.unwrap();
        assert_eq!(group.name, "/aws/lambda/worker");
        assert!(group.note.unwrap().contains("lambda:GetFunction"));

        let missing = mock!(aws_sdk_lambda::Client::get_function).then_error(|| {
            aws_sdk_lambda::operation::get_function::GetFunctionError::ResourceNotFoundException(
                aws_sdk_lambda::types::error::ResourceNotFoundException::builder().message("nope").build(),
            )
        });
        let clients = clients_with_lambda(mock_client!(aws_sdk_lambda, [&missing]));
        let err = discover(&clients, &"worker".parse().unwrap()).await.unwrap_err();
        assert_eq!(err.exit_status().code(), 3, "{err}");
    }

    #[test]
    fn platform_lines() {
        assert_eq!(parse_line(&start(A)).kind, LineKind::Start { request_id: A.into() });
        assert_eq!(parse_line(&end(A)).kind, LineKind::End { request_id: A.into() });
        let LineKind::Report { request_id, fields } = parse_line(&report(A)).kind else { panic!() };
        assert_eq!(request_id, A);
        assert_eq!(
            fields,
            ReportFields {
                duration_ms: Some(12.34),
                billed_duration_ms: Some(13),
                memory_size_mb: Some(128),
                max_memory_used_mb: Some(40),
                init_duration_ms: Some(101.5),
                status: None,
            }
        );
        // Without Init Duration (warm), with XRAY and a Status (newer runtimes).
        let warm = format!(
            "REPORT RequestId: {A}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\t\
             Max Memory Used: 41 MB\tXRAY TraceId: 1-abc\tStatus: timeout"
        );
        let parsed = parse_line(&warm);
        let LineKind::Report { fields, .. } = &parsed.kind else { panic!() };
        assert_eq!(fields.init_duration_ms, None);
        assert_eq!(fields.duration_ms, Some(3000.0));
        assert_eq!(fields.status.as_deref(), Some("timeout"));
        assert!(parsed.is_error);
        // Tabs turned into spaces (copied from a console) still parse.
        let spaced = report(A).replace('\t', " ");
        let LineKind::Report { fields, .. } = parse_line(&spaced).kind else { panic!() };
        assert_eq!(
            (fields.duration_ms, fields.billed_duration_ms, fields.init_duration_ms),
            (Some(12.34), Some(13), Some(101.5))
        );
    }

    #[test]
    fn json_log_format() {
        let start = format!(
            r#"{{"time":"2024-01-01T00:00:00.000Z","type":"platform.start","record":{{"requestId":"{A}","version":"$LATEST"}}}}"#
        );
        assert_eq!(parse_line(&start).kind, LineKind::Start { request_id: A.into() });
        let report = format!(
            r#"{{"type":"platform.report","record":{{"requestId":"{A}","metrics":{{"durationMs":2.5,"billedDurationMs":3,"memorySizeMB":256,"maxMemoryUsedMB":70,"initDurationMs":150.2}},"status":"success"}}}}"#
        );
        let parsed = parse_line(&report);
        let LineKind::Report { fields, .. } = &parsed.kind else { panic!("{parsed:?}") };
        assert_eq!(
            (fields.duration_ms, fields.memory_size_mb, fields.init_duration_ms),
            (Some(2.5), Some(256), Some(150.2))
        );
        assert!(!parsed.is_error);
        let app_error = format!(r#"{{"timestamp":"t","level":"ERROR","message":"boom","requestId":"{A}"}}"#);
        let parsed = parse_line(&app_error);
        assert_eq!(parsed.kind, LineKind::Other { request_id: Some(A.into()) });
        assert!(parsed.is_error);
        // A function printing its own JSON is just a line.
        assert_eq!(
            parse_line(&echo(PROBE)),
            ParsedLine { kind: LineKind::Other { request_id: None }, is_error: false }
        );
    }

    #[test]
    fn error_lines() {
        let errors = [
            "[ERROR] RuntimeError: boom: cannot process",
            "[ERROR]\t2024-01-01T00:00:00.000Z\t0e7c9a4c-1111-4a4a-8b8b-000000000001\tsomething failed",
            "Traceback (most recent call last):",
            "2024-01-01T00:00:03.000Z 0e7c9a4c-1111-4a4a-8b8b-000000000001 Task timed out after 3.00 seconds",
            "RequestId: 0e7c9a4c-1111-4a4a-8b8b-000000000001 Error: Runtime exited with code: 1",
            "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'x'",
            "Runtime.ExitError",
            "2024-01-01T00:00:00.000Z\t0e7c9a4c-1111-4a4a-8b8b-000000000001\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"boom\"}",
            "{\"errorMessage\": \"boom\", \"errorType\": \"ValueError\"}",
            "TypeError: cannot read properties of undefined",
            "java.lang.IllegalStateException: bad state",
        ];
        for line in errors {
            assert!(parse_line(line).is_error, "should be an error: {line}");
        }
        let fine = [
            "processing order 42",
            "[INFO]\t2024-01-01T00:00:00.000Z\t0e7c9a4c-1111-4a4a-8b8b-000000000001\tall good",
            "no errors: 0",
            "{\"body\": \"Error: this is the user's text\"}",
            "retrying after a RuntimeWarning",
            &echo(PROBE),
            &start(A),
            &end(A),
            &report(A),
        ];
        for line in fine {
            assert!(!parse_line(line).is_error, "should not be an error: {line}");
        }
    }

    #[test]
    fn request_ids_on_runtime_lines() {
        let tab = format!("[ERROR]\t2024-01-01T00:00:00.000Z\t{A}\tboom");
        assert_eq!(parse_line(&tab).kind, LineKind::Other { request_id: Some(A.into()) });
        let node = format!("2024-01-01T00:00:00.000Z\t{B}\tINFO\thello");
        assert_eq!(parse_line(&node).kind, LineKind::Other { request_id: Some(B.into()) });
        assert!(!looks_like_request_id("sqstp-0e7c9a4c-1111-4a4a-8b8b-00000000000"));
        assert!(!looks_like_request_id("0e7c9a4c-1111-4a4a-8b8b-00000000000g"));
    }

    #[test]
    fn lines_group_into_invocations_by_stream_and_request_id() {
        // Two streams, interleaved in time; a stamped line of A arrives while B is current
        // in another stream; stray lines before any START.
        let lines = [
            ("s1", 0, "INIT_START Runtime Version: python:3.12".to_owned()),
            ("s1", 10, start(A)),
            ("s2", 11, start(B)),
            ("s1", 12, echo(PROBE)),
            ("s2", 13, "working on something else".to_owned()),
            ("s1", 14, format!("[INFO]\t2024-01-01T00:00:00.000Z\t{A}\tdone")),
            ("s2", 15, end(B)),
            ("s2", 15, report(B)),
            ("s1", 16, end(A)),
            ("s1", 16, report(A)),
        ];
        let borrowed: Vec<(&str, i64, &str)> = lines.iter().map(|(s, t, m)| (*s, *t, m.as_str())).collect();
        let all = invocations(&events(&borrowed), Some(PROBE));
        let ids: Vec<Option<&str>> = all.iter().map(|i| i.request_id.as_deref()).collect();
        assert_eq!(ids, [None, Some(A), Some(B)]);
        let a = &all[1];
        assert_eq!((a.lines, a.marker_ms, a.ended, a.complete()), (5, Some(SENT + 12), true, true));
        assert_eq!(a.report.as_ref().unwrap().duration_ms, Some(12.34));
        let b = &all[2];
        assert_eq!((b.lines, b.marker_ms), (4, None));
        assert_eq!(all[0].lines, 1);
    }

    /// (name, lines, verdict, request id of the chosen invocation, complete)
    type Case<'a> = (&'a str, Vec<(String, i64, String)>, Verdict, Option<&'a str>, bool);

    #[test]
    fn verdicts() {
        let e = |s: &str, t: i64, m: String| (s.to_owned(), t, m);
        let table: Vec<Case> = vec![
            ("nothing", vec![], Verdict::NotInvoked, None, true),
            (
                "an invocation before the send does not count",
                vec![e("s", -60_000, start(A)), e("s", -59_000, end(A)), e("s", -59_000, report(A))],
                Verdict::NotInvoked,
                None,
                true,
            ),
            (
                "echo: confirmed",
                vec![e("s", 100, start(A)), e("s", 100, echo(PROBE)), e("s", 101, end(A)), e("s", 101, report(A))],
                Verdict::Confirmed,
                Some(A),
                true,
            ),
            (
                "marker but no REPORT yet: confirmed, incomplete",
                vec![e("s", 100, start(A)), e("s", 100, echo(PROBE))],
                Verdict::Confirmed,
                Some(A),
                false,
            ),
            (
                "the marked invocation failed",
                vec![
                    e("s", 100, start(A)),
                    e("s", 100, echo(PROBE)),
                    e("s", 100, "[ERROR] RuntimeError: boom".to_owned()),
                    e("s", 101, end(A)),
                    e("s", 101, report(A)),
                ],
                Verdict::InvokedWithError,
                Some(A),
                true,
            ),
            (
                "silent: invoked",
                vec![e("s", 100, start(A)), e("s", 101, end(A)), e("s", 101, report(A))],
                Verdict::Invoked,
                Some(A),
                true,
            ),
            (
                "silent, only START so far: invoked, incomplete",
                vec![e("s", 100, start(A))],
                Verdict::Invoked,
                Some(A),
                false,
            ),
            (
                "the only invocation timed out",
                vec![
                    e("s", 100, start(A)),
                    e("s", 1100, format!("2024-01-01T00:00:01.000Z {A} Task timed out after 1.00 seconds")),
                    e("s", 1100, end(A)),
                    e("s", 1100, report(A)),
                ],
                Verdict::InvokedWithError,
                Some(A),
                true,
            ),
            (
                "a failing and a healthy invocation, no marker: invoked (the healthy one)",
                vec![
                    e("s1", 100, start(A)),
                    e("s1", 100, "[ERROR] ValueError: x".to_owned()),
                    e("s1", 101, report(A)),
                    e("s2", 200, start(B)),
                    e("s2", 201, report(B)),
                ],
                Verdict::Invoked,
                Some(B),
                true,
            ),
            (
                "the marker wins over other invocations",
                vec![
                    e("s1", 100, start(A)),
                    e("s1", 101, report(A)),
                    e("s2", 200, start(B)),
                    e("s2", 200, format!("got {PROBE}")),
                    e("s2", 201, report(B)),
                ],
                Verdict::Confirmed,
                Some(B),
                true,
            ),
            (
                "a retry: the first marked invocation counts",
                vec![
                    e("s1", 100, start(A)),
                    e("s1", 100, echo(PROBE)),
                    e("s1", 100, "Traceback (most recent call last):".to_owned()),
                    e("s1", 101, report(A)),
                    e("s2", 31_000, start(B)),
                    e("s2", 31_000, echo(PROBE)),
                    e("s2", 31_001, report(B)),
                ],
                Verdict::InvokedWithError,
                Some(A),
                true,
            ),
        ];
        for (name, lines, verdict, request_id, complete) in table {
            let c = verdict_of(&lines.iter().map(|(s, t, m)| (s.as_str(), *t, m.clone())).collect::<Vec<_>>());
            assert_eq!(c.verdict, verdict, "{name}");
            assert_eq!(c.invocation.as_ref().and_then(|i| i.request_id.as_deref()), request_id, "{name}");
            assert_eq!(c.complete, complete, "{name}");
        }
    }

    #[test]
    fn the_error_text_is_the_first_error_line() {
        let lines = vec![
            ("s", 100, start(A)),
            ("s", 100, "[ERROR] RuntimeError: boom: cannot process".to_owned()),
            ("s", 100, "Traceback (most recent call last):".to_owned()),
            ("s", 101, report(A)),
        ];
        let c = verdict_of(&lines);
        assert_eq!(c.invocation.unwrap().error.as_deref(), Some("[ERROR] RuntimeError: boom: cannot process"));
    }

    #[test]
    fn timestamps_are_rfc3339_millis() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}
