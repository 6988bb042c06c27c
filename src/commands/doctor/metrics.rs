//! `doctor --metrics [--window 15m]`: what CloudWatch says about each diagnosed trigger,
//! without sending anything. The series are read for every trigger at once (batched
//! `GetMetricData` calls), checked by `checks::metrics`, and shown as one sparkline per metric
//! on a terminal; the JSON carries the datapoints.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::{self as doctor, Diagnosis};
use crate::checks;
use crate::commands::Ctx;
use crate::error::Error;
use crate::gather::metrics::{self as read, Target, Window};
use crate::model::facts::MappingState;
use crate::model::metrics::{MetricsFacts, Polled, Series, Stat, Subject};
use crate::model::{FunctionArn, HumanDuration};
use crate::output::Style;

/// The shortest and longest windows: below 5 minutes a one-minute metric says little; a week is
/// the longest duration the command line takes (CloudWatch keeps one-minute data 15 days).
const MIN_WINDOW: Duration = Duration::from_secs(5 * 60);
const MAX_WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Clone, Debug)]
pub struct MetricsSettings {
    pub window: Duration,
    /// The window as the user typed it (findings say "in the last 15m").
    pub window_text: String,
}

impl MetricsSettings {
    /// `--window` (default 15m), validated before any request.
    pub fn from_flag(window: Option<&str>) -> Result<Self, Error> {
        let text = window.unwrap_or("15m");
        let parsed = text.parse::<HumanDuration>().map_err(|e| Error::usage(format!("--window: {e}")))?.as_duration();
        if !(MIN_WINDOW..=MAX_WINDOW).contains(&parsed) {
            return Err(Error::usage(format!("--window: between 5m and 7d, not {text}")));
        }
        Ok(MetricsSettings { window: parsed, window_text: text.to_owned() })
    }
}

/// What `--metrics` adds to a diagnosis (the `metrics` field of doctor's JSON).
#[derive(Clone, Debug, Serialize)]
pub struct MetricsView {
    pub window: String,
    /// The window's bounds (Unix seconds) and period.
    pub start: i64,
    pub end: i64,
    pub period_secs: u32,
    /// Whether the queue was polled in the window: `unknown` when AWS published nothing.
    pub polled: Polled,
    pub series: Vec<Series>,
    /// Draw sparklines (text output on a terminal).
    #[serde(skip)]
    pub sparklines: bool,
}

fn target_of(d: &Diagnosis) -> Option<Target> {
    let queue = d.queue.as_ref()?;
    Some(Target {
        queue: queue.name.clone(),
        dlq: d.dlq.as_ref().map(|q| q.name.clone()),
        function: d.function.as_ref().and_then(|f| f.arn.parse::<FunctionArn>().ok()),
        mappings: d.mappings.iter().map(|m| m.uuid.clone()).collect(),
    })
}

/// Reads the metrics of every diagnosis that has a queue, runs the metrics checks, and adds
/// their findings (the verdicts are judged again).
pub async fn attach(ctx: &Ctx, diagnoses: &mut [Diagnosis], s: &MetricsSettings) -> Result<(), Error> {
    let window = Window::ending_now(s.window, SystemTime::now());
    let indexed: Vec<(usize, Target)> =
        diagnoses.iter().enumerate().filter_map(|(i, d)| target_of(d).map(|t| (i, t))).collect();
    if indexed.is_empty() {
        return Ok(());
    }
    let targets: Vec<Target> = indexed.iter().map(|(_, t)| t.clone()).collect();
    let spinner = ctx.output.spinner("reading CloudWatch metrics");
    let read = read::read(&ctx.clients, &targets, window).await?;
    spinner.finish();
    let sparklines = !ctx.output.is_json() && io::stdout().is_terminal();
    for ((i, _), series) in indexed.into_iter().zip(read) {
        let d = &mut diagnoses[i];
        let (view, findings) = match series {
            Ok(series) => {
                let facts = facts_of(d, s, window, series);
                let polled = checks::metrics::polled(&facts);
                let view = MetricsView {
                    window: s.window_text.clone(),
                    start: window.start,
                    end: window.end,
                    period_secs: window.period_secs,
                    polled,
                    series: facts.series.clone(),
                    sparklines,
                };
                (view, checks::metrics::check(&facts))
            }
            Err(unreadable) => {
                let view = MetricsView {
                    window: s.window_text.clone(),
                    start: window.start,
                    end: window.end,
                    period_secs: window.period_secs,
                    polled: Polled::Unknown,
                    series: vec![],
                    sparklines,
                };
                (view, vec![checks::skipped_finding(&unreadable)])
            }
        };
        d.findings.extend(findings);
        d.metrics = Some(view);
        doctor::judge(d);
    }
    attach_upstream(ctx, diagnoses, window).await;
    Ok(())
}

/// The producers' delivery metrics, read once per queue (its triggers share its upstream).
async fn attach_upstream(ctx: &Ctx, diagnoses: &mut [Diagnosis], window: Window) {
    let Some(upstream) = diagnoses.iter().find_map(|d| d.upstream.clone()) else { return };
    if upstream.producers.is_empty() {
        return;
    }
    let read = crate::gather::producers::metrics(&ctx.clients, &upstream.facts, window).await;
    for d in diagnoses.iter_mut() {
        let Some(view) = d.upstream.as_mut() else { continue };
        match &read {
            Ok(metrics) => {
                let statics = checks::producers::check(&view.facts);
                d.findings.extend(checks::producers::metrics(&view.facts, metrics, &statics));
                view.metrics = metrics.clone();
            }
            Err(unreadable) => d.findings.push(checks::skipped_finding(unreadable)),
        }
        doctor::judge(d);
    }
}

fn facts_of(d: &Diagnosis, s: &MetricsSettings, window: Window, series: Vec<Series>) -> MetricsFacts {
    MetricsFacts {
        start: window.start,
        end: window.end,
        period_secs: window.period_secs,
        window: s.window_text.clone(),
        queue: d.queue.as_ref().map(|q| q.name.clone()).unwrap_or_default(),
        dlq: d.dlq.as_ref().map(|q| q.name.clone()),
        function: d.function.as_ref().map(|f| f.name.clone()),
        mappings: d.mappings.len(),
        mapping_enabled: d.mappings.iter().any(|m| MappingState::parse(&m.state).is_enabled()),
        series,
    }
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Longest sparkline: longer windows merge periods.
const MAX_WIDTH: usize = 60;

/// One character per period of the window (`·` where nothing was published), scaled from
/// zero to the largest value.
pub fn sparkline(series: &Series, start: i64, end: i64, period: u32) -> String {
    let period = i64::from(period.max(1));
    let periods = ((end - start) / period).max(1) as usize;
    let per_cell = periods.div_ceil(MAX_WIDTH);
    let cells = periods.div_ceil(per_cell);
    let stat = series.metric.stat();
    let mut values: Vec<Option<f64>> = vec![None; cells];
    for d in &series.datapoints {
        if d.t < start || d.t >= end {
            continue;
        }
        let cell = (((d.t - start) / period) as usize / per_cell).min(cells - 1);
        values[cell] = Some(match (values[cell], stat) {
            (None, _) => d.v,
            (Some(v), Stat::Sum) => v + d.v,
            (Some(v), Stat::Maximum) => v.max(d.v),
        });
    }
    let top = values.iter().flatten().copied().fold(0.0_f64, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => '·',
            Some(_) if top <= 0.0 => BARS[0],
            Some(v) => BARS[((v / top) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// What a series amounts to in one word: a total for counts; for gauges the last period's
/// value (its maximum: not "now", the queue may have changed since).
fn summary(series: &Series) -> String {
    if !series.published() {
        return "not published".to_owned();
    }
    match series.metric.stat() {
        Stat::Sum => format!("{} in total", series.sum().round() as i64),
        Stat::Maximum if series.metric.is_age() => {
            format!("last {}", checks::metrics::age(series.last().map_or(0.0, |d| d.v)))
        }
        Stat::Maximum => format!("last {}", series.last().map_or(0.0, |d| d.v).round() as i64),
    }
}

/// The metrics block of one diagnosis in the text output.
pub fn write(out: &mut dyn Write, style: &Style, m: &MetricsView) -> io::Result<()> {
    let polled = match m.polled {
        Polled::Yes => style.green("yes"),
        Polled::No => style.red("no"),
        Polled::Unknown => style.yellow("unknown (nothing published)"),
    };
    writeln!(out, "  metrics, last {} ({}s periods): polled {polled}", m.window, m.period_secs)?;
    for s in &m.series {
        // Mapping metrics exist only with MetricsConfig: shown when published.
        if s.metric.subject() == Subject::Mapping && !s.published() {
            continue;
        }
        let label = match s.metric.subject() {
            Subject::Mapping => format!("{} ({})", s.metric.label(), short(&s.dimensions)),
            _ => s.metric.label().to_owned(),
        };
        if m.sparklines {
            writeln!(out, "    {label:<22} {} {}", sparkline(s, m.start, m.end, m.period_secs), summary(s))?;
        } else {
            writeln!(out, "    {label:<22} {}", summary(s))?;
        }
    }
    Ok(())
}

fn short(dimensions: &[String]) -> String {
    let uuid = dimensions.first().and_then(|d| d.split_once('=')).map_or("", |(_, v)| v);
    uuid.get(..8).unwrap_or(uuid).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::{Datapoint, MetricKind};

    fn series(metric: MetricKind, points: &[(i64, f64)]) -> Series {
        Series::new(metric, vec![], points.iter().map(|&(t, v)| Datapoint { t, v }).collect())
    }

    #[test]
    fn a_sparkline_has_a_cell_per_period_scaled_to_the_top() {
        let age = series(MetricKind::OldestMessageAge, &[(0, 0.0), (60, 60.0), (120, 240.0), (180, 480.0)]);
        assert_eq!(sparkline(&age, 0, 300, 60), "▁▂▅█·");
        let idle = series(MetricKind::Throttles, &[]);
        assert_eq!(sparkline(&idle, 0, 180, 60), "···");
        let zeros = series(MetricKind::EmptyReceives, &[(0, 0.0), (60, 0.0)]);
        assert_eq!(sparkline(&zeros, 0, 120, 60), "▁▁");
    }

    #[test]
    fn long_windows_merge_periods_into_at_most_sixty_cells() {
        let day: Vec<(i64, f64)> = (0..288).map(|i| (i * 300, 1.0)).collect();
        let line = sparkline(&series(MetricKind::Invocations, &day), 0, 86400, 300);
        assert_eq!(line.chars().count(), 58);
        // Five periods a cell, summed; the last cell holds the three left over.
        assert!(line.chars().take(57).all(|c| c == '█'), "{line}");
    }

    #[test]
    fn summaries_say_totals_for_counts_and_latest_for_gauges() {
        assert_eq!(summary(&series(MetricKind::Errors, &[(0, 2.0), (60, 3.0)])), "5 in total");
        assert_eq!(summary(&series(MetricKind::OldestMessageAge, &[(0, 30.0), (60, 840.0)])), "last 14m");
        assert_eq!(summary(&series(MetricKind::DlqMessagesVisible, &[])), "not published");
    }

    #[test]
    fn the_window_flag_is_checked_before_any_request() {
        assert_eq!(MetricsSettings::from_flag(None).unwrap().window, Duration::from_secs(900));
        assert!(MetricsSettings::from_flag(Some("1m")).is_err());
        assert!(MetricsSettings::from_flag(Some("soon")).is_err());
        assert_eq!(MetricsSettings::from_flag(Some("2h")).unwrap().window_text, "2h");
    }
}
