//! What CloudWatch says about a trigger over a window (`doctor --metrics`): the metrics AWS
//! publishes for the queue, its DLQ, the function and the mapping, as plain series. The
//! checks in `checks::metrics` read these and never call AWS.
//!
//! Sources: SQS metrics
//! (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html),
//! Lambda function and event source mapping metrics
//! (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).

use serde::Serialize;

/// One metric this tool reads, with the namespace, name and statistic AWS documents for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricKind {
    /// `NumberOfEmptyReceives` (Sum): ReceiveMessage calls that returned nothing. Lambda's
    /// poller long-polls, so a polled idle queue shows these.
    EmptyReceives,
    /// `NumberOfMessagesReceived` (Sum).
    MessagesReceived,
    /// `NumberOfMessagesDeleted` (Sum).
    MessagesDeleted,
    /// `ApproximateAgeOfOldestMessage` (Maximum), seconds.
    OldestMessageAge,
    /// `ApproximateNumberOfMessagesVisible` (Maximum) of the source queue.
    MessagesVisible,
    /// `ApproximateNumberOfMessagesVisible` (Maximum) of the dead-letter queue.
    DlqMessagesVisible,
    /// `Invocations` (Sum): throttled attempts are not counted.
    Invocations,
    /// `Errors` (Sum).
    Errors,
    /// `Throttles` (Sum).
    Throttles,
    /// Event source mapping metrics (only with `MetricsConfig` `EventCount`), by
    /// `EventSourceMappingUUID`: `PolledEventCount` (Sum).
    PolledEvents,
    /// `FilteredOutEventCount` (Sum).
    FilteredOutEvents,
    /// `InvokedEventCount` (Sum).
    InvokedEvents,
    /// `FailedInvokeEventCount` (Sum).
    FailedInvokeEvents,
    /// `DeletedEventCount` (Sum).
    DeletedEvents,
}

/// Which resource a metric is about: decides its dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Queue,
    Dlq,
    Function,
    Mapping,
}

/// How a series' datapoints combine: counts add up, gauges are read by their maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Sum,
    Maximum,
}

impl Stat {
    pub fn as_str(self) -> &'static str {
        match self {
            Stat::Sum => "Sum",
            Stat::Maximum => "Maximum",
        }
    }
}

impl MetricKind {
    pub const QUEUE: [MetricKind; 5] = [
        MetricKind::EmptyReceives,
        MetricKind::MessagesReceived,
        MetricKind::MessagesDeleted,
        MetricKind::OldestMessageAge,
        MetricKind::MessagesVisible,
    ];
    pub const FUNCTION: [MetricKind; 3] = [MetricKind::Invocations, MetricKind::Errors, MetricKind::Throttles];
    pub const MAPPING: [MetricKind; 5] = [
        MetricKind::PolledEvents,
        MetricKind::FilteredOutEvents,
        MetricKind::InvokedEvents,
        MetricKind::FailedInvokeEvents,
        MetricKind::DeletedEvents,
    ];

    pub fn namespace(self) -> &'static str {
        match self.subject() {
            Subject::Queue | Subject::Dlq => "AWS/SQS",
            Subject::Function | Subject::Mapping => "AWS/Lambda",
        }
    }

    pub fn subject(self) -> Subject {
        use MetricKind::*;
        match self {
            EmptyReceives | MessagesReceived | MessagesDeleted | OldestMessageAge | MessagesVisible => Subject::Queue,
            DlqMessagesVisible => Subject::Dlq,
            Invocations | Errors | Throttles => Subject::Function,
            PolledEvents | FilteredOutEvents | InvokedEvents | FailedInvokeEvents | DeletedEvents => Subject::Mapping,
        }
    }

    /// The metric's name in CloudWatch.
    pub fn metric_name(self) -> &'static str {
        use MetricKind::*;
        match self {
            EmptyReceives => "NumberOfEmptyReceives",
            MessagesReceived => "NumberOfMessagesReceived",
            MessagesDeleted => "NumberOfMessagesDeleted",
            OldestMessageAge => "ApproximateAgeOfOldestMessage",
            MessagesVisible | DlqMessagesVisible => "ApproximateNumberOfMessagesVisible",
            Invocations => "Invocations",
            Errors => "Errors",
            Throttles => "Throttles",
            PolledEvents => "PolledEventCount",
            FilteredOutEvents => "FilteredOutEventCount",
            InvokedEvents => "InvokedEventCount",
            FailedInvokeEvents => "FailedInvokeEventCount",
            DeletedEvents => "DeletedEventCount",
        }
    }

    pub fn stat(self) -> Stat {
        match self {
            MetricKind::OldestMessageAge | MetricKind::MessagesVisible | MetricKind::DlqMessagesVisible => {
                Stat::Maximum
            }
            _ => Stat::Sum,
        }
    }

    /// What people read in the text output.
    pub fn label(self) -> &'static str {
        use MetricKind::*;
        match self {
            EmptyReceives => "empty receives",
            MessagesReceived => "messages received",
            MessagesDeleted => "messages deleted",
            OldestMessageAge => "oldest message age",
            MessagesVisible => "messages waiting",
            DlqMessagesVisible => "DLQ depth",
            Invocations => "invocations",
            Errors => "errors",
            Throttles => "throttles",
            PolledEvents => "events polled",
            FilteredOutEvents => "events filtered out",
            InvokedEvents => "events invoked",
            FailedInvokeEvents => "events failed",
            DeletedEvents => "events deleted",
        }
    }

    /// Seconds (an age) rather than a count.
    pub fn is_age(self) -> bool {
        self == MetricKind::OldestMessageAge
    }
}

/// One datapoint: the start of its period (Unix seconds) and its value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Datapoint {
    pub t: i64,
    pub v: f64,
}

/// One metric of one resource over the window, oldest datapoint first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    pub metric: MetricKind,
    pub namespace: &'static str,
    pub name: &'static str,
    pub stat: &'static str,
    /// The dimensions queried, e.g. `QueueName=orders`.
    pub dimensions: Vec<String>,
    pub datapoints: Vec<Datapoint>,
}

impl Series {
    pub fn new(metric: MetricKind, dimensions: Vec<String>, mut datapoints: Vec<Datapoint>) -> Self {
        datapoints.sort_by_key(|d| d.t);
        Series {
            metric,
            namespace: metric.namespace(),
            name: metric.metric_name(),
            stat: metric.stat().as_str(),
            dimensions,
            datapoints,
        }
    }

    /// Whether AWS published anything for it in the window.
    pub fn published(&self) -> bool {
        !self.datapoints.is_empty()
    }

    pub fn sum(&self) -> f64 {
        self.datapoints.iter().map(|d| d.v).sum()
    }

    pub fn max(&self) -> Option<f64> {
        self.datapoints.iter().map(|d| d.v).reduce(f64::max)
    }

    pub fn first(&self) -> Option<Datapoint> {
        self.datapoints.first().copied()
    }

    pub fn last(&self) -> Option<Datapoint> {
        self.datapoints.last().copied()
    }
}

/// The metrics of one trigger, and what the checks need to know about it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricsFacts {
    /// The window: `[start, end)` in Unix seconds, cut into periods of `period_secs`.
    pub start: i64,
    pub end: i64,
    pub period_secs: u32,
    /// The window as the user gave it, e.g. `15m`.
    pub window: String,
    pub queue: String,
    pub dlq: Option<String>,
    pub function: Option<String>,
    /// Mappings between the queue and the function, and whether any is enabled now.
    pub mappings: usize,
    pub mapping_enabled: bool,
    pub series: Vec<Series>,
}

impl MetricsFacts {
    /// Every series of `metric` (one per mapping for mapping metrics).
    pub fn of(&self, metric: MetricKind) -> impl Iterator<Item = &Series> {
        self.series.iter().filter(move |s| s.metric == metric)
    }

    /// The sum over the window of `metric` across its series; None when none was published.
    pub fn total(&self, metric: MetricKind) -> Option<f64> {
        let mut published = self.of(metric).filter(|s| s.published()).peekable();
        published.peek()?;
        Some(published.map(Series::sum).sum())
    }

    /// The series of `metric`, when there is exactly one (queue, DLQ and function metrics).
    pub fn one(&self, metric: MetricKind) -> Option<&Series> {
        self.of(metric).next()
    }
}

/// Was the queue polled in the window, by what CloudWatch says?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Polled {
    /// Receives (empty or not) were published, or the mapping's polled-event count.
    Yes,
    /// SQS published the queue's metrics, and they show no receive at all.
    No,
    /// AWS published nothing to tell: SQS publishes only for an active queue.
    Unknown,
}
