//! Watching for one probe's invocation: poll (or Live Tail) until the probe's invocation is
//! complete, or the function ran without the marker and nothing more comes, or time runs out.

use super::*;

use std::time::Instant;

/// After the probe id shows up, how long to wait for the REPORT line of that invocation.
pub const REPORT_GRACE: Duration = Duration::from_secs(5);
/// Without the probe id in the logs: how long after the last complete invocation to wait for
/// more before concluding `invoked` (unless `--require-marker`, which waits for the marker).
pub const SETTLE: Duration = Duration::from_secs(3);

/// What to watch for.
pub struct ProbeWatch<'a> {
    pub group: &'a str,
    pub probe_id: &'a str,
    /// Log lines from this time on count (epoch ms).
    pub since_ms: i64,
    pub timeout: Duration,
    /// Wait for the probe id itself, not just an invocation.
    pub require_marker: bool,
    /// What the function's lines look like and which streams are its own.
    pub shape: LogShape,
}

/// What the watch saw.
pub struct Watched {
    pub seen: Classification,
    pub group_missing: bool,
    pub waited: Duration,
}

/// Where events come from while watching.
enum Source {
    Poll,
    Live(Box<LiveTail>),
}

impl ProbeWatch<'_> {
    /// Watches until a verdict can be given. `live` is a Live Tail session started before the
    /// send (it only shows what is ingested after it starts); without one, or when it ends,
    /// `FilterLogEvents` is polled on an adaptive schedule. `progress` hears every change;
    /// `note` says what a person should know (the Live Tail session ended).
    pub async fn run(
        &self,
        clients: &Clients,
        live: Option<LiveTail>,
        progress: impl Fn(&Classification, bool),
        note: impl Fn(&str),
    ) -> Result<Watched, AwsError> {
        let mut source = match live {
            Some(tail) => Source::Live(Box::new(tail)),
            None => Source::Poll,
        };
        let mut watcher = Watcher::new(clients, self.group, self.since_ms, None, None).for_function(&self.shape);
        let started = Instant::now();
        let deadline = started + self.timeout;
        let mut events: Vec<LogEvent> = Vec::new();
        let mut group_missing = false;
        let mut schedule = PollSchedule::default();
        let mut next_poll = started;
        let mut grace_until: Option<Instant> = None;
        let mut settle: Option<(usize, Instant)> = None;
        let mut seen = classify_with(&events, self.probe_id, self.since_ms, &self.shape);
        loop {
            let wake =
                [Some(deadline), grace_until, settle.map(|s| s.1)].into_iter().flatten().min().unwrap_or(deadline);
            let fresh = match &mut source {
                Source::Poll => {
                    tokio::time::sleep_until(next_poll.min(wake).into()).await;
                    if Instant::now() >= next_poll {
                        // The schedule spaces the polls' starts (one in flight at most): a
                        // round trip to CloudWatch is not added to every wait.
                        let poll_started = Instant::now();
                        let poll = watcher.poll().await?;
                        group_missing = poll.group_missing;
                        let delay = schedule.next_delay(!poll.events.is_empty() && !poll.throttled);
                        next_poll = (poll_started + delay).max(Instant::now());
                        poll.events
                    } else {
                        Vec::new()
                    }
                }
                Source::Live(tail) => match tokio::time::timeout_at(wake.into(), tail.next()).await {
                    Err(_) => Vec::new(),
                    Ok(Ok(Some(batch))) => batch.into_iter().filter(|e| self.shape.keeps(&e.stream)).collect(),
                    Ok(Ok(None)) | Ok(Err(_)) => {
                        note("note: the Live Tail session ended; polling FilterLogEvents instead");
                        source = Source::Poll;
                        Vec::new()
                    }
                },
            };
            if !fresh.is_empty() {
                events.extend(fresh);
                seen = classify_with(&events, self.probe_id, self.since_ms, &self.shape);
            }
            progress(&seen, group_missing);
            let now = Instant::now();
            if seen.marker_seen {
                if seen.complete || now >= *grace_until.get_or_insert(now + REPORT_GRACE) {
                    break;
                }
                continue;
            }
            if seen.after_send > 0 && seen.complete && !self.require_marker {
                let until = match settle {
                    Some((count, until)) if count == seen.after_send => until,
                    _ => now + SETTLE,
                };
                settle = Some((seen.after_send, until));
                if now >= until {
                    break;
                }
            } else {
                settle = None;
            }
            if now >= deadline {
                break;
            }
        }
        Ok(Watched { seen, group_missing, waited: started.elapsed() })
    }
}
