//! One mapping linked to its queue, function, role and key: the [`LintTrigger`] the checks run on.

use std::collections::BTreeMap;

use super::mappings::{FunctionSel, MappingSpec, request};
use super::template::Template;
use crate::lint::facts::{LintTrigger, Spot, Spots, skipped};
use crate::lint::resolve::Val;
use crate::model::facts::{MappingFacts, MappingState, TriggerFacts};
use crate::model::{Finding, QueueArn};

impl Template<'_> {
    pub(super) fn triggers(&self) -> Vec<LintTrigger> {
        let specs = self.specs();
        let mut triggers = Vec::new();
        for spec in &specs {
            if let Some(t) = self.trigger(spec) {
                triggers.push(t);
            }
        }
        duplicates(&mut triggers);
        triggers
    }

    fn trigger(&self, spec: &MappingSpec) -> Option<LintTrigger> {
        let mut notes: Vec<(Finding, Spot)> = Vec::new();
        let mut spots = Spots {
            mapping: spec.spot.clone(),
            event_source: Some(spec.source_spot.clone()),
            batch_size: spec.spots.get("batch_size").cloned(),
            batch_window: spec.spots.get("batch_window").cloned(),
            max_concurrency: spec.spots.get("max_concurrency").cloned(),
            filters: spec.spots.get("filters").cloned(),
            ..Spots::default()
        };
        let mut facts = TriggerFacts { region: self.options.region.clone(), ..TriggerFacts::default() };
        // The queue.
        let mut queue_label = "?".to_owned();
        let mut external_queue: Option<QueueArn> = None;
        match &spec.source {
            Val::Str(arn) => {
                if let Some(q) = self.queue_by_arn(arn) {
                    queue_label = q.id.clone();
                    let (queue, dlq) = self.queue(q, &mut spots, &mut notes);
                    facts.queue = Some(queue);
                    facts.dlq = dlq.map(Ok);
                } else if let Ok(parsed) = arn.parse::<QueueArn>() {
                    queue_label = parsed.name().to_string();
                    notes.push((
                        skipped(arn.clone(), format!("queue {arn} is not defined in this file (its attributes)")),
                        spec.source_spot.clone(),
                    ));
                    external_queue = Some(parsed);
                } else {
                    // Not an SQS source (Kinesis, DynamoDB, Kafka...): not a trigger lint checks.
                    return None;
                }
            }
            other => notes.push((
                skipped(spec.id.clone(), format!("the mapping's queue: {}", other.unknown().unwrap_or("not a string"))),
                spec.source_spot.clone(),
            )),
        }
        // The function, its role.
        let mut function_label = "?".to_owned();
        match &spec.function {
            FunctionSel::Resource(id, qualifier) => {
                if let Some(f) = self.resources.get(id) {
                    function_label = id.clone();
                    facts.function = self.function(f, qualifier.as_deref(), &mut spots, &mut notes);
                    if let Some(function) = &facts.function {
                        facts.role = self.role_of(f, &function.role, &mut spots, &mut notes).map(Ok);
                    }
                }
            }
            FunctionSel::Value(v) => {
                let what = match v {
                    Val::Str(name) => {
                        function_label = name.clone();
                        format!("function {name} is not defined in this file (its timeout, concurrency and role)")
                    }
                    other => format!("the mapping's function: {}", other.unknown().unwrap_or("not a string")),
                };
                notes.push((skipped(spec.id.clone(), what), spec.spot.clone()));
            }
        }
        // The key.
        if let Some(queue) = &facts.queue {
            facts.key = self.key(queue, &mut spots, &mut notes).map(Ok);
        }
        // Placement with literal ARNs: a queue outside the file in another region.
        if let (Some(q), Some(f)) = (&external_queue, &facts.function) {
            let placed_q = crate::checks::placement::Placed { resource: q.to_string(), region: q.region() };
            let placed_f = crate::checks::placement::Placed { resource: f.arn.to_string(), region: f.arn.region() };
            if let Some(finding) =
                crate::checks::placement::region_mismatch(&facts.region, Some(&placed_q), Some(&placed_f))
            {
                notes.push((finding, spec.source_spot.clone()));
            }
        }
        // The mapping itself.
        let request = request(&spec.props);
        if let (Some(q), Some(f)) = (&facts.queue, &facts.function) {
            facts.mappings = Some(Ok(vec![MappingFacts {
                uuid: spec.id.clone(),
                arn: None,
                queue_arn: q.arn.clone(),
                function_arn: f.arn.clone(),
                state: if request.enabled { MappingState::Enabled } else { MappingState::Disabled },
                batch_size: request.batch_size,
                batch_window_secs: request.batch_window_secs,
                max_concurrency: request.max_concurrency,
                report_batch_item_failures: request.report_batch_item_failures,
                filters: request.filters.clone(),
                last_processing_result: None,
                state_transition_reason: None,
                provisioned_pollers: request.provisioned_pollers,
                metrics: if request.metrics { vec!["EventCount".to_owned()] } else { vec![] },
                filter_kms_key: request.filter_kms_key.clone(),
                filter_criteria_error: None,
                tags: None,
            }]));
        }
        for (what, val) in [
            ("BatchSize", spec.props.get("BatchSize")),
            ("MaximumBatchingWindowInSeconds", spec.props.get("MaximumBatchingWindowInSeconds")),
        ] {
            if let Some(why) = val.and_then(Val::unknown) {
                notes.push((skipped(spec.id.clone(), format!("{what}: {why}")), spec.spot.clone()));
            }
        }
        facts.request = Some(request);
        let function_label = match &spec.function {
            FunctionSel::Resource(_, Some(q)) => format!("{function_label}:{q}"),
            _ => function_label,
        };
        Some(LintTrigger {
            label: format!("{}: {queue_label} → {function_label}", spec.id),
            facts,
            spots,
            findings: notes,
            assumes: Vec::new(),
        })
    }
}

/// `mapping-duplicate` for mappings of the file that connect the same queue and function,
/// located at every one after the first.
fn duplicates(triggers: &mut [LintTrigger]) {
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, t) in triggers.iter().enumerate() {
        if let (Some(q), Some(f)) = (&t.facts.queue, &t.facts.function) {
            groups.entry((q.arn.to_string(), f.arn.to_string())).or_default().push(i);
        }
    }
    for indices in groups.values().filter(|g| g.len() > 1) {
        let mappings: Vec<MappingFacts> = indices
            .iter()
            .filter_map(|i| triggers[*i].facts.mappings.as_ref()?.as_ref().ok()?.first().cloned())
            .collect();
        let found = crate::checks::mapping::existing(&mappings, true, None, None);
        for f in found.into_iter().filter(|f| f.code == crate::model::FindingCode::MappingDuplicate) {
            for i in &indices[1..] {
                let spot = triggers[*i].spots.mapping.clone();
                triggers[*i].findings.push((f.clone(), spot));
            }
        }
    }
}
