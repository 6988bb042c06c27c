//! Grouping lines into invocations by request id, and the probe's verdict from them.

use super::*;

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
        let parsed = parse_line(&event.message);
        let known = matches!(&parsed.kind, LineKind::Other { request_id: Some(id) } if by_id.contains_key(id));
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
            // A JSON-format record stamped with a request id whose START was never written (a
            // SystemLogLevel of WARN hides it) opens that request, unless it sits inside the
            // invocation open in its stream. (Text lines stay as they were: a START before the
            // window read is the likelier reason there.)
            LineKind::Other { request_id: Some(id) }
                if known || (current.is_none() && event.message.trim_start().starts_with('{')) =>
            {
                let i = by_request(id, &mut all);
                if !known {
                    current = Some(i);
                }
                i
            }
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
pub enum ProbeVerdict {
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

impl ProbeVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeVerdict::Confirmed => "confirmed",
            ProbeVerdict::Invoked => "invoked",
            ProbeVerdict::InvokedWithError => "invoked-with-error",
            ProbeVerdict::NotInvoked => "not-invoked",
            ProbeVerdict::NotSent => "not-sent",
        }
    }
}

/// What a verdict rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictBasis {
    /// The invocation's REPORT line: Lambda's own record that the run ended, and how.
    Report,
    /// The function's own log lines only (the probe id, its errors): no REPORT line was read,
    /// so a failure Lambda alone reports (a timeout, say) cannot be seen.
    FunctionOutput,
    /// No line since the send.
    Nothing,
}

impl VerdictBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictBasis::Report => "report",
            VerdictBasis::FunctionOutput => "function-output",
            VerdictBasis::Nothing => "nothing",
        }
    }
}

/// What the logs say so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    pub verdict: ProbeVerdict,
    /// The invocation the verdict is about.
    pub invocation: Option<Invocation>,
    /// The probe id was seen: the invocation is certainly the probe's.
    pub marker_seen: bool,
    /// Invocations that began at or after the send (minus the clock margin).
    pub after_send: usize,
    /// How many of those failed.
    pub errored_after_send: usize,
    /// Every invocation the verdict rests on has its REPORT line (or none will come: the
    /// function's log level hides them): waiting longer adds nothing to them.
    pub complete: bool,
    /// What the verdict rests on.
    pub basis: VerdictBasis,
}

/// Decides the verdict from the events read since the send (`since_ms`, already including a
/// clock-skew margin):
/// - the first invocation whose lines hold `probe_id` → `confirmed`, or `invoked-with-error`
///   when it also logged an error;
/// - else the invocations that began after the send → `invoked-with-error` when every one
///   failed, else `invoked` (none of them can be tied to the probe for sure);
/// - else `not-invoked`.
pub fn classify(events: &[LogEvent], probe_id: &str, since_ms: i64) -> Classification {
    classify_with(events, probe_id, since_ms, &LogShape::default())
}

/// [`classify`] for a function whose logs have `shape`: without platform lines (JSON format,
/// SystemLogLevel WARN) no invocation will ever get its REPORT line, so each is complete as
/// it stands, and lines tied to no request id count as a run too.
pub fn classify_with(events: &[LogEvent], probe_id: &str, since_ms: i64, shape: &LogShape) -> Classification {
    let kept: Vec<LogEvent>;
    let events = if shape.function_streams.is_some() {
        kept = events.iter().filter(|e| shape.keeps(&e.stream)).cloned().collect();
        &kept[..]
    } else {
        events
    };
    let all = invocations(events, Some(probe_id));
    let after: Vec<&Invocation> =
        all.iter().filter(|i| (i.request_id.is_some() || !shape.platform_lines) && i.begin_ms() >= since_ms).collect();
    let after_send = after.len();
    let errored_after_send = after.iter().filter(|i| i.error.is_some()).count();
    let basis = |i: &Invocation| if i.report.is_some() { VerdictBasis::Report } else { VerdictBasis::FunctionOutput };
    if let Some(marked) = all.iter().filter(|i| i.marker_ms.is_some()).min_by_key(|i| i.marker_ms) {
        return Classification {
            verdict: if marked.error.is_some() { ProbeVerdict::InvokedWithError } else { ProbeVerdict::Confirmed },
            // Lines tied to no request never get a REPORT line.
            complete: marked.complete() || marked.request_id.is_none() || !shape.platform_lines,
            basis: basis(marked),
            invocation: Some(marked.clone()),
            marker_seen: true,
            after_send,
            errored_after_send,
        };
    }
    let complete = !shape.platform_lines || after.iter().all(|i| i.complete());
    if after.is_empty() {
        return Classification {
            verdict: ProbeVerdict::NotInvoked,
            invocation: None,
            marker_seen: false,
            after_send,
            errored_after_send,
            complete,
            basis: VerdictBasis::Nothing,
        };
    }
    let (verdict, chosen) = if errored_after_send == after_send {
        (ProbeVerdict::InvokedWithError, after[0])
    } else {
        (ProbeVerdict::Invoked, after.iter().find(|i| i.error.is_none()).copied().unwrap_or(after[0]))
    };
    Classification {
        verdict,
        basis: basis(chosen),
        invocation: Some(chosen.clone()),
        marker_seen: false,
        after_send,
        errored_after_send,
        complete,
    }
}
