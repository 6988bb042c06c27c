//! doctor's text: the chain of each trigger, its findings, the table of `--all`.

use super::*;

impl Report for DoctorReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if self.table && self.groups.len() > 1 {
            write_grouped_table(out, style, &self.triggers, &self.groups)?;
        } else if self.table {
            write_table(out, style, &self.triggers)?;
        } else {
            for (i, d) in self.triggers.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_diagnosis(out, style, d)?;
            }
        }
        let s = &self.summary;
        writeln!(out)?;
        let line = if s.triggers == 0 {
            "no SQS triggers found".to_owned()
        } else if s.broken > 0 {
            style.red(&format!(
                "✗ {} of {} trigger(s) broken: Lambda will not process those queues",
                s.broken, s.triggers
            ))
        } else if s.with_warnings > 0 {
            style.yellow(&format!("! {} trigger(s) work, {} with warnings", s.triggers, s.with_warnings))
        } else {
            style.green(&format!("✓ {} trigger(s) healthy", s.triggers))
        };
        writeln!(out, "{line}")?;
        let skipped: Vec<&Group> = self.groups.iter().filter(|g| g.skipped.is_some()).collect();
        if !skipped.is_empty() {
            writeln!(out, "{}", style.yellow(&format!("! {} account/region(s) skipped", skipped.len())))?;
        }
        if self.groups.len() > 1 {
            writeln!(out)?;
            write_groups(out, style, &self.groups)?;
        }
        if let Some(r) = &self.requests {
            writeln!(out, "{} request(s) sent, {} retried, {} throttled", r.requests, r.retried, r.throttled)?;
        }
        if self.interrupted {
            writeln!(out, "{}", style.yellow("interrupted: only the triggers above were audited"))?;
        }
        Ok(())
    }

    fn exit_status(&self) -> ExitStatus {
        if self.interrupted {
            ExitStatus::Interrupted
        } else if self.triggers.iter().any(|d| has_errors(&d.findings)) {
            ExitStatus::CheckFailed
        } else {
            ExitStatus::Success
        }
    }
}

pub(super) fn mark(style: &Style, text: String, broken: bool) -> String {
    if broken { style.red(&format!("✗ {text}")) } else { text }
}

/// The trigger as one line, in the order messages travel, with the broken link marked.
pub fn chain(style: &Style, d: &Diagnosis) -> String {
    let broken = |link| d.broken_link == Some(link);
    let queue = match &d.queue {
        Some(q) => format!("{} [{}, {} waiting]", q.name, q.encryption, q.depth.visible),
        None => "queue ?".to_owned(),
    };
    let mapping = match d.mappings.as_slice() {
        [] => "no mapping".to_owned(),
        [m] => {
            let mut settings = vec![m.state.clone(), format!("batch {}", m.batch_size.unwrap_or(10))];
            if let Some(window) = m.batch_window_secs.filter(|w| *w > 0) {
                settings.push(format!("window {window}s"));
            }
            if let Some(max) = m.max_concurrency {
                settings.push(format!("max concurrency {max}"));
            }
            if !m.filters.is_empty() {
                settings.push(format!("{} filter(s)", m.filters.len()));
            }
            format!("mapping {} [{}]", short_uuid(&m.uuid), settings.join(", "))
        }
        many => format!("{} mappings", many.len()),
    };
    let function = match &d.function {
        Some(f) => {
            let concurrency = match f.reserved_concurrency {
                Some(n) => format!("reserved {n}"),
                None => "unreserved".to_owned(),
            };
            let recursion = match f.recursive_loop.as_deref() {
                Some("Allow") => ", recursive loops allowed",
                _ => "",
            };
            format!("{} [{}, {concurrency}{recursion}]", f.name, f.state.as_deref().unwrap_or("?"))
        }
        None => "function ?".to_owned(),
    };
    let logs = match (&d.log_group, d.log_group_exists) {
        (Some(group), Some(false)) => format!("{group} [not created yet]"),
        (Some(group), _) => group.clone(),
        (None, _) => "log group ?".to_owned(),
    };
    format!(
        "{} → {} → {} → {}",
        mark(style, queue, broken(Link::Queue)),
        mark(style, mapping, broken(Link::Mapping)),
        mark(style, function, broken(Link::Function)),
        mark(style, logs, broken(Link::LogGroup))
    )
}

pub(super) fn write_diagnosis(out: &mut dyn Write, style: &Style, d: &Diagnosis) -> io::Result<()> {
    if let Some(up) = &d.upstream {
        for p in &up.producers {
            let verdict = match p.verdict {
                "delivers" => style.green("delivers"),
                "blocked" => style.red("✗ blocked"),
                other => style.yellow(other),
            };
            writeln!(out, "{} {} → queue [{verdict}] ({})", p.kind, p.name, p.found_by)?;
        }
        for m in &up.metrics {
            let Some(p) = up.producers.iter().find(|p| p.arn == m.producer) else { continue };
            let counts = match (m.attempted, m.delivered) {
                (a, Some(delivered)) => {
                    format!("published {}, delivered {delivered}, failed {}", a.unwrap_or(0), m.failed)
                }
                (a, None) => format!("invocations {}, failed {}", a.unwrap_or(0), m.failed),
            };
            writeln!(out, "  {} {}: {counts}", p.kind, p.name)?;
        }
    }
    writeln!(out, "{}", chain(style, d))?;
    if let Some(dlq) = &d.dlq {
        writeln!(out, "  └ DLQ {} [{} message(s)]", dlq.name, dlq.depth.total())?;
    } else if d.queue.is_some() {
        writeln!(out, "  └ no DLQ")?;
    }
    for m in &d.mappings {
        let details = mapping_details(m);
        if !details.is_empty() {
            writeln!(out, "  mapping {}: {}", short_uuid(&m.uuid), details.join("; "))?;
        }
    }
    if !d.other_consumers.is_empty() {
        let others: Vec<String> = d.other_consumers.iter().map(|c| format!("{} [{}]", c.function, c.state)).collect();
        writeln!(out, "  └ other consumers of the queue: {}", others.join(", "))?;
    }
    if let Some(account) = &d.account_concurrency {
        writeln!(out, "  account concurrency: {} unreserved of {} in this region", account.unreserved, account.limit)?;
    }
    if let Some(q) = &d.queue
        && q.depth.total() > 0
    {
        writeln!(
            out,
            "  queue depth: {} visible, {} in flight, {} delayed",
            q.depth.visible, q.depth.in_flight, q.depth.delayed
        )?;
    }
    if let Some(m) = &d.metrics {
        super::metrics::write(out, style, m)?;
    }
    if !d.findings.is_empty() {
        // Grouped by resource, errors first within each group (findings are sorted so).
        let mut resources: Vec<&str> = Vec::new();
        for f in &d.findings {
            if !resources.contains(&f.resource.as_str()) {
                resources.push(&f.resource);
            }
        }
        for resource in resources {
            writeln!(out, "{}", style.bold(resource))?;
            let group: Vec<Finding> = d.findings.iter().filter(|f| f.resource == resource).cloned().collect();
            write_findings(out, style, &group)?;
        }
    }
    let verdict = match d.verdict {
        TriggerVerdict::Healthy => style.green("✓ healthy"),
        TriggerVerdict::Warnings => style.yellow(&format!("! works, with {}", count_summary(&d.findings))),
        TriggerVerdict::Broken => {
            style.red(&format!("✗ broken at the {}: {}", link_name(d.broken_link), count_summary(&d.findings)))
        }
    };
    writeln!(out, "{verdict}")
}

pub(super) fn link_name(link: Option<Link>) -> &'static str {
    match link {
        Some(Link::Queue) => "queue",
        Some(Link::Mapping) => "mapping",
        Some(Link::Function) => "function",
        Some(Link::LogGroup) => "log group",
        None => "trigger",
    }
}

pub(super) fn write_table(out: &mut dyn Write, style: &Style, triggers: &[Diagnosis]) -> io::Result<()> {
    writeln!(
        out,
        "{:<40} {:<32} {:<9} {:>6} {:>8}  FIRST PROBLEM",
        "QUEUE", "FUNCTION", "STATE", "ERRORS", "WARNINGS"
    )?;
    for d in triggers {
        let errors = d.findings.iter().filter(|f| f.severity == Severity::Error).count();
        let warnings = d.findings.iter().filter(|f| f.severity == Severity::Warning).count();
        let first = d.findings.first().map(|f| f.code.as_str()).unwrap_or("-");
        let state = d.mappings.first().map(|m| m.state.as_str()).unwrap_or("-");
        let queue = d.queue.as_ref().map(|q| q.name.as_str()).unwrap_or("?");
        let function = d.function.as_ref().map(|f| f.name.as_str()).unwrap_or("?");
        let row = format!("{queue:<40} {function:<32} {state:<9} {errors:>6} {warnings:>8}  {first}");
        writeln!(out, "{}", if errors > 0 { style.red(&row) } else { row })?;
    }
    Ok(())
}

/// The table with a heading per account and region, in the order of `groups`.
pub(super) fn write_grouped_table(
    out: &mut dyn Write,
    style: &Style,
    triggers: &[Diagnosis],
    groups: &[Group],
) -> io::Result<()> {
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", style.bold(&format!("== {} ==", group_label(&g.account, &g.region))))?;
        let rows: Vec<Diagnosis> =
            triggers.iter().filter(|d| d.account == g.account && d.region == g.region).cloned().collect();
        match &g.skipped {
            Some(why) => writeln!(out, "{}", style.yellow(&format!("check-skipped: {why}")))?,
            None if rows.is_empty() => writeln!(out, "no SQS triggers")?,
            None => write_table(out, style, &rows)?,
        }
    }
    Ok(())
}

pub(super) fn group_label(account: &Option<String>, region: &Option<String>) -> String {
    format!("account {} · {}", account.as_deref().unwrap_or("?"), region.as_deref().unwrap_or("every region"))
}

/// The summary per account and region.
pub(super) fn write_groups(out: &mut dyn Write, style: &Style, groups: &[Group]) -> io::Result<()> {
    writeln!(
        out,
        "{:<14} {:<16} {:>8} {:>6} {:>8} {:>7}  NOTE",
        "ACCOUNT", "REGION", "TRIGGERS", "BROKEN", "WARNINGS", "HEALTHY"
    )?;
    for g in groups {
        let row = format!(
            "{:<14} {:<16} {:>8} {:>6} {:>8} {:>7}  {}",
            g.account.as_deref().unwrap_or("?"),
            g.region.as_deref().unwrap_or("*"),
            g.triggers,
            g.broken,
            g.with_warnings,
            g.healthy,
            g.skipped.as_deref().map(|_| "check-skipped").unwrap_or("-")
        );
        writeln!(out, "{}", if g.broken > 0 { style.red(&row) } else { row })?;
    }
    Ok(())
}

pub(super) fn short_uuid(uuid: &str) -> &str {
    uuid.get(..8).unwrap_or(uuid)
}

/// The mapping's settings beyond the chain line: provisioned mode, metrics, filter key, tags.
pub(super) fn mapping_details(m: &MappingView) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = m.provisioned_pollers {
        out.push(format!("provisioned mode: {} to {} pollers", p.minimum, p.maximum));
    }
    if !m.metrics.is_empty() {
        out.push(format!("mapping metrics: {}", m.metrics.join(", ")));
    }
    if let Some(k) = &m.filter_kms_key {
        out.push(format!("filters encrypted with {k}"));
    }
    match &m.tags {
        Some(tags) if !tags.is_empty() => {
            let list: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push(format!("tags: {}", list.join(", ")));
        }
        Some(_) => out.push("tags: none".to_owned()),
        None => {}
    }
    out
}
