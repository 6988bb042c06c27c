//! `--report FORMAT[=PATH]` and `--fail-on`, validated before anything is sent.

use std::path::{Path, PathBuf};

use crate::cli::FailOn;
use crate::error::Error;
use crate::model::names::shorten;

/// Which reports this run writes, besides stdout.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reports {
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
    /// SARIF 2.1.0 (lint only).
    pub sarif: Option<PathBuf>,
    /// GitHub Actions workflow commands (and the step summary when `GITHUB_STEP_SUMMARY` is set).
    pub github: bool,
    /// The step summary file, read from `GITHUB_STEP_SUMMARY` (only used with `github`).
    pub step_summary: Option<PathBuf>,
    pub fail_on: FailOn,
}

/// What the command supports: validation commands (doctor, probe, setup, role check, mapping
/// create) take every report; other commands with a JSON document take `json=PATH` only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    Validation,
    JsonOnly,
    None,
}

/// The environment the reports depend on, read once (tests pass their own).
#[derive(Clone, Debug, Default)]
pub struct CiEnv {
    pub github_actions: bool,
    pub step_summary: Option<PathBuf>,
}

impl CiEnv {
    pub fn from_process() -> Self {
        CiEnv {
            github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            step_summary: std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()).map(PathBuf::from),
        }
    }
}

impl Reports {
    /// Parses the `--report` values. `command` names the command in messages.
    pub fn parse(
        values: &[String],
        fail_on: FailOn,
        command: &str,
        support: Support,
        env: &CiEnv,
    ) -> Result<Self, Error> {
        let mut reports = Reports { fail_on, ..Reports::default() };
        let mut none = false;
        let mut github = false;
        for value in values {
            let (format, path) = match value.split_once('=') {
                Some((f, p)) => (f, Some(p)),
                None => (value.as_str(), None),
            };
            let bad = |why: String| Error::usage(format!("--report {}: {why}", shorten(value)));
            match (format, path) {
                ("junit", Some(p)) | ("json", Some(p)) => {
                    let path = validate_path(p).map_err(bad)?;
                    let slot = if format == "junit" { &mut reports.junit } else { &mut reports.json };
                    if slot.is_some() {
                        return Err(Error::usage(format!("--report {format}=PATH: given twice; one file per format")));
                    }
                    *slot = Some(path);
                }
                ("sarif", Some(p)) => {
                    if command != "lint" {
                        return Err(bad("sarif applies to lint only: its findings have places in files".into()));
                    }
                    if reports.sarif.is_some() {
                        return Err(Error::usage("--report sarif=PATH: given twice; one file per format"));
                    }
                    reports.sarif = Some(validate_path(p).map_err(bad)?);
                }
                ("junit", None) | ("json", None) | ("sarif", None) => {
                    return Err(bad(format!("{format} needs a file: --report {format}=PATH")));
                }
                ("github", None) => github = true,
                ("none", None) => none = true,
                ("github", Some(_)) | ("none", Some(_)) => {
                    return Err(bad(format!(
                        "{format} takes no path (github writes to the step log and GITHUB_STEP_SUMMARY)"
                    )));
                }
                _ => {
                    return Err(bad(format!(
                        "unknown format `{}`; expected junit=PATH, github, json=PATH, sarif=PATH or none",
                        shorten(format)
                    )));
                }
            }
        }
        if none && (github || reports.junit.is_some() || reports.json.is_some() || reports.sarif.is_some()) {
            return Err(Error::usage("--report none: turns every report off; it cannot be combined with others"));
        }
        if let (Some(a), Some(b)) = (&reports.junit, &reports.json)
            && a == b
        {
            return Err(Error::usage("--report: junit and json cannot be written to the same file"));
        }
        let explicit = github || reports.junit.is_some();
        match support {
            Support::Validation => {}
            Support::JsonOnly if !explicit => {}
            Support::JsonOnly => {
                return Err(Error::usage(format!(
                    "--report junit/github: `{command}` validates no trigger; they apply to doctor, probe, setup, role check and mapping create (json=PATH works here)"
                )));
            }
            Support::None if !explicit && reports.json.is_none() => {}
            Support::None => {
                return Err(Error::usage(format!(
                    "--report: `{command}` writes no report (logs prints JSON Lines: redirect `-o json` to a file)"
                )));
            }
        }
        reports.github = github || (env.github_actions && !none && support == Support::Validation);
        if reports.github {
            reports.step_summary = env.step_summary.clone();
        }
        Ok(reports)
    }

    /// Whether any report besides stdout is written.
    pub fn any(&self) -> bool {
        self.github || self.junit.is_some() || self.json.is_some() || self.sarif.is_some()
    }
}

/// A report path must name a file in an existing directory: found now, not after the AWS
/// calls, so a typo is exit 2 with nothing sent.
fn validate_path(text: &str) -> Result<PathBuf, String> {
    if text.is_empty() {
        return Err("the path is empty".into());
    }
    if text.chars().any(char::is_control) {
        return Err("the path contains a control character".into());
    }
    let path = PathBuf::from(text);
    if path.is_dir() || text.ends_with('/') {
        return Err(format!("`{}` is a directory; name a file in it", shorten(text)));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    if !parent.is_dir() {
        return Err(format!("the directory `{}` does not exist", shorten(&parent.display().to_string())));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(values: &[&str], support: Support, env: &CiEnv) -> Result<Reports, String> {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        Reports::parse(&values, FailOn::Error, "doctor", support, env).map_err(|e| e.to_string())
    }

    #[test]
    fn formats_and_paths() {
        let dir = std::env::temp_dir();
        let junit = dir.join("r.xml").display().to_string();
        let json = dir.join("r.json").display().to_string();
        let r = parse(
            &[&format!("junit={junit}"), "github", &format!("json={json}")],
            Support::Validation,
            &CiEnv::default(),
        )
        .unwrap();
        assert_eq!(r.junit.as_deref(), Some(Path::new(&junit)));
        assert_eq!(r.json.as_deref(), Some(Path::new(&json)));
        assert!(r.github);
        let none = parse(&[], Support::Validation, &CiEnv::default()).unwrap();
        assert!(!none.any());
    }

    #[test]
    fn bad_values_are_usage_errors() {
        let env = CiEnv::default();
        for (values, expected) in [
            (vec!["xml=a"], "unknown format `xml`"),
            (vec!["junit"], "junit needs a file"),
            (vec!["json="], "the path is empty"),
            (vec!["github=x"], "takes no path"),
            (vec!["junit=/nonexistent-dir-sqs/r.xml"], "does not exist"),
            (vec!["junit=/tmp"], "is a directory"),
            (vec!["none", "github"], "cannot be combined"),
            (vec!["junit=a.xml", "junit=b.xml"], "given twice"),
            (vec!["junit=a.xml", "json=a.xml"], "same file"),
        ] {
            let err = parse(&values, Support::Validation, &env).unwrap_err();
            assert!(err.contains(expected), "{values:?}: {err}");
        }
        assert!(parse(&["github"], Support::JsonOnly, &env).unwrap_err().contains("validates no trigger"));
        assert!(parse(&["json=a.json"], Support::JsonOnly, &env).is_ok());
        assert!(parse(&["json=a.json"], Support::None, &env).is_err());
    }

    #[test]
    fn github_is_on_by_default_in_github_actions_unless_none() {
        let env = CiEnv { github_actions: true, step_summary: Some(PathBuf::from("/tmp/summary.md")) };
        let r = parse(&[], Support::Validation, &env).unwrap();
        assert!(r.github);
        assert_eq!(r.step_summary.as_deref(), Some(Path::new("/tmp/summary.md")));
        assert!(!parse(&["none"], Support::Validation, &env).unwrap().github);
        // Commands that validate nothing stay quiet, even by default.
        assert!(!parse(&[], Support::JsonOnly, &env).unwrap().github);
        assert!(!parse(&[], Support::Validation, &CiEnv::default()).unwrap().github);
    }
}
