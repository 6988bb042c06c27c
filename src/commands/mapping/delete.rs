//! `mapping delete`, and the one delete `teardown` uses too.

use super::*;

#[derive(Clone, Debug, Serialize)]
pub struct DeletedMapping {
    pub uuid: String,
    /// The state Lambda answered with (normally `Deleting`).
    pub state: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MappingDeleteReport {
    pub queue: String,
    pub function: String,
    pub deleted: Vec<DeletedMapping>,
    /// Set when the user declined the confirmation.
    pub cancelled: bool,
    pub findings: Vec<Finding>,
    /// Every write this command made (the deletions).
    pub changed: Vec<Change>,
}

impl Report for MappingDeleteReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        for d in &self.deleted {
            writeln!(out, "{:<10}{} ({})", style.green("deleted"), style.bold(&d.uuid), d.state)?;
        }
        if !self.deleted.is_empty() {
            writeln!(out, "{:<10}{}", "queue", self.queue)?;
            writeln!(out, "{:<10}{}", "function", self.function)?;
        }
        if self.cancelled {
            writeln!(out, "cancelled: nothing was deleted")?;
        }
        if !self.findings.is_empty() {
            writeln!(out, "findings ({}):", count_summary(&self.findings))?;
            write_findings(out, style, &self.findings)?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        if self.cancelled || has_errors(&self.findings) { ExitStatus::CheckFailed } else { ExitStatus::Success }
    }
}

pub async fn run_delete(ctx: &Ctx, settings: DeleteSettings) -> Result<MappingDeleteReport, Error> {
    let spinner = ctx.output.spinner("finding the mappings");
    let (queue, function) =
        tokio::try_join!(queue_arn(ctx, &settings.target.queue), function_arn(ctx, &settings.target.function))?;
    // Exactly this pair: deleting `worker:live` never touches the mapping of `worker:blue`.
    let all = gather::mapping::list(&ctx.clients, Some(&queue), None).await?;
    let mappings = gather::mapping::of_pair(&all, &queue, &function);
    let mut report = MappingDeleteReport {
        queue: queue.to_string(),
        function: function.to_string(),
        deleted: vec![],
        cancelled: false,
        findings: vec![],
        changed: vec![],
    };
    if mappings.is_empty() {
        // Nothing to delete; what exists is the useful next step.
        let missing = checks::mapping::missing(Some(&queue), Some(&function));
        report.findings.push(missing.fix(format!("see what exists: sqs-trigger mapping list --queue {queue}")));
        return Ok(report);
    }
    spinner.finish();
    if !settings.yes {
        let uuids: Vec<&str> = mappings.iter().map(|m| m.uuid.as_str()).collect();
        let question = format!(
            "Delete {} mapping{} {} ({} -> {})?",
            uuids.len(),
            if uuids.len() == 1 { "" } else { "s" },
            uuids.join(", "),
            queue.name(),
            function.name()
        );
        if !ctx.output.confirm(&question) {
            report.cancelled = true;
            return Ok(report);
        }
    }
    let spinner = ctx.output.spinner("deleting");
    for m in &mappings {
        spinner.set_message(format!("deleting mapping {}", m.uuid));
        let state = delete_mapping(ctx, m, &spinner).await?;
        report.deleted.push(DeletedMapping { uuid: m.uuid.clone(), state });
    }
    spinner.finish();
    report.changed = ctx.journal.changes();
    Ok(report)
}

/// Deletes one mapping, waiting while it is busy; one already gone counts as deleted.
/// Returns the state Lambda answers with.
pub async fn delete_mapping(ctx: &Ctx, mapping: &MappingFacts, progress: &Progress) -> Result<String, Error> {
    let uuid = mapping.uuid.as_str();
    let call = || async {
        let result = ctx.clients.lambda.delete_event_source_mapping().uuid(uuid).send().await;
        match result {
            Ok(out) => Ok(out.state().unwrap_or("Deleting").to_owned()),
            Err(err) if crate::aws::is_not_found(&err) => Ok("Deleted".to_owned()),
            Err(err) => Err(crate::aws::errors::to_aws_error("lambda:DeleteEventSourceMapping", &uuid, &err)),
        }
    };
    let state = retrying(ctx, progress, IN_USE_BOUND, call).await?;
    ctx.journal.record(Change::new("delete-mapping", mapping_id(Some(mapping), uuid)));
    Ok(state)
}
