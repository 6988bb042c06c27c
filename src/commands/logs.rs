//! `logs --function F`: print a function's log lines, optionally following them, and with
//! `--until TEXT` wait for a line and exit 0 (exit 1 at `--timeout`), which `aws logs tail
//! --follow` cannot do for a CI step.
//!
//! Output is a stream: one line per event (`<RFC 3339 time> <stream> <message>`), or under
//! `--output json` one JSON object per line (JSON Lines). That is the one documented
//! exception to "one JSON document on stdout": a follower cannot wait until the end.

use std::io::{self, Write};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::cli::LogsArgs;
use crate::commands::Ctx;
use crate::error::{Error, ExitStatus};
use crate::logwatch::{self, LogEvent, PollSchedule, Watcher};
use crate::model::{FunctionRef, HumanDuration};
use crate::output::{Report, Style};
use crate::settings::{duration_flag, function_flag};

/// While following, each poll re-reads this far behind the newest event seen, to catch
/// events CloudWatch delivers after newer ones without re-reading the whole `--since` window.
pub const FOLLOW_LOOKBACK: Duration = Duration::from_secs(30);
/// FilterLogEvents takes filter patterns of up to 1024 characters.
const MAX_FILTER_LEN: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub function: FunctionRef,
    pub since: Duration,
    pub follow: bool,
    pub filter: Option<String>,
    pub until: Option<String>,
    pub timeout: Option<Duration>,
}

impl Settings {
    pub fn from_args(args: &LogsArgs) -> Result<Self, Error> {
        let function = function_flag(&args.function)?;
        let since = duration_flag("since", &args.since)?;
        let until = match &args.until {
            Some(text) if text.is_empty() => return Err(Error::usage("--until: give the text to wait for")),
            other => other.clone(),
        };
        let filter = match &args.filter {
            Some(p) if p.trim().is_empty() => return Err(Error::usage("--filter: the pattern is empty")),
            Some(p) if p.chars().count() > MAX_FILTER_LEN => {
                return Err(Error::usage(format!("--filter: at most {MAX_FILTER_LEN} characters")));
            }
            other => other.clone(),
        };
        let follow = args.follow || until.is_some();
        let timeout = match &args.timeout {
            Some(_) if !follow => {
                return Err(Error::usage("--timeout: only with --follow or --until (without them logs exits at once)"));
            }
            Some(text) => {
                let t = duration_flag("timeout", text)?;
                if t.is_zero() {
                    return Err(Error::usage("--timeout: must be longer than zero"));
                }
                Some(t)
            }
            None => None,
        };
        Ok(Settings { function, since, follow, filter, until, timeout })
    }
}

/// How the run ended. Not printed: the lines were the output. Its exit status is the result.
#[derive(Clone, Debug, Serialize)]
pub struct LogsSummary {
    pub log_group: String,
    pub events: usize,
    /// With `--until`: whether a line contained the text.
    pub matched: Option<bool>,
}

impl Report for LogsSummary {
    fn render_text(&self, _out: &mut dyn Write, _style: &Style) -> io::Result<()> {
        Ok(())
    }
    fn exit_status(&self) -> ExitStatus {
        if self.matched == Some(false) { ExitStatus::CheckFailed } else { ExitStatus::Success }
    }
}

/// One event as a JSON line; each line is a document of its own, so each names its schema.
#[derive(Serialize)]
struct JsonLine<'a> {
    schema: &'static str,
    timestamp: String,
    stream: &'a str,
    message: &'a str,
}

fn write_event(out: &mut dyn Write, json: bool, event: &LogEvent) -> io::Result<()> {
    if json {
        let line = JsonLine {
            schema: "sqs-trigger/logs/v1",
            timestamp: event.rfc3339(),
            stream: &event.stream,
            message: &event.message,
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)
    } else {
        writeln!(out, "{} {} {}", event.rfc3339(), event.stream, event.message)
    }
}

pub async fn run(ctx: &Ctx, settings: Settings) -> Result<LogsSummary, Error> {
    let group = logwatch::discover(&ctx.clients, &settings.function).await?;
    if let Some(note) = &group.note {
        ctx.output.note(note);
    }
    let start = SystemTime::now().checked_sub(settings.since).unwrap_or(SystemTime::UNIX_EPOCH);
    let lookback = settings.follow.then_some(FOLLOW_LOOKBACK);
    // A custom log group may be shared by several functions: only this function's streams.
    let shape = group.function.as_ref().map(logwatch::LogShape::of).unwrap_or_default();
    let mut watcher =
        Watcher::new(&ctx.clients, &group.name, logwatch::epoch_millis(start), settings.filter.clone(), lookback)
            .for_function(&shape);
    let started = Instant::now();
    let deadline = settings.timeout.map(|t| started + t);
    let mut summary = LogsSummary { log_group: group.name.clone(), events: 0, matched: None };
    if settings.until.is_some() {
        summary.matched = Some(false);
    }
    let mut schedule = PollSchedule::default();
    let mut said_missing = false;
    loop {
        let poll = watcher.poll().await?;
        if poll.group_missing {
            if !settings.follow {
                return Err(Error::Refused(format!(
                    "the log group {} does not exist: {} has not written a log line yet (or its execution role \
                     may not create log groups); use --follow to wait for it",
                    group.name, settings.function
                )));
            }
            if !said_missing {
                ctx.output.note(format!("waiting for the log group {} to appear", group.name));
                said_missing = true;
            }
        }
        match print_batch(ctx, &settings, &poll.events, &mut summary) {
            Ok(true) => return Ok(summary),
            Ok(false) => {}
            // Whoever reads our output has gone (`| head`): stop quietly.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(summary),
            Err(e) => return Err(Error::io("to stdout", e)),
        }
        if !settings.follow {
            return Ok(summary);
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            if let (Some(text), Some(timeout)) = (&settings.until, settings.timeout) {
                ctx.output.note(format!("no line contained `{text}` within {}", HumanDuration(timeout)));
            }
            return Ok(summary);
        }
        let delay = schedule.next_delay(!poll.events.is_empty() && !poll.throttled);
        let wake = deadline.map_or(now + delay, |d| d.min(now + delay));
        tokio::time::sleep_until(wake.into()).await;
    }
}

/// Prints a batch; true when a line contained the `--until` text (printing stops there).
fn print_batch(ctx: &Ctx, settings: &Settings, events: &[LogEvent], summary: &mut LogsSummary) -> io::Result<bool> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for event in events {
        write_event(&mut out, ctx.output.is_json(), event)?;
        summary.events += 1;
        if settings.until.as_deref().is_some_and(|text| event.message.contains(text)) {
            summary.matched = Some(true);
            out.flush()?;
            return Ok(true);
        }
    }
    out.flush()?;
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(extra: &[&str]) -> Result<Settings, Error> {
        use clap::Parser;
        let mut argv = vec!["sqs-trigger", "logs", "--function", "worker"];
        argv.extend_from_slice(extra);
        match crate::cli::Cli::try_parse_from(argv).unwrap().command {
            crate::cli::Command::Logs(a) => Settings::from_args(&a),
            _ => unreachable!(),
        }
    }

    #[test]
    fn until_implies_follow() {
        let s = settings(&["--until", "done", "--timeout", "30s"]).unwrap();
        assert!(s.follow);
        assert_eq!(s.timeout, Some(Duration::from_secs(30)));
        assert_eq!(settings(&[]).unwrap().since, Duration::from_secs(600));
    }

    #[test]
    fn bad_input_is_usage() {
        for extra in [
            &["--since", "later"][..],
            &["--timeout", "5s"],
            &["--follow", "--timeout", "0s"],
            &["--until", ""],
            &["--filter", " "],
        ] {
            assert!(matches!(settings(extra), Err(Error::Usage(_))), "{extra:?}");
        }
    }

    #[test]
    fn lines_and_json_lines() {
        let event = LogEvent {
            timestamp_ms: 1_700_000_000_123,
            stream: "2023/11/14/[$LATEST]abc".into(),
            message: "hello \"world\"".into(),
            event_id: None,
        };
        let mut text = Vec::new();
        write_event(&mut text, false, &event).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "2023-11-14T22:13:20.123Z 2023/11/14/[$LATEST]abc hello \"world\"\n"
        );
        let mut json = Vec::new();
        write_event(&mut json, true, &event).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(doc["timestamp"], "2023-11-14T22:13:20.123Z");
        assert_eq!(doc["message"], "hello \"world\"");
        assert_eq!(doc["stream"], "2023/11/14/[$LATEST]abc");
    }
}
