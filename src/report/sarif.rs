//! `--report sarif=PATH` (lint): SARIF 2.1.0, the format GitHub code scanning uploads, so
//! findings show on the template's lines. One rule per finding code, its docs page as
//! `helpUri`; one result per finding with its physical location (file, line, column) and the
//! logical id or resource address as a logical location.
//!
//! Format: <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>; the schema the
//! tests validate against is committed under tests/schema/.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::finding::LintFinding;
use crate::model::{FindingCode, Severity};

/// Where the finding pages are published: the `repository` of `Cargo.toml`, so moving the
/// project moves this too; `SQS_TRIGGER_DOCS_URL` overrides it (a fork, a mirror). The page of
/// a code is `<base><code>.md`.
pub const DEFAULT_DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/findings/");

pub fn docs_base() -> String {
    std::env::var("SQS_TRIGGER_DOCS_URL")
        .ok()
        .filter(|v| v.starts_with("https://") || v.starts_with("http://"))
        .map(|v| if v.ends_with('/') { v } else { format!("{v}/") })
        .unwrap_or_else(|| DEFAULT_DOCS_URL.to_owned())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF log of lint's findings.
pub fn render(findings: &[LintFinding]) -> Value {
    let base = docs_base();
    let mut rules: BTreeMap<FindingCode, usize> = BTreeMap::new();
    for f in findings {
        let next = rules.len();
        rules.entry(f.finding.code).or_insert(next);
    }
    let mut ordered: Vec<(FindingCode, usize)> = rules.iter().map(|(c, i)| (*c, *i)).collect();
    ordered.sort_by_key(|(_, i)| *i);
    let rule_docs: Vec<Value> = ordered
        .iter()
        .map(|(code, _)| {
            let severity =
                findings.iter().find(|f| f.finding.code == *code).map_or(Severity::Warning, |f| f.finding.severity);
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.as_str().replace('-', " ") },
                "helpUri": format!("{base}{}.md", code.as_str()),
                "help": { "text": format!("See docs/findings/{}.md", code.as_str()) },
                "defaultConfiguration": { "level": level(severity) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut text = f.finding.message.clone();
            if let Some(fix) = &f.finding.remediation {
                text.push_str("\nfix: ");
                text.push_str(fix);
            }
            let mut physical = json!({ "artifactLocation": { "uri": uri(&f.location.file) } });
            if let (Some(line), Some(column)) = (f.location.line, f.location.column) {
                physical["region"] = json!({ "startLine": line, "startColumn": column });
            } else {
                // A plan has no positions: the file's first line, the address says where.
                physical["region"] = json!({ "startLine": 1 });
            }
            json!({
                "ruleId": f.finding.code.as_str(),
                "ruleIndex": rules[&f.finding.code],
                "level": level(f.finding.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": physical,
                    "logicalLocations": [{ "name": f.location.address, "kind": "resource" }],
                }],
                "properties": { "resource": f.finding.resource },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": crate::APP_NAME,
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": base.trim_end_matches('/').trim_end_matches("docs/findings").to_owned(),
                "rules": rule_docs,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    })
}

/// The SARIF log of a run that failed (a file that does not parse, exit 2): no results, and
/// the invocation saying why, so a code-scanning upload step still finds a valid file.
pub fn render_failure(message: &str) -> Value {
    let mut log = render(&[]);
    log["runs"][0]["invocations"] = json!([{
        "executionSuccessful": false,
        "toolExecutionNotifications": [{ "level": "error", "message": { "text": message } }],
    }]);
    log
}

/// A relative path as a URI reference (code scanning resolves it against the checkout);
/// `./` and backslashes dropped, spaces and the like percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    percent_encoding::utf8_percent_encode(path, URI_SET).to_string()
}

const URI_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_uri_points_into_this_repository_at_a_page_that_exists() {
        let base = DEFAULT_DOCS_URL;
        assert!(base.starts_with("https://github.com/sqs-trigger/sqs-trigger/"), "{base}");
        let page = base.split("/blob/main/").nth(1).expect("a blob/main path");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(page);
        assert!(dir.join("check-skipped.md").is_file(), "{} has no finding pages", dir.display());
    }
}
