//! A mapping's event filters: patterns no SQS message can match, the messages Lambda deletes
//! unmatched, and a probe body a pattern matches.

use crate::model::facts::MappingFacts;
use crate::model::{Finding, FindingCode, Severity};

/// `filter-never-matches`: patterns no SQS message can match. When every pattern of the
/// mapping is one, Lambda deletes every message without invoking the function (error);
/// otherwise the pattern is dead weight (warning).
pub fn never_matching_filters(resource: &str, what: &str, filters: &[String]) -> Vec<Finding> {
    let dead: Vec<(&String, String)> =
        filters.iter().filter_map(|p| crate::checks::filter::never_matches(p).map(|why| (p, why))).collect();
    let every = !dead.is_empty() && dead.len() == filters.len();
    dead.into_iter()
        .map(|(pattern, why)| {
            let (severity, consequence) = if every {
                (
                    Severity::Error,
                    "no pattern of it can match, so Lambda DELETES every message without invoking the function",
                )
            } else {
                (Severity::Warning, "this pattern can never match; only the others let messages through")
            };
            Finding::new(
                FindingCode::FilterNeverMatches,
                severity,
                resource.to_owned(),
                format!("{what} has the filter {pattern}: {why}; {consequence}"),
            )
            .fix(
                "filter on the message body only, e.g. {\"body\":{\"kind\":[\"order\"]}} (for a plain-text body: \
                 {\"body\":[{\"prefix\":\"...\"}]}); replace the filters with --filter, or drop them with \
                 --clear-filters",
            )
        })
        .collect()
}

/// `filter-deletes-unmatched` on an existing mapping: "If an Amazon SQS message doesn't satisfy
/// your filter criteria, Lambda automatically removes the message from the queue"
/// (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html>), so a probe
/// (or any message) no pattern matches disappears without a run. The fix gives a probe body
/// that matches the first pattern, when one can be built from it.
pub(super) fn existing_filters(m: &MappingFacts) -> Finding {
    let patterns = m.filters.join(" OR ");
    // Advice, not a command to run as printed: a probe sends a message.
    let probe = match m.filters.iter().find_map(|p| sample_body(p)) {
        Some(body) => format!("; to probe this trigger, give the probe a body a pattern matches: --body '{body}'"),
        None => "; to probe this trigger, give the probe a body a pattern matches (--body or --body-file)".to_owned(),
    };
    Finding::info(
        FindingCode::FilterDeletesUnmatched,
        m.queue_arn.to_string(),
        format!(
            "mapping {} to {} filters events ({patterns}): Lambda DELETES every message that matches no pattern, \
             without invoking the function",
            m.uuid,
            m.function_arn.name()
        ),
    )
    .fix(format!("make sure only messages a pattern matches are meant for {}{probe}", m.function_arn.name()))
}

/// A message body that `pattern` (an SQS filter pattern) matches, when the pattern only lists
/// exact values under `body` (e.g. `{"body":{"kind":["order"]}}` gives `{"kind":"order"}`).
pub fn sample_body(pattern: &str) -> Option<String> {
    fn sample(node: &serde_json::Value) -> Option<serde_json::Value> {
        match node {
            serde_json::Value::Object(fields) => fields
                .iter()
                .map(|(k, v)| Some((k.clone(), sample(v)?)))
                .collect::<Option<serde_json::Map<_, _>>>()
                .map(serde_json::Value::Object),
            serde_json::Value::Array(values) => values.iter().find(|v| !v.is_object() && !v.is_array()).cloned(),
            _ => None,
        }
    }
    let doc: serde_json::Value = serde_json::from_str(pattern).ok()?;
    let body = doc.as_object()?.get("body")?;
    if !body.is_object() || doc.as_object()?.len() != 1 {
        return None;
    }
    sample(body).map(|b| b.to_string()).filter(|b| !b.contains('\''))
}

/// `probe-filtered-out` when the enabled mappings filter events and no pattern matches the
/// probe's body: Lambda would delete the message without invoking the function
/// (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html>).
pub fn probe_filtered_out(queue: &str, mappings: &[MappingFacts], body: &str) -> Option<Finding> {
    let enabled: Vec<&MappingFacts> = mappings.iter().filter(|m| m.is_enabled()).collect();
    // A mapping without filters takes every message.
    if enabled.is_empty() || enabled.iter().any(|m| m.filters.is_empty()) {
        return None;
    }
    let patterns: Vec<String> = enabled.iter().flat_map(|m| m.filters.iter().cloned()).collect();
    if crate::checks::filter::any_matches(&patterns, body) != Some(false) {
        return None;
    }
    let sample = patterns.iter().find_map(|p| sample_body(p));
    let fix = match sample {
        Some(sample) => format!("send a body a pattern matches: --body '{sample}' (or --body-file)"),
        None => "send a body a pattern matches, with --body or --body-file".to_owned(),
    };
    Some(
        Finding::error(
            FindingCode::ProbeFilteredOut,
            queue.to_owned(),
            format!(
                "the probe's body matches none of the mapping's filters ({}): Lambda would delete the message \
                 without invoking the function, so nothing was sent",
                patterns.join(" OR ")
            ),
        )
        .fix(fix),
    )
}
