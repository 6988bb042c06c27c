//! Reads what CloudWatch recorded about triggers over a window: one `GetMetricData` call
//! carries up to 500 queries (the API's limit), so the queries of many triggers share calls
//! (`doctor --all --metrics`). Read only: `cloudwatch:GetMetricData`, nothing is sent to a queue.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use futures::StreamExt;

use crate::aws::{AwsResultExt, Clients};
use crate::error::AwsError;
use crate::model::FunctionArn;
use crate::model::facts::Unreadable;
use crate::model::metrics::{Datapoint, MetricKind, Series};

/// "A single GetMetricData call can include as many as 500 MetricDataQuery structures"
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html).
pub const MAX_QUERIES_PER_CALL: usize = 500;

/// Calls in flight at once under `--all`.
const CONCURRENT_CALLS: usize = 4;

/// What to read about one trigger.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub queue: String,
    pub dlq: Option<String>,
    pub function: Option<FunctionArn>,
    /// The UUIDs of the trigger's mappings (their metrics exist only with `MetricsConfig`).
    pub mappings: Vec<String>,
}

/// The window: whole periods, ending at the end of the current period so that what was
/// published a moment ago is in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: i64,
    pub end: i64,
    pub period_secs: u32,
}

impl Window {
    /// One-minute periods (SQS and Lambda publish every minute) up to 3 hours, then
    /// five-minute ones, so a sparkline stays short.
    pub fn ending_now(length: Duration, now: SystemTime) -> Window {
        let period: i64 = if length <= Duration::from_secs(3 * 3600) { 60 } else { 300 };
        let now = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let end = (now / period + 1) * period;
        let periods = length.as_secs().div_ceil(period as u64).max(1) as i64;
        Window { start: end - periods * period, end, period_secs: period as u32 }
    }
}

/// One query: the trigger it belongs to and the metric it reads.
#[derive(Clone, Debug)]
struct Query {
    target: usize,
    metric: MetricKind,
    dimensions: Vec<(&'static str, String)>,
}

fn queries(targets: &[Target]) -> Vec<Query> {
    let mut out = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let mut push = |metric: MetricKind, dimensions: Vec<(&'static str, String)>| {
            out.push(Query { target: i, metric, dimensions })
        };
        for metric in MetricKind::QUEUE {
            push(metric, vec![("QueueName", t.queue.clone())]);
        }
        if let Some(dlq) = &t.dlq {
            push(MetricKind::DlqMessagesVisible, vec![("QueueName", dlq.clone())]);
        }
        if let Some(f) = &t.function {
            // A qualified function (alias or version) is the Resource `name:qualifier`; the
            // FunctionName dimension alone aggregates every version.
            let mut dims = vec![("FunctionName", f.name().to_string())];
            if let Some(q) = f.qualifier() {
                dims.push(("Resource", format!("{}:{q}", f.name())));
            }
            for metric in MetricKind::FUNCTION {
                push(metric, dims.clone());
            }
        }
        for uuid in &t.mappings {
            for metric in MetricKind::MAPPING {
                push(metric, vec![("EventSourceMappingUUID", uuid.clone())]);
            }
        }
    }
    out
}

/// How many `GetMetricData` calls (before paging) the targets need.
pub fn calls_needed(targets: &[Target]) -> usize {
    queries(targets).len().div_ceil(MAX_QUERIES_PER_CALL)
}

fn sdk_query(id: usize, q: &Query, period: u32) -> MetricDataQuery {
    let dimensions = q.dimensions.iter().map(|(n, v)| Dimension::builder().name(*n).value(v).build()).collect();
    let metric = Metric::builder()
        .namespace(q.metric.namespace())
        .metric_name(q.metric.metric_name())
        .set_dimensions(Some(dimensions))
        .build();
    let stat = MetricStat::builder().metric(metric).period(period as i32).stat(q.metric.stat().as_str()).build();
    MetricDataQuery::builder().id(format!("m{id}")).metric_stat(stat).return_data(true).build()
}

/// The series of each target, in the targets' order. A caller without
/// `cloudwatch:GetMetricData` gets `Unreadable` (doctor says `check-skipped`); any other
/// failure is an error.
pub async fn read(
    clients: &Clients,
    targets: &[Target],
    window: Window,
) -> Result<Vec<Result<Vec<Series>, Unreadable>>, AwsError> {
    let all = queries(targets);
    let chunks: Vec<Vec<(usize, &Query)>> =
        all.iter().enumerate().collect::<Vec<_>>().chunks(MAX_QUERIES_PER_CALL).map(<[_]>::to_vec).collect();
    // What a failed call was about, for its error: the queue of a single trigger.
    let about = match targets {
        [one] => format!("the metrics of {} (its DLQ and function)", one.queue),
        many => format!("the metrics of {} triggers", many.len()),
    };
    let results: Vec<Result<HashMap<usize, Vec<Datapoint>>, AwsError>> = futures::stream::iter(chunks)
        .map(|chunk| call(clients, chunk, window, &about))
        .buffered(CONCURRENT_CALLS)
        .collect()
        .await;
    let mut points: HashMap<usize, Vec<Datapoint>> = HashMap::new();
    for result in results {
        // An advisory read: whatever stops one call skips the metric checks, never the run.
        match super::reads::METRICS.advisory("the CloudWatch metrics", result) {
            Ok(found) => points.extend(found),
            Err(unreadable) => return Ok(targets.iter().map(|_| Err(unreadable.clone())).collect()),
        }
    }
    let mut out: Vec<Vec<Series>> = targets.iter().map(|_| Vec::new()).collect();
    for (id, q) in all.iter().enumerate() {
        let dims = q.dimensions.iter().map(|(n, v)| format!("{n}={v}")).collect();
        out[q.target].push(Series::new(q.metric, dims, points.remove(&id).unwrap_or_default()));
    }
    Ok(out.into_iter().map(Ok).collect())
}

/// One call (and its pages): the datapoints of each query id.
async fn call(
    clients: &Clients,
    chunk: Vec<(usize, &Query)>,
    window: Window,
    about: &str,
) -> Result<HashMap<usize, Vec<Datapoint>>, AwsError> {
    let queries: Vec<MetricDataQuery> = chunk.iter().map(|(id, q)| sdk_query(*id, q, window.period_secs)).collect();
    let mut found: HashMap<usize, Vec<Datapoint>> = HashMap::new();
    let mut token: Option<String> = None;
    loop {
        let out = clients
            .cloudwatch
            .get_metric_data()
            .set_metric_data_queries(Some(queries.clone()))
            .start_time(DateTime::from_secs(window.start))
            .end_time(DateTime::from_secs(window.end))
            .scan_by(ScanBy::TimestampAscending)
            .set_next_token(token.clone())
            .send()
            .await
            .aws_err("cloudwatch:GetMetricData", &about)?;
        for result in out.metric_data_results() {
            let Some(id) = result.id().and_then(|id| id.strip_prefix('m')).and_then(|n| n.parse::<usize>().ok()) else {
                continue;
            };
            let entry = found.entry(id).or_default();
            for (t, v) in result.timestamps().iter().zip(result.values()) {
                entry.push(Datapoint { t: t.secs(), v: *v });
            }
        }
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(i: usize, mappings: usize) -> Target {
        Target {
            queue: format!("q{i}"),
            dlq: Some(format!("q{i}-dlq")),
            function: Some(format!("arn:aws:lambda:us-east-1:123456789012:function:f{i}").parse().unwrap()),
            mappings: (0..mappings).map(|m| format!("uuid-{i}-{m}")).collect(),
        }
    }

    #[test]
    fn a_trigger_needs_one_call_and_many_share_calls() {
        assert_eq!(calls_needed(&[target(0, 1)]), 1);
        // 5 queue + 1 DLQ + 3 function + 5 mapping queries = 14 per trigger.
        assert_eq!(queries(&[target(0, 1)]).len(), 14);
        let many: Vec<Target> = (0..300).map(|i| target(i, 1)).collect();
        assert_eq!(calls_needed(&many), (300 * 14usize).div_ceil(500));
    }

    #[test]
    fn a_qualified_function_is_read_by_its_resource() {
        let t = Target {
            queue: "q".into(),
            function: Some("arn:aws:lambda:us-east-1:123456789012:function:f:live".parse().unwrap()),
            ..Target::default()
        };
        let q = queries(&[t]);
        let invocations = q.iter().find(|q| q.metric == MetricKind::Invocations).unwrap();
        assert_eq!(invocations.dimensions, [("FunctionName", "f".to_owned()), ("Resource", "f:live".to_owned())]);
    }

    #[test]
    fn the_window_is_whole_periods_ending_after_now() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_030);
        let w = Window::ending_now(Duration::from_secs(900), now);
        assert_eq!((w.end, w.end - w.start, w.period_secs), (1_000_080, 900, 60));
        let day = Window::ending_now(Duration::from_secs(86400), now);
        assert_eq!(day.period_secs, 300);
    }
}
