//! The report of `role check` and its text: the role, the trust, each permission with who
//! decided it, the findings and a verdict.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::Checked;
use super::fix::{FixAction, FixOutcome};
use crate::checks::role::{self, Decider, PermissionCheck, PermissionVerdict};
use crate::error::ExitStatus;
use crate::model::facts::{Encryption, KeyLookup};
use crate::model::finding::has_errors;
use crate::model::{Finding, FunctionArn, QueueArn, RoleArn};
use crate::output::{Report, Style, count_summary, write_findings};

#[derive(Clone, Debug, Serialize)]
pub struct RoleCheckReport {
    pub role: Option<RoleArn>,
    pub function: Option<FunctionArn>,
    pub queue: Option<QueueArn>,
    pub encryption: Option<String>,
    /// The queue's KMS key (its ARN once resolved), when the queue uses SSE-KMS.
    pub key: Option<String>,
    /// Who decided the role's own policies: `simulator` (iam:SimulatePrincipalPolicy) or
    /// `evaluator` (sqs-trigger's); null when neither could.
    pub decided_by: Option<Decider>,
    /// Why the simulator was not used, when it was not.
    pub simulator_unavailable: Option<String>,
    /// Whether the trust policy lets lambda.amazonaws.com assume the role (null: not read).
    pub trusts_lambda: Option<bool>,
    pub permissions: Vec<PermissionCheck>,
    pub findings: Vec<Finding>,
    /// With --print-policy: the least-privilege inline policy granting what is missing
    /// (null when nothing an inline policy can grant is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixOutcome>,
    /// Every write this command made (with --fix: the role's inline policy).
    pub changed: Vec<crate::commands::Change>,
    #[serde(skip)]
    pub print_policy: bool,
}

impl Report for RoleCheckReport {
    fn render_text(&self, out: &mut dyn Write, style: &Style) -> io::Result<()> {
        if self.print_policy {
            // stdout is the document alone, so `> policy.json` works; notes went to stderr.
            if let Some(policy) = &self.policy {
                writeln!(out, "{}", serde_json::to_string_pretty(policy).unwrap_or_default())?;
            }
            return Ok(());
        }
        let or_unknown = |v: Option<String>| v.unwrap_or_else(|| "(unknown)".into());
        writeln!(out, "role      {}", style.bold(&or_unknown(self.role.as_ref().map(ToString::to_string))))?;
        if let Some(function) = &self.function {
            writeln!(out, "function  {function}")?;
        }
        let encryption = self.encryption.as_deref().map(|e| format!(" ({e})")).unwrap_or_default();
        writeln!(out, "queue     {}{encryption}", or_unknown(self.queue.as_ref().map(ToString::to_string)))?;
        if let Some(key) = &self.key {
            writeln!(out, "key       {key}")?;
        }
        match self.trusts_lambda {
            Some(true) => writeln!(out, "trust     {} lambda.amazonaws.com may assume the role", style.green("✓"))?,
            Some(false) => writeln!(out, "trust     {} lambda.amazonaws.com may not assume the role", style.red("✗"))?,
            None => {}
        }
        if let Some(fix) = &self.fix {
            write_fix(out, style, fix)?;
        }
        let decider = match (self.decided_by, &self.simulator_unavailable) {
            (Some(Decider::Simulator), _) => "iam:SimulatePrincipalPolicy".to_owned(),
            (Some(_), Some(why)) => format!("sqs-trigger's policy evaluator ({why})"),
            (Some(_), None) => "sqs-trigger's policy evaluator".to_owned(),
            (None, _) => "nothing: the role's policies could not be read".to_owned(),
        };
        writeln!(out, "\npermissions, decided by {decider}:")?;
        let width = self.permissions.iter().map(|p| p.action.len()).max().unwrap_or(0);
        for p in &self.permissions {
            let mark = match p.decision {
                PermissionVerdict::Allowed => style.green("✓"),
                PermissionVerdict::Missing | PermissionVerdict::Denied => style.red("✗"),
                PermissionVerdict::Conditional => style.yellow("?"),
                PermissionVerdict::Skipped => style.dim("-"),
            };
            writeln!(out, "  {mark} {:<width$}  {}", p.action, style.dim(&p.resource))?;
            let by = match p.decided_by {
                Some(Decider::KeyPolicy | Decider::QueuePolicy) | None => String::new(),
                Some(d) => format!(" [{}]", d.as_str()),
            };
            match p.decision {
                PermissionVerdict::Missing | PermissionVerdict::Skipped => {
                    writeln!(out, "      {}: {}{by}", p.decision.as_str(), p.reason)?
                }
                _ => writeln!(out, "      {}{by}", p.reason)?,
            }
        }
        if !self.findings.is_empty() {
            writeln!(out, "\nfindings:")?;
            write_findings(out, style, &self.findings)?;
        }
        let allowed = self.permissions.iter().filter(|p| p.decision == PermissionVerdict::Allowed).count();
        writeln!(
            out,
            "\n{}: {allowed} of {} permissions allowed; {}",
            if has_errors(&self.findings) { style.red("role check failed") } else { style.green("role check passed") },
            self.permissions.len(),
            count_summary(&self.findings)
        )
    }

    fn exit_status(&self) -> ExitStatus {
        if has_errors(&self.findings) { ExitStatus::CheckFailed } else { ExitStatus::Success }
    }
}

fn write_fix(out: &mut dyn Write, style: &Style, fix: &FixOutcome) -> io::Result<()> {
    let what = match fix.action {
        FixAction::Created => style.green("created"),
        FixAction::Updated => style.green("updated"),
        FixAction::Unchanged => "unchanged".to_owned(),
        FixAction::Declined => style.yellow("not changed (declined)"),
    };
    writeln!(out, "fix       inline policy {} {what}", style.bold(&fix.policy_name))?;
    for grant in &fix.added {
        writeln!(out, "          + {} on {}", grant.action, grant.resource)?;
    }
    Ok(())
}

pub(super) fn report(
    checked: Checked,
    policy: Option<Value>,
    fix: Option<FixOutcome>,
    print_policy: bool,
) -> RoleCheckReport {
    let facts = &checked.facts;
    let key = match (&facts.key, facts.queue.as_ref().map(|q| &q.encryption)) {
        (Some(Ok(KeyLookup::Found(k))), _) => Some(k.arn.to_string()),
        (_, Some(Encryption::Kms { key_id })) => Some(key_id.clone()),
        _ => None,
    };
    let trusts_lambda = match &facts.role {
        Some(Ok(r)) => r.trust_policy.as_ref().map(|t| crate::policy::trusts_service(t, role::LAMBDA_SERVICE)),
        _ => None,
    };
    RoleCheckReport {
        role: checked.target.role.clone(),
        function: facts.function.as_ref().map(|f| f.arn.clone()),
        queue: checked.target.queue.clone(),
        encryption: facts.queue.as_ref().map(|q| q.encryption.to_string()),
        key,
        decided_by: checked.evaluation.decided_by,
        simulator_unavailable: checked.simulator_unavailable,
        trusts_lambda,
        permissions: checked.evaluation.permissions,
        findings: checked.findings,
        policy,
        fix,
        changed: vec![],
        print_policy,
    }
}
