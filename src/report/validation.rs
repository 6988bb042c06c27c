//! Each validating command's report, as a [`Validation`]: suites per trigger, cases per
//! check. Error-level findings fail, `check-skipped` skips, warnings and notes pass with
//! their text, and a check area that found nothing passes under its own name.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use crate::commands::doctor::{DoctorReport, TriggerVerdict as DoctorVerdict};
use crate::commands::mapping::{MappingDeleteReport, MappingListReport, MappingReport};
use crate::commands::outcome::Outcome;
use crate::commands::probe::ProbeReport;
use crate::commands::queue_create::QueueCreateReport;
use crate::commands::role_check::RoleCheckReport;
use crate::commands::setup::SetupReport;
use crate::commands::teardown::TeardownReport;
use crate::model::{Finding, FindingCode, Severity};
use crate::output::{Report, Style};
use crate::report::{Case, CaseResult, Suite, Validation};

/// A report that can say what it checked. Reports of commands that check nothing keep the
/// default: no validation, so only `json=PATH` applies to them.
pub trait ToValidation {
    fn validation(&self, _started: SystemTime, _elapsed: Duration) -> Option<Validation> {
        None
    }
    /// The SARIF 2.1.0 log of the findings, with their places in files (lint only).
    fn sarif(&self) -> Option<serde_json::Value> {
        None
    }
}

impl ToValidation for QueueCreateReport {}
impl ToValidation for TeardownReport {}
impl ToValidation for MappingListReport {}
impl ToValidation for MappingDeleteReport {}
impl ToValidation for crate::commands::redrive::RedriveReport {}

pub use crate::model::finding::Area;

/// The passing case's name of an area: what its checks looked at.
pub fn check_name(area: Area) -> &'static str {
    match area {
        Area::Placement => "placement: queue, function and key in one region and account",
        Area::Queue => "queue: visibility timeout, dead-letter queue, maxReceiveCount",
        Area::Encryption => "encryption: the queue's KMS key is usable by the poller",
        Area::Role => "execution role: the poller's permissions and Lambda trust",
        Area::Mapping => "mapping: present, enabled, one per pair, settings in range",
        Area::Function => "function: active and not throttled",
    }
}

/// The resources a trigger's checks are about: the classname of each area's passing case.
#[derive(Clone, Debug, Default)]
pub struct Resources {
    pub queue: Option<String>,
    pub function: Option<String>,
    pub role: Option<String>,
    pub key: Option<String>,
    pub mapping: Option<String>,
}

impl Resources {
    fn of(&self, area: Area) -> String {
        let pair = || format!("{} → {}", self.queue.as_deref().unwrap_or("?"), self.function.as_deref().unwrap_or("?"));
        let pick = |v: &Option<String>| v.clone().unwrap_or_else(pair);
        match area {
            Area::Placement | Area::Queue => pick(&self.queue),
            Area::Encryption => self.key.clone().unwrap_or_else(|| pick(&self.queue)),
            Area::Role => self.role.clone().unwrap_or_else(|| pick(&self.function)),
            Area::Mapping => self.mapping.clone().unwrap_or_else(pair),
            Area::Function => pick(&self.function),
        }
    }
}

/// One case per finding, then one passing case per area that ran and found nothing.
pub fn finding_cases(findings: &[Finding], areas: &[Area], resources: &Resources) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut seen = HashSet::new();
    for f in findings {
        if !seen.insert((f.code, f.resource.clone(), f.message.clone())) {
            continue;
        }
        cases.push(finding_case(f));
    }
    for area in areas {
        if !findings.iter().any(|f| f.code.area() == Some(*area)) {
            cases.push(Case {
                name: check_name(*area).to_owned(),
                classname: resources.of(*area),
                time: Duration::ZERO,
                code: None,
                severity: None,
                result: CaseResult::Passed { output: None },
            });
        }
    }
    number_duplicates(&mut cases);
    cases
}

/// A finding as a test case: error → failure (message, then the fix), check-skipped →
/// skipped, warning and info → passed with the text as output.
pub fn finding_case(f: &Finding) -> Case {
    let text = finding_text(f);
    let result = match (f.severity, f.code) {
        (_, FindingCode::CheckSkipped) => CaseResult::Skipped { message: one_line(&text) },
        (Severity::Error, _) => CaseResult::Failed { message: f.message.clone(), body: text },
        (Severity::Warning, _) => CaseResult::Passed { output: Some(format!("warning: {text}")) },
        (Severity::Info, _) => CaseResult::Passed { output: Some(format!("note: {text}")) },
    };
    Case {
        name: f.code.as_str().to_owned(),
        classname: f.resource.clone(),
        time: Duration::ZERO,
        code: Some(f.code),
        severity: Some(f.severity),
        result,
    }
}

/// The message, then `fix: ...` on its own line.
pub fn finding_text(f: &Finding) -> String {
    match &f.remediation {
        Some(fix) => format!("{}\nfix: {}", f.message, crate::connection::render(fix, Some(&f.resource))),
        None => f.message.clone(),
    }
}

fn one_line(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" — ")
}

/// Two cases of one name and classname (e.g. two missing permissions of one role) get
/// `#2`, `#3`... so report viewers keep them apart.
fn number_duplicates(cases: &mut [Case]) {
    let mut counts: std::collections::HashMap<(String, String), usize> = std::collections::HashMap::new();
    for case in cases.iter_mut() {
        let n = counts.entry((case.name.clone(), case.classname.clone())).or_insert(0);
        *n += 1;
        if *n > 1 {
            case.name = format!("{} #{n}", case.name);
        }
    }
}

fn pair_name(queue: &str, function: &str) -> String {
    format!("{} → {}", short_name(queue), short_name(function))
}

/// The last part of an ARN or URL: what people call the resource.
fn short_name(text: &str) -> &str {
    if text.starts_with("arn:") {
        let mut parts = text.splitn(7, ':');
        let resource = parts.nth(5).unwrap_or(text);
        // function ARNs: arn:aws:lambda:r:a:function:NAME[:QUALIFIER]
        if resource == "function" {
            return text.splitn(7, ':').nth(6).unwrap_or(text);
        }
        return resource;
    }
    text.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(text)
}

/// The report's text rendering, uncolored: the body of a failed case.
fn rendered<R: Report>(report: &R) -> String {
    let mut buf = Vec::new();
    let _ = report.render_text(&mut buf, &Style::default());
    String::from_utf8_lossy(&buf).into_owned()
}

impl ToValidation for DoctorReport {
    fn validation(&self, started: SystemTime, elapsed: Duration) -> Option<Validation> {
        let suites = self
            .triggers
            .iter()
            .map(|d| {
                let queue = d.queue.as_ref().map(|q| q.arn.clone());
                let function = d.function.as_ref().map(|f| f.arn.clone());
                let resources = Resources {
                    queue: queue.clone(),
                    function: function.clone(),
                    role: d.function.as_ref().map(|f| f.role.clone()),
                    key: None,
                    mapping: d.mappings.first().map(|m| format!("event-source-mapping:{}", m.uuid)),
                };
                let mut areas = Vec::new();
                if d.queue.is_some() {
                    areas.extend([Area::Placement, Area::Queue, Area::Encryption]);
                }
                areas.push(Area::Mapping);
                if d.function.is_some() {
                    areas.extend([Area::Function, Area::Role]);
                }
                let name = pair_name(
                    d.queue.as_ref().map_or("?", |q| q.name.as_str()),
                    d.function.as_ref().map_or("?", |f| f.name.as_str()),
                );
                let verdict = match d.verdict {
                    DoctorVerdict::Healthy => "healthy",
                    DoctorVerdict::Warnings => "works, with warnings",
                    DoctorVerdict::Broken => "broken",
                };
                let mut properties = vec![("verdict".to_owned(), verdict.to_owned())];
                properties.extend(queue.map(|q| ("queue".to_owned(), q)));
                properties.extend(function.map(|f| ("function".to_owned(), f)));
                if let Some(link) = d.broken_link {
                    properties.push(("broken-link".into(), format!("{link:?}").to_lowercase()));
                }
                Suite {
                    name,
                    chain: Some(crate::commands::doctor::chain(&Style::default(), d)),
                    verdict: verdict.to_owned(),
                    time: d.elapsed,
                    properties,
                    cases: finding_cases(&d.findings, &areas, &resources),
                }
            })
            .collect();
        let s = &self.summary;
        let headline = if s.triggers == 0 {
            "no SQS triggers found".to_owned()
        } else if s.broken > 0 {
            format!("✗ {} of {} trigger(s) broken", s.broken, s.triggers)
        } else if s.with_warnings > 0 {
            format!("! {} trigger(s) work, {} with warnings", s.triggers, s.with_warnings)
        } else {
            format!("✓ {} trigger(s) healthy", s.triggers)
        };
        Some(Validation { command: "doctor".into(), started, elapsed, suites, headline })
    }
}

/// The probe as one test case: its verdict, its latency, how long the logs were watched.
fn probe_case(report: &ProbeReport) -> Case {
    let latency = report.latency_ms.map(|ms| format!(", {ms} ms after the send")).unwrap_or_default();
    let request = report.request_id.as_deref().map(|id| format!(", request id {id}")).unwrap_or_default();
    let verdict = report.verdict.as_str();
    let line = format!("probe {verdict}{latency}{request}");
    let result = if report.exit_status() == crate::ExitStatus::Success {
        CaseResult::Passed { output: Some(line) }
    } else {
        CaseResult::Failed { message: line, body: rendered(report) }
    };
    Case {
        name: format!("probe: {verdict}"),
        classname: report.function.clone(),
        time: Duration::from_millis(report.waited_ms),
        code: None,
        severity: None,
        result,
    }
}

impl ToValidation for ProbeReport {
    fn validation(&self, started: SystemTime, elapsed: Duration) -> Option<Validation> {
        let mut cases = vec![probe_case(self)];
        cases.extend(finding_cases(&self.findings, &[], &Resources::default()));
        let latency = self.latency_ms.map(|ms| format!(" in {ms} ms")).unwrap_or_default();
        let suite = Suite {
            name: pair_name(&self.queue, &self.function),
            chain: Some(format!("{} → {} → {}", self.queue, self.function, self.log_group)),
            verdict: format!("probe {}{latency}", self.verdict.as_str()),
            time: elapsed,
            properties: vec![
                ("queue".into(), self.queue_url.clone()),
                ("function".into(), self.function.clone()),
                ("probe-id".into(), self.probe_id.clone()),
                ("verdict".into(), self.verdict.as_str().into()),
            ],
            cases,
        };
        let headline = format!("probe {}{latency}", self.verdict.as_str());
        Some(Validation { command: "probe".into(), started, elapsed, suites: vec![suite], headline })
    }
}

impl ToValidation for RoleCheckReport {
    fn validation(&self, started: SystemTime, elapsed: Duration) -> Option<Validation> {
        let queue = self.queue.as_ref().map(ToString::to_string);
        let function = self.function.as_ref().map(ToString::to_string);
        let resources = Resources {
            queue: queue.clone(),
            function: function.clone(),
            role: self.role.as_ref().map(ToString::to_string),
            key: self.key.clone(),
            mapping: None,
        };
        let mut areas = vec![Area::Role];
        if self.key.is_some() {
            areas.push(Area::Encryption);
        }
        let cases = finding_cases(&self.findings, &areas, &resources);
        let failed = cases.iter().any(Case::is_failure);
        let verdict = if failed { "the role is missing what the poller needs" } else { "the role allows the poller" };
        let suite = Suite {
            name: pair_name(queue.as_deref().unwrap_or("?"), function.as_deref().unwrap_or("?")),
            chain: None,
            verdict: verdict.into(),
            time: elapsed,
            properties: [("queue", queue), ("function", function), ("role", resources.role.clone())]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
                .collect(),
            cases,
        };
        let headline = format!("{} {verdict}", if failed { "✗" } else { "✓" });
        Some(Validation { command: "role check".into(), started, elapsed, suites: vec![suite], headline })
    }
}

impl ToValidation for MappingReport {
    fn validation(&self, started: SystemTime, elapsed: Duration) -> Option<Validation> {
        let resources = Resources {
            queue: Some(self.queue.clone()),
            function: Some(self.function.clone()),
            mapping: self.uuid.as_ref().map(|u| format!("event-source-mapping:{u}")),
            ..Resources::default()
        };
        let mut cases = finding_cases(&self.findings, &Area::ALL, &resources);
        let outcome = self.outcome.as_str();
        let (result, time) = match &self.wait {
            Some(w) if !w.settled => {
                let message = format!("the mapping is {} after {} (expected {})", w.state, w.waited, w.expected);
                (CaseResult::Failed { message, body: rendered(self) }, w.waited.as_duration())
            }
            Some(w) => (
                CaseResult::Passed { output: Some(format!("{outcome}, {} after {}", w.state, w.waited)) },
                w.waited.as_duration(),
            ),
            // Refused: the error findings above are the failures.
            None if self.outcome == Outcome::Refused => {
                (CaseResult::Skipped { message: "refused: nothing was created or changed".into() }, Duration::ZERO)
            }
            None => (CaseResult::Passed { output: Some(outcome.to_owned()) }, Duration::ZERO),
        };
        cases.push(Case {
            name: format!("mapping create: {outcome}"),
            classname: resources.of(Area::Mapping),
            time,
            code: None,
            severity: None,
            result,
        });
        let verdict = if self.failed() { format!("{outcome}: failed") } else { outcome.to_owned() };
        let suite = Suite {
            name: pair_name(&self.queue, &self.function),
            chain: None,
            verdict: verdict.clone(),
            time: elapsed,
            properties: vec![("queue".into(), self.queue.clone()), ("function".into(), self.function.clone())],
            cases,
        };
        let headline = format!("mapping {verdict}");
        Some(Validation { command: "mapping create".into(), started, elapsed, suites: vec![suite], headline })
    }
}

impl ToValidation for SetupReport {
    fn validation(&self, started: SystemTime, elapsed: Duration) -> Option<Validation> {
        let mut cases = Vec::new();
        let mut findings: Vec<Finding> = Vec::new();
        let mut areas: Vec<Area> = Vec::new();
        for step in &self.steps {
            findings.extend(step.findings.iter().cloned());
            // The step's name as its JSON says it (`queue`, `role`, `mapping`, `probe`).
            let name =
                serde_json::to_value(step.step).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            let name = name.as_str();
            let detail = step.detail.as_ref();
            match name {
                "role" if detail.is_some() => areas.extend([Area::Role]),
                "mapping" if detail.is_some() => areas = Area::ALL.to_vec(),
                _ => {}
            }
            let has_errors = step.findings.iter().any(Finding::is_error);
            let time = detail
                .and_then(|d| d.get("waited_ms"))
                .and_then(serde_json::Value::as_u64)
                .map(Duration::from_millis)
                .unwrap_or_default();
            let line = match detail.filter(|_| name == "probe") {
                // The probe's own words: its verdict, its latency, the invocation.
                Some(d) => {
                    let latency =
                        d["latency_ms"].as_u64().map(|ms| format!(", {ms} ms after the send")).unwrap_or_default();
                    let request = d["request_id"].as_str().map(|id| format!(", request id {id}")).unwrap_or_default();
                    format!("probe {}{latency}{request}: {}", step.outcome, step.summary)
                }
                None => format!("{}: {}", step.outcome, step.summary),
            };
            let result = if step.outcome == "skipped" {
                CaseResult::Skipped { message: line }
            } else if step.status != crate::ExitStatus::Success && !has_errors {
                CaseResult::Failed { message: line.clone(), body: step.error.clone().unwrap_or(line) }
            } else if step.status != crate::ExitStatus::Success {
                // Refused for error findings: those are the failures.
                CaseResult::Skipped { message: format!("{line} (see the failed checks)") }
            } else {
                CaseResult::Passed { output: Some(line) }
            };
            let case_name = if name == "probe" {
                format!("probe: {}", step.outcome)
            } else {
                format!("setup {name}: {}", step.outcome)
            };
            cases.push(Case {
                name: case_name,
                classname: if name == "probe" { self.function.clone() } else { self.queue.clone() },
                time,
                code: None,
                severity: None,
                result,
            });
        }
        let resources = Resources {
            queue: Some(self.queue.clone()),
            function: Some(self.function.clone()),
            ..Resources::default()
        };
        cases.extend(finding_cases(&findings, &areas, &resources));
        let suite = Suite {
            name: pair_name(&self.queue, &self.function),
            chain: None,
            verdict: self.verdict.clone(),
            time: elapsed,
            properties: vec![
                ("queue".into(), self.queue.clone()),
                ("function".into(), self.function.clone()),
                ("dry-run".into(), self.dry_run.to_string()),
            ],
            cases,
        };
        let headline = format!("setup {}", self.verdict);
        Some(Validation { command: "setup".into(), started, elapsed, suites: vec![suite], headline })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_but_check_skipped_belongs_to_an_area() {
        for code in FindingCode::ALL {
            assert_eq!(code.area().is_none(), code == FindingCode::CheckSkipped, "{code}");
        }
    }

    #[test]
    fn findings_become_cases_by_severity_and_silent_areas_pass() {
        let findings = vec![
            Finding::error(FindingCode::MappingDisabled, "m", "disabled").fix("sqs-trigger mapping create --enable"),
            Finding::warning(FindingCode::DlqMissing, "q", "no DLQ"),
            Finding::warning(FindingCode::CheckSkipped, "role", "could not read the role"),
            Finding::error(FindingCode::RoleMissingPermission, "r", "sqs:ReceiveMessage"),
            Finding::error(FindingCode::RoleMissingPermission, "r", "sqs:DeleteMessage"),
        ];
        let cases = finding_cases(&findings, &Area::ALL, &Resources::default());
        let failed: Vec<&str> = cases.iter().filter(|c| c.is_failure()).map(|c| c.name.as_str()).collect();
        assert_eq!(failed, ["mapping-disabled", "role-missing-permission", "role-missing-permission #2"]);
        let CaseResult::Failed { body, .. } = &cases[0].result else { panic!() };
        assert!(body.contains("fix: sqs-trigger mapping create --enable"), "{body}");
        assert!(matches!(&cases[1].result, CaseResult::Passed { output: Some(o) } if o.starts_with("warning: no DLQ")));
        assert!(matches!(cases[2].result, CaseResult::Skipped { .. }));
        // placement, encryption and function found nothing: one passing case each.
        let passed: Vec<&str> = cases.iter().filter(|c| c.code.is_none()).map(|c| c.name.as_str()).collect();
        assert_eq!(passed.len(), 3, "{passed:?}");
    }

    #[test]
    fn short_names() {
        assert_eq!(short_name("arn:aws:sqs:us-east-1:123456789012:orders"), "orders");
        assert_eq!(short_name("arn:aws:lambda:us-east-1:123456789012:function:handler"), "handler");
        assert_eq!(short_name("https://sqs.us-east-1.amazonaws.com/123456789012/orders"), "orders");
        assert_eq!(short_name("orders"), "orders");
    }
}
