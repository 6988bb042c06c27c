//! Reading one log line: START/END/REPORT in text or JSON format, request ids, error text.

use super::*;

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

pub(crate) fn first_token(s: &str) -> String {
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
pub(crate) fn stamped_request_id(text: &str) -> Option<String> {
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
pub(crate) fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
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
pub(crate) fn parse_json_line(text: &str) -> Option<ParsedLine> {
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
pub(crate) fn runtime_error_code(t: &str) -> bool {
    t.match_indices("Runtime.").any(|(at, m)| {
        let before_ok = at == 0 || !t[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        before_ok && t[at + m.len()..].starts_with(|c: char| c.is_ascii_uppercase())
    })
}

/// A word like `Error:`, `RuntimeError:`, `java.lang.IllegalStateException:`.
pub(crate) fn error_word(word: &str) -> bool {
    let Some(name) = word.strip_suffix(':') else { return false };
    (name.ends_with("Error") || name.ends_with("Exception"))
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// The error line as shown to people: its first line, at most 300 characters.
pub(crate) fn error_summary(message: &str) -> String {
    let first = message.trim().lines().next().unwrap_or_default().trim();
    match first.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &first[..cut]),
        None => first.to_owned(),
    }
}
