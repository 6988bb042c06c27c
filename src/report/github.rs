//! GitHub Actions: workflow commands (`::error title=CODE::message`) that become annotations
//! on the run, and a Markdown job summary appended to `GITHUB_STEP_SUMMARY`.
//!
//! The runner reads workflow commands from both stdout and stderr of a step (actions/runner,
//! `src/Runner.Worker/Handlers/ScriptHandler.cs` hands both streams to its command
//! manager), so under `--output json` they go to stderr and the JSON document on stdout
//! stays intact.

use std::io::{self, Write};
use std::path::Path;

use crate::report::{Case, CaseResult, Suite, Validation};

/// GitHub shows at most 10 error, 10 warning and 10 notice annotations per step.
pub const MAX_PER_KIND: usize = 10;
/// GitHub's limit on one step's summary; more is dropped with an error on the run.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Error,
    Warning,
    Notice,
}

impl Kind {
    fn command(self) -> &'static str {
        match self {
            Kind::Error => "error",
            Kind::Warning => "warning",
            Kind::Notice => "notice",
        }
    }
}

/// The annotation a case deserves, if any: failures are errors, warnings and skipped checks
/// warnings, notes and the probe's verdict notices. Passing checks say nothing.
fn annotation(suite: &Suite, case: &Case) -> Option<(Kind, String, String)> {
    let title = case.code.map(|c| c.as_str().to_owned()).unwrap_or_else(|| case.name.clone());
    let (kind, text) = match &case.result {
        CaseResult::Failed { body, .. } => (Kind::Error, body.clone()),
        CaseResult::Error { message, .. } => (Kind::Error, message.clone()),
        CaseResult::Skipped { message } if case.code.is_some() => (Kind::Warning, message.clone()),
        CaseResult::Skipped { .. } => return None,
        CaseResult::Passed { output: Some(out) } => match case.severity {
            Some(crate::model::Severity::Warning) => (Kind::Warning, strip(out, "warning: ")),
            Some(_) => (Kind::Notice, strip(out, "note: ")),
            None if case.name.starts_with("probe") => (Kind::Notice, out.clone()),
            None => return None,
        },
        CaseResult::Passed { output: None } => return None,
    };
    let where_ = if case.classname.is_empty() { String::new() } else { format!(" ({})", case.classname) };
    Some((kind, title, format!("{}{where_}: {text}", suite.name)))
}

fn strip(text: &str, prefix: &str) -> String {
    text.strip_prefix(prefix).unwrap_or(text).to_owned()
}

/// Writes the workflow commands: at most [`MAX_PER_KIND`] of each kind, then one line
/// counting the rest.
pub fn write_annotations(out: &mut dyn Write, v: &Validation) -> io::Result<()> {
    let mut shown = [0usize; 3];
    let mut hidden = [0usize; 3];
    for suite in &v.suites {
        for case in &suite.cases {
            let Some((kind, title, message)) = annotation(suite, case) else { continue };
            let i = kind as usize;
            if shown[i] == MAX_PER_KIND {
                hidden[i] += 1;
                continue;
            }
            shown[i] += 1;
            // lint's cases are places in files (`path:line:column`): the annotation goes there.
            let place = match (v.command == "lint").then(|| file_position(&case.classname)).flatten() {
                Some((file, line, column)) => {
                    format!("file={},line={line},col={column},", escape_property(file))
                }
                None => String::new(),
            };
            writeln!(out, "::{} {place}title={}::{}", kind.command(), escape_property(&title), escape_data(&message))?;
        }
    }
    let rest: Vec<String> = [(Kind::Error, "error"), (Kind::Warning, "warning"), (Kind::Notice, "notice")]
        .into_iter()
        .filter(|(k, _)| hidden[*k as usize] > 0)
        .map(|(k, word)| {
            let n = hidden[k as usize];
            format!("{n} more {word}{}", if n == 1 { "" } else { "s" })
        })
        .collect();
    if !rest.is_empty() {
        writeln!(
            out,
            "sqs-trigger: {} not annotated (GitHub shows {MAX_PER_KIND} of each kind per step); every finding is in the output above and the job summary",
            rest.join(", ")
        )?;
    }
    out.flush()
}

/// `path:line:column` → its parts (lint's case names).
fn file_position(text: &str) -> Option<(&str, u32, u32)> {
    let mut parts = text.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next().filter(|f| !f.is_empty())?;
    Some((file, line, column))
}

/// Workflow command data: `%`, CR and LF are percent-encoded (actions/toolkit `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value (`title=`): also `:` and `,` (actions/toolkit `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The job summary: a heading with the verdict, then per trigger the chain, a table of the
/// findings (errors first, then warnings, skipped checks and notes) and the probe's verdict.
/// `budget` is what is left of [`SUMMARY_LIMIT`] in the step's file: rows that would not
/// fit are counted instead of written.
pub fn summary(v: &Validation, budget: usize) -> String {
    let mut md = format!("### sqs-trigger {}: {}\n\n", v.command, md_text(&v.headline));
    // Room for the last "not shown" line.
    let budget = budget.saturating_sub(512);
    let mut dropped = 0usize;
    for suite in &v.suites {
        let mut block = format!("#### {}: {}\n\n", md_text(&suite.name), md_text(&suite.verdict));
        if let Some(chain) = &suite.chain {
            block.push_str(&format!("{}\n\n", md_text(chain)));
        }
        let rows: Vec<String> = suite.cases.iter().filter_map(row).collect();
        let passed =
            suite.cases.iter().filter(|c| c.code.is_none() && matches!(c.result, CaseResult::Passed { .. })).count();
        if !rows.is_empty() {
            block.push_str("| | Check | Resource | Message | Fix |\n|---|---|---|---|---|\n");
        }
        if md.len() + block.len() > budget {
            dropped += rows.len().max(1);
            continue;
        }
        md.push_str(&block);
        for (i, r) in rows.iter().enumerate() {
            if md.len() + r.len() > budget {
                dropped += rows.len() - i;
                break;
            }
            md.push_str(r);
        }
        if !rows.is_empty() {
            md.push('\n');
        }
        for case in suite.cases.iter().filter(|c| c.code.is_none() && c.name.starts_with("probe")) {
            let line = match &case.result {
                CaseResult::Passed { output } => {
                    format!("**Probe:** ✅ {}\n\n", md_text(output.as_deref().unwrap_or(&case.name)))
                }
                CaseResult::Failed { message, .. } => format!("**Probe:** ❌ {}\n\n", md_text(message)),
                CaseResult::Skipped { message } => format!("**Probe:** ⏭️ {}\n\n", md_text(message)),
                CaseResult::Error { message, .. } => format!("**Probe:** ❌ {}\n\n", md_text(message)),
            };
            if md.len() + line.len() <= budget {
                md.push_str(&line);
            }
        }
        let line = format!("{passed} other check(s) passed.\n\n");
        if md.len() + line.len() <= budget {
            md.push_str(&line);
        }
    }
    if dropped > 0 {
        md.push_str(&format!(
            "_{dropped} more row(s) not shown: GitHub's step summary holds 1 MiB. Use `--report json=PATH` for everything._\n\n"
        ));
    }
    md
}

/// Appends the summary to the step's summary file (`GITHUB_STEP_SUMMARY`), within what is
/// left of GitHub's limit there.
pub fn append_summary(path: &Path, v: &Validation) -> io::Result<()> {
    let used = std::fs::metadata(path).map(|m| m.len() as usize).unwrap_or(0);
    let budget = SUMMARY_LIMIT.saturating_sub(used);
    if budget < 1024 {
        return Ok(()); // the step's summary is full: the annotations and the log still say it all
    }
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(summary(v, budget).as_bytes())?;
    file.flush()
}

/// A table row for a finding or a failed step; passing checks are counted, not listed.
fn row(case: &Case) -> Option<String> {
    let (mark, message, fix) = match &case.result {
        CaseResult::Failed { message, body } => {
            let fix = body.split_once("\nfix: ").map(|(_, f)| f.to_owned()).unwrap_or_default();
            ("❌ error", message.clone(), fix)
        }
        CaseResult::Error { message, .. } => ("❌ error", message.clone(), String::new()),
        CaseResult::Skipped { message } if case.code.is_some() => ("⏭️ skipped", message.clone(), String::new()),
        CaseResult::Skipped { .. } => return None,
        CaseResult::Passed { output: Some(out) } if case.code.is_some() => {
            let (mark, text) = match case.severity {
                Some(crate::model::Severity::Warning) => ("⚠️ warning", strip(out, "warning: ")),
                _ => ("ℹ️ note", strip(out, "note: ")),
            };
            let (message, fix) = match text.split_once("\nfix: ") {
                Some((m, f)) => (m.to_owned(), f.to_owned()),
                None => (text, String::new()),
            };
            (mark, message, fix)
        }
        CaseResult::Passed { .. } => return None,
    };
    if case.name.starts_with("probe") {
        return None; // its own line below the table
    }
    let fix = md_cell(&fix);
    let check = case.code.map(|c| c.as_str().to_owned()).unwrap_or_else(|| case.name.replace('`', "'"));
    Some(format!("| {mark} | `{check}` | {} | {} | {fix} |\n", md_cell(&case.classname), md_cell(&message)))
}

/// Text in Markdown: HTML-escaped, so a `<` in a message is not a tag.
fn md_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Text in a table cell: also no `|` and no line breaks.
fn md_cell(s: &str) -> String {
    md_text(s).replace('|', "&#124;").replace("\r\n", "<br>").replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::model::{Finding, FindingCode};
    use crate::report::validation::{Resources, finding_cases};

    fn validation(errors: usize, warnings: usize) -> Validation {
        let mut findings = Vec::new();
        for i in 0..errors {
            findings.push(
                Finding::error(FindingCode::RoleMissingPermission, "role", format!("missing {i}")).fix("grant it"),
            );
        }
        for i in 0..warnings {
            findings.push(Finding::warning(FindingCode::DlqMissing, format!("q{i}"), "no DLQ"));
        }
        Validation {
            command: "doctor".into(),
            started: SystemTime::UNIX_EPOCH,
            elapsed: Duration::ZERO,
            headline: "✗ broken".into(),
            suites: vec![Suite {
                name: "q → f".into(),
                chain: Some("q → m → f → logs".into()),
                verdict: "broken".into(),
                time: Duration::ZERO,
                properties: vec![],
                cases: finding_cases(&findings, &[], &Resources::default()),
            }],
        }
    }

    #[test]
    fn escapes_per_the_toolkit() {
        assert_eq!(escape_data("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn at_most_ten_of_each_kind_then_one_line() {
        let mut out = Vec::new();
        write_annotations(&mut out, &validation(15, 3)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.iter().filter(|l| l.starts_with("::error title=role-missing-permission::")).count(), 10);
        assert_eq!(lines.iter().filter(|l| l.starts_with("::warning title=dlq-missing::")).count(), 3);
        assert_eq!(lines.len(), 14, "{text}");
        assert!(lines[13].contains("5 more errors not annotated"), "{text}");
        assert!(lines[0].ends_with("q → f (role): missing 0%0Afix: grant it"), "{}", lines[0]);
    }

    #[test]
    fn the_summary_fits_the_budget() {
        let v = validation(15, 3);
        let full = summary(&v, SUMMARY_LIMIT);
        assert!(full.contains("| ❌ error | `role-missing-permission` | role | missing 14 | grant it |"), "{full}");
        let short = summary(&v, 1200);
        assert!(short.len() <= 1200, "{}", short.len());
        assert!(short.contains("more row(s) not shown"), "{short}");
    }
}
