//! The limits Lambda enforces on what a mapping create or update asks for: batch size,
//! batching window, maximum concurrency, and the filters' consequences.

use std::ops::RangeInclusive;

use super::never_matching_filters;
use crate::model::facts::{MappingRequest, QueueFacts};
use crate::model::{Finding, FindingCode};

/// Lambda's default batch size for SQS.
pub const DEFAULT_BATCH_SIZE: i32 = 10;
/// Standard queues: 1-10000 records per batch.
pub const STANDARD_BATCH_SIZE: RangeInclusive<i32> = 1..=10_000;
/// FIFO queues: 1-10 records per batch.
pub const FIFO_BATCH_SIZE: RangeInclusive<i32> = 1..=10;
/// Above this batch size Lambda requires a batching window of at least 1 s.
pub const BATCH_SIZE_WITHOUT_WINDOW: i32 = 10;
/// MaximumBatchingWindowInSeconds: 0-300.
pub const BATCH_WINDOW_SECS: RangeInclusive<i32> = 0..=300;
/// ScalingConfig.MaximumConcurrency: 2-1000.
pub const MAX_CONCURRENCY: RangeInclusive<i32> = 2..=1000;

/// The limits Lambda applies to `CreateEventSourceMapping`/`UpdateEventSourceMapping` for SQS,
/// checked before the call so the user gets every problem at once, with the fix.
pub fn request_rules(queue: &QueueFacts, request: &MappingRequest) -> Vec<Finding> {
    let resource = queue.arn.to_string();
    let mut findings = Vec::new();
    let batch = request.batch_size.unwrap_or(DEFAULT_BATCH_SIZE);
    let window = request.batch_window_secs.unwrap_or(0);
    let (kind, batch_range) = if queue.fifo { ("FIFO", FIFO_BATCH_SIZE) } else { ("standard", STANDARD_BATCH_SIZE) };
    if !batch_range.contains(&batch) {
        findings.push(
            Finding::error(
                FindingCode::BatchSizeOutOfRange,
                resource.clone(),
                format!(
                    "batch size {batch} is out of range: a {kind} queue takes {}-{} records per batch",
                    batch_range.start(),
                    batch_range.end()
                ),
            )
            .fix(format!("pass --batch-size between {} and {}", batch_range.start(), batch_range.end())),
        );
    }
    if queue.fifo && window > 0 {
        findings.push(
            Finding::error(
                FindingCode::BatchWindowOutOfRange,
                resource.clone(),
                format!("a batching window ({window}s) is not supported for FIFO queues"),
            )
            .fix("drop --batch-window"),
        );
    } else if !BATCH_WINDOW_SECS.contains(&window) {
        findings.push(
            Finding::error(
                FindingCode::BatchWindowOutOfRange,
                resource.clone(),
                format!(
                    "batching window {window}s is out of range: Lambda waits {}-{} seconds at most",
                    BATCH_WINDOW_SECS.start(),
                    BATCH_WINDOW_SECS.end()
                ),
            )
            .fix("pass --batch-window between 0s and 5m"),
        );
    }
    if !queue.fifo && batch > BATCH_SIZE_WITHOUT_WINDOW && batch_range.contains(&batch) && window < 1 {
        findings.push(
            Finding::error(
                FindingCode::BatchWindowRequired,
                resource.clone(),
                format!(
                    "batch size {batch} needs a batching window: above {BATCH_SIZE_WITHOUT_WINDOW} records Lambda \
                     requires MaximumBatchingWindowInSeconds of at least 1 s"
                ),
            )
            .fix("add --batch-window 1s or more (e.g. --batch-window 5s)"),
        );
    }
    if let Some(n) = request.max_concurrency
        && !MAX_CONCURRENCY.contains(&n)
    {
        findings.push(
            Finding::error(
                FindingCode::MaxConcurrencyOutOfRange,
                resource.clone(),
                format!(
                    "maximum concurrency {n} is out of range: Lambda accepts {}-{} concurrent invocations per \
                     SQS mapping",
                    MAX_CONCURRENCY.start(),
                    MAX_CONCURRENCY.end()
                ),
            )
            .fix(format!(
                "pass --max-concurrency between {} and {} (or leave it out: no limit but the function's)",
                MAX_CONCURRENCY.start(),
                MAX_CONCURRENCY.end()
            )),
        );
    }
    findings.extend(never_matching_filters(&resource, "the mapping asked for", &request.filters));
    if !request.filters.is_empty() {
        let n = request.filters.len();
        findings.push(
            Finding::info(
                FindingCode::FilterDeletesUnmatched,
                resource,
                format!(
                    "{} filter pattern{}: Lambda DELETES every message that matches no pattern, without invoking \
                     the function",
                    n,
                    if n == 1 { "" } else { "s" }
                ),
            )
            .fix("make sure other consumers do not need those messages, or drop --filter"),
        );
    }
    findings
}
