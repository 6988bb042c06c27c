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
//!
//! One file per job: `discover`, `poll`, `live_tail`, `parse`, `classify`, and `watch` (the
//! probe's watch loop over them).

mod classify;
mod discover;
mod live_tail;
mod parse;
mod poll;
#[cfg(test)]
mod tests;
mod watch;

pub use classify::*;
pub use discover::*;
pub use live_tail::*;
pub use parse::*;
pub use poll::*;
pub use watch::*;

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
