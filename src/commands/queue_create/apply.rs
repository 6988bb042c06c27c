//! Carrying a plan out: the DLQ first, then the queue; every write journaled.

use super::*;

impl QueuePlan {
    /// Carries the plan out: DLQ first, then the queue that redrives to it.
    pub async fn apply(&self, ctx: &Ctx, update: bool) -> Result<QueueCreateReport, Error> {
        let refused_outcome =
            |s: &QueueStepPlan| if s.existing.is_some() { Outcome::Refused } else { Outcome::Skipped };
        let any_refused = self.dlq.iter().chain([&self.queue]).any(|s| s.outcome(update, false) == Outcome::Refused);
        if has_errors(&self.findings) || any_refused {
            // Nothing is changed when any part is refused: no half-made pair.
            let pick = |s: &QueueStepPlan| {
                let o = s.outcome(update, false);
                if o == Outcome::Refused || has_errors(&self.findings) {
                    refused_outcome(s)
                } else if o == Outcome::Unchanged {
                    o
                } else {
                    Outcome::Skipped
                }
            };
            let dlq = self.dlq.as_ref().map(|d| self.outcome_of(d, pick(d), None));
            let queue = self.outcome_of(&self.queue, pick(&self.queue), None);
            return Ok(self.report(queue, dlq, vec![]));
        }
        let dlq = match &self.dlq {
            Some(step) => Some(self.apply_step(ctx, step, update).await?),
            None => None,
        };
        let queue = self.apply_step(ctx, &self.queue, update).await?;
        Ok(self.report(queue, dlq, ctx.journal.changes()))
    }

    async fn apply_step(&self, ctx: &Ctx, step: &QueueStepPlan, update: bool) -> Result<QueueOutcome, Error> {
        let outcome = step.outcome(update, false);
        match outcome {
            Outcome::Created => {
                // The ARN of a queue made by name is the caller's account in this region: built,
                // not read back.
                let arn = self.arn_of(&step.name);
                let url = create_queue(ctx, step).await?;
                ctx.journal.record(
                    Change::new("create-queue", &arn)
                        .with(step.attributes.keys().cloned())
                        .with(step.tags.keys().map(|k| format!("tag:{k}"))),
                );
                Ok(self.outcome_of(step, outcome, Some((url, arn))))
            }
            Outcome::Updated => {
                update_queue(ctx, step).await?;
                Ok(self.outcome_of(step, outcome, None))
            }
            _ => Ok(self.outcome_of(step, outcome, None)),
        }
    }
}

pub(crate) fn sqs_attributes(map: &BTreeMap<String, String>) -> HashMap<QueueAttributeName, String> {
    map.iter().map(|(k, v)| (QueueAttributeName::from(k.as_str()), v.clone())).collect()
}

/// Creates the queue; returns its URL.
pub(crate) async fn create_queue(ctx: &Ctx, step: &QueueStepPlan) -> Result<String, Error> {
    let request = ctx
        .clients
        .sqs
        .create_queue()
        .queue_name(step.name.as_str())
        .set_attributes(Some(sqs_attributes(&step.attributes)))
        .set_tags(Some(step.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
        .send();
    let out = ctx
        .journal
        .in_flight_while("created", format!("queue {}", step.name), request)
        .await
        .aws("sqs:CreateQueue", &step.name)?;
    match out.queue_url() {
        Some(url) if !url.is_empty() => Ok(url.to_owned()),
        _ => Err(crate::error::AwsError::unexpected("sqs:CreateQueue", &step.name, "no QueueUrl in the answer").into()),
    }
}

/// Writes exactly the planned attributes and tags of an existing queue, each write journaled.
pub(crate) async fn update_queue(ctx: &Ctx, step: &QueueStepPlan) -> Result<(), Error> {
    let Some(existing) = &step.existing else { return Ok(()) };
    let sqs = &ctx.clients.sqs;
    if !step.update_attributes.is_empty() {
        let request = sqs
            .set_queue_attributes()
            .queue_url(existing.url.as_str())
            .set_attributes(Some(sqs_attributes(&step.update_attributes)))
            .send();
        ctx.journal
            .in_flight_while("changed", format!("the attributes of queue {}", step.name), request)
            .await
            .aws("sqs:SetQueueAttributes", &existing.url)?;
        ctx.journal
            .record(Change::new("set-queue-attributes", &existing.arn).with(step.update_attributes.keys().cloned()));
    }
    if !step.update_tags.is_empty() {
        sqs.tag_queue()
            .queue_url(existing.url.as_str())
            .set_tags(Some(step.update_tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
            .send()
            .await
            .aws("sqs:TagQueue", &existing.url)?;
        ctx.journal
            .record(Change::new("tag-queue", &existing.arn).with(step.update_tags.keys().map(|k| format!("tag:{k}"))));
    }
    Ok(())
}
