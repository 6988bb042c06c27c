//! A function's role → its facts: trust policy, inline, attached and managed policies, boundary.

use super::UNRESOLVED_ROLE;
use super::template::{Resource, Template};
use crate::lint::data;
use crate::lint::facts::{Spot, Spots, skipped};
use crate::lint::resolve::Val;
use crate::model::facts::RoleFacts;
use crate::model::{Finding, RoleArn};
use crate::policy::{NamedPolicy, PolicyDocument};

impl Template<'_> {
    /// The role's facts when it is in the file (or SAM's implicit role); None otherwise, with
    /// a note saying why its permissions were not checked.
    pub(super) fn role_of(
        &self,
        f: &Resource,
        role_arn: &RoleArn,
        spots: &mut Spots,
        notes: &mut Vec<(Finding, Spot)>,
    ) -> Option<RoleFacts> {
        let arn_text = role_arn.to_string();
        if arn_text.ends_with(UNRESOLVED_ROLE) {
            return None;
        }
        let implicit = f.kind == "AWS::Serverless::Function" && f.props.get("Role").is_none();
        if implicit {
            spots.role = f.prop_spot("Policies").or_else(|| Some(f.spot()));
            spots.trust = Some(f.spot());
            return self.implicit_role(f, role_arn, notes);
        }
        let Some(r) = self.of_kind("AWS::IAM::Role").find(|r| self.attr(&r.id, "Arn") == Some(arn_text.as_str()))
        else {
            notes.push((
                skipped(arn_text.clone(), format!("role {arn_text} is not defined in this file (its policies)")),
                f.prop_spot("Role").unwrap_or_else(|| f.spot()),
            ));
            return None;
        };
        spots.role = r.prop_spot("Policies").or_else(|| r.prop_spot("ManagedPolicyArns")).or_else(|| Some(r.spot()));
        spots.trust = r.prop_spot("AssumeRolePolicyDocument").or_else(|| Some(r.spot()));
        let role_name = self.env.resources.get(&r.id).and_then(|p| p.reference.clone()).unwrap_or_default();
        let mut policies = Vec::new();
        let mut unknown = Vec::new();
        for p in r.prop("Policies").map(Val::items).unwrap_or_default() {
            let name = p.get("PolicyName").and_then(Val::as_str).unwrap_or("inline").to_owned();
            let doc = p.get("PolicyDocument");
            match self.permissions_document(&format!("inline policy {name}"), doc, notes, spots.role.clone()) {
                Some(doc) => policies.push(doc),
                None => unknown.push(format!("inline policy {name}")),
            }
        }
        for arn in r.prop("ManagedPolicyArns").map(Val::items).unwrap_or_default() {
            match self.managed_policy(arn, notes) {
                Ok(p) => policies.push(p),
                Err(why) => unknown.push(why),
            }
        }
        // AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources that name the role.
        for kind in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"] {
            for p in self.of_kind(kind) {
                let names_role = p.prop("Roles").is_some_and(|roles| {
                    roles
                        .items()
                        .iter()
                        .any(|v| v.as_str() == Some(role_name.as_str()) || v.as_str() == Some(&arn_text))
                });
                if !names_role {
                    continue;
                }
                let label =
                    format!("{} {}", if kind == "AWS::IAM::Policy" { "policy" } else { "managed policy" }, p.id);
                match self.permissions_document(&label, p.prop("PolicyDocument"), notes, p.prop_spot("PolicyDocument"))
                {
                    Some(doc) => policies.push(doc),
                    None => unknown.push(label),
                }
            }
        }
        let boundary = match r.prop("PermissionsBoundary") {
            Some(arn) => match self.managed_policy(arn, notes) {
                Ok(p) => Some(p),
                Err(why) => {
                    unknown.push(format!("permissions boundary: {why}"));
                    None
                }
            },
            None => None,
        };
        let trust = self
            .document(
                &format!("trust policy of {}", r.id),
                r.prop("AssumeRolePolicyDocument"),
                notes,
                spots.trust.clone(),
            )
            .map(|p| p.document);
        if !unknown.is_empty() {
            let spot = if unknown.iter().any(|u| u.starts_with("managed policy")) {
                r.prop_spot("ManagedPolicyArns")
            } else {
                None
            };
            notes.push((
                skipped(arn_text, format!("the permissions of role {}: {}", r.id, unknown.join("; "))),
                spot.or_else(|| spots.role.clone()).unwrap_or_else(|| r.spot()),
            ));
            // Trust can still be checked; permissions cannot.
            return trust.map(|t| RoleFacts {
                arn: role_arn.clone(),
                trust_policy: Some(t),
                policies: vec![NamedPolicy::new("(unresolved)", allow_all())],
                boundary: None,
                policy_names: vec![],
            });
        }
        Some(RoleFacts {
            arn: role_arn.clone(),
            trust_policy: trust,
            policy_names: policies.iter().map(|p| p.name.clone()).collect(),
            policies,
            boundary,
        })
    }

    /// A managed policy by ARN (or SAM's bare name): known as data, or defined in the file.
    pub(super) fn managed_policy(&self, arn: &Val, notes: &mut Vec<(Finding, Spot)>) -> Result<NamedPolicy, String> {
        let Val::Str(arn) = arn else {
            return Err(format!("managed policy: {}", arn.unknown().unwrap_or("not an ARN")));
        };
        if let Some(known) = data::managed(arn) {
            return NamedPolicy::parse(format!("managed policy {}", known.name), known.document)
                .map_err(|e| e.to_string());
        }
        if let Some(p) = self
            .of_kind("AWS::IAM::ManagedPolicy")
            .find(|p| self.env.resources.get(&p.id).and_then(|x| x.reference.as_deref()) == Some(arn.as_str()))
        {
            return self
                .permissions_document(
                    &format!("managed policy {}", p.id),
                    p.prop("PolicyDocument"),
                    notes,
                    p.prop_spot("PolicyDocument"),
                )
                .ok_or_else(|| format!("managed policy {}", p.id));
        }
        Err(format!("managed policy {arn} (not in this file, not known to lint)"))
    }
}

/// A policy that allows everything: stands in for a role whose policies could not all be
/// resolved, so only its trust is checked (its permissions are `check-skipped`).
fn allow_all() -> PolicyDocument {
    PolicyDocument::parse("(unresolved)", r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        .expect("a valid policy")
}
