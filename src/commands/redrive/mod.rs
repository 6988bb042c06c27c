//! `redrive --queue Q`: moves the messages of Q's dead-letter queue back with SQS's own
//! message move task (`StartMessageMoveTask`): server-side, so sqs-trigger still never
//! receives or deletes a message. Refuses while doctor reports an error for the trigger (the
//! messages would fail again) unless `--force`; shows progress from `ListMessageMoveTasks`;
//! Ctrl-C offers `CancelMessageMoveTask`; reports both depths after, and with `--confirm`
//! probes once.

use std::io::{self, Write};
use std::time::Duration;

use aws_sdk_sqs::types::ListMessageMoveTasksResultEntry;
use serde::Serialize;

use crate::aws::AwsResultExt;
use crate::cli::RedriveArgs;
use crate::commands::{Change, Ctx, doctor, probe};
use crate::error::{AwsError, AwsErrorKind, Error, ExitStatus};
use crate::gather;
use crate::model::facts::{QueueDepth, QueueFacts};
use crate::model::{FunctionRef, QueueRef};
use crate::output::{Report, Style};
use crate::settings::{duration_flag, function_flag, queue_flag};

/// "The maximum value for messages per second is 500"
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html).
pub const MAX_PER_SECOND: u32 = 500;

/// How often the task's progress is read.
const POLL: Duration = Duration::from_millis(500);

#[derive(Clone, Debug)]
pub struct Settings {
    pub queue: QueueRef,
    pub max_per_second: Option<u32>,
    pub force: bool,
    pub confirm: bool,
    pub function: Option<FunctionRef>,
    pub probe_timeout: Duration,
    /// Ctrl-C cancels without asking (no terminal to ask on).
    pub interactive: bool,
}

impl Settings {
    pub fn from_args(args: &RedriveArgs, interactive: bool) -> Result<Self, Error> {
        if let Some(n) = args.max_per_second
            && !(1..=MAX_PER_SECOND).contains(&n)
        {
            return Err(Error::usage(format!(
                "--max-per-second: between 1 and {MAX_PER_SECOND} (SQS's limit), not {n}"
            )));
        }
        if args.function.is_some() && !args.confirm {
            return Err(Error::usage("--function names the function --confirm probes: it needs --confirm"));
        }
        Ok(Settings {
            queue: queue_flag(&args.queue)?,
            max_per_second: args.max_per_second,
            force: args.force,
            confirm: args.confirm,
            function: args.function.as_deref().map(function_flag).transpose()?,
            probe_timeout: duration_flag("probe-timeout", &args.probe_timeout)?,
            interactive,
        })
    }
}

/// How the move task ended, as SQS reports it.
#[derive(Clone, Debug, Serialize)]
pub struct TaskView {
    pub status: String,
    pub moved: i64,
    pub to_move: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_per_second: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Depths {
    pub queue: QueueDepth,
    pub dlq: QueueDepth,
}

#[derive(Clone, Debug, Serialize)]
pub struct RedriveReport {
    pub queue: String,
    pub dlq: String,
    /// None when the DLQ was empty: nothing was started.
    pub task: Option<TaskView>,
    pub before: Depths,
    pub after: Depths,
    pub changed: Vec<Change>,
    /// With `--confirm`: the probe sent after the move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<probe::ProbeReport>,
}

impl Report for RedriveReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        match &self.task {
            None => writeln!(out, "{}", style.green(&format!("✓ the DLQ {} is empty: nothing to move", self.dlq)))?,
            Some(t) => writeln!(
                out,
                "{}",
                style.green(&format!(
                    "✓ moved {} of {} message(s) from {} back to {}",
                    t.moved, t.to_move, self.dlq, self.queue
                ))
            )?,
        }
        writeln!(
            out,
            "  {}: {} waiting, {} in flight (before: {} waiting)",
            self.queue, self.after.queue.visible, self.after.queue.in_flight, self.before.queue.visible
        )?;
        writeln!(
            out,
            "  {}: {} waiting, {} in flight (before: {} waiting)",
            self.dlq, self.after.dlq.visible, self.after.dlq.in_flight, self.before.dlq.visible
        )?;
        if let Some(p) = &self.probe {
            writeln!(out)?;
            p.render_text(out, style)?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        self.probe.as_ref().map_or(ExitStatus::Success, Report::exit_status)
    }
}

fn depth_of(q: &QueueFacts) -> QueueDepth {
    q.depth
}

async fn read_queue(ctx: &Ctx, queue: &QueueRef) -> Result<QueueFacts, Error> {
    gather::queue::find(&ctx.clients, queue).await?.ok_or_else(|| {
        Error::Aws(AwsError::not_found("sqs:GetQueueUrl", queue, "no such queue in this account and region"))
    })
}

pub async fn run(ctx: &Ctx, s: Settings) -> Result<RedriveReport, Error> {
    let queue = read_queue(ctx, &s.queue).await?;
    let Some(redrive) = &queue.redrive else {
        return Err(Error::Refused(format!(
            "{} has no dead-letter queue (no RedrivePolicy): there is nothing to redrive",
            queue.name
        )));
    };
    let dlq = read_queue(ctx, &QueueRef::Arn(redrive.dead_letter_target_arn.clone())).await?;
    if !s.force {
        refuse_while_broken(ctx, &queue).await?;
    }
    let before = Depths { queue: depth_of(&queue), dlq: depth_of(&dlq) };
    let mut changed = Vec::new();
    let task = if dlq.depth.visible == 0 {
        None
    } else {
        let handle = start(ctx, &s, &dlq).await?;
        let change = Change::new("start-message-move-task", &dlq.arn).with([format!("to:{}", queue.arn)]);
        ctx.journal.record(change.clone());
        changed.push(change);
        Some(follow(ctx, &s, &dlq, &queue, &handle).await?)
    };
    let (queue_after, dlq_after) =
        tokio::try_join!(gather::queue::read(&ctx.clients, &queue.url), gather::queue::read(&ctx.clients, &dlq.url))?;
    let after = Depths { queue: depth_of(&queue_after), dlq: depth_of(&dlq_after) };
    let probe = if s.confirm { Some(confirm(ctx, &s, &queue, &mut changed).await?) } else { None };
    Ok(RedriveReport { queue: queue.name.to_string(), dlq: dlq.name.to_string(), task, before, after, changed, probe })
}

/// Refuses (exit 1) while doctor reports an error for a trigger of the queue: the moved
/// messages would only fail again.
async fn refuse_while_broken(ctx: &Ctx, queue: &QueueFacts) -> Result<(), Error> {
    let settings = doctor::Settings {
        queue: Some(QueueRef::Arn(queue.arn.clone())),
        function: None,
        all: false,
        concurrency: 8,
        metrics: None,
        scopes: Default::default(),
        upstream: false,
    };
    let report = doctor::run(ctx, settings).await?;
    let errors: Vec<String> = report
        .triggers
        .iter()
        .flat_map(|d| d.findings.iter())
        .filter(|f| f.is_error())
        .map(|f| format!("{} ({})", f.code, f.resource))
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "doctor reports {} error(s) for the trigger of {}: {}; the moved messages would fail again. Fix them \
         (`sqs-trigger doctor --queue {}`), or pass --force to move them anyway",
        errors.len(),
        queue.name,
        errors.join(", "),
        queue.name
    )))
}

async fn start(ctx: &Ctx, s: &Settings, dlq: &QueueFacts) -> Result<String, Error> {
    // No DestinationArn: each message goes back to the queue it came from (a DLQ may serve
    // several queues).
    let out = ctx
        .clients
        .sqs
        .start_message_move_task()
        .source_arn(dlq.arn.to_string())
        .set_max_number_of_messages_per_second(s.max_per_second.map(|n| n as i32))
        .send()
        .await
        .aws("sqs:StartMessageMoveTask", &dlq.arn)?;
    out.task_handle()
        .map(str::to_owned)
        .ok_or_else(|| Error::Aws(AwsError::unexpected("sqs:StartMessageMoveTask", &dlq.arn, "no TaskHandle")))
}

async fn latest(ctx: &Ctx, dlq: &QueueFacts) -> Result<Option<ListMessageMoveTasksResultEntry>, Error> {
    let out = ctx
        .clients
        .sqs
        .list_message_move_tasks()
        .source_arn(dlq.arn.to_string())
        .max_results(1)
        .send()
        .await
        .aws("sqs:ListMessageMoveTasks", &dlq.arn)?;
    Ok(out.results().first().cloned())
}

fn view(entry: &ListMessageMoveTasksResultEntry) -> TaskView {
    TaskView {
        status: entry.status().unwrap_or("UNKNOWN").to_owned(),
        moved: entry.approximate_number_of_messages_moved(),
        to_move: entry.approximate_number_of_messages_to_move().unwrap_or(0),
        max_per_second: entry.max_number_of_messages_per_second().map(|n| n as u32),
        failure_reason: entry.failure_reason().map(str::to_owned),
    }
}

/// Follows the task until it ends, with a progress bar on a terminal; Ctrl-C offers to cancel.
async fn follow(
    ctx: &Ctx,
    s: &Settings,
    dlq: &QueueFacts,
    queue: &QueueFacts,
    handle: &str,
) -> Result<TaskView, Error> {
    let bar = ctx.output.bar(dlq.depth.visible, "moving messages");
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    // A finished task has no TaskHandle: ours is the one seen with our handle, or one started
    // since just before we started it (a minute of clock skew allowed), never an older one.
    let since =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64) - 60_000;
    let mut ours: Option<i64> = None;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = &mut interrupt => return interrupted(ctx, s, dlq, handle, &bar).await,
        }
        let Some(entry) = latest(ctx, dlq).await? else { continue };
        let started = entry.started_timestamp();
        if entry.task_handle() == Some(handle) {
            ours = Some(started);
        }
        let is_ours = match ours {
            Some(at) => started == at,
            None => started >= since,
        };
        if !is_ours {
            continue;
        }
        let task = view(&entry);
        bar.set_length(task.to_move.max(0) as u64);
        bar.set_position(task.moved.max(0) as u64);
        match task.status.as_str() {
            "RUNNING" | "CANCELLING" => continue,
            "COMPLETED" => {
                bar.finish();
                return Ok(task);
            }
            _ => {
                bar.finish();
                let reason = task.failure_reason.clone().unwrap_or_else(|| task.status.clone());
                return Err(Error::Aws(AwsError {
                    action: "sqs:StartMessageMoveTask",
                    resource: dlq.arn.to_string(),
                    kind: AwsErrorKind::Service,
                    code: Some(reason.clone()),
                    message: format!(
                        "the move task from {} to {} ended {} after moving {} of {} message(s) ({reason}); SQS \
                         moves each message whole, so each is in one of the two queues",
                        dlq.name, queue.name, task.status, task.moved, task.to_move
                    ),
                    answer: None,
                    hint: Some(format!(
                        "the caller needs sqs:StartMessageMoveTask, sqs:ReceiveMessage, sqs:DeleteMessage and \
                         sqs:GetQueueAttributes on {} and sqs:SendMessage on {} (and kms:Decrypt / \
                         kms:GenerateDataKey for encrypted queues); run `sqs-trigger redrive --queue {}` again to \
                         move the rest",
                        dlq.arn, queue.arn, queue.name
                    )),
                }));
            }
        }
    }
}

/// Ctrl-C during the move: asks (on a terminal) whether to cancel the task; without a
/// terminal it cancels. Either way the run ends as interrupted (exit 130).
async fn interrupted(
    ctx: &Ctx,
    s: &Settings,
    dlq: &QueueFacts,
    handle: &str,
    bar: &crate::output::Progress,
) -> Result<TaskView, Error> {
    let cancel = bar.suspend(|| {
        !s.interactive || ctx.output.confirm("cancel the move task? (messages already moved stay in the source queue)")
    });
    bar.finish();
    let mut done = ctx.journal.entries();
    if cancel {
        let moved = ctx
            .clients
            .sqs
            .cancel_message_move_task()
            .task_handle(handle)
            .send()
            .await
            .aws("sqs:CancelMessageMoveTask", &dlq.arn)?
            .approximate_number_of_messages_moved();
        done.push(format!(
            "cancelled the move task after about {moved} message(s) moved; the rest stay in {}",
            dlq.name
        ));
    } else {
        done.push(format!(
            "the move task goes on server-side; see it with `aws sqs list-message-move-tasks --source-arn {}`",
            dlq.arn
        ));
    }
    Err(Error::Interrupted { done, in_flight: ctx.journal.in_flight() })
}

/// `--confirm`: one probe through the trigger, to show it works now.
async fn confirm(
    ctx: &Ctx,
    s: &Settings,
    queue: &QueueFacts,
    changed: &mut Vec<Change>,
) -> Result<probe::ProbeReport, Error> {
    let function = match &s.function {
        Some(f) => f.clone(),
        None => {
            let mappings = gather::mapping::list(&ctx.clients, Some(&queue.arn), None).await?;
            let mut functions: Vec<_> = mappings.iter().map(|m| m.function_arn.clone()).collect();
            functions.dedup();
            match functions.as_slice() {
                [one] => FunctionRef::Arn(one.clone()),
                [] => return Err(Error::Refused(format!("--confirm: no function is mapped to {}", queue.name))),
                _ => {
                    return Err(Error::Refused(format!(
                        "--confirm: {} functions are mapped to {}; name the one to probe with --function",
                        functions.len(),
                        queue.name
                    )));
                }
            }
        }
    };
    let settings = probe::Settings {
        function,
        queue: QueueRef::Arn(queue.arn.clone()),
        timeout: s.probe_timeout,
        body: probe::Body::Default,
        require_marker: false,
        live_tail: false,
        allow_other_consumers: false,
        probe_ids: Default::default(),
    };
    let report = probe::run(ctx, settings).await?;
    if let Some(id) = &report.message_id {
        changed.push(Change::new("send-message", &report.queue_url).with([id.clone()]));
    }
    Ok(report)
}
