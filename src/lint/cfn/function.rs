//! A function of the template → its facts: ARN and qualifier, timeout, concurrency, role.

use super::UNRESOLVED_ROLE;
use super::template::{Resource, Template};
use crate::lint::facts::{Spot, Spots, skipped};
use crate::lint::resolve::Val;
use crate::model::facts::FunctionFacts;
use crate::model::{Finding, FunctionArn, RoleArn};

impl Template<'_> {
    pub(super) fn function(
        &self,
        f: &Resource,
        qualifier: Option<&str>,
        spots: &mut Spots,
        notes: &mut Vec<(Finding, Spot)>,
    ) -> Option<FunctionFacts> {
        spots.function = Some(f.spot());
        spots.timeout = f.prop_spot("Timeout");
        spots.reserved = f.prop_spot("ReservedConcurrentExecutions");
        let arn: FunctionArn = self.attr(&f.id, "Arn")?.parse().ok()?;
        let arn = arn.with_qualifier(qualifier);
        let timeout = match f.prop("Timeout") {
            None => 3,
            Some(v) => v.as_i64().and_then(|n| u32::try_from(n).ok()).unwrap_or_else(|| {
                notes.push((
                    skipped(arn.to_string(), format!("Timeout of {}: {}", f.id, v.unknown().unwrap_or("not a number"))),
                    spots.timeout.clone().unwrap_or_else(|| f.spot()),
                ));
                0
            }),
        };
        let reserved = f.prop("ReservedConcurrentExecutions").and_then(Val::as_i64).and_then(|n| i32::try_from(n).ok());
        let role = match f.prop("Role") {
            Some(Val::Str(role)) => role.parse::<RoleArn>().ok().or_else(|| {
                // A role name (SAM accepts ARNs only; be lenient with names of roles in the file).
                self.of_kind("AWS::IAM::Role")
                    .find(|r| self.env.resources.get(&r.id).and_then(|p| p.reference.as_deref()) == Some(role))
                    .and_then(|r| self.attr(&r.id, "Arn")?.parse().ok())
            }),
            Some(other) => {
                notes.push((
                    skipped(
                        arn.to_string(),
                        format!("the role of {}: {}", f.id, other.unknown().unwrap_or("not an ARN")),
                    ),
                    f.prop_spot("Role").unwrap_or_else(|| f.spot()),
                ));
                None
            }
            None if f.kind == "AWS::Serverless::Function" => self.attr(&format!("{}Role", f.id), "Arn")?.parse().ok(),
            None => None,
        };
        let role = match role {
            Some(role) => role,
            None => {
                format!("arn:{}:iam::{}:role/{UNRESOLVED_ROLE}", self.env.partition, self.env.account).parse().ok()?
            }
        };
        let name = arn.name();
        let log_group = match f.prop("LoggingConfig.LogGroup") {
            Some(Val::Str(g)) => g.clone(),
            _ => name.default_log_group(),
        };
        Some(FunctionFacts {
            arn,
            timeout_secs: timeout,
            state: None,
            state_reason: None,
            state_reason_code: None,
            last_update_status: None,
            role,
            runtime: f.prop("Runtime").and_then(Val::as_str).map(str::to_owned),
            reserved_concurrency: reserved,
            log_group,
            logging: Default::default(),
        })
    }
}
