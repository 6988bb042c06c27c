//! `mapping list`.

use super::*;

/// `mapping list`: the SQS mappings, as a JSON array or a table.
#[derive(Clone, Debug, Serialize)]
pub struct MappingListReport {
    pub mappings: Vec<MappingFacts>,
}

impl Report for MappingListReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if self.mappings.is_empty() {
            return writeln!(out, "no SQS event source mappings");
        }
        let rows: Vec<[String; 5]> = self
            .mappings
            .iter()
            .map(|m| {
                [
                    m.uuid.clone(),
                    m.state.to_string(),
                    m.queue_arn.name().to_string(),
                    m.function_arn.name().to_string(),
                    m.batch_size.map(|b| b.to_string()).unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        let header = ["UUID", "STATE", "QUEUE", "FUNCTION", "BATCH"];
        let mut widths = header.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: [&str; 5]| {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    text.push_str(cell);
                } else {
                    text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
                }
            }
            text
        };
        writeln!(out, "{}", style.bold(&line(header)))?;
        for row in &rows {
            writeln!(out, "{}", line([&row[0], &row[1], &row[2], &row[3], &row[4]]))?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        ExitStatus::Success
    }
}

/// A queue's ARN: as given, or read from SQS (an error naming it when it does not exist).
pub(crate) async fn queue_arn(ctx: &Ctx, queue: &QueueRef) -> Result<QueueArn, Error> {
    if let QueueRef::Arn(arn) = queue {
        return Ok(arn.clone());
    }
    let facts = gather::queue::find(&ctx.clients, queue).await?;
    Ok(facts.ok_or_else(|| not_found("sqs:GetQueueUrl", queue, "the queue", &ctx.clients.region))?.arn)
}

/// A function's ARN, its qualifier kept: from the ARN given, or read from Lambda.
pub(crate) async fn function_arn(ctx: &Ctx, function: &FunctionRef) -> Result<FunctionArn, Error> {
    if let FunctionRef::Arn(arn) = function {
        return Ok(arn.clone());
    }
    let facts = gather::function::read(&ctx.clients, function).await?;
    Ok(facts.ok_or_else(|| not_found("lambda:GetFunction", function, "the function", &ctx.clients.region))?.arn)
}

pub async fn run_list(ctx: &Ctx, settings: ListSettings) -> Result<MappingListReport, Error> {
    let spinner = ctx.output.spinner("listing mappings");
    let (queue, function) = tokio::try_join!(
        async {
            match &settings.queue {
                Some(q) => queue_arn(ctx, q).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match &settings.function {
                Some(f) => function_arn(ctx, f).await.map(Some),
                None => Ok(None),
            }
        },
    )?;
    // With a queue, Lambda filters by it; the function is then matched here, by ARN, so a
    // mapping created with the function's name or ARN is found either way.
    let server_function = if queue.is_none() { function.as_ref().map(ToString::to_string) } else { None };
    let mut mappings = gather::mapping::list(&ctx.clients, queue.as_ref(), server_function.as_deref()).await?;
    // A qualified ARN lists that alias's or version's mappings only; a name lists them all.
    if let Some(f) = &function {
        mappings
            .retain(|m| if f.qualifier().is_some() { &m.function_arn == f } else { m.function_arn.name() == f.name() });
    }
    spinner.finish();
    Ok(MappingListReport { mappings })
}
