//! JUnit XML, as GitLab, Jenkins and the GitHub test-report actions read it (the shape of
//! Jenkins' `junit-10.xsd`, which the tests validate against): one `<testsuite>` per
//! trigger, one `<testcase>` per check; `<failure>` carries the message and the fix,
//! `<skipped>` a check that could not run, `<system-out>` a warning's text.

use std::fmt::Write as _;

use crate::error::Error;
use crate::report::{Case, CaseResult, Suite, Validation, seconds};

/// The whole document.
pub fn render(v: &Validation) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let count = |f: fn(&Case) -> bool| v.cases().filter(|c| f(c)).count();
    let _ = writeln!(
        xml,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
        attr(&format!("sqs-trigger {}", v.command)),
        v.cases().count(),
        count(|c| matches!(c.result, CaseResult::Failed { .. })),
        count(|c| matches!(c.result, CaseResult::Error { .. })),
        seconds(v.elapsed)
    );
    let timestamp = humantime::format_rfc3339_seconds(v.started).to_string();
    for (id, suite) in v.suites.iter().enumerate() {
        write_suite(&mut xml, id, suite, &timestamp);
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn write_suite(xml: &mut String, id: usize, suite: &Suite, timestamp: &str) {
    let count = |f: fn(&CaseResult) -> bool| suite.cases.iter().filter(|c| f(&c.result)).count();
    let _ = writeln!(
        xml,
        "  <testsuite id=\"{id}\" name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" timestamp=\"{timestamp}\">",
        attr(&suite.name),
        suite.cases.len(),
        count(|r| matches!(r, CaseResult::Failed { .. })),
        count(|r| matches!(r, CaseResult::Error { .. })),
        count(|r| matches!(r, CaseResult::Skipped { .. })),
        seconds(suite.time)
    );
    if !suite.properties.is_empty() {
        xml.push_str("    <properties>\n");
        for (name, value) in &suite.properties {
            let _ = writeln!(xml, "      <property name=\"{}\" value=\"{}\"/>", attr(name), attr(value));
        }
        xml.push_str("    </properties>\n");
    }
    for case in &suite.cases {
        write_case(xml, case);
    }
    if let Some(chain) = &suite.chain {
        let _ = writeln!(xml, "    <system-out>{}\nverdict: {}</system-out>", text(chain), text(&suite.verdict));
    }
    xml.push_str("  </testsuite>\n");
}

fn write_case(xml: &mut String, case: &Case) {
    let _ = write!(
        xml,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
        attr(&case.name),
        attr(&case.classname),
        seconds(case.time)
    );
    let kind = case.code.map(|c| c.as_str()).unwrap_or("check");
    match &case.result {
        CaseResult::Passed { output: None } => xml.push_str("/>\n"),
        CaseResult::Passed { output: Some(out) } => {
            let _ = writeln!(xml, ">\n      <system-out>{}</system-out>\n    </testcase>", text(out));
        }
        CaseResult::Failed { message, body } => {
            let _ = writeln!(
                xml,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                attr(message),
                attr(kind),
                text(body)
            );
        }
        CaseResult::Skipped { message } => {
            let _ = writeln!(xml, ">\n      <skipped message=\"{}\"/>\n    </testcase>", attr(message));
        }
        CaseResult::Error { kind, message } => {
            let _ = writeln!(
                xml,
                ">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>",
                attr(message.lines().next().unwrap_or_default()),
                attr(kind),
                text(message)
            );
        }
    }
}

/// The report of a run that ended in an error (an AWS call failed, bad input, Ctrl-C): one
/// suite with one errored case, so the pipeline's test view shows why there are no results.
pub fn error_validation(
    command: &str,
    error: &Error,
    started: std::time::SystemTime,
    elapsed: std::time::Duration,
) -> Validation {
    let message = crate::redact::redact(&error.to_string());
    Validation {
        command: command.to_owned(),
        started,
        elapsed,
        headline: format!("✗ sqs-trigger {command} failed: {}", message.lines().next().unwrap_or_default()),
        suites: vec![Suite {
            name: format!("sqs-trigger {command}"),
            chain: None,
            verdict: format!("{} error (exit {})", error.kind(), error.exit_status().code()),
            time: elapsed,
            properties: vec![("exit-code".into(), error.exit_status().code().to_string())],
            cases: vec![Case {
                name: command.to_owned(),
                classname: "sqs-trigger".into(),
                time: elapsed,
                code: None,
                severity: None,
                result: CaseResult::Error { kind: error.kind().to_owned(), message },
            }],
        }],
    }
}

/// Escapes text content. Characters XML 1.0 cannot carry at all (most controls) are dropped.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value; line breaks are kept as character references (a parser
/// would otherwise turn them into spaces).
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' | '\r' => out.push(c),
            // Not allowed in XML 1.0 (ESC of a colored message included).
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::model::{Finding, FindingCode};
    use crate::report::validation::{Area, Resources, finding_cases};

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(attr("a<b & \"c\"\nd"), "a&lt;b &amp; &quot;c&quot;&#10;d");
        assert_eq!(text("x\u{1b}[31my\u{0}z\n"), "x[31myz\n");
    }

    #[test]
    fn counts_match_the_cases() {
        let findings = vec![
            Finding::error(FindingCode::MappingDisabled, "m", "disabled <now>").fix("enable it & go"),
            Finding::warning(FindingCode::CheckSkipped, "role", "could not read"),
            Finding::warning(FindingCode::DlqMissing, "q", "no DLQ"),
        ];
        let cases = finding_cases(&findings, &Area::ALL, &Resources::default());
        let v = Validation {
            command: "doctor".into(),
            started: SystemTime::UNIX_EPOCH,
            elapsed: Duration::from_millis(1500),
            headline: String::new(),
            suites: vec![Suite {
                name: "q → f".into(),
                chain: Some("q → m → f → logs".into()),
                verdict: "broken".into(),
                time: Duration::from_millis(1200),
                properties: vec![("queue".into(), "q".into())],
                cases,
            }],
        };
        let xml = render(&v);
        assert!(
            xml.contains(
                r#"tests="7" failures="1" errors="0" skipped="1" time="1.200" timestamp="1970-01-01T00:00:00Z""#
            ),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"disabled &lt;now&gt;\" type=\"mapping-disabled\">disabled &lt;now&gt;\nfix: enable it &amp; go</failure>"), "{xml}");
    }
}
