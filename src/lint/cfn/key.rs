//! A queue's KMS key → its facts, when the key is defined in the template.

use super::template::Template;
use crate::lint::facts::{Spot, Spots, skipped};
use crate::lint::resolve::Val;
use crate::model::facts::{Encryption, KeyFacts, KeyLookup, KeyManager, QueueFacts};
use crate::model::{Finding, KeyArn};
use crate::policy::PolicyDocument;

impl Template<'_> {
    pub(super) fn key(
        &self,
        queue: &QueueFacts,
        spots: &mut Spots,
        notes: &mut Vec<(Finding, Spot)>,
    ) -> Option<KeyLookup> {
        let Encryption::Kms { key_id } = &queue.encryption else { return None };
        let spot = spots.encryption.clone().unwrap_or_default();
        if key_id.starts_with("(unresolved") {
            notes.push((skipped(queue.arn.to_string(), format!("the KMS key of the queue {key_id}")), spot));
            return None;
        }
        // The key: by id, ARN, or an alias of the file.
        let key_res = self.of_kind("AWS::KMS::Key").find(|k| {
            let p = self.env.resources.get(&k.id);
            p.and_then(|p| p.reference.as_deref()) == Some(key_id.as_str())
                || p.and_then(|p| p.attributes.get("Arn")).map(String::as_str) == Some(key_id.as_str())
        });
        let key_res = key_res.or_else(|| {
            let alias =
                self.of_kind("AWS::KMS::Alias").find(|a| a.prop("AliasName").and_then(Val::as_str) == Some(key_id))?;
            let target = alias.prop("TargetKeyId").and_then(Val::as_str)?;
            self.of_kind("AWS::KMS::Key").find(|k| {
                let p = self.env.resources.get(&k.id);
                p.and_then(|p| p.reference.as_deref()) == Some(target)
                    || p.and_then(|p| p.attributes.get("Arn")).map(String::as_str) == Some(target)
            })
        });
        let Some(k) = key_res else {
            let what = if key_id == "alias/aws/sqs" {
                "the AWS managed key alias/aws/sqs (its ARN and policy exist only in the account)".to_owned()
            } else {
                format!("KMS key {key_id} is not defined in this file (its state and key policy)")
            };
            notes.push((skipped(key_id.clone(), what), spot));
            return None;
        };
        spots.key_policy = k.prop_spot("KeyPolicy").or_else(|| Some(k.spot()));
        spots.key_enabled = k.prop_spot("Enabled").or_else(|| Some(k.spot()));
        let arn: KeyArn = self.attr(&k.id, "Arn")?.parse().ok()?;
        let policy = match k.prop("KeyPolicy") {
            Some(v) => match self.document(&format!("key policy of {}", k.id), Some(v), notes, spots.key_policy.clone()) {
                Some(p) => Ok(p.document),
                None => return None,
            },
            // CloudFormation gives a key without KeyPolicy the default policy: the account
            // root, which delegates to IAM.
            None => PolicyDocument::parse(
                "default key policy",
                &format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:{}:iam::{}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#,
                    self.env.partition, self.env.account
                ),
            )
            .map_err(|e| crate::model::facts::Unreadable {
                kind: crate::model::facts::FactKind::Other,
                cause: Default::default(),
                feeds: &[],
                fact: "default key policy".into(),
                permission: String::new(),
                detail: e.to_string(),
            }),
        };
        let enabled = k.prop("Enabled").and_then(Val::as_bool).unwrap_or(true);
        Some(KeyLookup::Found(KeyFacts {
            arn,
            manager: KeyManager::Customer,
            state: if enabled { "Enabled" } else { "Disabled" }.to_owned(),
            policy,
        }))
    }
}
