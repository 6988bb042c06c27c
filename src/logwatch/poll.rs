//! Polling `FilterLogEvents` on an adaptive schedule, every page, deduplicated by event id.

use super::*;

/// The first wait between polls: an emulator or a warm function logs within a second.
pub const POLL_INITIAL: Duration = Duration::from_millis(200);
/// Each quiet poll waits this much longer than the one before.
pub const POLL_FACTOR: f64 = 1.5;
/// The longest wait: CloudWatch Logs often needs several seconds to deliver, and a long
/// wait must stay well under the FilterLogEvents request quota.
pub const POLL_MAX: Duration = Duration::from_secs(5);
/// Where the schedule goes back to when new lines arrive (about 1 s): more lines of the same
/// invocation (its REPORT line) usually follow shortly.
pub(crate) const ACTIVE_STEP: u32 = 4;

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
    /// Which streams of the group are the function's (a shared custom group).
    shape: LogShape,
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
            shape: LogShape::default(),
        }
    }

    /// Keeps only the lines of the function's own streams (a log group shared by several
    /// functions).
    pub fn for_function(mut self, shape: &LogShape) -> Self {
        self.shape = shape.clone();
        self
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
                if !self.shape.keeps(&stream) {
                    continue;
                }
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
