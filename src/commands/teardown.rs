//! `teardown --queue Q [--function F]`: removes the mapping(s) and the queues sqs-trigger
//! created, and nothing else.
//!
//! A mapping or queue is deleted only when it carries `managed-by=sqs-trigger` (ownership is
//! given at creation, never taken); a queue only when it holds no messages (unless `--force`)
//! and no mapping is left on it; a DLQ only when no other queue redrives to it. Everything
//! else is kept and reported with the reason. What was confirmed is read again right before
//! deleting, and only what is still deletable then is deleted.
//!
//! Teardown undoes setup: the inline policy `sqs-trigger-QUEUE` that `--fix` put on the
//! execution role of a mapped function goes with the queue, but only while it is still exactly
//! what sqs-trigger writes (a policy edited since is kept, with what differs).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::aws::{AwsResultExt, is_not_found};
use crate::cli::TeardownArgs;
use crate::commands::{Change, Ctx};
use crate::error::{Error, ExitStatus};
use crate::gather;
use crate::model::facts::{MappingFacts, QueueFacts};
use crate::model::{FunctionRef, QueueRef, RoleArn};
use crate::output::{Report, Style};
use crate::settings;

#[derive(Clone, Debug)]
pub struct Settings {
    pub queue: QueueRef,
    pub function: Option<FunctionRef>,
    pub yes: bool,
    pub force: bool,
    pub dry_run: bool,
    /// The run's region (to name a queue that is already gone by its ARN).
    pub region: Option<String>,
}

impl Settings {
    pub fn from_args(args: &TeardownArgs, interactive: bool) -> Result<Self, Error> {
        let settings = Settings {
            queue: settings::queue_flag(&args.queue)?,
            function: args.function.as_deref().map(settings::function_flag).transpose()?,
            yes: args.yes,
            force: args.force,
            dry_run: args.dry_run,
            region: None,
        };
        if !settings.yes && !settings.dry_run && !interactive {
            return Err(Error::usage(
                "teardown deletes resources: pass --yes to confirm when not on a terminal (or --dry-run to see what it would delete)",
            ));
        }
        Ok(settings)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Deleted,
    WouldDelete,
    /// Left alone on purpose (see `reason`).
    Kept,
    /// Would be deleted, but a safety rule stops it (see `reason`); exit 1.
    Refused,
    /// Not there (already deleted): nothing to do.
    Absent,
}

/// What a teardown item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Mapping,
    Queue,
    Dlq,
    /// The inline policy `sqs-trigger-QUEUE` on a function's execution role.
    RolePolicy,
}

impl std::fmt::Display for ItemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ItemKind::Mapping => "mapping",
            ItemKind::Queue => "queue",
            ItemKind::Dlq => "dlq",
            ItemKind::RolePolicy => "role-policy",
        })
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    /// Mapping UUID or queue name.
    pub id: String,
    /// The ARN (queue) or `queue -> function` (mapping).
    pub detail: String,
    /// Messages in the queue (queues only), as read right before deciding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<u64>,
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TeardownReport {
    pub dry_run: bool,
    pub items: Vec<Item>,
    /// Set when the user declined the confirmation.
    pub cancelled: bool,
    /// Every write this command made (the deletions), in order.
    pub changed: Vec<Change>,
}

impl Report for TeardownReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if self.items.is_empty() {
            writeln!(out, "nothing to tear down")?;
        }
        for item in &self.items {
            let action = match item.action {
                Action::Deleted => style.green("deleted"),
                Action::WouldDelete => style.yellow("would delete"),
                Action::Kept => "kept".to_owned(),
                Action::Refused => style.red("refused"),
                Action::Absent => "absent".to_owned(),
            };
            let kind = item.kind.to_string();
            writeln!(out, "{kind:<8} {} {action}  {}", style.bold(&item.id), style.dim(&item.detail))?;
            if let Some(reason) = &item.reason {
                writeln!(out, "         {reason}")?;
            }
        }
        if self.cancelled {
            writeln!(out, "cancelled: nothing was deleted")?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        if self.cancelled || self.items.iter().any(|i| i.action == Action::Refused) {
            ExitStatus::CheckFailed
        } else {
            ExitStatus::Success
        }
    }
}

/// What exists, read concurrently where the reads are independent.
struct Facts {
    queue: Option<QueueFacts>,
    dlq: Option<QueueFacts>,
    /// Mappings of the queue that this teardown targets (all, or the function's), each with
    /// its tags (None: they could not be read).
    targeted: Vec<(MappingFacts, Option<BTreeMap<String, String>>)>,
    /// Mappings of the queue to other functions: the queue stays while they exist.
    others: Vec<MappingFacts>,
    /// Other queues that redrive to the DLQ.
    dlq_other_sources: Vec<String>,
    /// The inline policy `sqs-trigger-QUEUE` on the execution roles of the targeted functions.
    role_policies: Vec<RolePolicy>,
}

/// The inline policy sqs-trigger's `--fix` names after the queue, on one execution role.
#[derive(Clone, Debug)]
struct RolePolicy {
    role: RoleArn,
    name: String,
    /// The document (decoded), or why it could not be read.
    document: Result<String, String>,
}

async fn gather_facts(ctx: &Ctx, s: &Settings) -> Result<Facts, Error> {
    let clients = &ctx.clients;
    let Some(queue) = gather::queue::find(clients, &s.queue).await? else {
        let role_policies = role_policies(ctx, s, &[]).await;
        return Ok(Facts {
            queue: None,
            dlq: None,
            targeted: vec![],
            others: vec![],
            dlq_other_sources: vec![],
            role_policies,
        });
    };
    let dlq_ref = queue.redrive.as_ref().map(|r| QueueRef::Arn(r.dead_letter_target_arn.clone()));
    let (dlq, mappings) = tokio::try_join!(
        async {
            match &dlq_ref {
                Some(r) => gather::queue::find(clients, r).await,
                None => Ok(None),
            }
        },
        gather::mapping::list(clients, Some(&queue.arn), None),
    )?;
    let (targeted, others): (Vec<MappingFacts>, Vec<MappingFacts>) =
        mappings.into_iter().partition(|m| s.function.as_ref().is_none_or(|f| targets(f, m)));
    let (dlq_other_sources, tags) = tokio::try_join!(
        async {
            match &dlq {
                Some(d) => other_dlq_sources(ctx, d, &queue).await,
                None => Ok(vec![]),
            }
        },
        async {
            futures::future::try_join_all(targeted.iter().map(|m| gather::mapping::tags(clients, m)))
                .await
                .map_err(Error::Aws)
        },
    )?;
    let targeted: Vec<(MappingFacts, Option<BTreeMap<String, String>>)> = targeted.into_iter().zip(tags).collect();
    let functions: Vec<FunctionRef> = targeted.iter().map(|(m, _)| FunctionRef::Arn(m.function_arn.clone())).collect();
    let role_policies = role_policies(ctx, s, &functions).await;
    Ok(Facts { queue: Some(queue), dlq, targeted, others, dlq_other_sources, role_policies })
}

/// The `sqs-trigger-QUEUE` inline policy on the execution role of `--function` (else of each
/// targeted mapping's function), where it exists. A function that is gone has no role to
/// clean; a read that fails keeps the policy (and says why).
async fn role_policies(ctx: &Ctx, s: &Settings, mapped: &[FunctionRef]) -> Vec<RolePolicy> {
    let clients = &ctx.clients;
    let name = crate::policy_gen::inline_policy_name(&s.queue.name());
    let functions: Vec<FunctionRef> = match &s.function {
        Some(f) => vec![f.clone()],
        None => mapped.to_vec(),
    };
    let roles = futures::future::join_all(functions.iter().map(|f| gather::function::read(clients, f))).await;
    let mut unique: Vec<RoleArn> = Vec::new();
    for role in roles.into_iter().filter_map(|r| r.ok().flatten()).map(|f| f.role) {
        if !unique.contains(&role) {
            unique.push(role);
        }
    }
    let reads = unique.iter().map(|role| gather::role::inline_policy_text(clients, role, &name));
    let documents = futures::future::join_all(reads).await;
    unique
        .into_iter()
        .zip(documents)
        .filter_map(|(role, read)| {
            let document = match read {
                Ok(Some(text)) => Ok(text),
                Ok(None) => return None,
                Err(e) => Err(e.to_string()),
            };
            Some(RolePolicy { role, name: name.clone(), document })
        })
        .collect()
}

/// Whether `--function` names this mapping's function, exactly: a name is the unqualified
/// function, an ARN matches with its qualifier (`worker:live` is not `worker:blue`).
fn targets(function: &FunctionRef, m: &MappingFacts) -> bool {
    match function {
        FunctionRef::Name(name) => &m.function_arn.name() == name && m.function_arn.qualifier().is_none(),
        FunctionRef::Arn(arn) => &m.function_arn == arn,
    }
}

fn function_label(m: &MappingFacts) -> String {
    match m.function_arn.qualifier() {
        Some(q) => format!("{}:{q}", m.function_arn.name()),
        None => m.function_arn.name().to_string(),
    }
}

async fn other_dlq_sources(ctx: &Ctx, dlq: &QueueFacts, ours: &QueueFacts) -> Result<Vec<String>, Error> {
    let mut pages =
        ctx.clients.sqs.list_dead_letter_source_queues().queue_url(dlq.url.as_str()).into_paginator().send();
    let mut others = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.aws("sqs:ListDeadLetterSourceQueues", &dlq.url)?;
        others.extend(page.queue_urls().iter().filter(|u| u.as_str() != ours.url.as_str()).cloned());
    }
    Ok(others)
}

fn plan(s: &Settings, facts: &Facts) -> Vec<Item> {
    let delete = if s.dry_run { Action::WouldDelete } else { Action::Deleted };
    let mut items: Vec<Item> = facts
        .targeted
        .iter()
        .map(|(m, tags)| {
            let (action, reason) = match tags {
                Some(t) if t.get(crate::MANAGED_BY_TAG).map(String::as_str) == Some(crate::MANAGED_BY_VALUE) => {
                    (delete, None)
                }
                Some(_) => (
                    Action::Kept,
                    Some("not created by sqs-trigger (no managed-by=sqs-trigger tag): never deleted".to_owned()),
                ),
                None => (
                    Action::Kept,
                    Some("its tags cannot be read here, so it cannot be shown to be sqs-trigger's: kept".to_owned()),
                ),
            };
            Item {
                kind: ItemKind::Mapping,
                id: m.uuid.clone(),
                detail: format!("{} -> {}", m.queue_arn.name(), function_label(m)),
                messages: None,
                action,
                reason,
            }
        })
        .collect();
    // Mappings that stay (other functions', or ones not ours) keep the queue.
    let staying: Vec<String> = facts
        .others
        .iter()
        .map(function_label)
        .chain(
            facts.targeted.iter().zip(&items).filter(|(_, i)| i.action != delete).map(|((m, _), _)| function_label(m)),
        )
        .collect();
    let Some(queue) = &facts.queue else {
        items.push(Item {
            kind: ItemKind::Queue,
            id: s.queue.name().to_string(),
            detail: s.queue.to_string(),
            messages: None,
            action: Action::Absent,
            reason: Some("no such queue (already deleted?)".into()),
        });
        for p in &facts.role_policies {
            let ours = p.document.as_ref().map_err(Clone::clone).and_then(|text| {
                let arn = queue_arn_of(s, &p.role);
                crate::policy_gen::written_by_sqs_trigger(text, &arn)
            });
            let (action, reason) = match ours {
                Ok(()) => (delete, None),
                Err(why) => (Action::Kept, Some(format!("not as sqs-trigger wrote it ({why}): never deleted"))),
            };
            items.push(Item {
                kind: ItemKind::RolePolicy,
                id: p.name.clone(),
                detail: p.role.to_string(),
                messages: None,
                action,
                reason,
            });
        }
        return items;
    };
    let mut main_item = queue_item(s, ItemKind::Queue, queue, delete);
    if main_item.action == delete && !staying.is_empty() {
        main_item.action = Action::Kept;
        main_item.reason = Some(format!("still mapped to {} (those mappings stay)", staying.join(", ")));
    }
    let queue_kept = main_item.action != delete;
    items.push(main_item);
    if let Some(dlq) = &facts.dlq {
        let mut item = queue_item(s, ItemKind::Dlq, dlq, delete);
        if item.action == delete && queue_kept {
            item.action = Action::Kept;
            item.reason = Some(format!("{} still redrives to it", queue.name));
        } else if item.action == delete && !facts.dlq_other_sources.is_empty() {
            item.action = Action::Kept;
            item.reason = Some(format!("other queues redrive to it: {}", facts.dlq_other_sources.join(", ")));
        }
        items.push(item);
    }
    items.extend(facts.role_policies.iter().map(|p| policy_item(p, queue, queue_kept, delete)));
    items
}

/// The inline policy goes with the queue it grants access to, when it is still what
/// sqs-trigger wrote.
fn policy_item(p: &RolePolicy, queue: &QueueFacts, queue_kept: bool, delete: Action) -> Item {
    let (action, reason) = match &p.document {
        Err(why) => (Action::Kept, Some(format!("cannot be read ({why}): kept"))),
        Ok(_) if queue_kept => (Action::Kept, Some(format!("{} stays, and this policy grants its access", queue.name))),
        Ok(text) => match crate::policy_gen::written_by_sqs_trigger(text, &queue.arn) {
            Ok(()) => (delete, None),
            Err(why) => (Action::Kept, Some(format!("changed since sqs-trigger wrote it ({why}): never deleted"))),
        },
    };
    Item { kind: ItemKind::RolePolicy, id: p.name.clone(), detail: p.role.to_string(), messages: None, action, reason }
}

fn queue_item(s: &Settings, kind: ItemKind, q: &QueueFacts, delete: Action) -> Item {
    let (action, reason) = if !q.is_managed() {
        (Action::Kept, Some("not created by sqs-trigger (no managed-by=sqs-trigger tag): never deleted".to_owned()))
    } else if q.depth.total() > 0 && !s.force {
        (
            Action::Refused,
            Some(format!(
                "holds {} message(s) ({} visible, {} in flight, {} delayed): pass --force to delete them with the queue",
                q.depth.total(),
                q.depth.visible,
                q.depth.in_flight,
                q.depth.delayed
            )),
        )
    } else {
        (delete, None)
    };
    Item { kind, id: q.name.to_string(), detail: q.arn.to_string(), messages: Some(q.depth.total()), action, reason }
}

/// The ARN of the (deleted) queue the user named: as given, or in the role's account and the
/// region of the run.
fn queue_arn_of(s: &Settings, role: &RoleArn) -> crate::model::QueueArn {
    if let QueueRef::Arn(arn) = &s.queue {
        return arn.clone();
    }
    let region = s.region.as_deref().unwrap_or_default();
    format!("arn:{}:sqs:{region}:{}:{}", role.partition(), role.account(), s.queue.name())
        .parse()
        .unwrap_or_else(|_| format!("arn:aws:sqs:us-east-1:000000000000:{}", s.queue.name()).parse().expect("an ARN"))
}

/// One line per deletion for the confirmation: each mapping's function, each queue's messages.
fn describe(item: &Item) -> String {
    match (item.kind, item.messages) {
        (ItemKind::Mapping, _) => format!("mapping {} ({})", item.id, item.detail),
        (ItemKind::RolePolicy, _) => format!("inline policy {} on role {}", item.id, item.detail),
        (kind, Some(n)) => format!("{kind} {} ({n} message{})", item.id, if n == 1 { "" } else { "s" }),
        (kind, None) => format!("{kind} {}", item.id),
    }
}

pub async fn run(ctx: &Ctx, mut s: Settings) -> Result<TeardownReport, Error> {
    s.region = Some(ctx.clients.region.clone());
    let report = |dry_run, items, cancelled| TeardownReport { dry_run, items, cancelled, changed: vec![] };
    let spinner = ctx.output.spinner(format!("reading {}", s.queue));
    let facts = gather_facts(ctx, &s).await?;
    spinner.finish();
    let mut items = plan(&s, &facts);
    let refused = items.iter().any(|i| i.action == Action::Refused);
    let to_delete = items.iter().filter(|i| i.action == Action::Deleted).count();
    if s.dry_run || to_delete == 0 {
        return Ok(report(s.dry_run, items, false));
    }
    if refused {
        // Delete nothing when any part is refused: a half-torn-down trigger helps nobody.
        keep_all(&mut items, "not deleted: another part of the teardown was refused");
        return Ok(report(false, items, false));
    }
    if !s.yes {
        let list: Vec<String> = items.iter().filter(|i| i.action == Action::Deleted).map(describe).collect();
        if !ctx.output.confirm(&format!("Delete {}?", list.join(", "))) {
            return Ok(report(false, vec![], true));
        }
    }
    // Read everything again right before deleting: a message sent, a tag removed or a mapping
    // added since the question stops what it concerns. Only what was confirmed, and is still
    // deletable now, is deleted.
    let confirmed: Vec<(ItemKind, String)> =
        items.iter().filter(|i| i.action == Action::Deleted).map(|i| (i.kind, i.id.clone())).collect();
    let facts = gather_facts(ctx, &s).await?;
    let mut items = plan(&s, &facts);
    if items.iter().any(|i| i.action == Action::Refused) {
        keep_all(&mut items, "not deleted: the account changed since the confirmation (read again just now)");
        return Ok(report(false, items, false));
    }
    for item in items.iter_mut().filter(|i| i.action == Action::Deleted) {
        if !confirmed.contains(&(item.kind, item.id.clone())) {
            item.action = Action::Kept;
            item.reason = Some("not in what was confirmed: run teardown again to delete it".into());
        }
    }
    let spinner = ctx.output.spinner("deleting");
    // Every mapping at once (the same delete as `mapping delete`, waiting out one that is
    // still being created or updated).
    let mappings: Vec<&MappingFacts> = facts
        .targeted
        .iter()
        .map(|(m, _)| m)
        .filter(|m| items.iter().any(|i| i.kind == ItemKind::Mapping && i.id == m.uuid && i.action == Action::Deleted))
        .collect();
    futures::future::try_join_all(mappings.into_iter().map(|m| super::mapping::delete_mapping(ctx, m, &spinner)))
        .await?;
    // The queues go only after their mappings: Lambda stops polling first.
    for (item, queue) in
        items.iter().filter(|i| i.action == Action::Deleted && i.kind != ItemKind::Mapping).filter_map(|i| {
            let q = if i.kind == ItemKind::Queue { facts.queue.as_ref() } else { facts.dlq.as_ref() };
            q.map(|q| (i, q))
        })
    {
        spinner.set_message(format!("deleting {} {}", item.kind, item.id));
        match ctx.clients.sqs.delete_queue().queue_url(queue.url.as_str()).send().await {
            Ok(_) => ctx.journal.record(Change::new("delete-queue", &queue.arn)),
            Err(err) if is_not_found(&err) => {}
            Err(err) => return Err(Error::Aws(crate::aws::errors::to_aws_error("sqs:DeleteQueue", &queue.url, &err))),
        }
    }
    // Last, the inline policy that granted access to them.
    for (item, policy) in items
        .iter()
        .filter(|i| i.action == Action::Deleted && i.kind == ItemKind::RolePolicy)
        .filter_map(|i| facts.role_policies.iter().find(|p| p.role.to_string() == i.detail).map(|p| (i, p)))
    {
        spinner.set_message(format!("deleting inline policy {} on {}", item.id, item.detail));
        match ctx.clients.iam.delete_role_policy().role_name(policy.role.name()).policy_name(&policy.name).send().await
        {
            Ok(_) => ctx
                .journal
                .record(Change::new("delete-role-policy", &policy.role).with([format!("policy:{}", policy.name)])),
            Err(err) if is_not_found(&err) => {}
            Err(err) => {
                return Err(Error::Aws(crate::aws::errors::to_aws_error("iam:DeleteRolePolicy", &policy.role, &err)));
            }
        }
    }
    spinner.finish();
    Ok(TeardownReport { dry_run: false, items, cancelled: false, changed: ctx.journal.changes() })
}

fn keep_all(items: &mut [Item], why: &str) {
    for item in items.iter_mut().filter(|i| i.action == Action::Deleted) {
        item.action = Action::Kept;
        item.reason = Some(why.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::facts::{Encryption, QueueDepth};

    fn queue(name: &str, managed: bool, depth: u64) -> QueueFacts {
        let mut tags = BTreeMap::new();
        if managed {
            tags.insert("managed-by".to_owned(), "sqs-trigger".to_owned());
        }
        QueueFacts {
            name: name.parse().unwrap(),
            url: format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}").parse().unwrap(),
            arn: format!("arn:aws:sqs:us-east-1:123456789012:{name}").parse().unwrap(),
            fifo: false,
            visibility_timeout_secs: 30,
            encryption: Encryption::SseSqs,
            redrive: None,
            policy: None,
            depth: QueueDepth { visible: depth, in_flight: 0, delayed: 0 },
            tags,
        }
    }

    fn mapping(function: &str) -> MappingFacts {
        MappingFacts {
            uuid: format!("uuid-{function}"),
            arn: None,
            queue_arn: "arn:aws:sqs:us-east-1:123456789012:q".parse().unwrap(),
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{function}").parse().unwrap(),
            state: crate::model::facts::MappingState::Enabled,
            batch_size: Some(10),
            batch_window_secs: None,
            max_concurrency: None,
            report_batch_item_failures: false,
            filters: vec![],
            last_processing_result: None,
            state_transition_reason: None,
            provisioned_pollers: None,
            metrics: vec![],
            filter_kms_key: None,
            filter_criteria_error: None,
            tags: None,
        }
    }

    fn settings(force: bool) -> Settings {
        Settings { queue: "q".parse().unwrap(), function: None, yes: true, force, dry_run: false, region: None }
    }

    fn facts(queue: QueueFacts, dlq: Option<QueueFacts>) -> Facts {
        Facts {
            queue: Some(queue),
            dlq,
            targeted: vec![(mapping("f"), Some(managed()))],
            others: vec![],
            dlq_other_sources: vec![],
            role_policies: vec![],
        }
    }

    fn managed() -> BTreeMap<String, String> {
        BTreeMap::from([("managed-by".to_owned(), "sqs-trigger".to_owned())])
    }

    fn actions(items: &[Item]) -> Vec<(ItemKind, Action)> {
        items.iter().map(|i| (i.kind, i.action)).collect()
    }

    #[test]
    fn deletes_what_it_made() {
        let items = plan(&settings(false), &facts(queue("q", true, 0), Some(queue("q-dlq", true, 0))));
        assert_eq!(
            actions(&items),
            [
                (ItemKind::Mapping, Action::Deleted),
                (ItemKind::Queue, Action::Deleted),
                (ItemKind::Dlq, Action::Deleted)
            ]
        );
    }

    #[test]
    fn never_deletes_untagged_queues() {
        let items = plan(&settings(true), &facts(queue("q", false, 0), Some(queue("q-dlq", false, 0))));
        assert_eq!(
            actions(&items),
            [(ItemKind::Mapping, Action::Deleted), (ItemKind::Queue, Action::Kept), (ItemKind::Dlq, Action::Kept)]
        );
    }

    #[test]
    fn refuses_a_queue_with_messages_unless_forced() {
        let items = plan(&settings(false), &facts(queue("q", true, 3), None));
        assert_eq!(items[1].action, Action::Refused);
        assert!(items[1].reason.as_ref().unwrap().contains("3 message"));
        let items = plan(&settings(true), &facts(queue("q", true, 3), None));
        assert_eq!(items[1].action, Action::Deleted);
    }

    #[test]
    fn keeps_a_queue_other_functions_still_use_and_its_dlq() {
        let mut f = facts(queue("q", true, 0), Some(queue("q-dlq", true, 0)));
        f.others = vec![mapping("other")];
        let items = plan(&settings(false), &f);
        assert_eq!(
            actions(&items),
            [(ItemKind::Mapping, Action::Deleted), (ItemKind::Queue, Action::Kept), (ItemKind::Dlq, Action::Kept)]
        );
        assert!(items[1].reason.as_ref().unwrap().contains("other"));
    }

    #[test]
    fn keeps_a_shared_dlq() {
        let mut f = facts(queue("q", true, 0), Some(queue("q-dlq", true, 0)));
        f.dlq_other_sources = vec!["https://sqs.us-east-1.amazonaws.com/123456789012/another".into()];
        assert_eq!(plan(&settings(false), &f)[2].action, Action::Kept);
    }

    #[test]
    fn never_deletes_a_mapping_it_did_not_create_and_keeps_its_queue() {
        let mut f = facts(queue("q", true, 0), Some(queue("q-dlq", true, 0)));
        f.targeted = vec![(mapping("theirs"), Some(BTreeMap::new())), (mapping("ours"), Some(managed()))];
        let items = plan(&settings(false), &f);
        assert_eq!(
            actions(&items),
            [
                (ItemKind::Mapping, Action::Kept),
                (ItemKind::Mapping, Action::Deleted),
                (ItemKind::Queue, Action::Kept),
                (ItemKind::Dlq, Action::Kept)
            ]
        );
        assert!(items[0].reason.as_ref().unwrap().contains("not created by sqs-trigger"));
        assert!(items[2].reason.as_ref().unwrap().contains("theirs"));
        f.targeted = vec![(mapping("unknown"), None)];
        assert_eq!(plan(&settings(false), &f)[0].action, Action::Kept, "unreadable tags: kept");
    }

    #[test]
    fn function_identity_is_exact() {
        let mut m = mapping("worker");
        m.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:worker:live".parse().unwrap();
        assert!(!targets(&"worker".parse().unwrap(), &m));
        assert!(targets(&"arn:aws:lambda:us-east-1:123456789012:function:worker:live".parse().unwrap(), &m));
        assert!(!targets(&"arn:aws:lambda:us-east-1:123456789012:function:worker:blue".parse().unwrap(), &m));
        assert!(targets(&"worker".parse().unwrap(), &mapping("worker")));
    }

    #[test]
    fn dry_run_deletes_nothing() {
        let mut s = settings(false);
        s.dry_run = true;
        let items = plan(&s, &facts(queue("q", true, 0), None));
        assert!(items.iter().all(|i| i.action == Action::WouldDelete));
    }
}
