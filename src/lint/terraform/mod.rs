//! Terraform plans (`terraform show -json plan.out`) → the same triggers as a template.
//!
//! Each planned resource (`resource_changes[].change.after`) of the AWS types a trigger is made
//! of is translated into the CloudFormation resource it corresponds to, under its address as the
//! logical id, and the template front end ([`super::cfn`]) links and checks them: one linking
//! code for both. Values the plan does not know yet (`after_unknown`, typical of a first apply:
//! every ARN) are linked through the configuration's references
//! (`configuration…expressions.<attr>.references`, across module calls and `var.*`); what cannot
//! be linked stays unknown and the check that needs it is `check-skipped`, naming the attribute.
//! A plan has no positions: findings name the resource address.

mod links;
mod nodes;
mod references;
#[cfg(test)]
mod tests;
mod translate;

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::cfn::Options;
use super::facts::LintTrigger;
use references::Config;
use translate::Translator;

/// `terraform show -json` output names its versions first.
pub fn looks_like_plan(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.trim_start().starts_with('{')
        && (head.contains("\"terraform_version\"") || head.contains("\"resource_changes\""))
}

/// The triggers of a plan.
pub fn triggers(text: &str, options: &Options) -> Result<Vec<LintTrigger>, String> {
    let plan: Json = serde_json::from_str(text).map_err(|e| format!("{}:{}: {e}", e.line(), e.column()))?;
    let Some(changes) = plan.get("resource_changes").and_then(Json::as_array) else {
        return Err("1:1: not a Terraform plan (no resource_changes): run `terraform show -json plan.out`".into());
    };
    let config = Config::new(plan.get("configuration"));
    let mut plan_resources: BTreeMap<String, Planned> = BTreeMap::new();
    for change in changes {
        if change.get("mode").and_then(Json::as_str) != Some("managed") {
            continue;
        }
        let actions: Vec<&str> = change
            .pointer("/change/actions")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        if actions == ["delete"] {
            continue;
        }
        let (Some(address), Some(kind)) =
            (change.get("address").and_then(Json::as_str), change.get("type").and_then(Json::as_str))
        else {
            continue;
        };
        let after = change.pointer("/change/after").cloned().unwrap_or(Json::Null);
        let unknown = change.pointer("/change/after_unknown").cloned().unwrap_or(Json::Null);
        plan_resources
            .insert(address.to_owned(), Planned { address: address.to_owned(), kind: kind.to_owned(), after, unknown });
    }
    let translator = Translator { resources: &plan_resources, config: &config };
    let template = translator.template();
    Ok(super::cfn::triggers(&template, options))
}

/// One planned resource.
struct Planned {
    address: String,
    kind: String,
    after: Json,
    unknown: Json,
}

/// What an attribute of a planned resource is.
enum Attr<'a> {
    Known(&'a Json),
    /// Known only after apply; what it references (addresses of planned resources).
    Unknown(Vec<(String, Option<String>)>),
    Absent,
}

impl Planned {
    fn attr<'a>(&'a self, config: &Config, name: &str) -> Attr<'a> {
        if self.unknown.get(name).is_some_and(|u| u == &Json::Bool(true)) {
            return Attr::Unknown(config.references(&self.address, name));
        }
        match self.after.get(name) {
            Some(Json::Null) | None => {
                let refs = config.references(&self.address, name);
                if refs.is_empty() { Attr::Absent } else { Attr::Unknown(refs) }
            }
            Some(v) => Attr::Known(v),
        }
    }
}
