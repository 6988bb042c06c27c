//! CI reports (`--report junit=PATH|github|json=PATH`) and `--fail-on`.
//!
//! A validating command's report is turned into one neutral shape, [`Validation`]: one
//! [`Suite`] per trigger (queue → function), one [`Case`] per check that ran. The JUnit and
//! GitHub writers read only that shape, so each command needs one conversion
//! (`validation.rs`), and the writers know nothing about the commands.

pub mod github;
pub mod junit;
pub mod sarif;
pub mod settings;
pub mod validation;

use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::Serialize;

pub use settings::{CiEnv, Reports, Support};
pub use validation::ToValidation;

use crate::cli::FailOn;
use crate::error::ExitStatus;
use crate::model::{FindingCode, Severity};
use crate::output::{Report, Style};

pub use crate::output::schema_id;

/// A command's result as a JSON document: `{"schema": ..., <the report's fields>}`.
#[derive(Serialize)]
pub struct Document<'a, R: Serialize> {
    pub schema: &'a str,
    #[serde(flatten)]
    pub report: &'a R,
}

impl<R: Report> Report for Document<'_, R> {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        self.report.render_text(out, style)
    }
    fn exit_status(&self) -> ExitStatus {
        self.report.exit_status()
    }
}

/// What a validating command checked, in a shape the CI writers share.
#[derive(Clone, Debug)]
pub struct Validation {
    /// The command, e.g. `doctor`, `mapping create`.
    pub command: String,
    pub started: SystemTime,
    pub elapsed: Duration,
    pub suites: Vec<Suite>,
    /// One line for the summary's heading, e.g. "1 of 2 triggers broken".
    pub headline: String,
}

/// One trigger: queue → function.
#[derive(Clone, Debug)]
pub struct Suite {
    /// `queue → function`.
    pub name: String,
    /// `queue → mapping → function → log group`, as doctor prints it, when known.
    pub chain: Option<String>,
    /// The trigger's verdict in the command's own words (healthy, broken, confirmed...).
    pub verdict: String,
    pub time: Duration,
    pub properties: Vec<(String, String)>,
    pub cases: Vec<Case>,
}

/// One check that ran.
#[derive(Clone, Debug)]
pub struct Case {
    /// The finding code or the check's name.
    pub name: String,
    /// The resource the check is about (an ARN when known).
    pub classname: String,
    pub time: Duration,
    /// The finding behind the case, when there is one.
    pub code: Option<FindingCode>,
    pub severity: Option<Severity>,
    pub result: CaseResult,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseResult {
    /// Passed; `output` carries a warning or a note (JUnit `<system-out>`).
    Passed { output: Option<String> },
    /// An error-level finding, a refused step, a probe not confirmed.
    Failed { message: String, body: String },
    /// The check could not run (`check-skipped`).
    Skipped { message: String },
    /// The command itself failed (an AWS error): JUnit `<error>`.
    Error { kind: String, message: String },
}

impl Case {
    pub fn is_failure(&self) -> bool {
        matches!(self.result, CaseResult::Failed { .. })
    }
}

impl Validation {
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.suites.iter().flat_map(|s| s.cases.iter())
    }

    /// Whether a warning-level finding (check-skipped included) was reported.
    pub fn has_warnings(&self) -> bool {
        self.cases().any(|c| c.severity == Some(Severity::Warning))
    }
}

/// `--fail-on warning`: a run that passed with warnings fails (exit 1). Nothing else changes:
/// an error status stays what it is.
pub fn apply_fail_on(status: ExitStatus, fail_on: FailOn, validation: Option<&Validation>) -> ExitStatus {
    match (status, fail_on, validation) {
        (ExitStatus::Success, FailOn::Warning, Some(v)) if v.has_warnings() => ExitStatus::CheckFailed,
        _ => status,
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the target, so a reader (or an artifact upload) never sees half a
/// report.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Seconds with millisecond precision, as JUnit and GitLab read `time`.
pub fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validation(severity: Severity) -> Validation {
        Validation {
            command: "doctor".into(),
            started: SystemTime::UNIX_EPOCH,
            elapsed: Duration::ZERO,
            headline: String::new(),
            suites: vec![Suite {
                name: "q → f".into(),
                chain: None,
                verdict: "warnings".into(),
                time: Duration::ZERO,
                properties: vec![],
                cases: vec![Case {
                    name: "dlq-missing".into(),
                    classname: "q".into(),
                    time: Duration::ZERO,
                    code: Some(FindingCode::DlqMissing),
                    severity: Some(severity),
                    result: CaseResult::Passed { output: None },
                }],
            }],
        }
    }

    #[test]
    fn fail_on_warning_fails_a_run_with_warnings_only() {
        let warned = validation(Severity::Warning);
        let noted = validation(Severity::Info);
        assert_eq!(apply_fail_on(ExitStatus::Success, FailOn::Error, Some(&warned)), ExitStatus::Success);
        assert_eq!(apply_fail_on(ExitStatus::Success, FailOn::Warning, Some(&warned)), ExitStatus::CheckFailed);
        assert_eq!(apply_fail_on(ExitStatus::Success, FailOn::Warning, Some(&noted)), ExitStatus::Success);
        assert_eq!(apply_fail_on(ExitStatus::Aws, FailOn::Warning, Some(&warned)), ExitStatus::Aws);
        assert_eq!(apply_fail_on(ExitStatus::Success, FailOn::Warning, None), ExitStatus::Success);
    }

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("sqs-trigger-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.xml");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.xml")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn documents_name_their_schema_first() {
        #[derive(Serialize)]
        struct R {
            a: u8,
        }
        let id = schema_id("doctor");
        let text = serde_json::to_string(&Document { schema: &id, report: &R { a: 1 } }).unwrap();
        assert_eq!(text, r#"{"schema":"sqs-trigger/doctor/v1","a":1}"#);
    }
}
