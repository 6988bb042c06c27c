//! `sqs-trigger lint`: the same checks as doctor, on infrastructure code before deploy.
//!
//! A file is another fact source: its front end (CloudFormation/SAM/CDK templates in
//! [`cfn`], Terraform plans in [`terraform`]) builds one `TriggerFacts` per mapping, and
//! `checks::run` decides as it does for a live account. Only the codes a file can decide are
//! reported ([`facts::lint_capable`]); what the file cannot tell becomes `check-skipped`.
//! No credentials, no request: nothing here talks to AWS.

pub mod cfn;
pub mod data;
pub mod facts;
pub mod resolve;
pub mod terraform;
pub mod tree;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::checks;
use crate::cli::{LintArgs, LintFormat};
use crate::error::{Error, ExitStatus};
use crate::model::finding::sort_findings;
use crate::model::{Finding, Severity};
use crate::output::{Report, Style};
use crate::report::{Case, CaseResult, Suite, ToValidation, Validation};

use facts::{LintTrigger, Spot, lint_capable};

/// Files larger than this are refused (exit 2): a plan of this size is far beyond what lint
/// is for.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Templates larger than this are refused (exit 2): CloudFormation accepts at most 1 MB (a
/// template in S3), so 4 MiB leaves room for cdk.out and comments while bounding the YAML
/// parser's time and memory.
pub const MAX_TEMPLATE_BYTES: usize = 4 * 1024 * 1024;

/// Validated `lint` input.
#[derive(Clone, Debug)]
pub struct Settings {
    pub files: Vec<PathBuf>,
    pub format: LintFormat,
    pub options: cfn::Options,
}

impl Settings {
    pub fn from_args(args: &LintArgs, region: Option<&str>) -> Result<Settings, Error> {
        let mut parameters = BTreeMap::new();
        for p in &args.parameters {
            let Some((k, v)) = p.split_once('=').filter(|(k, _)| !k.is_empty()) else {
                return Err(Error::usage(format!(
                    "--parameter {}: expected KEY=VALUE",
                    crate::model::names::shorten(p)
                )));
            };
            parameters.insert(k.to_owned(), v.to_owned());
        }
        if let Some(account) = &args.account
            && !crate::model::arn::is_account_id(account)
        {
            return Err(Error::usage(format!(
                "--account {}: expected a 12-digit account id",
                crate::model::names::shorten(account)
            )));
        }
        let region = region
            .map(str::to_owned)
            .or_else(|| std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()))
            .unwrap_or_else(|| "us-east-1".into());
        if !crate::model::arn::is_region(&region) {
            return Err(Error::usage(format!("--region {}: not a region name", crate::model::names::shorten(&region))));
        }
        let partition = if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        };
        let mut files = Vec::new();
        for path in &args.paths {
            files.extend(expand(path)?);
        }
        Ok(Settings {
            files,
            format: args.format,
            options: cfn::Options {
                region,
                account: args.account.clone().unwrap_or_else(|| cfn::DEFAULT_ACCOUNT.to_owned()),
                account_given: args.account.is_some(),
                partition: partition.into(),
                stack_name: args.stack_name.clone(),
                parameters,
            },
        })
    }
}

/// A directory (e.g. `cdk.out`) stands for its `*.template.json` files.
fn expand(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".template.json")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::usage(format!("{}: a directory without *.template.json files", path.display())));
    }
    Ok(files)
}

pub use crate::model::finding::{LintFinding, Location};

#[derive(Clone, Debug, Serialize)]
pub struct FileResult {
    pub path: String,
    pub format: &'static str,
    pub triggers: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LintReport {
    pub files: Vec<FileResult>,
    pub findings: Vec<LintFinding>,
    pub summary: Summary,
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

/// Reads every file, builds the facts and runs the checks. A file that does not parse is a
/// usage error (exit 2) naming file:line:column.
pub fn run(settings: &Settings) -> Result<LintReport, Error> {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for path in &settings.files {
        match lint_file(path, settings) {
            Ok((result, mut found)) => {
                files.push(result);
                findings.append(&mut found);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::usage(errors.join("\n")));
    }
    let summary = Summary {
        errors: findings.iter().filter(|f: &&LintFinding| f.finding.severity == Severity::Error).count(),
        warnings: findings.iter().filter(|f| f.finding.severity == Severity::Warning).count(),
        notes: findings.iter().filter(|f| f.finding.severity == Severity::Info).count(),
    };
    Ok(LintReport { files, findings, summary })
}

/// The facts of a file, for tests and the fuzz target: parse, resolve, link.
pub fn file_triggers(
    text: &str,
    format: LintFormat,
    options: &cfn::Options,
) -> Result<(&'static str, Vec<LintTrigger>), String> {
    let format = match format {
        LintFormat::Auto if terraform::looks_like_plan(text) => LintFormat::TerraformPlan,
        other => other,
    };
    if format == LintFormat::TerraformPlan {
        let triggers = terraform::triggers(text, options)?;
        return Ok(("terraform-plan", triggers));
    }
    let root = tree::parse(text).map_err(|e| format!("{}: {}", e.pos, e.message))?;
    if !cfn::is_template(&root) {
        return Err(format!("{}: not a CloudFormation template (no Resources mapping) nor a Terraform plan", root.pos));
    }
    Ok(("cloudformation", cfn::triggers(&root, options)))
}

fn lint_file(path: &Path, settings: &Settings) -> Result<(FileResult, Vec<LintFinding>), String> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| format!("{name}: {e}"))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("{name}:1:1: {} bytes: larger than the {MAX_FILE_BYTES} bytes lint reads", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let prefix = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
        let column = prefix.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        format!("{name}:{line}:{column}: not UTF-8 text")
    })?;
    let plan = match settings.format {
        LintFormat::TerraformPlan => true,
        LintFormat::Cloudformation => false,
        LintFormat::Auto => terraform::looks_like_plan(&text),
    };
    if !plan && text.len() > MAX_TEMPLATE_BYTES {
        return Err(format!(
            "{name}:1:1: {} bytes: larger than the {MAX_TEMPLATE_BYTES} bytes lint reads of a template (CloudFormation \
             accepts 1 MB)",
            text.len()
        ));
    }
    let (format, triggers) = file_triggers(&text, settings.format, &settings.options).map_err(|e| {
        if e.contains(':') && e.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            format!("{name}:{e}")
        } else {
            format!("{name}: {e}")
        }
    })?;
    let mut findings = located_findings(&name, &triggers);
    if format == "terraform-plan" {
        // A plan has no positions: the address says where.
        for f in &mut findings {
            f.location.line = None;
            f.location.column = None;
        }
    }
    let findings = result_sorted(findings);
    let mut labels: Vec<String> = Vec::new();
    for t in &triggers {
        if !labels.contains(&t.label) {
            labels.push(t.label.clone());
        }
    }
    let result = FileResult { path: name, format, triggers: labels };
    Ok((result, findings))
}

/// Runs the checks over each trigger and locates every finding.
pub fn located_findings(file: &str, triggers: &[LintTrigger]) -> Vec<LintFinding> {
    let mut out: Vec<LintFinding> = Vec::new();
    let mut seen = HashSet::new();
    // Which variants (combinations of undecidable conditions) each finding occurs in.
    let variants: BTreeSet<&Vec<String>> = triggers.iter().map(|t| &t.assumes).collect();
    let mut occurs: HashMap<(crate::model::FindingCode, String, Location), BTreeSet<&Vec<String>>> = HashMap::new();
    for t in triggers {
        let mut checked = checks::run(&t.facts, &checks::Area::ALL);
        sort_findings(&mut checked);
        let located = checked
            .into_iter()
            .filter(|f| lint_capable(f.code))
            .map(|f| {
                let spot = t.spots.locate(&f);
                (f, spot)
            })
            .chain(t.findings.iter().cloned());
        for (finding, spot) in located {
            let finding = template_fix(finding, t);
            // A place the front end could not tell: the mapping the finding came from.
            let spot = if spot.pos.is_none() && spot.address.is_empty() { t.spots.mapping.clone() } else { spot };
            let location = location(file, &spot);
            let key = (finding.code, finding.message.clone(), location.clone());
            occurs.entry(key.clone()).or_default().insert(&t.assumes);
            if seen.insert(key) {
                out.push(LintFinding { finding, location });
            }
        }
    }
    qualify(&mut out, variants.len(), &occurs);
    out
}

/// The fix said for the file, not for the account: which property to change (the account
/// commands of doctor's remediations do not apply before deploy). Codes without a
/// file-specific fix keep doctor's (a policy statement to add is the same in both).
fn template_fix(mut f: Finding, t: &LintTrigger) -> Finding {
    use crate::model::FindingCode::*;
    let fifo = t.facts.queue.as_ref().is_some_and(|q| q.fifo);
    let recommended = f
        .remediation
        .as_deref()
        .and_then(|r| r.split("VisibilityTimeout=").nth(1))
        .map(|n| n.chars().take_while(char::is_ascii_digit).collect::<String>());
    let fix = match f.code {
        VisibilityTimeoutBelowFunctionTimeout | VisibilityTimeoutBelowRecommended => match recommended {
            Some(n) if !n.is_empty() => format!("set the queue's VisibilityTimeout to {n} or more"),
            _ => "raise the queue's VisibilityTimeout to 6× the function's Timeout or more".to_owned(),
        },
        DlqMissing => format!(
            "add a RedrivePolicy: deadLetterTargetArn of a {} queue, maxReceiveCount 5 or more",
            if fifo { "FIFO" } else { "standard" }
        ),
        DlqTypeMismatch => format!(
            "point RedrivePolicy.deadLetterTargetArn at a {} queue",
            if fifo { "FIFO (.fifo)" } else { "standard" }
        ),
        MaxReceiveCountLow => "set RedrivePolicy.maxReceiveCount to 5 or more".to_owned(),
        BatchSizeOutOfRange => {
            format!("set BatchSize between 1 and {}", if fifo { 10 } else { 10_000 })
        }
        BatchWindowRequired => "set MaximumBatchingWindowInSeconds to 1 or more, or BatchSize to 10 or less".to_owned(),
        BatchWindowOutOfRange if fifo => "remove MaximumBatchingWindowInSeconds (FIFO queues take none)".to_owned(),
        BatchWindowOutOfRange => "set MaximumBatchingWindowInSeconds between 0 and 300".to_owned(),
        MaxConcurrencyOutOfRange => "set ScalingConfig.MaximumConcurrency between 2 and 1000, or remove it".to_owned(),
        FunctionThrottled => "remove ReservedConcurrentExecutions or set it above 0".to_owned(),
        FilterDeletesUnmatched => {
            "make sure only messages a pattern matches are meant for this function (others are deleted)".to_owned()
        }
        KmsKeyNotEnabled => "set the key's Enabled to true (or remove it)".to_owned(),
        RoleTrustMissingLambda => {
            "let lambda.amazonaws.com assume the role (sts:AssumeRole) in its AssumeRolePolicyDocument".to_owned()
        }
        MappingDuplicate => "keep one mapping per queue and function: remove the others".to_owned(),
        // The statement to add is the same; where to add it is the file.
        KmsKeyPolicyMissingGrant | RoleMissingPermission => {
            match f.remediation.as_deref().and_then(|r| r.split_once(":\n")) {
                Some((_, statement)) if statement.trim_start().starts_with('{') => {
                    let place =
                        if f.code == KmsKeyPolicyMissingGrant { "the key's KeyPolicy" } else { "the role's policies" };
                    format!("add this statement to {place} in the file:\n{statement}")
                }
                _ => return f,
            }
        }
        _ => return f,
    };
    f.remediation = Some(fix);
    f
}

/// Says under which assumptions a finding holds, when it does not hold in every variant.
fn qualify(
    out: &mut [LintFinding],
    variants: usize,
    occurs: &HashMap<(crate::model::FindingCode, String, Location), BTreeSet<&Vec<String>>>,
) {
    for f in out {
        let Some(set) = occurs.get(&(f.finding.code, f.finding.message.clone(), f.location.clone())) else { continue };
        if set.len() < variants {
            let when: Vec<String> = set.iter().map(|a| a.join(" and ")).collect();
            f.finding.message = format!("{} (when {})", f.finding.message, when.join(", or when "));
        }
    }
}

fn location(file: &str, spot: &Spot) -> Location {
    Location {
        file: file.to_owned(),
        line: spot.pos.map(|p| p.line),
        column: spot.pos.map(|p| p.column),
        address: spot.address.clone(),
    }
}

fn result_sorted(mut findings: Vec<LintFinding>) -> Vec<LintFinding> {
    findings.sort_by(|a, b| {
        (a.finding.severity, &a.location.line, &a.location.column, &a.location.address, a.finding.code).cmp(&(
            b.finding.severity,
            &b.location.line,
            &b.location.column,
            &b.location.address,
            b.finding.code,
        ))
    });
    findings
}

impl Report for LintReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        for f in &self.findings {
            // With a line, the logical id follows; a plan's location is already the address.
            let address =
                if f.location.line.is_some() { format!(" {}", style.dim(&f.location.address)) } else { String::new() };
            writeln!(
                out,
                "{}: {} {}{address}",
                f.location,
                style.severity(f.finding.severity),
                style.bold(f.finding.code.as_str()),
            )?;
            for line in f.finding.message.lines() {
                writeln!(out, "    {line}")?;
            }
            if let Some(fix) = &f.finding.remediation {
                let mut lines = fix.lines();
                writeln!(out, "    fix: {}", lines.next().unwrap_or_default())?;
                for line in lines {
                    writeln!(out, "         {line}")?;
                }
            }
        }
        let triggers: usize = self.files.iter().map(|f| f.triggers.len()).sum();
        let plural = |n: usize, w: &str| if n == 1 { format!("1 {w}") } else { format!("{n} {w}s") };
        writeln!(
            out,
            "{}, {}: {}, {}, {}",
            plural(self.files.len(), "file"),
            plural(triggers, "trigger"),
            plural(self.summary.errors, "error"),
            plural(self.summary.warnings, "warning"),
            plural(self.summary.notes, "note")
        )
    }

    fn exit_status(&self) -> ExitStatus {
        if self.summary.errors > 0 { ExitStatus::CheckFailed } else { ExitStatus::Success }
    }
}

impl ToValidation for LintReport {
    fn validation(&self, started: SystemTime, elapsed: Duration) -> Option<Validation> {
        let suites = self
            .files
            .iter()
            .map(|file| {
                let mut cases: Vec<Case> = self
                    .findings
                    .iter()
                    .filter(|f| f.location.file == file.path)
                    .map(|f| {
                        let mut case = crate::report::validation::finding_case(&f.finding);
                        case.classname = f.location.to_string();
                        case
                    })
                    .collect();
                if cases.is_empty() {
                    cases.push(Case {
                        name: "lint".into(),
                        classname: file.path.clone(),
                        time: Duration::ZERO,
                        code: None,
                        severity: None,
                        result: CaseResult::Passed { output: None },
                    });
                }
                let broken = cases.iter().any(Case::is_failure);
                Suite {
                    name: file.path.clone(),
                    chain: None,
                    verdict: if broken { "errors" } else { "passed" }.into(),
                    time: Duration::ZERO,
                    properties: vec![("format".into(), file.format.into())],
                    cases,
                }
            })
            .collect();
        Some(Validation {
            command: "lint".into(),
            started,
            elapsed,
            suites,
            headline: format!(
                "{} errors, {} warnings in {} files",
                self.summary.errors,
                self.summary.warnings,
                self.files.len()
            ),
        })
    }

    fn sarif(&self) -> Option<serde_json::Value> {
        Some(crate::report::sarif::render(&self.findings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn options() -> cfn::Options {
        cfn::Options {
            region: "us-east-1".into(),
            account: "123456789012".into(),
            account_given: true,
            partition: "aws".into(),
            stack_name: "t".into(),
            parameters: BTreeMap::new(),
        }
    }

    const SEEDS: [&str; 3] = [
        include_str!("../../tests/fixtures/lint/sam-globals-implicit-role.yaml"),
        include_str!("../../tests/fixtures/lint/parameters-conditions.yaml"),
        include_str!("../../tests/fixtures/lint/terraform/module.plan.json"),
    ];

    const TOKENS: [&str; 16] = [
        "!Ref ", "!GetAtt ", "!Sub '${", "!If [", "{", "}", "[", "]", ": ", "\n  ", "&a ", "*a", "- ", "\"", "'",
        "Fn::Join",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]
        /// The same property as the fuzz target (fuzz/fuzz_targets/lint.rs), on every `cargo
        /// test`: fixtures cut and spliced with YAML and intrinsic tokens never panic.
        #[test]
        fn mutated_fixtures_never_panic(seed in 0usize..3, cut in 0usize..4000, at in 0usize..4000, token in 0usize..16) {
            let text = SEEDS[seed];
            let mut s: String = text.chars().take(cut.max(1) + 200).collect();
            let at = s.char_indices().map(|(i, _)| i).nth(at % s.chars().count().max(1)).unwrap_or(0);
            s.insert_str(at, TOKENS[token]);
            for format in [LintFormat::Auto, LintFormat::Cloudformation, LintFormat::TerraformPlan] {
                if let Ok((_, triggers)) = file_triggers(&s, format, &options()) {
                    let _ = located_findings("t.yaml", &triggers);
                }
            }
        }
    }
}
